from django.db import models


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"


class RelationshipKind(models.TextChoices):
    """How `from_person` stands to `to_person` ("A is carer of B")."""

    CARER_OF = "carer_of", "Carer of"
    PARENT_OF = "parent_of", "Parent with parental responsibility for"
    NOMINATED_PERSON_FOR = "nominated_for", "Nominated person for"
    AUTHORISED_PERSON_FOR = "authorised_for", "Authorised person for"
    SPOUSE_OR_PARTNER_OF = "partner_of", "Spouse or partner of"
    CLOSE_RELATIVE_OF = "relative_of", "Close relative of"


class AuthorityBasis(models.TextChoices):
    """Why an authorised person may receive a direct payment for someone who lacks capacity
    (Care Act 2014 s.32; RULES.md DP-ELIG)."""

    LASTING_POWER_OF_ATTORNEY = "lpa", "Lasting power of attorney (health and welfare or property and affairs)"
    COURT_DEPUTY = "deputy", "Deputy appointed by the Court of Protection"
    COUNCIL_SUITABLE = "suitable", "Considered suitable by the council"


class LifeStage(models.TextChoices):
    CHILD = "child", "Child (under 16)"
    YOUNG_PERSON = "young_person", "Young person (16 or 17)"
    ADULT = "adult", "Adult (18 or over)"
