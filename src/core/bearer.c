#include "core/bearer.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/text.h"

/* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=";
 * a table, as a JWT runs to a kilobyte and every bearer request scans it */
static const bool b64token_chars[256] = {
    ['A' ... 'Z'] = true, ['a' ... 'z'] = true, ['0' ... '9'] = true, ['-'] = true, ['.'] = true,
    ['_'] = true,         ['~'] = true,         ['+'] = true,         ['/'] = true,
};

enum err bearer_parse(const char *value, size_t len, const char **token, size_t *toklen)
{
    size_t i, start, end;

    if (value)
        text_trim_ows(&value, &len);
    if (!value || len < 6 || strncasecmp(value, "Bearer", 6) != 0)
        return ERR_NO_CREDENTIALS;
    if (len > 6 && value[6] != ' ')
        return ERR_NO_CREDENTIALS; /* "Bearerx …" is another scheme */
    i = 6;
    while (i < len && value[i] == ' ')
        i++;
    start = i;
    while (i < len && b64token_chars[(unsigned char)value[i]])
        i++;
    if (i == start)
        return ERR_INVALID_TOKEN;
    while (i < len && value[i] == '=')
        i++;
    end = i;
    if (i != len || end - start > LIMIT_JWT)
        return ERR_INVALID_TOKEN;
    *token = value + start;
    *toklen = end - start;
    return ERR_OK;
}

/* Appends name="value" (with a ", " before all but the first) at *at. */
static bool put_param(char *out, size_t n, size_t *at, const char *name, const char *value)
{
    size_t need = strlen(name) + 4 + (*at > 7 ? 2 : 0);
    const char *v;

    if (*at + need >= n)
        return false;
    if (*at > 7) {
        out[(*at)++] = ',';
        out[(*at)++] = ' ';
    }
    memcpy(out + *at, name, strlen(name));
    *at += strlen(name);
    out[(*at)++] = '=';
    out[(*at)++] = '"';
    for (v = value; *v; v++) {
        unsigned char c = (unsigned char)*v;
        /* a CR or LF would split the header; nothing here needs non-ASCII */
        if (c < 0x20 || c >= 0x7f)
            continue;
        if (*at + 3 >= n)
            return false;
        if (c == '"' || c == '\\')
            out[(*at)++] = '\\';
        out[(*at)++] = (char)c;
    }
    if (*at + 2 > n)
        return false;
    out[(*at)++] = '"';
    out[*at] = '\0';
    return true;
}

enum err bearer_challenge(char *out, size_t n, const char *realm, const char *error,
                          const char *desc, const char *scope)
{
    size_t at = 7;

    if (n < 8)
        return ERR_TOO_LARGE;
    memcpy(out, "Bearer ", 8);
    if (!put_param(out, n, &at, "realm", realm ? realm : "") ||
        (error && !put_param(out, n, &at, "error", error)) ||
        (desc && !put_param(out, n, &at, "error_description", desc)) ||
        (scope && !put_param(out, n, &at, "scope", scope)))
        return ERR_TOO_LARGE;
    return ERR_OK;
}
