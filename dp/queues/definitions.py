"""The work queues: which role lands on which, and what each holds.

Later parts of the system add queues here ("payments to approve", "audits due") by adding a
definition; the home page sends each person to the first queue their roles have.
"""

from __future__ import annotations

from dataclasses import dataclass

from dp.cases.constants import CaseStatus
from dp.staff.roles import Role


@dataclass(frozen=True)
class QueueDefinition:
    slug: str
    title: str
    description: str
    roles: tuple[str, ...]
    statuses: tuple[str, ...] = ()
    kind: str = "cases"  # "cases", "triage", "caseload", "team", "payment_runs", "reviews"
    # A queue kept on a page of its own app (kinds "payment_runs", "reviews"): the page to send people to.
    url_name: str = ""


QUEUES: tuple[QueueDefinition, ...] = (
    QueueDefinition(
        "triage",
        "Referrals to triage",
        "New contacts and referrals waiting for a decision, urgent first, then oldest first.",
        (Role.TEAM_MANAGER,),
        kind="triage",
    ),
    QueueDefinition(
        "caseload",
        "My caseload",
        "Open cases allocated to you.",
        (Role.SOCIAL_WORKER, Role.TEAM_MANAGER),
        kind="caseload",
    ),
    QueueDefinition(
        "team", "Team caseload", "Open cases in your team.", (Role.TEAM_MANAGER, Role.SOCIAL_WORKER), kind="team"
    ),
    QueueDefinition(
        "needs-assessments",
        "Assessments and eligibility decisions to do",
        "Cases waiting for a Care Act needs assessment, the offer of direct payments and a decision on whether "
        "direct payments can be made.",
        (Role.SOCIAL_WORKER, Role.TEAM_MANAGER),
        statuses=(CaseStatus.NEEDS_ASSESSMENT,),
    ),
    QueueDefinition(
        "financial-assessments",
        "Financial assessments to do",
        "Cases waiting for a financial assessment of the person's contribution.",
        (Role.FINANCIAL_ASSESSOR,),
        statuses=(CaseStatus.FINANCIAL_ASSESSMENT,),
    ),
    QueueDefinition(
        "panel",
        "Funding panel",
        "Plans that cost more than the indicative budget, waiting for the funding panel.",
        (Role.TEAM_MANAGER,),
        statuses=(CaseStatus.FUNDING_PANEL, CaseStatus.PLAN_APPROVAL),
    ),
    QueueDefinition(
        "setting-up",
        "Direct payments being set up",
        "Agreements being signed and direct payments whose account and payments are being set up.",
        (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER),
        statuses=(CaseStatus.AGREEMENT, CaseStatus.PAYMENT_SETUP),
    ),
    QueueDefinition(
        "active",
        "Active direct payments",
        "Direct payments that are running, under review or suspended.",
        (Role.DP_SUPPORT, Role.AUDITOR, Role.PAYMENTS_OFFICER),
        statuses=(CaseStatus.ACTIVE, CaseStatus.REVIEW, CaseStatus.SUSPENDED),
    ),
    QueueDefinition(
        "reviews",
        "Reviews due and overdue",
        "Direct payments whose first review (within 6 months of the first payment), yearly review, early check or "
        "requested review is due or overdue, overdue first.",
        (Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER),
        kind="reviews",
        url_name="agreements:review_queue",
    ),
    QueueDefinition(
        "payments-to-approve",
        "Payments to approve",
        "Payment runs worked out by another payments officer and waiting for a second person to check the totals "
        "and the payments held back, and approve them. Nobody approves a run they made.",
        (Role.PAYMENTS_OFFICER,),
        kind="payment_runs",
        url_name="payments:run_list",
    ),
)

BY_SLUG = {q.slug: q for q in QUEUES}


def queues_for(roles: frozenset[str]) -> list[QueueDefinition]:
    return [q for q in QUEUES if roles.intersection(q.roles)]
