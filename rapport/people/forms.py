from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from rapport.people.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class PasswordSetupForm(PasswordResetForm):
    """Password reset that also reaches people who have never had a password.

    People arrive through the roster import without one; the reset email is how
    they choose their first. Inactive accounts still get nothing.
    """

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)
