"""The monitoring sweep: every rule (`dp.monitoring.domain.rules.RULES`) over every direct payment account.

Design
------
The rules are pure and look at an account's `AccountFacts`. Building facts with every transaction for
250,000 accounts and 10,000,000 transactions in Python is far too slow, so the sweep works in two steps,
per range of account ids:

1. **Aggregate in SQL** what decides whether a rule *can* fire: per account, counts of prohibited,
   cash and unknown-payee spending in the monitoring window, the last spending and the latest balance
   (`max(ARRAY[day, id, ...])`, one pass, no sort), spending per plan line, the contribution due and
   received, and same-amount spending within the duplicate window (a window function).
2. For the few accounts where something can fire, **pull only the transactions the rules need** (the
   prohibited, cash and unknown-payee ones, every row of an overspent line, both rows of a possible
   duplicate, and the last spending) and evaluate every rule on them in Python.

This gives exactly the findings the rules give on the whole window (each rule's subset argument is
noted beside its query), so the rules stay the single source of truth. Evaluating writes nothing; the
sweep inserts new findings with ON CONFLICT DO NOTHING on (account, evidence key), so re-running, or
running after a finding was dismissed, raises nothing twice. The PA minimum-wage rule has no pay
records to look at yet (no timesheet table), so it never fires here.

Work is split by account id into ranges; `workers > 1` runs ranges in that many processes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from dp.audits.models import Finding
from dp.core.money import round_to_pence
from dp.monitoring.domain.categorise import SpendCategory
from dp.monitoring.domain.rules import (
    AccountFacts,
    AccountTransaction,
    ContributionDue,
    PlanLineFacts,
    Thresholds,
    evaluate_all,
)
from dp.monitoring.domain.rules import Finding as RuleFinding

#: The monitoring window: the year before the day monitored (52 weeks).
WINDOW_DAYS = 364
EPOCH = dt.date(2000, 1, 1)

CASH = "(t.amount_pence < 0 AND (t.status = 'cash' OR t.category = 'cash_withdrawal'))"
UNKNOWN = (
    "(t.amount_pence < 0 AND t.payee_ref = '' AND t.category = '' AND t.plan_line_id IS NULL "
    "AND t.merchant_category_code = '' AND t.status = 'unexplained')"
)
IN_RANGE = "t.account_id >= %(lo)s AND t.account_id < %(hi)s AND t.posted_on >= %(start)s AND t.posted_on < %(end)s"

ACCOUNTS_SQL = """
SELECT DISTINCT ON (s.account_id) s.account_id, s.person_id, s.id, s.basis, c.weekly_budget_pence,
       c.weekly_contribution_pence
  FROM payments_paymentschedule s
  JOIN LATERAL (SELECT weekly_budget_pence, weekly_contribution_pence FROM payments_schedulechange c
                 WHERE c.schedule_id = s.id AND c.effective_on <= %(as_of)s
                 ORDER BY c.effective_on DESC LIMIT 1) c ON true
 WHERE s.status <> 'ended' AND s.account_id >= %(lo)s AND s.account_id < %(hi)s
 ORDER BY s.account_id, s.start_on DESC, s.id DESC
"""

# Per schedule: the first payment, the contribution fallen due so far, and the contribution received.
MONEY_SQL = """
SELECT s.id,
       (SELECT min(p.pay_on) FROM payments_payment p
         WHERE p.schedule_id = s.id AND NOT p.cancelled AND p.amount_pence > 0 AND p.pay_on <= %(as_of)s),
       (SELECT coalesce(sum(p.contribution_due_pence), 0) FROM payments_payment p
         WHERE p.schedule_id = s.id AND NOT p.cancelled AND p.pay_on <= %(as_of)s),
       (SELECT coalesce(sum(r.amount_pence), 0) FROM payments_contributionreceipt r
         WHERE r.schedule_id = s.id AND r.received_on <= %(as_of)s)
  FROM payments_paymentschedule s
 WHERE s.status <> 'ended' AND s.account_id >= %(lo)s AND s.account_id < %(hi)s
