"""Whether assessed needs meet the national eligibility criteria, condition by condition.

Design
------
A worker records plain facts about the needs (`NeedsFacts`); `decide_needs` turns them into the
conditions the regulations set, each met (True), not met (False) or not yet recorded (None), with
a plain-English explanation and its source, and an overall answer: eligible (True) when every
condition is met, not eligible (False) when any is not, undecided (None) otherwise. This is the
same shape as the direct payment decision (`eligibility.Condition`), so pages and letters show
both alike.

Sources: The Care and Support (Eligibility Criteria) Regulations 2015, SI 2015/313 (made under
Care Act 2014 s.13(7) and (8)). Regulation 2 (adults) is transcribed from legislation.gov.uk;
regulation 3 (carers) from a transcription of the regulation and councils' published lists of its
outcomes (for example Derbyshire County Council), to be checked against legislation.gov.uk:

* adults who need care and support, reg 2(1): (a) the needs arise from or are related to a
  physical or mental impairment or illness; (b) as a result the adult is unable to achieve two or
  more of the ten outcomes in reg 2(2); (c) as a consequence there is, or is likely to be, a
  significant impact on the adult's well-being;
* carers, reg 3(1): (a) the needs arise as a consequence of providing necessary care for an
  adult; (b) the effect is that the carer's physical or mental health is, or is at risk of,
  deteriorating, or the carer is unable to achieve any of the eight outcomes in reg 3(2)(b);
  (c) as a consequence there is, or is likely to be, a significant impact on the carer's
  well-being;
* "unable to achieve" an outcome includes being able to achieve it only with assistance, or
  without assistance but with significant pain, distress or anxiety, or by endangering the health
  or safety of the person or others, or (adults) by taking significantly longer than would
  normally be expected (reg 2(3), reg 3(3)). The worker applies this meaning when ticking an
  outcome; the page repeats it.

Children's needs are not assessed against these regulations: the Children Act 1989 s.17 decision
that a child's needs call for a service (CHD-01) is the one condition recorded.

The person's own outcomes (what matters to them) are recorded as text beside the decision; they
shape the support plan, not eligibility. Pure: no dates are read, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dp.assessments.domain.eligibility import Condition
from dp.core.errors import ValidationFailed

REGS = "Care and Support (Eligibility Criteria) Regulations 2015"


class NeedsKind(StrEnum):
    ADULT = "adult"
    CARER = "carer"
    CHILD = "child"


# Reg 2(2)(a)-(j), in the regulation's order.
ADULT_OUTCOMES: Mapping[str, str] = {
    "nutrition": "Managing and maintaining nutrition",
    "personal_hygiene": "Maintaining personal hygiene",
    "toilet_needs": "Managing toilet needs",
    "appropriately_clothed": "Being appropriately clothed",
    "home_safely": "Being able to make use of their home safely",
    "habitable_home": "Maintaining a habitable home environment",
    "relationships": "Developing and maintaining family or other personal relationships",
    "work_education_volunteering": "Accessing and engaging in work, training, education or volunteering",
    "community_facilities": (
        "Making use of necessary facilities or services in the local community, including public transport "
        "and recreational facilities or services"
    ),
    "caring_for_child": "Carrying out any caring responsibilities they have for a child",
}

# Reg 3(2)(b)(i)-(viii), in the regulation's order.
CARER_OUTCOMES: Mapping[str, str] = {
    "caring_for_child": "Carrying out any caring responsibilities the carer has for a child",
    "caring_for_others": "Providing care to other people for whom the carer provides care",
    "habitable_home": "Maintaining a habitable home environment in the carer's home",
    "nutrition": "Managing and maintaining nutrition",
    "relationships": "Developing and maintaining family or other personal relationships",
    "work_education_volunteering": "Engaging in work, training, education or volunteering",
    "community_facilities": (
        "Making use of necessary facilities or services in the local community, including recreational "
        "facilities or services"
    ),
    "recreation": "Engaging in recreational activities",
}

ADULT_UNABLE_MEANS = (
    "cannot achieve it without help (including prompting)",
    "can achieve it without help, but only with significant pain, distress or anxiety",
    "can achieve it without help, but doing so endangers, or is likely to endanger, their health or safety "
    "or other people's",
    "can achieve it without help, but it takes significantly longer than would normally be expected",
)
CARER_UNABLE_MEANS = ADULT_UNABLE_MEANS[:3]

# Reg 2(1)(b): "two or more" of the outcomes; reg 3(2)(b): "any" of the carer outcomes.
ADULT_OUTCOMES_NEEDED = 2
CARER_OUTCOMES_NEEDED = 1


def outcomes_for(kind: NeedsKind | str) -> Mapping[str, str]:
    """The outcomes a kind of assessment considers (none for a child)."""
    kind = NeedsKind(kind)
    if kind is NeedsKind.ADULT:
        return ADULT_OUTCOMES
    if kind is NeedsKind.CARER:
        return CARER_OUTCOMES
    return {}


def needs_kind_for_case_type(case_type: str) -> NeedsKind:
    """Which criteria a case's assessment uses: carers' cases the carer criteria (Care Act s.10),
    children's cases the Children Act s.17 decision, and adults (including young people in
    transition, assessed under Care Act s.58 for the support they are likely to need) the adult
    criteria."""
    if case_type == "carer":
        return NeedsKind.CARER
    if case_type == "child_family":
        return NeedsKind.CHILD
    return NeedsKind.ADULT


@dataclass(frozen=True)
class NeedsFacts:
    """What the assessor recorded. None means "not recorded yet".

    `arises_from_condition` is reg 2(1)(a) for adults (an impairment or illness) and reg 3(1)(a)
    for carers (providing necessary care); `outcomes_not_achieved` are codes from the kind's
    outcome list; `carer_health_at_risk` is reg 3(2)(a); `significant_impact` is reg 2(1)(c) or
    3(1)(c); `child_needs_call_for_service` is the Children Act s.17 decision.
    """

    kind: NeedsKind
    arises_from_condition: bool | None = None
    outcomes_not_achieved: frozenset[str] = frozenset()
    carer_health_at_risk: bool | None = None
    significant_impact: bool | None = None
    child_needs_call_for_service: bool | None = None

    def __post_init__(self) -> None:
        try:
            kind = NeedsKind(self.kind)
        except ValueError:
            raise ValidationFailed("Choose adult, carer or child.", field="kind") from None
        object.__setattr__(self, "kind", kind)
        outcomes = frozenset(self.outcomes_not_achieved)
        unknown = sorted(outcomes - set(outcomes_for(kind)))
        if unknown:
            raise ValidationFailed(
                f"{unknown[0]!r} is not one of the outcomes for this kind of assessment.",
                field="outcomes_not_achieved",
            )
        object.__setattr__(self, "outcomes_not_achieved", outcomes)
        for name in ("arises_from_condition", "carer_health_at_risk", "significant_impact"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ValidationFailed("Answer yes or no.", field=name)


@dataclass(frozen=True)
class NeedsDecision:
    kind: NeedsKind
    eligible: bool | None
    conditions: tuple[Condition, ...]
    explanation: str

    @property
    def failed(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.met is False)


def _yes_no(code: str, met: bool | None, *, yes: str, no: str, unknown: str, source: str) -> Condition:
    return Condition(code=code, met=met, explanation=unknown if met is None else yes if met else no, source=source)


def _listing(codes: Iterable[str], labels: Mapping[str, str]) -> str:
    names = [labels[c].lower() for c in labels if c in set(codes)]
    return "; ".join(names)


def _adult_conditions(facts: NeedsFacts) -> list[Condition]:
    count = len(facts.outcomes_not_achieved)
    listed = _listing(facts.outcomes_not_achieved, ADULT_OUTCOMES)
    return [
        _yes_no(
            "IMPAIRMENT_OR_ILLNESS",
            facts.arises_from_condition,
            yes="The needs arise from or are related to a physical or mental impairment or illness.",
            no="The needs do not arise from a physical or mental impairment or illness.",
            unknown="Record whether the needs arise from a physical or mental impairment or illness.",
            source=f"{REGS} reg 2(1)(a)",
        ),
        Condition(
            code="OUTCOMES",
            met=count >= ADULT_OUTCOMES_NEEDED,
            explanation=(
                f"Unable to achieve {count} of the specified outcomes: {listed}."
                if count >= ADULT_OUTCOMES_NEEDED
                else (
                    f"Unable to achieve only one of the specified outcomes ({listed}); the criteria need two or more."
                    if count == 1
                    else "Able to achieve all of the specified outcomes; the criteria need two or more that they "
                    "cannot achieve."
                )
            ),
            source=f"{REGS} reg 2(1)(b), 2(2) and 2(3)",
        ),
        _yes_no(
            "SIGNIFICANT_IMPACT",
            facts.significant_impact,
            yes="As a consequence there is, or is likely to be, a significant impact on their well-being.",
            no="There is not, and is not likely to be, a significant impact on their well-being.",
            unknown="Record whether there is, or is likely to be, a significant impact on their well-being.",
            source=f"{REGS} reg 2(1)(c); Care Act 2014 s.1 (well-being)",
        ),
    ]


def _carer_conditions(facts: NeedsFacts) -> list[Condition]:
    count = len(facts.outcomes_not_achieved)
    listed = _listing(facts.outcomes_not_achieved, CARER_OUTCOMES)
    health = facts.carer_health_at_risk
    if count >= CARER_OUTCOMES_NEEDED:
        effect: bool | None = True
    elif health is None:
        effect = None
    else:
        effect = health
    if health and count:
        effect_text = (
            f"Their physical or mental health is, or is at risk of, deteriorating, and they are unable to achieve: "
            f"{listed}."
        )
    elif health:
        effect_text = "Their physical or mental health is, or is at risk of, deteriorating."
    elif count:
        effect_text = f"They are unable to achieve: {listed}."
    elif health is None:
        effect_text = "Record whether caring puts the carer's health at risk; no outcome is ticked as not achieved."
    else:
        effect_text = "Their health is not at risk and they can achieve every one of the specified outcomes."
    return [
        _yes_no(
            "ARISES_FROM_CARING",
            facts.arises_from_condition,
            yes="The needs arise as a consequence of providing necessary care for an adult.",
            no="The needs do not arise from providing necessary care for an adult.",
            unknown="Record whether the needs arise from providing necessary care for an adult.",
            source=f"{REGS} reg 3(1)(a)",
        ),
        Condition(code="EFFECT_ON_CARER", met=effect, explanation=effect_text, source=f"{REGS} reg 3(1)(b) and 3(2)"),
        _yes_no(
            "SIGNIFICANT_IMPACT",
            facts.significant_impact,
            yes="As a consequence there is, or is likely to be, a significant impact on the carer's well-being.",
            no="There is not, and is not likely to be, a significant impact on the carer's well-being.",
            unknown="Record whether there is, or is likely to be, a significant impact on the carer's well-being.",
            source=f"{REGS} reg 3(1)(c)",
        ),
    ]


def decide_needs(facts: NeedsFacts) -> NeedsDecision:
    """Whether the needs meet the eligibility criteria (SI 2015/313 regs 2 and 3; Children Act
    1989 s.17 for children, CHD-01)."""
    if facts.kind is NeedsKind.ADULT:
        conditions = _adult_conditions(facts)
    elif facts.kind is NeedsKind.CARER:
        conditions = _carer_conditions(facts)
    else:
        conditions = [
            _yes_no(
                "CHILD_NEEDS_CALL_FOR_SERVICE",
                facts.child_needs_call_for_service,
                yes="The council has decided that the child's needs call for a service.",
                no="The council has decided that the child's needs do not call for a service.",
                unknown="Record the council's decision on whether the child's needs call for a service.",
                source="Children Act 1989 s.17 and s.17A (CHD-01)",
            )
        ]
    if any(c.met is False for c in conditions):
        eligible: bool | None = False
        explanation = "The needs do not meet the eligibility criteria: " + " ".join(
            c.explanation for c in conditions if c.met is False
        )
    elif any(c.met is None for c in conditions):
        eligible = None
        explanation = "Some facts still need to be recorded before eligibility can be decided."
    else:
        eligible = True
        explanation = (
            "The child's needs call for a service, which may be met by direct payments (Children Act 1989 s.17A)."
            if facts.kind is NeedsKind.CHILD
            else "The needs meet the eligibility criteria: the council must meet them (Care Act 2014 ss.18 and 20)."
        )
    return NeedsDecision(kind=facts.kind, eligible=eligible, conditions=tuple(conditions), explanation=explanation)
