"""Settings for perfdash, read from the environment.

Environment variables:
    DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/perfdash; a SQLite file when unset
    SECRET_KEY     required in production (check --deploy flags the development key)
    DEBUG          "1"/"true" for development; off by default
    ALLOWED_HOSTS  comma-separated host names
    CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://perf.example.gov.uk
    SECURE_SSL_REDIRECT   "0" to leave HTTPS redirects to a proxy (default on when DEBUG is off)
    SECURE_PROXY_SSL_HEADER  "1" when behind a proxy that sets X-Forwarded-Proto
    TRUSTED_PROXY_COUNT   proxies in front of the app whose X-Forwarded-For is trusted (default 0)
    LOGIN_FAILURE_LIMIT   failed sign-ins per user and address before a lockout (default 5)
    LOCKOUT_MINUTES       how long a lockout lasts unless the performance team lifts it (default 60;
                          0 = until lifted)
    SESSION_IDLE_MINUTES  sign out after this long without a request (default 60)
    SESSION_MAX_HOURS     sign out this long after signing in, however active (default 12)
    OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET  single sign-on with the council's identity provider
    OIDC_PROVIDER_NAME    what the sign-in button calls it (default "your council account")
    LOCAL_PASSWORDS       "0" to sign in only through the provider
    REDIS_URL      e.g. redis://127.0.0.1:6379/0: the cache shared by every app server
    CACHE          redis, database or memory (default: redis with REDIS_URL, else database in production)
    LOG_FORMAT     "json" for one JSON object a line (default text)
    SENTRY_DSN     report errors to a Sentry-compatible service (needs `pip install sentry-sdk`)
    STATIC_ROOT    where collectstatic puts the static files WhiteNoise serves (default ./staticfiles)
    WORKER_STALE_AFTER  seconds a ready task may wait before /healthz calls the worker failing (600)
    COUNCIL_NAME   the council's name on committee papers' covers (else the benchmarking "own" council's)
    COUNCIL_LOGO   path of the council's logo (SVG or PNG) for committee papers' covers
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The fallback key is for development only; `check --deploy` flags it (security.W009).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# The address people use, e.g. https://performance.example.gov.uk: reminder emails link to it.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "perfdash",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "indicators",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "perfdash.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records the signed-in user on every audit-history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perfdash.urls"

TEMPLATES = [
    # Our own pages and PDFs: Jinja2 (measured ~5x faster on large scorecard tables).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "perfdash.jinja2.environment"},
    },
    # The Django admin keeps Django templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "perfdash.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'perfdash.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and `db_worker` share the file. A transaction that reads and then writes (an
    # issue, an import) would otherwise fail at once with "database is locked" when the other
    # writes meanwhile: each write transaction takes the lock when it begins, a writer waits up to
    # 20 s for another, and readers do not wait for writers (write-ahead log).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # FULL: an issue, an import or an audit row committed is on disk even after a power cut.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    } | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rendered scorecards (reports/cache.py). Several app servers share one: Redis when
# REDIS_URL is set, else in production the database's cache table (`manage.py createcachetable`).
# Development and the tests keep a per-process memory cache. CACHE=redis|database|memory overrides.
REDIS_URL = os.environ.get("REDIS_URL", "")
_production = not DEBUG and bool(os.environ.get("SECRET_KEY"))
CACHE = os.environ.get("CACHE") or ("redis" if REDIS_URL else "database" if _production else "memory")
_cache_backends = {
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "perfdash_cache"},
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
CACHES = {"default": _cache_backends[CACHE] | {"KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "perfdash")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on with the council's identity provider (perfdash/sso.py), when OIDC_ISSUER is set.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your council account")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # matched by email to users the performance team has set up
OIDC_TIMEOUT = 15
# LOCAL_PASSWORDS=0: everyone signs in through the provider; perfdash's own passwords are refused.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_PASSWORDS else []),
    "perfdash.sso.CouncilOIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockouts after repeated failed sign-ins (django-axes): per user name *and* address, so guessing at
# one account from one place cannot lock its owner out everywhere else. Every failure and lockout
# is logged (logger "axes"); the performance team lifts lockouts under Locked-out sign-ins.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = (int(os.environ.get("LOCKOUT_MINUTES", "60")) / 60) or None  # hours; None: until lifted
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Log the user name and address tried (never the password): the log is how a guessing run is traced.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# The client's address is REMOTE_ADDR unless proxies we run put it in X-Forwarded-For: anyone can
# send that header, so trusting it by default would let a guesser dodge the lockout.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "perfdash.accounts.client_address"

# Sessions live in the database (shared by every app server). perfdash.sessions signs a user out
# after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
PASSWORD_RESET_TIMEOUT = 3 * 3600

# Content-Security-Policy: our own origin only. Pages have no inline script or style; charts are
# drawn by plotly from JSON embedded as data (type="application/json"), which is not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d %B %Y", "%d %b %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background work (large PDFs): a database queue run by `manage.py db_worker`; no broker needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz reports the worker as failing when a ready task has waited longer than this (seconds).
WORKER_STALE_AFTER = int(os.environ.get("WORKER_STALE_AFTER", "600"))

# Large committee reports are laid out in parts (reports/committee/parts.py), this many at a time.
# Each part takes ~300 MB; measured on 2 cores, a 355-page report took 32 s and 650 MB at most
# with 2, 58 s and 410 MB with 1 (bench/pdf.py).
# The council on committee papers' covers (reports/committee/pdf.py).
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "")
COUNCIL_LOGO = os.environ.get("COUNCIL_LOGO", "")
PDF_PROCESSES = int(os.environ.get("PDF_PROCESSES") or min(2, os.cpu_count() or 1))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "perfdash@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

# Production hardening; all on unless DEBUG, so `manage.py check --deploy` is clean.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Load balancers probe the app over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard output (systemd's journal, or the platform's log collector); LOG_FORMAT=json
# writes one JSON object a line.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "perfdash.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step at INFO; pikepdf announces itself on import. django-axes
    # logs each failure and lockout at WARNING, and its bookkeeping at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Error reporting to a Sentry-compatible service: off unless SENTRY_DSN is set (needs sentry-sdk).
if os.environ.get("SENTRY_DSN"):
    from perfdash.logging import start_error_reporting

    start_error_reporting(
        os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE"),
    )
