-- Pairwise subject identifiers (OpenID Connect Core §8.1). A client says
-- which kind of sub it gets (NULL: tokens.subject_type decides); a pairwise
-- client's sector is the host its subs are derived for: that of its
-- redirect URIs, or of its sector_identifier_uri.
ALTER TABLE clients ADD COLUMN subject_type TEXT;
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;
ALTER TABLE clients ADD COLUMN sector TEXT;

-- Secrets the server makes once and every instance shares, sealed with the
-- key-encryption key (the pairwise subject key). The first instance to need
-- one inserts it; the others' inserts are ignored and they read that one.
CREATE TABLE IF NOT EXISTS server_secrets (
    name TEXT PRIMARY KEY,
    sealed BLOB NOT NULL
);
