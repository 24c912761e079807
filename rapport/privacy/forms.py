"""Choosing who may read: people, each by name."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from rapport.privacy.refusals import NotTheirCoachLead
from rapport.privacy.types import Person

WRONG_PERSON = NotTheirCoachLead.message


def _could_be_an_id(value: object) -> bool:
    """Digits that fit a 64-bit id. Anything else is a wrong choice before it reaches a query:
    SQLite cannot even compare a larger number with an id (OverflowError: a 500)."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19


# The model choice fields are generic only in django-stubs: subscripting them fails at run time.
class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """People ticked by name; an id that cannot be anyone's is refused like any wrong choice."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name

    def clean(self, value: Any) -> QuerySet[Person]:
        if isinstance(value, list | tuple) and not all(
            _could_be_an_id(item) for item in value if item not in self.empty_values
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One person, by id; an id that cannot be anyone's is refused like any wrong choice."""

    def to_python(self, value: Any) -> Person | None:
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

    def __init__(
        self,
        *args: Any,
        leads: QuerySet[Person],
        required: bool = True,
        label: str = "Share with",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PeopleField, self.fields["leads"])
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

    def __init__(self, *args: Any, leads: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonField, self.fields["lead"]).queryset = leads


class ShareWithConsentForm(CoachLeadsForm):
    """Sharing a conversation: who, and the coach's explicit "yes, I have read what this means"."""

    understood = forms.BooleanField(
        label="I have read who will see it and why, and I want to ask my teacher",
        error_messages={"required": "Tick the box to confirm that you want to share it."},
    )


class ConsentAnswerForm(forms.Form):
    """The teacher's answer to an ask to share a conversation with a coach lead."""

    ANSWERS = [
        ("agree", "Agree"),
        ("decline", "Decline"),
        ("withdraw", "Withdraw my consent"),
        ("name", "Show my name"),
        ("unname", "Hide my name"),
    ]

    answer = forms.ChoiceField(
        choices=ANSWERS,
        error_messages={"required": "Choose an answer.", "invalid_choice": "Choose an answer."},
    )
    named = forms.BooleanField(
        required=False, label="They may see my name (otherwise they read “the teacher”)"
    )
