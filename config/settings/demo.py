"""The demo on a laptop: `bin/run`. Plain HTTP on 127.0.0.1 and no two-factor authentication,
which the login page says. Never use these settings for real people's data."""

from config.settings.base import *  # noqa: F403

DP_REQUIRE_TWO_FACTOR = False
DP_DEMO = True
