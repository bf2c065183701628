/* Store contract: clients, signing keys, stored tokens and revocations,
 * resources, server secrets and the recorded token lifetime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

static const unsigned char sealed_bytes[] = {0x00, 0x01, 0xfe, 0x00, 0x7f, 0x80, 0xff, 0x42};

static void add_list(struct strlist *l, const char *s, const char *seps)
{
    assert_int_equal(strlist_split(l, s, seps), ERR_OK);
}

/* A client with every list and optional field set. */
static void full_client(const struct ct *t, const char *what, struct client *c)
{
    memset(c, 0, sizeof *c);
    CT_NAME(t, what, c->id);
    c->name = strdup("Full client ☃");
    c->type = CLIENT_CONFIDENTIAL;
    c->has_secret = true;
    hash_sha256("secret", 6, c->secret_hash);
    add_list(&c->grant_types, "authorization_code refresh_token client_credentials", " ");
    add_list(&c->response_types, "code,code id_token,code id_token token", ",");
    add_list(&c->redirect_uris, "https://a.example/cb https://b.example/cb?x=1", " ");
    add_list(&c->post_logout_redirect_uris, "https://a.example/bye https://b.example/bye", " ");
    c->scope = strdup("openid profile email");
    c->auth_method = AUTH_CLIENT_SECRET_POST;
    c->token_format = TOKEN_FORMAT_OPAQUE;
    c->enabled = false;
    c->require_consent = false;
    c->reuse_consent = true;
    c->backchannel_logout_uri = strdup("https://a.example/bc");
    c->backchannel_session_required = true;
    c->subject_type = SUBJECT_PAIRWISE;
    c->sector_identifier_uri = strdup("https://a.example/sector.json");
    c->sector = strdup("a.example");
    c->created_at = 1234;
    snprintf(c->id_token_alg, sizeof c->id_token_alg, "HS256");
    c->secret_sealed = malloc(sizeof sealed_bytes);
    assert_non_null(c->secret_sealed);
    memcpy(c->secret_sealed, sealed_bytes, sizeof sealed_bytes);
    c->secret_sealed_len = sizeof sealed_bytes;
}

static void assert_lists_equal(const struct strlist *a, const struct strlist *b)
{
    size_t i;

    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++)
        assert_string_equal(a->items[i], b->items[i]);
}

static void assert_optional_equal(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* Every stored field of want, as client_get returned it in got. */
static void assert_client_equal(const struct client *want, const struct client *got)
{
    assert_string_equal(got->id, want->id);
    assert_string_equal(got->name, want->name);
    assert_int_equal(got->type, want->type);
    assert_int_equal(got->has_secret, want->has_secret);
    if (want->has_secret)
        assert_memory_equal(got->secret_hash, want->secret_hash, HASH_LEN);
    assert_lists_equal(&got->grant_types, &want->grant_types);
    assert_lists_equal(&got->response_types, &want->response_types);
    assert_lists_equal(&got->redirect_uris, &want->redirect_uris);
    assert_lists_equal(&got->post_logout_redirect_uris, &want->post_logout_redirect_uris);
    assert_string_equal(got->scope, want->scope ? want->scope : "");
    assert_int_equal(got->auth_method, want->auth_method);
    assert_int_equal(got->token_format, want->token_format);
    assert_int_equal(got->enabled, want->enabled);
    assert_int_equal(got->require_consent, want->require_consent);
    assert_int_equal(got->reuse_consent, want->reuse_consent);
    assert_optional_equal(got->backchannel_logout_uri, want->backchannel_logout_uri);
    assert_int_equal(got->backchannel_session_required, want->backchannel_session_required);
    assert_int_equal(got->subject_type, want->subject_type);
    assert_optional_equal(got->sector_identifier_uri, want->sector_identifier_uri);
    assert_optional_equal(got->sector, want->sector);
    assert_string_equal(got->id_token_alg, want->id_token_alg[0] ? want->id_token_alg : "RS256");
    assert_int_equal(got->secret_sealed_len, want->secret_sealed_len);
    if (want->secret_sealed)
        assert_memory_equal(got->secret_sealed, want->secret_sealed, want->secret_sealed_len);
    else
        assert_null(got->secret_sealed);
    assert_null(got->secret_opened);
}

static void client_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct client full, bare = {0}, got;

    full_client(t, "full", &full);
    assert_int_equal(store_client_insert(t->s, &full), ERR_OK);
    assert_int_equal(store_client_get(t->s, full.id, &got), ERR_OK);
    assert_client_equal(&full, &got);
    assert_int_equal(got.created_at, 1234);
    client_clear(&got);
    assert_int_equal(store_client_insert(t->s, &full), ERR_CONFLICT);

    /* nothing optional: empty lists, no secret, defaults */
    CT_NAME(t, "bare", bare.id);
    bare.name = "";
    bare.type = CLIENT_PUBLIC;
    bare.auth_method = AUTH_NONE;
    bare.enabled = true;
    assert_int_equal(store_client_insert(t->s, &bare), ERR_OK);
    assert_int_equal(store_client_get(t->s, bare.id, &got), ERR_OK);
    assert_client_equal(&bare, &got);
    assert_string_equal(got.id_token_alg, "RS256");
    assert_int_equal(got.subject_type, SUBJECT_DEFAULT);
    client_clear(&got);
    client_clear(&full);

    CT_NAME(t, "nobody", bare.id);
    assert_int_equal(store_client_get(t->s, bare.id, &got), ERR_NOT_FOUND);
}

