from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import QuerySet

from rapport.people.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        return username.strip().lower()


class FirstPasswordResetForm(PasswordResetForm):
    """The reset email, also for people who have never had a password.

    Imported and administrator-made accounts start with an unusable password
    and choose their first one through this email. Django's form leaves such
    accounts out (it expects them to sign in elsewhere); Rapport has no
    elsewhere. Inactive accounts still get nothing.
    """

    def get_users(self, email: str) -> QuerySet[User]:
        return User.objects.filter(email=email.strip().lower(), is_active=True)
