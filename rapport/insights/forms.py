from __future__ import annotations

from django import forms

from rapport.insights.checklist import CHECKLIST


class TrustReflectionForm(forms.Form):
    """One field per dimension of the checklist, and an optional private reflection."""

    reflection = forms.CharField(
        label="Anything else on your mind about this relationship (only you see this)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Private to you, and in the teacher's own data export like every note about them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension, (label, items) in CHECKLIST.items():
            self.fields[dimension] = forms.MultipleChoiceField(
                label=label, choices=items, required=False, widget=forms.CheckboxSelectMultiple
            )
        self.order_fields([*CHECKLIST, "reflection"])

    def checked(self) -> list[str]:
        return [key for dimension in CHECKLIST for key in self.cleaned_data[dimension]]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(d) for d in CHECKLIST) and not cleaned.get("reflection"):
            raise forms.ValidationError("Tick at least one statement, or write a reflection, before saving.")
        return cleaned
