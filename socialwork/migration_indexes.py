"""An index added to a large table while the installation keeps running.

A plain `AddIndex` is `CREATE INDEX`, which holds writes to the table until the index is built: at
a province's ten million cases, a minute or more of nobody saving a case. `AddIndexConcurrently`
builds it with PostgreSQL's `CREATE INDEX CONCURRENTLY`, which lets writes go on (the migration
must not be atomic: `atomic = False`). Elsewhere (SQLite, in development and in tests) it is a plain
`AddIndex`. Should a concurrent build fail part-way, PostgreSQL leaves the index marked invalid:
drop it (`DROP INDEX CONCURRENTLY <name>`) and migrate again.
"""

from django.contrib.postgres import operations as postgres
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
