"""Reading accounts, schedules, runs, statements and contribution positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.ledger.models import Entry
from dp.payments import policy
from dp.payments.constants import (
    LIVE_RUN_STATUSES,
    OPEN_RETURN_STATUSES,
    AccountStatus,
    BankDetailsChangeStatus,
    PaymentKind,
    PaymentRunStatus,
    RecoveryDeductionStatus,
    ScheduleStatus,
)
from dp.payments.domain import documents
from dp.payments.domain.ledger import person_contributions_due, person_dp_account
from dp.payments.domain.run import next_cycle_dates
from dp.payments.domain.schedule import ScheduleChange as TermsChange
from dp.payments.domain.schedule import ScheduleTerms
from dp.payments.models import (
    BacsOriginator,
    BankDetailsChange,
    BankHoliday,
    DirectPaymentAccount,
    HolderNotice,
    MoneyManager,
    Payment,
    PaymentFile,
    PaymentReturn,
    PaymentRun,
    PaymentRunException,
    PaymentSchedule,
    RecoveryDeduction,
    RecoveryDeductionTaken,
    ScheduleAdjustment,
    ScheduledPayment,
)
from dp.people.models import Person

# -- reference data and policy ----------------------------------------------------------------------


def bank_holidays() -> frozenset[dt.date]:
    return frozenset(BankHoliday.objects.values_list("on", flat=True))


def bank_holiday_list(*, from_on: dt.date) -> QuerySet[BankHoliday]:
    return BankHoliday.objects.filter(on__gte=from_on).select_related("added_by").order_by("on")


def bacs_originator_get() -> BacsOriginator | None:
    return BacsOriginator.objects.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class Cycle:
    """The council's payment cycle in force on a date (policy)."""

    weeks: int
    weekday: int
    offset_weeks: int

    @property
    def weekday_name(self) -> str:
        return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][self.weekday]


def payment_cycle(on: dt.date) -> Cycle:
    """Raises PolicyMissing (in plain English) when the council has not set its cycle."""
    return Cycle(
        weeks=int(policy_value_get(policy.CYCLE_WEEKS.key, on=on)),
        weekday=int(policy_value_get(policy.PAYMENT_WEEKDAY.key, on=on)),
        offset_weeks=int(policy_value_get(policy.CYCLE_OFFSET_WEEKS.key, on=on)),
    )


def payment_basis(on: dt.date) -> str:
    return str(policy_value_get(policy.BASIS.key, on=on))


def bank_change_hold_days(on: dt.date) -> int:
    return int(policy_value_get(policy.BANK_CHANGE_HOLD_DAYS.key, on=on))


def one_off_max_pence(on: dt.date) -> int | None:
    try:
        return int(policy_value_get(policy.ONE_OFF_MAX.key, on=on))
    except PolicyMissing:
        return None


#: Registered by dp.audits.policy (MAX_DEDUCTION_PERCENT); read by its key because payments may not import audits.
RECOVERY_MAX_DEDUCTION_PERCENT_KEY = "recovery_max_deduction_percent"


def recovery_max_deduction_percent(on: dt.date) -> Decimal | None:
    """The largest share of one payment recovery may take, in force on `on`; None when the council has not set
    it (recovery may then take up to the whole payment)."""
    try:
        return Decimal(int(policy_value_get(RECOVERY_MAX_DEDUCTION_PERCENT_KEY, on=on)))
    except PolicyMissing:
        return None


def upcoming_cycle_dates(*, today: dt.date, count: int = 3) -> list[tuple[dt.date, dt.date]]:
    """(nominal date, working day paid) of the next cycle dates; empty when the cycle is not set."""
    try:
        cycle = payment_cycle(today)
    except PolicyMissing:
        return []
    return next_cycle_dates(
        weekday=cycle.weekday,
        offset_weeks=cycle.offset_weeks,
        cycle_weeks=cycle.weeks,
        after_on=today,
        count=count,
        bank_holidays=bank_holidays(),
    )


