"""The payment-run engine: set-based SQL for the work that scales with the number of direct payments.

Called only by the run services in `dp.payments.services` (which own the workflow, audit events and
locks around it). Three jobs:

1. **Calculate** (`calculate_run`), inside the run's creating transaction: every period due (the same
   rule as `domain.run.due_period_numbers`), with its amount worked out in SQL when the period is
   regular (one set of weekly amounts for the whole period: budget = weekly x weeks, no rounding),
   and each hold-back reason (`domain.run.hold_reason`) as a SQL CASE. One INSERT ... SELECT writes
   the payments and one the exceptions. Only schedules with a change of amounts inside the period, or
   an adjustment still to settle, go through the pure Python functions (`domain.schedule.period`,
   `settle_in_next_payment`). One-off and final payments are a second, small INSERT ... SELECT.
   The UNIQUE constraints on `Payment` make paying a period twice impossible, whatever happens here.

2. **Send** (`send_run`): in chunks of the run's payments (ordered by id, chunk size fixed on the run
   the first time, so a resumed run cuts the same chunks), one "payments sent" journal per chunk with
   the idempotency key `payment-run:<run>:sent:<chunk>` (Dr transit by channel, Cr council funding),
   each chunk its own transaction with the run's progress. Then, in one transaction, the files (Bacs
   Standard 18 for bank and managed accounts, one card-load file per card provider, the remittance
   advices), checked against the ledger, and the run marked sent. Killed at any point, running it
   again skips the chunks already posted and writes the files once.

3. **Settle** (`settle_run`), on the pay date: per payment, in chunks, the journal `payment:<id>` (the
   money is in the person's account; the period's contribution falls due): one INSERT ... SELECT for
   the journals (ON CONFLICT on the idempotency key: never twice) and one for their entries.

Why two ledger steps: sending moves only council money (funding to transit), so a chunk's payments
share one journal; each person's account moves when the money arrives, which needs one journal per
payment (and the ledger's deferred balance check runs per entry, the slowest part at scale).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, cast

from django.db import connection, transaction
from django.db.utils import OperationalError
from encrypted_fields.fields import EncryptedCharField

from dp.core import clock
from dp.core.errors import DirectPaymentsError, ValidationFailed
from dp.ledger.models import Journal
from dp.ledger.services import accounts_for, journal_post
from dp.payments.constants import (
    AccountKind,
    Channel,
    PaymentFileKind,
    PaymentKind,
    PaymentRunStatus,
)
from dp.payments.domain import bacs, card_load, documents
from dp.payments.domain.ledger import (
    COUNCIL_CONTRIBUTIONS_CHARGED,
    COUNCIL_DP_FUNDING,
    TRANSIT_BANK,
    TRANSIT_CARD_PROVIDER,
    build_payments_sent,
    build_recovery_offset,
)
from dp.payments.domain.run import bacs_processing_on
from dp.payments.domain.schedule import period as schedule_period
from dp.payments.domain.schedule import settle_in_next_payment, take_recovery
from dp.payments.models import (
    AdjustmentSettlement,
    DirectPaymentAccount,
    MoneyManager,
    Payment,
    PaymentFile,
    PaymentRun,
    PaymentSchedule,
    ScheduleAdjustment,
    payment_reference,
)

Progress = Callable[[str], None]
Fault = Callable[[str], None]

#: Payments per chunk when a run is sent or settled (fixed on the run when it is first sent).
DEFAULT_CHUNK_SIZE = 10_000
#: Advisory-lock namespaces (pg_try_advisory_lock(namespace, run id)).
SEND_LOCK = 7301
SETTLE_LOCK = 7302
RUNS_LOCK = 7300


class RunBusy(DirectPaymentsError):
    """Another process is already sending (or settling) this run."""


def _nothing(_: str) -> None:
    return None


# -- 1. calculate ------------------------------------------------------------------------------------

# The periods due, one row per schedule and period, with the amounts of a regular period and the
# reason to hold it back (mirrors domain.run.due_period_numbers and hold_reason; tested against them).
DUE_SQL = """
CREATE TEMP TABLE payrun_due ON COMMIT DROP AS
WITH s AS (
    SELECT s.id AS schedule_id, s.start_on, s.period_weeks * 7 AS days, s.basis, s.account_id,
           s.payable_from_on, s.agreement_signed_on,
           (SELECT max(p.period_start_on) FROM payments_payment p
             WHERE p.schedule_id = s.id AND p.kind = 'regular' AND NOT p.cancelled) AS last_paid
      FROM payments_paymentschedule s
     WHERE s.status = 'active' AND s.start_on <= %(horizon)s
), n AS (
    SELECT s.*, s.start_on + (g.n - 1) * s.days AS period_start_on
      FROM s, LATERAL generate_series(
               greatest(1, (s.payable_from_on - s.start_on + s.days - 1) / s.days + 1,
                        coalesce((s.last_paid - s.start_on) / s.days + 2, 1)),
               (%(horizon)s - s.start_on) / s.days + 1) AS g(n)
)
SELECT n.schedule_id, n.period_start_on, n.period_start_on + n.days - 1 AS period_end_on, n.days / 7 AS weeks,
       n.basis, n.account_id, a.kind AS account_kind,
       c.weekly_budget_pence * (n.days / 7) AS budget_pence,
       least(c.weekly_contribution_pence, c.weekly_budget_pence) * (n.days / 7) AS contribution_pence,
       EXISTS (SELECT 1 FROM payments_schedulechange x
                WHERE x.schedule_id = n.schedule_id AND x.effective_on > n.period_start_on
                  AND x.effective_on < n.period_start_on + n.days)
       OR EXISTS (SELECT 1 FROM payments_scheduleadjustment j
                   CROSS JOIN LATERAL (
                       SELECT coalesce(sum(st.amount_pence), 0) AS amount,
                              coalesce(sum(st.contribution_pence), 0) AS contribution
                         FROM payments_adjustmentsettlement st
                         JOIN payments_payment pp ON pp.id = st.payment_id
                        WHERE st.adjustment_id = j.id AND NOT pp.cancelled) AS settled
                   WHERE j.schedule_id = n.schedule_id AND j.superseded_at IS NULL
                     AND (j.amount_pence <> settled.amount OR j.contribution_pence <> settled.contribution))
       OR EXISTS (SELECT 1 FROM payments_recoverydeduction r
                   WHERE r.schedule_id = n.schedule_id AND r.status = 'active'
                     AND r.total_pence > (SELECT coalesce(sum(t.amount_pence), 0)
                                            FROM payments_recoverydeductiontaken t
                                            JOIN payments_payment tp ON tp.id = t.payment_id
                                           WHERE t.deduction_id = r.id AND NOT tp.cancelled))
           AS needs_python,
       CASE
           WHEN n.agreement_signed_on IS NULL THEN 'agreement_not_signed'
           WHEN a.id IS NULL OR a.status <> 'open' THEN 'no_open_account'
           WHEN a.kind = 'prepaid_card' AND a.card_status <> 'active' THEN 'card_not_active'
           WHEN a.kind = 'bank' AND EXISTS (
               SELECT 1 FROM payments_bankdetailschange b
                WHERE b.account_id = a.id AND b.status = 'pending' AND b.requested_at >= %(hold_since)s)
               THEN 'bank_details_unconfirmed'
       END AS hold
  FROM n
  JOIN LATERAL (
      SELECT x.weekly_budget_pence, x.weekly_contribution_pence FROM payments_schedulechange x
       WHERE x.schedule_id = n.schedule_id AND x.effective_on <= n.period_start_on
       ORDER BY x.effective_on DESC LIMIT 1) AS c ON true
  LEFT JOIN payments_directpaymentaccount a ON a.id = n.account_id
