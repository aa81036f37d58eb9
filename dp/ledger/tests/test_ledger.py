"""The ledger: the database refuses unbalanced journals and edits of posted entries; any sequence
of allowed postings keeps every journal balanced and every balance equal to its entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dp.core.errors import ValidationFailed
from dp.ledger.models import Account, Entry, Journal
from dp.ledger.selectors import account_balance_pence, trial_balance, unbalanced_journals
from dp.ledger.services import accounts_for, journal_post, journal_reverse
from dp.payments.domain import ledger as L

DAY = dt.date(2026, 4, 6)


def check_now() -> None:
    """Fire the deferred balance triggers inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.django_db
class TestDatabaseRules:
    def test_refuses_an_unbalanced_journal(self) -> None:
        accounts = accounts_for({"council:dp_funding", "transit:bank"})
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            journal = Journal.objects.create(posted_on=DAY, posted_at="2026-04-06T10:00Z", description="x", source="t")
            Entry.objects.create(journal=journal, account=accounts["transit:bank"], debit_pence=100)
            Entry.objects.create(journal=journal, account=accounts["council:dp_funding"], credit_pence=99)
            check_now()

    def test_refuses_a_journal_with_one_leg_or_none(self) -> None:
        accounts = accounts_for({"transit:bank"})
        with pytest.raises(IntegrityError, match="at least two"), transaction.atomic():
            Journal.objects.create(posted_on=DAY, posted_at="2026-04-06T10:00Z", description="x", source="t")
            check_now()
        with pytest.raises(IntegrityError), transaction.atomic():
            journal = Journal.objects.create(posted_on=DAY, posted_at="2026-04-06T10:00Z", description="x", source="t")
            Entry.objects.create(journal=journal, account=accounts["transit:bank"], debit_pence=100)
            check_now()

    def test_refuses_a_leg_with_both_or_neither_side(self, people) -> None:  # type: ignore[no-untyped-def]
        accounts = accounts_for({"transit:bank"})
        journal = journal_post(
            draft=L.build_payment_arrived(person=people[0], amount_pence=500, channel="bank"), posted_on=DAY, source="t"
        )
        for debit, credit in ((5, 5), (0, 0), (-5, 0)):
            with pytest.raises(IntegrityError), transaction.atomic():
                Entry.objects.create(
                    journal=journal, account=accounts["transit:bank"], debit_pence=debit, credit_pence=credit
                )

    def test_posted_entries_and_journals_cannot_change(self, people) -> None:  # type: ignore[no-untyped-def]
        journal = journal_post(
            draft=L.build_payment_arrived(person=people[0], amount_pence=500, channel="bank"), posted_on=DAY, source="t"
        )
        check_now()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Entry.objects.filter(journal=journal).update(debit_pence=1)
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Entry.objects.filter(journal=journal).delete()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Journal.objects.filter(pk=journal.pk).update(description="changed")


@pytest.mark.django_db
class TestPosting:
    def test_idempotency_key_posts_once(self, people) -> None:  # type: ignore[no-untyped-def]
        draft = L.build_council_payment(
            person=people[0], budget_pence=120000, contribution_pence=20000, basis="net", channel="bank"
        )
        first = journal_post(draft=draft, posted_on=DAY, source="payment:1", idempotency_key="payment:1")
        second = journal_post(draft=draft, posted_on=DAY, source="payment:1", idempotency_key="payment:1")
        assert first.pk == second.pk
        assert Journal.objects.count() == 1
        assert account_balance_pence("transit:bank") == 100000
        assert account_balance_pence("council:dp_funding") == 100000

    def test_reversal(self, people) -> None:  # type: ignore[no-untyped-def]
        journal = journal_post(
            draft=L.build_payment_arrived(person=people[1], amount_pence=5000, channel="card_provider"),
            posted_on=DAY,
            source="t",
        )
        with pytest.raises(ValidationFailed):
            journal_reverse(journal=journal, posted_on=DAY, reason=" ")
        journal_reverse(journal=journal, posted_on=DAY, reason="Sent to the wrong card")
        assert account_balance_pence(L.person_dp_account(people[1])) == 0
        with pytest.raises(ValidationFailed):
            journal_reverse(journal=journal, posted_on=DAY, reason="again")
        check_now()

    def test_person_accounts_link_to_people(self) -> None:
        from dp.people.tests.factories import PersonFactory

        person = PersonFactory()
        journal_post(draft=L.build_contribution_due(person=person.pk, amount_pence=2500), posted_on=DAY, source="t")
        assert Account.objects.get(key=L.person_contributions_due(person.pk)).person == person

    def test_check_command(self, people) -> None:  # type: ignore[no-untyped-def]
        journal_post(draft=L.build_contribution_due(person=people[0], amount_pence=2500), posted_on=DAY, source="t")
        call_command("ledger_check")


PEOPLE = st.sampled_from([0, 1, 2])  # indexes into the test's three people
AMOUNT = st.integers(min_value=1, max_value=10_000_000)
CHANNEL = st.sampled_from(["bank", "card_provider"])
BASIS = st.sampled_from(["net", "gross"])
OPERATIONS = st.one_of(
    st.builds(
        lambda i, b, c, basis, ch: (
            lambda people: L.build_council_payment(
                person=people[i], budget_pence=b + c, contribution_pence=c, basis=basis, channel=ch
            )
        ),
        PEOPLE,
        AMOUNT,
        st.integers(min_value=0, max_value=100_000),
        BASIS,
        CHANNEL,
    ),
    st.builds(
        lambda i, a, ch: lambda people: L.build_payment_arrived(person=people[i], amount_pence=a, channel=ch),
        PEOPLE,
        AMOUNT,
        CHANNEL,
    ),
    st.builds(lambda i, a: lambda people: L.build_contribution_due(person=people[i], amount_pence=a), PEOPLE, AMOUNT),
    st.builds(
        lambda i, a, basis: lambda people: L.build_contribution_received(person=people[i], amount_pence=a, basis=basis),
        PEOPLE,
        AMOUNT,
        BASIS,
    ),
    st.builds(lambda i, a: lambda people: L.build_recovery_raised(person=people[i], amount_pence=a), PEOPLE, AMOUNT),
    st.builds(lambda i, a: lambda people: L.build_recovery_received(person=people[i], amount_pence=a), PEOPLE, AMOUNT),
    st.builds(lambda i, a: lambda people: L.build_recovery_offset(person=people[i], amount_pence=a), PEOPLE, AMOUNT),
)


@pytest.fixture
def people() -> list[int]:
    from dp.people.tests.factories import PersonFactory

    return [PersonFactory().pk for _ in range(3)]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(OPERATIONS, st.booleans()), min_size=1, max_size=12))
def test_any_sequence_keeps_the_ledger_balanced(people, operations) -> None:  # type: ignore[no-untyped-def]
    sid = transaction.savepoint()
    try:
        expected: dict[str, int] = {}
        for build, reverse_it in operations:
            draft = build(people)
            journal = journal_post(draft=draft, posted_on=DAY, source="hypothesis")
            movements = L.net_movements([draft])
            if reverse_it:
                journal_reverse(journal=journal, posted_on=DAY, reason="test")
                movements = {}
            for key, amount in movements.items():
                expected[key] = expected.get(key, 0) + amount
        check_now()
        assert unbalanced_journals() == []
        debits, credits = trial_balance()
        assert debits == credits
        for key in expected:
            account = Account.objects.get(key=key)
            sign = -1 if account.kind == "liability" else 1
            assert account_balance_pence(key) == sign * expected[key]
    finally:
        transaction.savepoint_rollback(sid)
