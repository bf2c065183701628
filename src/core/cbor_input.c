#include "core/cbor_input.h"

#include <stdbool.h>
#include <stdint.h>

/* A frame per open container: how many items it still needs (INDEFINITE for
 * one that ends at a break). */
#define INDEFINITE SIZE_MAX

struct walk {
    size_t need[CBOR_INPUT_MAX_DEPTH];
    int depth;
    size_t left; /* bytes from the current head to the end of the input */
    bool done;   /* the top-level item is complete */
    const char *why;
};

/* One item finished: it counts against the open containers, closing each
 * one it completes. */
static void item_done(struct walk *w)
{
    while (w->depth > 0) {
        size_t *need = &w->need[w->depth - 1];
        if (*need == INDEFINITE)
            return;
        if (--*need > 0)
            return;
        w->depth--;
    }
    w->done = true;
}

static void open_container(struct walk *w, size_t items)
{
    if (w->why)
        return;
    if (items == 0) {
        item_done(w);
        return;
    }
    if (w->depth == CBOR_INPUT_MAX_DEPTH) {
        w->why = "CBOR nested too deep";
        return;
    }
    w->need[w->depth++] = items;
}

static void on_leaf(void *ctx)
{
    item_done(ctx);
}

static void on_u8(void *ctx, uint8_t v)
{
    (void)v;
    item_done(ctx);
}

static void on_u16(void *ctx, uint16_t v)
{
    (void)v;
    item_done(ctx);
}

static void on_u32(void *ctx, uint32_t v)
{
    (void)v;
    item_done(ctx);
}

static void on_u64(void *ctx, uint64_t v)
{
    (void)v;
    item_done(ctx);
}

static void on_bytes(void *ctx, cbor_data p, size_t n)
{
    (void)p;
    (void)n;
    item_done(ctx);
}

static void on_float(void *ctx, float v)
{
    (void)v;
    item_done(ctx);
}

static void on_double(void *ctx, double v)
{
    (void)v;
    item_done(ctx);
}

static void on_bool(void *ctx, bool v)
{
    (void)v;
    item_done(ctx);
}

/* A tag wraps the one item after it: a frame of its own, so that a run of
 * tags counts as nesting (libcbor frees nested items recursively). */
static void on_tag(void *ctx, uint64_t v)
{
    (void)v;
    open_container(ctx, 1);
}

static void on_indefinite(void *ctx)
{
    open_container(ctx, INDEFINITE);
}

static void on_array(void *ctx, size_t n)
{
    struct walk *w = ctx;
    /* every element takes at least one byte */
    if (n > w->left)
        w->why = "CBOR array longer than its input";
    open_container(w, n);
}

static void on_map(void *ctx, size_t n)
{
    struct walk *w = ctx;
    if (n > w->left / 2)
        w->why = "CBOR map longer than its input";
    open_container(w, n * 2);
}

static void on_break(void *ctx)
{
    struct walk *w = ctx;
    if (w->depth == 0 || w->need[w->depth - 1] != INDEFINITE) {
        w->why = "CBOR break outside an indefinite item";
        return;
    }
    w->depth--;
    item_done(w);
}

static const struct cbor_callbacks walk_callbacks = {
    .uint8 = on_u8,
    .uint16 = on_u16,
    .uint32 = on_u32,
    .uint64 = on_u64,
    .negint8 = on_u8,
    .negint16 = on_u16,
    .negint32 = on_u32,
    .negint64 = on_u64,
    .byte_string_start = on_indefinite,
    .byte_string = on_bytes,
    .string = on_bytes,
    .string_start = on_indefinite,
    .indef_array_start = on_indefinite,
    .array_start = on_array,
    .indef_map_start = on_indefinite,
    .map_start = on_map,
    .tag = on_tag,
    .float2 = on_float,
    .float4 = on_float,
    .float8 = on_double,
    .undefined = on_leaf,
    .null = on_leaf,
    .boolean = on_bool,
    .indef_break = on_break,
};

/* The length of the first item, walked head by head without allocating. */
static enum err walk_item(const unsigned char *buf, size_t len, size_t *used, const char **why)
{
    struct walk w = {.depth = 0};
    size_t pos = 0;

    while (!w.done) {
        struct cbor_decoder_result r;
        if (pos >= len) {
            *why = "CBOR truncated";
            return ERR_INVALID_REQUEST;
        }
        w.left = len - pos;
        r = cbor_stream_decode(buf + pos, len - pos, &walk_callbacks, &w);
        if (r.status == CBOR_DECODER_NEDATA) {
            *why = "CBOR truncated";
            return ERR_INVALID_REQUEST;
        }
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
            *why = "CBOR malformed";
            return ERR_INVALID_REQUEST;
        }
        if (w.why) {
            *why = w.why;
            return ERR_INVALID_REQUEST;
        }
        pos += r.read;
    }
    *used = pos;
    return ERR_OK;
}

enum err cbor_input_load(const unsigned char *buf, size_t len, cbor_item_t **out, size_t *used,
                         const char **why)
{
    struct cbor_load_result res;
    cbor_item_t *item;
    size_t n = 0;
    enum err rc;

    *out = NULL;
    rc = walk_item(buf, len, &n, why);
    if (rc)
        return rc;
    item = cbor_load(buf, n, &res);
    if (!item) {
        *why = "CBOR malformed";
        return res.error.code == CBOR_ERR_MEMERROR ? ERR_NOMEM : ERR_INVALID_REQUEST;
    }
    if (res.read != n) {
        /* the walk and the decoder must agree on where the item ends */
        cbor_decref(&item);
        *why = "CBOR malformed";
        return ERR_INVALID_REQUEST;
    }
    *out = item;
    *used = n;
    return ERR_OK;
}
