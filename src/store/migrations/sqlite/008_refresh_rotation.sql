-- Refresh token rotation (RFC 9700 §4.14.2). A rotated token is kept, marked
-- used_at, so that presenting it again is seen as reuse and revokes its
-- family. at_jti and at_expires_at record the access token issued with each
-- refresh token, so revoking the family revokes those too.
ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER;
ALTER TABLE refresh_tokens ADD COLUMN at_jti TEXT;
ALTER TABLE refresh_tokens ADD COLUMN at_expires_at INTEGER;

-- A reused code revokes its refresh family by name: the first refresh token
-- row is not the family's once rotation has replaced it. Filled in for codes
-- redeemed before this migration (their family is still that of rt_hash).
ALTER TABLE auth_codes ADD COLUMN rt_family TEXT;
UPDATE auth_codes
SET rt_family = (SELECT family FROM refresh_tokens r WHERE r.hash = auth_codes.rt_hash)
WHERE rt_hash IS NOT NULL AND rt_family IS NULL;

