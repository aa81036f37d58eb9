from __future__ import annotations

import pytest
from django.urls import reverse

from dp.assessments.models import NationalFigureEntry
from dp.staff.roles import Role


@pytest.mark.django_db
class TestNationalFigures:
    def test_tables_by_year_with_missing_figures_flagged(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        html = client.get(reverse("assessments:national_figures")).content.decode()
        assert "Charging 2026/27" in html
        assert "15 missing" in html
        assert "£112.50" in html  # 2025/26 single 25 to pension credit age, verified
        assert "Enter<span" not in html  # only administrators enter figures

    def test_administrator_enters_a_missing_figure(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SYSTEM_ADMIN])
        url = reverse("assessments:national_figure_enter", args=["charging", "2026-27", "capital_upper_limit_pence"])
        assert url in client.get(reverse("assessments:national_figures")).content.decode()
        response = client.post(url, {"amount": "23,250", "source": "LAC(DHSC)(2026)1"})
        assert response.status_code == 302
        entry = NationalFigureEntry.objects.get()
        assert (entry.amount_pence, entry.entered_by) == (2_325_000, staff[Role.SYSTEM_ADMIN])
        assert "LAC(DHSC)(2026)1" in client.get(reverse("assessments:national_figures")).content.decode()

    def test_errors(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SYSTEM_ADMIN])
        url = reverse("assessments:national_figure_enter", args=["charging", "2026-27", "capital_upper_limit_pence"])
        html = client.post(url, {"amount": "", "source": ""}).content.decode()
        assert "There is a problem" in html
        assert not NationalFigureEntry.objects.exists()

    def test_verified_figure_cannot_be_entered(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SYSTEM_ADMIN])
        url = reverse("assessments:national_figure_enter", args=["charging", "2025-26", "mig_single_18_to_24_pence"])
        assert "cannot be changed here" in client.get(url).content.decode()
        client.post(url, {"amount": "1.00", "source": "x"})
        assert not NationalFigureEntry.objects.exists()

    def test_unknown_figure_is_not_found(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SYSTEM_ADMIN])
        for args in (
            ["charging", "2026-27", "nope"],
            ["charging", "1999-00", "capital_upper_limit_pence"],
            ["tea", "2026-27", "x"],
        ):
            assert client.get(reverse("assessments:national_figure_enter", args=args)).status_code == 404
