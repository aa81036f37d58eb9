"""The support plan's states and allowed moves, kept as data (like `dp.cases.domain.workflow`).

DRAFT: being written, or back for changes. AT_PANEL: sent to the funding panel because it costs
more than its budget. AWAITING_APPROVAL: sent to a second person (a team manager) to approve.
APPROVED: agreed; the personal budget was set from it. SUPERSEDED: replaced by a later approved
plan (after a reassessment).
"""

from __future__ import annotations

from collections.abc import Mapping

PLAN_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"at_panel", "awaiting_approval"}),
    "at_panel": frozenset({"draft", "awaiting_approval"}),
    "awaiting_approval": frozenset({"draft", "approved"}),
    "approved": frozenset({"superseded"}),
    "superseded": frozenset(),
}
