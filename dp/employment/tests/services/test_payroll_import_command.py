"""`manage.py payroll_import`: the same all-or-nothing, never-twice import from a file on disk."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from dp.employment.models import PayRecord

pytestmark = pytest.mark.django_db

HEADER = "account,payee,period_start,period_end,hours,gross_pay,date_of_birth\n"


def test_imports_once_and_names_the_fault(employer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "march.csv"
    good.write_text(HEADER + f"{employer.account.pk},{employer.payee.pk},2026-03-01,2026-03-31,80,960,1990-01-01\n")
    out = io.StringIO()
    call_command("payroll_import", str(good), stdout=out)
    call_command("payroll_import", str(good), "--account", str(employer.account.pk), stdout=out)
    assert "1 pay records added, 0 already recorded" in out.getvalue()
    assert "0 pay records added, 1 already recorded" in out.getvalue()
    bad = tmp_path / "april.csv"
    bad.write_text(HEADER + f"{employer.account.pk},{employer.payee.pk},2026-04-01,2026-04-30,80,x,1990-01-01\n")
    with pytest.raises(CommandError, match=r"april\.csv, line 2, column gross_pay"):
        call_command("payroll_import", str(bad))
    assert PayRecord.objects.count() == 1
