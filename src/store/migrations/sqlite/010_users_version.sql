-- A counter that changes in the same transaction as any users row, so that a
-- process that remembers users (oauth/user_cache.c) sees a change made by
-- the CLI or another instance on its next request, for the price of one
-- read of meta instead of the user's row and claims.
INSERT OR IGNORE INTO meta (name, value) VALUES ('users_version', 0);
CREATE TRIGGER users_ins AFTER INSERT ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'users_version';
END;
CREATE TRIGGER users_upd AFTER UPDATE ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'users_version';
END;
CREATE TRIGGER users_del AFTER DELETE ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'users_version';
END;