"""

INSERT_REGULAR_SQL = """
INSERT INTO payments_payment
    (run_id, schedule_id, account_id, kind, period_start_on, period_end_on, pay_on, channel, basis,
     budget_pence, regular_pence, adjustment_pence, recovery_pence, amount_pence, contribution_due_pence,
     contribution_adjustment_pence, prorated, cancelled)
SELECT %(run)s, d.schedule_id, d.account_id, 'regular', d.period_start_on, d.period_end_on, %(pay_on)s,
       CASE WHEN d.account_kind = 'prepaid_card' THEN 'card_provider' ELSE 'bank' END, d.basis,
       d.budget_pence, a.amount, 0, 0, a.amount, d.contribution_pence, 0, false, false
  FROM payrun_due d,
       LATERAL (SELECT CASE WHEN d.basis = 'gross' THEN d.budget_pence
                            ELSE greatest(d.budget_pence - d.contribution_pence, 0) END AS amount) AS a
 WHERE d.hold IS NULL AND NOT d.needs_python
"""

INSERT_HELD_SQL = """
INSERT INTO payments_paymentrunexception
    (run_id, schedule_id, scheduled_payment_id, period_start_on, reason, amount_pence)
SELECT %(run)s, d.schedule_id, NULL, d.period_start_on, d.hold,
       CASE WHEN d.basis = 'gross' THEN d.budget_pence ELSE greatest(d.budget_pence - d.contribution_pence, 0) END
  FROM payrun_due d
 WHERE d.hold IS NOT NULL AND NOT d.needs_python
"""

# One-off and final payments due by the horizon and not yet paid (the schedule may have ended: a
# final payment is paid after the end).
SCHEDULED_DUE_SQL = """
CREATE TEMP TABLE payrun_scheduled ON COMMIT DROP AS
SELECT sp.id AS scheduled_payment_id, sp.schedule_id, sp.kind, sp.amount_pence, s.account_id, s.basis,
       a.kind AS account_kind,
       CASE
           WHEN s.agreement_signed_on IS NULL THEN 'agreement_not_signed'
           WHEN a.id IS NULL OR a.status <> 'open' THEN 'no_open_account'
           WHEN a.kind = 'prepaid_card' AND a.card_status <> 'active' THEN 'card_not_active'
           WHEN a.kind = 'bank' AND EXISTS (
               SELECT 1 FROM payments_bankdetailschange b
                WHERE b.account_id = a.id AND b.status = 'pending' AND b.requested_at >= %(hold_since)s)
               THEN 'bank_details_unconfirmed'
       END AS hold
  FROM payments_scheduledpayment sp
  JOIN payments_paymentschedule s ON s.id = sp.schedule_id
  LEFT JOIN payments_directpaymentaccount a ON a.id = s.account_id
 WHERE sp.pay_on <= %(horizon)s AND s.status IN ('active', 'ended')
   AND NOT EXISTS (SELECT 1 FROM payments_payment p WHERE p.scheduled_payment_id = sp.id AND NOT p.cancelled)
"""

INSERT_SCHEDULED_SQL = """
INSERT INTO payments_payment
    (run_id, schedule_id, account_id, kind, period_start_on, period_end_on, scheduled_payment_id, pay_on, channel,
     basis, budget_pence, regular_pence, adjustment_pence, recovery_pence, amount_pence, contribution_due_pence,
     contribution_adjustment_pence, prorated, cancelled)
SELECT %(run)s, d.schedule_id, d.account_id, d.kind, NULL, NULL, d.scheduled_payment_id, %(pay_on)s,
       CASE WHEN d.account_kind = 'prepaid_card' THEN 'card_provider' ELSE 'bank' END, d.basis,
       0, d.amount_pence, 0, 0, d.amount_pence, 0, 0, false, false
  FROM payrun_scheduled d WHERE d.hold IS NULL;
