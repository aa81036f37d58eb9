"""Reading the council and its policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dp.core.errors import PolicyMissing
from dp.councils.domain.policy import REGISTRY, PolicyParameter, value_on
from dp.councils.models import Council, PolicyValue


def council_get() -> Council | None:
    return Council.objects.order_by("pk").first()


def council_in_area(council: Council, district: str) -> bool:
    return council.districts.filter(district=district.upper()).exists()


def policy_value_get(key: str, *, on: dt.date, council: Council | None = None) -> Any:
    """The value of council policy `key` in force on `on`. Raises PolicyMissing if none is set."""
    parameter = REGISTRY.get(key)
    council = council or council_get()
    if council is None:
        raise PolicyMissing("No council has been set up yet.")
    rows = PolicyValue.objects.filter(council=council, key=key, effective_from__lte=on).values_list(
        "effective_from", "value"
    )
    value = value_on(rows, on)
    if value is None:
        raise PolicyMissing(
            f"The council has not set “{parameter.label}” for {on:%d %B %Y}. "
            "A system administrator can set it in Council settings."
        )
    return value


@dataclass(frozen=True)
class PolicyRow:
    parameter: PolicyParameter
    current: PolicyValue | None
    upcoming: list[PolicyValue]
    history: list[PolicyValue]


def policy_overview(*, council: Council, on: dt.date) -> list[PolicyRow]:
    values: dict[str, list[PolicyValue]] = {}
    for row in PolicyValue.objects.filter(council=council).select_related("set_by").order_by("key", "-effective_from"):
        values.setdefault(row.key, []).append(row)
    result = []
    for parameter in REGISTRY.all():
        rows = values.get(parameter.key, [])
        past = [r for r in rows if r.effective_from <= on]
        result.append(
            PolicyRow(
                parameter=parameter,
                current=past[0] if past else None,
                upcoming=sorted((r for r in rows if r.effective_from > on), key=lambda r: r.effective_from),
                history=past[1:],
            )
        )
    return result
