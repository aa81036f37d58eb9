"""Plain-English explanation lines shared by every calculation (CALCULATE.md `breakdown`).

Design: every calculation in CALCULATE.md answers with a `breakdown`, a list of lines that a
person can read from top to bottom to check the result by hand, each either a labelled amount of
money (`{"label": ..., "amount_pence": ...}`) or a labelled piece of text (`{"label": ...,
"value": ...}`). `BreakdownLine` is that line; `as_dict` gives the contract's JSON shape.

Money in labels is written with `dp.core.money.format_pence` and dates with `format_date`; these
strings are for reading only and never feed a calculation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class BreakdownLine:
    """One line of an explanation: a label with either an amount in pence or a text value."""

    label: str
    amount_pence: int | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        if (self.amount_pence is None) == (self.value is None):
            raise ValueError("A breakdown line has an amount or a value, not both and not neither.")

    @classmethod
    def money(cls, label: str, amount_pence: int) -> BreakdownLine:
        return cls(label=label, amount_pence=amount_pence)

    @classmethod
    def text(cls, label: str, value: str) -> BreakdownLine:
        return cls(label=label, value=value)

    def as_dict(self) -> dict[str, str | int]:
        """The CALCULATE.md shape: `{"label", "amount_pence"}` or `{"label", "value"}`."""
        if self.amount_pence is not None:
            return {"label": self.label, "amount_pence": self.amount_pence}
        return {"label": self.label, "value": str(self.value)}

    to_json = as_dict


def format_date(on: dt.date) -> str:
    """ "6 April 2025": the GOV.UK style for dates in running text."""
    return f"{on.day} {on:%B %Y}"
