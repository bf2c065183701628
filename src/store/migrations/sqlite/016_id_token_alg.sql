-- The algorithm a client's ID tokens are signed with (RS256, ES256, HS256),
-- and for HS256 clients only, the client secret sealed with the
-- key-encryption key (the HMAC key, OpenID Connect Core §10.1); every other
-- client keeps its secret as a hash alone.
ALTER TABLE clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'RS256';
ALTER TABLE clients ADD COLUMN secret_sealed BLOB;
