"""Reads for findings, audits and recovery: council policy in force, the audit schedule, lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, QuerySet

from dp.audits import policy
from dp.audits.constants import AuditStatus, FindingStatus
from dp.audits.models import AuditCase, AuditRecovery, Finding
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.monitoring.domain.audits import (
    TERMINAL_STATUSES,
    AuditFacts,
    AuditPolicy,
    AuditSchedule,
    OpenFinding,
    schedule_audit,
)
from dp.monitoring.domain.categorise import SpendCategory
from dp.monitoring.domain.recovery import RecoveryPolicy, ScheduledPayment
from dp.monitoring.domain.rules import CashPolicy, Thresholds
from dp.payments.constants import ScheduleStatus
from dp.payments.models import Payment, PaymentSchedule
from dp.payments.selectors import schedule_terms
from dp.people.access import people_visible_to
from dp.staff.models import User

OPEN_STATUSES = [s for s in AuditStatus.values if s not in TERMINAL_STATUSES]


def audit_policy(on: dt.date) -> AuditPolicy:
    """The council's audit timings on `on` (PolicyMissing, in plain English, when one is not set)."""
    return AuditPolicy(
        initial_check_weeks=int(policy_value_get(policy.INITIAL_CHECK_WEEKS.key, on=on)),
        interval_months=int(policy_value_get(policy.INTERVAL_MONTHS.key, on=on)),
        open_finding_days=int(policy_value_get(policy.OPEN_FINDING_DAYS.key, on=on)),
        full_audit_open_findings=int(policy_value_get(policy.FULL_AUDIT_OPEN_FINDINGS.key, on=on)),
    )


def recovery_policy(on: dt.date) -> RecoveryPolicy:
    try:
        percent: Decimal | None = Decimal(int(policy_value_get(policy.MAX_DEDUCTION_PERCENT.key, on=on)))
    except PolicyMissing:
        percent = None
    return RecoveryPolicy(
        response_days=int(policy_value_get(policy.RESPONSE_DAYS.key, on=on)),
        invoice_days=int(policy_value_get(policy.INVOICE_DAYS.key, on=on)),
        max_deduction_percent=percent,
    )


def information_days(on: dt.date) -> int:
    return int(policy_value_get(policy.INFORMATION_DAYS.key, on=on))


def review_days(on: dt.date) -> int:
    return int(policy_value_get(policy.REVIEW_DAYS.key, on=on))


# -- findings ---------------------------------------------------------------------------------------


