"""The non-residential financial assessment: what a person contributes each week to their care.

Design
------
Care Act 2014 s.14 (power to charge) and s.17 (financial assessment), with the Care and Support
(Charging and Assessment of Resources) Regulations 2014, SI 2014/2672 ("Charging Regs") and the
Care and Support Statutory Guidance ch.8 and Annexes B (capital) and C (income). RULES.md §2 gives
the formula (§2.1) that `calculate_contribution` follows step by step, in the order a person would
check it, and writes each step into the breakdown:

1. Capital (CH-CAP-01..05): the person's capital (their own share when jointly held, CH-CAP-07) is
   compared with the limits. Above the upper limit the person pays the full cost of their care
   (s.18(2): the duty is for capital "at or below the financial limit", so exactly £23,250 is
   still means-tested, CH-CAP-03). Above the lower limit, capital produces tariff income of £1 a
   week for every £250 or part of £250 (CH-CAP-05).
2. Income (CH-INC-01..03): each weekly income is counted, or disregarded because it is a
   mobility component or earnings, or because the council's policy disregards that type. Further
   disregards (for example the no-night-care element, CH-INC-04) are taken off what is counted.
   Assessable income = counted income - further disregards + tariff income.
3. Allowances: the Minimum Income Guarantee (Charging Regs reg 7; RULES.md §2.3) built from the
   national figures for the person's age band, couple status, children and premiums, or the
   council's own (higher) amount; housing costs net of Housing Benefit and Council Tax Reduction
   (CH-ALW-01); disability-related expenditure, itemised or the council's standard allowance
   (CH-INC-03, CH-ALW-02/03).
4. Disposable income = assessable income - allowances, never below zero (reg 7: a charge may not
   take income below the MIG).
5. The charge is the council's taper percentage of disposable income (100% unless local policy
   is lower), rounded to the penny half up once, capped at the cost of care (s.14(4)); a charge
   below the council's minimum charge is waived (CH-ALW-05, local).

Inputs are plain dataclasses: `ContributionRequest` mirrors the CALCULATE.md `contribution`
request, `NationalFigures` holds the national amounts in force (see `national_figures`), and
`ChargingPolicy` holds the council's choices, whose defaults are the national defaults the
contract names (no local MIG, 100% taper, no minimum charge, national capital limits).
Money is integer pence; the taper is the only Decimal and `round_to_pence` the only rounding.
No function reads the clock: `assessed_on` is an input.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dp.assessments.domain.national_figures import CHARGING_FIGURE_LABELS, NationalFigures
from dp.assessments.domain.validation import (
    require_bool,
    require_date,
    require_int,
    require_optional_pence,
    require_pence,
    require_percent,
)
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.core.money import format_pence, round_to_pence

# The income types of the contract, with the name a person would recognise.
INCOME_TYPES: Mapping[str, str] = {
    "state_pension": "State Pension",
    "private_pension": "Private or workplace pension",
    "pension_credit": "Pension Credit",
    "universal_credit": "Universal Credit",
    "esa": "Employment and Support Allowance",
    "attendance_allowance": "Attendance Allowance",
    "dla_care": "Disability Living Allowance care component",
    "dla_mobility": "Disability Living Allowance mobility component",
    "pip_daily_living": "Personal Independence Payment daily living component",
    "pip_mobility": "Personal Independence Payment mobility component",
    "earnings": "Earnings",
    "other": "Other income",
}

# Income the regulations always disregard, with the reason shown to the person.
DISREGARDED_BY_LAW: Mapping[str, str] = {
    "dla_mobility": "mobility components are disregarded, Charging Regs Sched 1 para 8",
    "pip_mobility": "mobility components are disregarded, Charging Regs Sched 1 para 8",
    "earnings": "earnings are disregarded, Charging Regs reg 14",
}

# Benefits that, when counted, oblige the council to allow disability-related expenditure (CH-INC-03).
DISABILITY_BENEFIT_TYPES = frozenset({"attendance_allowance", "dla_care", "pip_daily_living"})

PREMIUMS: Mapping[str, str] = {
    "disability": "Disability premium",
    "enhanced_disability": "Enhanced disability premium",
    "carer": "Carer premium",
}

# CALCULATE.md: pension credit age defaults to "66 or over" when the request does not say.
DEFAULT_PENSION_CREDIT_AGE = 66
MINIMUM_ASSESSMENT_AGE = 18

# CH-CAP-05: £1 a week for every £250, or part of £250, of capital above the lower limit.
TARIFF_CAPITAL_STEP_PENCE = 25_000
TARIFF_INCOME_PER_STEP_PENCE = 100


@dataclass(frozen=True)
class IncomeItem:
    type: str
    weekly_pence: int


@dataclass(frozen=True)
class Disregard:
    reason: str
    weekly_pence: int


@dataclass(frozen=True)
class ContributionRequest:
    """The facts of one non-residential financial assessment (CALCULATE.md `contribution`).

    The request's `policy` object is not here: it becomes a `ChargingPolicy` (the council's
    current policy, or the what-if values over the national defaults).
    Lists may be passed as any sequence; they are kept as tuples. Invalid values raise
    ValidationFailed naming the field by its JSON path.
    """

    assessed_on: dt.date
    age: int
    cost_of_care_weekly_pence: int
    pension_credit_age: bool | None = None
    couple: bool = False
    dependent_children: int = 0
    premiums: Sequence[str] = ()
    income: Sequence[IncomeItem] = ()
    disregards: Sequence[Disregard] = ()
    capital_pence: int = 0
    housing_costs_weekly_pence: int = 0
    disability_related_expenditure_weekly_pence: int | None = None

    def __post_init__(self) -> None:
        require_date(self.assessed_on, "assessed_on")
        require_int(self.age, "age", maximum=130)
        if self.age < MINIMUM_ASSESSMENT_AGE:
            raise ValidationFailed(
                "A financial assessment under the Care Act is for adults aged 18 or over.", field="age"
            )
        require_pence(self.cost_of_care_weekly_pence, "cost_of_care_weekly_pence")
        if self.pension_credit_age is not None:
            require_bool(self.pension_credit_age, "pension_credit_age")
        require_bool(self.couple, "couple")
        require_int(self.dependent_children, "dependent_children", minimum=0, maximum=30)
        object.__setattr__(self, "premiums", tuple(self.premiums))
        object.__setattr__(self, "income", tuple(self.income))
        object.__setattr__(self, "disregards", tuple(self.disregards))
        seen: set[str] = set()
        for index, premium in enumerate(self.premiums):
            if premium not in PREMIUMS:
                raise ValidationFailed(
                    f"Premiums are {', '.join(PREMIUMS)}; {premium!r} is not one of them.", field=f"premiums[{index}]"
                )
            if premium in seen:
                raise ValidationFailed(f"The {premium} premium is listed twice.", field=f"premiums[{index}]")
            seen.add(premium)
        for index, item in enumerate(self.income):
            if not isinstance(item, IncomeItem):
                raise ValidationFailed("Each income needs a type and a weekly amount.", field=f"income[{index}]")
            if item.type not in INCOME_TYPES:
                raise ValidationFailed(
                    f"Unknown income type {item.type!r}. Use one of: {', '.join(INCOME_TYPES)}.",
                    field=f"income[{index}].type",
                )
            require_pence(item.weekly_pence, f"income[{index}].weekly_pence")
        for index, disregard in enumerate(self.disregards):
            if not isinstance(disregard, Disregard):
                raise ValidationFailed(
                    "Each disregard needs a reason and a weekly amount.", field=f"disregards[{index}]"
                )
            if not isinstance(disregard.reason, str) or not disregard.reason.strip():
                raise ValidationFailed("Say why this amount is disregarded.", field=f"disregards[{index}].reason")
            require_pence(disregard.weekly_pence, f"disregards[{index}].weekly_pence")
        require_pence(self.capital_pence, "capital_pence")
        require_pence(self.housing_costs_weekly_pence, "housing_costs_weekly_pence")
        require_optional_pence(
            self.disability_related_expenditure_weekly_pence, "disability_related_expenditure_weekly_pence"
        )

    @property
    def is_pension_credit_age(self) -> bool:
        if self.pension_credit_age is not None:
            return self.pension_credit_age
        return self.age >= DEFAULT_PENSION_CREDIT_AGE


@dataclass(frozen=True)
class ChargingPolicy:
    """A council's charging choices. The defaults are the national defaults of CALCULATE.md.

    Field names match the contract's `policy` object, plus two council-only settings:
    `disregarded_income_types` (types the council chooses not to count, e.g. Kent's past
    disregard of higher-rate disability benefits, CH-INC-07) and the standard disability-related
    expenditure allowance used when none is itemised (CH-ALW-03, e.g. Kent £17, Reading £10.85).
    """

    minimum_income_guarantee_weekly_pence: int | None = None
    taper_percent: Decimal = Decimal(100)
    minimum_charge_weekly_pence: int = 0
    capital_lower_limit_pence: int | None = None
    capital_upper_limit_pence: int | None = None
    disregarded_income_types: frozenset[str] = frozenset()
    standard_disability_related_expenditure_weekly_pence: int = 0

    def __post_init__(self) -> None:
        require_optional_pence(
            self.minimum_income_guarantee_weekly_pence, "policy.minimum_income_guarantee_weekly_pence"
        )
        object.__setattr__(self, "taper_percent", require_percent(self.taper_percent, "policy.taper_percent"))
        require_pence(self.minimum_charge_weekly_pence, "policy.minimum_charge_weekly_pence")
        require_optional_pence(self.capital_lower_limit_pence, "policy.capital_lower_limit_pence")
        require_optional_pence(self.capital_upper_limit_pence, "policy.capital_upper_limit_pence")
        lower, upper = self.capital_lower_limit_pence, self.capital_upper_limit_pence
        if lower is not None and upper is not None and lower > upper:
            raise ValidationFailed(
                "The lower capital limit cannot be above the upper capital limit.",
                field="policy.capital_lower_limit_pence",
            )
        types = frozenset(self.disregarded_income_types)
        unknown = sorted(types - set(INCOME_TYPES))
        if unknown:
            raise ValidationFailed(
                f"Unknown income type {unknown[0]!r} in the council's disregarded types.",
                field="policy.disregarded_income_types",
            )
        object.__setattr__(self, "disregarded_income_types", types)
        require_pence(
            self.standard_disability_related_expenditure_weekly_pence,
            "policy.standard_disability_related_expenditure_weekly_pence",
        )


NATIONAL_DEFAULT_POLICY = ChargingPolicy()


@dataclass(frozen=True)
class ContributionResult:
    """The CALCULATE.md `contribution` response.

    When `full_cost` is true the means test is not carried out, so the income figures
    (`tariff_income_weekly_pence`, `minimum_income_guarantee_weekly_pence`,
    `assessable_income_weekly_pence`, `disposable_income_weekly_pence`) are None (JSON null).
    """

    weekly_contribution_pence: int
    full_cost: bool
    tariff_income_weekly_pence: int | None
    minimum_income_guarantee_weekly_pence: int | None
    assessable_income_weekly_pence: int | None
    disposable_income_weekly_pence: int | None
    rates_year: str
    breakdown: list[BreakdownLine] = field(default_factory=list)


@dataclass(frozen=True)
class MinimumIncomeGuarantee:
    """The national MIG for a household, with one line per component."""

    weekly_pence: int
    lines: list[BreakdownLine]


def tariff_income_weekly_pence(capital_pence: int, *, lower_limit_pence: int) -> int:
    """Weekly tariff income from capital: £1 for every £250, or part of £250, above the lower limit.

    CH-CAP-05 (LAC 2024/25; CSSG Annex B): `ceil((capital - lower) / 250)` pounds, zero at
    or below the lower limit. The caller applies the upper limit (CH-CAP-03): at the national
    limits the most this gives for capital at or below £23,250 is £36.
    """
    above = capital_pence - lower_limit_pence
    if above <= 0:
        return 0
    return math.ceil(above / TARIFF_CAPITAL_STEP_PENCE) * TARIFF_INCOME_PER_STEP_PENCE


def is_full_cost(capital_pence: int, *, upper_limit_pence: int) -> bool:
    """True when capital is above the upper limit, so the person pays the full cost.

    Care Act s.18(2) places the duty on capital "at or below the financial limit" (CH-CAP-03), so
    capital exactly at the limit is still means-tested; only capital above it is full cost.
    """
    return capital_pence > upper_limit_pence


def capital_limits(figures: NationalFigures, policy: ChargingPolicy) -> tuple[int, int]:
    """The (lower, upper) capital limits: the national limits, or the council's higher ones.

    CH-CAP-01/02 (national £14,250 / £23,250); CH-CAP-04: for people not permanently in a care
    home a council may set higher limits, never lower. A limit the council sets is used even when
    the national figure is not entered; the floor is then checked only where it is known.
    """
    limits: list[int] = []
    for policy_value, name in (
        (policy.capital_lower_limit_pence, "capital_lower_limit_pence"),
        (policy.capital_upper_limit_pence, "capital_upper_limit_pence"),
    ):
        national: int | None = getattr(figures, name)
        if policy_value is None:
            limits.append(figures.require(name))
            continue
        if national is not None and policy_value < national:
            raise ValidationFailed(
                f"A council may set a higher {CHARGING_FIGURE_LABELS[name]} than the national "
                f"{format_pence(national)}, not a lower one (Care Act s.18; LAC 2024/25).",
                field=f"policy.{name}",
            )
        limits.append(policy_value)
    lower, upper = limits
    if lower > upper:
        raise ValidationFailed(
            "The lower capital limit cannot be above the upper capital limit.", field="policy.capital_lower_limit_pence"
        )
    return lower, upper


def national_minimum_income_guarantee(request: ContributionRequest, figures: NationalFigures) -> MinimumIncomeGuarantee:
    """The national Minimum Income Guarantee for the person's household, component by component.

    Charging Regs 2014 reg 7 (RULES.md §2.3, CH-CPL-02): a base amount by age band (18 to 24;
    25 to pension credit age; pension credit age), the lone-parent amount for a single person
    under pension credit age with a dependent child, or the per-member couple amount (the
    pension-credit-age couple amount when the person is of that age); plus an amount for each
    dependent child; plus each premium the person qualifies for (couple rates for members of a
    couple; the carer premium has one rate). Which premiums apply is the assessor's decision
    (reg 7: received, or would be received if the person were on income support), so the
    premiums listed are all added.
    Raises PolicyMissing for a component that is needed but not entered.
    """
    pension_age = request.is_pension_credit_age
    if request.couple:
        base = "mig_couple_pension_credit_age_per_member_pence" if pension_age else "mig_couple_per_member_pence"
    elif pension_age:
        base = "mig_single_pension_credit_age_pence"
    elif request.dependent_children > 0:
        base = "mig_lone_parent_pence"
    elif request.age <= 24:
        base = "mig_single_18_to_24_pence"
    else:
        base = "mig_single_25_to_pension_credit_age_pence"
    base_pence = figures.require(base)
    lines = [BreakdownLine.money(_sentence(CHARGING_FIGURE_LABELS[base]), base_pence)]
    total = base_pence
    if request.dependent_children:
        each = figures.require("dependent_child_pence")
        children_pence = each * request.dependent_children
        plural = "child" if request.dependent_children == 1 else "children"
        lines.append(
            BreakdownLine.money(
                f"Plus {request.dependent_children} dependent {plural} at {format_pence(each)} each", children_pence
            )
        )
        total += children_pence
    for premium in request.premiums:
        if premium == "carer":
            name = "carer_premium_pence"
        elif premium == "disability":
            name = "disability_premium_couple_per_member_pence" if request.couple else "disability_premium_single_pence"
        else:
            name = (
                "enhanced_disability_premium_couple_per_member_pence"
                if request.couple
                else "enhanced_disability_premium_single_pence"
            )
        amount = figures.require(name)
        lines.append(BreakdownLine.money(f"Plus {CHARGING_FIGURE_LABELS[name]}", amount))
        total += amount
    return MinimumIncomeGuarantee(weekly_pence=total, lines=lines)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _minimum_income_guarantee(
    request: ContributionRequest, figures: NationalFigures, policy: ChargingPolicy
) -> MinimumIncomeGuarantee:
    """The MIG to allow: the council's own amount when set (never below the national floor), else national."""
    local = policy.minimum_income_guarantee_weekly_pence
    if local is None:
        national = national_minimum_income_guarantee(request, figures)
        lines = [*national.lines, BreakdownLine.money("Minimum Income Guarantee (total)", national.weekly_pence)]
        return MinimumIncomeGuarantee(weekly_pence=national.weekly_pence, lines=lines)
    try:
        floor: int | None = national_minimum_income_guarantee(request, figures).weekly_pence
    except PolicyMissing:
        floor = None
    if floor is not None and local < floor:
        raise ValidationFailed(
            f"The council's Minimum Income Guarantee of {format_pence(local)} is below the national amount of "
            f"{format_pence(floor)} for this person; a charge may not take income below the national amount "
            "(Charging Regs reg 7).",
            field="policy.minimum_income_guarantee_weekly_pence",
        )
    lines = [BreakdownLine.money("Minimum Income Guarantee (the council's own amount)", local)]
    if floor is None:
        lines.append(
            BreakdownLine.text(
                "National amount for comparison",
                "not checked: a national figure for this household has not been entered",
            )
        )
    else:
        lines.append(BreakdownLine.money("National amount for comparison (the council's must not be lower)", floor))
    return MinimumIncomeGuarantee(weekly_pence=local, lines=lines)


