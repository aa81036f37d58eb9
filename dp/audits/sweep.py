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
running after a finding was dismissed, raises nothing twice.

A surplus finding's evidence is every figure its amount depends on (the balance, the money owed on the day, the weeks
allowed and the weekly payment), so a changed figure gives a new finding. The account's open surplus finding with
other figures (or with none, when there is no longer a surplus) is then out of date: the sweep marks it SUPERSEDED
(raised on or before the day swept; a finding in an audit is the audit's to deal with). Should the figures come back
to those of a superseded finding, that finding is opened again rather than left closed by the conflict.

Personal Assistants' pay (`dp.employment` `PayRecord`, where the hours are known) worked on within the window is
read in SQL only where it can be below the minimum wage: pay under the hours at the highest rate in any of the
minimum wage tables (every record is judged on its own, so the rule sees each one it can flag); those accounts
are looked at closely. Money the account already owes (`dp.employment` `Commitment`: recorded on or before the
day, not paid or withdrawn by then) is read only for the accounts looked at closely and handed to the surplus
rule, which takes it off the balance (an account is looked at for surplus on its balance alone, a superset).

A direct payment that ended within the window is swept too (RULES.md DP-TERM-03, DP-REP-01: its unspent money is
due back): with no weekly payment, so nothing is kept beyond money already owed, and with the recoveries the
ledger already holds for the person (the advance `schedule_end` raised) as a commitment, so nothing is asked for
twice. NoSpend is not applied to it.

Work is split by account id into ranges; `workers > 1` runs ranges in that many processes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from dp.core.domain.breakdown import format_date
from dp.core.money import round_to_pence
from dp.employment.constants import commitment_label
from dp.employment.domain.payroll_file import age_on
from dp.monitoring.domain.categorise import SpendCategory
from dp.monitoring.domain.rules import (
    RULES,
    AccountFacts,
    AccountTransaction,
    ContributionDue,
    PaPayFacts,
    PlanLineFacts,
    Rule,
    Thresholds,
    evaluate_all,
)
from dp.monitoring.domain.rules import Finding as RuleFinding
from dp.monitoring.domain.surplus import Commitment

#: Every rule but NoSpend, for accounts with recent spending (where it cannot fire).
RULES_BUT_NO_SPEND: dict[str, Rule] = {code: rule for code, rule in RULES.items() if code != "DP-NO-SPEND"}

SURPLUS = "DP-SURPLUS"

#: The monitoring window: the year before the day monitored (52 weeks).
WINDOW_DAYS = 364

CASH = "(t.amount_pence < 0 AND (t.status = 'cash' OR t.category = 'cash_withdrawal'))"
UNKNOWN = (
    "(t.amount_pence < 0 AND t.payee_ref = '' AND t.category = '' AND t.plan_line_id IS NULL "
    "AND t.merchant_category_code = '' AND t.status = 'unexplained')"
)
# Accounts in [lo, hi) whose id hashes to `part` of `parts`: ranges for tests, parts for workers (a statement file
# interleaves accounts, so each worker scanning the table for its own share beats ranges of ids).
PART = "{col} >= %(lo)s AND {col} < %(hi)s AND (hashint8({col})::bigint + 2147483648) %% %(parts)s = %(part)s"
IN_WINDOW = PART.format(col="t.account_id") + " AND t.posted_on >= %(start)s AND t.posted_on < %(end)s"
COLUMNS = """t.id, t.account_id, t.posted_on, t.amount_pence, t.merchant, t.description, t.merchant_category_code,
       t.category, t.status, t.plan_line_id, t.payee_ref"""
RECEIPT = f"""CASE WHEN {CASH} THEN EXISTS (SELECT 1 FROM monitoring_receipt r WHERE r.transaction_id = t.id)
            ELSE false END"""

# The schedule in force for each account, with its amounts on the day monitored. A direct payment that ended
# within the window is looked at too: its unspent money is due back (RULES.md DP-TERM-03, DP-REP-01).
ACCOUNTS_SQL = f"""
SELECT DISTINCT ON (s.account_id) s.account_id, s.person_id, s.id, s.basis, c.weekly_budget_pence,
       c.weekly_contribution_pence, s.ended_on
  FROM payments_paymentschedule s
  JOIN (SELECT DISTINCT ON (schedule_id) schedule_id, weekly_budget_pence, weekly_contribution_pence
          FROM payments_schedulechange WHERE effective_on <= %(as_of)s
         ORDER BY schedule_id, effective_on DESC) c ON c.schedule_id = s.id
 WHERE (s.status <> 'ended' OR (s.ended_on >= %(start)s AND s.ended_on <= %(as_of)s))
   AND {PART.format(col="s.account_id")}
 ORDER BY s.account_id, s.start_on DESC, s.id DESC
"""

# What each given person still owes on recoveries already raised in the ledger (for an ended direct payment, the
# advance `schedule_end` raised for the days after the end): money the account already owes the council.
RECOVERIES_DUE_SQL = """
SELECT p.id, coalesce(sum(e.debit_pence - e.credit_pence), 0)
  FROM unnest(%(people)s::bigint[]) AS p(id)
  JOIN ledger_account a ON a.key = 'person:' || p.id || ':recoveries_due'
  JOIN ledger_entry e ON e.account_id = a.id
 WHERE e.journal_id IN (SELECT j.id FROM ledger_journal j WHERE j.posted_on <= %(as_of)s)
 GROUP BY p.id
"""

# Per schedule: the first payment, the contribution fallen due so far.
PAYMENTS_SQL = f"""
SELECT p.schedule_id, min(p.pay_on) FILTER (WHERE p.amount_pence > 0), sum(p.contribution_due_pence)
  FROM payments_payment p
 WHERE NOT p.cancelled AND p.pay_on <= %(as_of)s AND {PART.format(col="p.account_id")}
 GROUP BY p.schedule_id
"""
RECEIVED_SQL = """
SELECT r.schedule_id, sum(r.amount_pence) FROM payments_contributionreceipt r
 WHERE r.received_on <= %(as_of)s AND r.schedule_id = ANY(%(schedules)s) GROUP BY r.schedule_id
"""

# The balance from each account's latest statement on or before the day (StatementReconciliation).
BALANCE_SQL = f"""
SELECT DISTINCT ON (r.account_id) r.account_id, r.balance_on, r.statement_balance_pence
  FROM monitoring_statementreconciliation r
 WHERE r.balance_on <= %(as_of)s AND {PART.format(col="r.account_id")}
 ORDER BY r.account_id, r.balance_on DESC, r.id DESC
"""

# Every row the prohibited, cash, cash-receipt and unknown-payee rules can use: one pass over the window, a cheap
# filter, few rows out. Every matching row is returned, so those rules see all they would see.
EVIDENCE_SQL = f"""
SELECT {COLUMNS}, {RECEIPT}
  FROM monitoring_transaction t
 WHERE {IN_WINDOW} AND ((t.amount_pence < 0 AND t.category = ANY(%(prohibited)s)) OR {CASH} OR {UNKNOWN})
"""

LINES_SQL = f"""
SELECT t.account_id, t.plan_line_id, -sum(t.amount_pence), l.weekly_cost_pence, l.one_off_cost_pence,
       l.description, l.category
  FROM monitoring_transaction t JOIN plans_planline l ON l.id = t.plan_line_id
 WHERE {IN_WINDOW} AND t.amount_pence < 0 AND t.plan_line_id IS NOT NULL
 GROUP BY t.account_id, t.plan_line_id, l.weekly_cost_pence, l.one_off_cost_pence, l.description, l.category
"""

LINE_ROWS_SQL = f"""
SELECT {COLUMNS}, false FROM monitoring_transaction t
 WHERE t.plan_line_id = ANY(%(lines)s) AND t.posted_on >= %(start)s AND t.posted_on < %(end)s
"""

# Possible duplicates: spending (not cash) with the same account and amount as a neighbour within the
# council's days. Both rows of every pair the rule can find are returned, and a row between two rows of a
# pair is always returned too (it is within the days of one of them), so the rule sees the same pairs.
DUPLICATES_SQL = f"""
SELECT {COLUMNS}, false FROM monitoring_transaction t
 WHERE t.id IN (
    SELECT x.id FROM (
        SELECT t.id, t.posted_on, lag(t.posted_on) OVER w AS prev_on, lead(t.posted_on) OVER w AS next_on
          FROM monitoring_transaction t
         WHERE {IN_WINDOW} AND t.amount_pence < 0 AND NOT (t.status = 'cash' OR t.category = 'cash_withdrawal')
        WINDOW w AS (PARTITION BY t.account_id, t.amount_pence ORDER BY t.posted_on, t.id)
    ) x
    WHERE x.posted_on - x.prev_on <= %(days)s OR x.next_on - x.posted_on <= %(days)s)
"""

# Accounts (of those given) with spending in the last `no_spend_weeks`: an index probe each.
SPENT_RECENTLY_SQL = """
SELECT a.id FROM unnest(%(accounts)s::bigint[]) AS a(id)
 WHERE EXISTS (SELECT 1 FROM monitoring_transaction t
                WHERE t.account_id = a.id AND t.posted_on > %(cut)s AND t.posted_on < %(end)s
                  AND t.amount_pence < 0 AND t.category <> 'bank_charges')
"""

# Each given account's last spending in the window (NoSpend's evidence).
LAST_SPEND_SQL = f"""
SELECT x.* FROM unnest(%(accounts)s::bigint[]) AS a(id)
 CROSS JOIN LATERAL (
    SELECT {COLUMNS}, {RECEIPT} FROM monitoring_transaction t
     WHERE t.account_id = a.id AND t.posted_on >= %(start)s AND t.posted_on < %(end)s
       AND t.amount_pence < 0 AND t.category <> 'bank_charges'
     ORDER BY t.posted_on DESC, t.id DESC LIMIT 1) x
"""


# PA pay worked on within the window that may be below the minimum wage: pay less than the hours at the highest
# rate of any table (NULL: no rates, so every record, for the rule to report that it cannot run).
PAY_SQL = f"""
SELECT r.account_id, r.id, p.name, r.worked_on, r.pa_date_of_birth, r.hours_worked, r.gross_pay_pence,
       r.apprentice_first_year
  FROM employment_payrecord r JOIN plans_planpayee p ON p.id = r.payee_id
 WHERE {PART.format(col="r.account_id")} AND r.withdrawn_at IS NULL
   AND r.worked_on >= %(start)s AND r.worked_on < %(end)s
   AND (%(top_rate)s::bigint IS NULL OR r.gross_pay_pence < r.hours_worked * %(top_rate)s::bigint)
"""

# Money each given account already owes on the day: recorded by then, not paid or withdrawn by then.
COMMITMENTS_SQL = """
SELECT c.account_id, c.kind, c.owed_to, c.reference, c.amount_pence
  FROM employment_commitment c
 WHERE c.account_id = ANY(%(accounts)s) AND c.recorded_on <= %(as_of)s
   AND (c.settled_on IS NULL OR c.settled_on > %(as_of)s) AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(as_of)s)
 ORDER BY c.account_id, c.due_on, c.id
"""


@dataclass
class SweepResult:
    accounts: int = 0
    evaluated: int = 0
    raised: int = 0
    superseded: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    #: When the surplus rule ran: each account swept and its surplus finding's evidence key ("" for none). Used to
    #: supersede out-of-date open surplus findings, then emptied (not added up across workers).
    surplus_keys: dict[int, str] = field(default_factory=dict, repr=False)

    def add(self, other: SweepResult) -> None:
        self.accounts += other.accounts
        self.evaluated += other.evaluated
        self.raised += other.raised
        self.superseded += other.superseded
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
    balance: tuple[dt.date, int] | None = None
    lines: list[PlanLineFacts] = field(default_factory=list)
    overspent_lines: list[int] = field(default_factory=list)
    flagged: bool = False
    ended_on: dt.date | None = None
    commitments: tuple[Commitment, ...] = ()
    pa_pay: list[PaPayFacts] = field(default_factory=list)


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


def _top_rate(thresholds: Thresholds) -> int | None:
    """The highest hourly rate of any minimum wage table (an upper bound on every PA's minimum), or None."""
    rates = [
        rate
        for table in thresholds.minimum_wage_rates
        for rate in (
            table.national_living_wage_pence,
            table.age_18_to_20_pence,
            table.under_18_pence,
            table.apprentice_pence,
        )
        if rate is not None
    ]
    return max(rates) if thresholds.minimum_wage_rates and rates else None


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


MAX_ID = 2**62


def evaluate_range(
    *, as_of: dt.date, thresholds: Thresholds, lo: int = 0, hi: int = MAX_ID, part: int = 0, parts: int = 1
) -> tuple[list[NewFinding], SweepResult]:
    """The findings for accounts with ids in [lo, hi) that are `part` modulo `parts`. Reads only."""
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    end = as_of + dt.timedelta(days=1)
    params: dict[str, Any] = {
        "lo": lo,
        "hi": hi,
        "part": part,
        "parts": parts,
        "as_of": as_of,
        "start": start,
        "end": end,
        "prohibited": sorted(str(c) for c in thresholds.prohibited_categories),
        "days": thresholds.duplicate_payment_days,
    }
    receipt_before = as_of - dt.timedelta(days=thresholds.cash_receipt_days)
    result = SweepResult()
    accounts: dict[int, _Account] = {}
    rows: dict[int, dict[int, AccountTransaction]] = {}

    def keep(row: Sequence[Any]) -> AccountTransaction | None:
        if row[1] not in accounts:
            return None
        transaction_ = _transaction(row[:12])
        rows.setdefault(row[1], {})[row[0]] = transaction_
        return transaction_

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")  # the duplicates' sort, in memory
        cursor.execute(ACCOUNTS_SQL, params)
        for account_id, person_id, schedule_id, basis, budget, contribution, ended_on in cursor.fetchall():
            contribution = min(contribution, budget)
            weekly = budget if basis == "gross" else max(0, budget - contribution)
            if ended_on is not None:
                weekly = 0  # nothing more is paid, so no weeks of payments may be kept
            accounts[account_id] = _Account(account_id, person_id, schedule_id, weekly, contribution, ended_on=ended_on)
        ended = {a.person_id: a for a in accounts.values() if a.ended_on is not None}
        if ended:
            cursor.execute(RECOVERIES_DUE_SQL, {**params, "people": list(ended)})
            for person_id, due in cursor.fetchall():
                if due > 0:
                    ended[person_id].commitments = (Commitment("Recovery already raised by the council", int(due)),)
        by_schedule = {a.schedule_id: a for a in accounts.values()}
        cursor.execute(PAYMENTS_SQL, params)
        for schedule_id, first, due in cursor.fetchall():
            if schedule_id in by_schedule:
                by_schedule[schedule_id].first_payment_on = first
                by_schedule[schedule_id].contribution_due_pence = int(due or 0)
        cursor.execute(RECEIVED_SQL, {**params, "schedules": list(by_schedule)})
        for schedule_id, received in cursor.fetchall():
            by_schedule[schedule_id].contribution_received_pence = int(received or 0)
        cursor.execute(BALANCE_SQL, params)
        for account_id, balance_on, balance in cursor.fetchall():
            if account_id in accounts:
                accounts[account_id].balance = (balance_on, balance)

        # Rows the prohibited, cash and unknown-payee rules use (all of them); they flag their accounts.
        cursor.execute(EVIDENCE_SQL, params)
        for row in cursor.fetchall():
            t = keep(row)
            if t is None:
                continue
            if t.is_cash and thresholds.cash.mode == "allowed" and (t.has_receipt or t.posted_on >= receipt_before):
                continue  # cash the rules have nothing to say about (still kept as the account's cash)
            accounts[row[1]].flagged = True

        # Plan lines spent over their planned amount (and every row of those lines).
        days = (end - start).days
        cursor.execute(LINES_SQL, params)
        overspent: list[int] = []
        for account_id, line_id, spent, weekly, one_off, description, category in cursor.fetchall():
            if account_id not in accounts:
                continue
            line = PlanLineFacts(
                id=str(line_id), label=description, category=category, weekly_pence=weekly, one_off_pence=one_off
            )
            accounts[account_id].lines.append(line)
            if spent > _planned(line, days) * (100 + thresholds.line_overspend_percent) / 100:
                overspent.append(line_id)
                accounts[account_id].flagged = True
        if overspent:
            cursor.execute(LINE_ROWS_SQL, {**params, "lines": overspent})
            for row in cursor.fetchall():
                keep(row)

        cursor.execute(DUPLICATES_SQL, params)
        for row in cursor.fetchall():
            if keep(row) is not None:
                accounts[row[1]].flagged = True

        cursor.execute(PAY_SQL, {**params, "top_rate": _top_rate(thresholds)})
        for account_id, record_id, name, worked_on, born_on, hours, gross, apprentice in cursor.fetchall():
            if account_id in accounts:
                accounts[account_id].flagged = True
                accounts[account_id].pa_pay.append(
                    PaPayFacts(
                        id=str(record_id),
                        pa_name=name,
                        worked_on=worked_on,
                        age=age_on(born_on, worked_on),
                        hours=hours,
                        gross_pay_pence=gross,
                        apprentice_first_year=apprentice,
                    )
                )

        # Surplus and contribution arrears from the figures.
        for account in accounts.values():
            surplus = thresholds.surplus
            if account.balance is not None and surplus is not None:
                account.flagged |= account.balance[1] > surplus.allowed_weeks * account.weekly_payment_pence
            arrears = account.contribution_due_pence - account.contribution_received_pence
            if account.weekly_contribution_pence > 0 and arrears > (
                thresholds.contribution_arrears_weeks * account.weekly_contribution_pence
            ):
                account.flagged = True
        # No spending: an index probe per paid account for spending after the cut-off. Where there is some, NoSpend
        # cannot fire and is left out; where there is none, the account is looked at with its last spending.
        paid = [
            a.account_id
            for a in accounts.values()
            if a.first_payment_on and a.first_payment_on <= as_of and a.ended_on is None
        ]
        recent: set[int] = set()
        if paid:
            cut = as_of - dt.timedelta(weeks=thresholds.no_spend_weeks)
            cursor.execute(SPENT_RECENTLY_SQL, {**params, "accounts": paid, "cut": cut})
            recent = {row[0] for row in cursor.fetchall()}
            idle = [account_id for account_id in paid if account_id not in recent]
            for account_id in idle:
                accounts[account_id].flagged = True
            if idle:
                cursor.execute(LAST_SPEND_SQL, {**params, "accounts": idle})
                for row in cursor.fetchall():
                    keep(row)

        flagged = [a for a in accounts.values() if a.flagged]
        if flagged:
            cursor.execute(COMMITMENTS_SQL, {**params, "accounts": [a.account_id for a in flagged]})
            for account_id, kind, owed_to, reference, amount in cursor.fetchall():
                account_ = accounts[account_id]
                account_.commitments = (
                    *account_.commitments,
                    Commitment(commitment_label(kind, owed_to, reference), amount),
                )
        result.accounts = len(accounts)
        result.evaluated = len(flagged)
        findings: list[NewFinding] = []
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
                transactions=tuple(
                    sorted(rows.get(account.account_id, {}).values(), key=lambda t: (t.posted_on, int(t.id)))
                ),
                plan_lines=tuple(account.lines),
                commitments=account.commitments,
                overpaid_contribution_pence=max(0, -arrears),
                weekly_contribution_pence=account.weekly_contribution_pence,
                contributions=contributions,
                pa_pay=tuple(account.pa_pay),
            )
            # NoSpend is left out where there is recent spending (it cannot fire) and once the payments ended.
            evaluation = evaluate_all(
                facts,
                thresholds,
                rules=RULES_BUT_NO_SPEND if account.account_id in recent or account.ended_on else RULES,
            )
            for skipped in evaluation.skipped:
                result.skipped[skipped.code] = skipped.reason
            findings.extend(_finding_row(f, account, as_of=as_of, now=now) for f in evaluation.findings)
        if thresholds.surplus is not None:
            # An account not looked at closely cannot have a surplus (it is looked at on its balance alone).
            result.surplus_keys = dict.fromkeys(accounts, "")
            result.surplus_keys.update((f.account_id, f.evidence_key) for f in findings if f.code == SURPLUS)
    return findings, result


