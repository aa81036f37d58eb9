"""Who may use each findings, audits and recovery page (merged into tests/test_url_matrix.py), and sample objects.

The sample objects are built once per test world, on first use, on top of the payments world (its schedule
on the world's case): the council's audit policy, an audit of the world's person with a recovery proposed
(from a finding) and a later open finding that can be added to it, and an open finding on a second person's
account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dp.staff.roles import Role

VIEW = {Role.DP_SUPPORT, Role.AUDITOR, Role.TEAM_MANAGER}
WRITE = {Role.DP_SUPPORT, Role.AUDITOR}
APPROVE = {Role.AUDITOR, Role.TEAM_MANAGER}

EXPECTED: dict[str, Any] = {
    "audits:finding_list": VIEW,
    "audits:finding_detail": VIEW,
    "audits:sweep_run": WRITE,
    "audits:finding_dismiss": WRITE,
    "audits:finding_open_audit": WRITE,
    "audits:finding_add_to_audit": WRITE,
    "audits:audit_list": VIEW,
    "audits:audit_due": VIEW,
    "audits:audit_open": WRITE,
    "audits:audit_detail": VIEW,
    "audits:audit_request_information": WRITE,
    "audits:audit_letter_pdf": VIEW,
    "audits:audit_received": WRITE,
    "audits:audit_outcome": WRITE,
    "audits:recovery_propose_surplus": WRITE,
    "audits:recovery_propose_misuse": WRITE,
    "audits:recovery_notice_pdf": VIEW,
    "audits:recovery_discussion": WRITE,
    "audits:recovery_decide": WRITE,
    "audits:recovery_approve": APPROVE,
    "audits:recovery_settle": APPROVE,
    "audits:recovery_recoup_file": VIEW,
    "audits:recovery_review_request": WRITE,
    "audits:recovery_review_decide": APPROVE,
    "audits:recovery_repay": APPROVE,
    "audits:recoveries_outstanding": VIEW,
    "audits:recovery_rest_by_invoice": WRITE,
}


@dataclass
class AuditsWorld:
    audit: Any
    recovery: Any
    open_finding: Any
    other_schedule: Any
    later_finding: Any  # raised after the world's audit was opened: can be added to it


def audits_world(world: Any) -> AuditsWorld:
    """Built on first use and kept on the world (each role's visit reuses it)."""
    cached = getattr(world, "_audits_world", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from dp.audits.tests.factories import finding_on, proposed_recovery, set_audit_policy
    from dp.payments.tests.factories import SignedScheduleFactory
    from dp.payments.tests.url_policies import payments_world

    schedule = payments_world(world).schedule
    set_audit_policy(world.council)
    recovery = proposed_recovery(schedule, by=world.user(Role.AUDITOR))
    other = SignedScheduleFactory(worker=world.user(Role.SOCIAL_WORKER))
    open_finding = finding_on(other, ref="transaction:other-1")
    later_finding = finding_on(schedule, ref="transaction:later-1", code="DP-UNKNOWN-PAYEE", severity="medium")
    built = AuditsWorld(recovery.audit, recovery, open_finding, other, later_finding)
    world._audits_world = built
    return built


def _w(world: Any) -> AuditsWorld:
    return audits_world(world)


def _audit(w: Any) -> dict[str, int]:
    return {"audit_id": _w(w).audit.pk}


def _recovery(w: Any) -> dict[str, int]:
    return {"recovery_id": _w(w).recovery.pk}


KWARGS: dict[str, Any] = {
    "audits:finding_list": lambda w: (_w(w), {})[1],
    "audits:finding_detail": lambda w: {"finding_id": _w(w).open_finding.pk},
    "audits:finding_dismiss": lambda w: {"finding_id": _w(w).open_finding.pk},
    "audits:finding_open_audit": lambda w: {"finding_id": _w(w).open_finding.pk},
    "audits:finding_add_to_audit": lambda w: {"finding_id": _w(w).later_finding.pk},
    "audits:audit_list": lambda w: (_w(w), {})[1],
    "audits:audit_due": lambda w: (_w(w), {})[1],
    "audits:audit_open": lambda w: {"schedule_id": _w(w).other_schedule.pk},
    "audits:audit_detail": _audit,
    "audits:audit_request_information": _audit,
    "audits:audit_letter_pdf": _audit,
    "audits:audit_received": _audit,
    "audits:audit_outcome": _audit,
    "audits:recovery_propose_surplus": _audit,
    "audits:recovery_propose_misuse": _audit,
    "audits:recovery_notice_pdf": _recovery,
    "audits:recovery_discussion": _recovery,
    "audits:recovery_decide": _recovery,
    "audits:recovery_approve": _recovery,
    "audits:recovery_settle": _recovery,
    "audits:recovery_recoup_file": _recovery,
    "audits:recovery_review_request": _recovery,
    "audits:recovery_review_decide": _recovery,
    "audits:recovery_repay": _recovery,
    "audits:recoveries_outstanding": lambda w: (_w(w), {})[1],
    "audits:recovery_rest_by_invoice": _recovery,
}
