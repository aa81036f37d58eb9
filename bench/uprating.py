"""Annual uprating at scale: re-calculate 250,000 current financial assessments in bulk.

Builds (once, kept between runs) 250,000 synthetic people, cases and completed financial
assessments assessed in 2024/25 with varied incomes, capital, housing costs and disability-related
costs, and a council with its own Minimum Income Guarantee (so every row is computed in full).
Then times `uprating_batch_run`: stream the current assessments in keyset chunks, compute each with
the pure `calculate_contribution` under the 2025/26 figures, COPY the rows, chunk by chunk.

`floor_seconds` is the time to read the same rows in the same chunks without computing or writing
anything: no implementation can do better than reading its input.
With `--apply`, also times approving and writing the 250,000 new assessments and timeline events
(reported as `apply_seconds`), then puts the data back as it was.

Run: .venv/bin/python bench/uprating.py [--assessments 250000] [--apply]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

from _harness import report, setup_django

ASSESSED = dt.date(2024, 6, 3)
TARGET = dt.date(2025, 4, 6)
INCOME_CHOICES = (
    "state_pension",
    "private_pension",
    "attendance_allowance",
    "esa",
    "universal_credit",
    "pip_daily_living",
)


def _staff():  # type: ignore[no-untyped-def]
    from dp.staff.models import Team, User

    team, _ = Team.objects.get_or_create(name="Bench team")
    user, _ = User.objects.get_or_create(username="bench-finance", defaults={"team": team})
    return team, user


def _council() -> None:
    from dp.councils.models import Council, PolicyValue

    council = Council.objects.order_by("pk").first() or Council.objects.create(name="Bench council")
    PolicyValue.objects.get_or_create(
        council=council,
        key="charging_minimum_income_guarantee_weekly_pence",
        effective_from=dt.date(2024, 4, 1),
        defaults={"value": 25_000, "set_at": "2024-03-01T00:00:00Z", "reason": "Bench: local MIG"},
    )


def _new_people_and_cases(cursor, count: int, rng: random.Random, team_id: int, user_id: int) -> list:  # type: ignore[no-untyped-def]
    now = "2024-06-03 10:00:00+00"
    cursor.execute("SELECT coalesce(max(id), 0) FROM people_person")
    before = cursor.fetchone()[0]
    columns = (
        "created_at, updated_at, given_name, family_name, preferred_name, date_of_birth, address_line_1, "
        "address_line_2, town, postcode, phone, email, preferred_contact, communication_needs, nhs_number, "
        "has_ehcp, ehcp_issued_on, is_restricted, search_text"
    )
    with cursor.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
        for i in range(count):
            dob = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 70))
            copy.write_row(
                (now, now, f"Bench{i}", "Person", "", dob, "1 High Street", "", "Northmoor", "NM1 1AA",
                 "", "", "", "", "", False, None, False, f"bench{i} person")
            )  # fmt: skip
    cursor.execute(
        "INSERT INTO cases_case (created_at, updated_at, reference, person_id, case_type, status, "
        "status_changed_at, team_id, worker_id, opened_on, closure_reason) "
        "SELECT now(), now(), 'B' || lpad(p.id::text, 9, '0'), p.id, 'adult', 'active', now(), %s, %s, "
        "'2024-05-01', '' FROM people_person p WHERE p.id > %s ORDER BY p.id",
        [team_id, user_id, before],
    )
    cursor.execute("SELECT c.id, c.person_id FROM cases_case c WHERE c.person_id > %s ORDER BY c.id", [before])
    return list(cursor.fetchall())


def build(n: int) -> None:
    from django.db import connection

    from dp.assessments.models import FinancialAssessment

    _council()
    have = FinancialAssessment.objects.filter(source="officer", status="completed").count()
    if have >= n:
        print(f"{have} financial assessments already in the benchmark database")
        return
    team, user = _staff()
    started = time.monotonic()
    rng = random.Random(42)
    missing = n - have
    now = "2024-06-03 10:00:00+00"
    with connection.cursor() as cursor:
        # Bench cases left without an assessment by an earlier run are used first.
        cursor.execute(
            "SELECT c.id, c.person_id FROM cases_case c WHERE c.reference LIKE 'B%%' AND NOT EXISTS "
            "(SELECT 1 FROM assessments_financialassessment fa WHERE fa.case_id = c.id) ORDER BY c.id LIMIT %s",
            [missing],
        )
        cases = cursor.fetchall()
        reused = len(cases)
        if reused < missing:
            cases += _new_people_and_cases(cursor, missing - reused, rng, team.pk, user.pk)
        fa_columns = (
            "created_at, updated_at, case_id, person_id, status, source, is_current, assessed_on, effective_from, "
            "age, pension_credit_age, couple, dependent_children, premiums, income, disregards, capital_sole_pence, "
            "capital_joint_total_pence, capital_joint_owners, capital_pence, housing_costs_weekly_pence, "
            "dre_itemised, dre_items, disability_related_expenditure_weekly_pence, cost_of_care_weekly_pence, "
            "weekly_contribution_pence, full_cost, rates_year, breakdown, policy, calculated_by_id, calculated_at, "
            "completed_by_id, completed_at, notes"
        )
        with cursor.cursor.copy(f"COPY assessments_financialassessment ({fa_columns}) FROM STDIN") as copy:
            for case_id, person_id in cases:
                income = [
                    {"type": t, "weekly_pence": rng.randint(20, 250) * 100}
                    for t in rng.sample(INCOME_CHOICES, rng.randint(1, 3))
                ]
                capital = rng.choice([0, 0, 0, rng.randint(100, 14_000) * 100, rng.randint(14_300, 23_000) * 100])
                itemised = rng.random() < 0.3
                dre = (
                    [{"item": "heating", "weekly_pence": 700}, {"item": "laundry", "weekly_pence": 548}]
                    if itemised
                    else []
                )
                cost = rng.randint(15, 60) * 1_000
                old = min(cost, rng.randint(0, 150) * 100)
                copy.write_row(
                    (now, now, case_id, person_id, "completed", "officer", True, ASSESSED, ASSESSED, 40, None, False,
                     0, json.dumps(["disability"] if rng.random() < 0.3 else []), json.dumps(income), "[]", capital, 0,
                     2, capital, rng.choice([0, 1_200, 2_500]), itemised, json.dumps(dre),
                     1_248 if itemised else None, cost, old, False, "2024/25", "[]", "{}", user.pk, now, user.pk,
                     now, "")
                )  # fmt: skip
        cursor.execute("ANALYZE people_person; ANALYZE cases_case; ANALYZE assessments_financialassessment")
    print(
        f"built {missing} financial assessments ({missing - reused} new people and cases) "
        f"in {time.monotonic() - started:.1f} s"
    )


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_financialassessment SET uprating_item_id = NULL WHERE source = 'uprating'")
        cursor.execute("DELETE FROM assessments_upratingitem")
        cursor.execute("DELETE FROM assessments_upratingbatch")
        cursor.execute("DELETE FROM assessments_financialassessment WHERE source = 'uprating'")
        cursor.execute("UPDATE assessments_financialassessment SET is_current = true WHERE NOT is_current")


def read_floor(chunk: int) -> float:
    """Stream the rows the run reads, in the same chunks, and do nothing with them."""
    from django.db import connection

    from dp.assessments.uprating import _INPUT_COLUMNS, _current_filter_sql

    select = (
        "SELECT fa.id, p.date_of_birth, fa.weekly_contribution_pence, "
        + ", ".join(f"fa.{c}" for c in _INPUT_COLUMNS)
        + f" {_current_filter_sql(with_person=True)} AND fa.id > %(after)s ORDER BY fa.id LIMIT %(limit)s"
    )
    started = time.perf_counter()
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, {"target": TARGET, "closed": "closed", "after": after, "limit": chunk})
            rows = cursor.fetchall()
            if not rows:
                break
            after = rows[-1][0]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=250_000)
    parser.add_argument("--apply", action="store_true", help="also time approving and writing the new assessments")
    args = parser.parse_args()
    setup_django()
    build(args.assessments)
    _reset()

    from django.db import connection

    from dp.assessments.models import UpratingBatch, UpratingItem
    from dp.assessments.uprating import CHUNK, uprating_batch_apply, uprating_batch_run
    from dp.core.money import format_pence
    from dp.staff.models import User

    _team, user = _staff()
    floor = read_floor(CHUNK)
    batch = UpratingBatch.objects.create(target_on=TARGET, rates_year="2025/26", created_by=user)
    started = time.perf_counter()
    batch = uprating_batch_run(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    assert batch.status == "ready", batch.error
    n = UpratingItem.objects.filter(batch=batch).count()
    print(
        f"re-calculated {n} assessments in {seconds:.1f} s ({n / seconds:,.0f} a second); "
        f"{batch.failed_count} could not be; weekly total {format_pence(batch.old_weekly_total_pence)} → "
        f"{format_pence(batch.new_weekly_total_pence)}; reading alone {floor:.1f} s"
    )
    extra: dict[str, object] = {}
    if args.apply:
        approver, _ = User.objects.get_or_create(username="bench-approver")
        UpratingBatch.objects.filter(pk=batch.pk).update(
            status="approved", approved_by=approver, approved_at=batch.finished_at
        )
        started = time.perf_counter()
        applied = uprating_batch_apply(batch_id=batch.pk)
        extra["apply_seconds"] = round(time.perf_counter() - started, 2)
        print(f"applied {applied.applied} new assessments in {extra['apply_seconds']} s")
        _reset()
        with connection.cursor() as cursor:  # the next run starts from tidy tables
            cursor.execute("VACUUM ANALYZE assessments_financialassessment")
    report(
        bench="uprating",
        n=n,
        seconds=round(seconds, 2),
        floor_seconds=round(floor, 2),
        ratio=round(seconds / floor, 1),
        failed=batch.failed_count,
        **extra,
    )


if __name__ == "__main__":
    main()
