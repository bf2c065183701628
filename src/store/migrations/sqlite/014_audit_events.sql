-- Security-relevant events (docs/OPERATIONS.md): who did what to whom, when,
-- from where, and whether it worked. Never a secret. Kept audit.retention_days.
CREATE TABLE IF NOT EXISTS audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    ok INTEGER NOT NULL,
    actor TEXT NOT NULL,
    user_sub TEXT,
    client_id TEXT,
    address TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at);
CREATE INDEX IF NOT EXISTS audit_events_user_sub ON audit_events (user_sub, id);
CREATE INDEX IF NOT EXISTS audit_events_client_id ON audit_events (client_id, id);