"""

# One pass over the window. Counts are exact for the rules that look at every matching row; the last
# spending and the latest balance come from max(ARRAY[...]) (lexicographic: latest day, then highest id).
AGGREGATE_SQL = f"""
SELECT t.account_id,
       max(ARRAY[(t.posted_on - DATE '2000-01-01')::bigint, t.id])
           FILTER (WHERE t.amount_pence < 0 AND t.category <> 'bank_charges') AS last_spend,
       max(ARRAY[(t.posted_on - DATE '2000-01-01')::bigint, t.id, t.balance_pence])
           FILTER (WHERE t.balance_pence IS NOT NULL) AS last_balance,
       count(*) FILTER (WHERE t.amount_pence < 0 AND t.category = ANY(%(prohibited)s)) AS prohibited,
       count(*) FILTER (WHERE {CASH}) AS cash,
       count(*) FILTER (WHERE {CASH} AND t.posted_on < %(receipt_before)s
                         AND NOT EXISTS (SELECT 1 FROM monitoring_receipt r WHERE r.transaction_id = t.id))
           AS cash_no_receipt,
       count(*) FILTER (WHERE {UNKNOWN}) AS unknown
  FROM monitoring_transaction t
 WHERE {IN_RANGE}
 GROUP BY t.account_id
"""

LINES_SQL = f"""
SELECT t.account_id, t.plan_line_id, -sum(t.amount_pence), l.weekly_cost_pence, l.one_off_cost_pence,
       l.description, l.category
  FROM monitoring_transaction t JOIN plans_planline l ON l.id = t.plan_line_id
 WHERE {IN_RANGE} AND t.amount_pence < 0 AND t.plan_line_id IS NOT NULL
 GROUP BY t.account_id, t.plan_line_id, l.weekly_cost_pence, l.one_off_cost_pence, l.description, l.category
"""

# Possible duplicates: spending (not cash) with the same account and amount as a neighbour within the
# council's days. Both rows of every pair the rule can find are returned, and a row between two rows of a
# pair is always returned too (it is within the days of one of them), so the rule sees the same pairs.
DUPLICATES_SQL = f"""
SELECT id FROM (
    SELECT t.id, t.posted_on,
           lag(t.posted_on) OVER w AS prev_on, lead(t.posted_on) OVER w AS next_on
      FROM monitoring_transaction t
     WHERE {IN_RANGE} AND t.amount_pence < 0 AND NOT (t.status = 'cash' OR t.category = 'cash_withdrawal')
    WINDOW w AS (PARTITION BY t.account_id, t.amount_pence ORDER BY t.posted_on, t.id)
) x
WHERE x.posted_on - x.prev_on <= %(days)s OR x.next_on - x.posted_on <= %(days)s
"""

ROWS_SQL = f"""
SELECT t.id, t.account_id, t.posted_on, t.amount_pence, t.merchant, t.description, t.merchant_category_code,
       t.category, t.status, t.plan_line_id, t.payee_ref,
       CASE WHEN {CASH} THEN EXISTS (SELECT 1 FROM monitoring_receipt r WHERE r.transaction_id = t.id)
            ELSE false END
  FROM monitoring_transaction t
 WHERE t.account_id = ANY(%(accounts)s) AND t.posted_on >= %(start)s AND t.posted_on < %(end)s
   AND ((t.amount_pence < 0 AND t.category = ANY(%(prohibited)s)) OR {CASH} OR {UNKNOWN}
        OR t.plan_line_id = ANY(%(lines)s) OR t.id = ANY(%(ids)s))
