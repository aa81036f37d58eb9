"""Payment schedules: CALCULATE.md `payment-schedule`, adjustments, endings and one-off payments."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.core.errors import ValidationFailed
from dp.payments.domain import schedule as s
from dp.payments.domain.schedule import (
    OneOffPayment,
    PaidPeriod,
    ScheduleChange,
    ScheduleRequest,
    ScheduleTerms,
    calculate_adjustment,
    calculate_json,
    calculate_period,
    calculate_schedule,
    end_direct_payment,
    parse_request,
    prorate,
    recovery_instalments,
    scheduled_items,
    settle_in_next_payment,
    to_response,
)

D = dt.date
START = D(2025, 4, 7)  # a Monday
DAY = dt.timedelta(days=1)


def terms(*changes: tuple[dt.date, int, int], period_weeks: int = 4, basis: s.Basis = "net") -> ScheduleTerms:
    return ScheduleTerms(
        start_on=changes[0][0],
        changes=tuple(ScheduleChange(on, budget, contribution) for on, budget, contribution in changes),
        period_weeks=period_weeks,
        basis=basis,
    )


def schedule(periods: int, *changes: tuple[dt.date, int, int], **kwargs: object) -> s.ScheduleResult:
    return calculate_schedule(ScheduleRequest(terms=terms(*changes, **kwargs), periods=periods))  # type: ignore[arg-type]


def body(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "start_on": "2025-04-07",
        "periods": 3,
        "changes": [{"effective_on": "2025-04-07", "weekly_budget_pence": 50000, "weekly_contribution_pence": 12000}],
    }
    payload.update(overrides)
    return payload


def error_of(payload: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        parse_request(payload)
    return info.value


class TestPeriods:
    def test_default_is_four_weekly_periods_end_inclusive(self):
        result = calculate_schedule(parse_request(body()))
        assert [(p.start_on, p.end_on) for p in result.periods] == [
            (D(2025, 4, 7), D(2025, 5, 4)),
            (D(2025, 5, 5), D(2025, 6, 1)),
            (D(2025, 6, 2), D(2025, 6, 29)),
        ]

    def test_whole_periods_are_weekly_amount_times_weeks_exactly(self):
        result = schedule(2, (START, 50001, 12001))
        for p in result.periods:
            assert p.budget_pence == 200004
            assert p.contribution_due_pence == 48004
            assert p.council_payment_pence == 152000
            assert not p.prorated

    @pytest.mark.parametrize("weeks", [1, 2, 3, 4, 52])
    def test_period_length_follows_period_weeks(self, weeks):
        result = schedule(2, (START, 700, 0), period_weeks=weeks)
        first, second = result.periods
        assert first.days == 7 * weeks
        assert second.start_on == first.end_on + DAY
        assert first.budget_pence == 700 * weeks

    def test_periods_are_numbered_from_one(self):
        assert [p.number for p in schedule(3, (START, 1, 0)).periods] == [1, 2, 3]

    def test_period_number_on(self):
        t = terms((START, 1, 0))
        assert t.period_number_on(START) == 1
        assert t.period_number_on(D(2025, 5, 4)) == 1
        assert t.period_number_on(D(2025, 5, 5)) == 2
        with pytest.raises(ValueError, match="before the schedule starts"):
            t.period_number_on(START - DAY)

    def test_period_number_must_be_positive(self):
        with pytest.raises(ValueError, match="start at 1"):
            terms((START, 1, 0)).period_bounds(0)


class TestProRating:
    """A change inside a period is pro-rated by days: weekly x days / 7, rounded half up."""

    def test_change_on_a_periods_first_day_is_not_prorated(self):
        result = schedule(2, (START, 70000, 0), (D(2025, 5, 5), 35000, 0))
        assert [p.budget_pence for p in result.periods] == [280000, 140000]
        assert not any(p.prorated for p in result.periods)

    def test_change_on_a_periods_last_day_prorates_one_day(self):
        result = schedule(1, (START, 50000, 10000), (D(2025, 5, 4), 60000, 20000))
        (p,) = result.periods
        assert p.prorated
        assert [seg.days for seg in p.segments] == [27, 1]
        # 50000 x 27 / 7 = 192857.14 -> 192857; 60000 / 7 = 8571.43 -> 8571
        assert p.budget_pence == 192857 + 8571
        # 10000 x 27 / 7 = 38571.43 -> 38571; 20000 / 7 = 2857.14 -> 2857
        assert p.contribution_due_pence == 38571 + 2857
        assert p.council_payment_pence == p.budget_pence - p.contribution_due_pence

    def test_change_on_the_day_after_a_period_shows_on_the_next_period(self):
        result = schedule(2, (START, 50000, 0), (D(2025, 5, 5), 60000, 0))
        assert [p.budget_pence for p in result.periods] == [200000, 240000]

    def test_change_on_a_periods_second_day(self):
        result = schedule(1, (START, 70000, 0), (START + DAY, 140000, 0))
        assert result.periods[0].budget_pence == 10000 + 27 * 20000

    def test_change_mid_period_rounds_half_up(self):
        result = schedule(2, (START, 50000, 12000), (D(2025, 5, 15), 55000, 12000))
        p = result.periods[1]
        assert [(seg.start_on, seg.end_on, seg.days) for seg in p.segments] == [
            (D(2025, 5, 5), D(2025, 5, 14), 10),
            (D(2025, 5, 15), D(2025, 6, 1), 18),
        ]
        # 50000 x 10 / 7 = 71428.57 -> 71429 (up); 55000 x 18 / 7 = 141428.57 -> 141429
        assert p.budget_pence == 71429 + 141429
        # 12000 x 10 / 7 = 17142.86 -> 17143; 12000 x 18 / 7 = 30857.14 -> 30857 (down)
        assert p.contribution_due_pence == 17143 + 30857

    def test_two_changes_in_one_period_make_three_segments(self):
        result = schedule(1, (START, 7000, 0), (START + 3 * DAY, 14000, 0), (START + 10 * DAY, 0, 0))
        (p,) = result.periods
        assert [seg.days for seg in p.segments] == [3, 7, 18]
        assert p.budget_pence == 3000 + 14000 + 0

    def test_a_change_after_the_last_period_has_no_effect(self):
        result = schedule(1, (START, 7000, 0), (D(2026, 1, 1), 99999, 0))
        assert result.periods[0].budget_pence == 28000

    @pytest.mark.parametrize(
        ("weekly", "days", "expected"),
        [(1, 3, 0), (1, 4, 1), (10, 1, 1), (10, 3, 4), (10, 5, 7), (100, 7, 100), (3, 14, 6), (0, 5, 0)],
    )
    def test_prorate(self, weekly, days, expected):
        assert prorate(weekly, days) == expected

    def test_change_in_force_on(self):
        t = terms((START, 1, 0), (D(2025, 5, 1), 2, 0))
        assert t.change_in_force_on(D(2025, 4, 30)).weekly_budget_pence == 1
        assert t.change_in_force_on(D(2025, 5, 1)).weekly_budget_pence == 2
        with pytest.raises(ValueError, match="before the schedule starts"):
            t.change_in_force_on(START - DAY)


class TestContributionNeverExceedsBudget:
    def test_contribution_above_budget_is_limited_to_the_budget(self):
        (p,) = schedule(1, (START, 10000, 25000)).periods
        assert p.contribution_due_pence == p.budget_pence == 40000
        assert p.council_payment_pence == 0

    def test_contribution_equal_to_budget_leaves_nothing_for_the_council(self):
        (p,) = schedule(1, (START, 10000, 10000)).periods
        assert (p.council_payment_pence, p.contribution_due_pence) == (0, 40000)

    def test_zero_budget(self):
        (p,) = schedule(1, (START, 0, 5000)).periods
        assert (p.budget_pence, p.contribution_due_pence, p.council_payment_pence) == (0, 0, 0)

    def test_zero_everything(self):
        (p,) = schedule(1, (START, 0, 0)).periods
        assert (p.budget_pence, p.contribution_due_pence, p.council_payment_pence) == (0, 0, 0)

    def test_the_cap_applies_day_by_day_not_to_the_period_total(self):
        # 14 days of £70/week with no contribution, then 14 days of nothing with a £50/week contribution:
        # no stretch of days may charge more than it cost.
        (p,) = schedule(1, (START, 7000, 0), (START + 14 * DAY, 0, 5000)).periods
        assert p.budget_pence == 14000
        assert p.contribution_due_pence == 0
        assert p.council_payment_pence == 14000

    def test_capped_weekly_contribution(self):
        assert ScheduleChange(START, 100, 250).capped_weekly_contribution_pence == 100
        assert ScheduleChange(START, 300, 250).capped_weekly_contribution_pence == 250


class TestBasis:
    def test_net_council_pays_budget_less_contribution(self):
        (p,) = schedule(1, (START, 50000, 12000), basis="net").periods
        assert (p.budget_pence, p.contribution_due_pence, p.council_payment_pence) == (200000, 48000, 152000)

    def test_gross_council_pays_the_whole_budget_and_contribution_is_invoiced(self):
        (p,) = schedule(1, (START, 50000, 12000), basis="gross").periods
        assert (p.budget_pence, p.contribution_due_pence, p.council_payment_pence) == (200000, 48000, 200000)

    def test_council_payment(self):
        assert s.council_payment(100, 30, "net") == 70
        assert s.council_payment(100, 130, "net") == 0
        assert s.council_payment(100, 30, "gross") == 100


class TestTermsInvariants:
    def test_first_change_must_be_on_start_on(self):
        with pytest.raises(ValidationFailed) as info:
            ScheduleTerms(start_on=START, changes=(ScheduleChange(START + DAY, 1, 0),))
        assert info.value.field == "changes[0].effective_on"

    def test_changes_must_be_strictly_in_date_order(self):
        with pytest.raises(ValidationFailed) as info:
            terms((START, 1, 0), (START + 5 * DAY, 1, 0), (START + 5 * DAY, 2, 0))
        assert info.value.field == "changes[2].effective_on"

    def test_at_least_one_change(self):
        with pytest.raises(ValidationFailed) as info:
            ScheduleTerms(start_on=START, changes=())
        assert info.value.field == "changes"

    def test_negative_amounts_are_refused(self):
        with pytest.raises(ValidationFailed) as info:
            terms((START, 1, -1))
        assert info.value.field == "changes[0].weekly_contribution_pence"

    def test_huge_amounts_are_refused(self):
        with pytest.raises(ValidationFailed) as info:
            terms((START, s.MAX_PENCE + 1, 0))
        assert info.value.field == "changes[0].weekly_budget_pence"

    @pytest.mark.parametrize("weeks", [0, 53])
    def test_period_weeks_range(self, weeks):
        with pytest.raises(ValidationFailed) as info:
            terms((START, 1, 0), period_weeks=weeks)
        assert info.value.field == "period_weeks"

    def test_basis_must_be_known(self):
        with pytest.raises(ValidationFailed) as info:
            terms((START, 1, 0), basis="both")  # type: ignore[arg-type]
        assert info.value.field == "basis"

    @pytest.mark.parametrize("periods", [0, s.MAX_PERIODS + 1])
    def test_periods_range(self, periods):
        with pytest.raises(ValidationFailed) as info:
            ScheduleRequest(terms=terms((START, 1, 0)), periods=periods)
        assert info.value.field == "periods"

    def test_schedule_must_end_before_the_calendar_does(self):
        with pytest.raises(ValidationFailed) as info:
            ScheduleRequest(terms=terms((D(9999, 12, 1), 1, 0)), periods=2)
        assert info.value.field == "periods"

    def test_calculate_period_refuses_days_before_the_start_or_backwards(self):
        t = terms((START, 1, 0))
        with pytest.raises(ValueError, match="before the schedule starts"):
            calculate_period(t, START - DAY, START)
        with pytest.raises(ValueError, match="end on or after"):
            calculate_period(t, START + DAY, START)


class TestParseRequest:
    """The JSON is checked exactly as CALCULATE.md says; errors name a JSON path."""

    def test_minimal_request_takes_the_defaults(self):
        request = parse_request(body())
        assert request.periods == 3
        assert request.terms.period_weeks == 4
        assert request.terms.basis == "net"
        assert request.terms.changes == (ScheduleChange(START, 50000, 12000),)

    def test_all_fields(self):
        request = parse_request(body(period_weeks=2, basis="gross"))
        assert (request.terms.period_weeks, request.terms.basis) == (2, "gross")

    def test_the_body_must_be_an_object(self):
        error = error_of([1, 2])
        assert error.field == ""
        assert "JSON object" in error.message

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            (body(polcy={}), "polcy"),
            (
                body(changes=[{"effective_on": "2025-04-07", "weekly_budget": 1, "weekly_contribution_pence": 0}]),
                "changes[0].weekly_budget",
            ),
        ],
    )
    def test_unknown_fields_are_an_error(self, payload, field):
        error = error_of(payload)
        assert error.field == field
        assert "not a field" in error.message

    @pytest.mark.parametrize("missing", ["start_on", "periods", "changes"])
    def test_required_fields(self, missing):
        payload = body()
        del payload[missing]
        error = error_of(payload)
        assert error.field == missing
        assert "required" in error.message

    @pytest.mark.parametrize("missing", ["effective_on", "weekly_budget_pence", "weekly_contribution_pence"])
    def test_required_change_fields(self, missing):
        change = {"effective_on": "2025-04-07", "weekly_budget_pence": 1, "weekly_contribution_pence": 0}
        del change[missing]
        assert error_of(body(changes=[change])).field == f"changes[0].{missing}"

    @pytest.mark.parametrize("bad", [12.5, 12.0, "1200", True, None, [1], {"pence": 1}])
    def test_money_must_be_whole_pence(self, bad):
        changes = [
            {"effective_on": "2025-04-07", "weekly_budget_pence": 1, "weekly_contribution_pence": 0},
            {"effective_on": "2025-05-07", "weekly_budget_pence": bad, "weekly_contribution_pence": 0},
        ]
        error = error_of(body(changes=changes))
        assert error.field == "changes[1].weekly_budget_pence"
        assert "whole number of pence" in error.message

    def test_money_must_not_be_negative(self):
        changes = [{"effective_on": "2025-04-07", "weekly_budget_pence": 1, "weekly_contribution_pence": -1}]
        assert error_of(body(changes=changes)).field == "changes[0].weekly_contribution_pence"

    @pytest.mark.parametrize(
        "bad",
        [
            "2025-4-7",
            "20250407",
            "2025-W15-1",
            "07/04/2025",
            "2025-02-30",
            "2025-04-07\n",
            "２０２５-04-07",
            20250407,
            None,
        ],
    )
    def test_dates_are_iso(self, bad):
        assert error_of(body(start_on=bad)).field == "start_on"

    @pytest.mark.parametrize(("field", "bad"), [("periods", 0), ("periods", 1001), ("periods", 2.0), ("periods", True)])
    def test_periods(self, field, bad):
        assert error_of(body(**{field: bad})).field == field

    @pytest.mark.parametrize("bad", [0, 53, "4", None])
    def test_period_weeks(self, bad):
        assert error_of(body(period_weeks=bad)).field == "period_weeks"

    @pytest.mark.parametrize("bad", ["both", "NET", 1, None])
    def test_basis(self, bad):
        error = error_of(body(basis=bad))
        assert error.field == "basis"
        assert '"net" or "gross"' in error.message

    def test_changes_must_be_a_list_of_objects(self):
        assert error_of(body(changes={"effective_on": "2025-04-07"})).field == "changes"
        assert error_of(body(changes=["2025-04-07"])).field == "changes[0]"

    def test_changes_must_not_be_empty(self):
        assert error_of(body(changes=[])).field == "changes"

    def test_first_change_on_start_on(self):
        changes = [{"effective_on": "2025-04-08", "weekly_budget_pence": 1, "weekly_contribution_pence": 0}]
        error = error_of(body(changes=changes))
        assert error.field == "changes[0].effective_on"
        assert "start_on" in error.message

    def test_changes_in_order(self):
        changes = [
            {"effective_on": "2025-04-07", "weekly_budget_pence": 1, "weekly_contribution_pence": 0},
            {"effective_on": "2025-06-01", "weekly_budget_pence": 1, "weekly_contribution_pence": 0},
            {"effective_on": "2025-05-01", "weekly_budget_pence": 1, "weekly_contribution_pence": 0},
        ]
        assert error_of(body(changes=changes)).field == "changes[2].effective_on"

    def test_too_many_changes(self):
        change = {"effective_on": "2025-04-07", "weekly_budget_pence": 1, "weekly_contribution_pence": 0}
        assert error_of(body(changes=[change] * 1001)).field == "changes"

    def test_schedule_running_off_the_calendar(self):
        changes = [{"effective_on": "9999-12-01", "weekly_budget_pence": 1, "weekly_contribution_pence": 0}]
        assert error_of(body(start_on="9999-12-01", changes=changes)).field == "periods"


class TestResponse:
    def test_exactly_the_contract_fields(self):
        response = calculate_json(body())
        assert set(response) == {"periods", "breakdown"}
        assert response["periods"][0] == {
            "start_on": "2025-04-07",
            "end_on": "2025-05-04",
            "council_payment_pence": 152000,
            "contribution_due_pence": 48000,
            "budget_pence": 200000,
        }
        assert list(response["periods"][0]) == [
            "start_on",
            "end_on",
            "council_payment_pence",
            "contribution_due_pence",
            "budget_pence",
        ]
        json.dumps(response)

    def test_breakdown_lines_are_money_or_text(self):
        for line in calculate_json(body())["breakdown"]:
            assert set(line) in ({"label", "amount_pence"}, {"label", "value"})

    def test_breakdown_reads_in_checking_order(self):
        changes = [
            {"effective_on": "2025-04-07", "weekly_budget_pence": 50000, "weekly_contribution_pence": 12000},
            {"effective_on": "2025-05-15", "weekly_budget_pence": 55000, "weekly_contribution_pence": 60000},
            {"effective_on": "2026-05-15", "weekly_budget_pence": 1, "weekly_contribution_pence": 1},
        ]
        lines = calculate_json(body(changes=changes))["breakdown"]
        labels = [line["label"] for line in lines]
        assert labels[:2] == ["Basis", "Periods"]
        assert lines[1]["value"] == "3 periods of 4 weeks, 2025-04-07 to 2025-06-29"
        assert "Weekly budget from 2025-04-07" in labels
        assert {
            "label": "Weekly contribution from 2025-05-15, limited to the weekly budget",
            "amount_pence": 55000,
        } in lines
        assert {"label": "Change from 2026-05-15", "value": "takes effect after the last period shown"} in lines
        assert {
            "label": "Period 2, 2025-05-05 to 2025-05-14 (10 days x weekly amount / 7): budget",
            "amount_pence": 71429,
        } in lines
        assert labels[-3:] == [
            "Total budget",
            "Total contribution due, paid into the account by the person",
            "Total paid by the council (budget less contribution)",
        ]
        totals = {line["label"]: line.get("amount_pence") for line in lines}
        periods = calculate_json(body(changes=changes))["periods"]
        assert totals["Total budget"] == sum(p["budget_pence"] for p in periods)

    def test_gross_breakdown(self):
        lines = calculate_json(body(basis="gross", periods=1, period_weeks=1))["breakdown"]
        assert lines[0]["value"].startswith("Gross")
        assert lines[1]["value"] == "1 period of 1 week, 2025-04-07 to 2025-04-13"
        assert lines[-2:] == [
            {"label": "Total paid by the council (the whole budget)", "amount_pence": 50000},
            {"label": "Total contribution invoiced to the person", "amount_pence": 12000},
        ]

    def test_one_day_segment_label(self):
        result = schedule(1, (START, 7000, 0), (D(2025, 5, 4), 7000, 0))
        labels = [line.label for line in s.breakdown(result)]
        assert "Period 1, 2025-05-04 to 2025-05-04 (1 day x weekly amount / 7): budget" in labels

    def test_to_response_of_a_calculated_result(self):
        result = schedule(1, (START, 700, 0))
        assert to_response(result)["periods"][0]["budget_pence"] == 2800


# -- properties ----------------------------------------------------------------------------------

money = st.integers(min_value=0, max_value=10_000_000)


@st.composite
def schedule_requests(draw: st.DrawFn, multiple_of: int = 1) -> ScheduleRequest:
    start = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)))
    weeks = draw(st.integers(min_value=1, max_value=8))
    periods = draw(st.integers(min_value=1, max_value=12))
    offsets = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=7 * weeks * periods + 10), max_size=6))))
    dates = [start] + [start + dt.timedelta(days=o) for o in offsets]
    changes = tuple(ScheduleChange(on, draw(money) * multiple_of, draw(money) * multiple_of) for on in dates)
    basis = draw(st.sampled_from(s.BASES))
    return ScheduleRequest(
        terms=ScheduleTerms(start_on=start, changes=changes, period_weeks=weeks, basis=basis), periods=periods
    )


def days_of(result: s.ScheduleResult) -> list[dt.date]:
    first, last = result.periods[0].start_on, result.periods[-1].end_on
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


class TestScheduleProperties:
    @settings(max_examples=200, deadline=None)
    @given(schedule_requests(multiple_of=7))
    def test_totals_equal_the_sum_over_days_when_daily_rates_are_whole_pence(self, request):
        result = calculate_schedule(request)
        terms_ = request.terms
        by_day_budget = sum(terms_.change_in_force_on(d).weekly_budget_pence // 7 for d in days_of(result))
        by_day_contribution = sum(
            terms_.change_in_force_on(d).capped_weekly_contribution_pence // 7 for d in days_of(result)
        )
        assert result.budget_pence == by_day_budget
        assert result.contribution_due_pence == by_day_contribution

    @settings(max_examples=200, deadline=None)
    @given(schedule_requests())
    def test_totals_are_within_half_a_penny_per_segment_of_the_sum_over_days(self, request):
        result = calculate_schedule(request)
        exact = sum(Fraction(request.terms.change_in_force_on(d).weekly_budget_pence, 7) for d in days_of(result))
        segments = sum(len(p.segments) for p in result.periods)
        assert abs(result.budget_pence - exact) <= Fraction(segments, 2)
        for p in result.periods:
            assert p.budget_pence == sum(seg.budget_pence for seg in p.segments)
            assert sum(seg.days for seg in p.segments) == p.days

    @settings(max_examples=200, deadline=None)
    @given(schedule_requests())
    def test_council_payment_never_negative_and_contribution_never_above_budget(self, request):
        for p in calculate_schedule(request).periods:
            assert p.council_payment_pence >= 0
            assert 0 <= p.contribution_due_pence <= p.budget_pence
            if request.terms.basis == "net":
                assert p.council_payment_pence + p.contribution_due_pence == p.budget_pence
            else:
                assert p.council_payment_pence == p.budget_pence

    @settings(max_examples=100, deadline=None)
    @given(schedule_requests())
    def test_periods_are_contiguous_and_only_changed_periods_are_prorated(self, request):
        result = calculate_schedule(request)
        change_days = {c.effective_on for c in request.terms.changes}
        for before, after in zip(result.periods, result.periods[1:], strict=False):
            assert after.start_on == before.end_on + DAY
        for p in result.periods:
            assert p.days == 7 * request.terms.period_weeks
            inside = any(p.start_on < on <= p.end_on for on in change_days)
            assert p.prorated == inside
            if not inside:
                change = request.terms.change_in_force_on(p.start_on)
                assert p.budget_pence == change.weekly_budget_pence * request.terms.period_weeks

    @settings(max_examples=100, deadline=None)
    @given(schedule_requests())
    def test_json_round_trip(self, request):
        payload = {
            "start_on": request.terms.start_on.isoformat(),
            "period_weeks": request.terms.period_weeks,
            "periods": request.periods,
            "basis": request.terms.basis,
            "changes": [
                {
                    "effective_on": c.effective_on.isoformat(),
                    "weekly_budget_pence": c.weekly_budget_pence,
                    "weekly_contribution_pence": c.weekly_contribution_pence,
                }
                for c in request.terms.changes
            ],
        }
        assert parse_request(json.loads(json.dumps(payload))) == request
        response = calculate_json(payload)
        assert len(response["periods"]) == request.periods


# -- adjustments ---------------------------------------------------------------------------------


def paid_from(periods: tuple[s.SchedulePeriod, ...]) -> list[PaidPeriod]:
    return [PaidPeriod(p.start_on, p.end_on, p.council_payment_pence, p.contribution_due_pence) for p in periods]


class TestAdjustment:
    def test_nothing_changed(self):
        before = schedule(2, (START, 50000, 12000)).periods
        adjustment = calculate_adjustment(paid=paid_from(before), due=before)
        assert adjustment.kind == "none"
        assert adjustment.council_adjustment_pence == adjustment.contribution_adjustment_pence == 0
        assert adjustment.reason.startswith("Nothing to adjust")

    def test_budget_increase_backdated_into_a_paid_period_is_a_top_up(self):
        before = schedule(2, (START, 70000, 0)).periods
        after = schedule(3, (START, 70000, 0), (D(2025, 5, 15), 140000, 0)).periods
        adjustment = calculate_adjustment(paid=paid_from(before), due=after)
        # period 2: 18 days at £200/day instead of £100/day
        assert adjustment.council_adjustment_pence == 18 * 10000
        assert adjustment.kind == "top_up"
        assert "2025-05-05 to 2025-06-01" in adjustment.reason
        assert "a top-up of £1,800.00" in adjustment.reason
        assert "£1,800.00 is added to the next payment" in adjustment.reason
        assert [line.difference_pence for line in adjustment.lines] == [0, 180000]

    def test_budget_decrease_is_a_reduction(self):
        before = schedule(1, (START, 70000, 0)).periods
        after = schedule(1, (START, 70000, 0), (START + 14 * DAY, 35000, 0)).periods
        adjustment = calculate_adjustment(paid=paid_from(before), due=after)
        assert adjustment.council_adjustment_pence == -70000
        assert adjustment.kind == "reduction"
        assert "£700.00 is taken off the next payment" in adjustment.reason

    def test_contribution_rise_on_net_basis_lowers_the_council_payment(self):
        before = schedule(1, (START, 70000, 7000)).periods
        after = schedule(1, (START, 70000, 14000)).periods
        adjustment = calculate_adjustment(paid=paid_from(before), due=after)
        assert adjustment.council_adjustment_pence == -28000
        assert adjustment.contribution_adjustment_pence == 28000
        assert "contribution goes up by £280.00" in adjustment.reason

    def test_contribution_fall_on_gross_basis_changes_only_the_contribution(self):
        before = schedule(1, (START, 70000, 14000), basis="gross").periods
        after = schedule(1, (START, 70000, 7000), basis="gross").periods
        adjustment = calculate_adjustment(paid=paid_from(before), due=after)
        assert adjustment.council_adjustment_pence == 0
        assert adjustment.contribution_adjustment_pence == -28000
        assert adjustment.kind == "none"
        assert "need no adjustment" in adjustment.reason
        assert "contribution goes down by £280.00" in adjustment.reason

    def test_unpaid_due_periods_are_left_for_their_own_runs(self):
        before = schedule(1, (START, 70000, 0)).periods
        after = schedule(5, (START, 70000, 0)).periods
        assert calculate_adjustment(paid=paid_from(before), due=after).council_adjustment_pence == 0

    def test_a_paid_period_must_be_among_those_due(self):
        paid = [PaidPeriod(START, START + 27 * DAY, 1), PaidPeriod(START + DAY, START + 28 * DAY, 1)]
        due = schedule(1, (START, 1, 0)).periods
        with pytest.raises(ValidationFailed) as info:
            calculate_adjustment(paid=paid, due=due)
        assert info.value.field == "paid[1]"

    def test_a_period_listed_twice_is_refused(self):
        due = schedule(1, (START, 1, 0)).periods
        with pytest.raises(ValidationFailed) as info:
            calculate_adjustment(paid=paid_from(due) * 2, due=due)
        assert info.value.field == "paid[1]"

    def test_paid_period_checks(self):
        with pytest.raises(ValidationFailed):
            PaidPeriod(START, START - DAY, 1)
        with pytest.raises(ValidationFailed):
            PaidPeriod(START, START, -1)


class TestSettlement:
    def test_top_up(self):
        assert settle_in_next_payment(next_payment_pence=1000, adjustment_pence=250) == s.Settlement(1250, 0)

    def test_reduction_within_the_next_payment(self):
        assert settle_in_next_payment(next_payment_pence=1000, adjustment_pence=-1000) == s.Settlement(0, 0)

    def test_reduction_larger_than_the_next_payment_is_carried_forward(self):
        assert settle_in_next_payment(next_payment_pence=1000, adjustment_pence=-1500) == s.Settlement(0, 500)

    @given(st.integers(0, 10**9), st.integers(-(10**9), 10**9))
    def test_never_pays_a_negative_amount_and_loses_nothing(self, next_payment, adjustment):
        result = settle_in_next_payment(next_payment_pence=next_payment, adjustment_pence=adjustment)
        assert result.payment_pence >= 0
        assert result.carried_forward_pence >= 0
        assert result.payment_pence - result.carried_forward_pence == next_payment + adjustment

    def test_recovery_takes_each_limit_in_order_until_the_payment_is_used_up(self):
        assert s.take_recovery(payable_pence=1000, limits=[300, 500, 400]) == [300, 500, 200]
        assert s.take_recovery(payable_pence=0, limits=[300]) == [0]
        assert s.take_recovery(payable_pence=1000, limits=[]) == []

    def test_recovery_refuses_negative_amounts(self):
        with pytest.raises(ValidationFailed):
            s.take_recovery(payable_pence=-1, limits=[1])
        with pytest.raises(ValidationFailed):
            s.take_recovery(payable_pence=1, limits=[-1])

    @given(st.integers(0, 10**9), st.lists(st.integers(0, 10**9), max_size=5))
    def test_recovery_never_takes_more_than_the_payment_or_a_limit(self, payable, limits):
        taken = s.take_recovery(payable_pence=payable, limits=limits)
        assert sum(taken) <= payable
        assert all(0 <= t <= limit for t, limit in zip(taken, limits, strict=True))
        assert sum(taken) == min(payable, sum(limits))

    def test_instalments_add_up_with_early_pennies(self):
        assert recovery_instalments(1000, 3) == [334, 333, 333]
        assert recovery_instalments(0, 2) == [0, 0]

    def test_instalments_need_one_or_more(self):
        with pytest.raises(ValidationFailed) as info:
            recovery_instalments(100, 0)
        assert info.value.field == "instalments"

    @given(st.integers(0, 10**9), st.integers(1, 60))
    def test_instalments_always_sum_to_the_total(self, total, count):
        parts = recovery_instalments(total, count)
        assert sum(parts) == total
        assert max(parts) - min(parts) <= 1


class TestRecoveryCap:
    """The council's `recovery_max_deduction_percent` caps what recovery takes from each payment."""

    def test_exactly_the_cap_is_taken_in_full(self):
        assert s.take_recovery(payable_pence=1000, limits=[250], max_percent=25) == [250]

    def test_one_penny_over_the_cap_is_limited_to_the_cap(self):
        assert s.take_recovery(payable_pence=1000, limits=[251], max_percent=25) == [250]

    def test_the_cap_covers_all_deductions_together_oldest_first(self):
        assert s.take_recovery(payable_pence=1000, limits=[200, 200], max_percent=25) == [200, 50]

    def test_zero_percent_takes_nothing(self):
        assert s.take_recovery(payable_pence=1000, limits=[300], max_percent=0) == [0]

    def test_a_hundred_percent_may_take_the_whole_payment(self):
        assert s.take_recovery(payable_pence=1000, limits=[1000], max_percent=100) == [1000]
        assert s.take_recovery(payable_pence=1000, limits=[1001], max_percent=100) == [1000]

    def test_no_policy_keeps_taking_up_to_the_whole_payment(self):
        assert s.take_recovery(payable_pence=1000, limits=[1000], max_percent=None) == [1000]
        assert s.recovery_deduction_cap(1000, None) == 1000

    def test_the_cap_rounds_half_up_to_the_penny(self):
        assert s.recovery_deduction_cap(1002, Decimal(25)) == 251  # 250.5p
        assert s.recovery_deduction_cap(1001, Decimal(25)) == 250  # 250.25p

    @pytest.mark.parametrize("percent", [Decimal("-1"), Decimal("100.01")])
    def test_a_percentage_outside_0_to_100_is_refused(self, percent):
        with pytest.raises(ValidationFailed) as info:
            s.take_recovery(payable_pence=1000, limits=[1], max_percent=percent)
        assert info.value.field == "max_percent"

    @given(
        st.integers(0, 10**9),
        st.lists(st.integers(0, 10**9), max_size=5),
        st.one_of(st.none(), st.integers(0, 100)),
    )
    def test_never_above_the_cap_the_payment_or_a_limit(self, payable, limits, percent):
        taken = s.take_recovery(payable_pence=payable, limits=limits, max_percent=percent)
        cap = payable if percent is None else s.recovery_deduction_cap(payable, percent)
        assert cap <= payable
        assert sum(taken) <= cap
        assert sum(taken) == min(cap, sum(limits))
        assert all(0 <= t <= limit for t, limit in zip(taken, limits, strict=True))
        if percent is not None:
            assert sum(taken) * 100 <= payable * percent + 50  # at most half a penny over, from rounding


