from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.utils import timezone

from rapport.privacy.forms import PeopleField
from rapport.privacy.types import Person
from rapport.relationships.models import (
    CoachSettings,
    Note,
    Noticing,
    Question,
    ReadinessProfile,
    Relationship,
    TeacherProfile,
    TeacherSettings,
    Touchpoint,
    Visibility,
)

NOTE_HONESTY_REMINDER = (
    "Private means private from colleagues and leaders, not from the person it is about: "
    "{whose} own data export contains every note about them. "
    "Write nothing you would not want them to read."
)


def note_honesty_reminder(about: Person | None) -> str:
    """The reminder under a note's text, naming the person the note is about when known."""
    return NOTE_HONESTY_REMINDER.format(whose=f"{about.get_short_name()}'s" if about else "their")


class NoteForm(forms.Form):
    """A note's text, what it is about, an optional follow-up date, and who can read it.

    A plain form, not a ModelForm: the actions write, so that what changed (say,
    shared → private, or a new follow-up date) is judged against the stored note.
    """

    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        help_text=note_honesty_reminder(None),
        error_messages={"required": "Write something before saving the note."},
    )
    kind = forms.ChoiceField(
        label="About",
        choices=[c for c in Note.Kind.choices if c[0] != Note.Kind.ANSWER],
        initial=Note.Kind.GENERAL,
        required=False,
    )
    follow_up_on = forms.DateField(
        label="Follow up on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="From this day the note waits on your home until you mark it done or dismiss it.",
    )
    visibility = forms.ChoiceField(label="Who can read it", widget=forms.RadioSelect)

    def __init__(self, *args, relationship: Relationship, author, note: Note | None = None, **kwargs):
        if note is not None:
            kwargs.setdefault(
                "initial",
                {
                    "body": note.body,
                    "kind": note.kind,
                    "follow_up_on": note.follow_up_on,
                    "visibility": note.visibility,
                },
            )
        super().__init__(*args, **kwargs)
        self.note = note
        other = relationship.other_member(author)
        self.fields["body"].help_text = note_honesty_reminder(other)
        visibility_choices = [
            (Visibility.PRIVATE, "Private — only me"),
            (Visibility.SHARED, f"Shared with {other.full_name}"),
        ]
        if note is not None and note.visibility == Visibility.RELEASED:
            # Editing a released note keeps it released; going private withdraws the releases.
            visibility_choices.append((Visibility.RELEASED, "Shared, and released to leaders by the teacher"))
        cast(forms.ChoiceField, self.fields["visibility"]).choices = visibility_choices
        self.fields["visibility"].initial = self.initial.get("visibility", Visibility.PRIVATE)
        if note is not None and note.kind == Note.Kind.ANSWER:
            cast(forms.ChoiceField, self.fields["kind"]).choices = Note.Kind.choices

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or (self.note.kind if self.note else Note.Kind.GENERAL)


class AnswerForm(forms.Form):
    """A teacher's answer to a getting-to-know-you question, kept as a private note."""

    question = forms.ModelChoiceField(label="Question", queryset=Question.objects.none(), empty_label=None)
    body = forms.CharField(
        label="What they said",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        help_text=note_honesty_reminder(None),
        error_messages={"required": "Write down their answer before saving."},
    )

    def __init__(self, *args, coach, relationship=None, **kwargs):
        super().__init__(*args, **kwargs)
        questions = Question.objects.for_coach(coach)
        if relationship is not None:
            questions = questions.for_relationship(relationship)
            self.fields["body"].help_text = note_honesty_reminder(relationship.other_member(coach))
        cast(forms.ModelChoiceField, self.fields["question"]).queryset = questions


class QuestionForm(forms.ModelForm):
    text = forms.CharField(
        label="Your question",
        max_length=300,
        error_messages={"required": "Write the question before adding it."},
    )

    class Meta:
        model = Question
        fields = ["text", "theme"]
        labels = {"theme": "Theme"}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self):
        limit = settings.RAPPORT_MAX_OWN_QUESTIONS
        if Question.objects.filter(owner=self.owner).count() >= limit:
            raise forms.ValidationError(
                f"Your bank already holds {limit} questions of your own, the most it takes: "
                "the question list when you write down an answer has to stay short enough to use."
            )
        return super().clean()


