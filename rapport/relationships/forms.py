from __future__ import annotations

from django import forms

from rapport.relationships.models import Note, Relationship, Visibility

NOTE_HONESTY_REMINDER = (
    "Private means private from colleagues and leaders, not from the person it is about: "
    "a teacher's own data export contains every note about them. "
    "Write nothing you would not want them to read."
)


class NoteForm(forms.Form):
    """A note's text and who can read it. A plain form: the actions write, so that
    what changed (say, shared → private) is seen against the stored note."""

    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        help_text=NOTE_HONESTY_REMINDER,
    )
    visibility = forms.ChoiceField(label="Who can read it", widget=forms.RadioSelect)

    def __init__(self, *args, relationship: Relationship, author, note: Note | None = None, **kwargs):
        if note is not None:
            kwargs.setdefault("initial", {"body": note.body, "visibility": note.visibility})
        super().__init__(*args, **kwargs)
        other = relationship.other_member(author)
        self.fields["visibility"].choices = [
            (Visibility.PRIVATE, "Private — only me"),
            (Visibility.SHARED, f"Shared with {other.full_name}"),
        ]
        if note is not None and note.visibility == Visibility.RELEASED:
            # Editing a released note keeps it released; going private withdraws the releases.
            self.fields["visibility"].choices = [
                *self.fields["visibility"].choices,
                (Visibility.RELEASED, "Shared, and released to leaders by the teacher"),
            ]
        self.fields["visibility"].initial = self.initial.get("visibility", Visibility.PRIVATE)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before saving the note.")
        return body
