"""Choosing who may read: coach leads, each by name."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet


class CoachLeadsForm(forms.Form):
    """Which of the coach's coach leads to share with, by name.

    ``leads`` are the people the coach may choose from (``privacy.actions.coach_leads_of``);
    an id from anywhere else is refused like any other wrong choice.
    """

    leads = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose who to share it with.",
            "invalid_choice": "You can share only with your own coach leads.",
            "invalid_pk_value": "You can share only with your own coach leads.",
        },
    )

    def __init__(self, *args, leads: QuerySet, required: bool = True, label: str = "Share with", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["leads"]
        field.queryset = leads
        field.required = required
        field.label = label
        field.label_from_instance = lambda person: person.full_name


class StopSharingForm(forms.Form):
    """Stop sharing with one person (``lead``) or, left empty, with everyone."""

    lead = forms.ModelChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "That person was never shared with here."},
    )

    def __init__(self, *args, leads: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
