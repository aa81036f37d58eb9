"""Writes for accounts, schedules, contributions and payment runs.

Each service locks what it changes, checks by calling the pure domain code, writes, records an audit
event in the same transaction and schedules side effects on commit. The set-based work of a payment
run is in `dp.payments.engine`; the services here own its workflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from dp.audit_log.services import audit_event_record
from dp.cases.models import Case
from dp.core import clock
from dp.core.errors import PermissionDenied, PolicyMissing, TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.ledger.services import journal_post
from dp.payments import engine, selectors
from dp.payments.constants import (
    AccountKind,
    AccountStatus,
    BankDetailsChangeStatus,
    Basis,
    CardStatus,
    NoticeKind,
    PaymentEventType,
    PaymentKind,
    PaymentRunStatus,
    RecoveryDeductionStatus,
    ScheduledPaymentKind,
    ScheduleStatus,
)
from dp.payments.domain import bacs, card_load
from dp.payments.domain.ledger import (
    build_contribution_due,
    build_contribution_received,
    build_recovery_raised,
    reverse,
)
from dp.payments.domain.run import can_move, cycle_date_on_or_before, horizon_on, is_cycle_date
from dp.payments.domain.schedule import (
    OneOffPayment,
    PaidPeriod,
    calculate_adjustment,
    end_direct_payment,
    period,
)
from dp.payments.models import (
    AdjustmentSettlement,
    BacsOriginator,
    BankDetailsChange,
    BankHoliday,
    ContributionReceipt,
    DirectPaymentAccount,
    HolderNotice,
    MoneyManager,
    Payment,
    PaymentFile,
    PaymentRun,
    PaymentSchedule,
    Recovery,
    RecoveryDeduction,
    ScheduleAdjustment,
    ScheduleChange,
    ScheduledPayment,
    joined_bank_details,
)
from dp.people.constants import RelationshipKind
from dp.people.models import Person, Relationship

# Who may hold a direct payment account for someone: their nominated or authorised person (Care Act
# 2014 ss.31-32), or a parent for a child's direct payment.
HOLDER_RELATIONSHIPS = (
    RelationshipKind.NOMINATED_PERSON_FOR,
    RelationshipKind.AUTHORISED_PERSON_FOR,
    RelationshipKind.PARENT_OF,
)


# -- accounts -----------------------------------------------------------------------------------------


def _holder(person: Person, holder: Person | None) -> Person:
    if holder is None or holder.pk == person.pk:
        return person
    allowed = Relationship.objects.filter(
        from_person=holder, to_person=person, kind__in=HOLDER_RELATIONSHIPS, ended_on__isnull=True
    ).exists()
    if not allowed:
        raise ValidationFailed(
            "The account holder must be the person, or their nominated or authorised person (or a parent, "
            "for a child). Record the relationship first.",
            field="holder",
        )
    return holder


def _bank_details(account_name: str, sort_code: str, account_number: str) -> tuple[str, str, str]:
    name = account_name.strip()
    if not name:
        raise ValidationFailed("Enter the name on the account", field="account_name")
    bacs.bacs_name(name, field="account_name")
    return (
        name,
        bacs.normalise_sort_code(sort_code, field="sort_code"),
        bacs.normalise_account_number(account_number, field="account_number"),
    )


def _opened(actor: Any, account: DirectPaymentAccount, summary: str) -> DirectPaymentAccount:
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ACCOUNT_OPENED,
        subject=account,
        person=account.person,
        summary=summary,
        after={"kind": account.kind, "holder": account.holder_id, "opened_on": account.opened_on},
    )
    # Payments set up (when the agreement was signed) before there was an account go to the first one opened.
    waiting = PaymentSchedule.objects.select_for_update(of=("self",)).filter(
        person=account.person, account__isnull=True
    )
    for schedule in waiting.exclude(status=ScheduleStatus.ENDED).select_related("person", "case"):
        schedule.account = account
        schedule.save(update_fields=["account", "updated_at"])
        audit_event_record(
            actor=actor,
            event_type=PaymentEventType.SCHEDULE_ACCOUNT_CHANGED,
            subject=schedule,
            person=schedule.person,
            case=schedule.case,
            summary=f"Payments now go to the new {account.get_kind_display().lower()} {account.display_number}",
            before={"account": None},
            after={"account": account.pk},
        )
    return account


@transaction.atomic
def account_open_prepaid_card(
    *,
    actor: Any,
    person: Person,
    provider: str,
    card_account_reference: str,
    card_last_four: str,
    holder: Person | None = None,
    opened_on: dt.date | None = None,
) -> DirectPaymentAccount:
    """A prepaid card account, loaded by the card provider from the run's card-load file."""
    holder = _holder(person, holder)
    if not provider.strip():
        raise ValidationFailed("Enter the card provider", field="provider")
    if not (len(card_last_four) == 4 and card_last_four.isdigit()):
        raise ValidationFailed("Enter the last 4 digits of the card, like 1234", field="card_last_four")
    try:
        card_load.normalise_load(
            card_load.CardLoad(
                card_account_reference=card_account_reference.strip(),
                amount_pence=1,
                payment_on=clock.today(),
                payment_reference="CHECK",
                payee_name=holder.full_name,
            ),
            field="card",
        )
    except card_load.CardLoadFileError as exc:
        field = "card_account_reference" if "card_account_reference" in (exc.field or "") else "holder"
        raise ValidationFailed(exc.message, field=field) from None
    account = DirectPaymentAccount.objects.create(
        person=person,
        kind=AccountKind.PREPAID_CARD,
        holder=holder,
        opened_on=opened_on or clock.today(),
        provider=provider.strip(),
        card_account_reference=card_account_reference.strip(),
        card_last_four=card_last_four,
        card_status=CardStatus.ACTIVE,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _opened(actor, account, f"Prepaid card account opened with {account.provider}, card ending {card_last_four}")


@transaction.atomic
def account_open_bank(
    *,
    actor: Any,
    person: Person,
    account_name: str,
    sort_code: str,
    account_number: str,
    holder: Person | None = None,
    opened_on: dt.date | None = None,
) -> DirectPaymentAccount:
    """A separate bank account in the holder's name for the direct payment (details encrypted at rest)."""
    holder = _holder(person, holder)
    name, code, number = _bank_details(account_name, sort_code, account_number)
    account = DirectPaymentAccount.objects.create(
        person=person,
        kind=AccountKind.BANK,
        holder=holder,
        opened_on=opened_on or clock.today(),
        account_name=name,
        bank_details=joined_bank_details(code, number),
        bank_details_confirmed_at=clock.now(),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _opened(actor, account, f"Bank account {account.masked_account_number} recorded for direct payments")


@transaction.atomic
def account_open_managed(
    *,
    actor: Any,
    person: Person,
    money_manager: MoneyManager,
    client_reference: str,
    opened_on: dt.date | None = None,
) -> DirectPaymentAccount:
    """A managed account: the money manager receives the payments and pays the person's bills."""
    reference = client_reference.strip()
    if not reference:
        raise ValidationFailed("Enter the money manager's reference for the person", field="client_reference")
    account = DirectPaymentAccount.objects.create(
        person=person,
        kind=AccountKind.MANAGED,
        holder=None,
        opened_on=opened_on or clock.today(),
        money_manager=money_manager,
        client_reference=reference[:18],
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _opened(actor, account, f"Managed account opened with {money_manager.name}")


def _lock_account(account: DirectPaymentAccount) -> DirectPaymentAccount:
    return (
        DirectPaymentAccount.objects.select_for_update(of=("self",))
        .select_related("person", "holder")
        .get(pk=account.pk)
    )


@transaction.atomic
def account_card_status_change(
    *, actor: Any, account: DirectPaymentAccount, card_status: str, reason: str
) -> DirectPaymentAccount:
    account = _lock_account(account)
    if account.kind != AccountKind.PREPAID_CARD:
        raise ValidationFailed("Only a prepaid card account has a card status.")
    if not account.is_open:
        raise TransitionNotAllowed("The account is closed.")
    if card_status not in CardStatus.values:
        raise ValidationFailed("Choose the card's status", field="card_status")
    if not reason.strip():
        raise ValidationFailed("Enter why the card's status is changing", field="reason")
    if card_status == account.card_status:
        return account
    before = account.card_status
    account.card_status = card_status
    account.save(update_fields=["card_status", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ACCOUNT_CARD_STATUS,
        subject=account,
        person=account.person,
        summary=f"Card ending {account.card_last_four}: {CardStatus(card_status).label}. {reason.strip()}",
        before={"card_status": before},
        after={"card_status": card_status},
    )
    return account


@transaction.atomic
def account_close(*, actor: Any, account: DirectPaymentAccount, reason: str, closed_on: dt.date | None = None) -> Any:
    account = _lock_account(account)
    if not account.is_open:
        return account
    if not reason.strip():
        raise ValidationFailed("Enter why the account is closing", field="reason")
    account.status = AccountStatus.CLOSED
    account.closed_on = closed_on or clock.today()
    account.closed_reason = reason.strip()
    fields = ["status", "closed_on", "closed_reason", "updated_at"]
    if account.kind == AccountKind.PREPAID_CARD:
        account.card_status = CardStatus.CLOSED
        fields.append("card_status")
    account.save(update_fields=fields)
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ACCOUNT_CLOSED,
        subject=account,
        person=account.person,
        summary=f"{account.get_kind_display()} closed: {reason.strip()}",
        before={"status": AccountStatus.OPEN},
        after={"status": AccountStatus.CLOSED, "closed_on": account.closed_on},
    )
    return account


def _notice(account: DirectPaymentAccount, kind: NoticeKind, message: str) -> HolderNotice:
    holder = account.holder or account.person
    return HolderNotice.objects.create(
        holder=holder, account=account, kind=kind, message=message, created_at=clock.now()
    )


@transaction.atomic
def bank_details_change_request(
    *, actor: Any, account: DirectPaymentAccount, account_name: str, sort_code: str, account_number: str, reason: str
) -> BankDetailsChange:
    """Ask to change a bank account's details: nothing changes until a second person confirms. The holder
    is told (a notice the portal shows)."""
    account = _lock_account(account)
    if account.kind != AccountKind.BANK:
        raise ValidationFailed("Only a bank account has bank details to change.")
    if not account.is_open:
        raise TransitionNotAllowed("The account is closed.")
    if not reason.strip():
        raise ValidationFailed("Enter why the details are changing and how the holder asked", field="reason")
    name, code, number = _bank_details(account_name, sort_code, account_number)
    if account.bank_changes.filter(status=BankDetailsChangeStatus.PENDING).exists():
        raise ValidationFailed("A change of details is already waiting to be confirmed.", field="account_number")
    change = BankDetailsChange.objects.create(
        account=account,
        account_name=name,
        bank_details=joined_bank_details(code, number),
        reason=reason.strip(),
        requested_by=actor,
        requested_at=clock.now(),
    )
    _notice(
        account,
        NoticeKind.BANK_DETAILS_CHANGE_REQUESTED,
        f"We have been asked to change the bank account your direct payment is paid into, to the account ending "
        f"{change.masked_account_number[-4:]}. If you did not ask for this, contact us straight away.",
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.BANK_CHANGE_REQUESTED,
        subject=account,
        person=account.person,
        summary=f"Change of bank details requested (to {change.masked_account_number}): {reason.strip()[:150]}",
        before={"account_number": account.masked_account_number},
        after={"account_number": change.masked_account_number},
    )
    return change


def _lock_change(change: BankDetailsChange) -> BankDetailsChange:
    return BankDetailsChange.objects.select_for_update(of=("self",)).select_related("account").get(pk=change.pk)


@transaction.atomic
def bank_details_change_confirm(*, actor: Any, change: BankDetailsChange, note: str = "") -> DirectPaymentAccount:
    """A second person confirms the change (never the one who asked): the account takes the new details."""
    change = _lock_change(change)
    if change.status != BankDetailsChangeStatus.PENDING:
        raise TransitionNotAllowed("This change has already been decided.")
    if change.requested_by_id == actor.pk:
        raise PermissionDenied("You asked for this change: another member of staff must confirm it.")
    account = _lock_account(change.account)
    before = account.masked_account_number
    account.account_name = change.account_name
    account.bank_details = change.bank_details
    account.bank_details_confirmed_at = clock.now()
    account.save(update_fields=["account_name", "bank_details", "bank_details_confirmed_at", "updated_at"])
    change.status = BankDetailsChangeStatus.CONFIRMED
    change.decided_by = actor
    change.decided_at = clock.now()
    change.decision_note = note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _notice(
        account,
        NoticeKind.BANK_DETAILS_CHANGED,
        f"Your direct payment will now be paid into the account ending {account.masked_account_number[-4:]}.",
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.BANK_CHANGE_CONFIRMED,
        subject=account,
        person=account.person,
        summary=f"Change of bank details confirmed: now {account.masked_account_number}",
        before={"account_number": before},
        after={"account_number": account.masked_account_number},
    )
    return account


@transaction.atomic
def bank_details_change_reject(*, actor: Any, change: BankDetailsChange, note: str) -> BankDetailsChange:
    change = _lock_change(change)
    if change.status != BankDetailsChangeStatus.PENDING:
        raise TransitionNotAllowed("This change has already been decided.")
    if change.requested_by_id == actor.pk:
        raise PermissionDenied("You asked for this change: another member of staff must decide it.")
    if not note.strip():
        raise ValidationFailed("Enter why the change is not being made", field="note")
    change.status = BankDetailsChangeStatus.REJECTED
    change.decided_by = actor
    change.decided_at = clock.now()
    change.decision_note = note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _notice(
        change.account,
        NoticeKind.BANK_DETAILS_CHANGE_REJECTED,
        "We have not changed the bank account your direct payment is paid into. Contact us if you need to.",
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.BANK_CHANGE_REJECTED,
        subject=change.account,
        person=change.account.person,
        summary=f"Change of bank details rejected: {note.strip()[:200]}",
    )
    return change


@transaction.atomic
def money_manager_add(
    *,
    actor: Any,
    name: str,
    account_name: str,
    sort_code: str,
    account_number: str,
    fee_weekly_pence: int = 0,
    contact: str = "",
) -> MoneyManager:
    if not name.strip():
        raise ValidationFailed("Enter the organisation's name", field="name")
    if fee_weekly_pence < 0:
        raise ValidationFailed("The fee must not be negative", field="fee_weekly_pence")
    if MoneyManager.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationFailed("A money manager with that name is already recorded", field="name")
    bank_name, code, number = _bank_details(account_name, sort_code, account_number)
    manager = MoneyManager.objects.create(
        name=name.strip(),
        account_name=bacs.bacs_name(bank_name),
        bank_details=joined_bank_details(code, number),
        fee_weekly_pence=fee_weekly_pence,
        contact=contact.strip(),
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.MONEY_MANAGER_ADDED,
        subject=manager,
        summary=f"Money manager {manager.name} added (fee {format_pence(fee_weekly_pence)} a week)",
    )
    return manager


# -- schedules ----------------------------------------------------------------------------------------


def _check_account_for(person_id: int, account: DirectPaymentAccount | None) -> None:
    if account is None:
        return
    if account.person_id != person_id:
        raise ValidationFailed("The account must be the person's own direct payment account", field="account")
    if not account.is_open:
        raise ValidationFailed("The account is closed", field="account")


@transaction.atomic
def schedule_create_for_case(
    *,
    actor: Any,
    case: Case,
    weekly_budget_pence: int,
    weekly_contribution_pence: int,
    first_payment_on: dt.date,
    account: DirectPaymentAccount | None = None,
    basis: str | None = None,
    period_weeks: int | None = None,
    agreement_signed_on: dt.date | None = None,
    reason: str = "Direct payment agreed",
) -> PaymentSchedule:
    """Set up the payments of an agreed direct payment (called when the agreement is signed).

    `first_payment_on` is the first day of the first period, one of the council's cycle dates; the
    basis and the period length default to the council's policy. Until `agreement_signed_on` is set
    (here or by `schedule_agreement_signed`) payments are held back.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    if PaymentSchedule.objects.filter(case=case).exclude(status=ScheduleStatus.ENDED).exists():
        raise ValidationFailed("This case already has a payment schedule running.")
    today = clock.today()
    cycle = selectors.payment_cycle(first_payment_on)
    weeks = period_weeks or cycle.weeks
    if not is_cycle_date(first_payment_on, weekday=cycle.weekday, offset_weeks=cycle.offset_weeks, cycle_weeks=weeks):
        upcoming = ", ".join(f"{d.day} {d:%B %Y}" for d, _ in selectors.upcoming_cycle_dates(today=today))
        raise ValidationFailed(
            f"The first payment must be on one of the council's payment dates (every {weeks} weeks on a "
            f"{cycle.weekday_name}). The next are {upcoming}.",
            field="first_payment_on",
        )
    chosen_basis = basis or selectors.payment_basis(first_payment_on)
    if chosen_basis not in Basis.values:
        raise ValidationFailed("Choose net or gross", field="basis")
    # The pure terms check the amounts and dates as the calculation contract does.
    from dp.payments.domain.schedule import ScheduleChange as TermsChange
    from dp.payments.domain.schedule import ScheduleTerms

    ScheduleTerms(
        start_on=first_payment_on,
        changes=(TermsChange(first_payment_on, weekly_budget_pence, weekly_contribution_pence),),
        period_weeks=weeks,
        basis="gross" if chosen_basis == "gross" else "net",
    )
    _check_account_for(case.person_id, account)
    schedule = PaymentSchedule.objects.create(
        case=case,
        person=case.person,
        account=account,
        start_on=first_payment_on,
        period_weeks=weeks,
        basis=chosen_basis,
        payable_from_on=first_payment_on,
        agreement_signed_on=agreement_signed_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ScheduleChange.objects.create(
        schedule=schedule,
        effective_on=first_payment_on,
        weekly_budget_pence=weekly_budget_pence,
        weekly_contribution_pence=weekly_contribution_pence,
        reason=reason.strip() or "Direct payment agreed",
        created_by=schedule.created_by,
        created_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_CREATED,
        subject=schedule,
        person=case.person,
        case=case,
        summary=(
            f"Payments set up from {first_payment_on:%d %B %Y}: budget {format_pence(weekly_budget_pence)} and "
            f"contribution {format_pence(weekly_contribution_pence)} a week, every {weeks} weeks, {chosen_basis} basis"
        ),
        after={
            "start_on": first_payment_on,
            "weekly_budget_pence": weekly_budget_pence,
            "weekly_contribution_pence": weekly_contribution_pence,
            "basis": chosen_basis,
            "account": account.pk if account else None,
        },
    )
    return schedule


def _lock_schedule(schedule: PaymentSchedule) -> PaymentSchedule:
    return PaymentSchedule.objects.select_for_update(of=("self",)).select_related("person", "case").get(pk=schedule.pk)


@transaction.atomic
def schedule_agreement_signed(*, actor: Any, schedule: PaymentSchedule, signed_on: dt.date) -> PaymentSchedule:
    """The hook the agreements app calls: the agreement is signed, so payments may be sent."""
    schedule = _lock_schedule(schedule)
    if schedule.agreement_signed_on is not None:
        return schedule
    schedule.agreement_signed_on = signed_on
    schedule.save(update_fields=["agreement_signed_on", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_AGREEMENT_SIGNED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Direct payment agreement signed on {signed_on:%d %B %Y}: payments can be sent",
        after={"agreement_signed_on": signed_on},
    )
    return schedule


@transaction.atomic
def schedule_account_change(*, actor: Any, schedule: PaymentSchedule, account: DirectPaymentAccount) -> PaymentSchedule:
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.ENDED:
        raise TransitionNotAllowed("The direct payment has ended.")
    _check_account_for(schedule.person_id, account)
    if schedule.account_id == account.pk:
        return schedule
    before = schedule.account_id
    schedule.account = account
    schedule.save(update_fields=["account", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_ACCOUNT_CHANGED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Payments now go to the {account.get_kind_display().lower()} {account.display_number}",
        before={"account": before},
        after={"account": account.pk},
    )
    return schedule


def _regular_payments(schedule: PaymentSchedule) -> list[Payment]:
    return list(
        Payment.objects.filter(schedule=schedule, kind=PaymentKind.REGULAR, cancelled=False).order_by("period_start_on")
    )


@transaction.atomic
def schedule_change_amounts(
    *,
    actor: Any,
    schedule: PaymentSchedule,
    effective_on: dt.date,
    weekly_budget_pence: int,
    weekly_contribution_pence: int,
    reason: str,
    source: str = "",
    replace: bool = False,
) -> ScheduleChange:
    """A new weekly budget or contribution from a date. Periods not yet paid use it (pro-rated by days
    in the period it starts in); for periods already paid the difference becomes an adjustment settled
    in the next run (`calculate_adjustment`), shown with its reason. With `replace` (a new agreement
    from the same day as an earlier one, or from the day the payments started), the amounts in the
    change already on that day are replaced (the audit event keeps what they were)."""
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.ENDED:
        raise TransitionNotAllowed("The direct payment has ended.")
    if not reason.strip():
        raise ValidationFailed("Enter why the amounts are changing", field="reason")
    if effective_on < schedule.start_on or (effective_on == schedule.start_on and not replace):
        raise ValidationFailed(
            f"The change must take effect after the payments started ({schedule.start_on:%d %B %Y})",
            field="effective_on",
        )
    replacing = schedule.changes.select_for_update().filter(effective_on=effective_on).first()
    if replacing is not None and not replace:
        raise ValidationFailed("A change already takes effect on that day", field="effective_on")
    before_terms = selectors.schedule_terms(schedule)
    fields = {
        "weekly_budget_pence": weekly_budget_pence,
        "weekly_contribution_pence": weekly_contribution_pence,
        "reason": reason.strip(),
        "source": source,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        "created_at": clock.now(),
    }
    replaced: dict[str, Any] | None = None
    if replacing is not None:
        replaced = {
            "weekly_budget_pence": replacing.weekly_budget_pence,
            "weekly_contribution_pence": replacing.weekly_contribution_pence,
            "reason": replacing.reason,
        }
        for name, value in fields.items():
            setattr(replacing, name, value)
        replacing.save(update_fields=list(fields))
        change = replacing
    else:
        change = ScheduleChange.objects.create(schedule=schedule, effective_on=effective_on, **fields)
    after_terms = selectors.schedule_terms(schedule)  # checks the amounts (ValidationFailed rolls back)
    affected = [p for p in _regular_payments(schedule) if p.period_end_on and p.period_end_on >= effective_on]
    summary = (
        f"From {effective_on:%d %B %Y}: budget {format_pence(weekly_budget_pence)} and contribution "
        f"{format_pence(weekly_contribution_pence)} a week. {reason.strip()}"
    )
    if affected:
        numbers = [before_terms.period_number_on(p.period_start_on) for p in affected]  # type: ignore[arg-type]
        adjustment = calculate_adjustment(
            paid=[period(before_terms, n) for n in numbers], due=[period(after_terms, n) for n in numbers]
        )
        if adjustment.council_adjustment_pence or adjustment.contribution_adjustment_pence:
            ScheduleAdjustment.objects.create(
                schedule=schedule,
                change=change,
                amount_pence=adjustment.council_adjustment_pence,
                contribution_pence=adjustment.contribution_adjustment_pence,
                reason=adjustment.reason,
                created_at=clock.now(),
            )
            summary += f" Adjustment for periods already paid: {format_pence(adjustment.council_adjustment_pence)}."
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_CHANGED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=summary,
        before=replaced,
        after={
            "effective_on": effective_on,
            "weekly_budget_pence": weekly_budget_pence,
            "weekly_contribution_pence": weekly_contribution_pence,
        },
    )
    return change


# Agreement account types (dp.agreements.constants.AccountType values) and the account kind each is paid into.
AGREEMENT_ACCOUNT_KINDS = {
    "prepaid_card": AccountKind.PREPAID_CARD,
    "bank_account": AccountKind.BANK,
    "managed_account": AccountKind.MANAGED,
}


@transaction.atomic
def schedule_for_agreement(
    *,
    actor: Any,
    case: Case,
    source: str,
    title: str,
    weekly_budget_pence: int,
    weekly_contribution_pence: int,
    one_off_pence: int,
    starts_on: dt.date,
    budget_from_on: dt.date,
    signed_on: dt.date,
    account_type: str,
) -> PaymentSchedule:
    """The hook the agreements app calls when an agreement is signed (`source` "agreement:<id>", `title`
    its reference): the payments follow what was signed. Idempotent: signing the same agreement again
    changes nothing.

    - No schedule running for the case: one is set up on the council's basis and cycle (policy), its
      first period starting on the cycle date on or before `starts_on`; when that is earlier than
      `starts_on`, the days before it cost nothing (a £0 first change), so the first payment is worked
      out by days. It is paid into the person's open account of the agreed kind; with none yet, each run
      holds it back ("no open account") until one is opened (opening it attaches it).
    - A schedule already running (a new agreement after a reassessment or a new budget): the new amounts
      from `budget_from_on`, through `schedule_change_amounts`, so periods already paid are adjusted in
      the next run.
    - The agreement's one-off amount (equipment) is a one-off payment on `starts_on`, once per agreement.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    schedule = PaymentSchedule.objects.filter(case=case).exclude(status=ScheduleStatus.ENDED).first()
    reason = f"Agreement {title} signed on {signed_on:%d %B %Y}"
    if schedule is None:
        schedule = _schedule_for_new_agreement(
            actor=actor,
            case=case,
            source=source,
            reason=reason,
            weekly_budget_pence=weekly_budget_pence,
            weekly_contribution_pence=weekly_contribution_pence,
            starts_on=starts_on,
            signed_on=signed_on,
            account_type=account_type,
        )
    else:
        schedule = schedule_agreement_signed(actor=actor, schedule=schedule, signed_on=signed_on)
        _schedule_terms_from(
            actor=actor,
            schedule=schedule,
            source=source,
            reason=reason,
            weekly_budget_pence=weekly_budget_pence,
            weekly_contribution_pence=weekly_contribution_pence,
            effective_on=budget_from_on,
        )
    if one_off_pence > 0 and not ScheduledPayment.objects.filter(source=f"{source}:one-off").exists():
        ScheduledPayment.objects.create(
            schedule=schedule,
            kind=ScheduledPaymentKind.ONE_OFF,
            pay_on=starts_on,
            amount_pence=one_off_pence,
            description=f"One-off payment in agreement {title} (equipment)",
            source=f"{source}:one-off",
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=clock.now(),
        )
        audit_event_record(
            actor=actor,
            event_type=PaymentEventType.ONE_OFF_ADDED,
            subject=schedule,
            person=schedule.person,
            case=case,
            summary=f"One-off payment of {format_pence(one_off_pence)} on {starts_on:%d %B %Y}: agreement {title}",
        )
    return schedule


def _schedule_for_new_agreement(
    *,
    actor: Any,
    case: Case,
    source: str,
    reason: str,
    weekly_budget_pence: int,
    weekly_contribution_pence: int,
    starts_on: dt.date,
    signed_on: dt.date,
    account_type: str,
) -> PaymentSchedule:
    try:
        cycle = selectors.payment_cycle(starts_on)
        first_on = cycle_date_on_or_before(
            starts_on, weekday=cycle.weekday, offset_weeks=cycle.offset_weeks, cycle_weeks=cycle.weeks
        )
        kind = AGREEMENT_ACCOUNT_KINDS.get(account_type)
        account = selectors.open_accounts_of(case.person).filter(kind=kind).first() if kind else None
        partial = first_on < starts_on
        schedule = schedule_create_for_case(
            actor=actor,
            case=case,
            weekly_budget_pence=0 if partial else weekly_budget_pence,
            weekly_contribution_pence=0 if partial else weekly_contribution_pence,
            first_payment_on=first_on,
            account=account,
            agreement_signed_on=signed_on,
            reason=f"Before the direct payment starts on {starts_on:%d %B %Y}" if partial else reason,
        )
    except PolicyMissing as exc:
        raise ValidationFailed(f"The payments cannot be set up: {exc.message}") from None
    if partial:
        schedule_change_amounts(
            actor=actor,
            schedule=schedule,
            effective_on=starts_on,
            weekly_budget_pence=weekly_budget_pence,
            weekly_contribution_pence=weekly_contribution_pence,
            reason=reason,
            source=source,
        )
    else:
        schedule.changes.filter(effective_on=first_on).update(source=source)
    return schedule


@transaction.atomic
def schedule_contribution_from(
    *, actor: Any, case_id: int, effective_on: dt.date, weekly_contribution_pence: int, source: str, reason: str
) -> bool:
    """A new assessed contribution from a date (a financial reassessment, or the annual uprating) for the
    case's running direct payment, if it has one: the weekly budget in force then stays, and periods
    already paid are adjusted in the next run (`schedule_change_amounts`). Idempotent per `source`
    ("financial-assessment:<id>", "uprating:<batch>"). Returns whether the payments changed."""
    schedule = PaymentSchedule.objects.filter(case_id=case_id).exclude(status=ScheduleStatus.ENDED).first()
    if schedule is None:
        return False
    schedule = _lock_schedule(schedule)
    if schedule.changes.filter(source=source).exists():
        return False
    in_force = selectors.schedule_terms(schedule).change_in_force_on(max(effective_on, schedule.start_on))
    if in_force.weekly_contribution_pence == weekly_contribution_pence:
        return False
    _schedule_terms_from(
        actor=actor,
        schedule=schedule,
        source=source,
        reason=reason,
        weekly_budget_pence=in_force.weekly_budget_pence,
        weekly_contribution_pence=weekly_contribution_pence,
        effective_on=effective_on,
    )
    return True


def _schedule_terms_from(
    *,
    actor: Any,
    schedule: PaymentSchedule,
    source: str,
    reason: str,
    weekly_budget_pence: int,
    weekly_contribution_pence: int,
    effective_on: dt.date,
) -> None:
    """New amounts for a running schedule from `effective_on` (from when the payments started, if that is
    earlier), unless this source already set them or they are the amounts in force then anyway."""
    if schedule.changes.filter(source=source).exists():
        return
    effective_on = max(effective_on, schedule.start_on)
    in_force = selectors.schedule_terms(schedule).change_in_force_on(effective_on)
    if (in_force.weekly_budget_pence, in_force.weekly_contribution_pence) == (
        weekly_budget_pence,
        weekly_contribution_pence,
    ):
        return
    schedule_change_amounts(
        actor=actor,
        schedule=schedule,
        effective_on=effective_on,
        weekly_budget_pence=weekly_budget_pence,
        weekly_contribution_pence=weekly_contribution_pence,
        reason=reason,
        source=source,
        replace=True,
    )


@transaction.atomic
def schedule_suspend(*, actor: Any, schedule: PaymentSchedule, reason: str) -> PaymentSchedule:
    """No more payments until resumed (DP-TERM-04: e.g. contribution not paid in, an investigation)."""
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.SUSPENDED:
        return schedule
    if schedule.status != ScheduleStatus.ACTIVE:
        raise TransitionNotAllowed("Only active payments can be suspended.")
    if not reason.strip():
        raise ValidationFailed("Enter why payments are being suspended", field="reason")
    schedule.status = ScheduleStatus.SUSPENDED
    schedule.status_reason = reason.strip()
    schedule.status_changed_at = clock.now()
    schedule.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_SUSPENDED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Payments suspended: {reason.strip()}",
        before={"status": ScheduleStatus.ACTIVE},
        after={"status": ScheduleStatus.SUSPENDED},
    )
    return schedule


@transaction.atomic
def schedule_resume(*, actor: Any, schedule: PaymentSchedule, resume_on: dt.date, reason: str) -> PaymentSchedule:
    """Payments start again with the first period starting on or after `resume_on`; the periods missed
    while suspended are not paid (use a one-off payment for part of a period)."""
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.ACTIVE:
        return schedule
    if schedule.status != ScheduleStatus.SUSPENDED:
        raise TransitionNotAllowed("Only suspended payments can be resumed.")
    if not reason.strip():
        raise ValidationFailed("Enter why payments are starting again", field="reason")
    schedule.status = ScheduleStatus.ACTIVE
    schedule.status_reason = reason.strip()
    schedule.status_changed_at = clock.now()
    schedule.payable_from_on = max(schedule.payable_from_on, resume_on)
    schedule.save(update_fields=["status", "status_reason", "status_changed_at", "payable_from_on", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_RESUMED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Payments resume from {resume_on:%d %B %Y}: {reason.strip()}",
        before={"status": ScheduleStatus.SUSPENDED},
        after={"status": ScheduleStatus.ACTIVE, "payable_from_on": schedule.payable_from_on},
    )
    return schedule


@transaction.atomic
def schedule_end(*, actor: Any, schedule: PaymentSchedule, last_day_on: dt.date, reason: str) -> PaymentSchedule:
    """End the direct payment after `last_day_on`: work out the final payment still owed, or the advance
    paid for days after the end to recover (`end_direct_payment`), net of adjustments already settled.
    A final payment is paid by the next run; a recovery is raised in the ledger now."""
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.ENDED:
        raise TransitionNotAllowed("The direct payment has already ended.")
    if not reason.strip():
        raise ValidationFailed("Enter why the direct payment is ending", field="reason")
    if last_day_on < schedule.start_on - dt.timedelta(days=1):
        raise ValidationFailed("The last day cannot be before the payments started", field="last_day_on")
    terms = selectors.schedule_terms(schedule)
    payments = _regular_payments(schedule)
    paid = [
        PaidPeriod(
            start_on=p.period_start_on,  # type: ignore[arg-type]
            end_on=p.period_end_on,  # type: ignore[arg-type]
            council_payment_pence=p.regular_pence,
            contribution_due_pence=p.contribution_due_pence - p.contribution_adjustment_pence,
        )
        for p in payments
    ]
    ending = end_direct_payment(terms, last_day_on=last_day_on, paid=paid)
    # Adjustments already paid (by payments that were not cancelled) count as paid.
    live = AdjustmentSettlement.objects.filter(adjustment__schedule=schedule, payment__cancelled=False).aggregate(
        amount=Sum("amount_pence", default=0), contribution=Sum("contribution_pence", default=0)
    )
    net = ending.final_payment_pence - ending.advance_to_recover_pence - live["amount"]
    contribution = ending.contribution_adjustment_pence - live["contribution"]
    now = clock.now()
    ScheduleAdjustment.objects.filter(schedule=schedule, superseded_at__isnull=True).update(superseded_at=now)
    schedule.status = ScheduleStatus.ENDED
    schedule.ended_on = last_day_on
    schedule.status_reason = reason.strip()
    schedule.status_changed_at = now
    schedule.save(update_fields=["status", "ended_on", "status_reason", "status_changed_at", "updated_at"])
    today = clock.today()
    summary = f"Direct payment ended after {last_day_on:%d %B %Y}: {reason.strip()}. {ending.reason}"
    if live["amount"]:
        summary += f" Adjustments already paid: {format_pence(live['amount'])}."
    if net > 0:
        ScheduledPayment.objects.create(
            schedule=schedule,
            kind=ScheduledPaymentKind.FINAL,
            pay_on=today,
            amount_pence=net,
            description=f"Final payment up to {last_day_on.day} {last_day_on:%b %Y}",
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )
    elif net < 0:
        recovery = Recovery.objects.create(
            schedule=schedule,
            amount_pence=-net,
            reason=ending.reason,
            raised_on=today,
            raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        recovery.journal = journal_post(
            draft=build_recovery_raised(person=schedule.person_id, amount_pence=-net),
            posted_on=today,
            source=f"recovery:{recovery.pk}",
            idempotency_key=f"recovery:{recovery.pk}",
            actor=actor,
        )
        recovery.save(update_fields=["journal"])
    # Deductions not yet fully taken: no run will take more from an ended direct payment (listed for the officer by
    # `selectors.ended_schedule_outstanding_deductions`; an audit recovery can move the rest to an invoice).
    outstanding = sum(
        d.outstanding_pence  # type: ignore[attr-defined]
        for d in selectors.schedule_recovery_deductions(schedule)
        if d.status == RecoveryDeductionStatus.ACTIVE
    )
    if outstanding:
        summary += (
            f" {format_pence(outstanding)} of recovery deductions is still outstanding and will not be taken from "
            "payments: recover it another way."
        )
    if contribution:
        draft = build_contribution_due(person=schedule.person_id, amount_pence=abs(contribution))
        journal_post(
            draft=draft if contribution > 0 else reverse(draft),
            posted_on=today,
            source=f"schedule-end:{schedule.pk}",
            idempotency_key=f"schedule-end:{schedule.pk}:contribution",
            actor=actor,
        )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.SCHEDULE_ENDED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=summary,
        after={
            "status": ScheduleStatus.ENDED,
            "ended_on": last_day_on,
            "final_payment_pence": max(net, 0),
            "to_recover_pence": max(-net, 0),
            "contribution_adjustment_pence": contribution,
            "deductions_outstanding_pence": outstanding,
        },
    )
    return schedule


@transaction.atomic
def one_off_payment_add(
    *, actor: Any, schedule: PaymentSchedule, pay_on: dt.date, amount_pence: int, description: str
) -> ScheduledPayment:
    """A one-off payment (RULES.md §4, local policy `payment_one_off_max_pence`), paid by the first run
    on or after `pay_on`."""
    schedule = _lock_schedule(schedule)
    if schedule.status == ScheduleStatus.ENDED:
        raise TransitionNotAllowed("The direct payment has ended.")
    item = OneOffPayment(pay_on=pay_on, amount_pence=amount_pence, description=description)
    limit = selectors.one_off_max_pence(pay_on)
    if limit is not None and amount_pence > limit:
        raise ValidationFailed(
            f"A one-off payment may be at most {format_pence(limit)} under the council's policy", field="amount_pence"
        )
    payment = ScheduledPayment.objects.create(
        schedule=schedule,
        kind=ScheduledPaymentKind.ONE_OFF,
        pay_on=pay_on,
        amount_pence=amount_pence,
        description=item.description.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ONE_OFF_ADDED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"One-off payment of {format_pence(amount_pence)} on {pay_on:%d %B %Y}: {payment.description}",
    )
    return payment


@transaction.atomic
def repayment_add(
    *, actor: Any, schedule: PaymentSchedule, amount_pence: int, description: str, source: str
) -> ScheduledPayment:
    """Pay money back to the person in the next run (e.g. deductions taken for a recovery that a review then
    overturned): a one-off payment on `schedule`, running or ended, paid by the first run from today. Not limited
    by `payment_one_off_max_pence` (it is the person's own money going back). Once per `source`: asking again
    returns the payment made the first time."""
    source = source.strip()
    if not source or len(source) > 60:
        raise ValidationFailed("Give the repayment a reference of 1 to 60 characters", field="source")
    schedule = _lock_schedule(schedule)
    existing = ScheduledPayment.objects.filter(source=source).first()
    if existing is not None:
        if existing.schedule_id != schedule.pk:
            raise ValidationFailed(f"“{source}” is already being repaid on another direct payment.", field="source")
        return existing
    if amount_pence <= 0:
        raise ValidationFailed("Enter an amount to repay of more than £0", field="amount_pence")
    if not description.strip():
        raise ValidationFailed("Say what the repayment is for", field="description")
    payment = ScheduledPayment.objects.create(
        schedule=schedule,
        kind=ScheduledPaymentKind.ONE_OFF,
        pay_on=clock.today(),
        amount_pence=amount_pence,
        description=description.strip()[:200],
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ONE_OFF_ADDED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Repayment of {format_pence(amount_pence)} in the next run: {payment.description}",
        after={"scheduled_payment": payment.pk, "amount_pence": amount_pence, "source": source},
    )
    return payment


# -- recovery deductions --------------------------------------------------------------------------------


def recovery_deduction_create(
    actor: Any,
    *,
    schedule: PaymentSchedule,
    total_pence: int,
    instalment_pence: int,
    reason: str,
    source: str,
) -> RecoveryDeduction:
    """Recover `total_pence` by paying less: each payment run takes `min(instalment, outstanding, what the
    period would otherwise pay)` off the schedule's regular payments (DP-REP-01), shown with `reason` on the
    run, the person's payments and the remittance advice. The caller raises the recovery in the ledger
    (`build_recovery_raised`) first; each amount taken is posted as a recovery offset when the payment
    arrives. `source` is the caller's stable reference ("audit-recovery:12"): asking again with the same
    source returns the deduction made the first time."""
    source = source.strip()
    existing = RecoveryDeduction.objects.filter(source=source).first() if source else None
    if existing is not None:
        return _same_deduction(existing, schedule)
    try:
        return _recovery_deduction_create(
            actor=actor,
            schedule=schedule,
            total_pence=total_pence,
            instalment_pence=instalment_pence,
            reason=reason,
            source=source,
        )
    except IntegrityError as exc:  # the same source, asked for at the same moment
        if "source" not in str(exc):
            raise
        return _same_deduction(RecoveryDeduction.objects.get(source=source), schedule)


def _same_deduction(existing: RecoveryDeduction, schedule: PaymentSchedule) -> RecoveryDeduction:
    if existing.schedule_id != schedule.pk:
        raise ValidationFailed(
            f"“{existing.source}” is already being recovered from another direct payment.", field="source"
        )
    return existing


@transaction.atomic
def _recovery_deduction_create(
    *, actor: Any, schedule: PaymentSchedule, total_pence: int, instalment_pence: int, reason: str, source: str
) -> RecoveryDeduction:
    schedule = _lock_schedule(schedule)
    if not source or len(source) > 60:
        raise ValidationFailed("Give the recovery a reference of 1 to 60 characters", field="source")
    if total_pence <= 0:
        raise ValidationFailed("Enter an amount to recover of more than £0", field="total_pence")
    if instalment_pence <= 0:
        raise ValidationFailed("Enter an amount to take from each payment of more than £0", field="instalment_pence")
    if not reason.strip():
        raise ValidationFailed("Enter why the money is being recovered", field="reason")
    if schedule.status == ScheduleStatus.ENDED:
        raise TransitionNotAllowed("The direct payment has ended: there are no payments to take the recovery from.")
    deduction = RecoveryDeduction.objects.create(
        schedule=schedule,
        total_pence=total_pence,
        instalment_pence=min(instalment_pence, total_pence),
        reason=reason.strip(),
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RECOVERY_DEDUCTION_CREATED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=(
            f"{format_pence(total_pence)} to be recovered from the payments, up to "
            f"{format_pence(deduction.instalment_pence)} a payment: {deduction.reason}"
        ),
        after={
            "deduction": deduction.pk,
            "source": source,
            "total_pence": total_pence,
            "instalment_pence": deduction.instalment_pence,
        },
    )
    return deduction


@transaction.atomic
def recovery_deduction_cancel(actor: Any, deduction: RecoveryDeduction, reason: str) -> RecoveryDeduction:
    """Stop taking a recovery from the payments (a review overturned the decision). What was taken by runs
    already worked out stays taken; the caller deals with giving it back. Cancelling twice is harmless."""
    schedule = _lock_schedule(deduction.schedule)
    deduction = RecoveryDeduction.objects.select_for_update().get(pk=deduction.pk)
    if deduction.status == RecoveryDeductionStatus.CANCELLED:
        return deduction
    if not reason.strip():
        raise ValidationFailed("Enter why the recovery is being cancelled", field="reason")
    taken = selectors.recovery_deduction_taken_pence(deduction)
    deduction.status = RecoveryDeductionStatus.CANCELLED
    deduction.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
    deduction.cancelled_at = clock.now()
    deduction.cancel_reason = reason.strip()
    deduction.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RECOVERY_DEDUCTION_CANCELLED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=(
            f"Recovery from the payments cancelled ({deduction.source}): {reason.strip()}. "
            f"{format_pence(taken)} of {format_pence(deduction.total_pence)} had been taken."
        ),
        before={"status": RecoveryDeductionStatus.ACTIVE},
        after={"status": deduction.status, "taken_pence": taken},
    )
    return deduction


# -- contributions ------------------------------------------------------------------------------------


@transaction.atomic
def contribution_receipt_record(
    *, actor: Any, schedule: PaymentSchedule, received_on: dt.date, amount_pence: int, reference: str = ""
) -> ContributionReceipt:
    """The person paid some of their contribution: into the direct payment account on the net basis, to
    the council on the gross basis (DP-PAY-01). Posted to the ledger at once."""
    if amount_pence <= 0:
        raise ValidationFailed("Enter an amount of more than £0", field="amount_pence")
    if received_on > clock.today():
        raise ValidationFailed("The date received cannot be in the future", field="received_on")
    receipt = ContributionReceipt.objects.create(
        schedule=schedule,
        received_on=received_on,
        amount_pence=amount_pence,
        reference=reference.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=clock.now(),
    )
    receipt.journal = journal_post(
        draft=build_contribution_received(
            person=schedule.person_id, amount_pence=amount_pence, basis="gross" if schedule.basis == "gross" else "net"
        ),
        posted_on=received_on,
        source=f"contribution-receipt:{receipt.pk}",
        idempotency_key=f"contribution-receipt:{receipt.pk}",
        actor=actor,
    )
    receipt.save(update_fields=["journal"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.CONTRIBUTION_RECEIVED,
        subject=schedule,
        person=schedule.person,
        case=schedule.case,
        summary=f"Contribution of {format_pence(amount_pence)} received on {received_on:%d %B %Y}",
        after={"amount_pence": amount_pence, "received_on": received_on, "reference": receipt.reference},
    )
    return receipt


# -- reference data ----------------------------------------------------------------------------------


def bank_holidays_load() -> int:
    """Load England and Wales bank holidays from the `govuk-bank-holidays` package's bundled data (never
    the network). Returns how many were new."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    before = BankHoliday.objects.count()
    BankHoliday.objects.bulk_create(
        [BankHoliday(on=h["date"], name=h["title"]) for h in holidays], ignore_conflicts=True
    )
    return BankHoliday.objects.count() - before


@transaction.atomic
def bank_holiday_add(*, actor: Any, on: dt.date, name: str) -> BankHoliday:
    if not name.strip():
        raise ValidationFailed("Enter the bank holiday's name", field="name")
    if BankHoliday.objects.filter(on=on).exists():
        raise ValidationFailed("That day is already a bank holiday", field="on")
    holiday = BankHoliday.objects.create(on=on, name=name.strip(), added_by=actor)
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.BANK_HOLIDAY_ADDED,
        subject=holiday,
        summary=f"Bank holiday added: {name.strip()} on {on:%d %B %Y}",
    )
    return holiday


@transaction.atomic
def bacs_originator_set(
    *, actor: Any, service_user_number: str, sort_code: str, account_number: str, name: str
) -> BacsOriginator:
    sun = service_user_number.strip()
    if not (len(sun) == 6 and sun.isdigit()):
        raise ValidationFailed("The service user number is 6 digits", field="service_user_number")
    originator = BacsOriginator.objects.create(
        service_user_number=sun,
        sort_code=bacs.normalise_sort_code(sort_code, field="sort_code"),
        account_number=bacs.normalise_account_number(account_number, field="account_number"),
        name=bacs.bacs_name(name, field="name"),
        set_by=actor,
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.ORIGINATOR_SET,
        subject=originator,
        summary=f"Council's Bacs details set: service user number {sun}, name {originator.name}",
    )
    return originator


# -- payment runs ------------------------------------------------------------------------------------


def _lock_run(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.select_for_update().get(pk=run.pk)


def _move(run: PaymentRun, target: PaymentRunStatus) -> str:
    if not can_move(run.status, target):
        raise TransitionNotAllowed(f"A run that is “{run.get_status_display()}” cannot become “{target.label}”.")
    before = run.status
    run.status = target
    return before


def payment_run_create(*, actor: Any, pay_on: dt.date, request_key: str) -> PaymentRun:
    """Work out everything due on `pay_on` (a working day, not in the past): the payments, and the
    exceptions held back. A resubmitted form (same `request_key`) gets the run it made. Only one run may
    be live at a time; two at once for the same date are refused by a unique index too."""
    try:
        return _payment_run_create(actor=actor, pay_on=pay_on, request_key=request_key)
    except IntegrityError as exc:
        if "one_live_payment_run_per_date" in str(exc):
            raise ValidationFailed(
                f"A payment run for {pay_on:%d %B %Y} is already being made.", field="pay_on"
            ) from None
        raise


@transaction.atomic
def _payment_run_create(*, actor: Any, pay_on: dt.date, request_key: str) -> PaymentRun:
    existing = PaymentRun.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    engine.runs_lock()
    existing = PaymentRun.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    live = selectors.live_run()
    if live is not None:
        raise ValidationFailed(
            f"Payment run {live.reference} for {live.pay_on:%d %B %Y} is “{live.get_status_display()}”. "
            "Finish or cancel it before making another.",
            field="pay_on",
        )
    today = clock.today()
    holidays = selectors.bank_holidays()
    if pay_on < today:
        raise ValidationFailed("The payment date must be today or later", field="pay_on")
    if pay_on.weekday() >= 5 or pay_on in holidays:
        raise ValidationFailed("The payment date must be a working day (not a weekend or bank holiday)", field="pay_on")
    try:
        hold_days = selectors.bank_change_hold_days(today)
    except PolicyMissing as exc:
        raise ValidationFailed(exc.message, field="pay_on") from None
    run = PaymentRun.objects.create(pay_on=pay_on, request_key=request_key, created_by=actor)
    engine.calculate_run(
        run,
        horizon=horizon_on(pay_on, holidays),
        hold_since=clock.now() - dt.timedelta(days=hold_days),
    )
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RUN_CREATED,
        subject=run,
        summary=(
            f"Payment run {run.reference} for {pay_on:%d %B %Y}: {run.payment_count} payments of "
            f"{format_pence(run.total_pence)}, {run.exception_count} held back"
        ),
        after={
            "payment_count": run.payment_count,
            "total_pence": run.total_pence,
            "exception_count": run.exception_count,
        },
    )
    return run


@transaction.atomic
def payment_run_approve(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """A second payments officer approves the totals and exceptions. Nobody approves their own run."""
    run = _lock_run(run)
    if run.status == PaymentRunStatus.APPROVED and run.approved_by_id == actor.pk:
        return run
    if run.created_by_id == actor.pk:
        raise PermissionDenied("You made this run: another payments officer must check and approve it.")
    before = _move(run, PaymentRunStatus.APPROVED)
    run.approved_by = actor
    run.approved_at = clock.now()
    run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RUN_APPROVED,
        subject=run,
        summary=(
            f"Payment run {run.reference} approved: {run.payment_count} payments of {format_pence(run.total_pence)}"
        ),
        before={"status": before},
        after={"status": run.status},
    )
    return run


@transaction.atomic
def payment_run_cancel(*, actor: Any, run: PaymentRun, reason: str) -> PaymentRun:
    """Abandon a run before it is sent: its payments are cancelled, so their periods fall due again."""
    engine.runs_lock()
    run = _lock_run(run)
    if not reason.strip():
        raise ValidationFailed("Enter why the run is being cancelled", field="reason")
    before = _move(run, PaymentRunStatus.CANCELLED)
    Payment.objects.filter(run=run).update(cancelled=True)
    run.cancelled_by = actor
    run.cancelled_at = clock.now()
    run.cancel_reason = reason.strip()
    run.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RUN_CANCELLED,
        subject=run,
        summary=f"Payment run {run.reference} cancelled: {reason.strip()}",
        before={"status": before},
        after={"status": run.status},
    )
    return run


@transaction.atomic
def payment_run_start(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Send an approved run in the background (or resume one that stopped part-way)."""
    run = _lock_run(run)
    if run.status == PaymentRunStatus.APPROVED:
        if run.bank_total_pence and selectors.bacs_originator_get() is None:
            raise ValidationFailed("Enter the council's Bacs details (service user number and account) first.")
        before = _move(run, PaymentRunStatus.EXECUTING)
        run.started_by = actor if getattr(actor, "is_authenticated", False) else None
        run.started_at = clock.now()
        run.progress_note = "Waiting for the background worker"
        run.save(update_fields=["status", "started_by", "started_at", "progress_note", "updated_at"])
        audit_event_record(
            actor=actor,
            event_type=PaymentEventType.RUN_STARTED,
            subject=run,
            summary=f"Payment run {run.reference} started",
            before={"status": before},
            after={"status": run.status},
        )
    elif run.status != PaymentRunStatus.EXECUTING:
        raise TransitionNotAllowed(f"A run that is “{run.get_status_display()}” cannot be sent.")
    from dp.payments.tasks import payment_run_execute_task

    run_id = run.pk
    transaction.on_commit(lambda: payment_run_execute_task.enqueue(run_id))
    return run


def payment_run_execute(
    *,
    run_id: int,
    actor: Any = None,
    chunk_size: int | None = None,
    progress: engine.Progress = engine._nothing,
    fault: engine.Fault = engine._nothing,
) -> PaymentRun:
    """Send the run: post its journals and write its files (resumable; refused while another process is
    sending it). `manage.py payment_run_execute` and the background task call this."""
    run = PaymentRun.objects.get(pk=run_id)
    if run.status == PaymentRunStatus.APPROVED:
        run = payment_run_start_now(actor=actor, run=run)
    try:
        return engine.send_run(run_id, chunk_size=chunk_size, progress=progress, fault=fault)
    except engine.RunBusy:
        raise
    except Exception as exc:
        PaymentRun.objects.filter(pk=run_id, status=PaymentRunStatus.EXECUTING).update(last_error=str(exc)[:2000])
        raise


@transaction.atomic
def payment_run_start_now(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Move an approved run to "sending" without queueing a task (the command runs it in the foreground)."""
    run = _lock_run(run)
    if run.status != PaymentRunStatus.APPROVED:
        return run
    if run.bank_total_pence and selectors.bacs_originator_get() is None:
        raise ValidationFailed("Enter the council's Bacs details (service user number and account) first.")
    before = _move(run, PaymentRunStatus.EXECUTING)
    run.started_by = actor if getattr(actor, "is_authenticated", False) else None
    run.started_at = clock.now()
    run.save(update_fields=["status", "started_by", "started_at", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=PaymentEventType.RUN_STARTED,
        subject=run,
        summary=f"Payment run {run.reference} started from the command line",
        before={"status": before},
        after={"status": run.status},
    )
    return run


def record_run_completed(run: PaymentRun, files: list[PaymentFile]) -> None:
    """Called by the engine inside the transaction that marks the run sent."""
    audit_event_record(
        actor=None,
        event_type=PaymentEventType.RUN_COMPLETED,
        subject=run,
        summary=(
            f"Payment run {run.reference} sent: {run.payment_count} payments of {format_pence(run.total_pence)}; "
            + ", ".join(f.filename for f in files)
        ),
        after={"status": run.status, "files": [f.filename for f in files]},
    )


def payment_run_settle(
    *, run_id: int, chunk_size: int | None = None, progress: engine.Progress = engine._nothing, fault=engine._nothing
) -> PaymentRun:
    """On the pay date: record each payment as arrived in the person's account and its contribution due."""
    run = PaymentRun.objects.get(pk=run_id)
    if run.pay_on > clock.today():
        raise ValidationFailed(f"The money for {run.reference} arrives on {run.pay_on:%d %B %Y}, not yet.")
    return engine.settle_run(run_id, chunk_size=chunk_size, progress=progress, fault=fault)


def payment_runs_settle_due(*, on: dt.date, progress: engine.Progress = engine._nothing) -> list[PaymentRun]:
    """Settle every sent run whose money has arrived by `on` (the daily job)."""
    due = PaymentRun.objects.filter(
        status=PaymentRunStatus.COMPLETED, settled_at__isnull=True, pay_on__lte=on
    ).order_by("pay_on", "id")
    return [engine.settle_run(run.pk, progress=progress) for run in due]


@transaction.atomic
def payment_run_settle_request(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Ask the background worker to record a sent run's money as arrived (the daily job does it anyway)."""
    run = _lock_run(run)
    if run.status != PaymentRunStatus.COMPLETED:
        raise TransitionNotAllowed("Only a sent run can be recorded as arrived.")
    if run.pay_on > clock.today():
        raise ValidationFailed(f"The money arrives on {run.pay_on:%d %B %Y}, not yet.")
    from dp.payments.tasks import payment_run_settle_task

    run_id = run.pk
    transaction.on_commit(lambda: payment_run_settle_task.enqueue(run_id))
    return run
