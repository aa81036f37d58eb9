"""Reads for monitoring."""

from __future__ import annotations

import datetime as dt

from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.monitoring.domain.surplus import SurplusPolicy
from dp.monitoring.policy import SURPLUS_ALLOWED_WEEKS, SURPLUS_MINIMUM_WEEKS


def council_surplus_policy(on: dt.date) -> SurplusPolicy | None:
    """The council's surplus policy on `on`, or None when it has not set the allowed weeks."""
    try:
        allowed = int(policy_value_get(SURPLUS_ALLOWED_WEEKS.key, on=on))
    except PolicyMissing:
        return None
    try:
        minimum: int | None = int(policy_value_get(SURPLUS_MINIMUM_WEEKS.key, on=on))
    except PolicyMissing:
        minimum = None
    return SurplusPolicy(allowed_weeks=allowed, minimum_weeks=minimum)
