"""Writes for findings, audits and recovery.

Each service locks what it changes, checks by calling the pure domain code
(`dp.monitoring.domain.audits` for the workflow, `dp.monitoring.domain.recovery` for the money),
writes, records an audit event in the same transaction, and posts ledger journals with
idempotency keys so nothing is posted twice. A recovery reaches the ledger only when a second
person approves it after the person's response period has ended (the service refuses earlier,
and the database refuses an approval dated within the period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from dp.audit_log.services import audit_event_record
from dp.audits import selectors
from dp.audits.constants import (
    SIMPLE_OUTCOMES,
    AuditEventType,
    AuditSource,
    AuditStatus,
    FindingStatus,
    Method,
    ReviewOutcome,
    Tier,
)
from dp.audits.models import AuditCase, AuditRecovery, AuditStep, Finding, RecoveryDiscussion
from dp.core import clock
from dp.core.domain.breakdown import format_date
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.ledger.services import journal_post, journal_reverse
from dp.monitoring.domain.audits import TERMINAL_STATUSES, check_audit_transition
from dp.monitoring.domain.recovery import (
    MisusedPayment,
    RecoveryPlan,
    RecoveryProposal,
    decide_by_card_recoup,
    decide_by_deduction,
    decide_by_invoice,
    propose_misuse_recovery,
    propose_surplus_recovery,
)
from dp.monitoring.domain.surplus import Commitment, SurplusRequest
from dp.payments.constants import AccountKind, RecoveryDeductionStatus, ScheduleStatus
from dp.payments.domain.ledger import (
    build_contribution_refunded,
    build_deductions_repaid,
    build_recovery_raised,
    build_recovery_received,
)
from dp.payments.domain.schedule import Basis
from dp.payments.models import PaymentSchedule
from dp.payments.selectors import recovery_deduction_taken_in_live_runs, recovery_deduction_taken_pence
from dp.payments.services import recovery_deduction_cancel, recovery_deduction_create, repayment_add
from dp.staff.models import User


def _required(text: str, field: str, message: str) -> str:
    if not (text or "").strip():
        raise ValidationFailed(message, field=field)
    return text.strip()


# -- findings -----------------------------------------------------------------------------------------


@transaction.atomic
def finding_dismiss(*, actor: User, finding: Finding, reason: str) -> Finding:
    """Dismiss an open finding with a reason. Its evidence key stays, so the same evidence is not raised again."""
    reason = _required(reason, "reason", "Enter why the finding is being dismissed")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == FindingStatus.DISMISSED:
        return finding
    if finding.status != FindingStatus.OPEN:
        raise TransitionNotAllowed("Only an open finding can be dismissed; this one is part of an audit.")
    finding.status = FindingStatus.DISMISSED
    finding.dismissed_reason = reason
    finding.dismissed_by = actor
    finding.dismissed_at = clock.now()
    finding.save(update_fields=["status", "dismissed_reason", "dismissed_by", "dismissed_at"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.FINDING_DISMISSED,
        subject=finding,
        person=finding.person,
        summary=f"Finding {finding.reference} ({finding.code}) dismissed: {reason}",
        before={"status": FindingStatus.OPEN},
        after={"status": FindingStatus.DISMISSED, "reason": reason},
        extra={"evidence_key": finding.evidence_key},
    )
    return finding


# -- audits -------------------------------------------------------------------------------------------


def _lock(audit: AuditCase) -> AuditCase:
    return AuditCase.objects.select_for_update().get(pk=audit.pk)


def _move(
    audit: AuditCase,
    target: str,
    *,
    actor: User,
    note: str,
    evidence: dict[str, Any] | None = None,
    today: dt.date,
    **guards: Any,
) -> None:
    """Check the move against the table and its time guards, then record the step and an audit event."""
    check_audit_transition(audit.status, target, today=today, **guards)
    before = audit.status
    audit.status = target
    fields = ["status"]
    if target in TERMINAL_STATUSES:
        audit.finished_on = today
        fields.append("finished_on")
        Finding.objects.filter(audit=audit, status=FindingStatus.IN_AUDIT).update(status=FindingStatus.RESOLVED)
    audit.save(update_fields=fields)
    AuditStep.objects.create(
        audit=audit,
        from_status=before,
        to_status=target,
        occurred_at=clock.now(),
        by=actor,
        note=note,
        evidence=evidence or {},
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.AUDIT_MOVED,
        subject=audit,
        person=audit.person,
        case=audit.case,
        summary=f"Audit {audit.reference}: {AuditStatus(before).label} → {AuditStatus(target).label}. {note}",
        before={"status": before},
        after={"status": target},
        extra={"evidence": evidence or {}},
    )


def _refuse_second_open_audit(person_id: int) -> None:
    if AuditCase.objects.filter(person_id=person_id, status__in=selectors.OPEN_STATUSES).exists():
        raise ValidationFailed("This person already has an audit open; add to that one instead.")


def _open(
    *, actor: User, schedule: PaymentSchedule, source: str, tier: str, reasons: str, findings: Sequence[Finding]
) -> AuditCase:
    _refuse_second_open_audit(schedule.person_id)
    today = clock.today()
    audit = AuditCase.objects.create(
        person_id=schedule.person_id,
        case_id=schedule.case_id,
        account_id=schedule.account_id,
        schedule=schedule,
        tier=tier,
        source=source,
        reasons=reasons,
        opened_on=today,
        opened_at=clock.now(),
        opened_by=actor,
    )
    ids = [f.pk for f in findings]
    Finding.objects.filter(pk__in=ids, status=FindingStatus.OPEN).update(status=FindingStatus.IN_AUDIT, audit=audit)
    evidence = {"findings": [{"id": f.pk, "code": f.code, "evidence_key": f.evidence_key} for f in findings]}
    AuditStep.objects.create(
        audit=audit, to_status=AuditStatus.OPENED, occurred_at=clock.now(), by=actor, note=reasons, evidence=evidence
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.AUDIT_OPENED,
        subject=audit,
        person=audit.person,
        case=audit.case,
        summary=f"Audit {audit.reference} opened ({Tier(tier).label.lower()}) from {AuditSource(source).label.lower()}",
        after={"status": AuditStatus.OPENED, "tier": tier, "source": source},
        extra=evidence,
    )
    return audit


@transaction.atomic
def audit_open_from_schedule(*, actor: User, schedule: PaymentSchedule) -> AuditCase:
    """Open the audit the schedule says is due, at its tier, with its reasons; the person's open findings join it."""
    schedule = PaymentSchedule.objects.select_for_update().get(pk=schedule.pk)
    _refuse_second_open_audit(schedule.person_id)
    due = selectors.audit_due_for(schedule, today=clock.today())
    if due.tier is None:
        raise ValidationFailed(" ".join(due.reasons))
    findings = list(Finding.objects.filter(person_id=schedule.person_id, status=FindingStatus.OPEN))
    return _open(
        actor=actor,
        schedule=schedule,
        source=AuditSource.SCHEDULE,
        tier=due.tier,
        reasons=" ".join(due.reasons),
        findings=findings,
    )