# -- accounts ---------------------------------------------------------------------------------------


def person_accounts(person: Person) -> QuerySet[DirectPaymentAccount]:
    return (
        DirectPaymentAccount.objects.filter(person=person)
        .select_related("holder", "money_manager")
        .order_by("status", "-opened_on", "-id")
    )


def open_accounts_of(person: Person) -> QuerySet[DirectPaymentAccount]:
    return person_accounts(person).filter(status=AccountStatus.OPEN)


def other_open_accounts(schedule: PaymentSchedule) -> QuerySet[DirectPaymentAccount]:
    """The person's open accounts that the schedule does not pay into now."""
    accounts = open_accounts_of(schedule.person)
    return accounts.exclude(pk=schedule.account_id) if schedule.account_id is not None else accounts


def account_pending_change(account: DirectPaymentAccount) -> BankDetailsChange | None:
    return account.bank_changes.filter(status=BankDetailsChangeStatus.PENDING).select_related("requested_by").first()


def account_notices(account: DirectPaymentAccount) -> QuerySet[HolderNotice]:
    return account.notices.select_related("holder").order_by("-created_at")[:20]  # type: ignore[return-value]


def bank_changes_to_confirm() -> QuerySet[BankDetailsChange]:
    return (
        BankDetailsChange.objects.filter(status=BankDetailsChangeStatus.PENDING)
        .select_related("account__person", "requested_by")
        .order_by("requested_at")
    )


def money_managers() -> QuerySet[MoneyManager]:
    return MoneyManager.objects.annotate(open_accounts=Count("accounts", filter=Q(accounts__status="open"))).order_by(
        "name"
    )


# -- schedules --------------------------------------------------------------------------------------


def schedule_terms(schedule: PaymentSchedule, *, changes: list | None = None) -> ScheduleTerms:
    rows = changes if changes is not None else list(schedule.changes.order_by("effective_on"))
    return ScheduleTerms(
        start_on=schedule.start_on,
        changes=tuple(
            TermsChange(
                effective_on=c.effective_on,
                weekly_budget_pence=c.weekly_budget_pence,
                weekly_contribution_pence=c.weekly_contribution_pence,
            )
            for c in rows
        ),
        period_weeks=schedule.period_weeks,
        basis="gross" if schedule.basis == "gross" else "net",
    )


def case_schedules(case_id: int) -> QuerySet[PaymentSchedule]:
    return PaymentSchedule.objects.filter(case_id=case_id).select_related("account").order_by("-start_on", "-id")


def person_schedules(person: Person) -> QuerySet[PaymentSchedule]:
    return (
        PaymentSchedule.objects.filter(person=person).select_related("account", "case").order_by("status", "-start_on")
    )


def schedule_payments(schedule: PaymentSchedule) -> QuerySet[Payment]:
    return (
        schedule.payments.filter(cancelled=False)
        .select_related("run", "scheduled_payment")
        .prefetch_related("recovery_takings__deduction")
        .order_by("-pay_on", "-period_start_on", "-id")
    )


def account_payments(account: DirectPaymentAccount, *, limit: int = 12) -> list[Payment]:
    """The latest payments into the account (not cancelled), newest first, with what was taken off them."""
    return list(
        account.payments.filter(cancelled=False)
        .select_related("run", "scheduled_payment")
        .prefetch_related("recovery_takings__deduction")
        .order_by("-pay_on", "-id")[:limit]
    )


