"""The allowed status transitions of referrals and cases, kept as data (Oscar's `pipeline` idea).

The tables are the single source of truth: services check them, the test suite walks every
allowed and every refused pair, and `docs/architecture.md` shows them.

Referral: a contact arrives (RECEIVED) and waits for triage by a team manager, who may ask for
more information (AWAITING_INFORMATION), allocate it to a worker, which opens a case
(ALLOCATED), or close it with an outcome (CLOSED).

Case: from allocation through the Care Act assessment, the financial assessment, support
planning (and the funding panel when the plan costs more than the indicative budget), approval,
the direct payment agreement, setting up payments, the active direct payment, reviews and
suspension, to closing. A review can go back to a needs assessment (reassessment).
"""

from __future__ import annotations

from collections.abc import Mapping

REFERRAL_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "received": frozenset({"awaiting_information", "allocated", "closed"}),
    "awaiting_information": frozenset({"received", "allocated", "closed"}),
    "allocated": frozenset(),
    "closed": frozenset(),
}

CASE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "allocated": frozenset({"needs_assessment", "closed"}),
    "needs_assessment": frozenset({"financial_assessment", "support_planning", "closed"}),
    "financial_assessment": frozenset({"support_planning", "closed"}),
    "support_planning": frozenset({"funding_panel", "plan_approval", "closed"}),
    "funding_panel": frozenset({"support_planning", "plan_approval", "closed"}),
    "plan_approval": frozenset({"support_planning", "agreement"}),
    "agreement": frozenset({"payment_setup", "support_planning", "closed"}),
    "payment_setup": frozenset({"active", "closed"}),
    "active": frozenset({"review", "suspended", "closed"}),
    "review": frozenset({"active", "needs_assessment", "suspended", "closed"}),
    "suspended": frozenset({"active", "review", "closed"}),
    "closed": frozenset(),
}


def can_transition(table: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    """True when the table allows moving from `current` to `target`."""
    return target in table.get(current, frozenset())


def next_statuses(table: Mapping[str, frozenset[str]], current: str) -> list[str]:
    return sorted(table.get(current, frozenset()))
