"""Surplus: how much of a direct payment balance the council may recover.

Design overview
---------------
A person may keep a contingency in their direct payment account: a number of weeks of the
council's weekly payment set by local policy (RULES.md §4 "Surplus / contingency": St Helens
recovers above 8 weeks' funding, Richmond's agreement allows 8 x the weekly payment, Haringey
expects 4 to 8 weeks in credit). What is above it, after the money already owed out of the
account (Durham: "balance - unpaid wages/invoices - contingency"), is surplus. Of the surplus,
contribution the person overpaid goes back to them first (Gateshead: overpaid assessed
contribution refunded, overpaid council funding recouped); the rest the council may recover
(DP-REP-01: surplus above the threshold; DP-TERM-02: repayment of payments not used for needs).

The arithmetic, exactly as CALCULATE.md `surplus` defines it:

* ``threshold = allowed_weeks x weekly_payment``
* ``available = balance - sum(commitments)``
* ``excess = max(0, available - threshold)``
* ``refund_to_person = min(overpaid_contribution, excess)``
* ``recoverable = excess - refund_to_person``
* status: ``surplus`` when ``excess > 0``; otherwise ``under_funded`` when the policy sets
  ``minimum_weeks`` and ``available < minimum_weeks x weekly_payment``; otherwise
  ``within_limits``.

Policy: the number of weeks is local policy, never a constant (RULES.md §4, §8 item 4: no
national figure exists). With no `policy` object the council's current policy applies (the
caller passes it in as `council_policy`); with one, `allowed_weeks` must be given, because there
is no national default for it, and a `minimum_weeks` left out means no minimum.

A balance may be negative (an overdrawn bank account); every other amount is zero or more.

Pure: no Django, no database, no clock. Money is `int` pence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from dp.core.domain.calculation_io import (
    MAX_PENCE,
    BreakdownLine,
    JsonObject,
    breakdown_json,
    money_line,
    value_line,
)
from dp.core.errors import PolicyMissing, ValidationFailed

Status = Literal["surplus", "under_funded", "within_limits"]

#: Longest contingency a policy may set (two years); a guard on input, not a rule.
MAX_WEEKS = 104
MAX_LABEL_LENGTH = 200

REQUEST_FIELDS = (
    "balance_pence",
    "weekly_payment_pence",
    "commitments",
    "policy",
    "overpaid_contribution_pence",
)
COMMITMENT_FIELDS = ("label", "amount_pence")
POLICY_FIELDS = ("allowed_weeks", "minimum_weeks")


def _check_pence(value: int, field: str, *, allow_negative: bool = False) -> None:
    if value < 0 and not allow_negative:
        raise ValidationFailed(f"{field} must not be negative", field=field)
    if abs(value) > MAX_PENCE:
        raise ValidationFailed(f"{field} must be no more than {MAX_PENCE} pence", field=field)


def _check_weeks(value: int | None, field: str) -> None:
    if value is not None and not 0 <= value <= MAX_WEEKS:
        raise ValidationFailed(f"{field} must be between 0 and {MAX_WEEKS}", field=field)


@dataclass(frozen=True)
class Commitment:
    """Money already owed out of the account: unpaid wages, invoices, tax, holiday pay."""

    label: str
    amount_pence: int


@dataclass(frozen=True)
class SurplusPolicy:
    """Local policy (RULES.md §4 `surplus_threshold_weeks`, `contingency_weeks`)."""

    allowed_weeks: int
    minimum_weeks: int | None = None

    def __post_init__(self) -> None:
        _check_weeks(self.allowed_weeks, "policy.allowed_weeks")
        _check_weeks(self.minimum_weeks, "policy.minimum_weeks")


@dataclass(frozen=True)
class SurplusRequest:
    balance_pence: int
    weekly_payment_pence: int
    policy: SurplusPolicy
    commitments: tuple[Commitment, ...] = ()
    overpaid_contribution_pence: int = 0

    def __post_init__(self) -> None:
        _check_pence(self.balance_pence, "balance_pence", allow_negative=True)
        _check_pence(self.weekly_payment_pence, "weekly_payment_pence")
        _check_pence(self.overpaid_contribution_pence, "overpaid_contribution_pence")
        for i, c in enumerate(self.commitments):
            _check_pence(c.amount_pence, f"commitments[{i}].amount_pence")


@dataclass(frozen=True)
class SurplusResult:
    request: SurplusRequest
    status: Status
    threshold_pence: int
    commitments_pence: int
    available_pence: int
    excess_pence: int
    refund_to_person_pence: int
    recoverable_pence: int
    minimum_pence: int | None


def calculate_surplus(request: SurplusRequest) -> SurplusResult:
    """CALCULATE.md `surplus` (see the module docstring for the rule and its sources)."""
    policy = request.policy
    weekly = request.weekly_payment_pence
    threshold = policy.allowed_weeks * weekly
    commitments = sum(c.amount_pence for c in request.commitments)
    available = request.balance_pence - commitments
    excess = max(0, available - threshold)
    refund = min(request.overpaid_contribution_pence, excess)
    minimum = None if policy.minimum_weeks is None else policy.minimum_weeks * weekly
    status: Status
    if excess > 0:
        status = "surplus"
    elif minimum is not None and available < minimum:
        status = "under_funded"
    else:
        status = "within_limits"
    return SurplusResult(
        request=request,
        status=status,
        threshold_pence=threshold,
        commitments_pence=commitments,
        available_pence=available,
        excess_pence=excess,
        refund_to_person_pence=refund,
        recoverable_pence=excess - refund,
        minimum_pence=minimum,
    )


# -- the contract's JSON -------------------------------------------------------------------------


def parse_request(payload: object, *, council_policy: SurplusPolicy | None = None) -> SurplusRequest:
    """Check a `surplus` request exactly as CALCULATE.md describes it.

    `council_policy` is the council's current policy, used when the request has no `policy`
    object; when neither is there, `PolicyMissing` is raised (field `policy`).
    """
    body = JsonObject(payload, "", REQUEST_FIELDS)
    balance = body.pence("balance_pence", allow_negative=True)
    weekly = body.pence("weekly_payment_pence")
    commitments = tuple(
        Commitment(
            label=item.text("label", max_length=MAX_LABEL_LENGTH).strip(), amount_pence=item.pence("amount_pence")
        )
        for item in body.objects("commitments", COMMITMENT_FIELDS, required=False)
    )
    policy_body = body.optional_object("policy", POLICY_FIELDS)
    if policy_body is None:
        if council_policy is None:
            raise PolicyMissing(
                "The council has not set its surplus policy: send policy.allowed_weeks for a what-if", field="policy"
            )
        policy = council_policy
    else:
        if not policy_body.has("allowed_weeks"):
            raise ValidationFailed(
                "policy.allowed_weeks is required: how many weeks a person may keep is local policy, "
                "with no national default",
                field="policy.allowed_weeks",
            )
        policy = SurplusPolicy(
            allowed_weeks=policy_body.integer("allowed_weeks", minimum=0, maximum=MAX_WEEKS),
            minimum_weeks=policy_body.optional_integer("minimum_weeks", minimum=0, maximum=MAX_WEEKS),
        )
    overpaid = body.pence("overpaid_contribution_pence", default=0)
    return SurplusRequest(
        balance_pence=balance,
        weekly_payment_pence=weekly,
        policy=policy,
        commitments=commitments,
        overpaid_contribution_pence=overpaid,
    )


def _weeks(n: int) -> str:
    return "1 week" if n == 1 else f"{n} weeks"


def breakdown(result: SurplusResult) -> tuple[BreakdownLine, ...]:
    """The working, in the order a person checks it: balance, commitments, threshold, excess, who gets it."""
    request, policy = result.request, result.request.policy
    lines = [money_line("Balance", request.balance_pence)]
    lines.extend(money_line(f"Less {c.label}", c.amount_pence) for c in request.commitments)
    lines.append(money_line("Balance less commitments", result.available_pence))
    lines.append(money_line("Weekly direct payment", request.weekly_payment_pence))
    lines.append(
        money_line(f"Allowed to keep: {_weeks(policy.allowed_weeks)} of the weekly payment", result.threshold_pence)
    )
    lines.append(money_line("Excess over what may be kept", result.excess_pence))
    if request.overpaid_contribution_pence:
        lines.append(money_line("Contribution the person overpaid", request.overpaid_contribution_pence))
    lines.append(
        money_line(
            "Refunded to the person first (overpaid contribution, at most the excess)", result.refund_to_person_pence
        )
    )
    lines.append(money_line("Recoverable by the council", result.recoverable_pence))
    if result.minimum_pence is not None and policy.minimum_weeks is not None:
        lines.append(
            money_line(f"Minimum to hold: {_weeks(policy.minimum_weeks)} of the weekly payment", result.minimum_pence)
        )
    if result.status == "surplus":
        verdict = f"Surplus: the balance less commitments is more than {_weeks(policy.allowed_weeks)} of payments"
    elif result.status == "under_funded":
        verdict = (
            f"Under-funded: the balance less commitments is less than {_weeks(policy.minimum_weeks or 0)} of payments"
        )
    else:
        verdict = "Within limits: nothing to recover"
    lines.append(value_line("Result", verdict))
    return tuple(lines)


def to_response(result: SurplusResult) -> dict[str, Any]:
    """The contract's response fields, and nothing else."""
    return {
        "status": result.status,
        "recoverable_pence": result.recoverable_pence,
        "refund_to_person_pence": result.refund_to_person_pence,
        "threshold_pence": result.threshold_pence,
        "breakdown": breakdown_json(breakdown(result)),
    }


def calculate_json(payload: object, *, council_policy: SurplusPolicy | None = None) -> dict[str, Any]:
    """Request JSON (already decoded) in, response JSON out."""
    return to_response(calculate_surplus(parse_request(payload, council_policy=council_policy)))
