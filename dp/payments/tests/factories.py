"""State-named factories: `PrepaidCardAccountFactory`, `SignedScheduleFactory`, `calculated_run(...)` ...

Schedules start on a cycle date of the test policy (`PAYMENT_POLICY`: every 4 weeks on Mondays, cycle
week 0, net basis, bank changes held for 14 days). Runs are made through the services (their payments are
worked out by the engine), so `calculated_run`, `approved_run` and `sent_run` are functions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import factory
from django.utils import timezone

from dp.cases.tests.factories import ActiveCaseFactory
from dp.councils.models import Council, PolicyValue
from dp.payments import services
from dp.payments.constants import AccountKind, CardStatus, ScheduleStatus
from dp.payments.domain.run import cycle_anchor
from dp.payments.models import (
    BacsOriginator,
    DirectPaymentAccount,
    MoneyManager,
    PaymentRun,
    PaymentSchedule,
    ScheduleChange,
)
from dp.people.tests.factories import PersonFactory

PAYMENT_POLICY: dict[str, Any] = {
    "payment_cycle_weeks": 4,
    "payment_weekday": "0",
    "payment_cycle_offset_weeks": 0,
    "payment_basis": "net",
    "payment_bank_change_hold_days": 14,
}
#: A Monday on the test policy's cycle (1 January 2024 is week 0).
ANCHOR = cycle_anchor(weekday=0, offset_weeks=0)


def cycle_date_on_or_after(on: dt.date, weeks: int = 4) -> dt.date:
    days = (on - ANCHOR).days
    return ANCHOR + dt.timedelta(days=-(-days // (7 * weeks)) * 7 * weeks)


def set_payment_policy(council: Council, **overrides: Any) -> None:
    values = {**PAYMENT_POLICY, **overrides}
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=council,
                key=key,
                value=value,
                effective_from=dt.date(2020, 1, 1),
                set_at=timezone.now(),
                reason="Test policy",
            )
            for key, value in values.items()
        ]
    )


class BacsOriginatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BacsOriginator

    service_user_number = "123456"
    sort_code = "200000"
    account_number = "12345678"
    name = "NORTHMOOR COUNCIL"


class MoneyManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoneyManager

    name = factory.Sequence(lambda n: f"Steady Money Services {n}")
    account_name = "STEADY MONEY"
    sort_code = "401234"
    account_number = "87654321"
    fee_weekly_pence = 450


class PrepaidCardAccountFactory(factory.django.DjangoModelFactory):
    """An open prepaid card account with an active card, held by the person."""

    class Meta:
        model = DirectPaymentAccount

    person = factory.SubFactory(PersonFactory)
    holder = factory.SelfAttribute("person")
    kind = AccountKind.PREPAID_CARD
    opened_on = dt.date(2024, 1, 1)
    provider = "Allpay"
    card_account_reference = factory.Sequence(lambda n: f"CARD-{n:07d}")
    card_last_four = "1234"
    card_status = CardStatus.ACTIVE


class SuspendedCardAccountFactory(PrepaidCardAccountFactory):
    card_status = CardStatus.SUSPENDED


class BankAccountFactory(factory.django.DjangoModelFactory):
    """An open bank account in the person's name."""

    class Meta:
        model = DirectPaymentAccount

    person = factory.SubFactory(PersonFactory)
    holder = factory.SelfAttribute("person")
    kind = AccountKind.BANK
    opened_on = dt.date(2024, 1, 1)
    account_name = factory.LazyAttribute(lambda a: a.person.full_name)
    sort_code = "309634"
    account_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    bank_details_confirmed_at = factory.LazyFunction(timezone.now)


class ManagedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectPaymentAccount

    person = factory.SubFactory(PersonFactory)
    holder = None
    kind = AccountKind.MANAGED
    opened_on = dt.date(2024, 1, 1)
    money_manager = factory.SubFactory(MoneyManagerFactory)
    client_reference = factory.Sequence(lambda n: f"CL{n:05d}")


class SignedScheduleFactory(factory.django.DjangoModelFactory):
    """An active schedule with a signed agreement and a card account, net basis, from `start_on` (a cycle date
    about two months ago). Pass `worker=` (for a new active case) or `case=`; `amounts=(weekly budget, weekly
    contribution)` in pence (default £300 and £50)."""

    class Meta:
        model = PaymentSchedule
        skip_postgeneration_save = True

    class Params:
        worker = None

    case = factory.LazyAttribute(lambda s: ActiveCaseFactory(worker=s.worker))
    person = factory.SelfAttribute("case.person")
    account = factory.LazyAttribute(lambda s: PrepaidCardAccountFactory(person=s.case.person))
    start_on = factory.LazyFunction(lambda: cycle_date_on_or_after(timezone.localdate() - dt.timedelta(days=60)))
    period_weeks = 4
    basis = "net"
    status = ScheduleStatus.ACTIVE
    payable_from_on = factory.SelfAttribute("start_on")
    agreement_signed_on = factory.SelfAttribute("start_on")

    @factory.post_generation
    def amounts(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            budget, contribution = extracted or (30000, 5000)
            ScheduleChange.objects.create(
                schedule=self,
                effective_on=self.start_on,
                weekly_budget_pence=budget,
                weekly_contribution_pence=contribution,
                reason="Agreed",
                created_at=timezone.now(),
            )


class UnsignedScheduleFactory(SignedScheduleFactory):
    agreement_signed_on = None


def calculated_run(*, created_by: Any, pay_on: dt.date | None = None) -> PaymentRun:
    return services.payment_run_create(
        actor=created_by, pay_on=pay_on or next_working_day_from_today(), request_key=uuid.uuid4().hex
    )


def approved_run(*, created_by: Any, approved_by: Any, pay_on: dt.date | None = None) -> PaymentRun:
    run = calculated_run(created_by=created_by, pay_on=pay_on)
    return services.payment_run_approve(actor=approved_by, run=run)


def sent_run(*, created_by: Any, approved_by: Any, pay_on: dt.date | None = None, chunk_size: int = 3) -> PaymentRun:
    run = approved_run(created_by=created_by, approved_by=approved_by, pay_on=pay_on)
    return services.payment_run_execute(run_id=run.pk, actor=approved_by, chunk_size=chunk_size)


def next_working_day_from_today() -> dt.date:
    from dp.payments.domain.working_days import next_working_day
    from dp.payments.selectors import bank_holidays

    return next_working_day(timezone.localdate(), bank_holidays())


def person_with_card(**kwargs: Any) -> DirectPaymentAccount:
    return PrepaidCardAccountFactory(person=PersonFactory(**kwargs))
