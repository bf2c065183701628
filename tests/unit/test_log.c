#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

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
    log_set_format(LOG_LOGFMT);
    log_set_request_id(NULL);
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

/* The one line in text parsed as JSON; fails the test when it is not. */
static json_t *json_line(const char *text)
{
    json_error_t error;
    json_t *obj;

    assert_int_equal(count(text, "\n"), 1);
    obj = json_loads(text, 0, &error);
    if (!obj)
        fail_msg("not JSON (%s): %s", error.text, text);
    assert_true(json_is_object(obj));
    return obj;
}

static void json_lines_are_objects_of_strings(void **state)
{
    char *text;
    json_t *obj;

    (void)state;
    log_set_format(LOG_JSON);
    log_kv(LOG_WARN, "request", "path", "/token", "quote", "say \"hi\"", "ctl", "a\nb\x01", "high",
           "caf\xc3\xa9 \xff", "backslash", "c:\\d", "skipped", NULL, NULL);
    text = written();
    assert_int_equal(text[0], '{');
    obj = json_line(text);
    assert_int_equal(json_object_size(obj), 8);
    assert_non_null(strstr(json_string_value(json_object_get(obj, "ts")), "Z"));
    assert_string_equal(json_string_value(json_object_get(obj, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(obj, "msg")), "request");
    assert_string_equal(json_string_value(json_object_get(obj, "path")), "/token");
    assert_string_equal(json_string_value(json_object_get(obj, "quote")), "say \"hi\"");
    assert_string_equal(json_string_value(json_object_get(obj, "ctl")), "a\nb\x01");
    /* bytes above 0x7e are written one by one, so even invalid UTF-8 stays JSON */
    assert_non_null(strstr(text, "\"caf\\u00c3\\u00a9 \\u00ff\""));
    assert_string_equal(json_string_value(json_object_get(obj, "backslash")), "c:\\d");
    json_decref(obj);
    free(text);
}

static void request_id_goes_on_every_line_of_its_thread(void **state)
{
    char *text;
    json_t *obj;

    (void)state;
    log_set_request_id("r-1");
    log_kv(LOG_INFO, "request", "path", "/a", NULL);
    log_set_request_id(NULL);
    log_kv(LOG_INFO, "upkeep", NULL);
    text = written();
    assert_non_null(strstr(text, " msg=request request_id=r-1 path=/a\n"));
    assert_non_null(strstr(text, " msg=upkeep\n"));
    free(text);
    restore(state);
    redirect(state);
    log_set_format(LOG_JSON);
    log_set_request_id("r-2");
    log_kv(LOG_INFO, "request", NULL);
    text = written();
    obj = json_line(text);
    assert_string_equal(json_string_value(json_object_get(obj, "request_id")), "r-2");
    json_decref(obj);
    free(text);
}

/* A line longer than the line buffer loses whole pairs, says so, and stays
 * one well-formed line in either format. */
static void long_lines_lose_whole_pairs(void **state)
{
    char big[3000], *text;
    json_t *obj;

    (void)state;
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    log_kv(LOG_INFO, "request", "small", "1", "big", big, "after", "2", NULL);
    text = written();
    assert_non_null(strstr(text, " msg=request small=1 truncated=true\n"));
    free(text);
    restore(state);
    redirect(state);
    log_set_format(LOG_JSON);
    log_kv(LOG_INFO, "request", "small", "1", "big", big, "after", "2", NULL);
    text = written();
    obj = json_line(text);
    assert_string_equal(json_string_value(json_object_get(obj, "small")), "1");
    assert_string_equal(json_string_value(json_object_get(obj, "truncated")), "true");
    assert_null(json_object_get(obj, "big"));
    assert_null(json_object_get(obj, "after"));
    json_decref(obj);
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
        cmocka_unit_test_setup_teardown(json_lines_are_objects_of_strings, redirect, restore),
        cmocka_unit_test_setup_teardown(request_id_goes_on_every_line_of_its_thread, redirect,
                                        restore),
        cmocka_unit_test_setup_teardown(long_lines_lose_whole_pairs, redirect, restore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
