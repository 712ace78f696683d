"""A generated corpus of hostile OPD files for one Tahap III inbox, with the fate each file must meet.

`build_corpus(inbox, outside)` writes every file (no binary blob is committed: bytes are made here) and returns
`{(path, sheet): Expected}`. `outside` is a folder beside the inbox for the targets of links that must not be
followed. Files are named after what they test; `Expected.rows` is the number of data rows the file holds when
it is readable, so a test can check that no row is lost.

The sample region (Padang Pariaman, period 2027-2036) is the one to validate against.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from bimtek.core.taxonomy import load_taxonomy

HEADER = [
    "OPD",
    "Dimensi",
    "Elemen",
    "Nama Program",
    "Deskripsi",
    "Anggaran (Rp)",
    "Sumber Dana",
    "Tahun Mulai",
    "Tahun Selesai",
]
OPD = ["Dinas Kesehatan", "Dinas Komunikasi dan Informatika", "Bappeda", "DLH", "Dinas PUPR"]
DIMENSIONS = [dimension.label for dimension in load_taxonomy().dimensions]
MiB = 1024 * 1024


@dataclass(frozen=True)
class Expected:
    """The fate of one (file, sheet): its status, optionally a rule among its rejections, a message fragment."""

    status: str
    rule: str | None = None
    message: str | None = None
    rows: int = 0
    """Data rows the file holds (0 for unreadable/empty)."""


def _row(name: str, n: int, **changes: object) -> list[object]:
    """A valid program row; `changes` replace cells by header position name (opd, budget, start, ...)."""
    cells: dict[str, object] = {
        "opd": OPD[n % len(OPD)],
        "dimensi": DIMENSIONS[(n + len(name)) % len(DIMENSIONS)],
        "elemen": "",
        "nama": f"Program {name} {n}",
        "deskripsi": "Layanan untuk warga",
        "budget": 150_000_000 + n,
        "sumber": "APBD",
        "start": 2028,
        "end": 2029,
    }
    cells.update(changes)
    return list(cells.values())


def _rows(name: str, count: int = 2) -> list[list[object]]:
    return [_row(name, n) for n in range(count)]


def _csv(rows: list[list[object]], header: list[str] = HEADER, delimiter: str = ",", newline: str = "\n") -> str:
    lines = [delimiter.join(header)] + [delimiter.join("" if c is None else str(c) for c in r) for r in rows]
    return newline.join(lines) + newline


def _quoted_csv(rows: list[list[object]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _xlsx(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_zip(data: bytes, member: str, edit) -> bytes:
    """The same zip with one member's text changed by `edit` (which must change it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                edited = edit(content.decode("utf-8")).encode("utf-8")
                assert edited != content, f"{member} was not changed"
                content = edited
            target.writestr(info, content)
    return out.getvalue()


