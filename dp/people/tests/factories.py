from __future__ import annotations

import datetime as dt

import factory

from dp.people.models import Person
from dp.people.services import search_text_for


class PersonFactory(factory.django.DjangoModelFactory):
    """An adult living in the council's area."""

    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1960, 5, 17)
    address_line_1 = "1 High Street"
    town = "Northmoor"
    postcode = "NM1 2AB"
    preferred_name = ""
    search_text = factory.LazyAttribute(lambda p: search_text_for(p))


class ChildFactory(PersonFactory):
    date_of_birth = factory.LazyFunction(lambda: dt.date.today().replace(year=dt.date.today().year - 9))


class RestrictedPersonFactory(PersonFactory):
    is_restricted = True


class OutOfAreaPersonFactory(PersonFactory):
    postcode = "WX3 1AB"
