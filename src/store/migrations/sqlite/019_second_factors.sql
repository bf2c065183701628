-- Second factors (issue 13). A user has at most one TOTP secret, sealed with
-- the key-encryption key and bound to the user's sub (never plaintext at
-- rest); it counts for sign-in only once confirmed with a code. last_step is
-- the time step of the last code accepted (-1: none yet): a code is accepted
-- only for a later step, by one UPDATE … WHERE last_step < step, so of two
-- instances racing with the same code exactly one wins.
CREATE TABLE IF NOT EXISTS totp_factors (
    user_sub TEXT PRIMARY KEY REFERENCES users (sub) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER NOT NULL DEFAULT -1,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);

-- Recovery codes, as the SHA-256 of each (oauth/recovery_codes.c); a used
-- code keeps its row with used_at set, so the account page can say how many
-- are left and when one was last used. A new set replaces the old one.
CREATE TABLE IF NOT EXISTS recovery_codes (
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_sub, hash)
);

-- A client whose users must sign in with a second factor (--require-mfa).
ALTER TABLE clients ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

-- The half-signed-in state between a correct password and the second
-- factor: its own short-lived random token (only the SHA-256 is kept), in
-- its own table, so that no pending row is ever read as a session. It names
-- what was proven so far (amr) and when; the second factor's success
-- deletes it (one success per row) and starts a real session.
CREATE TABLE IF NOT EXISTS signin_pending (
    id_hash BLOB PRIMARY KEY,
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    amr TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS signin_pending_expires_at ON signin_pending (expires_at);

-- Where each session was started (the client's address), for the account
-- page's list of the user's sessions; NULL for sessions from before.
ALTER TABLE sessions ADD COLUMN address TEXT;
CREATE INDEX IF NOT EXISTS sessions_user_sub_created ON sessions (user_sub, created_at);

-- A refresh family keeps the sign-in's methods (amr), so that the tokens it
-- refreshes say what the first ones said (acr, amr). NULL: none recorded.
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT;