"""


@dataclass
class SweepResult:
    accounts: int = 0
    evaluated: int = 0
    raised: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    def add(self, other: SweepResult) -> None:
        self.accounts += other.accounts
        self.evaluated += other.evaluated
        self.raised += other.raised
        self.skipped.update(other.skipped)


@dataclass
class _Account:
    account_id: int
    person_id: int
    schedule_id: int
    weekly_payment_pence: int
    weekly_contribution_pence: int
    first_payment_on: dt.date | None = None
    contribution_due_pence: int = 0
    contribution_received_pence: int = 0
    last_spend: tuple[int, int] | None = None
    balance: tuple[dt.date, int] | None = None
    lines: list[PlanLineFacts] = field(default_factory=list)
    overspent_lines: list[int] = field(default_factory=list)
    flagged: bool = False


def _day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=n)


def _planned(line: PlanLineFacts, days: int) -> int:
    """As `LineOverspend` works it out."""
    return round_to_pence(Decimal(line.weekly_pence) * days / 7) + line.one_off_pence


def _transaction(row: Sequence[Any]) -> AccountTransaction:
    (tid, _account, posted_on, amount, merchant, description, mcc, category, status, line, payee, receipt) = row
    return AccountTransaction(
        id=str(tid),
        posted_on=posted_on,
        amount_pence=amount,
        merchant=merchant,
        description=description,
        merchant_category_code=mcc or None,
        category=SpendCategory(category) if category else None,
        status=status or "unexplained",
        plan_line_id=str(line) if line else None,
        payee_id=payee or None,
        has_receipt=bool(receipt),
    )


def _contributions(cursor: Any, schedule_id: int, received: int, as_of: dt.date) -> tuple[ContributionDue, ...]:
    """Each period's contribution due, with what was received set against the oldest first."""
    cursor.execute(
        "SELECT id, pay_on, contribution_due_pence FROM payments_payment WHERE schedule_id = %s AND NOT cancelled "
        "AND pay_on <= %s AND contribution_due_pence > 0 ORDER BY pay_on, id",
        [schedule_id, as_of],
    )
    items = []
    left = received
    for pid, pay_on, due in cursor.fetchall():
        paid = min(due, max(left, 0))
        left -= paid
        items.append(ContributionDue(id=str(pid), due_on=pay_on, amount_pence=due, paid_pence=paid))
    return tuple(items)


