-- People who sign in. sub is random (never the username), so a rename keeps
-- it; usernames are unique whatever their ASCII case. password_hash is an
-- argon2id encoded hash, or NULL: a user without a password cannot log in.
-- claims is a JSON object of the user's OpenID Connect claims.
CREATE TABLE users (
    sub TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT,
    claims TEXT NOT NULL DEFAULT '{}',
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Whether a client's users are asked for consent, and whether a consent is
-- remembered (consent.remember_days).
ALTER TABLE clients ADD COLUMN require_consent INTEGER NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN reuse_consent INTEGER NOT NULL DEFAULT 1;
