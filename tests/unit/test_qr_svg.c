#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/qr_svg.h"

#define URI                                                                                        \
    "otpauth://totp/ACME%20Co%3A%20Login:alice%40example.com?secret="                              \
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co%3A%20Login&algorithm=SHA1&digits=6&"        \
    "period=30"

#define MAX_SIDE 200

/* The modules a QR code drawn by qr_svg_new holds, read back from its one
 * path: runs of "M x y h n v1 h -n z". side gets the viewBox's size. */
struct grid {
    int side;
    unsigned char dark[MAX_SIDE][MAX_SIDE];
};

static void read_grid(const char *svg, struct grid *g)
{
    const char *p = strstr(svg, "viewBox=\"0 0 ");
    char *end;
    long x, y, n, back;

    memset(g, 0, sizeof *g);
    assert_non_null(p);
    g->side = (int)strtol(p + 13, &end, 10);
    assert_true(g->side > 0 && g->side <= MAX_SIDE);
    assert_int_equal(strtol(end + 1, &end, 10), g->side);
    p = strstr(svg, " d=\"");
    assert_non_null(p);
    for (p += 4; *p == 'M'; p = end + 1) {
        x = strtol(p + 1, &end, 10);
        assert_int_equal(*end, ' ');
        y = strtol(end + 1, &end, 10);
        assert_int_equal(*end, 'h');
        n = strtol(end + 1, &end, 10);
        assert_int_equal(strncmp(end, "v1h", 3), 0);
        back = strtol(end + 3, &end, 10);
        assert_int_equal(*end, 'z');
        assert_int_equal(back, -n);
        assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= g->side && y < g->side);
        for (; n > 0; n--, x++)
            g->dark[y][x] = 1;
    }
    assert_int_equal(strcmp(p, "\"/></svg>"), 0);
}

static char *draw(const char *text, const char *label)
{
    char *svg = NULL;
    size_t len = 0;

    assert_int_equal(qr_svg_new(text, strlen(text), label, &svg, &len), ERR_OK);
    assert_int_equal(strlen(svg), len);
    return svg;
}

static void svg_is_well_formed_and_inert(void **state)
{
    char *svg = draw(URI, "QR code: \"scan\" <me> & 'go'");
    const char *p;
    int tags;

    (void)state;
    assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 53),
                     0);
    assert_non_null(strstr(svg, " shape-rendering=\"crispEdges\""));
    assert_non_null(strstr(svg, " role=\"img\""));
    assert_non_null(strstr(svg, " aria-label=\"QR code: &quot;scan&quot; &lt;me&gt; &amp; "
                                "&#39;go&#39;\""));
    /* one path, one background, nothing a CSP would refuse or run */
    for (p = svg, tags = 0; *p; p++)
        tags += *p == '<';
    assert_int_equal(tags, 4); /* <svg, <rect, <path, </svg> */
    assert_null(strstr(svg, "script"));
    assert_null(strstr(svg, "style"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, " on"));
    for (p = svg; *p; p++)
        assert_true(*p >= ' ' && *p <= '~');
    assert_int_equal(strcmp(svg + strlen(svg) - 6, "</svg>"), 0);
    free(svg);
}

/* The quiet zone is white all round, and the three finder patterns sit
 * just inside it. */
static void modules_sit_inside_a_quiet_zone(void **state)
{
    static struct grid g;
    char *svg = draw(URI, "QR");
    int i, w;

    (void)state;
    read_grid(svg, &g);
    w = g.side - 2 * QR_SVG_QUIET;
    for (i = 0; i < g.side; i++) {
        int q;
        for (q = 0; q < QR_SVG_QUIET; q++) {
            assert_false(g.dark[q][i] || g.dark[g.side - 1 - q][i]);
            assert_false(g.dark[i][q] || g.dark[i][g.side - 1 - q]);
        }
    }
    for (i = 0; i < 7; i++) {
        int q = QR_SVG_QUIET, far = QR_SVG_QUIET + w - 7;
        assert_true(g.dark[q][q + i] && g.dark[q + 6][q + i] && g.dark[q + i][q]);
        assert_true(g.dark[q][far + i] && g.dark[far + i][q]);
    }
    free(svg);
}

