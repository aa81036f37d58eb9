"""State-named factories: `ReceivedReferralFactory`, `AllocatedCaseFactory`, `ActiveCaseFactory`..."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from dp.cases.constants import CaseStatus, CaseType, ContactRoute, ReferralStatus, ReferrerType
from dp.cases.models import Allocation, Case, CaseNote, Referral
from dp.people.tests.factories import PersonFactory


class ReceivedReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    received_at = factory.LazyFunction(timezone.now)
    received_by = None  # set by the test (a member of staff)
    route = ContactRoute.PHONE
    referrer_type = ReferrerType.SELF
    lives_in_area = True
    case_type = CaseType.ADULT
    support_wanted = "Help getting up and dressed"
    status = ReferralStatus.RECEIVED
    status_changed_at = factory.LazyFunction(timezone.now)


class AwaitingInformationReferralFactory(ReceivedReferralFactory):
    status = ReferralStatus.AWAITING_INFORMATION
    information_requested = "GP letter"


class AllocatedCaseFactory(factory.django.DjangoModelFactory):
    """A case just opened from a referral. Pass `worker=` (a social worker with a team)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"C{900000 + n:06d}")
    person = factory.SubFactory(PersonFactory)
    case_type = CaseType.ADULT
    status = CaseStatus.ALLOCATED
    status_changed_at = factory.LazyFunction(timezone.now)
    team = factory.LazyAttribute(lambda c: c.worker.team)
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))

    @factory.post_generation
    def allocation(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            Allocation.objects.create(
                case=self, worker=self.worker, allocated_by=self.worker, allocated_at=timezone.now()
            )


class ActiveCaseFactory(AllocatedCaseFactory):
    status = CaseStatus.ACTIVE


class ClosedCaseFactory(AllocatedCaseFactory):
    status = CaseStatus.CLOSED
    closed_on = factory.LazyFunction(timezone.localdate)
    closure_reason = "Moved away"


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = None
    author = None
    written_at = factory.LazyFunction(timezone.now)
    text = "Phoned to arrange a visit."
