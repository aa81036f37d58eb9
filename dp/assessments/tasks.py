"""Background tasks of the annual uprating: each takes a batch id, calls one service, and is safe to
retry. They are enqueued only in `transaction.on_commit` (see `uprating.py`)."""

from __future__ import annotations

from django_tasks import task


@task()
def uprating_batch_run_task(batch_id: int) -> None:
    from dp.assessments.uprating import uprating_batch_run

    uprating_batch_run(batch_id=batch_id)


@task()
def uprating_batch_apply_task(batch_id: int) -> None:
    from dp.assessments.uprating import uprating_batch_apply

    uprating_batch_apply(batch_id=batch_id)
