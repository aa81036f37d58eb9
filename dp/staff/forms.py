from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate

from dp.staff.models import Team, User
from dp.staff.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if username and password:
            user = authenticate(self.request, username=username, password=password)
            if user is None or not user.is_active:
                raise forms.ValidationError("Enter a correct username and password")
            self.user = user  # type: ignore[assignment]
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code must be 6 digits")
        return token


class StaffForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(max_length=100, required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="No team")
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False)
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)


class StaffCreateForm(StaffForm):
    """Adding a member of staff: the username too, checked with the other fields so every problem shows at once."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text=(
            "After saving you get a one-time link to give them, to choose their password. "
            "They set up their authenticator app when they first sign in."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    field_order = ["username"]

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label="New password",
        help_text="At least 12 characters. A few unrelated words are easy to remember and hard to guess",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Confirm new password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: User, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password2(self) -> str:
        from django.contrib.auth import password_validation

        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data["new_password2"]
        if first and first != second:
            raise forms.ValidationError("The two passwords do not match")
        password_validation.validate_password(second, self.user)
        return second