# -- ending --------------------------------------------------------------------------------------


class TestEnding:
    """Weekly £700 is exactly £100 a day, so the expected figures are plain."""

    def test_ending_mid_period_after_paying_in_advance_recovers_the_rest(self):
        t = terms((START, 70000, 0))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=2)).periods)
        ending = end_direct_payment(t, last_day_on=D(2025, 5, 14), paid=paid)  # 10th day of period 2
        assert ending.due_pence == 280000 + 100000
        assert ending.paid_pence == 560000
        assert ending.advance_to_recover_pence == 180000
        assert ending.final_payment_pence == 0
        assert "10 of its 28 days are covered" in ending.reason
        assert "£1,800.00 was paid in advance" in ending.reason

    def test_ending_on_a_periods_last_day_leaves_nothing(self):
        t = terms((START, 70000, 0))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=1)).periods)
        ending = end_direct_payment(t, last_day_on=D(2025, 5, 4), paid=paid)
        assert (ending.final_payment_pence, ending.advance_to_recover_pence) == (0, 0)
        assert "Nothing more is to be paid or recovered" in ending.reason

    def test_ending_in_a_period_not_yet_paid_makes_a_final_payment(self):
        t = terms((START, 70000, 0))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=1)).periods)
        ending = end_direct_payment(t, last_day_on=D(2025, 5, 7), paid=paid)  # 3 days into period 2
        assert ending.final_payment_pence == 30000
        assert ending.advance_to_recover_pence == 0
        assert "The final payment is £300.00" in ending.reason

    def test_a_whole_period_paid_after_the_end_is_recovered(self):
        t = terms((START, 70000, 0))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=3)).periods)
        ending = end_direct_payment(t, last_day_on=D(2025, 6, 1), paid=paid)
        assert ending.advance_to_recover_pence == 280000
        assert ending.lines[-1].due_until_on is None
        assert "none of its days is covered" in ending.reason

    def test_ending_before_it_started_recovers_everything(self):
        t = terms((START, 70000, 0))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=1)).periods)
        ending = end_direct_payment(t, last_day_on=START - DAY, paid=paid)
        assert ending.advance_to_recover_pence == 280000

    def test_contribution_asked_for_days_after_the_end_is_given_back(self):
        t = terms((START, 70000, 7000))
        paid = paid_from(calculate_schedule(ScheduleRequest(terms=t, periods=1)).periods)
        ending = end_direct_payment(t, last_day_on=START + 6 * DAY, paid=paid)  # one week of four
        assert ending.contribution_adjustment_pence == -21000
        assert ending.advance_to_recover_pence == 3 * 63000
        assert "asked for £210.00 of contribution for days after the end" in ending.reason

    def test_contribution_still_owed_for_an_unpaid_period(self):
        t = terms((START, 70000, 7000))
        ending = end_direct_payment(t, last_day_on=START + 6 * DAY, paid=[])
        assert ending.contribution_adjustment_pence == 7000
        assert ending.final_payment_pence == 63000
        assert "still owes £70.00 of contribution" in ending.reason

    def test_all_days_covered_line(self):
        t = terms((START, 70000, 0))
        ending = end_direct_payment(t, last_day_on=D(2025, 5, 4), paid=[])
        assert "all of its days are covered" in ending.reason

    @pytest.mark.parametrize(
        "bad",
        [
            PaidPeriod(START + DAY, START + 28 * DAY, 1),  # not on the grid
            PaidPeriod(START, START + 20 * DAY, 1),  # wrong length
            PaidPeriod(START - 28 * DAY, START - DAY, 1),  # before the start
        ],
    )
    def test_paid_periods_must_be_periods_of_the_schedule(self, bad):
        with pytest.raises(ValidationFailed) as info:
            end_direct_payment(terms((START, 1, 0)), last_day_on=START, paid=[bad])
        assert info.value.field == "paid[0]"

    def test_paid_period_listed_twice(self):
        p = PaidPeriod(START, START + 27 * DAY, 1)
        with pytest.raises(ValidationFailed) as info:
            end_direct_payment(terms((START, 1, 0)), last_day_on=START, paid=[p, p])
        assert info.value.field == "paid[1]"

    @settings(max_examples=100, deadline=None)
    @given(schedule_requests(), st.integers(0, 400), st.data())
    def test_final_payment_less_recovery_is_due_less_paid(self, request, end_offset, data):
        t = request.terms
        periods = calculate_schedule(request).periods
        paid_count = data.draw(st.integers(0, len(periods)))
        paid = paid_from(periods[:paid_count])
        ending = end_direct_payment(t, last_day_on=t.start_on + dt.timedelta(days=end_offset - 1), paid=paid)
        assert ending.final_payment_pence - ending.advance_to_recover_pence == ending.due_pence - ending.paid_pence
        assert min(ending.final_payment_pence, ending.advance_to_recover_pence) == 0
        assert ending.paid_pence == sum(p.council_payment_pence for p in paid)


