"""What a PA should have been paid at least for the hours of a pay record, and how far short the pay fell.

Design overview
---------------
The minimum for a pay period is the hours worked at the minimum hourly rate for the PA's age (or the
apprentice rate) on the day the pay is judged on, rounded to the penny once (`dp.core.money.round_to_pence`):
exactly how the monitoring rule `DP-PA-BELOW-MIN-WAGE` (`dp.monitoring.domain.rules.PaBelowMinimumWage`) judges
it, so the pay page and the finding never disagree (a test compares them). The rates come from
`dp.assessments.domain.pa_pay.minimum_hourly_rate` (RULES.md PA-WAGE-01..05; National Minimum Wage Act 1998).

Pure: the rates in force on the day are an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dp.assessments.domain.national_figures import MinimumWageRates
from dp.assessments.domain.pa_pay import minimum_hourly_rate
from dp.core.money import round_to_pence


@dataclass(frozen=True)
class PayCheck:
    minimum_pence: int
    rate_name: str
    hourly_minimum_pence: int
    shortfall_pence: int

    @property
    def below_minimum(self) -> bool:
        return self.shortfall_pence > 0


def check_pay(
    *, hours: Decimal, gross_pay_pence: int, age: int, apprentice_first_year: bool, rates: MinimumWageRates
) -> PayCheck:
    """The least the hours should have been paid and the shortfall (0 when the pay meets it)."""
    rate = minimum_hourly_rate(age, apprentice_first_year=apprentice_first_year, rates=rates)
    minimum = round_to_pence(hours * rate.hourly_pence)
    return PayCheck(
        minimum_pence=minimum,
        rate_name=rate.name,
        hourly_minimum_pence=rate.hourly_pence,
        shortfall_pence=max(0, minimum - gross_pay_pence),
    )
