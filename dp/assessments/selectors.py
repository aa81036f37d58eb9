"""National figures (shipped tables plus administrator-entered gaps) and the council's charging policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from dp.assessments.domain.charging import ChargingPolicy
from dp.assessments.domain.national_figures import (
    MinimumWageRates,
    NationalFigures,
    NationalFigureTables,
    figures_for,
    load_national_figure_tables,
    minimum_wage_for,
    with_entered_figures,
)
from dp.assessments.models import NationalFigureEntry
from dp.assessments.policy import CAPITAL_LOWER, CAPITAL_UPPER, LOCAL_MIG, MINIMUM_CHARGE, STANDARD_DRE, TAPER
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get


@cache
def shipped_tables() -> NationalFigureTables:
    return load_national_figure_tables()


def _entered(table: str, rates_year: str) -> dict[str, int]:
    entered: dict[str, int] = {}
    for name, amount in (
        NationalFigureEntry.objects.filter(table=table, rates_year=rates_year)
        .order_by("name", "-entered_at")
        .values_list("name", "amount_pence")
    ):
        entered.setdefault(name, amount)
    return entered


def national_figures_on(on: dt.date) -> NationalFigures:
    figures = figures_for(on, shipped_tables())
    entered = {k: v for k, v in _entered("charging", figures.rates_year).items() if getattr(figures, k) is None}
    return with_entered_figures(figures, entered) if entered else figures


def minimum_wage_on(on: dt.date) -> MinimumWageRates:
    rates = minimum_wage_for(on, shipped_tables())
    entered = _entered("minimum_wage", rates.rates_year)
    if not entered:
        return rates
    from dataclasses import replace

    return replace(rates, **{k: v for k, v in entered.items() if getattr(rates, k) is None})  # type: ignore[arg-type]


def _optional(key: str, on: dt.date) -> int | None:
    try:
        return int(policy_value_get(key, on=on))
    except PolicyMissing:
        return None


def council_charging_policy(on: dt.date) -> ChargingPolicy:
    """The council's charging policy in force on `on`; unset parameters take the national default."""
    taper = _optional(TAPER.key, on)
    return ChargingPolicy(
        minimum_income_guarantee_weekly_pence=_optional(LOCAL_MIG.key, on),
        taper_percent=Decimal(100 if taper is None else taper),
        minimum_charge_weekly_pence=_optional(MINIMUM_CHARGE.key, on) or 0,
        capital_lower_limit_pence=_optional(CAPITAL_LOWER.key, on),
        capital_upper_limit_pence=_optional(CAPITAL_UPPER.key, on),
        standard_disability_related_expenditure_weekly_pence=_optional(STANDARD_DRE.key, on) or 0,
    )
