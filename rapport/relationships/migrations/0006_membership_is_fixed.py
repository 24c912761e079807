"""A relationship's members and kind, and each record's relationship and author, cannot change.

Database triggers (SQLite, PostgreSQL) on the relationship table and on every coaching-record
table at this point: see rapport.privacy.membership, which also makes them again after
each ``migrate`` for tables that came later or were rebuilt.
"""

from django.db import migrations

from rapport.privacy import membership


def fix_membership(apps, schema_editor):
    for sql in membership.statements(
        schema_editor.connection.vendor, membership.record_tables(apps.get_models())
    ):
        schema_editor.execute(sql)


def unfix_membership(apps, schema_editor):
    tables = membership.record_tables(apps.get_models())
    for sql in membership.drop_statements(schema_editor.connection.vendor, tables):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0005_encrypt_free_text"),
        ("coaching", "0005_encrypt_free_text"),
        ("conversations", "0002_conversation_shares_name_the_coach_lead"),
        ("insights", "0004_practice_shares_name_the_coach_lead"),
    ]

    operations = [migrations.RunPython(fix_membership, unfix_membership, elidable=False)]
