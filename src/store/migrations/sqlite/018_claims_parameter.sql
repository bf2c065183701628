-- The claims request parameter (OpenID Connect Core §5.5): the names of the
-- user claims a request asked for, space-separated (NULL: none), for /userinfo
-- and for the ID token. A code keeps them for its redemption, a refresh token
-- for the whole family, a stored (opaque) access token for /userinfo; a JWT
-- access token carries the userinfo names itself. A consent remembers the
-- names the user allowed beyond what its scope releases.
ALTER TABLE auth_codes ADD COLUMN claims_userinfo TEXT;
ALTER TABLE auth_codes ADD COLUMN claims_id_token TEXT;
ALTER TABLE refresh_tokens ADD COLUMN claims_userinfo TEXT;
ALTER TABLE refresh_tokens ADD COLUMN claims_id_token TEXT;
ALTER TABLE tokens ADD COLUMN claims_userinfo TEXT;
ALTER TABLE consents ADD COLUMN claims TEXT;
