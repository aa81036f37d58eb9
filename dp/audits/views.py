"""Pages for findings, audits and recovery. Glue only: forms shape the input, services give it meaning."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dp.audits import forms as f
from dp.audits import selectors, services
from dp.audits.access import access_audit_by_id, access_finding_by_id, access_recovery_by_id
from dp.audits.constants import SIMPLE_OUTCOMES, AuditStatus, FindingStatus, Method
from dp.audits.models import AuditCase, AuditRecovery
from dp.core import clock
from dp.core.errors import PolicyMissing
from dp.core.money import format_pence
from dp.core.pdf import pdf_response, render_pdf
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import form_page
from dp.employment.selectors import commitments_open_on
from dp.monitoring.domain.audits import allowed_audit_transitions
from dp.monitoring.domain.recovery import MisusedPayment
from dp.monitoring.domain.rules import RULES
from dp.staff.roles import Role

VIEW = (Role.DP_SUPPORT, Role.AUDITOR, Role.TEAM_MANAGER)
WRITE = (Role.DP_SUPPORT, Role.AUDITOR)
APPROVE = (Role.AUDITOR, Role.TEAM_MANAGER)


def _posted(request: StaffRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _audit_crumbs(audit: AuditCase) -> list[dict[str, str]]:
    return _crumbs(
        ("Audits", reverse("audits:audit_list")), (audit.reference, reverse("audits:audit_detail", args=[audit.pk]))
    )


def _form_page(
    request: StaffRequest, form: forms.Form, act: Callable[[dict[str, Any]], HttpResponse], **kwargs: Any
) -> HttpResponse:
    """`core.views.form_page`; a page with a warning (why it cannot be done now) has no form to send."""
    return form_page(request, form, act, can_submit=not kwargs.get("warning"), **kwargs)


def _not_allowed(audit: AuditCase, target: str) -> str:
    if target in allowed_audit_transitions(audit.status):
        return ""
    return f"This audit is {AuditStatus(audit.status).label.lower()}, so this cannot be done now."


def _audit_form(
    request: StaffRequest,
    audit_id: int,
    form_class: Any,
    act: Callable[[AuditCase, dict[str, Any]], str],
    *,
    title: str,
    button: str,
    target: str | None,
    intro: list[str] | None = None,
    form_kwargs: Callable[[AuditCase], dict[str, Any]] = lambda a: {},
    warning: Callable[[AuditCase], str] | None = None,
    button_class: str = "",
) -> HttpResponse:
    audit = access_audit_by_id(request.user, audit_id)
    refusal = _not_allowed(audit, target) if target else ""
    if not refusal and warning is not None:
        refusal = warning(audit)

    def done(d: dict[str, Any]) -> HttpResponse:
        messages.success(request, act(audit, d))
        return redirect("audits:audit_detail", audit_id=audit.pk)

    return _form_page(
        request,
        form_class(_posted(request), **form_kwargs(audit)),
        done,
        title=title,
        caption=f"Audit {audit.reference}: {audit.person.full_name}",
        breadcrumbs=_audit_crumbs(audit),
        button=button,
        intro=intro,
        warning=refusal,
        cancel_url=reverse("audits:audit_detail", args=[audit.pk]),
        button_class=button_class,
    )


def _recovery_form(
    request: StaffRequest,
    recovery_id: int,
    form_class: Any,
    act: Callable[[AuditRecovery, dict[str, Any]], str],
    *,
    title: str,
    button: str,
    allowed: Callable[[AuditRecovery], str],
    intro: Callable[[AuditRecovery], list[str]] | None = None,
    rows: Callable[[AuditRecovery], list[tuple[str, str]]] | None = None,
    button_class: str = "",
) -> HttpResponse:
    recovery = access_recovery_by_id(request.user, recovery_id)
    audit = recovery.audit

    def done(d: dict[str, Any]) -> HttpResponse:
        messages.success(request, act(recovery, d))
        return redirect("audits:audit_detail", audit_id=audit.pk)

    return _form_page(
        request,
        form_class(_posted(request)),
        done,
        title=title,
        caption=f"Recovery {recovery.reference} on audit {audit.reference}: {audit.person.full_name}",
        breadcrumbs=_audit_crumbs(audit),
        button=button,
        intro=intro(recovery) if intro else None,
        rows=rows(recovery) if rows else None,
        warning=allowed(recovery),
        cancel_url=reverse("audits:audit_detail", args=[audit.pk]),
        button_class=button_class,
    )


# -- findings -----------------------------------------------------------------------------------------


@staff_view(*VIEW)
def finding_list(request: StaffRequest) -> HttpResponse:
    form = f.FindingFilterForm(
        request.GET or None,
        codes=[(code, f"{rule.title} ({code})") for code, rule in RULES.items()],
        statuses=list(FindingStatus.choices),
    )
    code = status = ""
    if form.is_bound and form.is_valid():
        code, status = form.cleaned_data["code"], form.cleaned_data["status"]
    page = Paginator(selectors.finding_list(request.user, code=code, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audits/finding_list.html",
        {
            "form": form,
            "page": page,
            "breadcrumbs": _crumbs(),
            "filtered": bool(code or status),
            "can_write": request.user.has_role(*WRITE),
        },
    )


@staff_view(*VIEW)
def finding_detail(request: StaffRequest, finding_id: int) -> HttpResponse:
    finding = access_finding_by_id(request.user, finding_id)
    rule = RULES.get(finding.code)
    return render(
        request,
        "audits/finding_detail.html",
        {
            "finding": finding,
            "open_audit": selectors.open_audit_of(finding.person_id) if finding.status == FindingStatus.OPEN else None,
            "rule": rule,
            "source": rule.source() if rule else "",
            "can_write": request.user.has_role(*WRITE),
            "breadcrumbs": _crumbs(("Findings", reverse("audits:finding_list"))),
        },
    )


@staff_view(*WRITE)
def finding_dismiss(request: StaffRequest, finding_id: int) -> HttpResponse:
    finding = access_finding_by_id(request.user, finding_id)

    def act(d: dict[str, Any]) -> HttpResponse:
        services.finding_dismiss(actor=request.user, finding=finding, reason=d["reason"])
        messages.success(request, "Finding dismissed. The same evidence will not raise it again")
        return redirect("audits:finding_detail", finding_id=finding.pk)

    return _form_page(
        request,
        f.ReasonForm(_posted(request), label="Why is this finding being dismissed?"),
        act,
        title="Dismiss the finding",
        caption=f"Finding {finding.reference}: {finding.person.full_name}",
        breadcrumbs=_crumbs(
            ("Findings", reverse("audits:finding_list")),
            (finding.reference, reverse("audits:finding_detail", args=[finding.pk])),
        ),
        button="Dismiss the finding",
        intro=[finding.explanation],
        warning="" if finding.status == FindingStatus.OPEN else "Only an open finding can be dismissed.",
        cancel_url=reverse("audits:finding_detail", args=[finding.pk]),
    )


@staff_view(*WRITE)
def finding_open_audit(request: StaffRequest, finding_id: int) -> HttpResponse:
    finding = access_finding_by_id(request.user, finding_id)

    def act(d: dict[str, Any]) -> HttpResponse:
        audit = services.audit_open_from_finding(actor=request.user, finding=finding)
        messages.success(request, f"Audit {audit.reference} opened")
        return redirect("audits:audit_detail", audit_id=audit.pk)

    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title="Open an audit from this finding",
        caption=f"Finding {finding.reference}: {finding.person.full_name}",
        breadcrumbs=_crumbs(
            ("Findings", reverse("audits:finding_list")),
            (finding.reference, reverse("audits:finding_detail", args=[finding.pk])),
        ),
        button="Open an audit",
        intro=[
            finding.explanation,
            "The person's other open findings join the audit. It is a full audit (records asked of the person) "
            "when the risk calls for it, otherwise light touch.",
        ],
        warning="" if finding.status == FindingStatus.OPEN else "Only an open finding can start an audit.",
        cancel_url=reverse("audits:finding_detail", args=[finding.pk]),
    )


@staff_view(*WRITE)
def finding_add_to_audit(request: StaffRequest, finding_id: int) -> HttpResponse:
    finding = access_finding_by_id(request.user, finding_id)
    audit = selectors.open_audit_of(finding.person_id)

    def act(d: dict[str, Any]) -> HttpResponse:
        added_to = services.finding_add_to_audit(actor=request.user, finding=finding)
        messages.success(request, f"Finding {finding.reference} added to audit {added_to.reference}")
        return redirect("audits:audit_detail", audit_id=added_to.pk)

    warning = ""
    if finding.status != FindingStatus.OPEN:
        warning = "Only an open finding can be added to an audit."
    elif audit is None:
        warning = "This person has no audit open. Open an audit from the finding instead."
    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title="Add the finding to the open audit",
        caption=f"Finding {finding.reference}: {finding.person.full_name}",
        breadcrumbs=_crumbs(
            ("Findings", reverse("audits:finding_list")),
            (finding.reference, reverse("audits:finding_detail", args=[finding.pk])),
        ),
        button="Add it to the audit",
        intro=[finding.explanation]
        + (
            [
                f"It becomes part of audit {audit.reference} ({AuditStatus(audit.status).label.lower()}), "
                "recorded on the audit with its evidence."
            ]
            if audit
            else []
        ),
        warning=warning,
        cancel_url=reverse("audits:finding_detail", args=[finding.pk]),
    )


@staff_view(*WRITE)
def sweep_run(request: StaffRequest) -> HttpResponse:
    """Run the automated checks now (they also run nightly from `manage.py monitoring_sweep`)."""
    from django.db import transaction

    from dp.audits.tasks import monitoring_sweep_task

    today = clock.today()
    try:
        selectors.monitoring_thresholds(today)
        missing = ""
    except PolicyMissing as exc:
        missing = f"{exc.message}. An administrator sets the thresholds on the council settings page."

    def act(d: dict[str, Any]) -> HttpResponse:
        transaction.on_commit(lambda: monitoring_sweep_task.enqueue(today.isoformat()))
        messages.success(request, "The checks are running. New findings appear in this list when they finish")
        return redirect("audits:finding_list")

    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title="Run the checks now",
        caption="Findings",
        breadcrumbs=_crumbs(("Findings", reverse("audits:finding_list"))),
        button="Run the checks",
        intro=[
            "Every check runs over every direct payment account's statements for the last year, in the background. "
            "Only new findings are added: a finding already raised or dismissed is not raised again.",
        ],
        warning=missing,
        cancel_url=reverse("audits:finding_list"),
    )


# -- the audit schedule and audits --------------------------------------------------------------------


@staff_view(*VIEW)
def audit_due(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    try:
        page = selectors.AuditsDue(today=today, user=request.user).get_page(request.GET.get("page"))
        missing = ""
    except PolicyMissing as exc:
        page, missing = Paginator([], 25).get_page(1), exc.message
    return render(
        request,
        "audits/audit_due.html",
        {
            "page": page,
            "missing": missing,
            "today": today,
            "can_write": request.user.has_role(*WRITE),
            "breadcrumbs": _crumbs(("Audits", reverse("audits:audit_list"))),
        },
    )


@staff_view(*WRITE)
def audit_open(request: StaffRequest, schedule_id: int) -> HttpResponse:
    from dp.payments.access import access_schedule_by_id

    schedule = access_schedule_by_id(request.user, schedule_id)
    try:
        due = selectors.audit_due_for(schedule, today=clock.today())
        reasons, warning = list(due.reasons), "" if due.tier else " ".join(due.reasons)
    except PolicyMissing as exc:
        reasons, warning = [], exc.message

    def act(d: dict[str, Any]) -> HttpResponse:
        audit = services.audit_open_from_schedule(actor=request.user, schedule=schedule)
        messages.success(request, f"Audit {audit.reference} opened")
        return redirect("audits:audit_detail", audit_id=audit.pk)

    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title="Open the audit that is due",
        caption=f"Payments {schedule.reference}: {schedule.person.full_name}",
        breadcrumbs=_crumbs(("Audits", reverse("audits:audit_list")), ("Due", reverse("audits:audit_due"))),
        button="Open the audit",
        intro=reasons,
        warning=warning,
        cancel_url=reverse("audits:audit_due"),
    )


@staff_view(*VIEW)
def audit_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "", *AuditStatus.values):
        status = "open"
    page = Paginator(selectors.audit_list(request.user, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/audit_list.html",
        {"page": page, "status": status, "statuses": AuditStatus.choices, "breadcrumbs": _crumbs()},
    )


def _evidence_items(audit: AuditCase) -> list[dict[str, Any]]:
    items = []
    for finding in audit.findings.all():
        for item in finding.evidence:
            if str(item.get("ref", "")).startswith("transaction:") and (item.get("amount_pence") or 0) < 0:
                items.append({**item, "finding": finding.reference})
    return items


@staff_view(*VIEW)
def audit_detail(request: StaffRequest, audit_id: int) -> HttpResponse:
    audit = access_audit_by_id(request.user, audit_id)
    recovery = selectors.recovery_of(audit)
    allowed = allowed_audit_transitions(audit.status)
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "recovery": recovery,
            "findings": audit.findings.all(),
            "steps": audit.steps.select_related("by"),
            "discussions": recovery.discussions.select_related("recorded_by") if recovery else [],
            "can_write": request.user.has_role(*WRITE),
            "can_approve": request.user.has_role(*APPROVE),
            "can_request": AuditStatus.INFORMATION_REQUESTED in allowed,
            "can_receive": AuditStatus.INFORMATION_RECEIVED in allowed,
            "can_outcome": any(s in allowed for s in (*SIMPLE_OUTCOMES, AuditStatus.CLOSED)),
            "can_propose": AuditStatus.RECOVERY_PROPOSED in allowed and recovery is None,
            "has_evidence": bool(_evidence_items(audit)),
            "today": clock.today(),
            "breadcrumbs": _crumbs(("Audits", reverse("audits:audit_list"))),
        },
    )


@staff_view(*WRITE)
def audit_request_information(request: StaffRequest, audit_id: int) -> HttpResponse:
    def act(audit: AuditCase, d: dict[str, Any]) -> str:
        services.audit_request_information(actor=request.user, audit=audit, requested=d["requested"])
        return "Information requested. Download the letter from the audit page and send it"

    return _audit_form(
        request,
        audit_id,
        f.RequestInformationForm,
        act,
        title="Ask the person for records",
        button="Ask for the records",
        target=AuditStatus.INFORMATION_REQUESTED,
        intro=["The letter gives the date the records are due, in line with the council's policy."],
    )


@staff_view(*VIEW)
def audit_letter_pdf(request: StaffRequest, audit_id: int) -> HttpResponse:
    audit = access_audit_by_id(request.user, audit_id)
    if audit.information_due_on is None:
        messages.error(request, "No records have been asked for on this audit yet")
        return redirect("audits:audit_detail", audit_id=audit.pk)
    content = render_pdf(
        "audits/letters/information_request.html",
        {
            "audit": audit,
            "addressee": _addressee(audit),
            "case": audit.case,
            # The day in the UK the records were asked for (occurred_at is stored in UTC).
            "today": timezone.localdate(
                audit.steps.filter(to_status=AuditStatus.INFORMATION_REQUESTED).last().occurred_at  # type: ignore[union-attr]
            ),
            "letter_title": "We are checking how your direct payment is used",
        },
    )
    return pdf_response(content, f"audit-{audit.reference}-records-request.pdf")


@staff_view(*WRITE)
def audit_received(request: StaffRequest, audit_id: int) -> HttpResponse:
    def act(audit: AuditCase, d: dict[str, Any]) -> str:
        services.audit_record_received(actor=request.user, audit=audit, **d)
        return "Records received"

    return _audit_form(
        request,
        audit_id,
        f.ReceivedForm,
        act,
        title="Record the records received",
        button="Record them",
        target=AuditStatus.INFORMATION_RECEIVED,
    )


@staff_view(*WRITE)
def audit_outcome(request: StaffRequest, audit_id: int) -> HttpResponse:
    def act(audit: AuditCase, d: dict[str, Any]) -> str:
        services.audit_record_outcome(actor=request.user, audit=audit, outcome=d["outcome"], notes=d["notes"])
        return f"Outcome recorded: {AuditStatus(d['outcome']).label}"

    def no_outcome(audit: AuditCase) -> str:
        allowed = allowed_audit_transitions(audit.status)
        if any(s in allowed for s in (*SIMPLE_OUTCOMES, AuditStatus.CLOSED)):
            return ""
        return f"This audit is {AuditStatus(audit.status).label.lower()}: no outcome can be recorded now."

    return _audit_form(
        request,
        audit_id,
        f.OutcomeForm,
        act,
        title="Record the outcome",
        button="Record the outcome",
        target=None,
        warning=no_outcome,
        intro=[
            "Suspension stops the payments now. A safeguarding concern is passed to the person's social worker as a "
            "note on their case. To take money back, propose a recovery instead."
        ],
        form_kwargs=lambda a: {"allowed": allowed_audit_transitions(a.status)},
    )


def _proposal_warning(audit: AuditCase) -> str:
    if audit.pk and AuditRecovery.objects.filter(audit=audit).exists():
        return "A recovery has already been proposed on this audit."
    return ""


@staff_view(*WRITE)
def recovery_propose_surplus(request: StaffRequest, audit_id: int) -> HttpResponse:
    def owed(audit: AuditCase) -> list[Any]:
        """The account's money owed today (dp.employment), offered ticked."""
        return list(commitments_open_on(audit.account, clock.today())) if audit.account is not None else []

    def owed_kwargs(audit: AuditCase) -> dict[str, Any]:
        items = owed(audit)
        return {
            "owed": [(str(c.pk), f"{c.label}: {format_pence(c.amount_pence)}") for c in items],
            "initial": {"owed": [str(c.pk) for c in items]},
        }

    def act(audit: AuditCase, d: dict[str, Any]) -> str:
        chosen = set(d.get("owed") or [])
        commitments = [(c.label, c.amount_pence) for c in owed(audit) if str(c.pk) in chosen]
        if d["commitments_pence"]:
            commitments.append((d["commitments_label"] or "Money already owed", d["commitments_pence"]))
        services.recovery_propose_surplus(
            actor=request.user,
            audit=audit,
            balance_pence=d["balance_pence"],
            weekly_payment_pence=d["weekly_payment_pence"],
            allowed_weeks=d["allowed_weeks"],
            commitments=commitments,
            overpaid_contribution_pence=d["overpaid_contribution_pence"] or 0,
            reasons=[d["reasons"]],
        )
        return "Recovery proposed. Download the notice from the audit page and send it"

    return _audit_form(
        request,
        audit_id,
        f.SurplusProposalForm,
        act,
        title="Propose recovering a surplus",
        button="Propose the recovery",
        target=AuditStatus.RECOVERY_PROPOSED,
        warning=_proposal_warning,
        intro=["Nothing is taken back until the person has had the council's response period to reply."],
        form_kwargs=owed_kwargs,
    )


