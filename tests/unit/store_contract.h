/* The store contract suite: what every backend must do, checked through
 * store/store.h alone (never a backend's tables). test_store_contract.c runs
 * every case once per URL of OIDCD_TEST_DATABASE_URLS.
 *
 * A case may share its database with earlier cases and earlier runs (a
 * PostgreSQL URL is one database the suite cannot recreate): every id,
 * hash, sid and family a case writes carries the case's random tag, and a
 * case looks only at its own rows. Where a result is global (a sweep's
 * count, a list), a case asserts the exact value only when `fresh` says the
 * store holds nothing but what the case wrote. */
#ifndef OIDCD_TESTS_STORE_CONTRACT_H
#define OIDCD_TESTS_STORE_CONTRACT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/hash.h"
#include "store/store.h"

#define CT_NAME_MAX 64 /* = STORE_JTI_MAX = STORE_SID_MAX */

struct ct {
    struct store *s;
    bool fresh;               /* the store was empty when the case began */
    char tag[13];             /* random, in every name the case writes */
    char client[CT_NAME_MAX]; /* a confidential client set-up registers */
    char user[CT_NAME_MAX];   /* an enabled user set-up registers (username = sub) */
    char sid[STORE_SID_MAX];  /* the sid ct_code binds codes to */
    void *temp;               /* a fresh SQLite file's directory, else NULL */
};

/* cmocka set-up and tear-down of a struct ct in *state: a store opened on
 * the current URL, a new tag, t->client and t->user registered. */
int ct_setup(void **state);
int ct_teardown(void **state);

/* "what-TAG" into out (n bytes). */
void ct_name(const struct ct *t, const char *what, char *out, size_t n);
#define CT_NAME(t, what, buf) ct_name((t), (what), (buf), sizeof(buf))
/* The SHA-256 of "what-TAG": the stored form of a code, token or cookie. */
void ct_hash(const struct ct *t, const char *what, unsigned char out[HASH_LEN]);

/* Registers confidential client id (grant types authorization_code and
 * refresh_token, scope "openid"), with a back-channel logout URI or NULL. */
enum err ct_add_client(struct ct *t, const char *id, const char *backchannel_uri);
/* Registers the enabled user sub with this username and no password. */
enum err ct_add_user(struct ct *t, const char *sub, const char *username);

/* Rows of t->client and t->user, named by what; their strings are
 * borrowed from t and from literals (nothing to free). */
struct session ct_session(const struct ct *t, const char *what, int64_t expires_at);
struct auth_code ct_code(const struct ct *t, const char *what);
struct refresh_token ct_refresh(const struct ct *t, const char *what, const char *family);

/* Stores an opaque access token of t->client, hash of "what-TAG", with
 * this jti (NULL: "what-TAG") and expiry. */
void ct_add_token(const struct ct *t, const char *what, const char *jti, int64_t expires_at);
/* Whether that token is stored. */
bool ct_token_stored(const struct ct *t, const char *what);

/* Whether token_state reports jti revoked (for t->client). */
bool ct_revoked(const struct ct *t, const char *jti);

/* A delivery as ct_claim reports it. */
struct ct_delivery {
    int64_t id;
    char client_id[LIMIT_CLIENT_ID + 1];
    char sub[LIMIT_SUB + 1];
    int attempts;
};
/* Claims every delivery due at now (holding it until `until`, > now) and
 * keeps those of session sid in out (at most max); returns how many. Other
 * cases' deliveries are claimed too: the queue is global. */
size_t ct_claim(const struct ct *t, int64_t now, int64_t until, const char *sid,
                struct ct_delivery *out, size_t max);

/* Deletes the deliveries of session sid, claiming every delivery first at
 * a time far beyond any case's: what other cases left is held there, never
 * claimed again by the suite. */
void ct_forget(const struct ct *t, const char *sid);

/* The cases of each area. */
extern const struct CMUnitTest ct_clients_tests[];
extern const size_t ct_clients_count;
extern const struct CMUnitTest ct_signin_tests[];
extern const size_t ct_signin_count;
extern const struct CMUnitTest ct_users_tests[];
extern const size_t ct_users_count;
extern const struct CMUnitTest ct_consents_tests[];
extern const size_t ct_consents_count;
extern const struct CMUnitTest ct_sweep_tests[];
extern const size_t ct_sweep_count;
extern const struct CMUnitTest ct_factors_tests[];
extern const size_t ct_factors_count;
extern const struct CMUnitTest ct_passkeys_tests[];
extern const size_t ct_passkeys_count;

#define CT_CASE(f) cmocka_unit_test_setup_teardown(f, ct_setup, ct_teardown)

#endif
