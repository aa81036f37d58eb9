"""Form building blocks that render as GOV.UK Frontend components."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dp.core.errors import MoneyFormatError
from dp.core.money import format_pence, pounds_to_pence


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "core/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        # The parts are optional one by one so that `compress` can say which are missing ("must include a month
        # and year"); required parts would give Django's vague "Enter a complete value." instead.
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        label = self.label or "Date"
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{label} must be a real date, like 27 3 2007")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{label} must be a real date") from exc


class PoundsField(forms.CharField):
    """An amount typed in pounds ("1,234.56"); cleans to integer pence."""

    # No max_length: the cleaned value is an int, which Django's length validator cannot measure;
    # the text length is checked in to_python instead.
    MAX_TEXT_LENGTH = 20

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return format_pence(value).lstrip("£")
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.MAX_TEXT_LENGTH:
            raise ValidationError(f"{self.label} must be an amount of money, like 125.50")
        try:
            return pounds_to_pence(text)
        except MoneyFormatError as exc:
            raise ValidationError(f"{self.label} must be an amount of money, like 125.50") from exc
