"""A stage run delivers its books as PDF and DOCX (opened with the libraries users' tools rely on) plus feedback."""

import io
import json
import shutil

import pytest

from bimtek.core.paths import SAMPLE_DIR
from bimtek.core.settings import get_settings
from bimtek.core.taxonomy import load_taxonomy
from flows.outcomes import flow_result

REGION = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
INBOX = SAMPLE_DIR / "padang-pariaman" / "inputs" / "tahap-3"
FILES = ["usulan-program-dinas-kesehatan.xlsx", "usulan-program-dpmn.csv", "usulan-program-diskominfo.xlsx"]


@pytest.fixture(scope="module")
def run_dir(prefect_harness, tmp_path_factory):
    from flows.tahap_3 import tahap_3

    inbox = tmp_path_factory.mktemp("inbox")
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)
    store = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BIMTEK_DOCUMENT_FORMATS", "pdf,docx")
        get_settings.cache_clear()
        try:
            flow_result(
                tahap_3(region=str(REGION), inputs=str(inbox), store=str(store), run_id="dok", return_state=True)
            )
        finally:
            get_settings.cache_clear()
    return store / "padang-pariaman" / "tahap-3" / "dok"


def test_pdf_has_region_and_six_dimensions(run_dir):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO((run_dir / "buku" / "buku-2-masterplan.pdf").read_bytes()))
    assert 5 <= len(reader.pages) <= 60
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Padang Pariaman" in text
    for dimension in load_taxonomy().dimensions:
        assert dimension.label in text


def test_docx_has_headings_and_tables(run_dir):
    import docx

    document = docx.Document(str(run_dir / "buku" / "buku-2-masterplan.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("BAB I" in h for h in headings)
    assert len(document.tables) >= 6


def test_feedback_for_each_opd_with_rejections(run_dir):
    report = json.loads((run_dir / "validation" / "report.json").read_text(encoding="utf-8"))
    assert report["rows_rejected"] > 0
    letters = sorted(p.name for p in (run_dir / "umpan-balik").glob("umpan-balik-*.html"))
    assert letters, "no feedback letter written"
    overview = (run_dir / "umpan-balik" / "ringkasan-pengiriman.html").read_text(encoding="utf-8")
    assert "belum mengirim" in overview


def test_manifest_lists_documents(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    keys = {e["path"] for e in manifest["outputs"]}
    assert {
        "buku/buku-2-masterplan.pdf",
        "buku/buku-2-masterplan.docx",
        "umpan-balik/ringkasan-pengiriman.xlsx",
    } <= keys
