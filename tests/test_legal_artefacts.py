"""The legal and presentation documents of the sample's published set, read in every format a reader gets (Markdown,
HTML, PDF, Word): no process artefact (bimtek.core.legal.PROCESS_ARTEFACTS), no DRAFT mark (the sample's region
file is complete; only the Perbup, whose masterplan still has gaps), letters with a kop and unique numbers, and the Perbup's PDF in the bundled fonts.

The documents of this check (`LEGAL_DOCUMENTS`): the Rancangan Perbup with its Lampiran, the executive summary, the
rakor deck (Markdown, HTML, PDF and the PowerPoint slides), the commitment sheets and the letters to the OPD of every
stage. A Markdown link or image target (the chart file a page shows) is no text a reader sees: it is left out.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from bimtek.core.legal import DRAFT_MARK, is_legal_document, markup_leaks, process_artefacts
from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.region import load_region
from bimtek.stages.deliverables import document_formats

LETTERS = "umpan-balik/umpan-balik-"
CHECKED = (
    "buku/rancangan-perbup",
    "buku/ringkasan-eksekutif",
    "rakor/paket-rakor",
    "komitmen/lembar-komitmen-",
    LETTERS,
)
"""Key prefixes of the legal documents this test reads (see module doc)."""
PRINTED = (
    "buku/rancangan-perbup",
    "buku/ringkasan-eksekutif",
    "rakor/paket-rakor",
    "komitmen/lembar-komitmen-kepala-daerah",
    "komitmen/lembar-komitmen-dinas-kesehatan",
)
"""Documents also printed here as PDF and Word (the flow tests switch printing off for speed), with every letter."""


def _text(key: str, data: bytes) -> str:
    if key.endswith(".pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if key.endswith((".docx", ".pptx")):
        package = zipfile.ZipFile(io.BytesIO(data))
        parts = [n for n in package.namelist() if re.fullmatch(r"word/document\.xml|ppt/slides/slide\d+\.xml", n)]
        xml = " ".join(package.read(name).decode("utf-8") for name in parts)
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", xml))
    text = data.decode("utf-8")
    if key.endswith(".html"):
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # a link or image target is not shown
    return re.sub(r"\\(.)", r"\1", text)


@pytest.fixture(scope="module")
def legal_files(sample_store) -> dict[str, bytes]:
    """ "tahap-N/<key>" -> bytes of every checked legal document of every stage (.md, .html), and its PDF and Word
    files for the letters and `PRINTED`."""
    region = load_region(SAMPLE_DIR / "padang-pariaman" / "region.yaml")
    found: dict[str, bytes] = {}
    for stage in (1, 2, 3, 4):
        run = sample_store.run_dir(stage)
        files = {
            path.relative_to(run).as_posix(): path.read_bytes()
            for path in sorted(run.rglob("*"))
            if path.suffix in (".md", ".html", ".pptx") and path.relative_to(run).as_posix().startswith(CHECKED)
        }
        assert all(is_legal_document(key) for key in files)
        printed = {k: v for k, v in files.items() if k.endswith(".html") and k.startswith((*PRINTED, LETTERS))}
        files.update(document_formats(printed, region, stage, ["pdf", "docx"]))
        found.update({f"tahap-{stage}/{key}": data for key, data in files.items()})
    return found


def test_every_format_of_the_perbup_summary_deck_sheets_and_letters_exists(legal_files):
    stems = {key.rsplit(".", 1)[0] for key in legal_files}
    assert sum(1 for s in stems if "/komitmen/" in s) >= 30
    letters = [s for s in stems if "/umpan-balik/" in s]
    assert letters
    for stem in [*letters, *(f"tahap-4/{key}" for key in PRINTED)]:
        for suffix in (".md" if "/umpan-balik/" not in stem else ".html", ".pdf", ".docx"):
            assert f"{stem}{suffix}" in legal_files, f"{stem}{suffix}"
    assert "tahap-4/rakor/paket-rakor.pptx" in legal_files


def test_no_process_artefact_and_no_draft_mark_in_any_legal_document(legal_files):
    """No legal document shows a process artefact or Markdown/HTML syntax. None is DRAFT but the Perbup: the
    sample's region file is complete, but its masterplan is not (chapters under review, programs without baseline),
    so the Perbup, and only it, is DRAFT, in every format."""
    found = {}
    for key, data in legal_files.items():
        text = _text(key, data)
        artefacts = process_artefacts(text)
        perbup = "/buku/rancangan-perbup." in key
        if artefacts or (DRAFT_MARK in text) != perbup:
            found[key] = artefacts or [DRAFT_MARK]
        if key.endswith((".html", ".pdf")):
            assert markup_leaks(text) == [], key
    assert found == {}


def test_letter_numbers_are_unique_across_the_stages(legal_files):
    numbers = []
    for key, data in legal_files.items():
        if "/umpan-balik/" in key and key.endswith(".html"):
            text = _text(key, data)
            assert "PEMERINTAH KABUPATEN PADANG PARIAMAN" in text and "Tembusan" in text
            numbers += re.findall(r"Nomor\s*:\s*(\S+)", text)
    assert numbers and len(numbers) == len(set(numbers)), numbers


def test_perbup_pdf_uses_the_bundled_fonts(legal_files):
    reader = PdfReader(io.BytesIO(legal_files["tahap-4/buku/rancangan-perbup.pdf"]))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # "Times New Roman" is no font of this machine: the @font-face rules served the bundled Liberation Serif
    assert any(name.startswith("Times-New-Roman") for name in fonts), fonts
