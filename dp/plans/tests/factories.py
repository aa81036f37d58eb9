"""State-named factories: `PublishedRasSchemeFactory`, `DraftSupportPlanFactory`, `AtPanelSupportPlanFactory`,
`AwaitingApprovalSupportPlanFactory`, `ApprovedSupportPlanFactory`, `PersonalBudgetFactory` ...

Plans are made with one outcome (personal hygiene) and one Personal Assistant line of 10 hours at £12 an hour
(£120.00 a week, no on-costs) unless `content=False`. Pass `case=` (a case whose worker is the author).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from dp.plans.constants import BudgetSource, Funding, LineKind, PlanStatus, RasSchemeStatus
from dp.plans.models import (
    IndicativeBudget,
    PersonalBudget,
    PlanLine,
    PlanOutcome,
    RasAnswer,
    RasQuestion,
    RasScheme,
    SupportPlan,
)
from dp.staff.tests.factories import UserFactory

QUESTIONS = [
    ("q1", "Help with personal care", [("a1", "No help", 0), ("a2", "Some help", 20), ("a3", "A lot of help", 40)]),
    ("q2", "Help to get out and about", [("a1", "No help", 0), ("a2", "Some help", 10), ("a3", "A lot of help", 20)]),
]


class PublishedRasSchemeFactory(factory.django.DjangoModelFactory):
    """In force since 2020: £5 a point, 12.07% holiday pay, no employer's NI, 3% pension, £3 a week insurance."""

    class Meta:
        model = RasScheme
        skip_postgeneration_save = True

    name = "Adults RAS"
    effective_from = dt.date(2020, 1, 1)
    status = RasSchemeStatus.PUBLISHED
    pence_per_point = Decimal("500.00")
    holiday_pay_percent = Decimal("12.07")
    employer_ni_percent = Decimal(0)
    pension_percent = Decimal(3)
    insurance_weekly_pence = 300
    reason = "Set up for tests"
    created_by = factory.SubFactory(UserFactory)
    published_by = factory.SelfAttribute("created_by")
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create or extracted is False:
            return
        for order, (code, text, answers) in enumerate(QUESTIONS, start=1):
            question = RasQuestion.objects.create(scheme=self, code=code, text=text, order=order)
            for a_order, (a_code, label, points) in enumerate(answers, start=1):
                RasAnswer.objects.create(question=question, code=a_code, label=label, points=points, order=a_order)


class DraftRasSchemeFactory(PublishedRasSchemeFactory):
    name = "Adults RAS next year"
    status = RasSchemeStatus.DRAFT
    effective_from = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    published_by = None
    published_at = None


class IndicativeBudgetFactory(factory.django.DjangoModelFactory):
    """£150.00 a week (30 points at £5)."""

    class Meta:
        model = IndicativeBudget

    case = None
    scheme = factory.SubFactory(PublishedRasSchemeFactory)
    answers = factory.LazyFunction(lambda: {"q1": "a2", "q2": "a2"})
    total_points = 30
    core_weekly_pence = 15000
    on_costs_weekly_pence = 0
    weekly_pence = 15000
    breakdown = factory.LazyFunction(lambda: [{"label": "Indicative weekly budget", "amount_pence": 15000}])
    calculated_on = factory.LazyFunction(timezone.localdate)
    calculated_at = factory.LazyFunction(timezone.now)
    calculated_by = factory.LazyAttribute(lambda b: b.case.worker)


class DraftSupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan
        skip_postgeneration_save = True

    case = None
    version = factory.LazyAttribute(lambda p: p.case.support_plans.count() + 1)
    status = PlanStatus.DRAFT
    author = factory.LazyAttribute(lambda p: p.case.worker)

    @factory.post_generation
    def content(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create or extracted is False:
            return
        outcome = PlanOutcome.objects.create(
            plan=self,
            need_code="personal_hygiene",
            need_label="Maintaining personal hygiene",
            outcome="Washed and dressed by 9 each morning",
            order=1,
        )
        line = PlanLine.objects.create(
            plan=self,
            kind=LineKind.PERSONAL_ASSISTANT,
            category="personal_assistant",
            description="Personal Assistant for morning routine",
            funding=Funding.DIRECT_PAYMENT,
            quantity=Decimal(10),
            unit_cost_pence=1200,
            weekly_cost_pence=12000,
            cost_breakdown=[{"label": "Weekly cost", "amount_pence": 12000}],
        )
        line.meets_outcomes.set([outcome])


class AtPanelSupportPlanFactory(DraftSupportPlanFactory):
    status = PlanStatus.AT_PANEL
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_by = factory.SelfAttribute("author")


class AwaitingApprovalSupportPlanFactory(AtPanelSupportPlanFactory):
    status = PlanStatus.AWAITING_APPROVAL


class ApprovedSupportPlanFactory(AtPanelSupportPlanFactory):
    """Pass `approved_by=` (someone other than the author)."""

    status = PlanStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


class PersonalBudgetFactory(factory.django.DjangoModelFactory):
    """£150.00 a week from 1 January 2026, of which £120.00 is the regular direct payment."""

    class Meta:
        model = PersonalBudget

    case = None
    plan = None
    source = BudgetSource.PLAN_APPROVED
    weekly_budget_pence = 15000
    direct_payment_weekly_pence = 12000
    direct_payment_regular_weekly_pence = 12000
    direct_payment_one_off_pence = 0
    council_arranged_weekly_pence = 3000
    effective_from = dt.date(2026, 1, 1)
    effective_to = None
    set_by = factory.LazyAttribute(lambda b: b.case.worker)
    set_at = factory.LazyFunction(timezone.now)
    reason = "Support plan approved"
