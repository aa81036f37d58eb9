"""Effective-dated council policy: the definitions, and choosing the value in force on a date.

A council's choices (how long a triage may take, how many weeks of surplus it allows, its payment
cycle, its local Minimum Income Guarantee uplift ...) are parameters, never constants in code.
Each parameter has a definition registered here by the app that uses it, and the council records
values with the date they take effect, who set them and why. Re-running last year's decision
uses last year's value.

Pure: no Django. `value_on` takes the recorded values as plain tuples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["int", "pence", "percent", "bool", "choice"]


@dataclass(frozen=True)
class PolicyParameter:
    key: str
    label: str
    kind: Kind
    help: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    source: str = "Local policy"

    def check(self, value: Any) -> str | None:
        """A plain-English reason the value is not allowed, or None when it is."""
        if self.kind == "bool":
            return None if isinstance(value, bool) else "Choose yes or no"
        if self.kind == "choice":
            allowed = {c for c, _ in self.choices}
            return None if value in allowed else "Choose one of the options"
        if not isinstance(value, int) or isinstance(value, bool):
            return "Enter a whole number"
        if self.minimum is not None and value < self.minimum:
            return f"{self.label} must be {self.minimum} or more"
        if self.maximum is not None and value > self.maximum:
            return f"{self.label} must be {self.maximum} or less"
        return None


@dataclass
class Registry:
    parameters: dict[str, PolicyParameter] = field(default_factory=dict)

    def register(self, parameter: PolicyParameter) -> PolicyParameter:
        existing = self.parameters.get(parameter.key)
        if existing is not None and existing != parameter:
            raise ValueError(f"Policy parameter {parameter.key} is registered twice with different definitions.")
        self.parameters[parameter.key] = parameter
        return parameter

    def get(self, key: str) -> PolicyParameter:
        return self.parameters[key]

    def all(self) -> list[PolicyParameter]:
        return sorted(self.parameters.values(), key=lambda p: p.label)


REGISTRY = Registry()


def value_on(values: Iterable[tuple[dt.date, Any]], on: dt.date) -> Any | None:
    """The value whose effective date is the latest on or before `on`; None when none has started."""
    best: tuple[dt.date, Any] | None = None
    for effective_from, value in values:
        if effective_from <= on and (best is None or effective_from > best[0]):
            best = (effective_from, value)
    return None if best is None else best[1]
