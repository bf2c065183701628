#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/metrics.h"

static void label_values_are_escaped(void **state)
{
    char labels[64] = "";

    (void)state;
    metrics_label(labels, sizeof labels, "a", "x\"y\\z\nw");
    metrics_label(labels, sizeof labels, "b", "");
    assert_string_equal(labels, "a=\"x\\\"y\\\\z\\nw\",b=\"\"");
}

static void a_pair_that_does_not_fit_is_left_out_whole(void **state)
{
    char labels[32] = "";

    (void)state;
    metrics_label(labels, sizeof labels, "a", "1");
    metrics_label(labels, sizeof labels, "key", "a long value \"quoted\" and more");
    assert_string_equal(labels, "a=\"1\",truncated=\"true\"");
}

static struct metrics_text text_new(size_t max)
{
    struct metrics_text t = {.err = ERR_OK};

    buf_init(&t.b, max);
    return t;
}

static void histogram_text_is_cumulative(void **state)
{
    static struct metrics_histogram h;
    struct metrics_text t = text_new(1 << 16);

    (void)state;
    metrics_observe(&h, 0.2);    /* le 0.0005 */
    metrics_observe(&h, 3.0);    /* le 0.005 */
    metrics_observe(&h, 3.0);    /* le 0.005 */
    metrics_observe(&h, 9000.0); /* +Inf only */
    metrics_histogram(&t, "x_seconds", "e=\"/t\"", &h);
    assert_int_equal(t.err, ERR_OK);
    assert_non_null(strstr(t.b.data, "x_seconds_bucket{e=\"/t\",le=\"0.0005\"} 1\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_bucket{e=\"/t\",le=\"0.0025\"} 1\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_bucket{e=\"/t\",le=\"0.005\"} 3\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_bucket{e=\"/t\",le=\"2.5\"} 3\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_bucket{e=\"/t\",le=\"+Inf\"} 4\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_sum{e=\"/t\"} 9.0062\n"));
    assert_non_null(strstr(t.b.data, "x_seconds_count{e=\"/t\"} 4\n"));
    buf_free(&t.b);
}

static void label_sets_are_bounded(void **state)
{
    static struct metrics_counters c = METRICS_COUNTERS_INIT;
    struct metrics_text t = text_new(1 << 20);
    char labels[METRICS_LABELS_MAX];
    int i;

    (void)state;
    for (i = 0; i < METRICS_SETS + 5; i++) {
        snprintf(labels, sizeof labels, "n=\"%d\"", i);
        metrics_count(&c, labels);
    }
    metrics_count(&c, "n=\"0\"");
    metrics_counters(&t, "c_total", &c);
    assert_int_equal(t.err, ERR_OK);
    assert_non_null(strstr(t.b.data, "c_total{n=\"0\"} 2\n"));
    assert_null(strstr(t.b.data, "c_total{n=\"256\"}"));
    assert_non_null(strstr(t.b.data, "c_total{overflow=\"true\"} 5\n"));
    buf_free(&t.b);
}

static void the_first_error_is_kept(void **state)
{
    struct metrics_text t = text_new(40);

    (void)state;
    metrics_family(&t, "a_long_metric_name_total", "counter", "a help text that does not fit");
    assert_int_equal(t.err, ERR_TOO_LARGE);
    metrics_sample(&t, "x", "", 1);
    assert_int_equal(t.err, ERR_TOO_LARGE);
    buf_free(&t.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(label_values_are_escaped),
        cmocka_unit_test(a_pair_that_does_not_fit_is_left_out_whole),
        cmocka_unit_test(histogram_text_is_cumulative),
        cmocka_unit_test(label_sets_are_bounded),
        cmocka_unit_test(the_first_error_is_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
