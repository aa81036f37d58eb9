"""Project-wide checks: migrations, settings for production, the demo council."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_are_complete() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("dp.")]


def test_no_float_fields_anywhere() -> None:
    floats = [
        f"{m.__name__}.{f.name}" for m in _project_models() for f in m._meta.fields if isinstance(f, models.FloatField)
    ]
    assert floats == []


def test_money_columns_are_integer_pence() -> None:
    """Every column named *_pence is a whole number, and no integer column looks like money without saying pence."""
    problems = []
    money_words = ("amount", "balance", "budget", "cost", "fee", "payment", "contribution")
    for model in _project_models():
        for field in model._meta.fields:
            if field.name.endswith("_pence") and not isinstance(field, models.BigIntegerField):
                problems.append(f"{model.__name__}.{field.name} must be a BigIntegerField")
            if isinstance(field, models.DecimalField) and any(w in field.name for w in money_words):
                problems.append(f"{model.__name__}.{field.name}: money is integer pence, not Decimal")
    assert problems == []


def test_production_settings_pass_the_deploy_check() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DP_EMBEDDED_DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-secret-for-the-check-only-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "dp.council.example",
        "DP_FIELD_ENCRYPTION_SALT": "a-long-random-salt-for-the-check-only-0123456789",
        "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_demo_council_is_deterministic_and_covers_every_state() -> None:
    import datetime as dt

    from django.db import transaction

    from dp.audit_log.models import Event
    from dp.cases.constants import CaseStatus, CaseType, ReferralStatus
    from dp.cases.models import Case, Referral
    from dp.demo import seed
    from dp.people.models import Person

    def build_and_describe() -> list[tuple[object, ...]]:
        seed.build(people=400, seed=7, today=dt.date(2026, 11, 1))
        return list(Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth", "postcode"))

    sid = transaction.savepoint()
    first = build_and_describe()
    transaction.savepoint_rollback(sid)
    assert seed.database_is_empty()
    second = build_and_describe()
    assert first == second
    assert len(second) >= 400

    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(Case.objects.values_list("case_type", flat=True)) == set(CaseType.values)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.ACTIVE, CaseStatus.NEEDS_ASSESSMENT, CaseStatus.CLOSED} <= statuses
    assert Event.objects.filter(event_type="case.opened").count() == Case.objects.count()
    assert not Person.objects.exclude(nhs_number="").exclude(nhs_number__startswith="999").exists()
