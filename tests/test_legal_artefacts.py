"""The legal and presentation documents of the sample's published set, read in every format a reader gets (Markdown,
HTML, PDF, Word): no process artefact (bimtek.core.legal.PROCESS_ARTEFACTS), no DRAFT mark (the sample's region
file is complete), letters with a kop and unique numbers, and the Perbup's PDF in the bundled fonts.

The documents of this check: the Rancangan Perbup with its Lampiran, the commitment sheets and the letters to the
OPD of every stage. The executive summary and the rakor deck are legal/presentation documents too
(`LEGAL_DOCUMENTS`); their text is being rewritten on branch wt-masterplan, and they join `CHECKED` there.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bimtek.core.legal import DRAFT_MARK, is_legal_document, process_artefacts

CHECKED = ("buku/rancangan-perbup", "komitmen/lembar-komitmen-", "umpan-balik/umpan-balik-")
"""Key prefixes of the legal documents this test reads (see module doc)."""
FORMATS = (".md", ".html", ".pdf", ".docx")


def _text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if path.suffix == ".docx":
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", xml))
    text = data.decode("utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\\(.)", r"\1", text)


@pytest.fixture(scope="module")
def legal_files(sample_store) -> dict[str, Path]:
    """Run-relative key (prefixed with the stage) -> file, for every checked legal document of every stage."""
    found = {}
    for stage in (1, 2, 3, 4):
        run = sample_store.run_dir(stage)
        for path in sorted(run.rglob("*")):
            key = path.relative_to(run).as_posix()
            if path.suffix in FORMATS and key.startswith(CHECKED):
                assert is_legal_document(key)
                found[f"tahap-{stage}/{key}"] = path
    return found


def test_every_format_of_the_perbup_sheets_and_letters_exists(legal_files):
    stems = {key.rsplit(".", 1)[0] for key in legal_files}
    assert "tahap-4/buku/rancangan-perbup" in stems
    assert sum(1 for s in stems if "/komitmen/" in s) >= 30
    letters = [s for s in stems if "/umpan-balik/" in s]
    assert letters
    for stem in stems:
        for suffix in (".html", ".pdf", ".docx"):
            assert f"{stem}{suffix}" in legal_files, f"{stem}{suffix}"


def test_no_process_artefact_and_no_draft_mark_in_any_legal_document(legal_files):
    found = {}
    for key, path in legal_files.items():
        text = _text(path)
        artefacts = process_artefacts(text)
        if artefacts or DRAFT_MARK in text:
            found[key] = artefacts or [DRAFT_MARK]
    assert found == {}


def test_letter_numbers_are_unique_across_the_stages(legal_files):
    numbers = []
    for key, path in legal_files.items():
        if "/umpan-balik/" in key and key.endswith(".html"):
            text = _text(path)
            assert "PEMERINTAH KABUPATEN PADANG PARIAMAN" in text and "Tembusan" in text
            numbers += re.findall(r"Nomor\s*:\s*(\S+)", text)
    assert numbers and len(numbers) == len(set(numbers)), numbers


def test_perbup_pdf_uses_the_bundled_fonts(legal_files):
    reader = PdfReader(legal_files["tahap-4/buku/rancangan-perbup.pdf"])
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # "Times New Roman" is no font of this machine: the @font-face rules served the bundled Liberation Serif
    assert any(name.startswith("Times-New-Roman") for name in fonts), fonts
