/* The PostgreSQL backend: database.url = postgresql://… (or postgres://…, or
 * a libpq key=value string), many oidcd instances on one database. Which
 * URLs are its own, how it connects (postgres_conn.c), and its ops table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_url.h"
#include "core/log.h"
#include "store/postgres_internal.h"

extern const struct store_ops store_pg_ops;

/* postgresql:// and postgres:// URIs, and key=value strings: a first word
 * of keyword characters followed by '=' ("host=db dbname=oidcd"), which no
 * sqlite:PATH is. */
static bool pg_url_selects(const char *url)
{
    const char *p = url;

    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return true;
    p += strspn(p, " \t");
    if (!islower((unsigned char)*p))
        return false;
    while (islower((unsigned char)*p) || *p == '_')
        p++;
    p += strspn(p, " \t");
    return *p == '=';
}

/* libpq's own parse of the URL, without connecting. */
static enum err pg_url_check(const char *url, char *why, size_t whylen)
{
    char *err = NULL, masked[256], reason[256];
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    size_t len;

    if (opts) {
        PQconninfoFree(opts);
        return ERR_OK;
    }
    mask_database_url(url, masked, sizeof masked);
    /* libpq may quote the URI, password and all */
    len = err ? strcspn(err, "\n") : 0;
    if (err)
        err[len] = '\0';
    mask_database_url(err ? err : "out of memory", reason, sizeof reason);
    snprintf(why, whylen, "database.url \"%s\": %s", masked, reason);
    PQfreemem(err);
    return ERR_CONFIG;
}

/* The URL's own options (say "-c search_path=oidcd"), which our
 * statement_timeout joins rather than replaces. */
static char *merged_options(const char *url, long timeout_ms)
{
    PQconninfoOption *opts = PQconninfoParse(url, NULL), *o;
    const char *own = "";
    char *out;
    size_t n;

    for (o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "options") == 0 && o->val)
            own = o->val;
    n = strlen(own) + 64;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s-c statement_timeout=%ld", own, *own ? " " : "", timeout_ms);
    PQconninfoFree(opts);
    return out;
}

static void pg_close(struct store *s)
{
    struct pg_store *ps = (struct pg_store *)s;
    struct pg_conn *c, *next;

    if (!ps)
        return;
    for (c = ps->conns; c; c = next) {
        next = c->next;
        PQfinish(c->pg);
        free(c->prepared);
        free(c);
    }
    pthread_key_delete(ps->key);
    pthread_mutex_destroy(&ps->lock);
    free(ps->options);
    free(ps->url);
    free(ps);
}

static enum err pg_migrate(struct store *s)
{
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    return c ? store_pg_migrate_conn(c) : e;
}

/* libpq counts connect_timeout in whole seconds (and takes 1 as 2). */
static void timeouts(struct pg_store *ps, long timeout_ms)
{
    snprintf(ps->connect_timeout, sizeof ps->connect_timeout, "%ld", (timeout_ms + 999) / 1000);
    snprintf(ps->user_timeout, sizeof ps->user_timeout, "%ld", timeout_ms);
}

static enum err pg_open(const char *url, const struct store_settings *set, struct store **out,
                        char *why, size_t whylen)
{
    struct pg_store *ps = calloc(1, sizeof *ps);
    char masked[256], reason[256] = "";
    struct pg_conn *c;
    enum err e = ERR_NOMEM;

    if (!ps)
        return ERR_NOMEM;
    ps->base.ops = &store_pg_ops;
    pthread_mutex_init(&ps->lock, NULL);
    if (pthread_key_create(&ps->key, NULL)) {
        pthread_mutex_destroy(&ps->lock);
        free(ps);
        return ERR_NOMEM;
    }
    ps->url = strdup(url);
    ps->options = merged_options(url, set->timeout_ms);
    timeouts(ps, set->timeout_ms);
    if (!ps->url || !ps->options)
        goto out;
    c = store_pg_conn_why(&ps->base, &e, reason, sizeof reason);
    if (!c)
        goto out;
    e = store_pg_migrate_conn(c);
    if (e)
        snprintf(reason, sizeof reason, "%s", "migration failed (see the log)");
out:
    if (e) {
        mask_database_url(url, masked, sizeof masked);
        snprintf(why, whylen, "cannot open database %s (%s)", masked,
                 reason[0] ? reason : err_str(e));
        pg_close(&ps->base);
        return e;
    }
    *out = &ps->base;
    return ERR_OK;
}

