-- What each session was started in ("Firefox on Linux", core/user_agent.c:
-- a label from a fixed vocabulary, never the User-Agent itself), so that the
-- account page's list tells sessions apart; NULL for sessions from before.
ALTER TABLE sessions ADD COLUMN browser TEXT;
