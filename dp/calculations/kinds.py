"""The calculation service (`../shared/contracts/CALCULATE.md`): one function per kind, taking the
decoded request JSON and returning the response JSON.

The same pure domain functions the screens use answer here; this module only reads the request
strictly (unknown fields are errors, each error names its JSON path), gathers what the database
holds (national figures, council policy) and writes the response. Both the `calculate` command and
`POST /api/v1/calculate/KIND` call `calculate(kind, payload)`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dp.assessments.domain.charging import (
    ChargingPolicy,
    ContributionRequest,
    Disregard,
    IncomeItem,
    calculate_contribution,
)
from dp.assessments.domain.pa_pay import PaPayRequest, check_pa_pay
from dp.assessments.domain.reviews import ReviewDatesRequest, calculate_review_dates
from dp.core import clock
from dp.core.domain.calculation_io import JsonObject
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.monitoring.domain import surplus
from dp.payments.domain import schedule

Handler = Callable[[object], dict[str, Any]]


class UnknownKind(ValidationFailed):
    """The kind named in the command or URL is not one the contract defines."""


def _lines(lines: Any) -> list[dict[str, Any]]:
    return [line.as_dict() for line in lines]


def _percent(body: JsonObject, name: str) -> Decimal | None:
    if not body.has(name):
        return None
    value = body.data[name]
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationFailed(f"{body.field_path(name)} must be a number from 0 to 100", field=body.field_path(name))
    if not Decimal(value).is_finite() or not 0 <= value <= 100:
        raise ValidationFailed(f"{body.field_path(name)} must be from 0 to 100", field=body.field_path(name))
    return Decimal(value)


CONTRIBUTION_FIELDS = (
    "assessed_on",
    "age",
    "pension_credit_age",
    "couple",
    "dependent_children",
    "premiums",
    "income",
    "disregards",
    "capital_pence",
    "housing_costs_weekly_pence",
    "disability_related_expenditure_weekly_pence",
    "cost_of_care_weekly_pence",
    "policy",
)
CONTRIBUTION_POLICY_FIELDS = (
    "minimum_income_guarantee_weekly_pence",
    "taper_percent",
    "minimum_charge_weekly_pence",
    "capital_lower_limit_pence",
    "capital_upper_limit_pence",
)


def _string_list(body: JsonObject, name: str) -> list[str]:
    if not body.has(name):
        return []
    value = body.data[name]
    path = body.field_path(name)
    if not isinstance(value, list):
        raise ValidationFailed(f"{path} must be a list", field=path)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise ValidationFailed(f"{path}[{i}] must be text", field=f"{path}[{i}]")
    return list(value)


def contribution(payload: object) -> dict[str, Any]:
    """Kind `contribution`: the weekly charge from a non-residential financial assessment."""
    from dp.assessments.selectors import council_charging_policy, national_figures_on

    body = JsonObject(payload, "", CONTRIBUTION_FIELDS)
    assessed_on = body.date("assessed_on")
    pension_credit_age = body.boolean("pension_credit_age", default=False) if body.has("pension_credit_age") else None
    request = ContributionRequest(
        assessed_on=assessed_on,
        age=body.integer("age", minimum=0, maximum=130),
        pension_credit_age=pension_credit_age,
        couple=body.boolean("couple", default=False),
        dependent_children=body.integer("dependent_children", minimum=0, maximum=30, default=0)
        if body.has("dependent_children")
        else 0,
        premiums=_string_list(body, "premiums"),
        income=[
            IncomeItem(type=item.text("type", max_length=40), weekly_pence=item.pence("weekly_pence"))
            for item in body.objects("income", ("type", "weekly_pence"), required=False)
        ],
        disregards=[
            Disregard(reason=item.text("reason", max_length=200), weekly_pence=item.pence("weekly_pence"))
            for item in body.objects("disregards", ("reason", "weekly_pence"), required=False)
        ],
        capital_pence=body.pence("capital_pence", default=0),
        housing_costs_weekly_pence=body.pence("housing_costs_weekly_pence", default=0),
        disability_related_expenditure_weekly_pence=(
            body.pence("disability_related_expenditure_weekly_pence")
            if body.has("disability_related_expenditure_weekly_pence")
            else None
        ),
        cost_of_care_weekly_pence=body.pence("cost_of_care_weekly_pence"),
    )
    policy_body = body.optional_object("policy", CONTRIBUTION_POLICY_FIELDS)
    if policy_body is None:
        policy = council_charging_policy(assessed_on)
    else:
        taper = _percent(policy_body, "taper_percent")
        policy = ChargingPolicy(
            minimum_income_guarantee_weekly_pence=(
                policy_body.pence("minimum_income_guarantee_weekly_pence")
                if policy_body.has("minimum_income_guarantee_weekly_pence")
                else None
            ),
            taper_percent=Decimal(100) if taper is None else taper,
            minimum_charge_weekly_pence=policy_body.pence("minimum_charge_weekly_pence", default=0),
            capital_lower_limit_pence=(
                policy_body.pence("capital_lower_limit_pence") if policy_body.has("capital_lower_limit_pence") else None
            ),
            capital_upper_limit_pence=(
                policy_body.pence("capital_upper_limit_pence") if policy_body.has("capital_upper_limit_pence") else None
            ),
        )
    try:
        figures = national_figures_on(assessed_on)
    except PolicyMissing as exc:
        raise PolicyMissing(exc.message, field="assessed_on") from exc
    result = calculate_contribution(request, figures, policy)
    return {
        "weekly_contribution_pence": result.weekly_contribution_pence,
        "full_cost": result.full_cost,
        "tariff_income_weekly_pence": result.tariff_income_weekly_pence,
        "minimum_income_guarantee_weekly_pence": result.minimum_income_guarantee_weekly_pence,
        "assessable_income_weekly_pence": result.assessable_income_weekly_pence,
        "disposable_income_weekly_pence": result.disposable_income_weekly_pence,
        "rates_year": result.rates_year,
        "breakdown": _lines(result.breakdown),
    }


def review_dates(payload: object) -> dict[str, Any]:
    """Kind `review-dates`: when reviews of a direct payment fall due."""
    body = JsonObject(payload, "", ("first_payment_on", "last_review_on", "policy"))
    policy = body.optional_object("policy", ("initial_check_weeks",))
    request = ReviewDatesRequest(
        first_payment_on=body.date("first_payment_on"),
        last_review_on=body.date("last_review_on") if body.has("last_review_on") else None,
        initial_check_weeks=policy.optional_integer("initial_check_weeks", minimum=1, maximum=104)
        if policy is not None
        else None,
    )
    result = calculate_review_dates(request)
    response: dict[str, Any] = {
        "statutory_first_review_due_by": result.statutory_first_review_due_by.isoformat(),
        "next_review_due_by": result.next_review_due_by.isoformat(),
    }
    if result.initial_check_due_on is not None:
        response["initial_check_due_on"] = result.initial_check_due_on.isoformat()
    response["breakdown"] = _lines(result.breakdown)
    return response


def pa_pay_check(payload: object) -> dict[str, Any]:
    """Kind `pa-pay-check`: does a Personal Assistant's pay meet the minimum wage on a date."""
    from dp.assessments.selectors import minimum_wage_on

    body = JsonObject(payload, "", ("worked_on", "age", "apprentice_first_year", "hourly_rate_pence"))
    worked_on = body.date("worked_on")
    request = PaPayRequest(
        worked_on=worked_on,
        age=body.integer("age", minimum=0, maximum=130),
        apprentice_first_year=body.boolean("apprentice_first_year", default=False),
        hourly_rate_pence=body.pence("hourly_rate_pence"),
    )
    try:
        rates = minimum_wage_on(worked_on)
    except PolicyMissing as exc:
        raise PolicyMissing(exc.message, field="worked_on") from exc
    result = check_pa_pay(request, rates)
    return {
        "minimum_hourly_rate_pence": result.minimum_hourly_rate_pence,
        "rate_name": result.rate_name,
        "compliant": result.compliant,
        "shortfall_per_hour_pence": result.shortfall_per_hour_pence,
        "breakdown": _lines(result.breakdown),
    }


def payment_schedule(payload: object) -> dict[str, Any]:
    """Kind `payment-schedule`: what is paid, and what the person pays in, period by period."""
    return schedule.calculate_json(payload)


def surplus_kind(payload: object) -> dict[str, Any]:
    """Kind `surplus`: how much of a balance the council may recover."""
    from dp.monitoring.selectors import council_surplus_policy

    council_policy = None
    if not (isinstance(payload, dict) and "policy" in payload):
        council_policy = council_surplus_policy(clock.today())
    return surplus.calculate_json(payload, council_policy=council_policy)


KINDS: dict[str, Handler] = {
    "contribution": contribution,
    "payment-schedule": payment_schedule,
    "surplus": surplus_kind,
    "pa-pay-check": pa_pay_check,
    "review-dates": review_dates,
}


def calculate(kind: str, payload: object) -> dict[str, Any]:
    """Run one kind. Raises ValidationFailed (bad input) or PolicyMissing (a figure is not entered)."""
    handler = KINDS.get(kind)
    if handler is None:
        raise UnknownKind(f"Unknown kind “{kind}”. The kinds are: {', '.join(KINDS)}.", field="kind")
    return handler(payload)
