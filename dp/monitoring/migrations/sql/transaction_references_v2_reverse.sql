DROP TRIGGER IF EXISTS monitoring_transaction_contribution_receipt_kept ON payments_contributionreceipt;
DROP TRIGGER IF EXISTS monitoring_transaction_plan_line_kept ON plans_planline;
-- Version 1 of the check (account and import only).

CREATE OR REPLACE FUNCTION monitoring_transaction_references_exist() RETURNS trigger
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
