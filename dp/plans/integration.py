"""What this part reads from the assessments part, through two small functions (the only places
that read `dp.assessments` models):

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
    """The eligible needs from the case's latest completed needs assessment (the outcomes the
    person cannot achieve), or None when no needs assessment is completed."""
    from dp.assessments.constants import NeedsStatus
    from dp.assessments.domain.needs import outcomes_for
    from dp.assessments.models import NeedsAssessment

    assessment = (
        NeedsAssessment.objects.filter(case=case, status=NeedsStatus.COMPLETED).order_by("-completed_at", "-id").first()
    )
    if assessment is None:
        return None
    labels = outcomes_for(assessment.kind)
    return [AssessedNeed(code=code, label=labels.get(code, code)) for code in assessment.outcomes_not_achieved]


def weekly_contribution_for_case(case: Any, *, on: dt.date) -> int:
    """The person's weekly contribution in pence from the completed financial assessment in force
    on `on`; 0 when none is recorded."""
    from dp.assessments.selectors import contribution_on

    assessment = contribution_on(case, on)
    return assessment.weekly_contribution_pence if assessment is not None else 0
