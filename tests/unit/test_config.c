#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/claim_name.h"
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
    unsetenv("OIDCD_DATABASE_URL");
    unsetenv("OIDCD_PASSWORDS_ARGON2_MEMORY_KIB");
    unsetenv("OIDCD_CLAIMS_EXTRA");
    unsetenv("OIDCD_UI_TEMPLATES_DIR");
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
    assert_string_equal(c.listen.host, "127.0.0.1");
    assert_int_equal(c.listen.port, 8000);
    assert_string_equal(c.database_url, "sqlite:oidcd.db");
    assert_int_equal(c.database_timeout_ms, 5000);
    assert_int_equal(c.access_token_ttl, 3600);
    assert_int_equal(c.refresh_token_max_lifetime, 7776000);
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
    assert_string_equal(c.listen.host, "::1");
    assert_int_equal(c.listen.port, 9000);
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
        "[tokens]\nrefresh_token_max_lifetime = 0\n",
        "[tokens]\nrefresh_token_max_lifetime = 315360001\n",
        "[server]\nlisten = nohost\n",
        "[server]\nlisten = []:80\n",
        "[server]\nlisten = [:80\n",
        "[server]\nlisten = 127.0.0.1:99999\n",
        "[server]\nissuer = ftp://x\n",
        "[server]\nissuer = https://x/\n",
        "[server]\nissuer = https://x?a=b\n",
        "[keys]\nalgorithm = HS256\n",
        "not ini at all\n",
        /* the issuer needs a host, and a port within 1-65535 */
        "[server]\nissuer = http://:80\n",
        "[server]\nissuer = http://\n",
        "[server]\nissuer = https:///oidc\n",
        "[server]\nissuer = http://x:99999\n",
        "[server]\nissuer = http://x:0\n",
        "[server]\nissuer = http://x:\n",
        "[server]\nissuer = http://x:8o\n",
        "[server]\nissuer = http://x:80:80\n",
        "[server]\nissuer = http://user@x\n",
        "[server]\nissuer = http://[]:80\n",
        "[server]\nissuer = http://[::1\n",
        "[server]\nissuer = http://[g::1]\n",
        "[server]\nissuer = http://[zz]:80\n",
        /* key = value, not inih's other form key: value */
        "[server]\nthreads: 4\n",
        "[server]\nissuer: http://x\n",
        "[server]\nlisten = 127.0.0.1:+80\n",
        /* database.url: sqlite:PATH with a real path, or PostgreSQL's */
        "[database]\nurl = mysql://x\n",
        "[database]\nurl = oidcd.db\n",
        "[database]\nurl = sqlite:\n",
        "[database]\nurl = sqlite::memory:\n",
        "[database]\nurl = sqlite:file:oidcd.db?mode=memory\n",
        /* file structure */
        "[bogus]\n",
        "[server]\n[bogus]\n[tokens]\naccess_token_ttl = 5\n",
        "[server\nthreads = 2\n",
        "[server] threads = 2\n",
        "threads = 2\n",
        "[server]\nthreads = 2\nthreads = 2\n",
        "[server]\nthreads\n",
        "[server]\nthreads = 2\r3\n",
        "[ser\x01ver]\n",
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

static void good_values_are_taken(void **state)
{
    static const char *const good[] = {
        "[server]\nissuer = http://[::1]:8000\n",
        "[server]\nissuer = https://id.example.com:65535/oidc\n",
        "[server]\nissuer = http://localhost\n",
        "[server]\nissuer = http://127.0.0.1:1\n",
        "[database]\nurl = sqlite:/var/lib/oidcd/oidcd.db\n",
        "[database]\nurl = sqlite:oidcd.db\n",
        /* PostgreSQL: a URI or a key=value string, checked by the store */
        "[database]\nurl = postgres://x\n",
        "[database]\nurl = postgresql://db/oidcd\n",
        "[database]\nurl = host=db dbname=oidcd\n",
        "[database]\ntimeout_ms = 100\n",
        /* a section may be opened again; each key is still set once */
        "[server]\nthreads = 2\n[tokens]\naccess_token_ttl = 5\n[server]\nlisten = x:1\n",
        /* comments, indentation, CRLF, a byte-order mark, an empty known section */
        "\xEF\xBB\xBF; c\r\n# c\r\n  [server]\r\n\tthreads = 2 ; two\r\n[log]\r\n",
    };
    struct config c;
    char why[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        write_file(good[i]);
        assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
        unlink(path);
    }
}

