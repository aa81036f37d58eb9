"""Reading agreements and reviews: the case's agreement, the reviews queue, who may hold the money."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from dp.agreements.constants import AgreementStatus, HolderCapacity, ReviewStatus
from dp.agreements.models import Agreement, Review
from dp.agreements.policy import REVIEW_INITIAL_CHECK_WEEKS
from dp.assessments.domain.reviews import DEFAULT_DUE_SOON_DAYS, classify_review
from dp.assessments.domain.reviews import ReviewStatus as Due
from dp.cases.access import cases_visible_to
from dp.cases.constants import CaseStatus
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.people.constants import RelationshipKind
from dp.people.models import Person, Relationship
from dp.staff.models import User

HOLDER_FOR_KIND: dict[str, str] = {
    RelationshipKind.NOMINATED_PERSON_FOR: HolderCapacity.NOMINATED_PERSON,
    RelationshipKind.AUTHORISED_PERSON_FOR: HolderCapacity.AUTHORISED_PERSON,
    RelationshipKind.PARENT_OF: HolderCapacity.PARENT,
}


def agreement_draft(case: Any) -> Agreement | None:
    return case.agreements.filter(status=AgreementStatus.DRAFT).select_related("holder_person").first()


def agreement_signed(case: Any) -> Agreement | None:
    return case.agreements.filter(status=AgreementStatus.SIGNED).select_related("holder_person").first()


def agreements_for_case(case: Any) -> QuerySet[Agreement]:
    return case.agreements.select_related("holder_person", "signed_by_person").order_by("-drawn_up_at")


@dataclass(frozen=True)
class HolderOption:
    key: str  # "recipient" or "rel_<relationship id>"
    person: Person
    capacity: str
    relationship: Relationship | None

    @property
    def label(self) -> str:
        return f"{self.person.full_name} ({HolderCapacity(self.capacity).label.lower()})"


def holder_options(person: Person) -> list[HolderOption]:
    """The person, and anyone with a current nominated, authorised or parental relationship to them."""
    options = [HolderOption("recipient", person, HolderCapacity.RECIPIENT, None)]
    relationships = (
        Relationship.objects.filter(to_person=person, ended_on__isnull=True, kind__in=list(HOLDER_FOR_KIND))
        .select_related("from_person")
        .order_by("from_person__family_name", "pk")
    )
    for rel in relationships:
        options.append(HolderOption(f"rel_{rel.pk}", rel.from_person, HOLDER_FOR_KIND[rel.kind], rel))
    return options


def initial_check_weeks(on: dt.date) -> int | None:
    try:
        return int(policy_value_get(REVIEW_INITIAL_CHECK_WEEKS.key, on=on))
    except PolicyMissing:
        return None


def reviews_for_case(case: Any) -> QuerySet[Review]:
    return case.dp_reviews.select_related("completed_by", "requested_by").order_by("-due_by", "-id")


def reviews_open(case: Any) -> QuerySet[Review]:
    return case.dp_reviews.filter(status=ReviewStatus.OPEN).order_by("due_by", "id")


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    due: Due
    days: int  # days until due (negative: days overdue)


def review_queue(*, user: User, today: dt.date, due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> list[ReviewRow]:
    """Open reviews of cases the user may see that are due (within `due_soon_days`) or overdue,
    most overdue first (DP Regs 2014 reg 7; the window is the reminder period [LOCAL])."""
    reviews = (
        Review.objects.filter(
            status=ReviewStatus.OPEN,
            case__in=cases_visible_to(user),
            due_by__lte=today + dt.timedelta(days=due_soon_days),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__person", "case__worker", "case__team")
        .order_by("due_by", "id")
    )
    return [
        ReviewRow(
            review,
            classify_review(review.due_by, today, due_soon_days=due_soon_days),
            (review.due_by - today).days,
        )
        for review in reviews
    ]


def reviews_coming_up(*, user: User, today: dt.date, due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> int:
    return (
        Review.objects.filter(
            status=ReviewStatus.OPEN,
            case__in=cases_visible_to(user),
            due_by__gt=today + dt.timedelta(days=due_soon_days),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .count()
    )