INSERT INTO payments_paymentrunexception
    (run_id, schedule_id, scheduled_payment_id, period_start_on, reason, amount_pence)
SELECT %(run)s, d.schedule_id, d.scheduled_payment_id, NULL, d.hold, d.amount_pence
  FROM payrun_scheduled d WHERE d.hold IS NOT NULL
"""


@dataclass(frozen=True)
class _DueRow:
    schedule_id: int
    period_start_on: dt.date
    account_id: int | None
    account_kind: str | None
    hold: str | None


def calculate_run(run: PaymentRun, *, horizon: dt.date, hold_since: dt.datetime) -> None:
    """Write the run's payments and exceptions (inside the caller's transaction) and its totals."""
    params: dict[str, Any] = {"run": run.pk, "pay_on": run.pay_on, "horizon": horizon, "hold_since": hold_since}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS payrun_due")
        cursor.execute(DUE_SQL, params)
        cursor.execute(INSERT_REGULAR_SQL, params)
        cursor.execute(INSERT_HELD_SQL, params)
        cursor.execute(
            "SELECT schedule_id, period_start_on, account_id, account_kind, hold FROM payrun_due "
            "WHERE needs_python ORDER BY schedule_id, period_start_on"
        )
        python_rows = [_DueRow(*row) for row in cursor.fetchall()]
        cursor.execute("DROP TABLE payrun_due")
        cursor.execute("DROP TABLE IF EXISTS payrun_scheduled")
        cursor.execute(SCHEDULED_DUE_SQL, params)
        for statement in INSERT_SCHEDULED_SQL.split(";"):
            cursor.execute(statement, params)
        cursor.execute("DROP TABLE payrun_scheduled")
    if python_rows:
        _calculate_in_python(run, python_rows)
    _store_totals(run)


def _calculate_in_python(run: PaymentRun, rows: list[_DueRow]) -> None:
    """Periods with a change of amounts inside them (pro-rated by days), schedules with an adjustment
    to settle (added to, or taken from, the first payment of the schedule in this run), and schedules
    with a recovery to take off their payments (`domain.schedule.take_recovery`: at most one instalment
    of each deduction per run, and together at most the council's `recovery_max_deduction_percent` of
    each payment). A few queries for all of them, whatever their number."""
    from dp.payments.models import PaymentRunException, RecoveryDeductionTaken, ScheduleChange
    from dp.payments.selectors import (
        open_adjustments_for,
        open_recovery_deductions_for,
        recovery_max_deduction_percent,
        schedule_terms,
    )

    by_schedule: dict[int, list[_DueRow]] = defaultdict(list)
    for row in rows:
        by_schedule[row.schedule_id].append(row)
    ids = list(by_schedule)
    schedules = PaymentSchedule.objects.in_bulk(ids)
    changes: dict[int, list[ScheduleChange]] = defaultdict(list)
    for change in ScheduleChange.objects.filter(schedule_id__in=ids).order_by("effective_on"):
        changes[change.schedule_id].append(change)
    adjustments = open_adjustments_for(ids)
    deductions = open_recovery_deductions_for(ids)
    # Every payment of the run is paid on run.pay_on, so one policy value caps them all.
    max_percent = recovery_max_deduction_percent(run.pay_on) if deductions else None
    payments: list[Payment] = []
    held: list[PaymentRunException] = []
    to_settle: list[tuple[Payment, list[tuple[ScheduleAdjustment, int, int]], int]] = []
    takings: list[RecoveryDeductionTaken] = []
    for schedule_id, due in by_schedule.items():
        schedule = schedules[schedule_id]
        terms = schedule_terms(schedule, changes=changes[schedule_id])
        open_adjustments = adjustments.get(schedule_id, [])
        # What each deduction may still take in this run: one instalment, never more than is outstanding.
        to_take = [
            (deduction, min(deduction.instalment_pence, outstanding))
            for deduction, outstanding in deductions.get(schedule_id, [])
        ]
        for row in due:
            amounts = schedule_period(terms, terms.period_number_on(row.period_start_on))
            regular = amounts.council_payment_pence
            if row.hold is not None:
                held.append(
                    PaymentRunException(
                        run=run,
                        schedule=schedule,
                        period_start_on=row.period_start_on,
                        reason=row.hold,
                        amount_pence=regular,
                    )
                )
                continue
            adjustment = sum(left for _, left, _ in open_adjustments)
            contribution_adjustment = sum(left for _, _, left in open_adjustments)
            settlement = settle_in_next_payment(next_payment_pence=regular, adjustment_pence=adjustment)
            applied = settlement.payment_pence - regular
            taken = take_recovery(
                payable_pence=settlement.payment_pence,
                limits=[left for _, left in to_take],
                max_percent=max_percent,
            )
            taken_here = [(deduction, amount) for (deduction, _), amount in zip(to_take, taken, strict=True) if amount]
            to_take = [(deduction, left - amount) for (deduction, left), amount in zip(to_take, taken, strict=True)]
            payment = Payment(
                run=run,
                schedule=schedule,
                account_id=cast(int, row.account_id),  # held back (no open account) when there is none
                kind=PaymentKind.REGULAR,
                period_start_on=amounts.start_on,
                period_end_on=amounts.end_on,
                pay_on=run.pay_on,
                channel=Channel.CARD_PROVIDER if row.account_kind == AccountKind.PREPAID_CARD else Channel.BANK,
                basis=schedule.basis,
                budget_pence=amounts.budget_pence,
                regular_pence=regular,
                adjustment_pence=applied,
                recovery_pence=sum(taken),
                amount_pence=settlement.payment_pence - sum(taken),
                contribution_due_pence=amounts.contribution_due_pence + contribution_adjustment,
                contribution_adjustment_pence=contribution_adjustment,
                prorated=amounts.prorated,
            )
            payments.append(payment)
            takings += [
                RecoveryDeductionTaken(deduction=deduction, payment=payment, amount_pence=amount)
                for deduction, amount in taken_here
            ]
            if open_adjustments:
                to_settle.append((payment, open_adjustments, applied))
            open_adjustments = []  # settled (or carried forward) by the first payment in the run
    Payment.objects.bulk_create(payments)
    PaymentRunException.objects.bulk_create(held)
    AdjustmentSettlement.objects.bulk_create(
        [
            row
            for payment, open_adjustments, applied in to_settle
            for row in _settlements(payment, open_adjustments, applied)
        ]
    )
    RecoveryDeductionTaken.objects.bulk_create(takings)


def _settlements(
    payment: Payment, open_adjustments: list[tuple[ScheduleAdjustment, int, int]], applied: int
) -> list[AdjustmentSettlement]:
    """Which adjustments `applied` settles: top-ups in full, then reductions oldest first until the amount
    taken off the payment is used up (the rest is carried to a later payment)."""
    remaining = applied
    rows = []
    for adjustment, left, _ in open_adjustments:
        if left > 0:
            rows.append(AdjustmentSettlement(adjustment=adjustment, payment=payment, amount_pence=left))
            remaining -= left
    for adjustment, left, left_contribution in open_adjustments:
        take = 0
        if left < 0:
            take = max(left, min(remaining, 0))
            remaining -= take
        if take or left_contribution:
            rows.append(
                AdjustmentSettlement(
                    adjustment=adjustment, payment=payment, amount_pence=take, contribution_pence=left_contribution
                )
            )
    return rows


def _store_totals(run: PaymentRun) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), coalesce(sum(amount_pence), 0),
                   coalesce(sum(amount_pence) FILTER (WHERE channel = 'bank'), 0),
                   coalesce(sum(amount_pence) FILTER (WHERE channel = 'card_provider'), 0),
                   count(*) FILTER (WHERE amount_pence = 0)
              FROM payments_payment WHERE run_id = %s AND NOT cancelled
            """,
            [run.pk],
        )
        totals = [int(value) for value in cursor.fetchone()]  # type: ignore[union-attr]
        run.payment_count, run.total_pence, run.bank_total_pence, run.card_total_pence, run.zero_count = totals
        cursor.execute(
            "SELECT count(*), coalesce(sum(amount_pence), 0) FROM payments_paymentrunexception WHERE run_id = %s",
            [run.pk],
        )
        run.exception_count, run.exception_total_pence = (int(v) for v in cursor.fetchone())  # type: ignore[union-attr]
    run.save(
        update_fields=[
            "payment_count",
            "total_pence",
            "bank_total_pence",
            "card_total_pence",
            "zero_count",
            "exception_count",
            "exception_total_pence",
        ]
    )


