from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services
from dp.assessments.models import DirectPaymentOffer
from dp.audit_log.models import Event
from dp.cases.tests.factories import ClosedCaseFactory
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.staff.roles import Role


@pytest.mark.django_db
class TestOfferRecord:
    def test_records_the_answer_and_audits(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        offer = services.direct_payment_offer_record(
            actor=staff[Role.SOCIAL_WORKER],
            case=case,
            occasion="review",
            offered_on=dt.date(2026, 3, 2),
            answer="declined",
            notes=" Prefers the council to arrange it ",
        )
        assert offer.person == case.person
        assert offer.notes == "Prefers the council to arrange it"
        event = Event.objects.get(event_type="assessment.dp_offer_recorded")
        assert event.case == case
        assert event.data["after"] == {"occasion": "review", "offered_on": "2026-03-02", "answer": "declined"}
        assert "does not want direct payments" in event.summary

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"occasion": "party"}, "occasion"),
            ({"answer": "maybe"}, "answer"),
            ({"offered_on": dt.date(2999, 1, 1)}, "offered_on"),
        ],
    )
    def test_refuses_bad_input(self, staff, case, change, field) -> None:  # type: ignore[no-untyped-def]
        values = {"occasion": "review", "offered_on": dt.date(2026, 3, 2), "answer": "accepted", **change}
        with pytest.raises(ValidationFailed) as caught:
            services.direct_payment_offer_record(actor=staff[Role.SOCIAL_WORKER], case=case, **values)
        assert caught.value.field == field
        assert not DirectPaymentOffer.objects.exists()

    def test_closed_case(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        closed = ClosedCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        with pytest.raises(TransitionNotAllowed):
            services.direct_payment_offer_record(
                actor=staff[Role.SOCIAL_WORKER],
                case=closed,
                occasion="review",
                offered_on=dt.date(2026, 3, 2),
                answer="accepted",
            )
