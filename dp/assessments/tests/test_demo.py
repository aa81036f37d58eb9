"""The demo council's assessments: realistic, computed with the real rules, never inventing
national figures."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments.constants import FinancialStatus
from dp.assessments.models import EligibilityDecision, FinancialAssessment, NationalFigureEntry, NeedsAssessment
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus


@pytest.mark.django_db
def test_demo_assessments() -> None:
    from dp.demo import seed

    seed.build(people=400, seed=7, today=dt.date(2026, 11, 1))

    assert NeedsAssessment.objects.filter(status="completed").exists()
    assert NeedsAssessment.objects.filter(status="draft", case__status=CaseStatus.NEEDS_ASSESSMENT).exists()
    assert EligibilityDecision.objects.filter(outcome="eligible").exists()
    assert EligibilityDecision.objects.filter(
        outcome="not_eligible", exclusion_order="drug_rehabilitation_requirement"
    ).exists()
    current = FinancialAssessment.objects.filter(status=FinancialStatus.COMPLETED, is_current=True)
    assert current.count() > 20
    assert not current.filter(case__case_type__in=["carer", "child_family"]).exists()
    assert current.filter(weekly_contribution_pence__gt=0).exists()
    assert current.filter(weekly_contribution_pence=0).exists()
    assert {fa.rates_year for fa in current} <= {"2024/25", "2025/26", "2026/27"}
    assert not current.filter(rates_year="2026/27", capital_pence__gt=0).exists()
    for fa in current[:20]:
        assert fa.breakdown[-1]["amount_pence"] == fa.weekly_contribution_pence
    assert not NationalFigureEntry.objects.exists()  # the demo never enters national figures
    assert Event.objects.filter(event_type="assessment.financial_completed").count() == current.count()