def finding_list(user: User, *, code: str = "", status: str = "") -> QuerySet[Finding]:
    qs = Finding.objects.filter(person__in=people_visible_to(user)).select_related("person", "account")
    if code:
        qs = qs.filter(code=code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_on", "-id")


def dismissed_keys(account_id: int) -> set[str]:
    return set(
        Finding.objects.filter(account_id=account_id, status=FindingStatus.DISMISSED).values_list(
            "evidence_key", flat=True
        )
    )


def open_findings_of(schedule: PaymentSchedule) -> QuerySet[Finding]:
    return Finding.objects.filter(
        person_id=schedule.person_id, status__in=[FindingStatus.OPEN, FindingStatus.IN_AUDIT]
    ).order_by("raised_on", "id")


# -- the audit schedule -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueAudit:
    schedule: PaymentSchedule
    due: AuditSchedule
    open_audit: AuditCase | None


def _facts_for(
    schedule: PaymentSchedule,
    first_paid: dict[int, dt.date],
    last_audits: dict[int, AuditCase],
    findings: dict[int, list[Finding]],
) -> AuditFacts:
    last = last_audits.get(schedule.person_id)
    return AuditFacts(
        first_payment_on=first_paid.get(schedule.pk),
        last_audit_on=last.finished_on if last else None,
        last_audit_outcome=last.status if last else None,
        open_findings=tuple(
            OpenFinding(code=f.code, severity=f.severity, raised_on=f.raised_on)  # type: ignore[arg-type]
            for f in findings.get(schedule.person_id, [])
        ),
        statements_up_to_date=True,
    )


def audit_schedule(
    *, today: dt.date, schedules: QuerySet[PaymentSchedule] | None = None, user: User | None = None
) -> list[DueAudit]:
    """The next audit of every running direct payment, soonest first (PolicyMissing when not set).

    With `user`, only the people that user may open (the list names them; restricted people stay hidden).
    """
    rules = audit_policy(today)
    qs = schedules if schedules is not None else PaymentSchedule.objects.exclude(status=ScheduleStatus.ENDED)
    if user is not None:
        qs = qs.filter(person__in=people_visible_to(user))
    qs = qs.select_related("person", "case", "account")
    items = list(qs)
    ids = [s.pk for s in items]
    person_ids = {s.person_id for s in items}
    first_paid = dict(
        Payment.objects.filter(schedule_id__in=ids, cancelled=False, amount_pence__gt=0)
        .values("schedule_id")
        .annotate(first=Min("pay_on"))
        .values_list("schedule_id", "first")
    )
    last_audits: dict[int, AuditCase] = {}
    for audit in AuditCase.objects.filter(person_id__in=person_ids, finished_on__isnull=False).order_by("finished_on"):
        last_audits[audit.person_id] = audit
    open_audits = {a.person_id: a for a in AuditCase.objects.filter(person_id__in=person_ids, status__in=OPEN_STATUSES)}
    findings: dict[int, list[Finding]] = {}
    for f in Finding.objects.filter(person_id__in=person_ids, status=FindingStatus.OPEN):
        findings.setdefault(f.person_id, []).append(f)
    result = [
        DueAudit(
            s,
            schedule_audit(_facts_for(s, first_paid, last_audits, findings), rules, today=today),
            open_audits.get(s.person_id),
        )
        for s in items
    ]
    result = [d for d in result if d.due.due_on is not None]
    result.sort(key=lambda d: (d.due.due_on, d.schedule.pk))  # type: ignore[return-value,arg-type]
    return result


def audit_due_for(schedule: PaymentSchedule, *, today: dt.date) -> AuditSchedule:
    found = audit_schedule(today=today, schedules=PaymentSchedule.objects.filter(pk=schedule.pk))
    if found:
        return found[0].due
    return schedule_audit(AuditFacts(first_payment_on=None), audit_policy(today), today=today)


# -- audits -----------------------------------------------------------------------------------------


def audit_list(user: User, *, status: str = "") -> QuerySet[AuditCase]:
    qs = AuditCase.objects.filter(person__in=people_visible_to(user)).select_related("person", "case", "opened_by")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs


def recovery_of(audit: AuditCase) -> AuditRecovery | None:
    return AuditRecovery.objects.filter(audit=audit).first()


def future_payments(schedule: PaymentSchedule, *, after_on: dt.date, count: int) -> list[ScheduledPayment]:
    """The schedule's next `count` regular payments after `after_on` (for deductions in instalments)."""
    from dp.payments.domain.schedule import period

    terms = schedule_terms(schedule)
    weeks = schedule.period_weeks
    first = max(1, (after_on - schedule.start_on).days // (7 * weeks) + 1)
    found: list[ScheduledPayment] = []
    number = first
    while len(found) < count and number < first + count + 2:
        p = period(terms, number)
        if p.start_on > after_on and p.start_on >= schedule.payable_from_on:
            found.append(ScheduledPayment(due_on=p.start_on, amount_pence=p.council_payment_pence))
        number += 1
    return found


# -- monitoring thresholds ------------------------------------------------------------------------------


def monitoring_thresholds(on: dt.date) -> Thresholds:
    """The council's thresholds in force on `on` (PolicyMissing, in plain English, for any not set).

    Re-running on last year's date reads last year's values: every parameter is effective-dated.
    """
    from dp.monitoring.selectors import council_surplus_policy

    mode = str(policy_value_get(policy.CASH_POLICY.key, on=on))
    limit = period = None
    if mode == "limited":
        limit = int(policy_value_get(policy.CASH_LIMIT.key, on=on))
        period = int(policy_value_get(policy.CASH_PERIOD_DAYS.key, on=on))
    return Thresholds(
        effective_from=on,
        prohibited_categories=frozenset(
            SpendCategory(category)
            for category, parameter in policy.PROHIBITED.items()
            if policy_value_get(parameter.key, on=on) is True
        ),
        cash=CashPolicy(mode=mode, limit_pence=limit, period_days=period),  # type: ignore[arg-type]
        cash_receipt_days=int(policy_value_get(policy.CASH_RECEIPT_DAYS.key, on=on)),
        surplus=council_surplus_policy(on),
        contribution_arrears_weeks=int(policy_value_get(policy.ARREARS_WEEKS.key, on=on)),
        no_spend_weeks=int(policy_value_get(policy.NO_SPEND_WEEKS.key, on=on)),
        line_overspend_percent=Decimal(int(policy_value_get(policy.OVERSPEND_PERCENT.key, on=on))),
        duplicate_payment_days=int(policy_value_get(policy.DUPLICATE_DAYS.key, on=on)),
    )
