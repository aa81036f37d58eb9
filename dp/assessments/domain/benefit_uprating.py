"""Uprating a person's benefit income to the new year's national rates (the annual uprating).

Design
------
Each April the Department for Work and Pensions raises benefits and the State Pension, so a
re-run of every financial assessment under the new charging figures (the new Minimum Income
Guarantee, RULES.md §2.3) must also see the person's new income: otherwise contributions fall
every year for no reason. What the system can know for certain is the *national rate*: someone
recorded as receiving Attendance Allowance at £110.40 a week in 2025/26 receives £114.60 in
2026/27 (RULES.md §7). So the uprating replaces income that is **exactly** last year's national
rate of a benefit with this year's rate of the same benefit, and leaves everything else as
recorded (earnings, private pensions, a part State Pension, Pension Credit top-ups): those the
officer updates when the person tells them, and the officer is told which were left.

Rates come from `data/benefit_rates.yaml`, only where RULES.md marks them verified; a rate not
given (null) is never guessed, and income at it is left unchanged. Each benefit's rates are listed
highest first in the same order every year, so last year's higher rate pairs with this year's
higher rate. Pure: no Django, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dp.assessments.domain.charging import INCOME_TYPES
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence

DEFAULT_BENEFIT_RATES_PATH = Path(__file__).resolve().parent.parent / "data" / "benefit_rates.yaml"


@dataclass(frozen=True)
class BenefitRates:
    """One rates year's national weekly rates, by income type (highest first; None = not verified)."""

    rates_year: str
    rates: Mapping[str, tuple[int | None, ...]]
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for income_type, values in self.rates.items():
            if income_type not in INCOME_TYPES:
                raise ValidationFailed(f"Unknown income type {income_type!r}.", field=income_type)
            for index, value in enumerate(values):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                    raise ValidationFailed(
                        "A benefit rate must be a whole number of pence above zero.", field=f"{income_type}[{index}]"
                    )


def parse_benefit_rates(data: object) -> dict[str, BenefitRates]:
    """The rates by rates year, from the YAML's structure."""
    if not isinstance(data, dict) or set(data) != {"benefit_rates"} or not isinstance(data["benefit_rates"], list):
        raise ValidationFailed("The benefit rates file must have exactly a `benefit_rates` list.")
    years: dict[str, BenefitRates] = {}
    for index, item in enumerate(data["benefit_rates"]):
        path = f"benefit_rates[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("rates_year"), str):
            raise ValidationFailed("Each rates year must be a mapping with a rates_year.", field=path)
        values = {k: v for k, v in item.items() if k not in ("rates_year", "sources")}
        if any(not isinstance(v, list) for v in values.values()):
            raise ValidationFailed("Each benefit's rates must be a list.", field=path)
        if item["rates_year"] in years:
            raise ValidationFailed(f"Rates year {item['rates_year']} is listed twice.", field=path)
        try:
            years[item["rates_year"]] = BenefitRates(
                rates_year=item["rates_year"],
                rates={k: tuple(v) for k, v in values.items()},
                sources=tuple(item.get("sources") or ()),
            )
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=f"{path}.{exc.field}") from exc
    return years


def load_benefit_rates(path: Path | None = None) -> dict[str, BenefitRates]:
    with (path or DEFAULT_BENEFIT_RATES_PATH).open(encoding="utf-8") as handle:
        return parse_benefit_rates(yaml.safe_load(handle))


