"""Fair recovery: reasons and figures, the response period, the person's money first, and each method's journals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.monitoring.domain.recovery import (
    MisusedPayment,
    RecoupRecord,
    RecoveryPolicy,
    ScheduledPayment,
    decide_by_card_recoup,
    decide_by_deduction,
    decide_by_invoice,
    propose_misuse_recovery,
    propose_surplus_recovery,
)
from dp.monitoring.domain.surplus import Commitment, SurplusPolicy, SurplusRequest
from dp.payments.domain.ledger import (
    COUNCIL_DP_FUNDING,
    Leg,
    is_balanced,
    net_movements,
    person_contributions_due,
    person_dp_account,
    person_recoveries_due,
)

D = dt.date
POLICY = RecoveryPolicy(response_days=14, invoice_days=28)
PROPOSED = D(2026, 6, 1)
AFTER = D(2026, 6, 16)  # the day after the response period ends (15 June)
SURPLUS = SurplusRequest(
    balance_pence=150000,
    weekly_payment_pence=10000,
    policy=SurplusPolicy(allowed_weeks=8),
    commitments=(Commitment("Invoice", 20000),),
    overpaid_contribution_pence=5000,
)
DP, DUE, RECOVER = person_dp_account(42), person_contributions_due(42), person_recoveries_due(42)


def surplus_proposal(**changes: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "person": "42",
        "basis": "net",
        "surplus": SURPLUS,
        "reasons": ["The balance is more than 8 weeks of payments after what is owed (DP-SURPLUS)."],
        "finding_keys": ["abc"],
        "proposed_on": PROPOSED,
        "policy": POLICY,
        **changes,
    }
    return propose_surplus_recovery(**values)  # type: ignore[arg-type]


class TestPolicy:
    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"response_days": 0, "invoice_days": 28}, "response_days"),
            ({"response_days": 14, "invoice_days": True}, "invoice_days"),
            ({"response_days": 14, "invoice_days": 28, "max_deduction_percent": Decimal(0)}, "max_deduction_percent"),
            ({"response_days": 14, "invoice_days": 28, "max_deduction_percent": Decimal(101)}, "max_deduction_percent"),
            ({"response_days": 14, "invoice_days": 28, "max_deduction_percent": 50}, "max_deduction_percent"),
        ],
    )
    def test_bad_policy(self, kwargs, field):
        with pytest.raises(ValidationFailed) as info:
            RecoveryPolicy(**kwargs)
        assert info.value.field == field


class TestProposals:
    def test_a_surplus_proposal_refunds_overpaid_contribution_first(self):
        proposal = surplus_proposal()
        assert (
            proposal.ground,
            proposal.amount_pence,
            proposal.refund_to_person_pence,
            proposal.recoverable_pence,
        ) == (
            "surplus",
            50000,
            5000,
            45000,
        )
        assert proposal.response_ends_on == D(2026, 6, 15)
        assert proposal.finding_keys == ("abc",)
        assert proposal.breakdown == (
            BreakdownLine.money("Balance", 150000),
            BreakdownLine.money("Less money already owed (commitments)", 20000),
            BreakdownLine.money("Less 8 weeks of payments the person may keep", 80000),
            BreakdownLine.money("Surplus", 50000),
            BreakdownLine.money("Overpaid contribution refunded to the person first", 5000),
            BreakdownLine.money("The council proposes to recover", 45000),
            BreakdownLine.text("You can respond until", "15 June 2026"),
        )

    def test_no_surplus_no_proposal(self):
        within = SurplusRequest(balance_pence=80000, weekly_payment_pence=10000, policy=SurplusPolicy(allowed_weeks=8))
        with pytest.raises(ValidationFailed) as info:
            surplus_proposal(surplus=within)
        assert info.value.field == "surplus"

    @pytest.mark.parametrize("reasons", [[], ["  "]])
    def test_reasons_are_required(self, reasons):
        with pytest.raises(ValidationFailed) as info:
            surplus_proposal(reasons=reasons)
        assert info.value.field == "reasons"

    def test_a_misuse_proposal(self):
        payments = [
            MisusedPayment("t2", D(2026, 5, 2), 3210, "The Crown Inn"),
            MisusedPayment("t1", D(2026, 5, 1), 2500, "Lucky Star Bingo"),
        ]
        proposal = propose_misuse_recovery(
            person="42",
            basis="gross",
            payments=payments,
            overpaid_contribution_pence=1000,
            reasons=["Gambling and alcohol are not in the support plan (DP-PROHIBITED-SPEND)."],
            proposed_on=PROPOSED,
            policy=POLICY,
        )
        assert (proposal.amount_pence, proposal.refund_to_person_pence, proposal.recoverable_pence) == (
            5710,
            1000,
            4710,
        )
        assert [line.label for line in proposal.breakdown[:2]] == [
            "Lucky Star Bingo on 1 May 2026",
            "The Crown Inn on 2 May 2026",
        ]

    def test_overpaid_contribution_beyond_the_amount_is_not_refunded_here(self):
        proposal = propose_misuse_recovery(
            person="42",
            basis="net",
            payments=[MisusedPayment("t1", D(2026, 5, 1), 2500, "Bingo")],
            overpaid_contribution_pence=9999,
            reasons=["x"],
            proposed_on=PROPOSED,
            policy=POLICY,
        )
        assert (proposal.refund_to_person_pence, proposal.recoverable_pence) == (2500, 0)

    def test_misuse_needs_distinct_payments(self):
        common = {"person": "42", "basis": "net", "reasons": ["x"], "proposed_on": PROPOSED, "policy": POLICY}
        with pytest.raises(ValidationFailed, match="Name the payments"):
            propose_misuse_recovery(payments=[], **common)  # type: ignore[arg-type]
        twice = [MisusedPayment("t1", D(2026, 5, 1), 1, "x")] * 2
        with pytest.raises(ValidationFailed, match="listed twice"):
            propose_misuse_recovery(payments=twice, **common)  # type: ignore[arg-type]
        with pytest.raises(ValidationFailed):
            MisusedPayment("t1", D(2026, 5, 1), 0, "x")


class TestTheResponsePeriod:
    @pytest.mark.parametrize(
        "decide",
        [
            lambda p, on, **kw: decide_by_invoice(p, decided_on=on, policy=POLICY, **kw),
            lambda p, on, **kw: decide_by_deduction(
                p,
                decided_on=on,
                future_payments=[ScheduledPayment(D(2026, 7, 1), 90000)],
                instalments=1,
                policy=POLICY,
                **kw,
            ),
            lambda p, on, **kw: decide_by_card_recoup(
                p, decided_on=on, card_account_reference="CARD-1", recoup_reference="R-1", **kw
            ),
        ],
    )
    def test_no_decision_until_it_ends_unless_the_person_responds(self, decide):
        proposal = surplus_proposal()
        with pytest.raises(TransitionNotAllowed, match="has until 15 June 2026 to respond"):
            decide(proposal, D(2026, 6, 15))
        assert decide(proposal, AFTER).decided_on == AFTER
        assert decide(proposal, D(2026, 6, 2), response_received=True).decided_on == D(2026, 6, 2)


class TestInvoice:
    def test_net_basis_journals_in_order(self):
        plan = decide_by_invoice(surplus_proposal(person="42"), decided_on=AFTER, policy=POLICY)
        assert plan.method == "invoice"
        assert plan.invoice_due_on == D(2026, 7, 14)
        assert plan.refund_journal is not None
        assert plan.refund_journal.legs == (Leg.debit(DUE, 5000), Leg.credit(DP, 5000))
        assert plan.raised_journal is not None
        assert plan.raised_journal.legs == (Leg.debit(RECOVER, 45000), Leg.credit(DP, 45000))
        assert [j.legs for j in plan.settlement_journals] == [
            (Leg.debit(COUNCIL_DP_FUNDING, 45000), Leg.credit(RECOVER, 45000))
        ]
        assert plan.journals == (plan.refund_journal, plan.raised_journal, *plan.settlement_journals)
        movements = net_movements(plan.journals)
        assert movements == {DUE: 5000, DP: -50000, COUNCIL_DP_FUNDING: 45000}

    def test_gross_basis_refund_comes_from_the_council(self):
        plan = decide_by_invoice(surplus_proposal(basis="gross"), decided_on=AFTER, policy=POLICY)
        assert plan.refund_journal is not None
        assert plan.refund_journal.legs == (Leg.debit(DUE, 5000), Leg.credit(COUNCIL_DP_FUNDING, 5000))

    def test_everything_refunded_nothing_to_invoice(self):
        proposal = propose_misuse_recovery(
            person="42",
            basis="net",
            payments=[MisusedPayment("t1", D(2026, 5, 1), 2500, "Bingo")],
            overpaid_contribution_pence=2500,
            reasons=["x"],
            proposed_on=PROPOSED,
            policy=POLICY,
        )
        plan = decide_by_invoice(proposal, decided_on=AFTER, policy=POLICY)
        assert (plan.raised_journal, plan.settlement_journals, plan.invoice_due_on) == (None, (), None)
        assert plan.journals == (plan.refund_journal,)


PAYMENTS = [ScheduledPayment(D(2026, 6, 29) + dt.timedelta(weeks=4 * i), 40000) for i in range(6)]


class TestDeduction:
    def test_instalments_sum_exactly_and_reduce_the_next_payments(self):
        plan = decide_by_deduction(
            surplus_proposal(),
            decided_on=AFTER,
            future_payments=[ScheduledPayment(D(2026, 6, 1), 40000), *reversed(PAYMENTS)],
            instalments=4,
            policy=POLICY,
        )
        assert [(i.number, i.due_on, i.amount_pence, i.payment_pence) for i in plan.instalments] == [
            (1, D(2026, 6, 29), 11250, 40000),
            (2, D(2026, 7, 27), 11250, 40000),
            (3, D(2026, 8, 24), 11250, 40000),
            (4, D(2026, 9, 21), 11250, 40000),
        ]
        assert [j.legs for j in plan.settlement_journals] == [
            (Leg.debit(DP, 11250), Leg.credit(RECOVER, 11250)) for _ in range(4)
        ]
        assert RECOVER not in net_movements(plan.journals)

    def test_odd_pennies_go_first(self):
        proposal = surplus_proposal(surplus=SurplusRequest(80001, 10000, SurplusPolicy(allowed_weeks=0)))
        plan = decide_by_deduction(proposal, decided_on=AFTER, future_payments=PAYMENTS, instalments=3, policy=POLICY)
        assert [i.amount_pence for i in plan.instalments] == [26667, 26667, 26667]
        assert sum(i.amount_pence for i in plan.instalments) == 80001 - 0

    def test_a_deduction_cannot_take_more_than_the_payment_or_the_councils_share(self):
        with pytest.raises(
            ValidationFailed, match=r"Instalment 1 \(£450\.00\) is more than can be taken from the payment of £400\.00"
        ):
            decide_by_deduction(
                surplus_proposal(), decided_on=AFTER, future_payments=PAYMENTS, instalments=1, policy=POLICY
            )
        capped = RecoveryPolicy(response_days=14, invoice_days=28, max_deduction_percent=Decimal(25))
        with pytest.raises(ValidationFailed, match="at most 25%"):
            decide_by_deduction(
                surplus_proposal(), decided_on=AFTER, future_payments=PAYMENTS, instalments=4, policy=capped
            )
        plan = decide_by_deduction(
            surplus_proposal(), decided_on=AFTER, future_payments=PAYMENTS, instalments=5, policy=capped
        )
        assert max(i.amount_pence for i in plan.instalments) == 9000

    @pytest.mark.parametrize("instalments", [0, 53, True])
    def test_instalment_count(self, instalments):
        with pytest.raises(ValidationFailed) as info:
            decide_by_deduction(
                surplus_proposal(), decided_on=AFTER, future_payments=PAYMENTS, instalments=instalments, policy=POLICY
            )
        assert info.value.field == "instalments"

    def test_not_enough_payments_or_nothing_to_recover(self):
        with pytest.raises(ValidationFailed, match="Only 6 payments are scheduled after 16 June 2026"):
            decide_by_deduction(
                surplus_proposal(), decided_on=AFTER, future_payments=PAYMENTS, instalments=7, policy=POLICY
            )
        nothing = propose_misuse_recovery(
            person="42",
            basis="net",
            payments=[MisusedPayment("t1", D(2026, 5, 1), 100, "x")],
            overpaid_contribution_pence=100,
            reasons=["x"],
            proposed_on=PROPOSED,
            policy=POLICY,
        )
        with pytest.raises(ValidationFailed, match="nothing for the council to recover"):
            decide_by_deduction(nothing, decided_on=AFTER, future_payments=PAYMENTS, instalments=1, policy=POLICY)
        with pytest.raises(ValidationFailed, match="nothing for the council to recover"):
            decide_by_card_recoup(nothing, decided_on=AFTER, card_account_reference="C1", recoup_reference="R1")


class TestCardRecoup:
    def test_a_recoup_record_and_its_journals(self):
        plan = decide_by_card_recoup(
            surplus_proposal(), decided_on=AFTER, card_account_reference="CARD-0001234", recoup_reference="RC-2026-0001"
        )
        assert plan.recoup == RecoupRecord("CARD-0001234", 45000, AFTER, "RC-2026-0001")
        assert plan.recoup.as_row() == ("RECOUP", "CARD-0001234", "45000", "GBP", "2026-06-16", "RC-2026-0001")
        assert [j.legs for j in plan.settlement_journals] == [
            (Leg.debit(COUNCIL_DP_FUNDING, 45000), Leg.credit(RECOVER, 45000))
        ]

    @pytest.mark.parametrize(
        ("card", "reference", "field"),
        [
            ("CARD 1", "R1", "card_account_reference"),
            ("", "R1", "card_account_reference"),
            ("C1", "-R1", "recoup_reference"),
        ],
    )
    def test_references_are_checked(self, card, reference, field):
        with pytest.raises(ValidationFailed) as info:
            decide_by_card_recoup(
                surplus_proposal(), decided_on=AFTER, card_account_reference=card, recoup_reference=reference
            )
        assert info.value.field == field


class TestProperties:
    @given(
        balance=st.integers(min_value=0, max_value=10**8),
        weekly=st.integers(min_value=0, max_value=10**6),
        weeks=st.integers(min_value=0, max_value=12),
        overpaid=st.integers(min_value=0, max_value=10**7),
        instalments=st.integers(min_value=1, max_value=6),
        basis=st.sampled_from(["net", "gross"]),
    )
    def test_refund_first_and_every_method_balances_and_settles(
        self, balance, weekly, weeks, overpaid, instalments, basis
    ):
        request = SurplusRequest(
            balance, weekly, SurplusPolicy(allowed_weeks=weeks), overpaid_contribution_pence=overpaid
        )
        try:
            proposal = surplus_proposal(surplus=request, basis=basis)
        except ValidationFailed:
            return  # no surplus
        assert proposal.refund_to_person_pence == min(overpaid, proposal.amount_pence)
        assert proposal.refund_to_person_pence + proposal.recoverable_pence == proposal.amount_pence
        plans = [decide_by_invoice(proposal, decided_on=AFTER, policy=POLICY)]
        if proposal.recoverable_pence:
            plans.append(
                decide_by_card_recoup(proposal, decided_on=AFTER, card_account_reference="C1", recoup_reference="R1")
            )
            big = [ScheduledPayment(p.due_on, 10**9) for p in PAYMENTS]
            if instalments > proposal.recoverable_pence:  # a penny cannot be taken in two instalments
                with pytest.raises(ValidationFailed, match="choose at most"):
                    decide_by_deduction(
                        proposal, decided_on=AFTER, future_payments=big, instalments=instalments, policy=POLICY
                    )
                instalments = proposal.recoverable_pence
            plans.append(
                decide_by_deduction(
                    proposal, decided_on=AFTER, future_payments=big, instalments=instalments, policy=POLICY
                )
            )
        for plan in plans:
            assert all(is_balanced(j) for j in plan.journals)
            movements = net_movements(plan.journals)
            assert RECOVER not in movements  # every recovery raised is settled by the plan's journals
            assert movements.get(DUE, 0) == proposal.refund_to_person_pence
