#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"

/* stderr goes to a temporary file for each test, so what log_kv wrote (and
 * when) can be read back. */
static char path[] = "/tmp/oidcd-test-log-XXXXXX";
static int saved_stderr = -1;

static int redirect(void **state)
{
    int fd = mkstemp(path);

    (void)state;
    if (fd < 0)
        return -1;
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    log_set_level(LOG_INFO);
    return 0;
}

static int restore(void **state)
{
    (void)state;
    log_batch_stop();
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    unlink(path);
    strcpy(path + strlen(path) - 6, "XXXXXX");
    return 0;
}

/* What the file holds now, as a malloc'd string. */
static char *written(void)
{
    FILE *f = fopen(path, "r");
    char *text = calloc(1, 256 * 1024);
    size_t n;

    assert_non_null(f);
    assert_non_null(text);
    n = fread(text, 1, 256 * 1024 - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;

    while ((text = strstr(text, needle)) != NULL) {
        n++;
        text += strlen(needle);
    }
    return n;
}

static void unbatched_lines_are_written_at_once(void **state)
{
    char *text;

    (void)state;
    log_kv(LOG_INFO, "request", "path", "/token", NULL);
    text = written();
    assert_non_null(strstr(text, "level=info msg=request path=/token\n"));
    free(text);
}

static void values_are_quoted_and_escaped(void **state)
{
    char *text;

    (void)state;
    log_kv(LOG_INFO, "request", "plain", "abc", "space", "a b", "quote", "say \"hi\"", "ctl",
           "a\nb\x01\x7f", "empty", "", "backslash", "c:\\d", NULL);
    text = written();
    assert_non_null(strstr(text, " level=info msg=request plain=abc space=\"a b\" quote=\"say "
                                 "\\\"hi\\\"\" ctl=\"a\\x0ab\\x01\\x7f\" empty=\"\" "
                                 "backslash=\"c:\\\\d\"\n"));
    free(text);
}

static void batched_info_lines_wait_until_stop(void **state)
{
    char *text;

    (void)state;
    assert_true(log_batch_start(60000)); /* the flusher will not wake in time */
    log_kv(LOG_INFO, "request", "n", "1", NULL);
    log_kv(LOG_DEBUG, "dropped below the level", NULL);
    text = written();
    assert_string_equal(text, "");
    free(text);
    log_batch_stop();
    text = written();
    assert_int_equal(count(text, "msg=request n=1\n"), 1);
    assert_int_equal(count(text, "\n"), 1);
    free(text);
}

static void warn_line_goes_out_at_once_after_held_lines(void **state)
{
    char *text, *first, *second;

    (void)state;
    assert_true(log_batch_start(60000));
    log_kv(LOG_INFO, "request", "n", "1", NULL);
    log_kv(LOG_WARN, "something is wrong", NULL);
    text = written();
    first = strstr(text, "msg=request n=1\n");
    second = strstr(text, "level=warn msg=\"something is wrong\"\n");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second); /* order kept */
    free(text);
}

static void full_buffer_is_written_without_waiting(void **state)
{
    char *text, n[16];
    int i;

    (void)state;
    assert_true(log_batch_start(60000));
    /* ~100 bytes a line: 1000 lines overflow the 64 KiB buffer */
    for (i = 0; i < 1000; i++) {
        snprintf(n, sizeof n, "%d", i);
        log_kv(LOG_INFO, "request", "path", "/introspect", "status", "200", "n", n, NULL);
    }
    text = written();
    assert_true(count(text, "msg=request") > 300);
    assert_true(count(text, "msg=request") < 1000);
    assert_non_null(strstr(text, " n=0\n")); /* oldest first */
    free(text);
    log_batch_stop();
    text = written();
    assert_int_equal(count(text, "msg=request"), 1000);
    assert_non_null(strstr(text, " n=999\n"));
    free(text);
}

static void flusher_writes_held_lines_within_the_interval(void **state)
{
    char *text = NULL;
    int waited_ms;

    (void)state;
    assert_true(log_batch_start(20));
    log_kv(LOG_INFO, "request", "n", "1", NULL);
    for (waited_ms = 0; waited_ms < 2000; waited_ms += 10) {
        free(text);
        text = written();
        if (strstr(text, "msg=request n=1\n"))
            break;
        usleep(10 * 1000);
    }
    assert_non_null(strstr(text, "msg=request n=1\n"));
    free(text);
}

static void zero_interval_keeps_one_write_per_line(void **state)
{
    char *text;

    (void)state;
    assert_true(log_batch_start(0));
    log_kv(LOG_INFO, "request", "n", "1", NULL);
    text = written();
    assert_non_null(strstr(text, "msg=request n=1\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unbatched_lines_are_written_at_once, redirect, restore),
        cmocka_unit_test_setup_teardown(values_are_quoted_and_escaped, redirect, restore),
        cmocka_unit_test_setup_teardown(batched_info_lines_wait_until_stop, redirect, restore),
        cmocka_unit_test_setup_teardown(warn_line_goes_out_at_once_after_held_lines, redirect,
                                        restore),
        cmocka_unit_test_setup_teardown(full_buffer_is_written_without_waiting, redirect, restore),
        cmocka_unit_test_setup_teardown(flusher_writes_held_lines_within_the_interval, redirect,
                                        restore),
        cmocka_unit_test_setup_teardown(zero_interval_keeps_one_write_per_line, redirect, restore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
