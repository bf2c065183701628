-- Resource indicators at /authorize (RFC 8707 §2): the resources an
-- authorization request named, space-separated (NULL: none), bound to its
-- code and carried into the refresh tokens of its family, so that every token
-- of the grant is for those resources only.
ALTER TABLE auth_codes ADD COLUMN resource TEXT;
ALTER TABLE refresh_tokens ADD COLUMN resource TEXT;
