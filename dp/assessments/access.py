"""Fetching assessment records the user may see. Missing and forbidden both raise Http404, so the
existence of a record outside the user's scope is not revealed.

Assessment records belong to a case: whoever may see the case (`dp.cases.access`) may see them.
Uprating batches are council-wide work of the financial assessment officers; the view's access
policy already limits them to that role.
"""

from __future__ import annotations

from django.http import Http404

from dp.assessments.models import EligibilityDecision, FinancialAssessment, NeedsAssessment, UpratingBatch, UpratingItem
from dp.cases.access import cases_visible_to
from dp.cases.models import Case
from dp.people.access import people_visible_to
from dp.staff.models import User
from dp.staff.roles import Role


def access_eligibility_decision_by_id(user: User, case: Case, decision_id: int) -> EligibilityDecision:
    decision = (
        EligibilityDecision.objects.filter(pk=decision_id, case=case, case__in=cases_visible_to(user))
        .select_related("case__person", "person", "related_person", "decided_by")
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    return decision


def access_needs_assessment_by_id(user: User, case: Case, assessment_id: int) -> NeedsAssessment:
    assessment = (
        NeedsAssessment.objects.filter(pk=assessment_id, case=case, case__in=cases_visible_to(user))
        .select_related("case__person", "created_by", "completed_by")
        .first()
    )
    if assessment is None:
        raise Http404("No such needs assessment")
    return assessment


def access_financial_assessment_by_id(user: User, case: Case, assessment_id: int) -> FinancialAssessment:
    assessment = (
        FinancialAssessment.objects.filter(pk=assessment_id, case=case, case__in=cases_visible_to(user))
        .select_related("case__person", "calculated_by", "completed_by", "previous")
        .first()
    )
    if assessment is None:
        raise Http404("No such financial assessment")
    return assessment


def access_uprating_batch_by_id(user: User, batch_id: int) -> UpratingBatch:
    if not user.has_role(Role.FINANCIAL_ASSESSOR):
        raise Http404("No such uprating")
    batch = UpratingBatch.objects.select_related("created_by", "approved_by").filter(pk=batch_id).first()
    if batch is None:
        raise Http404("No such uprating")
    return batch


def access_uprating_item_by_id(user: User, batch: UpratingBatch, item_id: int) -> UpratingItem:
    item = (
        UpratingItem.objects.filter(pk=item_id, batch=batch, assessment__person__in=people_visible_to(user))
        .select_related("assessment__person", "assessment__case", "batch")
        .first()
    )
    if item is None:
        raise Http404("No such person in this uprating")
    return item
