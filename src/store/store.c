#include "store/store.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/clock.h"
#include "core/db_url.h"
#include "store/timing.h"

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

static const struct store_ops *const backends[] = {&store_sqlite_ops, &store_pg_ops};

static const struct store_ops *backend_for(const char *url)
{
    size_t i;

    for (i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        const struct store_ops *b = backends[i];
        if (b->url_selects ? b->url_selects(url) : strncmp(url, b->scheme, strlen(b->scheme)) == 0)
            return b;
    }
    return NULL;
}

static enum err unsupported(const char *url, char *why, size_t whylen)
{
    char masked[256];

    mask_database_url(url, masked, sizeof masked);
    snprintf(why, whylen,
             "database.url \"%s\": unsupported scheme (use sqlite:PATH or postgresql://…)", masked);
    return ERR_CONFIG;
}

/* Every member from open on is an op no backend may leave out; the one
 * check, at each open and in test_store_ops, that a backend gaining a member
 * in store.h without its function (a NULL call at run time) never ships. */
const char *store_ops_missing(const struct store_ops *b)
{
    size_t off;
    void (*fn)(void);

    for (off = offsetof(struct store_ops, open); off + sizeof fn <= sizeof *b; off += sizeof fn) {
        memcpy(&fn, (const char *)b + off, sizeof fn);
        if (!fn)
            return b->name;
    }
    return NULL;
}

enum err store_open_with(const char *url, const struct store_settings *set, struct store **out,
                         char *why, size_t whylen)
{
    static const struct store_settings defaults = {STORE_TIMEOUT_MS_DEFAULT};
    const struct store_ops *b = backend_for(url);
    enum err e;

    if (!b)
        return unsupported(url, why, whylen);
    if (store_ops_missing(b)) {
        snprintf(why, whylen, "the %s backend lacks an operation (a build error)", b->name);
        return ERR_STORE;
    }
    if (b->url_check && (e = b->url_check(url, why, whylen)) != ERR_OK)
        return e;
    if (!set || set->timeout_ms <= 0)
        set = &defaults;
    return b->open(url, set, out, why, whylen);
}

enum err store_open(const char *url, struct store **out, char *why, size_t whylen)
{
    return store_open_with(url, NULL, out, why, whylen);
}

enum err store_url_check(const char *url, char *why, size_t whylen)
{
    const struct store_ops *b = backend_for(url);

    if (!b)
        return unsupported(url, why, whylen);
    return b->url_check ? b->url_check(url, why, whylen) : ERR_OK;
}

const char *store_backend_name(const char *url)
{
    const struct store_ops *b = backend_for(url);

    return b ? b->name : NULL;
}

unsigned store_backend_features(const char *url)
{
    const struct store_ops *b = backend_for(url);

    return b ? b->features : 0;
}

void store_close(struct store *s)
{
    if (s)
        s->ops->close(s);
}

enum err store_migrate(struct store *s)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->migrate(s));
}

enum err store_client_get(struct store *s, const char *id, struct client *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->client_get(s, id, out));
}

enum err store_client_insert(struct store *s, const struct client *c)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->client_insert(s, c));
}

enum err store_client_update(struct store *s, const struct client *c)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->client_update(s, c));
}

enum err store_client_delete(struct store *s, const char *id)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->client_delete(s, id));
}

enum err store_client_id_token_algs(struct store *s, struct strlist *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->client_id_token_algs(s, out));
}

enum err store_client_list(struct store *s, const struct client_filter *f, struct client **out,
                           size_t *n)
{
    struct client_filter page = *f;
    double t0 = clock_ms();

    if (f->limit < 1 || f->limit > LIMIT_LIST_PAGE)
        return ERR_INVALID_REQUEST;
    if (!page.after_id || !*page.after_id) {
        page.after_created_at = INT64_MIN; /* (INT64_MIN, "") precedes every client */
        page.after_id = "";
    }
    return store_timed(t0, s->ops->client_list(s, &page, out, n));
}

