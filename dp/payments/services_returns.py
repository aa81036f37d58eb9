"""Writes for payments the bank returned: recording a return (by hand or from the bank's returns file),
then reissuing it in the next run, holding it or writing it back. Rules are in `domain/returns.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from dp.audit_log.services import audit_event_record
from dp.core import clock
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.ledger.services import journal_post
from dp.payments.constants import (
    NoticeKind,
    PaymentEventType,
    PaymentRunStatus,
    ReturnReason,
    ReturnStatus,
    ScheduledPaymentKind,
)
from dp.payments.domain import returns
from dp.payments.models import (
    DirectPaymentAccount,
    HolderNotice,
    Payment,
    PaymentReturn,
    ScheduledPayment,
)


class ReturnsFileRefused(ValidationFailed):
    """The returns file has errors; nothing was written. `errors` name the line and field of each."""

    def __init__(self, filename: str, errors: list[returns.FileError]) -> None:
        listed = "; ".join(str(error) for error in errors[:20])
        more = f"; and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{filename}: {len(errors)} error(s), nothing imported: {listed}{more}", field="file")
        self.filename = filename
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    recorded: list[PaymentReturn]
    already_recorded: list[PaymentReturn]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _notice(account: DirectPaymentAccount, message: str) -> HolderNotice:
    return HolderNotice.objects.create(
        holder=account.holder or account.person,
        account=account,
        kind=NoticeKind.PAYMENT_RETURNED,
        message=message,
        created_at=clock.now(),
    )


def _check_returnable(payment: Payment, *, amount_pence: int, returned_on: dt.date) -> str | None:
    """Why this payment cannot be recorded as returned with these values (field, message), or None."""
    if payment.cancelled or payment.run.status != PaymentRunStatus.COMPLETED:
        return "payment_reference|The payment was never sent"
    if payment.run.settled_at is None:
        return "payment_reference|The run is not yet recorded as arrived: record it first (payments_settle)"
    if payment.amount_pence <= 0:
        return "payment_reference|Nothing was sent for this payment"
    if amount_pence != payment.amount_pence:
        return f"amount|The payment was {format_pence(payment.amount_pence)}, not {format_pence(amount_pence)}"
    if returned_on < payment.pay_on:
        return f"returned_on|The payment was made on {payment.pay_on:%d %B %Y}, after this date"
    if returned_on > clock.today():
        return "returned_on|The date is in the future"
    return None


def _record(
    actor: Any,
    payment: Payment,
    *,
    amount_pence: int,
    returned_on: dt.date,
    reason: str,
    reason_text: str,
    bank_reference: str,
    source_file: str = "",
) -> PaymentReturn:
    returned = PaymentReturn.objects.create(
        payment=payment,
        amount_pence=amount_pence,
        returned_on=returned_on,
        reason=reason,
        reason_text=reason_text.strip()[:200],
        bank_reference=bank_reference.strip()[:40],
        source_file=source_file[:120],
        recorded_by=_user(actor),
        recorded_at=clock.now(),
    )
    not_arrived, back = returns.return_journals(
        person=payment.schedule.person_id,
        amount_pence=amount_pence,
        channel="bank" if payment.channel == "bank" else "card_provider",
        reference=payment.reference,
    )
    key = f"payment-return:{payment.pk}"
    journal_post(
        draft=not_arrived, posted_on=returned_on, source=key, idempotency_key=f"{key}:not-arrived", actor=actor
    )
    returned.journal = journal_post(draft=back, posted_on=returned_on, source=key, idempotency_key=key, actor=actor)
    returned.save(update_fields=["journal"])
    next_step = (
        "We will be in touch about what happens next."
        if reason == ReturnReason.BENEFICIARY_DECEASED
        else "We will contact you about your bank details and pay it again once they are right."
    )
    _notice(
        payment.account,
        f"Your direct payment of {format_pence(amount_pence)} (reference {payment.reference}, paid on "
        f"{payment.pay_on:%d %B %Y}) was returned by your bank: {ReturnReason(reason).label.lower()}. {next_step}",
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.PAYMENT_RETURNED,
        subject=returned,
        person=payment.schedule.person,
        case=payment.schedule.case,
        summary=f"Payment {payment.reference} of {format_pence(amount_pence)} returned by the bank: "
        f"{ReturnReason(reason).label}",
        after={
            "payment": payment.pk,
            "amount_pence": amount_pence,
            "returned_on": returned_on,
            "reason": reason,
            "source_file": source_file,
        },
    )
    return returned


def _lock_payment(payment_id: int) -> Payment | None:
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("run", "schedule__person", "schedule__case", "account__holder", "account__person")
        .filter(pk=payment_id)
        .first()
    )


@transaction.atomic
def payment_return_record(
    *,
    actor: Any,
    payment: Payment,
    amount_pence: int,
    returned_on: dt.date,
    reason: str,
    reason_text: str = "",
    bank_reference: str = "",
) -> PaymentReturn:
    """Record by hand that the bank returned `payment`: posted to the ledger once, the holder told."""
    locked = _lock_payment(payment.pk)
    assert locked is not None
    if reason not in ReturnReason.values:
        raise ValidationFailed("Choose why the bank returned it", field="reason")
    if reason == ReturnReason.OTHER and not reason_text.strip():
        raise ValidationFailed("Say why the bank returned it", field="reason_text")
    if PaymentReturn.objects.filter(payment=locked).exists():
        raise ValidationFailed("This payment is already recorded as returned.", field="amount_pence")
    problem = _check_returnable(locked, amount_pence=amount_pence, returned_on=returned_on)
    if problem:
        field, message = problem.split("|", 1)
        raise ValidationFailed(message, field="amount_pence" if field == "amount" else field)
    return _record(
        actor,
        locked,
        amount_pence=amount_pence,
        returned_on=returned_on,
        reason=reason,
        reason_text=reason_text,
        bank_reference=bank_reference,
    )


@transaction.atomic
def payment_returns_import(*, actor: Any, filename: str, text: str) -> ImportResult:
    """Import the bank's returns file (layout in `domain/returns.py`): all of it or, on any error, none of it
    (`ReturnsFileRefused` names each file line and field). A return already recorded with the same values is
    left as it is, so importing the file again changes nothing."""
    lines, errors = returns.parse_returns_file(text, today=clock.today())
    recorded: list[PaymentReturn] = []
    already: list[PaymentReturn] = []
    todo: list[tuple[returns.ReturnLine, Payment]] = []
    ids = [line.payment_id for line in lines]
    # Two queries for the whole file (payments locked in id order, so two imports never deadlock).
    payments = {
        p.pk: p
        for p in Payment.objects.select_for_update(of=("self",))
        .select_related("run", "schedule__person", "schedule__case", "account__holder", "account__person")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    recorded_before = {r.payment_id: r for r in PaymentReturn.objects.filter(payment_id__in=ids)}
    for line in lines:
        payment = payments.get(line.payment_id)
        if payment is None:
            errors.append(returns.FileError(line.line, "payment_reference", "No payment has this reference"))
            continue
        existing = recorded_before.get(payment.pk)
        if existing is not None:
            if (existing.amount_pence, existing.returned_on, existing.reason) == (
                line.amount_pence,
                line.returned_on,
                line.reason,
            ):
                already.append(existing)
            else:
                errors.append(
                    returns.FileError(
                        line.line,
                        "payment_reference",
                        "Already recorded as returned, with a different amount, date or reason",
                    )
                )
            continue
        problem = _check_returnable(payment, amount_pence=line.amount_pence, returned_on=line.returned_on)
        if problem:
            field, message = problem.split("|", 1)
            errors.append(returns.FileError(line.line, field, message))
            continue
        todo.append((line, payment))
    if errors:
        raise ReturnsFileRefused(
            filename,
            sorted(
                errors, key=lambda e: (e.line, returns.COLUMNS.index(e.field) if e.field in returns.COLUMNS else -1)
            ),
        )
    for line, payment in todo:
        recorded.append(
            _record(
                actor,
                payment,
                amount_pence=line.amount_pence,
                returned_on=line.returned_on,
                reason=line.reason,
                reason_text=line.reason_text,
                bank_reference=line.bank_reference,
                source_file=filename,
            )
        )
    if recorded:
        audit_event_record(
            actor=actor,
            event_type=PaymentEventType.RETURNS_IMPORTED,
            subject=recorded[0],
            summary=f"Bank returns file {filename[:80]}: {len(recorded)} recorded, {len(already)} already recorded",
            after={"file": filename, "recorded": [r.pk for r in recorded], "already": [r.pk for r in already]},
        )
    return ImportResult(recorded=recorded, already_recorded=already)


def _lock_return(payment_return: PaymentReturn) -> PaymentReturn:
    return (
        PaymentReturn.objects.select_for_update(of=("self",))
        .select_related("payment__schedule__person", "payment__schedule__case", "payment__account")
        .get(pk=payment_return.pk)
    )


def _move(payment_return: PaymentReturn, target: str) -> None:
    if not returns.can_move(payment_return.status, target):
        state = ReturnStatus(payment_return.status).label.lower()
        raise TransitionNotAllowed(f"A return that is {state} cannot be {target.replace('_', ' ')}.")


def bank_details_changed_since(payment_return: PaymentReturn) -> bool:
    """Whether the payment would now go somewhere else: the schedule pays another account, or the account's bank
    details were confirmed after the return was recorded."""
    schedule = payment_return.payment.schedule
    if schedule.account_id != payment_return.payment.account_id:
        return True
    account = schedule.account
    confirmed = account.bank_details_confirmed_at if account is not None else None
    return confirmed is not None and confirmed > payment_return.recorded_at


@transaction.atomic
def payment_return_reissue(
    *, actor: Any, payment_return: PaymentReturn, details_confirmed_right: bool = False, note: str = ""
) -> PaymentReturn:
    """Pay it again, once, as a one-off payment in the next run, to the schedule's account. Refused while the
    account's details are unchanged since the return, unless the officer confirms they were right."""
    payment_return = _lock_return(payment_return)
    _move(payment_return, ReturnStatus.REISSUED)
    payment = payment_return.payment
    schedule = payment.schedule
    changed = bank_details_changed_since(payment_return)
    if not changed and not details_confirmed_right:
        raise ValidationFailed(
            "The bank details have not changed since the payment was returned. Change them first, or confirm "
            "that they were right (for example the bank returned it in error).",
            field="details_confirmed_right",
        )
    if not changed and not note.strip():
        raise ValidationFailed("Say how you know the details were right", field="note")
    account = schedule.account
    if account is None or not account.is_open:
        raise ValidationFailed("The direct payment has no open account to pay into.", field="details_confirmed_right")
    reissue = ScheduledPayment.objects.create(
        schedule=schedule,
        kind=ScheduledPaymentKind.ONE_OFF,
        pay_on=clock.today(),
        amount_pence=payment_return.amount_pence,
        description=f"Reissue of payment {payment.reference} returned by the bank",
        source=f"payment-return:{payment_return.pk}:reissue",
        created_by=_user(actor),
        created_at=clock.now(),
    )
    payment_return.status = ReturnStatus.REISSUED
    payment_return.reissue = reissue
    payment_return.details_confirmed_right = not changed
    payment_return.decided_by = _user(actor)
    payment_return.decided_at = clock.now()
    payment_return.decision_note = note.strip()
    payment_return.save(
        update_fields=["status", "reissue", "details_confirmed_right", "decided_by", "decided_at", "decision_note"]
    )
    _notice(
        account,
        f"The direct payment of {format_pence(payment_return.amount_pence)} your bank returned (reference "
        f"{payment.reference}) will be paid again in our next payment run, into {account.display_number}.",
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RETURN_REISSUED,
        subject=payment_return,
        person=schedule.person,
        case=schedule.case,
        summary=f"Returned payment {payment.reference} reissued in the next run"
        + ("" if changed else f" to unchanged details, confirmed right: {note.strip()[:150]}"),
        before={"status": ReturnStatus.RETURNED},
        after={"status": ReturnStatus.REISSUED, "scheduled_payment": reissue.pk, "details_changed": changed},
    )
    return payment_return


