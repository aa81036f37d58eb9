"""Shared set-up for benchmarks: Django on a dedicated benchmark database."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DP_TEST_DB", "bench")


def setup_django() -> None:
    import django

    django.setup()
    from django.db import connection

    # A database of its own, kept between runs so data is built once (keepdb). Not serialized: benchmarks
    # never roll back to a snapshot, and serializing hundreds of thousands of rows takes minutes.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def report(**figures: object) -> None:
    figures.setdefault("peak_rss_mb", peak_rss_mb())
    print(json.dumps(figures))
