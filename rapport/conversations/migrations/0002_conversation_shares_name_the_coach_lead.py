"""A conversation is shared with named coach leads (privacy.CoachLeadShare), no longer with
"whoever leads the coach" when it is read.

Each conversation shared today becomes one share per coach lead assigned to its coach at upgrade
time, dated when the coach shared it: the same people read it before and after the upgrade. A
coach-lead assignment made after the upgrade opens nothing.
"""

from collections import defaultdict

from django.db import migrations


def name_the_coach_leads_shared_with_today(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    shared = Conversation.objects.filter(shared_with_lead_at__isnull=False).values_list(
        "pk", "relationship_id", "author_id", "shared_with_lead_at"
    )
    if not shared.exists():
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    CoachLeadAssignment = apps.get_model("people", "CoachLeadAssignment")
    CoachLeadShare = apps.get_model("privacy", "CoachLeadShare")
    content_type, _ = ContentType.objects.get_or_create(app_label="conversations", model="conversation")
    leads_of = defaultdict(list)
    for coach_id, lead_id in CoachLeadAssignment.objects.values_list("coach_id", "coach_lead_id"):
        leads_of[coach_id].append(lead_id)
    CoachLeadShare.objects.bulk_create(
        CoachLeadShare(
            content_type=content_type,
            object_id=pk,
            relationship_id=relationship_id,
            coach_id=author_id,
            coach_lead_id=lead_id,
            shared_at=shared_at,
        )
        for pk, relationship_id, author_id, shared_at in shared
        for lead_id in leads_of[author_id]
    )


def mark_shared_where_a_share_is_open(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    CoachLeadShare = apps.get_model("privacy", "CoachLeadShare")
    content_type = ContentType.objects.filter(app_label="conversations", model="conversation").first()
    if content_type is None:
        return
    for share in CoachLeadShare.objects.filter(content_type=content_type, ended_at__isnull=True):
        Conversation.objects.filter(pk=share.object_id, shared_with_lead_at__isnull=True).update(
            shared_with_lead_at=share.shared_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("conversations", "0001_initial"),
        ("people", "0002_import_run"),
        ("privacy", "0002_coach_lead_shares"),
    ]

    operations = [
        migrations.RunPython(name_the_coach_leads_shared_with_today, mark_shared_where_a_share_is_open),
        migrations.RemoveField(model_name="conversation", name="shared_with_lead_at"),
    ]