# -- scheduled items -----------------------------------------------------------------------------


class TestScheduledItems:
    def test_regular_payments_are_due_on_the_first_day_of_their_period(self):
        periods = schedule(2, (START, 70000, 7000)).periods
        items = scheduled_items(periods)
        assert [(i.due_on, i.amount_pence, i.kind) for i in items] == [
            (D(2025, 4, 7), 252000, "regular"),
            (D(2025, 5, 5), 252000, "regular"),
        ]
        assert items[0].period_end_on == D(2025, 5, 4)
        assert items[0].description == "Direct payment for 2025-04-07 to 2025-05-04"

    def test_periods_with_nothing_to_pay_have_no_item(self):
        assert scheduled_items(schedule(1, (START, 100, 100)).periods) == ()

    def test_one_offs_are_merged_in_date_order_after_regular_items_on_the_same_day(self):
        periods = schedule(2, (START, 70000, 0)).periods
        one_offs = [
            OneOffPayment(D(2025, 5, 5), 25000, " Hoist "),
            OneOffPayment(D(2025, 4, 20), 5000, "Respite"),
        ]
        items = scheduled_items(periods, one_offs)
        assert [(i.due_on, i.kind, i.description) for i in items] == [
            (D(2025, 4, 7), "regular", "Direct payment for 2025-04-07 to 2025-05-04"),
            (D(2025, 4, 20), "one_off", "Respite"),
            (D(2025, 5, 5), "regular", "Direct payment for 2025-05-05 to 2025-06-01"),
            (D(2025, 5, 5), "one_off", "Hoist"),
        ]
        assert items[1].period_start_on is None

    def test_one_off_above_the_councils_maximum_is_refused(self):
        with pytest.raises(ValidationFailed) as info:
            scheduled_items((), [OneOffPayment(START, 100, "a"), OneOffPayment(START, 501, "b")], one_off_max_pence=500)
        assert info.value.field == "one_offs[1].amount_pence"
        assert "£5.00" in info.value.message

    @pytest.mark.parametrize(("amount", "description", "field"), [(0, "x", "amount_pence"), (1, "  ", "description")])
    def test_one_off_checks(self, amount, description, field):
        with pytest.raises(ValidationFailed) as info:
            OneOffPayment(START, amount, description)
        assert info.value.field == field
