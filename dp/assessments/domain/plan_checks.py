"""Checks on a support plan before it is approved for direct payments.

Design
------
`check_plan` takes plain facts about a costed support plan (`PlanFacts`) and a council's choices
(`PlanPolicy`) and returns one `PlanCheck` per rule: a stable code, whether it passed, a
plain-English explanation naming the items or people concerned, and the source. Evaluation never
writes and never reads the clock; the approval service refuses to approve while a check fails
and shows the explanations.

Rules (RULES.md §1.2-1.4, §5):

* PLAN-MEETS-ASSESSED-NEEDS — every eligible need from the needs assessment is met by something
  in the plan.
* PLAN-DP-FOR-PLANNED-NEEDS — direct payments are used only to meet needs in the plan (Care Act
  s.33(3), DP-USE-01): every item paid for by direct payment meets an assessed need.
* PLAN-WITHIN-BUDGET — the direct payment part and any council-arranged support together fit in
  the personal budget (PB-01); otherwise the plan goes to the funding panel.
* PLAN-FAMILY-MEMBER — one check per person paid from the direct payment: a spouse, civil partner
  or partner (wherever they live) or a close relative living in the same household may be paid
  only where the council has recorded that it is necessary, with a reason (DP Regs 2014 reg 3,
  DP-FAM-01..06).
* PLAN-CARE-HOME-STAYS — short stays in a care home paid by direct payment are limited to 4
  consecutive weeks in any 12 months, adding together stays less than 4 weeks apart (DP-RES-01,
  DP-RES-02 [U: DP Regs reg 8 not retrieved]).
* PLAN-LONG-TERM-RESIDENTIAL — no long-term residential care by direct payment, unless the
  council is one allowed to (DP-RES-01, DP-RES-03).
* PLAN-NHS-SERVICES — no NHS healthcare (Care Act s.22, DP-USE-03).
* PLAN-COUNCIL-SERVICES — buying the council's own services only where its policy allows
  (DP-USE-04) [LOCAL].
* PLAN-LOCAL-EXCLUSIONS — nothing the council's policy excludes (DP-USE-05) [LOCAL].
* PLAN-AUTHOR-NOT-APPROVER — the person who wrote the plan cannot approve it (separation of
  duties; the project's rule that no one approves their own work) [LOCAL]; checked when an
  approver is given.

Care-home stays are half-open date ranges `[start_on, end_on)`, `end_on` being the day the person
leaves, so a stay's length in nights is `end_on - start_on`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from dp.assessments.domain.needs import ADULT_OUTCOMES, CARER_OUTCOMES
from dp.assessments.domain.reviews import add_months
from dp.assessments.domain.validation import require_pence
from dp.core.domain.breakdown import format_date
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence

RESIDENTIAL_LIMIT_NIGHTS = 28  # DP-RES-01: "no more than 4 consecutive weeks in any 12-month period"
AGGREGATION_GAP_DAYS = 28  # DP-RES-02: stays "less than 4 weeks apart" are added together [U]


class Relationship(StrEnum):
    """How a person paid from the direct payment is related to the recipient (DP Regs 2014 reg 3(3))."""

    SPOUSE_OR_CIVIL_PARTNER = "spouse_or_civil_partner"  # (a) wherever they live
    LIVING_AS_SPOUSE_OR_CIVIL_PARTNER = "living_as_spouse_or_civil_partner"  # (b) wherever they live
    PARENT_OR_PARENT_IN_LAW = "parent_or_parent_in_law"  # (c)(i) [V]
    SON_OR_DAUGHTER = "son_or_daughter"  # (c)(ii) [V]
    SON_OR_DAUGHTER_IN_LAW = "son_or_daughter_in_law"  # (c)(iii) [V]
    STEPSON_OR_STEPDAUGHTER = "stepson_or_stepdaughter"  # (c) [U]
    BROTHER_OR_SISTER = "brother_or_sister"  # (c) [U]
    AUNT_OR_UNCLE = "aunt_or_uncle"  # (c) [U]
    GRANDPARENT = "grandparent"  # (c) [U]
    # (d)/(e) the spouse, civil partner or partner of a (c) relative who lives in the household [U]
    PARTNER_OF_HOUSEHOLD_RELATIVE = "partner_of_household_relative"
    OTHER_RELATIVE = "other_relative"
    FRIEND = "friend"
    NOT_RELATED = "not_related"


PARTNERS = frozenset({Relationship.SPOUSE_OR_CIVIL_PARTNER, Relationship.LIVING_AS_SPOUSE_OR_CIVIL_PARTNER})
HOUSEHOLD_RELATIVES = frozenset(
    {
        Relationship.PARENT_OR_PARENT_IN_LAW,
        Relationship.SON_OR_DAUGHTER,
        Relationship.SON_OR_DAUGHTER_IN_LAW,
        Relationship.STEPSON_OR_STEPDAUGHTER,
        Relationship.BROTHER_OR_SISTER,
        Relationship.AUNT_OR_UNCLE,
        Relationship.GRANDPARENT,
    }
)
# Relatives RULES.md could only complete from the 2001 children's regulations' pattern (DP-FAM-02 [U]).
UNVERIFIED_RELATIONSHIPS = frozenset(
    {
        Relationship.STEPSON_OR_STEPDAUGHTER,
        Relationship.BROTHER_OR_SISTER,
        Relationship.AUNT_OR_UNCLE,
        Relationship.GRANDPARENT,
        Relationship.PARTNER_OF_HOUSEHOLD_RELATIVE,
    }
)


class NecessaryReason(StrEnum):
    """Why the council decided paying a family member is necessary (DP-FAM-05)."""

    LIMITED_CHOICE_OF_PROVIDERS = "limited_choice_of_providers"
    COMMUNICATION_NEEDS = "communication_needs"
    ONLY_AVAILABLE_AT_NEEDED_TIMES = "only_available_at_needed_times"
    INTIMATE_SUPPORT = "intimate_support"
    RELIGIOUS_OR_CULTURAL_BELIEFS = "religious_or_cultural_beliefs"
    PALLIATIVE_CARE = "palliative_care"
    EMERGENCY_OR_SHORT_TERM = "emergency_or_short_term"
    OTHER = "other"


class NecessaryPurpose(StrEnum):
    """What the family member may be paid for (DP Regs 2014 reg 3(2)(a), (b); DP-FAM-03)."""

    CARE = "care"
    ADMINISTRATION_AND_MANAGEMENT = "administration_and_management"


@dataclass(frozen=True)
class NecessaryDecision:
    reason: NecessaryReason
    purpose: NecessaryPurpose
    note: str = ""


@dataclass(frozen=True)
class Payee:
    """Someone to be paid from the direct payment (usually a Personal Assistant)."""

    name: str
    relationship: Relationship
    lives_in_same_household: bool
    necessary_decision: NecessaryDecision | None = None


@dataclass(frozen=True)
class CareHomeStay:
    """A stay in a care home, `[start_on, end_on)`: `end_on` is the day the person leaves."""

    start_on: dt.date
    end_on: dt.date

    def __post_init__(self) -> None:
        if self.end_on <= self.start_on:
            raise ValidationFailed("A care-home stay must end after it starts.", field="care_home_stays")

    @property
    def nights(self) -> int:
        return (self.end_on - self.start_on).days


class Funding(StrEnum):
    DIRECT_PAYMENT = "direct_payment"
    COUNCIL_ARRANGED = "council_arranged"


class ItemCategory(StrEnum):
    PERSONAL_ASSISTANT = "personal_assistant"
    CARE_AGENCY = "care_agency"
    DAY_OPPORTUNITY = "day_opportunity"
    SHORT_STAY_IN_CARE_HOME = "short_stay_in_care_home"
    EQUIPMENT = "equipment"
    ACTIVITY = "activity"
    OTHER = "other"
    LONG_TERM_RESIDENTIAL_CARE = "long_term_residential_care"
    NHS_HEALTHCARE = "nhs_healthcare"
    COUNCIL_SERVICE = "council_service"
    # Typical local exclusions (DP-USE-05)
    ILLEGAL = "illegal"
    GAMBLING = "gambling"
    ALCOHOL_TOBACCO_OR_DRUGS = "alcohol_tobacco_or_drugs"
    FOOD_HOUSEHOLD_BILLS_OR_RENT = "food_household_bills_or_rent"
    AVAILABLE_FREE_ELSEWHERE = "available_free_elsewhere"
    CASH_WITHDRAWAL = "cash_withdrawal"
    GIFTS = "gifts"
    BANK_CHARGES = "bank_charges"
    PUTS_PERSON_AT_RISK = "puts_person_at_risk"


# DP-USE-05: what councils typically exclude [LOCAL]; a council's policy may choose fewer or more.
TYPICAL_LOCAL_EXCLUSIONS = frozenset(
    {
        ItemCategory.ILLEGAL,
        ItemCategory.GAMBLING,
        ItemCategory.ALCOHOL_TOBACCO_OR_DRUGS,
        ItemCategory.FOOD_HOUSEHOLD_BILLS_OR_RENT,
        ItemCategory.AVAILABLE_FREE_ELSEWHERE,
        ItemCategory.CASH_WITHDRAWAL,
        ItemCategory.GIFTS,
        ItemCategory.BANK_CHARGES,
        ItemCategory.PUTS_PERSON_AT_RISK,
    }
)


@dataclass(frozen=True)
class PlanItem:
    description: str
    category: ItemCategory
    weekly_cost_pence: int
    funding: Funding
    meets_needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlanFacts:
    """A costed support plan. Needs are the codes of the eligible needs from the needs assessment."""

    assessed_needs: frozenset[str]
    items: Sequence[PlanItem]
    personal_budget_weekly_pence: int
    author_id: str
    payees: Sequence[Payee] = ()
    care_home_stays: Sequence[CareHomeStay] = ()  # those planned, and any in the 12 months before
    approver_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "assessed_needs", frozenset(self.assessed_needs))
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "payees", tuple(self.payees))
        object.__setattr__(self, "care_home_stays", tuple(sorted(self.care_home_stays, key=lambda stay: stay.start_on)))
        require_pence(self.personal_budget_weekly_pence, "personal_budget_weekly_pence")
        for index, item in enumerate(self.items):
            require_pence(item.weekly_cost_pence, f"items[{index}].weekly_cost_pence")
        stays = self.care_home_stays
        for earlier, later in itertools.pairwise(stays):
            if later.start_on < earlier.end_on:
                raise ValidationFailed(
                    f"Care-home stays overlap ({format_date(earlier.start_on)} and {format_date(later.start_on)}).",
                    field="care_home_stays",
                )


@dataclass(frozen=True)
class PlanPolicy:
    """A council's choices for what direct payments may buy [LOCAL]."""

    allow_longterm_residential_dp: bool = False  # DP-RES-03 trailblazer councils only
    allow_inhouse_purchase: bool = False  # DP-USE-04
    excluded_categories: frozenset[ItemCategory] = TYPICAL_LOCAL_EXCLUSIONS  # DP-USE-05


