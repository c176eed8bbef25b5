"""Every routine as a PDF (WeasyPrint): organisation, version, approval, date printed, page
numbers, and the live address with a QR code, so a paper copy leads back to the current one
(SOD-14: a current version is always available on paper)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from reservrutin.lib import clock
from reservrutin.lib.pdf import html_to_pdf


def css_string(text: str) -> str:
    """``text`` as the inside of a double-quoted CSS string in a <style> block (the page
    margin boxes), where HTML escaping does not apply."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return out.replace("<", "\\3C ").replace(">", "\\3E ")


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
    html = render_to_string(
        "routines/routine_pdf.html",
        {**page, "live_url": url, "qr": qr, "pdf": True, "margins": margins},
    )
    # The web process never talks to the outside world: the template inlines everything, and
    # only data: URLs (the QR code) may be read while printing (lib.pdf).
    return html_to_pdf(html)
