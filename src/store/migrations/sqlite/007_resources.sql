-- APIs as registered resources (RFC 8707). A resource's id is an absolute
-- URI; each scope belongs to at most one resource (resource_scopes enforces
-- it). access_token_format NULL: the client's format; access_token_ttl 0: the
-- server's tokens.access_token_ttl. Re-runnable (IF NOT EXISTS) for the
-- migration test that replays migration 3.
CREATE TABLE IF NOT EXISTS resources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    access_token_format TEXT,
    access_token_ttl INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS resource_scopes (
    scope TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS resource_scopes_resource ON resource_scopes (resource_id);

-- The audience of an opaque access token: space-separated resource ids, or
-- NULL for the client it was issued to.
ALTER TABLE tokens ADD COLUMN audience TEXT;

-- The longest lifetime any server of this database gives a token it signs
-- (each records its own at start-up): `key rotate` keeps a superseded key
-- published that long, whatever the CLI's own configuration says.
INSERT OR IGNORE INTO meta (name, value) VALUES ('max_token_ttl', 0);
