"""Tahap IV commitment sheets: one per OPD that owns a roadmap program, and the regional head's."""

from __future__ import annotations

import pandas as pd

from bimtek.analysis import finalisation as fin
from bimtek.analysis.summary import table_rows
from bimtek.books.templating import render_book
from bimtek.core.legal import LegalGap
from bimtek.core.region import Region
from bimtek.core.sanitise import NAME_MAX_BYTES, unique_names
from bimtek.core.vocabularies import SIGNED
from bimtek.stages.tahap_4.context import with_years

HEAD_SLUG = "kepala-daerah"
SHEET_TEMPLATE = "lembar-komitmen.md.j2"


def sheet_opd(roadmap: pd.DataFrame, region: Region) -> list[str]:
    """OPD that get a commitment sheet: those of the roadmap (region list order first), else the region's list."""
    names = list(dict.fromkeys(roadmap["opd"].tolist()))
    return fin.opd_order(names, region.opd_names) if names else list(region.opd_names)


def commitment_sheets(context: dict, roadmap: pd.DataFrame, region: Region) -> dict[str, dict]:
    """File slug -> the `sheet` entry of the commitment-sheet template (one per OPD, then the regional head)."""
    rows = with_years(table_rows(roadmap))
    status = {r["opd"]: r for r in context["commitments"]["rows"]}
    sheets: dict[str, dict] = {}
    owners = sheet_opd(roadmap, region)
    names = unique_names(owners, fallback="opd", max_bytes=NAME_MAX_BYTES - len("lembar-komitmen-"), taken=[HEAD_SLUG])
    for opd in owners:
        programs = sorted((r for r in rows if r["opd"] == opd), key=lambda r: r["peringkat"])
        signer = status.get(opd, {})
        sheets[names[opd]] = {
            "kind": "opd",
            "opd": opd,
            "pejabat": signer.get("pejabat"),
            "jabatan": signer.get("jabatan") or f"Kepala {opd}",
            "tanggal": signer.get("tanggal") if signer.get("status") == SIGNED else None,
            "programs": programs,
            "anggaran": sum(r["anggaran"] for r in programs),
            "quick_wins": [q for q in context["quick_wins"]["rows"] if q["opd"] == opd],
            "nip": signer.get("nip"),
        }
    sheets[HEAD_SLUG] = {
        "kind": "kepala_daerah",
        "opd": f"{context['region']['head']} {context['region']['short_name']}",
        "pejabat": None,
        "jabatan": f"{context['region']['head']} {context['region']['short_name']}",
        "tanggal": None,
        "programs": [],
        "anggaran": context["summary"]["anggaran"],
        "quick_wins": context["quick_wins"]["rows"],
    }
    return sheets


def commitment_files(context: dict, roadmap: pd.DataFrame, region: Region) -> dict[str, bytes]:
    """Markdown + HTML of every commitment sheet (komitmen/lembar-komitmen-<slug>)."""
    files: dict[str, bytes] = {}
    words = context["region"]
    draft = sheet_gaps(context)
    for slug, sheet in commitment_sheets(context, roadmap, region).items():
        title = f"Lembar Komitmen Smart City {words['name']} - {sheet['opd']}"
        markdown_text, html = render_book(SHEET_TEMPLATE, {**context, "sheet": sheet, "draft": draft}, title)
        key = f"komitmen/lembar-komitmen-{slug}"
        files[f"{key}.md"], files[f"{key}.html"] = markdown_text.encode("utf-8"), html.encode("utf-8")
    return files


def sheet_gaps(context: dict) -> list[str]:
    """What every commitment sheet misses from the region file (the sheet is then a DRAFT): the regional head's
    name, the ibu kota."""
    return [gap.missing for gap in commitment_gaps(context)]


def commitment_gaps(context: dict) -> list[LegalGap]:
    """`sheet_gaps` as LegalGap, with the region-file key that fills each (for the outcome and the portal)."""
    words = context["region"]
    wanted = [
        (f"nama {words['head']} {words['short_name']}", "officials.head", words["officials"].get("head") is None),
        (
            f"ibu kota {words['kind']} {words['short_name']} (tempat penandatanganan)",
            "capital",
            not words["capital"],
        ),
    ]
    return [LegalGap("Lembar komitmen", what, where) for what, where, missing in wanted if missing]


def commitment_note(context: dict) -> str:
    """The run note on signatures, counting only the OPD that got a sheet (those owning a program)."""
    c = context["commitments"]["owners"]
    return (
        f"Lembar komitmen ditandatangani {c['signed']} dari {c['total']} OPD pemilik program; "
        f"{len(c['unsigned'])} OPD pemilik program belum (daftar lengkap: komitmen/belum_tanda_tangan.csv)."
    )
