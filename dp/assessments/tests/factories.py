"""State-named factories: `RefusedDecisionFactory`, `DraftNeedsAssessmentFactory`,
`CurrentFinancialAssessmentFactory`, `ReadyUpratingBatchFactory`, ...

Pass `case=` (a case from `dp.cases.tests.factories`) and the acting staff (`decided_by=`,
`created_by=`, `calculated_by=`...). Financial assessments are assessed on 2 June 2025, inside the
2025/26 rates year whose single-person figures are verified, with inputs a person aged 25 to 65
can be assessed on without any missing national figure.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from dp.assessments.constants import (
    EligibilityOutcome,
    FinancialSource,
    FinancialStatus,
    NeedsKind,
    NeedsStatus,
    OfferAnswer,
    OfferOccasion,
    RecipientType,
    UpratingStatus,
)
from dp.assessments.domain.benefit_uprating import benefit_rates_to_json, load_benefit_rates
from dp.assessments.domain.charging import NATIONAL_DEFAULT_POLICY, calculate_contribution
from dp.assessments.domain.financial import (
    FinancialInputs,
    contribution_request,
    figures_to_json,
    policy_to_json,
)
from dp.assessments.models import (
    DirectPaymentOffer,
    EligibilityDecision,
    FinancialAssessment,
    NeedsAssessment,
    UpratingBatch,
    UpratingItem,
)
from dp.assessments.selectors import shipped_tables

ASSESSED_ON = dt.date(2025, 6, 2)
UPRATE_TO = dt.date(2025, 4, 6)  # a rates year with verified single-person figures


def figures_2025() -> object:
    from dp.assessments.domain.national_figures import figures_for

    return figures_for(ASSESSED_ON, shipped_tables())


SAMPLE_INPUTS = FinancialInputs(
    cost_of_care_weekly_pence=30_000,
    income=[("esa", 13_000), ("pip_daily_living", 7_390), ("pip_mobility", 2_920), ("other", 9_000)],
    capital_sole_pence=1_500_000,
    housing_costs_weekly_pence=1_200,
    premiums=["disability"],
)


class DirectPaymentOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectPaymentOffer

    case = None
    person = factory.LazyAttribute(lambda o: o.case.person)
    occasion = OfferOccasion.NEEDS_ASSESSMENT
    offered_on = factory.LazyFunction(timezone.localdate)
    answer = OfferAnswer.ACCEPTED
    recorded_by = None
    recorded_at = factory.LazyFunction(timezone.now)


class EligibleDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityDecision

    case = None
    person = factory.LazyAttribute(lambda o: o.case.person)
    decided_on = factory.LazyFunction(timezone.localdate)
    decided_by = None
    route = "adult_with_capacity"
    age = 65
    excluded_by_criminal_justice_order = False
    outcome = EligibilityOutcome.ELIGIBLE
    recipient_type = RecipientType.ADULT
    conditions = factory.LazyFunction(
        lambda: [
            {"code": "AGE", "met": True, "explanation": "The person is an adult (18 or over).", "source": "s.31"},
        ]
    )
    explanation = "Every condition is met."


class RefusedDecisionFactory(EligibleDecisionFactory):
    outcome = EligibilityOutcome.NOT_ELIGIBLE
    excluded_by_criminal_justice_order = True
    exclusion_order = "drug_rehabilitation_requirement"
    conditions = factory.LazyFunction(
        lambda: [
            {"code": "AGE", "met": True, "explanation": "The person is an adult (18 or over).", "source": "s.31"},
            {
                "code": "NOT_EXCLUDED",
                "met": False,
                "explanation": "The person is subject to a drug rehabilitation requirement.",
                "source": "Care and Support (Direct Payments) Regulations 2014 reg 2 and Schedule",
            },
        ]
    )
    explanation = "Direct payments cannot be made."
    notes = "We will look again when the requirement ends."


class DraftNeedsAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAssessment

    case = None
    person = factory.LazyAttribute(lambda o: o.case.person)
    kind = NeedsKind.ADULT
    status = NeedsStatus.DRAFT
    assessed_on = factory.LazyFunction(timezone.localdate)
    arises_from_condition = True
    outcomes_not_achieved = factory.LazyFunction(lambda: ["nutrition", "personal_hygiene"])
    significant_impact = True
    needs_description = "Needs help to wash, dress and prepare meals."
    eligible = True
    conditions = factory.LazyFunction(list)
    explanation = "The needs meet the eligibility criteria."
    created_by = None


class CompletedNeedsAssessmentFactory(DraftNeedsAssessmentFactory):
    status = NeedsStatus.COMPLETED
    completed_by = factory.LazyAttribute(lambda o: o.created_by)
    completed_at = factory.LazyFunction(timezone.now)


def _result_fields(inputs: FinancialInputs, *, on: dt.date, age: int) -> dict[str, object]:
    result = calculate_contribution(
        contribution_request(inputs, assessed_on=on, age=age), figures_2025(), NATIONAL_DEFAULT_POLICY
    )
    return {
        "weekly_contribution_pence": result.weekly_contribution_pence,
        "full_cost": result.full_cost,
        "tariff_income_weekly_pence": result.tariff_income_weekly_pence,
        "minimum_income_guarantee_weekly_pence": result.minimum_income_guarantee_weekly_pence,
        "assessable_income_weekly_pence": result.assessable_income_weekly_pence,
        "disposable_income_weekly_pence": result.disposable_income_weekly_pence,
        "rates_year": result.rates_year,
        "breakdown": [line.as_dict() for line in result.breakdown],
        "policy": policy_to_json(NATIONAL_DEFAULT_POLICY),
    }


class DraftFinancialAssessmentFactory(factory.django.DjangoModelFactory):
    """A calculated, unconfirmed assessment with `SAMPLE_INPUTS` and its real result (2025/26)."""

    class Meta:
        model = FinancialAssessment

    case = None
    person = factory.LazyAttribute(lambda o: o.case.person)
    status = FinancialStatus.DRAFT
    source = FinancialSource.OFFICER
    assessed_on = ASSESSED_ON
    effective_from = ASSESSED_ON
    age = factory.LazyAttribute(lambda o: o.person.age(o.assessed_on))
    premiums = factory.LazyFunction(lambda: list(SAMPLE_INPUTS.premiums))
    income = factory.LazyFunction(lambda: [{"type": t, "weekly_pence": p} for t, p in SAMPLE_INPUTS.income])
    capital_sole_pence = SAMPLE_INPUTS.capital_sole_pence
    capital_pence = SAMPLE_INPUTS.capital_pence
    housing_costs_weekly_pence = SAMPLE_INPUTS.housing_costs_weekly_pence
    cost_of_care_weekly_pence = SAMPLE_INPUTS.cost_of_care_weekly_pence
    calculated_by = None
    calculated_at = factory.LazyFunction(timezone.now)
    weekly_contribution_pence = None  # worked out from SAMPLE_INPUTS unless given

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("weekly_contribution_pence") is None:
            kwargs.update(_result_fields(SAMPLE_INPUTS, on=kwargs["assessed_on"], age=kwargs["age"]))
        return super()._create(model_class, *args, **kwargs)


class CurrentFinancialAssessmentFactory(DraftFinancialAssessmentFactory):
    status = FinancialStatus.COMPLETED
    is_current = True
    completed_by = factory.LazyAttribute(lambda o: o.calculated_by)
    completed_at = factory.LazyFunction(timezone.now)


class QueuedUpratingBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpratingBatch

    target_on = UPRATE_TO
    rates_year = "2025/26"
    status = UpratingStatus.QUEUED
    created_by = None
    # What `uprating_batch_run` snapshots when it starts (tests may call the bulk step directly).
    benefit_rates = factory.LazyFunction(lambda: benefit_rates_to_json(load_benefit_rates()))


class ReadyUpratingBatchFactory(QueuedUpratingBatchFactory):
    """A calculated batch; add rows with `UpratingItemFactory`."""

    status = UpratingStatus.READY
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    figures = factory.LazyFunction(lambda: figures_to_json(figures_2025()))  # type: ignore[arg-type]
    policy = factory.LazyFunction(lambda: policy_to_json(NATIONAL_DEFAULT_POLICY))


class UpratingItemFactory(factory.django.DjangoModelFactory):
    """A re-calculated row for `assessment` under the batch's figures."""

    class Meta:
        model = UpratingItem

    batch = None
    assessment = None
    age = factory.LazyAttribute(lambda o: o.assessment.person.age(o.batch.target_on))
    old_weekly_contribution_pence = factory.LazyAttribute(lambda o: o.assessment.weekly_contribution_pence)
    new_weekly_contribution_pence = factory.LazyAttribute(
        lambda o: _result_fields(SAMPLE_INPUTS, on=o.batch.target_on, age=o.age)["weekly_contribution_pence"]
    )
    full_cost = False


def applied_uprating(*, case: object, officer: object, approver: object) -> tuple[UpratingBatch, UpratingItem]:
    """An approved and applied batch with one row whose new assessment is written."""
    old = CurrentFinancialAssessmentFactory(case=case, calculated_by=officer, is_current=False)
    batch = ReadyUpratingBatchFactory(
        created_by=officer,
        status=UpratingStatus.APPLIED,
        approved_by=approver,
        approved_at=timezone.now(),
        applied=1,
        applied_at=timezone.now(),
        total=1,
        processed=1,
    )
    item = UpratingItemFactory(batch=batch, assessment=old)
    CurrentFinancialAssessmentFactory(
        case=case,
        calculated_by=approver,
        source=FinancialSource.UPRATING,
        previous=old,
        uprating_item=item,
        assessed_on=batch.target_on,
        effective_from=batch.target_on,
        is_current=not FinancialAssessment.objects.filter(case=case, is_current=True).exists(),  # type: ignore[misc]
    )
    return batch, item
