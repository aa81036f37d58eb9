DROP TRIGGER IF EXISTS ledger_entry_journal_balanced ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_journal_has_balanced_entries ON ledger_journal;
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_journal_append_only ON ledger_journal;
DROP FUNCTION IF EXISTS ledger_check_journal_balanced();
DROP FUNCTION IF EXISTS ledger_refuse_change();
