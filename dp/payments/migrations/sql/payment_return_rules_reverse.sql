DROP TRIGGER IF EXISTS payment_return_amount_matches ON payments_paymentreturn;
DROP FUNCTION IF EXISTS payments_check_return_amount();
