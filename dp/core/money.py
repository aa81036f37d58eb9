"""Money as integer pence (ADR 0003).

GBP only. Amounts are `int` pence everywhere; `Decimal` appears only for rates and percentages
and is turned into pence by `round_to_pence`, the one rounding function (ROUND_HALF_UP, the
convention councils' finance teams and the charging guidance's worked examples use).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dp.core.errors import MoneyFormatError

_POUNDS = re.compile(r"^(?P<sign>-)?£?(?P<whole>\d{1,3}(,\d{3})*|\d+)(\.(?P<frac>\d+))?$")


def round_to_pence(amount: Decimal) -> int:
    """Round a Decimal number of pence to a whole penny, half up (away from zero on .5)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds_to_pence(text: str) -> int:
    """Parse "£1,234.56", "1234.5" or "-12" into pence, refusing fractions of a penny.

    A statement amount with three decimal places is an error to report, never something to round.
    """
    cleaned = text.strip().replace(" ", "")
    match = _POUNDS.match(cleaned)
    if not match:
        raise MoneyFormatError(f"{text!r} is not an amount of money in pounds and pence.")
    frac = match.group("frac") or ""
    if len(frac) > 2 and frac[2:].strip("0"):
        raise MoneyFormatError(f"{text!r} has a fraction of a penny.")
    try:
        value = Decimal(match.group("whole").replace(",", "") + "." + (frac or "0")) * 100
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guarantees digits
        raise MoneyFormatError(f"{text!r} is not an amount of money.") from exc
    pence = int(value)
    return -pence if match.group("sign") else pence


def format_pence(pence: int, *, sign: bool = False) -> str:
    """£1,234.56 (or -£1,234.56). For templates and exports only; never parse this back."""
    negative = pence < 0
    pounds, rem = divmod(abs(pence), 100)
    text = f"£{pounds:,}.{rem:02d}"
    if negative:
        return "-" + text
    if sign and pence > 0:
        return "+" + text
    return text


def allocate(total_pence: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Split `total_pence` in proportion to `weights`; the parts always sum exactly to the total.

    Largest-remainder method: each part gets the floor of its share, then the pennies left over go
    to the parts with the largest remainders (earliest first on a tie), so the result is
    deterministic.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight.")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative.")
    weight_sum = sum(Decimal(w) for w in weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero.")
    sign = -1 if total_pence < 0 else 1
    total = abs(total_pence)
    shares = [Decimal(total) * Decimal(w) / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]
