"""Demo data for findings, audits and recovery (runs after `dp.monitoring.demo`, so statement lines exist).

- the council's audit, recovery and monitoring policy;
- the monitoring sweep as of the demo's day (whatever the statements show; nothing if there are none);
- audits in every state, and recoveries in every state (proposed and waiting for the person, waiting for a
  decision, decided and waiting for a second person, posted by invoice and paid, by deduction from the
  payments, from the card, under review, upheld, overturned), dated in the past so the response periods
  have run their course. The rows are the ones the services write (steps, journals with the same
  idempotency keys, audit events); dates in the past are why they are written here directly.
- through the services (so their audit events are the real ones): a recovery by deduction whose direct
  payment then ended before anything was taken, the rest moved to an invoice (`schedule_end`,
  `recovery_rest_by_invoice`); and a direct payment ended ten days ago with no audit since, so its final
  audit is on the audits due list;
- a recovery by deduction whose instalment a sent payment run took (the payments demo writes that taking in its
  history, `AUDIT_DEDUCTION_SOURCE`: the history is written before any audit exists; here it is linked to the
  recovery as `recovery_deduction_create` would have made it), then overturned on review and the deductions repaid,
  through the services (`recovery_review_decide`, `recovery_repay_deductions`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from dp.audit_log.models import EventType
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
from dp.core.domain.breakdown import format_date
from dp.core.money import allocate, format_pence
from dp.councils.models import PolicyValue
from dp.ledger.services import journal_post
from dp.monitoring.domain.recovery import MisusedPayment, RecoveryPolicy, propose_misuse_recovery
from dp.payments.constants import AccountKind, ScheduleStatus
from dp.payments.domain.ledger import build_recovery_raised, build_recovery_received
from dp.payments.models import PaymentSchedule

POLICY: dict[str, Any] = {
    "audit_initial_check_weeks": 12,
    "audit_interval_months": 12,
    "audit_open_finding_days": 28,
    "audit_full_open_findings": 3,
    "audit_information_days": 28,
    "audit_final_days": 56,
    "audit_statement_max_age_days": 45,
    "recovery_response_days": 14,
    "recovery_invoice_days": 30,
    "recovery_review_days": 28,
    "recovery_max_deduction_percent": 25,
    "monitoring_prohibited_gambling": True,
    "monitoring_prohibited_alcohol": True,
    "monitoring_prohibited_tobacco": True,
    "monitoring_prohibited_adult_services": True,
    "monitoring_prohibited_cash_equivalent": False,
    "monitoring_cash_policy": "limited",
    "monitoring_cash_limit_pence": 20000,
    "monitoring_cash_period_days": 28,
    "monitoring_cash_receipt_days": 14,
    "monitoring_contribution_arrears_weeks": 4,
    "monitoring_no_spend_weeks": 8,
    "monitoring_line_overspend_percent": 10,
    "monitoring_duplicate_payment_days": 3,
    "surplus_allowed_weeks": 8,
    "surplus_minimum_weeks": 2,
}

#: The stories: where each audit got to, and (for recoveries) how far the recovery went.
STORIES: list[tuple[str, str | None]] = [
    (AuditStatus.OPENED, None),
    (AuditStatus.INFORMATION_REQUESTED, None),
    (AuditStatus.INFORMATION_RECEIVED, None),
    (AuditStatus.NO_ACTION, None),
    (AuditStatus.ADVICE_AND_SUPPORT, None),
    (AuditStatus.SUSPENSION, None),
    (AuditStatus.ENDING, None),
    (AuditStatus.SAFEGUARDING_REFERRAL, None),
    (AuditStatus.RECOVERY_PROPOSED, "waiting"),
    (AuditStatus.RECOVERY_PROPOSED, "period_over"),
    (AuditStatus.RECOVERY_DECIDED, "awaiting_approval"),
    (AuditStatus.RECOVERY_DECIDED, "invoice_posted"),
    (AuditStatus.CLOSED, "invoice_paid"),
    (AuditStatus.RECOVERY_DECIDED, "deduction"),
    (AuditStatus.RECOVERY_DECIDED, "ended_invoiced"),
    (AuditStatus.RECOVERY_DECIDED, "card_recoup"),
    (AuditStatus.REVIEW_REQUESTED, "review"),
    (AuditStatus.REVIEW_DECIDED, "upheld"),
    (AuditStatus.REVIEW_DECIDED, "overturned"),
    (AuditStatus.REVIEW_REQUESTED, "overturned_repaid"),  # the services decide the review and repay
]

PATHS: dict[str, list[str]] = {
    AuditStatus.OPENED: [],
    AuditStatus.INFORMATION_REQUESTED: [AuditStatus.INFORMATION_REQUESTED],
    AuditStatus.INFORMATION_RECEIVED: [AuditStatus.INFORMATION_REQUESTED, AuditStatus.INFORMATION_RECEIVED],
    AuditStatus.NO_ACTION: [AuditStatus.INFORMATION_REQUESTED, AuditStatus.INFORMATION_RECEIVED, AuditStatus.NO_ACTION],
    AuditStatus.ADVICE_AND_SUPPORT: [AuditStatus.ADVICE_AND_SUPPORT],
    AuditStatus.SUSPENSION: [AuditStatus.INFORMATION_REQUESTED, AuditStatus.SUSPENSION],
    AuditStatus.ENDING: [
        AuditStatus.INFORMATION_REQUESTED,
        AuditStatus.INFORMATION_RECEIVED,
        AuditStatus.ENDING,
    ],
    AuditStatus.SAFEGUARDING_REFERRAL: [AuditStatus.SAFEGUARDING_REFERRAL],
}

NOTES: dict[str, str] = {
    AuditStatus.INFORMATION_REQUESTED: "Records asked for: card statements, receipts for cash, PA timesheets.",
    AuditStatus.INFORMATION_RECEIVED: "Three months of statements and the PA's timesheets received.",
    AuditStatus.NO_ACTION: "Everything explained by the records: no action.",
    AuditStatus.ADVICE_AND_SUPPORT: "Talked through keeping receipts; a support organisation will help with payroll.",
    AuditStatus.SUSPENSION: "No records after two reminders: payments suspended until they are sent.",
    AuditStatus.ENDING: "The person would like the council to arrange their care instead.",
    AuditStatus.SAFEGUARDING_REFERRAL: "Cash taken out by a relative who holds the card: passed to the social worker.",
    AuditStatus.RECOVERY_PROPOSED: "Recovery proposed.",
    AuditStatus.RECOVERY_DECIDED: "Recovery decided.",
    AuditStatus.REVIEW_REQUESTED: "The person asked for a review of the decision.",
    AuditStatus.REVIEW_DECIDED: "Review decided.",
    AuditStatus.CLOSED: "Recovered in full: audit closed.",
}


def step_audit_policy(ctx: Any) -> None:
    assert ctx.council is not None
    since = ctx.today - dt.timedelta(days=900)
    have = set(PolicyValue.objects.filter(council=ctx.council).values_list("key", flat=True))
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=ctx.council,
                key=key,
                value=value,
                effective_from=since,
                set_at=ctx.moment(since - dt.timedelta(days=14)),
                reason="Monitoring and audit policy agreed by the council's cabinet",
            )
            for key, value in POLICY.items()
            if key not in have
        ]
    )


def step_findings(ctx: Any) -> None:
    """The automated checks as of the demo's day, over whatever statements the monitoring demo loaded."""
    from dp.audits.selectors import monitoring_thresholds
    from dp.audits.sweep import evaluate_range, persist

    findings, _ = evaluate_range(as_of=ctx.today, thresholds=monitoring_thresholds(ctx.today))
    persist(findings)


