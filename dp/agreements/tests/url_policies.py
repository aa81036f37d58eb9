"""Who may use each agreements page (merged into tests/test_url_matrix.py), with sample arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dp.agreements.tests.samples import agreement_samples
from dp.staff.roles import CARE_ROLES, Role

WORKERS = {Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER}

EXPECTED: dict[str, Any] = {
    "agreements:agreement_create": WORKERS,
    "agreements:agreement_detail": CARE_ROLES,
    "agreements:agreement_pdf": CARE_ROLES,
    "agreements:agreement_sign": WORKERS,
    "agreements:review_queue": WORKERS,
    "agreements:review_request": WORKERS,
    "agreements:review_complete": WORKERS,
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "agreements:agreement_create": lambda w: {"case_id": agreement_samples(w).agreement_case.pk},
    "agreements:agreement_detail": lambda w: {"agreement_id": agreement_samples(w).draft.pk},
    "agreements:agreement_pdf": lambda w: {"agreement_id": agreement_samples(w).signed.pk},
    "agreements:agreement_sign": lambda w: {"agreement_id": agreement_samples(w).draft.pk},
    "agreements:review_request": lambda w: {"case_id": w.case.pk},
    "agreements:review_complete": lambda w: {"review_id": agreement_samples(w).review.pk},
}