/* Update replaces every field but created_at, including clearing the
 * optional ones. */
static void client_update_replaces_fields(void **state)
{
    struct ct *t = *state;
    struct client c, got;

    full_client(t, "upd", &c);
    assert_int_equal(store_client_insert(t->s, &c), ERR_OK);
    free(c.name);
    c.name = strdup("Renamed");
    c.type = CLIENT_PUBLIC;
    c.has_secret = false;
    strlist_free(&c.grant_types);
    add_list(&c.grant_types, "implicit", " ");
    strlist_free(&c.response_types);
    strlist_free(&c.redirect_uris);
    add_list(&c.redirect_uris, "https://c.example/cb", " ");
    strlist_free(&c.post_logout_redirect_uris);
    free(c.scope);
    c.scope = strdup("openid");
    c.auth_method = AUTH_NONE;
    c.token_format = TOKEN_FORMAT_JWT;
    c.enabled = true;
    c.require_consent = true;
    c.reuse_consent = false;
    free(c.backchannel_logout_uri);
    c.backchannel_logout_uri = NULL;
    c.backchannel_session_required = false;
    c.subject_type = SUBJECT_PUBLIC;
    free(c.sector_identifier_uri);
    c.sector_identifier_uri = NULL;
    free(c.sector);
    c.sector = NULL;
    snprintf(c.id_token_alg, sizeof c.id_token_alg, "ES256");
    free(c.secret_sealed);
    c.secret_sealed = NULL;
    c.secret_sealed_len = 0;
    c.created_at = 99999;
    assert_int_equal(store_client_update(t->s, &c), ERR_OK);
    assert_int_equal(store_client_get(t->s, c.id, &got), ERR_OK);
    assert_client_equal(&c, &got);
    assert_int_equal(got.created_at, 1234);
    client_clear(&got);

    CT_NAME(t, "nobody", c.id);
    assert_int_equal(store_client_update(t->s, &c), ERR_NOT_FOUND);
    assert_int_equal(store_client_get(t->s, c.id, &got), ERR_NOT_FOUND);
    client_clear(&c);
}