def _step(ctx: Any, audit: AuditCase, before: str, after: str, on: dt.date, by: Any, note: str) -> None:
    at = ctx.moment(on)
    AuditStep.objects.create(audit=audit, from_status=before, to_status=after, occurred_at=at, by=by, note=note)
    ctx.event(
        event_type=AuditEventType.AUDIT_MOVED if before else AuditEventType.AUDIT_OPENED,  # type: ignore[arg-type]
        subject=audit,
        at=at,
        actor=by,
        person=audit.person,
        case=audit.case,
        summary=f"Audit {audit.reference}: {AuditStatus(after).label}. {note}"[:300],
        data={"before": {"status": before}, "after": {"status": after}},
    )


def _misused(ctx: Any, audit: AuditCase, opened_on: dt.date) -> list[MisusedPayment]:
    payments = []
    for finding in audit.findings.all():
        for item in finding.evidence:
            if str(item.get("ref", "")).startswith("transaction:") and (item.get("amount_pence") or 0) < 0:
                payments.append(
                    MisusedPayment(
                        transaction_id=item["ref"].split(":", 1)[1],
                        posted_on=dt.date.fromisoformat(item["on"]),
                        amount_pence=-item["amount_pence"],
                        description=item["note"].split(",")[0],
                    )
                )
    unique = {p.transaction_id: p for p in payments}
    if unique:
        return list(unique.values())[:3]
    return [
        MisusedPayment(
            transaction_id=f"demo-{audit.pk}",
            posted_on=opened_on - dt.timedelta(days=20),
            amount_pence=ctx.rng.choice([4500, 8000, 12500, 30000]),
            description=ctx.rng.choice(["Lucky Bet", "The Red Lion", "Holiday deposit"]),
        )
    ]


