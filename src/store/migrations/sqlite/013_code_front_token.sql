-- A hybrid code (response_type code token, code id_token token) comes with an
-- access token /authorize issued at once; its jti and expiry are kept with the
-- code, so that a replay of the code revokes it along with what the code's
-- redemption issued (RFC 6749 §4.1.2).
ALTER TABLE auth_codes ADD COLUMN front_at_jti TEXT;
ALTER TABLE auth_codes ADD COLUMN front_at_expires_at INTEGER;
