"""What this part reads from the assessments part, through two small functions.

The needs and financial assessments are being built at the same time in `dp.assessments`. Until
their models are settled, these functions are the only places that read them, so pointing them at
the real models later changes nothing else:

* `assessed_needs_for_case` — the eligible needs from the latest needs assessment, or None when
  there is none (the plan then uses the needs named in its own outcomes, and says so);
* `weekly_contribution_for_case` — the person's assessed weekly contribution from the latest
  financial assessment, 0 when there is none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AssessedNeed:
    code: str
    label: str


def assessed_needs_for_case(case: Any) -> list[AssessedNeed] | None:
    """The eligible needs the council assessed for the case, or None when no needs assessment is
    recorded. (Returns None until `dp.assessments` has its needs assessment model.)"""
    return None


def weekly_contribution_for_case(case: Any, *, on: dt.date) -> int:
    """The person's weekly contribution in pence from their latest financial assessment in force on
    `on`; 0 when none is recorded. (Returns 0 until `dp.assessments` has its financial assessment
    model with `weekly_contribution_pence`.)"""
    return 0
