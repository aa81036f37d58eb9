"""Background tasks: thin wrappers taking ids, safe to run again (enqueued on commit by the services)."""

from __future__ import annotations

from django_tasks import task

from dp.monitoring import services


@task()
def statement_import_task(import_id: int) -> None:
    """Import a queued statement file (a finished import is left alone; a busy one is skipped)."""
    services.statement_import_run(import_id=import_id)
