"""Django settings for Doorstroom, driven by the environment (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from doorstroom.config.env import REQUIRED, as_bool, as_list, config

# Lets runtime code subscript generic Django classes (QuerySet[Model], ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# In a checkout (editable install) the project root holds node_modules; elsewhere set ASSETS_DIR.
PROJECT_DIR = PACKAGE_DIR.parent.parent

DEBUG = config(
    "DEBUG",
    False,
    cast=as_bool,
    help="Development mode: detailed error pages, static files served by runserver. Never in production.",
)
SECRET_KEY = config(
    "SECRET_KEY",
    REQUIRED,
    help="Secret used to sign sessions and tokens. Required when DEBUG is off; keep it secret.",
    secret=True,
)
if SECRET_KEY is REQUIRED:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY ontbreekt. Zet de omgevingsvariabele SECRET_KEY op een lange, geheime "
            "waarde (bijvoorbeeld: python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "Doorstroom start niet zonder geheim in productie. "
            "(SECRET_KEY is missing; it is required when DEBUG is off.)"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105

FIELD_ENCRYPTION_KEY = config(
    "FIELD_ENCRYPTION_KEY",
    SECRET_KEY,
    help="Key that encrypts identifiers only a client's care provider may read (the BSN). "
    "Default: SECRET_KEY. Set it separately in production and never change it without re-encrypting.",
    secret=True,
)

VAR_DIR = Path(
    config(
        "VAR_DIR",
        str(Path.cwd() / "var"),
        help="Folder for the SQLite database, demo logins and other local state.",
    )
)
ASSETS_DIR = Path(
    config(
        "ASSETS_DIR",
        str(PROJECT_DIR / "node_modules"),
        help="Folder holding the npm front-end assets (node_modules) that collectstatic gathers.",
    )
)

ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"],
    cast=as_list,
    help="Comma-separated host names this site is served under, e.g. doorstroom.example.nl.",
)
SITE_URL = config(
    "SITE_URL",
    "http://127.0.0.1:8000",
    help="Public address of this site, used for links in e-mails, e.g. https://doorstroom.example.nl.",
).rstrip("/")
APPLICATION_RETENTION_MONTHS = config(
    "APPLICATION_RETENTION_MONTHS",
    6,
    cast=int,
    help="Months after which applications that did not lead to a tenancy are erased.",
)
MEDIA_ROOT = Path(
    config(
        "MEDIA_ROOT",
        str(VAR_DIR / "uploads"),
        help=(
            "Folder for uploaded files (receipts of community spending). Never served directly:"
            " Doorstroom hands each file out after a permission check. Back it up with the database."
        ),
    )
)
COMMUNITY_RECEIPT_MAX_MB = config(
    "COMMUNITY_RECEIPT_MAX_MB",
    5,
    cast=int,
    help="Largest receipt (photo or PDF) a resident may upload, in megabytes.",
)
COMMUNITY_RETENTION_MONTHS = config(
    "COMMUNITY_RETENTION_MONTHS",
    12,
    cast=int,
    help="Months after a resident left the community before their display name and log are erased.",
)
REPORT_IN_BACKGROUND_FROM_PLACEMENTS = config(
    "REPORT_IN_BACKGROUND_FROM_PLACEMENTS",
    2000,
    cast=int,
    help="Quarterly reports over more placements than this are made by the background worker.",
)
REFERRAL_RESPONSE_DAYS = config(
    "REFERRAL_RESPONSE_DAYS",
    10,
    cast=int,
    help="Days a neighbourhood team or care provider has to respond to a referred signal.",
)
ARREARS_MONTHS_TO_OPEN = config(
    "ARREARS_MONTHS_TO_OPEN",
    "1",
    cast=str,
    help="Months of rent arrears (from the ERP import) that open a rent-arrears signal.",
)
ARREARS_MONTHS_TO_ESCALATE = config(
    "ARREARS_MONTHS_TO_ESCALATE",
    "2",
    cast=str,
    help="Months of rent arrears that escalate the rent-arrears signal.",
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS",
    [],
    cast=as_list,
    help="Comma-separated origins (https://host) trusted for form posts behind a proxy.",
)

DATABASES = {
    "default": dj_database_url.parse(
        config(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'doorstroom.sqlite3'}",
            help="Database, e.g. postgres://user:password@host:5432/doorstroom. "
            "Default: an SQLite file under VAR_DIR (demo and development only).",
            secret=True,
        ),
        conn_max_age=config(
            "DB_CONN_MAX_AGE",
            60,
            cast=int,
            help="Seconds a database connection is kept open for reuse (0: a new one per request).",
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_email = dj_email_url.parse(
    config(
        "EMAIL_URL",
        "smtp://localhost:25",
        help="Outgoing mail server, e.g. smtp+tls://user:password@mail.example.nl:587 or console://.",
        secret=True,
    )
)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config(
    "DEFAULT_FROM_EMAIL",
    "Doorstroom <noreply@doorstroom.localhost>",
    help="Sender address of the e-mails Doorstroom sends.",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "doorstroom.config",
    "doorstroom.accounts",
    "doorstroom.reference",
    "doorstroom.organisations",
    "doorstroom.audit",
    "doorstroom.portfolio",
    "doorstroom.clients",
    "doorstroom.lettings",
    "doorstroom.tenancies",
    "doorstroom.community",
    "doorstroom.outcomes",
    "doorstroom.home",
    "doorstroom.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "doorstroom.config.logging.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doorstroom.config.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "doorstroom.accounts.middleware.LoginRequiredMiddleware",
    "doorstroom.accounts.middleware.TwoFactorRequiredMiddleware",
    "doorstroom.accounts.middleware.PrivateResponsesMiddleware",
    "doorstroom.organisations.middleware.ActiveMembershipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "doorstroom.config.urls"
WSGI_APPLICATION = "doorstroom.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doorstroom.organisations.context_processors.active_membership",
            ],
        },
    }
]
FORM_RENDERER = "doorstroom.config.forms.UtrechtFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "doorstroom.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:start"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link works for two hours

# Sessions end after an idle period; cookies are never readable by scripts.
SESSION_IDLE_MINUTES = config(
    "SESSION_IDLE_MINUTES",
    60,
    cast=int,
    help="Minutes without activity after which a user must log in again.",
)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "doorstroom.accounts.views.csrf_failure"

SECURE = not DEBUG
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = config(
    "SECURE_SSL_REDIRECT",
    SECURE,
    cast=as_bool,
    help="Redirect plain HTTP to HTTPS (on by default when DEBUG is off).",
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Two-factor login (django-otp) and lockout after repeated failures (django-axes).
OTP_TOTP_ISSUER = "Doorstroom"
OTP_TOTP_THROTTLE_FACTOR = 1
AXES_FAILURE_LIMIT = config(
    "AXES_FAILURE_LIMIT",
    5,
    cast=int,
    help="Failed logins for one username before the account is locked for a while.",
)
AXES_COOLOFF_TIME = timedelta(
    minutes=config(
        "AXES_COOLOFF_MINUTES",
        15,
        cast=int,
        help="Minutes a locked account stays locked.",
    )
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "doorstroom.accounts.views.locked_out"
AXES_IPWARE_PROXY_COUNT = config(
    "PROXY_COUNT",
    0,
    cast=int,
    help="Number of reverse proxies in front of the app (for the client address in logs).",
)
AXES_VERBOSE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = config(
    "TIME_ZONE",
    "Europe/Amsterdam",
    help="Time zone in which dates and times are shown.",
)

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    config(
        "STATIC_ROOT",
        str(PROJECT_DIR / "staticfiles"),
        help="Folder that collectstatic fills and whitenoise serves in production.",
    )
)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/utrecht", ASSETS_DIR / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/utrecht-tokens", ASSETS_DIR / "@utrecht" / "design-tokens" / "dist"),
    ("vendor/htmx", ASSETS_DIR / "htmx.org" / "dist"),
    ("vendor/noto-sans", ASSETS_DIR / "@fontsource-variable" / "noto-sans"),
]
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


# Background work (large imports) runs in a worker: `doorstroom db_worker` (docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_IN_BACKGROUND_FROM_BYTES = config(
    "IMPORT_IN_BACKGROUND_FROM_BYTES",
    1_000_000,
    cast=int,
    help="Import files at least this large (bytes) are checked and imported by the background worker.",
)

LOG_FORMAT = config(
    "LOG_FORMAT",
    "text" if DEBUG else "json",
    help="'json' (one JSON object per line, the production default) or 'text'.",
)
LOG_LEVEL = config("LOG_LEVEL", "INFO", help="Minimum level of log lines: DEBUG, INFO, WARNING.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}
