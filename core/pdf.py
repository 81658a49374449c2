"""Safe PDF rendering with WeasyPrint. Every PDF the system makes goes through render_pdf().

WeasyPrint's own documentation warns that untrusted HTML can read local files and reach the network.
User text is escaped by the templates, and on top of that the renderer gets a URL fetcher that serves
only the project's bundled assets (``pscb-asset:/path`` under ``static/``) and ``data:`` URLs, with no
redirects, and refuses everything else: no ``file://``, no http(s), no ftp.
"""

import base64
import mimetypes
import urllib.parse
from pathlib import Path

from django.conf import settings

from core.text import clean

ASSET_SCHEME = "pscb-asset:"


def asset_root():
    return (Path(settings.BASE_DIR) / "static").resolve()


def _weasyprint():
    import weasyprint  # imported lazily: the web process starts without Pango loaded

    return weasyprint


def safe_url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Serves bundled assets and data: URLs only; raises for every other URL."""

        def __init__(self):
            super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
            self.refused = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return self._data(url)
            if url.startswith(ASSET_SCHEME):
                return self._asset(url)
            self.refused.append(url)
            raise ValueError(f"Refused to fetch {url[:80]!r}: only bundled assets may be used in a PDF.")

        def _data(self, url):
            header, _, payload = url[5:].partition(",")
            mime = header.split(";")[0] or "text/plain"
            body = (
                base64.b64decode(payload)
                if header.endswith(";base64")
                else urllib.parse.unquote_to_bytes(payload)
            )
            return URLFetcherResponse(url, body, {"Content-Type": mime})

        def _asset(self, url):
            relative = urllib.parse.unquote(url[len(ASSET_SCHEME) :].split("?")[0].split("#")[0]).lstrip("/")
            root = asset_root()
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                self.refused.append(url)
                raise ValueError(f"No bundled asset {relative!r}.")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return SafeURLFetcher


def render_pdf(*, html, css="", base_url=f"{ASSET_SCHEME}/", pdf_variant=None, metadata=None):
    """Render an HTML string (already escaped) to PDF bytes, fetching only bundled assets.

    css: extra stylesheet text, passed as a string (never a URL).
    pdf_variant: e.g. "pdf/ua-1" for a tagged, accessible PDF.
    """
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    # The one normalisation (core.text.clean): text saved since it was introduced is already clean;
    # anything older is printed exactly as the leak guard read it, never with a hidden character
    # dropped only after the guard has looked.
    html = clean(html)

    fetcher = safe_url_fetcher_class()()
    # @font-face rules (bundled fonts, fetched through the same safe fetcher) are only honoured when
    # the stylesheet and the writer share a FontConfiguration.
    font_config = FontConfiguration()
    stylesheets = (
        [weasyprint.CSS(string=css, url_fetcher=fetcher, base_url=base_url, font_config=font_config)]
        if css
        else []
    )
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=base_url)
    options = {"stylesheets": stylesheets, "font_config": font_config}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    return document.write_pdf(**options)
