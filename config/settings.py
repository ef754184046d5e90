"""The one settings module. Every value comes from the environment (see README.md).

With nothing set: SQLite for Django's tables, the embedded DuckDB demo warehouse, a file cache,
console e-mail. DATABASE_URL, REDIS_URL, SNOWFLAKE_* and EMAIL_URL switch each part independently.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE; fail loudly when that file cannot be read."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise environ.ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def _local_secret_key() -> str:
    """A per-installation key for the embedded default, kept in var/ so sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",
    "dashboards",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A chart fragment the session was just given, given again before the session is even loaded
    # (dashboards/warm_door.py); WARM_DOOR_SECONDS=0 turns it off.
    "dashboards.warm_door.WarmDoorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage degrades to this process's memory (sign-in's rate limiter and chart
            # results keep working) instead of failing pages; see dashboards/fallback_cache.py.
            "BACKEND": "dashboards.fallback_cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=1),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=2),
            },
        }
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, culled every few seconds rather than on each write (dashboards/file_cache.py).
            "BACKEND": "dashboards.file_cache.FileCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed file names, gzip and brotli copies; WhiteNoise serves them with a one-year cache.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

if os.environ.get("EMAIL_URL"):
    EMAIL_CONFIG = env.email_url("EMAIL_URL")
    vars().update(EMAIL_CONFIG)
    if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.smtp.EmailBackend":
        EMAIL_BACKEND = "exports.smtp.EmailBackend"  # knows "refused" from "maybe delivered"
else:  # the demo: each e-mail is a file in var/outbox, listed for administrators on /outbox/
    EMAIL_BACKEND = "exports.outbox.OutboxBackend"
EMAIL_OUTBOX_DIR = env.path("EMAIL_OUTBOX_DIR", default=VAR_DIR / "outbox")
# Seconds an SMTP connect, send or reply may take before the attempt fails (and is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- The warehouse -------------------------------------------------------------------------------
WAREHOUSE_PATH = env.path("WAREHOUSE_PATH", default=VAR_DIR / "warehouse.duckdb")
WAREHOUSE_SCHEMA = "ANALYTICS"
WAREHOUSE_CACHE_SECONDS = env.int("WAREHOUSE_CACHE_SECONDS", default=3600)
WARM_DOOR_SECONDS = env.int("WARM_DOOR_SECONDS", default=60)
WAREHOUSE_VERSION_CHECK_SECONDS = env.int("WAREHOUSE_VERSION_CHECK_SECONDS", default=60)

SNOWFLAKE_ACCOUNT = env.str("SNOWFLAKE_ACCOUNT", default="")
SNOWFLAKE = {
    "account": SNOWFLAKE_ACCOUNT,
    "user": env.str("SNOWFLAKE_USER", default=""),
    "password": env_secret("SNOWFLAKE_PASSWORD"),
    "private_key_file": env.str("SNOWFLAKE_PRIVATE_KEY_FILE", default=""),
    "private_key_passphrase": env_secret("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"),
    "oauth_token": env_secret("SNOWFLAKE_OAUTH_TOKEN"),
    "role": env.str("SNOWFLAKE_ROLE", default=""),
    "warehouse": env.str("SNOWFLAKE_WAREHOUSE", default=""),
    "database": env.str("SNOWFLAKE_DATABASE", default=""),
    "schema": WAREHOUSE_SCHEMA,
    # Only for pointing the connector at a local emulator (fakesnow) in tests.
    "host": env.str("SNOWFLAKE_HOST", default=""),
    "port": env.int("SNOWFLAKE_PORT", default=0),
    "protocol": env.str("SNOWFLAKE_PROTOCOL", default=""),
    "statement_timeout_seconds": env.int("SNOWFLAKE_STATEMENT_TIMEOUT", default=60),
}
WAREHOUSE_BACKEND = "snowflake" if SNOWFLAKE_ACCOUNT else "duckdb"

# --- Security (production values; see `manage.py check --deploy`) ---------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Presentation --------------------------------------------------------------------------------
# Read plainly: django-environ would treat a leading "$" as a reference to another variable.
CURRENCY_SYMBOL = os.environ.get("CURRENCY_SYMBOL", "$")
# The support team's resolution target, used by the Support Operations KPIs.
SUPPORT_RESOLUTION_TARGET_HOURS = env.int("SUPPORT_RESOLUTION_TARGET_HOURS", default=24)
# Where a ticket lives in the helpdesk; {id} is replaced by EXTERNAL_TICKET_ID.
HELPDESK_TICKET_URL = env.str("HELPDESK_TICKET_URL", default="https://helpdesk.example.com/tickets/{id}")