def _recovery(ctx: Any, audit: AuditCase, stage: str, proposed_on: dt.date, auditor: Any, approver: Any) -> None:
    policy = RecoveryPolicy(response_days=14, invoice_days=30)
    proposal = propose_misuse_recovery(
        person=str(audit.person_id),
        basis="net",
        payments=_misused(ctx, audit, proposed_on),
        overpaid_contribution_pence=0,
        reasons=[
            "Some of the money was spent on things the direct payment agreement does not allow, and was not used "
            "for the needs in the support plan."
        ],
        finding_keys=sorted(audit.findings.values_list("evidence_key", flat=True)),
        proposed_on=proposed_on,
        policy=policy,
    )
    recovery = AuditRecovery.objects.create(
        audit=audit,
        ground=proposal.ground,
        basis=proposal.basis,
        reasons=list(proposal.reasons),
        finding_keys=list(proposal.finding_keys),
        inputs={"payments": [p.transaction_id for p in _misused(ctx, audit, proposed_on)]},
        breakdown=[line.as_dict() for line in proposal.breakdown],
        amount_pence=proposal.amount_pence,
        refund_to_person_pence=proposal.refund_to_person_pence,
        recoverable_pence=proposal.recoverable_pence,
        proposed_on=proposed_on,
        response_ends_on=proposal.response_ends_on,
        proposed_by=auditor,
    )
    ctx.event(
        event_type=AuditEventType.RECOVERY_PROPOSED,  # type: ignore[arg-type]
        subject=recovery,
        at=ctx.moment(proposed_on),
        actor=auditor,
        person=audit.person,
        case=audit.case,
        summary=f"Recovery {recovery.reference} proposed: {format_pence(recovery.recoverable_pence)}; response by "
        f"{format_date(recovery.response_ends_on)}",
    )
    if stage in ("waiting", "period_over"):
        return
    talked_on = proposed_on + dt.timedelta(days=7)
    RecoveryDiscussion.objects.create(
        recovery=recovery,
        held_on=talked_on,
        with_whom="The person and their sister, at home",
        summary="They accept the spending was not in the plan and asked to repay in small amounts.",
        person_responded=True,
        recorded_by=auditor,
        recorded_at=ctx.moment(talked_on),
    )
    recovery.response_received_on = talked_on
    decided_on = proposal.response_ends_on + dt.timedelta(days=1)
    method = {
        "deduction": Method.DEDUCTION,
        "ended_invoiced": Method.DEDUCTION,
        "overturned_repaid": Method.DEDUCTION,
        "card_recoup": Method.CARD_RECOUP,
    }.get(stage, Method.INVOICE)
    if method == Method.CARD_RECOUP and (audit.account is None or audit.account.kind != AccountKind.PREPAID_CARD):
        method = Method.INVOICE
    recovery.method = method
    recovery.decided_on = decided_on
    recovery.decided_by = auditor
    recovery.decision_reasons = "The person agreed the figures; the money was not spent on their care."
    if method == Method.INVOICE:
        recovery.invoice_due_on = decided_on + dt.timedelta(days=30)
    if method == Method.DEDUCTION:
        parts = allocate(recovery.recoverable_pence, [1, 1, 1])
        recovery.instalments = [
            {"number": i + 1, "due_on": (ctx.today + dt.timedelta(weeks=4 * (i + 1))).isoformat(), "amount_pence": p}
            for i, p in enumerate(parts)
        ]
    if method == Method.CARD_RECOUP:
        recovery.card_account_reference = audit.account.card_account_reference  # type: ignore[union-attr]
        recovery.recoup_reference = f"RECOUP-{recovery.reference}"
    _step(ctx, audit, AuditStatus.RECOVERY_PROPOSED, AuditStatus.RECOVERY_DECIDED, decided_on, auditor, "Decided.")
    if stage != "awaiting_approval":
        approved_on = decided_on + dt.timedelta(days=1)
        key = f"audit-recovery:{recovery.pk}"
        recovery.raised_journal = journal_post(
            draft=build_recovery_raised(person=audit.person_id, amount_pence=recovery.recoverable_pence),
            posted_on=approved_on,
            source=key,
            idempotency_key=f"{key}:raised",
            actor=approver,
        )
        recovery.approved_by = approver
        recovery.approved_at = ctx.moment(approved_on)
        recovery.approved_on = approved_on
        taken = _deduction_taken(audit) if stage == "overturned_repaid" else None
        if taken is not None:
            # Made when the recovery was approved, before the run that took an instalment of it.
            taken.total_pence = max(recovery.recoverable_pence, taken.total_pence)
            taken.instalment_pence = taken.total_pence
            taken.reason = f"Recovery {recovery.reference} on audit {audit.reference}"
            taken.source = key
            taken.created_by = approver
            taken.created_at = ctx.moment(approved_on)
            taken.save()
            recovery.deduction = taken
        elif method == Method.DEDUCTION and audit.schedule and audit.schedule.status == ScheduleStatus.ACTIVE:
            from dp.payments.services import recovery_deduction_create

            recovery.deduction = recovery_deduction_create(
                approver,
                schedule=audit.schedule,
                total_pence=recovery.recoverable_pence,
                instalment_pence=max(i["amount_pence"] for i in recovery.instalments),
                reason=f"Recovery {recovery.reference} on audit {audit.reference}",
                source=key,
            )
        ctx.event(
            event_type=AuditEventType.RECOVERY_APPROVED,  # type: ignore[arg-type]
            subject=recovery,
            at=ctx.moment(approved_on),
            actor=approver,
            person=audit.person,
            case=audit.case,
            summary=f"Recovery {recovery.reference} approved and posted",
        )
        if stage == "ended_invoiced" and recovery.deduction is not None:
            _ended_before_deducted(ctx, recovery)
            return
        if stage == "invoice_paid":
            paid_on = approved_on + dt.timedelta(days=20)
            recovery.received_journal = journal_post(
                draft=build_recovery_received(person=audit.person_id, amount_pence=recovery.recoverable_pence),
                posted_on=paid_on,
                source=key,
                idempotency_key=f"{key}:received",
                actor=approver,
            )
            recovery.settled_on = paid_on
            _step(ctx, audit, AuditStatus.RECOVERY_DECIDED, AuditStatus.CLOSED, paid_on, approver, NOTES["closed"])
            audit.finished_on = paid_on
            audit.save(update_fields=["finished_on"])
        if stage in ("review", "upheld", "overturned", "overturned_repaid"):
            asked_on = approved_on + dt.timedelta(days=5)
            recovery.review_requested_on = asked_on
            recovery.review_reason = "The person says the shop refunded one of the payments."
            _step(ctx, audit, AuditStatus.RECOVERY_DECIDED, AuditStatus.REVIEW_REQUESTED, asked_on, auditor, "Review.")
            if stage in ("upheld", "overturned"):
                reviewed_on = asked_on + dt.timedelta(days=10)
                recovery.review_outcome = ReviewOutcome.UPHELD if stage == "upheld" else ReviewOutcome.OVERTURNED
                recovery.review_notes = (
                    "No refund shows on the statements." if stage == "upheld" else "The refund is on the statement."
                )
                recovery.review_decided_by = approver
                recovery.review_decided_on = reviewed_on
                if stage == "overturned":
                    from dp.ledger.services import journal_reverse

                    recovery.overturn_journal = journal_reverse(
                        journal=recovery.raised_journal,
                        posted_on=reviewed_on,
                        reason=f"Review overturned recovery {recovery.reference}",
                        actor=approver,
                    )
                _step(
                    ctx,
                    audit,
                    AuditStatus.REVIEW_REQUESTED,
                    AuditStatus.REVIEW_DECIDED,
                    reviewed_on,
                    approver,
                    recovery.review_notes,
                )
    recovery.save()
    if stage == "overturned_repaid" and recovery.deduction is not None:
        _overturned_and_repaid(recovery, approver)


