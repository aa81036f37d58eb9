"""Demo steps for payments: accounts of all three kinds, schedules for the direct payments, a year of sent
payment runs with their files and journals, contributions paid (and some not), and today's run waiting for
a second payments officer.

Everything is bulk-inserted inside the seed's transaction, worked out with the same pure functions the
services use (`domain.schedule.period`, `calculate_adjustment`, `end_direct_payment`) and posted to the ledger
with the engine's own set-based SQL; the ledger's deferred trigger checks every journal at commit.

- Accounts: about half prepaid cards, a third bank accounts (held by a nominated or authorised person, or a
  parent, when there is one), the rest managed accounts with three money managers.
- Schedules: one per case with a running or past direct payment, every 4 weeks on Mondays, net basis. The
  weekly budget follows the case's personal budgets where the plans part recorded them (changes on their
  dates, usually mid-period, so worked out by days); about one in twenty changes was recorded after its
  period was paid and so is settled as an adjustment in the next run. Contributions: about 60% of people.
- Runs: one for each cycle date over the last year, made by the payments officer and approved by the senior
  payments officer, with files, "payments sent" journals and each payment's journal. A few payments were
  held back for a run (a suspended card) and paid in the next. Suspended cases stopped being paid;
  closed cases ended with the advance recovered.
- Contributions: most paid in full a few days after each payment; about 15% of payers fell behind.
- Now: a run for the next payment date waiting for approval (with exceptions, and two payments reduced to
  recover money an audit found unspent), a change of bank details waiting for a second person, and a
  suspended card.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from dp.cases.constants import CaseStatus
from dp.councils.models import PolicyValue
from dp.ledger.models import Entry, Journal
from dp.ledger.services import accounts_for, journal_post
from dp.payments import engine
from dp.payments.constants import (
    AccountKind,
    BankDetailsChangeStatus,
    CardStatus,
    Channel,
    ExceptionReason,
    PaymentEventType,
    PaymentKind,
    PaymentRunStatus,
    ScheduleStatus,
)
from dp.payments.domain import ledger as L
from dp.payments.domain.run import cycle_anchor, horizon_on
from dp.payments.domain.schedule import (
    PaidPeriod,
    ScheduleChange,
    ScheduleTerms,
    calculate_adjustment,
    end_direct_payment,
    period,
    settle_in_next_payment,
)
from dp.payments.domain.working_days import previous_working_day, working_days_before
from dp.payments.models import (
    AdjustmentSettlement,
    BacsOriginator,
    BankDetailsChange,
    ContributionReceipt,
    DirectPaymentAccount,
    MoneyManager,
    Payment,
    PaymentFile,
    PaymentRun,
    PaymentRunException,
    PaymentSchedule,
    Recovery,
    RecoveryDeduction,
    RecoveryDeductionTaken,
    ScheduleAdjustment,
    joined_bank_details,
)
from dp.payments.models import ScheduleChange as ChangeRow
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship

WEEKDAY, OFFSET, WEEKS = 0, 0, 4
PAID_STATUSES = {CaseStatus.ACTIVE, CaseStatus.REVIEW, CaseStatus.SUSPENDED, CaseStatus.CLOSED}
MANAGERS = [
    ("Northmoor Independent Living Trust", "NORTHMOOR ILT", "402615", "61803398", 350),
    ("Moorside Money Management CIC", "MOORSIDE MONEY", "309634", "14142135", 425),
    ("Dales Payroll and Accounts Ltd", "DALES PAYROLL", "203040", "27182818", 500),
]
PROVIDERS = ["Allpay", "PFS"]
#: A deduction decided at an audit that a sent run took an instalment of; `dp.audits.demo` links it to its recovery,
#: which a review then overturns and whose deduction is repaid (the history is written before any audit exists).
AUDIT_DEDUCTION_SOURCE = "demo-audit-deduction"
AUDIT_DEDUCTION_PENCE = 2500


def _cycle_dates(ctx: Any) -> list[dt.date]:
    """The council's cycle dates from a year ago to the next one after today."""
    anchor = cycle_anchor(weekday=WEEKDAY, offset_weeks=OFFSET)
    step = 7 * WEEKS
    first = anchor + dt.timedelta(days=-(-((ctx.today - dt.timedelta(weeks=52)) - anchor).days // step) * step)
    dates = []
    day = first
    while day <= ctx.today + dt.timedelta(days=step):
        dates.append(day)
        day += dt.timedelta(days=step)
    return dates


def step_payment_policy(ctx: Any) -> None:
    assert ctx.council is not None
    since = ctx.today - dt.timedelta(days=900)
    set_at = ctx.moment(since - dt.timedelta(days=20))
    values = {
        "payment_cycle_weeks": WEEKS,
        "payment_weekday": str(WEEKDAY),
        "payment_cycle_offset_weeks": OFFSET,
        "payment_basis": "net",
        "payment_bank_change_hold_days": 14,
        "payment_one_off_max_pence": 200000,
    }
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=ctx.council,
                key=key,
                value=value,
                effective_from=since,
                set_at=set_at,
                reason="Direct payments policy: four-weekly in advance, net of the assessed contribution",
            )
            for key, value in values.items()
        ]
    )
    BacsOriginator.objects.create(
        service_user_number="987654",
        sort_code="200000",
        account_number="43215678",
        name="NORTHMOOR COUNCIL",
        set_by=ctx.staff.get("admin"),
    )
    ctx.payment_managers = [
        MoneyManager.objects.create(
            name=name,
            account_name=account_name,
            bank_details=joined_bank_details(sort_code, number),
            fee_weekly_pence=fee,
            contact="01632 960" + str(100 + i),
        )
        for i, (name, account_name, sort_code, number, fee) in enumerate(MANAGERS)
    ]


