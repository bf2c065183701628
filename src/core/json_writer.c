#include "core/json_writer.h"

#include <string.h>

#include "core/text.h"

static void put(struct json_writer *w, const void *p, size_t n)
{
    if (!w->rc)
        w->rc = buf_append(&w->b, p, n);
}

static void put_escaped(struct json_writer *w, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', (char)c};

    switch (c) {
    case '"':
    case '\\':
        break;
    case '\b':
        esc[1] = 'b';
        break;
    case '\f':
        esc[1] = 'f';
        break;
    case '\n':
        esc[1] = 'n';
        break;
    case '\r':
        esc[1] = 'r';
        break;
    case '\t':
        esc[1] = 't';
        break;
    default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        put(w, esc, 6);
        return;
    }
    put(w, esc, 2);
}

/* Runs of plain ASCII go out in one append; the rest byte by byte. */
static void put_string(struct json_writer *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s), *run = p;
    size_t n;

    put(w, "\"", 1);
    while (p < end) {
        if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
            p++;
            continue;
        }
        put(w, run, (size_t)(p - run));
        if (*p < 0x80) {
            put_escaped(w, *p);
            n = 1;
        } else if ((n = text_utf8_len(p, end)) != 0) {
            put(w, p, n);
        } else {
            put(w, "\\ufffd", 6);
            n = 1;
        }
        p += n;
        run = p;
    }
    put(w, run, (size_t)(p - run));
    put(w, "\"", 1);
}

static void put_key(struct json_writer *w, const char *key)
{
    put(w, w->any ? "," : "{", 1);
    w->any = true;
    put_string(w, key);
    put(w, ":", 1);
}

void json_writer_begin(struct json_writer *w, size_t max)
{
    buf_init(&w->b, max);
    w->rc = ERR_OK;
    w->any = false;
}

void json_writer_string(struct json_writer *w, const char *key, const char *value)
{
    if (!value && !w->rc)
        w->rc = ERR_SERVER_ERROR; /* a member the caller meant to have is missing */
    put_key(w, key);
    if (!w->rc)
        put_string(w, value);
}

void json_writer_strings(struct json_writer *w, const char *key, const char *const *values,
                         size_t n)
{
    size_t i;

    put_key(w, key);
    put(w, "[", 1);
    for (i = 0; i < n && !w->rc; i++) {
        if (i)
            put(w, ",", 1);
        if (!values[i])
            w->rc = ERR_SERVER_ERROR;
        else
            put_string(w, values[i]);
    }
    put(w, "]", 1);
}

void json_writer_int(struct json_writer *w, const char *key, int64_t value)
{
    char text[TEXT_INT_SIZE];
    size_t n = text_int(text, value);

    put_key(w, key);
    put(w, text, n);
}

void json_writer_bool(struct json_writer *w, const char *key, bool value)
{
    put_key(w, key);
    put(w, value ? "true" : "false", value ? 4 : 5);
}

void json_writer_raw(struct json_writer *w, const char *key, const char *json, size_t len)
{
    put_key(w, key);
    put(w, json, len);
}

char *json_writer_finish(struct json_writer *w, size_t *len)
{
    char *text;

    put(w, w->any ? "}" : "{}", w->any ? 1 : 2);
    if (w->rc) {
        buf_free(&w->b);
        return NULL;
    }
    *len = w->b.len;
    text = buf_take(&w->b);
    return text;
}
