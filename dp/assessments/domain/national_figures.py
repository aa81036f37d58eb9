"""National figures by rates year: charging limits and amounts, and the minimum wage.

Design
------
Two effective-dated tables, shipped as `dp/assessments/data/national_figures.yaml`:

* `charging` — one `NationalFigures` per rates year: the capital limits (Care Act s.18, CH-CAP-01/02)
  and the Minimum Income Guarantee components of the Care and Support (Charging and Assessment of
  Resources) Regulations 2014 reg 7 (RULES.md §2.3), plus the care-home Personal Expenses Allowance
  for reference.
* `minimum_wage` — one `MinimumWageRates` per year from 1 April (PA-WAGE-01..05), for the PA pay
  check.

Only figures that RULES.md marks **[V]** (found verbatim in a cited source) are entered. Figures it
marks [D] (derived by CPI arithmetic), [U] or "not found" are `null` in the YAML and `None` here:
the system asks an administrator to enter them (`with_entered_figures`), and any calculation that
needs a missing one raises `PolicyMissing` naming it (`NationalFigures.require`). A rates year whose
figures are all unknown (2026/27 charging) is still listed, so that a date in it never silently
falls back to the previous year's amounts.

When a year starts: RULES.md §0 sets the convention "financial year = 1 April to 31 March" and
notes that the amending charging SIs take effect from the first Monday / 6 April in practice; the
only date it verifies is the 2025 SI's, 6 April 2025. So each entry carries its own
`effective_from`: 6 April 2025 for 2025/26 [V], and 1 April (the stated financial-year convention)
for every other year, whose exact commencement date RULES.md does not give. Minimum wage rates
change on 1 April (PA-WAGE-01 "from 1 Apr 2025"). An entry applies from its `effective_from` to the
day before the next entry's; the last entry applies for one year, and a date after that has no
figures (`PolicyMissing`) rather than stale ones.

`figures_for` and `minimum_wage_for` are pure: they take the loaded tables. Only
`load_national_figure_tables` reads a file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TypeVar

import yaml

from dp.core.domain.breakdown import format_date
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.core.money import format_pence

DEFAULT_DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "national_figures.yaml"

_RATES_YEAR = re.compile(r"^(?P<start>\d{4})/(?P<end>\d{2})$")

# Plain-English names of each national figure, for breakdowns, admin forms and PolicyMissing.
CHARGING_FIGURE_LABELS: Mapping[str, str] = {
    "capital_upper_limit_pence": "upper capital limit",
    "capital_lower_limit_pence": "lower capital limit",
    "mig_single_18_to_24_pence": "Minimum Income Guarantee, single person aged 18 to 24",
    "mig_single_25_to_pension_credit_age_pence": (
        "Minimum Income Guarantee, single person aged 25 to pension credit age"
    ),
    "mig_single_pension_credit_age_pence": "Minimum Income Guarantee, single person of pension credit age",
    "mig_lone_parent_pence": "Minimum Income Guarantee, lone parent aged 18 or over",
    "mig_couple_per_member_pence": "Minimum Income Guarantee, member of a couple aged 18 or over",
    "mig_couple_pension_credit_age_per_member_pence": (
        "Minimum Income Guarantee, member of a couple where one or both are of pension credit age"
    ),
    "disability_premium_single_pence": "disability premium (single)",
    "disability_premium_couple_per_member_pence": "disability premium (couple, each member)",
    "enhanced_disability_premium_single_pence": "enhanced disability premium (single)",
    "enhanced_disability_premium_couple_per_member_pence": "enhanced disability premium (couple, each member)",
    "carer_premium_pence": "carer premium",
    "dependent_child_pence": "amount for each dependent child",
    "personal_expenses_allowance_pence": "Personal Expenses Allowance (care homes)",
}

MINIMUM_WAGE_FIGURE_LABELS: Mapping[str, str] = {
    "national_living_wage_pence": "National Living Wage (hourly)",
    "age_18_to_20_pence": "National Minimum Wage for ages 18 to 20 (hourly)",
    "under_18_pence": "National Minimum Wage for under 18s (hourly)",
    "apprentice_pence": "Apprentice rate (hourly)",
    "accommodation_offset_daily_pence": "accommodation offset (daily)",
}


def rates_year_label(start_year: int) -> str:
    """2025 -> "2025/26"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def rates_year_of(on: dt.date) -> str:
    """The financial year (1 April to 31 March) a date falls in: 2026-03-31 -> "2025/26"."""
    return rates_year_label(on.year if on.month >= 4 else on.year - 1)


