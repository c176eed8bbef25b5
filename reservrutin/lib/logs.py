"""Log lines that a region's log platform can parse and that never carry an identity number.

- ``LOG_FORMAT=json`` (settings) writes one JSON object a line (python-json-logger);
  the default is plain text. Both carry the same context fields.
- ``RequestContextMiddleware`` gives every request an id (a sane incoming ``X-Request-ID``
  is kept, else one is made) and echoes it in the response; the user id and the
  organisation key from the URL join it when known.
- Workers bind their loop name with ``bound(loop=...)`` (``workers.loops.load`` does it).
- ``ContextFilter`` copies that context (contextvars, so it follows threads' and tasks' own
  context) onto every record; ``RedactFilter`` masks personal identity numbers in the
  message, its arguments, extra fields, the exception text and the stack with the project's
  one redactor, ``reservrutin.lib.identity.redact``. Both sit on the handlers, so they also
  see records that propagate from any logger.

See docs/operations.md (Logs).
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from reservrutin.lib import env

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

# Nothing here imports Django or the redactor at module level: settings imports this module
# for ``logging_config``; the filters load the redactor when logging is configured.

#: The context fields every log line carries ("-" when not known).
FIELDS = ("request_id", "user_id", "organisation", "loop")
_context: dict[str, ContextVar[str]] = {name: ContextVar(name, default="-") for name in FIELDS}

#: An incoming request id is kept only if it is a short token of safe characters (what
#: nginx's $request_id, a UUID or a load balancer's trace id look like); anything else
#: could forge or break log lines, so a new one is made instead.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
REQUEST_ID_HEADER = "X-Request-ID"

#: What a LogRecord has by itself; anything else on a record came in through ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_STANDARD |= set(FIELDS)


@contextlib.contextmanager
def bound(**values: str) -> Iterator[None]:
    """Log with these context ``values`` (keys from ``FIELDS``) inside the block."""
    tokens = [(_context[k], _context[k].set(str(v))) for k, v in values.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def in_loop(name: str, step: Callable[[], bool]) -> Callable[[], bool]:
    """``step`` logging with ``loop=name``: a worker's lines say which loop wrote them."""

    def run() -> bool:
        with bound(loop=name):
            return step()

    run.__wrapped__ = step  # type: ignore[attr-defined]
    run.__name__ = getattr(step, "__name__", name)
    return run


def request_id_from(value: str | None) -> str:
    """The incoming request id if it is a sane token, else a new one."""
    if value and _SANE_ID.match(value):
        return value
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Puts the request/worker context (``FIELDS``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response ("django.request", with extra ``request``) after
        # the middleware has returned; the middleware left the request's context on it.
        kept = getattr(getattr(record, "request", None), "log_context", {})
        for name, var in _context.items():
            if not hasattr(record, name):
                value = var.get()
                setattr(record, name, kept.get(name, value) if value == "-" else value)
        return True


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {k: _redacted(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v, redact) for v in value]
    # Objects (a request, a model instance) are logged through str(); mask that text.
    return redact(str(value))


class RedactFilter(logging.Filter):
    """Masks personal identity numbers everywhere in a record (principle 7: never logged)."""

    _formatter = logging.Formatter()

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        from reservrutin.lib.identity import redact

        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redact
        if isinstance(record.msg, dict):
            record.msg = _redacted(record.msg, redact)
        else:
            try:
                # The message with its arguments, so a number split across them is whole.
                record.msg = redact(record.getMessage())
                record.args = None
            except (TypeError, ValueError):
                # Arguments that do not fit the message: logging reports that when it
                # formats the line; masked here all the same, never raised at the caller.
                record.msg = redact(str(record.msg))
                args = _redacted(record.args, redact)
                record.args = tuple(args) if isinstance(args, list) else args
        if record.exc_info:
            # Formatters print exc_text when exc_info is gone; the traceback text (with the
            # exception's message) is masked once here.
            record.exc_text = self._formatter.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD:
                setattr(record, name, _redacted(value, redact))
        return True


class RequestContextMiddleware:
    """Binds the request id, user id and organisation key for the request's log lines and
    keeps the request id on ``request.request_id`` (not echoed in a response header: public
    pages must stay byte- and header-identical for the status page's fast path). Sits after the
    authentication middleware so that the user is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Without a session cookie the visitor is anonymous: asking ``request.user`` would
        # read the session and add ``Vary: Cookie``, which keeps public pages out of the
        # status page's fast path (statuspage/fastpath.py).
        from django.conf import settings

        user = getattr(request, "user", None)
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        user_id = str(user.pk) if signed_in and user is not None and user.is_authenticated else "-"
        # organisation is bound too so that process_view's value ends with the request.
        with bound(request_id=request_id, user_id=user_id, organisation="-"):
            response = self.get_response(request)
            request.log_context = {n: v.get() for n, v in _context.items()}  # type: ignore[attr-defined]
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        org = kwargs.get("org")
        if isinstance(org, str):
            _context["organisation"].set(org)


FORMATS = ("text", "json")


def log_format(value: str) -> str:
    """``LOG_FORMAT`` checked: ``text`` or ``json``; anything else is reported by the
    settings check (reservrutin.E001) and logs as text."""
    chosen = value.strip().lower() or "text"
    if chosen not in FORMATS:
        env.PROBLEMS.append(("LOG_FORMAT", value, "expected text or json"))
        return "text"
    return chosen


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting for ``LOG_FORMAT`` ``text`` (default) or ``json``."""
    text = (
        "%(asctime)s %(levelname)s %(name)s "
        "[req=%(request_id)s user=%(user_id)s org=%(organisation)s loop=%(loop)s] %(message)s"
    )
    formatters: dict[str, Any] = {
        "text": {"format": text},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s "
            + " ".join(f"%({f})s" for f in FIELDS),
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "reservrutin.lib.logs.ContextFilter"},
            "redact": {"()": "reservrutin.lib.logs.RedactFilter"},
        },
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "text",
                "filters": ["context", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
            "axes": {"level": "WARNING"},
        },
    }
