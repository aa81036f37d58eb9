"""Staff categorising a transaction by hand (`transaction_categorise`), and re-categorising never undoing it."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.audit_log.models import Event
from dp.cases.tests.factories import ActiveCaseFactory
from dp.core.errors import ValidationFailed
from dp.monitoring import services
from dp.monitoring.constants import MatchedBy, MonitoringEventType, TransactionStatus
from dp.monitoring.models import Transaction
from dp.monitoring.tests.factories import TransactionFactory
from dp.payments.services import contribution_receipt_record
from dp.payments.tests.factories import SignedScheduleFactory
from dp.plans.constants import Funding
from dp.plans.models import PlanLine
from dp.plans.tests.factories import ApprovedSupportPlanFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db


def _jo(account) -> Transaction:  # type: ignore[no-untyped-def]
    return TransactionFactory(account=account, merchant="JO BLOGGS", merchant_category_code="", amount_pence=-4800)


class TestCategorisingByHand:
    def test_a_line_put_against_a_plan_line_is_explained_and_audited(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = _jo(account)
        services.transaction_categorise(
            actor=staff[Role.PAYMENTS_OFFICER],
            transaction_=line,
            plan_line=pa_line,
            category="personal_assistant",
            reason="Timesheet for May seen",
        )
        line.refresh_from_db()
        assert (line.status, line.plan_line_id, line.category, line.matched_by) == (
            TransactionStatus.PLAN_LINE,
            pa_line.pk,
            "personal_assistant",
            MatchedBy.MANUAL,
        )
        assert line.reason.endswith(": Timesheet for May seen")
        assert staff[Role.PAYMENTS_OFFICER].display_name in line.reason
        event = Event.objects.get(event_type=MonitoringEventType.TRANSACTION_CATEGORISED)
        assert (event.acting_user, event.person) == (staff[Role.PAYMENTS_OFFICER], account.person)
        assert event.data["before"]["status"] == TransactionStatus.UNEXPLAINED
        assert event.data["after"]["plan_line_id"] == pa_line.pk
        assert event.data["after"]["why"] == "Timesheet for May seen"

    def test_a_reason_is_required_and_nothing_is_written_without_one(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = _jo(account)
        with pytest.raises(ValidationFailed) as error:
            services.transaction_categorise(
                actor=staff[Role.PAYMENTS_OFFICER], transaction_=line, plan_line=pa_line, category="", reason="  "
            )
        assert error.value.field == "reason"
        line.refresh_from_db()
        assert line.matched_by == MatchedBy.NOTHING
        assert not Event.objects.filter(event_type=MonitoringEventType.TRANSACTION_CATEGORISED).exists()

    def test_another_persons_plan_line_is_refused(self, staff, account):  # type: ignore[no-untyped-def]
        other_case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        other_plan = ApprovedSupportPlanFactory(case=other_case, approved_by=staff[Role.TEAM_MANAGER])
        with pytest.raises(ValidationFailed) as error:
            services.transaction_categorise(
                actor=staff[Role.PAYMENTS_OFFICER],
                transaction_=_jo(account),
                plan_line=other_plan.lines.get(),
                category="",
                reason="Wrong person",
            )
        assert error.value.field == "plan_line"

    def test_a_council_arranged_line_is_refused(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        PlanLine.objects.filter(pk=pa_line.pk).update(funding=Funding.COUNCIL_ARRANGED)
        with pytest.raises(ValidationFailed):
            services.transaction_categorise(
                actor=staff[Role.PAYMENTS_OFFICER],
                transaction_=_jo(account),
                plan_line=pa_line,
                category="",
                reason="Council pays it",
            )

    def test_a_contribution_cannot_be_categorised_by_hand(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        schedule = SignedScheduleFactory(case=pa_line.plan.case, account=account)
        receipt = contribution_receipt_record(
            actor=staff[Role.PAYMENTS_OFFICER], schedule=schedule, received_on=dt.date.today(), amount_pence=5000
        )
        line = TransactionFactory(account=account, amount_pence=5000, contribution_receipt=receipt)
        with pytest.raises(ValidationFailed, match="contribution"):
            services.transaction_categorise(
                actor=staff[Role.PAYMENTS_OFFICER], transaction_=line, plan_line=None, category="groceries", reason="x"
            )


class TestNeverOverwrittenByCategorisingAgain:
    def _categorised(self, staff, account, pa_line) -> Transaction:  # type: ignore[no-untyped-def]
        line = _jo(account)
        services.transaction_categorise(
            actor=staff[Role.DP_SUPPORT], transaction_=line, plan_line=None, category="gambling", reason="Betting slip"
        )
        line.refresh_from_db()
        assert (line.status, line.category) == (TransactionStatus.UNEXPLAINED, "gambling")
        return line

    def test_applying_the_rules_leaves_it(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = self._categorised(staff, account, pa_line)
        services.merchant_rule_add(actor=staff[Role.DP_SUPPORT], pattern="Jo Bloggs", category="personal_assistant")
        services.transactions_recategorise(actor=staff[Role.DP_SUPPORT])
        result = services.transactions_recategorise(actor=staff[Role.DP_SUPPORT], only_unexplained=False)
        line.refresh_from_db()
        assert (line.category, line.matched_by) == ("gambling", MatchedBy.MANUAL)
        assert result.looked_at == 0

    def test_a_plan_approved_since_leaves_it(self, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = self._categorised(staff, account, pa_line)
        result = services.plan_transactions_recategorise(
            actor=staff[Role.TEAM_MANAGER], plan_id=pa_line.plan_id, since=dt.date(2020, 1, 1)
        )
        line.refresh_from_db()
        assert (line.category, line.matched_by) == ("gambling", MatchedBy.MANUAL)
        assert result is not None
        assert result.looked_at == 0


class TestCategorisedByHandWhileARunIsGoing:
    def test_a_line_categorised_by_hand_after_the_run_read_it_keeps_the_hand_categorisation(
        self, staff, account, pa_line, monkeypatch
    ):  # type: ignore[no-untyped-def]
        """The run reads without locks and writes only lines still as it read them."""
        line = _jo(account)
        services.merchant_rule_add(actor=staff[Role.DP_SUPPORT], pattern="Jo Bloggs", category="personal_assistant")
        real = services.categorisers_for_accounts

        class SomeoneCategorisesFirst:
            """Categorises as `inner` does, once staff have categorised the line by hand (after the run read it)."""

            def __init__(self, inner):  # type: ignore[no-untyped-def]
                self.inner = inner

            def categorise(self, text):  # type: ignore[no-untyped-def]
                if not Transaction.objects.filter(pk=line.pk, matched_by=MatchedBy.MANUAL).exists():
                    services.transaction_categorise(
                        actor=staff[Role.AUDITOR], transaction_=line, plan_line=None, category="gambling", reason="Slip"
                    )
                return self.inner.categorise(text)

        def categorisers_then_someone_categorises(account_ids, *, on):  # type: ignore[no-untyped-def]
            groups, categorisers = real(account_ids, on=on)
            return groups, {group: SomeoneCategorisesFirst(c) for group, c in categorisers.items()}

        monkeypatch.setattr(services, "categorisers_for_accounts", categorisers_then_someone_categorises)
        result = services.transactions_recategorise(actor=staff[Role.DP_SUPPORT])
        line.refresh_from_db()
        assert (line.matched_by, line.category) == (MatchedBy.MANUAL, "gambling")
        assert (result.looked_at, result.changed, result.newly_explained) == (1, 0, 0)