# -- locks and chunks ---------------------------------------------------------------------------------


def _try_session_lock(namespace: int, run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, run_id])
        return bool(cursor.fetchone()[0])  # type: ignore[index]


def _unlock_session(namespace: int, run_id: int) -> None:
    if connection.connection is None:
        return  # the connection is gone, and its locks with it
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, run_id])


def _lock_run(run_id: int, *, doing: str) -> PaymentRun:
    """Lock the run row for this transaction, refusing at once if another process holds it."""
    try:
        return PaymentRun.objects.select_for_update(nowait=True).get(pk=run_id)
    except OperationalError as exc:  # lock not available
        raise RunBusy(f"Payment run PR{run_id:05d} is already being {doing} by another process.") from exc


def chunk_bounds(run_id: int, size: int, *, where: str = "") -> list[tuple[int, int]]:
    """(first id, last id) of each chunk of `size` of the run's payments, in id order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT min(id), max(id) FROM (
                SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS chunk
                  FROM payments_payment WHERE run_id = %s AND NOT cancelled {where}) AS t
             GROUP BY chunk ORDER BY chunk
            """,
            [size, run_id],
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


def refresh_ledger_statistics() -> None:
    """Committing ledger rows runs per-row checks that look rows up by key: the ledger's deferred balance
    trigger (entries by journal) and the foreign-key checks (journals and accounts by id). PostgreSQL caches
    their plans per session; made while a table was nearly empty (a new ledger, or just before thousands of
    accounts are added) they are full scans, and committing a chunk becomes quadratic (minutes in the
    benchmark). Fresh statistics give index plans, and drop the plans this session cached from the old ones."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_account, ledger_entry, ledger_journal")


def _index_lookups_only() -> None:
    """For this transaction, plan the trigger's per-journal lookups as index scans whatever the statistics say
    (a second guard against the quadratic commit: see `refresh_ledger_statistics`)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def _set_progress(run_id: int, done: int, total: int, note: str) -> None:
    PaymentRun.objects.filter(pk=run_id).update(progress_done=done, progress_total=total, progress_note=note[:200])


# -- 2. send ------------------------------------------------------------------------------------------


