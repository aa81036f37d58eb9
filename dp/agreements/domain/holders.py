"""Who may hold and sign for a direct payment.

Design
------
The agreement names who receives and manages the money, and they sign it and are accountable for
it (DP-ELIG-05):

* an adult with capacity receives it themselves, or a person they nominate who agrees (Care Act
  2014 s.31; DP-ELIG-02);
* for an adult who lacks capacity to request it, an authorised person receives it (s.32;
  DP-ELIG-03);
* for a disabled child, a person with parental responsibility receives it; a disabled young person
  of 16 or 17 may receive it themselves (Children Act 1989 s.17A; CHD-01).

`holder_problem` says in plain English why a choice is not allowed, or None. `has_capacity` is the
latest capacity assessment (None when none is recorded: capacity is presumed, Mental Capacity Act
2005 s.1(2)).
"""

from __future__ import annotations

from enum import StrEnum


class HolderCapacity(StrEnum):
    RECIPIENT = "recipient"
    NOMINATED_PERSON = "nominated_person"
    AUTHORISED_PERSON = "authorised_person"
    PARENT = "parent"


# The people record's relationship kind ("<holder> is <kind> <recipient>") for each way of holding.
RELATIONSHIP_KIND_FOR = {
    HolderCapacity.NOMINATED_PERSON: "nominated_for",
    HolderCapacity.AUTHORISED_PERSON: "authorised_for",
    HolderCapacity.PARENT: "parent_of",
}


def holder_problem(*, capacity: HolderCapacity, recipient_age: int, has_capacity: bool | None) -> str | None:
    """Why `capacity` cannot hold this person's direct payment, or None (module docstring)."""
    if recipient_age < 16:
        if capacity is HolderCapacity.PARENT:
            return None
        return "A child's direct payment is paid to a person with parental responsibility (Children Act 1989 s.17A)."
    if recipient_age < 18:
        if capacity in (HolderCapacity.RECIPIENT, HolderCapacity.PARENT):
            return None
        return (
            "A young person of 16 or 17 receives the direct payment themselves, or a person with parental "
            "responsibility does (Children Act 1989 s.17A)."
        )
    if has_capacity is False:
        if capacity is HolderCapacity.AUTHORISED_PERSON:
            return None
        return (
            "The person's latest capacity assessment says they lack capacity to manage a direct payment, so it is "
            "paid to an authorised person (Care Act 2014 s.32)."
        )
    if capacity in (HolderCapacity.RECIPIENT, HolderCapacity.NOMINATED_PERSON):
        return None
    if capacity is HolderCapacity.AUTHORISED_PERSON:
        return (
            "An authorised person receives direct payments only for someone who lacks capacity (Care Act 2014 s.32). "
            "Record a capacity assessment first if that is the case."
        )
    return "An adult's direct payment is paid to them or to a person they nominate (Care Act 2014 s.31)."