def evaluate_range(*, as_of: dt.date, thresholds: Thresholds, lo: int, hi: int) -> tuple[list[Finding], SweepResult]:
    """The findings for accounts with ids in [lo, hi). Reads only."""
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    end = as_of + dt.timedelta(days=1)
    params: dict[str, Any] = {
        "lo": lo,
        "hi": hi,
        "as_of": as_of,
        "start": start,
        "end": end,
        "prohibited": sorted(str(c) for c in thresholds.prohibited_categories),
        "receipt_before": as_of - dt.timedelta(days=thresholds.cash_receipt_days),
        "days": thresholds.duplicate_payment_days,
    }
    result = SweepResult()
    accounts: dict[int, _Account] = {}
    with connection.cursor() as cursor:
        cursor.execute(ACCOUNTS_SQL, params)
        for account_id, person_id, schedule_id, basis, budget, contribution in cursor.fetchall():
            contribution = min(contribution, budget)
            weekly = budget if basis == "gross" else max(0, budget - contribution)
            accounts[account_id] = _Account(account_id, person_id, schedule_id, weekly, contribution)
        by_schedule = {a.schedule_id: a for a in accounts.values()}
        cursor.execute(MONEY_SQL, params)
        for schedule_id, first, due, received in cursor.fetchall():
            account = by_schedule.get(schedule_id)
            if account is not None:
                account.first_payment_on = first
                account.contribution_due_pence = int(due)
                account.contribution_received_pence = int(received)
        cursor.execute(AGGREGATE_SQL, params)
        for account_id, last_spend, last_balance, prohibited, cash, cash_no_receipt, unknown in cursor.fetchall():
            account = accounts.get(account_id)
            if account is None:
                continue
            if last_spend:
                account.last_spend = (int(last_spend[0]), int(last_spend[1]))
            if last_balance:
                account.balance = (_day(int(last_balance[0])), int(last_balance[2]))
            cash_matters = cash and (thresholds.cash.mode != "allowed" or cash_no_receipt)
            if prohibited or cash_matters or unknown:
                account.flagged = True
        days = (end - start).days
        cursor.execute(LINES_SQL, params)
        for account_id, line_id, spent, weekly, one_off, description, category in cursor.fetchall():
            account = accounts.get(account_id)
            if account is None:
                continue
            line = PlanLineFacts(
                id=str(line_id), label=description, category=category, weekly_pence=weekly, one_off_pence=one_off
            )
            account.lines.append(line)
            planned = _planned(line, days)
            if spent > planned * (100 + thresholds.line_overspend_percent) / 100:
                account.overspent_lines.append(line_id)
                account.flagged = True
        cursor.execute(DUPLICATES_SQL, params)
        duplicate_ids = [row[0] for row in cursor.fetchall()]
        if duplicate_ids:
            cursor.execute("SELECT DISTINCT account_id FROM monitoring_transaction WHERE id = ANY(%s)", [duplicate_ids])
            for (account_id,) in cursor.fetchall():
                if account_id in accounts:
                    accounts[account_id].flagged = True
        # Scalars: surplus, contribution arrears, no spending.
        for account in accounts.values():
            if account.flagged:
                continue
            if account.balance is not None and thresholds.surplus is not None:
                allowed = thresholds.surplus.allowed_weeks * account.weekly_payment_pence
                if account.balance[1] > allowed:
                    account.flagged = True
                    continue
            arrears = account.contribution_due_pence - account.contribution_received_pence
            if account.weekly_contribution_pence > 0 and arrears > (
                thresholds.contribution_arrears_weeks * account.weekly_contribution_pence
            ):
                account.flagged = True
                continue
            if account.first_payment_on is not None:
                since = _day(account.last_spend[0]) if account.last_spend else max(account.first_payment_on, start)
                if (as_of - since).days >= thresholds.no_spend_weeks * 7:
                    account.flagged = True
        flagged = [a for a in accounts.values() if a.flagged]
        result.accounts = len(accounts)
        result.evaluated = len(flagged)
        rows: dict[int, list[AccountTransaction]] = {a.account_id: [] for a in flagged}
        if flagged:
            extra = duplicate_ids + [a.last_spend[1] for a in flagged if a.last_spend]
            cursor.execute(
                ROWS_SQL,
                {
                    **params,
                    "accounts": [a.account_id for a in flagged],
                    "lines": [line for a in flagged for line in a.overspent_lines],
                    "ids": extra,
                },
            )
            for row in cursor.fetchall():
                if row[1] in rows:
                    rows[row[1]].append(_transaction(row))
        findings: list[Finding] = []
        now = timezone.now()
        for account in flagged:
            arrears = account.contribution_due_pence - account.contribution_received_pence
            contributions = (
                _contributions(cursor, account.schedule_id, account.contribution_received_pence, as_of)
                if account.weekly_contribution_pence > 0
                and arrears > thresholds.contribution_arrears_weeks * account.weekly_contribution_pence
                else ()
            )
            balance_on, balance = account.balance or (as_of, 0)
            facts = AccountFacts(
                account_id=str(account.account_id),
                as_of=as_of,
                period_start=start,
                period_end=end,
                balance_pence=balance,
                balance_on=balance_on,
                weekly_payment_pence=account.weekly_payment_pence,
                first_payment_on=account.first_payment_on,
                transactions=tuple(sorted(rows[account.account_id], key=lambda t: (t.posted_on, int(t.id)))),
                plan_lines=tuple(account.lines),
                overpaid_contribution_pence=max(0, -arrears),
                weekly_contribution_pence=account.weekly_contribution_pence,
                contributions=contributions,
            )
            evaluation = evaluate_all(facts, thresholds)
            for skipped in evaluation.skipped:
                result.skipped[skipped.code] = skipped.reason
            findings.extend(_finding_row(f, account, as_of=as_of, now=now) for f in evaluation.findings)
    return findings, result


