-- Sign-in: browser sessions, authorization codes, remembered consents and
-- refresh tokens. Secrets (the session cookie, the code, the refresh token)
-- are stored only as their SHA-256. Users are referred to by their sub.
-- Written to be re-runnable (IF NOT EXISTS): a test replays migration 3 by
-- forgetting every version from 3 on.

-- id_hash: SHA-256 of the 256-bit cookie value; sid: a separate random public
-- id, the ID token's sid claim. amr: space-separated methods ("pwd").
CREATE TABLE IF NOT EXISTS sessions (
    id_hash BLOB PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE,
    user_sub TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    amr TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS sessions_user_sub ON sessions (user_sub);

-- used_at is set by the one redemption that wins; reused_at by a later one.
-- at_jti, at_expires_at and rt_hash record what the redemption issued, so a
-- second use can revoke it (RFC 6749 §4.1.2). A used code is kept until that
-- access token would have expired.
CREATE TABLE IF NOT EXISTS auth_codes (
    hash BLOB PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    user_sub TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT,
    auth_time INTEGER NOT NULL,
    amr TEXT NOT NULL,
    sid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    reused_at INTEGER,
    at_jti TEXT,
    at_expires_at INTEGER,
    rt_hash BLOB
);
CREATE INDEX IF NOT EXISTS auth_codes_expires_at ON auth_codes (expires_at);
CREATE INDEX IF NOT EXISTS auth_codes_client_id ON auth_codes (client_id);

-- One row per user and client: the scope the user allowed, until expires_at.
CREATE TABLE IF NOT EXISTS consents (
    user_sub TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_sub, client_id)
);
CREATE INDEX IF NOT EXISTS consents_expires_at ON consents (expires_at);
CREATE INDEX IF NOT EXISTS consents_client_id ON consents (client_id);

-- family: every token rotated from one grant shares it, so reuse of a rotated
-- token revokes them all (RFC 9700 §4.14.2).
CREATE TABLE IF NOT EXISTS refresh_tokens (
    hash BLOB PRIMARY KEY,
    family TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_sub TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    sid TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON refresh_tokens (expires_at);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX IF NOT EXISTS refresh_tokens_client_id ON refresh_tokens (client_id);

-- A reused code revokes the opaque access token its first use issued, found
-- by jti.
CREATE INDEX IF NOT EXISTS tokens_jti ON tokens (jti);
