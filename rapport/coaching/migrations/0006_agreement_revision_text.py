"""Each agreement version keeps its text (encrypted), so that earlier versions can be opened and
compared. Versions saved before this have none, except each agreement's current one: its text is
the agreement's own, copied here."""

import json

from django.db import migrations

import rapport.privacy.fields

SECTIONS = (
    "roles",
    "confidentiality",
    "norms",
    "meetings",
    "focus",
    "feedback_preferences",
    "coach_commitments",
    "teacher_commitments",
)


def _normalise(text: str) -> str:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def keep_current_versions(apps, schema_editor):
    Agreement = apps.get_model("coaching", "Agreement")
    AgreementRevision = apps.get_model("coaching", "AgreementRevision")
    for agreement in Agreement.objects.all().iterator():
        text = json.dumps({name: _normalise(getattr(agreement, name)) for name in SECTIONS})
        for revision in AgreementRevision.objects.filter(agreement=agreement, version=agreement.version):
            revision.text = text
            revision.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0005_encrypt_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementrevision",
            name="text",
            field=rapport.privacy.fields.EncryptedTextField(
                blank=True, default="", help_text="Every section of this version, as JSON."
            ),
        ),
        migrations.RunPython(keep_current_versions, migrations.RunPython.noop),
    ]