def _zip_bomb(path: Path, expanded: int) -> None:
    """A small .xlsx-looking zip whose one sheet expands to `expanded` bytes (written streaming)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * MiB
            for _ in range(expanded // MiB + 1):
                member.write(chunk)


def _json_rows(name: str, count: int = 2) -> list[dict]:
    keys = [
        "opd",
        "dimensi",
        "elemen",
        "nama_program",
        "deskripsi",
        "anggaran",
        "sumber_dana",
        "tahun_mulai",
        "tahun_selesai",
    ]
    return [dict(zip(keys, _row(name, n))) for n in range(count)]


WITH_OUTPUT_SIDE = True
"""Also write the files whose run survives only with the outputs-side sanitisers (a 300-character OPD name that
becomes a feedback file name, NUL/VT control characters in valid cells that reach roadmap.xlsx). Set True once the
publish branch (one name sanitiser, one cell sanitiser) is merged."""


def build_corpus(
    inbox: Path, outside: Path, with_output_side: bool = WITH_OUTPUT_SIDE
) -> dict[tuple[str, str], Expected]:
    """Write the hostile corpus into `inbox` (links point into `outside`); returns the expected fate per table."""
    inbox.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(8)
    cases: dict[tuple[str, str], Expected] = {}

    def put(name: str, data: bytes | str, expected: Expected, sheet: str = "") -> None:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases[(name, sheet)] = expected

    ok2 = Expected("ok", rows=2)

    # --- encodings and CSV dialects (all readable) -------------------------------------------------------------
    put("enc-utf8.csv", _csv(_rows("utf8")), ok2)
    put("enc-utf8-bom.csv", "\ufeff" + _csv(_rows("bom")), ok2)
    put("enc-cp1252.csv", _csv([_row("cp", n, deskripsi="Pelayanan café") for n in range(2)]).encode("cp1252"), ok2)
    put("enc-utf16-bom.csv", codecs.BOM_UTF16_LE + _csv(_rows("u16bom")).encode("utf-16-le"), ok2)
    put("enc-utf16le-nobom.csv", _csv(_rows("u16le")).encode("utf-16-le"), ok2)
    put("enc-utf16be-nobom.csv", _csv(_rows("u16be")).encode("utf-16-be"), ok2)
    put("dialect-semicolon.csv", _csv(_rows("semi"), delimiter=";"), ok2)
    put("dialect-tab.csv", _csv(_rows("tab"), delimiter="\t"), ok2)
    put("dialect-crlf.csv", _csv(_rows("crlf"), newline="\r\n"), ok2)
    put("dialect-title-rows.csv", "Usulan Program OPD\nTahun 2026\n" + _csv(_rows("title")), ok2)
    put(
        "dialect-multiline-cells.csv",
        _quoted_csv([_row("ml", n, deskripsi="baris satu\nbaris, dua") for n in range(2)]),
        ok2,
    )
    put(
        "cell-formula-like.csv",
        _quoted_csv(
            [
                _row("f", 0, deskripsi='=HYPERLINK("http://contoh.invalid","klik")'),
                _row("f", 1, deskripsi="=cmd|' /C calc'!A0"),
                _row("f", 2, deskripsi="\t=1+1"),
                _row("f", 3, deskripsi="@SUM(A1:A9)"),
                _row("f", 4, deskripsi="+62 812"),
            ]
        ),
        Expected("ok", rows=5),
    )
    put(
        "header-duplicate.csv",
        _csv([[*r, "Program kedua"] for r in _rows("duphdr")], header=[*HEADER, "Nama Program"]),
        ok2,
    )

    # --- rows that must be rejected, never crash ---------------------------------------------------------------
    if with_output_side:
        put(
            "opd-300-chars.csv",
            _csv([_row("long", n, opd="Dinas " + "Sangat Panjang " * 20) for n in range(2)]),
            Expected("rejected", "opd_unknown", rows=2),
        )
        put("cell-nul-and-vt.csv", _csv([_row("ctl", n, deskripsi="a\x00b\x0bc") for n in range(2)]), ok2)
    put(
        "budget-huge.csv",
        _csv(
            [
                _row("huge", 0),
                _row("huge", 1, budget="1" + "0" * 28),
                _row("huge", 2, budget=2 * 10**15),
                _row("huge", 3, budget="9" * 400),
            ]
        ),
        Expected("partial", "budget", "batas wajar", rows=4),
    )
    put(
        "budget-nan-infinity.csv",
        _csv([_row("nan", 0, budget="NaN"), _row("nan", 1, budget="Infinity"), _row("nan", 2, budget="-inf")]),
        Expected("rejected", "budget", rows=3),
    )
    put(  # above 5% of the region's APBD: held as questions until answered (test_huge_budgets_... answers them)
        "budget-at-ceiling.csv",
        _csv([_row("ceil", n, budget=10**15) for n in range(2)]),
        Expected("rejected", "perlu_konfirmasi", "Perlu konfirmasi", rows=2),
    )
    put(
        "dates-as-text.csv",
        _csv([_row("dt", 0), _row("dt", 1, start="2028-01-01"), _row("dt", 2, end="31/12/2030")]),
        Expected("partial", "year_range", rows=3),
    )
    put(
        "year-absurd.csv",
        _csv([_row("yr", 0, start=99999999999999999999), _row("yr", 1, end=-5)]),
        Expected("rejected", "year_range", rows=2),
    )
    put(
        "personal-data.csv",
        _csv(
            [
                [
                    *_row("pd", 0),
                    "0812-3456-7890",
                    "budi@contoh.go.id",
                    "197001012000031001",
                    "3171234567890001",
                    "Jl. Melati 1",
                ],
                [
                    *_row("pd", 1, budget="satu juta"),
                    "0812-0000-1111",
                    "sri@contoh.go.id",
                    "198002022005012002",
                    "3171000011112222",
                    "Jl. Mawar 2",
                ],
            ],
            header=[*HEADER, "No HP", "Email", "NIP", "NIK", "Alamat"],
        ),
        Expected("partial", "budget", rows=2),
    )
    put(
        "personal-data.xlsx",
        _xlsx(
            {
                "Data": [
                    [*HEADER, "Telepon/WA", "E-mail PIC", "NIP Pejabat"],
                    [
                        *_row("pdx", 0, dimensi="Smart Nothing"),
                        "+62 811 222 333",
                        "ani@contoh.go.id",
                        "199001012015032003",
                    ],
                ]
            }
        ),
        Expected("rejected", "dimension", rows=1),
        sheet="Data",
    )

    # --- workbooks ---------------------------------------------------------------------------------------------
    put("book-ok.xlsx", _xlsx({"Usulan": [HEADER, *_rows("xl")]}), ok2, sheet="Usulan")
    put("book-macro.xlsm", _xlsx({"Usulan": [HEADER, *_rows("xlsm")]}), ok2, sheet="Usulan")
    merged = openpyxl.load_workbook(io.BytesIO(_xlsx({"Data": [HEADER, *_rows("merge", 3)]})))
    merged["Data"].merge_cells("A2:A3")
    buffer = io.BytesIO()
    merged.save(buffer)
    put("book-merged-cells.xlsx", buffer.getvalue(), Expected("partial", "required", rows=3), sheet="Data")
    put(
        "book-excel-dates.xlsx",
        _xlsx(
            {
                "Data": [
                    HEADER,
                    _row("xd", 0),
                    _row("xd", 1, start=__import__("datetime").datetime(2028, 1, 1)),
                    _row("xd", 2, end=46388),
                ]
            }
        ),
        Expected("partial", "year_range", rows=3),
        sheet="Data",
    )
    put(
        "book-formula-cells.xlsx",
        _xlsx(
            {
                "Data": [
                    HEADER,
                    _row("xf", 0, deskripsi="=1+1"),
                    _row("xf", 1, deskripsi='=HYPERLINK("http://contoh.invalid")'),
                ]
            }
        ),
        Expected("ok", rows=2),
        sheet="Data",
    )
    put(
        "book-two-sheets.xlsx",
        _xlsx({"Data": [HEADER, *_rows("two")], "Catatan lain": [["apa saja"], ["x"]]}),
        ok2,
        sheet="Data",
    )
    cases[("book-two-sheets.xlsx", "Catatan lain")] = Expected("unreadable", message="Baris judul kolom")
    put(
        "book-hidden-sheet.xlsx",
        _xlsx({"Data": [HEADER, *_rows("hid")], "Rahasia": [HEADER, *_rows("rhs")]}, hidden=("Rahasia",)),
        ok2,
        sheet="Data",
    )
    # A hidden sheet is never data, even with a header row: it is named in the report's notes instead.
    put(
        "book-only-instructions.xlsx",
        _xlsx({"Petunjuk": [["Isi lembar berikut"], ["..."]]}),
        Expected("unreadable", message="Baris judul kolom"),
    )
    put(
        "book-declares-a-million-rows.xlsx",
        _rewrite_zip(
            _xlsx({"Data": [HEADER, *_rows("dim")]}),
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<dimension ref="A1:I3"/>', '<dimension ref="A1:XFD1048576"/>'),
        ),
        ok2,
        sheet="Data",
    )
    put("book-empty.xlsx", _xlsx({"Sheet1": []}), Expected("empty"))
    put("book-header-only.xlsx", _xlsx({"Data": [HEADER]}), Expected("empty"), sheet="Data")
    valid_book = _xlsx({"Data": [HEADER, *_rows("trunc")]})
    put("book-truncated.xlsx", valid_book[: len(valid_book) // 2], Expected("unreadable", message="rusak"))
    put("book-not-a-zip.xlsx", bytes(rnd.getrandbits(8) for _ in range(2000)), Expected("unreadable", message="rusak"))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rnd.getrandbits(8) for _ in range(4000))
    put("book-encrypted.xlsx", ole, Expected("unreadable", message="kata sandi"))
    put("book-old.xls", ole, Expected("unreadable", message="(.xls)"))
    put(
        "book-opendocument.ods",
        b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
        Expected("unreadable", message="OpenDocument"),
    )
    wide = openpyxl.Workbook(write_only=True)
    wide_sheet = wide.create_sheet("Lebar")
    wide_sheet.append([*HEADER, *(f"K{i}" for i in range(10_000))])
    wide_sheet.append(_row("wide", 0))
    buffer = io.BytesIO()
    wide.save(buffer)
    put("book-10000-columns.xlsx", buffer.getvalue(), Expected("unreadable", message="kolom"))
    _zip_bomb(inbox / "book-expands-to-201mb.xlsx", 201 * MiB)
    cases[("book-expands-to-201mb.xlsx", "")] = Expected("unreadable", message="terlalu besar setelah dibuka")

    # --- JSON --------------------------------------------------------------------------------------------------
    put("json-list.json", json.dumps(_json_rows("jl")), Expected("ok", rows=2))
    put("json-rows.json", json.dumps({"rows": _json_rows("jr")}), Expected("ok", rows=2))
    put(
        "json-nan-infinity.json",
        '[{"opd": "Dinas Kesehatan", "dimensi": "Smart Living", "nama_program": "Program jn 0", "anggaran": NaN,'
        ' "sumber_dana": "APBD", "tahun_mulai": 2028, "tahun_selesai": 2029},'
        ' {"opd": "Dinas Kesehatan", "dimensi": "Smart Living", "nama_program": "Program jn 1", "anggaran": Infinity,'
        ' "sumber_dana": "APBD", "tahun_mulai": 2028, "tahun_selesai": 2029},'
        ' {"opd": "DLH", "dimensi": "Smart Living", "nama_program": "Program jn 2", "anggaran": 1e400,'
        ' "sumber_dana": "APBD", "tahun_mulai": 2028, "tahun_selesai": 2029, "dampak": -Infinity}]',
        Expected("rejected", "required", rows=3),
    )
    put(
        "json-nested-cells.json",
        json.dumps([{**_json_rows("jc", 1)[0], "deskripsi": {"a": [1, {"b": 2}]}}]),
        Expected("ok", rows=1),
    )
    put("json-deep-100000.json", "[" * 100_000 + "]" * 100_000, Expected("unreadable", message="bersarang"))
    put(
        "json-deep-30.json",
        json.dumps([{"opd": "DLH", "x": json.loads("[" * 28 + "]" * 28)}]),
        Expected("unreadable", message="bersarang"),
    )
    put("json-invalid.json", '[{"opd": "DLH",}', Expected("unreadable", message="penulisan JSON salah"))
    put("json-scalar.json", "42", Expected("unreadable", message="daftar objek"))
    put("json-list-of-lists.json", "[[1, 2], [3, 4]]", Expected("unreadable", message="bukan objek"))
    put("json-empty-list.json", "[]", Expected("empty"))
    put(
        "json-cp1252.json",
        json.dumps(_json_rows("jcp"), ensure_ascii=False).replace("Layanan", "Café").encode("cp1252"),
        Expected("unreadable", message="UTF-8"),
    )
    put(
        "json-5000-digit-number.json",
        '[{"opd": "DLH", "anggaran": ' + "9" * 5000 + "}]",
        Expected("unreadable", message="angka yang terlalu panjang"),
    )

    # --- CSV that cannot be a table ----------------------------------------------------------------------------
    put("csv-empty.csv", b"", Expected("empty"))
    put("csv-bom-only.csv", "\ufeff", Expected("empty"))
    put("csv-white-space.csv", "  \n\n \t\n", Expected("empty"))
    put("csv-header-only.csv", _csv([]), Expected("empty"))
    put("csv-no-header.csv", "ini bukan tabel\nhanya catatan rapat\n", Expected("unreadable", message="Baris judul"))
    put("csv-binary-junk.csv", bytes(rnd.getrandbits(8) for _ in range(5000)), Expected("unreadable", message="biner"))
    put(
        "csv-really-png.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.getrandbits(8) for _ in range(3000)),
        Expected("unreadable", message="biner"),
    )
    put("csv-really-xlsx.csv", valid_book, Expected("unreadable", message="biner"))
    put(
        "csv-10000-columns.csv",
        _csv([[*_row("w", 0), *range(10_000)]], header=[*HEADER, *(f"K{i}" for i in range(10_000))]),
        Expected("unreadable", message="kolom"),
    )
    put(
        "csv-50001-rows.csv",
        _csv([_row("many", n) for n in range(50_001)]),
        Expected("unreadable", message="baris data"),
    )
    with open(inbox / "csv-26mb.csv", "wb") as handle:  # sparse: refused by its size before any byte is read
        handle.truncate(26 * MiB)
    cases[("csv-26mb.csv", "")] = Expected("unreadable", message="terlalu besar")

    # --- names, links and odd entries --------------------------------------------------------------------------
    put("name\\with\\back-slashes.csv", _csv(_rows("bs")), ok2)
    put('name with spaces, "quotes" & (2).csv', _csv(_rows("sp")), ok2)
    put("name-emoji-🙂-ñ.csv", _csv(_rows("emoji")), ok2)
    put("name-with\nnewline.csv", _csv(_rows("nl")), ok2)
    put("n" * 200 + ".csv", _csv(_rows("longname")), ok2)
    put("sub/folder/nested.csv", _csv(_rows("nested")), ok2)
    hidden = Expected("unreadable", message="Berkas tersembunyi atau sementara")  # reported, never read
    put(".hidden.csv", _csv(_rows("hidden")), hidden)
    put(".rahasia.csv", _csv(_rows("rahasia")), hidden)
    put("~$lock.xlsx", b"lock", hidden)
    put(".~lock.Program.xlsx#", b"lock,user", hidden)
    put("sub/.DS_Store", bytes(16), hidden)
    put(".git/config", "[core]", Expected("absent"))
    cases[(".git", "")] = hidden  # a hidden folder is reported once, not descended into
    put("notes.txt", "catatan rapat", Expected("unreadable", message="teks biasa"))
    put("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(50), Expected("unreadable", message="tidak didukung"))
    put("README", "tanpa akhiran", Expected("unreadable", message="tidak didukung"))
    (outside / "secret.csv").write_text(_csv(_rows("secret")), encoding="utf-8")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "inner.csv").write_text(_csv(_rows("inner")), encoding="utf-8")
    for name, target in (
        ("link-outside.csv", outside / "secret.csv"),
        ("link-passwd.csv", Path("/etc/passwd")),
        ("link-folder-outside", outside / "folder"),
    ):
        os.symlink(target, inbox / name)
        cases[(name, "")] = Expected("unreadable", message="di luar folder input")
    os.symlink(inbox / "missing-target.csv", inbox / "link-dangling.csv")
    cases[("link-dangling.csv", "")] = Expected("unreadable", message="hilang")
    os.symlink("enc-utf8.csv", inbox / "link-inside.csv")
    cases[("link-inside.csv", "")] = Expected("rejected", "duplicate", rows=2)
    os.mkfifo(inbox / "pipe.csv")
    cases[("pipe.csv", "")] = Expected("unreadable", message="bukan berkas biasa")
    return cases
