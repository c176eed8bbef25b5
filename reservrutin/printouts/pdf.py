"""The one PDF setup (WeasyPrint): HTML from a template to PDF bytes, offline.

The web process never talks to the outside world, so while printing only ``data:`` URLs
(inlined QR codes, images) may be read, with a short timeout; everything else a template
needs is inlined. WeasyPrint is imported lazily: it loads native libraries (Pango).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def css_string(text: str) -> str:
    """``text`` as the inside of a double-quoted CSS string in a <style> block (the page
    margin boxes), where HTML escaping does not apply."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return out.replace("<", "\\3C ").replace(">", "\\3E ")


def html_to_pdf(html: str) -> bytes:
    """``html`` (a whole document) as PDF bytes; only data: URLs are fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher, base_url="/").write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered with ``context``, as PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
