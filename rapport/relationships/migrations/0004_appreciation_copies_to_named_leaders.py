"""Copies of appreciations go to leaders the teacher named, no longer to "my school leader".

A teacher who allowed copies now names, in their place, the people a copy would have gone to at
upgrade time: the school leaders of the schools where they are coached. Nobody gains or loses a
copy by upgrading; a leader who arrives later gets none until the teacher names them.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def name_the_leaders_copied_today(apps, schema_editor):
    TeacherSettings = apps.get_model("relationships", "TeacherSettings")
    Relationship = apps.get_model("relationships", "Relationship")
    Role = apps.get_model("people", "Role")
    for teacher_settings in TeacherSettings.objects.filter(copy_leader_on_appreciations=True):
        teacher = teacher_settings.teacher_id
        schools = Relationship.objects.filter(Q(teacher_id=teacher) | Q(coach_id=teacher, kind="peer"))
        leaders = (
            Role.objects.filter(kind="school_leader", school__in=schools.values("school"))
            .values_list("user_id", flat=True)
            .distinct()
        )
        teacher_settings.appreciation_copies_to.set(list(leaders))


def allow_copies_where_a_leader_is_named(apps, schema_editor):
    TeacherSettings = apps.get_model("relationships", "TeacherSettings")
    TeacherSettings.objects.filter(appreciation_copies_to__isnull=False).update(
        copy_leader_on_appreciations=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_import_run"),
        ("relationships", "0003_starter_questions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="teachersettings",
            name="appreciation_copies_to",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(name_the_leaders_copied_today, allow_copies_where_a_leader_is_named),
        migrations.RemoveField(model_name="teachersettings", name="copy_leader_on_appreciations"),
    ]
