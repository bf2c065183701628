-- OpenID Connect Back-Channel Logout 1.0. A client may register a URI to be
-- told when a session it signed into ends (§2.2).
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;

-- The clients each session signed into: every client that got a code
-- through it. Removed with the session.
CREATE TABLE IF NOT EXISTS session_clients (
    sid TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (sid, client_id)
);
CREATE INDEX IF NOT EXISTS session_clients_client_id ON session_clients (client_id);

-- Logout tokens still to deliver, one row per ended session and client with
-- a back-channel URI; the server's worker claims rows whose next_at has
-- come, and deletes each once delivered or after its last attempt. Kept in
-- the database so that a restart loses none and so that the CLI (another
-- process) can end sessions too.
CREATE TABLE IF NOT EXISTS backchannel_logouts (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sub TEXT NOT NULL,
    sid TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS backchannel_logouts_next_at ON backchannel_logouts (next_at);
CREATE INDEX IF NOT EXISTS backchannel_logouts_client_id ON backchannel_logouts (client_id);

-- Whatever ends a session (logout, a user deleted, a new password), the
-- same statement queues its logout tokens. The sweep of expired sessions
-- forgets their clients first, so an expiry queues none.
CREATE TRIGGER IF NOT EXISTS auth_codes_session_client AFTER INSERT ON auth_codes
BEGIN
    INSERT OR IGNORE INTO session_clients (sid, client_id) VALUES (NEW.sid, NEW.client_id);
END;

CREATE TRIGGER IF NOT EXISTS sessions_backchannel_logout AFTER DELETE ON sessions
BEGIN
    INSERT INTO backchannel_logouts (client_id, sub, sid)
        SELECT sc.client_id, OLD.user_sub, OLD.sid FROM session_clients sc
        JOIN clients c ON c.id = sc.client_id
        WHERE sc.sid = OLD.sid AND c.backchannel_logout_uri IS NOT NULL;
    DELETE FROM session_clients WHERE sid = OLD.sid;
END;

-- A disabled user's sessions end (and are reported), rather than waiting
-- hidden for the user to be enabled again.
CREATE TRIGGER IF NOT EXISTS users_disabled_sessions_end AFTER UPDATE OF enabled ON users
WHEN OLD.enabled <> 0 AND NEW.enabled = 0
BEGIN
    DELETE FROM sessions WHERE user_sub = NEW.sub;
END;
