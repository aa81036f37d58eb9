"""State-named factories: `DraftAgreementFactory`, `SignedAgreementFactory`, `OpenReviewFactory`, ...

Pass `case=`, `plan=` and `budget=` (see `dp.plans.tests.factories`). Amounts are £120.00 a week, no
contribution: £480.00 every 4 weeks from the council.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from dp.agreements.constants import AccountType, AgreementStatus, HolderCapacity, ReviewKind, ReviewStatus
from dp.agreements.models import Agreement, Review


class DraftAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    case = None
    plan = None
    budget = None
    status = AgreementStatus.DRAFT
    holder_person = factory.LazyAttribute(lambda a: a.case.person)
    holder_capacity = HolderCapacity.RECIPIENT
    account_type = AccountType.PREPAID_CARD
    first_payment_on = factory.LazyFunction(timezone.localdate)
    cycle_weeks = 4
    regular_weekly_pence = 12000
    weekly_contribution_pence = 0
    cycle_gross_pence = 48000
    cycle_contribution_pence = 0
    cycle_council_payment_pence = 48000
    drawn_up_by = factory.LazyAttribute(lambda a: a.case.worker)
    drawn_up_at = factory.LazyFunction(timezone.now)


class SignedAgreementFactory(DraftAgreementFactory):
    status = AgreementStatus.SIGNED
    signed_on = factory.LazyFunction(timezone.localdate)
    signed_by_person = factory.SelfAttribute("holder_person")
    signature_recorded_by = factory.SelfAttribute("drawn_up_by")
    signature_recorded_at = factory.LazyFunction(timezone.now)


class OpenReviewFactory(factory.django.DjangoModelFactory):
    """A first review, due in 10 days."""

    class Meta:
        model = Review

    case = None
    agreement = None
    kind = ReviewKind.FIRST_REVIEW
    due_by = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    status = ReviewStatus.OPEN


class OverdueReviewFactory(OpenReviewFactory):
    kind = ReviewKind.ANNUAL_REVIEW
    due_by = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
