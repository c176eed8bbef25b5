"""The one PDF setup (WeasyPrint): HTML from a template to PDF bytes, offline.

The web process never talks to the outside world, so while printing only ``data:`` URLs
(inlined QR codes, images) may be read, with a short timeout; everything else a template
needs is inlined. WeasyPrint is imported lazily: it loads native libraries (Pango).

Every PDF is PDF/UA-1 (``pdf_variant="pdf/ua-1"`` with ``pdf_tags``): a structure tree,
``/MarkInfo``, ``/Lang`` from ``<html lang="…">`` and the title from ``<title>``, so that
screen readers can read the routines and forms we print (DOS-lagen covers them). Every
template must set both; ``printouts/tests/test_tagged_pdfs.py`` checks each kind.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def css_string(text: str) -> str:
    """``text`` as the inside of a double-quoted CSS string in a <style> block (the page
    margin boxes), where HTML escaping does not apply."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return out.replace("<", "\\3C ").replace(">", "\\3E ")


#: PDF/UA-1 (ISO 14289-1): tagged PDF with a structure tree, language and title.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """``html`` (a whole document) as tagged PDF/UA-1 bytes; only data: URLs are fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    document = HTML(string=html, url_fetcher=fetcher, base_url="/")
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered with ``context``, as PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
