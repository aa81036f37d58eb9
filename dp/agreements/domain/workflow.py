"""States of agreements and reviews, and their allowed moves (data, as in `dp.cases.domain.workflow`).

Agreement: DRAFT (drawn up, waiting to be signed) → SIGNED (signed by the person who holds the
money; payments can be set up) → ENDED (replaced by a later agreement, or the direct payment ended).
A draft can also end without being signed (replaced by a corrected draft).

Review: OPEN (scheduled or requested, with a date it is due by) → COMPLETED (with an outcome) or
CANCELLED (no longer needed, for example covered by an earlier review).
"""

from __future__ import annotations

from collections.abc import Mapping

AGREEMENT_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"signed", "ended"}),
    "signed": frozenset({"ended"}),
    "ended": frozenset(),
}

REVIEW_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "open": frozenset({"completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
