"""Applying the merchant rules again to transactions already imported (`transactions_recategorise`)."""

from __future__ import annotations

import pytest

from dp.audit_log.models import Event
from dp.monitoring import services
from dp.monitoring.constants import MatchedBy, MonitoringEventType, TransactionStatus
from dp.monitoring.tests.factories import TransactionFactory
from dp.payments.tests.factories import PrepaidCardAccountFactory
from dp.plans.models import PlanLine

pytestmark = pytest.mark.django_db


def _plan_line(account) -> PlanLine:  # type: ignore[no-untyped-def]
    return PlanLine.objects.get(plan__case__person=account.person)


def _rule(staff, pattern: str = "Jo Bloggs") -> None:  # type: ignore[no-untyped-def]
    services.merchant_rule_add(actor=staff["dp_support"], pattern=pattern, category="personal_assistant")


class TestUnexplainedLinesAreCategorisedAgain:
    def test_a_line_a_new_rule_matches_becomes_explained(self, staff, account):
        line = TransactionFactory(account=account, merchant="JO BLOGGS CARE", merchant_category_code="")
        _rule(staff)
        result = services.transactions_recategorise(actor=staff["dp_support"])
        line.refresh_from_db()
        assert (line.status, line.category, line.plan_line_id) == (
            TransactionStatus.PLAN_LINE,
            "personal_assistant",
            _plan_line(account).pk,
        )
        assert line.matched_by == MatchedBy.COUNCIL_RULE
        assert "Jo Bloggs" in line.reason
        assert (result.looked_at, result.newly_explained, result.changed) == (1, 1, 1)

    def test_a_line_no_rule_matches_stays_unexplained(self, staff, account):
        line = TransactionFactory(account=account, merchant="Mystery Shop", merchant_category_code="")
        _rule(staff)
        result = services.transactions_recategorise(actor=staff["dp_support"])
        line.refresh_from_db()
        assert line.status == TransactionStatus.UNEXPLAINED
        assert line.matched_by == MatchedBy.NOTHING
        assert (result.looked_at, result.newly_explained) == (1, 0)

    def test_running_twice_changes_nothing_more(self, staff, account):
        TransactionFactory(account=account, merchant="JO BLOGGS CARE", merchant_category_code="")
        TransactionFactory(account=account, merchant="Mystery Shop", merchant_category_code="")
        _rule(staff)
        first = services.transactions_recategorise(actor=staff["dp_support"])
        second = services.transactions_recategorise(actor=staff["dp_support"])
        assert (first.looked_at, first.newly_explained) == (2, 1)
        assert (second.looked_at, second.newly_explained, second.changed) == (1, 0, 0)

    def test_only_lines_posted_since_the_date_are_looked_at(self, staff, account):
        old = TransactionFactory(account=account, merchant="JO BLOGGS", posted_on="2026-01-05")
        new = TransactionFactory(account=account, merchant="JO BLOGGS", posted_on="2026-03-05")
        _rule(staff)
        result = services.transactions_recategorise(actor=staff["dp_support"], since=new.posted_on)
        old.refresh_from_db()
        new.refresh_from_db()
        assert (old.status, new.status) == (TransactionStatus.UNEXPLAINED, TransactionStatus.PLAN_LINE)
        assert result.looked_at == 1

    def test_the_counts_are_recorded_in_the_audit_log(self, staff, account):
        TransactionFactory(account=account, merchant="JO BLOGGS CARE", merchant_category_code="")
        _rule(staff)
        services.transactions_recategorise(actor=staff["payments_officer"])
        event = Event.objects.get(event_type=MonitoringEventType.TRANSACTIONS_RECATEGORISED)
        assert event.acting_user == staff["payments_officer"]
        assert event.data["after"]["looked_at"] == 1
        assert event.data["after"]["newly_explained"] == 1
        assert "1 newly explained" in event.summary


class TestLinesThatAreNotOverwritten:
    def test_a_line_matched_to_a_known_payee_is_untouched(self, staff, account):
        """Even when a council rule matches its words, and even when every line is looked at again."""
        line = TransactionFactory(
            account=account,
            merchant="JO BLOGGS",
            merchant_category_code="",
            status=TransactionStatus.UNEXPLAINED,
            category="personal_assistant",
            matched_by=MatchedBy.PAYEE,
            payee_ref="plan-payee:1",
            reason="Paid to Jo Bloggs, a known Personal Assistant, but no line of the support plan covers it",
        )
        explained = TransactionFactory(
            account=account,
            merchant="JO BLOGGS",
            merchant_category_code="",
            status=TransactionStatus.PLAN_LINE,
            category="personal_assistant",
            plan_line=_plan_line(account),
            matched_by=MatchedBy.PAYEE,
            payee_ref="plan-payee:1",
            reason="Paid to Jo Bloggs, a known Personal Assistant",
        )
        _rule(staff)
        services.transactions_recategorise(actor=staff["dp_support"])
        result = services.transactions_recategorise(actor=staff["dp_support"], only_unexplained=False)
        line.refresh_from_db()
        explained.refresh_from_db()
        assert (line.status, line.matched_by, line.payee_ref) == (
            TransactionStatus.UNEXPLAINED,
            MatchedBy.PAYEE,
            "plan-payee:1",
        )
        assert (explained.status, explained.matched_by, explained.reason) == (
            TransactionStatus.PLAN_LINE,
            MatchedBy.PAYEE,
            "Paid to Jo Bloggs, a known Personal Assistant",
        )
        assert result.looked_at == 0

    def test_an_explained_line_is_left_when_only_unexplained_ones_are_asked_for(self, staff, account):
        line = TransactionFactory(
            account=account,
            merchant="JO BLOGGS",
            merchant_category_code="",
            status=TransactionStatus.CASH,
            category="cash_withdrawal",
            matched_by=MatchedBy.BUILTIN_RULE,
            reason="Cash withdrawal",
        )
        _rule(staff)
        result = services.transactions_recategorise(actor=staff["dp_support"])
        line.refresh_from_db()
        assert line.status == TransactionStatus.CASH
        assert result.looked_at == 0


class TestChunks:
    def test_accounts_in_several_chunks_are_all_categorised(self, staff, account, monkeypatch):
        monkeypatch.setattr(services, "RECATEGORISE_ACCOUNTS_PER_CHUNK", 1)
        monkeypatch.setattr(services, "RECATEGORISE_ROWS_PER_UPDATE", 1)
        other = PrepaidCardAccountFactory()
        lines = [
            TransactionFactory(account=account, merchant="JO BLOGGS", merchant_category_code=""),
            TransactionFactory(account=account, merchant="JO BLOGGS LTD", merchant_category_code=""),
            TransactionFactory(account=other, merchant="ATM Market Street", merchant_category_code=""),
        ]
        _rule(staff)
        result = services.transactions_recategorise(actor=staff["dp_support"])
        for line in lines:
            line.refresh_from_db()
        assert [line.status for line in lines] == [
            TransactionStatus.PLAN_LINE,
            TransactionStatus.PLAN_LINE,
            TransactionStatus.CASH,
        ]
        assert (result.looked_at, result.newly_explained, result.changed) == (3, 3, 3)