def _holders(ctx: Any, person_ids: list[int]) -> dict[int, Any]:
    kinds = [RelationshipKind.AUTHORISED_PERSON_FOR, RelationshipKind.NOMINATED_PERSON_FOR, RelationshipKind.PARENT_OF]
    found: dict[int, Any] = {}
    for rel in Relationship.objects.filter(
        to_person_id__in=person_ids, kind__in=kinds, ended_on__isnull=True
    ).select_related("from_person"):
        found.setdefault(rel.to_person_id, rel.from_person)
    return found


def _budgets(cases: list[Any]) -> dict[int, list[tuple[dt.date, int]]]:
    """(date, weekly direct payment) from the plans part's personal budgets, where it recorded them."""
    try:
        from dp.plans.models import PersonalBudget
    except ImportError:  # pragma: no cover - the plans part is always installed with this one
        return {}
    found: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for case_id, effective_from, weekly in (
        PersonalBudget.objects.filter(case__in=cases)
        .order_by("case_id", "effective_from")
        .values_list("case_id", "effective_from", "direct_payment_regular_weekly_pence")
    ):
        if weekly > 0:
            found[case_id].append((effective_from, weekly))
    return found


def step_accounts_and_schedules(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    cycles = _cycle_dates(ctx)
    past_cycles = [d for d in cycles if d <= today]
    cases = [c for c in ctx.cases if c.status in PAID_STATUSES | {CaseStatus.PAYMENT_SETUP}]
    holders = _holders(ctx, [c.person_id for c in cases])
    budgets = _budgets(cases)
    officer = ctx.staff.get("dp.support")
    accounts: list[DirectPaymentAccount] = []
    plans: list[dict[str, Any]] = []
    for i, case in enumerate(cases):
        roll = rng.random()
        holder = holders.get(case.person_id) if rng.random() < 0.8 else None
        opened = max(case.opened_on, today - dt.timedelta(days=420))
        if roll < 0.55:
            account = DirectPaymentAccount(
                person=case.person,
                kind=AccountKind.PREPAID_CARD,
                holder=holder or case.person,
                opened_on=opened,
                provider=rng.choice(PROVIDERS),
                card_account_reference=f"NMC{100000 + i:07d}",
                card_last_four=f"{rng.randint(0, 9999):04d}",
                card_status=CardStatus.ACTIVE,
                opened_by=officer,
            )
        elif roll < 0.85:
            owner = holder or case.person
            account = DirectPaymentAccount(
                person=case.person,
                kind=AccountKind.BANK,
                holder=owner,
                opened_on=opened,
                account_name=f"{owner.given_name} {owner.family_name}"[:70],
                bank_details=joined_bank_details(f"{rng.randint(100000, 999999)}", f"{rng.randint(0, 99999999):08d}"),
                bank_details_confirmed_at=ctx.moment(opened),
                opened_by=officer,
            )
        else:
            account = DirectPaymentAccount(
                person=case.person,
                kind=AccountKind.MANAGED,
                holder=None,
                opened_on=opened,
                money_manager=rng.choice(ctx.payment_managers),
                client_reference=f"NM{case.pk:06d}",
                opened_by=officer,
            )
        accounts.append(account)
        if case.status == CaseStatus.PAYMENT_SETUP:
            start = next(d for d in cycles if d > today)
        else:
            active_since = min(case.status_changed_at.date(), today - dt.timedelta(days=60))
            earliest = max(active_since - dt.timedelta(days=300), opened)
            start = next((d for d in past_cycles if d >= earliest), past_cycles[0])
        budget_history = [(d, w) for d, w in budgets.get(case.pk, []) if d > start]
        base = budgets.get(case.pk, [(start, 0)])
        weekly = next((w for d, w in reversed(base) if d <= start), 0) or rng.randrange(15000, 90000, 500)
        contribution = 0 if rng.random() < 0.4 else rng.randrange(1000, max(1500, weekly // 3), 100)
        changes = [(start, weekly, contribution)]
        for effective, new_weekly in budget_history:
            if effective < today and effective > changes[-1][0]:
                changes.append((effective, new_weekly, contribution))
        if rng.random() < 0.15 and start + dt.timedelta(days=40) < today:
            # A change part-way through a period (needs reassessed, or a new financial assessment).
            effective = start + dt.timedelta(days=rng.randint(40, max(41, (today - start).days - 5)))
            if effective > changes[-1][0]:
                changes.append((effective, changes[-1][1] + rng.randrange(-3000, 9000, 500), contribution))
        plans.append(
            {"case": case, "start": start, "changes": changes, "late_change": rng.random() < 0.05, "account": account}
        )
    DirectPaymentAccount.objects.bulk_create(accounts, batch_size=2000)
    schedules: list[PaymentSchedule] = []
    for plan, account in zip(plans, accounts, strict=True):
        case = plan["case"]
        status = ScheduleStatus.ACTIVE
        ended_on = None
        if case.status == CaseStatus.SUSPENDED:
            status = ScheduleStatus.SUSPENDED
        elif case.status == CaseStatus.CLOSED and case.closed_on:
            status, ended_on = ScheduleStatus.ENDED, max(case.closed_on, plan["start"])
        schedules.append(
            PaymentSchedule(
                case=case,
                person=case.person,
                account=account,
                start_on=plan["start"],
                period_weeks=WEEKS,
                basis="net",
                status=status,
                payable_from_on=plan["start"],
                agreement_signed_on=plan["start"] - dt.timedelta(days=rng.randint(3, 12)),
                status_reason="Contribution not paid in for two periods"
                if status == ScheduleStatus.SUSPENDED
                else ("Direct payment ended when the case closed" if ended_on else ""),
                status_changed_at=ctx.moment(case.status_changed_at.date())
                if status != ScheduleStatus.ACTIVE
                else None,
                ended_on=ended_on,
                created_by=officer,
            )
        )
    PaymentSchedule.objects.bulk_create(schedules, batch_size=2000)
    rows = []
    for plan, schedule in zip(plans, schedules, strict=True):
        reasons = ["Direct payment agreed"] + ["Personal budget changed after a review"] * (len(plan["changes"]) - 1)
        for (effective, weekly, contribution), reason in zip(plan["changes"], reasons, strict=True):
            rows.append(
                ChangeRow(
                    schedule=schedule,
                    effective_on=effective,
                    weekly_budget_pence=max(weekly, 0),
                    weekly_contribution_pence=contribution,
                    reason=reason,
                    created_by=officer,
                    created_at=ctx.moment(min(effective, today)),
                )
            )
        plan["schedule"] = schedule
        account = plan["account"]
        for kind, subject, summary in (
            (PaymentEventType.ACCOUNT_OPENED, account, f"{account.get_kind_display()} opened"),
            (PaymentEventType.SCHEDULE_CREATED, schedule, f"Payments set up from {schedule.start_on:%d %B %Y}"),
        ):
            ctx.event(
                event_type=kind,
                subject=subject,
                person=schedule.person,
                case=schedule.case,
                actor=officer,
                at=ctx.moment(min(schedule.start_on - dt.timedelta(days=5), today)),
                summary=summary,
            )
    ChangeRow.objects.bulk_create(rows, batch_size=5000)
    ctx.payment_plans = plans


def _terms(plan: dict[str, Any], *, upto: dt.date | None = None) -> ScheduleTerms:
    changes = [c for c in plan["changes"] if upto is None or c[0] <= upto]
    return ScheduleTerms(
        start_on=plan["start"],
        changes=tuple(ScheduleChange(d, max(w, 0), c) for d, w, c in changes),
        period_weeks=WEEKS,
        basis="net",
    )


def step_payment_history(ctx: Any) -> None:
    """A year of runs, one per cycle date, with payments, exceptions, adjustments, files and journals."""
    from dp.payments.selectors import bank_holidays

    rng, today = ctx.rng, ctx.today
    holidays = bank_holidays()
    officer, approver = ctx.staff.get("payments.officer"), ctx.staff.get("payments.approver")
    past = [d for d in _cycle_dates(ctx) if previous_working_day(d, holidays) <= today]
    plans = ctx.payment_plans
    # Which period each run pays for each schedule, worked out with the pure schedule functions.
    held: dict[int, dt.date] = {}  # schedule id -> the cycle date its payment was held back (card suspended)
    for plan in plans:
        if rng.random() < 0.03 and len(past) > 3:
            held[plan["schedule"].pk] = rng.choice(past[1:-1])
    runs: list[PaymentRun] = []
    by_run: dict[int, list[Payment]] = defaultdict(list)
    exceptions: list[PaymentRunException] = []
    settlements: list[tuple[Payment, ScheduleAdjustment, int]] = []
    adjustments: list[ScheduleAdjustment] = []
    for cycle_day in past:
        pay_on = previous_working_day(cycle_day, holidays)
        sent_on = working_days_before(pay_on, 3, holidays)
        run = PaymentRun(
            pay_on=pay_on,
            status=PaymentRunStatus.COMPLETED,
            request_key=f"demo-{cycle_day.isoformat()}",
            created_by=officer,
            approved_by=approver,
            approved_at=ctx.moment(sent_on, hour=11),
            started_by=approver,
            started_at=ctx.moment(sent_on, hour=12),
            completed_at=ctx.moment(sent_on, hour=12),
            settled_at=ctx.moment(pay_on, hour=7),
            chunk_size=1_000_000,
            bacs_processing_on=working_days_before(pay_on, 2, holidays),
            progress_note="Sent",
        )
        run.cycle_day = cycle_day  # type: ignore[attr-defined]
        run.sent_on = sent_on  # type: ignore[attr-defined]
        runs.append(run)
    PaymentRun.objects.bulk_create(runs)
    pending_adjustment: dict[int, tuple[ScheduleAdjustment, int]] = {}
    for run in runs:
        horizon = horizon_on(run.pay_on, holidays)
        for plan in plans:
            schedule = plan["schedule"]
            if schedule.start_on > horizon:
                continue
            if schedule.status == ScheduleStatus.SUSPENDED and run.cycle_day >= schedule.status_changed_at.date():  # type: ignore[attr-defined,union-attr]
                continue
            if schedule.ended_on and run.cycle_day > schedule.ended_on:  # type: ignore[attr-defined]
                continue
            terms = _terms(plan)
            number = terms.period_number_on(run.cycle_day)  # type: ignore[attr-defined]
            numbers = [number]
            if held.get(schedule.pk) == run.cycle_day:  # type: ignore[attr-defined]
                exceptions.append(
                    PaymentRunException(
                        run=run,
                        schedule=schedule,
                        period_start_on=run.cycle_day,  # type: ignore[attr-defined]
                        reason=ExceptionReason.CARD_NOT_ACTIVE,
                        amount_pence=period(terms, number).council_payment_pence,
                    )
                )
                continue
            previous_day = run.cycle_day - dt.timedelta(weeks=WEEKS)  # type: ignore[attr-defined]
            if held.get(schedule.pk) == previous_day and number > 1:
                numbers = [number - 1, number]  # caught up after the card was reactivated
            for n in numbers:
                late = plan["late_change"] and len(plan["changes"]) > 1
                amounts = period(terms, n)
                regular = amounts.council_payment_pence
                adjustment = 0
                if late and amounts.prorated and schedule.pk not in pending_adjustment:
                    # The change inside this period was recorded after it was paid: paid on the old amounts,
                    # the difference settled in the next run.
                    before = _terms(plan, upto=amounts.start_on)
                    old = period(before, n)
                    diff = calculate_adjustment(paid=[old], due=[amounts])
                    regular = old.council_payment_pence
                    amounts = old
                    if diff.council_adjustment_pence:
                        row = ScheduleAdjustment(
                            schedule=schedule,
                            amount_pence=diff.council_adjustment_pence,
                            reason=diff.reason,
                            created_at=ctx.moment(min(amounts.end_on, today)),
                        )
                        adjustments.append(row)
                        pending_adjustment[schedule.pk] = (row, diff.council_adjustment_pence)
                elif schedule.pk in pending_adjustment and pending_adjustment[schedule.pk][1]:
                    row, left = pending_adjustment[schedule.pk]
                    settled = settle_in_next_payment(next_payment_pence=regular, adjustment_pence=left)
                    adjustment = settled.payment_pence - regular
                    pending_adjustment[schedule.pk] = (row, left - adjustment)
                payment = Payment(
                    run=run,
                    schedule=schedule,
                    account=schedule.account,
                    kind=PaymentKind.REGULAR,
                    period_start_on=amounts.start_on,
                    period_end_on=amounts.end_on,
                    pay_on=run.pay_on,
                    channel=Channel.CARD_PROVIDER
                    if schedule.account.kind == AccountKind.PREPAID_CARD
                    else Channel.BANK,  # type: ignore[union-attr]
                    basis="net",
                    budget_pence=amounts.budget_pence,
                    regular_pence=regular,
                    adjustment_pence=adjustment,
                    amount_pence=regular + adjustment,
                    contribution_due_pence=amounts.contribution_due_pence,
                    prorated=amounts.prorated,
                )
                by_run[run.pk].append(payment)
                if adjustment:
                    settlements.append((payment, pending_adjustment[schedule.pk][0], adjustment))
    taken = _audit_deduction(ctx, runs, by_run)
    ScheduleAdjustment.objects.bulk_create(adjustments)
    Payment.objects.bulk_create([p for run in runs for p in by_run[run.pk]], batch_size=5000)
    if taken is not None:
        taken.save()  # now that its payment has an id
    PaymentRunException.objects.bulk_create(exceptions)
    AdjustmentSettlement.objects.bulk_create(
        [AdjustmentSettlement(adjustment=a, payment=p, amount_pence=amount) for p, a, amount in settlements]
    )
    _post_runs(ctx, runs, by_run)
    _end_closed(ctx, plans)
    _contributions(ctx, plans)
    ctx.payment_runs = runs


def _audit_deduction(
    ctx: Any, runs: list[PaymentRun], by_run: dict[int, list[Payment]]
) -> RecoveryDeductionTaken | None:
    """The last bank payment of a running direct payment in the last run but one pays `AUDIT_DEDUCTION_PENCE` less: an
    instalment of a deduction an audit decided (as `engine.calculate_run` takes one). Returns the taking to save."""
    if len(runs) < 2:
        return None
    run = runs[-2]
    payment = next(
        (
            p
            for p in reversed(by_run[run.pk])
            if p.channel == Channel.BANK
            and p.schedule.status == ScheduleStatus.ACTIVE
            and p.amount_pence >= AUDIT_DEDUCTION_PENCE
        ),
        None,
    )
    if payment is None:
        return None
    deduction = RecoveryDeduction.objects.create(
        schedule=payment.schedule,
        total_pence=AUDIT_DEDUCTION_PENCE,
        instalment_pence=AUDIT_DEDUCTION_PENCE,
        reason="Money not spent on care, found at an audit",
        source=AUDIT_DEDUCTION_SOURCE,
        created_by=ctx.staff.get("auditor"),
        created_at=ctx.moment(run.pay_on - dt.timedelta(days=7)),
    )
    payment.recovery_pence = AUDIT_DEDUCTION_PENCE
    payment.amount_pence -= AUDIT_DEDUCTION_PENCE
    return RecoveryDeductionTaken(deduction=deduction, payment=payment, amount_pence=AUDIT_DEDUCTION_PENCE)


def _post_runs(ctx: Any, runs: list[PaymentRun], by_run: dict[int, list[Payment]]) -> None:
    """Totals, files, the "payments sent" journal and each payment's journal, as the engine writes them."""
    fixed = accounts_for(
        {L.TRANSIT_BANK, L.TRANSIT_CARD_PROVIDER, L.COUNCIL_CONTRIBUTIONS_CHARGED, L.COUNCIL_DP_FUNDING}
    )
    files: list[PaymentFile] = []
    for run in runs:
        payments = by_run[run.pk]
        bank = sum(p.amount_pence for p in payments if p.channel == Channel.BANK)
        card = sum(p.amount_pence for p in payments if p.channel == Channel.CARD_PROVIDER)
        run.payment_count, run.total_pence = len(payments), bank + card
        run.bank_total_pence, run.card_total_pence = bank, card
        run.zero_count = sum(1 for p in payments if not p.amount_pence)
        run.exception_count = run.exceptions.count()
        run.progress_done = run.progress_total = 2
        run.save(
            update_fields=[
                "payment_count",
                "total_pence",
                "bank_total_pence",
                "card_total_pence",
                "zero_count",
                "exception_count",
                "progress_done",
                "progress_total",
            ]
        )
        totals: dict[L.Channel, int] = {}
        if bank:
            totals["bank"] = bank
        if card:
            totals["card_provider"] = card
        if totals:
            journal_post(
                draft=L.build_payments_sent(
                    totals=totals, description=f"Payment run {run.reference}, part 1: direct payments sent"
                ),
                posted_on=run.sent_on,  # type: ignore[attr-defined]
                source=f"payment-run:{run.pk}",
                idempotency_key=f"payment-run:{run.pk}:sent:1",
            )
        files += engine.write_files(run, today=run.sent_on)  # type: ignore[attr-defined]
        for kind, summary, at in (
            (PaymentEventType.RUN_CREATED, "calculated", run.sent_on - dt.timedelta(days=1)),  # type: ignore[attr-defined]
            (PaymentEventType.RUN_APPROVED, "approved", run.sent_on),  # type: ignore[attr-defined]
            (PaymentEventType.RUN_COMPLETED, "sent", run.sent_on),  # type: ignore[attr-defined]
        ):
            ctx.event(
                event_type=kind,
                subject=run,
                actor=run.created_by if kind == PaymentEventType.RUN_CREATED else run.approved_by,
                at=ctx.moment(at),
                summary=f"Payment run {run.reference} {summary}: {run.payment_count} payments",
            )
        with connection.cursor() as cursor:
            cursor.execute(engine.SETTLE_ACCOUNTS_SQL, [run.pk])
            cursor.execute(
                engine.SETTLE_CHUNK_SQL,
                {
                    "run": run.pk,
                    "now": ctx.moment(run.pay_on, hour=7),
                    "lo": 0,
                    "hi": 2**62,
                    "transit_bank": fixed[L.TRANSIT_BANK].pk,
                    "transit_card": fixed[L.TRANSIT_CARD_PROVIDER].pk,
                    "charged": fixed[L.COUNCIL_CONTRIBUTIONS_CHARGED].pk,
                },
            )
        for taking in RecoveryDeductionTaken.objects.filter(payment__run=run).select_related("deduction__schedule"):
            person = taking.deduction.schedule.person_id
            journal_post(  # as `engine._post_recovery_offsets` posts it when the run is recorded as arrived
                draft=L.build_recovery_offset(person=person, amount_pence=taking.amount_pence),
                posted_on=run.pay_on,
                source=f"recovery-deduction:{taking.deduction_id}",
                idempotency_key=f"recovery-deduction-taken:{taking.pk}",
            )
    for payment_file in files:
        payment_file.created_at = ctx.moment(payment_file.run.sent_on, hour=12)  # type: ignore[attr-defined]
    PaymentFile.objects.bulk_create(files)


def _end_closed(ctx: Any, plans: list[dict[str, Any]]) -> None:
    """Closed cases' direct payments ended: the advance paid for days after the end is to be recovered."""
    for plan in plans:
        schedule = plan["schedule"]
        if schedule.status != ScheduleStatus.ENDED or schedule.ended_on is None:
            continue
        paid = [
            PaidPeriod(start, end, regular, contribution)
            for start, end, regular, contribution in Payment.objects.filter(
                schedule=schedule, kind=PaymentKind.REGULAR, period_start_on__isnull=False, period_end_on__isnull=False
            )
            .order_by("period_start_on")
            .values_list("period_start_on", "period_end_on", "regular_pence", "contribution_due_pence")
            if start is not None and end is not None
        ]
        if not paid:
            continue
        ending = end_direct_payment(_terms(plan), last_day_on=schedule.ended_on, paid=paid)
        if ending.advance_to_recover_pence:
            recovery = Recovery.objects.create(
                schedule=schedule,
                amount_pence=ending.advance_to_recover_pence,
                reason=ending.reason,
                raised_on=min(schedule.ended_on + dt.timedelta(days=3), ctx.today),
                raised_by=ctx.staff.get("dp.support"),
            )
            recovery.journal = journal_post(
                draft=L.build_recovery_raised(person=schedule.person_id, amount_pence=recovery.amount_pence),
                posted_on=recovery.raised_on,
                source=f"recovery:{recovery.pk}",
                idempotency_key=f"recovery:{recovery.pk}",
            )
            recovery.save(update_fields=["journal"])


def _contributions(ctx: Any, plans: list[dict[str, Any]]) -> None:
    """Most people pay each period's contribution a few days after the payment; some fall behind."""
    rng, today = ctx.rng, ctx.today
    receipts: list[ContributionReceipt] = []
    for plan in plans:
        schedule = plan["schedule"]
        behind = rng.random() < 0.15
        for payment in Payment.objects.filter(schedule=schedule, contribution_due_pence__gt=0).order_by("pay_on"):
            received_on = payment.pay_on + dt.timedelta(days=rng.randint(0, 6))
            if received_on > today:
                continue
            amount = payment.contribution_due_pence
            if behind and payment.pay_on > today - dt.timedelta(weeks=12):
                amount = 0 if rng.random() < 0.5 else amount * rng.randint(3, 8) // 10
            if amount:
                receipts.append(
                    ContributionReceipt(
                        schedule=schedule,
                        received_on=received_on,
                        amount_pence=amount,
                        reference=f"SO {schedule.person.family_name[:10].upper()}",
                        recorded_at=ctx.moment(received_on),
                        recorded_by=ctx.staff.get("payments.officer"),
                    )
                )
    ContributionReceipt.objects.bulk_create(receipts, batch_size=5000)
    keys = {L.person_dp_account(r.schedule.person_id) for r in receipts} | {
        L.person_contributions_due(r.schedule.person_id) for r in receipts
    }
    accounts = accounts_for(keys)
    journals = [
        Journal(
            posted_on=r.received_on,
            posted_at=r.recorded_at,
            description=f"Contribution paid by person {r.schedule.person_id}",
            source=f"contribution-receipt:{r.pk}",
            idempotency_key=f"contribution-receipt:{r.pk}",
        )
        for r in receipts
    ]
    Journal.objects.bulk_create(journals, batch_size=5000)
    entries = []
    for receipt, journal in zip(receipts, journals, strict=True):
        draft = L.build_contribution_received(
            person=receipt.schedule.person_id, amount_pence=receipt.amount_pence, basis="net"
        )
        entries += [
            Entry(
                journal=journal,
                account=accounts[leg.account],
                debit_pence=leg.debit_pence,
                credit_pence=leg.credit_pence,
            )
            for leg in draft.legs
        ]
        receipt.journal = journal
    Entry.objects.bulk_create(entries, batch_size=10000)
    ContributionReceipt.objects.bulk_update(receipts, ["journal"], batch_size=5000)


def step_payments_now(ctx: Any) -> None:
    """Today: a suspended card, a change of bank details waiting for a second person, and the run for the next
    payment date waiting for approval."""
    from dp.payments.selectors import bank_holidays

    rng, today = ctx.rng, ctx.today
    active = [p["schedule"] for p in ctx.payment_plans if p["schedule"].status == ScheduleStatus.ACTIVE]
    cards = [s for s in active if s.account.kind == AccountKind.PREPAID_CARD]
    banks = [s for s in active if s.account.kind == AccountKind.BANK]
    for schedule in cards[: max(1, len(cards) // 60)]:
        DirectPaymentAccount.objects.filter(pk=schedule.account_id).update(card_status=CardStatus.SUSPENDED)
    for schedule in banks[:2]:
        change = BankDetailsChange.objects.create(
            account=schedule.account,
            account_name=schedule.account.account_name,
            bank_details=joined_bank_details(f"{rng.randint(100000, 999999)}", f"{rng.randint(0, 99999999):08d}"),
            reason="The holder phoned: they have moved their account to another bank",
            status=BankDetailsChangeStatus.PENDING,
            requested_by=ctx.staff.get("dp.support"),
            requested_at=ctx.moment(today),
        )
        del change
    # Money being recovered by paying less (an audit found money not spent on care): raised in the ledger,
    # then taken off the next payments an instalment at a time (the run below takes the first).
    for number, schedule in enumerate(cards[-2:], start=1):
        total = 60000 if number == 1 else 25000
        journal_post(
            draft=L.build_recovery_raised(person=schedule.person_id, amount_pence=total),
            posted_on=today,
            source=f"demo-recovery:{number}",
            idempotency_key=f"demo-recovery:{number}",
        )
        RecoveryDeduction.objects.create(
            schedule=schedule,
            total_pence=total,
            instalment_pence=20000,
            reason="Money not spent on care in the last 12 weeks, found at the annual audit",
            source=f"demo-recovery:{number}",
            created_by=ctx.staff.get("auditor"),
            created_at=ctx.moment(today),
        )
    holidays = bank_holidays()
    upcoming = next(d for d in _cycle_dates(ctx) if previous_working_day(d, holidays) > today)
    run = PaymentRun.objects.create(
        pay_on=previous_working_day(upcoming, holidays),
        request_key=f"demo-{upcoming.isoformat()}",
        created_by=ctx.staff.get("payments.officer"),
    )
    engine.calculate_run(
        run,
        horizon=horizon_on(run.pay_on, holidays),
        hold_since=ctx.moment(today) - dt.timedelta(days=14),
    )
    ctx.event(
        event_type=PaymentEventType.RUN_CREATED,
        subject=run,
        actor=run.created_by,
        at=ctx.moment(today),
        summary=f"Payment run {run.reference} for {run.pay_on:%d %B %Y} worked out: waiting for approval",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_account, ledger_entry, ledger_journal, payments_payment")


def step_returned_payments(ctx: Any) -> None:
    """A handful of bank payments from the last run that arrived, returned by the bank: one waiting for a decision,
    one held, one paid again in the next run, one written back (through the services: ledger, notices, audit)."""
    from dp.payments import services_returns
    from dp.payments.constants import ReturnReason

    officer = ctx.staff.get("payments.officer")
    last = PaymentRun.objects.filter(settled_at__isnull=False).order_by("-pay_on").first()
    if last is None:
        return
    payments = list(
        Payment.objects.filter(
            run=last, channel="bank", amount_pence__gt=0, schedule__status=ScheduleStatus.ACTIVE
        ).order_by("-id")[:4]
    )
    reasons = [
        ReturnReason.ACCOUNT_CLOSED,
        ReturnReason.NO_ACCOUNT,
        ReturnReason.REFER_TO_PAYER,
        ReturnReason.BENEFICIARY_DECEASED,
    ]
    for number, (payment, reason) in enumerate(zip(payments, reasons, strict=False)):
        returned = services_returns.payment_return_record(
            actor=officer,
            payment=payment,
            amount_pence=payment.amount_pence,
            returned_on=min(payment.pay_on + dt.timedelta(days=3), ctx.today),
            reason=reason,
            bank_reference=f"ARUCS{number + 1:04d}",
        )
        if number == 1:
            services_returns.payment_return_hold(
                actor=officer, payment_return=returned, reason="Waiting for the holder to send new bank details"
            )
        elif number == 2:
            services_returns.payment_return_reissue(
                actor=officer,
                payment_return=returned,
                details_confirmed_right=True,
                note="The bank confirmed it returned the payment in error; the details are right",
            )
        elif number == 3:
            services_returns.payment_return_write_back(
                actor=officer, payment_return=returned, reason="The person died; their estate is being dealt with"
            )


STEPS = [
    step_payment_policy,
    step_accounts_and_schedules,
    step_payment_history,
    step_payments_now,
    step_returned_payments,
]
