"""Writes for direct payment agreements and reviews. Each locks, checks through the domain rules,
writes and records an audit event in one transaction; case status moves go through
`dp.cases.services.case_transition`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from dp.agreements import selectors
from dp.agreements.constants import (
    AccountType,
    AgreementStatus,
    DirectPaymentAnswer,
    ReviewKind,
    ReviewOutcome,
    ReviewStatus,
    ReviewTrigger,
)
from dp.agreements.domain import holders, review_schedule
from dp.agreements.domain.amounts import agreement_amounts
from dp.agreements.domain.workflow import AGREEMENT_TRANSITIONS, REVIEW_TRANSITIONS
from dp.agreements.models import Agreement, Review
from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record
from dp.cases.constants import CaseStatus
from dp.cases.domain.workflow import can_transition
from dp.cases.models import Case
from dp.cases.services import case_transition
from dp.core import clock
from dp.core.domain.breakdown import format_date
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.monitoring.selectors import council_surplus_policy
from dp.payments.services import schedule_for_agreement
from dp.people.models import Person, Relationship
from dp.plans import selectors as plan_selectors
from dp.plans.integration import weekly_contribution_for_case
from dp.staff.models import User

DP_IN_PLACE = (CaseStatus.PAYMENT_SETUP, CaseStatus.ACTIVE, CaseStatus.REVIEW, CaseStatus.SUSPENDED)


def _move(obj: Agreement | Review, table: Mapping[str, frozenset[str]], target: str, label: str) -> str:
    if not can_transition(table, obj.status, target):
        raise TransitionNotAllowed(f"A {label} that is “{obj.get_status_display()}” cannot change like that.")
    before = obj.status
    obj.status = target
    return before


def _payment_cycle_weeks(on: dt.date) -> int:
    """The council's payment cycle in force on the first payment (DP-PAY-02, local policy): the
    agreement states its amounts for one cycle. PolicyMissing (shown to the worker) until it is set."""
    from dp.councils.selectors import policy_value_get
    from dp.payments.policy import CYCLE_WEEKS

    return int(policy_value_get(CYCLE_WEEKS.key, on=on))


def _surplus_allowed_weeks(on: dt.date) -> int | None:
    policy = council_surplus_policy(on)
    return None if policy is None else policy.allowed_weeks


@transaction.atomic
def agreement_draw_up(
    *,
    actor: User,
    case: Case,
    account_type: str,
    first_payment_on: dt.date,
    holder_relationship: Relationship | None = None,
) -> Agreement:
    """Draw up the agreement from the approved plan and the personal budget it set: who holds the
    money (holders.holder_problem), the account type, and the amounts every 4 weeks net of the
    contribution (amounts.agreement_amounts). A draft drawn up earlier is replaced."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.status != CaseStatus.AGREEMENT:
        raise TransitionNotAllowed("An agreement is drawn up once the plan is approved and the case is at “Agreement”.")
    if account_type not in AccountType.values:
        raise ValidationFailed("Choose the kind of account", field="account_type")
    plan = plan_selectors.plan_approved_latest(case)
    budget = plan.personal_budgets.order_by("-effective_from").first() if plan else None
    if plan is None or budget is None:
        raise ValidationFailed("The case has no approved plan with a personal budget.")
    if first_payment_on < budget.effective_from:
        raise ValidationFailed(
            f"The first payment cannot be before the budget starts ({format_date(budget.effective_from)})",
            field="first_payment_on",
        )
    person = case.person
    if holder_relationship is None:
        holder, capacity = person, holders.HolderCapacity.RECIPIENT
    else:
        options = [o for o in selectors.holder_options(person) if o.relationship is not None]
        option = next((o for o in options if o.relationship and o.relationship.pk == holder_relationship.pk), None)
        if option is None:
            raise ValidationFailed("Choose someone from the person's relationships", field="holder")
        holder, capacity = option.person, holders.HolderCapacity(option.capacity)
    today = clock.today()
    latest_capacity = person.capacity_assessments.first()
    problem = holders.holder_problem(
        capacity=capacity,
        recipient_age=person.age(today),
        has_capacity=None if latest_capacity is None else latest_capacity.has_capacity,
    )
    if problem:
        raise ValidationFailed(problem, field="holder")
    amounts = agreement_amounts(
        regular_weekly_pence=budget.direct_payment_regular_weekly_pence,
        weekly_contribution_pence=weekly_contribution_for_case(case, on=first_payment_on),
        one_off_pence=budget.direct_payment_one_off_pence,
        cycle_weeks=_payment_cycle_weeks(first_payment_on),
    )
    for old in Agreement.objects.select_for_update().filter(case=case, status=AgreementStatus.DRAFT):
        _move(old, AGREEMENT_TRANSITIONS, AgreementStatus.ENDED, "agreement")
        old.ended_on = today
        old.end_reason = "Replaced by a new draft before it was signed."
        old.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    agreement = Agreement.objects.create(
        case=case,
        plan=plan,
        budget=budget,
        holder_person=holder,
        holder_capacity=capacity.value,
        holder_relationship=holder_relationship,
        account_type=account_type,
        first_payment_on=first_payment_on,
        cycle_weeks=amounts.cycle_weeks,
        regular_weekly_pence=amounts.regular_weekly_pence,
        weekly_contribution_pence=amounts.weekly_contribution_pence,
        cycle_gross_pence=amounts.cycle_gross_pence,
        cycle_contribution_pence=amounts.cycle_contribution_pence,
        cycle_council_payment_pence=amounts.cycle_council_payment_pence,
        one_off_pence=amounts.one_off_pence,
        surplus_allowed_weeks=_surplus_allowed_weeks(first_payment_on),
        drawn_up_by=actor,
        drawn_up_at=clock.now(),
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.AGREEMENT_CREATED,
        subject=agreement,
        person=person,
        case=case,
        summary=f"Agreement {agreement.reference} drawn up: {format_pence(agreement.cycle_council_payment_pence)} "
        f"from the council every {agreement.cycle_weeks} weeks to {holder.full_name}, "
        f"{AccountType(account_type).label.split(' (')[0].lower()}",
        after={
            "holder": holder.pk,
            "holder_capacity": capacity.value,
            "account_type": account_type,
            "first_payment_on": first_payment_on,
            "cycle_gross_pence": amounts.cycle_gross_pence,
            "cycle_contribution_pence": amounts.cycle_contribution_pence,
            "cycle_council_payment_pence": amounts.cycle_council_payment_pence,
        },
    )
    return agreement


