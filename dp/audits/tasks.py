"""Background tasks: thin wrappers, safe to run again."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from dp.audits import services


@task()
def monitoring_sweep_task(as_of: str) -> int:
    """Run the monitoring checks as of a date (ISO format); returns how many new findings were raised."""
    return int(services.monitoring_sweep(actor=None, as_of=dt.date.fromisoformat(as_of)).raised)