/* Level M byte-mode capacities (ISO/IEC 18004 table 7): version 1 holds 14
 * bytes, 2 holds 26, 18 holds 560; a version is 17 + 4v modules wide. */
static void version_follows_the_text_length(void **state)
{
    static const struct {
        size_t len;
        int modules;
    } cases[] = {{1, 21}, {14, 21}, {15, 25}, {26, 25}, {27, 29}, {QR_SVG_INPUT_MAX, 89}};
    static struct grid g;
    char text[QR_SVG_INPUT_MAX + 2];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *svg;
        memset(text, 'x', cases[i].len);
        text[cases[i].len] = '\0';
        svg = draw(text, "QR");
        read_grid(svg, &g);
        assert_int_equal(g.side, cases[i].modules + 2 * QR_SVG_QUIET);
        assert_true(strlen(svg) <= QR_SVG_MAX);
        free(svg);
    }
}

static void bad_arguments_are_refused(void **state)
{
    char text[QR_SVG_INPUT_MAX + 2], label[QR_SVG_LABEL_MAX + 2], *svg = NULL;
    size_t len;

    (void)state;
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    memset(label, 'l', sizeof label - 1);
    label[sizeof label - 1] = '\0';
    assert_int_equal(qr_svg_new(text, QR_SVG_INPUT_MAX + 1, "QR", &svg, &len), ERR_INVALID_REQUEST);
    assert_int_equal(qr_svg_new(text, 0, "QR", &svg, &len), ERR_INVALID_REQUEST);
    assert_int_equal(qr_svg_new(NULL, 3, "QR", &svg, &len), ERR_INVALID_REQUEST);
    assert_int_equal(qr_svg_new("abc", 3, "", &svg, &len), ERR_INVALID_REQUEST);
    assert_int_equal(qr_svg_new("abc", 3, NULL, &svg, &len), ERR_INVALID_REQUEST);
    assert_int_equal(qr_svg_new("abc", 3, label, &svg, &len), ERR_INVALID_REQUEST);
    assert_null(svg);
    label[QR_SVG_LABEL_MAX] = '\0';
    assert_int_equal(qr_svg_new("abc", 3, label, &svg, &len), ERR_OK);
    free(svg);
}

/* Rasterizes the grid as a PGM image, PX pixels a module, for a reader. */
#define PX 4
static void write_pgm(const struct grid *g, const char *path)
{
    FILE *f = fopen(path, "wb");
    int y, x, i;

    assert_non_null(f);
    fprintf(f, "P5\n%d %d\n255\n", g->side * PX, g->side * PX);
    for (y = 0; y < g->side * PX; y++)
        for (x = 0; x < g->side; x++)
            for (i = 0; i < PX; i++)
                fputc(g->dark[y / PX][x] ? 0 : 255, f);
    assert_int_equal(fclose(f), 0);
}

/* An independent reader (zbar, from Debian's zbar-tools) decodes the drawn
 * code back to the text. Skipped where zbarimg is not installed. */
static void a_qr_reader_decodes_the_uri(void **state)
{
    static struct grid g;
    char path[] = "/tmp/oidcd-qr-XXXXXX", cmd[128], got[1024];
    char *svg;
    FILE *p;
    size_t n;
    int fd;

    (void)state;
    if (system("command -v zbarimg >/dev/null 2>&1") != 0)
        skip();
    svg = draw(URI, "QR");
    read_grid(svg, &g);
    free(svg);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_pgm(&g, path);
    snprintf(cmd, sizeof cmd, "zbarimg -q --raw 'PGM:%s' 2>/dev/null", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(got, 1, sizeof got - 1, p);
    got[n] = '\0';
    assert_int_equal(pclose(p), 0);
    unlink(path);
    if (n && got[n - 1] == '\n')
        got[--n] = '\0';
    assert_string_equal(got, URI);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(svg_is_well_formed_and_inert),
        cmocka_unit_test(modules_sit_inside_a_quiet_zone),
        cmocka_unit_test(version_follows_the_text_length),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(a_qr_reader_decodes_the_uri),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
