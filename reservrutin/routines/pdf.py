"""Every routine as a PDF (WeasyPrint): organisation, version, approval, date printed, page
numbers, and the live address with a QR code, so a paper copy leads back to the current one
(SOD-14: a current version is always available on paper)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.printouts.pdf import css_string
from reservrutin.printouts.pdf import render_pdf as render_template_pdf

__all__ = ["css_string", "live_url", "render_pdf"]


def live_url(page: dict[str, Any]) -> str:
    path = reverse("routines:detail", args=[page["organisation"].key, page["routine"].key])
    return f"{settings.SITE_URL}{path}"


def render_pdf(page: dict[str, Any]) -> bytes:
    """The routine page ``page`` (from ``presenting.build_page``) as PDF bytes."""
    url = live_url(page)
    qr = segno.make(url, error="m").svg_data_uri(scale=3, border=1)
    doc = page["doc"]
    printed = clock.local(page["now"]).strftime("%Y-%m-%d %H:%M")
    margins = {
        "top_left": css_string(page["organisation"].name),
        "top_right": css_string(f"{doc.title[:70]} – version {doc.version}"),
        "bottom_left": css_string(f"Utskriven {printed} – aktuell version: {url}"),
    }
    return render_template_pdf(
        "routines/routine_pdf.html",
        {**page, "live_url": url, "qr": qr, "pdf": True, "margins": margins},
    )