@transaction.atomic
def agreement_sign(*, actor: User, agreement: Agreement, signed_by: Person, signed_on: dt.date) -> Agreement:
    """Record that the holder signed the agreement. Any earlier signed agreement ends; reviews are
    scheduled when the direct payment is new (review_schedule); the case moves to payment set-up."""
    agreement = Agreement.objects.select_for_update().select_related("case__person").get(pk=agreement.pk)
    case = agreement.case
    if agreement.status != AgreementStatus.DRAFT:
        raise TransitionNotAllowed("Only an agreement waiting to be signed can be signed.")
    if case.status != CaseStatus.AGREEMENT:
        raise TransitionNotAllowed(f"The case is “{case.get_status_display()}”, not waiting for an agreement.")
    if signed_by.pk != agreement.holder_person_id:
        raise ValidationFailed(
            f"The agreement names {agreement.holder_person.full_name} as holding the money, so they must sign it. "
            "Draw up a new agreement to name someone else.",
            field="signed_by",
        )
    today = clock.today()
    if signed_on > today:
        raise ValidationFailed("The date it was signed cannot be in the future", field="signed_on")
    if signed_on < timezone.localdate(agreement.drawn_up_at):
        raise ValidationFailed("The date it was signed cannot be before it was drawn up", field="signed_on")
    previous = Agreement.objects.select_for_update().filter(case=case, status=AgreementStatus.SIGNED).first()
    if previous is not None:
        _move(previous, AGREEMENT_TRANSITIONS, AgreementStatus.ENDED, "agreement")
        previous.ended_on = agreement.first_payment_on
        previous.end_reason = f"Replaced by agreement {agreement.reference}."
        previous.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    before = _move(agreement, AGREEMENT_TRANSITIONS, AgreementStatus.SIGNED, "agreement")
    agreement.signed_on = signed_on
    agreement.signed_by_person = signed_by
    agreement.signature_recorded_by = actor
    agreement.signature_recorded_at = clock.now()
    agreement.save(
        update_fields=[
            "status",
            "signed_on",
            "signed_by_person",
            "signature_recorded_by",
            "signature_recorded_at",
            "updated_at",
        ]
    )
    open_reviews = Review.objects.select_for_update().filter(case=case, status=ReviewStatus.OPEN)
    if previous is None:
        for kind, due_by in review_schedule.reviews_at_start(
            agreement.first_payment_on, selectors.initial_check_weeks(agreement.first_payment_on)
        ):
            Review.objects.create(case=case, agreement=agreement, kind=kind.value, due_by=due_by)
    else:
        open_reviews.update(agreement=agreement)
        if not open_reviews.filter(kind__in=[k.value for k in review_schedule.SCHEDULED_KINDS]).exists():
            last = (
                Review.objects.filter(case=case, status=ReviewStatus.COMPLETED)
                .exclude(kind=ReviewKind.INITIAL_CHECK)
                .order_by("-completed_on")
                .first()
            )
            first_ever = (
                Agreement.objects.filter(case=case, signed_on__isnull=False).order_by("first_payment_on").first()
            )
            start = first_ever.first_payment_on if first_ever else agreement.first_payment_on
            last_on = last.completed_on if last and last.completed_on else signed_on
            due = review_schedule.next_review_after(start, last_on)
            Review.objects.create(case=case, agreement=agreement, kind=ReviewKind.ANNUAL_REVIEW, due_by=due)
    audit_event_record(
        actor=actor,
        event_type=EventType.AGREEMENT_SIGNED,
        subject=agreement,
        person=case.person,
        case=case,
        summary=f"Agreement {agreement.reference} signed by {signed_by.full_name} on {format_date(signed_on)}",
        before={"status": before},
        after={"status": agreement.status, "signed_on": signed_on, "signed_by": signed_by.pk},
    )
    case_transition(actor=actor, case=case, to_status=CaseStatus.PAYMENT_SETUP)
    # The payments follow what was signed: a schedule set up, or the running one's amounts changed from the
    # budget's date (a new agreement after a reassessment). Same transaction: signed means paid.
    schedule_for_agreement(
        actor=actor,
        case=case,
        source=f"agreement:{agreement.pk}",
        title=agreement.reference,
        weekly_budget_pence=agreement.regular_weekly_pence,
        weekly_contribution_pence=agreement.weekly_contribution_pence,
        one_off_pence=agreement.one_off_pence,
        starts_on=agreement.first_payment_on,
        budget_from_on=agreement.budget.effective_from,
        signed_on=signed_on,
        account_type=agreement.account_type,
    )
    return agreement


