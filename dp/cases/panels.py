"""Sections of the case page that other parts of the system add (eligibility, assessments,
budget, plan, agreement, reviews, payments ...).

An app registers a `CasePanel` in its `AppConfig.ready`; the case page shows, in `order`, each
panel whose `roles` include one of the user's and whose `applies(case)` is true, rendering its
`template` with `case`, `user` and whatever its `context(case, user)` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dp.staff.roles import CARE_ROLES


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    template: str
    order: int
    roles: frozenset[str] = CARE_ROLES
    context: Callable[[Any, Any], dict[str, Any]] = field(default=lambda case, user: {})
    applies: Callable[[Any], bool] = field(default=lambda case: True)


PANELS: dict[str, CasePanel] = {}


def register(panel: CasePanel) -> CasePanel:
    PANELS[panel.key] = panel
    return panel


def panels_for(case: Any, user: Any) -> list[tuple[CasePanel, dict[str, Any]]]:
    shown = []
    for panel in sorted(PANELS.values(), key=lambda p: p.order):
        if user.roles & panel.roles and panel.applies(case):
            shown.append((panel, {"case": case, "user": user, "title": panel.title, **panel.context(case, user)}))
    return shown
