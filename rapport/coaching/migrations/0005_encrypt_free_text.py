"""A session's place is free text: encrypted at rest like the rest of the session."""

from django.db import migrations

import rapport.privacy.fields
from rapport.privacy.migration_operations import EncryptExistingValues


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0004_session_reminder_claim"),
    ]

    operations = [
        migrations.AlterField(
            model_name="session",
            name="place",
            field=rapport.privacy.fields.EncryptedTextField(
                help_text="Shown in calendars; keep it to a room or a place.", max_length=120
            ),
        ),
        EncryptExistingValues("coaching", "Session", "place"),
    ]
