from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import Q, QuerySet

from rapport.relationships.models import Comfort
from rapport.resources import files
from rapport.resources.models import ContentArea, GoalArea, GradeBand, Resource


class ResourceForm(forms.ModelForm):
    """A resource's link or file, notes and tags. The file is checked by what its bytes are."""

    link = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A web address, if it lives online.",
    )
    upload = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text=f"{files.ALLOWED_LABEL}, up to {files.MAX_LABEL}.",
    )

    class Meta:
        model = Resource
        fields = ["title", "link", "notes", "goal_area", "content_area", "grade_band", "readiness"]
        labels = {
            "goal_area": "Goal area",
            "content_area": "Subject",
            "grade_band": "Grades",
            "readiness": "Best for someone who is",
        }
        help_texts = {
            "notes": "Describe the resource, never a teacher.",
            "readiness": "With coaching; with technology, for a technology resource.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["goal_area"]).choices = [("", "Choose one"), *GoalArea.choices]
        cast(forms.ChoiceField, self.fields["readiness"]).choices = [("", "Anyone"), *Comfort.choices]
        self.upload_kind: files.Kind | None = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > files.MAX_BYTES:
            raise forms.ValidationError(
                f"This file is larger than {files.MAX_LABEL}. Share a link to it instead."
            )
        kind = files.kind_of(upload)
        if kind is None:
            raise forms.ValidationError(
                f"This file is not one we keep: we take {files.ALLOWED_LABEL} files, judged by what is "
                "inside them, not by their name."
            )
        self.upload_kind = kind
        return upload

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        has_file = bool(cleaned.get("upload")) or bool(self.instance.pk and self.instance.file)
        if not cleaned.get("link") and not has_file and not self.has_error("upload"):
            raise forms.ValidationError("Give a link or upload a file: a resource needs one of them.")
        return cleaned


class LibraryFilterForm(forms.Form):
    """The library's search box and tag filters (a GET form: every field optional)."""

    q = forms.CharField(label="Words in the title or notes", required=False, max_length=100)
    goal_area = forms.ChoiceField(label="Goal area", required=False, choices=[("", "Any"), *GoalArea.choices])
    content_area = forms.ChoiceField(
        label="Subject", required=False, choices=[("", "Any"), *ContentArea.choices[1:]]
    )
    grade_band = forms.ChoiceField(
        label="Grades", required=False, choices=[("", "Any"), *GradeBand.choices[1:]]
    )
    readiness = forms.TypedChoiceField(
        label="Suits someone",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any"), *Comfort.choices],
    )
    mine = forms.BooleanField(label="Only the ones I added", required=False)

    def filter(self, resources: QuerySet[Resource], user) -> QuerySet[Resource]:
        """The resources that match; an invalid filter is ignored rather than refused."""
        if not self.is_valid():
            return resources
        data = self.cleaned_data
        for word in data["q"].split()[:8]:
            resources = resources.filter(Q(title__icontains=word) | Q(notes__icontains=word))
        if data["goal_area"]:
            resources = resources.filter(goal_area=data["goal_area"])
        # A resource for any subject or any grade matches every subject or grade.
        if data["content_area"]:
            resources = resources.filter(content_area__in=[data["content_area"], ContentArea.ANY])
        if data["grade_band"]:
            resources = resources.filter(grade_band__in=[data["grade_band"], GradeBand.ANY])
        if data["readiness"]:
            resources = resources.filter(Q(readiness=data["readiness"]) | Q(readiness__isnull=True))
        if data["mine"]:
            resources = resources.filter(owner=user)
        return resources

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class ShareNoteForm(forms.Form):
    """The note that goes with a shared resource (corrected on its own: rapport.resources.corrections)."""

    note = forms.CharField(
        label="A note to them (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ShareForm(ShareNoteForm):
    """Share one library resource with the teacher, with a note, perhaps keeping a promise."""

    field_order = ["resource", "note", "commitment"]

    resource = forms.ModelChoiceField(queryset=Resource.objects.none(), label="Resource")
    commitment = forms.ChoiceField(label="This keeps a promise", required=False)

    def __init__(self, *args, resources: QuerySet[Resource], commitments: list, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["resource"]).queryset = resources
        cast(forms.ModelChoiceField, self.fields["resource"]).empty_label = "Choose a resource"
        self.commitments = {str(commitment.pk): commitment for commitment in commitments}
        cast(forms.ChoiceField, self.fields["commitment"]).choices = [
            ("", "No, just share it"),
            *((pk, commitment.what) for pk, commitment in self.commitments.items()),
        ]

    def clean_commitment(self):
        value = self.cleaned_data.get("commitment")
        return self.commitments.get(value) if value else None
