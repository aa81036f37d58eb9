"""Fetching plans, their parts and schemes the user may see (404 for missing and forbidden alike)."""

from __future__ import annotations

from django.http import Http404

from dp.cases.access import cases_visible_to
from dp.plans.models import PlanLine, PlanOutcome, PlanPayee, RasQuestion, RasScheme, SupportPlan
from dp.staff.models import User


def access_plan_by_id(user: User, plan_id: int) -> SupportPlan:
    plan = (
        SupportPlan.objects.filter(pk=plan_id, case__in=cases_visible_to(user))
        .select_related("case__person", "case__worker", "case__team", "author", "approved_by")
        .first()
    )
    if plan is None:
        raise Http404("No such plan")
    return plan


def access_plan_line_by_id(user: User, plan: SupportPlan, line_id: int) -> PlanLine:
    line = PlanLine.objects.filter(pk=line_id, plan=plan).first()
    if line is None:
        raise Http404("No such line")
    return line


def access_plan_outcome_by_id(user: User, plan: SupportPlan, outcome_id: int) -> PlanOutcome:
    outcome = PlanOutcome.objects.filter(pk=outcome_id, plan=plan).first()
    if outcome is None:
        raise Http404("No such outcome")
    return outcome


def access_plan_payee_by_id(user: User, plan: SupportPlan, payee_id: int) -> PlanPayee:
    payee = PlanPayee.objects.filter(pk=payee_id, plan=plan).select_related("person").first()
    if payee is None:
        raise Http404("No such payee")
    return payee


def access_ras_scheme_by_id(user: User, scheme_id: int) -> RasScheme:
    scheme = RasScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise Http404("No such scheme")
    return scheme


def access_ras_question_by_id(user: User, scheme: RasScheme, question_id: int) -> RasQuestion:
    question = RasQuestion.objects.filter(pk=question_id, scheme=scheme).first()
    if question is None:
        raise Http404("No such question")
    return question
