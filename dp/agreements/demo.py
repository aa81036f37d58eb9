"""Demo steps for the agreements part: direct payment agreements and their reviews.

Cases waiting at "Agreement" mostly have one drawn up and waiting to be signed; cases setting up
payments have a signed agreement whose first payment is days away; active, under-review,
suspended and closed cases have an agreement signed when their budget started (reassessed cases
have the earlier one ended on the day the new budget started). Reviews follow the rules the
services use (DP Regs 2014 reg 7; the council's 12-week initial check): most were held on time,
some are overdue, some due soon; cases under review or suspended have a triggered review open.
Deterministic for a seed and date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dp.agreements.constants import (
    AccountType,
    AgreementStatus,
    DirectPaymentAnswer,
    HolderCapacity,
    ReviewKind,
    ReviewOutcome,
    ReviewStatus,
    ReviewTrigger,
)
from dp.agreements.domain.amounts import agreement_amounts
from dp.agreements.domain.review_schedule import next_review_after
from dp.agreements.models import Agreement, Review
from dp.assessments.domain.reviews import statutory_first_review_due_by
from dp.audit_log.models import EventType
from dp.cases.constants import CaseStatus, CaseType
from dp.core.domain.breakdown import format_date
from dp.core.money import format_pence
from dp.councils.models import PolicyValue
from dp.payments.demo import WEEKS as DEMO_CYCLE_WEEKS  # the demo council's payment cycle (set by the payments step)
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.plans.constants import PlanStatus
from dp.plans.integration import weekly_contribution_for_case
from dp.plans.models import PersonalBudget

INITIAL_CHECK_WEEKS = 12
WITH_AGREEMENT = {
    CaseStatus.AGREEMENT,
    CaseStatus.PAYMENT_SETUP,
    CaseStatus.ACTIVE,
    CaseStatus.REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.CLOSED,
}
RUNNING = {CaseStatus.ACTIVE, CaseStatus.REVIEW, CaseStatus.SUSPENDED, CaseStatus.CLOSED}
REVIEW_NOTES = [
    "Support is working well; the PA covers mornings and the person is getting out more.",
    "Statements checked and in order. Agreed to swap one agency visit for PA hours.",
    "Person happy with the direct payment; contingency balance within the council's limit.",
    "Carer reports less strain; short breaks are being used as planned.",
]
TRIGGER_DETAILS = {
    ReviewTrigger.CONCERN_ABOUT_USE: "Card statement shows regular cash withdrawals not in the plan.",
    ReviewTrigger.CAPACITY_CHANGE: "GP letter: recent diagnosis of dementia; capacity to manage the payments in doubt.",
    ReviewTrigger.BREACH: "Contribution not paid into the account for three cycles.",
    ReviewTrigger.CHANGE_IN_NEEDS: "Hospital discharge after a fall; needs have increased.",
}


def _holder(case: Any, relationships: dict[int, list[Relationship]], rng: Any) -> tuple[Any, str, Relationship | None]:
    rels = relationships.get(case.person_id, [])
    by_kind = {rel.kind: rel for rel in rels}
    if RelationshipKind.AUTHORISED_PERSON_FOR in by_kind:
        rel = by_kind[RelationshipKind.AUTHORISED_PERSON_FOR]
        return rel.from_person, HolderCapacity.AUTHORISED_PERSON, rel
    if case.case_type in (CaseType.CHILD_FAMILY, CaseType.TRANSITION) and RelationshipKind.PARENT_OF in by_kind:
        rel = by_kind[RelationshipKind.PARENT_OF]
        return rel.from_person, HolderCapacity.PARENT, rel
    if RelationshipKind.NOMINATED_PERSON_FOR in by_kind and rng.random() < 0.7:
        rel = by_kind[RelationshipKind.NOMINATED_PERSON_FOR]
        return rel.from_person, HolderCapacity.NOMINATED_PERSON, rel
    return case.person, HolderCapacity.RECIPIENT, None


def _agreement(
    ctx: Any,
    case: Any,
    budget: PersonalBudget,
    holder: tuple[Any, str, Relationship | None],
    *,
    first_payment_on: dt.date,
    drawn_on: dt.date,
    signed_on: dt.date | None,
    status: str,
) -> Agreement:
    amounts = agreement_amounts(
        regular_weekly_pence=budget.direct_payment_regular_weekly_pence,
        weekly_contribution_pence=weekly_contribution_for_case(case, on=first_payment_on),
        one_off_pence=budget.direct_payment_one_off_pence,
        cycle_weeks=DEMO_CYCLE_WEEKS,
    )
    person, capacity, relationship = holder
    return Agreement(
        case=case,
        plan=budget.plan,
        budget=budget,
        status=status,
        holder_person=person,
        holder_capacity=capacity,
        holder_relationship=relationship,
        account_type=ctx.rng.choices(
            [AccountType.PREPAID_CARD, AccountType.BANK_ACCOUNT, AccountType.MANAGED_ACCOUNT], [6, 3, 1]
        )[0],
        first_payment_on=first_payment_on,
        cycle_weeks=amounts.cycle_weeks,
        regular_weekly_pence=amounts.regular_weekly_pence,
        weekly_contribution_pence=amounts.weekly_contribution_pence,
        cycle_gross_pence=amounts.cycle_gross_pence,
        cycle_contribution_pence=amounts.cycle_contribution_pence,
        cycle_council_payment_pence=amounts.cycle_council_payment_pence,
        one_off_pence=amounts.one_off_pence,
        surplus_allowed_weeks=None,
        drawn_up_by=ctx.staff["dp.support"],
        drawn_up_at=ctx.moment(drawn_on),
        signed_on=signed_on,
        signed_by_person=person if signed_on else None,
        signature_recorded_by=ctx.staff["dp.support"] if signed_on else None,
        signature_recorded_at=ctx.moment(signed_on) if signed_on else None,
    )


def _reviews(ctx: Any, case: Any, first: dt.date, *, until: dt.date | None) -> list[Review]:
    """Reviews from the first payment to today (or the case's closing): held on time mostly, some overdue."""
    rng, today = ctx.rng, ctx.today
    reviews: list[Review] = []
    limit = until or today

    def held(kind: str, due: dt.date) -> Review:
        completed = max(first, min(due - dt.timedelta(days=rng.randint(0, 40)), limit))
        return Review(
            case=case,
            kind=kind,
            due_by=due,
            status=ReviewStatus.COMPLETED,
            completed_on=completed,
            completed_by=case.worker,
            outcome=rng.choices([ReviewOutcome.CONTINUE, ReviewOutcome.CONTINUE_WITH_CHANGES], [3, 1])[0],
            dp_offered=True,
            dp_answer=rng.choices([DirectPaymentAnswer.KEEP, DirectPaymentAnswer.UNDECIDED], [9, 1])[0],
            notes=rng.choice(REVIEW_NOTES),
        )

    check_due = first + dt.timedelta(weeks=INITIAL_CHECK_WEEKS)
    if check_due > limit:
        if until is None:
            reviews.append(Review(case=case, kind=ReviewKind.INITIAL_CHECK, due_by=check_due))
    elif until is None and rng.random() < 0.1:
        reviews.append(Review(case=case, kind=ReviewKind.INITIAL_CHECK, due_by=check_due))  # overdue
    else:
        reviews.append(held(ReviewKind.INITIAL_CHECK, check_due))
    due, kind = statutory_first_review_due_by(first), ReviewKind.FIRST_REVIEW
    while True:
        if until is not None and due > until:
            break
        if due > today or (until is None and rng.random() < 0.15):
            reviews.append(Review(case=case, kind=kind, due_by=due))
            break
        review = held(kind, due)
        reviews.append(review)
        due, kind = next_review_after(first, review.completed_on or due), ReviewKind.ANNUAL_REVIEW
    return reviews


def step_agreements_and_reviews(ctx: Any) -> None:
    assert ctx.council is not None
    PolicyValue.objects.create(
        council=ctx.council,
        key="review_initial_check_weeks",
        value=INITIAL_CHECK_WEEKS,
        effective_from=ctx.today - dt.timedelta(days=900),
        set_at=ctx.moment(ctx.today - dt.timedelta(days=920)),
        reason="Light-touch check 12 weeks after the first payment, as Gateshead and Wigan do",
    )
    rng, today = ctx.rng, ctx.today
    cases = [case for case in ctx.cases if case.status in WITH_AGREEMENT]
    budgets: dict[int, list[PersonalBudget]] = {}
    for budget in (
        PersonalBudget.objects.filter(case__in=cases).select_related("plan").order_by("case_id", "effective_from")
    ):
        budgets.setdefault(budget.case_id, []).append(budget)
    relationships: dict[int, list[Relationship]] = {}
    for rel in Relationship.objects.filter(
        to_person_id__in=[c.person_id for c in cases],
        ended_on__isnull=True,
        kind__in=[
            RelationshipKind.AUTHORISED_PERSON_FOR,
            RelationshipKind.NOMINATED_PERSON_FOR,
            RelationshipKind.PARENT_OF,
        ],
    ).select_related("from_person"):
        relationships.setdefault(rel.to_person_id, []).append(rel)
    agreements: list[Agreement] = []
    reviews: list[tuple[Review, int]] = []  # (review, index of its agreement)
    for case in cases:
        history = budgets.get(case.pk, [])
        current = next((b for b in reversed(history) if b.plan and b.plan.status == PlanStatus.APPROVED), None)
        if current is None:
            continue
        holder = _holder(case, relationships, rng)
        if case.status == CaseStatus.AGREEMENT:
            if rng.random() < 0.7:
                first = max(current.effective_from, today + dt.timedelta(days=rng.randint(7, 21)))
                agreements.append(
                    _agreement(
                        ctx,
                        case,
                        current,
                        holder,
                        first_payment_on=first,
                        drawn_on=today - dt.timedelta(days=rng.randint(0, 5)),
                        signed_on=None,
                        status=AgreementStatus.DRAFT,
                    )
                )
            continue
        if case.status == CaseStatus.PAYMENT_SETUP:
            signed = max(current.effective_from, today - dt.timedelta(days=rng.randint(1, 7)))
            first = max(current.effective_from, today + dt.timedelta(days=rng.randint(3, 14)))
            agreements.append(
                _agreement(
                    ctx,
                    case,
                    current,
                    holder,
                    first_payment_on=first,
                    drawn_on=signed,
                    signed_on=signed,
                    status=AgreementStatus.SIGNED,
                )
            )
            index = len(agreements) - 1
            reviews.append(
                (
                    Review(
                        case=case, kind=ReviewKind.INITIAL_CHECK, due_by=first + dt.timedelta(weeks=INITIAL_CHECK_WEEKS)
                    ),
                    index,
                )
            )
            reviews.append(
                (Review(case=case, kind=ReviewKind.FIRST_REVIEW, due_by=statutory_first_review_due_by(first)), index)
            )
            continue
        # Running (or ended) direct payments: one agreement per approved budget.
        first_payment = None
        for budget in history:
            start = budget.effective_from
            signed = max(start - dt.timedelta(days=rng.randint(0, 6)), case.opened_on)
            is_current = budget is current
            ended = not is_current or case.status == CaseStatus.CLOSED
            agreement = _agreement(
                ctx,
                case,
                budget,
                holder,
                first_payment_on=start,
                drawn_on=signed,
                signed_on=signed,
                status=AgreementStatus.ENDED if ended else AgreementStatus.SIGNED,
            )
            if ended:
                agreement.ended_on = budget.effective_to or case.closed_on or today
                agreement.end_reason = (
                    "Replaced by the agreement for the new budget after a reassessment."
                    if not is_current
                    else "Direct payment ended when the case closed."
                )
            agreements.append(agreement)
            first_payment = first_payment or start
        index = len(agreements) - 1
        assert first_payment is not None
        until = case.closed_on if case.status == CaseStatus.CLOSED else None
        for review in _reviews(ctx, case, first_payment, until=until):
            reviews.append((review, index))
        if case.status in (CaseStatus.REVIEW, CaseStatus.SUSPENDED):
            trigger = rng.choice(
                [ReviewTrigger.BREACH, ReviewTrigger.CONCERN_ABOUT_USE]
                if case.status == CaseStatus.SUSPENDED
                else list(TRIGGER_DETAILS)
            )
            reviews.append(
                (
                    Review(
                        case=case,
                        kind=ReviewKind.TRIGGERED,
                        trigger=trigger,
                        trigger_details=TRIGGER_DETAILS[trigger],
                        due_by=today + dt.timedelta(days=rng.randint(-10, 21)),
                        requested_by=case.worker,
                    ),
                    index,
                )
            )
    Agreement.objects.bulk_create(agreements, batch_size=2000)
    for review, index in reviews:
        review.agreement = agreements[index]
    Review.objects.bulk_create([r for r, _ in reviews], batch_size=2000)
    _events(ctx, agreements, [r for r, _ in reviews])


def _events(ctx: Any, agreements: list[Agreement], reviews: list[Review]) -> None:
    for agreement in agreements:
        case = agreement.case
        ctx.event(
            event_type=EventType.AGREEMENT_CREATED,
            subject=agreement,
            person=case.person,
            case=case,
            actor=agreement.drawn_up_by,
            at=agreement.drawn_up_at,
            summary=f"Agreement {agreement.reference} drawn up: {format_pence(agreement.cycle_council_payment_pence)} "
            f"every {agreement.cycle_weeks} weeks to {agreement.holder_person.full_name}",
        )
        if agreement.signed_on and agreement.signature_recorded_at:
            ctx.event(
                event_type=EventType.AGREEMENT_SIGNED,
                subject=agreement,
                person=case.person,
                case=case,
                actor=agreement.signature_recorded_by,
                at=agreement.signature_recorded_at,
                summary=f"Agreement {agreement.reference} signed by {agreement.holder_person.full_name} on "
                f"{format_date(agreement.signed_on)}",
            )
    for review in reviews:
        case = review.case
        if review.status == ReviewStatus.COMPLETED and review.completed_on:
            ctx.event(
                event_type=EventType.REVIEW_COMPLETED,
                subject=review,
                person=case.person,
                case=case,
                actor=review.completed_by,
                at=ctx.moment(review.completed_on),
                summary=f"{review.get_kind_display()} held {format_date(review.completed_on)}: "
                f"{review.get_outcome_display()}. Direct payments offered again "
                f"({review.get_dp_answer_display().lower()})",
            )
        elif review.kind == ReviewKind.TRIGGERED:
            ctx.event(
                event_type=EventType.REVIEW_REQUESTED,
                subject=review,
                person=case.person,
                case=case,
                actor=review.requested_by,
                at=ctx.moment(ctx.today - dt.timedelta(days=3)),
                summary=f"Review requested, due by {format_date(review.due_by)}: {review.get_trigger_display()}",
            )


STEPS = [step_agreements_and_reviews]
