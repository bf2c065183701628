#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/base32.h"

/* RFC 4648 §10, padding left off */
static const struct {
    const char *in, *out;
} vectors[] = {
    {"", ""},
    {"f", "MY"},
    {"fo", "MZXQ"},
    {"foo", "MZXW6"},
    {"foob", "MZXW6YQ"},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI"},
};

static void encodes_rfc4648_vectors(void **state)
{
    char out[32];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        size_t n = strlen(vectors[i].in);
        assert_int_equal(base32_encoded_len(n), strlen(vectors[i].out));
        assert_int_equal(base32_encode(vectors[i].in, n, out), strlen(vectors[i].out));
        assert_string_equal(out, vectors[i].out);
    }
}

static void decodes_rfc4648_vectors_either_case(void **state)
{
    unsigned char out[32];
    char lower[32];
    size_t i, j, n;

    (void)state;
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const char *t = vectors[i].out;
        assert_int_equal(base32_decode(t, strlen(t), out, &n), ERR_OK);
        assert_int_equal(n, strlen(vectors[i].in));
        assert_memory_equal(out, vectors[i].in, n);
        for (j = 0; t[j]; j++)
            lower[j] = (char)(t[j] >= 'A' && t[j] <= 'Z' ? t[j] - 'A' + 'a' : t[j]);
        assert_int_equal(base32_decode(lower, j, out, &n), ERR_OK);
        assert_memory_equal(out, vectors[i].in, n);
    }
}

static void round_trips_every_byte_and_length(void **state)
{
    unsigned char in[40], out[40];
    char text[80];
    size_t n, len, got;

    (void)state;
    for (n = 0; n < sizeof in; n++)
        in[n] = (unsigned char)(n * 37 + 255);
    for (n = 0; n <= sizeof in; n++) {
        len = base32_encode(in, n, text);
        assert_int_equal(len, base32_encoded_len(n));
        assert_int_equal(base32_decode(text, len, out, &got), ERR_OK);
        assert_int_equal(got, n);
        assert_memory_equal(out, in, n);
    }
}

static void decode_refuses_bad_input(void **state)
{
    unsigned char out[32];
    size_t n;

    (void)state;
    assert_int_equal(base32_decode("MY======", 8, out, &n), ERR_INVALID_REQUEST); /* padding */
    assert_int_equal(base32_decode("M1", 2, out, &n), ERR_INVALID_REQUEST);       /* not base32 */
    assert_int_equal(base32_decode("M8", 2, out, &n), ERR_INVALID_REQUEST);
    assert_int_equal(base32_decode("MZ XQ", 5, out, &n), ERR_INVALID_REQUEST);
    assert_int_equal(base32_decode("M", 1, out, &n), ERR_INVALID_REQUEST);   /* no byte count */
    assert_int_equal(base32_decode("MZX", 3, out, &n), ERR_INVALID_REQUEST); /* has 3 chars */
    assert_int_equal(base32_decode("MZXW6Y", 6, out, &n), ERR_INVALID_REQUEST);
    /* "MZ" would carry bits past the one byte of "MY": not the text of any bytes */
    assert_int_equal(base32_decode("MZ", 2, out, &n), ERR_INVALID_REQUEST);
    assert_int_equal(base32_decode("MZXR", 4, out, &n), ERR_INVALID_REQUEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_rfc4648_vectors),
        cmocka_unit_test(decodes_rfc4648_vectors_either_case),
        cmocka_unit_test(round_trips_every_byte_and_length),
        cmocka_unit_test(decode_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
