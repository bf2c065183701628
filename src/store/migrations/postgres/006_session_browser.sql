-- What each session was started in, as SQLite's migration 023: a label
-- from a fixed vocabulary, never the User-Agent itself; NULL for sessions
-- from before.
ALTER TABLE sessions ADD COLUMN browser TEXT;