def open_adjustments_for(schedule_ids: list[int]) -> dict[int, list[tuple[ScheduleAdjustment, int, int]]]:
    """Per schedule: (adjustment, council amount still to settle, contribution still to settle), oldest first.
    Settlements by cancelled payments do not count."""
    live = Q(settlements__payment__cancelled=False)
    rows = (
        ScheduleAdjustment.objects.filter(schedule_id__in=schedule_ids, superseded_at__isnull=True)
        .annotate(
            settled=Coalesce(Sum("settlements__amount_pence", filter=live), 0),
            settled_contribution=Coalesce(Sum("settlements__contribution_pence", filter=live), 0),
        )
        .order_by("created_at", "id")
    )
    result: dict[int, list[tuple[ScheduleAdjustment, int, int]]] = {}
    for adjustment in rows:
        left = adjustment.amount_pence - adjustment.settled  # type: ignore[attr-defined]
        left_contribution = adjustment.contribution_pence - adjustment.settled_contribution  # type: ignore[attr-defined]
        if left or left_contribution:
            result.setdefault(adjustment.schedule_id, []).append((adjustment, left, left_contribution))
    return result


def schedule_open_adjustments(schedule: PaymentSchedule) -> list[tuple[ScheduleAdjustment, int, int]]:
    return open_adjustments_for([schedule.pk]).get(schedule.pk, [])


def _with_taken(deductions: QuerySet[RecoveryDeduction]) -> QuerySet[RecoveryDeduction]:
    """Annotate `taken_pence`: what payments that were not cancelled have taken."""
    return deductions.annotate(
        taken_pence=Coalesce(Sum("takings__amount_pence", filter=Q(takings__payment__cancelled=False)), 0)
    )


def open_recovery_deductions_for(schedule_ids: list[int]) -> dict[int, list[tuple[RecoveryDeduction, int]]]:
    """Per schedule: (active deduction, amount still outstanding), oldest first, only those with something
    outstanding. Takings by cancelled payments do not count."""
    rows = _with_taken(
        RecoveryDeduction.objects.filter(schedule_id__in=schedule_ids, status=RecoveryDeductionStatus.ACTIVE)
    ).order_by("created_at", "id")
    result: dict[int, list[tuple[RecoveryDeduction, int]]] = {}
    for deduction in rows:
        outstanding = deduction.total_pence - deduction.taken_pence  # type: ignore[attr-defined]
        if outstanding > 0:
            result.setdefault(deduction.schedule_id, []).append((deduction, outstanding))
    return result


def schedule_recovery_deductions(schedule: PaymentSchedule) -> list[RecoveryDeduction]:
    """The schedule's recovery deductions, newest first, with `taken_pence` and `outstanding_pence`."""
    deductions = list(_with_taken(schedule.recovery_deductions.all()).order_by("-created_at", "-id"))
    for deduction in deductions:
        deduction.outstanding_pence = (  # type: ignore[attr-defined]
            0
            if deduction.status == RecoveryDeductionStatus.CANCELLED
            else deduction.total_pence - deduction.taken_pence  # type: ignore[attr-defined]
        )
    return deductions


def ended_schedule_outstanding_deductions() -> QuerySet[RecoveryDeduction]:
    """Deductions still active on direct payments that have **ended** with money outstanding: no run will take it
    (ended schedules have no regular payments), so it must be recovered another way. With `taken_pence`, oldest
    end first."""
    return (
        RecoveryDeduction.objects.filter(status=RecoveryDeductionStatus.ACTIVE, schedule__status=ScheduleStatus.ENDED)
        .select_related("schedule__person")
        .annotate(taken_pence=Coalesce(Sum("takings__amount_pence", filter=Q(takings__payment__cancelled=False)), 0))
        .filter(taken_pence__lt=F("total_pence"))
        .order_by("schedule__ended_on", "id")
    )


def _taken_pence(deduction: RecoveryDeduction, **payment_filters: object) -> int:
    takings = deduction.takings.filter(payment__cancelled=False, **payment_filters)
    return int(takings.aggregate(total=Coalesce(Sum("amount_pence"), 0))["total"])


def recovery_deduction_taken_pence(deduction: RecoveryDeduction) -> int:
    """What payments that were not cancelled have taken for the deduction so far."""
    return _taken_pence(deduction)


