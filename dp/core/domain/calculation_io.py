"""Reading calculation requests and writing breakdowns, exactly as the public contract says.

Design overview
---------------
`shared/contracts/CALCULATE.md` is a public interface that other systems script against, so every
kind reads its JSON the same way:

* a request is a JSON object; **unknown fields are an error** (a misspelt field must never be
  silently ignored), checked before anything else so the first error names the stray field;
* money is an integer number of pence (never a float, never a bool: JSON `true` is not 1p),
  never negative unless the kind says so, and at most `MAX_PENCE` (see below);
* dates are ISO `YYYY-MM-DD` and nothing else (Python's `date.fromisoformat` would also take
  `20250407` or `2025-W15-1`; the contract does not);
* an error is `ValidationFailed(message, field=<JSON path>)` where the path looks like
  `changes[1].weekly_budget_pence`; the root object itself is the empty path `""`.

`JsonObject` wraps one object and its path. It checks the field names once, on construction,
against the fields the caller says the object may have, then hands out typed values.

Every response carries a `breakdown`: `BreakdownLine`s that are either money
(`{"label", "amount_pence"}`) or text (`{"label", "value"}`), in the order a person checks them.

This module is pure: no Django, no database, no settings. Every app's calculation kinds use it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import ValidationFailed

#: The largest amount of money a request may carry: £10,000,000,000.00. Far above any real
#: budget, balance or payment, it keeps every calculation exact (`Decimal`'s 28 digits) and every
#: total within what a JavaScript client can hold as a number (2**53).
MAX_PENCE = 1_000_000_000_000

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def join_path(base: str, name: str) -> str:
    """`changes[1]` + `weekly_budget_pence` -> `changes[1].weekly_budget_pence`."""
    return f"{base}.{name}" if base else name


def index_path(base: str, index: int) -> str:
    return f"{base}[{index}]"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with a decimal point"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - json.loads produces only the types above


class JsonObject:
    """One JSON object from a request, with its path, handing out checked values."""

    def __init__(self, value: object, path: str, fields: Iterable[str]) -> None:
        if not isinstance(value, dict):
            where = path or "The request"
            raise ValidationFailed(f"{where} must be a JSON object, not {_type_name(value)}", field=path)
        allowed = set(fields)
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise ValidationFailed(
                    f"{join_path(path, str(key))} is not a field this calculation takes (it takes: {known})",
                    field=join_path(path, str(key)),
                )
        self.data: Mapping[str, Any] = value
        self.path = path

    def field_path(self, name: str) -> str:
        return join_path(self.path, name)

    def has(self, name: str) -> bool:
        return name in self.data

    def _required(self, name: str) -> Any:
        if name not in self.data:
            raise ValidationFailed(f"{self.field_path(name)} is required", field=self.field_path(name))
        return self.data[name]

    # -- scalars ---------------------------------------------------------------------------------

    def integer(
        self, name: str, *, minimum: int, maximum: int, default: int | None = None, what: str = "a whole number"
    ) -> int:
        """A whole number in [minimum, maximum]; `default` when absent (required when None)."""
        if default is not None and name not in self.data:
            return default
        return check_integer(self._required(name), self.field_path(name), minimum=minimum, maximum=maximum, what=what)

    def optional_integer(self, name: str, *, minimum: int, maximum: int, what: str = "a whole number") -> int | None:
        if name not in self.data:
            return None
        return check_integer(self.data[name], self.field_path(name), minimum=minimum, maximum=maximum, what=what)

    def pence(self, name: str, *, default: int | None = None, allow_negative: bool = False) -> int:
        """An amount of money in whole pence; `default` when absent (required when None)."""
        if default is not None and name not in self.data:
            return default
        return check_pence(self._required(name), self.field_path(name), allow_negative=allow_negative)

    def date(self, name: str) -> dt.date:
        return check_date(self._required(name), self.field_path(name))

    def boolean(self, name: str, *, default: bool) -> bool:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            raise ValidationFailed(
                f"{self.field_path(name)} must be true or false, not {_type_name(value)}", field=self.field_path(name)
            )
        return value

    def choice(self, name: str, choices: Iterable[str], *, default: str | None = None) -> str:
        options = tuple(choices)
        if default is not None and name not in self.data:
            return default
        value = self._required(name)
        if not isinstance(value, str) or value not in options:
            listed = " or ".join(f'"{c}"' for c in options)
            raise ValidationFailed(f"{self.field_path(name)} must be {listed}", field=self.field_path(name))
        return value

    def text(self, name: str, *, max_length: int) -> str:
        value = self._required(name)
        path = self.field_path(name)
        if not isinstance(value, str):
            raise ValidationFailed(f"{path} must be text, not {_type_name(value)}", field=path)
        if not value.strip():
            raise ValidationFailed(f"{path} must not be blank", field=path)
        if len(value) > max_length:
            raise ValidationFailed(f"{path} must be {max_length} characters or fewer", field=path)
        return value

    # -- nested ----------------------------------------------------------------------------------

    def objects(
        self, name: str, fields: Iterable[str], *, required: bool = True, max_items: int = 1000
    ) -> list[JsonObject]:
        """A list of objects; an absent optional list is empty."""
        if not required and name not in self.data:
            return []
        value = self._required(name)
        path = self.field_path(name)
        if not isinstance(value, list):
            raise ValidationFailed(f"{path} must be a list, not {_type_name(value)}", field=path)
        if len(value) > max_items:
            raise ValidationFailed(f"{path} may have at most {max_items} items", field=path)
        names = tuple(fields)
        return [JsonObject(item, index_path(path, i), names) for i, item in enumerate(value)]

    def optional_object(self, name: str, fields: Iterable[str]) -> JsonObject | None:
        if name not in self.data:
            return None
        return JsonObject(self.data[name], self.field_path(name), fields)


def check_integer(value: object, path: str, *, minimum: int, maximum: int, what: str = "a whole number") -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(f"{path} must be {what}, not {_type_name(value)}", field=path)
    if value < minimum:
        raise ValidationFailed(f"{path} must be {minimum} or more", field=path)
    if value > maximum:
        raise ValidationFailed(f"{path} must be {maximum} or less", field=path)
    return value


def check_pence(value: object, path: str, *, allow_negative: bool = False) -> int:
    """Money: an int (not a float, not a bool), not negative unless allowed, within MAX_PENCE."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(
            f"{path} must be a whole number of pence (for example 1250 for £12.50), not {_type_name(value)}",
            field=path,
        )
    if value < 0 and not allow_negative:
        raise ValidationFailed(f"{path} must not be negative", field=path)
    if abs(value) > MAX_PENCE:
        raise ValidationFailed(f"{path} must be no more than {MAX_PENCE} pence", field=path)
    return value


def check_date(value: object, path: str) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValidationFailed(f"{path} must be a date written YYYY-MM-DD, like 2025-04-07", field=path)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{path} is not a real date: {value}", field=path) from None


# -- breakdown -----------------------------------------------------------------------------------


def money_line(label: str, amount_pence: int) -> BreakdownLine:
    return BreakdownLine.money(label, amount_pence)


def value_line(label: str, value: str) -> BreakdownLine:
    return BreakdownLine.text(label, value)


def breakdown_json(lines: Iterable[BreakdownLine]) -> list[dict[str, str | int]]:
    return [line.to_json() for line in lines]
