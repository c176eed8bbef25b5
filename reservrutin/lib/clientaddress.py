"""The address of the client behind a request, believing only the proxies we run.

Every rate limit and lockout keys on :func:`client_address` (issue 14): login lockout
(django-axes, through ``AXES_CLIENT_IP_CALLABLE``), fault reports without login and public
subscriptions. Behind a reverse proxy ``REMOTE_ADDR`` is the proxy, shared by every user;
``X-Forwarded-For`` is typed by whoever sends the request. So the header is read only when
the connection itself comes from an address in ``TRUSTED_PROXIES``, and then from the right:
each hop a trusted proxy appended is skipped, and the first address that is not one of ours
is the client (nginx's ``real_ip_recursive``). Anything a client wrote to the left of that is
ignored, so a forged header changes nothing.

django-ipware's ``proxy_trusted_ips`` is not used: it matches the proxies' positions inside
the header but does not require the connection to come from one of them, so a client that
reaches the app directly could forge the whole chain. This is Django's own ``request.META``
with an explicit list, as the issue allows.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: A forwarded chain longer than this is not walked further (a header is bounded anyway).
MAX_HOPS = 20


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` entries (addresses or CIDRs) as networks; ``ValueError`` names a bad
    entry."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {value!r}") from None
    return tuple(networks)


def _parse(text: str) -> Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as text, or None when the connection has none we can parse.

    1. The connection's own address (``REMOTE_ADDR``). If it is not a trusted proxy, that is
       the client, whatever headers say.
    2. Otherwise walk ``X-Forwarded-For`` from the right, skipping trusted proxies; the first
       other address is the client. A hop that is not an address stops the walk: everything
       to its left was written by someone we do not trust, so the last trusted hop is used.
    """
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    # Parsed per request: a handful of entries costs microseconds and needs no cache.
    networks = parse_networks(settings.TRUSTED_PROXIES)
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")[-MAX_HOPS:]):
        address = _parse(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