static void indented_lines_do_not_continue_values(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    /* inih alone reads the second line as more of threads' value */
    write_file("[server]\n  threads = 2\n  connection_timeout = 7\n");
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.threads, 2);
    assert_int_equal(c.connection_timeout, 7);
}

/* Loads text, expects ERR_CONFIG and a one-line reason holding every one of
 * the NULL-terminated strings that follow. */
static void expect_error(const char *text, ...)
{
    struct config c;
    char why[512], where[128];
    const char *want;
    va_list ap;

    write_file(text);
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_CONFIG);
    assert_null(strchr(why, '\n'));
    va_start(ap, text);
    while ((want = va_arg(ap, const char *)) != NULL) {
        /* "@N" stands for "PATH:N:" */
        if (want[0] == '@') {
            snprintf(where, sizeof where, "%s:%s:", path, want + 1);
            want = where;
        }
        if (!strstr(why, want))
            fail_msg("\"%s\" not in \"%s\"", want, why);
    }
    va_end(ap);
    unlink(path);
}

static void errors_name_the_line(void **state)
{
    char long_line[400];

    (void)state;
    expect_error("[server]\nthreads = 2\n\nthreads = 3\n", "@4", "threads", "line 2", NULL);
    expect_error("; c\n[server\nthreads = 2\n", "@2", "syntax error", NULL);
    expect_error("[server]\nthreads = 2\n[bogus]\n", "@3", "unknown section [bogus]", NULL);
    expect_error("[server]\nbogus = 1\n", "@2", "unknown setting [server] bogus", NULL);
    expect_error("[server]\nthreads = x\n", "@2", "0 to 256", NULL);
    expect_error("[server]\njunk\nthreads = x\n", "@2", "syntax error", NULL);
    expect_error("[database]\nurl = mysql://x\n", "@2", "postgresql://", NULL);
    expect_error("[database]\ntimeout_ms = 99\n", "@2", "100 to 600000", NULL);
    expect_error("[database]\nurl = sqlite::memory:\n", "@2", "database.url", NULL);
    /* a line longer than inih's buffer: named, not split into made-up lines */
    snprintf(long_line, sizeof long_line, "[server]\nthreads = 2\nissuer = http://x/%0300d\n", 0);
    expect_error(long_line, "@3", "longer than", NULL);
}

static void long_comments_are_fine(void **state)
{
    char text[600];
    struct config c;
    char why[256];

    (void)state;
    snprintf(text, sizeof text, "; %0400d = threads\n[server]\nthreads = 2\n", 0);
    write_file(text);
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.threads, 2);
}

static void oversized_file_is_an_error(void **state)
{
    struct config c;
    char why[256];
    FILE *f;
    int i;

    (void)state;
    write_file("[server]\n");
    f = fopen(path, "a");
    assert_non_null(f);
    for (i = 0; i < 70000 / 10; i++)
        fputs(";........\n", f);
    fclose(f);
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "larger"));
}

static void env_values_are_checked_like_file_values(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    setenv("OIDCD_SERVER_ISSUER", "http://x:99999", 1);
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "OIDCD_SERVER_ISSUER"));
    setenv("OIDCD_SERVER_ISSUER", "http://x\ny", 1);
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_CONFIG);
    assert_null(strchr(why, '\n'));
    unsetenv("OIDCD_SERVER_ISSUER");
    setenv("OIDCD_DATABASE_URL", "sqlite:", 1);
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "OIDCD_DATABASE_URL"));
    unsetenv("OIDCD_DATABASE_URL");
}

