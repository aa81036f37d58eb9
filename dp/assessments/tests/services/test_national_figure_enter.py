from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services
from dp.assessments.selectors import national_figure_years, national_figures_on
from dp.audit_log.models import Event
from dp.core.errors import PermissionDenied, ValidationFailed
from dp.staff.roles import Role


def enter(staff, **changes):  # type: ignore[no-untyped-def]
    values = {
        "table": "charging",
        "rates_year": "2026/27",
        "name": "capital_upper_limit_pence",
        "amount_pence": 2_325_000,
        "source": "LAC(DHSC)(2026)1",
        **changes,
    }
    return services.national_figure_enter(actor=staff[Role.SYSTEM_ADMIN], **values)


@pytest.mark.django_db
class TestEnter:
    def test_fills_a_gap_for_that_year_and_audits(self, staff) -> None:  # type: ignore[no-untyped-def]
        enter(staff)
        assert national_figures_on(dt.date(2026, 6, 1)).capital_upper_limit_pence == 2_325_000
        event = Event.objects.get(event_type="assessment.national_figure_entered")
        assert event.data == {
            "before": {"amount_pence": None},
            "after": {"amount_pence": 2_325_000, "source": "LAC(DHSC)(2026)1"},
        }
        row = next(
            r
            for y in national_figure_years()
            if y.rates_year == "2026/27" and y.table == "charging"
            for r in y.rows
            if r.name == "capital_upper_limit_pence"
        )
        assert row.amount_pence == 2_325_000
        assert not row.missing

    def test_a_correction_is_a_new_entry_and_the_newest_wins(self, staff) -> None:  # type: ignore[no-untyped-def]
        enter(staff, name="mig_single_18_to_24_pence", amount_pence=9_000)
        enter(staff, name="mig_single_18_to_24_pence", amount_pence=9_100)
        assert national_figures_on(dt.date(2026, 6, 1)).mig_single_18_to_24_pence == 9_100
        assert Event.objects.order_by("-id").first().data["before"] == {"amount_pence": 9_000}

    def test_verified_figures_cannot_be_changed(self, staff) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PermissionDenied):
            enter(staff, rates_year="2025/26", name="mig_single_18_to_24_pence", amount_pence=1)

    def test_figures_must_still_make_sense_together(self, staff) -> None:  # type: ignore[no-untyped-def]
        enter(staff, name="capital_upper_limit_pence", amount_pence=2_000_000)
        with pytest.raises(ValidationFailed):
            enter(staff, name="capital_lower_limit_pence", amount_pence=2_100_000)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"name": "biscuits_pence"}, "name"),
            ({"table": "weather"}, "name"),
            ({"rates_year": "2031/32"}, "rates_year"),
            ({"amount_pence": -1}, "amount_pence"),
            ({"source": " "}, "source"),
        ],
    )
    def test_refuses_bad_input(self, staff, change, field) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            enter(staff, **change)
        assert caught.value.field == field

    def test_minimum_wage_gap(self, staff) -> None:  # type: ignore[no-untyped-def]
        from dp.assessments.selectors import minimum_wage_on

        enter(
            staff, table="minimum_wage", rates_year="2024/25", name="accommodation_offset_daily_pence", amount_pence=999
        )
        assert minimum_wage_on(dt.date(2024, 6, 1)).accommodation_offset_daily_pence == 999
