#include "ui/qr_svg.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "ui/render.h"

static enum err append_int(struct buf *b, const char *before, int v)
{
    char num[TEXT_INT_SIZE];
    size_t n = text_int(num, v);
    enum err rc = buf_append_str(b, before);

    return rc ? rc : buf_append(b, num, n);
}

/* The dark modules of one row as runs: "M x y h n v1 h -n z" each. */
static enum err draw_row(struct buf *b, const QRcode *qr, int y)
{
    const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
    enum err rc = ERR_OK;
    int x = 0, start;

    while (!rc && x < qr->width) {
        if (!(row[x] & 1)) {
            x++;
            continue;
        }
        for (start = x; x < qr->width && (row[x] & 1); x++)
            ;
        rc = append_int(b, "M", start + QR_SVG_QUIET);
        if (!rc)
            rc = append_int(b, " ", y + QR_SVG_QUIET);
        if (!rc)
            rc = append_int(b, "h", x - start);
        if (!rc)
            rc = append_int(b, "v1h", start - x);
        if (!rc)
            rc = buf_append_str(b, "z");
    }
    return rc;
}

static enum err draw(struct buf *b, const QRcode *qr, const char *label)
{
    int size = qr->width + 2 * QR_SVG_QUIET, y;
    enum err rc = buf_append_str(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0");

    if (!rc)
        rc = append_int(b, " ", size);
    if (!rc)
        rc = append_int(b, " ", size);
    if (!rc)
        rc = append_int(b, "\" width=\"", size * QR_SVG_SCALE);
    if (!rc)
        rc = append_int(b, "\" height=\"", size * QR_SVG_SCALE);
    if (!rc)
        rc = buf_append_str(b, "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"");
    if (!rc)
        rc = ui_escape(b, label);
    if (!rc)
        rc = buf_append_str(b, "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                               "<path fill=\"#000\" d=\"");
    for (y = 0; !rc && y < qr->width; y++)
        rc = draw_row(b, qr, y);
    if (!rc)
        rc = buf_append_str(b, "\"/></svg>");
    return rc;
}

enum err qr_svg_new(const char *text, size_t len, const char *label, char **out, size_t *outlen)
{
    QRcode *qr = NULL;
    struct buf b;
    enum err rc;

    buf_init(&b, QR_SVG_MAX);
    if (!text || !len || len > QR_SVG_INPUT_MAX || !label || !*label ||
        strlen(label) > QR_SVG_LABEL_MAX)
        return ERR_INVALID_REQUEST;
    errno = 0;
    qr = QRcode_encodeData((int)len, (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!qr) {
        rc = errno == ENOMEM ? ERR_NOMEM : ERR_SERVER_ERROR;
        goto out;
    }
    rc = draw(&b, qr, label);
    if (rc)
        goto out;
    *outlen = b.len;
    *out = buf_take(&b);
out:
    if (qr)
        QRcode_free(qr);
    buf_free(&b);
    return rc;
}

enum err qr_svg_make(const char *text, size_t len, const char *label, struct qr_svg *out)
{
    out->svg = NULL;
    out->len = 0;
    return qr_svg_new(text, len, label, &out->svg, &out->len);
}

void qr_svg_clear(struct qr_svg *q)
{
    if (!q)
        return;
    free(q->svg);
    q->svg = NULL;
    q->len = 0;
}
