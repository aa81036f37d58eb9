"""Helpers shared by the uprating tests: current assessments made through the services, and the
2026/27 figures a test administrator enters (no verified 2026/27 figures are shipped)."""

from __future__ import annotations

import datetime as dt

from dp.assessments import services
from dp.assessments.tests.factories import SAMPLE_INPUTS
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.staff.roles import Role

ASSESSED = dt.date(2025, 6, 2)
TARGET = dt.date(2026, 4, 1)
# Figures for 2026/27 a test administrator "enters": no verified 2026/27 figures are shipped.
ENTERED_2026 = {
    "capital_lower_limit_pence": 1_425_000,
    "capital_upper_limit_pence": 2_325_000,
    "mig_single_25_to_pension_credit_age_pence": 11_700,
    "disability_premium_single_pence": 5_150,
}


def current_assessment(staff, **case_kwargs):  # type: ignore[no-untyped-def]
    case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.SUPPORT_PLANNING, **case_kwargs)
    draft = services.financial_assessment_calculate(
        actor=staff[Role.FINANCIAL_ASSESSOR], case=case, assessed_on=ASSESSED, inputs=SAMPLE_INPUTS
    )
    return services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=draft)


def enter_2026_figures(staff) -> None:  # type: ignore[no-untyped-def]
    for name, amount in ENTERED_2026.items():
        services.national_figure_enter(
            actor=staff[Role.SYSTEM_ADMIN],
            table="charging",
            rates_year="2026/27",
            name=name,
            amount_pence=amount,
            source="Test circular",
        )
