"""An index for the header search of a client by the beginning of the name (PostgreSQL only:
LIKE 'x%' needs the pattern operator class there unless the database collates as C)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS casework_client_name_prefix ON casework_client (name varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS casework_client_name_prefix")


class Migration(migrations.Migration):
    dependencies = [("casework", "0013_i18_words_field_names")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