def recovery_deduction_taken_in_live_runs(deduction: RecoveryDeduction) -> int:
    """What runs not yet sent (waiting for approval, approved, sending) have taken for the deduction: such a run may
    still be cancelled, which gives its takings back by itself."""
    return _taken_pence(deduction, payment__run__status__in=LIVE_RUN_STATUSES)


def recovery_reasons_for(payment_ids: list[int]) -> dict[int, str]:
    """Per payment: why money was taken off it to repay the council (payments without any are left out)."""
    reasons: dict[int, list[str]] = {}
    for payment_id, reason in RecoveryDeductionTaken.objects.filter(payment_id__in=payment_ids).values_list(
        "payment_id", "deduction__reason"
    ):
        reasons.setdefault(payment_id, []).append(reason)
    return {pid: " ".join(texts) for pid, texts in reasons.items()}


@dataclass(frozen=True)
class CappedRecovery:
    """A payment whose recovery instalments were limited by the council's `recovery_max_deduction_percent`."""

    taken_pence: int
    wanted_pence: int
    percent: Decimal


def run_capped_recoveries(run: PaymentRun, payment_ids: list[int]) -> dict[int, CappedRecovery]:
    """Which of the run's payments (of `payment_ids`) took less for recovery than their deductions asked because of
    the council's cap (the percentage in force on the run's pay date, `domain.schedule.recovery_deduction_cap`).

    Worked out again as the run did: each deduction there when the run was calculated (not cancelled before it) may
    take one instalment, never more than it still had outstanding after the earlier runs (runs are calculated one
    at a time, so those with smaller ids); a schedule's periods in
    the run share that, oldest first. A payment is capped when it took exactly the cap and less than it could have
    taken otherwise (what was wanted, or the whole payment)."""
    from dp.payments.domain.schedule import recovery_deduction_cap

    percent = recovery_max_deduction_percent(run.pay_on)
    if percent is None or not payment_ids:
        return {}
    schedule_ids = set(
        Payment.objects.filter(pk__in=payment_ids, kind=PaymentKind.REGULAR).values_list("schedule_id", flat=True)
    )
    deductions = RecoveryDeduction.objects.filter(schedule_id__in=schedule_ids, created_at__lte=run.created_at).exclude(
        cancelled_at__lt=run.created_at
    )
    earlier = dict(
        RecoveryDeductionTaken.objects.filter(
            deduction__in=deductions, payment__cancelled=False, payment__run_id__lt=run.pk
        )
        .values("deduction_id")
        .annotate(total=Sum("amount_pence"))
        .values_list("deduction_id", "total")
    )
    wanted: dict[int, int] = {}
    for deduction in deductions:
        left = max(deduction.total_pence - earlier.get(deduction.pk, 0), 0)
        wanted[deduction.schedule_id] = wanted.get(deduction.schedule_id, 0) + min(deduction.instalment_pence, left)
    capped: dict[int, CappedRecovery] = {}
    for payment in run.payments.filter(
        schedule_id__in=list(wanted), kind=PaymentKind.REGULAR, cancelled=False
    ).order_by("schedule_id", "period_start_on", "id"):
        payable = payment.amount_pence + payment.recovery_pence
        could = min(wanted[payment.schedule_id], payable)
        if payment.recovery_pence < could and payment.recovery_pence == recovery_deduction_cap(payable, percent):
            capped[payment.pk] = CappedRecovery(payment.recovery_pence, could, percent)
        wanted[payment.schedule_id] -= payment.recovery_pence
    asked = set(payment_ids)
    return {pk: c for pk, c in capped.items() if pk in asked}


def run_recovered_summary(run: PaymentRun) -> dict[str, int]:
    """What the run's payments took off to repay the council: `total` pence from `count` payments."""
    return run.payments.filter(cancelled=False, recovery_pence__gt=0).aggregate(
        total=Coalesce(Sum("recovery_pence"), 0), count=Count("id")
    )


