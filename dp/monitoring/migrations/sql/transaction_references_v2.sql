-- monitoring_transaction's four references checked set-based, once per statement (ADR 0010).
--
-- Version 2 adds the plan line and the contribution receipt to the account and the import of version 1
-- (transaction_references.sql): a million-line import queued two million deferred row-by-row
-- foreign-key events for them, most for a NULL, and paid for them at COMMIT.
--
-- After an INSERT or UPDATE on monitoring_transaction, for each reference column, the distinct values its
-- new rows name are locked FOR KEY SHARE (as a foreign key's check locks them) and each must exist, else
-- foreign_key_violation. A referenced row cannot be deleted or renumbered while lines name it.

CREATE OR REPLACE FUNCTION monitoring_transaction_references_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    missing bigint;
BEGIN
    SELECT array_agg(d.id) INTO ids FROM (SELECT DISTINCT n.account_id AS id FROM new_rows n) d;
    PERFORM 1 FROM payments_directpaymentaccount a WHERE a.id = ANY (ids) FOR KEY SHARE OF a;
    SELECT x INTO missing FROM unnest(ids) x
     WHERE NOT EXISTS (SELECT 1 FROM payments_directpaymentaccount a WHERE a.id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'monitoring_transaction names direct payment account %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT array_agg(d.id) INTO ids FROM (SELECT DISTINCT n.statement_import_id AS id FROM new_rows n) d;
    PERFORM 1 FROM monitoring_statementimport i WHERE i.id = ANY (ids) FOR KEY SHARE OF i;
    SELECT x INTO missing FROM unnest(ids) x
     WHERE NOT EXISTS (SELECT 1 FROM monitoring_statementimport i WHERE i.id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'monitoring_transaction names statement import %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT array_agg(d.id) INTO ids
      FROM (SELECT DISTINCT n.plan_line_id AS id FROM new_rows n WHERE n.plan_line_id IS NOT NULL) d;
    IF ids IS NOT NULL THEN
        PERFORM 1 FROM plans_planline p WHERE p.id = ANY (ids) FOR KEY SHARE OF p;
        SELECT x INTO missing FROM unnest(ids) x
         WHERE NOT EXISTS (SELECT 1 FROM plans_planline p WHERE p.id = x) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'monitoring_transaction names plan line %, which does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;

    SELECT array_agg(d.id) INTO ids
      FROM (SELECT DISTINCT n.contribution_receipt_id AS id FROM new_rows n
             WHERE n.contribution_receipt_id IS NOT NULL) d;
    IF ids IS NOT NULL THEN
        PERFORM 1 FROM payments_contributionreceipt c WHERE c.id = ANY (ids) FOR KEY SHARE OF c;
        SELECT x INTO missing FROM unnest(ids) x
         WHERE NOT EXISTS (SELECT 1 FROM payments_contributionreceipt c WHERE c.id = x) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'monitoring_transaction names contribution receipt %, which does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER monitoring_transaction_plan_line_kept
    BEFORE DELETE OR UPDATE OF id ON plans_planline
    FOR EACH ROW EXECUTE FUNCTION monitoring_transaction_referenced_row_kept('plan_line_id');

CREATE TRIGGER monitoring_transaction_contribution_receipt_kept
    BEFORE DELETE OR UPDATE OF id ON payments_contributionreceipt
    FOR EACH ROW EXECUTE FUNCTION monitoring_transaction_referenced_row_kept('contribution_receipt_id');
