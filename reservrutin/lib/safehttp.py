"""The one outbound HTTP client: webhooks, Teams, the SMS gateway and (later) probes.

Built on the standard library's ``http.client`` rather than requests/httpx because the one
thing we need from a client is a hook *between* DNS resolution and ``connect()``, and
``http.client`` gives it to us as ``HTTPConnection._create_connection``; no new dependency
and no adapter plumbing. What every request gets here:

* **An address policy checked on the resolved address, at connect time.** We resolve the
  host ourselves, refuse loopback, private, link-local, shared, reserved, multicast and
  unspecified addresses unless ``settings.OUTBOUND_ALLOW`` lists the CIDR or host name,
  and then connect to exactly the address we checked. Checking the URL's host name alone
  would be defeated by DNS pointing at 169.254.169.254 or rebinding between check and use.
  Health-care deployments legitimately call intranet systems, so this is an allow-list of
  internal targets, not a blanket block (docs/notifications.md).
* **Mandatory timeouts:** connect and each read use ``OUTBOUND_TIMEOUT_SECONDS``, and the
  whole response must arrive within a deadline, so a slow-dripping server cannot hold a
  worker's lease.
* **A response size cap:** we read at most ``max_response_bytes`` and drop the rest.
* **No redirects and no proxies from the environment:** both would route around the
  address policy.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024
#: At most this many resolved addresses are tried, so a host with many A records cannot
#: multiply the connect timeout past the worker's lease.
MAX_ADDRESSES = 3
USER_AGENT = "Reservrutin (+https://github.com/reservrutin)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundError(Exception):
    """Any failure to complete an outbound request. ``permanent`` says whether retrying the
    same request can possibly help."""

    permanent = False


class InvalidURL(OutboundError):
    """The URL cannot be requested at all (scheme, host, credentials in the URL)."""

    permanent = True


class ForbiddenAddress(OutboundError):
    """The host resolves only to addresses the outbound policy does not allow."""

    permanent = True


class ConnectionFailed(OutboundError):
    """DNS, connect, TLS, timeout or protocol failure: worth retrying later."""


@dataclass(frozen=True)
class Response:
    status: int
    #: Header names in lower case.
    headers: dict[str, str]
    body: bytes
    #: True when the body was longer than the cap and the rest was not read.
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, limit: int = 500) -> str:
        """The start of the body for error messages and logs."""
        return self.body[:limit].decode("utf-8", "replace")


# --- The address policy ------------------------------------------------------------------


def _allow_list() -> tuple[list[IPNetwork], list[str]]:
    """``OUTBOUND_ALLOW`` split into networks and host names (``*.x`` or ``.x`` for suffixes)."""
    networks: list[IPNetwork] = []
    names: list[str] = []
    for entry in settings.OUTBOUND_ALLOW:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.append(entry)
    return networks, names


def _host_allowed(host: str, names: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for name in names:
        if name.startswith(("*.", ".")):
            suffix = name.lstrip("*")
            if host.endswith(suffix):
                return True
        elif host == name:
            return True
    return False


def is_public(ip: IPAddress) -> bool:
    """True for addresses on the public internet; False for loopback, private (RFC 1918,
    ULA), link-local (incl. cloud metadata 169.254.169.254), CGNAT, reserved, documentation,
    multicast and unspecified ones."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return ip.is_global and not ip.is_multicast


def address_allowed(host: str, ip: IPAddress) -> bool:
    """The policy for one resolved address of ``host``."""
    if ip.is_unspecified or ip.is_multicast:
        return False  # 0.0.0.0 reaches this machine; multicast is never an HTTP peer
    if is_public(ip):
        return True
    networks, names = _allow_list()
    if _host_allowed(host, names):
        return True
    checked = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
    return any(checked in network for network in networks if network.version == checked.version)


def resolve_allowed(host: str, port: int) -> list[str]:
    """The addresses of ``host`` that the policy allows, in resolver order.

    Raises ``ForbiddenAddress`` if it has addresses but none is allowed, and
    ``ConnectionFailed`` if it does not resolve (DNS may be what is down today).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionFailed(f"kan inte slå upp {host}: {exc}") from exc
    allowed: list[str] = []
    refused: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]
        if address in allowed or address in refused:
            continue
        (allowed if address_allowed(host, ipaddress.ip_address(address)) else refused).append(
            address
        )
    if not allowed:
        raise ForbiddenAddress(
            f"{host} pekar på {', '.join(refused) or 'ingen adress'}, som inte är tillåten för "
            "utgående anrop (lägg till adressen eller namnet i OUTBOUND_ALLOW om det är avsett)"
        )
    return allowed[:MAX_ADDRESSES]


def _connect(
    address: tuple[str, int],
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
    *,
    connect_timeout: float,
    read_timeout: float,
) -> socket.socket:
    """Replaces ``socket.create_connection`` inside ``http.client``: resolve, check, connect
    to the checked address. TLS is wrapped afterwards by ``HTTPSConnection`` with the
    original host name, so certificate checks still use the name."""
    host, port = address
    last_error: OSError | None = None
    for ip in resolve_allowed(host, port):
        try:
            sock = socket.create_connection((ip, port), timeout=connect_timeout)
        except OSError as exc:
            last_error = exc
            continue
        sock.settimeout(read_timeout)
        return sock
    raise ConnectionFailed(f"kan inte ansluta till {host}:{port}: {last_error}")


# --- Requests ------------------------------------------------------------------------------


def _read_capped(
    response: http.client.HTTPResponse, cap: int, deadline: float
) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while size <= cap:
        if time.monotonic() > deadline:
            raise ConnectionFailed("svaret kom inte fram inom tidsgränsen")
        chunk = response.read(min(16 * 1024, cap + 1 - size))
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:cap], True


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> Response:
    """Send one request and return the (capped) response; never follows redirects.

    Raises ``InvalidURL`` / ``ForbiddenAddress`` (permanent) or ``ConnectionFailed``
    (transient). HTTP error statuses are returned, not raised: the caller decides what a
    400 or a 503 means for its protocol.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise InvalidURL(f"bara http och https stöds, inte {parts.scheme or 'ingen'}: {url}")
    if not parts.hostname:
        raise InvalidURL(f"adressen saknar värdnamn: {url}")
    if parts.username or parts.password:
        raise InvalidURL("användarnamn och lösenord hör inte hemma i adressen")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise InvalidURL(f"ogiltig adress {url}: {exc}") from exc

    seconds = float(timeout if timeout is not None else settings.OUTBOUND_TIMEOUT_SECONDS)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=seconds, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=seconds)
    # The hook that makes the policy hold at connect time (see the module docstring).
    connection._create_connection = partial(  # type: ignore[attr-defined]
        _connect, connect_timeout=seconds, read_timeout=seconds
    )

    all_headers = {"User-Agent": USER_AGENT, "Connection": "close"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        all_headers["Authorization"] = f"Basic {token}"
    all_headers.update(headers or {})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # A whole response, not just each read, must fit in a few timeouts.
    deadline = time.monotonic() + 3 * seconds
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data, truncated = _read_capped(response, max_response_bytes, deadline)
        return Response(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=data,
            truncated=truncated,
        )
    except OutboundError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        raise ConnectionFailed(f"{method} {host}: {exc.__class__.__name__}: {exc}") from exc
    finally:
        connection.close()


def post(url: str, **kwargs: object) -> Response:
    return request("POST", url, **kwargs)  # type: ignore[arg-type]
