#ifndef OIDCD_UI_QR_SVG_H
#define OIDCD_UI_QR_SVG_H

/* A QR code as an inline SVG element, for the TOTP enrolment page: the
 * otpauth:// URI drawn so a phone's camera can read it. Pages embed the
 * element itself, not a data: URI in an <img>, so the pages' CSP keeps
 * img-src 'self' (an inline <svg> fetches nothing, and it carries no
 * script and no style attribute for script-src or style-src to refuse). */

#include <stddef.h>

#include "core/errors.h"

#define QR_SVG_INPUT_MAX 512 /* bytes of the text drawn (version 18 at level M) */
#define QR_SVG_MAX 131072    /* bytes of the SVG, ample for that input */
#define QR_SVG_LABEL_MAX 256 /* bytes of the aria-label */
#define QR_SVG_QUIET 4       /* modules of white border, as ISO/IEC 18004 asks */
#define QR_SVG_SCALE 5       /* CSS pixels per module of the default size */

/* Draws the len bytes of text as a QR code (byte mode, error correction level
 * M, the smallest version that holds it) into a new NUL-terminated string
 * *out of *outlen bytes (caller frees): one <svg> with a viewBox in module
 * units, a white background that includes the quiet zone, the dark modules
 * as one <path>, shape-rendering="crispEdges", role="img" and aria-label
 * label (HTML-escaped). ERR_INVALID_REQUEST for empty or over-long text or
 * label; ERR_NOMEM; ERR_SERVER_ERROR when libqrencode fails otherwise. */
enum err qr_svg_new(const char *text, size_t len, const char *label, char **out, size_t *outlen);

/* The one kind of markup a page puts in without escaping (ui/render.c's
 * QR slot): only qr_svg_make fills it, so no other text can take its place.
 * Free with qr_svg_clear. */
struct qr_svg {
    char *svg;
    size_t len;
};

/* qr_svg_new into *out. */
enum err qr_svg_make(const char *text, size_t len, const char *label, struct qr_svg *out);
void qr_svg_clear(struct qr_svg *q);

#endif
