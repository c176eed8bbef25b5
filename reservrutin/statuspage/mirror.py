"""The static mirror: the public pages, feeds and API written out as plain files, so the status
page survives the loss of our own server (any web server or file share can serve them).

Each file is written to a temporary name and moved into place with ``os.replace``, so a
reader never sees a half-written page. Each organisation's directory also gets ``_headers``:
the headers Django sends with each file (Content-Security-Policy, X-Frame-Options, the
content type), in the format static hosts read (a path, then its headers indented), for the
web server in front of the mirror to send the same (docs/statuspage.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from csp.utils import build_policy
from django.conf import settings
from django.urls import reverse

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import System
from reservrutin.statuspage import api, policy, views
from reservrutin.statuspage.rendering import Rendered


def _path_for(url: str) -> str:
    """The file that serves ``url`` on a plain static server."""
    path = url.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def files_for(organisation: Organisation) -> Iterator[tuple[str, Rendered]]:
    """Every public URL of ``organisation`` with its rendered bytes."""
    key = organisation.key
    yield reverse("statuspage:page", args=[key]), views.page(organisation)
    yield reverse("statuspage:page_en", args=[key]), views.page(organisation, lang="en")
    if organisation.partners.exists():
        yield reverse("statuspage:combined", args=[key]), views.combined(organisation)
        yield reverse("statuspage:combined_en", args=[key]), views.combined(organisation, lang="en")
    yield reverse("statuspage:atom", args=[key]), views.atom(organisation)
    yield reverse("statuspage:json_feed", args=[key]), views.json_feed(organisation)
    yield reverse("statuspage:ical", args=[key]), views.ical(organisation)
    yield reverse("statuspage:widget", args=[key]), views.widget(organisation, include=False)
    yield reverse("statuspage:widget_include", args=[key]), views.widget(organisation, include=True)
    yield reverse("statuspage:api", args=[key]), views.api_status(organisation)
    for system in System.objects.filter(organisation=organisation, public=True):
        args = [key, system.key]
        yield (
            reverse("statuspage:system", args=args),
            views.page(organisation, system_key=system.key),
        )
        yield (
            reverse("statuspage:system_en", args=args),
            views.page(organisation, lang="en", system_key=system.key),
        )
        yield (
            reverse("statuspage:system_atom", args=args),
            views.atom(organisation, system_key=system.key),
        )
        yield (
            reverse("statuspage:system_json_feed", args=args),
            views.json_feed(organisation, system_key=system.key),
        )
        yield (
            reverse("statuspage:system_api", args=args),
            views.api_status(organisation, system_key=system.key),
        )


def headers_for(page: Rendered) -> list[tuple[str, str]]:
    """The headers Django and its middleware send with ``page`` that a static server would
    not: the page's own policy (or the site's), no framing unless the policy allows it, the
    content type and the security middleware's."""
    headers = [("Content-Type", page.content_type), *page.headers]
    csp = dict(page.headers).get(policy.HEADER)
    if csp is None:
        headers.append((policy.HEADER, csp := build_policy()))
    if "frame-ancestors 'none'" in csp:
        headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
    headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    return headers


def _headers_file(pages: list[tuple[str, Rendered]]) -> bytes:
    lines = []
    for url, page in pages:
        lines.append(url)
        lines += [f"  {name}: {value}" for name, value in headers_for(page)]
    return ("\n".join(lines) + "\n").encode()


def _write(root: Path, relative: str, body: bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_organisation(root: Path, organisation: Organisation) -> list[str]:
    written = []
    pages = list(files_for(organisation))
    for url, page in pages:
        relative = _path_for(url)
        _write(root, relative, page.body)
        written.append(relative)
    # Next to the organisation's index.html; it lists its API documents too.
    index = _path_for(reverse("statuspage:page", args=[organisation.key]))
    relative = str(Path(index).parent / "_headers")
    _write(root, relative, _headers_file(pages))
    written.append(relative)
    return written


def export(root: Path, organisations: list[Organisation] | None = None) -> list[str]:
    """Write the public files of ``organisations`` (default: every care organisation)."""
    import json

    root.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for organisation in organisations or Organisation.objects.care().order_by("key"):
        written += export_organisation(root, organisation)
    relative = _path_for(reverse("statuspage:openapi"))
    _write(root, relative, json.dumps(api.openapi(), ensure_ascii=False, indent=1).encode())
    written.append(relative)
    return written