/* Index of the client with this id in list, or -1. */
static void client_list_is_oldest_first(void **state)
{
    struct ct *t = *state;
    static const char *const whats[] = {"l-mid", "l-new", "l-old"};
    static const int64_t created[] = {20000, 30000, 10000};
    char ids[3][LIMIT_CLIENT_ID + 1];
    struct strlist algs = {0};
    struct client list[3], c;
    size_t n, i;

    for (i = 0; i < 3; i++) {
        full_client(t, whats[i], &c);
        c.created_at = created[i];
        snprintf(c.id_token_alg, sizeof c.id_token_alg, "%s", i == 0 ? "ES256" : "RS256");
        snprintf(ids[i], sizeof ids[i], "%s", c.id);
        assert_int_equal(store_client_insert(t->s, &c), ERR_OK);
        client_clear(&c);
    }
    /* other runs' clients of those times too, in a shared database */
    assert_int_equal(ct_clients_between(t, 10000, 30000, LIMIT_LIST_PAGE, list, 3), 3);
    assert_string_equal(list[0].id, ids[2]);
    assert_string_equal(list[1].id, ids[0]);
    assert_string_equal(list[2].id, ids[1]);
    assert_int_equal(list[1].created_at, 20000);
    assert_string_equal(list[1].id_token_alg, "ES256");
    assert_int_equal(list[1].secret_sealed_len, sizeof sealed_bytes);
    for (i = 0; i < 3; i++)
        client_clear(&list[i]);
    if (t->fresh) {
        struct client_filter first = {.limit = LIMIT_LIST_PAGE};
        struct client *all;
        assert_int_equal(store_client_list(t->s, &first, &all, &n), ERR_OK);
        assert_int_equal(n, 4); /* and set-up's */
        client_list_free(all, n);
    }

    assert_int_equal(store_client_id_token_algs(t->s, &algs), ERR_OK);
    assert_true(strlist_contains(&algs, "ES256"));
    assert_true(strlist_contains(&algs, "RS256"));
    n = algs.n;
    strlist_sort_unique(&algs); /* each once */
    assert_int_equal(algs.n, n);
    if (t->fresh)
        assert_int_equal(algs.n, 2);
    strlist_free(&algs);
}

/* The rows issued to a client go with it; another client's stay. */
static void client_delete_removes_its_rows(void **state)
{
    struct ct *t = *state;
    char other[CT_NAME_MAX];
    struct auth_code code = ct_code(t, "del-code"), got;
    struct refresh_token rt = ct_refresh(t, "del-rt", "fam"), row;
    struct consent cs = {t->user, "", "openid", 100, 5000, NULL}, cgot;
    struct token tok = {0}, tgot;
    struct token_state ts;

    CT_NAME(t, "other", other);
    assert_int_equal(ct_add_client(t, other, NULL), ERR_OK);
    snprintf(cs.client_id, sizeof cs.client_id, "%s", t->client);
    ct_hash(t, "del-tok", tok.hash);
    CT_NAME(t, "del-jti", tok.jti);
    snprintf(tok.client_id, sizeof tok.client_id, "%s", t->client);
    tok.subject = t->user;
    tok.scope = "openid";
    tok.issued_at = 100;
    tok.expires_at = 5000;
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &rt), ERR_OK);
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
    assert_int_equal(store_token_insert(t->s, &tok), ERR_OK);
    assert_int_equal(store_revocation_add(t->s, tok.jti, t->client, 5000), ERR_OK);
    /* the other client's consent of the same user */
    snprintf(cs.client_id, sizeof cs.client_id, "%s", other);
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);

    assert_int_equal(store_client_delete(t->s, t->client), ERR_OK);
    assert_int_equal(store_client_get(t->s, t->client, &(struct client){0}), ERR_NOT_FOUND);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &got), ERR_NOT_FOUND);
    assert_int_equal(store_refresh_token_get(t->s, rt.hash, &row), ERR_NOT_FOUND);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &cgot), ERR_NOT_FOUND);
    assert_int_equal(store_token_get(t->s, tok.hash, &tgot), ERR_NOT_FOUND);
    assert_int_equal(store_token_state(t->s, t->client, tok.jti, &ts), ERR_OK);
    assert_false(ts.client_exists);
    assert_int_equal(store_consent_get(t->s, t->user, other, &cgot), ERR_OK);
    consent_clear(&cgot);
    assert_int_equal(store_client_delete(t->s, t->client), ERR_NOT_FOUND);
}