def _deduction_taken(audit: AuditCase) -> Any:
    """The payments demo's deduction a sent run took an instalment of, if it is on this audit's direct payment."""
    from dp.payments.demo import AUDIT_DEDUCTION_SOURCE
    from dp.payments.models import RecoveryDeduction

    return RecoveryDeduction.objects.filter(source=AUDIT_DEDUCTION_SOURCE, schedule=audit.schedule).first()


def _overturned_and_repaid(recovery: AuditRecovery, approver: Any) -> None:
    """Today the review overturns the recovery (the raised journal reversed, the deduction stopped, what the run took
    recorded) and the team manager repays what was taken: a one-off payment in the next run."""
    from dp.audits.services import recovery_repay_deductions, recovery_review_decide

    recovery = recovery_review_decide(
        actor=approver,
        recovery=recovery,
        outcome=ReviewOutcome.OVERTURNED,
        notes="The shop's refund is on the statement: the money was not misused.",
    )
    if recovery.deductions_taken_pence:
        recovery_repay_deductions(actor=approver, recovery=recovery)


def _ended_before_deducted(ctx: Any, recovery: AuditRecovery) -> None:
    """The direct payment ends before any run took an instalment: the payments officer ends it and the auditor
    moves what is left of the deduction to an invoice."""
    from dp.audits.services import recovery_rest_by_invoice
    from dp.payments.services import schedule_end

    recovery.save()
    schedule = recovery.audit.schedule
    assert schedule is not None
    schedule_end(
        actor=ctx.staff.get("payments.officer"),
        schedule=schedule,
        last_day_on=ctx.today - dt.timedelta(days=3),
        reason="The person moved into a care home that the council arranges",
    )
    recovery_rest_by_invoice(actor=ctx.staff.get("auditor"), recovery=recovery)