@dataclass(frozen=True)
class IncomeUprating:
    """Which weekly amounts of which income types become which, from one rates year to the next."""

    from_year: str
    to_year: str
    changes: Mapping[str, Mapping[int, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "from_year": self.from_year,
            "to_year": self.to_year,
            "changes": {t: [[old, new] for old, new in sorted(m.items())] for t, m in sorted(self.changes.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> IncomeUprating:
        if not data:
            return cls(from_year="", to_year="")
        raw = data.get("changes") or {}
        assert isinstance(raw, dict)
        return cls(
            from_year=str(data["from_year"]),
            to_year=str(data["to_year"]),
            changes={t: {int(old): int(new) for old, new in pairs} for t, pairs in raw.items()},
        )


def income_uprating(old: BenefitRates | None, new: BenefitRates | None) -> IncomeUprating:
    """The changes from `old`'s rates to `new`'s: each benefit's rates paired by position, where both
    years give the rate (RULES.md §7). No tables for either year: no changes."""
    if old is None or new is None:
        return IncomeUprating(from_year=old.rates_year if old else "", to_year=new.rates_year if new else "")
    changes: dict[str, dict[int, int]] = {}
    for income_type, old_rates in old.rates.items():
        new_rates = new.rates.get(income_type, ())
        if len(new_rates) != len(old_rates):
            raise ValidationFailed(
                f"{INCOME_TYPES[income_type]} has {len(old_rates)} rates in {old.rates_year} but "
                f"{len(new_rates)} in {new.rates_year}: list them in the same order every year.",
                field=income_type,
            )
        pairs = {o: n for o, n in zip(old_rates, new_rates, strict=True) if o is not None and n is not None}
        if pairs:
            changes[income_type] = pairs
    return IncomeUprating(from_year=old.rates_year, to_year=new.rates_year, changes=changes)


@dataclass(frozen=True)
class IncomeChange:
    """One line of income and what the uprating did with it (`new_pence` None: left as recorded)."""

    income_type: str
    old_pence: int
    new_pence: int | None

    def as_dict(self) -> dict[str, object]:
        return {"type": self.income_type, "old_pence": self.old_pence, "new_pence": self.new_pence}

    def describe(self) -> str:
        """In words, for the officer: "Attendance Allowance £110.40 → £114.60"."""
        name = INCOME_TYPES.get(self.income_type, self.income_type)
        if self.new_pence is None:
            return f"{name} {format_pence(self.old_pence)} left as recorded: not a national rate"
        return f"{name} {format_pence(self.old_pence)} → {format_pence(self.new_pence)}"


def describe_changes(data: Sequence[Mapping[str, Any]]) -> list[str]:
    """`IncomeChange.describe` for each change kept as JSON on an uprating item."""
    return [
        IncomeChange(
            str(c["type"]), int(c["old_pence"]), None if c["new_pence"] is None else int(c["new_pence"])
        ).describe()
        for c in data
    ]


def uprate_income(
    income: Sequence[tuple[str, int]], uprating: IncomeUprating
) -> tuple[tuple[tuple[str, int], ...], tuple[IncomeChange, ...]]:
    """The income with every line at last year's national rate moved to this year's rate, and what
    happened to each line that is a benefit the tables know (changed, or left because the amount is
    not a national rate). Other lines are returned unchanged and not reported."""
    uprated: list[tuple[str, int]] = []
    report: list[IncomeChange] = []
    for income_type, weekly in income:
        rates = uprating.changes.get(income_type)
        if rates is None:
            uprated.append((income_type, weekly))
            continue
        new = rates.get(weekly)
        uprated.append((income_type, weekly if new is None else new))
        report.append(IncomeChange(income_type, weekly, new))
    return tuple(uprated), tuple(report)


def benefit_rates_to_json(table: Mapping[str, BenefitRates]) -> dict[str, dict[str, list[int | None]]]:
    """The table as kept on an uprating batch, so a re-run or the apply step uses the same rates."""
    return {year: {t: list(v) for t, v in rates.rates.items()} for year, rates in table.items()}


def benefit_rates_from_json(data: Mapping[str, Mapping[str, Sequence[int | None]]]) -> dict[str, BenefitRates]:
    return {
        year: BenefitRates(rates_year=year, rates={t: tuple(v) for t, v in rates.items()})
        for year, rates in data.items()
    }


class IncomeUpratings:
    """`income_uprating` from each assessment's own rates year to the batch's, worked out once per year."""

    def __init__(self, table: Mapping[str, BenefitRates], to_year: str) -> None:
        self._table = table
        self._to_year = to_year
        self._cache: dict[str, IncomeUprating] = {}

    def from_year(self, rates_year: str) -> IncomeUprating:
        if rates_year not in self._cache:
            if rates_year == self._to_year:
                self._cache[rates_year] = IncomeUprating(from_year=rates_year, to_year=rates_year)
            else:
                self._cache[rates_year] = income_uprating(self._table.get(rates_year), self._table.get(self._to_year))
        return self._cache[rates_year]
