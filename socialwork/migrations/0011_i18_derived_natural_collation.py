"""The collation that sorts names with numbers naturally (socialwork.sorting)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE COLLATION IF NOT EXISTS \"natural\" (provider = icu, locale = 'und-u-kn-true')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP COLLATION IF EXISTS "natural"')


class Migration(migrations.Migration):
    dependencies = [("socialwork", "0010_audit_address")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
