"""UK identifiers: postcodes and NHS numbers. Pure functions, no Django.

Postcode format: the Royal Mail / GOV.UK pattern (outward code, space, inward code), including
the special case GIR 0AA. A valid format does not prove the postcode exists.
NHS number: 10 digits, the last a modulus 11 check digit (NHS Data Dictionary, "NHS Number").
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(
    r"^(GIR ?0AA|"
    r"(?P<outward>[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"
    r" ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2}))$"
)


def normalise_postcode(text: str) -> str | None:
    """ "sw1a1aa" -> "SW1A 1AA"; None when the text is not a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(postcode: str) -> str:
    """The outward code ("district") of a normalised postcode: "ST4 1RN" -> "ST4"."""
    return postcode.split(" ")[0]


def nhs_number_is_valid(text: str) -> bool:
    """True for a 10-digit NHS number whose modulus 11 check digit is right."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def format_nhs_number(text: str) -> str:
    digits = re.sub(r"[\s-]", "", text)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def age_on(date_of_birth, on) -> int:  # type: ignore[no-untyped-def]
    """Whole years of age on a date (a 29 February birthday counts from 1 March in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
