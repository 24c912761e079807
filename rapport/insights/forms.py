from __future__ import annotations

from typing import cast

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
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors and not any(cleaned.get(d) for d in CHECKLIST) and not cleaned.get("reflection"):
            raise forms.ValidationError("Tick at least one statement, or write a reflection, before saving.")
        return cleaned


MAX_REPORT_MONTHS = 24


class ReportForm(forms.Form):
    """Which unit and which whole, finished months: the only questions a report answers."""

    unit = forms.ChoiceField(
        label="School or district",
        error_messages={
            "invalid_choice": "Choose one of the schools in the list (or the district, if it is there)."
        },
    )
    start = forms.DateField(
        label="From (month)",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label="To (month)",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, scope, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.today = scope, today
        choices = [(str(s.pk), s.name) for s in scope.allowed]
        if scope.whole_district:
            choices.insert(0, ("district", f"{scope.district.name} (all schools)"))
        cast(forms.ChoiceField, self.fields["unit"]).choices = choices

    def clean(self):
        from rapport.insights.reports import finished_months

        super().clean()

        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The last month comes before the first.")
            months = finished_months(start, end, self.today)
            if not months:
                raise forms.ValidationError(
                    "Choose months that have finished: the current month is not reported yet."
                )
            if len(months) > MAX_REPORT_MONTHS:
                raise forms.ValidationError(f"Choose at most {MAX_REPORT_MONTHS} months.")
            cleaned["months"] = months
        return cleaned

    def chosen_unit(self):
        """The school chosen, or None for the whole district."""
        unit = self.cleaned_data["unit"]
        return None if unit == "district" else next(s for s in self.scope.allowed if str(s.pk) == unit)

    def as_parameters(self) -> dict:
        return {
            "unit": self.cleaned_data["unit"],
            "start": self.cleaned_data["start"].strftime("%Y-%m"),
            "end": self.cleaned_data["end"].strftime("%Y-%m"),
        }
