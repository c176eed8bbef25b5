"""Process counters for Prometheus (prometheus-client), safe with several web processes.

Counters that only a process can know (status page renders, fast-path answers) live here;
everything the database knows (outbox depth, deliveries, timers, escalations, heartbeats,
login failures) is read from its tables when ``/metrics`` is scraped
(``workers/metrics.py``), so it is right whichever process did the work.

With several granian workers, ``reservrutin serve`` sets ``PROMETHEUS_MULTIPROC_DIR``
before any worker imports this module, and prometheus-client then keeps each process's
counters in a memory-mapped file that ``/metrics`` adds up (its multiprocess mode).
"""

from __future__ import annotations

from prometheus_client import Counter

STATUSPAGE_RENDERS = Counter(
    "reservrutin_statuspage_renders_total",
    "Public status page bodies rendered (not served from a cache).",
    ["path"],
)
STATUSPAGE_FASTPATH = Counter(
    "reservrutin_statuspage_fastpath_total",
    "Public answers given by the WSGI fast path without Django's request cycle.",
    ["how"],
)

LOGIN_FAILURE_ALARMS = Counter(
    "reservrutin_login_failure_alarms",
    "Failed sign-ins seen while failures over all accounts were past the hourly ceiling "
    "(LOGIN_FAILURE_ALARM_PER_HOUR, accounts/lockout.py).",
)


def rendered(path: str) -> None:
    """Count one fresh render of a public page (``path`` is the page kind, not the URL)."""
    STATUSPAGE_RENDERS.labels(path=path).inc()


def fastpath(how: str) -> None:
    """Count one fast-path answer: ``kept`` (bytes kept) or ``lean`` (rendered directly)."""
    STATUSPAGE_FASTPATH.labels(how=how).inc()


def login_failure_alarm() -> None:
    """Count one failed sign-in past the global ceiling (a flood over many accounts)."""
    LOGIN_FAILURE_ALARMS.inc()
