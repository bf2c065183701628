-- Clients, signing keys and stored tokens. Lists are kept as text:
-- grant types and redirect URIs separated by spaces (neither may hold one),
-- response types separated by commas (their items hold spaces).
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('confidential', 'public')),
    secret_hash BLOB,
    grant_types TEXT NOT NULL,
    response_types TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL,
    access_token_format TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- private_enc: the private JWK encrypted with the key-encryption key.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_enc BLOB NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    retire_after INTEGER
);

-- Only the SHA-256 of a token is stored.
CREATE TABLE tokens (
    hash BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    jti TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_expires_at ON tokens (expires_at);
CREATE INDEX tokens_client_id ON tokens (client_id);

-- Counters that let every process notice a change cheaply.
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (name, value) VALUES ('keys_version', 0);
CREATE TRIGGER signing_keys_ins AFTER INSERT ON signing_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'keys_version';
END;
CREATE TRIGGER signing_keys_upd AFTER UPDATE ON signing_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'keys_version';
END;
CREATE TRIGGER signing_keys_del AFTER DELETE ON signing_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'keys_version';
END;
