"""Input checks shared by the assessment domain modules.

Design: the calculations are reached from a JSON command and API (CALCULATE.md), so a value may
arrive with the wrong type. These helpers turn each mistake into `ValidationFailed` naming the
field by its JSON path (for example `income[2].weekly_pence`) with a plain-English message, and
refuse floats for money and rates outright: money is integer pence and rates are `Decimal`
(STYLE.md 4.3), so a float is always a mistake upstream rather than something to round here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dp.core.errors import ValidationFailed


def require_int(value: object, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (never a bool or a float), optionally within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("Enter a whole number.", field=field)
    if minimum is not None and value < minimum:
        raise ValidationFailed(f"Must be {minimum} or more.", field=field)
    if maximum is not None and value > maximum:
        raise ValidationFailed(f"Must be {maximum} or less.", field=field)
    return value


def require_pence(value: object, field: str) -> int:
    """An amount of money: a whole number of pence, zero or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("Enter an amount as a whole number of pence.", field=field)
    if value < 0:
        raise ValidationFailed("An amount of money cannot be negative here.", field=field)
    return value


def require_optional_pence(value: object, field: str) -> int | None:
    return None if value is None else require_pence(value, field)


def require_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("Enter true or false.", field=field)
    return value


def require_date(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationFailed("Enter a date.", field=field)
    return value


def require_rate(value: object, field: str) -> Decimal:
    """A non-negative rate as a Decimal (an int is accepted and converted); floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationFailed("Enter a whole number or an exact decimal.", field=field)
    rate = Decimal(value)
    if not rate.is_finite():
        raise ValidationFailed("Enter a number.", field=field)
    if rate < 0:
        raise ValidationFailed("This cannot be negative.", field=field)
    return rate


def require_percent(value: object, field: str) -> Decimal:
    """A percentage from 0 to 100 as a Decimal (see `require_rate`)."""
    percent = require_rate(value, field)
    if percent > 100:
        raise ValidationFailed("A percentage cannot be more than 100.", field=field)
    return percent
