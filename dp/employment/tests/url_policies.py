"""Who may use each employment page (merged into tests/test_url_matrix.py), and sample objects for them.

Built once per test world, on first use: a card account for the world's person, a Personal Assistant on a
support plan of the world's case, a pay record and an open money owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dp.staff.roles import CARE_ROLES, Role

WRITE = {Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR}

EXPECTED: dict[str, Any] = {
    "employment:account_pay": CARE_ROLES,
    "employment:pay_record_add": WRITE,
    "employment:pay_record_correct": WRITE,
    "employment:pay_record_withdraw": WRITE,
    "employment:payroll_import": WRITE,
    "employment:account_commitments": CARE_ROLES,
    "employment:commitment_add": WRITE,
    "employment:commitment_settle": WRITE,
    "employment:commitment_withdraw": WRITE,
}


@dataclass
class EmploymentWorld:
    account: Any
    record: Any
    commitment: Any


def employment_world(world: Any) -> EmploymentWorld:
    cached = getattr(world, "_employment_world", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from dp.employment.tests.factories import commitment, pa_on_plan, pay_record
    from dp.payments.tests.factories import PrepaidCardAccountFactory

    account = PrepaidCardAccountFactory(person=world.person)
    payee = pa_on_plan(world.case)
    built = EmploymentWorld(account, pay_record(account, payee), commitment(account))
    world._employment_world = built
    return built


def _w(world: Any) -> EmploymentWorld:
    return employment_world(world)


KWARGS: dict[str, Any] = {
    "employment:account_pay": lambda w: {"account_id": _w(w).account.pk},
    "employment:pay_record_add": lambda w: {"account_id": _w(w).account.pk},
    "employment:pay_record_correct": lambda w: {"record_id": _w(w).record.pk},
    "employment:pay_record_withdraw": lambda w: {"record_id": _w(w).record.pk},
    "employment:account_commitments": lambda w: {"account_id": _w(w).account.pk},
    "employment:commitment_add": lambda w: {"account_id": _w(w).account.pk},
    "employment:commitment_settle": lambda w: {"commitment_id": _w(w).commitment.pk},
    "employment:commitment_withdraw": lambda w: {"commitment_id": _w(w).commitment.pk},
}
