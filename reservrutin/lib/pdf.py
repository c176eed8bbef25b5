"""The one PDF setup: every PDF the product makes goes through ``html_to_pdf``.

Each PDF is PDF/UA-1 (WeasyPrint's ``pdf_variant="pdf/ua-1"``, which also writes the
structure tree, ``/MarkInfo`` and the document title and language), so that screen readers
can read the routines and forms we print (the accessibility law, DOS-lagen, covers them).
The template must give ``<html lang="…">`` and a ``<title>``: WeasyPrint takes the PDF's
``/Lang`` and title from them.

Printing never reaches the outside world: only ``data:`` URLs (QR codes, inlined images)
may be read, with a short timeout.
"""

from __future__ import annotations

#: PDF/UA-1: tagged PDF with a structure tree, language and title (ISO 14289-1).
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The rendered HTML document ``html`` as tagged PDF/UA-1 bytes."""
    from weasyprint import HTML  # imported lazily: it loads native libraries
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    document = HTML(string=html, url_fetcher=fetcher, base_url="/")
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
