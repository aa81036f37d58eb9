"""Production: HTTPS only, secrets from the environment, two-factor authentication required.

`DJANGO_SECRET_KEY`, `DP_FIELD_ENCRYPTION_SALT` and `DJANGO_ALLOWED_HOSTS` must be set; `DATABASE_URL` should be.
`manage.py check --deploy --settings=config.settings.production` reports nothing.
"""

from config.env import env_bool, env_list, env_str
from config.settings.base import *  # noqa: F403

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
SALT_KEY = [salt.strip() for salt in env_str("DP_FIELD_ENCRYPTION_SALT").split(",") if salt.strip()]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
DP_REQUIRE_TWO_FACTOR = True
DP_DEMO = False

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405  (collectstatic at deploy)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
