"""Deliverables every stage adds around its own drafts: PDF/DOCX of each HTML book, and feedback to the OPD.

A stage builder returns Markdown + HTML documents; this module turns every HTML document under the book folders
into PDF and Word files (same Jinja content, charts embedded), and writes per-OPD feedback plus the coordinator's
submission overview from the validation report.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from collections.abc import Iterable

import pandas as pd

from bimtek.core.legal import is_legal_document
from bimtek.core.model import ValidationReport
from bimtek.core.region import Region
from bimtek.stages.previous import STAGE_NAMES

DOCUMENT_FOLDERS = ("buku/", "komitmen/", "rakor/")
"""Folders of a run whose .html files are books or sheets people print and edit."""
LETTER_PREFIX = "umpan-balik/umpan-balik-"
"""Letters to the OPD (naskah dinas): printed as PDF and DOCX beside their HTML, without cover and contents."""
SHEET_FOLDERS = ("komitmen/", LETTER_PREFIX)
"""Folders of one-page sheets: printed without cover and contents."""
MONEV_LETTER_FOLDER = "buku/surat-monev/"
"""Monev letters to the OPD (naskah dinas like the feedback letters)."""
SHORT_DOCUMENTS = (*SHEET_FOLDERS, "buku/ringkasan-eksekutif", "rakor/", MONEV_LETTER_FOLDER)
"""Documents printed without cover and contents: one-page sheets, the executive summary and the rakor deck."""
_LAYOUT = re.compile(r'<div class="layout-(?:legal|sheet)">')
"""Documents in a legal or sheet layout (templates/base.html.j2) print without cover and contents too."""

_IMG_SRC = re.compile(r'src="(\.\./[^"]+\.png)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _title_of(html: str, fallback: str) -> str:
    """The document's <title> as plain text (entities decoded: the PDF and DOCX covers escape it themselves, so a
    region name with `<` or `&` is not shown as `&lt;`), without the synthetic-data notice (the cover prints that
    notice on its own)."""
    from bimtek.core.vocabularies import SYNTHETIC_NOTICE

    match = _TITLE.search(html)
    if not match:
        return fallback
    title = re.sub(r"\s+", " ", html_lib.unescape(match.group(1))).replace(f"({SYNTHETIC_NOTICE})", "")
    return title.strip()


def embed_images(html: str, files: dict[str, bytes], folder: str) -> str:
    """Replace relative PNG references (e.g. ../grafik/x.png from buku/) by data URIs of the run's own files."""

    def _data_uri(match: re.Match) -> str:
        key = _resolve(folder, match.group(1))
        data = files.get(key)
        if data is None:
            return match.group(0)
        return f'src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"'

    return _IMG_SRC.sub(_data_uri, html)


def _resolve(folder: str, relative: str) -> str:
    parts = [p for p in folder.strip("/").split("/") if p]
    for piece in relative.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


_STAGE_META = re.compile(r'<meta name="bimtek-stage" content="([^"]*)">')


def _stage_of(html: str) -> str | None:
    """The stage label a book states for itself (bimtek.books.buku_2.render_book), None when it states none."""
    match = _STAGE_META.search(html)
    return html_lib.unescape(match.group(1)) if match else None


def document_keys(files: dict[str, bytes]) -> list[str]:
    """The HTML documents of a run that get PDF/DOCX siblings."""
    return sorted(k for k in files if k.endswith(".html") and k.startswith((*DOCUMENT_FOLDERS, LETTER_PREFIX)))


def document_formats(files: dict[str, bytes], region: Region, stage: int, formats: Iterable[str]) -> dict[str, bytes]:
    """PDF and/or DOCX for every HTML document in `files` (keys: same path with .pdf / .docx)."""
    from bimtek.documents import book_docx, book_pdf

    wanted = set(formats)
    extra: dict[str, bytes] = {}
    for key in document_keys(files):
        folder = key.rsplit("/", 1)[0] + "/"
        html = embed_images(files[key].decode("utf-8"), files, folder)
        stage_label = f"{_stage_of(html) or STAGE_NAMES.get(stage, 'Monev')} Bimtek Smart City"
        options = dict(
            title=_title_of(html, key),
            region_name=region.name,
            stage_label=stage_label,
            synthetic=region.synthetic,
            front_matter=not (key.startswith(SHORT_DOCUMENTS) or _LAYOUT.search(html)),
            official=is_legal_document(key),
        )
        stem = key[: -len(".html")]
        if "pdf" in wanted:
            extra[f"{stem}.pdf"] = book_pdf(html, **options)
        if "docx" in wanted:
            extra[f"{stem}.docx"] = book_docx(html, **options)
    return extra


def feedback_files(
    report: ValidationReport,
    results: list,
    region: Region,
    stage: int,
    numbers: list[int] | None = None,
    semester: str | None = None,
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Per-OPD feedback letters (HTML + xlsx) and the coordinator's submission overview, under umpan-balik/;
    also returns the overview table (one row per OPD). `numbers`: letter numbers claimed in the store
    (bimtek.books.feedback.letter_recipients order), else 1, 2, ... within the run. `semester`: the monev semester
    of a stage-5 run (dates the letters from the monev calendar)."""
    from bimtek.books.feedback import (
        feedback_by_opd,
        overview_html,
        overview_xlsx,
        submission_overview,
    )

    files: dict[str, bytes] = {}
    for doc in feedback_by_opd(report, results, region, stage, numbers, semester).values():
        files.update({f"umpan-balik/{name}": data for name, data in doc.files().items()})
    overview = submission_overview(report, results, region)
    files["umpan-balik/ringkasan-pengiriman.html"] = overview_html(overview, region).encode("utf-8")
    files["umpan-balik/ringkasan-pengiriman.xlsx"] = overview_xlsx(overview, region)
    return files, overview
