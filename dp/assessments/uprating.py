"""The annual uprating's writes: start a batch, re-calculate every current assessment in bulk,
approve, and write the new assessments (states and their order in `domain/uprating.py`).

Bulk by design: a council may hold hundreds of thousands of assessments. The run reads the current
assessments in keyset-ordered chunks (no long-lived cursor, so a retried task simply starts again),
computes each with the same pure domain function the screens use (`calculate_contribution`, with
the figures and policy snapshotted on the batch), and writes each chunk's rows with PostgreSQL COPY
in its own transaction, so the batch page can show progress while it runs. Applying an approved
batch works the same way: it re-computes each row from the snapshot (checking it gives the figure
the officer approved), writes the new assessments and a timeline event per person with COPY, and
marks the old assessments as no longer current.

The background tasks (`tasks.py`) take a batch id and call `uprating_batch_run` or
`uprating_batch_apply`; both are safe to retry.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from dp.assessments.constants import AssessmentEvent, FinancialSource, FinancialStatus, UpratingStatus
from dp.assessments.domain.benefit_uprating import (
    IncomeUpratings,
    benefit_rates_from_json,
    benefit_rates_to_json,
    uprate_income,
)
from dp.assessments.domain.charging import ChargingPolicy, calculate_contribution
from dp.assessments.domain.financial import (
    FinancialInputs,
    contribution_request,
    figures_from_json,
    figures_to_json,
    policy_from_json,
    policy_to_json,
)
from dp.assessments.domain.national_figures import NationalFigures
from dp.assessments.domain.uprating import BUSY, ChangeRow, UpratingTotals, can_move, uprating_totals
from dp.assessments.models import FinancialAssessment, UpratingBatch, UpratingItem
from dp.assessments.selectors import (
    council_charging_policy,
    national_figures_on,
    shipped_benefit_rates,
    uprating_needs_second_officer,
)
from dp.assessments.services import record_event
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus
from dp.cases.models import Case
from dp.core import clock
from dp.core.domain.identifiers import age_on
from dp.core.errors import DirectPaymentsError, PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.people.models import Person
from dp.staff.models import User

CHUNK = 5000
# One advisory lock key for "starting an uprating", so two officers cannot start two at once.
_START_LOCK = 7_310_001

_INPUT_COLUMNS = (
    "cost_of_care_weekly_pence",
    "income",
    "disregards",
    "capital_sole_pence",
    "capital_joint_total_pence",
    "capital_joint_owners",
    "housing_costs_weekly_pence",
    "dre_itemised",
    "dre_items",
    "couple",
    "dependent_children",
    "premiums",
    "pension_credit_age",
)
_JSON_INPUTS = frozenset({"income", "disregards", "dre_items", "premiums"})
ITEM_COLUMNS = (
    "batch_id",
    "assessment_id",
    "age",
    "old_weekly_contribution_pence",
    "new_weekly_contribution_pence",
    "full_cost",
    "minimum_income_guarantee_weekly_pence",
    "assessable_income_weekly_pence",
    "disposable_income_weekly_pence",
    "tariff_income_weekly_pence",
    "error",
    "income_changes",
)
ASSESSMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "case_id",
    "person_id",
    "status",
    "source",
    "is_current",
    "previous_id",
    "uprating_item_id",
    "assessed_on",
    "effective_from",
    "age",
    *_INPUT_COLUMNS,
    "capital_pence",
    "disability_related_expenditure_weekly_pence",
    "weekly_contribution_pence",
    "full_cost",
    "tariff_income_weekly_pence",
    "minimum_income_guarantee_weekly_pence",
    "assessable_income_weekly_pence",
    "disposable_income_weekly_pence",
    "rates_year",
    "breakdown",
    "policy",
    "calculated_by_id",
    "calculated_at",
    "completed_by_id",
    "completed_at",
    "notes",
)
EVENT_COLUMNS = (
    "occurred_at",
    "acting_user_id",
    "event_type",
    "summary",
    "subject_type_id",
    "subject_id",
    "person_id",
    "case_id",
    "data",
)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _uprated_inputs(
    values: Sequence[Any], rates_year: str, upratings: IncomeUpratings
) -> tuple[FinancialInputs, list[dict[str, object]]]:
    """The row's inputs with its benefit income moved to the new year's national rates
    (`benefit_uprating`), and what changed, for the officer."""
    found: list[dict[str, object]] = []

    def uprate(income: list[tuple[str, int]]) -> Sequence[tuple[str, int]]:
        uprated, changes = uprate_income(income, upratings.from_year(rates_year))
        found.extend(change.as_dict() for change in changes)
        return uprated

    return _inputs(values, uprate=uprate), found


def _inputs(
    values: Sequence[Any], *, uprate: Callable[[list[tuple[str, int]]], Sequence[tuple[str, int]]] | None = None
) -> FinancialInputs:
    """FinancialInputs from the `_INPUT_COLUMNS` of a row, in that order (the income through `uprate`)."""
    (cost, income, disregards, sole, joint, owners, housing, itemised, dre_items, couple, children, premiums, pca) = (
        values
    )
    income, disregards, dre_items, premiums = (_json(v) for v in (income, disregards, dre_items, premiums))
    lines = [(i["type"], i["weekly_pence"]) for i in income]
    return FinancialInputs(
        cost_of_care_weekly_pence=cost,
        income=uprate(lines) if uprate is not None else lines,
        disregards=[(d["reason"], d["weekly_pence"]) for d in disregards],
        capital_sole_pence=sole,
        capital_joint_total_pence=joint,
        capital_joint_owners=owners,
        housing_costs_weekly_pence=housing,
        dre_itemised=itemised,
        dre_items=[(d["item"], d["weekly_pence"]) for d in dre_items],
        couple=couple,
        dependent_children=children,
        premiums=premiums,
        pension_credit_age=pca,
    )


def _json(value: Any) -> Any:
    """A jsonb column from a raw cursor. Django's PostgreSQL connection hands jsonb back as text (JSONField
    parses it); most lists are empty, which is worth not parsing 250,000 times."""
    if value == "[]":
        return []
    return json.loads(value) if isinstance(value, str) else value


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _current_filter_sql(*, with_person: bool = False) -> str:
    """FROM and WHERE of "each open case's current assessment that started before the target"."""
    fa, case = _table(FinancialAssessment), _table(Case)
    person = f" JOIN {_table(Person)} p ON p.id = fa.person_id" if with_person else ""
    return (
        f"FROM {fa} fa JOIN {case} c ON c.id = fa.case_id{person} "
        "WHERE fa.is_current AND fa.effective_from < %(target)s AND c.status <> %(closed)s"
    )


def current_assessment_count(target_on: dt.date) -> int:
    """How many assessments an uprating to `target_on` would re-run: each open case's current
    assessment that started before that date."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) {_current_filter_sql()}", {"target": target_on, "closed": CaseStatus.CLOSED.value}
        )
        return int(cursor.fetchone()[0])


