"""State-named helpers for the audits tests: the council's audit and recovery policy, findings, and audits in
each state, made through the services so every row is one the system would write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dp.audits import services
from dp.audits.models import AuditCase, AuditRecovery, Finding
from dp.councils.models import Council, PolicyValue
from dp.monitoring.domain.rules import EvidenceItem
from dp.monitoring.domain.rules import Finding as RuleFinding
from dp.payments.models import PaymentSchedule

AUDIT_POLICY: dict[str, Any] = {
    "audit_initial_check_weeks": 12,
    "audit_interval_months": 12,
    "audit_open_finding_days": 28,
    "audit_full_open_findings": 2,
    "audit_information_days": 28,
    "recovery_response_days": 14,
    "recovery_invoice_days": 30,
    "recovery_review_days": 28,
}


def set_audit_policy(council: Council, **overrides: Any) -> None:
    values = {**AUDIT_POLICY, **overrides}
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=council,
                key=key,
                value=value,
                effective_from=dt.date(2020, 1, 1),
                set_at=timezone.now(),
                reason="Test policy",
            )
            for key, value in values.items()
        ]
    )


def finding_on(
    schedule: PaymentSchedule,
    *,
    code: str = "DP-PROHIBITED-SPEND",
    amount_pence: int = 4500,
    ref: str = "transaction:t1",
    on: dt.date | None = None,
    severity: str = "high",
) -> Finding:
    """An open finding on the schedule's account, as the sweep would write it."""
    on = on or timezone.localdate() - dt.timedelta(days=10)
    rule_finding = RuleFinding(
        code=code,
        title="Spending the council's policy does not allow",
        severity=severity,  # type: ignore[arg-type]
        explanation="1 payment (£45.00) was for things the council's direct payment policy does not allow: "
        "Gambling (1).",
        evidence=(EvidenceItem(ref=ref, note="Lucky Bet, £45.00: Gambling", on=on, amount_pence=-amount_pence),),
        amount_pence=amount_pence,
    )
    return Finding.objects.create(
        code=rule_finding.code,
        title=rule_finding.title,
        severity=rule_finding.severity,
        explanation=rule_finding.explanation,
        evidence=[
            {"ref": e.ref, "note": e.note, "on": e.on.isoformat() if e.on else None, "amount_pence": e.amount_pence}
            for e in rule_finding.evidence
        ],
        evidence_key=rule_finding.evidence_key,
        amount_pence=amount_pence,
        account=schedule.account,
        person=schedule.person,
        raised_on=on,
        raised_at=timezone.now(),
    )


def opened_audit(schedule: PaymentSchedule, *, by: Any, finding: Finding | None = None) -> AuditCase:
    finding = finding or finding_on(schedule)
    return services.audit_open_from_finding(actor=by, finding=finding)


def received_audit(schedule: PaymentSchedule, *, by: Any) -> AuditCase:
    audit = opened_audit(schedule, by=by)
    services.audit_request_information(actor=by, audit=audit, requested="Receipts and bank statements")
    return services.audit_record_received(
        actor=by, audit=audit, received_on=timezone.localdate(), summary="Statements for three months"
    )


def proposed_recovery(schedule: PaymentSchedule, *, by: Any, overpaid_contribution_pence: int = 0) -> AuditRecovery:
    """A misuse recovery of £45.00 (the gambling payment), proposed today."""
    from dp.monitoring.domain.recovery import MisusedPayment

    audit = received_audit(schedule, by=by)
    return services.recovery_propose_misuse(
        actor=by,
        audit=audit,
        payments=[
            MisusedPayment(
                transaction_id="t1",
                posted_on=timezone.localdate() - dt.timedelta(days=10),
                amount_pence=4500,
                description="Lucky Bet",
            )
        ],
        overpaid_contribution_pence=overpaid_contribution_pence,
        reasons=["£45.00 was spent at a betting shop, which the direct payment agreement does not allow."],
    )


#: Monitoring thresholds for tests (the council's policy values).
THRESHOLDS = {
    "monitoring_prohibited_gambling": True,
    "monitoring_prohibited_alcohol": True,
    "monitoring_prohibited_tobacco": True,
    "monitoring_prohibited_adult_services": True,
    "monitoring_prohibited_cash_equivalent": False,
    "monitoring_cash_policy": "limited",
    "monitoring_cash_limit_pence": 10000,
    "monitoring_cash_period_days": 28,
    "monitoring_cash_receipt_days": 14,
    "monitoring_contribution_arrears_weeks": 4,
    "monitoring_no_spend_weeks": 8,
    "monitoring_line_overspend_percent": 10,
    "monitoring_duplicate_payment_days": 3,
    "surplus_allowed_weeks": 8,
}


def spend(account, days_ago: int, pence: int, merchant: str, **kwargs):  # type: ignore[no-untyped-def]
    """A statement line `days_ago` days before today (money out when `pence` is negative)."""
    from dp.monitoring.tests.factories import TransactionFactory

    kwargs.setdefault("statement_import", spend.imported)  # type: ignore[attr-defined]
    return TransactionFactory(
        account=account,
        posted_on=timezone.localdate() - dt.timedelta(days=days_ago),
        amount_pence=pence,
        merchant=merchant,
        **kwargs,
    )
