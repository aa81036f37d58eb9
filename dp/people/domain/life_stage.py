"""Age and life stage from a date of birth (pure).

The date of birth drives everything age-related: a child is under 16, a young person 16 or 17
(children's direct payments and EHCP personal budgets; carers' direct payments from 16 under the
Care Act 2014 s.31 and the Children Act 1989 s.17A), an adult 18 or over.
"""

from __future__ import annotations

import datetime as dt

from dp.core.domain.identifiers import age_on


def life_stage(date_of_birth: dt.date, today: dt.date) -> str:
    age = age_on(date_of_birth, today)
    if age < 16:
        return "child"
    if age < 18:
        return "young_person"
    return "adult"


def eighteenth_birthday(date_of_birth: dt.date) -> dt.date:
    """The date a young person becomes an adult (29 February birthdays turn 18 on 1 March)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return dt.date(date_of_birth.year + 18, 3, 1)
