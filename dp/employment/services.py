"""Writes for the employment app: Personal Assistants' pay records and money an account already owes.

Every service runs in one transaction, locks what it changes, checks its input (the pure rules in `domain/`),
and records an audit event (`EmploymentEventType`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from dp.audit_log.services import audit_event_record, snapshot
from dp.core import clock
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.employment.constants import CommitmentKind, CommitmentStatus, EmploymentEventType, PaySource
from dp.employment.domain.payroll_file import (
    MAX_HOURS,
    PayrollFileError,
    PayrollLine,
    age_on,
    parse_payroll_file,
)
from dp.employment.models import Commitment, PayRecord
from dp.payments.models import DirectPaymentAccount
from dp.people.models import Person
from dp.plans.models import PlanPayee

PAY_FIELDS = (
    "account",
    "payee",
    "period_start_on",
    "period_end_on",
    "worked_on",
    "hours_worked",
    "gross_pay_pence",
    "pa_date_of_birth",
    "apprentice_first_year",
    "source",
    "source_reference",
)
CORRECTABLE = ("worked_on", "hours_worked", "gross_pay_pence", "pa_date_of_birth", "apprentice_first_year")
COMMITMENT_FIELDS = (
    "account",
    "kind",
    "amount_pence",
    "owed_to",
    "due_on",
    "reference",
    "evidence_note",
    "recorded_on",
)
#: The minimum wage applies from school-leaving age (dp.assessments.domain.pa_pay.MINIMUM_WORKER_AGE).
MINIMUM_PA_AGE = 16
MAX_PAY_PENCE = 10_000_000_00


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# -- pay records ---------------------------------------------------------------------------------------------


def _check_payee(account: DirectPaymentAccount, payee: PlanPayee) -> None:
    if not PlanPayee.objects.filter(pk=payee.pk, plan__case__person_id=account.person_id).exists():
        raise ValidationFailed("Choose a Personal Assistant on this person's support plan", field="payee")


def _check_figures(
    *,
    period_start_on: dt.date,
    period_end_on: dt.date,
    worked_on: dt.date,
    hours_worked: Decimal,
    gross_pay_pence: int,
    pa_date_of_birth: dt.date,
) -> None:
    if period_end_on <= period_start_on:
        raise ValidationFailed("The last day of the period must be on or after its first day", field="period_last_on")
    if not period_start_on <= worked_on < period_end_on:
        raise ValidationFailed("The day the pay is judged on must be a day of the pay period", field="worked_on")
    if not isinstance(hours_worked, Decimal) or hours_worked <= 0 or hours_worked > MAX_HOURS:
        raise ValidationFailed("Hours worked must be more than 0", field="hours_worked")
    if hours_worked != hours_worked.quantize(Decimal("0.01")):
        raise ValidationFailed("Hours worked may have at most two decimal places", field="hours_worked")
    if gross_pay_pence < 0 or gross_pay_pence > MAX_PAY_PENCE:
        raise ValidationFailed("Gross pay must be £0 or more", field="gross_pay_pence")
    if pa_date_of_birth >= worked_on or age_on(pa_date_of_birth, worked_on) < MINIMUM_PA_AGE:
        raise ValidationFailed(
            "The Personal Assistant must be 16 or over on the day the pay is judged on", field="pa_date_of_birth"
        )


@transaction.atomic
def pay_record_record(
    *,
    actor: Any,
    account: DirectPaymentAccount,
    payee: PlanPayee,
    period_start_on: dt.date,
    period_end_on: dt.date,
    hours_worked: Decimal,
    gross_pay_pence: int,
    pa_date_of_birth: dt.date,
    worked_on: dt.date | None = None,
    apprentice_first_year: bool = False,
    source: str = PaySource.TIMESHEET,
    source_reference: str = "",
) -> PayRecord:
    """Record a PA's pay for [period_start_on, period_end_on) (half-open). Refused when that PA's period is
    already recorded: correct the record instead."""
    if source not in PaySource.values:
        raise ValidationFailed("Choose where the hours and pay come from", field="source")
    _check_payee(account, payee)
    worked_on = worked_on or period_end_on - dt.timedelta(days=1)
    if period_start_on > clock.today():
        raise ValidationFailed("The pay period has not started yet", field="period_start_on")
    _check_figures(
        period_start_on=period_start_on,
        period_end_on=period_end_on,
        worked_on=worked_on,
        hours_worked=hours_worked,
        gross_pay_pence=gross_pay_pence,
        pa_date_of_birth=pa_date_of_birth,
    )
    PlanPayee.objects.select_for_update().filter(pk=payee.pk).first()  # one writer per PA at a time
    if PayRecord.objects.filter(
        payee=payee, period_start_on=period_start_on, period_end_on=period_end_on, withdrawn_at__isnull=True
    ).exists():
        raise ValidationFailed(
            f"Pay for {payee.name} for this period is already recorded; correct that record instead",
            field="period_start_on",
        )
    try:
        with transaction.atomic():
            record = PayRecord.objects.create(
                account=account,
                payee=payee,
                period_start_on=period_start_on,
                period_end_on=period_end_on,
                worked_on=worked_on,
                hours_worked=hours_worked,
                gross_pay_pence=gross_pay_pence,
                pa_date_of_birth=pa_date_of_birth,
                apprentice_first_year=apprentice_first_year,
                source=source,
                source_reference=source_reference.strip()[:300],
                recorded_by=_user(actor),
                recorded_at=clock.now(),
            )
    except IntegrityError:
        raise ValidationFailed(
            f"Pay for {payee.name} for this period is already recorded", field="period_start_on"
        ) from None
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.PAY_RECORDED,
        subject=record,
        person=account.person,
        summary=(
            f"Pay recorded for {payee.name}: {hours_worked} hours, {format_pence(gross_pay_pence)}, "
            f"{period_start_on:%d/%m/%Y} to {record.last_day_on:%d/%m/%Y}"
        ),
        after=snapshot(record, PAY_FIELDS),
    )
    return record


def _lock_record(record: PayRecord) -> PayRecord:
    locked = PayRecord.objects.select_for_update().select_related("account__person", "payee").get(pk=record.pk)
    if locked.withdrawn_at is not None:
        raise TransitionNotAllowed("This pay record was withdrawn; record the pay again instead", field="reason")
    return locked


@transaction.atomic
def pay_record_correct(
    *,
    actor: Any,
    record: PayRecord,
    worked_on: dt.date,
    hours_worked: Decimal,
    gross_pay_pence: int,
    pa_date_of_birth: dt.date,
    apprentice_first_year: bool,
    reason: str,
) -> PayRecord:
    """Correct the figures of a record in force (the PA and the period stay; withdraw it to change those)."""
    if not reason.strip():
        raise ValidationFailed("Say why the record is corrected", field="reason")
    locked = _lock_record(record)
    _check_figures(
        period_start_on=locked.period_start_on,
        period_end_on=locked.period_end_on,
        worked_on=worked_on,
        hours_worked=hours_worked,
        gross_pay_pence=gross_pay_pence,
        pa_date_of_birth=pa_date_of_birth,
    )
    before = snapshot(locked, CORRECTABLE)
    locked.worked_on, locked.hours_worked, locked.gross_pay_pence = worked_on, hours_worked, gross_pay_pence
    locked.pa_date_of_birth, locked.apprentice_first_year = pa_date_of_birth, apprentice_first_year
    locked.save(update_fields=[*CORRECTABLE, "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.PAY_CORRECTED,
        subject=locked,
        person=locked.account.person,
        summary=f"Pay record corrected for {locked.payee.name}: {reason.strip()}",
        before=before,
        after=snapshot(locked, CORRECTABLE),
        extra={"reason": reason.strip()},
    )
    return locked


@transaction.atomic
def pay_record_withdraw(*, actor: Any, record: PayRecord, reason: str) -> PayRecord:
    """Withdraw a record entered in error: kept for the record, no longer checked; the period may be entered
    again."""
    if not reason.strip():
        raise ValidationFailed("Say why the record is withdrawn", field="reason")
    locked = _lock_record(record)
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = clock.now(), _user(actor), reason.strip()
    if locked.withdrawn_by is None:
        raise ValidationFailed("Only a member of staff can withdraw a pay record", field="reason")
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.PAY_WITHDRAWN,
        subject=locked,
        person=locked.account.person,
        summary=f"Pay record withdrawn for {locked.payee.name}: {reason.strip()}",
        extra={"reason": reason.strip()},
    )
    return locked


@dataclass(frozen=True)
class PayrollImportResult:
    file_name: str
    lines: int
    added: int
    already_recorded: int


def _same(record: PayRecord, line: PayrollLine) -> str:
    """The first column where an existing record differs from the line, or ""."""
    for column, mine, theirs in (
        ("account", record.account_id, line.account_id),
        ("worked_on", record.worked_on, line.worked_on),
        ("hours", record.hours_worked, line.hours_worked),
        ("gross_pay", record.gross_pay_pence, line.gross_pay_pence),
        ("date_of_birth", record.pa_date_of_birth, line.pa_date_of_birth),
        ("apprentice_first_year", record.apprentice_first_year, line.apprentice_first_year),
    ):
        if mine != theirs:
            return column
    return ""


@transaction.atomic
def payroll_file_import(
    *,
    actor: Any,
    file_name: str,
    rows: Iterable[str],
    account: DirectPaymentAccount | None = None,
    people: QuerySet[Person] | None = None,
) -> PayrollImportResult:
    """Import a payroll bureau's CSV (layout: `domain/payroll_file.py`, README) in one transaction.

    Any fault (in the file, an unknown account or PA, a PA not on the account's person's plan, a period already
    recorded with other figures) raises `PayrollFileError` naming the file, line and column, and nothing is
    written. A line already recorded with the same figures is counted and left alone, so importing a file
    again adds nothing. With `account`, every line must be that account's. With `people` (a page passes
    `people_visible_to(user)`), an account of anyone else is refused as unknown, so the file cannot write to (or
    reveal) a person the user may not open.
    """
    lines = parse_payroll_file(rows, file_name)
    found = DirectPaymentAccount.objects.select_related("person")
    if people is not None:
        found = found.filter(person__in=people)
    accounts = found.in_bulk({ln.account_id for ln in lines})
    today = clock.today()
    payees = PlanPayee.objects.select_related("plan__case").in_bulk({ln.payee_id for ln in lines})
    list(PlanPayee.objects.select_for_update().filter(pk__in=list(payees)).values_list("pk", flat=True))
    existing = {
        (r.payee_id, r.period_start_on, r.period_end_on): r
        for r in PayRecord.objects.filter(payee_id__in=list(payees), withdrawn_at__isnull=True)
    }
    new: list[PayRecord] = []
    now, user = clock.now(), _user(actor)
    for ln in lines:
        found_account = accounts.get(ln.account_id)
        if found_account is None or (account is not None and found_account.pk != account.pk):
            why = "no direct payment account has this number" if found_account is None else "not this account"
            raise PayrollFileError(file_name, ln.line, "account", why)
        payee = payees.get(ln.payee_id)
        if payee is None or payee.plan.case.person_id != found_account.person_id:
            raise PayrollFileError(
                file_name, ln.line, "payee", "not a Personal Assistant on the support plan of the account's person"
            )
        if ln.period_start_on > today:
            raise PayrollFileError(file_name, ln.line, "period_start", "the pay period has not started yet")
        if age_on(ln.pa_date_of_birth, ln.worked_on) < MINIMUM_PA_AGE:
            raise PayrollFileError(file_name, ln.line, "date_of_birth", "the PA must be 16 or over")
        if ln.gross_pay_pence > MAX_PAY_PENCE:
            raise PayrollFileError(file_name, ln.line, "gross_pay", "is too large")
        record = existing.get(ln.key)
        if record is not None:
            differs = _same(record, ln)
            if differs:
                raise PayrollFileError(
                    file_name,
                    ln.line,
                    differs,
                    f"pay for {payee.name} for this period is already recorded with other figures; correct that "
                    "record on the account's pay page",
                )
            continue
        new.append(
            PayRecord(
                account=found_account,
                payee=payee,
                period_start_on=ln.period_start_on,
                period_end_on=ln.period_end_on,
                worked_on=ln.worked_on,
                hours_worked=ln.hours_worked,
                gross_pay_pence=ln.gross_pay_pence,
                pa_date_of_birth=ln.pa_date_of_birth,
                apprentice_first_year=ln.apprentice_first_year,
                source=PaySource.PAYROLL_BUREAU,
                source_reference=f"{file_name} line {ln.line}"[:300],
                recorded_by=user,
                recorded_at=now,
            )
        )
    PayRecord.objects.bulk_create(new, batch_size=1000)
    by_account: dict[int, list[PayRecord]] = {}
    for record in new:
        by_account.setdefault(record.account_id, []).append(record)
    for account_id, records in sorted(by_account.items()):
        the_account = accounts[account_id]
        audit_event_record(
            actor=actor,
            event_type=EmploymentEventType.PAYROLL_IMPORTED,
            subject=the_account,
            person=the_account.person,
            summary=f"{len(records)} pay record(s) imported from the payroll file {file_name}",
            extra={"file_name": file_name, "pay_records": [r.pk for r in records]},
        )
    return PayrollImportResult(
        file_name=file_name, lines=len(lines), added=len(new), already_recorded=len(lines) - len(new)
    )


# -- commitments ----------------------------------------------------------------------------------------------


@transaction.atomic
def commitment_record(
    *,
    actor: Any,
    account: DirectPaymentAccount,
    kind: str,
    amount_pence: int,
    owed_to: str,
    due_on: dt.date,
    reference: str = "",
    evidence_note: str = "",
    recorded_on: dt.date | None = None,
) -> Commitment:
    """Record money the account already owes; from `recorded_on` (today by default) it is taken off the balance
    before surplus is worked out."""
    if kind not in CommitmentKind.values:
        raise ValidationFailed("Choose what the money is owed for", field="kind")
    if amount_pence <= 0 or amount_pence > MAX_PAY_PENCE:
        raise ValidationFailed("The amount owed must be more than £0", field="amount_pence")
    if not owed_to.strip():
        raise ValidationFailed("Enter who the money is owed to", field="owed_to")
    today = clock.today()
    recorded_on = recorded_on or today
    if recorded_on > today:
        raise ValidationFailed("Money owed cannot be recorded for a day still to come", field="recorded_on")
    commitment = Commitment.objects.create(
        account=account,
        kind=kind,
        amount_pence=amount_pence,
        owed_to=owed_to.strip()[:200],
        due_on=due_on,
        reference=reference.strip()[:100],
        evidence_note=evidence_note.strip(),
        recorded_on=recorded_on,
        recorded_by=_user(actor),
        recorded_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.COMMITMENT_RECORDED,
        subject=commitment,
        person=account.person,
        summary=f"Money owed recorded: {commitment.label}, {format_pence(amount_pence)}",
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    return commitment


def _lock_open(commitment: Commitment, on: dt.date, field: str) -> Commitment:
    locked = Commitment.objects.select_for_update().select_related("account__person").get(pk=commitment.pk)
    if locked.status != CommitmentStatus.OPEN:
        raise TransitionNotAllowed(
            f"This money owed is already {CommitmentStatus(locked.status).label.lower()}", field=field
        )
    if on < locked.recorded_on:
        raise ValidationFailed(
            f"The date must be on or after {locked.recorded_on:%d/%m/%Y}, when it was recorded", field=field
        )
    if on > clock.today():
        raise ValidationFailed("The date cannot be in the future", field=field)
    return locked


@transaction.atomic
def commitment_settle(*, actor: Any, commitment: Commitment, settled_on: dt.date) -> Commitment:
    """The money owed was paid on `settled_on`: from then it no longer counts against the balance."""
    locked = _lock_open(commitment, settled_on, "settled_on")
    locked.status, locked.settled_on, locked.settled_by = CommitmentStatus.SETTLED, settled_on, _user(actor)
    locked.save(update_fields=["status", "settled_on", "settled_by", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.COMMITMENT_SETTLED,
        subject=locked,
        person=locked.account.person,
        summary=f"Money owed paid on {settled_on:%d/%m/%Y}: {locked.label}, {format_pence(locked.amount_pence)}",
        extra={"settled_on": settled_on},
    )
    return locked


@transaction.atomic
def commitment_withdraw(
    *, actor: Any, commitment: Commitment, reason: str, withdrawn_on: dt.date | None = None
) -> Commitment:
    """The money was not owed after all (entered in error, the invoice cancelled)."""
    if not reason.strip():
        raise ValidationFailed("Say why it is withdrawn", field="reason")
    withdrawn_on = withdrawn_on or clock.today()
    locked = _lock_open(commitment, withdrawn_on, "reason")
    locked.status, locked.withdrawn_on, locked.withdrawn_by = CommitmentStatus.WITHDRAWN, withdrawn_on, _user(actor)
    locked.withdrawn_reason = reason.strip()
    locked.save(update_fields=["status", "withdrawn_on", "withdrawn_by", "withdrawn_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EmploymentEventType.COMMITMENT_WITHDRAWN,
        subject=locked,
        person=locked.account.person,
        summary=f"Money owed withdrawn: {locked.label}: {reason.strip()}",
        extra={"reason": reason.strip(), "withdrawn_on": withdrawn_on},
    )
    return locked
