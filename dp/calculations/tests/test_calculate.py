"""The public calculation contract (CALCULATE.md) through the command and the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from dp.calculations.kinds import KINDS
from dp.staff.roles import Role

ROOT = Path(__file__).resolve().parents[3]

REVIEW = {"first_payment_on": "2025-04-07", "policy": {"initial_check_weeks": 8}}
CONTRIBUTION = {
    "assessed_on": "2025-06-01",
    "age": 30,
    "income": [{"type": "esa", "weekly_pence": 23000}, {"type": "pip_mobility", "weekly_pence": 7000}],
    "capital_pence": 1500000,
    "cost_of_care_weekly_pence": 30000,
}
SCHEDULE = {
    "start_on": "2025-04-07",
    "periods": 2,
    "changes": [
        {"effective_on": "2025-04-07", "weekly_budget_pence": 35000, "weekly_contribution_pence": 5000},
        {"effective_on": "2025-04-21", "weekly_budget_pence": 42000, "weekly_contribution_pence": 5000},
    ],
}
SURPLUS = {
    "balance_pence": 500000,
    "weekly_payment_pence": 30000,
    "commitments": [{"label": "Unpaid wages", "amount_pence": 60000}],
    "policy": {"allowed_weeks": 8},
    "overpaid_contribution_pence": 10000,
}
PA_PAY = {"worked_on": "2025-06-01", "age": 30, "hourly_rate_pence": 1200}


def run_command(kind: str, body: object | str) -> subprocess.CompletedProcess[str]:
    text = body if isinstance(body, str) else json.dumps(body)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.run(
        [sys.executable, "manage.py", "calculate", kind],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


class TestCommand:
    """The command needs no web server; bad input exits 2 with the error object on stderr only."""

    @pytest.mark.parametrize(
        ("kind", "body", "field"),
        [
            ("review-dates", REVIEW, "next_review_due_by"),
            ("payment-schedule", SCHEDULE, "periods"),
            ("surplus", SURPLUS, "recoverable_pence"),
        ],
    )
    def test_success(self, kind: str, body: dict[str, object], field: str) -> None:
        result = run_command(kind, body)
        assert result.returncode == 0, result.stderr
        response = json.loads(result.stdout)
        assert field in response
        assert isinstance(response["breakdown"], list)
        assert result.stderr == ""

    @pytest.mark.parametrize(
        ("kind", "body", "field"),
        [
            ("review-dates", {"first_payment_on": "2025-04-07", "polcy": {}}, "polcy"),
            ("review-dates", {"first_payment_on": "07/04/2025"}, "first_payment_on"),
            ("surplus", {**SURPLUS, "balance_pence": 12.5}, "balance_pence"),
            (
                "payment-schedule",
                {**SCHEDULE, "changes": [{**SCHEDULE["changes"][0], "weekly_budget_pence": "350"}]},
                "changes[0].weekly_budget_pence",
            ),
            ("review-dates", "{not json", ""),
            ("no-such-kind", {}, "kind"),
        ],
    )
    def test_bad_input(self, kind: str, body: object, field: str) -> None:
        result = run_command(kind, body)
        assert result.returncode == 2
        assert result.stdout == ""
        error = json.loads(result.stderr)["error"]
        assert error["field"] == field
        assert error["message"]


@pytest.mark.django_db
class TestApi:
    def _client(self, client, staff):  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        return client

    @pytest.mark.parametrize(
        ("kind", "body"),
        [
            ("review-dates", REVIEW),
            ("payment-schedule", SCHEDULE),
            ("surplus", SURPLUS),
            ("pa-pay-check", PA_PAY),
            ("contribution", CONTRIBUTION),
        ],
    )
    def test_same_answer_as_the_domain(self, client, staff, council, kind: str, body: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
        from dp.calculations.kinds import calculate

        response = self._client(client, staff).post(
            reverse("api:calculate", args=[kind]), data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert response.json() == json.loads(json.dumps(calculate(kind, body)))

    def test_contribution_figures(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = (
            self._client(client, staff)
            .post(
                reverse("api:calculate", args=["contribution"]),
                data=json.dumps(CONTRIBUTION),
                content_type="application/json",
            )
            .json()
        )
        # ESA counted, PIP mobility disregarded; tariff £3 on £15,000; MIG 25+ £112.50 (2025/26).
        assert response["assessable_income_weekly_pence"] == 23000 + 300
        assert response["minimum_income_guarantee_weekly_pence"] == 11250
        assert response["weekly_contribution_pence"] == 23300 - 11250
        assert response["rates_year"] == "2025/26"

    def test_bad_input_is_400_with_the_error_object(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = self._client(client, staff).post(
            reverse("api:calculate", args=["surplus"]),
            data=json.dumps({**SURPLUS, "balance": 1}),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "balance"

    def test_missing_national_figure_is_named(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        body = {**CONTRIBUTION, "age": 70}  # single pension-credit-age MIG for 2025/26 is not verified
        response = self._client(client, staff).post(
            reverse("api:calculate", args=["contribution"]), data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400
        assert "has not been entered" in response.json()["error"]["message"]

    def test_policy_object_overrides_for_a_what_if(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        body = {
            **CONTRIBUTION,
            "age": 70,
            "policy": {"minimum_income_guarantee_weekly_pence": 25000, "taper_percent": 50},
        }
        response = self._client(client, staff).post(
            reverse("api:calculate", args=["contribution"]), data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["weekly_contribution_pence"] == 0  # income below the what-if MIG

    def test_needs_staff_authentication(self, client, council) -> None:  # type: ignore[no-untyped-def]
        response = client.post(
            reverse("api:calculate", args=["surplus"]), data=json.dumps(SURPLUS), content_type="application/json"
        )
        assert response.status_code in (401, 403)

    def test_bearer_token(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("api_token", "auditor", "--name", "Finance system", stdout=out)
        token = out.getvalue().strip()
        response = client.post(
            reverse("api:calculate", args=["surplus"]),
            data=json.dumps(SURPLUS),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        bad = client.post(
            reverse("api:calculate", args=["surplus"]),
            data=json.dumps(SURPLUS),
            content_type="application/json",
            headers={"Authorization": "Bearer wrong"},
        )
        assert bad.status_code == 401

    def test_schema_lists_the_endpoint(self, client, council) -> None:  # type: ignore[no-untyped-def]
        schema = client.get(reverse("api:schema")).json()
        assert "/api/v1/calculate/{kind}" in schema["paths"]
        assert set(schema["paths"]["/api/v1/calculate/{kind}"]["post"]["parameters"][0]["schema"]["enum"]) == set(KINDS)