# --- Celery, exports, digests and alerts (exports/; see config/celery.py) ------------------------
INSTALLED_APPS += ["django_celery_beat"]
# Redis when REDIS_URL is set; otherwise kombu's SQLAlchemy transport on a SQLite file in var/ (one
# machine, no server). The filesystem transport crashed the worker under load (a read of a half-written
# message file); SQLite serialises every get with BEGIN IMMEDIATE, so readers never see half a message.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
)
if CELERY_BROKER_URL.startswith(("sqla+", "sqlalchemy+")):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Passed to sqlalchemy.create_engine: wait up to 30 s for SQLite's write lock instead of failing.
        "connect_args": {"timeout": 30},
        "pool_pre_ping": True,
    }
else:
    # A task not acknowledged within this many seconds (its worker died) is delivered again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
        "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1),
        "socket_timeout": env.float("REDIS_TIMEOUT", default=2),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task gives up on a broker that does not answer after a few seconds (the job
# stays in the database and is queued again by exports.tasks.requeue_stalled).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's, starting again on a new broker connection after a failed send (exports/beat.py).
CELERY_BEAT_SCHEDULER = "exports.beat:Scheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Charts for PDFs and e-mails: Plotly through kaleido, driving Debian's Chromium (never a download).
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default=str(BASE_DIR / "bin" / "chromium-headless"))
KALEIDO_IDLE_SECONDS = env.int("KALEIDO_IDLE_SECONDS", default=300)  # Chromium closed after this idle
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=24)
# The portal's address as seen by e-mail readers (links back to a view, unsubscribe links).
# Unset: derived from HOST and PORT, which `make run` passes on (so `make run PORT=8107` links to 8107).
PORTAL_URL = env.str(
    "PORTAL_URL", default=f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
).rstrip("/")
ALERT_COOLDOWN_MINUTES = env.int("ALERT_COOLDOWN_MINUTES", default=60)

# --- Identity and access (accounts/; see README.md "Sign-in and roles") ---------------------------
# After authentication: remember the request for the audit log, re-check single sign-on sessions with
# the provider, then refuse users whose groups grant no role.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "accounts.middleware.RoleRequiredMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.middleware.OIDCSessionRefreshMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.middleware.RequestContextMiddleware",
)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.PortalOIDCBackend",  # inert unless OIDC is configured
    "accounts.backends.RolePermissionBackend",  # the administrator role's admin permissions
]
# Single sign-on (Okta or any OpenID Connect provider): on when OIDC_ISSUER (or every endpoint) is set.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
_OIDC_ENDPOINTS = {
    name: env.str(f"OIDC_OP_{name.upper()}_ENDPOINT", default="")
    for name in ("authorization", "token", "userinfo", "jwks")
}
if OIDC_ISSUER or all(_OIDC_ENDPOINTS.values()):
    from accounts.oidc_config import oidc_settings

    vars().update(
        oidc_settings(
            issuer=OIDC_ISSUER,
            client_id=env.str("OIDC_RP_CLIENT_ID"),
            client_secret=env_secret("OIDC_RP_CLIENT_SECRET"),
            authorization_endpoint=_OIDC_ENDPOINTS["authorization"],
            token_endpoint=_OIDC_ENDPOINTS["token"],
            userinfo_endpoint=_OIDC_ENDPOINTS["userinfo"],
            jwks_endpoint=_OIDC_ENDPOINTS["jwks"],
            end_session_endpoint=os.environ.get("OIDC_OP_LOGOUT_ENDPOINT"),
            scopes=env.str("OIDC_RP_SCOPES", default="openid email profile groups"),
            renew_seconds=env.int("OIDC_RECHECK_SECONDS", default=300),
        )
    )
else:
    OIDC_ENABLED = False

# Hardening on top of the security block above: a Content-Security-Policy without inline script
# (django-csp), cookies out of reach of scripts, sessions that end after a working day.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
from accounts.oidc_config import content_security_policy  # noqa: E402