@transaction.atomic
def audit_open_from_finding(*, actor: User, finding: Finding) -> AuditCase:
    """Open an audit because of a finding (and the person's other open findings), at the tier the schedule gives."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise TransitionNotAllowed("Only an open finding can start an audit.")
    schedule = (
        PaymentSchedule.objects.filter(person_id=finding.person_id, account_id=finding.account_id)
        .order_by("-start_on")
        .first()
        or PaymentSchedule.objects.filter(person_id=finding.person_id).order_by("-start_on").first()
    )
    if schedule is None:
        raise ValidationFailed("The person has no direct payment schedule to audit.")
    due = selectors.audit_due_for(schedule, today=clock.today())
    findings = list(Finding.objects.filter(person_id=finding.person_id, status=FindingStatus.OPEN))
    tier = due.tier or (Tier.FULL if finding.severity == "high" else Tier.LIGHT_TOUCH)
    reasons = f"Opened from finding {finding.reference}: {finding.title}. " + " ".join(
        r for r in due.reasons if r.startswith(("Full audit", "Light touch"))
    )
    return _open(
        actor=actor,
        schedule=schedule,
        source=AuditSource.FINDING,
        tier=tier,
        reasons=reasons.strip(),
        findings=findings,
    )


@transaction.atomic
def finding_add_to_audit(*, actor: User, finding: Finding) -> AuditCase:
    """Add an open finding to the person's open audit (raised after the audit was opened): recorded as a step of the
    audit, with its evidence, and an audit event. The audit's tier and status do not change."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise TransitionNotAllowed("Only an open finding can be added to an audit.")
    audit = selectors.open_audit_of(finding.person_id)
    if audit is None:
        raise ValidationFailed("This person has no audit open: open one from the finding instead.")
    audit = _lock(audit)
    if audit.status in TERMINAL_STATUSES:
        raise TransitionNotAllowed(f"Audit {audit.reference} has finished.")
    finding.status = FindingStatus.IN_AUDIT
    finding.audit = audit
    finding.save(update_fields=["status", "audit"])
    note = f"Finding {finding.reference} added: {finding.title}."
    evidence = {"findings": [{"id": finding.pk, "code": finding.code, "evidence_key": finding.evidence_key}]}
    AuditStep.objects.create(
        audit=audit,
        from_status=audit.status,
        to_status=audit.status,
        occurred_at=clock.now(),
        by=actor,
        note=note,
        evidence=evidence,
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.FINDING_ADDED,
        subject=audit,
        person=audit.person,
        case=audit.case,
        summary=f"Audit {audit.reference}: {note}",
        before={"finding_status": FindingStatus.OPEN},
        after={"finding_status": FindingStatus.IN_AUDIT, "finding": finding.pk},
        extra=evidence,
    )
    return audit


@transaction.atomic
def audit_request_information(*, actor: User, audit: AuditCase, requested: str) -> AuditCase:
    """Ask the person for records (the letter PDF shows them with the due date, council policy days from today)."""
    requested = _required(requested, "requested", "Say which records the person is asked for")
    audit = _lock(audit)
    today = clock.today()
    due_on = today + dt.timedelta(days=selectors.information_days(today))
    _move(
        audit,
        AuditStatus.INFORMATION_REQUESTED,
        actor=actor,
        today=today,
        note=f"Records asked for by {format_date(due_on)}: {requested}",
        evidence={"requested": requested, "due_on": due_on.isoformat()},
    )
    audit.information_requested = requested
    audit.information_due_on = due_on
    audit.save(update_fields=["information_requested", "information_due_on"])
    return audit


