"""Who coaches whom is set up here; nothing written within a relationship is.

Once a relationship exists its coach, teacher and kind are shown, never edited: changing a
coach is ending the relationship (its end date) and adding a new one. No administrator may
add a relationship they belong to: that would be a way into records they are not meant to
read.
"""

from django import forms
from django.contrib import admin

from rapport.relationships.models import Relationship


class RelationshipAdminForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["kind", "coach", "teacher", "school", "focus", "started_on", "ended_on"]

    def __init__(self, *args, acting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting = acting

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.acting is not None and self.acting.pk in {
            getattr(cleaned.get("coach"), "pk", None),
            getattr(cleaned.get("teacher"), "pk", None),
        }:
            raise forms.ValidationError(
                "You cannot add a relationship you belong to. Another administrator can add it.",
                code="acting_member",
            )
        return cleaned


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    form = RelationshipAdminForm
    list_display = ["coach", "teacher", "kind", "focus", "school", "started_on", "ended_on"]
    list_filter = ["kind", "school"]
    search_fields = ["coach__full_name", "teacher__full_name"]
    fields = ["kind", "coach", "teacher", "school", "focus", "started_on", "ended_on"]
    autocomplete_fields = ["coach", "teacher", "school"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*Relationship.fixed_fields, *self.readonly_fields]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if change:
            return form

        class AddForm(form):  # type: ignore[valid-type, misc]  # the admin's form, made at run time
            def __init__(self, *args, **inner):
                super().__init__(*args, acting=request.user, **inner)

        return AddForm
