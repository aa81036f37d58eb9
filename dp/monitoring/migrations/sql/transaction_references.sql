-- monitoring_transaction's references to its account and to its import, kept set-based (ADR 0010).
--
-- A foreign key checks each inserted row on its own (an index probe and a row lock per row, queued to
-- COMMIT because Django makes them DEFERRABLE INITIALLY DEFERRED): a million-line import paid about
-- 10 seconds for its two. These triggers give the same guarantee once per statement:
--
-- * after an INSERT or UPDATE on monitoring_transaction, the distinct accounts and imports its new
--   rows name are locked FOR KEY SHARE (as a foreign key's check locks them, so a concurrent DELETE
--   of one waits for this transaction) and each must exist, else foreign_key_violation;
-- * an account or import that transactions name cannot be deleted or renumbered (foreign_key_violation).
--
-- The check runs at the end of each statement rather than at COMMIT. Like any trigger, it does not
-- see TRUNCATE: truncating the referenced tables without monitoring_transaction is not done.

CREATE FUNCTION monitoring_transaction_references_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1
       FROM payments_directpaymentaccount a
      WHERE a.id IN (SELECT DISTINCT n.account_id FROM new_rows n)
        FOR KEY SHARE OF a;
    SELECT n.account_id INTO missing
      FROM (SELECT DISTINCT account_id FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM payments_directpaymentaccount a WHERE a.id = n.account_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'monitoring_transaction names direct payment account %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM 1
       FROM monitoring_statementimport i
      WHERE i.id IN (SELECT DISTINCT n.statement_import_id FROM new_rows n)
        FOR KEY SHARE OF i;
    SELECT n.statement_import_id INTO missing
      FROM (SELECT DISTINCT statement_import_id FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM monitoring_statementimport i WHERE i.id = n.statement_import_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'monitoring_transaction names statement import %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER monitoring_transaction_references_exist_insert
    AFTER INSERT ON monitoring_transaction
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_transaction_references_exist();

CREATE TRIGGER monitoring_transaction_references_exist_update
    AFTER UPDATE ON monitoring_transaction
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_transaction_references_exist();

-- TG_ARGV[0]: the monitoring_transaction column that names the row being deleted or renumbered.
CREATE FUNCTION monitoring_transaction_referenced_row_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM monitoring_transaction WHERE %I = $1)', TG_ARGV[0])
       INTO referenced USING OLD.id;
    IF referenced THEN
        RAISE EXCEPTION '% % is named by statement transactions', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER monitoring_transaction_account_kept
    BEFORE DELETE OR UPDATE OF id ON payments_directpaymentaccount
    FOR EACH ROW EXECUTE FUNCTION monitoring_transaction_referenced_row_kept('account_id');

CREATE TRIGGER monitoring_transaction_import_kept
    BEFORE DELETE OR UPDATE OF id ON monitoring_statementimport
    FOR EACH ROW EXECUTE FUNCTION monitoring_transaction_referenced_row_kept('statement_import_id');
