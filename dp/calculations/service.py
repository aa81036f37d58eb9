"""Running a calculation from raw JSON text, shared by the command and the API."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from dp.calculations.kinds import calculate
from dp.core.errors import DirectPaymentsError


class CalculationError(Exception):
    """Bad input: carries the contract's error object."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.body = {"error": {"field": field, "message": message}}


def calculate_from_text(kind: str, text: str | bytes) -> dict[str, Any]:
    """Decode the request (numbers with a fraction become Decimal, never float) and calculate."""
    try:
        payload = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CalculationError("", f"The request is not valid JSON: {exc}") from exc
    try:
        return calculate(kind, payload)
    except DirectPaymentsError as exc:
        raise CalculationError(exc.field or "", exc.message) from exc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")