@transaction.atomic
def audit_record_received(*, actor: User, audit: AuditCase, received_on: dt.date, summary: str) -> AuditCase:
    summary = _required(summary, "summary", "Describe what the person sent")
    audit = _lock(audit)
    today = clock.today()
    if received_on > today:
        raise ValidationFailed("The date received cannot be in the future", field="received_on")
    _move(
        audit,
        AuditStatus.INFORMATION_RECEIVED,
        actor=actor,
        today=today,
        note=f"Received {format_date(received_on)}: {summary}",
        evidence={"received_on": received_on.isoformat(), "summary": summary},
    )
    audit.information_received_on = received_on
    audit.information_summary = summary
    audit.save(update_fields=["information_received_on", "information_summary"])
    return audit


def _refuse_closing_in_review_period(audit: AuditCase, *, today: dt.date) -> None:
    """A decided recovery's audit stays open while the person may still ask for a review: closing it would take
    that right away (a review can only be asked for on a decided, not a closed, audit)."""
    decided_on = AuditRecovery.objects.filter(audit=audit).values_list("decided_on", flat=True).first()
    if decided_on is None:
        return
    last_day = decided_on + dt.timedelta(days=selectors.review_days(decided_on))
    if today <= last_day:
        raise TransitionNotAllowed(
            f"The person can ask for a review until {format_date(last_day)}; the audit can be closed after that.",
            field="outcome",
        )


@transaction.atomic
def audit_record_outcome(*, actor: User, audit: AuditCase, outcome: str, notes: str) -> AuditCase:
    """No action, advice and support, suspension (payments suspended now), ending, or a safeguarding concern
    (a note on the person's case for their social worker). Recovery has its own services."""
    notes = _required(notes, "notes", "Explain the outcome")
    if outcome not in SIMPLE_OUTCOMES and outcome != AuditStatus.CLOSED:
        raise ValidationFailed("Choose an outcome", field="outcome")
    audit = _lock(audit)
    today = clock.today()
    if outcome == AuditStatus.CLOSED and audit.status == AuditStatus.RECOVERY_DECIDED:
        _refuse_closing_in_review_period(audit, today=today)
    evidence: dict[str, Any] = {"notes": notes}
    if outcome == AuditStatus.SUSPENSION and audit.schedule_id:
        from dp.payments.services import schedule_suspend

        schedule = PaymentSchedule.objects.get(pk=audit.schedule_id)
        if schedule.status == ScheduleStatus.ACTIVE:
            schedule_suspend(actor=actor, schedule=schedule, reason=f"Audit {audit.reference}: {notes}")
            evidence["schedule_suspended"] = schedule.pk
    _move(audit, outcome, actor=actor, today=today, note=notes, evidence=evidence)
    if outcome == AuditStatus.SAFEGUARDING_REFERRAL:
        from dp.cases.services import case_note_add

        note = case_note_add(
            actor=actor,
            case=audit.case,
            text=f"Safeguarding concern from direct payment audit {audit.reference}, for the social worker: {notes}",
        )
        AuditStep.objects.filter(audit=audit).order_by("-id").update(evidence={**evidence, "case_note": note.pk})
    audit.outcome_notes = notes
    audit.save(update_fields=["outcome_notes"])
    return audit


# -- recovery -----------------------------------------------------------------------------------------


def _proposal_of(recovery: AuditRecovery) -> RecoveryProposal:
    return RecoveryProposal(
        person=str(recovery.audit.person_id),
        basis="gross" if recovery.basis == "gross" else "net",
        ground="misuse" if recovery.ground == "misuse" else "surplus",
        reasons=tuple(recovery.reasons),
        finding_keys=tuple(recovery.finding_keys),
        amount_pence=recovery.amount_pence,
        refund_to_person_pence=recovery.refund_to_person_pence,
        recoverable_pence=recovery.recoverable_pence,
        proposed_on=recovery.proposed_on,
        response_ends_on=recovery.response_ends_on,
        breakdown=(),
    )


