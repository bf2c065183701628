-- An absolute lifetime for a refresh family (tokens.refresh_token_max_lifetime):
-- each token of a family records when the family began (its code's
-- redemption), so that rotation cannot extend it past that bound. Families
-- from before this migration begin at the redemption of the code that started
-- them while that code is still stored; else (a password grant's family, or
-- its code swept) with their oldest token still stored. Not the oldest token
-- alone: the sweep deletes expired rotated tokens, so an old family would
-- look young.
ALTER TABLE refresh_tokens ADD COLUMN family_issued_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens
SET family_issued_at = coalesce(
    (SELECT min(c.used_at) FROM auth_codes c
     WHERE c.rt_family = refresh_tokens.family AND c.used_at IS NOT NULL),
    (SELECT min(f.issued_at) FROM refresh_tokens f WHERE f.family = refresh_tokens.family));
