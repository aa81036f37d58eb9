from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.core.errors import MoneyFormatError
from dp.core.money import allocate, format_pence, pounds_to_pence, round_to_pence


class TestRoundToPence:
    @pytest.mark.parametrize(
        ("amount", "pence"),
        [("0.5", 1), ("1.4999", 1), ("1.5", 2), ("2.5", 3), ("-0.5", -1), ("-1.5", -2), ("10", 10)],
    )
    def test_half_up_away_from_zero(self, amount: str, pence: int) -> None:
        assert round_to_pence(Decimal(amount)) == pence


class TestPoundsToPence:
    @pytest.mark.parametrize(
        ("text", "pence"),
        [("£1,234.56", 123456), ("1234.5", 123450), ("12", 1200), ("-12.01", -1201), (" 0.07 ", 7), ("1.230", 123)],
    )
    def test_parses(self, text: str, pence: int) -> None:
        assert pounds_to_pence(text) == pence

    @pytest.mark.parametrize("text", ["1.234", "abc", "", "£", "1,23.00", "1.2.3", "12p"])
    def test_refuses(self, text: str) -> None:
        with pytest.raises(MoneyFormatError):
            pounds_to_pence(text)

    @given(st.integers(min_value=-(10**12), max_value=10**12))
    def test_round_trips_with_format(self, pence: int) -> None:
        assert pounds_to_pence(format_pence(pence)) == pence


class TestFormatPence:
    def test_formats(self) -> None:
        assert format_pence(123456) == "£1,234.56"
        assert format_pence(-5) == "-£0.05"
        assert format_pence(5, sign=True) == "+£0.05"


class TestAllocate:
    def test_example(self) -> None:
        assert allocate(100, [1, 1, 1]) == [34, 33, 33]

    def test_negative_total(self) -> None:
        assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]

    @pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
    def test_refuses_bad_weights(self, weights: list[int]) -> None:
        with pytest.raises(ValueError):
            allocate(10, weights)

    @given(
        st.integers(min_value=-(10**9), max_value=10**9),
        st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(any),
    )
    def test_parts_sum_to_total_and_stay_close_to_shares(self, total: int, weights: list[int]) -> None:
        parts = allocate(total, weights)
        assert sum(parts) == total
        weight_sum = sum(weights)
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - Decimal(total) * weight / weight_sum) < 1


class TestPoundsField:
    def test_cleans_to_pence(self) -> None:
        from django import forms as django_forms

        from dp.core.forms import PoundsField

        class Form(django_forms.Form):
            amount = PoundsField(label="Amount")

        form = Form({"amount": "£1,234.50"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == 123450
        for bad in ("12.345", "lots", "1" * 30):
            form = Form({"amount": bad})
            assert not form.is_valid()
            assert "must be an amount of money" in form.errors["amount"][0]