def _save_proposal(
    *, actor: User, audit: AuditCase, proposal: RecoveryProposal, inputs: dict[str, Any], today: dt.date
) -> AuditRecovery:
    if AuditRecovery.objects.filter(audit=audit).exists():
        raise ValidationFailed("A recovery has already been proposed on this audit.")
    _move(
        audit,
        AuditStatus.RECOVERY_PROPOSED,
        actor=actor,
        today=today,
        note=f"Recovery of {format_pence(proposal.recoverable_pence)} proposed; the person can respond until "
        f"{format_date(proposal.response_ends_on)}.",
        evidence={"reasons": list(proposal.reasons), "finding_keys": list(proposal.finding_keys), **inputs},
    )
    recovery = AuditRecovery.objects.create(
        audit=audit,
        ground=proposal.ground,
        basis=proposal.basis,
        reasons=list(proposal.reasons),
        finding_keys=list(proposal.finding_keys),
        inputs=inputs,
        breakdown=[line.as_dict() for line in proposal.breakdown],
        amount_pence=proposal.amount_pence,
        refund_to_person_pence=proposal.refund_to_person_pence,
        recoverable_pence=proposal.recoverable_pence,
        proposed_on=proposal.proposed_on,
        response_ends_on=proposal.response_ends_on,
        proposed_by=actor,
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_PROPOSED,
        subject=recovery,
        person=audit.person,
        case=audit.case,
        summary=f"Recovery {recovery.reference} proposed on audit {audit.reference}: "
        f"{format_pence(recovery.recoverable_pence)} to recover, {format_pence(recovery.refund_to_person_pence)} "
        f"refunded first; response by {format_date(recovery.response_ends_on)}",
        after={
            "amount_pence": recovery.amount_pence,
            "refund_to_person_pence": recovery.refund_to_person_pence,
            "recoverable_pence": recovery.recoverable_pence,
            "response_ends_on": recovery.response_ends_on,
        },
        extra={"breakdown": recovery.breakdown},
    )
    return recovery


def _audit_basis(audit: AuditCase) -> str:
    return "gross" if audit.schedule and audit.schedule.basis == "gross" else "net"


def _finding_keys(audit: AuditCase) -> list[str]:
    return sorted(Finding.objects.filter(audit=audit).values_list("evidence_key", flat=True))


@transaction.atomic
def recovery_propose_surplus(
    *,
    actor: User,
    audit: AuditCase,
    balance_pence: int,
    weekly_payment_pence: int,
    allowed_weeks: int,
    commitments: Sequence[tuple[str, int]] = (),
    overpaid_contribution_pence: int = 0,
    reasons: Sequence[str],
) -> AuditRecovery:
    """Propose recovering a surplus: the figures, refund-first split and response period from the pure rules."""
    from dp.monitoring.domain.surplus import SurplusPolicy

    audit = _lock(audit)
    today = clock.today()
    proposal = propose_surplus_recovery(
        person=str(audit.person_id),
        basis=_audit_basis(audit),  # type: ignore[arg-type]
        surplus=SurplusRequest(
            balance_pence=balance_pence,
            weekly_payment_pence=weekly_payment_pence,
            policy=SurplusPolicy(allowed_weeks=allowed_weeks),
            commitments=tuple(Commitment(label, amount) for label, amount in commitments),
            overpaid_contribution_pence=overpaid_contribution_pence,
        ),
        reasons=[r for r in reasons if r.strip()],
        finding_keys=_finding_keys(audit),
        proposed_on=today,
        policy=selectors.recovery_policy(today),
    )
    inputs = {
        "balance_pence": balance_pence,
        "weekly_payment_pence": weekly_payment_pence,
        "allowed_weeks": allowed_weeks,
        "commitments": [{"label": label, "amount_pence": amount} for label, amount in commitments],
        "overpaid_contribution_pence": overpaid_contribution_pence,
    }
    return _save_proposal(actor=actor, audit=audit, proposal=proposal, inputs=inputs, today=today)


@transaction.atomic
def recovery_propose_misuse(
    *,
    actor: User,
    audit: AuditCase,
    payments: Sequence[MisusedPayment],
    overpaid_contribution_pence: int = 0,
    reasons: Sequence[str],
) -> AuditRecovery:
    """Propose repayment of payments not used for the needs in the plan (the evidence of the audit's findings)."""
    audit = _lock(audit)
    today = clock.today()
    proposal = propose_misuse_recovery(
        person=str(audit.person_id),
        basis=_audit_basis(audit),  # type: ignore[arg-type]
        payments=payments,
        overpaid_contribution_pence=overpaid_contribution_pence,
        reasons=[r for r in reasons if r.strip()],
        finding_keys=_finding_keys(audit),
        proposed_on=today,
        policy=selectors.recovery_policy(today),
    )
    inputs = {
        "payments": [
            {
                "transaction_id": p.transaction_id,
                "posted_on": p.posted_on.isoformat(),
                "amount_pence": p.amount_pence,
                "description": p.description,
            }
            for p in payments
        ],
        "overpaid_contribution_pence": overpaid_contribution_pence,
    }
    return _save_proposal(actor=actor, audit=audit, proposal=proposal, inputs=inputs, today=today)


def _lock_recovery(recovery: AuditRecovery) -> AuditRecovery:
    locked = AuditRecovery.objects.select_for_update(of=("self",)).select_related(
        "audit__person", "audit__case", "audit__schedule", "audit__account"
    )
    return locked.get(pk=recovery.pk)