@transaction.atomic
def review_request(*, actor: User, case: Case, trigger: str, details: str, due_by: dt.date) -> Review:
    """Bring a review forward because something has happened (DP Regs 2014 reg 7(1)(b)-(d),
    DP-REV-02). An active direct payment moves to "under review"."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.status not in DP_IN_PLACE:
        raise TransitionNotAllowed("A review can be requested once a direct payment is in place.")
    if trigger not in ReviewTrigger.values:
        raise ValidationFailed("Choose why the review is needed", field="trigger")
    if not details.strip():
        raise ValidationFailed("Enter what has happened", field="details")
    if due_by < clock.today():
        raise ValidationFailed("The date it is due by cannot be in the past", field="due_by")
    review = Review.objects.create(
        case=case,
        agreement=selectors.agreement_signed(case),
        kind=ReviewKind.TRIGGERED,
        trigger=trigger,
        trigger_details=details.strip(),
        due_by=due_by,
        requested_by=actor,
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.REVIEW_REQUESTED,
        subject=review,
        person=case.person,
        case=case,
        summary=f"Review requested, due by {format_date(due_by)}: {ReviewTrigger(trigger).label}",
        after={"trigger": trigger, "details": review.trigger_details, "due_by": due_by},
    )
    if case.status in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
        case_transition(actor=actor, case=case, to_status=CaseStatus.REVIEW, reason=ReviewTrigger(trigger).label)
    return review


def _first_payment_on(case: Case) -> dt.date | None:
    first = Agreement.objects.filter(case=case, signed_on__isnull=False).order_by("first_payment_on").first()
    return first.first_payment_on if first else None


@transaction.atomic
def review_complete(
    *,
    actor: User,
    review: Review,
    completed_on: dt.date,
    outcome: str,
    dp_offered: bool,
    dp_answer: str,
    notes: str,
) -> Review:
    """Record a review: its outcome, and whether direct payments were offered again and the answer.
    The next review is scheduled within 12 months (review_schedule); a reassessment sends the case
    back to a needs assessment (a new plan then sets a new budget from a date); ending closes it."""
    review = Review.objects.select_for_update().select_related("case__person").get(pk=review.pk)
    case = Case.objects.select_for_update().get(pk=review.case_id)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed("Choose the outcome of the review", field="outcome")
    if dp_answer not in DirectPaymentAnswer.values:
        raise ValidationFailed("Choose what the person said", field="dp_answer")
    if dp_offered and dp_answer == DirectPaymentAnswer.NOT_ASKED:
        raise ValidationFailed("You said direct payments were offered: choose what the person said", field="dp_answer")
    if not dp_offered and dp_answer != DirectPaymentAnswer.NOT_ASKED:
        raise ValidationFailed("You said direct payments were not offered, so choose “Not asked”", field="dp_answer")
    if not notes.strip():
        raise ValidationFailed("Enter what was found and agreed", field="notes")
    if completed_on > clock.today():
        raise ValidationFailed("The date of the review cannot be in the future", field="completed_on")
    if not case.is_open:
        raise TransitionNotAllowed("The case is closed.")
    before = _move(review, REVIEW_TRANSITIONS, ReviewStatus.COMPLETED, "review")
    review.completed_on = completed_on
    review.completed_by = actor
    review.outcome = outcome
    review.dp_offered = dp_offered
    review.dp_answer = dp_answer
    review.notes = notes.strip()
    review.save(
        update_fields=[
            "status",
            "completed_on",
            "completed_by",
            "outcome",
            "dp_offered",
            "dp_answer",
            "notes",
            "updated_at",
        ]
    )
    others = Review.objects.select_for_update().filter(case=case, status=ReviewStatus.OPEN).exclude(pk=review.pk)
    kind = review_schedule.ReviewKind(review.kind)
    next_due: dt.date | None = None
    if outcome == ReviewOutcome.END:
        for other in others:
            _cancel(other, f"The direct payment ended at the review on {format_date(completed_on)}.")
    elif review_schedule.counts_as_review(kind):
        for other in others.filter(kind__in=[k.value for k in review_schedule.SCHEDULED_KINDS]):
            _cancel(other, f"Covered by the review on {format_date(completed_on)}.")
        first_payment = _first_payment_on(case) or completed_on
        next_due = review_schedule.next_review_after(first_payment, completed_on)
        Review.objects.create(case=case, agreement=review.agreement, kind=ReviewKind.ANNUAL_REVIEW, due_by=next_due)
    audit_event_record(
        actor=actor,
        event_type=EventType.REVIEW_COMPLETED,
        subject=review,
        person=case.person,
        case=case,
        summary=f"{review.get_kind_display()} held {format_date(completed_on)}: {ReviewOutcome(outcome).label}. "
        f"Direct payments {'offered' if dp_offered else 'not offered'} again"
        + (f" ({DirectPaymentAnswer(dp_answer).label.lower()})" if dp_offered else "")
        + (f". Next review due by {format_date(next_due)}" if next_due else ""),
        before={"status": before},
        after={
            "status": review.status,
            "outcome": outcome,
            "dp_offered": dp_offered,
            "dp_answer": dp_answer,
            "next_due_by": next_due,
        },
    )
    _move_case_after_review(actor, case, review, outcome, completed_on)
    return review


def _cancel(review: Review, reason: str) -> None:
    _move(review, REVIEW_TRANSITIONS, ReviewStatus.CANCELLED, "review")
    review.cancelled_reason = reason
    review.save(update_fields=["status", "cancelled_reason", "updated_at"])


def _move_case_after_review(actor: User, case: Case, review: Review, outcome: str, completed_on: dt.date) -> None:
    if outcome == ReviewOutcome.REASSESS:
        if case.status in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
            case = case_transition(actor=actor, case=case, to_status=CaseStatus.REVIEW)
        case_transition(
            actor=actor, case=case, to_status=CaseStatus.NEEDS_ASSESSMENT, reason="Reassessment after review"
        )
        return
    if outcome == ReviewOutcome.END:
        signed = Agreement.objects.select_for_update().filter(case=case, status=AgreementStatus.SIGNED).first()
        if signed is not None:
            _move(signed, AGREEMENT_TRANSITIONS, AgreementStatus.ENDED, "agreement")
            signed.ended_on = completed_on
            signed.end_reason = f"Direct payment ended at the review: {review.notes[:500]}"
            signed.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.CLOSED,
            reason=f"Direct payment ended at review: {review.notes}",
        )
        return
    still_open = Review.objects.filter(case=case, status=ReviewStatus.OPEN, kind=ReviewKind.TRIGGERED).exists()
    if case.status == CaseStatus.REVIEW and not still_open:
        case_transition(actor=actor, case=case, to_status=CaseStatus.ACTIVE, reason="Review completed")