def _add_one_year(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year + 1)
    except ValueError:  # 29 February
        return dt.date(on.year + 1, 3, 1)


@dataclass(frozen=True)
class NationalFigures:
    """The national charging figures for one rates year (weekly amounts and capital, in pence).

    `None` means "not entered": RULES.md does not verify the figure. Use `require` to read a
    figure a calculation needs.
    """

    rates_year: str
    effective_from: dt.date
    capital_upper_limit_pence: int | None = None
    capital_lower_limit_pence: int | None = None
    mig_single_18_to_24_pence: int | None = None
    mig_single_25_to_pension_credit_age_pence: int | None = None
    mig_single_pension_credit_age_pence: int | None = None
    mig_lone_parent_pence: int | None = None
    mig_couple_per_member_pence: int | None = None
    mig_couple_pension_credit_age_per_member_pence: int | None = None
    disability_premium_single_pence: int | None = None
    disability_premium_couple_per_member_pence: int | None = None
    enhanced_disability_premium_single_pence: int | None = None
    enhanced_disability_premium_couple_per_member_pence: int | None = None
    carer_premium_pence: int | None = None
    dependent_child_pence: int | None = None
    personal_expenses_allowance_pence: int | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_rates_year(self.rates_year, self.effective_from)
        for name in CHARGING_FIGURE_LABELS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationFailed(f"{CHARGING_FIGURE_LABELS[name]} must be a whole number of pence.", field=name)
        lower, upper = self.capital_lower_limit_pence, self.capital_upper_limit_pence
        if lower is not None and upper is not None and lower > upper:
            raise ValidationFailed(
                "The lower capital limit cannot be above the upper capital limit.", field="capital_lower_limit_pence"
            )

    def require(self, name: str) -> int:
        """The figure `name`, or PolicyMissing naming it when it has not been entered."""
        value: int | None = getattr(self, name)
        if value is None:
            raise PolicyMissing(
                f"The national figure “{CHARGING_FIGURE_LABELS[name]}” for {self.rates_year} has not been entered. "
                "An administrator must enter it from the Department of Health and Social Care circular.",
                field=name,
            )
        return value

    def missing(self) -> list[str]:
        """Names of the figures not yet entered, in table order."""
        return [name for name in CHARGING_FIGURE_LABELS if getattr(self, name) is None]


@dataclass(frozen=True)
class MinimumWageRates:
    """Hourly minimum wage rates in force from `effective_from` (National Minimum Wage Act 1998)."""

    rates_year: str
    effective_from: dt.date
    national_living_wage_from_age: int
    national_living_wage_pence: int | None = None
    age_18_to_20_pence: int | None = None
    under_18_pence: int | None = None
    apprentice_pence: int | None = None
    accommodation_offset_daily_pence: int | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_rates_year(self.rates_year, self.effective_from)
        if isinstance(self.national_living_wage_from_age, bool) or not isinstance(
            self.national_living_wage_from_age, int
        ):
            raise ValidationFailed("Enter the age as a whole number.", field="national_living_wage_from_age")
        if not 19 <= self.national_living_wage_from_age <= 25:
            raise ValidationFailed(
                "The National Living Wage age must be between 19 and 25.", field="national_living_wage_from_age"
            )
        for name in MINIMUM_WAGE_FIGURE_LABELS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationFailed(
                    f"{MINIMUM_WAGE_FIGURE_LABELS[name]} must be a whole number of pence.", field=name
                )

    def require(self, name: str) -> int:
        value: int | None = getattr(self, name)
        if value is None:
            raise PolicyMissing(
                f"The national figure “{MINIMUM_WAGE_FIGURE_LABELS[name]}” from "
                f"{format_date(self.effective_from)} has not been entered.",
                field=name,
            )
        return value


def _check_rates_year(label: str, effective_from: dt.date) -> None:
    match = _RATES_YEAR.match(label) if isinstance(label, str) else None
    if match is None or rates_year_label(int(match.group("start"))) != label:
        raise ValidationFailed('A rates year is written like "2025/26".', field="rates_year")
    if isinstance(effective_from, dt.datetime) or not isinstance(effective_from, dt.date):
        raise ValidationFailed("Enter the date the figures take effect.", field="effective_from")
    if rates_year_of(effective_from) != label:
        raise ValidationFailed(
            f"Figures for {label} must take effect in that financial year, not on {format_date(effective_from)}.",
            field="effective_from",
        )


_Entry = TypeVar("_Entry", NationalFigures, MinimumWageRates)


