"""Fair recovery of direct payment money: proposals with reasons and figures, then a decided method.

Design overview
---------------
A council may require repayment of direct payments not used for the needs in the plan, and may
recover a surplus (Care Act 2014 s.33(5), RULES.md DP-TERM-02; DP-REP-01 [LOCAL]). Fairness
here means four things:

1. **Reasons and figures.** A `RecoveryProposal` says why (the findings it rests on, in plain
   English) and shows the arithmetic as breakdown lines a person can check by hand.
2. **A chance to respond.** The proposal has a response period of the council's number of days
   (St Helens asks for repayment within 2 weeks of its letter, DP-REP-01; `response_days`),
   ending on `response_ends_on`. A recovery cannot be decided before that day has passed unless
   the person has responded (the same guard as `audits.check_audit_transition`).
3. **The person's money first.** Contribution the person overpaid is refunded to them before the
   council recovers any of its own money (Gateshead, RULES.md §4). The split is always made by
   `dp.monitoring.domain.surplus.calculate_surplus`, the one implementation of CALCULATE.md
   `surplus`: for a surplus directly; for money misused, as a "surplus" of the misused amount
   with nothing allowed to be kept, so `refund = min(overpaid contribution, amount)` and the
   council recovers the rest.
4. **A manageable way to pay.** The decided method is one of: an **invoice** (the person repays;
   `build_recovery_received` when paid); **deduction** from future payments in instalments
   (split with `dp.core.money.allocate`, so they sum exactly; each no more than the payment it
   reduces nor, if the council sets one, a percentage of it; `build_recovery_offset` as each
   reduced payment is made); or **recoup from the card** (a `RecoupRecord` for the card
   provider's file; `build_recovery_received` when the provider confirms).

Every method produces `JournalDraft`s from `dp.payments.domain.ledger`: the refund first
(`build_contribution_refunded`), then the recovery raised (`build_recovery_raised`), then the
settlement journals to post as each settlement happens.

Pure: no Django, no database, no clock (dates are arguments).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from dp.core.domain.breakdown import BreakdownLine, format_date
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.core.money import allocate, format_pence, round_to_pence
from dp.monitoring.domain.surplus import SurplusPolicy, SurplusRequest, calculate_surplus
from dp.payments.domain.ledger import (
    JournalDraft,
    build_contribution_refunded,
    build_recovery_offset,
    build_recovery_raised,
    build_recovery_received,
)
from dp.payments.domain.schedule import Basis

Ground = Literal["surplus", "misuse"]
Method = Literal["invoice", "deduction", "card_recoup"]

MAX_INSTALMENTS = 52
_CARD_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,34}\Z")  # as dp.payments.domain.card_load
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}\Z")


@dataclass(frozen=True)
class RecoveryPolicy:
    """The council's recovery policy (RULES.md DP-REP-01, §4 `recovery_deadline_days`) [LOCAL].

    `response_days`: how long the person has to respond to a proposal; `invoice_days`: how long
    to pay an invoice; `max_deduction_percent`: at most this share of any one payment may be
    deducted (None: up to the whole payment).
    """

    response_days: int
    invoice_days: int
    max_deduction_percent: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("response_days", "invoice_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationFailed(f"{name} must be a whole number of days, 1 or more", field=name)
        pct = self.max_deduction_percent
        if pct is not None and (not isinstance(pct, Decimal) or not 0 < pct <= 100):
            raise ValidationFailed(
                "max_deduction_percent must be more than 0 and at most 100", field="max_deduction_percent"
            )


@dataclass(frozen=True)
class MisusedPayment:
    """A payment out of the account that was not for the needs in the plan (evidence of a finding)."""

    transaction_id: str
    posted_on: dt.date
    amount_pence: int  # the money that left the account, positive
    description: str

    def __post_init__(self) -> None:
        if self.amount_pence <= 0:
            raise ValidationFailed("A misused payment is an amount of more than £0", field="amount_pence")


@dataclass(frozen=True)
class RecoveryProposal:
    """A proposed recovery: reasons, figures and the response period."""

    person: str
    basis: Basis
    ground: Ground
    reasons: tuple[str, ...]
    finding_keys: tuple[str, ...]
    amount_pence: int  # the money at issue: the surplus excess, or the payments misused
    refund_to_person_pence: int  # overpaid contribution, refunded first
    recoverable_pence: int  # what the council may recover
    proposed_on: dt.date
    response_ends_on: dt.date
    breakdown: tuple[BreakdownLine, ...]


def _check_common(reasons: Sequence[str], proposed_on: dt.date, policy: RecoveryPolicy) -> dt.date:
    if not reasons or not all(r.strip() for r in reasons):
        raise ValidationFailed("A recovery needs its reasons, in words the person can follow", field="reasons")
    return proposed_on + dt.timedelta(days=policy.response_days)


def propose_surplus_recovery(
    *,
    person: str,
    basis: Basis,
    surplus: SurplusRequest,
    reasons: Sequence[str],
    finding_keys: Sequence[str] = (),
    proposed_on: dt.date,
    policy: RecoveryPolicy,
) -> RecoveryProposal:
    """Propose recovering a surplus (DP-REP-01): `calculate_surplus` gives the excess and the refund first."""
    response_ends_on = _check_common(reasons, proposed_on, policy)
    result = calculate_surplus(surplus)
    if result.excess_pence <= 0:
        raise ValidationFailed(
            "There is no surplus to recover: the balance is within the council's limit", field="surplus"
        )
    lines = [
        BreakdownLine.money("Balance", surplus.balance_pence),
        BreakdownLine.money("Less money already owed (commitments)", result.commitments_pence),
        BreakdownLine.money(
            f"Less {surplus.policy.allowed_weeks} weeks of payments the person may keep", result.threshold_pence
        ),
        BreakdownLine.money("Surplus", result.excess_pence),
        BreakdownLine.money("Overpaid contribution refunded to the person first", result.refund_to_person_pence),
        BreakdownLine.money("The council proposes to recover", result.recoverable_pence),
        BreakdownLine.text("You can respond until", format_date(response_ends_on)),
    ]
    return RecoveryProposal(
        person=person,
        basis=basis,
        ground="surplus",
        reasons=tuple(reasons),
        finding_keys=tuple(finding_keys),
        amount_pence=result.excess_pence,
        refund_to_person_pence=result.refund_to_person_pence,
        recoverable_pence=result.recoverable_pence,
        proposed_on=proposed_on,
        response_ends_on=response_ends_on,
        breakdown=tuple(lines),
    )


def propose_misuse_recovery(
    *,
    person: str,
    basis: Basis,
    payments: Sequence[MisusedPayment],
    overpaid_contribution_pence: int = 0,
    reasons: Sequence[str],
    finding_keys: Sequence[str] = (),
    proposed_on: dt.date,
    policy: RecoveryPolicy,
) -> RecoveryProposal:
    """Propose repayment of money not used for the needs in the plan (Care Act 2014 s.33(5), DP-TERM-02)."""
    response_ends_on = _check_common(reasons, proposed_on, policy)
    if not payments:
        raise ValidationFailed("Name the payments the recovery is for", field="payments")
    if len({p.transaction_id for p in payments}) != len(payments):
        raise ValidationFailed("A payment is listed twice", field="payments")
    amount = sum(p.amount_pence for p in payments)
    # The same refund-first split as a surplus: the whole misused amount is "excess".
    split = calculate_surplus(
        SurplusRequest(
            balance_pence=amount,
            weekly_payment_pence=0,
            policy=SurplusPolicy(allowed_weeks=0),
            overpaid_contribution_pence=overpaid_contribution_pence,
        )
    )
    lines = [
        BreakdownLine.money(f"{p.description} on {format_date(p.posted_on)}", p.amount_pence)
        for p in sorted(payments, key=lambda p: (p.posted_on, p.transaction_id))
    ]
    lines += [
        BreakdownLine.money("Payments not used for the needs in the support plan", amount),
        BreakdownLine.money("Overpaid contribution refunded to the person first", split.refund_to_person_pence),
        BreakdownLine.money("The council proposes to recover", split.recoverable_pence),
        BreakdownLine.text("You can respond until", format_date(response_ends_on)),
    ]
    return RecoveryProposal(
        person=person,
        basis=basis,
        ground="misuse",
        reasons=tuple(reasons),
        finding_keys=tuple(finding_keys),
        amount_pence=amount,
        refund_to_person_pence=split.refund_to_person_pence,
        recoverable_pence=split.recoverable_pence,
        proposed_on=proposed_on,
        response_ends_on=response_ends_on,
        breakdown=tuple(lines),
    )


# -- deciding the method ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledPayment:
    """A future direct payment that a deduction could reduce."""

    due_on: dt.date
    amount_pence: int


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: dt.date
    amount_pence: int
    payment_pence: int  # the payment before the deduction
    journal: JournalDraft  # post when the reduced payment is made


@dataclass(frozen=True)
class RecoupRecord:
    """One row for the card provider's recoup file: take this amount back from this card.

    Columns, in the style of the card-load file (`dp.payments.domain.card_load`):
    ``RECOUP,<card_account_reference>,<amount_pence>,GBP,<recoup_on YYYY-MM-DD>,<recoup_reference>``;
    the provider must treat the reference as an idempotency key.
    """

    card_account_reference: str
    amount_pence: int
    recoup_on: dt.date
    recoup_reference: str

    def as_row(self) -> tuple[str, ...]:
        return (
            "RECOUP",
            self.card_account_reference,
            str(self.amount_pence),
            "GBP",
            self.recoup_on.isoformat(),
            self.recoup_reference,
        )


@dataclass(frozen=True)
class RecoveryPlan:
    """A decided recovery: the journals in posting order and how the money comes back."""

    proposal: RecoveryProposal
    method: Method
    decided_on: dt.date
    refund_journal: JournalDraft | None  # post first: the person's overpaid contribution
    raised_journal: JournalDraft | None  # post on the decision
    settlement_journals: tuple[JournalDraft, ...]  # post as each settlement happens
    invoice_due_on: dt.date | None = None
    instalments: tuple[Instalment, ...] = ()
    recoup: RecoupRecord | None = None

    @property
    def journals(self) -> tuple[JournalDraft, ...]:
        """Every journal, in the order they are posted."""
        first = tuple(j for j in (self.refund_journal, self.raised_journal) if j is not None)
        return first + self.settlement_journals


def _check_decision(proposal: RecoveryProposal, decided_on: dt.date, response_received: bool) -> None:
    if not response_received and decided_on <= proposal.response_ends_on:
        raise TransitionNotAllowed(
            f"The person has until {format_date(proposal.response_ends_on)} to respond; the recovery can be decided "
            "after that, or once they have responded",
            field="decided_on",
        )


def _opening_journals(proposal: RecoveryProposal) -> tuple[JournalDraft | None, JournalDraft | None]:
    refund = (
        build_contribution_refunded(
            person=proposal.person, amount_pence=proposal.refund_to_person_pence, basis=proposal.basis
        )
        if proposal.refund_to_person_pence
        else None
    )
    raised = (
        build_recovery_raised(person=proposal.person, amount_pence=proposal.recoverable_pence)
        if proposal.recoverable_pence
        else None
    )
    return refund, raised


def decide_by_invoice(
    proposal: RecoveryProposal,
    *,
    decided_on: dt.date,
    policy: RecoveryPolicy,
    response_received: bool = False,
) -> RecoveryPlan:
    """The person is invoiced for the recoverable amount, due `policy.invoice_days` after the decision."""
    _check_decision(proposal, decided_on, response_received)
    refund, raised = _opening_journals(proposal)
    settlement = (
        (build_recovery_received(person=proposal.person, amount_pence=proposal.recoverable_pence),)
        if proposal.recoverable_pence
        else ()
    )
    return RecoveryPlan(
        proposal=proposal,
        method="invoice",
        decided_on=decided_on,
        refund_journal=refund,
        raised_journal=raised,
        settlement_journals=settlement,
        invoice_due_on=decided_on + dt.timedelta(days=policy.invoice_days) if proposal.recoverable_pence else None,
    )


def decide_by_deduction(
    proposal: RecoveryProposal,
    *,
    decided_on: dt.date,
    future_payments: Sequence[ScheduledPayment],
    instalments: int,
    policy: RecoveryPolicy,
    response_received: bool = False,
) -> RecoveryPlan:
    """Recover by reducing the next `instalments` payments after the decision, in parts that sum exactly."""
    _check_decision(proposal, decided_on, response_received)
    if isinstance(instalments, bool) or not isinstance(instalments, int) or not 1 <= instalments <= MAX_INSTALMENTS:
        raise ValidationFailed(f"Choose between 1 and {MAX_INSTALMENTS} instalments", field="instalments")
    if proposal.recoverable_pence <= 0:
        raise ValidationFailed("There is nothing for the council to recover", field="instalments")
    if instalments > proposal.recoverable_pence:  # every instalment takes at least a penny
        raise ValidationFailed(
            f"{format_pence(proposal.recoverable_pence)} cannot be taken in {instalments} instalments; choose at most "
            f"{proposal.recoverable_pence}",
            field="instalments",
        )
    upcoming = sorted((p for p in future_payments if p.due_on > decided_on), key=lambda p: p.due_on)
    if len(upcoming) < instalments:
        raise ValidationFailed(
            f"Only {len(upcoming)} payments are scheduled after {format_date(decided_on)}, fewer than the "
            f"{instalments} instalments chosen",
            field="instalments",
        )
    parts = allocate(proposal.recoverable_pence, [1] * instalments)
    plan: list[Instalment] = []
    for number, (payment, part) in enumerate(zip(upcoming, parts, strict=False), start=1):
        cap = payment.amount_pence
        if policy.max_deduction_percent is not None:
            cap = round_to_pence(payment.amount_pence * policy.max_deduction_percent / 100)
        if part > cap:
            raise ValidationFailed(
                f"Instalment {number} ({format_pence(part)}) is more than can be taken from the payment of "
                f"{format_pence(payment.amount_pence)} on {format_date(payment.due_on)}"
                + (f" (at most {policy.max_deduction_percent}%)" if policy.max_deduction_percent is not None else "")
                + "; choose more instalments",
                field="instalments",
            )
        plan.append(
            Instalment(
                number=number,
                due_on=payment.due_on,
                amount_pence=part,
                payment_pence=payment.amount_pence,
                journal=build_recovery_offset(person=proposal.person, amount_pence=part),
            )
        )
    refund, raised = _opening_journals(proposal)
    return RecoveryPlan(
        proposal=proposal,
        method="deduction",
        decided_on=decided_on,
        refund_journal=refund,
        raised_journal=raised,
        settlement_journals=tuple(i.journal for i in plan),
        instalments=tuple(plan),
    )


def decide_by_card_recoup(
    proposal: RecoveryProposal,
    *,
    decided_on: dt.date,
    card_account_reference: str,
    recoup_reference: str,
    response_received: bool = False,
) -> RecoveryPlan:
    """Take the recoverable amount back from the prepaid card (RULES.md §4, Gateshead: recouped from the card)."""
    _check_decision(proposal, decided_on, response_received)
    if proposal.recoverable_pence <= 0:
        raise ValidationFailed("There is nothing for the council to recover", field="card_account_reference")
    if not _CARD_ACCOUNT.match(card_account_reference):
        raise ValidationFailed(
            "The card account reference must be 1 to 35 letters, digits, hyphens, underscores or slashes",
            field="card_account_reference",
        )
    if not _REFERENCE.match(recoup_reference):
        raise ValidationFailed(
            "The recoup reference must be 1 to 64 letters, digits, hyphens, underscores, full stops or slashes",
            field="recoup_reference",
        )
    refund, raised = _opening_journals(proposal)
    return RecoveryPlan(
        proposal=proposal,
        method="card_recoup",
        decided_on=decided_on,
        refund_journal=refund,
        raised_journal=raised,
        settlement_journals=(build_recovery_received(person=proposal.person, amount_pence=proposal.recoverable_pence),),
        recoup=RecoupRecord(
            card_account_reference=card_account_reference,
            amount_pence=proposal.recoverable_pence,
            recoup_on=decided_on,
            recoup_reference=recoup_reference,
        ),
    )