def send_run(
    run_id: int, *, chunk_size: int | None = None, progress: Progress = _nothing, fault: Fault = _nothing
) -> PaymentRun:
    """Post the run's "payments sent" journals and write its files (see the module docstring)."""
    if not _try_session_lock(SEND_LOCK, run_id):
        raise RunBusy(f"Payment run PR{run_id:05d} is already being sent by another process.")
    try:
        with transaction.atomic():
            run = _lock_run(run_id, doing="sent")
            if run.status == PaymentRunStatus.COMPLETED:
                progress(f"{run.reference} was sent already.")
                return run
            if run.status != PaymentRunStatus.EXECUTING:
                raise ValidationFailed(f"{run.reference} is “{run.get_status_display()}”: it cannot be sent.")
            if run.chunk_size is None:
                run.chunk_size = chunk_size or DEFAULT_CHUNK_SIZE
                run.save(update_fields=["chunk_size"])
            size = run.chunk_size
        bounds, chunk_totals = _chunks_with_totals(run_id, size)
        total_steps = len(bounds) + 1
        progress(f"Sending {run.reference}: {run.payment_count} payments in {len(bounds)} chunks")
        today = clock.today()
        for number in range(1, len(bounds) + 1):
            fault(f"chunk {number}")
            with transaction.atomic():
                _lock_run(run_id, doing="sent")
                key = f"payment-run:{run_id}:sent:{number}"
                done_before = Journal.objects.filter(idempotency_key=key).exists()
                if not done_before:
                    totals = chunk_totals.get(number, {})
                    if totals:
                        journal_post(
                            draft=build_payments_sent(
                                totals=totals,
                                description=f"Payment run {run.reference}, part {number}: direct payments sent",
                            ),
                            posted_on=today,
                            source=f"payment-run:{run_id}",
                            idempotency_key=key,
                        )
                _set_progress(run_id, number, total_steps, f"Posted the journals for part {number} of {len(bounds)}")
            progress(f"  part {number} of {len(bounds)} {'already posted' if done_before else 'posted'}")
        fault("files")
        with transaction.atomic():
            run = _lock_run(run_id, doing="sent")
            files = write_files(run, today=today)
            fault("files written")
            _check_files_against_ledger(run, files)
            PaymentFile.objects.bulk_create(files)
            run.status = PaymentRunStatus.COMPLETED
            run.completed_at = clock.now()
            run.progress_done = run.progress_total = total_steps
            run.progress_note = "Sent"
            run.save(
                update_fields=[
                    "status",
                    "completed_at",
                    "bacs_processing_on",
                    "progress_done",
                    "progress_total",
                    "progress_note",
                ]
            )
            from dp.payments.services import record_run_completed

            record_run_completed(run, files)
        progress(f"{run.reference} sent: {len(files)} files written")
        return run
    finally:
        _unlock_session(SEND_LOCK, run_id)


