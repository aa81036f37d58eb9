-- A payment the bank returned is returned for exactly the amount that was sent (the service checks it too;
-- this keeps any other path honest). The UNIQUE constraint one_return_per_payment keeps it to once.
CREATE OR REPLACE FUNCTION payments_check_return_amount() RETURNS trigger AS $$
DECLARE
    sent bigint;
BEGIN
    SELECT amount_pence INTO sent FROM payments_payment WHERE id = NEW.payment_id;
    IF sent IS DISTINCT FROM NEW.amount_pence THEN
        RAISE EXCEPTION 'payment % was % pence; a return of % pence does not match', NEW.payment_id, sent, NEW.amount_pence
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payment_return_amount_matches
    BEFORE INSERT OR UPDATE OF amount_pence, payment_id ON payments_paymentreturn
    FOR EACH ROW EXECUTE FUNCTION payments_check_return_amount();
