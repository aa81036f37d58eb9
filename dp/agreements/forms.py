from __future__ import annotations

from typing import Any

from django import forms

from dp.agreements.constants import AccountType, DirectPaymentAnswer, ReviewOutcome, ReviewTrigger
from dp.core.forms import GovukDateField


class AgreementForm(forms.Form):
    holder = forms.ChoiceField(
        label="Who will hold the money and sign the agreement?", choices=(), widget=forms.RadioSelect
    )
    account_type = forms.ChoiceField(
        label="What kind of account will the payments go into?", choices=AccountType.choices, widget=forms.RadioSelect
    )
    first_payment_on = GovukDateField(label="Date of the first payment", help_text="For example 6 4 2026")

    def __init__(self, *args: Any, holders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = holders  # type: ignore[attr-defined]


class SignForm(forms.Form):
    signed_by = forms.ChoiceField(label="Who signed it?", choices=(), widget=forms.RadioSelect)
    signed_on = GovukDateField(label="Date it was signed", help_text="For example 6 4 2026")

    def __init__(self, *args: Any, signatories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_by"].choices = signatories  # type: ignore[attr-defined]


class ReviewRequestForm(forms.Form):
    trigger = forms.ChoiceField(
        label="Why is a review needed?", choices=ReviewTrigger.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(label="What has happened?", widget=forms.Textarea)
    due_by = GovukDateField(label="Review to be held by", help_text="For example 6 4 2026")


class ReviewCompleteForm(forms.Form):
    completed_on = GovukDateField(label="Date of the review", help_text="For example 6 4 2026")
    outcome = forms.ChoiceField(label="What was the outcome?", choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    dp_offered = forms.TypedChoiceField(
        label="Were direct payments offered again?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    dp_answer = forms.ChoiceField(
        label="What did the person say?", choices=DirectPaymentAnswer.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="What was found and agreed", widget=forms.Textarea)
