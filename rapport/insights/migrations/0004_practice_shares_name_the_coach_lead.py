"""Practice indicators are shared with named coach leads (privacy.PracticeShare), no longer with
"my coach leads" as they are when the page is read.

A coach who shares today shares, after the upgrade, with each coach lead assigned to them at
upgrade time, from the same date: the same people see the indicators before and after.
"""

from django.db import migrations


def name_the_coach_leads_shared_with_today(apps, schema_editor):
    PracticeSharing = apps.get_model("insights", "PracticeSharing")
    CoachLeadAssignment = apps.get_model("people", "CoachLeadAssignment")
    PracticeShare = apps.get_model("privacy", "PracticeShare")
    shared_at = dict(
        PracticeSharing.objects.filter(shared_at__isnull=False).values_list("coach_id", "shared_at")
    )
    PracticeShare.objects.bulk_create(
        PracticeShare(coach_id=coach_id, coach_lead_id=lead_id, shared_at=shared_at[coach_id])
        for coach_id, lead_id in CoachLeadAssignment.objects.filter(coach_id__in=shared_at).values_list(
            "coach_id", "coach_lead_id"
        )
    )


def share_where_a_share_is_open(apps, schema_editor):
    PracticeSharing = apps.get_model("insights", "PracticeSharing")
    PracticeShare = apps.get_model("privacy", "PracticeShare")
    for share in PracticeShare.objects.filter(ended_at__isnull=True).order_by("shared_at"):
        PracticeSharing.objects.get_or_create(
            coach_id=share.coach_id, defaults={"shared_at": share.shared_at}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_practicesharing"),
        ("people", "0002_import_run"),
        ("privacy", "0002_coach_lead_shares"),
    ]

    operations = [
        migrations.RunPython(name_the_coach_leads_shared_with_today, share_where_a_share_is_open),
        migrations.DeleteModel(name="PracticeSharing"),
    ]
