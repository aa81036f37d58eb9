"""Resource Allocation System: from a needs questionnaire to an indicative weekly budget.

Design
------
There is no national RAS formula (PB-03); the ADASS Common Resource Allocation Framework is the
reference model, and the statutory guidance asks that any RAS be transparent, timely and
sufficient, with an indicative ("upfront") allocation that may go up or down during support
planning and that a person can challenge (PB-02, CSSG 11.24). So everything here is a council's
configuration (`RasScheme`) [LOCAL] and every step is written into the breakdown:

1. Each question has answer options worth whole points; the person's answers give total points.
2. Total points x the council's price per point (a Decimal number of pence, since councils price
   points to fractions of a penny) gives the core weekly amount, rounded once to the penny.
3. Where part of the support is to be bought by employing Personal Assistants, the employer's
   costs on that part are added: holiday pay as a percentage of wages (12.07% is the accrual rate
   for irregular-hours workers, PA-HOL-01), then employer's National Insurance and workplace
   pension as percentages of pay including holiday pay (PA-TAX-01, PA-PEN-01), and a weekly
   amount for employer's liability insurance (PA-INS-01). Many direct payment employers owe no
   employer's National Insurance because of the Employment Allowance (PA-TAX-01), so a council
   may set that percentage to 0.
4. Indicative weekly budget = core amount + employment costs.

Each percentage is applied with `round_to_pence` separately, so the breakdown lines add up
exactly to the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dp.assessments.domain.validation import require_int, require_pence, require_percent, require_rate
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence, round_to_pence


@dataclass(frozen=True)
class RasAnswerOption:
    code: str
    label: str
    points: int


@dataclass(frozen=True)
class RasQuestion:
    code: str
    text: str
    options: Sequence[RasAnswerOption]

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        if not self.options:
            raise ValidationFailed("A question needs at least one answer.", field=f"questions.{self.code}")
        codes = [option.code for option in self.options]
        if len(set(codes)) != len(codes):
            raise ValidationFailed("Each answer to a question needs its own code.", field=f"questions.{self.code}")
        for option in self.options:
            require_int(option.points, f"questions.{self.code}.{option.code}.points", minimum=0)

    def option(self, code: str) -> RasAnswerOption | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class PaOnCosts:
    """A council's allowances for the costs of employing a PA, on top of wages [LOCAL]."""

    holiday_pay_percent: Decimal = Decimal(0)
    employer_ni_percent: Decimal = Decimal(0)
    pension_percent: Decimal = Decimal(0)
    insurance_weekly_pence: int = 0

    def __post_init__(self) -> None:
        for name in ("holiday_pay_percent", "employer_ni_percent", "pension_percent"):
            object.__setattr__(self, name, require_percent(getattr(self, name), f"pa_on_costs.{name}"))
        require_pence(self.insurance_weekly_pence, "pa_on_costs.insurance_weekly_pence")


@dataclass(frozen=True)
class RasScheme:
    """A council's questionnaire, price per point and PA on-costs."""

    questions: Sequence[RasQuestion]
    price_per_point_pence: Decimal
    pa_on_costs: PaOnCosts = field(default_factory=PaOnCosts)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        codes = [question.code for question in self.questions]
        if not codes:
            raise ValidationFailed("A resource allocation scheme needs at least one question.", field="questions")
        if len(set(codes)) != len(codes):
            raise ValidationFailed("Each question needs its own code.", field="questions")
        object.__setattr__(
            self,
            "price_per_point_pence",
            require_rate(self.price_per_point_pence, "price_per_point_pence"),
        )


@dataclass(frozen=True)
class RasRequest:
    """The person's answers (question code -> answer code) and the share of support to be bought
    by employing PAs, as a percentage of the core amount."""

    answers: Mapping[str, str]
    pa_share_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", dict(self.answers))
        object.__setattr__(self, "pa_share_percent", require_percent(self.pa_share_percent, "pa_share_percent"))


