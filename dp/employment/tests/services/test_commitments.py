"""Money owed: recorded, paid or withdrawn once, audited; what counts on a day is what was open that day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dp.audit_log.models import Event
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.employment import selectors, services
from dp.employment.constants import CommitmentKind, CommitmentStatus, EmploymentEventType

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 10)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def owe(employer, officer, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "actor": officer,
        "account": employer.account,
        "kind": CommitmentKind.TAX_AND_NI,
        "amount_pence": 31250,
        "owed_to": "HMRC",
        "due_on": dt.date(2025, 6, 22),
        "reference": "Q1 PAYE",
        "recorded_on": dt.date(2025, 6, 1),
    }
    values.update(kwargs)
    return services.commitment_record(**values)


class TestRecord:
    def test_recorded_with_an_audit_event(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        owed = owe(employer, officer)
        assert owed.status == CommitmentStatus.OPEN
        assert owed.label == "Tax and National Insurance (HMRC): HMRC (Q1 PAYE)"
        event = Event.objects.get(event_type=EmploymentEventType.COMMITMENT_RECORDED)
        assert event.data["after"]["amount_pence"] == 31250

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"amount_pence": 0}, "amount_pence"),
            ({"owed_to": " "}, "owed_to"),
            ({"kind": "lottery"}, "kind"),
            ({"recorded_on": TODAY + dt.timedelta(days=1)}, "recorded_on"),
        ],
    )
    def test_refused(self, employer, officer, changes, field) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            owe(employer, officer, **changes)
        assert caught.value.field == field


class TestSettleAndWithdraw:
    def test_paid_once(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        owed = owe(employer, officer)
        services.commitment_settle(actor=officer, commitment=owed, settled_on=dt.date(2025, 6, 8))
        owed.refresh_from_db()
        assert (owed.status, owed.settled_on, owed.settled_by) == (
            CommitmentStatus.SETTLED,
            dt.date(2025, 6, 8),
            officer,
        )
        assert Event.objects.filter(event_type=EmploymentEventType.COMMITMENT_SETTLED).count() == 1
        with pytest.raises(TransitionNotAllowed):
            services.commitment_settle(actor=officer, commitment=owed, settled_on=TODAY)
        with pytest.raises(TransitionNotAllowed):
            services.commitment_withdraw(actor=officer, commitment=owed, reason="x")

    @pytest.mark.parametrize("on", [dt.date(2025, 5, 31), TODAY + dt.timedelta(days=1)])
    def test_paid_before_it_was_recorded_or_in_the_future(self, employer, officer, on) -> None:  # type: ignore[no-untyped-def]
        owed = owe(employer, officer)
        with pytest.raises(ValidationFailed):
            services.commitment_settle(actor=officer, commitment=owed, settled_on=on)
        owed.refresh_from_db()
        assert owed.status == CommitmentStatus.OPEN

    def test_withdrawn_with_a_reason(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        owed = owe(employer, officer)
        with pytest.raises(ValidationFailed):
            services.commitment_withdraw(actor=officer, commitment=owed, reason="")
        services.commitment_withdraw(actor=officer, commitment=owed, reason="Invoice cancelled")
        owed.refresh_from_db()
        assert (owed.status, owed.withdrawn_on, owed.withdrawn_reason) == (
            CommitmentStatus.WITHDRAWN,
            TODAY,
            "Invoice cancelled",
        )
        assert Event.objects.filter(event_type=EmploymentEventType.COMMITMENT_WITHDRAWN).count() == 1


class TestOpenOnADay:
    def test_what_counts_is_what_was_open_that_day(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        wages = owe(employer, officer, kind=CommitmentKind.UNPAID_WAGES, owed_to="Jo Bloggs", amount_pence=40000)
        tax = owe(employer, officer, recorded_on=dt.date(2025, 6, 5))
        services.commitment_settle(actor=officer, commitment=wages, settled_on=dt.date(2025, 6, 8))

        def amounts(on: dt.date) -> list[int]:
            return [c.amount_pence for c in selectors.commitments_for_surplus(employer.account, on)]

        assert amounts(dt.date(2025, 5, 31)) == []
        assert amounts(dt.date(2025, 6, 5)) == [40000, 31250]
        assert amounts(dt.date(2025, 6, 8)) == [31250]
        services.commitment_withdraw(actor=officer, commitment=tax, reason="Paid by the bureau")
        assert amounts(TODAY) == []
        assert amounts(dt.date(2025, 6, 9)) == [31250]
