#include "jose/kek.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rand.h"

#define VERSION 1
#define NONCE_LEN 12
#define TAG_LEN 16
#define HEADER_LEN (1 + NONCE_LEN)
#define HEX_LEN (2 * KEK_LEN)

static const char hexdigits[] = "0123456789abcdef";

static int hexval(char c)
{
    const char *p = c ? strchr(hexdigits, c) : NULL;

    return p ? (int)(p - hexdigits) : -1;
}

static enum err create_file(const char *path, struct kek *out, char *why, size_t whylen)
{
    char text[HEX_LEN + 1];
    ssize_t w;
    int fd, i;

    if (rand_bytes(out->key, KEK_LEN))
        return ERR_CRYPTO;
    for (i = 0; i < KEK_LEN; i++) {
        text[2 * i] = hexdigits[out->key[i] >> 4];
        text[2 * i + 1] = hexdigits[out->key[i] & 15];
    }
    text[HEX_LEN] = '\n';
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, whylen, "cannot create encryption key file %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    w = write(fd, text, sizeof text);
    OPENSSL_cleanse(text, sizeof text);
    if (w != (ssize_t)sizeof text || fsync(fd) != 0) {
        snprintf(why, whylen, "cannot write encryption key file %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return ERR_IO;
    }
    close(fd);
    return ERR_OK;
}

/* As ssh does with private keys: the file must be a regular file (not a
 * symlink), owned by this user and unreadable to anyone else. */
static enum err check_file(int fd, const char *path, char *why, size_t whylen)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot stat encryption key file %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "encryption key file %s is not a regular file", path);
        return ERR_CONFIG;
    }
    if (st.st_uid != geteuid()) {
        snprintf(why, whylen,
                 "encryption key file %s is owned by uid %lu, not by this server's user (uid "
                 "%lu): chown %lu %s",
                 path, (unsigned long)st.st_uid, (unsigned long)geteuid(), (unsigned long)geteuid(),
                 path);
        return ERR_CONFIG;
    }
    if (st.st_mode & 077) {
        snprintf(why, whylen,
                 "encryption key file %s is readable or writable by %s (mode %03o): chmod 600 %s",
                 path, st.st_mode & 070 ? "its group" : "others", (unsigned)(st.st_mode & 0777),
                 path);
        return ERR_CONFIG;
    }
    return ERR_OK;
}

enum err kek_load(const char *path, struct kek *out, char *why, size_t whylen)
{
    char text[HEX_LEN + 8];
    ssize_t n;
    int fd, i;
    enum err rc = ERR_OK;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP) {
        snprintf(why, whylen, "encryption key file %s is a symbolic link: name the file itself",
                 path);
        return ERR_CONFIG;
    }
    if (fd < 0) {
        snprintf(why, whylen, "cannot read encryption key file %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    rc = check_file(fd, path, why, whylen);
    if (rc) {
        close(fd);
        return rc;
    }
    n = read(fd, text, sizeof text);
    if (n < 0) {
        snprintf(why, whylen, "cannot read encryption key file %s: %s", path, strerror(errno));
        close(fd);
        return ERR_IO;
    }
    close(fd);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    if (n != HEX_LEN)
        rc = ERR_CONFIG;
    for (i = 0; !rc && i < KEK_LEN; i++) {
        int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            rc = ERR_CONFIG;
        else
            out->key[i] = (unsigned char)(hi << 4 | lo);
    }
    OPENSSL_cleanse(text, sizeof text);
    if (rc)
        snprintf(why, whylen, "encryption key file %s must hold %d lower-case hex digits", path,
                 HEX_LEN);
    return rc;
}

enum err kek_load_or_create(const char *path, struct kek *out, char *why, size_t whylen)
{
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        enum err rc = create_file(path, out, why, whylen);
        /* another process may have created it first: use theirs */
        if (rc != ERR_IO || errno != EEXIST)
            return rc;
    }
    return kek_load(path, out, why, whylen);
}

/* One AES-256-GCM pass; enc selects the direction. tag is read (decrypt) or
 * written (encrypt). */
static enum err gcm(const struct kek *k, int enc, const unsigned char *nonce, const char *aad,
                    const unsigned char *in, size_t n, unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    enum err rc = ERR_CRYPTO;
    int len;

    if (!ctx || n > 0x7fffffff)
        goto out;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->key, nonce, enc) != 1)
        goto out;
    if (EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1)
        goto out;
    if (EVP_CipherUpdate(ctx, out, &len, in, (int)n) != 1)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(ctx, out + len, &len) != 1)
        goto out;
    if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
        goto out;
    rc = ERR_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

enum err kek_seal(const struct kek *k, const char *aad, const void *in, size_t n,
                  unsigned char **out, size_t *outlen)
{
    size_t total = HEADER_LEN + n + TAG_LEN;
    unsigned char *buf = malloc(total);
    enum err rc;

    if (!buf)
        return ERR_NOMEM;
    buf[0] = VERSION;
    rc = rand_bytes(buf + 1, NONCE_LEN);
    if (!rc)
        rc = gcm(k, 1, buf + 1, aad, in, n, buf + HEADER_LEN, buf + HEADER_LEN + n);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = total;
    return ERR_OK;
}

enum err kek_open(const struct kek *k, const char *aad, const unsigned char *in, size_t n,
                  char **out)
{
    size_t len;
    unsigned char tag[TAG_LEN];
    char *buf;
    enum err rc;

    if (n < HEADER_LEN + TAG_LEN || in[0] != VERSION)
        return ERR_CRYPTO;
    len = n - HEADER_LEN - TAG_LEN;
    buf = malloc(len + 1);
    if (!buf)
        return ERR_NOMEM;
    memcpy(tag, in + HEADER_LEN + len, TAG_LEN);
    rc = gcm(k, 0, in + 1, aad, in + HEADER_LEN, len, (unsigned char *)buf, tag);
    if (rc) {
        OPENSSL_cleanse(buf, len);
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    return ERR_OK;
}