@dataclass(frozen=True)
class RasResult:
    total_points: int
    core_weekly_pence: int
    pa_wages_weekly_pence: int
    on_costs_weekly_pence: int
    indicative_weekly_budget_pence: int
    breakdown: list[BreakdownLine] = field(default_factory=list)


def _format_price(pence: Decimal) -> str:
    if pence == pence.to_integral_value():
        return format_pence(int(pence))
    return f"£{(pence / 100).normalize():f}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _percent_of(base: int, percent: Decimal) -> int:
    return round_to_pence(Decimal(base) * percent / 100)


def calculate_indicative_budget(request: RasRequest, scheme: RasScheme) -> RasResult:
    """The indicative weekly personal budget from a RAS questionnaire.

    Sources: RULES.md PB-02 (transparency, timeliness, sufficiency; CSSG 11.24), PB-03 (no
    national formula; ADASS Common Resource Allocation Framework) [LOCAL]; PA employment costs
    PA-HOL-01, PA-TAX-01, PA-PEN-01, PA-INS-01.
    """
    unknown = sorted(set(request.answers) - {q.code for q in scheme.questions})
    if unknown:
        raise ValidationFailed(f"There is no question {unknown[0]!r}.", field=f"answers.{unknown[0]}")
    lines: list[BreakdownLine] = []
    points = 0
    for question in scheme.questions:
        answer = request.answers.get(question.code)
        if answer is None:
            raise ValidationFailed(f"Answer the question “{question.text}”.", field=f"answers.{question.code}")
        option = question.option(answer)
        if option is None:
            raise ValidationFailed(
                f"{answer!r} is not an answer to “{question.text}”.", field=f"answers.{question.code}"
            )
        points += option.points
        unit = "point" if option.points == 1 else "points"
        lines.append(BreakdownLine.text(f"{question.text}: {option.label}", f"{option.points} {unit}"))
    lines.append(BreakdownLine.text("Total points", str(points)))
    price = scheme.price_per_point_pence
    lines.append(BreakdownLine.text("Price per point (council policy)", _format_price(price)))
    core = round_to_pence(Decimal(points) * price)
    lines.append(BreakdownLine.money(f"Weekly amount for {points} points, to the nearest penny", core))

    on_costs = scheme.pa_on_costs
    pa_wages = _percent_of(core, request.pa_share_percent)
    on_cost_total = 0
    if pa_wages > 0:
        lines.append(
            BreakdownLine.money(
                f"Part to be spent on Personal Assistants' wages ({_percent(request.pa_share_percent)})", pa_wages
            )
        )
        holiday = _percent_of(pa_wages, on_costs.holiday_pay_percent)
        pay = pa_wages + holiday
        national_insurance = _percent_of(pay, on_costs.employer_ni_percent)
        pension = _percent_of(pay, on_costs.pension_percent)
        for label, amount in (
            (f"Holiday pay ({_percent(on_costs.holiday_pay_percent)} of wages)", holiday),
            (
                f"Employer's National Insurance ({_percent(on_costs.employer_ni_percent)} of pay with holiday pay)",
                national_insurance,
            ),
            (f"Workplace pension ({_percent(on_costs.pension_percent)} of pay with holiday pay)", pension),
            ("Employer's liability insurance", on_costs.insurance_weekly_pence),
        ):
            lines.append(BreakdownLine.money(label, amount))
            on_cost_total += amount
        lines.append(BreakdownLine.money("Costs of employing Personal Assistants", on_cost_total))
    total = core + on_cost_total
    lines.append(BreakdownLine.money("Indicative weekly budget", total))
    lines.append(
        BreakdownLine.text(
            "Note",
            "this is an amount to plan with; it may go up or down when the support plan is costed, and you can "
            "ask for it to be looked at again if it is not enough (Care and Support Statutory Guidance 11.24)",
        )
    )
    return RasResult(
        total_points=points,
        core_weekly_pence=core,
        pa_wages_weekly_pence=pa_wages,
        on_costs_weekly_pence=on_cost_total,
        indicative_weekly_budget_pence=total,
        breakdown=lines,
    )
