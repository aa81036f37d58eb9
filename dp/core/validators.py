"""Django validators wrapping the pure identifier rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dp.core.domain.identifiers import nhs_number_is_valid, normalise_postcode


def validate_uk_postcode(value: str) -> None:
    if normalise_postcode(value) is None:
        raise ValidationError("Enter a real postcode, like ST4 1RN", code="postcode")


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError(
            "Enter a valid NHS number: 10 digits, like 943 476 5919. "
            "Check the digits, as the last one is a check digit",
            code="nhs_number",
        )
