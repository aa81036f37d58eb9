from __future__ import annotations

import pytest
from django.urls import reverse

from dp.assessments.constants import UpratingStatus
from dp.assessments.models import UpratingBatch
from dp.assessments.tests.factories import QueuedUpratingBatchFactory, applied_uprating
from dp.assessments.tests.uprating_helpers import current_assessment, enter_2026_figures
from dp.staff.roles import Role
from dp.staff.tests.factories import UserFactory


@pytest.mark.django_db
class TestUpratingPages:
    def test_start_review_approve_and_letters(self, client, staff, council, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
        current_assessment(staff)
        enter_2026_figures(staff)
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        page = client.get(reverse("assessments:uprating_list")).content.decode()
        assert 'name="target_on_2" type="text" inputmode="numeric" value="2026"' in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("assessments:uprating_list"), {"target_on_0": "1", "target_on_1": "4", "target_on_2": "2026"}
            )
        batch = UpratingBatch.objects.get()
        assert response.url == reverse("assessments:uprating_detail", args=[batch.pk]) + "?refresh=on"
        detail = client.get(response.url)
        assert "Refresh" not in detail  # finished: no more refreshing
        html = detail.content.decode()
        assert "£122.75" in html
        assert "£119.20" in html
        assert "£73.90 → £76.70" in html
        assert "Approve the new contributions" in html

        # The officer who started it cannot approve it.
        approve = reverse("assessments:uprating_approve", args=[batch.pk])
        refused = client.post(approve).content.decode()
        assert "A second officer must approve" in refused

        client.force_login(UserFactory(username="finance2", roles=[Role.FINANCIAL_ASSESSOR]))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(approve)
        batch.refresh_from_db()
        assert batch.status == UpratingStatus.APPLIED
        letters = client.get(reverse("assessments:uprating_letters", args=[batch.pk])).content.decode()
        assert "Download letters 1 to 1 (PDF)" in letters
        pdf = client.get(reverse("assessments:uprating_letters", args=[batch.pk]) + "?page=1&format=pdf")
        assert pdf.content.startswith(b"%PDF")

    def test_missing_figures_are_listed_with_a_link(
        self, client, staff, council, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        current_assessment(staff)
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("assessments:uprating_list"), {"target_on_0": "1", "target_on_1": "4", "target_on_2": "2026"}
            )
        batch = UpratingBatch.objects.get()
        html = client.get(reverse("assessments:uprating_detail", args=[batch.pk])).content.decode()
        assert "1 assessment could not be re-calculated" in html
        assert "has not been entered" in html
        assert reverse("assessments:national_figures") in html
        assert "Approve the new contributions" not in html

    def test_date_without_figures(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        html = client.post(
            reverse("assessments:uprating_list"), {"target_on_0": "1", "target_on_1": "4", "target_on_2": "2031"}
        ).content.decode()
        assert "No national charging figures are held" in html
        assert not UpratingBatch.objects.exists()

    def test_progress_refreshes_only_when_asked(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        batch = QueuedUpratingBatchFactory(created_by=staff[Role.FINANCIAL_ASSESSOR], total=10)
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        url = reverse("assessments:uprating_detail", args=[batch.pk])
        plain = client.get(url)
        assert "Refresh" not in plain
        assert '<progress id="progress"' in plain.content.decode()
        refreshing = client.get(url + "?refresh=on")
        assert refreshing["Refresh"] == "5"
        assert "Stop updating it" in refreshing.content.decode()

    def test_uprating_letter_shows_old_and_new(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        batch, item = applied_uprating(
            case=case, officer=staff[Role.FINANCIAL_ASSESSOR], approver=staff[Role.TEAM_MANAGER]
        )
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        html = client.get(reverse("assessments:uprating_letter", args=[batch.pk, item.pk])).content.decode()
        assert f"Until {batch.target_on.day} April 2025" in html
        assert "Your new weekly contribution, step by step" in html
        assert "Draft" not in html