@dataclass(frozen=True)
class PlanCheck:
    code: str
    passed: bool
    explanation: str
    source: str


@dataclass(frozen=True)
class PlanCheckReport:
    checks: tuple[PlanCheck, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[PlanCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)


def _names(items: Sequence[PlanItem]) -> str:
    return ", ".join(f"“{item.description}”" for item in items)


def _need_label(code: str) -> str:
    """The eligibility outcome's wording for a need code (the code itself if it is not one)."""
    return ADULT_OUTCOMES.get(code) or CARER_OUTCOMES.get(code) or code


def check_meets_assessed_needs(facts: PlanFacts) -> PlanCheck:
    """Every eligible need is met by something in the plan.

    Care Act 2014 s.25 (the plan sets out how the needs will be met; not transcribed in RULES.md)
    and s.31(1)/s.33(3) (DP-ELIG-01, DP-USE-01).
    """
    met = set().union(*(item.meets_needs for item in facts.items)) if facts.items else set()
    unmet = sorted(facts.assessed_needs - met)
    source = "Care Act 2014 s.25; s.33(3) (DP-USE-01)"
    if unmet:
        return PlanCheck(
            "PLAN-MEETS-ASSESSED-NEEDS",
            False,
            f"Nothing in the plan meets these assessed needs: {', '.join(_need_label(code) for code in unmet)}.",
            source,
        )
    return PlanCheck("PLAN-MEETS-ASSESSED-NEEDS", True, "Every assessed need is met by the plan.", source)


def check_dp_for_planned_needs(facts: PlanFacts) -> PlanCheck:
    """Direct payments only pay for things that meet assessed needs (Care Act s.33(3), DP-USE-01)."""
    stray = [
        item
        for item in facts.items
        if item.funding is Funding.DIRECT_PAYMENT and not (item.meets_needs & facts.assessed_needs)
    ]
    source = "Care Act 2014 s.33(3) (DP-USE-01); CSSG 12.35 (DP-USE-02)"
    if stray:
        return PlanCheck(
            "PLAN-DP-FOR-PLANNED-NEEDS",
            False,
            f"These would be paid by direct payment but do not meet an assessed need: {_names(stray)}.",
            source,
        )
    return PlanCheck(
        "PLAN-DP-FOR-PLANNED-NEEDS",
        True,
        "Everything paid by direct payment meets an assessed need.",
        source,
    )


def check_within_budget(facts: PlanFacts) -> PlanCheck:
    """The direct payment part and council-arranged support fit in the personal budget (PB-01, Care Act s.26)."""
    dp_part = sum(i.weekly_cost_pence for i in facts.items if i.funding is Funding.DIRECT_PAYMENT)
    arranged = sum(i.weekly_cost_pence for i in facts.items if i.funding is Funding.COUNCIL_ARRANGED)
    budget = facts.personal_budget_weekly_pence
    total = dp_part + arranged
    summary = (
        f"The direct payment part costs {format_pence(dp_part)} a week and council-arranged support "
        f"{format_pence(arranged)}, together {format_pence(total)} against a personal budget of "
        f"{format_pence(budget)}."
    )
    source = "Care Act 2014 s.26 (PB-01)"
    if total > budget:
        return PlanCheck(
            "PLAN-WITHIN-BUDGET",
            False,
            f"{summary} The plan is {format_pence(total - budget)} a week over budget: change it or take it to "
            "the funding panel.",
            source,
        )
    return PlanCheck("PLAN-WITHIN-BUDGET", True, summary, source)


def check_payee(payee: Payee) -> PlanCheck:
    """Whether a person may be paid from the direct payment (DP Regs 2014 reg 3; DP-FAM-01..06).

    Listed persons: a spouse, civil partner or someone living with the adult as one, wherever they
    live; a close relative (or their spouse or partner) living in the same household. They may be
    paid only where the council has decided it is necessary, for care or for administration and
    management of the payments (reg 3(2)). Others, such as a daughter living elsewhere, may be paid
    (DP-FAM-04).
    """
    relation = payee.relationship.value.replace("_", " ")
    listed = payee.relationship in PARTNERS or payee.relationship is Relationship.PARTNER_OF_HOUSEHOLD_RELATIVE
    listed = listed or (payee.relationship in HOUSEHOLD_RELATIVES and payee.lives_in_same_household)
    source = "Care and Support (Direct Payments) Regulations 2014 reg 3 (DP-FAM-01..06)"
    if payee.relationship in UNVERIFIED_RELATIONSHIPS:
        source += "; this relationship is listed from the 2001 regulations' pattern [U]"
    if not listed:
        where = "lives in the same household" if payee.lives_in_same_household else "lives elsewhere"
        return PlanCheck(
            "PLAN-FAMILY-MEMBER",
            True,
            f"{payee.name} ({relation}, {where}) is not a family member the regulations restrict.",
            source,
        )
    if payee.necessary_decision is None:
        return PlanCheck(
            "PLAN-FAMILY-MEMBER",
            False,
            f"{payee.name} is the recipient's {relation}"
            + ("" if payee.relationship in PARTNERS else " living in the same household")
            + ". They can be paid only if the council records that it is necessary, with the reason.",
            source,
        )
    decision = payee.necessary_decision
    purpose = (
        "to provide care"
        if decision.purpose is NecessaryPurpose.CARE
        else "for administration and management of the payments"
    )
    return PlanCheck(
        "PLAN-FAMILY-MEMBER",
        True,
        f"{payee.name} is the recipient's {relation}; the council has recorded that paying them {purpose} is "
        f"necessary ({decision.reason.value.replace('_', ' ')}).",
        source,
    )


def _chains(stays: Sequence[CareHomeStay]) -> list[list[CareHomeStay]]:
    """Group stays whose gaps are less than 4 weeks (DP-RES-02 [U])."""
    chains: list[list[CareHomeStay]] = []
    for stay in stays:
        if chains and (stay.start_on - chains[-1][-1].end_on).days < AGGREGATION_GAP_DAYS:
            chains[-1].append(stay)
        else:
            chains.append([stay])
    return chains


def longest_residential_period_nights(stays: Sequence[CareHomeStay]) -> int:
    """The most nights in a care home counted together in any 12 months (DP-RES-01/02).

    Stays less than 4 weeks apart are added together; the count for a chain of such stays is
    taken over every 12-month window starting on one of its stays.
    """
    longest = 0
    for chain in _chains(sorted(stays, key=lambda s: s.start_on)):
        for index, first in enumerate(chain):
            window_end = add_months(first.start_on, 12)
            nights = sum(
                (min(stay.end_on, window_end) - stay.start_on).days
                for stay in chain[index:]
                if stay.start_on < window_end
            )
            longest = max(longest, nights)
    return longest


def check_care_home_stays(facts: PlanFacts, policy: PlanPolicy) -> PlanCheck:
    """Short care-home stays: at most 4 consecutive weeks in 12 months (DP-RES-01; DP-RES-02 [U])."""
    source = (
        "Care and Support (Direct Payments) Regulations 2014 reg 8 (DP-RES-01, DP-RES-02 [U: aggregation "
        "wording recalled, not retrieved])"
    )
    if not facts.care_home_stays:
        return PlanCheck("PLAN-CARE-HOME-STAYS", True, "No stays in a care home are planned.", source)
    if policy.allow_longterm_residential_dp:
        return PlanCheck(
            "PLAN-CARE-HOME-STAYS",
            True,
            "The council may pay for residential care by direct payment (DP-RES-03), so the 4-week limit does not "
            "apply.",
            source,
        )
    nights = longest_residential_period_nights(facts.care_home_stays)
    if nights > RESIDENTIAL_LIMIT_NIGHTS:
        return PlanCheck(
            "PLAN-CARE-HOME-STAYS",
            False,
            f"Stays in a care home add up to {nights} nights (counting stays less than 4 weeks apart together); "
            f"direct payments can pay for no more than 4 weeks ({RESIDENTIAL_LIMIT_NIGHTS} nights) in 12 months.",
            source,
        )
    return PlanCheck(
        "PLAN-CARE-HOME-STAYS",
        True,
        f"The longest period in a care home is {nights} nights, within the 4-week limit.",
        source,
    )


def _category_check(
    facts: PlanFacts, code: str, blocked: frozenset[ItemCategory], *, fail: str, ok: str, source: str
) -> PlanCheck:
    found = [i for i in facts.items if i.funding is Funding.DIRECT_PAYMENT and i.category in blocked]
    if found:
        return PlanCheck(code, False, f"{fail}: {_names(found)}.", source)
    return PlanCheck(code, True, ok, source)


def check_plan(facts: PlanFacts, policy: PlanPolicy | None = None) -> PlanCheckReport:
    """Run every support plan check (RULES.md §1.2-1.4, §5; see the module docstring for each rule)."""
    policy = policy or PlanPolicy()
    checks = [
        check_meets_assessed_needs(facts),
        check_dp_for_planned_needs(facts),
        check_within_budget(facts),
    ]
    if facts.payees:
        checks.extend(check_payee(payee) for payee in facts.payees)
    else:
        checks.append(
            PlanCheck(
                "PLAN-FAMILY-MEMBER",
                True,
                "No one is named to be paid from the direct payment.",
                "Care and Support (Direct Payments) Regulations 2014 reg 3 (DP-FAM-01)",
            )
        )
    checks.append(check_care_home_stays(facts, policy))
    checks.append(
        _category_check(
            facts,
            "PLAN-LONG-TERM-RESIDENTIAL",
            frozenset()
            if policy.allow_longterm_residential_dp
            else frozenset({ItemCategory.LONG_TERM_RESIDENTIAL_CARE}),
            fail="Direct payments cannot pay for long-term residential care",
            ok="No long-term residential care is paid by direct payment."
            if not policy.allow_longterm_residential_dp
            else "The council may pay for long-term residential care by direct payment.",
            source="DP-RES-01, DP-RES-03 (SI 2013/2270 trailblazer councils)",
        )
    )
    checks.append(
        _category_check(
            facts,
            "PLAN-NHS-SERVICES",
            frozenset({ItemCategory.NHS_HEALTHCARE}),
            fail="Direct payments cannot pay for NHS healthcare (a personal health budget is the NHS route)",
            ok="No NHS healthcare is paid by direct payment.",
            source="Care Act 2014 s.22 (DP-USE-03)",
        )
    )
    checks.append(
        _category_check(
            facts,
            "PLAN-COUNCIL-SERVICES",
            frozenset() if policy.allow_inhouse_purchase else frozenset({ItemCategory.COUNCIL_SERVICE}),
            fail="The council's policy does not allow its own services to be bought with direct payments",
            ok="No council service is bought with direct payments, or the council's policy allows it.",
            source="DP-USE-04 (Think Local Act Personal; council policy) [LOCAL]",
        )
    )
    checks.append(
        _category_check(
            facts,
            "PLAN-LOCAL-EXCLUSIONS",
            policy.excluded_categories,
            fail="The council's policy does not allow direct payments to pay for",
            ok="Nothing the council's policy excludes is paid by direct payment.",
            source=(
                "DP-USE-05 (council policy) [LOCAL]; use must not be unreasonably restricted (CSSG 12.35, DP-USE-02)"
            ),
        )
    )
    if facts.approver_id is not None:
        source = "Separation of duties: no one approves their own work (council policy) [LOCAL]"
        if facts.approver_id == facts.author_id:
            checks.append(
                PlanCheck(
                    "PLAN-AUTHOR-NOT-APPROVER",
                    False,
                    "The person who wrote the plan cannot also approve it.",
                    source,
                )
            )
        else:
            checks.append(PlanCheck("PLAN-AUTHOR-NOT-APPROVER", True, "The plan is approved by someone else.", source))
    return PlanCheckReport(checks=tuple(checks))
