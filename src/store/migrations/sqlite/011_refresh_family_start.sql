-- An absolute lifetime for a refresh family (tokens.refresh_token_max_lifetime):
-- each token of a family records when the family began (its code's
-- redemption), so that rotation cannot extend it past that bound. Families
-- from before this migration begin with their oldest token still stored.
ALTER TABLE refresh_tokens ADD COLUMN family_issued_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens
SET family_issued_at = (SELECT min(f.issued_at) FROM refresh_tokens f
                        WHERE f.family = refresh_tokens.family);
