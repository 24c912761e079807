"""Forms of coaching cycles. Each refuses bad input with a message that says what to do."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property

from rapport.coaching.models import Agreement, Cycle, Decision, EvidencePoint, SessionSeries, Side
from rapport.relationships.models import Relationship

NOT_A_NUMBER = "Enter a number, like 12 or 62.5."


def side_choices(relationship: Relationship) -> list[tuple[str, str]]:
    """'Coach' and 'Teacher', named, so that a pair never has to guess who is who."""
    return [
        (Side.COACH, f"{relationship.coach.full_name}{'' if relationship.is_peer else ' (coach)'}"),
        (Side.TEACHER, f"{relationship.teacher.full_name}{'' if relationship.is_peer else ' (teacher)'}"),
    ]


def _text(label: str, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20_000,
        required=required,
        help_text=help_text,
        strip=True,
    )


class AgreementForm(forms.ModelForm):
    roles = _text("Our roles")
    confidentiality = _text("Confidentiality")
    norms = _text(
        "Our norms", rows=6, help_text="One norm per line. Edit them together until both of you agree."
    )
    meetings = _text("Where, when and how long we meet", rows=2)
    focus = _text("Our focus", rows=2)
    feedback_preferences = _text("How the teacher best receives feedback", rows=2)
    coach_commitments = _text("What the coach commits to")
    teacher_commitments = _text("What the teacher commits to")

    class Meta:
        model = Agreement
        fields = [name for name, _ in Agreement.SECTIONS]

    def __init__(self, *args, relationship=None, **kwargs):
        super().__init__(*args, **kwargs)
        if relationship is not None and relationship.is_peer:
            for name, label in Agreement.section_labels(relationship).items():
                self.fields[name].label = label


class CycleForm(forms.ModelForm):
    student_goal = _text(
        "What students will do",
        help_text="Observable and about students, e.g. 'most students ask a classmate a question'.",
    )
    measure = _text("How we will measure it", rows=2)
    baseline = forms.DecimalField(
        label="Where students are now (baseline)",
        max_digits=8,
        decimal_places=2,
        error_messages={"invalid": NOT_A_NUMBER},
    )
    target = forms.DecimalField(
        label="Target", max_digits=8, decimal_places=2, error_messages={"invalid": NOT_A_NUMBER}
    )
    target_date = forms.DateField(label="By when", widget=forms.DateInput(attrs={"type": "date"}))
    moves = _text("Instructional moves tried", required=False, help_text="One per line.")

    class Meta:
        model = Cycle
        fields = ["student_goal", "measure", "baseline", "target", "target_date", "status", "moves"]
        labels = {"status": "Where we are in the cycle"}


class AddsToACycle(forms.BaseForm):
    """For a form that adds one item to a list of the cycle's: refused once the list is full.

    The list is on the cycle page, so a bound keeps that page quick to load and its chart legible.
    """

    items: str  # the cycle's related name for the list
    limit_setting: str
    full_message: str  # formatted with ``limit``

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle

    @cached_property
    def full(self) -> str:
        """Why nothing more can be added ("" while there is room)."""
        limit = getattr(settings, self.limit_setting)
        if getattr(self.cycle, self.items).count() < limit:
            return ""
        return self.full_message.format(limit=limit)

    def clean(self) -> dict[str, Any] | None:
        if self.full:
            raise forms.ValidationError(self.full)
        return super().clean()


class EvidenceForm(AddsToACycle, forms.ModelForm):
    items = "evidence"
    limit_setting = "RAPPORT_MAX_EVIDENCE_PER_CYCLE"
    full_message = (
        "This cycle's chart already holds {limit} evidence points, the most it takes. "
        "Close this cycle and start a new one to keep measuring."
    )

    measured_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(
        label="Value", max_digits=8, decimal_places=2, error_messages={"invalid": NOT_A_NUMBER}
    )
    note = _text("Note", rows=2, required=False)

    class Meta:
        model = EvidencePoint
        fields = ["measured_on", "value", "source", "note"]
        labels = {"source": "Where it comes from"}


class DecisionForm(AddsToACycle, forms.ModelForm):
    items = "decisions"
    limit_setting = "RAPPORT_MAX_DECISIONS_PER_CYCLE"
    full_message = (
        "This cycle already has {limit} options recorded, the most it takes. "
        "Start a new cycle for the next set of choices."
    )

    option = _text("The option", rows=2)
    proposed_by = forms.ChoiceField(label="Who proposed it", widget=forms.RadioSelect)
    teacher_choice = forms.ChoiceField(
        label="What the teacher chose", choices=Decision.Choice.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Decision
        fields = ["option", "proposed_by", "teacher_choice"]

    def __init__(self, *args, relationship: Relationship, cycle: Cycle, **kwargs):
        super().__init__(*args, cycle=cycle, **kwargs)
        cast(forms.ChoiceField, self.fields["proposed_by"]).choices = side_choices(relationship)
        self.fields["teacher_choice"].initial = Decision.Choice.OPEN


class SessionForm(forms.Form):
    """When and where; the times are checked against each other before anything is written."""

    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    wrap_up = forms.TimeField(
        label="The teacher must wrap up by",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        required=False,
        help_text="The live view warns two minutes before this time. Left empty: when the session ends.",
    )
    place = forms.CharField(
        label="Place",
        max_length=120,
        help_text="A room or a place. It appears in calendars, so keep it short.",
    )
    agenda = _text("Agenda", rows=3, required=False)

    WHEN_FIELDS = ("day", "start", "end", "wrap_up")
    REPEAT_FIELDS = ("repeat", "ends_on", "occurrences")

    def when_fields(self) -> list:
        """Date and times, shown side by side on a wide screen."""
        return [self[name] for name in self.WHEN_FIELDS]

    def main_fields(self) -> list:
        """Place and agenda: the fields neither of the date and times nor of a series."""
        return [self[name] for name in self.fields if name not in self.WHEN_FIELDS + self.REPEAT_FIELDS]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end, wrap_up, day = data.get("start"), data.get("end"), data.get("wrap_up"), data.get("day")
        if start is None or end is None or day is None:
            return data
        if wrap_up is None:
            wrap_up = data["wrap_up"] = end
        if end <= start:
            raise forms.ValidationError(
                "The session must end after it starts. Check the start and end times."
            )
        if not start <= wrap_up <= end:
            raise forms.ValidationError(
                "The wrap-up time must fall within the session, between its start and end."
            )
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start))
        data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end))
        data["wrap_up_at"] = timezone.make_aware(datetime.datetime.combine(day, wrap_up))
        return data

    @classmethod
    def initial_from(cls, session) -> dict:
        local = timezone.localtime
        return {
            "day": local(session.starts_at).date(),
            "start": local(session.starts_at).time(),
            "end": local(session.ends_at).time(),
            "wrap_up": local(session.wrap_up_at).time(),
            "place": session.place,
            "agenda": session.agenda,
        }


class NewSessionForm(SessionForm):
    """A session, or the first of a series: every week or every other week, until a date or
    for a number of sessions, at most ``SessionSeries.MAX_OCCURRENCES``."""

    NO_REPEAT = ""

    repeat = forms.TypedChoiceField(
        label="Repeats",
        choices=[(NO_REPEAT, "Does not repeat"), *SessionSeries.Cadence.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    ends_on = forms.DateField(
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="The last day a session may fall on.",
    )
    occurrences = forms.IntegerField(
        label="Or for this many sessions",
        min_value=2,
        max_value=SessionSeries.MAX_OCCURRENCES,
        required=False,
        help_text=f"At most {SessionSeries.MAX_OCCURRENCES} sessions in one series.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        cadence, ends_on, count = data.get("repeat"), data.get("ends_on"), data.get("occurrences")
        if self.errors or not cadence:
            data["dates"] = [data["day"]] if data.get("day") else []
            return data
        if ends_on is None and count is None:
            raise forms.ValidationError("Say when the series stops: a last date, or a number of sessions.")
        if ends_on is not None and ends_on <= data["day"]:
            raise forms.ValidationError("The series must end after its first session.")
        data["dates"] = series_dates(data["day"], cadence, ends_on, count)
        if len(data["dates"]) < 2:
            raise forms.ValidationError("That makes a single session. Choose a later end date, or no repeat.")
        if (
            ends_on is not None
            and data["dates"][-1] + datetime.timedelta(days=cadence) <= ends_on
            and (count is None or len(data["dates"]) < count)
        ):
            raise forms.ValidationError(
                f"A series holds at most {SessionSeries.MAX_OCCURRENCES} sessions. "
                "Choose an earlier end date, or fewer sessions."
            )
        return data


def series_dates(
    first: datetime.date, cadence: int, ends_on: datetime.date | None, count: int | None
) -> list[datetime.date]:
    """The days of a series: from ``first`` every ``cadence`` days, until ``ends_on`` or ``count``
    sessions (whichever comes first), never more than the cap."""
    limit = min(count or SessionSeries.MAX_OCCURRENCES, SessionSeries.MAX_OCCURRENCES)
    dates: list[datetime.date] = []
    day = first
    while len(dates) < limit and (ends_on is None or day <= ends_on):
        dates.append(day)
        day += datetime.timedelta(days=cadence)
    return dates


class CancelForm(forms.Form):
    cancelled_by = forms.ChoiceField(label="Who cancelled", widget=forms.RadioSelect)
    reason = _text("Why", rows=2, required=False)

    def __init__(self, *args, relationship: Relationship, later_in_series: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cancelled_by"]).choices = side_choices(relationship)
        if later_in_series:
            self.fields["scope"] = forms.ChoiceField(
                label="Which sessions",
                widget=forms.RadioSelect,
                initial=self.ONLY_THIS,
                choices=[
                    (self.ONLY_THIS, "Only this session"),
                    (
                        self.THE_REST,
                        f"This one and the {later_in_series} later "
                        f"session{'s' if later_in_series != 1 else ''} of the series",
                    ),
                ],
            )

    ONLY_THIS = "this"
    THE_REST = "rest"

    @property
    def cancels_the_rest(self) -> bool:
        return self.cleaned_data.get("scope") == self.THE_REST


class SessionNotesForm(forms.Form):
    notes = _text("Notes from our meeting", rows=5, required=False)


class CommitmentForm(forms.Form):
    owner = forms.ChoiceField(label="Whose commitment", widget=forms.RadioSelect)
    what = _text("What", rows=2)
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    resource_title = forms.CharField(label="Resource title (optional)", max_length=200, required=False)
    resource_url = forms.URLField(
        label="Resource link (optional)", max_length=2000, required=False, assume_scheme="https"
    )

    def __init__(self, *args, relationship: Relationship, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = side_choices(relationship)

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("That date has passed. Choose today or a later date.")
        return due_on

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("resource_title") and not data.get("resource_url"):
            self.add_error("resource_url", "Add the link for this resource, or leave the title empty.")
        return data


class SummaryForm(forms.Form):
    message = _text(
        "A personal word to open the summary (optional)",
        rows=3,
        required=False,
        help_text="The summary lists the next steps, the commitments with their dates and our next meeting.",
    )


class VisitForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=120, initial=15)
    students_doing = _text("What students were doing and learning")
    what_worked = _text("What worked", required=False)
    wonderings = _text(
        "Wonderings", required=False, help_text="Questions, not verdicts: 'I wonder what would happen if…'"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("day") and data.get("start"):
            data["visited_at"] = timezone.make_aware(datetime.datetime.combine(data["day"], data["start"]))
        return data