def _chunks_with_totals(run_id: int, size: int) -> tuple[list[tuple[int, int]], dict[int, dict[Any, int]]]:
    """The chunks as `chunk_bounds` cuts them, and what each (numbered from 1) sends through each channel: one
    pass over the run's payments."""
    bounds: list[tuple[int, int]] = []
    totals: dict[int, dict[Any, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT chunk, min(id), max(id),
                   coalesce(sum(amount_pence) FILTER (WHERE channel = 'bank'), 0),
                   coalesce(sum(amount_pence) FILTER (WHERE channel = 'card_provider'), 0)
              FROM (SELECT id, channel, amount_pence, (row_number() OVER (ORDER BY id) - 1) / %s + 1 AS chunk
                      FROM payments_payment WHERE run_id = %s AND NOT cancelled) AS t
             GROUP BY chunk ORDER BY chunk
            """,
            [size, run_id],
        )
        for chunk, lo, hi, bank, card in cursor.fetchall():
            bounds.append((int(lo), int(hi)))
            for channel, total in ((Channel.BANK, int(bank)), (Channel.CARD_PROVIDER, int(card))):
                if total:
                    totals[int(chunk)][channel.value] = total
    return bounds, totals


@dataclass
class _Payee:
    name: str
    lines: list[documents.RemittanceLine]


def _payment_rows(run: PaymentRun) -> Iterable[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id, p.kind, p.channel, p.amount_pence, p.adjustment_pence, p.period_start_on, p.period_end_on,
                   sp.description, a.id, a.kind,
                   a.provider, a.card_account_reference, coalesce(h.given_name || ' ' || h.family_name, ''),
                   pe.given_name || ' ' || pe.family_name, a.money_manager_id, a.client_reference, p.recovery_pence
              FROM payments_payment p
              JOIN payments_directpaymentaccount a ON a.id = p.account_id
              JOIN people_person pe ON pe.id = a.person_id  -- an account is always the recipient's own
              LEFT JOIN people_person h ON h.id = a.holder_id
              LEFT JOIN payments_scheduledpayment sp ON sp.id = p.scheduled_payment_id
             WHERE p.run_id = %s AND NOT p.cancelled AND p.amount_pence > 0
             ORDER BY p.id
            """,
            [run.pk],
        )
        rows = cursor.fetchall()  # one call: iterating the cursor row by row costs seconds at this size
    yield from rows


@functools.lru_cache(maxsize=4096)
def _describe_payment(kind: str, start: dt.date | None, end: dt.date | None, item: str | None) -> str:
    """A run's regular payments share a few periods: formatting each date once keeps 250,000 rows quick."""
    if kind == PaymentKind.REGULAR and start and end:
        return f"Direct payment for {start.day} {start:%b %Y} to {end.day} {end:%b %Y}"
    return item or "Direct payment"


#: From this many Bacs credits the Bacs file is built in a forked child process while this one builds the
#: card-load and remittance files (the database is idle meanwhile). Below it, in this process.
PARALLEL_BACS_FROM = 20_000
#: From this many payees the remittance advices are written in a second forked child while this process
#: writes the card-load files (by then the Bacs child has usually finished, so the second core is free).
PARALLEL_REMITTANCES_FROM = 20_000


class _BankItem(NamedTuple):
    reference: str
    amount_pence: int
    account_name: str
    bank_details: str  # encrypted (a person's bank account), or "sort code:account number" (a money manager)
    encrypted: bool


def _bacs_text(submission: bacs.BacsSubmission, items: list[_BankItem]) -> str:
    """The Bacs file: decrypt each account's details and write the Standard 18 records (pure but for
    decryption, so it can run in a child process)."""
    decrypt = _decryptor()
    credits = []
    for item in items:
        details = decrypt(item.bank_details) if item.encrypted else item.bank_details
        sort_code, _, account_number = details.partition(":")
        credits.append(
            bacs.BacsCredit(
                sort_code=sort_code,
                account_number=account_number,
                account_name=item.account_name,
                amount_pence=item.amount_pence,
                reference=item.reference,
            )
        )
    return bacs.write_bacs_file(replace(submission, credits=tuple(credits)))


def _in_child(build: Callable[[], str]) -> Callable[[], str]:
    """Run `build` in a forked child and return a function that waits for its text. The child does pure
    Python only and leaves with `os._exit`, so the database connection it inherited is never touched (not
    even closed). A refusal raised in the child (a bad sort code, say) is raised again here."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, measured by the parent's test
        os.close(read_end)
        try:
            payload = pickle.dumps((True, build()))
        except BaseException as exc:
            payload = pickle.dumps((False, exc))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_end)

    def result() -> str:
        with os.fdopen(read_end, "rb") as incoming:
            payload = incoming.read()
        os.waitpid(pid, 0)
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return str(value)

    return result


def _bank_items(run: PaymentRun, managers: dict[int, MoneyManager]) -> list[_BankItem]:
    """The run's Bacs credits, in payment order: a person's bank account (details still encrypted) or the
    money manager's account."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id, p.amount_pence, a.kind, a.account_name, a.bank_details, a.money_manager_id
              FROM payments_payment p JOIN payments_directpaymentaccount a ON a.id = p.account_id
             WHERE p.run_id = %s AND NOT p.cancelled AND p.amount_pence > 0 AND p.channel = 'bank'
             ORDER BY p.id
            """,
            [run.pk],
        )
        rows = cursor.fetchall()
    items = []
    for pid, amount, kind, account_name, bank_details, manager_id in rows:
        if kind == AccountKind.MANAGED:
            manager = managers[manager_id]
            items.append(
                _BankItem(payment_reference(pid), amount, manager.account_name, manager.bank_details or "", False)
            )
        else:
            items.append(_BankItem(payment_reference(pid), amount, account_name, bank_details, True))
    return items


def write_files(run: PaymentRun, *, today: dt.date) -> list[PaymentFile]:
    """The run's files, built by the pure writers (`domain.bacs`, `domain.card_load`, `domain.documents`).

    For a large run the Bacs file (decrypting each account) is built in a forked child process from the
    moment its rows are read, while this process reads the rest; then the remittance advices are written
    in a second child while this process writes the card-load files. The results are the same files
    (tested). Python's cyclic garbage collector is paused meanwhile (`_without_cyclic_gc`)."""
    with _without_cyclic_gc():
        return _write_files(run, today=today)


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (and restore it afterwards, whatever happens).

    Building the files allocates a few objects per payment (rows, lines, strings), none in cycles, so
    reference counting frees them all; but every few hundred allocations the collector walks the young
    objects, and as the rows pile up its older generations too. At 250,000 payments that was half of the
    time spent writing the files (measured: 18.9 s against 8.4 s under load). Paused, nothing is
    collected late except any cycles made meanwhile, which the next collection after it finds. A child
    forked for the Bacs file inherits the pause."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write_files(run: PaymentRun, *, today: dt.date) -> list[PaymentFile]:
    from dp.councils.selectors import council_get
    from dp.payments.selectors import bacs_originator_get, bank_holidays

    managers = {m.pk: m for m in MoneyManager.objects.all()}
    now = clock.now()
    day = run.pay_on.strftime("%Y%m%d")
    bank_items = _bank_items(run, managers)
    bacs_result: Callable[[], str] | None = None
    if bank_items:
        originator = bacs_originator_get()
        if originator is None:
            raise ValidationFailed("Enter the council's Bacs details (service user number and account) first.")
        run.bacs_processing_on = bacs_processing_on(pay_on=run.pay_on, today=today, bank_holidays=bank_holidays())
        submission = bacs.BacsSubmission(
            originator=bacs.Originator(
                service_user_number=originator.service_user_number,
                sort_code=originator.sort_code,
                account_number=originator.account_number,
                name=originator.name,
            ),
            serial_number=run.pk % 999_999 + 1,
            created_on=today,
            processing_on=run.bacs_processing_on,
            credits=(),
        )
        if len(bank_items) >= PARALLEL_BACS_FROM:
            _decryptor()  # derive the key here, once, rather than in the child
            bacs_result = _in_child(functools.partial(_bacs_text, submission, bank_items))
        else:
            bacs_result = functools.partial(str, _bacs_text(submission, bank_items))

    adjustment_reasons = _adjustment_reasons(run)
    recovery_reasons = _recovery_reasons(run)
    loads: dict[str, list[card_load.CardLoad]] = defaultdict(list)
    payees: dict[tuple[str, int], _Payee] = {}
    for row in _payment_rows(run):
        pid, kind, channel, amount, adjustment, start, end, item, account_id, account_kind = row[:10]
        provider, card_reference, holder_name, person_name, manager_id, client_reference, recovery = row[10:]
        reference = payment_reference(pid)
        payee_key: tuple[str, int] = ("account", account_id)
        payee_name = holder_name or person_name
        if channel == Channel.CARD_PROVIDER:
            loads[provider].append(
                card_load.CardLoad(
                    card_account_reference=card_reference,
                    amount_pence=amount,
                    payment_on=run.pay_on,
                    payment_reference=reference,
                    payee_name=payee_name,
                )
            )
        elif account_kind == AccountKind.MANAGED:
            payee_key, payee_name = ("manager", manager_id), managers[manager_id].name
        payee = payees.get(payee_key)
        if payee is None:
            payee = payees[payee_key] = _Payee(name=payee_name, lines=[])
        payee.lines.append(
            documents.RemittanceLine(
                reference=reference,
                description=_describe_payment(kind, start, end, item),
                amount_pence=amount,
                adjustment_pence=adjustment,
                adjustment_reason=adjustment_reasons.get(pid, ""),
                client=f"{person_name} ({client_reference})" if account_kind == AccountKind.MANAGED else "",
                recovery_pence=recovery,
                recovery_reason=recovery_reasons.get(pid, "") if recovery else "",
            )
        )
    remittance_result: Callable[[], str] | None = None
    if payees:
        council = council_get()
        build_remittances = functools.partial(
            _remittance_file_text, council.name if council else "The council", run, list(payees.values())
        )
        if len(payees) >= PARALLEL_REMITTANCES_FROM:
            remittance_result = _in_child(build_remittances)
        else:
            remittance_result = functools.partial(str, build_remittances())
    files: list[PaymentFile] = []
    for provider, provider_loads in sorted(loads.items()):
        text = card_load.write_card_load_file(provider_loads)
        slug = "".join(ch if ch.isalnum() else "-" for ch in provider.lower()).strip("-") or "provider"
        files.append(
            _file(
                run,
                PaymentFileKind.CARD_LOAD,
                provider,
                f"card-load-{slug}-{run.reference}-{day}.csv",
                text,
                provider_loads,
                now,
            )
        )
    if remittance_result is not None:
        files.append(
            PaymentFile(
                run=run,
                kind=PaymentFileKind.REMITTANCE,
                provider="",
                filename=f"remittances-{run.reference}-{day}.txt",
                record_count=len(payees),
                total_pence=sum(p.amount_pence for payee in payees.values() for p in payee.lines),
                created_at=now,
                **PaymentFile.pack(remittance_result()),
            )
        )
    if bacs_result is not None:
        files.insert(
            0, _file(run, PaymentFileKind.BACS, "", f"bacs-{run.reference}-{day}.txt", bacs_result(), bank_items, now)
        )
    return files


def _remittance_file_text(payer: str, run: PaymentRun, payees: list[_Payee]) -> str:
    """The remittance file: each payee's advice, separated by form feeds (pure, so it can run in a child)."""
    advices = documents.remittance_texts(
        payer=payer,
        run_reference=run.reference,
        pay_on=run.pay_on,
        payees=((payee.name, payee.lines) for payee in payees),
    )
    return "\f\n".join(advices)


def _file(run: PaymentRun, kind: str, provider: str, filename: str, text: str, items: list, now: Any) -> PaymentFile:
    return PaymentFile(
        run=run,
        kind=kind,
        provider=provider,
        filename=filename,
        record_count=len(items),
        total_pence=sum(item.amount_pence for item in items),
        created_at=now,
        **PaymentFile.pack(text),
    )


def _decryptor() -> Callable[[str | None], str]:
    """Decrypt a bank detail stored by django-fernet-encrypted-fields (its own key derivation)."""
    fernet = cast(EncryptedCharField, DirectPaymentAccount._meta.get_field("bank_details")).f

    def decrypt(token: str | None) -> str:
        if not token:
            return ""
        return str(fernet.decrypt(token.encode()).decode())

    return decrypt


def _adjustment_reasons(run: PaymentRun) -> dict[int, str]:
    reasons: dict[int, list[str]] = defaultdict(list)
    for payment_id, reason in AdjustmentSettlement.objects.filter(
        payment__run=run, payment__cancelled=False
    ).values_list("payment_id", "adjustment__reason"):
        reasons[payment_id].append(reason)
    return {pid: " ".join(texts) for pid, texts in reasons.items()}


def _recovery_reasons(run: PaymentRun) -> dict[int, str]:
    from dp.payments.models import RecoveryDeductionTaken

    reasons: dict[int, list[str]] = defaultdict(list)
    for payment_id, reason in RecoveryDeductionTaken.objects.filter(
        payment__run=run, payment__cancelled=False
    ).values_list("payment_id", "deduction__reason"):
        reasons[payment_id].append(reason)
    return {pid: " ".join(texts) for pid, texts in reasons.items()}


def _check_files_against_ledger(run: PaymentRun, files: list[PaymentFile]) -> None:
    """The files must add up to exactly what the ledger says the run sent, channel by channel."""
    from dp.payments.selectors import run_ledger_totals

    ledger = run_ledger_totals(run)
    bacs_total = sum(f.total_pence for f in files if f.kind == PaymentFileKind.BACS)
    card_total = sum(f.total_pence for f in files if f.kind == PaymentFileKind.CARD_LOAD)
    if bacs_total != ledger.get(TRANSIT_BANK, 0) or card_total != ledger.get(TRANSIT_CARD_PROVIDER, 0):
        raise ValidationFailed(
            f"The files (Bacs {bacs_total}p, card loads {card_total}p) do not match the ledger for "
            f"{run.reference} ({ledger}). Nothing was written; tell the system administrator."
        )


# -- 3. settle -----------------------------------------------------------------------------------------

SETTLE_ACCOUNTS_SQL = """
INSERT INTO ledger_account (key, name, kind, person_id)
SELECT DISTINCT 'person:' || s.person_id || ':' || k.suffix, 'Person ' || s.person_id || ': ' || k.label, 'asset',
       s.person_id
  FROM payments_payment p
  JOIN payments_paymentschedule s ON s.id = p.schedule_id
 CROSS JOIN (VALUES ('dp_account', 'dp account'), ('contributions_due', 'contributions due')) AS k(suffix, label)
 WHERE p.run_id = %s AND NOT p.cancelled
ON CONFLICT (key) DO NOTHING
"""

# One journal per payment, `payment:<id>`, and its legs (mirrors domain.ledger.build_payment_settled).
SETTLE_CHUNK_SQL = """
WITH j AS (
    INSERT INTO ledger_journal (posted_on, posted_at, description, source, idempotency_key)
    SELECT p.pay_on, %(now)s,
           'Payment DP' || lpad(p.id::text, 10, '0') || ': in the direct payment account of person ' || s.person_id
               || CASE WHEN p.contribution_due_pence <> 0 THEN '; contribution due for the period' ELSE '' END,
           'payment:' || p.id, 'payment:' || p.id
      FROM payments_payment p
      JOIN payments_paymentschedule s ON s.id = p.schedule_id
     WHERE p.run_id = %(run)s AND p.id BETWEEN %(lo)s AND %(hi)s AND NOT p.cancelled
       AND (p.amount_pence > 0 OR p.contribution_due_pence <> 0)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key
)
INSERT INTO ledger_entry (journal_id, account_id, debit_pence, credit_pence)
SELECT j.id, leg.account_id, leg.debit, leg.credit
  FROM j
  JOIN payments_payment p ON p.id = substr(j.idempotency_key, 9)::bigint
  JOIN payments_paymentschedule s ON s.id = p.schedule_id
  JOIN ledger_account dpa ON dpa.key = 'person:' || s.person_id || ':dp_account'
  JOIN ledger_account cda ON cda.key = 'person:' || s.person_id || ':contributions_due'
 CROSS JOIN LATERAL (VALUES
       (dpa.id, p.amount_pence, 0::bigint),
       (CASE WHEN p.channel = 'bank' THEN %(transit_bank)s ELSE %(transit_card)s END, 0::bigint, p.amount_pence),
       (cda.id, greatest(p.contribution_due_pence, 0), greatest(-p.contribution_due_pence, 0)),
       (%(charged)s, greatest(-p.contribution_due_pence, 0), greatest(p.contribution_due_pence, 0))
   ) AS leg(account_id, debit, credit)
 WHERE leg.debit > 0 OR leg.credit > 0
"""


def settle_run(
    run_id: int, *, chunk_size: int | None = None, progress: Progress = _nothing, fault: Fault = _nothing
) -> PaymentRun:
    """Post each payment's `payment:<id>` journal (money arrived, contribution due) and stamp the run."""
    if not _try_session_lock(SETTLE_LOCK, run_id):
        raise RunBusy(f"Payment run PR{run_id:05d} is already being settled by another process.")
    try:
        with transaction.atomic():
            run = _lock_run(run_id, doing="settled")
            if run.settled_at is not None:
                return run
            if run.status != PaymentRunStatus.COMPLETED:
                raise ValidationFailed(f"{run.reference} has not been sent yet.")
            size = run.chunk_size or chunk_size or DEFAULT_CHUNK_SIZE
            fixed = accounts_for(
                {TRANSIT_BANK, TRANSIT_CARD_PROVIDER, COUNCIL_CONTRIBUTIONS_CHARGED, COUNCIL_DP_FUNDING}
            )
            with connection.cursor() as cursor:
                cursor.execute(SETTLE_ACCOUNTS_SQL, [run_id])
        bounds = chunk_bounds(run_id, size)
        refresh_ledger_statistics()
        progress(f"Recording {run.reference} as arrived: {len(bounds)} parts")
        params: dict[str, Any] = {
            "run": run_id,
            "now": clock.now(),
            "transit_bank": fixed[TRANSIT_BANK].pk,
            "transit_card": fixed[TRANSIT_CARD_PROVIDER].pk,
            "charged": fixed[COUNCIL_CONTRIBUTIONS_CHARGED].pk,
        }
        for number, (lo, hi) in enumerate(bounds, start=1):
            fault(f"settle {number}")
            if number % 5 == 0:
                refresh_ledger_statistics()  # the ledger grows fast here: keep the trigger's plan an index lookup
            with transaction.atomic():
                _lock_run(run_id, doing="settled")
                _index_lookups_only()
                with connection.cursor() as cursor:
                    cursor.execute(SETTLE_CHUNK_SQL, {**params, "lo": lo, "hi": hi})
                    entries = cursor.rowcount
            progress(f"  part {number} of {len(bounds)} {'recorded' if entries else 'already recorded'}")
        fault("settle recoveries")
        with transaction.atomic():
            run = _lock_run(run_id, doing="settled")
            offsets = _post_recovery_offsets(run)
            if offsets:
                progress(f"  {offsets} recovery deductions recorded")
            run.settled_at = clock.now()
            run.save(update_fields=["settled_at"])
        return run
    finally:
        _unlock_session(SETTLE_LOCK, run_id)


def _post_recovery_offsets(run: PaymentRun) -> int:
    """Each recovery deduction the run's payments took: the money set aside for the recovery becomes the
    person's again, because the council paid them that much less (`build_recovery_offset`). One journal per
    taking, keyed `recovery-deduction-taken:<id>`, so a settle stopped part-way and run again never posts one
    twice. There are few of them, so the ORM is fine here."""
    from dp.payments.models import RecoveryDeductionTaken

    takings = RecoveryDeductionTaken.objects.filter(payment__run=run, payment__cancelled=False).select_related(
        "deduction__schedule", "payment"
    )
    for taking in takings:
        journal_post(
            draft=build_recovery_offset(person=taking.deduction.schedule.person_id, amount_pence=taking.amount_pence),
            posted_on=taking.payment.pay_on,
            source=f"recovery-deduction:{taking.deduction_id}",
            idempotency_key=f"recovery-deduction-taken:{taking.pk}",
        )
    return len(takings)


def runs_lock() -> None:
    """Serialise creating and cancelling runs (one live run at a time) for this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUNS_LOCK])
