"""Costing the lines of a support plan, and the plan's totals.

Design
------
Every line of a plan gets a weekly cost, its "weekly equivalent", so the plan can be compared
with the weekly indicative budget and becomes the weekly personal budget (Care Act 2014 s.26,
PB-01: the personal budget is the cost to the council of meeting the needs). Things bought a few
times a year are spread over 52 weeks; equipment is a one-off cost, also spread over 52 weeks for
the comparison but paid once. Each line's arithmetic is written into its breakdown so a worker
can check it by hand:

* Personal Assistant hours: hours a week x hourly wage = wages, plus the council's allowances for
  the costs of employing them, worked exactly as the resource allocation system works them
  (`dp.assessments.domain.ras`): holiday pay as a percentage of wages (PA-HOL-01), then employer's
  National Insurance and workplace pension as percentages of pay including holiday pay
  (PA-TAX-01, PA-PEN-01). Employer's liability insurance (PA-INS-01) is a cost per employer, so
  it is counted once per plan, not per line (`plan_totals`).
* Agency hours: hours a week x the agency's hourly rate (an agency's rate includes its own costs).
* Day opportunities: sessions a week x cost per session.
* Short breaks (adults and carers) and children's overnight short breaks: days or nights a year x
  cost per day or night, spread over 52 weeks.
* A short stay in a care home: nights of the stay x cost per night, spread over 52 weeks.
* Equipment: one-off cost.
* Anything else: a weekly cost.

Every money step is rounded once with `round_to_pence`, so the breakdown lines add up exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dp.assessments.domain.plan_checks import Funding
from dp.assessments.domain.ras import PaOnCosts
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence, round_to_pence

WEEKS_IN_YEAR = 52


class LineKind(StrEnum):
    PERSONAL_ASSISTANT = "personal_assistant"
    CARE_AGENCY = "care_agency"
    DAY_OPPORTUNITY = "day_opportunity"
    SHORT_BREAK = "short_break"
    CHILDREN_OVERNIGHT_SHORT_BREAK = "children_overnight_short_break"
    CARE_HOME_SHORT_STAY = "care_home_short_stay"
    EQUIPMENT = "equipment"
    OTHER = "other"


# What the quantity and the unit cost of each kind of line mean, for explanations.
QUANTITY_WORDS: dict[LineKind, tuple[str, str]] = {
    LineKind.PERSONAL_ASSISTANT: ("hours a week", "an hour"),
    LineKind.CARE_AGENCY: ("hours a week", "an hour"),
    LineKind.DAY_OPPORTUNITY: ("sessions a week", "a session"),
    LineKind.SHORT_BREAK: ("days a year", "a day"),
    LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK: ("nights a year", "a night"),
    LineKind.CARE_HOME_SHORT_STAY: ("nights", "a night"),
    LineKind.EQUIPMENT: ("item", "one-off"),
    LineKind.OTHER: ("week", "a week"),
}
YEARLY_KINDS = frozenset({LineKind.SHORT_BREAK, LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK, LineKind.CARE_HOME_SHORT_STAY})


@dataclass(frozen=True)
class LineInput:
    """One line to cost: `quantity` and `unit_cost_pence` mean what `QUANTITY_WORDS` says for the kind
    (for equipment and "other" the quantity is 1 and the unit cost is the one-off or weekly cost)."""

    kind: LineKind
    quantity: Decimal
    unit_cost_pence: int

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", LineKind(self.kind))
        except ValueError:
            raise ValidationFailed("Choose what kind of support it is.", field="kind") from None
        if isinstance(self.quantity, bool | float) or not isinstance(self.quantity, int | Decimal):
            raise ValidationFailed("Enter the quantity as a number.", field="quantity")
        object.__setattr__(self, "quantity", Decimal(self.quantity))
        if self.quantity <= 0:
            raise ValidationFailed("The quantity must be more than 0.", field="quantity")
        if isinstance(self.unit_cost_pence, bool) or not isinstance(self.unit_cost_pence, int):
            raise ValidationFailed("Enter the cost as a whole number of pence.", field="unit_cost_pence")
        if self.unit_cost_pence <= 0:
            raise ValidationFailed("The cost must be more than £0.", field="unit_cost_pence")


@dataclass(frozen=True)
class LineCost:
    weekly_pence: int  # the weekly equivalent, used for budgets and checks
    one_off_pence: int  # paid once (equipment); 0 otherwise
    breakdown: list[BreakdownLine] = field(default_factory=list)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _percent_of(base: int, percent: Decimal) -> int:
    return round_to_pence(Decimal(base) * percent / 100)


def cost_line(line: LineInput, on_costs: PaOnCosts) -> LineCost:
    """The weekly equivalent (and any one-off amount) of a plan line, with its working.

    Sources: Care Act 2014 s.26 (PB-01); PA employment costs PA-HOL-01, PA-TAX-01, PA-PEN-01
    [LOCAL rates from the council's resource allocation scheme].
    """
    qty, unit = line.quantity, line.unit_cost_pence
    quantity_words, unit_words = QUANTITY_WORDS[line.kind]
    lines: list[BreakdownLine] = []
    if line.kind is LineKind.PERSONAL_ASSISTANT:
        wages = round_to_pence(qty * unit)
        lines.append(BreakdownLine.money(f"Wages: {_number(qty)} hours a week at {format_pence(unit)} an hour", wages))
        holiday = _percent_of(wages, on_costs.holiday_pay_percent)
        pay = wages + holiday
        national_insurance = _percent_of(pay, on_costs.employer_ni_percent)
        pension = _percent_of(pay, on_costs.pension_percent)
        lines.append(BreakdownLine.money(f"Holiday pay ({_number(on_costs.holiday_pay_percent)}% of wages)", holiday))
        lines.append(
            BreakdownLine.money(
                f"Employer's National Insurance ({_number(on_costs.employer_ni_percent)}% of pay with holiday pay)",
                national_insurance,
            )
        )
        lines.append(
            BreakdownLine.money(
                f"Workplace pension ({_number(on_costs.pension_percent)}% of pay with holiday pay)", pension
            )
        )
        weekly = pay + national_insurance + pension
        lines.append(BreakdownLine.money("Weekly cost", weekly))
        return LineCost(weekly_pence=weekly, one_off_pence=0, breakdown=lines)
    if line.kind is LineKind.EQUIPMENT:
        weekly = round_to_pence(Decimal(unit) / WEEKS_IN_YEAR)
        lines.append(BreakdownLine.money("One-off cost", unit))
        lines.append(BreakdownLine.money("Spread over 52 weeks, to compare with the weekly budget", weekly))
        return LineCost(weekly_pence=weekly, one_off_pence=unit, breakdown=lines)
    if line.kind is LineKind.OTHER:
        weekly = round_to_pence(qty * unit)
        if qty != 1:
            lines.append(BreakdownLine.text("Quantity", f"{_number(qty)} a week at {format_pence(unit)}"))
        lines.append(BreakdownLine.money("Weekly cost", weekly))
        return LineCost(weekly_pence=weekly, one_off_pence=0, breakdown=lines)
    if line.kind in YEARLY_KINDS:
        total = round_to_pence(qty * unit)
        weekly = round_to_pence(Decimal(total) / WEEKS_IN_YEAR)
        period = "for the stay" if line.kind is LineKind.CARE_HOME_SHORT_STAY else "a year"
        lines.append(
            BreakdownLine.money(
                f"{_number(qty)} {quantity_words} at {format_pence(unit)} {unit_words} ({period})", total
            )
        )
        lines.append(BreakdownLine.money("Spread over 52 weeks", weekly))
        return LineCost(weekly_pence=weekly, one_off_pence=0, breakdown=lines)
    weekly = round_to_pence(qty * unit)
    lines.append(BreakdownLine.money(f"{_number(qty)} {quantity_words} at {format_pence(unit)} {unit_words}", weekly))
    return LineCost(weekly_pence=weekly, one_off_pence=0, breakdown=lines)


@dataclass(frozen=True)
class CostedLine:
    kind: LineKind
    funding: Funding
    weekly_pence: int
    one_off_pence: int = 0


@dataclass(frozen=True)
class PlanTotals:
    """What a costed plan adds up to.

    `total_weekly_pence` is the personal budget the plan needs (every line's weekly equivalent,
    with insurance); `direct_payment_regular_weekly_pence` is the part paid regularly as a direct
    payment (direct-payment lines other than one-off equipment, with insurance);
    `direct_payment_one_off_pence` is paid once.
    """

    direct_payment_weekly_pence: int  # weekly equivalents of the direct-payment lines, with insurance
    direct_payment_regular_weekly_pence: int
    direct_payment_one_off_pence: int
    council_arranged_weekly_pence: int
    insurance_weekly_pence: int
    total_weekly_pence: int
    breakdown: list[BreakdownLine] = field(default_factory=list)


def employs_personal_assistants(lines: Sequence[CostedLine]) -> bool:
    return any(line.kind is LineKind.PERSONAL_ASSISTANT and line.funding is Funding.DIRECT_PAYMENT for line in lines)


def plan_totals(lines: Sequence[CostedLine], *, insurance_weekly_pence: int) -> PlanTotals:
    """Add up a plan's lines (PB-01). Employer's liability insurance (PA-INS-01) is added once
    when the direct payment employs Personal Assistants: the recipient is the employer and must
    hold it whatever the number of PAs."""
    insurance = insurance_weekly_pence if employs_personal_assistants(lines) else 0
    dp = [line for line in lines if line.funding is Funding.DIRECT_PAYMENT]
    arranged = [line for line in lines if line.funding is Funding.COUNCIL_ARRANGED]
    dp_weekly = sum(line.weekly_pence for line in dp) + insurance
    dp_regular = sum(line.weekly_pence for line in dp if line.kind is not LineKind.EQUIPMENT) + insurance
    dp_one_off = sum(line.one_off_pence for line in dp)
    arranged_weekly = sum(line.weekly_pence for line in arranged)
    total = dp_weekly + arranged_weekly
    breakdown = [
        BreakdownLine.money("Paid by direct payment (weekly equivalent)", dp_weekly - insurance),
    ]
    if insurance:
        breakdown.append(BreakdownLine.money("Employer's liability insurance (once, for employing PAs)", insurance))
    breakdown.append(BreakdownLine.money("Arranged by the council (weekly equivalent)", arranged_weekly))
    breakdown.append(BreakdownLine.money("Cost of the plan a week (the personal budget it needs)", total))
    if dp_one_off:
        breakdown.append(BreakdownLine.money("Of which paid once by direct payment (equipment)", dp_one_off))
    breakdown.append(BreakdownLine.money("Regular direct payment a week", dp_regular))
    return PlanTotals(
        direct_payment_weekly_pence=dp_weekly,
        direct_payment_regular_weekly_pence=dp_regular,
        direct_payment_one_off_pence=dp_one_off,
        council_arranged_weekly_pence=arranged_weekly,
        insurance_weekly_pence=insurance,
        total_weekly_pence=total,
        breakdown=breakdown,
    )
