from __future__ import annotations

from django import forms

from dp.cases.constants import CaseType, ContactRoute, ReferralOutcome, ReferrerType, Urgency
from dp.cases.selectors import allocatable_workers
from dp.staff.models import User


class ReferralForm(forms.Form):
    route = forms.ChoiceField(
        label="How did they get in touch?", choices=ContactRoute.choices, widget=forms.RadioSelect
    )
    referrer_type = forms.ChoiceField(
        label="Who made the referral?", choices=ReferrerType.choices, widget=forms.RadioSelect
    )
    referrer_name = forms.CharField(label="Referrer's name (if not the person)", required=False, max_length=200)
    referrer_contact = forms.CharField(label="Referrer's phone or email (optional)", required=False, max_length=200)
    case_type = forms.ChoiceField(
        label="What kind of support is it about?", choices=CaseType.choices, widget=forms.RadioSelect
    )
    support_wanted = forms.CharField(label="What support do they think would help?", widget=forms.Textarea)
    urgency = forms.ChoiceField(
        label="Urgency", choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.display_name} ({obj.team})"


class AllocateForm(forms.Form):
    worker = WorkerChoiceField(label="Allocate to", queryset=User.objects.none(), empty_label="Choose a worker")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = allocatable_workers()  # type: ignore[attr-defined]


class RequestInformationForm(forms.Form):
    information = forms.CharField(label="What information is needed?", widget=forms.Textarea)


class ReturnToTriageForm(forms.Form):
    note = forms.CharField(label="What was received (optional)", widget=forms.Textarea, required=False)


class CloseReferralForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Why is the referral closing?", choices=ReferralOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="Move the case to", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason (needed when closing)", widget=forms.Textarea, required=False)

    def __init__(self, *args, choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices  # type: ignore[attr-defined]


class ReallocateForm(AllocateForm):
    reason = forms.CharField(label="Why is the case moving?", widget=forms.Textarea)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea)
