"""Changing the council's details, area and policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record, snapshot
from dp.core import clock
from dp.core.domain.identifiers import normalise_postcode
from dp.core.errors import ValidationFailed
from dp.councils.domain.policy import REGISTRY
from dp.councils.models import Council, PolicyValue, PostcodeDistrict

_COUNCIL_FIELDS = ["name", "short_name", "contact_email", "contact_phone", "address"]


def parse_districts(text: str) -> list[str]:
    """ "ST1, st2 ST3" -> ["ST1", "ST2", "ST3"]; refuses anything that is not an outward code."""
    districts = []
    for raw in text.replace(",", " ").split():
        district = raw.strip().upper()
        if normalise_postcode(f"{district} 1AA") is None:
            raise ValidationFailed(f"“{raw}” is not a postcode district, like ST4", field="districts")
        if district not in districts:
            districts.append(district)
    return sorted(districts)


@transaction.atomic
def council_update(*, actor: Any, council: Council, districts: list[str], **fields: str) -> Council:
    council = Council.objects.select_for_update().get(pk=council.pk)
    before = snapshot(council, _COUNCIL_FIELDS)
    before["districts"] = list(council.districts.values_list("district", flat=True))
    for name in _COUNCIL_FIELDS:
        if name in fields:
            setattr(council, name, fields[name])
    council.save(update_fields=[f for f in _COUNCIL_FIELDS if f in fields])
    council.districts.exclude(district__in=districts).delete()
    existing = set(council.districts.values_list("district", flat=True))
    PostcodeDistrict.objects.bulk_create(
        [PostcodeDistrict(council=council, district=d) for d in districts if d not in existing]
    )
    after = snapshot(council, _COUNCIL_FIELDS)
    after["districts"] = districts
    audit_event_record(
        actor=actor,
        event_type=EventType.COUNCIL_UPDATED,
        subject=council,
        summary="Council details changed",
        before=before,
        after=after,
    )
    return council


@transaction.atomic
def policy_value_set(
    *, actor: Any, council: Council, key: str, value: Any, effective_from: dt.date, reason: str
) -> PolicyValue:
    """Record a policy value from a date. A value already set for that date is replaced only by a
    new row dated later: past decisions keep the value they were made under."""
    parameter = REGISTRY.get(key)
    problem = parameter.check(value)
    if problem:
        raise ValidationFailed(problem, field="value")
    if not reason.strip():
        raise ValidationFailed("Enter why the value is changing", field="reason")
    Council.objects.select_for_update().get(pk=council.pk)
    if PolicyValue.objects.filter(council=council, key=key, effective_from=effective_from).exists():
        raise ValidationFailed(
            "A value already takes effect on that date. Choose another date for the new value",
            field="effective_from",
        )
    row = PolicyValue.objects.create(
        council=council,
        key=key,
        value=value,
        effective_from=effective_from,
        set_by=actor if getattr(actor, "is_authenticated", False) else None,
        set_at=clock.now(),
        reason=reason.strip(),
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.POLICY_VALUE_SET,
        subject=council,
        summary=f"{parameter.label} set to {value} from {effective_from:%d %B %Y}",
        after={"key": key, "value": value, "effective_from": effective_from, "reason": row.reason},
    )
    return row