def _place_deduction_taken(schedules: list[PaymentSchedule]) -> dt.date | None:
    """Move the direct payment whose sent run took the payments demo's audit deduction to the "overturned_repaid"
    story's place; the day that run paid, or None (no such deduction, or too few direct payments for the story)."""
    from dp.payments.demo import AUDIT_DEDUCTION_SOURCE
    from dp.payments.models import RecoveryDeductionTaken

    taking = (
        RecoveryDeductionTaken.objects.filter(deduction__source=AUDIT_DEDUCTION_SOURCE)
        .select_related("payment", "deduction")
        .first()
    )
    place = STORIES.index((AuditStatus.REVIEW_REQUESTED, "overturned_repaid"))
    at = next((i for i, s in enumerate(schedules) if taking and s.pk == taking.deduction.schedule_id), None)
    if taking is None or at is None or len(schedules) <= place:
        return None
    schedules.insert(place, schedules.pop(at))
    return taking.payment.pay_on


def step_final_audit_due(ctx: Any) -> None:
    """A direct payment ended ten days ago (the person moved away), its person with no audit yet and no other
    direct payment: its final audit is due within the council's `audit_final_days`."""
    from dp.payments.services import schedule_end

    audited = AuditCase.objects.values_list("person_id", flat=True)
    schedule = (
        PaymentSchedule.objects.filter(status=ScheduleStatus.ACTIVE, account__isnull=False, payments__isnull=False)
        .exclude(person_id__in=audited)
        .annotate(direct_payments=Count("person__payment_schedules", distinct=True))
        .filter(direct_payments=1)
        .order_by("-pk")
        .first()
    )
    if schedule is None:
        return
    schedule_end(
        actor=ctx.staff.get("payments.officer"),
        schedule=schedule,
        last_day_on=ctx.today - dt.timedelta(days=10),
        reason="The person moved to live with family outside Northmoor",
    )


