"""Monitoring rules: a registry of automated checks on a direct payment account, by stable code.

Design overview
---------------
After money-to-prisoners' notification rules: each rule is a class with a **stable code**
(stored on findings and never renamed), a title, a description, a severity, and the statutory or
local-policy source in its docstring. `evaluate(facts, thresholds)` looks at one account's
`AccountFacts` (plain values a selector builds from the statement lines, their categorisation,
the plan, contributions and PA pay records) and returns a `Finding` with its evidence, or None.
Evaluation never writes: a service persists findings.

Thresholds are council policy (RULES.md §4, all [LOCAL]); nothing here has a default, because
no national figure exists (RULES.md §8). They are effective-dated (`Thresholds.effective_from`;
`thresholds_in_force` picks the set in force), so re-running last year's monitoring with last
year's thresholds gives last year's answer.

Every finding has an `evidence_key`: a hash of the rule code and the sorted evidence
references. A person can dismiss a finding ("the pharmacy spend was agreed at review"); the
service keeps dismissed keys, and `evaluate_all` does not raise a finding again while its
evidence is the same. New evidence (another gambling payment) gives a new key and a new finding.

A rule that cannot run because a figure is missing (no surplus policy, no minimum wage rates for
a date) raises `PolicyMissing`; `evaluate_all` reports it as skipped rather than failing the rest.

Pure: no Django, no database, no clock (`facts.as_of` is the day monitored).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

from dp.assessments.domain.national_figures import MinimumWageRates
from dp.assessments.domain.pa_pay import PaPayRequest, check_pa_pay
from dp.core.domain.breakdown import format_date
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.core.money import format_pence, round_to_pence
from dp.monitoring.domain.categorise import CATEGORY_LABELS, SpendCategory, normalise_words
from dp.monitoring.domain.surplus import Commitment, SurplusPolicy, SurplusRequest, calculate_surplus

Severity = Literal["low", "medium", "high"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")
CashMode = Literal["allowed", "limited", "not_allowed"]


# -- thresholds (council policy, effective-dated) --------------------------------------------------


@dataclass(frozen=True)
class CashPolicy:
    """RULES.md §4 "Prepaid cards": `cash_withdrawal_policy` and the limit (no national figure)."""

    mode: CashMode
    limit_pence: int | None = None
    period_days: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("allowed", "limited", "not_allowed"):
            raise ValidationFailed("The cash policy must be allowed, limited or not_allowed", field="cash.mode")
        if self.mode == "limited":
            if self.limit_pence is None or self.limit_pence < 0:
                raise ValidationFailed("A limited cash policy needs a limit of £0 or more", field="cash.limit_pence")
            if self.period_days is None or self.period_days < 1:
                raise ValidationFailed(
                    "A limited cash policy needs a period of 1 day or more", field="cash.period_days"
                )
        elif self.limit_pence is not None or self.period_days is not None:
            raise ValidationFailed("Only a limited cash policy has a limit and a period", field="cash.limit_pence")


@dataclass(frozen=True)
class Thresholds:
    """The council's monitoring thresholds in force from `effective_from` (RULES.md §4, [LOCAL]).

    * `prohibited_categories`: spending categories direct payments may not buy (DP-USE-05);
    * `cash`: whether cash withdrawals are allowed, limited or not allowed;
    * `cash_receipt_days`: days after a withdrawal by which a record of what it bought is due;
    * `surplus`: weeks of payments a person may keep (None: the council has not set it);
    * `contribution_arrears_weeks`: weeks of unpaid contribution that are flagged;
    * `no_spend_weeks`: weeks without spending that are flagged;
    * `line_overspend_percent`: how far over its planned amount a plan line may go;
    * `duplicate_payment_days`: the same payee and amount within this many days is flagged;
    * `minimum_wage_rates`: the national minimum wage tables (PA-WAGE-01..05) for the PA check.
    """

    effective_from: dt.date
    prohibited_categories: frozenset[SpendCategory]
    cash: CashPolicy
    cash_receipt_days: int
    surplus: SurplusPolicy | None
    contribution_arrears_weeks: int
    no_spend_weeks: int
    line_overspend_percent: Decimal
    duplicate_payment_days: int
    minimum_wage_rates: tuple[MinimumWageRates, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(
                self, "prohibited_categories", frozenset(SpendCategory(c) for c in self.prohibited_categories)
            )
        except ValueError as exc:
            raise ValidationFailed(f"{exc}", field="prohibited_categories") from None
        for name in ("cash_receipt_days", "contribution_arrears_weeks", "no_spend_weeks", "duplicate_payment_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationFailed(f"{name} must be a whole number, 0 or more", field=name)
        if not isinstance(self.line_overspend_percent, Decimal) or self.line_overspend_percent < 0:
            raise ValidationFailed(
                "line_overspend_percent must be a Decimal, 0 or more", field="line_overspend_percent"
            )

    def minimum_wage_on(self, on: dt.date) -> MinimumWageRates:
        """The minimum wage rates in force on `on` (the latest that started on or before it)."""
        in_force = [r for r in self.minimum_wage_rates if r.effective_from <= on]
        if not in_force:
            raise PolicyMissing(
                f"No minimum wage rates have been entered for {format_date(on)}", field="minimum_wage_rates"
            )
        return max(in_force, key=lambda r: r.effective_from)


def thresholds_in_force(on: dt.date, table: Iterable[Thresholds]) -> Thresholds:
    """The thresholds in force on a date: the latest that took effect on or before it."""
    in_force = [t for t in table if t.effective_from <= on]
    if not in_force:
        raise PolicyMissing(
            f"The council has not set monitoring thresholds in force on {format_date(on)}", field="thresholds"
        )
    return max(in_force, key=lambda t: t.effective_from)


# -- facts (built by a selector) -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountTransaction:
    """A statement line with its categorisation (`dp.monitoring.domain.categorise`)."""

    id: str
    posted_on: dt.date
    amount_pence: int
    merchant: str = ""
    description: str = ""
    merchant_category_code: str | None = None
    category: SpendCategory | None = None
    status: str = "unexplained"
    plan_line_id: str | None = None
    payee_id: str | None = None
    has_receipt: bool = False

    @property
    def is_spending(self) -> bool:
        return self.amount_pence < 0

    @property
    def is_cash(self) -> bool:
        return self.amount_pence < 0 and (self.status == "cash" or self.category == SpendCategory.CASH_WITHDRAWAL)

    @property
    def shown(self) -> str:
        return self.merchant or self.description or "(no description)"


@dataclass(frozen=True)
class PlanLineFacts:
    """A support plan line: its weekly equivalent and any one-off amount (dp.plans.domain.costing)."""

    id: str
    label: str
    category: str
    weekly_pence: int
    one_off_pence: int = 0


@dataclass(frozen=True)
class ContributionDue:
    """One period's assessed contribution, and how much of it has been paid (Care Act 2014 s.14)."""

    id: str
    due_on: dt.date
    amount_pence: int
    paid_pence: int = 0

    @property
    def unpaid_pence(self) -> int:
        return max(0, self.amount_pence - self.paid_pence)


