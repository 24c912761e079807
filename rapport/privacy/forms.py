"""Choosing who may read: people, each by name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

WRONG_PERSON = "You can share only with your own coach leads."


def _could_be_an_id(value) -> bool:
    """Digits that fit a 64-bit id. Anything else is a wrong choice before it reaches a query:
    SQLite cannot even compare a larger number with an id (OverflowError: a 500)."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19


class PeopleField(forms.ModelMultipleChoiceField):
    """People ticked by name; an id that cannot be anyone's is refused like any wrong choice."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.full_name

    def clean(self, value):
        if isinstance(value, list | tuple) and not all(
            _could_be_an_id(item) for item in value if item not in self.empty_values
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class PersonField(forms.ModelChoiceField):
    """One person, by id; an id that cannot be anyone's is refused like any wrong choice."""

    def to_python(self, value):
        if value not in self.empty_values and not _could_be_an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CoachLeadsForm(forms.Form):
    """Which of the coach's coach leads to share with, by name.

    ``leads`` are the people the coach may choose from (``privacy.actions.coach_leads_of``);
    an id from anywhere else is refused like any other wrong choice.
    """

    leads = PeopleField(
        queryset=None,
        error_messages={
            "required": "Choose who to share it with.",
            "invalid_choice": WRONG_PERSON,
            "invalid_pk_value": WRONG_PERSON,
        },
    )

    def __init__(self, *args, leads: QuerySet, required: bool = True, label: str = "Share with", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["leads"]
        field.queryset = leads
        field.required = required
        field.label = label


class StopSharingForm(forms.Form):
    """Stop sharing with one person (``lead``) or, left empty, with everyone."""

    lead = PersonField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "That person was never shared with here."},
    )

    def __init__(self, *args, leads: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
