-- The sign-in a stored (opaque) access token of a user comes from: its
-- methods (amr, space-separated; NULL for a client's own token) and when it
-- was (auth_time), which introspection answers as a JWT access token carries
-- them.
ALTER TABLE tokens ADD COLUMN amr TEXT;
ALTER TABLE tokens ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0;