class TeacherProfileForm(forms.ModelForm):
    class Meta:
        model = TeacherProfile
        fields = [
            "preferred_name",
            "grades",
            "subjects",
            "years_of_experience",
            "feedback_preferences",
            "best_times",
            "usual_wrap_up",
        ]
        labels = {
            "preferred_name": "Preferred name",
            "grades": "Grade(s)",
            "subjects": "Subject(s)",
            "years_of_experience": "Years of teaching",
            "feedback_preferences": "How they like to receive feedback",
            "best_times": "Best times to meet",
            "usual_wrap_up": "When they usually must wrap up",
        }
        widgets = {
            "preferred_name": forms.TextInput(),
            "grades": forms.TextInput(),
            "subjects": forms.TextInput(),
            "feedback_preferences": forms.Textarea(attrs={"rows": 2}),
            "best_times": forms.TextInput(),
            "usual_wrap_up": forms.TimeInput(attrs={"type": "time"}),
        }


class ReadinessProfileForm(forms.ModelForm):
    class Meta:
        model = ReadinessProfile
        fields = ["comfort_with_coaching", "comfort_with_technology", "notes"]
        labels = {
            "comfort_with_coaching": "Comfort with coaching",
            "comfort_with_technology": "Comfort with technology",
            "notes": "Where to start (only you see this)",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class TouchpointForm(forms.ModelForm):
    note = forms.CharField(label="One line (optional)", max_length=200, required=False)

    class Meta:
        model = Touchpoint
        fields = ["kind", "note"]
        labels = {"kind": "Kind of contact"}


class NoticingForm(forms.ModelForm):
    body = forms.CharField(
        label="What did you notice?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        help_text="Be specific: what they did, and what it made possible for students.",
        error_messages={"required": "Write what you noticed before saving."},
    )
    noticed_on = forms.DateField(
        label="When", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Noticing
        fields = ["body", "noticed_on"]


class AppreciationForm(forms.Form):
    noticings = forms.ModelMultipleChoiceField(
        label="Built from what you noticed",
        queryset=Noticing.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text="Name what they did and why it mattered. This is sent to them by email.",
        error_messages={"required": "Write the message before sending it."},
    )
    copy_leader = forms.BooleanField(label="Send a copy to the school leader", required=False)

    def __init__(self, *args, noticings, copy_to: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.noticing_list = list(noticings)
        field = cast(forms.ModelChoiceField, self.fields["noticings"])
        field.queryset = Noticing.objects.filter(pk__in=[n.pk for n in self.noticing_list])
        # This field's own labels: an attribute that stands in for the method, on this field alone.
        field.label_from_instance = lambda n: (  # type: ignore[method-assign, assignment]
            f"{n.noticed_on:%b} {n.noticed_on.day}: {n.body}"
        )
        self.leader_copy_allowed = bool(copy_to)
        if copy_to:
            names = ", ".join(leader.full_name for leader in copy_to)
            self.fields["copy_leader"].label = f"Send a copy to {names}"
        else:
            self.fields["copy_leader"].disabled = True
            self.fields[
                "copy_leader"
            ].help_text = "The teacher has not allowed copies to their leader. Only they can change that."

    def clean_copy_leader(self) -> bool:
        return bool(self.cleaned_data.get("copy_leader")) and self.leader_copy_allowed

    # Shown open under the message; the older ones are folded away (a phone shows the message
    # box first, not a dozen noticings).
    RECENT_NOTICINGS = 3

    def recent_choices(self) -> list:
        return list(self["noticings"])[: self.RECENT_NOTICINGS]

    def earlier_choices(self) -> list:
        return list(self["noticings"])[self.RECENT_NOTICINGS :]

    def earlier_chosen(self) -> bool:
        """An older noticing is ticked: its group opens, so nothing chosen is hidden."""
        return any(choice.data["selected"] for choice in self.earlier_choices())


class CoachSettingsForm(forms.ModelForm):
    weekly_appreciation_target = forms.IntegerField(
        label="Appreciations to send each week", min_value=0, max_value=50
    )
    coverage_threshold_days = forms.IntegerField(
        label="Days without contact before a teacher is highlighted", min_value=1, max_value=365
    )

    class Meta:
        model = CoachSettings
        fields = ["weekly_appreciation_target", "coverage_threshold_days"]


class TeacherSettingsForm(forms.ModelForm):
    """The leaders, by name, the teacher lets receive copies: ``leaders`` are those they may name."""

    appreciation_copies_to = PeopleField(
        label="Who may receive copies of appreciations",
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": "Choose among the leaders of your schools.",
            "invalid_pk_value": "Choose among the leaders of your schools.",
        },
    )

    class Meta:
        model = TeacherSettings
        fields = ["appreciation_copies_to"]

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["appreciation_copies_to"]).queryset = leaders
