"""The Content-Security-Policy of the public pages that differ from the site's default.

django-csp's middleware gives every response the policy in ``settings.CONTENT_SECURITY_POLICY``
(no inline script or style, nothing framed). Two public pages need more, and carry it with
their bytes (``rendering.Rendered.headers``), so Django, the WSGI fast path and the static
mirror all send the same policy:

- the status page and the widget inline their CSS to stay one light request; the policy
  allows exactly those bytes by their SHA-256 hash (``html.InlineStyle``), never
  ``'unsafe-inline'``;
- the widget may be framed by the organisation's allow-list (``EmbedOrigin``) and by this
  site itself, nobody else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from csp.constants import SELF
from csp.utils import build_policy

HEADER = "Content-Security-Policy"

#: An origin ``frame-ancestors`` takes: scheme, host (``*.`` allowed first), optional port.
ORIGIN = re.compile(
    r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?",
    re.IGNORECASE,
)


def content_security_policy(
    *, styles: Iterable[str] = (), frame_ancestors: Iterable[str] | None = None
) -> str:
    """The site's policy, with ``styles`` (hash sources) added to ``style-src`` and, when
    given, ``frame-ancestors`` replaced by this site and the ``frame_ancestors`` origins."""
    update = {"style-src": list(styles)}
    replace = {}
    if frame_ancestors is not None:
        origins = [o for o in frame_ancestors if ORIGIN.fullmatch(o)]
        replace["frame-ancestors"] = [SELF, *origins]
    return build_policy(update=update, replace=replace)