static void sign_in_defaults(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_OK);
    assert_int_equal(c.code_ttl, 600);
    assert_int_equal(c.id_token_ttl, 600);
    assert_int_equal(c.refresh_token_ttl, 2592000);
    assert_false(c.id_token_include_claims);
    assert_int_equal(c.session_ttl, 86400);
    assert_int_equal(c.consent_remember_days, 90);
    assert_int_equal(c.login_max_failures, 5);
    assert_int_equal(c.login_lockout_seconds, 60);
    assert_false(c.grants_password);
    assert_int_equal(c.argon2_memory_kib, 19456);
    assert_int_equal(c.argon2_iterations, 2);
    assert_int_equal(c.argon2_parallelism, 1);
    assert_string_equal(c.templates_dir, "");
    assert_string_equal(c.claims_extra, "");
    assert_int_equal(c.nscopes, 0);
}

static void sign_in_values(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    write_file("[tokens]\ncode_ttl = 60\nid_token_ttl = 7200\nid_token_include_claims = true\n"
               "refresh_token_ttl = 86400\n"
               "[session]\nttl = 3600\n[consent]\nremember_days = 0\n"
               "[login]\nmax_failures = 3\nlockout_seconds = 30\n[grants]\npassword = true\n"
               "[passwords]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n"
               "argon2_parallelism = 2\n[ui]\ntemplates_dir = /etc/oidcd/templates\n"
               "[claims]\nextra =  groups\t https://example.com/roles  \n");
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.code_ttl, 60);
    assert_int_equal(c.id_token_ttl, 7200);
    assert_int_equal(c.refresh_token_ttl, 86400);
    assert_true(c.id_token_include_claims);
    assert_int_equal(c.session_ttl, 3600);
    assert_int_equal(c.consent_remember_days, 0);
    assert_int_equal(c.login_max_failures, 3);
    assert_int_equal(c.login_lockout_seconds, 30);
    assert_true(c.grants_password);
    assert_int_equal(c.argon2_memory_kib, 1024);
    assert_int_equal(c.argon2_iterations, 1);
    assert_int_equal(c.argon2_parallelism, 2);
    assert_string_equal(c.templates_dir, "/etc/oidcd/templates");
    /* stored one space apart */
    assert_string_equal(c.claims_extra, "groups https://example.com/roles");
    /* keys stay published as long as an ID token lives */
    assert_int_equal(config_max_token_ttl(&c), 7200);
}

static void sign_in_env_overrides(void **state)
{
    struct config c;
    char why[256];

    (void)state;
    write_file("[passwords]\nargon2_memory_kib = 65536\n[ui]\ntemplates_dir = /x\n");
    setenv("OIDCD_PASSWORDS_ARGON2_MEMORY_KIB", "1024", 1);
    setenv("OIDCD_CLAIMS_EXTRA", "groups", 1);
    setenv("OIDCD_UI_TEMPLATES_DIR", "", 1);
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.argon2_memory_kib, 1024);
    assert_string_equal(c.claims_extra, "groups");
    assert_string_equal(c.templates_dir, "");
    setenv("OIDCD_CLAIMS_EXTRA", "a=b", 1);
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "OIDCD_CLAIMS_EXTRA"));
}

