-- Ledger rules the database enforces (ADR 0007).

-- 1. Every journal balances and has at least two legs, checked at commit (deferred), so a
--    service can insert the journal and its entries in any order inside its transaction.
CREATE OR REPLACE FUNCTION ledger_check_journal_balanced() RETURNS trigger AS $$
DECLARE
    j_id bigint;
    legs integer;
    difference bigint;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journal' THEN
        j_id := NEW.id;
    ELSE
        j_id := NEW.journal_id;
    END IF;
    SELECT count(*), coalesce(sum(debit_pence), 0) - coalesce(sum(credit_pence), 0)
      INTO legs, difference
      FROM ledger_entry WHERE journal_id = j_id;
    IF legs < 2 THEN
        RAISE EXCEPTION 'ledger journal % has % entries; a journal needs at least two', j_id, legs
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF difference <> 0 THEN
        RAISE EXCEPTION 'ledger journal % does not balance: debits minus credits = % pence', j_id, difference
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_journal_balanced
    AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_journal_balanced();

CREATE CONSTRAINT TRIGGER ledger_journal_has_balanced_entries
    AFTER INSERT ON ledger_journal
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_journal_balanced();

-- 2. Posted journals and entries are never changed or deleted: corrections are reversing journals.
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed (post a reversing journal instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_journal_append_only
    BEFORE UPDATE OR DELETE ON ledger_journal
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
