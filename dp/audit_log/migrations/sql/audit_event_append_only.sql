-- The audit log is append-only: the database refuses UPDATE and DELETE on its rows, whatever
-- the application does. TRUNCATE stays possible for a database owner (test databases are
-- emptied that way); the application never issues it.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log_event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_event_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log_event
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
