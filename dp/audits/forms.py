from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from dp.audits.constants import SIMPLE_OUTCOMES, AuditStatus, Method, ReviewOutcome
from dp.core.forms import GovukDateField, PoundsField
from dp.monitoring.domain.recovery import MAX_INSTALMENTS


class ConfirmForm(forms.Form):
    """A page whose only input is the button."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why?", widget=forms.Textarea)

    def __init__(self, *args: Any, label: str = "Why?", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class RequestInformationForm(forms.Form):
    requested = forms.CharField(
        label="Which records are you asking for?",
        widget=forms.Textarea,
        initial=(
            "Bank or card statements for the last 3 months, receipts for cash withdrawals, timesheets and payslips "
            "for your personal assistants, and invoices from agencies."
        ),
        help_text="This goes in the letter, with the date they are due.",
    )


class ReceivedForm(forms.Form):
    received_on = GovukDateField(label="When did they arrive?", help_text="For example, 6 4 2026")
    summary = forms.CharField(label="What did the person send?", widget=forms.Textarea)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect)
    notes = forms.CharField(label="Explain the outcome", widget=forms.Textarea)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in (*SIMPLE_OUTCOMES, AuditStatus.CLOSED) if s.value in allowed]
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]


class SurplusProposalForm(forms.Form):
    balance_pence = PoundsField(label="Balance in the account", help_text="From the latest statement, in pounds")
    weekly_payment_pence = PoundsField(label="The council's weekly payment")
    allowed_weeks = forms.IntegerField(
        label="Weeks of payments the person may keep", min_value=0, max_value=104, help_text="Council policy"
    )
    owed = forms.MultipleChoiceField(
        label="Money the account already owes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="As recorded on the account's money owed page; those ticked are taken off the balance",
    )
    commitments_label = forms.CharField(
        label="Any other money already owed from the account (what for)",
        required=False,
        help_text="For example, unpaid wages for March and the agency's invoice",
    )
    commitments_pence = PoundsField(label="Other money already owed (amount)", required=False)
    overpaid_contribution_pence = PoundsField(
        label="Contribution the person has overpaid",
        required=False,
        help_text="Refunded to the person before the council recovers anything",
    )
    reasons = forms.CharField(label="Reasons, in words the person can follow", widget=forms.Textarea)

    def __init__(self, *args: Any, owed: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owed:
            self.fields["owed"].choices = list(owed)  # type: ignore[attr-defined]
        else:
            del self.fields["owed"]


class MisuseProposalForm(forms.Form):
    payments = forms.MultipleChoiceField(
        label="Which payments were not used for the needs in the support plan?", widget=forms.CheckboxSelectMultiple
    )
    overpaid_contribution_pence = PoundsField(
        label="Contribution the person has overpaid",
        required=False,
        help_text="Refunded to the person before the council recovers anything",
    )
    reasons = forms.CharField(label="Reasons, in words the person can follow", widget=forms.Textarea)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payments"].choices = choices  # type: ignore[attr-defined]


class DiscussionForm(forms.Form):
    held_on = GovukDateField(label="When was it?", help_text="For example, 6 4 2026")
    with_whom = forms.CharField(label="Who was it with?", max_length=200, help_text="For example, the person, by phone")
    summary = forms.CharField(label="What was said?", widget=forms.Textarea)
    person_responded = forms.BooleanField(label="This is the person's response to the proposal", required=False)


class DecideForm(forms.Form):
    method = forms.ChoiceField(
        label="How will the money be recovered?", choices=Method.choices, widget=forms.RadioSelect
    )
    instalments = forms.IntegerField(
        label="Number of instalments (deduction only)",
        min_value=1,
        max_value=MAX_INSTALMENTS,
        required=False,
        help_text="Each instalment reduces one future payment",
    )
    reasons = forms.CharField(label="Reasons for the decision, including what the person said", widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.DEDUCTION and not data.get("instalments"):
            self.add_error("instalments", "Enter the number of instalments")
        return data


class SettleForm(forms.Form):
    received_on = GovukDateField(label="When did the money reach the council?", help_text="For example, 6 4 2026")


class ReviewRequestForm(forms.Form):
    requested_on = GovukDateField(label="When did the person ask for a review?", help_text="For example, 6 4 2026")
    reason = forms.CharField(label="Why do they want the decision reviewed?", widget=forms.Textarea)


class ReviewDecideForm(forms.Form):
    outcome = forms.ChoiceField(label="Review decision", choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Reasons", widget=forms.Textarea)


class FindingFilterForm(forms.Form):
    code = forms.ChoiceField(label="Check", required=False)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args: Any, codes: list[tuple[str, str]], statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "All checks"), *codes]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", "Any status"), *statuses]  # type: ignore[attr-defined]
