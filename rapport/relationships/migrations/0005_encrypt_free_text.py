"""A teacher profile's grades and subjects are free text: encrypted at rest like the rest of it."""

from django.db import migrations

import rapport.privacy.fields
from rapport.privacy.migration_operations import EncryptExistingValues


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0004_appreciation_copies_to_named_leaders"),
    ]

    operations = [
        migrations.AlterField(
            model_name="teacherprofile",
            name="grades",
            field=rapport.privacy.fields.EncryptedTextField(blank=True, max_length=60),
        ),
        migrations.AlterField(
            model_name="teacherprofile",
            name="subjects",
            field=rapport.privacy.fields.EncryptedTextField(blank=True, max_length=120),
        ),
        EncryptExistingValues("relationships", "TeacherProfile", "grades", "subjects"),
    ]
