"""Writing audit events. Call from inside a service's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from dp.audit_log.models import Event
from dp.core import clock


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance`, made JSON-safe (for before/after records)."""
    return {name: _json_safe(getattr(instance, name)) for name in fields}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def audit_event_record(
    *,
    actor: Any,
    event_type: str,
    subject: models.Model,
    summary: str,
    person: Any = None,
    case: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Event:
    """Record that `actor` did `event_type` to `subject`. Must run inside the caller's transaction.

    `event_type` is a stable code: one of `EventType` or of an app's own choices added with
    `register_event_types` (e.g. `PaymentEventType.RUN_APPROVED`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit events are written inside the service's transaction.")
    data: dict[str, Any] = {}
    if before is not None:
        data["before"] = {k: _json_safe(v) for k, v in before.items()}
    if after is not None:
        data["after"] = {k: _json_safe(v) for k, v in after.items()}
    if extra:
        data.update({k: _json_safe(v) for k, v in extra.items()})
    return Event.objects.create(
        occurred_at=clock.now(),
        acting_user=actor if getattr(actor, "is_authenticated", False) else None,
        event_type=event_type,
        summary=summary[:300],
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        subject_id=subject.pk,
        person=person,
        case=case,
        data=data,
    )