/* Codes, tokens and refresh tokens belong to a registered client. */
static void rows_need_a_registered_client(void **state)
{
    struct ct *t = *state;
    struct auth_code code = ct_code(t, "orphan");
    struct refresh_token rt = ct_refresh(t, "orphan-rt", "fam");
    struct token tok = {0};

    CT_NAME(t, "ghost", code.client_id);
    assert_int_equal(store_code_insert(t->s, &code), ERR_CONFLICT);
    snprintf(rt.client_id, sizeof rt.client_id, "%s", code.client_id);
    assert_int_equal(store_refresh_token_insert(t->s, &rt), ERR_CONFLICT);
    ct_hash(t, "orphan-tok", tok.hash);
    snprintf(tok.jti, sizeof tok.jti, "j");
    snprintf(tok.client_id, sizeof tok.client_id, "%s", code.client_id);
    tok.subject = "s";
    tok.scope = "openid";
    assert_int_equal(store_token_insert(t->s, &tok), ERR_CONFLICT);
}

/* ---- keys ---------------------------------------------------------------- */

static struct signing_key make_key(const struct ct *t, const char *what, const char *alg,
                                   int64_t created_at)
{
    static unsigned char private_enc[] = {0x00, 0x10, 0x20, 0x00, 0xff, 0xee};
    struct signing_key k = {0};

    CT_NAME(t, what, k.kid);
    snprintf(k.alg, sizeof k.alg, "%s", alg);
    k.private_enc = private_enc;
    k.private_enc_len = sizeof private_enc;
    k.public_jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\"}";
    k.created_at = created_at;
    k.not_before = created_at + 60;
    return k;
}

/* The stored key with this kid from a key_list; asserts there is one. */
static const struct signing_key *find_key(const struct signing_key *list, size_t n, const char *kid,
                                          size_t *index)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i].kid, kid) == 0) {
            *index = i;
            return &list[i];
        }
    }
    fail_msg("key %s not listed", kid);
    return NULL;
}

static void key_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct signing_key k = make_key(t, "k", "ES256", 100), *list;
    const struct signing_key *got;
    int64_t v0, v1;
    size_t n, at;

    assert_int_equal(store_keys_version(t->s, &v0), ERR_OK);
    assert_int_equal(store_key_add(t->s, &k, 0), ERR_OK);
    assert_int_equal(store_keys_version(t->s, &v1), ERR_OK);
    assert_true(v1 != v0);
    assert_int_equal(store_key_list(t->s, &list, &n), ERR_OK);
    got = find_key(list, n, k.kid, &at);
    assert_string_equal(got->alg, "ES256");
    assert_int_equal(got->private_enc_len, k.private_enc_len);
    assert_memory_equal(got->private_enc, k.private_enc, k.private_enc_len);
    assert_string_equal(got->public_jwk, k.public_jwk);
    assert_int_equal(got->created_at, 100);
    assert_int_equal(got->not_before, 160);
    assert_int_equal(got->retire_after, 0);
    if (t->fresh)
        assert_int_equal(n, 1);
    signing_key_list_free(list, n);
    assert_int_equal(store_key_add(t->s, &k, 0), ERR_CONFLICT);
}

/* A new key retires the keys of its algorithm that are not retired yet
 * (only those), in the same step; keys_version moves each time. */
static void key_add_retires_its_algorithm(void **state)
{
    struct ct *t = *state;
    struct signing_key a = make_key(t, "a", "ES256", 100), b = make_key(t, "b", "RS256", 200),
                       c = make_key(t, "c", "ES256", 300), d = make_key(t, "d", "ES256", 400),
                       e = make_key(t, "e", "ES256", 500), *list;
    const struct signing_key *ka, *kb, *kc, *kd, *ke;
    size_t n, ia = 0, ib = 0, ic = 0, id = 0, ie = 0;
    int64_t v0, v1;

    assert_int_equal(store_key_add(t->s, &a, 0), ERR_OK);
    assert_int_equal(store_key_add(t->s, &b, 0), ERR_OK);
    assert_int_equal(store_keys_version(t->s, &v0), ERR_OK);
    assert_int_equal(store_key_add(t->s, &c, 5000), ERR_OK); /* retires a */
    assert_int_equal(store_keys_version(t->s, &v1), ERR_OK);
    assert_true(v1 != v0);
    assert_int_equal(store_key_add(t->s, &d, 6000), ERR_OK); /* retires c; a stays at 5000 */
    assert_int_equal(store_key_add(t->s, &e, 0), ERR_OK);    /* retires nothing */
    assert_int_equal(store_key_list(t->s, &list, &n), ERR_OK);
    ka = find_key(list, n, a.kid, &ia);
    kb = find_key(list, n, b.kid, &ib);
    kc = find_key(list, n, c.kid, &ic);
    kd = find_key(list, n, d.kid, &id);
    ke = find_key(list, n, e.kid, &ie);
    assert_int_equal(ka->retire_after, 5000);
    assert_int_equal(kb->retire_after, 0);
    assert_int_equal(kc->retire_after, 6000);
    assert_int_equal(kd->retire_after, 0);
    assert_int_equal(ke->retire_after, 0);
    assert_true(ia < ib && ib < ic && ic < id && id < ie); /* oldest first */
    signing_key_list_free(list, n);
}

