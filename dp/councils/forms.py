from __future__ import annotations

from django import forms

from dp.core.forms import GovukDateField, PoundsField
from dp.councils.domain.policy import PolicyParameter


class CouncilForm(forms.Form):
    name = forms.CharField(label="Council name", max_length=120)
    short_name = forms.CharField(label="Short name (optional)", max_length=40, required=False)
    contact_email = forms.EmailField(label="Direct payments team email", required=False)
    contact_phone = forms.CharField(label="Direct payments team phone", max_length=40, required=False)
    address = forms.CharField(label="Postal address for letters", widget=forms.Textarea, required=False)
    districts = forms.CharField(
        label="Postcode districts in the council's area",
        widget=forms.Textarea,
        help_text="Outward codes separated by spaces or commas, for example ST1 ST2 ST3",
    )


def policy_value_form(parameter: PolicyParameter, data=None):  # type: ignore[no-untyped-def]
    """A form for one parameter's new value, shaped by its kind."""

    class PolicyValueForm(forms.Form):
        effective_from = GovukDateField(label="Takes effect from")
        reason = forms.CharField(label="Why is it changing?", widget=forms.Textarea)

    value_field: forms.Field
    if parameter.kind == "bool":
        value_field = forms.TypedChoiceField(
            label=parameter.label,
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect,
        )
    elif parameter.kind == "choice":
        value_field = forms.ChoiceField(label=parameter.label, choices=parameter.choices, widget=forms.RadioSelect)
    elif parameter.kind == "pence":
        value_field = PoundsField(label=f"{parameter.label} (£)")
    else:
        value_field = forms.IntegerField(
            label=f"{parameter.label}{f' ({parameter.unit})' if parameter.unit else ''}",
            min_value=parameter.minimum,
            max_value=parameter.maximum,
        )
    value_field.help_text = parameter.help
    PolicyValueForm.base_fields = {"value": value_field, **PolicyValueForm.base_fields}
    return PolicyValueForm(data)
