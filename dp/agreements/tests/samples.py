"""Sample agreements and reviews for the URL x role matrix and the browser tests (tests/world.py's World).

The world's active case (Ada Example) gets an approved plan, a budget, a signed agreement and an
overdue review; another case in the social worker's team waits for its agreement to be signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dp.agreements.models import Agreement, Review
from dp.agreements.tests.factories import DraftAgreementFactory, OverdueReviewFactory, SignedAgreementFactory
from dp.cases.constants import CaseStatus
from dp.cases.models import Case
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.people.tests.factories import PersonFactory
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role


@dataclass
class AgreementSamples:
    agreement_case: Case  # at "agreement", with a draft agreement
    draft: Agreement
    signed: Agreement  # on the world's active case
    review: Review  # overdue, on the world's active case


def agreement_samples(world: Any) -> AgreementSamples:
    cached = world.__dict__.get("_agreement_samples")
    if cached is not None:
        return cached
    manager = world.user(Role.TEAM_MANAGER)
    worker = world.user(Role.SOCIAL_WORKER)

    def approved(case: Case) -> tuple[Any, Any]:
        plan = ApprovedSupportPlanFactory(case=case, approved_by=manager)
        return plan, PersonalBudgetFactory(case=case, plan=plan)

    agreement_case = AllocatedCaseFactory(
        worker=worker, status=CaseStatus.AGREEMENT, person=PersonFactory(given_name="Agreeing")
    )
    plan, budget = approved(agreement_case)
    draft = DraftAgreementFactory(case=agreement_case, plan=plan, budget=budget)
    plan, budget = approved(world.case)
    started = timezone.localdate() - dt.timedelta(days=400)
    signed = SignedAgreementFactory(
        case=world.case, plan=plan, budget=budget, first_payment_on=started, signed_on=started
    )
    review = OverdueReviewFactory(case=world.case, agreement=signed)
    samples = AgreementSamples(agreement_case=agreement_case, draft=draft, signed=signed, review=review)
    world.__dict__["_agreement_samples"] = samples
    return samples