/* ---- stored (opaque) tokens and revocations ---------------------------- */

static void token_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct token full = {0}, bare = {0}, got;

    ct_hash(t, "tok", full.hash);
    CT_NAME(t, "jti", full.jti);
    snprintf(full.client_id, sizeof full.client_id, "%s", t->client);
    full.subject = t->user;
    full.scope = "openid read";
    full.audience = "https://books.example urn:films";
    full.issued_at = 100;
    full.expires_at = 3700;
    full.claims_userinfo = "email name";
    assert_int_equal(store_token_insert(t->s, &full), ERR_OK);
    assert_int_equal(store_token_insert(t->s, &full), ERR_CONFLICT);
    assert_int_equal(store_token_get(t->s, full.hash, &got), ERR_OK);
    assert_memory_equal(got.hash, full.hash, HASH_LEN);
    assert_string_equal(got.jti, full.jti);
    assert_string_equal(got.client_id, t->client);
    assert_string_equal(got.subject, t->user);
    assert_string_equal(got.scope, "openid read");
    assert_string_equal(got.audience, full.audience);
    assert_int_equal(got.issued_at, 100);
    assert_int_equal(got.expires_at, 3700);
    assert_string_equal(got.claims_userinfo, "email name");
    token_clear(&got);

    bare = full;
    ct_hash(t, "tok-bare", bare.hash);
    bare.audience = NULL;
    bare.claims_userinfo = NULL;
    assert_int_equal(store_token_insert(t->s, &bare), ERR_OK);
    assert_int_equal(store_token_get(t->s, bare.hash, &got), ERR_OK);
    assert_null(got.audience);
    assert_null(got.claims_userinfo);
    token_clear(&got);

    assert_int_equal(store_token_delete(t->s, full.hash), ERR_OK);
    assert_int_equal(store_token_get(t->s, full.hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_token_delete(t->s, full.hash), ERR_NOT_FOUND);
    assert_int_equal(store_token_get(t->s, bare.hash, &got), ERR_OK);
    token_clear(&got);
}

