"""The one place that reads the clock. Domain code takes `today` as an argument; services call
these. Tests freeze time with time-machine."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Today's date in Europe/London (business dates are local dates)."""
    return timezone.localdate()
