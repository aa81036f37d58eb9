"""Surplus: CALCULATE.md `surplus`, the arithmetic, the status, the JSON and the breakdown."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.core.errors import PolicyMissing, ValidationFailed
from dp.monitoring.domain.surplus import (
    MAX_PENCE,
    Commitment,
    SurplusPolicy,
    SurplusRequest,
    calculate_json,
    calculate_surplus,
    parse_request,
    to_response,
)

WEEKLY = 10000  # £100 a week
EIGHT_WEEKS = SurplusPolicy(allowed_weeks=8)


def request(balance: int, *commitments: int, overpaid: int = 0, policy: SurplusPolicy = EIGHT_WEEKS) -> SurplusRequest:
    return SurplusRequest(
        balance_pence=balance,
        weekly_payment_pence=WEEKLY,
        policy=policy,
        commitments=tuple(Commitment(f"Invoice {i}", amount) for i, amount in enumerate(commitments, 1)),
        overpaid_contribution_pence=overpaid,
    )


def body(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "balance_pence": 150000,
        "weekly_payment_pence": WEEKLY,
        "commitments": [{"label": "Unpaid wages", "amount_pence": 20000}],
        "policy": {"allowed_weeks": 8},
    }
    payload.update(overrides)
    return payload


def error_of(payload: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        parse_request(payload)
    return info.value


class TestArithmetic:
    def test_threshold_is_allowed_weeks_times_the_weekly_payment(self):
        assert calculate_surplus(request(0)).threshold_pence == 80000

    def test_excess_after_commitments_is_recoverable(self):
        result = calculate_surplus(request(150000, 20000, 5000))
        assert result.available_pence == 125000
        assert result.excess_pence == 45000
        assert (result.status, result.recoverable_pence, result.refund_to_person_pence) == ("surplus", 45000, 0)

    def test_overpaid_contribution_comes_back_to_the_person_first(self):
        result = calculate_surplus(request(100000, overpaid=5000))
        assert (result.refund_to_person_pence, result.recoverable_pence) == (5000, 15000)

    def test_refund_is_at_most_the_excess(self):
        result = calculate_surplus(request(100000, overpaid=50000))
        assert (result.refund_to_person_pence, result.recoverable_pence) == (20000, 0)
        assert result.status == "surplus"

    def test_no_excess_means_no_refund_even_with_overpaid_contribution(self):
        result = calculate_surplus(request(80000, overpaid=5000))
        assert (result.refund_to_person_pence, result.recoverable_pence, result.status) == (0, 0, "within_limits")

    def test_exactly_at_the_threshold_is_within_limits(self):
        assert calculate_surplus(request(80000)).status == "within_limits"

    def test_one_penny_over_is_a_surplus(self):
        result = calculate_surplus(request(80001))
        assert (result.status, result.recoverable_pence) == ("surplus", 1)

    def test_commitments_above_the_balance_never_make_the_excess_negative(self):
        result = calculate_surplus(request(1000, 5000))
        assert result.excess_pence == 0
        assert result.available_pence == -4000

    def test_overdrawn_balance(self):
        result = calculate_surplus(request(-500, policy=SurplusPolicy(8, minimum_weeks=0)))
        assert result.status == "under_funded"

    def test_zero_allowed_weeks_makes_everything_above_commitments_surplus(self):
        result = calculate_surplus(request(3000, 1000, policy=SurplusPolicy(0)))
        assert result.recoverable_pence == 2000


class TestStatus:
    @pytest.mark.parametrize(
        ("balance", "status"),
        [
            (80001, "surplus"),
            (80000, "within_limits"),
            (40000, "within_limits"),
            (39999, "under_funded"),
            (0, "under_funded"),
        ],
    )
    def test_with_a_minimum_of_four_weeks(self, balance, status):
        assert calculate_surplus(request(balance, policy=SurplusPolicy(8, minimum_weeks=4))).status == status

    def test_without_a_minimum_a_low_balance_is_within_limits(self):
        assert calculate_surplus(request(0)).status == "within_limits"

    def test_commitments_count_towards_under_funding(self):
        policy = SurplusPolicy(8, minimum_weeks=4)
        assert calculate_surplus(request(45000, 5000, policy=policy)).status == "within_limits"
        assert calculate_surplus(request(45000, 5001, policy=policy)).status == "under_funded"

    def test_surplus_wins_when_a_minimum_is_above_the_allowance(self):
        assert calculate_surplus(request(90000, policy=SurplusPolicy(8, minimum_weeks=10))).status == "surplus"


class TestPolicy:
    def test_council_policy_applies_without_a_policy_object(self):
        payload = body()
        del payload["policy"]
        parsed = parse_request(payload, council_policy=SurplusPolicy(6, minimum_weeks=2))
        assert parsed.policy == SurplusPolicy(6, minimum_weeks=2)

    def test_policy_object_replaces_the_councils_and_left_out_minimum_means_none(self):
        parsed = parse_request(body(), council_policy=SurplusPolicy(6, minimum_weeks=2))
        assert parsed.policy == SurplusPolicy(8, minimum_weeks=None)

    def test_no_policy_anywhere(self):
        payload = body()
        del payload["policy"]
        with pytest.raises(PolicyMissing) as info:
            parse_request(payload)
        assert info.value.field == "policy"

    def test_allowed_weeks_has_no_national_default(self):
        error = error_of(body(policy={"minimum_weeks": 4}))
        assert error.field == "policy.allowed_weeks"
        assert "no national default" in error.message

    @pytest.mark.parametrize(
        ("policy", "field"),
        [
            ({"allowed_weeks": -1}, "policy.allowed_weeks"),
            ({"allowed_weeks": 105}, "policy.allowed_weeks"),
            ({"allowed_weeks": 8.0}, "policy.allowed_weeks"),
            ({"allowed_weeks": "8"}, "policy.allowed_weeks"),
            ({"allowed_weeks": 8, "minimum_weeks": True}, "policy.minimum_weeks"),
            ({"allowed_weeks": 8, "minimum_weeks": -1}, "policy.minimum_weeks"),
            ({"allowed_weeks": 8, "minimum": 4}, "policy.minimum"),
            ([8], "policy"),
        ],
    )
    def test_bad_policy(self, policy, field):
        assert error_of(body(policy=policy)).field == field

    def test_policy_invariants_without_json(self):
        with pytest.raises(ValidationFailed) as info:
            SurplusPolicy(allowed_weeks=200)
        assert info.value.field == "policy.allowed_weeks"


class TestParseRequest:
    def test_reads_every_field(self):
        parsed = parse_request(body(overpaid_contribution_pence=300))
        assert parsed == SurplusRequest(
            balance_pence=150000,
            weekly_payment_pence=WEEKLY,
            policy=EIGHT_WEEKS,
            commitments=(Commitment("Unpaid wages", 20000),),
            overpaid_contribution_pence=300,
        )

    def test_commitments_and_overpaid_contribution_default_to_none(self):
        parsed = parse_request({"balance_pence": 1, "weekly_payment_pence": 1, "policy": {"allowed_weeks": 1}})
        assert (parsed.commitments, parsed.overpaid_contribution_pence) == ((), 0)

    def test_balance_may_be_negative(self):
        assert parse_request(body(balance_pence=-100)).balance_pence == -100

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"balance": 1}, "balance"),
            ({"balance_pence": 1.5}, "balance_pence"),
            ({"balance_pence": None}, "balance_pence"),
            ({"weekly_payment_pence": -1}, "weekly_payment_pence"),
            ({"weekly_payment_pence": True}, "weekly_payment_pence"),
            ({"overpaid_contribution_pence": -1}, "overpaid_contribution_pence"),
            ({"commitments": {"label": "x"}}, "commitments"),
            ({"commitments": [{"label": "Tax", "amount_pence": 1}, {"label": "Wages"}]}, "commitments[1].amount_pence"),
            ({"commitments": [{"label": "", "amount_pence": 1}]}, "commitments[0].label"),
            ({"commitments": [{"label": 5, "amount_pence": 1}]}, "commitments[0].label"),
            ({"commitments": [{"label": "Tax", "amount_pence": -1}]}, "commitments[0].amount_pence"),
            ({"commitments": [{"label": "Tax", "amount_pence": 1, "note": ""}]}, "commitments[0].note"),
        ],
    )
    def test_bad_input(self, overrides, field):
        assert error_of(body(**overrides)).field == field

    @pytest.mark.parametrize("missing", ["balance_pence", "weekly_payment_pence"])
    def test_required(self, missing):
        payload = body()
        del payload[missing]
        assert error_of(payload).field == missing

    def test_not_an_object(self):
        assert error_of("balance").field == ""

    def test_request_invariants_without_json(self):
        with pytest.raises(ValidationFailed) as info:
            request(0, -1)
        assert info.value.field == "commitments[0].amount_pence"
        with pytest.raises(ValidationFailed, match="no more than") as info:
            request(-MAX_PENCE - 1)
        assert info.value.field == "balance_pence"


class TestResponse:
    def test_exactly_the_contract_fields(self):
        response = calculate_json(body(overpaid_contribution_pence=5000))
        assert list(response) == [
            "status",
            "recoverable_pence",
            "refund_to_person_pence",
            "threshold_pence",
            "breakdown",
        ]
        assert response["status"] == "surplus"
        assert (response["recoverable_pence"], response["refund_to_person_pence"], response["threshold_pence"]) == (
            45000,
            5000,
            80000,
        )
        json.dumps(response)

    def test_breakdown_in_the_order_a_person_checks_it(self):
        response = calculate_json(
            body(overpaid_contribution_pence=5000, policy={"allowed_weeks": 8, "minimum_weeks": 4})
        )
        assert response["breakdown"] == [
            {"label": "Balance", "amount_pence": 150000},
            {"label": "Less Unpaid wages", "amount_pence": 20000},
            {"label": "Balance less commitments", "amount_pence": 130000},
            {"label": "Weekly direct payment", "amount_pence": 10000},
            {"label": "Allowed to keep: 8 weeks of the weekly payment", "amount_pence": 80000},
            {"label": "Excess over what may be kept", "amount_pence": 50000},
            {"label": "Contribution the person overpaid", "amount_pence": 5000},
            {"label": "Refunded to the person first (overpaid contribution, at most the excess)", "amount_pence": 5000},
            {"label": "Recoverable by the council", "amount_pence": 45000},
            {"label": "Minimum to hold: 4 weeks of the weekly payment", "amount_pence": 40000},
            {"label": "Result", "value": "Surplus: the balance less commitments is more than 8 weeks of payments"},
        ]

    def test_under_funded_and_within_limits_verdicts(self):
        low = calculate_json(body(balance_pence=29999, policy={"allowed_weeks": 8, "minimum_weeks": 1}))
        assert low["status"] == "under_funded"
        assert low["breakdown"][-1] == {
            "label": "Result",
            "value": "Under-funded: the balance less commitments is less than 1 week of payments",
        }
        fine = to_response(calculate_surplus(request(50000)))
        assert fine["breakdown"][-1] == {"label": "Result", "value": "Within limits: nothing to recover"}
        assert "Contribution the person overpaid" not in [line["label"] for line in fine["breakdown"]]

    def test_council_policy_through_calculate_json(self):
        payload = body()
        del payload["policy"]
        assert calculate_json(payload, council_policy=SurplusPolicy(1))["threshold_pence"] == WEEKLY


money = st.integers(min_value=0, max_value=10**9)


class TestSurplusProperties:
    @given(
        balance=st.integers(min_value=-(10**9), max_value=10**10),
        weekly=money,
        commitments=st.lists(money, max_size=5),
        overpaid=money,
        allowed=st.integers(0, 104),
        minimum=st.one_of(st.none(), st.integers(0, 104)),
    )
    def test_the_excess_is_shared_exactly_and_nothing_is_negative(
        self, balance, weekly, commitments, overpaid, allowed, minimum
    ):
        req = SurplusRequest(
            balance_pence=balance,
            weekly_payment_pence=weekly,
            policy=SurplusPolicy(allowed, minimum),
            commitments=tuple(Commitment("c", c) for c in commitments),
            overpaid_contribution_pence=overpaid,
        )
        result = calculate_surplus(req)
        assert result.recoverable_pence >= 0
        assert 0 <= result.refund_to_person_pence <= overpaid
        assert result.recoverable_pence + result.refund_to_person_pence == result.excess_pence
        assert result.excess_pence == max(0, balance - sum(commitments) - allowed * weekly)
        assert (result.status == "surplus") == (result.excess_pence > 0)
        if result.status == "under_funded":
            assert minimum is not None
            assert balance - sum(commitments) < minimum * weekly
