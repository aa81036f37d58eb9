"""The synthetic demo council, built deterministically from a seed.

`build(people=N, seed=S, today=D)` runs the steps in `STEPS` in order inside one transaction.
Each step takes the shared `SeedContext` (random generator, Faker, the date the demo is "as of",
and what earlier steps made) and adds its part. Later parts of the system add steps (budgets,
plans, accounts, a year of transactions) in a module `dp.<app>.demo` with its own `STEPS`; they
find the people, cases and staff of earlier steps on the context.

Everything is synthetic: Faker's en_GB provider for names and streets, postcodes in an invented
area ("NM", Northmoor) that no real place uses, NHS numbers from the 999 test range that the NHS
never issues. The same seed and date always give the same council.

Bulk paths (`bulk_create`) keep a few thousand people to a few seconds; the rows are the same
ones the services would write, audit events included, so every page has a history to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from faker import Faker

from dp.audit_log.models import Event, EventType
from dp.cases.constants import (
    CaseStatus,
    CaseType,
    ContactRoute,
    ReferralOutcome,
    ReferralStatus,
    ReferrerType,
    Urgency,
)
from dp.cases.domain.workflow import CASE_TRANSITIONS
from dp.cases.models import Allocation, Case, CaseNote, Referral
from dp.councils.models import Council, PolicyValue, PostcodeDistrict
from dp.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from dp.people.constants import AuthorityBasis, ContactMethod, RelationshipKind
from dp.people.models import CapacityAssessment, Person, Relationship
from dp.people.services import search_text_for
from dp.staff.models import Team, User
from dp.staff.roles import Role

COUNCIL_NAME = "Northmoor City Council"
AREA_DISTRICTS = [f"NM{n}" for n in range(1, 10)]
OUTSIDE_DISTRICTS = ["WX3", "WX7", "YZ2"]  # format-valid, used by no real place
TEAMS = ["Adults North", "Adults South", "Carers", "Children with Disabilities", "Transitions"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class SeedContext:
    rng: random.Random
    faker: Faker
    today: dt.date
    people_target: int
    council: Council | None = None
    teams: dict[str, Team] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    workers_by_team: dict[str, list[User]] = field(default_factory=dict)
    clients: list[tuple[Person, str]] = field(default_factory=list)  # (person, case type)
    people: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    content_types: dict[type, ContentType] = field(default_factory=dict)

    def moment(self, day: dt.date, *, hour: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 16) if hour is None else hour
        naive = dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)))
        return timezone.make_aware(naive, timezone.get_default_timezone())

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def event(
        self,
        *,
        event_type: EventType,
        subject: Any,
        at: dt.datetime,
        actor: User | None,
        summary: str,
        person: Person | None = None,
        case: Case | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        model = type(subject)
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model)
        self.events.append(
            Event(
                occurred_at=at,
                acting_user=actor,
                event_type=event_type,
                summary=summary[:300],
                subject_type=self.content_types[model],
                subject_id=subject.pk,
                person=person,
                case=case,
                data=data or {},
            )
        )


Step = Callable[[SeedContext], None]


def step_council(ctx: SeedContext) -> None:
    council = Council.objects.create(
        name=COUNCIL_NAME,
        short_name="Northmoor",
        contact_email="direct.payments@northmoor.example",
        contact_phone="01632 960000",
        address="Direct Payments Team\nNorthmoor Civic Centre\nMarket Street\nNorthmoor\nNM1 1AA",
    )
    PostcodeDistrict.objects.bulk_create([PostcodeDistrict(council=council, district=d) for d in AREA_DISTRICTS])
    start = (
        ctx.today.replace(month=4, day=1)
        if ctx.today.month >= 4
        else ctx.today.replace(year=ctx.today.year - 1, month=4, day=1)
    )
    set_at = ctx.moment(start - dt.timedelta(days=30))
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=council,
                key="referral_triage_target_days",
                value=5,
                effective_from=start - dt.timedelta(days=365),
                set_at=set_at,
                reason="Adult social care front door standard",
            ),
            PolicyValue(
                council=council,
                key="case_note_grace_minutes",
                value=15,
                effective_from=start - dt.timedelta(days=365),
                set_at=set_at,
                reason="Records policy: notes are fixed after 15 minutes",
            ),
        ]
    )
    ctx.council = council


def step_staff(ctx: SeedContext) -> None:
    for name in TEAMS:
        ctx.teams[name] = Team.objects.create(name=name)
    groups = {g.name: g for g in Group.objects.all()}
    template = User(username="template")
    template.set_password(DEMO_PASSWORD)
    password_hash = template.password
    for login in DEMO_LOGINS:
        user = User.objects.create(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{login.username}@northmoor.example",
            job_title=login.job_title,
            team=ctx.teams[login.team] if login.team else None,
            password=password_hash,
        )
        user.groups.set([groups[r] for r in login.roles])
        ctx.staff[login.username] = user
    # More social workers and a manager per team, so caseloads look like a real council's.
    for team_name, team in ctx.teams.items():
        workers = [u for u in ctx.staff.values() if u.team_id == team.pk and u.has_role(Role.SOCIAL_WORKER)]
        for i in range(3):
            first, last = ctx.faker.first_name(), ctx.faker.last_name()
            user = User.objects.create(
                username=f"{first}.{last}.{i}".lower().replace("'", ""),
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{i}@northmoor.example".lower().replace("'", ""),
                job_title="Social worker",
                team=team,
                password="!",  # unusable: only the listed demo accounts can sign in
            )
            user.groups.set([groups[Role.SOCIAL_WORKER]])
            workers.append(user)
        ctx.workers_by_team[team_name] = workers
        if not any(u.team_id == team.pk and u.has_role(Role.TEAM_MANAGER) for u in ctx.staff.values()):
            first, last = ctx.faker.first_name(), ctx.faker.last_name()
            manager = User.objects.create(
                username=f"{first}.{last}.tm".lower().replace("'", ""),
                first_name=first,
                last_name=last,
                job_title="Team manager",
                team=team,
                password="!",
            )
            manager.groups.set([groups[Role.TEAM_MANAGER]])


def _postcode(ctx: SeedContext, *, in_area: bool = True) -> str:
    district = ctx.rng.choice(AREA_DISTRICTS if in_area else OUTSIDE_DISTRICTS)
    return f"{district} {ctx.rng.randint(1, 9)}{ctx.rng.choice(INWARD_LETTERS)}{ctx.rng.choice(INWARD_LETTERS)}"


def _nhs_number(ctx: SeedContext) -> str:
    """A checksum-valid number in the 999 range, which the NHS keeps for testing."""
    while True:
        body = "999" + "".join(str(ctx.rng.randint(0, 9)) for _ in range(6))
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return body + str(check)


def _dob(ctx: SeedContext, low_age: int, high_age: int) -> dt.date:
    age_days = ctx.rng.randint(low_age * 365 + 1, high_age * 365 + 300)
    return ctx.today - dt.timedelta(days=age_days)


def _person(
    ctx: SeedContext,
    *,
    dob: dt.date,
    family_name: str | None = None,
    address: Person | None = None,
    in_area: bool = True,
) -> Person:
    f = ctx.faker
    given = f.first_name()
    person = Person(
        given_name=given,
        family_name=family_name or f.last_name(),
        preferred_name=given[:3] if ctx.rng.random() < 0.05 and len(given) > 4 else "",
        date_of_birth=dob,
        address_line_1=address.address_line_1 if address else f.street_address().split("\n")[0],
        address_line_2="",
        town=address.town if address else "Northmoor",
        postcode=address.postcode if address else _postcode(ctx, in_area=in_area),
        phone=f"07700 9{ctx.rng.randint(0, 99999):05d}",  # Ofcom drama range
        email=f"{given}.{ctx.rng.randint(1, 999)}@example.org".lower().replace("'", "")
        if ctx.rng.random() < 0.6
        else "",
        preferred_contact=ctx.rng.choice(ContactMethod.values),
        communication_needs=ctx.rng.choice(
            [
                "",
                "",
                "",
                "",
                "",
                "British Sign Language interpreter",
                "Easy read letters",
                "Large print",
                "Speak slowly; uses a hearing aid",
            ]
        ),
        nhs_number=_nhs_number(ctx) if ctx.rng.random() < 0.8 else "",
    )
    person.search_text = search_text_for(person)
    return person


def step_people(ctx: SeedContext) -> None:
    """Clients of every case type with their carers, parents and representatives."""
    n = ctx.people_target
    shares = [
        (CaseType.ADULT, 0.62),
        (CaseType.CARER, 0.16),
        (CaseType.CHILD_FAMILY, 0.14),
        (CaseType.TRANSITION, 0.08),
    ]
    people: list[Person] = []
    plans: list[
        tuple[int, str, list[tuple[int, str, dict[str, Any]]]]
    ] = []  # (client idx, type, [(other idx, kind, extra)])

    def add(p: Person) -> int:
        people.append(p)
        return len(people) - 1

    while len(people) < n:
        roll = ctx.rng.random()
        cumulative = 0.0
        case_type: str = CaseType.ADULT
        for ct, share in shares:
            cumulative += share
            if roll < cumulative:
                case_type = ct
                break
        in_area = ctx.rng.random() > 0.06
        links: list[tuple[int, str, dict[str, Any]]] = []
        if case_type == CaseType.ADULT:
            client = add(_person(ctx, dob=_dob(ctx, 18, 96), in_area=in_area))
            r = ctx.rng.random()
            if r < 0.25:
                partner = add(
                    _person(ctx, dob=_dob(ctx, 30, 90), family_name=people[client].family_name, address=people[client])
                )
                links.append((partner, RelationshipKind.SPOUSE_OR_PARTNER_OF, {"same_household": True}))
            elif r < 0.35:
                nominated = add(_person(ctx, dob=_dob(ctx, 25, 70)))
                links.append((nominated, RelationshipKind.NOMINATED_PERSON_FOR, {}))
            elif r < 0.45:
                authorised = add(_person(ctx, dob=_dob(ctx, 25, 75), family_name=people[client].family_name))
                basis = ctx.rng.choice(AuthorityBasis.values)
                links.append(
                    (
                        authorised,
                        RelationshipKind.AUTHORISED_PERSON_FOR,
                        {"authority_basis": basis, "lacks_capacity": True},
                    )
                )
            elif r < 0.55:
                relative = add(
                    _person(ctx, dob=_dob(ctx, 20, 70), family_name=people[client].family_name, address=people[client])
                )
                links.append((relative, RelationshipKind.CLOSE_RELATIVE_OF, {"same_household": True}))
        elif case_type == CaseType.CARER:
            client = add(_person(ctx, dob=_dob(ctx, 16, 85), in_area=in_area))
            cared_for = add(
                _person(ctx, dob=_dob(ctx, 5, 95), family_name=people[client].family_name, address=people[client])
            )
            links.append((cared_for, "cares_for", {"same_household": ctx.rng.random() < 0.7}))
        elif case_type == CaseType.CHILD_FAMILY:
            client = add(_person(ctx, dob=_dob(ctx, 1, 15), in_area=in_area))
            parent = add(
                _person(ctx, dob=_dob(ctx, 24, 55), family_name=people[client].family_name, address=people[client])
            )
            links.append((parent, RelationshipKind.PARENT_OF, {"same_household": True}))
            if ctx.rng.random() < 0.3:
                people[client].has_ehcp = True
                people[client].ehcp_issued_on = ctx.days_ago(60, 1500)
        else:
            client = add(_person(ctx, dob=_dob(ctx, 16, 17), in_area=in_area))
            parent = add(
                _person(ctx, dob=_dob(ctx, 35, 60), family_name=people[client].family_name, address=people[client])
            )
            links.append((parent, RelationshipKind.PARENT_OF, {"same_household": True}))
            if ctx.rng.random() < 0.6:
                people[client].has_ehcp = True
                people[client].ehcp_issued_on = ctx.days_ago(100, 2000)
        if ctx.rng.random() < 0.01:
            people[client].is_restricted = True
        plans.append((client, case_type, links))

    Person.objects.bulk_create(people, batch_size=2000)
    ctx.people = people
    relationships: list[Relationship] = []
    capacity: list[CapacityAssessment] = []
    assessor = ctx.staff["social.worker"]
    for client_idx, case_type, links in plans:
        person = people[client_idx]
        ctx.clients.append((person, case_type))
        for other_idx, kind, extra in links:
            other = people[other_idx]
            started = ctx.days_ago(200, 4000)
            if kind == "cares_for":
                rel = Relationship(
                    from_person=person,
                    to_person=other,
                    kind=RelationshipKind.CARER_OF,
                    same_household=extra.get("same_household", False),
                    started_on=started,
                )
            else:
                rel = Relationship(
                    from_person=other,
                    to_person=person,
                    kind=kind,
                    same_household=extra.get("same_household", False),
                    authority_basis=extra.get("authority_basis", ""),
                    started_on=started,
                )
            relationships.append(rel)
            if extra.get("lacks_capacity"):
                capacity.append(
                    CapacityAssessment(
                        person=person,
                        assessed_on=ctx.days_ago(30, 700),
                        assessed_by=assessor,
                        has_capacity=False,
                        notes="Unable to retain information about managing a budget.",
                    )
                )
        if (
            case_type == CaseType.ADULT
            and not any(e.get("lacks_capacity") for _, _, e in links)
            and ctx.rng.random() < 0.3
        ):
            capacity.append(
                CapacityAssessment(
                    person=person,
                    assessed_on=ctx.days_ago(30, 700),
                    assessed_by=assessor,
                    has_capacity=True,
                    notes="Understood, retained and weighed the information.",
                )
            )
    Relationship.objects.bulk_create(relationships, batch_size=2000)
    CapacityAssessment.objects.bulk_create(capacity, batch_size=2000)
    for person in people:
        ctx.event(
            event_type=EventType.PERSON_CREATED,
            subject=person,
            person=person,
            actor=ctx.staff["dp.support"],
            at=ctx.moment(ctx.days_ago(370, 400)),
            summary=f"Record created for {person.full_name}",
        )


TEAM_FOR_TYPE: dict[str, list[str]] = {
    CaseType.ADULT: ["Adults North", "Adults South"],
    CaseType.CARER: ["Carers"],
    CaseType.CHILD_FAMILY: ["Children with Disabilities"],
    CaseType.TRANSITION: ["Transitions"],
}
# Where each client's story has got to. Weights favour people with an active direct payment.
STAGES: list[tuple[str, int]] = [
    ("referral:received", 4),
    ("referral:awaiting_information", 2),
    ("referral:closed", 4),
    (CaseStatus.ALLOCATED, 3),
    (CaseStatus.NEEDS_ASSESSMENT, 5),
    (CaseStatus.FINANCIAL_ASSESSMENT, 4),
    (CaseStatus.SUPPORT_PLANNING, 4),
    (CaseStatus.FUNDING_PANEL, 2),
    (CaseStatus.PLAN_APPROVAL, 2),
    (CaseStatus.AGREEMENT, 2),
    (CaseStatus.PAYMENT_SETUP, 2),
    (CaseStatus.ACTIVE, 50),
    (CaseStatus.REVIEW, 6),
    (CaseStatus.SUSPENDED, 2),
    (CaseStatus.CLOSED, 8),
]
# A plausible path from "allocated" to each status, for the timeline.
PATH_TO: dict[str, list[str]] = {
    CaseStatus.ALLOCATED: [],
    CaseStatus.NEEDS_ASSESSMENT: [CaseStatus.NEEDS_ASSESSMENT],
    CaseStatus.FINANCIAL_ASSESSMENT: [CaseStatus.NEEDS_ASSESSMENT, CaseStatus.FINANCIAL_ASSESSMENT],
    CaseStatus.SUPPORT_PLANNING: [
        CaseStatus.NEEDS_ASSESSMENT,
        CaseStatus.FINANCIAL_ASSESSMENT,
        CaseStatus.SUPPORT_PLANNING,
    ],
    CaseStatus.FUNDING_PANEL: [
        CaseStatus.NEEDS_ASSESSMENT,
        CaseStatus.FINANCIAL_ASSESSMENT,
        CaseStatus.SUPPORT_PLANNING,
        CaseStatus.FUNDING_PANEL,
    ],
    CaseStatus.PLAN_APPROVAL: [
        CaseStatus.NEEDS_ASSESSMENT,
        CaseStatus.FINANCIAL_ASSESSMENT,
        CaseStatus.SUPPORT_PLANNING,
        CaseStatus.PLAN_APPROVAL,
    ],
    CaseStatus.AGREEMENT: [
        CaseStatus.NEEDS_ASSESSMENT,
        CaseStatus.FINANCIAL_ASSESSMENT,
        CaseStatus.SUPPORT_PLANNING,
        CaseStatus.PLAN_APPROVAL,
        CaseStatus.AGREEMENT,
    ],
}
PATH_TO[CaseStatus.PAYMENT_SETUP] = [*PATH_TO[CaseStatus.AGREEMENT], CaseStatus.PAYMENT_SETUP]
PATH_TO[CaseStatus.ACTIVE] = [*PATH_TO[CaseStatus.PAYMENT_SETUP], CaseStatus.ACTIVE]
PATH_TO[CaseStatus.REVIEW] = [*PATH_TO[CaseStatus.ACTIVE], CaseStatus.REVIEW]
PATH_TO[CaseStatus.SUSPENDED] = [*PATH_TO[CaseStatus.ACTIVE], CaseStatus.SUSPENDED]
PATH_TO[CaseStatus.CLOSED] = [*PATH_TO[CaseStatus.ACTIVE], CaseStatus.CLOSED]

NOTES = [
    "Phoned {name} to arrange the assessment visit. Prefers mornings.",
    "Home visit completed. {name} explained what a good week looks like and who helps now.",
    "Discussed direct payments as the first option; {name} would like to employ a personal assistant.",
    "Spoke to the direct payment support team about setting up a prepaid card.",
    "{name}'s family attended the meeting and agreed the outcomes in the plan.",
    "Checked in by phone: support is going well.",
]


def step_referrals_and_cases(ctx: SeedContext) -> None:
    """A referral for each client, and a case for those past triage, in every state."""
    stages = [s for s, _ in STAGES]
    weights = [w for _, w in STAGES]
    manager = ctx.staff["team.manager"]
    intake = [ctx.staff["dp.support"], ctx.staff["social.worker"], manager]
    referrals: list[Referral] = []
    plan: list[tuple[Referral, str]] = []
    for person, case_type in ctx.clients:
        stage = ctx.rng.choices(stages, weights)[0]
        if person.pk == ctx.clients[0][0].pk:
            stage = CaseStatus.ACTIVE
        received_on = (
            ctx.days_ago(1, 25)
            if stage.startswith("referral:") and stage != "referral:closed"
            else ctx.days_ago(40, 360)
        )
        received_at = ctx.moment(received_on)
        in_area = person.postcode.split(" ")[0] in AREA_DISTRICTS
        status = stage.split(":")[1] if stage.startswith("referral:") else ReferralStatus.ALLOCATED
        outcome = ""
        if status == ReferralStatus.CLOSED:
            outcome = (
                ReferralOutcome.OUT_OF_AREA
                if not in_area
                else ctx.rng.choice(
                    [ReferralOutcome.SIGNPOSTED, ReferralOutcome.NO_ELIGIBLE_NEEDS, ReferralOutcome.WITHDRAWN]
                )
            )
        referral = Referral(
            person=person,
            received_at=received_at,
            received_by=ctx.rng.choice(intake),
            route=ctx.rng.choice(ContactRoute.values),
            referrer_type=ctx.rng.choice(ReferrerType.values),
            referrer_name="" if ctx.rng.random() < 0.5 else ctx.faker.name(),
            lives_in_area=in_area,
            case_type=case_type,
            support_wanted=ctx.rng.choice(
                [
                    "Help with getting up, washing and dressing in the mornings.",
                    "A break from caring, a few hours each week.",
                    "Support to get out to the community and keep up hobbies.",
                    "Help to prepare meals and manage medication.",
                    "Short breaks for the family and activities after school.",
                    "Support to go to college and build independence.",
                ]
            ),
            urgency=Urgency.URGENT if ctx.rng.random() < 0.1 else Urgency.ROUTINE,
            status=status,
            status_changed_at=received_at + dt.timedelta(days=ctx.rng.randint(1, 6))
            if status != ReferralStatus.RECEIVED
            else received_at,
            information_requested="GP letter confirming the diagnosis."
            if status == ReferralStatus.AWAITING_INFORMATION
            else "",
            outcome=outcome,
            outcome_notes="Given details of local support groups." if outcome else "",
            triaged_by=manager if status != ReferralStatus.RECEIVED else None,
        )
        referrals.append(referral)
        plan.append((referral, stage))
    Referral.objects.bulk_create(referrals, batch_size=2000)
    for referral in referrals:
        ctx.event(
            event_type=EventType.REFERRAL_RECEIVED,
            subject=referral,
            person=referral.person,
            actor=referral.received_by,
            at=referral.received_at,
            summary=f"Referral {referral.reference} received",
        )
        if referral.status == ReferralStatus.CLOSED:
            ctx.event(
                event_type=EventType.REFERRAL_TRANSITIONED,
                subject=referral,
                person=referral.person,
                actor=manager,
                at=referral.status_changed_at,
                summary=f"Referral {referral.reference} closed: {referral.get_outcome_display()}",
                data={"before": {"status": "received"}, "after": {"status": "closed"}},
            )

    cases: list[Case] = []
    case_plans: list[tuple[Case, str, Referral]] = []
    for referral, stage in plan:
        if stage.startswith("referral:"):
            continue
        team_name = ctx.rng.choice(TEAM_FOR_TYPE[referral.case_type])
        worker = ctx.rng.choice(ctx.workers_by_team[team_name])
        if referral.person.pk == ctx.clients[0][0].pk:
            worker = ctx.staff["social.worker"]
        opened_at = referral.status_changed_at
        closed = stage == CaseStatus.CLOSED
        case = Case(
            reference=f"T{len(cases)}",
            person=referral.person,
            referral=referral,
            case_type=referral.case_type,
            status=stage,
            status_changed_at=min(
                opened_at + dt.timedelta(days=ctx.rng.randint(5, 120)), ctx.moment(ctx.today, hour=8)
            ),
            team=ctx.teams[team_name],
            worker=worker,
            opened_on=timezone.localdate(opened_at),
            closed_on=ctx.today - dt.timedelta(days=ctx.rng.randint(0, 30)) if closed else None,
            closure_reason="Moved to another area; direct payment ended." if closed else "",
        )
        if case.closed_on and case.closed_on < case.opened_on:
            case.closed_on = case.opened_on
        cases.append(case)
        case_plans.append((case, stage, referral))
    # Give worker "social.worker" a caseload they can recognise.
    for case in cases[1:40]:
        if case.team.name in ("Adults North",):
            case.worker = ctx.staff["social.worker"]
    Case.objects.bulk_create(cases, batch_size=2000)
    for case in cases:
        case.reference = f"C{case.pk:06d}"
    Case.objects.bulk_update(cases, ["reference"], batch_size=2000)
    allocations = []
    notes = []
    for case, stage, referral in case_plans:
        allocated_at = referral.status_changed_at
        allocations.append(
            Allocation(
                case=case,
                worker=case.worker,
                allocated_by=manager,
                allocated_at=allocated_at,
                ended_at=ctx.moment(case.closed_on) if case.closed_on else None,
            )
        )
        ctx.event(
            event_type=EventType.REFERRAL_ALLOCATED,
            subject=referral,
            person=case.person,
            case=case,
            actor=manager,
            at=allocated_at,
            summary=f"Referral {referral.reference} allocated to {case.worker.display_name}",
        )
        ctx.event(
            event_type=EventType.CASE_OPENED,
            subject=case,
            person=case.person,
            case=case,
            actor=manager,
            at=allocated_at,
            summary=f"Case {case.reference} opened, worker {case.worker.display_name}",
        )
        path = PATH_TO[stage]
        previous: str = CaseStatus.ALLOCATED
        span = max((case.status_changed_at - allocated_at).total_seconds(), 3600)
        for i, status in enumerate(path):
            assert status in CASE_TRANSITIONS[previous], (previous, status)
            at = allocated_at + dt.timedelta(seconds=span * (i + 1) / len(path))
            ctx.event(
                event_type=EventType.CASE_TRANSITIONED,
                subject=case,
                person=case.person,
                case=case,
                actor=case.worker,
                at=at,
                summary=f"{CaseStatus(previous).label} → {CaseStatus(status).label}",
                data={"before": {"status": previous}, "after": {"status": status}},
            )
            previous = status
        for _ in range(ctx.rng.randint(0, 3)):
            written = allocated_at + dt.timedelta(seconds=ctx.rng.random() * span)
            text = ctx.rng.choice(NOTES).format(name=case.person.known_as)
            notes.append(CaseNote(case=case, author=case.worker, written_at=written, text=text))
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    CaseNote.objects.bulk_create(notes, batch_size=2000)
    for note in notes:
        ctx.event(
            event_type=EventType.CASE_NOTE_ADDED,
            subject=note,
            person=note.case.person,
            case=note.case,
            actor=note.author,
            at=note.written_at,
            summary=f"Note: {note.text[:200]}",
        )
    ctx.cases = cases


def step_write_events(ctx: SeedContext) -> None:
    Event.objects.bulk_create(ctx.events, batch_size=5000)
    ctx.events = []


STEPS: list[Step] = [step_council, step_staff, step_people, step_referrals_and_cases]
# Later parts of the system add their steps in a module `dp.<app>.demo` exposing `STEPS`; they run
# after the steps above, in this order of apps.
EXTENSION_MODULES = [
    "dp.assessments.demo",
    "dp.plans.demo",
    "dp.agreements.demo",
    "dp.payments.demo",
    "dp.monitoring.demo",
    "dp.employment.demo",
    "dp.audits.demo",
]


def all_steps() -> list[Step]:
    import importlib
    import importlib.util

    steps = list(STEPS)
    for name in EXTENSION_MODULES:
        if importlib.util.find_spec(name) is not None:
            steps.extend(importlib.import_module(name).STEPS)
    return [*steps, *FINAL_STEPS]


# Steps that must run last (after every other part has queued its audit events).
FINAL_STEPS: list[Step] = [step_write_events]


def database_is_empty() -> bool:
    return not Council.objects.exists()


@transaction.atomic
def build(*, people: int, seed: int, today: dt.date) -> SeedContext:
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    ctx = SeedContext(rng=random.Random(seed), faker=faker, today=today, people_target=people)
    for step in all_steps():
        step(ctx)
    return ctx
