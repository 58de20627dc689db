"""The audit log's PostgreSQL triggers, for the migrations that make and unmake them."""

APPEND_ONLY_0004 = """
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

# No row is changed or deleted, not even its actor; an inserted row gets the database's time.
# (No TRUNCATE trigger: Django's test flush truncates. The runtime role lacks the privilege.)
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION socialwork_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit log is append-only: rows cannot be deleted';
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: rows cannot be changed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER socialwork_audit_append_only BEFORE UPDATE OR DELETE ON socialwork_auditentry
    FOR EACH ROW EXECUTE FUNCTION socialwork_audit_append_only();
CREATE OR REPLACE FUNCTION socialwork_audit_stamp() RETURNS trigger AS $$
BEGIN
    NEW.at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER socialwork_audit_stamp BEFORE INSERT ON socialwork_auditentry
    FOR EACH ROW EXECUTE FUNCTION socialwork_audit_stamp();
"""

DROP = """
DROP TRIGGER IF EXISTS socialwork_audit_stamp ON socialwork_auditentry;
DROP FUNCTION IF EXISTS socialwork_audit_stamp();
DROP TRIGGER IF EXISTS socialwork_audit_append_only ON socialwork_auditentry;
DROP FUNCTION IF EXISTS socialwork_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


create_0004 = _on_postgresql(APPEND_ONLY_0004)
drop_0004 = _on_postgresql(DROP)
create = _on_postgresql(APPEND_ONLY)
drop = _on_postgresql(DROP)
