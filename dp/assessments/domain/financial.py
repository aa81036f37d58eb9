"""From what a financial assessment officer records to the contribution calculation's request.

Design
------
`charging.calculate_contribution` takes a `ContributionRequest` (the CALCULATE.md `contribution`
request). An officer records a little more than that, in the form a person's paperwork gives it,
and this module turns the record into the request, so the screens, the annual uprating and the
calculation service all compute with the one domain function:

* capital: the person's own capital plus their share of capital held jointly. Jointly held
  capital is treated as divided equally between the owners (CH-CAP-07, 50% each for two owners);
  an odd penny is rounded half up by `round_to_pence`, the one rounding function (ADR 0003);
* disability-related expenditure: either itemised (the total of the items; CSSG Annex C para 40,
  CH-ALW-02) or the council's standard allowance (CH-ALW-03), which the request leaves unset so
  the council's policy supplies it;
* disregards and income are typed lists, kept as recorded.

`FinancialInputs` is that record; `contribution_request` builds the request for a date and the
person's age on it. The same record re-run under a later year's figures is the annual uprating
(`uprating`). JSON helpers store the national figures and council policy a calculation used, so
a stored result can be explained, and recomputed, exactly as it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from dp.assessments.domain.charging import ChargingPolicy, ContributionRequest, Disregard, IncomeItem
from dp.assessments.domain.national_figures import NationalFigures
from dp.assessments.domain.validation import require_int, require_pence
from dp.core.errors import ValidationFailed
from dp.core.money import round_to_pence

# CSSG Annex C para 40 lists typical disability-related expenditure (RULES.md CH-ALW-02).
DRE_ITEMS: Mapping[str, str] = {
    "community_alarm": "Community alarm",
    "private_care": "Privately arranged care or respite",
    "laundry": "Extra laundry or specialist washing products",
    "special_diet": "Special diet",
    "clothing_footwear": "Special clothing or footwear, or extra wear and tear",
    "bedding": "Extra bedding",
    "heating": "Extra heating",
    "domestic_help": "Cleaning, domestic help or gardening needed because of disability",
    "equipment": "Buying, hiring or maintaining disability equipment",
    "transport": "Extra transport costs",
    "other": "Other disability-related costs",
}


def own_share_pence(joint_total_pence: int, owners: int) -> int:
    """The person's equal share of capital held jointly with `owners - 1` others (CH-CAP-07)."""
    require_pence(joint_total_pence, "capital_joint_total_pence")
    require_int(owners, "capital_joint_owners", minimum=2, maximum=20)
    return round_to_pence(Decimal(joint_total_pence) / owners)


@dataclass(frozen=True)
class FinancialInputs:
    """What the officer recorded, in pence. `dre_items` empty and `dre_itemised` False means the
    council's standard allowance applies."""

    cost_of_care_weekly_pence: int
    income: Sequence[tuple[str, int]] = ()
    disregards: Sequence[tuple[str, int]] = ()
    capital_sole_pence: int = 0
    capital_joint_total_pence: int = 0
    capital_joint_owners: int = 2
    housing_costs_weekly_pence: int = 0
    dre_itemised: bool = False
    dre_items: Sequence[tuple[str, int]] = ()
    couple: bool = False
    dependent_children: int = 0
    premiums: Sequence[str] = ()
    pension_credit_age: bool | None = None

    def __post_init__(self) -> None:
        require_pence(self.capital_sole_pence, "capital_sole_pence")
        if self.capital_joint_total_pence:
            own_share_pence(self.capital_joint_total_pence, self.capital_joint_owners)
        for index, (item, amount) in enumerate(self.dre_items):
            if item not in DRE_ITEMS:
                raise ValidationFailed(
                    f"Unknown kind of disability-related cost {item!r}.", field=f"dre_items[{index}]"
                )
            require_pence(amount, f"dre_items[{index}].weekly_pence")
        if self.dre_itemised and not any(amount for _, amount in self.dre_items):
            raise ValidationFailed(
                "Enter at least one disability-related cost, or use the council's standard allowance.",
                field="dre_items",
            )
        if not self.dre_itemised and self.dre_items:
            raise ValidationFailed(
                "Costs are itemised but the standard allowance is chosen: choose one.", field="dre_basis"
            )

    @property
    def capital_pence(self) -> int:
        joint = (
            own_share_pence(self.capital_joint_total_pence, self.capital_joint_owners)
            if self.capital_joint_total_pence
            else 0
        )
        return self.capital_sole_pence + joint

    @property
    def dre_weekly_pence(self) -> int | None:
        """The itemised total, or None for the council's standard allowance."""
        return sum(amount for _, amount in self.dre_items) if self.dre_itemised else None


def contribution_request(inputs: FinancialInputs, *, assessed_on: dt.date, age: int) -> ContributionRequest:
    """The CALCULATE.md request for these inputs on a date, for a person of `age` on that date."""
    return ContributionRequest(
        assessed_on=assessed_on,
        age=age,
        cost_of_care_weekly_pence=inputs.cost_of_care_weekly_pence,
        pension_credit_age=inputs.pension_credit_age,
        couple=inputs.couple,
        dependent_children=inputs.dependent_children,
        premiums=tuple(inputs.premiums),
        income=tuple(IncomeItem(type=t, weekly_pence=p) for t, p in inputs.income),
        disregards=tuple(Disregard(reason=r, weekly_pence=p) for r, p in inputs.disregards),
        capital_pence=inputs.capital_pence,
        housing_costs_weekly_pence=inputs.housing_costs_weekly_pence,
        disability_related_expenditure_weekly_pence=inputs.dre_weekly_pence,
    )


def policy_to_json(policy: ChargingPolicy) -> dict[str, Any]:
    data = asdict(policy)
    data["taper_percent"] = str(policy.taper_percent)
    data["disregarded_income_types"] = sorted(policy.disregarded_income_types)
    return data


def policy_from_json(data: Mapping[str, Any]) -> ChargingPolicy:
    values = dict(data)
    values["taper_percent"] = Decimal(str(values.get("taper_percent", "100")))
    values["disregarded_income_types"] = frozenset(values.get("disregarded_income_types") or ())
    return ChargingPolicy(**values)


def figures_to_json(figures: NationalFigures) -> dict[str, Any]:
    data = asdict(figures)
    data["effective_from"] = figures.effective_from.isoformat()
    data["sources"] = list(figures.sources)
    return data


def figures_from_json(data: Mapping[str, Any]) -> NationalFigures:
    known = {f.name for f in fields(NationalFigures)}
    values = {k: v for k, v in data.items() if k in known}
    values["effective_from"] = dt.date.fromisoformat(str(values["effective_from"]))
    values["sources"] = tuple(values.get("sources") or ())
    return NationalFigures(**values)