CONTENT_SECURITY_POLICY = content_security_policy(
    [globals().get("OIDC_OP_AUTHORIZATION_ENDPOINT", ""), globals().get("OIDC_OP_LOGOUT_ENDPOINT", "")]
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accounts.context_processors.access")  # type: ignore[index]

# Local accounts (django-allauth): the embedded default and break-glass administrators. Sign-in is
# rate limited, passwords are reset by e-mail, staff must set up TOTP; nobody signs up.
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
MIDDLEWARE.append("allauth.account.middleware.AccountMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.RoleRequiredMiddleware") + 1, "accounts.local.StaffMFAMiddleware"
)
AUTHENTICATION_BACKENDS.insert(1, "allauth.account.auth_backends.AuthenticationBackend")
ACCOUNT_ADAPTER = "accounts.local.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.local.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Customer analytics")
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# --- Hardening of issue 8 (accounts/limits.py, accounts/caching.py, exports/rights.py) --------------
# Any query parameter or posted field longer than this is a 400 naming it (forms keep tighter limits).
MAX_INPUT_LENGTH = env.int("MAX_INPUT_LENGTH", default=2000)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.limits.InputLimitsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.caching.PrivateResponsesMiddleware",
)
# Unsubscribe links in digests work this many days (a newer digest carries a fresh one).
UNSUBSCRIBE_LINK_DAYS = env.int("UNSUBSCRIBE_LINK_DAYS", default=60)
# Behind a proxy, allauth's sign-in rate limit reads the client from X-Forwarded-For: the hop that
# many proxies from the right (each proxy of ours appends one), or a header the proxy sets itself.
if env.bool("BEHIND_PROXY", default=False):
    ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
else:
    ALLAUTH_TRUSTED_PROXY_COUNT = 0
# --- Steady running (issue 9): queue outages, timeouts ----------------------------------------------------
# A job, digest or alert e-mail that waited this long since it was queued is queued again (beat, every
# minute, and when a worker starts); after EXPORTS_GIVE_UP_HOURS it is marked failed, visibly.
EXPORTS_REQUEUE_AFTER_MINUTES = env.int("EXPORTS_REQUEUE_AFTER_MINUTES", default=5)
EXPORTS_GIVE_UP_HOURS = env.int("EXPORTS_GIVE_UP_HOURS", default=6)
# The embedded DuckDB warehouse interrupts a statement running longer than this (seconds; 0: never).
WAREHOUSE_STATEMENT_TIMEOUT = env.float("WAREHOUSE_STATEMENT_TIMEOUT", default=30)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("exports.outbox_views.outbox_context")  # type: ignore[index]
# SQLite under web, worker, beat together: a transaction takes the write lock when it begins (no
# "database is locked" when a read-then-write transaction cannot upgrade), waits up to 20 s for it,
# and readers do not block the writer (WAL). Found by `manage.py soak`.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Ask a question (dashboards/ask): "offline" (default) or "cortex" (Snowflake Cortex Analyst).
ASK_ENGINE = env.str("ASK_ENGINE", default="offline")
CORTEX_ANALYST_URL = env.str(
    "CORTEX_ANALYST_URL", default=""
)  # default: https://<account>.snowflakecomputing.com
CORTEX_ANALYST_SEMANTIC_MODEL_FILE = env.str(
    "CORTEX_ANALYST_SEMANTIC_MODEL_FILE", default="@ANALYTICS.SEMANTIC/customer_analytics.yaml"
)
CORTEX_ANALYST_SEMANTIC_VIEW = env.str(
    "CORTEX_ANALYST_SEMANTIC_VIEW", default=""
)  # wins over the file when set
CORTEX_ANALYST_TIMEOUT = env.int("CORTEX_ANALYST_TIMEOUT", default=30)
# The first hour of a business user (issue 13): data freshness on every page, feedback and adoption.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("dashboards.freshness.context")  # type: ignore[index]
FRESHNESS_POLL_SECONDS = env.int("FRESHNESS_POLL_SECONDS", default=60)
ADOPTION_TARGET_USERS = env.int("ADOPTION_TARGET_USERS", default=120)
ADOPTION_TARGET_SHARE = env.float("ADOPTION_TARGET_SHARE", default=0.85)
# --- JSON API (dashboards/api/, django-ninja; see README.md "JSON API") ---------------------------------
INSTALLED_APPS += ["ninja"]  # its templates and static files: the docs page is served by the portal itself
API_TOKEN_RATE_PER_MINUTE = env.int("API_TOKEN_RATE_PER_MINUTE", default=120)
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
