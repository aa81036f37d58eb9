"""Sample plans objects for the URL x role matrix and the browser tests (tests/world.py's World).

Made once per world (cached on it), each in the state its pages need, all in the social worker's
team so every role allowed on a page can open it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dp.cases.constants import CaseStatus
from dp.cases.models import Case
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.people.tests.factories import PersonFactory
from dp.plans.constants import PayeeRelationship
from dp.plans.models import PlanPayee, RasQuestion, RasScheme, SupportPlan
from dp.plans.tests.factories import (
    AtPanelSupportPlanFactory,
    AwaitingApprovalSupportPlanFactory,
    DraftRasSchemeFactory,
    DraftSupportPlanFactory,
    IndicativeBudgetFactory,
    PublishedRasSchemeFactory,
)
from dp.staff.roles import Role


@dataclass
class PlanSamples:
    scheme: RasScheme
    draft_scheme: RasScheme
    draft_question: RasQuestion
    new_case: Case  # needs assessment, no plan yet
    draft_plan: SupportPlan
    family_payee: PlanPayee
    panel_plan: SupportPlan
    approval_plan: SupportPlan


def plan_samples(world: Any) -> PlanSamples:
    cached = world.__dict__.get("_plan_samples")
    if cached is not None:
        return cached
    worker = world.user(Role.SOCIAL_WORKER)
    admin = world.user(Role.SYSTEM_ADMIN)
    scheme = PublishedRasSchemeFactory(created_by=admin)
    draft_scheme = DraftRasSchemeFactory(created_by=admin)

    def case_in(status: str) -> Case:
        case = AllocatedCaseFactory(worker=worker, status=status, person=PersonFactory(given_name="Plan"))
        IndicativeBudgetFactory(case=case, scheme=scheme)
        return case

    new_case = AllocatedCaseFactory(
        worker=worker, status=CaseStatus.NEEDS_ASSESSMENT, person=PersonFactory(given_name="New")
    )
    planning = case_in(CaseStatus.SUPPORT_PLANNING)
    draft_plan = DraftSupportPlanFactory(case=planning)
    partner = PersonFactory(given_name="Partner", family_name=planning.person.family_name)
    record = Relationship.objects.create(
        from_person=partner,
        to_person=planning.person,
        kind=RelationshipKind.SPOUSE_OR_PARTNER_OF,
        same_household=True,
        started_on=dt.date(2001, 6, 1),
    )
    family_payee = PlanPayee.objects.create(
        plan=draft_plan,
        person=partner,
        relationship_record=record,
        name=partner.full_name,
        relationship=PayeeRelationship.SPOUSE_OR_CIVIL_PARTNER,
        lives_in_same_household=True,
    )
    samples = PlanSamples(
        scheme=scheme,
        draft_scheme=draft_scheme,
        draft_question=draft_scheme.questions.first(),  # type: ignore[arg-type]
        new_case=new_case,
        draft_plan=draft_plan,
        family_payee=family_payee,
        panel_plan=AtPanelSupportPlanFactory(case=case_in(CaseStatus.FUNDING_PANEL), content=True),
        approval_plan=AwaitingApprovalSupportPlanFactory(case=case_in(CaseStatus.PLAN_APPROVAL)),
    )
    world.__dict__["_plan_samples"] = samples
    return samples