def schedule_unpaid_scheduled_payments(schedule: PaymentSchedule) -> QuerySet[ScheduledPayment]:
    paid = Payment.objects.filter(scheduled_payment=OuterRef("pk"), cancelled=False)
    return schedule.scheduled_payments.annotate(paid=Exists(paid)).order_by("pay_on")


# -- runs -------------------------------------------------------------------------------------------


def payment_run_list() -> QuerySet[PaymentRun]:
    return PaymentRun.objects.select_related("created_by", "approved_by").order_by("-pay_on", "-id")


def runs_to_approve() -> QuerySet[PaymentRun]:
    return payment_run_list().filter(status=PaymentRunStatus.CALCULATED)


def live_run() -> PaymentRun | None:
    return PaymentRun.objects.filter(status__in=LIVE_RUN_STATUSES).order_by("-id").first()


def run_payments(run: PaymentRun) -> QuerySet[Payment]:
    return (
        run.payments.filter(cancelled=False)
        .select_related("schedule__person", "account__money_manager", "scheduled_payment")
        .prefetch_related("recovery_takings__deduction")
        .order_by("id")
    )


def run_exceptions(run: PaymentRun) -> QuerySet[PaymentRunException]:
    return run.exceptions.select_related("schedule__person", "scheduled_payment").order_by("reason", "id")


def run_exception_summary(run: PaymentRun) -> list[dict]:
    return list(
        run.exceptions.values("reason").annotate(count=Count("id"), total=Sum("amount_pence")).order_by("reason")
    )


def run_files(run: PaymentRun) -> QuerySet[PaymentFile]:
    return run.files.defer("compressed").order_by("kind", "provider")


def run_ledger_totals(run: PaymentRun) -> dict[str, int]:
    """Debits to each transit account from the run's "payments sent" journals (what the files must add up to)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.key, coalesce(sum(e.debit_pence), 0) - coalesce(sum(e.credit_pence), 0)
              FROM ledger_entry e
              JOIN ledger_journal j ON j.id = e.journal_id
              JOIN ledger_account a ON a.id = e.account_id
             WHERE j.source = %s AND a.key LIKE 'transit:%%'
             GROUP BY a.key
            """,
            [f"payment-run:{run.pk}"],
        )
        return {key: int(total) for key, total in cursor.fetchall()}


# -- statements and contributions --------------------------------------------------------------------


def _movement_kind(source: str) -> str:
    if source.startswith("payment:"):
        return documents.COUNCIL
    if source.startswith("contribution-receipt:"):
        return documents.CONTRIBUTION
    if source.startswith("recovery:"):
        return documents.SET_ASIDE
    if source.startswith("recovery-deduction:"):
        return documents.REPAID_BY_DEDUCTION
    return documents.OTHER


def _describe(source: str, description: str) -> str:
    if source.startswith("payment:"):
        return "Paid in by the council"
    if source.startswith("contribution-receipt:"):
        return "Your contribution"
    if source.startswith("recovery:"):
        return "Set aside to pay back to the council"
    if source.startswith("recovery-deduction:"):
        return "Repaid to the council by a smaller payment: no longer set aside"
    return description


def account_statement(*, account: DirectPaymentAccount, year: int, month: int) -> documents.MonthlyStatement:
    """The month's statement of the person's direct payment account, from the ledger."""
    first, last = documents.month_bounds(year, month)
    key = person_dp_account(account.person_id)
    entries = Entry.objects.filter(account__key=key)
    before = entries.filter(journal__posted_on__lt=first).aggregate(d=Sum("debit_pence"), c=Sum("credit_pence"))
    opening = (before["d"] or 0) - (before["c"] or 0)
    movements = [
        documents.Movement(
            on=posted_on,
            description=_describe(source, description),
            amount_pence=debit - credit,
            kind=_movement_kind(source),
        )
        for posted_on, source, description, debit, credit in entries.filter(
            journal__posted_on__gte=first, journal__posted_on__lte=last
        )
        .order_by("journal__posted_on", "id")
        .values_list("journal__posted_on", "journal__source", "journal__description", "debit_pence", "credit_pence")
    ]
    return documents.build_statement(year=year, month=month, opening_pence=opening, movements=movements)


