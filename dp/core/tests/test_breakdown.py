"""Breakdown lines and the shared input checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.assessments.domain.validation import (
    require_bool,
    require_date,
    require_int,
    require_optional_pence,
    require_pence,
    require_percent,
    require_rate,
)
from dp.core.domain.breakdown import BreakdownLine, format_date
from dp.core.errors import ValidationFailed


class TestBreakdownLine:
    def test_money_line(self) -> None:
        assert BreakdownLine.money("Total", 125).as_dict() == {"label": "Total", "amount_pence": 125}

    def test_text_line(self) -> None:
        assert BreakdownLine.text("Rates year", "2025/26").as_dict() == {"label": "Rates year", "value": "2025/26"}

    def test_zero_is_an_amount(self) -> None:
        assert BreakdownLine.money("Nothing", 0).as_dict() == {"label": "Nothing", "amount_pence": 0}

    @pytest.mark.parametrize(("amount", "value"), [(None, None), (1, "one")])
    def test_amount_or_value_not_both_or_neither(self, amount: int | None, value: str | None) -> None:
        with pytest.raises(ValueError, match="not both"):
            BreakdownLine("x", amount_pence=amount, value=value)

    @pytest.mark.parametrize(
        ("on", "text"), [(dt.date(2025, 4, 6), "6 April 2025"), (dt.date(2026, 12, 31), "31 December 2026")]
    )
    def test_format_date(self, on: dt.date, text: str) -> None:
        assert format_date(on) == text


class TestValidation:
    def test_require_int(self) -> None:
        assert require_int(5, "f", minimum=5, maximum=5) == 5
        for bad in (True, 5.0, "5", None):
            with pytest.raises(ValidationFailed):
                require_int(bad, "f")
        with pytest.raises(ValidationFailed, match="4 or more"):
            require_int(3, "f", minimum=4)
        with pytest.raises(ValidationFailed, match="2 or less"):
            require_int(3, "f", maximum=2)

    def test_require_pence(self) -> None:
        assert require_pence(0, "f") == 0
        assert require_optional_pence(None, "f") is None
        assert require_optional_pence(7, "f") == 7
        for bad in (-1, 1.5, False, "1", Decimal(1)):
            with pytest.raises(ValidationFailed) as exc:
                require_pence(bad, "amount_pence")
            assert exc.value.field == "amount_pence"

    def test_require_bool(self) -> None:
        assert require_bool(False, "f") is False
        with pytest.raises(ValidationFailed):
            require_bool(0, "f")

    def test_require_date(self) -> None:
        assert require_date(dt.date(2025, 1, 1), "f") == dt.date(2025, 1, 1)
        for bad in (dt.datetime(2025, 1, 1), "2025-01-01", None):
            with pytest.raises(ValidationFailed):
                require_date(bad, "f")

    def test_require_rate_and_percent(self) -> None:
        assert require_rate(3, "f") == Decimal(3)
        assert require_rate(Decimal("1000.5"), "f") == Decimal("1000.5")
        assert require_percent(Decimal(100), "f") == Decimal(100)
        for bad in (1.5, True, "3", Decimal("-0.01"), Decimal("sNaN"), Decimal("-Infinity")):
            with pytest.raises(ValidationFailed):
                require_rate(bad, "f")
        with pytest.raises(ValidationFailed, match="more than 100"):
            require_percent(Decimal("100.01"), "f")