@staff_view(*WRITE)
def recovery_propose_misuse(request: StaffRequest, audit_id: int) -> HttpResponse:
    import datetime as dt

    def choices(audit: AuditCase) -> list[tuple[str, str]]:

        return [
            (item["ref"], f"{item['note']} on {item['on']} ({format_pence(-item['amount_pence'])}, {item['finding']})")
            for item in _evidence_items(audit)
        ]

    def act(audit: AuditCase, d: dict[str, Any]) -> str:
        chosen = set(d["payments"])
        payments = [
            MisusedPayment(
                transaction_id=item["ref"].split(":", 1)[1],
                posted_on=dt.date.fromisoformat(item["on"]),
                amount_pence=-item["amount_pence"],
                description=item["note"].split(",")[0],
            )
            for item in {i["ref"]: i for i in _evidence_items(audit)}.values()
            if item["ref"] in chosen
        ]
        services.recovery_propose_misuse(
            actor=request.user,
            audit=audit,
            payments=payments,
            overpaid_contribution_pence=d["overpaid_contribution_pence"] or 0,
            reasons=[d["reasons"]],
        )
        return "Recovery proposed. Download the notice from the audit page and send it"

    def warning(audit: AuditCase) -> str:
        if not _evidence_items(audit):
            return "The audit's findings name no payments out of the account to recover."
        return _proposal_warning(audit)

    return _audit_form(
        request,
        audit_id,
        f.MisuseProposalForm,
        act,
        title="Propose recovering payments not used for the plan",
        button="Propose the recovery",
        target=AuditStatus.RECOVERY_PROPOSED,
        warning=warning,
        form_kwargs=lambda a: {"choices": choices(a)},
        intro=["Nothing is taken back until the person has had the council's response period to reply."],
    )