enum err store_key_add(struct store *s, const struct signing_key *k, int64_t retire_others)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->key_add(s, k, retire_others));
}

enum err store_key_list(struct store *s, struct signing_key **out, size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->key_list(s, out, n));
}

enum err store_keys_version(struct store *s, int64_t *version)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->keys_version(s, version));
}

enum err store_token_insert(struct store *s, const struct token *t)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_insert(s, t));
}

enum err store_token_get(struct store *s, const unsigned char hash[HASH_LEN], struct token *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_get(s, hash, out));
}

enum err store_token_delete(struct store *s, const unsigned char hash[HASH_LEN])
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_delete(s, hash));
}

enum err store_revocation_add(struct store *s, const char *jti, const char *client_id,
                              int64_t expires_at)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->revocation_add(s, jti, client_id, expires_at));
}

enum err store_token_state(struct store *s, const char *client_id, const char *jti,
                           struct token_state *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_state(s, client_id, jti, out));
}

enum err store_sweep(struct store *s, int64_t now, int64_t *removed)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->sweep(s, now, removed));
}

/* ---- users ---- */

enum err store_user_get(struct store *s, const char *sub, struct user *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_get(s, sub, out));
}

enum err store_user_get_by_username(struct store *s, const char *username, struct user *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_get_by_username(s, username, out));
}

enum err store_user_insert(struct store *s, const struct user *u)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_insert(s, u));
}

enum err store_user_update(struct store *s, const struct user *u)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_update(s, u));
}

enum err store_user_delete(struct store *s, const char *sub)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_delete(s, sub));
}

enum err store_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                         size_t *n)
{
    double t0 = clock_ms();

    if (limit < 1 || limit > LIMIT_USER_PAGE)
        return ERR_INVALID_REQUEST;
    return store_timed(t0, s->ops->user_list(s, after ? after : "", limit, out, n));
}

enum err store_user_set_password(struct store *s, const char *sub, const char *hash,
                                 const char *expected)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->user_set_password(s, sub, hash, expected));
}

enum err store_users_version(struct store *s, int64_t *version)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->users_version(s, version));
}

void user_clear(struct user *u)
{
    if (!u)
        return;
    if (u->password_hash)
        OPENSSL_cleanse(u->password_hash, strlen(u->password_hash));
    free(u->password_hash);
    free(u->claims);
    memset(u, 0, sizeof *u);
}

void user_list_free(struct user *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        user_clear(&list[i]);
    free(list);
}

/* ---- end of users ---- */

void client_clear(struct client *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->scope);
    strlist_free(&c->grant_types);
    strlist_free(&c->response_types);
    strlist_free(&c->redirect_uris);
    strlist_free(&c->post_logout_redirect_uris);
    free(c->backchannel_logout_uri);
    free(c->sector_identifier_uri);
    free(c->sector);
    free(c->secret_sealed);
    if (c->secret_opened) {
        OPENSSL_cleanse(c->secret_opened, strlen(c->secret_opened));
        free(c->secret_opened);
    }
    memset(c, 0, sizeof *c);
}

void token_clear(struct token *t)
{
    if (!t)
        return;
    free(t->subject);
    free(t->scope);
    free(t->audience);
    free(t->claims_userinfo);
    free(t->amr);
    memset(t, 0, sizeof *t);
}

static enum err strlist_copy(struct strlist *dst, const struct strlist *src)
{
    size_t i;
    enum err rc = ERR_OK;

    for (i = 0; i < src->n && !rc; i++)
        rc = strlist_add(dst, src->items[i], strlen(src->items[i]));
    return rc;
}

enum err client_copy(struct client *dst, const struct client *src)
{
    enum err rc = ERR_OK;

