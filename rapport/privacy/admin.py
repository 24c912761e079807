"""The administration log, for reading: nobody adds, changes or deletes an entry here."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from rapport.privacy.models import AdministrationLogEntry


@admin.register(AdministrationLogEntry)
class AdministrationLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "change", "description"]
    list_filter = ["change"]
    search_fields = ["actor_label", "description"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