def step_audits(ctx: Any) -> None:
    auditor = ctx.staff.get("auditor")
    approver = ctx.staff.get("team.manager")
    if auditor is None or approver is None:
        return
    schedules = list(
        PaymentSchedule.objects.filter(status=ScheduleStatus.ACTIVE, account__isnull=False)
        .select_related("person", "case", "account")
        .order_by("pk")
    )
    if not schedules:
        return
    with_findings = set(Finding.objects.filter(status=FindingStatus.OPEN).values_list("person_id", flat=True))
    schedules.sort(key=lambda s: (s.person_id not in with_findings, s.pk))
    taken_on = _place_deduction_taken(schedules)
    for (target, stage), schedule in zip(STORIES, schedules, strict=False):
        opened_on = ctx.today - dt.timedelta(days=ctx.rng.randint(70, 110) if stage else ctx.rng.randint(5, 40))
        if stage == "overturned_repaid" and taken_on is not None:
            opened_on = taken_on - dt.timedelta(days=40)  # approved a week before the run took the instalment
        findings = list(Finding.objects.filter(person_id=schedule.person_id, status=FindingStatus.OPEN))
        audit = AuditCase.objects.create(
            person=schedule.person,
            case=schedule.case,
            account=schedule.account,
            schedule=schedule,
            tier=Tier.FULL if findings or stage else Tier.LIGHT_TOUCH,
            source=AuditSource.FINDING if findings else AuditSource.SCHEDULE,
            reasons=(
                f"Opened from {len(findings)} finding(s) from the automated checks."
                if findings
                else "Regular audit: 12 months after the first payment."
            ),
            opened_on=opened_on,
            opened_at=ctx.moment(opened_on),
            opened_by=auditor,
        )
        Finding.objects.filter(pk__in=[f.pk for f in findings]).update(status=FindingStatus.IN_AUDIT, audit=audit)
        _step(ctx, audit, "", AuditStatus.OPENED, opened_on, auditor, audit.reasons)
        path = PATHS.get(target, [AuditStatus.INFORMATION_REQUESTED, AuditStatus.INFORMATION_RECEIVED])
        status, on = AuditStatus.OPENED.value, opened_on
        for after in path:
            on = on + dt.timedelta(days=7)
            _step(ctx, audit, status, after, on, auditor, NOTES[after])
            status = after
        if status == AuditStatus.INFORMATION_REQUESTED or AuditStatus.INFORMATION_REQUESTED in path:
            audit.information_requested = NOTES[AuditStatus.INFORMATION_REQUESTED]
            audit.information_due_on = opened_on + dt.timedelta(days=35)
        if AuditStatus.INFORMATION_RECEIVED in path:
            audit.information_received_on = opened_on + dt.timedelta(days=14)
            audit.information_summary = NOTES[AuditStatus.INFORMATION_RECEIVED]
        if stage:
            proposed_on = ctx.today - dt.timedelta(days=3) if stage == "waiting" else on + dt.timedelta(days=3)
            _step(ctx, audit, status, AuditStatus.RECOVERY_PROPOSED, proposed_on, auditor, "Recovery proposed.")
            status = target
            audit.status = status
            audit.save()
            _recovery(ctx, audit, stage, proposed_on, auditor, approver)
            audit.refresh_from_db()
            continue
        audit.status = status
        if status in (
            AuditStatus.NO_ACTION,
            AuditStatus.ADVICE_AND_SUPPORT,
        ):
            audit.finished_on = on
            Finding.objects.filter(audit=audit).update(status=FindingStatus.RESOLVED)
        if status in SIMPLE_OUTCOMES:
            audit.outcome_notes = NOTES[status]
        if status == AuditStatus.SUSPENSION and schedule.status == ScheduleStatus.ACTIVE:
            from dp.payments.services import schedule_suspend

            schedule_suspend(actor=auditor, schedule=schedule, reason=f"Audit {audit.reference}: {NOTES[status]}")
        if status == AuditStatus.SAFEGUARDING_REFERRAL:
            from dp.cases.models import CaseNote

            note = CaseNote.objects.create(
                case=audit.case,
                author=auditor,
                written_at=ctx.moment(on),
                text=f"Safeguarding concern from direct payment audit {audit.reference}, for the social worker: "
                f"{NOTES[status]}",
            )
            ctx.event(
                event_type=EventType.CASE_NOTE_ADDED,
                subject=note,
                at=note.written_at,
                actor=auditor,
                person=audit.person,
                case=audit.case,
                summary=f"Note: {note.text[:200]}",
            )
        audit.save()


STEPS = [step_audit_policy, step_findings, step_audits, step_final_audit_due]
