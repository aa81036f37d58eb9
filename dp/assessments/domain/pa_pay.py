"""Does a Personal Assistant's hourly pay meet the minimum wage on a date?

Design
------
A direct payment recipient who employs a PA is an employer and must pay at least the National
Minimum Wage (National Minimum Wage Act 1998; rates in RULES.md PA-WAGE-01..05). The rate depends
on the worker's age on the day worked and on whether they are in the first year of an
apprenticeship; the rates change each 1 April and come from `MinimumWageRates`
(`national_figures.minimum_wage_for`).

Bands (PA-WAGE-01..03): the National Living Wage from the age the table gives (21 since April
2024), the 18 to 20 rate, the under-18 rate, and the apprentice rate for a PA in the first year of
an apprenticeship. The contract only says whether the PA is a first-year apprentice, so an
apprentice under 19 past their first year (who may also be paid the apprentice rate) is checked
against their age rate, the stricter answer. The minimum wage applies from school-leaving age;
RULES.md does not give it, so ages under 16 are refused rather than guessed at.

`check_pa_pay` answers CALCULATE.md `pa-pay-check`. Pure: the date and the rates are arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dp.assessments.domain.national_figures import MinimumWageRates
from dp.assessments.domain.validation import require_bool, require_date, require_int, require_pence
from dp.core.domain.breakdown import BreakdownLine, format_date
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence

MINIMUM_WORKER_AGE = 16


@dataclass(frozen=True)
class PaPayRequest:
    """CALCULATE.md `pa-pay-check` request."""

    worked_on: dt.date
    age: int
    hourly_rate_pence: int
    apprentice_first_year: bool = False

    def __post_init__(self) -> None:
        require_date(self.worked_on, "worked_on")
        require_int(self.age, "age", maximum=120)
        if self.age < MINIMUM_WORKER_AGE:
            raise ValidationFailed(
                "The minimum wage applies from school-leaving age; a PA under 16 cannot be checked.", field="age"
            )
        require_pence(self.hourly_rate_pence, "hourly_rate_pence")
        require_bool(self.apprentice_first_year, "apprentice_first_year")


@dataclass(frozen=True)
class MinimumRate:
    hourly_pence: int
    name: str


@dataclass(frozen=True)
class PaPayResult:
    """CALCULATE.md `pa-pay-check` response (plus `rates_year`, naming the figures used)."""

    minimum_hourly_rate_pence: int
    rate_name: str
    compliant: bool
    shortfall_per_hour_pence: int
    rates_year: str
    breakdown: list[BreakdownLine] = field(default_factory=list)


def minimum_hourly_rate(age: int, *, apprentice_first_year: bool, rates: MinimumWageRates) -> MinimumRate:
    """The minimum hourly rate for a worker of `age` (PA-WAGE-01..03; National Minimum Wage Act 1998).

    First-year apprentices: the apprentice rate (PA-WAGE-03). Otherwise the National Living Wage
    from `rates.national_living_wage_from_age` (21 from April 2024), then 18 to 20, then under 18.
    Raises PolicyMissing when the rate needed has not been entered.
    """
    if apprentice_first_year:
        return MinimumRate(rates.require("apprentice_pence"), "Apprentice rate")
    if age >= rates.national_living_wage_from_age:
        return MinimumRate(rates.require("national_living_wage_pence"), "National Living Wage")
    if age >= 18:
        return MinimumRate(rates.require("age_18_to_20_pence"), "National Minimum Wage (18 to 20)")
    return MinimumRate(rates.require("under_18_pence"), "National Minimum Wage (under 18)")


def check_pa_pay(request: PaPayRequest, rates: MinimumWageRates) -> PaPayResult:
    """Whether a PA's hourly rate meets the minimum wage on the day worked (CALCULATE.md `pa-pay-check`).

    Sources: RULES.md PA-WAGE-01..05 (gov.uk National Minimum Wage rates); National Minimum Wage
    Act 1998. `rates` must be those in force on `request.worked_on`.
    """
    if request.worked_on < rates.effective_from:
        raise ValueError(f"The {rates.rates_year} minimum wage rates were not in force on {request.worked_on}.")
    minimum = minimum_hourly_rate(request.age, apprentice_first_year=request.apprentice_first_year, rates=rates)
    shortfall = max(0, minimum.hourly_pence - request.hourly_rate_pence)
    compliant = shortfall == 0
    who = "first-year apprentice" if request.apprentice_first_year else f"worker aged {request.age}"
    lines = [
        BreakdownLine.text("Day worked", format_date(request.worked_on)),
        BreakdownLine.text("Rates in force", f"from {format_date(rates.effective_from)} ({rates.rates_year})"),
        BreakdownLine.text("Rate that applies", f"{minimum.name}, for a {who}"),
        BreakdownLine.money(f"{minimum.name} per hour", minimum.hourly_pence),
        BreakdownLine.money("Hourly rate paid", request.hourly_rate_pence),
    ]
    if compliant:
        lines.append(BreakdownLine.text("Result", "the pay meets the minimum wage"))
    else:
        lines.append(BreakdownLine.money("Shortfall per hour", shortfall))
        lines.append(
            BreakdownLine.text(
                "Result",
                f"the pay is {format_pence(shortfall)} an hour below the minimum wage, which the employer must pay",
            )
        )
    return PaPayResult(
        minimum_hourly_rate_pence=minimum.hourly_pence,
        rate_name=minimum.name,
        compliant=compliant,
        shortfall_per_hour_pence=shortfall,
        rates_year=rates.rates_year,
        breakdown=lines,
    )
