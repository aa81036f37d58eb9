"""Settings for the test suite (`bin/test`)."""

from config.settings.base import *  # noqa: F403

DP_REQUIRE_TWO_FACTOR = False
DP_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
AXES_ENABLED = True
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"  # noqa: F405
