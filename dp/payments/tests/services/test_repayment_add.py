"""`repayment_add`: money going back to the person in the next run, once per source, on a running or ended schedule."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dp.audit_log.models import Event
from dp.core.errors import ValidationFailed
from dp.payments import services
from dp.payments.constants import PaymentEventType, ScheduledPaymentKind
from dp.payments.models import ScheduledPayment
from dp.payments.tests.factories import SignedScheduleFactory

pytestmark = pytest.mark.django_db


def test_once_per_source_not_capped_and_on_an_ended_schedule(payment_policy, staff) -> None:  # type: ignore[no-untyped-def]
    schedule = SignedScheduleFactory(worker=staff["social_worker"])
    services.schedule_end(actor=staff["social_worker"], schedule=schedule, last_day_on=schedule.start_on, reason="x")
    made = services.repayment_add(
        actor=staff["auditor"], schedule=schedule, amount_pence=999_999_00, description="Deductions", source="a:1"
    )
    again = services.repayment_add(
        actor=staff["auditor"], schedule=schedule, amount_pence=1, description="Other", source="a:1"
    )
    assert again == made
    assert (made.kind, made.pay_on, made.amount_pence) == (
        ScheduledPaymentKind.ONE_OFF,
        timezone.localdate(),
        999_999_00,
    )
    assert ScheduledPayment.objects.filter(source="a:1").count() == 1
    assert Event.objects.filter(event_type=PaymentEventType.ONE_OFF_ADDED, subject_id=schedule.pk).count() == 1
    other = SignedScheduleFactory(worker=staff["social_worker"])
    with pytest.raises(ValidationFailed, match="another direct payment"):
        services.repayment_add(actor=staff["auditor"], schedule=other, amount_pence=1, description="x", source="a:1")


@pytest.mark.parametrize(
    ("amount", "description", "source", "field"),
    [
        (0, "x", "s", "amount_pence"),
        (1, " ", "s", "description"),
        (1, "x", " ", "source"),
        (1, "x", "s" * 61, "source"),
    ],
)
def test_refusals(payment_policy, staff, amount, description, source, field) -> None:  # type: ignore[no-untyped-def]
    schedule = SignedScheduleFactory(worker=staff["social_worker"])
    with pytest.raises(ValidationFailed) as info:
        services.repayment_add(
            actor=staff["auditor"], schedule=schedule, amount_pence=amount, description=description, source=source
        )
    assert info.value.field == field
    assert not ScheduledPayment.objects.exists()
