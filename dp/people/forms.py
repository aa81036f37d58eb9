from __future__ import annotations

from django import forms

from dp.core.forms import GovukDateField
from dp.people.constants import AuthorityBasis, ContactMethod, RelationshipKind


class PersonSearchForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 1958")
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    reference = forms.CharField(
        label="Case, referral or person number", required=False, max_length=12, help_text="For example C000123"
    )

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(k) for k in ("name", "date_of_birth", "postcode", "reference"))


class PersonForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 1958")
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    email = forms.EmailField(label="Email address (optional)", required=False)
    preferred_contact = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=[("", "Not known"), *ContactMethod.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    communication_needs = forms.CharField(
        label="Communication needs (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example British Sign Language interpreter, easy read, large print",
    )
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=12, required=False, help_text="10 digits")
    has_ehcp = forms.BooleanField(label="Has an education, health and care plan (EHCP)", required=False)
    ehcp_issued_on = GovukDateField(label="Date the EHCP was issued", required=False)
    is_restricted = forms.BooleanField(
        label="Restricted record",
        required=False,
        help_text="Only the allocated worker and team managers can open it",
    )


class RelationshipForm(forms.Form):
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("from", "The other person is … this person"), ("to", "This person is … the other person")],
        widget=forms.RadioSelect,
        initial="from",
    )
    other_person = forms.IntegerField(
        label="Other person's number", help_text="The number on their record, without the P. For example 123"
    )
    kind = forms.ChoiceField(label="Relationship", choices=RelationshipKind.choices, widget=forms.RadioSelect)
    authority_basis = forms.ChoiceField(
        label="Basis of authority (authorised persons only)",
        choices=[("", "Not an authorised person"), *AuthorityBasis.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    same_household = forms.BooleanField(label="They live in the same household", required=False)
    started_on = GovukDateField(label="Date the relationship started")
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)


class RelationshipEndForm(forms.Form):
    ended_on = GovukDateField(label="Date the relationship ended")


class CapacityForm(forms.Form):
    has_capacity = forms.TypedChoiceField(
        label="Does the person have capacity to consent to a direct payment?",
        choices=[("yes", "Yes, they have capacity"), ("no", "No, they lack capacity for this decision")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    assessed_on = GovukDateField(label="Date of the capacity assessment")
    notes = forms.CharField(label="How the decision was reached", required=False, widget=forms.Textarea)