static void token_state_reports_client_and_revocation(void **state)
{
    struct ct *t = *state;
    char jti[CT_NAME_MAX], unknown[CT_NAME_MAX], ghost[CT_NAME_MAX];
    struct token_state ts;
    struct client c;

    CT_NAME(t, "rev", jti);
    CT_NAME(t, "unknown", unknown);
    CT_NAME(t, "ghost", ghost);
    assert_int_equal(store_token_state(t->s, t->client, NULL, &ts), ERR_OK);
    assert_true(ts.client_exists && ts.client_enabled && !ts.revoked);
    assert_int_equal(store_token_state(t->s, t->client, unknown, &ts), ERR_OK);
    assert_true(ts.client_exists && ts.client_enabled && !ts.revoked);
    assert_int_equal(store_revocation_add(t->s, jti, t->client, 5000), ERR_OK);
    assert_int_equal(store_revocation_add(t->s, jti, t->client, 6000), ERR_OK); /* twice */
    assert_int_equal(store_token_state(t->s, t->client, jti, &ts), ERR_OK);
    assert_true(ts.client_exists && ts.client_enabled && ts.revoked);

    assert_int_equal(store_client_get(t->s, t->client, &c), ERR_OK);
    c.enabled = false;
    assert_int_equal(store_client_update(t->s, &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(store_token_state(t->s, t->client, unknown, &ts), ERR_OK);
    assert_true(ts.client_exists && !ts.client_enabled && !ts.revoked);

    assert_int_equal(store_token_state(t->s, ghost, jti, &ts), ERR_OK);
    assert_false(ts.client_exists || ts.client_enabled || ts.revoked);
}

/* ---- resources (RFC 8707) ---------------------------------------------- */

static void resource_ids(const struct ct *t, char r1[96], char r2[96], char r3[96])
{
    snprintf(r1, 96, "https://r1-%s.example/api", t->tag);
    snprintf(r2, 96, "https://r2-%s.example/api", t->tag);
    snprintf(r3, 96, "https://r3-%s.example/api", t->tag);
}

static void assert_resource(struct store *s, const char *id, const char *scope, bool has_format,
                            int64_t ttl)
{
    struct resource got;

    assert_int_equal(store_resource_get(s, id, &got), ERR_OK);
    assert_string_equal(got.id, id);
    assert_string_equal(got.scope, scope);
    assert_int_equal(got.has_format, has_format);
    if (has_format)
        assert_int_equal(got.token_format, TOKEN_FORMAT_OPAQUE);
    assert_int_equal(got.access_token_ttl, ttl);
    assert_int_equal(got.created_at, 100);
    resource_clear(&got);
}

static void resource_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    char id1[96], id2[96], id3[96], sa[64], sb[64];
    char got_after[96];
    struct resource r1 = {0}, r2 = {0}, *list, got;
    size_t n;

    resource_ids(t, id1, id2, id3);
    snprintf(sa, sizeof sa, "%s:read %s:write", t->tag, t->tag);
    snprintf(sb, sizeof sb, "%s:films", t->tag);
    r1 = (struct resource){id1, "Books ☃", sa, true, TOKEN_FORMAT_OPAQUE, 600, 100};
    r2 = (struct resource){id2, "Films", sb, false, TOKEN_FORMAT_JWT, 0, 100};
    assert_int_equal(store_resource_insert(t->s, &r2), ERR_OK);
    assert_int_equal(store_resource_insert(t->s, &r1), ERR_OK);
    assert_int_equal(store_resource_insert(t->s, &r1), ERR_CONFLICT);
    assert_resource(t->s, id1, sa, true, 600);
    assert_resource(t->s, id2, sb, false, 0);
    assert_int_equal(store_resource_get(t->s, id1, &got), ERR_OK);
    assert_string_equal(got.name, "Books ☃");
    resource_clear(&got);
    assert_int_equal(store_resource_get(t->s, id3, &got), ERR_NOT_FOUND);

    /* a page from just before id1: nothing but id1 can sort in between */
    snprintf(got_after, sizeof got_after, "https://r1-%s", t->tag);
    assert_int_equal(store_resource_list(t->s, got_after, 1, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].id, id1);
    assert_string_equal(list[0].name, "Books ☃");
    assert_string_equal(list[0].scope, sa);
    assert_true(list[0].has_format);
    assert_int_equal(list[0].access_token_ttl, 600);
    resource_list_free(list, n);
    if (t->fresh) {
        assert_int_equal(store_resource_list(t->s, NULL, LIMIT_LIST_PAGE, &list, &n), ERR_OK);
        assert_int_equal(n, 2);
        assert_string_equal(list[0].id, id1); /* ordered by id */
        assert_string_equal(list[1].id, id2);
        resource_list_free(list, n);
    }
}

/* A scope belongs to at most one resource: a write that would give one to a
 * second resource stores nothing; update and delete release scopes. */
static void resource_scope_has_one_owner(void **state)
{
    struct ct *t = *state;
    char id1[96], id2[96], id3[96], s1[96], s1b[96], s2[96], s2b[96];
    struct resource r1, r2, got;

    resource_ids(t, id1, id2, id3);
    snprintf(s1, sizeof s1, "%s:a %s:b", t->tag, t->tag);
    snprintf(s1b, sizeof s1b, "%s:a %s:c", t->tag, t->tag);
    snprintf(s2, sizeof s2, "%s:b %s:d", t->tag, t->tag);
    snprintf(s2b, sizeof s2b, "%s:d %s:a", t->tag, t->tag);
    r1 = (struct resource){id1, "one", s1, false, TOKEN_FORMAT_JWT, 0, 100};
    r2 = (struct resource){id2, "two", s2, true, TOKEN_FORMAT_OPAQUE, 60, 100};
    assert_int_equal(store_resource_insert(t->s, &r1), ERR_OK);
    assert_int_equal(store_resource_insert(t->s, &r2), ERR_CONFLICT); /* b is r1's */
    assert_int_equal(store_resource_get(t->s, id2, &got), ERR_NOT_FOUND);

    r1.scope = s1b; /* releases b, takes c */
    r1.created_at = 777;
    r1.access_token_ttl = 90;
    assert_int_equal(store_resource_update(t->s, &r1), ERR_OK);
    assert_resource(t->s, id1, s1b, false, 90); /* created_at kept */
    assert_int_equal(store_resource_insert(t->s, &r2), ERR_OK);

    r2.scope = s2b; /* a is r1's: nothing changes */
    assert_int_equal(store_resource_update(t->s, &r2), ERR_CONFLICT);
    assert_resource(t->s, id2, s2, true, 60);
    r2.id = id3;
    assert_int_equal(store_resource_update(t->s, &r2), ERR_NOT_FOUND);

    assert_int_equal(store_resource_delete(t->s, id1), ERR_OK); /* a is free again */
    assert_int_equal(store_resource_get(t->s, id1, &got), ERR_NOT_FOUND);
    assert_int_equal(store_resource_delete(t->s, id1), ERR_NOT_FOUND);
    r2.id = id2;
    assert_int_equal(store_resource_update(t->s, &r2), ERR_OK);
    assert_resource(t->s, id2, s2b, true, 60);
}

/* ---- server secrets and the recorded token lifetime -------------------- */

static void secret_first_writer_wins(void **state)
{
    struct ct *t = *state;
    static const unsigned char first[] = {0x00, 0xaa, 0x00, 0xbb}, second[] = {0x11, 0x22};
    char name[CT_NAME_MAX];
    unsigned char *got;
    size_t n;

    CT_NAME(t, "secret", name);
    assert_int_equal(store_secret_get_or_add(t->s, name, first, sizeof first, &got, &n), ERR_OK);
    assert_int_equal(n, sizeof first);
    assert_memory_equal(got, first, sizeof first);
    free(got);
    assert_int_equal(store_secret_get_or_add(t->s, name, second, sizeof second, &got, &n), ERR_OK);
    assert_int_equal(n, sizeof first);
    assert_memory_equal(got, first, sizeof first);
    free(got);
}

static void token_ttl_max_only_grows(void **state)
{
    struct ct *t = *state;
    int64_t m0, m1, m2;

    assert_int_equal(store_token_ttl_max(t->s, &m0), ERR_OK);
    if (t->fresh)
        assert_int_equal(m0, 0);
    assert_int_equal(store_token_ttl_record(t->s, 3600), ERR_OK);
    assert_int_equal(store_token_ttl_max(t->s, &m1), ERR_OK);
    assert_int_equal(m1, m0 > 3600 ? m0 : 3600);
    assert_int_equal(store_token_ttl_record(t->s, 7), ERR_OK);
    assert_int_equal(store_token_ttl_max(t->s, &m2), ERR_OK);
    assert_int_equal(m2, m1);
}

const struct CMUnitTest ct_clients_tests[] = {
    CT_CASE(client_round_trips_every_field),
    CT_CASE(client_update_replaces_fields),
    CT_CASE(client_list_is_oldest_first),
    CT_CASE(client_delete_removes_its_rows),
    CT_CASE(rows_need_a_registered_client),
    CT_CASE(key_round_trips_every_field),
    CT_CASE(key_add_retires_its_algorithm),
    CT_CASE(token_round_trips_every_field),
    CT_CASE(token_state_reports_client_and_revocation),
    CT_CASE(resource_round_trips_every_field),
    CT_CASE(resource_scope_has_one_owner),
    CT_CASE(secret_first_writer_wins),
    CT_CASE(token_ttl_max_only_grows),
};
const size_t ct_clients_count = sizeof ct_clients_tests / sizeof ct_clients_tests[0];
