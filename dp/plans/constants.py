"""Choices for resource allocation schemes, support plans, the funding panel and budgets.

The values are the domain enums' values (`dp.plans.domain`, `dp.assessments.domain.plan_checks`),
so a stored value converts straight into the enum the rules take.
"""

from django.db import models


class RasSchemeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    AT_PANEL = "at_panel", "At the funding panel"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Replaced by a later plan"


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.AT_PANEL, PlanStatus.AWAITING_APPROVAL)


class LineKind(models.TextChoices):
    PERSONAL_ASSISTANT = "personal_assistant", "Personal Assistant hours"
    CARE_AGENCY = "care_agency", "Care agency hours"
    DAY_OPPORTUNITY = "day_opportunity", "Day opportunities"
    SHORT_BREAK = "short_break", "Short breaks (days)"
    CHILDREN_OVERNIGHT_SHORT_BREAK = "children_overnight_short_break", "Overnight short breaks for a child"
    CARE_HOME_SHORT_STAY = "care_home_short_stay", "Short stay in a care home"
    EQUIPMENT = "equipment", "Equipment (one-off)"
    OTHER = "other", "Something else"


class Funding(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    COUNCIL_ARRANGED = "council_arranged", "Arranged by the council"


class ItemCategory(models.TextChoices):
    """What a line of the plan buys (the categories of `plan_checks.ItemCategory`)."""

    PERSONAL_ASSISTANT = "personal_assistant", "Personal Assistant"
    CARE_AGENCY = "care_agency", "Care agency"
    DAY_OPPORTUNITY = "day_opportunity", "Day opportunity"
    SHORT_STAY_IN_CARE_HOME = "short_stay_in_care_home", "Short stay in a care home"
    EQUIPMENT = "equipment", "Equipment"
    ACTIVITY = "activity", "Activity, short break or leisure"
    OTHER = "other", "Other support"
    LONG_TERM_RESIDENTIAL_CARE = "long_term_residential_care", "Long-term residential care"
    NHS_HEALTHCARE = "nhs_healthcare", "NHS healthcare"
    COUNCIL_SERVICE = "council_service", "A service run by the council"
    ILLEGAL = "illegal", "Anything illegal"
    GAMBLING = "gambling", "Gambling"
    ALCOHOL_TOBACCO_OR_DRUGS = "alcohol_tobacco_or_drugs", "Alcohol, tobacco or drugs"
    FOOD_HOUSEHOLD_BILLS_OR_RENT = "food_household_bills_or_rent", "Food, household bills or rent"
    AVAILABLE_FREE_ELSEWHERE = "available_free_elsewhere", "Something available free elsewhere"
    CASH_WITHDRAWAL = "cash_withdrawal", "Cash withdrawals"
    GIFTS = "gifts", "Gifts"
    BANK_CHARGES = "bank_charges", "Bank charges"
    PUTS_PERSON_AT_RISK = "puts_person_at_risk", "Anything that puts the person at risk"


# The category each kind of line buys; "something else" lines say theirs.
CATEGORY_FOR_KIND: dict[str, str] = {
    LineKind.PERSONAL_ASSISTANT: ItemCategory.PERSONAL_ASSISTANT,
    LineKind.CARE_AGENCY: ItemCategory.CARE_AGENCY,
    LineKind.DAY_OPPORTUNITY: ItemCategory.DAY_OPPORTUNITY,
    LineKind.SHORT_BREAK: ItemCategory.ACTIVITY,
    LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK: ItemCategory.ACTIVITY,
    LineKind.CARE_HOME_SHORT_STAY: ItemCategory.SHORT_STAY_IN_CARE_HOME,
    LineKind.EQUIPMENT: ItemCategory.EQUIPMENT,
}


class PayeeRelationship(models.TextChoices):
    """How a person paid from the direct payment is related to the recipient (DP Regs 2014 reg 3(3))."""

    NOT_RELATED = "not_related", "Not related"
    FRIEND = "friend", "Friend or neighbour"
    SPOUSE_OR_CIVIL_PARTNER = "spouse_or_civil_partner", "Spouse or civil partner"
    LIVING_AS_SPOUSE_OR_CIVIL_PARTNER = "living_as_spouse_or_civil_partner", "Lives with them as a couple"
    PARENT_OR_PARENT_IN_LAW = "parent_or_parent_in_law", "Parent or parent-in-law"
    SON_OR_DAUGHTER = "son_or_daughter", "Son or daughter"
    SON_OR_DAUGHTER_IN_LAW = "son_or_daughter_in_law", "Son-in-law or daughter-in-law"
    STEPSON_OR_STEPDAUGHTER = "stepson_or_stepdaughter", "Stepson or stepdaughter"
    BROTHER_OR_SISTER = "brother_or_sister", "Brother or sister"
    AUNT_OR_UNCLE = "aunt_or_uncle", "Aunt or uncle"
    GRANDPARENT = "grandparent", "Grandparent"
    PARTNER_OF_HOUSEHOLD_RELATIVE = (
        "partner_of_household_relative",
        "Spouse or partner of a relative in the household",
    )
    OTHER_RELATIVE = "other_relative", "Another relative"


class NecessaryReason(models.TextChoices):
    """Why the council decided paying a family member is necessary (DP-FAM-05)."""

    LIMITED_CHOICE_OF_PROVIDERS = "limited_choice_of_providers", "Limited choice of providers"
    COMMUNICATION_NEEDS = "communication_needs", "Specific communication needs"
    ONLY_AVAILABLE_AT_NEEDED_TIMES = "only_available_at_needed_times", "Support is needed when only they can give it"
    INTIMATE_SUPPORT = "intimate_support", "The intimate nature of the support"
    RELIGIOUS_OR_CULTURAL_BELIEFS = "religious_or_cultural_beliefs", "Religious or cultural beliefs"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    EMERGENCY_OR_SHORT_TERM = "emergency_or_short_term", "Emergency or short-term need"
    OTHER = "other", "Another reason"


class NecessaryPurpose(models.TextChoices):
    CARE = "care", "To provide care (reg 3(2)(a))"
    ADMINISTRATION_AND_MANAGEMENT = (
        "administration_and_management",
        "To help manage the direct payment (reg 3(2)(b))",
    )


class PanelOutcome(models.TextChoices):
    AGREED = "agreed", "Agreed the plan's cost"
    AGREED_DIFFERENT_AMOUNT = "agreed_different", "Agreed a different amount"
    REFUSED = "refused", "Refused"


class EligibleOutcome(models.TextChoices):
    """The outcomes of the Care and Support (Eligibility Criteria) Regulations 2015 (reg 2(2) for adults,
    reg 3(2)(b) for carers), used as the needs a plan's outcomes address when no needs assessment is
    read here. The codes are those of `dp.assessments.domain.needs`, so plans and assessments agree."""

    NUTRITION = "nutrition", "Managing and maintaining nutrition"
    PERSONAL_HYGIENE = "personal_hygiene", "Maintaining personal hygiene"
    TOILET_NEEDS = "toilet_needs", "Managing toilet needs"
    CLOTHING = "appropriately_clothed", "Being appropriately clothed"
    HOME_SAFETY = "home_safely", "Being able to make use of the home safely"
    HABITABLE_HOME = "habitable_home", "Maintaining a habitable home environment"
    RELATIONSHIPS = "relationships", "Developing and maintaining family or other personal relationships"
    WORK_AND_LEARNING = (
        "work_education_volunteering",
        "Accessing and engaging in work, training, education or volunteering",
    )
    COMMUNITY = "community_facilities", "Making use of facilities or services in the local community"
    CARING_FOR_A_CHILD = "caring_for_child", "Carrying out caring responsibilities for a child"
    CARING_FOR_OTHERS = "caring_for_others", "Providing care to other people the carer cares for (carers)"
    RECREATION = "recreation", "Engaging in recreational activities (carers)"
    OTHER = "other", "Another assessed need (for example a child's needs under the Children Act)"


class BudgetSource(models.TextChoices):
    PLAN_APPROVED = "plan_approved", "Support plan approved"
    REASSESSMENT = "reassessment", "New plan after a reassessment"
