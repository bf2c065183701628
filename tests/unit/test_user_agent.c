/* core/user_agent.c: real User-Agent headers of each browser and system the
 * label names, and headers no browser sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "core/user_agent.h"

static void check(const char *ua, const char *want)
{
    char out[USER_AGENT_LABEL_SIZE];

    memset(out, 'x', sizeof out);
    user_agent_label(ua, ua ? strlen(ua) : 0, out);
    assert_string_equal(out, want);
}

static void desktop_browsers(void **state)
{
    (void)state;
    check("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
          "Firefox on Linux");
    check("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
          "Firefox on Linux");
    check("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36",
          "Chrome on Windows");
    check("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
          "Gecko) Version/18.1 Safari/605.1.15",
          "Safari on macOS");
    check("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
          "Firefox on macOS");
    check("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
          "Edge on Windows");
    check("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
          "Opera on Windows");
    check("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36",
          "Chrome on ChromeOS");
    /* the headless Chromium the browser tests drive */
    check("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "HeadlessChrome/131.0.6778.33 Safari/537.36",
          "Chrome on Linux");
}

static void phone_and_tablet_browsers(void **state)
{
    (void)state;
    check("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
          "Safari on iPhone");
    check("Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
          "Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
          "Safari on iPad");
    check("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
          "Chrome on iPhone");
    check("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
          "Firefox on iPhone");
    check("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/18.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15",
          "Edge on iPhone");
    check("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Mobile Safari/537.36",
          "Chrome on Android");
    check("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
          "Firefox on Android");
    check("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
          "Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
          "Samsung Internet on Android");
    check("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
          "Edge on Android");
    check("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0",
          "Opera on Android");
}

static void half_known(void **state)
{
    (void)state;
    /* a system and no browser we know; a browser and no system */
    check("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 Epiphany/605.1.15",
          "A browser on Linux");
    check("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
          "A browser on Windows");
    check("Mozilla/5.0 (rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox");
    check("curl/8.11.0", USER_AGENT_UNKNOWN);
    check("python-requests/2.32.3", USER_AGENT_UNKNOWN);
}

static void hostile_or_missing(void **state)
{
    char *huge = malloc(LIMIT_USER_AGENT + 2);
    const char *firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    (void)state;
    check(NULL, USER_AGENT_UNKNOWN);
    check("", USER_AGENT_UNKNOWN);
    /* nothing of the header reaches the label: only words of its own */
    check("<script>alert(1)</script>", USER_AGENT_UNKNOWN);
    check("<script>alert(1)</script> Firefox/1 Linux", "Firefox on Linux");
    check("Mozilla/5.0 (X11; Linux x86_64)\r\nSet-Cookie: a=b Firefox/133.0", USER_AGENT_UNKNOWN);
    check("Firefox/133.0\x1b[31m Linux", USER_AGENT_UNKNOWN);
    check("Firefox/133.0\x7f Linux", USER_AGENT_UNKNOWN);
    check("Firefox/133.0\tLinux", "Firefox on Linux");
    /* within the cap it counts; one byte past, it does not */
    assert_non_null(huge);
    memset(huge, 'a', LIMIT_USER_AGENT + 1);
    memcpy(huge, firefox, strlen(firefox));
    huge[LIMIT_USER_AGENT] = '\0';
    check(huge, "Firefox on Linux");
    huge[LIMIT_USER_AGENT] = 'a';
    huge[LIMIT_USER_AGENT + 1] = '\0';
    check(huge, USER_AGENT_UNKNOWN);
    free(huge);
}

static void a_nul_ends_nothing(void **state)
{
    /* the length counts, not a NUL: bytes after one are read too, and it
     * is a control character like any other */
    char out[USER_AGENT_LABEL_SIZE];
    static const char ua[] = "Firefox/133.0\0 Linux";

    (void)state;
    user_agent_label(ua, sizeof ua - 1, out);
    assert_string_equal(out, USER_AGENT_UNKNOWN);
    user_agent_label(ua, strlen(ua), out);
    assert_string_equal(out, "Firefox");
}

static void every_label_fits(void **state)
{
    /* the longest names together */
    (void)state;
    check("SamsungBrowser/26.0 CrOS", "Samsung Internet on ChromeOS");
    assert_true(strlen("Samsung Internet on ChromeOS") < USER_AGENT_LABEL_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(desktop_browsers),   cmocka_unit_test(phone_and_tablet_browsers),
        cmocka_unit_test(half_known),         cmocka_unit_test(hostile_or_missing),
        cmocka_unit_test(a_nul_ends_nothing), cmocka_unit_test(every_label_fits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
