"""The audit log is append-only in the database itself, not only in the admin: on PostgreSQL a
trigger refuses to delete a row or to change anything in it but the actor (which becomes empty
when a user account is deleted). Removing audit rows past their retention is an administrator's
job on the database, outside the application."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION socialwork_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit log is append-only: rows cannot be deleted';
    END IF;
    IF (NEW.at, NEW.action, NEW.target_type, NEW.target_id, NEW.summary, NEW.changes::text)
       IS DISTINCT FROM (OLD.at, OLD.action, OLD.target_type, OLD.target_id, OLD.summary, OLD.changes::text)
       OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id) THEN
        RAISE EXCEPTION 'the audit log is append-only: rows cannot be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER socialwork_audit_append_only BEFORE UPDATE OR DELETE ON socialwork_auditentry
    FOR EACH ROW EXECUTE FUNCTION socialwork_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS socialwork_audit_append_only ON socialwork_auditentry;
DROP FUNCTION IF EXISTS socialwork_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("socialwork", "0003_user_organization")]

    operations = [migrations.RunPython(forwards, backwards)]