def _check_table(entries: Sequence[_Entry], table: str) -> tuple[_Entry, ...]:
    ordered = tuple(entries)
    for index, (earlier, later) in enumerate(itertools.pairwise(ordered), start=1):
        if later.effective_from <= earlier.effective_from:
            raise ValidationFailed(
                "Rates years must be listed in date order, each once.", field=f"{table}[{index}].effective_from"
            )
    return ordered


@dataclass(frozen=True)
class NationalFigureTables:
    """Both effective-dated tables, each in date order."""

    charging: tuple[NationalFigures, ...]
    minimum_wage: tuple[MinimumWageRates, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "charging", _check_table(self.charging, "charging"))
        object.__setattr__(self, "minimum_wage", _check_table(self.minimum_wage, "minimum_wage"))


def _in_force(entries: Sequence[_Entry], on: dt.date, what: str) -> _Entry:
    for index, entry in enumerate(entries):
        ends = entries[index + 1].effective_from if index + 1 < len(entries) else _add_one_year(entry.effective_from)
        if entry.effective_from <= on < ends:
            return entry
    raise PolicyMissing(
        f"No national {what} are held for {format_date(on)} (rates year {rates_year_of(on)}). "
        "An administrator must enter them.",
        field="rates_year",
    )


def figures_for(on: dt.date, tables: NationalFigureTables) -> NationalFigures:
    """The national charging figures in force on a date (RULES.md §0 and §2.3; Charging Regs reg 7).

    Raises PolicyMissing when no rates year covers the date. Individual figures may still be
    None; calculations ask for them with `NationalFigures.require`.
    """
    return _in_force(tables.charging, on, "charging figures")


def minimum_wage_for(on: dt.date, tables: NationalFigureTables) -> MinimumWageRates:
    """The minimum wage rates in force on a date (PA-WAGE-01..05; rates change on 1 April)."""
    return _in_force(tables.minimum_wage, on, "minimum wage rates")


def with_entered_figures(figures: NationalFigures, entered: Mapping[str, int | None]) -> NationalFigures:
    """Fill figures that are not shipped with values an administrator has entered.

    A shipped (verified) figure cannot be replaced by a different entered value: that would be a
    correction to the shipped data, made in the YAML with its source, not in a form.
    """
    changes: dict[str, int] = {}
    for name, value in entered.items():
        if name not in CHARGING_FIGURE_LABELS:
            raise ValidationFailed(f"{name} is not a national charging figure.", field=name)
        if value is None:
            continue
        shipped = getattr(figures, name)
        if shipped is not None and shipped != value:
            raise ValidationFailed(
                f"The {CHARGING_FIGURE_LABELS[name]} for {figures.rates_year} is already set to "
                f"{format_pence(shipped)} from a verified source and cannot be changed here.",
                field=name,
            )
        changes[name] = value
    return replace(figures, **changes)  # type: ignore[arg-type]


def _parse_entries(raw: object, table: str, cls: type[_Entry]) -> list[_Entry]:
    if not isinstance(raw, list):
        raise ValidationFailed(f"{table} must be a list of rates years.", field=table)
    allowed = {f.name for f in fields(cls)}
    entries: list[_Entry] = []
    for index, item in enumerate(raw):
        path = f"{table}[{index}]"
        if not isinstance(item, dict):
            raise ValidationFailed("Each rates year must be a mapping of figures.", field=path)
        unknown = sorted(set(item) - allowed)
        if unknown:
            raise ValidationFailed(f"Unknown figure {unknown[0]!r}.", field=f"{path}.{unknown[0]}")
        values = dict(item)
        values["sources"] = tuple(values.get("sources") or ())
        try:
            entries.append(cls(**values))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=f"{path}.{exc.field}") from exc
        except TypeError as exc:
            raise ValidationFailed(f"A required figure is missing: {exc}.", field=path) from exc
    return entries


def parse_national_figure_tables(data: object) -> NationalFigureTables:
    """Build the tables from the YAML's structure, refusing unknown keys and non-integer money."""
    if not isinstance(data, dict) or set(data) != {"charging", "minimum_wage"}:
        raise ValidationFailed("The national figures file must have exactly `charging` and `minimum_wage`.")
    return NationalFigureTables(
        charging=tuple(_parse_entries(data["charging"], "charging", NationalFigures)),
        minimum_wage=tuple(_parse_entries(data["minimum_wage"], "minimum_wage", MinimumWageRates)),
    )


def load_national_figure_tables(path: Path | None = None) -> NationalFigureTables:
    """Read the shipped YAML (or another file of the same shape)."""
    with (path or DEFAULT_DATA_PATH).open(encoding="utf-8") as handle:
        return parse_national_figure_tables(yaml.safe_load(handle))
