from __future__ import annotations

from django import forms

from rapport.relationships.models import Note, Relationship, Visibility

NOTE_HONESTY_REMINDER = (
    "Private means private from colleagues and leaders, not from the person it is about: "
    "a teacher's own data export contains every note about them. "
    "Write nothing you would not want them to read."
)


class NoteForm(forms.ModelForm):
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        help_text=NOTE_HONESTY_REMINDER,
    )
    visibility = forms.ChoiceField(label="Who can read it", widget=forms.RadioSelect)

    class Meta:
        model = Note
        fields = ["body", "visibility"]

    def __init__(self, *args, relationship: Relationship, author, **kwargs):
        super().__init__(*args, **kwargs)
        other = relationship.other_member(author)
        self.fields["visibility"].choices = [
            (Visibility.PRIVATE, "Private — only me"),
            (Visibility.SHARED, f"Shared with {other.full_name}"),
        ]
        if self.instance.pk and self.instance.visibility == Visibility.RELEASED:
            # Editing a released note keeps it released; going private withdraws releases.
            self.fields["visibility"].choices.insert(
                2, (Visibility.RELEASED, "Shared, and released to leaders by the teacher")
            )
        self.fields["visibility"].initial = Visibility.PRIVATE

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before saving the note.")
        return body
