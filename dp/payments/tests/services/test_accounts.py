"""Opening, changing and closing direct payment accounts; bank details encrypted and changed by two people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from dp.audit_log.models import Event
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.payments import services
from dp.payments.constants import AccountStatus, BankDetailsChangeStatus, CardStatus, NoticeKind
from dp.payments.models import BankDetailsChange, DirectPaymentAccount, HolderNotice
from dp.payments.tests.factories import BankAccountFactory, MoneyManagerFactory, PrepaidCardAccountFactory
from dp.people.constants import AuthorityBasis, RelationshipKind
from dp.people.models import Relationship
from dp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _events(code: str) -> int:
    return Event.objects.filter(event_type=code).count()


class TestOpening:
    def test_prepaid_card_for_the_person(self, staff):
        person = PersonFactory()
        account = services.account_open_prepaid_card(
            actor=staff["dp_support"],
            person=person,
            provider="Allpay",
            card_account_reference="CARD-77",
            card_last_four="4321",
        )
        assert account.kind == "prepaid_card"
        assert account.holder == person
        assert account.card_status == CardStatus.ACTIVE
        assert account.display_number == "card ending 4321"
        assert _events("payments.account_opened") == 1

    def test_card_held_by_the_authorised_person(self, staff):
        person, authorised = PersonFactory(), PersonFactory()
        Relationship.objects.create(
            from_person=authorised,
            to_person=person,
            kind=RelationshipKind.AUTHORISED_PERSON_FOR,
            authority_basis=AuthorityBasis.COURT_DEPUTY,
            started_on=dt.date(2024, 1, 1),
        )
        account = services.account_open_prepaid_card(
            actor=staff["dp_support"],
            person=person,
            holder=authorised,
            provider="PFS",
            card_account_reference="CARD-78",
            card_last_four="1111",
        )
        assert account.holder == authorised

    def test_anyone_else_cannot_hold_it(self, staff):
        with pytest.raises(ValidationFailed, match="nominated or authorised") as caught:
            services.account_open_prepaid_card(
                actor=staff["dp_support"],
                person=PersonFactory(),
                holder=PersonFactory(),
                provider="PFS",
                card_account_reference="CARD-79",
                card_last_four="1111",
            )
        assert caught.value.field == "holder"

    @pytest.mark.parametrize(
        ("reference", "last_four", "field"),
        [("bad reference!", "1234", "card_account_reference"), ("CARD-1", "12a4", "card_last_four")],
    )
    def test_card_details_are_checked(self, staff, reference, last_four, field):
        with pytest.raises(ValidationFailed) as caught:
            services.account_open_prepaid_card(
                actor=staff["dp_support"],
                person=PersonFactory(),
                provider="PFS",
                card_account_reference=reference,
                card_last_four=last_four,
            )
        assert caught.value.field == field

    def test_bank_account_is_validated_and_encrypted_at_rest(self, staff):
        account = services.account_open_bank(
            actor=staff["dp_support"],
            person=PersonFactory(),
            account_name="Ada Example",
            sort_code="30-96-34",
            account_number="0073 3445",
        )
        account.refresh_from_db()
        assert (account.sort_code, account.account_number) == ("309634", "00733445")
        assert account.masked_account_number == "****3445"
        assert account.masked_sort_code == "**-**-34"
        with connection.cursor() as cursor:
            cursor.execute("SELECT bank_details FROM payments_directpaymentaccount WHERE id = %s", [account.pk])
            stored = cursor.fetchone()[0]
        assert "00733445" not in stored
        assert "309634" not in stored

    @pytest.mark.parametrize(
        ("sort_code", "number", "field"),
        [("30-96-3", "00733445", "sort_code"), ("309634", "7334450", "account_number")],
    )
    def test_bank_details_must_be_whole(self, staff, sort_code, number, field):
        with pytest.raises(ValidationFailed) as caught:
            services.account_open_bank(
                actor=staff["dp_support"],
                person=PersonFactory(),
                account_name="Ada",
                sort_code=sort_code,
                account_number=number,
            )
        assert caught.value.field == field

    def test_managed_account(self, staff):
        manager = MoneyManagerFactory()
        account = services.account_open_managed(
            actor=staff["dp_support"], person=PersonFactory(), money_manager=manager, client_reference="CL00042"
        )
        assert account.holder is None
        assert account.display_number == f"with {manager.name}"

    def test_money_manager_has_its_own_bank_details_and_fee(self, staff):
        manager = services.money_manager_add(
            actor=staff["payments_officer"],
            name="Steady Money",
            account_name="Steady Money Ltd",
            sort_code="401234",
            account_number="87654321",
            fee_weekly_pence=450,
        )
        manager.refresh_from_db()
        assert manager.account_number == "87654321"
        assert manager.account_name == "STEADY MONEY LTD"
        assert manager.fee_weekly_pence == 450
        with pytest.raises(ValidationFailed, match="already recorded"):
            services.money_manager_add(
                actor=staff["payments_officer"],
                name="steady money",
                account_name="x",
                sort_code="401234",
                account_number="87654321",
            )


class TestCardStatusAndClosing:
    def test_card_status_change_is_audited(self, staff):
        account = PrepaidCardAccountFactory()
        services.account_card_status_change(
            actor=staff["dp_support"], account=account, card_status=CardStatus.LOST, reason="Reported lost"
        )
        account.refresh_from_db()
        assert account.card_status == CardStatus.LOST
        assert _events("payments.card_status_changed") == 1

    def test_only_cards_have_a_card_status(self, staff):
        with pytest.raises(ValidationFailed):
            services.account_card_status_change(
                actor=staff["dp_support"], account=BankAccountFactory(), card_status="lost", reason="x"
            )

    def test_closing(self, staff):
        account = PrepaidCardAccountFactory()
        services.account_close(actor=staff["dp_support"], account=account, reason="Moved to a bank account")
        account.refresh_from_db()
        assert account.status == AccountStatus.CLOSED
        assert account.card_status == CardStatus.CLOSED
        assert account.closed_on is not None
        again = services.account_close(actor=staff["dp_support"], account=account, reason="again")
        assert again.closed_reason == "Moved to a bank account"
        with pytest.raises(TransitionNotAllowed):
            services.account_card_status_change(
                actor=staff["dp_support"], account=account, card_status="active", reason="x"
            )

    def test_closing_needs_a_reason(self, staff):
        with pytest.raises(ValidationFailed):
            services.account_close(actor=staff["dp_support"], account=PrepaidCardAccountFactory(), reason=" ")


class TestBankDetailsChange:
    def _request(self, staff, account):  # type: ignore[no-untyped-def]
        return services.bank_details_change_request(
            actor=staff["dp_support"],
            account=account,
            account_name="Ada Example",
            sort_code="20-00-00",
            account_number="55556666",
            reason="Holder phoned from the number on record",
        )

    def test_nothing_changes_until_a_second_person_confirms(self, staff):
        account = BankAccountFactory(account_number="11112222")
        change = self._request(staff, account)
        account.refresh_from_db()
        assert account.account_number == "11112222"
        assert change.status == BankDetailsChangeStatus.PENDING
        notice = HolderNotice.objects.get(account=account)
        assert notice.kind == NoticeKind.BANK_DETAILS_CHANGE_REQUESTED
        assert notice.holder == account.holder
        assert "ending 6666" in notice.message

        services.bank_details_change_confirm(actor=staff["payments_officer"], change=change, note="Called back")
        account.refresh_from_db()
        assert (account.sort_code, account.account_number) == ("200000", "55556666")
        assert HolderNotice.objects.filter(account=account, kind=NoticeKind.BANK_DETAILS_CHANGED).exists()
        assert _events("payments.bank_change_confirmed") == 1

    def test_the_requester_cannot_confirm_their_own_change(self, staff):
        change = self._request(staff, BankAccountFactory())
        with pytest.raises(PermissionDenied):
            services.bank_details_change_confirm(actor=staff["dp_support"], change=change)
        with pytest.raises(PermissionDenied):
            services.bank_details_change_reject(actor=staff["dp_support"], change=change, note="no")

    def test_the_database_refuses_a_self_confirmed_change_too(self, staff):
        change = self._request(staff, BankAccountFactory())
        with pytest.raises(IntegrityError), transaction.atomic():
            BankDetailsChange.objects.filter(pk=change.pk).update(decided_by=staff["dp_support"])

    def test_reject(self, staff):
        account = BankAccountFactory(account_number="11112222")
        change = self._request(staff, account)
        services.bank_details_change_reject(actor=staff["payments_officer"], change=change, note="Holder did not ask")
        account.refresh_from_db()
        assert account.account_number == "11112222"
        with pytest.raises(TransitionNotAllowed):
            services.bank_details_change_confirm(actor=staff["payments_officer"], change=change)

    def test_one_waiting_change_at_a_time(self, staff):
        account = BankAccountFactory()
        self._request(staff, account)
        with pytest.raises(ValidationFailed, match="already waiting"):
            self._request(staff, account)

    def test_the_new_details_are_encrypted_while_they_wait(self, staff):
        change = self._request(staff, BankAccountFactory())
        with connection.cursor() as cursor:
            cursor.execute("SELECT bank_details FROM payments_bankdetailschange WHERE id = %s", [change.pk])
            assert "55556666" not in cursor.fetchone()[0]

    def test_only_bank_accounts(self, staff):
        with pytest.raises(ValidationFailed):
            self._request(staff, PrepaidCardAccountFactory())


def test_account_kinds_must_have_their_details(staff):
    """The database refuses a bank account without details, or a card account without its reference."""
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectPaymentAccount.objects.create(person=person, kind="bank", opened_on=dt.date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectPaymentAccount.objects.create(person=person, kind="prepaid_card", opened_on=dt.date(2026, 1, 1))