static void sign_in_ranges(void **state)
{
    (void)state;
    expect_error("[tokens]\ncode_ttl = 0\n", "@2", "1 to 3600", NULL);
    expect_error("[tokens]\ncode_ttl = 3601\n", "@2", "code_ttl", NULL);
    expect_error("[tokens]\nid_token_ttl = 0\n", "@2", "id_token_ttl", NULL);
    expect_error("[tokens]\nid_token_include_claims = maybe\n", "@2", "true or false", NULL);
    expect_error("[session]\nttl = 59\n", "@2", "session.ttl", NULL);
    expect_error("[consent]\nremember_days = -1\n", "@2", "remember_days", NULL);
    expect_error("[consent]\nremember_days = 3651\n", "@2", "remember_days", NULL);
    expect_error("[login]\nmax_failures = 0\n", "@2", "max_failures", NULL);
    expect_error("[grants]\npassword = maybe\n", "@2", "grants.password", NULL);
    expect_error("[login]\nlockout_seconds = 0\n", "@2", "lockout_seconds", NULL);
    expect_error("[login]\nlockout_seconds = 86401\n", "@2", "lockout_seconds", NULL);
    expect_error("[passwords]\nargon2_memory_kib = 7\n", "@2", "argon2_memory_kib", NULL);
    expect_error("[passwords]\nargon2_memory_kib = 4194305\n", "@2", "argon2_memory_kib", NULL);
    expect_error("[passwords]\nargon2_iterations = 0\n", "@2", "argon2_iterations", NULL);
    expect_error("[passwords]\nargon2_parallelism = 17\n", "@2", "argon2_parallelism", NULL);
    /* argon2 needs 8 KiB per lane */
    expect_error("[passwords]\nargon2_memory_kib = 15\nargon2_parallelism = 2\n",
                 "argon2_memory_kib", "8 times", NULL);
    expect_error("[claims]\nextra = a=b\n", "@2", "claims.extra", NULL);
    expect_error("[claims]\nextra = \"quoted\"\n", "@2", "claims.extra", NULL);
    expect_error("[claims]\nbogus = x\n", "@2", "unknown setting", NULL);
}

/* Loads text (no error expected) and returns the passkeys' RP ID, "" off. */
static const char *rp_id_of(const char *text, char out[CONFIG_RP_ID_MAX + 1])
{
    struct config c;
    char why[512];

    write_file(text);
    if (config_load(&c, path, why, sizeof why))
        fail_msg("%s", why);
    unlink(path);
    config_webauthn_rp_id(&c, out);
    return out;
}

static void webauthn_settings(void **state)
{
    char id[CONFIG_RP_ID_MAX + 1];
    struct config c;
    char why[256];

    (void)state;
    assert_int_equal(config_load(&c, NULL, why, sizeof why), ERR_OK);
    assert_string_equal(c.webauthn_rp_id, "");
    assert_int_equal(c.webauthn_timeout_seconds, 300);
    assert_string_equal(c.webauthn_counter_policy, "refuse");
    assert_string_equal(c.webauthn_attestation, "none");
    /* the default issuer is at an IP address: passkeys are off */
    assert_false(config_webauthn_rp_id(&c, id));
    assert_string_equal(id, "");
    assert_string_equal(rp_id_of("[server]\nissuer = http://LocalHost:9000/x\n", id), "localhost");
    assert_string_equal(rp_id_of("[server]\nissuer = https://id.example.com\n"
                                 "[webauthn]\nrp_id = example.com\ntimeout_seconds = 30\n"
                                 "counter_policy = log\nattestation = direct\n",
                                 id),
                        "example.com");
    assert_string_equal(rp_id_of("[server]\nissuer = https://id.example.com\n"
                                 "[webauthn]\nrp_id = id.example.com\n",
                                 id),
                        "id.example.com");
    assert_string_equal(rp_id_of("[server]\nissuer = http://[::1]:8000\n", id), "");
    assert_string_equal(rp_id_of("[server]\nissuer = http://10.0.0.1\n", id), "");
    assert_string_equal(rp_id_of("[server]\nissuer = http://127.1\n", id), "");
}

