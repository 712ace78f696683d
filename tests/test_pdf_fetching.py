"""The PDF renderer fetches nothing but the run's own images, and user text cannot reach its CSS or HTML."""

from __future__ import annotations

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from bimtek.documents import book_pdf
from bimtek.documents.pdf import css_string, run_image_fetcher

MARKER = "RAHASIA-LOKAL-7f3a"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener():
    """A loopback HTTP server that counts every request it receives."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def _render(html: str, region_name: str = "Kabupaten Contoh"):
    fetcher = run_image_fetcher()
    data = book_pdf(
        html, title="Buku Uji", region_name=region_name, stage_label="Tahap III", synthetic=False, fetcher=fetcher
    )
    return PdfReader(io.BytesIO(data)), fetcher


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_renderer_fetches_no_file_no_network_and_embeds_no_attachment(tmp_path, listener):
    secret = tmp_path / "rahasia.txt"
    secret.write_text(MARKER)
    base, hits = listener
    png_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    html = f"""<html><head>
<link rel="stylesheet" href="{base}/gaya.css">
<link rel="attachment" href="{secret.as_uri()}">
<link rel="attachment" href="file:///etc/hostname">
<style>@import url("{base}/impor.css"); p {{ background: url("{secret.as_uri()}"); }}</style>
</head><body><h1>Bab</h1><p>Isi.</p>
<img src="file:///etc/hostname"><img src="{base}/x.png"><img src="http://127.0.0.1:9/x">
<a rel="attachment" href="{secret.as_uri()}">lampiran</a>
<iframe src="{secret.as_uri()}"></iframe><object data="{secret.as_uri()}"></object>
<img src="data:text/html;base64,{base64.b64encode(MARKER.encode()).decode()}">
<img src="{png_uri}" alt="grafik run">
</body></html>"""
    reader, fetcher = _render(html)
    assert hits == [], "no request may reach the network"
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert MARKER not in _text(reader)
    refused = " ".join(fetcher.refused)
    for url in (secret.as_uri(), "file:///etc/hostname", f"{base}/gaya.css", "http://127.0.0.1:9/x", "data:text/html"):
        assert url in refused
    assert sum(len(page.images) for page in reader.pages) >= 1, "the run's own (data:) image is still drawn"


def test_region_name_cannot_close_the_page_style(tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text(MARKER)
    hostile = f'Kab. "X" </style><link rel=attachment href={secret.as_uri()}><style>'
    reader, fetcher = _render("<h1>Bab</h1><p>Isi.</p>", region_name=hostile)
    assert reader.attachments == {}
    assert fetcher.refused == [], "the link never became an element, so nothing was even asked for"
    assert "</style><link rel=attachment" in _text(reader).replace("\n", " "), "the name is shown as text"


@pytest.mark.parametrize("text", ["</style>", 'a"b', "a'b", "back\\slash", "new\nline", "x\x00y", "<!--", "]]>"])
def test_css_string_leaves_no_markup_or_quote(text):
    quoted = css_string(text)
    inner = quoted[1:-1]
    assert quoted.startswith('"') and quoted.endswith('"')
    assert not any(char in inner for char in "<>\"'\x00&")
    assert "\\" not in inner.replace("\\", "") and inner.count("\\") == sum(1 for c in inner if c == "\\")
