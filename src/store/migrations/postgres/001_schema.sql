-- The whole schema, as SQLite's migrations 001 to 018 left it, in
-- PostgreSQL's types: BYTEA for hashes and sealed blobs, BIGINT for times
-- (Unix seconds), BOOLEAN for flags. Later changes are new numbered files.

-- Lists come "oldest first": seq keeps the order of insertion that SQLite's
-- rowid gave for rows created in the same second.
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('confidential', 'public')),
    secret_hash BYTEA,
    grant_types TEXT NOT NULL,
    response_types TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL,
    access_token_format TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    require_consent BOOLEAN NOT NULL DEFAULT TRUE,
    reuse_consent BOOLEAN NOT NULL DEFAULT TRUE,
    backchannel_logout_uri TEXT,
    backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE,
    subject_type TEXT,
    sector_identifier_uri TEXT,
    sector TEXT,
    id_token_alg TEXT NOT NULL DEFAULT 'RS256',
    secret_sealed BYTEA
);
CREATE INDEX clients_created_at ON clients (created_at, seq);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    alg TEXT NOT NULL,
    private_enc BYTEA NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    not_before BIGINT NOT NULL,
    retire_after BIGINT
);

CREATE TABLE tokens (
    hash BYTEA PRIMARY KEY,
    kind TEXT NOT NULL,
    jti TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    audience TEXT,
    claims_userinfo TEXT
);
CREATE INDEX tokens_expires_at ON tokens (expires_at);
CREATE INDEX tokens_client_id ON tokens (client_id);
CREATE INDEX tokens_jti ON tokens (jti);

CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_client_id ON revoked_tokens (client_id);

-- Counters other processes watch to know when to reload what they cache:
-- each changes in the transaction that changes a row it counts.
CREATE TABLE meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO meta (name, value) VALUES ('keys_version', 0), ('users_version', 0),
    ('max_token_ttl', 0);

CREATE FUNCTION meta_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meta SET value = value + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END;
$$;

CREATE TRIGGER signing_keys_version AFTER INSERT OR UPDATE OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION meta_bump('keys_version');

-- Usernames are unique with ASCII case ignored (SQLite's COLLATE NOCASE):
-- lower() under the "C" collation folds ASCII letters only. Queries that
-- look a username up or order by it use the same expression.
CREATE TABLE users (
    sub TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    password_hash TEXT,
    claims TEXT NOT NULL DEFAULT '{}',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (lower(username COLLATE "C"));

CREATE TRIGGER users_version AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION meta_bump('users_version');

CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE,
    user_sub TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_sub ON sessions (user_sub);

CREATE TABLE auth_codes (
    hash BYTEA PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    user_sub TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    sid TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    reused_at BIGINT,
    at_jti TEXT,
    at_expires_at BIGINT,
    rt_hash BYTEA,
    rt_family TEXT,
    resource TEXT,
    front_at_jti TEXT,
    front_at_expires_at BIGINT,
    claims_userinfo TEXT,
    claims_id_token TEXT
);
CREATE INDEX auth_codes_expires_at ON auth_codes (expires_at);
CREATE INDEX auth_codes_client_id ON auth_codes (client_id);
CREATE INDEX auth_codes_user_sub ON auth_codes (user_sub);

CREATE TABLE consents (
    user_sub TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claims TEXT,
    PRIMARY KEY (user_sub, client_id)
);
CREATE INDEX consents_expires_at ON consents (expires_at);
CREATE INDEX consents_client_id ON consents (client_id);

CREATE TABLE refresh_tokens (
    hash BYTEA PRIMARY KEY,
    family TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_sub TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    sid TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    at_jti TEXT,
    at_expires_at BIGINT,
    resource TEXT,
    family_issued_at BIGINT NOT NULL DEFAULT 0,
    claims_userinfo TEXT,
    claims_id_token TEXT
);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_client_id ON refresh_tokens (client_id);
CREATE INDEX refresh_tokens_user_sub ON refresh_tokens (user_sub);

CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    access_token_format TEXT,
    access_token_ttl BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE resource_scopes (
    scope TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE
);
CREATE INDEX resource_scopes_resource ON resource_scopes (resource_id);

-- Back-channel logout (OpenID Connect Back-Channel Logout 1.0): which
-- clients a session signed into, and the deliveries still to make.
CREATE TABLE session_clients (
    sid TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (sid, client_id)
);
CREATE INDEX session_clients_client_id ON session_clients (client_id);

CREATE TABLE backchannel_logouts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sub TEXT NOT NULL,
    sid TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX backchannel_logouts_next_at ON backchannel_logouts (next_at);
CREATE INDEX backchannel_logouts_client_id ON backchannel_logouts (client_id);

-- A code records the client as signed into its session.
CREATE FUNCTION auth_codes_session_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_clients (sid, client_id) VALUES (NEW.sid, NEW.client_id)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER auth_codes_session_client AFTER INSERT ON auth_codes
    FOR EACH ROW EXECUTE FUNCTION auth_codes_session_client();

-- A session that ends queues a logout token for each client with a
-- back-channel logout URI that signed into it.
CREATE FUNCTION sessions_backchannel_logout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO backchannel_logouts (client_id, sub, sid)
        SELECT sc.client_id, OLD.user_sub, OLD.sid FROM session_clients sc
        JOIN clients c ON c.id = sc.client_id
        WHERE sc.sid = OLD.sid AND c.backchannel_logout_uri IS NOT NULL;
    DELETE FROM session_clients WHERE sid = OLD.sid;
    RETURN NULL;
END;
$$;
CREATE TRIGGER sessions_backchannel_logout AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_backchannel_logout();

-- A user disabled is signed out everywhere.
CREATE FUNCTION users_disabled_sessions_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions WHERE user_sub = NEW.sub;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_disabled_sessions_end AFTER UPDATE OF enabled ON users
    FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled)
    EXECUTE FUNCTION users_disabled_sessions_end();

CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    type TEXT NOT NULL,
    ok BOOLEAN NOT NULL,
    actor TEXT NOT NULL,
    user_sub TEXT,
    client_id TEXT,
    address TEXT,
    detail TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_user_sub ON audit_events (user_sub, id);
CREATE INDEX audit_events_client_id ON audit_events (client_id, id);

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    sealed BYTEA NOT NULL
);
