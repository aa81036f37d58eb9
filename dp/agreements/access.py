"""Fetching agreements and reviews the user may see (404 for missing and forbidden alike)."""

from __future__ import annotations

from django.http import Http404

from dp.agreements.models import Agreement, Review
from dp.cases.access import cases_visible_to
from dp.staff.models import User


def access_agreement_by_id(user: User, agreement_id: int) -> Agreement:
    agreement = (
        Agreement.objects.filter(pk=agreement_id, case__in=cases_visible_to(user))
        .select_related("case__person", "case__team", "case__worker", "plan", "budget", "holder_person")
        .first()
    )
    if agreement is None:
        raise Http404("No such agreement")
    return agreement


def access_review_by_id(user: User, review_id: int) -> Review:
    review = (
        Review.objects.filter(pk=review_id, case__in=cases_visible_to(user))
        .select_related("case__person", "case__team", "agreement")
        .first()
    )
    if review is None:
        raise Http404("No such review")
    return review
