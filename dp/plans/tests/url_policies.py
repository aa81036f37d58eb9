"""Who may use each plans page (merged into tests/test_url_matrix.py), with sample arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dp.plans.tests.samples import plan_samples
from dp.staff.roles import CARE_ROLES, Role

SCHEME_VIEW = {Role.SYSTEM_ADMIN, Role.TEAM_MANAGER, Role.AUDITOR}
ADMIN = {Role.SYSTEM_ADMIN}
PLANNING = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
MANAGER = {Role.TEAM_MANAGER}

EXPECTED: dict[str, Any] = {
    "plans:ras_list": SCHEME_VIEW,
    "plans:ras_create": ADMIN,
    "plans:ras_detail": SCHEME_VIEW,
    "plans:ras_edit": ADMIN,
    "plans:ras_question_add": ADMIN,
    "plans:ras_question_remove": ADMIN,
    "plans:ras_publish": ADMIN,
    "plans:indicative_budget": PLANNING,
    "plans:plan_start": PLANNING,
    "plans:plan_detail": CARE_ROLES,
    "plans:outcome_add": PLANNING,
    "plans:outcome_remove": PLANNING,
    "plans:payee_add": PLANNING,
    "plans:payee_remove": PLANNING,
    "plans:payee_necessary": MANAGER,
    "plans:line_add": PLANNING,
    "plans:line_remove": PLANNING,
    "plans:plan_submit": PLANNING,
    "plans:plan_panel": MANAGER,
    "plans:plan_approve": MANAGER,
    "plans:plan_return": MANAGER,
}


def _draft(w: Any) -> dict[str, int]:
    return {"plan_id": plan_samples(w).draft_plan.pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "plans:ras_detail": lambda w: {"scheme_id": plan_samples(w).scheme.pk},
    "plans:ras_edit": lambda w: {"scheme_id": plan_samples(w).draft_scheme.pk},
    "plans:ras_question_add": lambda w: {"scheme_id": plan_samples(w).draft_scheme.pk},
    "plans:ras_question_remove": lambda w: {
        "scheme_id": plan_samples(w).draft_scheme.pk,
        "question_id": plan_samples(w).draft_question.pk,
    },
    "plans:ras_publish": lambda w: {"scheme_id": plan_samples(w).draft_scheme.pk},
    "plans:indicative_budget": lambda w: {"case_id": plan_samples(w).new_case.pk},
    "plans:plan_start": lambda w: {"case_id": plan_samples(w).new_case.pk},
    "plans:plan_detail": _draft,
    "plans:outcome_add": _draft,
    "plans:outcome_remove": lambda w: {**_draft(w), "outcome_id": plan_samples(w).draft_plan.outcomes.first().pk},
    "plans:payee_add": _draft,
    "plans:payee_remove": lambda w: {**_draft(w), "payee_id": plan_samples(w).family_payee.pk},
    "plans:payee_necessary": lambda w: {**_draft(w), "payee_id": plan_samples(w).family_payee.pk},
    "plans:line_add": _draft,
    "plans:line_remove": lambda w: {**_draft(w), "line_id": plan_samples(w).draft_plan.lines.first().pk},
    "plans:plan_submit": _draft,
    "plans:plan_panel": lambda w: {"plan_id": plan_samples(w).panel_plan.pk},
    "plans:plan_approve": lambda w: {"plan_id": plan_samples(w).approval_plan.pk},
    "plans:plan_return": lambda w: {"plan_id": plan_samples(w).approval_plan.pk},
}
