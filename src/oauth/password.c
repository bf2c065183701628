#include "oauth/password.h"

#include <argon2.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#define SALT_LEN 16
#define HASH_LEN_BYTES 32

struct password_policy {
    uint32_t m_cost, t_cost, lanes;
    sem_t turns; /* hashes that may run now */
    char *dummy; /* the hash of a random password */
};

static void take_turn(struct password_policy *p)
{
    while (sem_wait(&p->turns) != 0 && errno == EINTR)
        ;
}

static void give_turn(struct password_policy *p)
{
    sem_post(&p->turns);
}

static bool length_ok(size_t len)
{
    return len > 0 && len <= LIMIT_PASSWORD;
}

enum err password_hash(struct password_policy *p, const char *password, size_t len, char **out)
{
    unsigned char salt[SALT_LEN];
    size_t n;
    char *enc;
    int rc;

    if (!length_ok(len))
        return ERR_INVALID_REQUEST;
    if (RAND_bytes(salt, sizeof salt) != 1)
        return ERR_CRYPTO;
    n = argon2_encodedlen(p->t_cost, p->m_cost, p->lanes, SALT_LEN, HASH_LEN_BYTES, Argon2_id);
    enc = malloc(n);
    if (!enc)
        return ERR_NOMEM;
    take_turn(p);
    rc = argon2id_hash_encoded(p->t_cost, p->m_cost, p->lanes, password, len, salt, SALT_LEN,
                               HASH_LEN_BYTES, enc, n);
    give_turn(p);
    if (rc != ARGON2_OK) {
        free(enc);
        return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ERR_NOMEM : ERR_CRYPTO;
    }
    *out = enc;
    return ERR_OK;
}

/* Reads "NAME=DIGITS" at *s (NAME one letter), moving *s past it. */
static bool read_param(const char **s, char name, uint32_t *out)
{
    const char *q = *s;
    uint64_t v = 0;

    if (q[0] != name || q[1] != '=' || q[2] < '0' || q[2] > '9')
        return false;
    for (q += 2; *q >= '0' && *q <= '9'; q++) {
        v = v * 10 + (uint64_t)(*q - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    *s = q;
    return true;
}

/* True when encoded's m, t and p are the policy's and it is version 19. */
static bool same_params(const struct password_policy *p, const char *encoded)
{
    static const char prefix[] = "$argon2id$v=19$";
    const char *s = encoded;
    uint32_t m, t, lanes;

    if (strncmp(s, prefix, sizeof prefix - 1) != 0)
        return false;
    s += sizeof prefix - 1;
    if (!read_param(&s, 'm', &m) || *s++ != ',' || !read_param(&s, 't', &t) || *s++ != ',' ||
        !read_param(&s, 'p', &lanes) || *s != '$')
        return false;
    return m == p->m_cost && t == p->t_cost && lanes == p->lanes;
}

enum err password_verify(struct password_policy *p, const char *encoded, const char *password,
                         size_t len, bool *rehash)
{
    int rc;

    *rehash = false;
    if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0 || !length_ok(len)) {
        password_verify_dummy(p, password, len);
        return ERR_ACCESS_DENIED;
    }
    take_turn(p);
    rc = argon2id_verify(encoded, password, len);
    give_turn(p);
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
        return ERR_NOMEM;
    if (rc != ARGON2_OK)
        return ERR_ACCESS_DENIED;
    *rehash = !same_params(p, encoded);
    return ERR_OK;
}

void password_verify_dummy(struct password_policy *p, const char *password, size_t len)
{
    static const char filler[] = "oidcd dummy password";

    if (!length_ok(len)) {
        password = filler;
        len = sizeof filler - 1;
    }
    take_turn(p);
    (void)argon2id_verify(p->dummy, password, len);
    give_turn(p);
}

enum err password_policy_new(const struct config *cfg, unsigned max_at_once,
                             struct password_policy **out)
{
    struct password_policy *p = calloc(1, sizeof *p);
    unsigned char secret[32];
    enum err rc = ERR_CRYPTO;

    if (!p)
        return ERR_NOMEM;
    p->m_cost = (uint32_t)cfg->argon2_memory_kib;
    p->t_cost = (uint32_t)cfg->argon2_iterations;
    p->lanes = (uint32_t)cfg->argon2_parallelism;
    if (sem_init(&p->turns, 0, max_at_once ? max_at_once : 1) != 0) {
        free(p);
        return ERR_NOMEM;
    }
    /* the dummy's password is random and forgotten: nothing ever matches it */
    if (RAND_bytes(secret, sizeof secret) == 1)
        rc = password_hash(p, (const char *)secret, sizeof secret, &p->dummy);
    OPENSSL_cleanse(secret, sizeof secret);
    if (rc) {
        password_policy_free(p);
        return rc;
    }
    *out = p;
    return ERR_OK;
}

void password_policy_free(struct password_policy *p)
{
    if (!p)
        return;
    sem_destroy(&p->turns);
    free(p->dummy);
    free(p);
}