def statement_months(account: DirectPaymentAccount, *, today: dt.date) -> list[tuple[int, int]]:
    """(year, month) from the account's opening month to this month, newest first (at most two years)."""
    months: list[tuple[int, int]] = []
    start = account.opened_on
    end = account.closed_on or today
    year, month = end.year, end.month
    while (year, month) >= (start.year, start.month) and len(months) < 24:
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def contribution_position(person: Person, *, today: dt.date) -> documents.ContributionPosition:
    """Contributions due (per period) and received, from the ledger, with the running amount owed."""
    key = person_contributions_due(person.pk)
    rows = (
        Entry.objects.filter(account__key=key, journal__posted_on__lte=today)
        .order_by("journal__posted_on", "id")
        .values_list("journal__posted_on", "journal__source", "debit_pence", "credit_pence")
    )
    payment_ids = [int(source.split(":")[1]) for _, source, _, _ in rows if source.startswith("payment:")]
    periods = {
        p.pk: p
        for p in Payment.objects.filter(pk__in=payment_ids).only(
            "id", "kind", "period_start_on", "period_end_on", "contribution_due_pence"
        )
    }
    items = []
    for posted_on, source, debit, credit in rows:
        if source.startswith("payment:"):
            payment = periods.get(int(source.split(":")[1]))
            if payment is not None and payment.kind == PaymentKind.REGULAR:
                assert payment.period_start_on is not None
                assert payment.period_end_on is not None
                label = f"Contribution for {_span(payment.period_start_on, payment.period_end_on)}"
            else:
                label = "Contribution adjustment"
            items.append(documents.ContributionItem(on=posted_on, description=label, due_pence=debit - credit))
        elif source.startswith("contribution-receipt:"):
            items.append(
                documents.ContributionItem(on=posted_on, description="Payment received", received_pence=credit - debit)
            )
        else:
            items.append(documents.ContributionItem(on=posted_on, description="Adjustment", due_pence=debit - credit))
    return documents.contribution_position(items)


def _span(start: dt.date, end: dt.date) -> str:
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}"


def person_has_payments(person: Person) -> bool:
    return (
        PaymentSchedule.objects.filter(person=person).exclude(status=ScheduleStatus.ENDED).exists()
        or DirectPaymentAccount.objects.filter(person=person).exists()
    )


# -- payments the bank returned -------------------------------------------------------------------------


def payment_return_list() -> QuerySet[PaymentReturn]:
    """Every returned payment: open ones (returned, held) first, oldest first; then the decided ones, newest first."""
    is_open = Q(status__in=OPEN_RETURN_STATUSES)
    return (
        PaymentReturn.objects.select_related("payment__schedule__person", "payment__run")
        .annotate(open_first=Case(When(is_open, then=0), default=1))
        .order_by("open_first", Case(When(is_open, then=F("returned_on"))), "-returned_on", "-id")
    )


def payment_returns_of(payment_ids: list[int]) -> dict[int, PaymentReturn]:
    """The return of each of these payments that has one (for the run, schedule and account pages)."""
    return {r.payment_id: r for r in PaymentReturn.objects.filter(payment_id__in=payment_ids)}


def payment_returns_for(
    *, schedule: PaymentSchedule | None = None, account: DirectPaymentAccount | None = None
) -> list[PaymentReturn]:
    """Returns of a schedule's payments, or of payments into an account, newest first."""
    returned = PaymentReturn.objects.select_related("payment", "reissue").order_by("-returned_on", "-id")
    if schedule is not None:
        returned = returned.filter(payment__schedule=schedule)
    if account is not None:
        returned = returned.filter(payment__account=account)
    return list(returned[:50])


def payment_returns_open_count() -> int:
    return PaymentReturn.objects.filter(status__in=OPEN_RETURN_STATUSES).count()
