"""Settings for the portal, driven by environment variables (defaults give a working local portal).

Embedded default: SQLite (WAL mode) and Celery's filesystem broker, so ``make run`` needs no server.
Production sets ``DJANGO_DEBUG=false``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``. Any secret may instead be given as ``<NAME>_FILE``.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Return ``$NAME``, or the contents of the file named by ``$NAME_FILE``, or ``default``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Parse a boolean variable strictly: true/false/1/0/yes/no; anything else is a configuration error."""
    raw = env(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    """Parse an integer variable; a non-integer is a configuration error."""
    raw = env(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_float(name: str, default: float) -> float:
    """Parse a decimal variable (seconds, days); anything else is a configuration error."""
    raw = env(name, "").strip()
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from exc


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
VAR_DIR = Path(env("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "platform_site",
    "cases",
    "review",
    "suppliers",
    "cases.delivery",
    "billing",
    "hwsim",
    "cases.benefits",
]

MIDDLEWARE = [
    # First: decides which client address and scheme to believe before anything reads them.
    "platform_site.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "platform_site.profiles.PreferredLanguageMiddleware",  # the profile's language cookie at login
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "platform_site.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "platform_site.urls"
WSGI_APPLICATION = "platform_site.wsgi.application"

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
                "platform_site.context_processors.tenant",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", "") or VAR_DIR / "portal.sqlite3",
            # The test database is a file, not memory, so a real worker subprocess can open it (see
            # tests/celery_processes.py); per test-runner pid, so two runs never share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"portal-test-{os.getpid()}.sqlite3")},
            # WAL lets the web process read while the Celery worker writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"  # one tenant → its home, several → the portal home
LOGOUT_REDIRECT_URL = "home"
# Two limits (platform_site/throttle.py): 5 failures lock one username from one client IP; 30 failures over
# any usernames lock the client IP (password spraying). The client IP is REMOTE_ADDR after
# TrustedProxyMiddleware, i.e. the real client behind the proxy and never a forwarded header from elsewhere.
AXES_HANDLER = "platform_site.throttle.PortalAxesHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
PORTAL_LOGIN_IP_FAILURE_LIMIT = env_int("PORTAL_LOGIN_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_CLIENT_IP_CALLABLE = "platform_site.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- i18n: zh-Hant by default, English by switch; Asia/Taipei ---------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# --- static and uploads ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploads are private: stored outside any served directory, streamed only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PORTAL_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development serves static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the filebased backend only
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
#: Absolute base URL used in emails, e.g. https://portal.example.tw (no trailing slash).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@tsmp.example.tw")

# --- Celery: filesystem broker by default, Redis when REDIS_URL is set --------------------------------
#: A cache shared by every process (schema cache, password-reset throttling), e.g. redis://redis:6379/1 — a
#: database other than the broker's. Empty: each process keeps its own local-memory cache.
PORTAL_CACHE_URL = env("PORTAL_CACHE_URL", "")
if PORTAL_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": PORTAL_CACHE_URL}}

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # A stopped Redis must fail a publication fast (the outbox keeps the work), not hang the request.
        "socket_connect_timeout": 2,
    }
else:
    _broker_dir = Path(env("CELERY_FILESYSTEM_BROKER_DIR", "") or VAR_DIR / "broker")
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publication is retried briefly only; after that the outbox row stays pending for the deliverer.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# Durable queueing (platform_site.outbox), seconds: the deliverer's period, the first wait before a row is
# published again (doubled per publication, capped), and how often a task may raise before it is given up.
OUTBOX_DELIVER_INTERVAL_S = env_float("OUTBOX_DELIVER_INTERVAL_S", 15.0)
OUTBOX_RETRY_BASE_S = env_float("OUTBOX_RETRY_BASE_S", 30.0)
OUTBOX_RETRY_MAX_S = env_float("OUTBOX_RETRY_MAX_S", 900.0)
OUTBOX_MAX_FAILURES = env_int("OUTBOX_MAX_FAILURES", 10)
OUTBOX_KEEP_DONE_DAYS = env_float("OUTBOX_KEEP_DONE_DAYS", 7.0)
# Verification jobs (hwsim.services), seconds: a running job writes heartbeat_at every HWSIM_JOB_HEARTBEAT_S;
# the sweeper (every HWSIM_JOB_SWEEP_INTERVAL_S) requeues one whose heartbeat is older than HWSIM_JOB_STALE_S.
HWSIM_JOB_HEARTBEAT_S = env_float("HWSIM_JOB_HEARTBEAT_S", 10.0)
HWSIM_JOB_STALE_S = env_float("HWSIM_JOB_STALE_S", 60.0)
HWSIM_JOB_SWEEP_INTERVAL_S = env_float("HWSIM_JOB_SWEEP_INTERVAL_S", 30.0)
# Design-space sweep chunks (hwsim.dse.tasks): hard time limit of one chunk task (soft: 80 %). A chunk whose worker
# was killed is re-published by the outbox this long (+ OUTBOX_RETRY_BASE_S) after it started.
HWSIM_DSE_CHUNK_TIME_LIMIT_S = env_float("HWSIM_DSE_CHUNK_TIME_LIMIT_S", 90.0)

#: The review committee's reminders (review.reminders: scores, unanswered invitations, final-review due dates).
REVIEW_REMINDER_INTERVAL_S = env_float("REVIEW_REMINDER_INTERVAL_S", 3600.0)
#: /healthz gives the broker this long to answer.
HEALTHZ_BROKER_TIMEOUT_S = env_float("HEALTHZ_BROKER_TIMEOUT_S", 1.0)
# Run by `celery beat` (compose service "beat"; `manage.py rundev` embeds it with -B). A periodic message
# expires after one period, so a busy worker does not pile them up.
CELERY_BEAT_SCHEDULE = {
    "outbox-deliver": {
        "task": "platform_site.tasks.deliver_outbox",
        "schedule": OUTBOX_DELIVER_INTERVAL_S,
        "options": {"expires": OUTBOX_DELIVER_INTERVAL_S},
    },
    "hwsim-sweep-stale-jobs": {
        "task": "hwsim.tasks.sweep_stale_jobs",
        "schedule": HWSIM_JOB_SWEEP_INTERVAL_S,
        "options": {"expires": HWSIM_JOB_SWEEP_INTERVAL_S},
    },
    "review-reminders": {
        "task": "review.tasks.send_review_reminders",
        "schedule": REVIEW_REMINDER_INTERVAL_S,
        "options": {"expires": REVIEW_REMINDER_INTERVAL_S},
    },
    "delivery-schedule": {  # biweekly report rows and reminders (cases.delivery.reminders)
        "task": "cases.delivery.tasks.run_delivery_schedule",
        "schedule": REVIEW_REMINDER_INTERVAL_S,
        "options": {"expires": REVIEW_REMINDER_INTERVAL_S},
    },
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "platform_site.api.exception_handler",
}
#: Anonymous access to /api/schema/ (development); production requires a signed-in user.
PORTAL_SCHEMA_PUBLIC = env_bool("PORTAL_SCHEMA_PUBLIC", DEBUG)
#: Release name (image build); keys the cached API schema so a deploy never serves the old one.
PORTAL_RELEASE = env("PORTAL_RELEASE", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart System Integration Portal API",
    "DESCRIPTION": (
        "Tenant-scoped API of the TSMP case-management portal. Every path is under /api/v1/t/{tenant_slug}/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {  # one name per choice set used by several serializers
        "IndustryEnum": "cases.enums.Industry",
        "CaseStateEnum": "cases.enums.CaseState",
        "WorkRoleEnum": "suppliers.enums.WorkRole",
        "SupplierStateEnum": "suppliers.enums.OnboardingState",
        "DesignStateEnum": "suppliers.enums.DesignState",
        "ReferralStateEnum": "suppliers.enums.ReferralState",
        "MeetingStateEnum": "review.enums.MeetingState",
        "InvitationStateEnum": "review.enums.InvitationState",
        "DecisionStateEnum": "review.enums.DecisionState",
        "KpiKindEnum": "cases.benefits.enums.KpiKind",
        "StatementStateEnum": "billing.statement_enums.StatementState",
        "AgreementStateEnum": "billing.statement_enums.AgreementState",
        "RateCardStateEnum": "billing.statement_enums.RateCardState",
        "CostKindEnum": "billing.statement_enums.CostKind",
        "UsageKindEnum": "billing.statement_enums.UsageKind",
        "WorkGroupStateEnum": "cases.delivery.enums.WorkGroupState",
        "MilestoneStateEnum": "cases.delivery.enums.MilestoneState",
        "ReportStateEnum": "cases.delivery.enums.ReportState",
        "DeliveryOutcomeEnum": "cases.delivery.enums.Outcome",
        "DecisionOutcomeEnum": "review.enums.DecisionOutcome",
    },
}

# --- security (production) ------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Believed only when TrustedProxyMiddleware let the header through, i.e. from PORTAL_TRUSTED_PROXIES.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The container health check talks plain HTTP to gunicorn from inside the container (docker/healthcheck.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def _trusted_proxies(raw: str) -> list[str]:
    """Parse ``PORTAL_TRUSTED_PROXIES`` (comma-separated IPs/CIDRs); a malformed entry is a configuration error."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(f"PORTAL_TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
    return networks


#: Peers whose X-Forwarded-For/-Proto are believed (the reverse proxy). Empty: believe nobody.
PORTAL_TRUSTED_PROXIES = _trusted_proxies(env("PORTAL_TRUSTED_PROXIES", ""))
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step and fontTools every subsetting step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

_ = _  # gettext_lazy kept importable for settings that need labels

#: Password-reset requests per hour (platform_site.account_forms.reset_throttled): per client IP, per email.
PORTAL_PASSWORD_RESET_PER_IP = env_int("PORTAL_PASSWORD_RESET_PER_IP", 20)
PORTAL_PASSWORD_RESET_PER_EMAIL = env_int("PORTAL_PASSWORD_RESET_PER_EMAIL", 3)
