from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from dp.audit_log.models import Event, EventType
from dp.audit_log.services import audit_event_record
from dp.people.tests.factories import PersonFactory
from dp.staff.roles import Role


@pytest.mark.django_db
class TestAuditLogIsAppendOnly:
    def _event(self, staff) -> Event:  # type: ignore[no-untyped-def]
        person = PersonFactory()
        with transaction.atomic():
            return audit_event_record(
                actor=staff[Role.AUDITOR],
                event_type=EventType.PERSON_UPDATED,
                subject=person,
                person=person,
                summary="x",
                before={"a": 1},
                after={"a": 2},
            )

    def test_database_refuses_update(self, staff) -> None:  # type: ignore[no-untyped-def]
        event = self._event(staff)
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(summary="rewritten")

    def test_database_refuses_delete(self, staff) -> None:  # type: ignore[no-untyped-def]
        event = self._event(staff)
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=event.pk).delete()

    def test_must_be_written_inside_a_transaction(self, staff) -> None:  # type: ignore[no-untyped-def]
        person = PersonFactory()
        # pytest-django wraps each test in a transaction, so leave it to check the guard.
        from unittest import mock

        with mock.patch("dp.audit_log.services.transaction.get_connection") as conn:
            conn.return_value.in_atomic_block = False
            with pytest.raises(RuntimeError):
                audit_event_record(actor=None, event_type=EventType.PERSON_UPDATED, subject=person, summary="x")

    def test_changes_lists_differences(self, staff) -> None:  # type: ignore[no-untyped-def]
        assert self._event(staff).changes == [("a", 1, 2)]
