"""The PDF renderer fetches nothing but bundled assets, whatever the HTML asks for."""

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from core.pdf import render_pdf, safe_url_fetcher_class


@pytest.fixture
def canary_server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()


def text_of(pdf_bytes):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_renders_plain_html_to_a_readable_pdf():
    pdf = render_pdf(html="<h1>What we did</h1><p>Case One learning.</p>")
    assert "What we did" in text_of(pdf)


def test_file_and_network_urls_are_never_fetched(canary_server):
    port, hits = canary_server
    html = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        '<img src="file:///etc/passwd">'
        f'<img src="http://127.0.0.1:{port}/pixel.png">'
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">Text</p>'
    )
    css = f'@import url("http://127.0.0.1:{port}/import.css"); body {{ background: url("file:///etc/hostname") }}'
    pdf = render_pdf(html=html, css=css)
    assert hits == []
    assert "root:" not in text_of(pdf)


def test_fetcher_refuses_paths_outside_the_asset_folder():
    fetcher = safe_url_fetcher_class()()
    with pytest.raises(ValueError):
        fetcher.fetch("pscb-asset:/../manage.py")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.fetch("pscb-asset:/css/app.css").read().startswith(b"/*")
