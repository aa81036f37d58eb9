from __future__ import annotations

import datetime as dt

import pytest

from dp.core.domain.identifiers import age_on, nhs_number_is_valid, normalise_postcode, postcode_district


class TestPostcode:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("st41rn", "ST4 1RN"),
            ("SW1A 1AA", "SW1A 1AA"),
            (" m1 1ae ", "M1 1AE"),
            ("gir0aa", "GIR 0AA"),
            ("EC1A1BB", "EC1A 1BB"),
        ],
    )
    def test_valid(self, text: str, expected: str) -> None:
        assert normalise_postcode(text) == expected

    @pytest.mark.parametrize("text", ["", "ST4", "12345", "QQ1 1AA", "ST4 1CI", "ST41RNN", "S T 4 1 R"])
    def test_invalid(self, text: str) -> None:
        assert normalise_postcode(text) is None

    def test_district(self) -> None:
        assert postcode_district("SW1A 1AA") == "SW1A"


class TestNhsNumber:
    @pytest.mark.parametrize("text", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
    def test_valid(self, text: str) -> None:
        assert nhs_number_is_valid(text)

    @pytest.mark.parametrize("text", ["9434765918", "123", "abcdefghij", "", "94347659190"])
    def test_invalid(self, text: str) -> None:
        assert not nhs_number_is_valid(text)


class TestAge:
    @pytest.mark.parametrize(
        ("dob", "on", "age"),
        [
            (dt.date(2008, 11, 22), dt.date(2026, 11, 22), 18),
            (dt.date(2008, 11, 23), dt.date(2026, 11, 22), 17),
            (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
            (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        ],
    )
    def test_age_on(self, dob: dt.date, on: dt.date, age: int) -> None:
        assert age_on(dob, on) == age