def _finding_row(finding: RuleFinding, account: _Account, *, as_of: dt.date, now: dt.datetime) -> Finding:
    return Finding(
        code=finding.code,
        title=finding.title,
        severity=finding.severity,
        explanation=finding.explanation,
        evidence=[
            {
                "ref": item.ref,
                "note": item.note,
                "on": item.on.isoformat() if item.on else None,
                "amount_pence": item.amount_pence,
            }
            for item in finding.evidence
        ],
        evidence_key=finding.evidence_key,
        amount_pence=finding.amount_pence,
        account_id=account.account_id,
        person_id=account.person_id,
        raised_on=as_of,
        raised_at=now,
    )


INSERT_SQL = """
INSERT INTO audits_finding (code, title, severity, explanation, evidence, evidence_key, amount_pence, account_id,
                            person_id, status, raised_on, raised_at, dismissed_reason)
SELECT code, title, severity, explanation, evidence, evidence_key, amount_pence, account_id, person_id, 'open',
       %(raised_on)s, %(raised_at)s, ''
  FROM unnest(%(code)s::text[], %(title)s::text[], %(severity)s::text[], %(explanation)s::text[],
              %(evidence)s::jsonb[], %(evidence_key)s::text[], %(amount)s::bigint[], %(account)s::bigint[],
              %(person)s::bigint[])
       AS f(code, title, severity, explanation, evidence, evidence_key, amount_pence, account_id, person_id)
    ON CONFLICT ON CONSTRAINT finding_once_per_evidence DO NOTHING
"""


def persist(findings: Sequence[Finding], *, batch: int = 5000) -> int:
    """Insert new findings; the same (account, evidence key) is never inserted twice (ON CONFLICT DO NOTHING).
    Returns how many were new."""
    from psycopg.types.json import Jsonb

    added = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(findings), batch):
            part = findings[i : i + batch]
            cursor.execute(
                INSERT_SQL,
                {
                    "raised_on": part[0].raised_on,
                    "raised_at": part[0].raised_at,
                    "code": [f.code for f in part],
                    "title": [f.title for f in part],
                    "severity": [f.severity for f in part],
                    "explanation": [f.explanation for f in part],
                    "evidence": [Jsonb(f.evidence) for f in part],
                    "evidence_key": [f.evidence_key for f in part],
                    "amount": [f.amount_pence for f in part],
                    "account": [f.account_id for f in part],
                    "person": [f.person_id for f in part],
                },
            )
            added += cursor.rowcount
    return added


def sweep_range(as_of: dt.date, thresholds: Thresholds, lo: int, hi: int) -> SweepResult:
    findings, result = evaluate_range(as_of=as_of, thresholds=thresholds, lo=lo, hi=hi)
    result.raised = persist(findings)
    return result


def _worker(args: tuple[dt.date, Thresholds, int, int]) -> SweepResult:
    connections.close_all()  # a fresh connection in the child process
    try:
        return sweep_range(*args)
    finally:
        connections.close_all()


def account_ranges(parts: int) -> list[tuple[int, int]]:
    """[lo, hi) ranges of account ids with about the same number of running schedules in each."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(account_id), max(account_id), percentile_disc(%s) WITHIN GROUP (ORDER BY account_id) "
            "FROM payments_paymentschedule WHERE status <> 'ended' AND account_id IS NOT NULL",
            [[i / parts for i in range(1, parts)] or [0.5]],
        )
        low, high, cuts = cursor.fetchone()
    if low is None:
        return []
    bounds = [low, *sorted(set(cuts))[: parts - 1], high + 1] if parts > 1 else [low, high + 1]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


def run_sweep(*, as_of: dt.date, thresholds: Thresholds, workers: int = 1, chunks: int = 1) -> SweepResult:
    """Every rule over every account with a running direct payment; new findings written."""
    ranges = account_ranges(max(workers * chunks, 1))
    total = SweepResult()
    if workers <= 1:
        for lo, hi in ranges:
            total.add(sweep_range(as_of, thresholds, lo, hi))
        return total
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for part in pool.imap_unordered(_worker, [(as_of, thresholds, lo, hi) for lo, hi in ranges]):
            total.add(part)
    return total
