"""Template helpers for GOV.UK Frontend components (loaded as a builtin in every template).

`{% field form.x %}` renders a form field as the matching GOV.UK component with its label, hint
and error message; `{% error_summary form %}` renders the error summary that links to each field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField, Field
from django.utils import timezone

from dp.core.money import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    if pence is None:
        return ""
    return format_pence(int(pence))


@register.filter
def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """ "3 March 2026" (and "at 2:05pm" for a datetime, in UK time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        hour = local.strftime("%I").lstrip("0") or "12"
        return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local.strftime('%p').lower()}"
    return f"{value.day} {value:%B %Y}"


@register.filter
def chunks(value: str, size: int = 4) -> list[str]:
    """ "ABCDEFGH"|chunks:4 -> ["ABCD", "EFGH"]: long codes shown in groups, to read and to wrap on narrow screens."""
    text = str(value or "")
    return [text[i : i + size] for i in range(0, len(text), int(size))]


KINDS = {
    "radioselect": "radios",
    "checkboxselectmultiple": "checkboxes",
    "checkbox": "checkbox",
    "select": "select",
    "textarea": "textarea",
    "govukdate": "date",
}
CHOICE_KINDS = {"radios", "checkboxes", "checkbox", "select"}
DJANGO_REQUIRED = str(Field.default_error_messages["required"])


def _kind(bound: BoundField) -> str:
    return KINDS.get(bound.widget_type, "input")


def _error_texts(bound: BoundField) -> list[str]:
    """The field's error messages, with Django's anonymous "This field is required." replaced by one that names
    the field, as GOV.UK asks ("Enter first name"): in the error summary every link must say which field it
    leads to. A form that sets its own "required" message keeps it."""
    label = str(bound.label or bound.name)
    if label.endswith("?"):
        missing = f"Select an answer: {label}" if _kind(bound) in CHOICE_KINDS else f"Enter an answer: {label}"
    else:
        # "First name" -> "first name", but "NHS number" stays as it is.
        words = label if label[1:2].isupper() else label[:1].lower() + label[1:]
        missing = f"Select an option: {label}" if _kind(bound) in CHOICE_KINDS else f"Enter {words}"
    return [missing if str(message) == DJANGO_REQUIRED else str(message) for message in bound.errors]


@register.inclusion_tag("core/fields/field.html")
def field(bound: BoundField, label_size: str = "s", page_heading: bool = False, width: str = "") -> dict[str, Any]:
    kind = _kind(bound)
    # The date input's boxes get the error style too (red border), as in the GOV.UK date input component.
    widget_html = bound.as_widget(attrs={"error": "true"}) if kind == "date" and bound.errors else ""
    return {
        "field": bound,
        "kind": kind,
        "widget_html": widget_html,
        "label_size": label_size,
        "page_heading": page_heading,
        "width": width,
        "input_type": getattr(bound.field.widget, "input_type", "text"),
        "errors": _error_texts(bound),
        "describedby": " ".join(
            part
            for part in (
                f"{bound.auto_id}-hint" if bound.help_text else "",
                f"{bound.auto_id}-error" if bound.errors else "",
            )
            if part
        ),
    }


@register.inclusion_tag("core/fields/error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    items = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append({"href": "", "text": message})
        for name in form.errors:
            if name == "__all__":
                continue
            bound = form[name]
            anchor = bound.auto_id
            if _kind(bound) in {"date", "radios", "checkboxes"}:
                anchor = f"{anchor}_0"
            for message in _error_texts(bound):
                items.append({"href": f"#{anchor}", "text": message})
    return {"items": items}


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return str(query.urlencode())
