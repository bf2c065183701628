#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

static char path[64];

static const char *write_file(const char *text)
{
    FILE *f;
    int fd;

    snprintf(path, sizeof path, "/tmp/oidcd-config-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static int teardown(void **state)
{
    (void)state;
    if (path[0])
        unlink(path);
    path[0] = '\0';
    unsetenv("OIDCD_TOKENS_ACCESS_TOKEN_TTL");
    unsetenv("OIDCD_SERVER_ISSUER");
    return 0;
}

static void defaults(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_OK);
    assert_string_equal(c.issuer, "http://127.0.0.1:8000");
    assert_string_equal(c.issuer_path, "");
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.listen_port, 8000);
    assert_string_equal(c.database_url, "sqlite:oidcd.db");
    assert_int_equal(c.access_token_ttl, 3600);
    assert_true(c.threads >= 1);
}

static void file_values(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    write_file("; comment\n[server]\nissuer = https://id.example.com/oidc\nlisten = [::1]:9000\n"
               "threads = 3\n[tokens]\naccess_token_ttl = 120\n");
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_string_equal(c.issuer, "https://id.example.com/oidc");
    assert_string_equal(c.issuer_path, "/oidc");
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 9000);
    assert_int_equal(c.threads, 3);
    assert_int_equal(c.access_token_ttl, 120);
}

static void env_wins_over_file(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    write_file("[tokens]\naccess_token_ttl = 120\n");
    setenv("OIDCD_TOKENS_ACCESS_TOKEN_TTL", "77", 1);
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.access_token_ttl, 77);
}

static void bad_env_value_is_reported(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    setenv("OIDCD_TOKENS_ACCESS_TOKEN_TTL", "soon", 1);
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "OIDCD_TOKENS_ACCESS_TOKEN_TTL"));
}

static void unknown_key_is_an_error(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    write_file("[server]\nbogus = 1\n");
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "bogus"));
}

static void bad_values_are_errors(void **state)
{
    static const char *const bad[] = {
        "[server]\nthreads = abc\n",
        "[server]\nthreads = 3x\n",
        "[tokens]\naccess_token_ttl = -5\n",
        "[tokens]\naccess_token_ttl = 0\n",
        "[server]\nlisten = nohost\n",
        "[server]\nlisten = []:80\n",
        "[server]\nlisten = [:80\n",
        "[server]\nlisten = 127.0.0.1:99999\n",
        "[server]\nissuer = ftp://x\n",
        "[server]\nissuer = https://x/\n",
        "[server]\nissuer = https://x?a=b\n",
        "[keys]\nalgorithm = HS256\n",
        "not ini at all\n",
    };
    struct config c;
    char why[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(bad[i]);
        assert_int_equal(config_load(&c, path, why, sizeof why), ERR_CONFIG);
        assert_true(strlen(why) > 0);
        assert_null(strchr(why, '\n'));
        unlink(path);
    }
}

static void missing_file_is_an_error(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    assert_int_equal(config_load(&c, "/nonexistent/oidcd.ini", why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "/nonexistent/oidcd.ini"));
    assert_int_equal(config_load(&c, "/tmp", why, sizeof why), ERR_CONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(defaults, teardown),
        cmocka_unit_test_teardown(file_values, teardown),
        cmocka_unit_test_teardown(env_wins_over_file, teardown),
        cmocka_unit_test_teardown(bad_env_value_is_reported, teardown),
        cmocka_unit_test_teardown(unknown_key_is_an_error, teardown),
        cmocka_unit_test_teardown(bad_values_are_errors, teardown),
        cmocka_unit_test_teardown(missing_file_is_an_error, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
