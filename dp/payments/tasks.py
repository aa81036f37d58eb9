"""Background tasks: thin wrappers taking ids, safe to run again (enqueued on commit by the services)."""

from __future__ import annotations

import logging

from django_tasks import task

from dp.payments import engine, services

logger = logging.getLogger(__name__)


@task()
def payment_run_execute_task(run_id: int) -> None:
    """Send a payment run. If another worker is already sending it, this one stops and leaves it be."""
    try:
        services.payment_run_execute(run_id=run_id)
    except engine.RunBusy as exc:
        logger.warning("%s", exc.message)


@task()
def payment_run_settle_task(run_id: int) -> None:
    """Record a sent run's money as arrived in people's accounts (with each period's contribution due)."""
    try:
        services.payment_run_settle(run_id=run_id)
    except engine.RunBusy as exc:
        logger.warning("%s", exc.message)
