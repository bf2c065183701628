-- Passkeys (WebAuthn public key credentials) and the challenges of their
-- ceremonies. A credential id is unique across users (the authenticator
-- names the credential, and a sign-in without a username looks it up by id
-- alone); the public key is kept as a SubjectPublicKeyInfo, never a secret.
-- sign_count moves only by one UPDATE … WHERE sign_count = old, so that of
-- two assertions racing with one counter value only one counts. A user's
-- passkeys go with the user.
CREATE TABLE IF NOT EXISTS passkeys (
    cred_id BLOB PRIMARY KEY,
    user_sub TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    name TEXT NOT NULL,
    alg INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    sign_count INTEGER NOT NULL DEFAULT 0,
    aaguid BLOB NOT NULL,
    user_verified INTEGER NOT NULL DEFAULT 0,
    backup_eligible INTEGER NOT NULL DEFAULT 0,
    backed_up INTEGER NOT NULL DEFAULT 0,
    fmt TEXT NOT NULL,
    transports TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX IF NOT EXISTS passkeys_user_sub ON passkeys (user_sub, created_at);

-- A challenge issued for one ceremony, kept only as the SHA-256 of its
-- bytes and of the browser secret it is bound to. It is taken (deleted and
-- returned by one statement) at its first use, whatever comes of it; the
-- sweep removes the expired ones nobody used. user_sub is '' for a sign-in
-- without a username, so no foreign key.
CREATE TABLE IF NOT EXISTS webauthn_challenges (
    hash BLOB PRIMARY KEY,
    binding BLOB NOT NULL,
    purpose INTEGER NOT NULL,
    user_sub TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webauthn_challenges_expires_at ON webauthn_challenges (expires_at);
