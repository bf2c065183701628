#ifndef OIDCD_CORE_CBOR_INPUT_H
#define OIDCD_CORE_CBOR_INPUT_H

/* One CBOR item from untrusted bytes, decoded by libcbor after a bounds pass.
 *
 * libcbor's cbor_load allocates a definite array or map for the element count
 * its head declares, before it has seen a single element: nine bytes can ask
 * for gigabytes. So the bytes are first walked with libcbor's streaming
 * decoder (heads only, nothing allocated), which refuses a container that
 * declares more elements than bytes remain, nesting (arrays, maps,
 * tags) deeper than CBOR_INPUT_MAX_DEPTH, and a truncated item. Only an item that is whole and
 * plausible is then handed to cbor_load. */

#include <cbor.h>
#include <stddef.h>

#include "core/errors.h"

#define CBOR_INPUT_MAX_DEPTH 16

/* Decodes the first CBOR item of buf[0..len) into *out (caller owns: free
 * with cbor_decref) and its length in bytes into *used; bytes after the item
 * are left for the caller to judge. ERR_INVALID_REQUEST with *why set for
 * malformed, truncated, too deep or implausibly large input; ERR_NOMEM when
 * allocation fails. */
enum err cbor_input_load(const unsigned char *buf, size_t len, cbor_item_t **out, size_t *used,
                         const char **why);

#endif
