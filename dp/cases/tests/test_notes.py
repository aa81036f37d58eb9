from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dp.audit_log.models import Event, EventType
from dp.cases import services
from dp.cases.tests.factories import ActiveCaseFactory
from dp.core.errors import PermissionDenied, ValidationFailed
from dp.staff.roles import Role


@pytest.mark.django_db
class TestCaseNotes:
    def test_author_can_correct_within_grace_then_only_add(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        worker = staff[Role.SOCIAL_WORKER]
        case = ActiveCaseFactory(worker=worker)
        start = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            note = services.case_note_add(actor=worker, case=case, text="Visited on Monday")
        with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
            services.case_note_correct(actor=worker, note=note, text="Visited on Tuesday")
        with time_machine.travel(start + dt.timedelta(minutes=16), tick=False), pytest.raises(PermissionDenied):
            services.case_note_correct(actor=worker, note=note, text="Visited on Wednesday")
        note.refresh_from_db()
        assert note.text == "Visited on Tuesday"
        addition = services.case_note_add(actor=worker, case=case, text="Also phoned", adds_to=note)
        assert addition.adds_to == note
        types = list(Event.objects.filter(case=case).values_list("event_type", flat=True))
        assert sorted(types) == sorted(
            [EventType.CASE_NOTE_ADDED, EventType.CASE_NOTE_CORRECTED, EventType.CASE_NOTE_ADDED]
        )

    def test_only_the_author_corrects(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        note = services.case_note_add(actor=staff[Role.SOCIAL_WORKER], case=case, text="Visited")
        with pytest.raises(PermissionDenied):
            services.case_note_correct(actor=staff[Role.TEAM_MANAGER], note=note, text="Changed")

    def test_empty_note_refused(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        with pytest.raises(ValidationFailed):
            services.case_note_add(actor=staff[Role.SOCIAL_WORKER], case=case, text="  ")

    def test_note_page_round_trip(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        client.force_login(staff[Role.SOCIAL_WORKER])
        empty = client.post(reverse("cases:case_note_add", args=[case.pk]), {"text": ""})
        assert "There is a problem" in empty.content.decode()
        client.post(reverse("cases:case_note_add", args=[case.pk]), {"text": "Phoned the family"})
        page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        assert "Phoned the family" in page
        assert "Correct" in page