@dataclass(frozen=True)
class PaPayFacts:
    """A pay period of a Personal Assistant where the hours worked are known (timesheet or payslip)."""

    id: str
    pa_name: str
    worked_on: dt.date  # the last day of the pay period: chooses the rates and the age band
    age: int
    hours: Decimal
    gross_pay_pence: int
    apprentice_first_year: bool = False


@dataclass(frozen=True)
class AccountFacts:
    """Everything the rules look at for one direct payment account on `as_of`.

    `transactions` are those posted in the monitoring window [period_start, period_end), and
    must reach back at least `no_spend_weeks` (the selector's job). The balance is the account's
    balance on `balance_on` (the latest statement).
    """

    account_id: str
    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    balance_pence: int
    balance_on: dt.date
    weekly_payment_pence: int
    first_payment_on: dt.date | None = None
    transactions: tuple[AccountTransaction, ...] = ()
    plan_lines: tuple[PlanLineFacts, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    overpaid_contribution_pence: int = 0
    weekly_contribution_pence: int = 0
    contributions: tuple[ContributionDue, ...] = ()
    pa_pay: tuple[PaPayFacts, ...] = ()

    def __post_init__(self) -> None:
        if self.period_start >= self.period_end:
            raise ValidationFailed("The monitoring period must start before it ends", field="period_start")


# -- findings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a reference to the thing (``transaction:123``), its date and amount."""

    ref: str
    note: str
    on: dt.date | None = None
    amount_pence: int | None = None


def transaction_evidence(t: AccountTransaction, note: str | None = None) -> EvidenceItem:
    return EvidenceItem(
        ref=f"transaction:{t.id}",
        note=note or f"{t.shown}, {format_pence(abs(t.amount_pence))}",
        on=t.posted_on,
        amount_pence=t.amount_pence,
    )


def evidence_key(code: str, evidence: Iterable[EvidenceItem]) -> str:
    """SHA-256 of the rule code and the sorted, distinct evidence references."""
    refs = sorted({item.ref for item in evidence})
    return hashlib.sha256("\n".join((code, *refs)).encode()).hexdigest()


@dataclass(frozen=True)
class Finding:
    """What a rule found: a plain-English explanation, the evidence and the money at issue."""

    code: str
    title: str
    severity: Severity
    explanation: str
    evidence: tuple[EvidenceItem, ...]
    amount_pence: int | None = None
    evidence_key: str = field(default="")

    def __post_init__(self) -> None:
        if not self.evidence:
            raise ValueError("A finding needs evidence")
        object.__setattr__(self, "evidence_key", evidence_key(self.code, self.evidence))

    @property
    def evidence_refs(self) -> tuple[str, ...]:
        return tuple(sorted({item.ref for item in self.evidence}))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


# -- the rules -------------------------------------------------------------------------------------


class Rule(ABC):
    """A monitoring rule. Subclasses set the class attributes and cite their source in the docstring."""

    code: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    severity: ClassVar[Severity]

    @abstractmethod
    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        """The finding for this account, or None. Never writes anything."""

    @classmethod
    def source(cls) -> str:
        return (cls.__doc__ or "").strip()

    def finding(self, explanation: str, evidence: Sequence[EvidenceItem], amount_pence: int | None = None) -> Finding:
        return Finding(
            code=self.code,
            title=self.title,
            severity=self.severity,
            explanation=explanation,
            evidence=tuple(evidence),
            amount_pence=amount_pence,
        )


class ProhibitedSpend(Rule):
    """Spending in a category the council's policy says direct payments may not buy.

    Source: Care Act 2014 s.33(3) (payments only for the needs in the plan, DP-USE-01); the
    council's list of exclusions, typically gambling, alcohol, tobacco, dating and escort
    services (RULES.md DP-USE-05 [LOCAL]; §4 `card_blocked_categories`). CSSG 12.35 (DP-USE-02)
    warns against unreasonable restrictions, so the list is the council's, passed in.
    """

    code = "DP-PROHIBITED-SPEND"
    title = "Spending the council's policy does not allow"
    description = "Payments in a spending category the council's direct payment policy excludes."
    severity = "high"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        found = [
            t
            for t in facts.transactions
            if t.is_spending and t.category is not None and t.category in thresholds.prohibited_categories
        ]
        if not found:
            return None
        total = -sum(t.amount_pence for t in found)
        by_category = Counter(CATEGORY_LABELS[SpendCategory(t.category)] for t in found if t.category)
        kinds = ", ".join(f"{label} ({n})" for label, n in sorted(by_category.items()))
        return self.finding(
            f"{_plural(len(found), 'payment')} ({format_pence(total)}) were for things the council's direct "
            f"payment policy does not allow: {kinds}.",
            [
                transaction_evidence(
                    t, f"{t.shown}, {format_pence(-t.amount_pence)}: {CATEGORY_LABELS[SpendCategory(t.category)]}"
                )
                for t in found
                if t.category is not None
            ],
            total,
        )


class CashWithdrawal(Rule):
    """Cash withdrawals where the council does not allow them, or above its limit for a period.

    Source: RULES.md §4 "Prepaid cards" `cash_withdrawal_policy` ∈ {none, allowed, by agreement}
    and `cash_limit` [LOCAL] (about a third of councils prohibit cash, a third allow it, a third
    allow it in some circumstances; Oldham: no cash withdrawals); DP-USE-05.
    """

    code = "DP-CASH-WITHDRAWAL"
    title = "Cash withdrawals outside the council's cash policy"
    description = "Cash taken out where the policy does not allow it, or more than the limit for a period."
    severity = "medium"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        policy = thresholds.cash
        cash = sorted((t for t in facts.transactions if t.is_cash), key=lambda t: (t.posted_on, t.id))
        if not cash or policy.mode == "allowed":
            return None
        if policy.mode == "not_allowed":
            total = -sum(t.amount_pence for t in cash)
            return self.finding(
                f"{_plural(len(cash), 'cash withdrawal')} ({format_pence(total)}) were made, and the council's "
                "policy does not allow cash withdrawals.",
                [transaction_evidence(t) for t in cash],
                total,
            )
        assert policy.limit_pence is not None
        assert policy.period_days is not None
        over: dict[str, AccountTransaction] = {}
        worst = 0
        for end in cash:
            window = [t for t in cash if 0 <= (end.posted_on - t.posted_on).days < policy.period_days]
            taken = -sum(t.amount_pence for t in window)
            if taken > policy.limit_pence:
                worst = max(worst, taken)
                over.update((t.id, t) for t in window)
        if not over:
            return None
        items = sorted(over.values(), key=lambda t: (t.posted_on, t.id))
        return self.finding(
            f"Cash withdrawals reached {format_pence(worst)} within {_plural(policy.period_days, 'day')}, above the "
            f"council's limit of {format_pence(policy.limit_pence)} for {_plural(policy.period_days, 'day')}.",
            [transaction_evidence(t) for t in items],
            worst - policy.limit_pence,
        )


class Surplus(Rule):
    """A balance above the weeks of payments the council allows a person to keep, after commitments.

    Source: RULES.md DP-REP-01 (St Helens: recover a surplus above 8 weeks' funding), §4
    "Surplus / contingency" (Richmond, Haringey, Durham, Gateshead) [LOCAL]; the arithmetic is
    CALCULATE.md `surplus` (`dp.monitoring.domain.surplus.calculate_surplus`), including that
    overpaid contribution goes back to the person first.
    """

    code = "DP-SURPLUS"
    title = "Surplus in the account"
    description = "The balance, less money already owed, is more than the weeks of payments the council allows."
    severity = "medium"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        if thresholds.surplus is None:
            raise PolicyMissing("The council has not set its surplus policy", field="surplus")
        result = calculate_surplus(
            SurplusRequest(
                balance_pence=facts.balance_pence,
                weekly_payment_pence=facts.weekly_payment_pence,
                policy=thresholds.surplus,
                commitments=facts.commitments,
                overpaid_contribution_pence=facts.overpaid_contribution_pence,
            )
        )
        if result.status != "surplus":
            return None
        refund = (
            f" Of it, {format_pence(result.refund_to_person_pence)} is contribution the person overpaid and goes "
            "back to them first."
            if result.refund_to_person_pence
            else ""
        )
        return self.finding(
            f"On {format_date(facts.balance_on)} the balance was {format_pence(facts.balance_pence)}; less "
            f"{format_pence(result.commitments_pence)} already owed, that is {format_pence(result.excess_pence)} more "
            f"than the {_plural(thresholds.surplus.allowed_weeks, 'week')} of payments "
            f"({format_pence(result.threshold_pence)}) the council allows.{refund} The council may recover "
            f"{format_pence(result.recoverable_pence)}.",
            [
                EvidenceItem(
                    ref=f"balance:{facts.balance_on.isoformat()}:{facts.balance_pence}",
                    note=f"Balance {format_pence(facts.balance_pence)}",
                    on=facts.balance_on,
                    amount_pence=facts.balance_pence,
                ),
                # What else the amount depends on is part of the evidence (and so of its key): money owed recorded
                # later, or a change to the weeks allowed or the weekly payment, gives a new finding.
                EvidenceItem(
                    ref=f"owed:{result.commitments_pence}",
                    note=f"Already owed: {format_pence(result.commitments_pence)}",
                    on=facts.as_of,
                    amount_pence=result.commitments_pence,
                ),
                EvidenceItem(
                    ref=f"allowed:{thresholds.surplus.allowed_weeks}:{facts.weekly_payment_pence}",
                    note=(
                        f"Allowed: {_plural(thresholds.surplus.allowed_weeks, 'week')} of "
                        f"{format_pence(facts.weekly_payment_pence)}"
                    ),
                    on=None,
                    amount_pence=result.threshold_pence,
                ),
            ],
            result.excess_pence,
        )


class ContributionArrears(Rule):
    """Assessed contribution unpaid for more than the council's number of weeks.

    Source: Care Act 2014 s.14 (charging); RULES.md DP-PAY-01 (net payments: the person pays their
    contribution into the account); DP-TERM-04 and §4 "Missed contributions" (failure to pay the
    assessed contribution is a ground to suspend or end, Gloucestershire; audits check it,
    Cheshire West, Wigan, Worcestershire) [LOCAL].
    """

    code = "DP-CONTRIBUTION-ARREARS"
    title = "Contribution not paid"
    description = "Unpaid assessed contribution is more than the council's number of weeks of contribution."
    severity = "medium"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        weekly = facts.weekly_contribution_pence
        if weekly <= 0:
            return None
        unpaid = [c for c in facts.contributions if c.due_on <= facts.as_of and c.unpaid_pence > 0]
        arrears = sum(c.unpaid_pence for c in unpaid)
        limit = thresholds.contribution_arrears_weeks * weekly
        if arrears <= limit:
            return None
        weeks = Decimal(arrears) / Decimal(weekly)
        return self.finding(
            f"{format_pence(arrears)} of assessed contribution is unpaid, about {weeks:.1f} weeks of the weekly "
            f"contribution of {format_pence(weekly)}; the council's limit is "
            f"{_plural(thresholds.contribution_arrears_weeks, 'week')} ({format_pence(limit)}).",
            [
                EvidenceItem(
                    ref=f"contribution:{c.id}",
                    note=(
                        f"Due {format_date(c.due_on)}: {format_pence(c.amount_pence)}, "
                        f"paid {format_pence(c.paid_pence)}"
                    ),
                    on=c.due_on,
                    amount_pence=c.unpaid_pence,
                )
                for c in sorted(unpaid, key=lambda c: (c.due_on, c.id))
            ],
            arrears,
        )


class NoSpend(Rule):
    """No spending from the account for the council's number of weeks: needs may not be being met.

    Source: Care Act 2014 s.33(3) (payments are for meeting the needs in the plan, DP-USE-01);
    DP Regs 2014 reg 7(1)(d) (a review when the council is concerned the payments are not being
    used for the needs, DP-REV-02); RULES.md §4 surplus (unspent money builds up) [LOCAL].
    """

    code = "DP-NO-SPEND"
    title = "No spending"
    description = "Nothing has been spent from the account for the council's number of weeks."
    severity = "medium"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        if facts.first_payment_on is None or facts.first_payment_on > facts.as_of:
            return None
        spending = [
            t
            for t in facts.transactions
            if t.is_spending and t.category != SpendCategory.BANK_CHARGES and t.posted_on <= facts.as_of
        ]
        last = max(spending, key=lambda t: (t.posted_on, t.id), default=None)
        since = last.posted_on if last else max(facts.first_payment_on, facts.period_start)
        days = (facts.as_of - since).days
        if days < thresholds.no_spend_weeks * 7:
            return None
        if last is not None:
            evidence = transaction_evidence(last, f"Last spending: {last.shown}, {format_pence(-last.amount_pence)}")
            what = f"The last spending was on {format_date(last.posted_on)}"
        else:
            evidence = EvidenceItem(
                ref=f"no-spending-since:{since.isoformat()}", note=f"No spending since {format_date(since)}", on=since
            )
            what = f"Nothing has been spent since {format_date(since)}"
        return self.finding(
            f"{what}, {days // 7} weeks before {format_date(facts.as_of)}; the council looks again after "
            f"{_plural(thresholds.no_spend_weeks, 'week')}. The person's needs may not be being met.",
            [evidence],
        )


class LineOverspend(Rule):
    """A support plan line spent well over its planned amount for the period.

    Source: Care Act 2014 s.33(3) and s.25 (the plan specifies the needs and how they are met,
    DP-USE-01); the tolerance is local policy (RULES.md §4) [LOCAL].
    """

    code = "DP-LINE-OVERSPEND"
    title = "A plan line is overspent"
    description = "Spending against a plan line is more than its planned amount plus the council's tolerance."
    severity = "low"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        days = (facts.period_end - facts.period_start).days
        evidence: list[EvidenceItem] = []
        notes: list[str] = []
        total_over = 0
        for line in facts.plan_lines:
            spent_on = [
                t
                for t in facts.transactions
                if t.plan_line_id == line.id and t.is_spending and facts.period_start <= t.posted_on < facts.period_end
            ]
            spent = -sum(t.amount_pence for t in spent_on)
            planned = round_to_pence(Decimal(line.weekly_pence) * days / 7) + line.one_off_pence
            allowed = planned * (100 + thresholds.line_overspend_percent) / 100
            if spent <= allowed:
                continue
            total_over += spent - planned
            notes.append(f"{line.label}: {format_pence(spent)} spent against {format_pence(planned)} planned")
            evidence.append(
                EvidenceItem(ref=f"plan_line:{line.id}", note=f"Planned {format_pence(planned)}", amount_pence=planned)
            )
            evidence.extend(transaction_evidence(t) for t in sorted(spent_on, key=lambda t: (t.posted_on, t.id)))
        if not evidence:
            return None
        return self.finding(
            f"Between {format_date(facts.period_start)} and {format_date(facts.period_end - dt.timedelta(days=1))}, "
            f"{'; '.join(notes)}, more than {thresholds.line_overspend_percent}% over.",
            evidence,
            total_over,
        )


class UnknownPayee(Rule):
    """Payments to someone who is not a known Personal Assistant, agency or provider.

    Source: Care Act 2014 s.33(3) (DP-USE-01); DP Regs 2014 reg 3 (paying a family member living
    in the same household needs the council's agreement, RULES.md §1.2); PA-EMP-01 (employment
    status rules apply to anyone paid for care). Card purchases with a merchant category code are
    not payees and are left to the category rules.
    """

    code = "DP-UNKNOWN-PAYEE"
    title = "Payments to an unknown payee"
    description = "Money paid to a person or organisation the council has no record of."
    severity = "medium"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        found = [
            t
            for t in facts.transactions
            if t.is_spending
            and t.payee_id is None
            and t.category is None
            and t.plan_line_id is None
            and t.merchant_category_code is None
            and t.status == "unexplained"
        ]
        if not found:
            return None
        total = -sum(t.amount_pence for t in found)
        names = sorted({t.shown for t in found})
        return self.finding(
            f"{_plural(len(found), 'payment')} ({format_pence(total)}) went to payees the council has no record of: "
            f"{', '.join(names)}.",
            [transaction_evidence(t) for t in found],
            total,
        )


class DuplicatePayment(Rule):
    """The same amount paid to the same payee twice within a few days: possibly paid twice.

    Source: local financial control (RULES.md §4, [LOCAL]); monitoring should be proportionate
    (DP-REV-04), so this is a prompt to check, not a breach.
    """

    code = "DP-DUPLICATE-PAYMENT"
    title = "Possible duplicate payment"
    description = "The same payee and amount within the council's number of days."
    severity = "low"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        groups: dict[tuple[str, int], list[AccountTransaction]] = {}
        for t in facts.transactions:
            if not t.is_spending or t.is_cash:
                continue
            who = f"payee:{t.payee_id}" if t.payee_id else " ".join(normalise_words(t.merchant or t.description))
            if not who:
                continue
            groups.setdefault((who, t.amount_pence), []).append(t)
        pairs: list[tuple[AccountTransaction, AccountTransaction]] = []
        for items in groups.values():
            items.sort(key=lambda t: (t.posted_on, t.id))
            pairs.extend(
                (a, b)
                for a, b in itertools.pairwise(items)
                if (b.posted_on - a.posted_on).days <= thresholds.duplicate_payment_days
            )
        if not pairs:
            return None
        involved = {t.id: t for pair in pairs for t in pair}
        described = "; ".join(
            f"{a.shown} {format_pence(-a.amount_pence)} on {format_date(a.posted_on)} and {format_date(b.posted_on)}"
            for a, b in pairs
        )
        return self.finding(
            f"The same amount was paid to the same payee within {_plural(thresholds.duplicate_payment_days, 'day')}: "
            f"{described}. Check it was not paid twice.",
            [transaction_evidence(t) for t in sorted(involved.values(), key=lambda t: (t.posted_on, t.id))],
            -sum(b.amount_pence for _, b in pairs),
        )


class PaBelowMinimumWage(Rule):
    """A Personal Assistant paid less than the minimum wage for the hours worked.

    Source: National Minimum Wage Act 1998; rates RULES.md PA-WAGE-01..05 (gov.uk), checked with
    `dp.assessments.domain.pa_pay.check_pa_pay` (CALCULATE.md `pa-pay-check`). The person is the
    employer and must pay at least the minimum wage.
    """

    code = "DP-PA-BELOW-MIN-WAGE"
    title = "Personal Assistant paid below the minimum wage"
    description = "Pay for the hours worked is below the National Minimum or Living Wage for the PA's age."
    severity = "high"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        evidence: list[EvidenceItem] = []
        notes: list[str] = []
        shortfall_total = 0
        for pay in sorted(facts.pa_pay, key=lambda p: (p.worked_on, p.id)):
            if pay.hours <= 0:
                continue
            rates = thresholds.minimum_wage_on(pay.worked_on)
            hourly = round_to_pence(Decimal(pay.gross_pay_pence) / pay.hours)
            result = check_pa_pay(
                PaPayRequest(
                    worked_on=pay.worked_on,
                    age=pay.age,
                    hourly_rate_pence=hourly,
                    apprentice_first_year=pay.apprentice_first_year,
                ),
                rates,
            )
            owed = round_to_pence(pay.hours * result.minimum_hourly_rate_pence)
            # Judged on the pay for the hours, not the rounded hourly rate, so no penny is lost to rounding.
            if pay.gross_pay_pence >= owed:
                continue
            shortfall = owed - pay.gross_pay_pence
            shortfall_total += shortfall
            notes.append(
                f"{pay.pa_name} was paid {format_pence(pay.gross_pay_pence)} for {pay.hours.normalize():f} hours to "
                f"{format_date(pay.worked_on)}, {format_pence(shortfall)} less than the {result.rate_name} of "
                f"{format_pence(result.minimum_hourly_rate_pence)} an hour"
            )
            evidence.append(
                EvidenceItem(
                    ref=f"pa_pay:{pay.id}",
                    note=f"{pay.pa_name}: {pay.hours.normalize():f} hours, {format_pence(pay.gross_pay_pence)}",
                    on=pay.worked_on,
                    amount_pence=shortfall,
                )
            )
        if not evidence:
            return None
        return self.finding(
            "; ".join(notes) + ". As the employer, the person must pay at least the minimum wage.",
            evidence,
            shortfall_total,
        )


class CashNoReceipt(Rule):
    """Cash withdrawals with no receipt or record of what the cash paid for, after the council's days.

    Source: RULES.md §4 "Record keeping" (Worcestershire: keep invoices, receipts, wage slips and
    timesheets) and "Prepaid cards" (cash by agreement) [LOCAL]; Care Act 2014 s.33(3).
    """

    code = "DP-CASH-NO-RECEIPT"
    title = "Cash without a receipt"
    description = "Cash withdrawals with no receipt or record of what the cash bought."
    severity = "low"

    def evaluate(self, facts: AccountFacts, thresholds: Thresholds) -> Finding | None:
        found = sorted(
            (
                t
                for t in facts.transactions
                if t.is_cash and not t.has_receipt and (facts.as_of - t.posted_on).days > thresholds.cash_receipt_days
            ),
            key=lambda t: (t.posted_on, t.id),
        )
        if not found:
            return None
        total = -sum(t.amount_pence for t in found)
        return self.finding(
            f"{_plural(len(found), 'cash withdrawal')} ({format_pence(total)}) have no receipt or record of what the "
            f"cash paid for, more than {_plural(thresholds.cash_receipt_days, 'day')} after they were made.",
            [transaction_evidence(t) for t in found],
            total,
        )


def _registry(*rules: Rule) -> Mapping[str, Rule]:
    registry: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in registry:
            raise ValueError(f"Two rules have the code {rule.code}")
        registry[rule.code] = rule
    return registry


#: Every rule, by its stable code, in the order findings are shown.
RULES: Mapping[str, Rule] = _registry(
    ProhibitedSpend(),
    CashWithdrawal(),
    Surplus(),
    ContributionArrears(),
    NoSpend(),
    LineOverspend(),
    UnknownPayee(),
    DuplicatePayment(),
    PaBelowMinimumWage(),
    CashNoReceipt(),
)


@dataclass(frozen=True)
class SkippedRule:
    code: str
    reason: str


@dataclass(frozen=True)
class Evaluation:
    """`findings` to raise; `dismissed` (same evidence as a finding already dismissed); `skipped` rules."""

    findings: tuple[Finding, ...]
    dismissed: tuple[Finding, ...]
    skipped: tuple[SkippedRule, ...]


def evaluate_all(
    facts: AccountFacts,
    thresholds: Thresholds,
    dismissed_keys: Collection[str] = frozenset(),
    *,
    rules: Mapping[str, Rule] = RULES,
) -> Evaluation:
    """Run every rule on one account; findings whose evidence key was dismissed are held back."""
    findings: list[Finding] = []
    dismissed: list[Finding] = []
    skipped: list[SkippedRule] = []
    for code, rule in rules.items():
        try:
            finding = rule.evaluate(facts, thresholds)
        except PolicyMissing as exc:
            skipped.append(SkippedRule(code, exc.message))
            continue
        if finding is None:
            continue
        (dismissed if finding.evidence_key in dismissed_keys else findings).append(finding)
    return Evaluation(findings=tuple(findings), dismissed=tuple(dismissed), skipped=tuple(skipped))
