-- Second factors, as SQLite's migration 019 adds them (see there for the
-- rules). A TOTP secret is accepted once per step by one UPDATE … WHERE
-- last_step < step: of two instances racing with one code, the second waits
-- for the first's row lock, re-reads the row (READ COMMITTED) and changes
-- nothing. A recovery code is used once by one UPDATE … WHERE used_at IS NULL.
CREATE TABLE totp_factors (
    user_sub TEXT PRIMARY KEY REFERENCES users (sub) ON DELETE CASCADE,
    secret_sealed BYTEA NOT NULL,
    confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    last_step BIGINT NOT NULL DEFAULT -1,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

-- seq keeps the order of insertion (SQLite's rowid) within one second.
CREATE TABLE recovery_codes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_sub, hash)
);

ALTER TABLE clients ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;

-- Pending sign-ins: a password proven, the second factor not yet; never
-- read as sessions.
CREATE TABLE signin_pending (
    id_hash BYTEA PRIMARY KEY,
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    amr TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX signin_pending_expires_at ON signin_pending (expires_at);

-- Where each session was started, for the account page's list (NULL for
-- sessions from before); seq orders sessions started in the same second.
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE INDEX sessions_user_sub_created ON sessions (user_sub, created_at);

-- A refresh family keeps the sign-in's methods (amr). NULL: none recorded.
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT;
