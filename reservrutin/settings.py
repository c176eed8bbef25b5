"""Django settings for Reservrutin, read from the environment through ``lib/env.py``.

Every variable is documented in docs/configuration.md. Defaults give a working embedded
install (SQLite in ``DATA_DIR``); production sets ``DEBUG=false`` and the system checks in
``reservrutin/checks.py`` refuse to pass until the required settings are valid.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from reservrutin.lib import env
from reservrutin.lib.logs import log_format, logging_config

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
DATA_DIR = Path(env.string("DATA_DIR", str(REPO_DIR / "data")))

DEBUG = env.boolean("DEBUG", False)
#: True under pytest: tests run plain HTTP with a throwaway key and unhashed static files.
TESTING = env.boolean("TESTING", "pytest" in sys.modules)
SECRET_KEY = env.string("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "reservrutin.accounts",
    "reservrutin.audit",
    "reservrutin.registry",
    "reservrutin.routines",
    "reservrutin.outages",
    "reservrutin.statuspage",
    "reservrutin.notifications",
    "reservrutin.records",
    "reservrutin.readiness",
    "reservrutin.printouts",
    "reservrutin.workers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "reservrutin.statuspage.middleware.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL bytes and lone surrogates in the query string or form answer 400 (issue 14).
    "reservrutin.lib.params.BadInputMiddleware",
    "reservrutin.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reservrutin.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Request id, user and organisation on every log line (issue 17).
    "reservrutin.lib.logs.RequestContextMiddleware",
    "reservrutin.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reservrutin.middleware.StockholmTimeMiddleware",
    # Last, so it sees the answer of every view that called authenticate() (the admin's too)
    # and turns a lockout into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reservrutin.urls"
WSGI_APPLICATION = "reservrutin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DEFAULT_SQLITE_URL = f"sqlite:///{DATA_DIR / 'reservrutin.sqlite3'}"
_database_url = env.string("DATABASE_URL", "") or DEFAULT_SQLITE_URL
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=env.integer("CONN_MAX_AGE", 60))
except (ValueError, KeyError) as exc:
    env.PROBLEMS.append(("DATABASE_URL", _database_url, f"not a database URL ({exc})"))
    _database = dj_database_url.parse(DEFAULT_SQLITE_URL)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; IMMEDIATE takes the write lock at
    # BEGIN so two processes never deadlock upgrading a read lock (the embedded default).
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _database.setdefault("TEST", {})["NAME"] = env.string("TEST_SQLITE_NAME", "") or None
elif _database["ENGINE"] == "django.db.backends.postgresql":
    _database.setdefault("OPTIONS", {})["application_name"] = env.string(
        "DATABASE_APPLICATION_NAME", "reservrutin"
    )
    # Django's own queries never use prepared statements (client-side binding); this lets the
    # status page's hot queries (lib/compiled.py) be parsed and planned once per connection.
    # Off behind a PgBouncer older than 1.21 in transaction mode.
    if env.boolean("DATABASE_PREPARED_STATEMENTS", True):
        _database["OPTIONS"]["prepare_threshold"] = 5
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
#: django-axes checks every authenticate() call first (the login page, the admin and any
#: backend added later) and refuses while the (username, address) pair is locked.
AXES_BACKEND = "axes.backends.AxesStandaloneBackend"
AUTHENTICATION_BACKENDS = [
    AXES_BACKEND,
    *(
        backend
        for backend in env.strings(
            "AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]
        )
        if backend != AXES_BACKEND
    ),
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
#: Failed logins for one username from one client address within the window before that
#: pair is locked (nobody can lock out someone else's address or account).
LOGIN_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = env.integer("LOGIN_FAILURE_WINDOW_MINUTES", 15)
#: Failed logins per hour over all accounts and addresses that raise the alarm (a log line
#: and an audit event for administrators); nobody is locked by it.
LOGIN_FAILURE_ALARM_PER_HOUR = env.integer("LOGIN_FAILURE_ALARM_PER_HOUR", 200)
AXES_ENABLED = env.boolean("AXES_ENABLED", True)
AXES_HANDLER = "reservrutin.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "reservrutin.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "reservrutin.accounts.lockout.cool_off"
AXES_CLIENT_IP_CALLABLE = "reservrutin.lib.clientaddress.client_address"
AXES_USERNAME_CALLABLE = "reservrutin.accounts.lockout.username"
AXES_WHITELIST_CALLABLE = "reservrutin.accounts.lockout.exempt"
AXES_LOCKOUT_CALLABLE = "reservrutin.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The lock lifts a fixed time after the last counted failure, so the page can say when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the global alarm counts these rows
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins need no row of their own
AXES_VERBOSE = False
#: Proxies whose X-Forwarded-For is believed (lib/clientaddress.py): addresses or CIDRs.
TRUSTED_PROXIES: list[str] = []
for _proxy in env.strings("TRUSTED_PROXIES", []):
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        env.PROBLEMS.append(("TRUSTED_PROXIES", _proxy, "not an IP address or CIDR network"))
    else:
        TRUSTED_PROXIES.append(_proxy)
#: A session ends after this many minutes without a request (shared computers on wards).
SESSION_IDLE_TIMEOUT_MINUTES = env.integer("SESSION_IDLE_TIMEOUT_MINUTES", 60)
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True

# --- Request size --------------------------------------------------------------------------
# A request body without files (forms, pasted routine text) larger than this answers 400;
# the routine text box takes at most 1 MB (routines.loader.MAX_BYTES), so 2 MB leaves room.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# Uploaded files larger than this are spooled to a temporary file instead of memory; a
# routine file larger than routines.loader.MAX_BYTES is refused by the upload form.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.integer("FILE_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.integer("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)

# --- Limits on the public forms (no login): fault reports and subscriptions ----------------
# Counted in the database, so every web process agrees; keyed on the client address from
# TRUSTED_PROXIES (lib/clientaddress.py). docs/configuration.md explains each.
OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR = env.integer(
    "OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR", 5
)
OUTAGES_UNAUTHENTICATED_REPORTS_PER_ORGANISATION_PER_HOUR = env.integer(
    "OUTAGES_UNAUTHENTICATED_REPORTS_PER_ORGANISATION_PER_HOUR", 60
)
OUTAGES_UNAUTHENTICATED_REPORTS_PER_PHONE_PER_HOUR = env.integer(
    "OUTAGES_UNAUTHENTICATED_REPORTS_PER_PHONE_PER_HOUR", 5
)
SUBSCRIBE_PER_CLIENT_PER_HOUR = env.integer("SUBSCRIBE_PER_CLIENT_PER_HOUR", 10)
SUBSCRIBE_CONFIRMATIONS_PER_TARGET_PER_HOUR = env.integer(
    "SUBSCRIBE_CONFIRMATIONS_PER_TARGET_PER_HOUR", 3
)
SUBSCRIBE_CONFIRMATIONS_PER_ORGANISATION_PER_HOUR = env.integer(
    "SUBSCRIBE_CONFIRMATIONS_PER_ORGANISATION_PER_HOUR", 100
)
SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES = env.integer("SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES", 10)
#: Mail domains (besides Gmail, Outlook and the like) that deliver name+tag to name.
SUBSCRIPTION_PLUS_TAG_DOMAINS = env.strings("SUBSCRIPTION_PLUS_TAG_DOMAINS", [])

# --- HTTPS -----------------------------------------------------------------------------------
HTTPS = env.boolean("HTTPS", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = HTTPS and env.boolean("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("BEHIND_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"
#: Content-Security-Policy on every response (django-csp): nothing from other hosts, no inline
#: script, no inline style except the status page's and the widget's own CSS, allowed by its
#: hash (``statuspage.policy``), and no page may be framed except the widget, whose
#: ``frame-ancestors`` is the organisation's allow-list (``EmbedOrigin``).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# HSTS preload commits the whole registrable domain (often a region's or municipality's
# main domain) to HTTPS forever; that is the domain owner's decision, not this app's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; StockholmTimeMiddleware shows Europe/Stockholm
DISPLAY_TIME_ZONE = "Europe/Stockholm"

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail (delivered only by the sendoutbox worker) ----------------------------------------
EMAIL_HOST = env.string("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "driftinfo@reservrutin.invalid")
#: "smtp" delivers for real; "console" prints messages (the try-it default, no mail server).
EMAIL_TRANSPORT = env.string("EMAIL_TRANSPORT", "console")

# --- SMS gateway (46elks-style form POST) ----------------------------------------------------
SMS_GATEWAY_URL = env.string("SMS_GATEWAY_URL", "")
SMS_GATEWAY_USER = env.string("SMS_GATEWAY_USER", "")
SMS_GATEWAY_PASSWORD = env.string("SMS_GATEWAY_PASSWORD", "")
SMS_SENDER = env.string("SMS_SENDER", "Driftinfo")

# --- Outbound HTTP (webhooks, Teams, SMS gateway) -------------------------------------------
#: CIDRs and host names that outbound HTTP may reach although they are internal.
OUTBOUND_ALLOW = env.strings("OUTBOUND_ALLOW", [])
OUTBOUND_TIMEOUT_SECONDS = env.integer("OUTBOUND_TIMEOUT_SECONDS", 10)
#: Standard Webhooks signing secret (whsec_ + base64) that webhook receivers verify.
WEBHOOK_SECRET = env.string("WEBHOOK_SECRET", "")

# --- Workers ---------------------------------------------------------------------------------
WORKER_IDLE_SECONDS = env.integer("WORKER_IDLE_SECONDS", 2)
WORKER_LEASE_SECONDS = env.integer("WORKER_LEASE_SECONDS", 60)
#: A worker that loses the database waits this long, then twice as long each time up to
#: the cap, before it tries again (docs/operations.md "Workers").
WORKER_BACKOFF_SECONDS = env.integer("WORKER_BACKOFF_SECONDS", 1)
WORKER_BACKOFF_CAP_SECONDS = env.integer("WORKER_BACKOFF_CAP_SECONDS", 30)
#: How many due outbox messages one sendoutbox worker claims per transaction.
OUTBOX_BATCH_SIZE = env.integer("OUTBOX_BATCH_SIZE", 50)
STATIC_MIRROR_DIR = env.string("STATIC_MIRROR_DIR", "")
#: Where the static mirror is served from (another server or a file share's web address);
#: the 503 page shown while the database is down links to it.
STATUS_MIRROR_URL = env.string("STATUS_MIRROR_URL", "")

# --- Operations: /readyz and /metrics ---------------------------------------------------------
#: /readyz is unready when a worker loop's newest heartbeat is older than this.
READYZ_HEARTBEAT_MAX_AGE_SECONDS = env.integer("READYZ_HEARTBEAT_MAX_AGE_SECONDS", 120)
#: /readyz is unready when a message has waited in the outbox longer than this.
READYZ_OUTBOX_MAX_AGE_SECONDS = env.integer("READYZ_OUTBOX_MAX_AGE_SECONDS", 600)
#: Bearer token for /metrics; empty means /metrics does not exist (404).
METRICS_TOKEN = env.string("METRICS_TOKEN", "")
# --- Front door and accessibility statement (issue 15) ------------------------------------
#: The organisation (key) whose driftinfo ``/`` shows to visitors who are not signed in;
#: empty: the overview of every organisation (or the only one when there is just one).
FRONT_ORGANISATION = env.string("FRONT_ORGANISATION", "")
#: Where users report accessibility problems (the accessibility statement, /tillganglighet/):
#: an e-mail address and a telephone number; empty: the statement says to ask the IT
#: service desk of one's own organisation.
ACCESSIBILITY_CONTACT_EMAIL = env.string("ACCESSIBILITY_CONTACT_EMAIL", "")
ACCESSIBILITY_CONTACT_PHONE = env.string("ACCESSIBILITY_CONTACT_PHONE", "")
#: Who publishes the statement (the organisation running this instance).
ACCESSIBILITY_PUBLISHER = env.string("ACCESSIBILITY_PUBLISHER", "")

#: How long a web process trusts its last look at a status page's version (milliseconds).
STATUSPAGE_FRESH_MS = env.integer("STATUSPAGE_FRESH_MS", 0 if TESTING else 1000)

#: Per-process memory cache for rendered public pages; the benchmark sets the dummy backend
#: to measure uncached renders.
CACHES = {
    "default": {
        "BACKEND": env.string("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": "reservrutin",
    }
}

#: Logs: ``LOG_FORMAT=json`` for one JSON object a line (a log platform), else plain text.
#: Both carry request id, user, organisation and worker loop, and mask identity numbers
#: (reservrutin.lib.logs; docs/operations.md).
LOG_FORMAT = log_format(env.string("LOG_FORMAT", "text"))
LOGGING = logging_config(LOG_FORMAT, env.string("LOG_LEVEL", "INFO"))
