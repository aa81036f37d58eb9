"""Reads for findings, audits and recovery: council policy in force, the audit schedule, lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet

from dp.assessments.domain.national_figures import MinimumWageRates
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
    statements_up_to_date,
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
        final_audit_days=_with_default(policy.FINAL_AUDIT_DAYS.key, on),
        statement_max_age_days=_with_default(policy.STATEMENT_MAX_AGE_DAYS.key, on),
    )


def _with_default(key: str, on: dt.date) -> int:
    try:
        return int(policy_value_get(key, on=on))
    except PolicyMissing:
        return policy.DEFAULTS[key]


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


# When each direct payment's next audit is due, worked out in one set-based query (the same arithmetic as
# `dp.monitoring.domain.audits.schedule_audit`, which a test checks against it), so the list can be sorted and
# paginated in the database whatever the number of direct payments. Running direct payments, and a person's
# latest direct payment once it has ended (its final audit), unless another is running for them.
_DUE_SQL = """
WITH first_paid AS (
    SELECT schedule_id, min(pay_on) AS first_on
      FROM payments_payment
     WHERE NOT cancelled AND amount_pence > 0
     GROUP BY schedule_id
), last_audit AS (
    SELECT DISTINCT ON (person_id) person_id, finished_on
      FROM audits_auditcase
     WHERE finished_on IS NOT NULL
     ORDER BY person_id, finished_on DESC, id DESC
), open_finding AS (
    SELECT person_id, min(raised_on) AS earliest
      FROM audits_finding
     WHERE status = 'open'
     GROUP BY person_id
), due AS (
    SELECT s.id, s.start_on,
           LEAST(
               CASE WHEN s.status = 'ended' THEN
                        CASE WHEN la.finished_on >= s.ended_on THEN NULL ELSE s.ended_on + %s::int END
                    WHEN la.finished_on IS NULL THEN f.first_on + %s::int
                    ELSE (la.finished_on + make_interval(months => %s::int))::date
               END,
               o.earliest + %s::int
           ) AS due_on
      FROM payments_paymentschedule s
      JOIN first_paid f ON f.schedule_id = s.id
      LEFT JOIN last_audit la ON la.person_id = s.person_id
      LEFT JOIN open_finding o ON o.person_id = s.person_id
     WHERE (s.status <> 'ended' OR NOT EXISTS (
                SELECT 1 FROM payments_paymentschedule later
                 WHERE later.person_id = s.person_id AND later.id <> s.id
                   AND (later.status <> 'ended' OR later.start_on > s.start_on
                        OR (later.start_on = s.start_on AND later.id > s.id))))
       {where}
)
"""


class AuditsDue:
    """The audit schedule as a lazy sequence for `Paginator`, worked out in the database: `get_page(number)` is one
    query for the page and the total together (`count(*) OVER ()`); only the page's direct payments are loaded and
    given their reasons and tier (`schedule_audit`)."""

    def __init__(self, *, today: dt.date, user: User | None = None, schedule_ids: list[int] | None = None) -> None:
        self.today = today
        self.rules = audit_policy(today)
        where: list[str] = []
        params: list[Any] = [
            self.rules.final_audit_days,
            self.rules.initial_check_weeks * 7,
            self.rules.interval_months,
            self.rules.open_finding_days,
        ]
        if user is not None:
            try:
                sql, visible = people_visible_to(user).order_by().values("pk").query.sql_with_params()
            except EmptyResultSet:
                sql, visible = "SELECT NULL::bigint WHERE false", ()
            where.append(f"AND s.person_id IN ({sql})")
            params.extend(visible)
        if schedule_ids is not None:
            where.append("AND s.id = ANY(%s)")
            params.append(list(schedule_ids))
        self.sql = _DUE_SQL.format(where=" ".join(where))
        self.params = params
        self._count: int | None = None
        self._fetched: tuple[int, int, list[int]] | None = None

    def _ids(self, start: int, stop: int) -> list[int]:
        """The ids of rows [start, stop) in due order; the total is noted from the same query."""
        if self._fetched is not None and self._fetched[0] == start and stop <= self._fetched[1]:
            return self._fetched[2][: stop - start]
        with transaction.atomic(), connection.cursor() as cursor:
            # Every direct payment is read: hash joins and an in-memory aggregate are the right plan whatever the
            # planner estimates (at 250,000 it otherwise picks nested loops and spills to disk: 3 to 7 s, not 1.5).
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(
                self.sql + "SELECT id, count(*) OVER () FROM due WHERE due_on IS NOT NULL ORDER BY due_on, id "
                "LIMIT %s OFFSET %s",
                [*self.params, max(stop - start, 0), start],
            )
            rows = cursor.fetchall()
            cursor.execute("RESET enable_nestloop")
            cursor.execute("RESET work_mem")
        if rows:
            self._count = int(rows[0][1])
        elif start == 0:
            self._count = 0
        ids = [row[0] for row in rows]
        self._fetched = (start, stop, ids)
        return ids

    def count(self) -> int:
        if self._count is None:
            self._ids(0, 1)  # no rows from the start: the count is 0
        return self._count or 0

    def get_page(self, number: Any, per_page: int = 25) -> Page:
        """`Paginator(self, per_page).get_page(number)` with the page and the total from one query."""
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1
        # A page past the end is the last page (Paginator); keep the OFFSET within PostgreSQL's bigint meanwhile.
        wanted = min(wanted, 2**62 // per_page)
        self._ids((wanted - 1) * per_page, wanted * per_page)
        return Paginator(cast(Any, self), per_page).get_page(number)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[DueAudit]:
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        return _due_audits(self._ids(start, stop), today=self.today, rules=self.rules)


def last_statement_dates(account_ids: list[int]) -> dict[int, dt.date]:
    """The latest day each account's statements reach: its newest transaction, or the last day of a finished import
    of that account's statement (a statement with no spending still shows the account was looked at)."""
    from dp.monitoring.constants import ImportStatus
    from dp.monitoring.models import StatementImport, Transaction

    latest: dict[int, dt.date] = dict(
        Transaction.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(last=Max("posted_on"))
        .values_list("account_id", "last")
    )
    imported = (
        StatementImport.objects.filter(account_id__in=account_ids, status=ImportStatus.DONE)
        .values("account_id")
        .annotate(last=Max("last_posted_on"))
        .values_list("account_id", "last")
    )
    for account_id, last in imported:
        if last is not None and (account_id not in latest or last > latest[account_id]):
            latest[account_id] = last
    return latest


