"""The site administration: people, schools and roles — never coaching content.

Site administrators cannot set anyone's password or change anyone's email
here: either would let them sign in as that person, which is the "view as"
Rapport promises not to have. People set passwords through the reset email;
email addresses come from the roster.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from rapport.people.models import CoachLeadAssignment, District, Role, School, User

# Rapport's roles are its own (people.Role); Django's groups would be a second,
# unused way to grant access.
admin.site.unregister(Group)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "is_active", "last_login"]
    search_fields = ["full_name", "email", "sourced_id"]
    list_filter = ["is_active", "roles__kind"]
    fields = ["full_name", "email", "sourced_id", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleInline]

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is not None:
            return [*self.readonly_fields, "email"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "sourced_id"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "sourced_id"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(CoachLeadAssignment)
class CoachLeadAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coach_lead", "coach"]
    autocomplete_fields = ["coach_lead", "coach"]
