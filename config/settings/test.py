"""Settings for the test suite (`bin/test`)."""

import os

from config.settings.base import *  # noqa: F403

DP_REQUIRE_TWO_FACTOR = False
DP_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
AXES_ENABLED = True
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"  # noqa: F405

# Parallel test runs against one development server (several engineers, or editors and CI on
# one machine) each get their own test database by setting DP_TEST_DB.
DATABASES["default"]["TEST"] = {"NAME": f"test_direct_payments_{os.environ.get('DP_TEST_DB', 'main')}"}  # noqa: F405