def _due_audits(ids: list[int], *, today: dt.date, rules: AuditPolicy) -> list[DueAudit]:
    """The given direct payments (in this order) with their next audit, in a few queries whatever their number."""
    schedules = PaymentSchedule.objects.select_related("person", "case", "account").in_bulk(ids)
    items = [schedules[i] for i in ids if i in schedules]
    person_ids = {s.person_id for s in items}
    first_paid = dict(
        Payment.objects.filter(schedule_id__in=ids, cancelled=False, amount_pence__gt=0)
        .values("schedule_id")
        .annotate(first=Min("pay_on"))
        .values_list("schedule_id", "first")
    )
    last_audits: dict[int, AuditCase] = {}
    for audit in AuditCase.objects.filter(person_id__in=person_ids, finished_on__isnull=False).order_by(
        "finished_on", "id"
    ):
        last_audits[audit.person_id] = audit
    open_audits = {a.person_id: a for a in AuditCase.objects.filter(person_id__in=person_ids, status__in=OPEN_STATUSES)}
    findings: dict[int, list[Finding]] = {}
    for f in Finding.objects.filter(person_id__in=person_ids, status=FindingStatus.OPEN):
        findings.setdefault(f.person_id, []).append(f)
    statements = last_statement_dates([s.account_id for s in items if s.account_id])
    return [
        DueAudit(
            s,
            schedule_audit(
                _facts_for(s, first_paid, last_audits, findings, statements, rules, today), rules, today=today
            ),
            open_audits.get(s.person_id),
        )
        for s in items
    ]


