"""Checking what a worker says about a payee against the council's relationship record.

Design
------
The family-member rule (DP Regs 2014 reg 3, DP-FAM-01..06) turns on the payee's exact relationship
to the recipient and whether they live in the same household (DP-FAM-06). The people record
(`dp.people.Relationship`) is coarser ("close relative of", "parent of", "spouse or partner of"),
so the worker names the exact relationship on the plan, and `relationship_conflict` refuses an
answer that contradicts the record: a partner on record cannot be entered as "not related", a
record saying they share a household cannot be entered as living elsewhere. Relationship kinds
arrive as the people record's stable string values; pure, no Django.
"""

from __future__ import annotations

from dp.assessments.domain.plan_checks import HOUSEHOLD_RELATIVES, PARTNERS, Relationship

ANY_RELATIVE = (
    HOUSEHOLD_RELATIVES | PARTNERS | {Relationship.PARTNER_OF_HOUSEHOLD_RELATIVE, Relationship.OTHER_RELATIVE}
)


def relationship_conflict(
    *,
    record_kind: str,
    payee_is_from_person: bool,
    record_same_household: bool,
    relationship: Relationship,
    lives_in_same_household: bool,
) -> str | None:
    """A plain-English reason the answer contradicts the record, or None when it fits.

    `record_kind` is the people record's kind ("partner_of", "parent_of", "relative_of", ...) read
    as "from_person is <kind> to_person"; `payee_is_from_person` says which end the payee is.
    """
    if record_same_household and not lives_in_same_household:
        return "Their relationship record says they live in the same household as the person."
    if record_kind == "partner_of" and relationship not in PARTNERS:
        return "Their relationship record says they are the person's spouse or partner."
    if record_kind == "parent_of":
        expected = (
            {Relationship.PARENT_OR_PARENT_IN_LAW}
            if payee_is_from_person
            else {Relationship.SON_OR_DAUGHTER, Relationship.STEPSON_OR_STEPDAUGHTER}
        )
        if relationship not in expected:
            which = "parent" if payee_is_from_person else "son or daughter"
            return f"Their relationship record says they are the person's {which}."
    if record_kind == "relative_of" and relationship not in ANY_RELATIVE:
        return "Their relationship record says they are a close relative; choose how they are related."
    return None