@transaction.atomic
def recovery_discussion_record(
    *, actor: User, recovery: AuditRecovery, held_on: dt.date, with_whom: str, summary: str, person_responded: bool
) -> RecoveryDiscussion:
    """Record a conversation about the proposal; the person's response lets the decision come before the period ends."""
    with_whom = _required(with_whom, "with_whom", "Enter who the discussion was with")
    summary = _required(summary, "summary", "Enter what was discussed")
    recovery = _lock_recovery(recovery)
    today = clock.today()
    if held_on > today:
        raise ValidationFailed("The discussion cannot be in the future", field="held_on")
    if held_on < recovery.proposed_on:
        raise ValidationFailed("The discussion cannot be before the recovery was proposed", field="held_on")
    if recovery.decided_on is not None:
        raise TransitionNotAllowed("The recovery has been decided; record further contact as a case note.")
    discussion = RecoveryDiscussion.objects.create(
        recovery=recovery,
        held_on=held_on,
        with_whom=with_whom,
        summary=summary,
        person_responded=person_responded,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    if person_responded and recovery.response_received_on is None:
        recovery.response_received_on = held_on
        recovery.save(update_fields=["response_received_on"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_DISCUSSED,
        subject=recovery,
        person=recovery.audit.person,
        case=recovery.audit.case,
        summary=f"Recovery {recovery.reference}: discussion with {with_whom} on {format_date(held_on)}",
        after={"summary": summary, "person_responded": person_responded},
    )
    return discussion


def _plan(recovery: AuditRecovery, *, method: str, today: dt.date, instalments: int | None) -> RecoveryPlan:
    proposal = _proposal_of(recovery)
    responded = recovery.response_received_on is not None
    if method == Method.INVOICE:
        return decide_by_invoice(
            proposal, decided_on=today, policy=selectors.recovery_policy(today), response_received=responded
        )
    if method == Method.DEDUCTION:
        schedule = recovery.audit.schedule
        if schedule is None or schedule.status != ScheduleStatus.ACTIVE:
            raise ValidationFailed("Deduction needs an active payment schedule", field="method")
        count = instalments or 0
        return decide_by_deduction(
            proposal,
            decided_on=today,
            future_payments=selectors.future_payments(schedule, after_on=today, count=max(count, 1)),
            instalments=count,
            policy=selectors.recovery_policy(today),
            response_received=responded,
        )
    if method == Method.CARD_RECOUP:
        account = recovery.audit.account
        if account is None or account.kind != AccountKind.PREPAID_CARD:
            raise ValidationFailed("Recoup from the card needs a prepaid card account", field="method")
        return decide_by_card_recoup(
            proposal,
            decided_on=today,
            card_account_reference=account.card_account_reference,
            recoup_reference=f"RECOUP-{recovery.reference}",
            response_received=responded,
        )
    raise ValidationFailed("Choose how the money is recovered", field="method")


@transaction.atomic
def recovery_decide(
    *, actor: User, recovery: AuditRecovery, method: str, reasons: str, instalments: int | None = None
) -> AuditRecovery:
    """Decide the recovery and its method, after the response period (or the person's response). Nothing is posted
    until a second person approves."""
    reasons = _required(reasons, "reasons", "Explain the decision, including what the person said")
    recovery = _lock_recovery(recovery)
    audit = _lock(recovery.audit)
    recovery.audit = audit
    today = clock.today()
    plan = _plan(recovery, method=method, today=today, instalments=instalments)
    _move(
        audit,
        AuditStatus.RECOVERY_DECIDED,
        actor=actor,
        today=today,
        note=f"Decided: {Method(method).label.lower()}. {reasons}",
        evidence={"method": method, "recoverable_pence": recovery.recoverable_pence},
        response_ends_on=recovery.response_ends_on,
        response_received=recovery.response_received_on is not None,
    )
    recovery.method = method
    recovery.decided_on = today
    recovery.decided_by = actor
    recovery.decision_reasons = reasons
    recovery.invoice_due_on = plan.invoice_due_on
    recovery.instalments = [
        {"number": i.number, "due_on": i.due_on.isoformat(), "amount_pence": i.amount_pence} for i in plan.instalments
    ]
    if plan.recoup is not None:
        recovery.card_account_reference = plan.recoup.card_account_reference
        recovery.recoup_reference = plan.recoup.recoup_reference
    recovery.save(
        update_fields=[
            "method",
            "decided_on",
            "decided_by",
            "decision_reasons",
            "invoice_due_on",
            "instalments",
            "card_account_reference",
            "recoup_reference",
        ]
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_DECIDED,
        subject=recovery,
        person=audit.person,
        case=audit.case,
        summary=f"Recovery {recovery.reference} decided: {Method(method).label.lower()}, "
        f"{format_pence(recovery.recoverable_pence)}",
        after={"method": method, "decided_on": today, "instalments": recovery.instalments},
    )
    return recovery


@transaction.atomic
def recovery_approve(*, actor: User, recovery: AuditRecovery) -> AuditRecovery:
    """A second person approves the decided recovery and it is posted: the overpaid contribution refunded first, then
    the recovery raised; a deduction is handed to the payment runs. Refused inside the response period."""
    recovery = _lock_recovery(recovery)
    today = clock.today()
    if recovery.decided_on is None:
        raise TransitionNotAllowed("The recovery has not been decided yet.")
    if recovery.approved_at is not None:
        return recovery
    if recovery.audit.status == AuditStatus.REVIEW_REQUESTED:
        raise TransitionNotAllowed("The person has asked for a review: approve once the review has decided.")
    if recovery.review_outcome == ReviewOutcome.OVERTURNED or recovery.audit.status not in (
        AuditStatus.RECOVERY_DECIDED,
        AuditStatus.REVIEW_DECIDED,
        AuditStatus.CLOSED,
    ):
        raise TransitionNotAllowed("Only a decided recovery that was not overturned can be approved.")
    if recovery.decided_by_id == actor.pk:
        raise PermissionDenied("A second person must approve a recovery: you decided this one.")
    if today <= recovery.response_ends_on:
        raise TransitionNotAllowed(
            f"Nothing can be recovered until the person's response period has ended on "
            f"{format_date(recovery.response_ends_on)}."
        )
    person = recovery.audit.person_id
    basis: Basis = "gross" if recovery.basis == "gross" else "net"
    key = f"audit-recovery:{recovery.pk}"
    source = f"audit-recovery:{recovery.pk}"
    # The person's overpaid contribution goes back first, then the council's recovery is raised.
    if recovery.refund_to_person_pence:
        recovery.refund_journal = journal_post(
            draft=build_contribution_refunded(person=person, amount_pence=recovery.refund_to_person_pence, basis=basis),
            posted_on=today,
            source=source,
            idempotency_key=f"{key}:refund",
            actor=actor,
        )
    if recovery.recoverable_pence:
        recovery.raised_journal = journal_post(
            draft=build_recovery_raised(person=person, amount_pence=recovery.recoverable_pence),
            posted_on=today,
            source=source,
            idempotency_key=f"{key}:raised",
            actor=actor,
        )
    if recovery.method == Method.DEDUCTION and recovery.recoverable_pence:
        # After the recovery is raised: each later run takes an instalment and posts the recovery offset.
        recovery.deduction = recovery_deduction_create(
            actor,
            schedule=recovery.audit.schedule,  # type: ignore[arg-type]
            total_pence=recovery.recoverable_pence,
            instalment_pence=max(i["amount_pence"] for i in recovery.instalments),
            reason=f"Recovery {recovery.reference} on audit {recovery.audit.reference}",
            source=source,
        )
    recovery.approved_by = actor
    recovery.approved_at = clock.now()
    recovery.approved_on = today
    recovery.save(
        update_fields=["refund_journal", "raised_journal", "deduction", "approved_by", "approved_at", "approved_on"]
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_APPROVED,
        subject=recovery,
        person=recovery.audit.person,
        case=recovery.audit.case,
        summary=f"Recovery {recovery.reference} approved and posted: {format_pence(recovery.refund_to_person_pence)} "
        f"refunded, {format_pence(recovery.recoverable_pence)} raised",
        after={
            "refund_journal": recovery.refund_journal_id,
            "raised_journal": recovery.raised_journal_id,
            "deduction": recovery.deduction_id,
        },
    )
    return recovery


@transaction.atomic
def recovery_settle(*, actor: User, recovery: AuditRecovery, received_on: dt.date) -> AuditRecovery:
    """The invoice was paid, or the card provider confirmed the recoup: the money is back with the council."""
    recovery = _lock_recovery(recovery)
    today = clock.today()
    if recovery.method not in (Method.INVOICE, Method.CARD_RECOUP):
        raise TransitionNotAllowed("A deduction is settled by the payment runs, one instalment at a time.")
    if recovery.approved_at is None:
        raise TransitionNotAllowed("The recovery has not been approved and posted yet.")
    if recovery.overturn_journal_id:
        raise TransitionNotAllowed("The decision was overturned on review.")
    if received_on > today:
        raise ValidationFailed("The date received cannot be in the future", field="received_on")
    if recovery.approved_on is not None and received_on < recovery.approved_on:
        raise ValidationFailed(
            f"The date received cannot be before the recovery was approved on {format_date(recovery.approved_on)}",
            field="received_on",
        )
    if recovery.received_journal_id:
        return recovery
    # After a deduction moved to an invoice, only what was left is received here (the runs took the rest).
    amount = recovery.invoiced_pence or recovery.recoverable_pence
    recovery.received_journal = journal_post(
        draft=build_recovery_received(person=recovery.audit.person_id, amount_pence=amount),
        posted_on=received_on,
        source=f"audit-recovery:{recovery.pk}",
        idempotency_key=f"audit-recovery:{recovery.pk}:received",
        actor=actor,
    )
    recovery.settled_on = received_on
    recovery.save(update_fields=["received_journal", "settled_on"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_SETTLED,
        subject=recovery,
        person=recovery.audit.person,
        case=recovery.audit.case,
        summary=f"Recovery {recovery.reference}: {format_pence(amount)} received {format_date(received_on)}",
        after={"received_journal": recovery.received_journal_id, "settled_on": received_on},
    )
    return recovery


@transaction.atomic
def recovery_review_request(
    *, actor: User, recovery: AuditRecovery, requested_on: dt.date, reason: str
) -> AuditRecovery:
    """The person asks for a review of the decision (within the council's review period)."""
    reason = _required(reason, "reason", "Enter why the person wants the decision reviewed")
    recovery = _lock_recovery(recovery)
    audit = _lock(recovery.audit)
    recovery.audit = audit
    today = clock.today()
    if requested_on > today:
        raise ValidationFailed("The date cannot be in the future", field="requested_on")
    if recovery.decided_on is not None and requested_on < recovery.decided_on:
        raise ValidationFailed("The date cannot be before the recovery was decided", field="requested_on")
    _move(
        audit,
        AuditStatus.REVIEW_REQUESTED,
        actor=actor,
        today=requested_on,
        note=f"Review asked for on {format_date(requested_on)}: {reason}",
        evidence={"requested_on": requested_on.isoformat(), "reason": reason},
        decided_on=recovery.decided_on,
        review_request_days=selectors.review_days(today),
    )
    recovery.review_requested_on = requested_on
    recovery.review_reason = reason
    recovery.save(update_fields=["review_requested_on", "review_reason"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_REVIEW_REQUESTED,
        subject=recovery,
        person=audit.person,
        case=audit.case,
        summary=f"Review of recovery {recovery.reference} asked for: {reason}",
    )
    return recovery


@transaction.atomic
def recovery_review_decide(*, actor: User, recovery: AuditRecovery, outcome: str, notes: str) -> AuditRecovery:
    """Decide the review (never by the person who decided the recovery). Overturned: a recovery already raised is
    reversed in the ledger and any deduction cancelled; money already received must be repaid by a one-off payment."""
    notes = _required(notes, "notes", "Explain the review's decision")
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed("Choose the review's decision", field="outcome")
    recovery = _lock_recovery(recovery)
    if recovery.decided_by_id == actor.pk:
        raise PermissionDenied("Someone other than the person who decided the recovery must review it.")
    audit = _lock(recovery.audit)
    recovery.audit = audit
    today = clock.today()
    taken = 0
    if outcome == ReviewOutcome.OVERTURNED:
        if recovery.received_journal_id:
            raise TransitionNotAllowed(
                "The money has already been received; repay it with a one-off payment before overturning."
            )
        raised = recovery.raised_journal
        if raised is not None:
            recovery.overturn_journal = journal_reverse(
                journal=raised, posted_on=today, reason=f"Review overturned recovery {recovery.reference}", actor=actor
            )
        if recovery.deduction is not None:
            # What runs already took stays taken (the ledger now shows the council owing it to the person): say how
            # much, so it is repaid by a one-off payment.
            recovery_deduction_cancel(actor, recovery.deduction, f"Review overturned recovery {recovery.reference}")
            taken = recovery_deduction_taken_pence(recovery.deduction)
    repay = (
        f" {format_pence(taken)} already taken from the payments must be repaid to the person "
        "(“Repay the deductions” on the audit: a one-off payment in the next run)."
        if taken
        else ""
    )
    _move(
        audit,
        AuditStatus.REVIEW_DECIDED,
        actor=actor,
        today=today,
        note=f"{ReviewOutcome(outcome).label}. {notes}{repay}",
        evidence={"outcome": outcome, "overturn_journal": recovery.overturn_journal_id, "taken_pence": taken},
    )
    recovery.review_outcome = outcome
    recovery.review_notes = notes
    recovery.review_decided_by = actor
    recovery.review_decided_on = today
    recovery.deductions_taken_pence = taken
    recovery.save(
        update_fields=[
            "review_outcome",
            "review_notes",
            "review_decided_by",
            "review_decided_on",
            "overturn_journal",
            "deductions_taken_pence",
        ]
    )
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_REVIEW_DECIDED,
        subject=recovery,
        person=audit.person,
        case=audit.case,
        summary=f"Review of recovery {recovery.reference}: {ReviewOutcome(outcome).label.lower()}.{repay}",
        after={"outcome": outcome, "taken_pence": taken},
    )
    return recovery


def deductions_to_repay(recovery: AuditRecovery) -> tuple[int, str]:
    """What is to be repaid now for a recovery overturned after deductions, or why nothing can be (in words)."""
    if recovery.review_outcome != ReviewOutcome.OVERTURNED or recovery.deduction is None:
        return 0, "Only deductions taken for a recovery that a review overturned are repaid here."
    if recovery.repaid_pence is not None:
        return 0, f"The deductions were repaid on {format_date(timezone.localdate(recovery.repaid_at))}."
    live = recovery_deduction_taken_in_live_runs(recovery.deduction)
    if live:
        return 0, (
            f"A payment run not yet sent has taken {format_pence(live)}. Repay once it has been sent "
            "(or cancelled, which gives it back by itself)."
        )
    taken = recovery_deduction_taken_pence(recovery.deduction)
    if not taken:
        return 0, "Nothing was taken from the payments, so there is nothing to repay."
    return taken, ""


@transaction.atomic
def recovery_repay_deductions(*, actor: User, recovery: AuditRecovery) -> AuditRecovery:
    """Repay what the payment runs took for a recovery that a review then overturned: a one-off payment to the
    person in the next run (`payments.services.repayment_add`, source `audit-recovery:<id>:repay`) and the journal
    clearing what the council owed back (`build_deductions_repaid`, idempotency key `audit-recovery:<id>:repaid`).
    Exactly once: asking again changes nothing."""
    recovery = _lock_recovery(recovery)
    if recovery.repaid_pence is not None:
        return recovery
    amount, refusal = deductions_to_repay(recovery)
    if refusal:
        raise TransitionNotAllowed(refusal)
    deduction = recovery.deduction
    assert deduction is not None  # deductions_to_repay refuses without one
    key = f"audit-recovery:{recovery.pk}"
    recovery.repayment = repayment_add(
        actor=actor,
        schedule=deduction.schedule,
        amount_pence=amount,
        description=f"Repayment of deductions for overturned recovery {recovery.reference}",
        source=f"{key}:repay",
    )
    recovery.repaid_journal = journal_post(
        draft=build_deductions_repaid(person=recovery.audit.person_id, amount_pence=amount),
        posted_on=clock.today(),
        source=key,
        idempotency_key=f"{key}:repaid",
        actor=actor,
    )
    recovery.repaid_pence = amount
    recovery.repaid_by = actor
    recovery.repaid_at = clock.now()
    recovery.save(update_fields=["repayment", "repaid_journal", "repaid_pence", "repaid_by", "repaid_at"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.DEDUCTIONS_REPAID,
        subject=recovery,
        person=recovery.audit.person,
        case=recovery.audit.case,
        summary=f"Recovery {recovery.reference} was overturned: {format_pence(amount)} taken from the payments is "
        "repaid in the next payment run",
        after={
            "repaid_pence": amount,
            "repayment": recovery.repayment.pk,
            "repaid_journal": recovery.repaid_journal.pk,
        },
    )
    return recovery


def rest_to_invoice(recovery: AuditRecovery) -> tuple[int, str]:
    """What is left to recover of a deduction whose direct payment ended, or why it cannot be invoiced (in words)."""
    deduction = recovery.deduction
    if recovery.method != Method.DEDUCTION or deduction is None:
        return 0, "Only a recovery by deduction from the payments can be moved to an invoice."
    if deduction.status != RecoveryDeductionStatus.ACTIVE or recovery.review_outcome == ReviewOutcome.OVERTURNED:
        return 0, "The deduction was stopped: there is nothing left to recover."
    if deduction.schedule.status != ScheduleStatus.ENDED:
        return 0, "The direct payment is still running, so the payment runs are taking the instalments."
    live = recovery_deduction_taken_in_live_runs(deduction)
    if live:
        return 0, f"A payment run not yet sent has taken {format_pence(live)}. Move the rest once it has been sent."
    left = deduction.total_pence - recovery_deduction_taken_pence(deduction)
    if left <= 0:
        return 0, "The payments have already taken it all."
    return left, ""


@transaction.atomic
def recovery_rest_by_invoice(*, actor: User, recovery: AuditRecovery) -> AuditRecovery:
    """The direct payment ended before its deduction was all taken: stop the deduction and recover what is left by
    invoice (due in the council's invoice days). The recovery stays raised in the ledger; `recovery_settle` records
    the invoice paid (`build_recovery_received` for what was invoiced)."""
    recovery = _lock_recovery(recovery)
    left, refusal = rest_to_invoice(recovery)
    if refusal:
        raise TransitionNotAllowed(refusal)
    deduction = recovery.deduction
    assert deduction is not None  # rest_to_invoice refuses without one
    today = clock.today()
    recovery_deduction_cancel(
        actor,
        deduction,
        f"The direct payment ended with {format_pence(left)} still to recover: recovered by invoice instead "
        f"(recovery {recovery.reference})",
    )
    recovery.method = Method.INVOICE
    recovery.invoiced_pence = left
    recovery.invoice_due_on = today + dt.timedelta(days=selectors.recovery_policy(today).invoice_days)
    recovery.save(update_fields=["method", "invoiced_pence", "invoice_due_on"])
    audit_event_record(
        actor=actor,
        event_type=AuditEventType.RECOVERY_DECIDED,
        subject=recovery,
        person=recovery.audit.person,
        case=recovery.audit.case,
        summary=f"Recovery {recovery.reference}: the direct payment ended with {format_pence(left)} not yet taken "
        f"from the payments; invoiced, due {format_date(recovery.invoice_due_on)}",
        before={"method": Method.DEDUCTION},
        after={"method": Method.INVOICE, "invoiced_pence": left, "invoice_due_on": recovery.invoice_due_on},
    )
    return recovery


# -- the monitoring sweep --------------------------------------------------------------------------------


def monitoring_sweep(*, actor: User | None, as_of: dt.date, workers: int = 1) -> Any:
    """Run every rule over every account with a running direct payment and write the new findings (ON CONFLICT DO
    NOTHING: the same evidence never raises twice; a dismissed finding stays dismissed; an open surplus finding whose
    figures changed is superseded, see `sweep.py`). Raises PolicyMissing, in
    plain English, when a threshold is not set. Records one audit event with the figures."""
    from dp.audits.sweep import run_sweep
    from dp.councils.selectors import council_get

    thresholds = selectors.monitoring_thresholds(as_of)
    result = run_sweep(as_of=as_of, thresholds=thresholds, workers=workers)
    council = council_get()
    if council is not None:
        with transaction.atomic():
            audit_event_record(
                actor=actor,
                event_type=AuditEventType.SWEEP_RUN,
                subject=council,
                person=None,
                summary=f"Automated checks as of {format_date(as_of)}: {result.accounts} accounts, "
                f"{result.evaluated} looked at closely, {result.raised} new findings, {result.superseded} out of date",
                after={
                    "accounts": result.accounts,
                    "evaluated": result.evaluated,
                    "raised": result.raised,
                    "superseded": result.superseded,
                },
                extra={"skipped": result.skipped, "as_of": as_of},
            )
    return result
