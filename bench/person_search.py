"""Person search at scale: 250,000 people, the four kinds of search staff use.

Run: .venv/bin/python bench/person_search.py [--people 250000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import time

from _harness import report, setup_django

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Esme",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kit",
    "Lena",
    "Mo",
    "Nia",
    "Otto",
    "Pia",
    "Quinn",
    "Rhys",
    "Sana",
    "Tom",
    "Uma",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
]
LAST = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fox",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Zhang",
]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def build(people: int) -> None:
    from django.db import connection

    from dp.people.models import Person

    have = Person.objects.count()
    if have >= people:
        print(f"{have} people already in the benchmark database")
        return
    rng = random.Random(42)
    started = time.monotonic()
    buffer = io.StringIO()
    now = "2026-01-01 00:00:00+00"
    for i in range(have, people):
        given = rng.choice(FIRST) + (rng.choice(["", "a", "ie", "o", "y"]) if i % 3 else "")
        family = rng.choice(LAST) + (f"-{rng.choice(LAST)}" if i % 17 == 0 else "")
        dob = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 36000))
        postcode = f"NM{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        search = f"{given} {family}".lower()
        buffer.write(
            "\t".join(
                [
                    now,
                    now,
                    given,
                    family,
                    "",
                    dob.isoformat(),
                    "1 High Street",
                    "",
                    "Northmoor",
                    postcode,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "f",
                    "\\N",
                    "f",
                    search,
                ]
            )
            + "\n"
        )
    columns = (
        "created_at, updated_at, given_name, family_name, preferred_name, date_of_birth, address_line_1, "
        "address_line_2, town, postcode, phone, email, preferred_contact, communication_needs, nhs_number, "
        "has_ehcp, ehcp_issued_on, is_restricted, search_text"
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute("ANALYZE people_person")
    print(f"loaded {people - have} people in {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    build(args.people)

    from dp.people.models import Person
    from dp.people.selectors import person_search
    from dp.staff.models import User
    from dp.staff.roles import Role

    user, _ = User.objects.get_or_create(username="bench-manager")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.TEAM_MANAGER))
    user = User.objects.get(pk=user.pk)
    sample = Person.objects.order_by("?").first()
    assert sample is not None
    searches = {
        "name (two words, substring)": {"name": f"{sample.given_name[:4]} {sample.family_name[:5]}"},
        "date of birth": {"date_of_birth": sample.date_of_birth},
        "postcode": {"postcode": sample.postcode},
        "name + date of birth": {"name": sample.family_name, "date_of_birth": sample.date_of_birth},
        "person number": {"reference": f"P{sample.pk:07d}"},
    }
    medians = {}
    for label, criteria in searches.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            results = person_search(user=user, **criteria)
            count = results.count()
            first_page = list(results[:25])
            times.append(time.perf_counter() - started)
        medians[label] = statistics.median(times)
        print(f"{label:<30} {medians[label] * 1000:8.1f} ms  ({count} matches, first page {len(first_page)})")
    floor = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        Person.objects.filter(pk=sample.pk).first()
        floor.append(time.perf_counter() - started)
    floor_s = statistics.median(floor)
    worst = max(medians.values())
    report(
        bench="person_search",
        n=Person.objects.count(),
        seconds=round(worst, 4),
        floor_seconds=round(floor_s, 5),
        ratio=round(worst / floor_s, 1),
        medians_ms={k: round(v * 1000, 1) for k, v in medians.items()},
    )


if __name__ == "__main__":
    main()