def _addressee(audit: AuditCase) -> Any:
    """Whoever holds the account (the person, or their nominated or authorised person) is asked to respond."""
    if audit.account is not None and audit.account.holder is not None:
        return audit.account.holder
    return audit.person


def _notice_context(recovery: AuditRecovery) -> dict[str, Any]:
    audit = recovery.audit
    return {
        "recovery": recovery,
        "audit": audit,
        "addressee": _addressee(audit),
        "case": audit.case,
        "today": recovery.proposed_on,
        "letter_title": "We propose to recover money from your direct payment",
    }


@staff_view(*VIEW)
def recovery_notice_pdf(request: StaffRequest, recovery_id: int) -> HttpResponse:
    recovery = access_recovery_by_id(request.user, recovery_id)
    content = render_pdf("audits/letters/recovery_notice.html", _notice_context(recovery))
    return pdf_response(content, f"recovery-{recovery.reference}-notice.pdf")


def _undecided(recovery: AuditRecovery) -> str:
    return "" if recovery.decided_on is None else "The recovery has already been decided."


@staff_view(*WRITE)
def recovery_discussion(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_discussion_record(actor=request.user, recovery=recovery, **d)
        return "Discussion recorded"

    return _recovery_form(
        request,
        recovery_id,
        f.DiscussionForm,
        act,
        title="Record a discussion with the person",
        button="Record the discussion",
        allowed=_undecided,
    )


def _money_rows(recovery: AuditRecovery) -> list[tuple[str, str]]:

    return [
        ("Money at issue", format_pence(recovery.amount_pence)),
        ("Refunded to the person first", format_pence(recovery.refund_to_person_pence)),
        ("To recover", format_pence(recovery.recoverable_pence)),
        ("Response period ends", f"{recovery.response_ends_on:%-d %B %Y}"),
    ]


@staff_view(*WRITE)
def recovery_decide(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_decide(actor=request.user, recovery=recovery, **d)
        return "Recovery decided. A second person must approve it before anything is posted"

    def allowed(recovery: AuditRecovery) -> str:
        if recovery.decided_on is not None:
            return "The recovery has already been decided."
        if recovery.response_received_on is None and clock.today() <= recovery.response_ends_on:
            return (
                f"The person has until {recovery.response_ends_on:%-d %B %Y} to respond. The recovery can be decided "
                "after that, or once their response is recorded."
            )
        return ""

    return _recovery_form(
        request,
        recovery_id,
        f.DecideForm,
        act,
        title="Decide the recovery",
        button="Decide",
        allowed=allowed,
        rows=_money_rows,
    )


@staff_view(*APPROVE)
def recovery_approve(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_approve(actor=request.user, recovery=recovery)
        return "Recovery approved and posted to the ledger"

    def allowed(recovery: AuditRecovery) -> str:
        if recovery.decided_on is None:
            return "The recovery has not been decided yet."
        if recovery.approved_at is not None:
            return "The recovery has already been approved."
        if recovery.decided_by_id == request.user.pk:
            return "You decided this recovery: a second person must approve it."
        if clock.today() <= recovery.response_ends_on:
            return (
                "Nothing can be recovered until the response period has ended on "
                f"{recovery.response_ends_on:%-d %B %Y}."
            )
        return ""

    return _recovery_form(
        request,
        recovery_id,
        f.ConfirmForm,
        act,
        title="Approve the recovery",
        button="Approve and post",
        allowed=allowed,
        rows=lambda r: [*_money_rows(r), ("Method", Method(r.method).label if r.method else "")],
        intro=lambda r: [r.decision_reasons] if r.decision_reasons else [],
    )


@staff_view(*APPROVE)
def recovery_settle(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_settle(actor=request.user, recovery=recovery, **d)
        return "Money received recorded"

    def allowed(recovery: AuditRecovery) -> str:
        if recovery.method not in (Method.INVOICE, Method.CARD_RECOUP):
            return "Only an invoice or a recoup from the card is settled here."
        if recovery.approved_at is None:
            return "The recovery has not been approved yet."
        if recovery.received_journal_id:
            return "The money has already been received."
        return ""

    return _recovery_form(
        request,
        recovery_id,
        f.SettleForm,
        act,
        title="Record the money received",
        button="Record it",
        allowed=allowed,
        rows=_money_rows,
    )


@staff_view(*VIEW)
def recovery_recoup_file(request: StaffRequest, recovery_id: int) -> HttpResponse:
    """The card provider's recoup file (one row, as `RecoupRecord.as_row`), once the recovery is approved."""
    recovery = access_recovery_by_id(request.user, recovery_id)
    if recovery.method != Method.CARD_RECOUP or recovery.approved_on is None:
        messages.error(request, "There is no recoup file: the recovery is not an approved recoup from the card")
        return redirect("audits:audit_detail", audit_id=recovery.audit_id)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        [
            "RECOUP",
            recovery.card_account_reference,
            str(recovery.recoverable_pence),
            "GBP",
            recovery.approved_on.isoformat(),
            recovery.recoup_reference,
        ]
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recoup-{recovery.reference}.csv"'
    return response


@staff_view(*WRITE)
def recovery_review_request(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_review_request(actor=request.user, recovery=recovery, **d)
        return "Review requested. Someone who did not decide the recovery will review it"

    def allowed(recovery: AuditRecovery) -> str:
        if recovery.audit.status != AuditStatus.RECOVERY_DECIDED:
            return "A review can be asked for once the recovery is decided, and only once."
        return ""

    return _recovery_form(
        request,
        recovery_id,
        f.ReviewRequestForm,
        act,
        title="Record a request for a review",
        button="Record the request",
        allowed=allowed,
    )


@staff_view(*APPROVE)
def recovery_review_decide(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        services.recovery_review_decide(actor=request.user, recovery=recovery, **d)
        return "Review decided"

    def allowed(recovery: AuditRecovery) -> str:
        if recovery.audit.status != AuditStatus.REVIEW_REQUESTED:
            return "No review has been asked for."
        if recovery.decided_by_id == request.user.pk:
            return "You decided this recovery: someone else must review it."
        return ""

    return _recovery_form(
        request,
        recovery_id,
        f.ReviewDecideForm,
        act,
        title="Decide the review",
        button="Record the decision",
        allowed=allowed,
        rows=_money_rows,
        intro=lambda r: [f"The person's reasons: {r.review_reason}"] if r.review_reason else [],
    )


@staff_view(*APPROVE)
def recovery_repay(request: StaffRequest, recovery_id: int) -> HttpResponse:
    """Repay what the payment runs took for a recovery that a review overturned (a one-off payment, once)."""

    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        recovery = services.recovery_repay_deductions(actor=request.user, recovery=recovery)
        return f"{format_pence(recovery.repaid_pence or 0)} will be repaid to the person in the next payment run"

    to_repay = functools.cache(services.deductions_to_repay)  # for the rows and the warning: read once

    def rows(recovery: AuditRecovery) -> list[tuple[str, str]]:
        amount, _ = to_repay(recovery)
        return [
            ("Taken when the decision was overturned", format_pence(recovery.deductions_taken_pence)),
            ("To repay now", format_pence(amount)),
        ]

    return _recovery_form(
        request,
        recovery_id,
        f.ConfirmForm,
        act,
        title="Repay the deductions",
        button="Repay in the next payment run",
        allowed=lambda r: to_repay(r)[1],
        rows=rows,
        intro=lambda r: [
            "The review overturned this recovery after some of it had been taken from the person's payments. "
            "What was taken is paid back to them as a one-off payment in the next payment run, once."
        ],
    )


@staff_view(*VIEW)
def recoveries_outstanding(request: StaffRequest) -> HttpResponse:
    """Deductions whose direct payment ended before they were all taken: listed so none is left dangling."""
    return render(
        request,
        "audits/recoveries_outstanding.html",
        {
            "items": selectors.outstanding_after_end(request.user),
            "can_write": request.user.has_role(*WRITE),
            "breadcrumbs": _crumbs(("Audits", reverse("audits:audit_list"))),
        },
    )


@staff_view(*WRITE)
def recovery_rest_by_invoice(request: StaffRequest, recovery_id: int) -> HttpResponse:
    def act(recovery: AuditRecovery, d: dict[str, Any]) -> str:
        recovery = services.recovery_rest_by_invoice(actor=request.user, recovery=recovery)
        return (
            f"{format_pence(recovery.invoiced_pence or 0)} to be recovered by invoice, due "
            f"{recovery.invoice_due_on:%-d %B %Y}. Record the money when it is received"
        )

    rest = functools.cache(services.rest_to_invoice)  # for the rows and the warning: read once

    def rows(recovery: AuditRecovery) -> list[tuple[str, str]]:
        left, _ = rest(recovery)
        return [("To recover", format_pence(recovery.recoverable_pence)), ("Left to invoice", format_pence(left))]

    return _recovery_form(
        request,
        recovery_id,
        f.ConfirmForm,
        act,
        title="Recover the rest by invoice",
        button="Invoice the rest",
        allowed=lambda r: rest(r)[1],
        rows=rows,
        intro=lambda r: [
            "The direct payment has ended, so no payment run will take the rest of this recovery. The deduction is "
            "stopped and what is left is invoiced, due in the council's invoice period."
        ],
    )
