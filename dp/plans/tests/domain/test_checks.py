"""Support plan checks and where a plan goes (no database)."""

from __future__ import annotations

import datetime as dt

from dp.assessments.domain.plan_checks import (
    CareHomeStay,
    Funding,
    ItemCategory,
    NecessaryDecision,
    NecessaryPurpose,
    NecessaryReason,
    Payee,
    PlanFacts,
    PlanItem,
    PlanPolicy,
    Relationship,
)
from dp.plans.domain.checks import (
    CHILDREN_SHORT_BREAKS,
    INDICATIVE_BUDGET,
    SubmissionRoute,
    check_children_short_breaks,
    check_support_plan,
    submission_route,
)


def facts(**overrides) -> PlanFacts:  # type: ignore[no-untyped-def]
    values = {
        "assessed_needs": frozenset({"personal_hygiene"}),
        "items": [
            PlanItem(
                "PA mornings",
                ItemCategory.PERSONAL_ASSISTANT,
                12000,
                Funding.DIRECT_PAYMENT,
                frozenset({"personal_hygiene"}),
            )
        ],
        "personal_budget_weekly_pence": 15000,
        "author_id": "1",
    }
    values.update(overrides)
    return PlanFacts(**values)


def codes(report) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {c.code: c.passed for c in report.checks}


class TestRoute:
    def test_all_passing_goes_to_approval(self) -> None:
        report = check_support_plan(facts(), PlanPolicy(), budget_known=True, needs_from_assessment=True)
        assert report.passed
        assert submission_route(report) is SubmissionRoute.APPROVAL

    def test_over_budget_only_goes_to_panel(self) -> None:
        report = check_support_plan(
            facts(personal_budget_weekly_pence=10000), PlanPolicy(), budget_known=True, needs_from_assessment=True
        )
        assert codes(report)["PLAN-WITHIN-BUDGET"] is False
        assert submission_route(report) is SubmissionRoute.FUNDING_PANEL

    def test_over_budget_and_family_member_is_blocked(self) -> None:
        partner = Payee("Sam", Relationship.SPOUSE_OR_CIVIL_PARTNER, True)
        report = check_support_plan(
            facts(personal_budget_weekly_pence=10000, payees=[partner]),
            PlanPolicy(),
            budget_known=True,
            needs_from_assessment=True,
        )
        assert submission_route(report) is SubmissionRoute.BLOCKED

    def test_without_indicative_budget_is_blocked_and_says_why(self) -> None:
        report = check_support_plan(facts(), PlanPolicy(), budget_known=False, needs_from_assessment=True)
        assert codes(report)[INDICATIVE_BUDGET] is False
        assert "PLAN-WITHIN-BUDGET" not in codes(report)
        assert submission_route(report) is SubmissionRoute.BLOCKED


class TestFamilyMember:
    def test_household_relative_needs_a_necessary_decision(self) -> None:
        daughter = Payee("Jo", Relationship.SON_OR_DAUGHTER, True)
        report = check_support_plan(
            facts(payees=[daughter]), PlanPolicy(), budget_known=True, needs_from_assessment=True
        )
        assert codes(report)["PLAN-FAMILY-MEMBER"] is False
        decided = Payee(
            "Jo",
            Relationship.SON_OR_DAUGHTER,
            True,
            NecessaryDecision(NecessaryReason.INTIMATE_SUPPORT, NecessaryPurpose.CARE, "Only Jo can"),
        )
        report = check_support_plan(
            facts(payees=[decided]), PlanPolicy(), budget_known=True, needs_from_assessment=True
        )
        assert codes(report)["PLAN-FAMILY-MEMBER"] is True


class TestCareHomeStays:
    def test_more_than_4_weeks_in_12_months_fails(self) -> None:
        stays = [
            CareHomeStay(dt.date(2026, 1, 1), dt.date(2026, 1, 20)),
            CareHomeStay(dt.date(2026, 2, 1), dt.date(2026, 2, 15)),
        ]
        report = check_support_plan(
            facts(care_home_stays=stays), PlanPolicy(), budget_known=True, needs_from_assessment=True
        )
        assert codes(report)["PLAN-CARE-HOME-STAYS"] is False


class TestChildrenShortBreaks:
    def test_within_cap(self) -> None:
        assert check_children_short_breaks(100, 120).passed

    def test_over_cap(self) -> None:
        check = check_children_short_breaks(121, 120)
        assert not check.passed
        assert check.code == CHILDREN_SHORT_BREAKS
        assert "120" in check.explanation

    def test_no_cap_set_passes_and_says_so(self) -> None:
        check = check_children_short_breaks(200, None)
        assert check.passed
        assert "has not set a limit" in check.explanation

    def test_none_planned(self) -> None:
        assert check_children_short_breaks(0, 10).passed

    def test_included_in_report(self) -> None:
        report = check_support_plan(
            facts(),
            PlanPolicy(),
            budget_known=True,
            needs_from_assessment=True,
            children_overnight_nights=130,
            children_cap_nights=120,
        )
        assert codes(report)[CHILDREN_SHORT_BREAKS] is False
        assert submission_route(report) is SubmissionRoute.BLOCKED


class TestNeedsFromPlan:
    def test_explains_when_needs_come_from_the_plan(self) -> None:
        report = check_support_plan(facts(), PlanPolicy(), budget_known=True, needs_from_assessment=False)
        check = next(c for c in report.checks if c.code == "PLAN-MEETS-ASSESSED-NEEDS")
        assert "No needs assessment is recorded" in check.explanation


class TestNothingDpsMayNotBuy:
    def test_excluded_category_fails(self) -> None:
        items = [
            PlanItem(
                "PA", ItemCategory.PERSONAL_ASSISTANT, 12000, Funding.DIRECT_PAYMENT, frozenset({"personal_hygiene"})
            ),
            PlanItem(
                "Rent",
                ItemCategory.FOOD_HOUSEHOLD_BILLS_OR_RENT,
                1000,
                Funding.DIRECT_PAYMENT,
                frozenset({"personal_hygiene"}),
            ),
        ]
        report = check_support_plan(facts(items=items), PlanPolicy(), budget_known=True, needs_from_assessment=True)
        assert codes(report)["PLAN-LOCAL-EXCLUSIONS"] is False
