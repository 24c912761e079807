"""Who coaches whom is set up here; nothing written within a relationship is."""

from django.contrib import admin

from rapport.relationships.models import Relationship


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["coach", "teacher", "kind", "focus", "school", "started_on", "ended_on"]
    list_filter = ["kind", "school"]
    search_fields = ["coach__full_name", "teacher__full_name"]
    fields = ["kind", "coach", "teacher", "school", "focus", "started_on", "ended_on"]
    autocomplete_fields = ["coach", "teacher", "school"]