def calculate_contribution(
    request: ContributionRequest,
    figures: NationalFigures,
    policy: ChargingPolicy = NATIONAL_DEFAULT_POLICY,
    *,
    explain: bool = True,
) -> ContributionResult:
    """The weekly contribution from a non-residential financial assessment.

    Sources: Care Act 2014 ss.14, 17, 18(2); Charging Regs 2014 regs 7 and 14 and Sched 1;
    RULES.md §2.1 (formula), CH-CAP-01..05, CH-INC-01..04, CH-CPL-01/02, CH-ALW-01..03, CH-ALW-05.
    `figures` must be those in force on `request.assessed_on` (`national_figures.figures_for`).
    Raises PolicyMissing when a national figure the calculation needs is not entered.

    `explain=False` leaves the breakdown empty and gives the same figures: the annual uprating
    re-calculates every assessment in bulk, and writes the breakdowns once the new contributions
    are approved.
    """
    if request.assessed_on < figures.effective_from:
        raise ValueError(f"The {figures.rates_year} figures were not in force on {request.assessed_on}.")
    lines: list[BreakdownLine] = []
    if explain:
        lines.append(BreakdownLine.text("National figures used", f"{figures.rates_year} rates year"))

    # 1. Capital.
    capital = request.capital_pence
    if explain:
        lines.append(BreakdownLine.money("Capital (your own share of any jointly held capital)", capital))
    lower: int | None = None
    upper: int | None = None
    if capital > 0:  # no limit is needed to assess no capital
        lower, upper = capital_limits(figures, policy)
        if explain:
            lines.append(BreakdownLine.money("Lower capital limit", lower))
            lines.append(BreakdownLine.money("Upper capital limit", upper))
    if upper is not None and is_full_cost(capital, upper_limit_pence=upper):
        return _full_cost_result(request, figures, lines, explain)
    tariff = 0 if lower is None else tariff_income_weekly_pence(capital, lower_limit_pence=lower)

    # 2. Income.
    counted = 0
    counts_disability_benefit = False
    for item in request.income:
        reason = DISREGARDED_BY_LAW.get(item.type)
        if reason is None and item.type in policy.disregarded_income_types:
            reason = "the council's policy disregards this income"
        if reason is None:
            counted += item.weekly_pence
            counts_disability_benefit |= item.type in DISABILITY_BENEFIT_TYPES
        if explain:
            name = INCOME_TYPES[item.type]
            label = f"{name} (counted)" if reason is None else f"{name} (not counted: {reason})"
            lines.append(BreakdownLine.money(label, item.weekly_pence))
    disregarded = sum(disregard.weekly_pence for disregard in request.disregards)
    income_after_disregards = max(0, counted - disregarded)
    assessable = income_after_disregards + tariff
    if explain:
        lines.append(BreakdownLine.money("Total income counted", counted))
        for disregard in request.disregards:
            lines.append(BreakdownLine.money(f"Less: {disregard.reason.strip()} (disregarded)", disregard.weekly_pence))
        if disregarded > counted:
            lines.append(
                BreakdownLine.text(
                    "Note", "the amounts disregarded are more than the income counted, so income is £0.00"
                )
            )
        if lower is None:
            lines.append(BreakdownLine.money("Tariff income from capital (there is no capital)", tariff))
        else:
            lines.append(
                BreakdownLine.money(
                    "Tariff income from capital (£1 a week for every £250, or part of £250, above "
                    f"{format_pence(lower)})",
                    tariff,
                )
            )
        lines.append(BreakdownLine.money("Assessable income", assessable))

    # 3. Allowances.
    mig = _minimum_income_guarantee(request, figures, policy)
    if request.disability_related_expenditure_weekly_pence is None:
        dre = policy.standard_disability_related_expenditure_weekly_pence
        dre_label = "Disability-related expenditure (the council's standard allowance)"
    else:
        dre = request.disability_related_expenditure_weekly_pence
        dre_label = "Disability-related expenditure (assessed)"
    allowances = mig.weekly_pence + request.housing_costs_weekly_pence + dre
    if explain:
        lines.extend(mig.lines)
        lines.append(
            BreakdownLine.money(
                "Housing costs (after Housing Benefit and Council Tax Reduction)", request.housing_costs_weekly_pence
            )
        )
        lines.append(BreakdownLine.money(dre_label, dre))
        if counts_disability_benefit and dre == 0:
            lines.append(
                BreakdownLine.text(
                    "Check",
                    "a disability benefit is counted, so any disability-related expenditure must be allowed "
                    "(Charging Regs Sched 1 para 4)",
                )
            )
        lines.append(BreakdownLine.money("Total allowances", allowances))

    # 4. Disposable income.
    disposable = max(0, assessable - allowances)
    if explain:
        lines.append(
            BreakdownLine.money("Disposable income (assessable income less allowances, not below £0)", disposable)
        )

    # 5. The charge.
    charge = _charge_from_disposable(disposable, policy, lines, explain)
    contribution = _cap_and_waive(charge, request.cost_of_care_weekly_pence, policy, lines, explain)
    return ContributionResult(
        weekly_contribution_pence=contribution,
        full_cost=False,
        tariff_income_weekly_pence=tariff,
        minimum_income_guarantee_weekly_pence=mig.weekly_pence,
        assessable_income_weekly_pence=assessable,
        disposable_income_weekly_pence=disposable,
        rates_year=figures.rates_year,
        breakdown=lines,
    )


