"""Indexes for typing a worker: the name's prefix and the ID number's last digits (the reversed
number's prefix). PostgreSQL only: LIKE 'x%' needs the pattern operator class there unless the
database collates as C; SQLite reads its small tables without them."""

from django.db import migrations

INDEXES = [
    (
        "positions_socialworker_name_prefix",
        "positions_socialworker (name varchar_pattern_ops)",
    ),
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
    dependencies = [("positions", "0006_constraint_messages")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