@dataclass(frozen=True)
class NewFinding:
    """A finding to insert (a plain row: building model instances for tens of thousands is slow)."""

    code: str
    title: str
    severity: str
    explanation: str
    evidence: list[dict[str, Any]]
    evidence_key: str
    amount_pence: int | None
    account_id: int
    person_id: int
    raised_on: dt.date
    raised_at: dt.datetime


def _finding_row(finding: RuleFinding, account: _Account, *, as_of: dt.date, now: dt.datetime) -> NewFinding:
    explanation = finding.explanation
    if account.ended_on is not None:
        why = ": nothing more is paid, so no weeks of payments are kept" if finding.code == SURPLUS else ""
        explanation = f"The direct payment ended on {format_date(account.ended_on)}{why}. {explanation}"
    return NewFinding(
        code=finding.code,
        title=finding.title,
        severity=finding.severity,
        explanation=explanation,
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
    ON CONFLICT ON CONSTRAINT finding_once_per_evidence DO UPDATE
   SET status = 'open', explanation = EXCLUDED.explanation, evidence = EXCLUDED.evidence,
       amount_pence = EXCLUDED.amount_pence, raised_on = EXCLUDED.raised_on, raised_at = EXCLUDED.raised_at
 WHERE audits_finding.status = 'superseded'
"""

# Open surplus findings whose figures are no longer the account's (another key, or no surplus now).
SUPERSEDE_SQL = f"""
UPDATE audits_finding f SET status = 'superseded'
  FROM unnest(%(account)s::bigint[], %(key)s::text[]) AS c(account_id, evidence_key)
 WHERE f.account_id = c.account_id AND f.code = '{SURPLUS}' AND f.status = 'open' AND f.raised_on <= %(as_of)s
   AND f.evidence_key <> c.evidence_key
"""


def persist(findings: Sequence[NewFinding], *, batch: int = 5000) -> int:
    """Insert new findings; the same (account, evidence key) is never inserted twice (on a conflict nothing changes,
    except that a superseded finding is opened again). Returns how many were new or opened again."""
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


def supersede_surplus(surplus_keys: dict[int, str], *, as_of: dt.date) -> int:
    """Mark SUPERSEDED each open surplus finding (raised on or before `as_of`) of the given accounts whose evidence
    key is not the account's current one ("" when it has no surplus now). Returns how many."""
    if not surplus_keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            SUPERSEDE_SQL, {"account": list(surplus_keys), "key": list(surplus_keys.values()), "as_of": as_of}
        )
        return int(cursor.rowcount)


def sweep_part(as_of: dt.date, thresholds: Thresholds, part: int, parts: int) -> SweepResult:
    findings, result = evaluate_range(as_of=as_of, thresholds=thresholds, part=part, parts=parts)
    with transaction.atomic():
        result.superseded = supersede_surplus(result.surplus_keys, as_of=as_of)
        result.raised = persist(findings)
    result.surplus_keys = {}
    return result


def _worker(args: tuple[dt.date, Thresholds, int, int]) -> SweepResult:
    connections.close_all()  # a fresh connection in the child process
    try:
        return sweep_part(*args)
    finally:
        connections.close_all()


def run_sweep(*, as_of: dt.date, thresholds: Thresholds, workers: int = 1) -> SweepResult:
    """Every rule over every account with a running direct payment; new findings written. With `workers` > 1,
    that many processes each take the accounts whose id is theirs modulo `workers`."""
    total = SweepResult()
    if workers <= 1:
        total.add(sweep_part(as_of, thresholds, 0, 1))
        return total
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for part in pool.imap_unordered(_worker, [(as_of, thresholds, k, workers) for k in range(workers)]):
            total.add(part)
    return total
