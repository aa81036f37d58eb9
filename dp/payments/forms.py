from __future__ import annotations

from typing import Any

from django import forms

from dp.core.forms import GovukDateField, PoundsField
from dp.payments.constants import Basis, CardStatus, ReturnReason
from dp.payments.models import DirectPaymentAccount, MoneyManager
from dp.people.models import Person


class PaymentRunForm(forms.Form):
    pay_on = GovukDateField(
        label="When should the money arrive?",
        help_text="A working day. Everything due up to the next working day is paid. For example, 6 4 2026",
    )
    request_key = forms.CharField(widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    """A page whose only input is the button (approve, start, record as arrived)."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why?", widget=forms.Textarea)

    def __init__(self, *args: Any, label: str = "Why?", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        return obj.full_name


def _holder_field(person: Person, choices: list[Person]) -> HolderChoiceField:
    field = HolderChoiceField(
        label="Who holds the account?",
        queryset=Person.objects.filter(pk__in=[p.pk for p in choices]),
        empty_label=None,
        initial=person.pk,
        widget=forms.RadioSelect,
        help_text="The person, or their nominated or authorised person (or a parent, for a child).",
    )
    return field


class PrepaidCardAccountForm(forms.Form):
    provider = forms.CharField(label="Card provider", max_length=60, help_text="For example, Allpay or PFS")
    card_account_reference = forms.CharField(
        label="Provider's reference for the card account", max_length=35, help_text="Used in the card-load file"
    )
    card_last_four = forms.CharField(label="Last 4 digits of the card", max_length=4)

    def __init__(self, *args: Any, person: Person, holders: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"holder": _holder_field(person, holders), **self.fields}


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(label="Name on the account", max_length=70)
    sort_code = forms.CharField(label="Sort code", max_length=8, help_text="Must be 6 digits long, like 30-96-34")
    account_number = forms.CharField(
        label="Account number", max_length=10, help_text="Must be 8 digits long, like 00733445"
    )


class BankAccountForm(BankDetailsForm):
    def __init__(self, *args: Any, person: Person, holders: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"holder": _holder_field(person, holders), **self.fields}


class ManagedAccountForm(forms.Form):
    money_manager = forms.ModelChoiceField(
        label="Money manager", queryset=MoneyManager.objects.order_by("name"), empty_label="Choose an organisation"
    )
    client_reference = forms.CharField(
        label="Money manager's reference for the person", max_length=18, help_text="Shown on their Bacs statement"
    )


class BankChangeForm(BankDetailsForm):
    reason = forms.CharField(
        label="Why are the details changing, and how did the holder ask?",
        widget=forms.Textarea,
        help_text="A second member of staff must confirm the change before payments go to the new account.",
    )


class BankChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Have you checked the change with the account holder?",
        choices=[("confirm", "Yes: confirm the new details"), ("reject", "No: do not make the change")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="How you checked, or why the change is not being made", widget=forms.Textarea, required=False
    )


class CardStatusForm(forms.Form):
    card_status = forms.ChoiceField(label="Card status", choices=CardStatus.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why is it changing?", widget=forms.Textarea)


class CloseAccountForm(forms.Form):
    reason = forms.CharField(label="Why is the account closing?", widget=forms.Textarea)


class MoneyManagerForm(forms.Form):
    name = forms.CharField(label="Organisation's name", max_length=200)
    account_name = forms.CharField(label="Name on its bank account", max_length=70)
    sort_code = forms.CharField(label="Sort code", max_length=8, help_text="Must be 6 digits long, like 30-96-34")
    account_number = forms.CharField(
        label="Account number", max_length=10, help_text="Must be 8 digits long, like 00733445"
    )
    fee_weekly_pence = PoundsField(label="Fee a week (£)", help_text="Paid from the direct payment", required=False)
    contact = forms.CharField(label="Contact (optional)", max_length=200, required=False)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DirectPaymentAccount) -> str:  # type: ignore[override]
        return f"{obj.get_kind_display()} {obj.display_number}"


class ScheduleForm(forms.Form):
    first_payment_on = GovukDateField(
        label="First day of the first payment period", help_text="One of the council's payment dates"
    )
    weekly_budget_pence = PoundsField(label="Weekly personal budget (£)")
    weekly_contribution_pence = PoundsField(label="Weekly contribution from the person (£)")
    basis = forms.ChoiceField(label="How is it paid?", choices=Basis.choices, widget=forms.RadioSelect, required=False)
    account = AccountChoiceField(
        label="Account to pay into",
        queryset=DirectPaymentAccount.objects.none(),
        required=False,
        empty_label="No account yet (payments are held back until there is one)",
    )
    agreement_signed_on = GovukDateField(
        label="Date the direct payment agreement was signed (if it has been)", required=False
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]


class ScheduleChangeForm(forms.Form):
    effective_on = GovukDateField(label="From what date?", help_text="For example, 27 4 2026")
    weekly_budget_pence = PoundsField(label="New weekly personal budget (£)")
    weekly_contribution_pence = PoundsField(label="New weekly contribution from the person (£)")
    reason = forms.CharField(label="Why are the amounts changing?", widget=forms.Textarea)


class ScheduleAccountForm(forms.Form):
    account = AccountChoiceField(
        label="Which account should payments go to?", queryset=DirectPaymentAccount.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["account"].widget = forms.RadioSelect(choices=self.fields["account"].choices)  # type: ignore[attr-defined]


class ResumeForm(forms.Form):
    resume_on = GovukDateField(label="Pay again from", help_text="The first period starting on or after this date")
    reason = forms.CharField(label="Why are payments starting again?", widget=forms.Textarea)


class EndForm(forms.Form):
    last_day_on = GovukDateField(label="Last day the direct payment covers")
    reason = forms.CharField(label="Why is the direct payment ending?", widget=forms.Textarea)


class OneOffForm(forms.Form):
    pay_on = GovukDateField(label="Pay on or after")
    amount_pence = PoundsField(label="Amount (£)")
    description = forms.CharField(label="What is it for?", max_length=200)


class ContributionReceiptForm(forms.Form):
    received_on = GovukDateField(label="Date received")
    amount_pence = PoundsField(label="Amount received (£)")
    reference = forms.CharField(label="Reference (optional)", max_length=100, required=False)


class BankHolidayForm(forms.Form):
    on = GovukDateField(label="Date")
    name = forms.CharField(label="Name", max_length=120, help_text="For example, Christmas Day")


class OriginatorForm(forms.Form):
    service_user_number = forms.CharField(label="Bacs service user number", max_length=6)
    sort_code = forms.CharField(label="Sort code of the council's account", max_length=8)
    account_number = forms.CharField(label="Account number of the council's account", max_length=10)
    name = forms.CharField(label="Name on payments", max_length=18, help_text="Up to 18 letters, as payees see it")


class PaymentReturnForm(forms.Form):
    amount_pence = PoundsField(label="Amount returned (£)", help_text="Exactly the payment's amount")
    returned_on = GovukDateField(label="When did the bank return it?", help_text="For example, 27 4 2026")
    reason = forms.ChoiceField(
        label="Why did the bank return it?", choices=ReturnReason.choices, widget=forms.RadioSelect
    )
    reason_text = forms.CharField(label="The bank's words (optional)", required=False, max_length=200)
    bank_reference = forms.CharField(label="The bank's reference (optional)", required=False, max_length=40)


class ReturnsFileForm(forms.Form):
    file = forms.FileField(
        label="Upload the bank's returns file",
        help_text="A CSV file with the columns payment_reference, amount, returned_on, reason_code and, if you "
        "have them, bank_reference and reason_text",
    )


class PaymentReturnDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What happens to the money?",
        choices=[
            ("reissue", "Pay it again in the next payment run"),
            ("hold", "Hold it for now"),
            ("write_back", "Do not pay it again: write it back to the council"),
        ],
        widget=forms.RadioSelect,
    )
    details_confirmed_right = forms.BooleanField(
        label="The bank details have not changed, and I have checked they were right",
        required=False,
        help_text="Only needed to pay it again to the same account",
    )
    note = forms.CharField(
        label="Why (for holding or writing back), or how you checked the details",
        widget=forms.Textarea,
        required=False,
    )
