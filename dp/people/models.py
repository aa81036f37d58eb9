"""People the council works with: recipients, carers, parents, representatives.

One `Person` table for everyone, whatever their part: the same person can be a carer in one
relationship and a recipient in another. Relationships are directed ("A is carer of B").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from dp.core.domain.identifiers import age_on, format_nhs_number
from dp.core.models import TimeStamped
from dp.core.validators import validate_nhs_number, validate_uk_postcode
from dp.people.constants import AuthorityBasis, ContactMethod, LifeStage, RelationshipKind
from dp.people.domain.life_stage import life_stage


class Person(TimeStamped):
    """A person known to the council.

    `search_text` is a lower-cased copy of the names kept by the services for fast trigram search
    (a GIN index), so name search stays quick with hundreds of thousands of people.
    `is_restricted` marks a sensitive record (for example a member of staff or a person at risk):
    only the allocated worker, team managers and system administrators can open it; everybody
    else gets "not found".
    """

    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_uk_postcode], db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    communication_needs = models.TextField(
        blank=True, help_text="For example British Sign Language interpreter, easy read, large print"
    )
    nhs_number = models.CharField(max_length=12, blank=True, validators=[validate_nhs_number])
    has_ehcp = models.BooleanField("Has an education, health and care plan", default=False)
    ehcp_issued_on = models.DateField(null=True, blank=True)
    is_restricted = models.BooleanField(default=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            GinIndex(OpClass(models.F("search_text"), name="gin_trgm_ops"), name="person_search_trgm"),
            models.Index(fields=["date_of_birth"]),
            models.Index(Upper("family_name"), "date_of_birth", name="person_family_dob"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(has_ehcp=False) | Q(ehcp_issued_on__isnull=False), name="ehcp_has_date"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def reference(self) -> str:
        return f"P{self.pk:07d}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.given_name

    def age(self, today: dt.date) -> int:
        return age_on(self.date_of_birth, today)

    def life_stage(self, today: dt.date) -> LifeStage:
        return LifeStage(life_stage(self.date_of_birth, today))

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.address_line_1, self.address_line_2, self.town, self.postcode) if line]


class Relationship(TimeStamped):
    """`from_person` is `kind` `to_person` (for example "Jo is authorised person for Sam").

    An authorised person (Care Act 2014 s.32) needs the basis of their authority. Ended
    relationships keep their row with `ended_on` so history stays true.
    """

    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_from")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    authority_basis = models.CharField(max_length=10, choices=AuthorityBasis.choices, blank=True)
    same_household = models.BooleanField("Live in the same household", default=False)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_person=models.F("to_person")), name="relationship_not_self"),
            models.CheckConstraint(
                condition=(Q(kind=RelationshipKind.AUTHORISED_PERSON_FOR) & ~Q(authority_basis=""))
                | (~Q(kind=RelationshipKind.AUTHORISED_PERSON_FOR) & Q(authority_basis="")),
                name="authority_basis_only_for_authorised",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="relationship_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} {self.get_kind_display().lower()} {self.to_person}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class CapacityAssessment(TimeStamped):
    """Whether the person has capacity to consent to receiving a direct payment, on a date
    (Mental Capacity Act 2005; Care Act 2014 ss.31-32 decide which route applies)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="capacity_assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_capacity = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person}: {'has' if self.has_capacity else 'lacks'} capacity on {self.assessed_on}"