    *dst = *src;
    memset(&dst->grant_types, 0, sizeof dst->grant_types);
    memset(&dst->response_types, 0, sizeof dst->response_types);
    memset(&dst->redirect_uris, 0, sizeof dst->redirect_uris);
    memset(&dst->post_logout_redirect_uris, 0, sizeof dst->post_logout_redirect_uris);
    dst->name = src->name ? strdup(src->name) : NULL;
    dst->scope = src->scope ? strdup(src->scope) : NULL;
    dst->backchannel_logout_uri =
        src->backchannel_logout_uri ? strdup(src->backchannel_logout_uri) : NULL;
    dst->sector_identifier_uri =
        src->sector_identifier_uri ? strdup(src->sector_identifier_uri) : NULL;
    dst->sector = src->sector ? strdup(src->sector) : NULL;
    dst->secret_sealed = src->secret_sealed ? malloc(src->secret_sealed_len) : NULL;
    if (dst->secret_sealed)
        memcpy(dst->secret_sealed, src->secret_sealed, src->secret_sealed_len);
    dst->secret_opened = src->secret_opened ? strdup(src->secret_opened) : NULL;
    if ((src->name && !dst->name) || (src->scope && !dst->scope) ||
        (src->backchannel_logout_uri && !dst->backchannel_logout_uri) ||
        (src->sector_identifier_uri && !dst->sector_identifier_uri) ||
        (src->sector && !dst->sector) || (src->secret_sealed && !dst->secret_sealed) ||
        (src->secret_opened && !dst->secret_opened))
        rc = ERR_NOMEM;
    if (!rc)
        rc = strlist_copy(&dst->grant_types, &src->grant_types);
    if (!rc)
        rc = strlist_copy(&dst->response_types, &src->response_types);
    if (!rc)
        rc = strlist_copy(&dst->redirect_uris, &src->redirect_uris);
    if (!rc)
        rc = strlist_copy(&dst->post_logout_redirect_uris, &src->post_logout_redirect_uris);
    if (rc)
        client_clear(dst);
    return rc;
}

void client_list_free(struct client *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        client_clear(&list[i]);
    free(list);
}

void signing_key_clear(struct signing_key *k)
{
    if (!k)
        return;
    free(k->private_enc);
    free(k->public_jwk);
    memset(k, 0, sizeof *k);
}

void signing_key_list_free(struct signing_key *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        signing_key_clear(&list[i]);
    free(list);
}

static const char *const type_names[] = {"confidential", "public"};
static const char *const method_names[] = {"client_secret_basic", "client_secret_post", "none"};
static const char *const format_names[] = {"jwt", "opaque"};

static enum err parse_name(const char *s, const char *const *names, size_t n, int *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID_REQUEST;
}

const char *client_type_name(enum client_type t)
{
    return type_names[t];
}

const char *auth_method_name(enum auth_method m)
{
    return method_names[m];
}

const char *token_format_name(enum token_format f)
{
    return format_names[f];
}

static const char *const subject_names[] = {"public", "pairwise"};

const char *subject_type_name(enum subject_type t)
{
    return t == SUBJECT_DEFAULT ? NULL : subject_names[t - SUBJECT_PUBLIC];
}

enum err subject_type_parse(const char *s, enum subject_type *out)
{
    int v;
    enum err rc = parse_name(s, subject_names, 2, &v);

    if (!rc)
        *out = (enum subject_type)(v + SUBJECT_PUBLIC);
    return rc;
}

enum err client_type_parse(const char *s, enum client_type *out)
{
    int v;
    enum err rc = parse_name(s, type_names, 2, &v);

    if (!rc)
        *out = (enum client_type)v;
    return rc;
}

enum err auth_method_parse(const char *s, enum auth_method *out)
{
    int v;
    enum err rc = parse_name(s, method_names, 3, &v);

    if (!rc)
        *out = (enum auth_method)v;
    return rc;
}

enum err token_format_parse(const char *s, enum token_format *out)
{
    int v;
    enum err rc = parse_name(s, format_names, 2, &v);

    if (!rc)
        *out = (enum token_format)v;
    return rc;
}