const struct store_ops store_pg_ops = {
    .name = "postgresql",
    .url_selects = pg_url_selects,
    .url_check = pg_url_check,
    .open = pg_open,
    .close = pg_close,
    .migrate = pg_migrate,
    .client_get = store_pg_client_get,
    .client_insert = store_pg_client_insert,
    .client_update = store_pg_client_update,
    .client_delete = store_pg_client_delete,
    .client_list = store_pg_client_list,
    .client_id_token_algs = store_pg_client_id_token_algs,
    .key_add = store_pg_key_add,
    .key_list = store_pg_key_list,
    .keys_version = store_pg_keys_version,
    .token_insert = store_pg_token_insert,
    .token_get = store_pg_token_get,
    .token_delete = store_pg_token_delete,
    .revocation_add = store_pg_revocation_add,
    .token_state = store_pg_token_state,
    .sweep = store_pg_sweep,
    .session_insert = store_pg_session_insert,
    .session_get = store_pg_session_get,
    .session_delete = store_pg_session_delete,
    .session_count = store_pg_session_count,
    .audit_add = store_pg_audit_add,
    .audit_list = store_pg_audit_list,
    .audit_sweep = store_pg_audit_sweep,
    .code_insert = store_pg_code_insert,
    .code_consume = store_pg_code_consume,
    .code_mark_reused = store_pg_code_mark_reused,
    .code_record_issued = store_pg_code_record_issued,
    .code_revoke_issued = store_pg_code_revoke_issued,
    .consent_get = store_pg_consent_get,
    .consent_put = store_pg_consent_put,
    .consent_list = store_pg_consent_list,
    .consent_revoke = store_pg_consent_revoke,
    .refresh_token_insert = store_pg_refresh_token_insert,
    .refresh_token_get = store_pg_refresh_token_get,
    .refresh_token_rotate = store_pg_refresh_token_rotate,
    .refresh_family_revoke = store_pg_refresh_family_revoke,
    .user_get = store_pg_user_get,
    .user_get_by_username = store_pg_user_get_by_username,
    .user_insert = store_pg_user_insert,
    .user_update = store_pg_user_update,
    .user_delete = store_pg_user_delete,
    .user_list = store_pg_user_list,
    .user_set_password = store_pg_user_set_password,
    .users_version = store_pg_users_version,
    .resource_get = store_pg_resource_get,
    .resource_insert = store_pg_resource_insert,
    .resource_update = store_pg_resource_update,
    .resource_delete = store_pg_resource_delete,
    .resource_list = store_pg_resource_list,
    .token_ttl_record = store_pg_token_ttl_record,
    .token_ttl_max = store_pg_token_ttl_max,
    .session_client_add = store_pg_session_client_add,
    .backchannel_claim = store_pg_backchannel_claim,
    .backchannel_delete = store_pg_backchannel_delete,
    .backchannel_retry = store_pg_backchannel_retry,
    .secret_get_or_add = store_pg_secret_get_or_add,
    .totp_put = store_pg_totp_put,
    .totp_get = store_pg_totp_get,
    .totp_use = store_pg_totp_use,
    .totp_delete = store_pg_totp_delete,
    .recovery_codes_replace = store_pg_recovery_codes_replace,
    .recovery_code_use = store_pg_recovery_code_use,
    .recovery_codes_list = store_pg_recovery_codes_list,
    .factors_delete = store_pg_factors_delete,
    .pending_insert = store_pg_pending_insert,
    .pending_get = store_pg_pending_get,
    .pending_delete = store_pg_pending_delete,
    .sessions_of_user = store_pg_sessions_of_user,
    .session_end_for_user = store_pg_session_end_for_user,
    .passkey_insert = store_pg_passkey_insert,
    .passkey_get = store_pg_passkey_get,
    .passkeys_of_user = store_pg_passkeys_of_user,
    .passkey_use = store_pg_passkey_use,
    .passkey_rename = store_pg_passkey_rename,
    .passkey_delete = store_pg_passkey_delete,
    .webauthn_challenge_put = store_pg_webauthn_challenge_put,
    .webauthn_challenge_take = store_pg_webauthn_challenge_take,
};