def _facts_for(
    schedule: PaymentSchedule,
    first_paid: dict[int, dt.date],
    last_audits: dict[int, AuditCase],
    findings: dict[int, list[Finding]],
    statements: dict[int, dt.date],
    rules: AuditPolicy,
    today: dt.date,
) -> AuditFacts:
    last = last_audits.get(schedule.person_id)
    ended_on = schedule.ended_on if schedule.status == ScheduleStatus.ENDED else None
    return AuditFacts(
        first_payment_on=first_paid.get(schedule.pk),
        last_audit_on=last.finished_on if last else None,
        last_audit_outcome=last.status if last else None,
        open_findings=tuple(
            OpenFinding(code=f.code, severity=f.severity, raised_on=f.raised_on)  # type: ignore[arg-type]
            for f in findings.get(schedule.person_id, [])
        ),
        statements_up_to_date=statements_up_to_date(
            statements.get(schedule.account_id) if schedule.account_id else None,
            today=today,
            policy=rules,
            ended_on=ended_on,
        ),
        ended_on=ended_on,
    )


def audit_schedule(
    *, today: dt.date, schedules: QuerySet[PaymentSchedule] | None = None, user: User | None = None
) -> list[DueAudit]:
    """The next audit of every running direct payment and the final audit of each ended one, soonest first
    (PolicyMissing when a timing is not set). For the page use `AuditsDue` (paginated in the database).

    With `user`, only the people that user may open (the list names them; restricted people stay hidden).
    """
    ids = list(schedules.values_list("pk", flat=True)) if schedules is not None else None
    due = AuditsDue(today=today, user=user, schedule_ids=ids)
    return due[0 : due.count()]


def audit_due_for(schedule: PaymentSchedule, *, today: dt.date) -> AuditSchedule:
    rules = audit_policy(today)
    (found,) = _due_audits([schedule.pk], today=today, rules=rules)
    return found.due


# -- audits -----------------------------------------------------------------------------------------


def audit_list(user: User, *, status: str = "") -> QuerySet[AuditCase]:
    qs = AuditCase.objects.filter(person__in=people_visible_to(user)).select_related("person", "case", "opened_by")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs


@dataclass(frozen=True)
class OutstandingAfterEnd:
    """A deduction left with money to recover when its direct payment ended, and the audit recovery it belongs to."""

    deduction: Any
    outstanding_pence: int
    recovery: AuditRecovery | None


def outstanding_after_end(user: User) -> list[OutstandingAfterEnd]:
    """Deductions on ended direct payments with money still outstanding (no run will take it), for people the user
    may open; each with its audit recovery when an audit decided it (which can move the rest to an invoice)."""
    from dp.payments.selectors import ended_schedule_outstanding_deductions

    deductions = list(
        ended_schedule_outstanding_deductions().filter(schedule__person__in=people_visible_to(user))[:500]
    )
    recoveries = {
        r.deduction_id: r
        for r in AuditRecovery.objects.filter(deduction__in=[d.pk for d in deductions]).select_related("audit")
    }
    return [
        OutstandingAfterEnd(d, d.total_pence - d.taken_pence, recoveries.get(d.pk))  # type: ignore[attr-defined]
        for d in deductions
    ]


def open_audit_of(person_id: int) -> AuditCase | None:
    """The person's open audit (there is at most one)."""
    return AuditCase.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).first()


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
        minimum_wage_rates=minimum_wage_tables(on),
    )


def minimum_wage_tables(on: dt.date) -> tuple[MinimumWageRates, ...]:
    """Every year's minimum wage rates in force by `on` (shipped, with figures entered for a year), for the PA pay
    check: a monitoring window can reach across 1 April."""
    from dp.assessments.selectors import minimum_wage_on, shipped_tables

    return tuple(minimum_wage_on(r.effective_from) for r in shipped_tables().minimum_wage if r.effective_from <= on)