static void webauthn_bad_settings(void **state)
{
    (void)state;
    expect_error("[webauthn]\ntimeout_seconds = 29\n", "@2", "timeout_seconds", NULL);
    expect_error("[webauthn]\ntimeout_seconds = 3601\n", "@2", "30 to 3600", NULL);
    expect_error("[webauthn]\ncounter_policy = ignore\n", "@2", "refuse log", NULL);
    expect_error("[webauthn]\nattestation = indirect\n", "@2", "none direct", NULL);
    /* not the issuer's host, nor a domain it is under */
    expect_error("[server]\nissuer = https://id.example.com\n[webauthn]\nrp_id = other.com\n",
                 "webauthn.rp_id", "id.example.com", NULL);
    expect_error("[server]\nissuer = https://id.example.com\n"
                 "[webauthn]\nrp_id = ample.com\n",
                 "webauthn.rp_id", NULL);
    expect_error("[server]\nissuer = https://example.com\n[webauthn]\nrp_id = id.example.com\n",
                 "webauthn.rp_id", NULL);
    expect_error("[server]\nissuer = http://127.0.0.1:8000\n[webauthn]\nrp_id = 127.0.0.1\n",
                 "IP address", NULL);
    expect_error("[server]\nissuer = https://example.com\n[webauthn]\nrp_id = Example.com\n",
                 "not a domain name", NULL);
    expect_error("[server]\nissuer = https://example.com\n[webauthn]\nrp_id = .example.com\n",
                 "not a domain name", NULL);
}

static void scope_sections(void **state)
{
    const struct config_scope *sc;
    struct config c;
    char why[256];

    (void)state;
    write_file("[scope.read_books]\nclaims = library_card  groups\n"
               "description = Read the books you have borrowed\n"
               "[scope.api:write]\n[server]\nthreads = 2\n[scope.read_books]\n");
    assert_int_equal(config_load(&c, path, why, sizeof why), ERR_OK);
    assert_int_equal(c.nscopes, 2);
    sc = config_scope_get(&c, "read_books");
    assert_non_null(sc);
    assert_string_equal(sc->claims, "library_card groups");
    assert_string_equal(sc->description, "Read the books you have borrowed");
    /* a section with neither key still declares the scope */
    sc = config_scope_get(&c, "api:write");
    assert_non_null(sc);
    assert_string_equal(sc->claims, "");
    assert_string_equal(sc->description, "");
    assert_null(config_scope_get(&c, "read"));
}

static void bad_scope_sections(void **state)
{
    char text[4096];
    size_t at = 0;
    int i;

    (void)state;
    expect_error("[scope.]\n", "@1", "bad scope name", NULL);
    expect_error("[scope.a b]\n", "@1", "bad scope name", NULL);
    expect_error("[scope.a\"b]\n", "@1", "bad scope name", NULL);
    expect_error("[scope.a\\b]\n", "@1", "bad scope name", NULL);
    expect_error("[scope.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", "@1", "bad scope name",
                 NULL);
    expect_error("[scope]\n", "@1", "unknown section", NULL);
    expect_error("[scope.profile]\nclaims = nickname\n", "@1", "OpenID Connect", NULL);
    expect_error("[scope.openid]\n", "@1", "OpenID Connect", NULL);
    expect_error("[scope.x]\nclaim = a\n", "@2", "unknown setting [scope.x] claim", NULL);
    expect_error("[scope.x]\nclaims = a=b\n", "@2", "[scope.x] claims", NULL);
    expect_error("[scope.x]\nclaims = a\n[scope.x]\nclaims = b\n", "@4", "set again", "line 2",
                 NULL);
    expect_error("[scope.x]\ndescription = a\ndescription = b\n", "@3", "set again", NULL);
    /* a bounded number of sections */
    for (i = 0; i <= CONFIG_SCOPES_MAX; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "[scope.s%d]\n", i);
    expect_error(text, "@33", "more than 32", NULL);
}

