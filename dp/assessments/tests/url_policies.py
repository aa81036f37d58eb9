"""Who may use each assessments page (merged into tests/test_url_matrix.py), and sample arguments.

The sample objects hang off the world's active case, which every care role may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dp.staff.roles import CARE_ROLES, Role

CASEWORK = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
FINANCE = {Role.FINANCIAL_ASSESSOR}
LETTERS = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.FINANCIAL_ASSESSOR}

EXPECTED: dict[str, Any] = {
    "assessments:offer_new": CASEWORK,
    "assessments:eligibility_new": CASEWORK,
    "assessments:eligibility_detail": CARE_ROLES,
    "assessments:eligibility_letter": CASEWORK,
    "assessments:needs_new": CASEWORK,
    "assessments:needs_detail": CARE_ROLES,
    "assessments:needs_edit": CASEWORK,
    "assessments:needs_complete": CASEWORK,
    "assessments:financial_new": FINANCE,
    "assessments:financial_detail": CARE_ROLES,
    "assessments:financial_edit": FINANCE,
    "assessments:financial_complete": FINANCE,
    "assessments:financial_letter": LETTERS,
    "assessments:national_figures": {Role.SYSTEM_ADMIN, Role.FINANCIAL_ASSESSOR},
    "assessments:national_figure_enter": {Role.SYSTEM_ADMIN},
    "assessments:uprating_list": FINANCE,
    "assessments:uprating_detail": FINANCE,
    "assessments:uprating_approve": FINANCE,
    "assessments:uprating_letters": FINANCE,
    "assessments:uprating_letter": FINANCE,
}


def _refusal(w: Any) -> dict[str, int]:
    from dp.assessments.tests.factories import RefusedDecisionFactory

    decision = RefusedDecisionFactory(case=w.case, decided_by=w.user(Role.SOCIAL_WORKER))
    return {"case_id": w.case.pk, "decision_id": decision.pk}


def _needs(w: Any) -> dict[str, int]:
    from dp.assessments.tests.factories import DraftNeedsAssessmentFactory

    assessment = DraftNeedsAssessmentFactory(case=w.case, created_by=w.user(Role.SOCIAL_WORKER))
    return {"case_id": w.case.pk, "assessment_id": assessment.pk}


def _draft_financial(w: Any) -> dict[str, int]:
    from dp.assessments.tests.factories import DraftFinancialAssessmentFactory

    assessment = DraftFinancialAssessmentFactory(case=w.case, calculated_by=w.user(Role.FINANCIAL_ASSESSOR))
    return {"case_id": w.case.pk, "assessment_id": assessment.pk}


def _completed_financial(w: Any) -> dict[str, int]:
    from dp.assessments.constants import FinancialStatus
    from dp.assessments.tests.factories import DraftFinancialAssessmentFactory

    assessment = DraftFinancialAssessmentFactory(
        case=w.case,
        calculated_by=w.user(Role.FINANCIAL_ASSESSOR),
        status=FinancialStatus.COMPLETED,
        completed_by=w.user(Role.FINANCIAL_ASSESSOR),
        completed_at="2025-06-02T10:00:00Z",
    )
    return {"case_id": w.case.pk, "assessment_id": assessment.pk}


def _ready_batch(w: Any) -> dict[str, int]:
    from dp.assessments.tests.factories import (
        DraftFinancialAssessmentFactory,
        ReadyUpratingBatchFactory,
        UpratingItemFactory,
    )

    batch = ReadyUpratingBatchFactory(created_by=w.user(Role.FINANCIAL_ASSESSOR), total=1, processed=1)
    old = DraftFinancialAssessmentFactory(case=w.case, calculated_by=w.user(Role.FINANCIAL_ASSESSOR))
    item = UpratingItemFactory(batch=batch, assessment=old)
    return {"batch_id": batch.pk, "item_id": item.pk}


def _applied_batch(w: Any) -> dict[str, int]:
    from dp.assessments.tests.factories import applied_uprating

    batch, item = applied_uprating(
        case=w.case, officer=w.user(Role.FINANCIAL_ASSESSOR), approver=w.user(Role.TEAM_MANAGER)
    )
    return {"batch_id": batch.pk, "item_id": item.pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "assessments:offer_new": lambda w: {"case_id": w.case.pk},
    "assessments:eligibility_new": lambda w: {"case_id": w.case.pk},
    "assessments:eligibility_detail": _refusal,
    "assessments:eligibility_letter": _refusal,
    "assessments:needs_new": lambda w: {"case_id": w.case.pk},
    "assessments:needs_detail": _needs,
    "assessments:needs_edit": _needs,
    "assessments:needs_complete": _needs,
    "assessments:financial_new": lambda w: {"case_id": w.case.pk},
    "assessments:financial_detail": _completed_financial,
    "assessments:financial_edit": _draft_financial,
    "assessments:financial_complete": _draft_financial,
    "assessments:financial_letter": _completed_financial,
    "assessments:national_figure_enter": lambda w: {
        "table": "charging",
        "year": "2026-27",
        "name": "mig_single_18_to_24_pence",
    },
    "assessments:uprating_detail": lambda w: {"batch_id": _ready_batch(w)["batch_id"]},
    "assessments:uprating_approve": lambda w: {"batch_id": _ready_batch(w)["batch_id"]},
    "assessments:uprating_letters": lambda w: {"batch_id": _applied_batch(w)["batch_id"]},
    "assessments:uprating_letter": _applied_batch,
}