# Start ------------------------------------------------------------------------------------------------


@transaction.atomic
def uprating_batch_start(*, actor: User, target_on: dt.date) -> UpratingBatch:
    """Queue a re-run of every current financial assessment under the figures in force on
    `target_on`. An older batch that was never approved (or failed) is cancelled: the new one
    replaces it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_START_LOCK])
    if UpratingBatch.objects.filter(status__in=list(BUSY)).exists():
        raise ValidationFailed(
            "Another annual uprating is still running or being applied. Wait for it to finish.", field="target_on"
        )
    figures = national_figures_on(target_on)  # PolicyMissing when no rates year covers the date
    for old in UpratingBatch.objects.select_for_update().filter(
        status__in=[UpratingStatus.READY, UpratingStatus.FAILED]
    ):
        old.status = UpratingStatus.CANCELLED
        old.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            event=AssessmentEvent.UPRATING_CANCELLED,
            subject=old,
            summary=f"Annual uprating {old.reference} cancelled: a new uprating was started",
            after={"status": old.status},
        )
    batch = UpratingBatch.objects.create(target_on=target_on, rates_year=figures.rates_year, created_by=actor)
    record_event(
        actor=actor,
        event=AssessmentEvent.UPRATING_STARTED,
        subject=batch,
        summary=f"Annual uprating {batch.reference} started: contributions under the {figures.rates_year} figures "
        f"from {target_on:%d %B %Y}",
        after={"target_on": target_on, "rates_year": figures.rates_year},
    )
    from dp.assessments.tasks import uprating_batch_run_task

    batch_id = batch.pk
    transaction.on_commit(lambda: uprating_batch_run_task.enqueue(batch_id))
    return batch


# Run --------------------------------------------------------------------------------------------------


def _fail(batch: UpratingBatch, message: str) -> None:
    batch.status = UpratingStatus.FAILED
    batch.error = message[:2000]
    batch.finished_at = clock.now()
    batch.save(update_fields=["status", "error", "finished_at", "updated_at"])
    record_event(
        actor=None,
        event=AssessmentEvent.UPRATING_FAILED,
        subject=batch,
        summary=f"Annual uprating {batch.reference} failed: {message[:200]}",
        after={"status": batch.status},
    )


def uprating_batch_run(*, batch_id: int) -> UpratingBatch:
    """Re-calculate every current assessment for the batch, chunk by chunk (each chunk its own
    transaction, so progress shows while it runs). Safe to retry: a batch part-way through is
    started again; a finished one is left alone."""
    with transaction.atomic():
        batch = UpratingBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (UpratingStatus.QUEUED, UpratingStatus.RUNNING):
            return batch
        try:
            figures = national_figures_on(batch.target_on)
            policy = council_charging_policy(batch.target_on)
        except DirectPaymentsError as exc:
            _fail(batch, exc.message)
            return batch
        UpratingItem.objects.filter(batch=batch).delete()
        batch.status = UpratingStatus.RUNNING
        batch.started_at = clock.now()
        batch.figures = figures_to_json(figures)
        batch.policy = policy_to_json(policy)
        batch.benefit_rates = benefit_rates_to_json(shipped_benefit_rates())
        batch.total = current_assessment_count(batch.target_on)
        batch.processed = 0
        batch.error = ""
        batch.save()
    try:
        totals, (income_uprated, income_left) = recalculate_in_bulk(batch, figures, policy)
    except Exception as exc:
        with transaction.atomic():
            batch = UpratingBatch.objects.select_for_update().get(pk=batch_id)
            _fail(batch, f"The calculation stopped unexpectedly ({type(exc).__name__}). Start the uprating again.")
        raise
    with transaction.atomic():
        batch = UpratingBatch.objects.select_for_update().get(pk=batch_id)
        if not can_move(batch.status, UpratingStatus.READY):
            return batch
        batch.status = UpratingStatus.READY
        batch.finished_at = clock.now()
        batch.total = totals.assessments
        batch.processed = totals.assessments
        batch.failed_count = totals.failed
        batch.old_weekly_total_pence = totals.old_weekly_total_pence
        batch.new_weekly_total_pence = totals.new_weekly_total_pence
        batch.went_up, batch.went_down, batch.unchanged = totals.went_up, totals.went_down, totals.unchanged
        batch.income_uprated, batch.income_left = income_uprated, income_left
        batch.save()
        record_event(
            actor=None,
            event=AssessmentEvent.UPRATING_CALCULATED,
            subject=batch,
            summary=f"Annual uprating {batch.reference} calculated: {totals.recalculated} re-calculated, "
            f"{totals.failed} could not be; weekly total {format_pence(totals.old_weekly_total_pence)} → "
            f"{format_pence(totals.new_weekly_total_pence)}",
            after={
                "recalculated": totals.recalculated,
                "failed": totals.failed,
                "old_weekly_total_pence": totals.old_weekly_total_pence,
                "new_weekly_total_pence": totals.new_weekly_total_pence,
            },
        )
    return batch


def _combine(a: UpratingTotals, b: UpratingTotals) -> UpratingTotals:
    return UpratingTotals(*(x + y for x, y in zip(_fields(a), _fields(b), strict=True)))


def _fields(totals: UpratingTotals) -> tuple[int, ...]:
    return (
        totals.assessments,
        totals.recalculated,
        totals.failed,
        totals.old_weekly_total_pence,
        totals.new_weekly_total_pence,
        totals.went_up,
        totals.went_down,
        totals.unchanged,
    )


def recalculate_in_bulk(
    batch: UpratingBatch, figures: NationalFigures, policy: ChargingPolicy, *, chunk: int = CHUNK
) -> tuple[UpratingTotals, tuple[int, int]]:
    """Stream the current assessments, compute each under `figures` and `policy` with their benefit
    income at the new national rates, COPY the rows. Also returns how many people's income was uprated
    and how many benefit lines were left as recorded."""
    target = batch.target_on
    upratings = IncomeUpratings(benefit_rates_from_json(batch.benefit_rates), figures.rates_year)
    income_uprated = income_left = 0
    select = (
        "SELECT fa.id, p.date_of_birth, fa.weekly_contribution_pence, fa.rates_year, "
        + ", ".join(f"fa.{c}" for c in _INPUT_COLUMNS)
        + f" {_current_filter_sql(with_person=True)} AND fa.id > %(after)s ORDER BY fa.id LIMIT %(limit)s"
    )
    copy_sql = f"COPY {_table(UpratingItem)} ({', '.join(ITEM_COLUMNS)}) FROM STDIN"
    totals = uprating_totals([])
    after = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            # A chunk lost in a crash is rebuilt when the task is retried, so its commit need not wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(
                select, {"target": target, "closed": CaseStatus.CLOSED.value, "after": after, "limit": chunk}
            )
            rows = cursor.fetchall()
            if not rows:
                break
            changes: list[ChangeRow] = []
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    assessment_id, born, old, rates_year = row[0], row[1], row[2], row[3]
                    age = age_on(born, target)
                    try:
                        inputs, income_changes = _uprated_inputs(row[4:], rates_year, upratings)
                        income_json = json.dumps(income_changes)
                        if any(c["new_pence"] is not None and c["new_pence"] != c["old_pence"] for c in income_changes):
                            income_uprated += 1
                        income_left += sum(1 for c in income_changes if c["new_pence"] is None)
                        request = contribution_request(inputs, assessed_on=target, age=age)
                        result = calculate_contribution(request, figures, policy, explain=False)
                    except DirectPaymentsError as exc:
                        copy.write_row(
                            (
                                batch.pk,
                                assessment_id,
                                age,
                                old,
                                None,
                                None,
                                None,
                                None,
                                None,
                                None,
                                exc.message,
                                "[]",
                            )
                        )
                        changes.append(ChangeRow(old, None))
                        continue
                    new = result.weekly_contribution_pence
                    copy.write_row(
                        (
                            batch.pk,
                            assessment_id,
                            age,
                            old,
                            new,
                            result.full_cost,
                            result.minimum_income_guarantee_weekly_pence,
                            result.assessable_income_weekly_pence,
                            result.disposable_income_weekly_pence,
                            result.tariff_income_weekly_pence,
                            "",
                            income_json,
                        )
                    )
                    changes.append(ChangeRow(old, new))
            UpratingBatch.objects.filter(pk=batch.pk).update(processed=models.F("processed") + len(rows))
        totals = _combine(totals, uprating_totals(changes))
        after = rows[-1][0]
    return totals, (income_uprated, income_left)


# Approve and apply ----------------------------------------------------------------------------------


@transaction.atomic
def uprating_batch_approve(*, actor: User, batch: UpratingBatch) -> UpratingBatch:
    """Approve the new contributions. Nothing can be approved while any assessment failed, or after
    assessments changed since the run; the council may require a second officer (policy)."""
    batch = UpratingBatch.objects.select_for_update().get(pk=batch.pk)
    if not can_move(batch.status, UpratingStatus.APPROVED):
        raise TransitionNotAllowed(
            f"An uprating that is “{UpratingStatus(batch.status).label.lower()}” cannot be approved."
        )
    if batch.failed_count:
        raise ValidationFailed(
            f"{batch.failed_count} assessment{'s' if batch.failed_count != 1 else ''} could not be re-calculated. "
            "Once the missing figures are entered, start the uprating again."
        )
    if uprating_needs_second_officer(clock.today()) and actor.pk == batch.created_by_id:
        raise PermissionDenied("A second officer must approve an uprating: you started this one.")
    stale = batch.items.filter(error="").exclude(assessment__is_current=True).count()
    if stale:
        raise ValidationFailed(
            f"{stale} assessment{'s have' if stale != 1 else ' has'} changed since this uprating was calculated. "
            "Start the uprating again."
        )
    batch.status = UpratingStatus.APPROVED
    batch.approved_by = actor
    batch.approved_at = clock.now()
    batch.applied = 0
    batch.save(update_fields=["status", "approved_by", "approved_at", "applied", "updated_at"])
    record_event(
        actor=actor,
        event=AssessmentEvent.UPRATING_APPROVED,
        subject=batch,
        summary=f"Annual uprating {batch.reference} approved: {batch.total} contributions, weekly total "
        f"{format_pence(batch.old_weekly_total_pence)} → {format_pence(batch.new_weekly_total_pence)}",
        before={"status": UpratingStatus.READY},
        after={"status": batch.status},
    )
    from dp.assessments.tasks import uprating_batch_apply_task

    batch_id = batch.pk
    transaction.on_commit(lambda: uprating_batch_apply_task.enqueue(batch_id))
    return batch


def uprating_batch_apply(*, batch_id: int) -> UpratingBatch:
    """Write the approved batch's new assessments, chunk by chunk. Safe to retry: rows already
    written are skipped."""
    with transaction.atomic():
        batch = UpratingBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != UpratingStatus.APPROVED:
            return batch
    figures = figures_from_json(batch.figures)
    policy = policy_from_json(batch.policy)
    upratings = IncomeUpratings(benefit_rates_from_json(batch.benefit_rates), figures.rates_year)
    after = 0
    while True:
        with transaction.atomic():
            written, after = _apply_chunk(batch, figures, policy, upratings, after=after)
        if not written:
            break
    _payments_follow(batch)
    with transaction.atomic():
        batch = UpratingBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = UpratingStatus.APPLIED
        batch.applied_at = clock.now()
        batch.save(update_fields=["status", "applied_at", "updated_at"])
        record_event(
            actor=batch.approved_by,
            event=AssessmentEvent.UPRATING_APPLIED,
            subject=batch,
            summary=f"Annual uprating {batch.reference} applied: {batch.applied} new assessments from "
            f"{batch.target_on:%d %B %Y}; letters ready",
            after={"status": batch.status, "applied": batch.applied},
        )
    return batch


def _payments_follow(batch: UpratingBatch, *, chunk: int = 200) -> None:
    """The running direct payments of people whose contribution the batch changed take the new
    contribution from the target date (`payments.services.schedule_contribution_from`), in small
    transactions; safe to retry (once per schedule and batch)."""
    from dp.payments.models import PaymentSchedule
    from dp.payments.services import schedule_contribution_from

    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT i.id, fa.case_id, i.new_weekly_contribution_pence FROM {_table(UpratingItem)} i"
                f" JOIN {_table(FinancialAssessment)} fa ON fa.id = i.assessment_id"
                " WHERE i.batch_id = %(batch)s AND i.error = '' AND i.id > %(after)s"
                " AND i.new_weekly_contribution_pence <> i.old_weekly_contribution_pence"
                f" AND EXISTS (SELECT 1 FROM {_table(PaymentSchedule)} s WHERE s.case_id = fa.case_id"
                " AND s.status <> 'ended') ORDER BY i.id LIMIT %(limit)s",
                {"batch": batch.pk, "after": after, "limit": chunk},
            )
            rows = cursor.fetchall()
        if not rows:
            return
        with transaction.atomic():
            for _, case_id, contribution in rows:
                schedule_contribution_from(
                    actor=batch.approved_by,
                    case_id=case_id,
                    effective_on=batch.target_on,
                    weekly_contribution_pence=contribution,
                    source=f"uprating:{batch.pk}",
                    reason=f"Annual uprating {batch.reference} to the {batch.rates_year} figures",
                )
        after = rows[-1][0]


def _apply_chunk(
    batch: UpratingBatch,
    figures: NationalFigures,
    policy: ChargingPolicy,
    upratings: IncomeUpratings,
    *,
    after: int,
    chunk: int = CHUNK,
) -> tuple[int, int]:
    fa_table, item_table = _table(FinancialAssessment), _table(UpratingItem)
    pending = (
        f" FROM {item_table} i JOIN {fa_table} fa ON fa.id = i.assessment_id"
        " WHERE i.batch_id = %(batch)s AND i.error = '' AND i.id > %(after)s"
        f" AND NOT EXISTS (SELECT 1 FROM {fa_table} n WHERE n.uprating_item_id = i.id)"
    )
    with connection.cursor() as cursor:
        # Lock the chunk's cases first (an officer completing an assessment locks the case first too), then
        # read afresh: a reassessment completed meanwhile leaves the old assessment no longer current, and
        # that person is skipped (their new assessment stands).
        cursor.execute(
            f"SELECT i.id FROM {_table(Case)} c JOIN {fa_table} f ON f.case_id = c.id"
            f" JOIN {item_table} i ON i.assessment_id = f.id WHERE i.id IN (SELECT i.id {pending}"
            " ORDER BY i.id LIMIT %(limit)s) ORDER BY i.id FOR UPDATE OF c",
            {"batch": batch.pk, "after": after, "limit": chunk},
        )
        locked = [r[0] for r in cursor.fetchall()]
        if not locked:
            return 0, after
        cursor.execute(
            "SELECT i.id, i.assessment_id, i.age, i.new_weekly_contribution_pence, fa.case_id, fa.person_id, "
            "fa.weekly_contribution_pence, fa.rates_year, "
            + ", ".join(f"fa.{c}" for c in _INPUT_COLUMNS)
            + pending
            + " AND i.id <= %(last)s AND fa.is_current ORDER BY i.id",
            {"batch": batch.pk, "after": after, "last": locked[-1]},
        )
        rows = cursor.fetchall()
        if not rows:
            return len(locked), locked[-1]
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [FinancialAssessment._meta.db_table, len(rows)],
        )
        new_ids = [r[0] for r in cursor.fetchall()]
        now = clock.now()
        actor_id = batch.approved_by_id
        policy_json = json.dumps(batch.policy)
        subject_type = ContentType.objects.get_for_model(FinancialAssessment).pk
        assessments, events, replaced = [], [], []
        for new_id, row in zip(new_ids, rows, strict=True):
            item_id, old_id, age, approved, case_id, person_id, old, rates_year = row[:8]
            inputs, _ = _uprated_inputs(row[8:], rates_year, upratings)
            result = calculate_contribution(
                contribution_request(inputs, assessed_on=batch.target_on, age=age), figures, policy
            )
            if result.weekly_contribution_pence != approved:
                raise RuntimeError(f"Uprating item {item_id} no longer gives the approved contribution.")
            replaced.append(old_id)
            raw = dict(zip(_INPUT_COLUMNS, row[8:], strict=True))
            raw["income"] = [{"type": t, "weekly_pence": p} for t, p in inputs.income]
            assessments.append(
                (
                    new_id,
                    now,
                    now,
                    case_id,
                    person_id,
                    FinancialStatus.COMPLETED.value,
                    FinancialSource.UPRATING.value,
                    True,
                    old_id,
                    item_id,
                    batch.target_on,
                    batch.target_on,
                    age,
                    *(_json_text(raw[c]) if c in _JSON_INPUTS else raw[c] for c in _INPUT_COLUMNS),
                    inputs.capital_pence,
                    inputs.dre_weekly_pence,
                    result.weekly_contribution_pence,
                    result.full_cost,
                    result.tariff_income_weekly_pence,
                    result.minimum_income_guarantee_weekly_pence,
                    result.assessable_income_weekly_pence,
                    result.disposable_income_weekly_pence,
                    result.rates_year,
                    json.dumps([line.as_dict() for line in result.breakdown]),
                    policy_json,
                    actor_id,
                    now,
                    actor_id,
                    now,
                    "",
                )
            )
            events.append(
                (
                    now,
                    actor_id,
                    AssessmentEvent.FINANCIAL_COMPLETED.value,
                    f"Contribution uprated to the {result.rates_year} figures: {format_pence(old)} → "
                    f"{format_pence(result.weekly_contribution_pence)} a week from {batch.target_on:%d %B %Y} "
                    f"(uprating {batch.reference})",
                    subject_type,
                    new_id,
                    person_id,
                    case_id,
                    json.dumps(
                        {
                            "before": {"weekly_contribution_pence": old},
                            "after": {
                                "weekly_contribution_pence": result.weekly_contribution_pence,
                                "effective_from": batch.target_on.isoformat(),
                                "rates_year": result.rates_year,
                            },
                        }
                    ),
                )
            )
        cursor.execute(f"UPDATE {fa_table} SET is_current = false, updated_at = %s WHERE id = ANY(%s)", [now, replaced])
        with cursor.cursor.copy(f"COPY {fa_table} ({', '.join(ASSESSMENT_COLUMNS)}) FROM STDIN") as copy:
            for values in assessments:
                copy.write_row(values)
        with cursor.cursor.copy(f"COPY {_table(Event)} ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            for values in events:
                copy.write_row(values)
    UpratingBatch.objects.filter(pk=batch.pk).update(applied=models.F("applied") + len(rows))
    return len(locked), locked[-1]