def _charge_from_disposable(
    disposable: int, policy: ChargingPolicy, lines: list[BreakdownLine], explain: bool = True
) -> int:
    """The taper: the council charges this percentage of disposable income (100% unless local policy)."""
    taper = policy.taper_percent
    if taper == 100:
        if explain:
            lines.append(BreakdownLine.text("Share of disposable income charged", "100%"))
        return disposable
    charge = round_to_pence(Decimal(disposable) * taper / 100)
    if explain:
        lines.append(
            BreakdownLine.text("Share of disposable income charged (the council's taper)", f"{taper.normalize():f}%")
        )
        lines.append(BreakdownLine.money(f"{taper.normalize():f}% of disposable income, to the nearest penny", charge))
    return charge


def _cap_and_waive(
    charge: int, cost_of_care: int, policy: ChargingPolicy, lines: list[BreakdownLine], explain: bool = True
) -> int:
    """Cap at the cost of care (Care Act s.14(4)), then waive a charge below the minimum (CH-ALW-05)."""
    if explain:
        lines.append(BreakdownLine.money("Weekly cost of your care and support", cost_of_care))
    if charge > cost_of_care:
        charge = cost_of_care
        if explain:
            lines.append(
                BreakdownLine.text(
                    "Limit", "you never pay more than your care costs (Care Act s.14(4)), so the charge is capped"
                )
            )
    minimum = policy.minimum_charge_weekly_pence
    if 0 < charge < minimum:
        if explain:
            lines.append(
                BreakdownLine.text(
                    "Minimum charge",
                    f"the council does not collect charges below {format_pence(minimum)} a week, so "
                    f"{format_pence(charge)} is waived",
                )
            )
        charge = 0
    if explain:
        lines.append(BreakdownLine.money("Your weekly contribution", charge))
    return charge


def _full_cost_result(
    request: ContributionRequest, figures: NationalFigures, lines: list[BreakdownLine], explain: bool = True
) -> ContributionResult:
    # CALCULATE.md: for a full-cost payer "the contribution is then the cost of care"; the
    # minimum-charge waiver is for means-tested charges only.
    contribution = request.cost_of_care_weekly_pence
    if explain:
        lines.append(
            BreakdownLine.text(
                "Capital above the upper limit",
                "you pay the full cost of your care; your income is not assessed (Care Act s.18(2))",
            )
        )
        lines.append(BreakdownLine.money("Weekly cost of your care and support", contribution))
        lines.append(BreakdownLine.money("Your weekly contribution (the full cost)", contribution))
    return ContributionResult(
        weekly_contribution_pence=contribution,
        full_cost=True,
        tariff_income_weekly_pence=None,
        minimum_income_guarantee_weekly_pence=None,
        assessable_income_weekly_pence=None,
        disposable_income_weekly_pence=None,
        rates_year=figures.rates_year,
        breakdown=lines,
    )
