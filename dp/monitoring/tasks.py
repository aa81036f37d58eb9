"""Background tasks: thin wrappers taking ids, safe to run again (enqueued on commit by the services)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from dp.monitoring import services


@task()
def statement_import_task(import_id: int) -> None:
    """Import a queued statement file (a finished import is left alone; a busy one is skipped)."""
    services.statement_import_run(import_id=import_id)


@task()
def transactions_recategorise_task(actor_id: int) -> None:
    """Apply the merchant rules to unexplained transactions already imported (safe to run again)."""
    from dp.staff.models import User

    services.transactions_recategorise(actor=User.objects.get(pk=actor_id))


@task()
def plan_transactions_recategorise_task(actor_id: int, plan_id: int, since: str) -> None:
    """Categorise a person's transactions from `since` (ISO date) again after their support plan was approved
    (nothing when a later plan has replaced it since; safe to run again)."""
    from dp.staff.models import User

    services.plan_transactions_recategorise(
        actor=User.objects.get(pk=actor_id), plan_id=plan_id, since=dt.date.fromisoformat(since)
    )
