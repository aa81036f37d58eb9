DROP TRIGGER IF EXISTS audit_log_event_no_update_delete ON audit_log_event;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