static void claim_names(void **state)
{
    (void)state;
    assert_true(claim_name_ok("groups", 6));
    assert_true(claim_name_ok("https://example.com/roles", 25));
    assert_false(claim_name_ok("", 0));
    assert_false(claim_name_ok("a b", 3));
    assert_false(claim_name_ok("a=b", 3));
    assert_false(claim_name_ok("a\"b", 3));
    /* the server's own claims cannot be declared as user claims */
    assert_false(claim_name_ok("acr", 3));
    assert_false(claim_name_ok("nonce", 5));
    assert_false(claim_name_ok("sid", 3));
    assert_true(claim_name_ok("acrs", 4));
    assert_true(
        claim_name_ok("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 64));
    assert_false(
        claim_name_ok("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 65));
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

/* config_each_change: the settings that differ, one call each; those the
 * callback keeps take their old value back (the issuer with its path). */
struct seen {
    char names[512];
};

static bool keep_server(const char *section, const char *key, void *arg)
{
    struct seen *s = arg;
    size_t len = strlen(s->names);

    snprintf(s->names + len, sizeof s->names - len, "%s%s.%s", len ? " " : "", section, key);
    return strcmp(section, "server") == 0;
}

static void changes_are_named_and_kept(void **state)
{
    struct config *old = malloc(sizeof *old), *fresh = malloc(sizeof *fresh);
    struct seen seen = {""};
    char why[256];

    (void)state;
    assert_non_null(old);
    assert_non_null(fresh);
    write_file("[server]\nissuer = https://a.example/x\n[tokens]\naccess_token_ttl = 60\n"
               "[log]\nlevel = info\n");
    assert_int_equal(config_load(old, path, why, sizeof why), ERR_OK);
    unlink(path);
    write_file("[server]\nissuer = https://b.example/y\nlisten = 127.0.0.1:9\n"
               "[tokens]\naccess_token_ttl = 90\n[log]\nlevel = info\n"
               "[database]\nurl = sqlite:/tmp/other.db\n[scope.books]\nclaims = card\n");
    assert_int_equal(config_load(fresh, path, why, sizeof why), ERR_OK);
    config_each_change(fresh, old, keep_server, &seen);
    assert_string_equal(seen.names, "server.issuer server.listen database.url "
                                    "tokens.access_token_ttl scope.*");
    assert_string_equal(fresh->issuer, "https://a.example/x");
    assert_string_equal(fresh->issuer_path, "/x");
    assert_int_equal(fresh->listen.port, 8000);
    assert_string_equal(fresh->database_url, "sqlite:/tmp/other.db");
    assert_int_equal(fresh->access_token_ttl, 90);
    assert_int_equal(fresh->nscopes, 1);

    seen.names[0] = '\0';
    config_each_change(fresh, fresh, keep_server, &seen);
    assert_string_equal(seen.names, "");
    free(old);
    free(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(defaults, teardown),
        cmocka_unit_test_teardown(changes_are_named_and_kept, teardown),
        cmocka_unit_test_teardown(file_values, teardown),
        cmocka_unit_test_teardown(env_wins_over_file, teardown),
        cmocka_unit_test_teardown(bad_env_value_is_reported, teardown),
        cmocka_unit_test_teardown(unknown_key_is_an_error, teardown),
        cmocka_unit_test_teardown(bad_values_are_errors, teardown),
        cmocka_unit_test_teardown(missing_file_is_an_error, teardown),
        cmocka_unit_test_teardown(good_values_are_taken, teardown),
        cmocka_unit_test_teardown(indented_lines_do_not_continue_values, teardown),
        cmocka_unit_test_teardown(errors_name_the_line, teardown),
        cmocka_unit_test_teardown(long_comments_are_fine, teardown),
        cmocka_unit_test_teardown(oversized_file_is_an_error, teardown),
        cmocka_unit_test_teardown(env_values_are_checked_like_file_values, teardown),
        cmocka_unit_test_teardown(sign_in_defaults, teardown),
        cmocka_unit_test_teardown(sign_in_values, teardown),
        cmocka_unit_test_teardown(sign_in_env_overrides, teardown),
        cmocka_unit_test_teardown(sign_in_ranges, teardown),
        cmocka_unit_test_teardown(scope_sections, teardown),
        cmocka_unit_test_teardown(bad_scope_sections, teardown),
        cmocka_unit_test_teardown(claim_names, teardown),
        cmocka_unit_test_teardown(webauthn_settings, teardown),
        cmocka_unit_test_teardown(webauthn_bad_settings, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