def _decide(actor: Any, payment_return: PaymentReturn, target: ReturnStatus, note: str, notice: str) -> PaymentReturn:
    payment_return = _lock_return(payment_return)
    _move(payment_return, target)
    if not note.strip():
        raise ValidationFailed("Say why", field="note")
    before = payment_return.status
    payment_return.status = target
    payment_return.decided_by = _user(actor)
    payment_return.decided_at = clock.now()
    payment_return.decision_note = note.strip()
    payment_return.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    payment = payment_return.payment
    _notice(payment.account, notice.format(amount=format_pence(payment_return.amount_pence), ref=payment.reference))
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RETURN_HELD
        if target == ReturnStatus.HELD
        else PaymentEventType.RETURN_WRITTEN_BACK,
        subject=payment_return,
        person=payment.schedule.person,
        case=payment.schedule.case,
        summary=f"Returned payment {payment.reference} {target.label.lower()}: {note.strip()[:200]}",
        before={"status": before},
        after={"status": target},
    )
    return payment_return


@transaction.atomic
def payment_return_hold(*, actor: Any, payment_return: PaymentReturn, reason: str) -> PaymentReturn:
    """Keep the returned money for now (waiting for new bank details, for example), saying why."""
    return _decide(
        actor,
        payment_return,
        ReturnStatus.HELD,
        reason,
        "We are holding the direct payment of {amount} your bank returned (reference {ref}) until we hear from "
        "you. Contact us to give us the right bank details.",
    )


@transaction.atomic
def payment_return_write_back(*, actor: Any, payment_return: PaymentReturn, reason: str) -> PaymentReturn:
    """Do not pay it again: the money stays with the council (already back in its funding by the return)."""
    return _decide(
        actor,
        payment_return,
        ReturnStatus.WRITTEN_BACK,
        reason,
        "The direct payment of {amount} your bank returned (reference {ref}) will not be paid again. "
        "Contact us if you think it should be.",
    )
