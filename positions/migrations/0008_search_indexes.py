"""An index for typing the last digits of a worker's ID number: the reversed number's prefix
(LIKE 'x%' on reverse(id_number)). The name's prefix and the certificate number are served by
the `_like` indexes Django makes for their db_index. PostgreSQL only: LIKE 'x%' needs the pattern
operator class there unless the database collates as C; SQLite reads its tables without it."""

from django.db import migrations

INDEXES = [
    (
        "positions_socialworker_id_reversed",
        "positions_socialworker ((reverse(id_number::text)) text_pattern_ops)",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("positions", "0007_i18_words_field_names")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
