-- Passkeys and WebAuthn challenges, as SQLite's migration 020 adds them (see
-- there for the rules). The signature counter moves by one UPDATE … WHERE
-- sign_count = old: of two instances racing with one count, the second
-- waits for the first's row lock, re-reads the row (READ COMMITTED) and
-- changes nothing. A registration locks its user's row (FOR NO KEY UPDATE)
-- before it counts, so two at once cannot pass the cap together; seq keeps
-- the order of insertion within one second. A challenge is taken by one
-- DELETE … RETURNING: of two takers, one gets the row.
CREATE TABLE passkeys (
    cred_id BYTEA PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    name TEXT NOT NULL,
    alg INTEGER NOT NULL,
    public_key BYTEA NOT NULL,
    sign_count BIGINT NOT NULL DEFAULT 0,
    aaguid BYTEA NOT NULL,
    user_verified BOOLEAN NOT NULL DEFAULT FALSE,
    backup_eligible BOOLEAN NOT NULL DEFAULT FALSE,
    backed_up BOOLEAN NOT NULL DEFAULT FALSE,
    fmt TEXT NOT NULL,
    transports TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user_sub ON passkeys (user_sub, created_at);

-- user_sub is '' for a sign-in without a username, so no foreign key.
CREATE TABLE webauthn_challenges (
    hash BYTEA PRIMARY KEY,
    binding BYTEA NOT NULL,
    purpose INTEGER NOT NULL,
    user_sub TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_challenges_expires_at ON webauthn_challenges (expires_at);
