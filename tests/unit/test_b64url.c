#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/b64url.h"

/* RFC 4648 §10 vectors, in the URL alphabet without padding. */
static void encodes_rfc4648_vectors(void **state)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    char buf[16];
    size_t i;

    (void)state;
    for (i = 0; i < 7; i++) {
        assert_int_equal(b64url_encode(in[i], strlen(in[i]), buf), strlen(out[i]));
        assert_string_equal(buf, out[i]);
        assert_int_equal(b64url_encoded_len(strlen(in[i])), strlen(out[i]));
    }
}

static void uses_url_alphabet(void **state)
{
    const unsigned char raw[] = {0xfb, 0xff, 0xbf};
    unsigned char back[8];
    size_t n;
    char buf[8];

    (void)state;
    b64url_encode(raw, 3, buf);
    assert_string_equal(buf, "-_-_");
    assert_int_equal(b64url_decode(buf, 4, back, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(back, raw, 3);
}

static void decode_round_trips_every_length(void **state)
{
    unsigned char raw[64], back[64];
    char text[100];
    size_t n, len, i;

    (void)state;
    for (i = 0; i < sizeof raw; i++)
        raw[i] = (unsigned char)(i * 37 + 11);
    for (len = 0; len <= sizeof raw; len++) {
        size_t tl = b64url_encode(raw, len, text);
        assert_int_equal(b64url_decode(text, tl, back, &n), ERR_OK);
        assert_int_equal(n, len);
        assert_memory_equal(back, raw, len);
    }
}

static void decode_refuses_bad_input(void **state)
{
    unsigned char out[16];
    size_t n;

    (void)state;
    assert_int_equal(b64url_decode("Zg==", 4, out, &n), ERR_INVALID_REQUEST); /* padding */
    assert_int_equal(b64url_decode("Z", 1, out, &n), ERR_INVALID_REQUEST);    /* length */
    assert_int_equal(b64url_decode("Zm+v", 4, out, &n), ERR_INVALID_REQUEST); /* std char */
    assert_int_equal(b64url_decode("Zh", 2, out, &n), ERR_INVALID_REQUEST);   /* stray bits */
    assert_int_equal(b64url_decode("Z\0g", 3, out, &n), ERR_INVALID_REQUEST); /* NUL */
}

static void standard_base64_for_basic(void **state)
{
    unsigned char out[32];
    size_t n;

    (void)state;
    assert_int_equal(b64_decode("YTpi", 4, out, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a:b", 3);
    assert_int_equal(b64_decode("YQ==", 4, out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b64_decode("YQ", 2, out, &n), ERR_OK);
    assert_int_equal(b64_decode("+/+/", 4, out, &n), ERR_OK);
    assert_int_equal(b64_decode("-_-_", 4, out, &n), ERR_INVALID_REQUEST);
    assert_int_equal(b64_decode("Y===", 4, out, &n), ERR_INVALID_REQUEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_rfc4648_vectors),
        cmocka_unit_test(uses_url_alphabet),
        cmocka_unit_test(decode_round_trips_every_length),
        cmocka_unit_test(decode_refuses_bad_input),
        cmocka_unit_test(standard_base64_for_basic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
