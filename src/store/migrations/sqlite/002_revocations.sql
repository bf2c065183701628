-- JWT access tokens are not stored when issued; a revoked one is recorded by
-- its jti until it would have expired anyway.
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_client_id ON revoked_tokens (client_id);
