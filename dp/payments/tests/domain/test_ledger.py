"""Double-entry journal drafts: legs, balance, reversal, and the builders for direct-payment money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.core.errors import ValidationFailed
from dp.payments.domain import ledger as lg
from dp.payments.domain.ledger import (
    COUNCIL_CONTRIBUTIONS_CHARGED,
    COUNCIL_DP_FUNDING,
    TRANSIT_BANK,
    TRANSIT_CARD_PROVIDER,
    JournalDraft,
    Leg,
    build_contribution_due,
    build_contribution_received,
    build_council_payment,
    build_payment_arrived,
    build_payment_returned,
    build_recovery_offset,
    build_recovery_raised,
    build_recovery_received,
    is_balanced,
    net_movements,
    reverse,
)

DP = "person:42:dp_account"
DUE = "person:42:contributions_due"
RECOVER = "person:42:recoveries_due"


class TestLeg:
    def test_one_side_positive(self):
        assert Leg.debit("a", 5) == Leg("a", 5, 0)
        assert Leg.credit("a", 5) == Leg("a", 0, 5)

    @pytest.mark.parametrize(("debit", "credit"), [(0, 0), (5, 5), (-5, 0), (0, -1), (5, -5)])
    def test_refuses_both_sides_neither_side_or_negative(self, debit, credit):
        with pytest.raises(ValidationFailed):
            Leg("a", debit, credit)

    def test_needs_an_account(self):
        with pytest.raises(ValidationFailed):
            Leg("", 1, 0)


class TestBalance:
    def test_balanced(self):
        assert is_balanced(JournalDraft("x", (Leg.debit("a", 5), Leg.credit("b", 3), Leg.credit("c", 2))))

    def test_unbalanced(self):
        assert not is_balanced(JournalDraft("x", (Leg.debit("a", 5), Leg.credit("b", 4))))

    def test_no_legs_is_not_a_journal(self):
        assert not is_balanced(JournalDraft("x", ()))


class TestReverse:
    def test_swaps_sides_and_marks_the_reversal(self):
        journal = JournalDraft("Direct payment sent", (Leg.debit("a", 5), Leg.credit("b", 5)))
        reversed_ = reverse(journal)
        assert reversed_.legs == (Leg.credit("a", 5), Leg.debit("b", 5))
        assert reversed_.reversal
        assert reversed_.description == journal.description

    def test_a_journal_and_its_reversal_net_to_nothing(self):
        journal = build_council_payment(person=42, budget_pence=100, contribution_pence=0, basis="net", channel="bank")
        assert net_movements([journal, reverse(journal)]) == {}


class TestBuilders:
    def test_net_payment_is_budget_less_contribution(self):
        journal = build_council_payment(
            person=42, budget_pence=200000, contribution_pence=48000, basis="net", channel="bank"
        )
        assert journal.legs == (Leg.debit(TRANSIT_BANK, 152000), Leg.credit(COUNCIL_DP_FUNDING, 152000))
        assert "net basis" in journal.description
        assert "person 42" in journal.description

    def test_gross_payment_is_the_whole_budget(self):
        journal = build_council_payment(
            person="P-7", budget_pence=200000, contribution_pence=48000, basis="gross", channel="card_provider"
        )
        assert journal.legs == (Leg.debit(TRANSIT_CARD_PROVIDER, 200000), Leg.credit(COUNCIL_DP_FUNDING, 200000))

    def test_nothing_to_pay_has_no_journal(self):
        with pytest.raises(ValidationFailed, match="more than nothing"):
            build_council_payment(person=42, budget_pence=100, contribution_pence=150, basis="net", channel="bank")

    def test_negative_amounts_refused(self):
        with pytest.raises(ValidationFailed):
            build_council_payment(person=42, budget_pence=-1, contribution_pence=0, basis="gross", channel="bank")

    def test_unknown_channel_refused(self):
        with pytest.raises(ValidationFailed) as info:
            build_payment_arrived(person=42, amount_pence=1, channel="cheque")  # type: ignore[arg-type]
        assert info.value.field == "channel"

    @pytest.mark.parametrize("person", ["a:b", "", "x" * 65, True, "with space"])
    def test_person_reference_must_be_a_safe_key(self, person):
        with pytest.raises(ValidationFailed) as info:
            lg.person_dp_account(person)
        assert info.value.field == "person"

    def test_arrival_moves_money_from_transit_to_the_person(self):
        journal = build_payment_arrived(person=42, amount_pence=500, channel="bank")
        assert journal.legs == (Leg.debit(DP, 500), Leg.credit(TRANSIT_BANK, 500))

    def test_return_brings_money_back_to_the_council(self):
        journal = build_payment_returned(amount_pence=500, channel="card_provider", description="Load failed")
        assert journal.legs == (Leg.debit(COUNCIL_DP_FUNDING, 500), Leg.credit(TRANSIT_CARD_PROVIDER, 500))

    def test_deductions_repaid_clear_what_the_council_owed_back(self):
        journal = lg.build_deductions_repaid(person=42, amount_pence=2250)
        assert journal.legs == (Leg.debit(RECOVER, 2250), Leg.credit(DP, 2250))

    def test_contribution_due(self):
        journal = build_contribution_due(person=42, amount_pence=48000)
        assert journal.legs == (Leg.debit(DUE, 48000), Leg.credit(COUNCIL_CONTRIBUTIONS_CHARGED, 48000))

    def test_contribution_received_net_goes_into_the_persons_account(self):
        journal = build_contribution_received(person=42, amount_pence=48000, basis="net")
        assert journal.legs == (Leg.debit(DP, 48000), Leg.credit(DUE, 48000))

    def test_contribution_received_gross_goes_to_the_council(self):
        journal = build_contribution_received(person=42, amount_pence=48000, basis="gross")
        assert journal.legs == (Leg.debit(COUNCIL_DP_FUNDING, 48000), Leg.credit(DUE, 48000))

    def test_recovery_raised_received_and_offset(self):
        assert build_recovery_raised(person=42, amount_pence=9).legs == (Leg.debit(RECOVER, 9), Leg.credit(DP, 9))
        assert build_recovery_received(person=42, amount_pence=9).legs == (
            Leg.debit(COUNCIL_DP_FUNDING, 9),
            Leg.credit(RECOVER, 9),
        )
        assert build_recovery_offset(person=42, amount_pence=9).legs == (Leg.debit(DP, 9), Leg.credit(RECOVER, 9))

    @pytest.mark.parametrize("basis", ["net", "gross"])
    def test_a_fully_paid_period_leaves_the_whole_budget_in_the_account(self, basis):
        """Either basis: the account receives the budget; funding + contributions charged hold the budget."""
        budget, contribution = 200000, 48000
        sent = build_council_payment(
            person=42, budget_pence=budget, contribution_pence=contribution, basis=basis, channel="bank"
        )
        journals = [
            sent,
            build_payment_arrived(person=42, amount_pence=sent.debit_pence, channel="bank"),
            build_contribution_due(person=42, amount_pence=contribution),
            build_contribution_received(person=42, amount_pence=contribution, basis=basis),
        ]
        movements = net_movements(journals)
        assert movements[DP] == budget
        assert movements[COUNCIL_DP_FUNDING] + movements[COUNCIL_CONTRIBUTIONS_CHARGED] == -budget
        assert movements[COUNCIL_DP_FUNDING] == -(budget - contribution)
        assert DUE not in movements
        assert TRANSIT_BANK not in movements

    def test_recovery_by_offset_reconciles(self):
        """£100 surplus raised, then recovered by paying £100 less next time: the person has the full £500."""
        journals = [
            build_recovery_raised(person=42, amount_pence=10000),
            build_council_payment(person=42, budget_pence=40000, contribution_pence=0, basis="gross", channel="bank"),
            build_payment_arrived(person=42, amount_pence=40000, channel="bank"),
            build_recovery_offset(person=42, amount_pence=10000),
        ]
        movements = net_movements(journals)
        assert movements[DP] == 40000
        assert RECOVER not in movements
        assert movements[COUNCIL_DP_FUNDING] == -40000


# -- properties ----------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10**12)
people = st.one_of(st.integers(min_value=0, max_value=10**9), st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
channels = st.sampled_from(["bank", "card_provider"])
bases = st.sampled_from(["net", "gross"])

journals = st.one_of(
    st.builds(
        lambda person, budget, extra, basis, channel: build_council_payment(
            person=person,
            budget_pence=budget + extra,
            contribution_pence=budget if basis == "net" else extra,
            basis=basis,
            channel=channel,
        ),
        people,
        amounts,
        amounts,
        bases,
        channels,
    ),
    st.builds(lambda p, a, c: build_payment_arrived(person=p, amount_pence=a, channel=c), people, amounts, channels),
    st.builds(
        lambda a, c: build_payment_returned(amount_pence=a, channel=c, description="Returned"), amounts, channels
    ),
    st.builds(lambda p, a: build_contribution_due(person=p, amount_pence=a), people, amounts),
    st.builds(lambda p, a, b: build_contribution_received(person=p, amount_pence=a, basis=b), people, amounts, bases),
    st.builds(lambda p, a: build_recovery_raised(person=p, amount_pence=a), people, amounts),
    st.builds(lambda p, a: build_recovery_received(person=p, amount_pence=a), people, amounts),
    st.builds(lambda p, a: build_recovery_offset(person=p, amount_pence=a), people, amounts),
)

legs = st.builds(
    lambda account, amount, debit: Leg.debit(account, amount) if debit else Leg.credit(account, amount),
    st.sampled_from(["a", "b", "c", "d"]),
    amounts,
    st.booleans(),
)
any_journal = st.builds(JournalDraft, st.text(max_size=20), st.lists(legs, max_size=6).map(tuple), st.booleans())


class TestLedgerProperties:
    @given(journals)
    def test_builders_always_make_balanced_journals(self, journal):
        assert is_balanced(journal)
        assert all((leg.debit_pence > 0) != (leg.credit_pence > 0) for leg in journal.legs)

    @given(any_journal)
    def test_reversal_of_a_reversal_is_the_original(self, journal):
        assert reverse(reverse(journal)) == journal

    @given(any_journal)
    def test_reversal_keeps_balance_and_cancels_the_original(self, journal):
        assert is_balanced(reverse(journal)) == is_balanced(journal)
        assert net_movements([journal, reverse(journal)]) == {}

    @given(st.lists(journals, max_size=10))
    def test_movements_over_balanced_journals_sum_to_zero(self, batch):
        assert sum(net_movements(batch).values()) == 0


class TestRunJournals:
    """The batched "payments sent" journal and the per-payment "settled" journal of a payment run."""

    def test_payments_sent_is_the_sum_of_the_council_payments(self):
        from dp.payments.domain.ledger import build_council_payment, build_payments_sent, net_movements

        singles = [
            build_council_payment(person=1, budget_pence=100000, contribution_pence=20000, basis="net", channel="bank"),
            build_council_payment(person=2, budget_pence=50000, contribution_pence=0, basis="gross", channel="bank"),
            build_council_payment(
                person=3, budget_pence=70000, contribution_pence=10000, basis="net", channel="card_provider"
            ),
        ]
        batch = build_payments_sent(totals={"bank": 130000, "card_provider": 60000}, description="Run 1 part 1")
        assert is_balanced(batch)
        assert net_movements([batch]) == net_movements(singles)

    def test_payments_sent_refuses_nothing_and_negatives(self):
        from dp.payments.domain.ledger import build_payments_sent

        with pytest.raises(ValidationFailed):
            build_payments_sent(totals={"bank": 0}, description="x")
        with pytest.raises(ValidationFailed):
            build_payments_sent(totals={"bank": -1, "card_provider": 5}, description="x")

    def test_settled_is_arrival_plus_contribution_due(self):
        from dp.payments.domain.ledger import (
            build_contribution_due,
            build_payment_arrived,
            build_payment_settled,
            net_movements,
        )

        settled = build_payment_settled(
            person=7, amount_pence=80000, channel="card_provider", contribution_due_pence=20000, description="p"
        )
        assert is_balanced(settled)
        assert net_movements([settled]) == net_movements(
            [
                build_payment_arrived(person=7, amount_pence=80000, channel="card_provider"),
                build_contribution_due(person=7, amount_pence=20000),
            ]
        )

    def test_settled_with_a_contribution_reduction_or_nothing_sent(self):
        from dp.payments.domain.ledger import build_payment_settled, net_movements

        reduced = build_payment_settled(
            person=7, amount_pence=0, channel="bank", contribution_due_pence=-500, description="p"
        )
        assert net_movements([reduced]) == {"council:contributions_charged": 500, "person:7:contributions_due": -500}
        with pytest.raises(ValidationFailed):
            build_payment_settled(person=7, amount_pence=0, channel="bank", contribution_due_pence=0, description="p")


class TestContributionRefunded:
    """Overpaid contribution goes back to the person before any recovery (dp.monitoring.domain.recovery)."""

    def test_net_basis_comes_out_of_the_direct_payment_account(self):
        journal = lg.build_contribution_refunded(person=42, amount_pence=5000, basis="net")
        assert journal.legs == (Leg.debit(DUE, 5000), Leg.credit(DP, 5000))
        assert not journal.reversal
        assert journal.description == "Overpaid contribution refunded from the direct payment account to person 42"

    def test_gross_basis_is_repaid_by_the_council(self):
        journal = lg.build_contribution_refunded(person=42, amount_pence=5000, basis="gross")
        assert journal.legs == (Leg.debit(DUE, 5000), Leg.credit(COUNCIL_DP_FUNDING, 5000))

    @pytest.mark.parametrize("basis", ["net", "gross"])
    def test_an_overpayment_refunded_leaves_nothing_due(self, basis):
        journals = [
            build_contribution_due(person=42, amount_pence=4000),
            build_contribution_received(person=42, amount_pence=5000, basis=basis),
            lg.build_contribution_refunded(person=42, amount_pence=1000, basis=basis),
        ]
        assert DUE not in net_movements(journals)

    @pytest.mark.parametrize("amount", [0, -1])
    def test_nothing_to_refund_has_no_journal(self, amount):
        with pytest.raises(ValidationFailed):
            lg.build_contribution_refunded(person=42, amount_pence=amount, basis="net")

    @given(people, amounts, bases)
    def test_always_balanced(self, person, amount, basis):
        assert is_balanced(lg.build_contribution_refunded(person=person, amount_pence=amount, basis=basis))
