"""Support plan checks (RULES.md §1.2-1.4, §5): one test class per check code."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.plan_checks import (
    CareHomeStay,
    Funding,
    ItemCategory,
    NecessaryDecision,
    NecessaryPurpose,
    NecessaryReason,
    Payee,
    PlanCheckReport,
    PlanFacts,
    PlanItem,
    PlanPolicy,
    Relationship,
    check_payee,
    check_plan,
    longest_residential_period_nights,
)
from dp.core.errors import ValidationFailed

D = dt.date
PA = PlanItem(
    "Personal assistant, 20 hours",
    ItemCategory.PERSONAL_ASSISTANT,
    30000,
    Funding.DIRECT_PAYMENT,
    frozenset({"personal_care", "meals"}),
)
DAY_CENTRE = PlanItem(
    "Day centre", ItemCategory.DAY_OPPORTUNITY, 5000, Funding.COUNCIL_ARRANGED, frozenset({"community"})
)


def plan(**changes: object) -> PlanFacts:
    values: dict[str, object] = {
        "assessed_needs": frozenset({"personal_care", "meals", "community"}),
        "items": (PA, DAY_CENTRE),
        "personal_budget_weekly_pence": 35000,
        "author_id": "worker-1",
    }
    values.update(changes)
    return PlanFacts(**values)  # type: ignore[arg-type]


def run(facts: PlanFacts, policy: PlanPolicy | None = None) -> PlanCheckReport:
    return check_plan(facts, policy)


def only(report: PlanCheckReport, code: str):
    matches = [c for c in report.checks if c.code == code]
    assert len(matches) == 1, code
    return matches[0]


def item(category: ItemCategory, funding: Funding = Funding.DIRECT_PAYMENT, description: str = "Thing") -> PlanItem:
    return PlanItem(description, category, 100, funding, frozenset({"community"}))


class TestWholePlan:
    def test_a_good_plan_passes_every_check(self) -> None:
        report = run(plan(approver_id="manager-1"))
        assert report.passed
        assert report.failed == ()
        assert [c.code for c in report.checks] == [
            "PLAN-MEETS-ASSESSED-NEEDS",
            "PLAN-DP-FOR-PLANNED-NEEDS",
            "PLAN-WITHIN-BUDGET",
            "PLAN-FAMILY-MEMBER",
            "PLAN-CARE-HOME-STAYS",
            "PLAN-LONG-TERM-RESIDENTIAL",
            "PLAN-NHS-SERVICES",
            "PLAN-COUNCIL-SERVICES",
            "PLAN-LOCAL-EXCLUSIONS",
            "PLAN-AUTHOR-NOT-APPROVER",
        ]
        assert all(c.explanation and c.source for c in report.checks)

    def test_without_an_approver_the_separation_check_is_left_out(self) -> None:
        assert "PLAN-AUTHOR-NOT-APPROVER" not in {c.code for c in run(plan()).checks}


class TestMeetsAssessedNeeds:
    def test_unmet_need_is_named(self) -> None:
        check = only(run(plan(items=(PA,))), "PLAN-MEETS-ASSESSED-NEEDS")
        assert check.passed is False
        assert "community" in check.explanation

    def test_empty_plan_meets_nothing(self) -> None:
        check = only(run(plan(items=())), "PLAN-MEETS-ASSESSED-NEEDS")
        assert check.passed is False
        assert "community, meals, personal_care" in check.explanation


class TestDpForPlannedNeeds:
    def test_dp_item_for_no_assessed_need_fails(self) -> None:
        holiday = PlanItem("Holiday", ItemCategory.ACTIVITY, 1000, Funding.DIRECT_PAYMENT, frozenset({"leisure"}))
        check = only(run(plan(items=(PA, DAY_CENTRE, holiday))), "PLAN-DP-FOR-PLANNED-NEEDS")
        assert check.passed is False
        assert "“Holiday”" in check.explanation
        assert "DP-USE-01" in check.source

    def test_council_arranged_items_are_not_direct_payment_use(self) -> None:
        other = PlanItem("Council thing", ItemCategory.OTHER, 0, Funding.COUNCIL_ARRANGED, frozenset())
        assert only(run(plan(items=(PA, DAY_CENTRE, other))), "PLAN-DP-FOR-PLANNED-NEEDS").passed


class TestWithinBudget:
    @pytest.mark.parametrize(("budget", "passed"), [(35000, True), (34999, False), (40000, True)])
    def test_budget_boundary(self, budget: int, passed: bool) -> None:
        check = only(run(plan(personal_budget_weekly_pence=budget)), "PLAN-WITHIN-BUDGET")
        assert check.passed is passed
        assert "£300.00" in check.explanation
        assert "£50.00" in check.explanation
        if not passed:
            assert "£0.01 a week over budget" in check.explanation
            assert "funding panel" in check.explanation


class TestFamilyMember:
    """DP Regs 2014 reg 3 (DP-FAM-01..06)."""

    @pytest.mark.parametrize(
        ("relationship", "same_household", "restricted"),
        [
            (Relationship.SPOUSE_OR_CIVIL_PARTNER, True, True),
            (Relationship.SPOUSE_OR_CIVIL_PARTNER, False, True),  # wherever they live
            (Relationship.LIVING_AS_SPOUSE_OR_CIVIL_PARTNER, True, True),
            (Relationship.PARENT_OR_PARENT_IN_LAW, True, True),
            (Relationship.PARENT_OR_PARENT_IN_LAW, False, False),
            (Relationship.SON_OR_DAUGHTER, True, True),
            (Relationship.SON_OR_DAUGHTER, False, False),  # DP-FAM-04: a daughter living elsewhere
            (Relationship.SON_OR_DAUGHTER_IN_LAW, True, True),
            (Relationship.STEPSON_OR_STEPDAUGHTER, True, True),
            (Relationship.BROTHER_OR_SISTER, True, True),
            (Relationship.AUNT_OR_UNCLE, True, True),
            (Relationship.GRANDPARENT, True, True),
            (Relationship.GRANDPARENT, False, False),
            (Relationship.PARTNER_OF_HOUSEHOLD_RELATIVE, True, True),
            (Relationship.OTHER_RELATIVE, True, False),
            (Relationship.FRIEND, True, False),
            (Relationship.NOT_RELATED, False, False),
        ],
    )
    def test_who_is_restricted(self, relationship: Relationship, same_household: bool, restricted: bool) -> None:
        check = check_payee(Payee("Sam", relationship, same_household))
        assert check.passed is (not restricted)
        if restricted:
            assert "necessary" in check.explanation

    def test_unverified_relationships_say_so(self) -> None:
        assert "[U]" in check_payee(Payee("Sam", Relationship.BROTHER_OR_SISTER, True)).source
        assert "[U]" not in check_payee(Payee("Sam", Relationship.SON_OR_DAUGHTER, True)).source

    @pytest.mark.parametrize(
        ("purpose", "wording"),
        [
            (NecessaryPurpose.CARE, "to provide care"),
            (NecessaryPurpose.ADMINISTRATION_AND_MANAGEMENT, "for administration and management"),
        ],
    )
    def test_necessary_decision_allows_payment(self, purpose: NecessaryPurpose, wording: str) -> None:
        decision = NecessaryDecision(NecessaryReason.INTIMATE_SUPPORT, purpose)
        check = check_payee(Payee("Pat", Relationship.SPOUSE_OR_CIVIL_PARTNER, True, decision))
        assert check.passed is True
        assert wording in check.explanation
        assert "intimate support" in check.explanation

    def test_partner_wording_does_not_mention_the_household(self) -> None:
        check = check_payee(Payee("Pat", Relationship.SPOUSE_OR_CIVIL_PARTNER, False))
        assert "living in the same household" not in check.explanation
        relative = check_payee(Payee("Jo", Relationship.SON_OR_DAUGHTER, True))
        assert "living in the same household" in relative.explanation

    def test_one_check_per_payee(self) -> None:
        payees = (Payee("Sam", Relationship.FRIEND, False), Payee("Pat", Relationship.SPOUSE_OR_CIVIL_PARTNER, True))
        report = run(plan(payees=payees))
        family = [c for c in report.checks if c.code == "PLAN-FAMILY-MEMBER"]
        assert [c.passed for c in family] == [True, False]
        assert not report.passed


class TestCareHomeStays:
    """DP-RES-01 (4 consecutive weeks in 12 months) and DP-RES-02 (stays < 4 weeks apart added)."""

    @pytest.mark.parametrize(("nights", "passed"), [(27, True), (28, True), (29, False)])
    def test_single_stay(self, nights: int, passed: bool) -> None:
        stay = CareHomeStay(D(2025, 6, 1), D(2025, 6, 1) + dt.timedelta(days=nights))
        check = only(run(plan(care_home_stays=(stay,))), "PLAN-CARE-HOME-STAYS")
        assert check.passed is passed
        assert f"{nights} nights" in check.explanation

    @pytest.mark.parametrize(("gap_days", "passed"), [(27, False), (28, True)])
    def test_stays_less_than_four_weeks_apart_are_added(self, gap_days: int, passed: bool) -> None:
        first = CareHomeStay(D(2025, 6, 1), D(2025, 6, 15))  # 14 nights
        start = first.end_on + dt.timedelta(days=gap_days)
        second = CareHomeStay(start, start + dt.timedelta(days=15))  # 15 nights
        check = only(run(plan(care_home_stays=(second, first))), "PLAN-CARE-HOME-STAYS")
        assert check.passed is passed

    def test_only_twelve_months_are_counted_together(self) -> None:
        # A chain of 10-night stays, each 20 days apart: in any 12 months far more than 28 nights.
        stays = []
        start = D(2025, 1, 1)
        for _ in range(4):
            stays.append(CareHomeStay(start, start + dt.timedelta(days=10)))
            start += dt.timedelta(days=30)
        assert longest_residential_period_nights(stays) == 40

    def test_window_ends_twelve_months_after_a_stay_starts(self) -> None:
        # Two stays linked by short gaps across more than a year: each 12-month window holds at most 28.
        stays = [
            CareHomeStay(D(2025, 1, 1), D(2025, 1, 15)),  # 14 nights
            CareHomeStay(D(2025, 2, 1), D(2025, 2, 15)),  # 14 nights, 17 days later
        ]
        assert longest_residential_period_nights(stays) == 28
        long_chain = [CareHomeStay(D(2025, 1, 1), D(2025, 1, 29)), CareHomeStay(D(2025, 12, 31), D(2026, 1, 2))]
        assert longest_residential_period_nights(long_chain) == 28  # 336 days apart: not added

    def test_a_stay_crossing_the_window_end_is_cut_at_it(self) -> None:
        stays = [CareHomeStay(D(2025, 1, 1), D(2025, 1, 5))]
        start = D(2025, 1, 5)
        while start < D(2026, 1, 1):  # 4-night stays every 24 days keep the chain linked
            start += dt.timedelta(days=20)
            stays.append(CareHomeStay(start, start + dt.timedelta(days=4)))
            start += dt.timedelta(days=4)
        nights = longest_residential_period_nights(stays)
        assert 28 < nights <= 366

    def test_no_stays(self) -> None:
        assert only(run(plan()), "PLAN-CARE-HOME-STAYS").explanation == "No stays in a care home are planned."

    def test_trailblazer_council(self) -> None:
        stay = CareHomeStay(D(2025, 6, 1), D(2025, 9, 1))
        check = only(
            run(plan(care_home_stays=(stay,)), PlanPolicy(allow_longterm_residential_dp=True)), "PLAN-CARE-HOME-STAYS"
        )
        assert check.passed is True
        assert "DP-RES-03" in check.explanation

    def test_stay_must_end_after_it_starts(self) -> None:
        with pytest.raises(ValidationFailed):
            CareHomeStay(D(2025, 6, 1), D(2025, 6, 1))

    def test_overlapping_stays_are_refused(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            plan(
                care_home_stays=(
                    CareHomeStay(D(2025, 6, 1), D(2025, 6, 10)),
                    CareHomeStay(D(2025, 6, 9), D(2025, 6, 12)),
                )
            )
        assert exc.value.field == "care_home_stays"

    def test_back_to_back_stays_are_one_period(self) -> None:
        stays = (CareHomeStay(D(2025, 6, 1), D(2025, 6, 15)), CareHomeStay(D(2025, 6, 15), D(2025, 6, 30)))
        assert longest_residential_period_nights(stays) == 29

    @given(st.lists(st.tuples(st.integers(0, 700), st.integers(1, 40)), max_size=6))
    def test_never_less_than_the_longest_stay(self, raw: list[tuple[int, int]]) -> None:
        stays, cursor = [], D(2024, 1, 1)
        for gap, nights in raw:
            start = cursor + dt.timedelta(days=gap)
            stays.append(CareHomeStay(start, start + dt.timedelta(days=nights)))
            cursor = start + dt.timedelta(days=nights)
        longest = longest_residential_period_nights(stays)
        assert longest >= max((s.nights for s in stays), default=0)
        assert longest <= sum(s.nights for s in stays)


class TestWhatDirectPaymentsMayNotBuy:
    @pytest.mark.parametrize(
        ("category", "code"),
        [
            (ItemCategory.LONG_TERM_RESIDENTIAL_CARE, "PLAN-LONG-TERM-RESIDENTIAL"),
            (ItemCategory.NHS_HEALTHCARE, "PLAN-NHS-SERVICES"),
            (ItemCategory.COUNCIL_SERVICE, "PLAN-COUNCIL-SERVICES"),
            (ItemCategory.GAMBLING, "PLAN-LOCAL-EXCLUSIONS"),
            (ItemCategory.ILLEGAL, "PLAN-LOCAL-EXCLUSIONS"),
            (ItemCategory.CASH_WITHDRAWAL, "PLAN-LOCAL-EXCLUSIONS"),
        ],
    )
    def test_excluded_by_direct_payment(self, category: ItemCategory, code: str) -> None:
        check = only(run(plan(items=(PA, DAY_CENTRE, item(category, description="Bad")))), code)
        assert check.passed is False
        assert "“Bad”" in check.explanation

    @pytest.mark.parametrize(
        "category", [ItemCategory.LONG_TERM_RESIDENTIAL_CARE, ItemCategory.COUNCIL_SERVICE, ItemCategory.GAMBLING]
    )
    def test_not_checked_when_the_council_arranges_it(self, category: ItemCategory) -> None:
        facts = plan(
            items=(PA, DAY_CENTRE, item(category, Funding.COUNCIL_ARRANGED)), personal_budget_weekly_pence=40000
        )
        assert run(facts).passed

    def test_council_may_allow_long_term_residential(self) -> None:
        policy = PlanPolicy(allow_longterm_residential_dp=True)
        check = only(
            run(plan(items=(PA, DAY_CENTRE, item(ItemCategory.LONG_TERM_RESIDENTIAL_CARE))), policy),
            "PLAN-LONG-TERM-RESIDENTIAL",
        )
        assert check.passed is True
        assert "may pay" in check.explanation

    def test_council_may_allow_its_own_services(self) -> None:
        policy = PlanPolicy(allow_inhouse_purchase=True)
        assert only(
            run(plan(items=(PA, DAY_CENTRE, item(ItemCategory.COUNCIL_SERVICE))), policy), "PLAN-COUNCIL-SERVICES"
        ).passed

    def test_council_chooses_its_exclusions(self) -> None:
        policy = PlanPolicy(excluded_categories=frozenset({ItemCategory.ILLEGAL}))
        assert only(
            run(plan(items=(PA, DAY_CENTRE, item(ItemCategory.CASH_WITHDRAWAL))), policy), "PLAN-LOCAL-EXCLUSIONS"
        ).passed

    def test_nhs_is_never_allowed(self) -> None:
        policy = PlanPolicy(
            excluded_categories=frozenset(), allow_inhouse_purchase=True, allow_longterm_residential_dp=True
        )
        assert not only(
            run(plan(items=(PA, DAY_CENTRE, item(ItemCategory.NHS_HEALTHCARE))), policy), "PLAN-NHS-SERVICES"
        ).passed


class TestAuthorNotApprover:
    def test_author_cannot_approve(self) -> None:
        check = only(run(plan(approver_id="worker-1")), "PLAN-AUTHOR-NOT-APPROVER")
        assert check.passed is False

    def test_someone_else_approves(self) -> None:
        assert only(run(plan(approver_id="manager-1")), "PLAN-AUTHOR-NOT-APPROVER").passed


class TestFactsValidation:
    def test_negative_cost(self) -> None:
        bad = PlanItem("x", ItemCategory.OTHER, -1, Funding.DIRECT_PAYMENT)
        with pytest.raises(ValidationFailed) as exc:
            plan(items=(PA, bad))
        assert exc.value.field == "items[1].weekly_cost_pence"

    def test_negative_budget(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            plan(personal_budget_weekly_pence=-1)
        assert exc.value.field == "personal_budget_weekly_pence"

    def test_sequences_are_kept_as_tuples_and_stays_sorted(self) -> None:
        late, early = CareHomeStay(D(2025, 9, 1), D(2025, 9, 2)), CareHomeStay(D(2025, 6, 1), D(2025, 6, 2))
        facts = plan(items=[PA], payees=[], care_home_stays=[late, early], assessed_needs={"meals"})
        assert facts.items == (PA,)
        assert facts.care_home_stays == (early, late)
        assert facts.assessed_needs == frozenset({"meals"})
