-- Deleting a user deletes their codes and refresh tokens by user_sub in the
-- same transaction (sessions and consents are already indexed by it).
CREATE INDEX IF NOT EXISTS auth_codes_user_sub ON auth_codes (user_sub);
CREATE INDEX IF NOT EXISTS refresh_tokens_user_sub ON refresh_tokens (user_sub);
