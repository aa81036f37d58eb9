"""Reading calculation requests: JSON paths, types, unknown fields; breakdown lines."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.core.domain.calculation_io import (
    MAX_PENCE,
    BreakdownLine,
    JsonObject,
    breakdown_json,
    check_date,
    check_integer,
    check_pence,
    index_path,
    join_path,
    money_line,
    value_line,
)
from dp.core.errors import ValidationFailed


def failure(fn, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        fn(*args, **kwargs)
    return info.value


class TestPaths:
    def test_join(self):
        assert join_path("", "a") == "a"
        assert join_path("a[1]", "b") == "a[1].b"
        assert index_path("income", 2) == "income[2]"


class TestJsonObject:
    def test_unknown_field_named_with_its_path(self):
        error = failure(JsonObject, {"a": 1, "b": 2}, "policy", ("a",))
        assert error.field == "policy.b"
        assert "it takes: a" in error.message

    @pytest.mark.parametrize(
        ("value", "described"), [(None, "null"), ([1], "a list"), ("x", "text"), (1.5, "a number")]
    )
    def test_must_be_an_object(self, value, described):
        error = failure(JsonObject, value, "policy", ())
        assert error.field == "policy"
        assert described in error.message

    def test_root_has_the_empty_path(self):
        error = failure(JsonObject, 3, "", ())
        assert error.field == ""
        assert error.message.startswith("The request must be a JSON object")

    def test_integer_default_and_range(self):
        obj = JsonObject({"n": 5}, "", ("n", "m"))
        assert obj.integer("n", minimum=1, maximum=9) == 5
        assert obj.integer("m", minimum=1, maximum=9, default=4) == 4
        assert obj.optional_integer("m", minimum=1, maximum=9) is None
        assert obj.optional_integer("n", minimum=1, maximum=9) == 5
        assert failure(obj.integer, "n", minimum=6, maximum=9).message == "n must be 6 or more"
        assert failure(obj.integer, "n", minimum=1, maximum=4).message == "n must be 4 or less"
        assert failure(obj.integer, "m", minimum=1, maximum=4).message == "m is required"

    def test_pence(self):
        obj = JsonObject({"a_pence": -5, "b_pence": 7}, "x", ("a_pence", "b_pence", "c_pence"))
        assert obj.pence("a_pence", allow_negative=True) == -5
        assert obj.pence("b_pence") == 7
        assert obj.pence("c_pence", default=0) == 0
        assert failure(obj.pence, "a_pence").field == "x.a_pence"

    def test_boolean(self):
        obj = JsonObject({"flag": True, "bad": 1}, "", ("flag", "bad", "absent"))
        assert obj.boolean("flag", default=False) is True
        assert obj.boolean("absent", default=False) is False
        assert failure(obj.boolean, "bad", default=False).message == "bad must be true or false, not a whole number"

    def test_choice(self):
        obj = JsonObject({"basis": "gross"}, "", ("basis", "other"))
        assert obj.choice("basis", ("net", "gross")) == "gross"
        assert obj.choice("other", ("net", "gross"), default="net") == "net"
        assert failure(obj.choice, "other", ("net",)).message == "other is required"

    def test_text(self):
        obj = JsonObject(
            {"label": "Wages", "blank": "  ", "long": "x" * 11, "num": 1}, "", ("label", "blank", "long", "num")
        )
        assert obj.text("label", max_length=10) == "Wages"
        assert "blank" in failure(obj.text, "blank", max_length=10).message
        assert "10 characters" in failure(obj.text, "long", max_length=10).message
        assert "must be text" in failure(obj.text, "num", max_length=10).message

    def test_objects(self):
        obj = JsonObject({"items": [{"a": 1}], "bad": 3, "many": [{}] * 3}, "", ("items", "bad", "many", "absent"))
        (item,) = obj.objects("items", ("a",))
        assert item.path == "items[0]"
        assert item.field_path("a") == "items[0].a"
        assert obj.objects("absent", (), required=False) == []
        assert failure(obj.objects, "bad", ()).field == "bad"
        assert failure(obj.objects, "many", (), max_items=2).message == "many may have at most 2 items"
        assert failure(obj.objects, "absent", ()).message == "absent is required"

    def test_optional_object(self):
        obj = JsonObject({"policy": {"w": 1}}, "", ("policy", "absent"))
        policy = obj.optional_object("policy", ("w",))
        assert policy is not None
        assert policy.has("w")
        assert obj.optional_object("absent", ()) is None


class TestChecks:
    @pytest.mark.parametrize("value", [True, False, 1.0, "1", None])
    def test_integers_are_ints_not_bools_or_floats(self, value):
        assert failure(check_integer, value, "n", minimum=0, maximum=9).field == "n"

    def test_pence_limits(self):
        assert check_pence(MAX_PENCE, "p") == MAX_PENCE
        assert check_pence(-MAX_PENCE, "p", allow_negative=True) == -MAX_PENCE
        assert "no more than" in failure(check_pence, MAX_PENCE + 1, "p").message
        assert "no more than" in failure(check_pence, -MAX_PENCE - 1, "p", allow_negative=True).message
        assert "negative" in failure(check_pence, -1, "p").message

    def test_pence_message_explains_the_unit(self):
        assert failure(check_pence, 12.5, "p").message == (
            "p must be a whole number of pence (for example 1250 for £12.50), not a number with a decimal point"
        )
        assert failure(check_pence, True, "p").message.endswith("not true or false")

    def test_dates(self):
        assert check_date("2024-02-29", "d") == dt.date(2024, 2, 29)
        assert "not a real date" in failure(check_date, "2025-02-29", "d").message
        assert "YYYY-MM-DD" in failure(check_date, "2025-2-28", "d").message


class TestBreakdown:
    def test_money_and_text_lines(self):
        assert breakdown_json([money_line("Total", 5), value_line("Basis", "net")]) == [
            {"label": "Total", "amount_pence": 5},
            {"label": "Basis", "value": "net"},
        ]

    @pytest.mark.parametrize(("amount", "value"), [(None, None), (1, "x")])
    def test_a_line_is_money_or_text_never_both_or_neither(self, amount, value):
        with pytest.raises(ValueError, match="either"):
            BreakdownLine("x", amount_pence=amount, value=value)

    def test_zero_is_an_amount(self):
        assert money_line("Nothing", 0).to_json() == {"label": "Nothing", "amount_pence": 0}
