from __future__ import annotations

from django import forms

from rapport.api.models import PersonalAccessToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use this token, e.g. “my planning spreadsheet”.",
        error_messages={"required": "Give the token a name so you recognise it later."},
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=PersonalAccessToken.Scope.choices,
        initial=PersonalAccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
