/* The template filler: parse once into a list of nodes, render by walking
 * them against a view. The slot tables below are the only link between a
 * template's names and a view's fields. */
#include "ui/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "ui/embedded.h"
#include "ui/qr_svg.h"

/* SLOT_QR: a const struct qr_svg * (ui/qr_svg.h), the only markup put in
 * unescaped; a section on it shows when it is not NULL. */
enum slot_kind { SLOT_TEXT, SLOT_LIST, SLOT_BASE, SLOT_QR };

struct slot {
    const char *name;
    enum slot_kind kind;
    size_t off; /* of the const char * (text) or the items pointer (list) */
    /* lists: */
    size_t count_off;
    size_t item_size;
    const struct slot *items;
};

#define TEXT(type, field)                                                                          \
    {                                                                                              \
#field, SLOT_TEXT, offsetof(type, field), 0, 0, NULL                                       \
    }
#define LIST(type, field, count, item, slots)                                                      \
    {                                                                                              \
#field, SLOT_LIST, offsetof(type, field), offsetof(type, count), sizeof(item), slots       \
    }
#define QR(type, field)                                                                            \
    {                                                                                              \
#field, SLOT_QR, offsetof(type, field), 0, 0, NULL                                         \
    }
/* The fields of a struct ui_passkey member of a view, as passkey_<field>. */
#define PASSKEY_TEXT(type, member, field)                                                          \
    {                                                                                              \
        "passkey_" #field, SLOT_TEXT, offsetof(type, member) + offsetof(struct ui_passkey, field), \
            0, 0, NULL                                                                             \
    }
#define PASSKEY_SLOTS(type, member)                                                                \
    PASSKEY_TEXT(type, member, challenge), PASSKEY_TEXT(type, member, rp_id),                      \
        PASSKEY_TEXT(type, member, timeout_ms), PASSKEY_TEXT(type, member, user_verification),     \
        PASSKEY_TEXT(type, member, credentials), PASSKEY_TEXT(type, member, rp_name),              \
        PASSKEY_TEXT(type, member, user_id), PASSKEY_TEXT(type, member, user_name),                \
        PASSKEY_TEXT(type, member, user_display_name), PASSKEY_TEXT(type, member, algs),           \
        PASSKEY_TEXT(type, member, attestation)
#define END                                                                                        \
    {                                                                                              \
        NULL, SLOT_TEXT, 0, 0, 0, NULL                                                             \
    }

static const struct slot scope_slots[] = {TEXT(struct ui_scope_item, name),
                                          TEXT(struct ui_scope_item, description), END};
static const struct slot field_slots[] = {TEXT(struct ui_field, name), TEXT(struct ui_field, value),
                                          END};

static const struct slot login_slots[] = {TEXT(struct ui_login_view, client_name),
                                          TEXT(struct ui_login_view, username),
                                          TEXT(struct ui_login_view, error),
                                          TEXT(struct ui_login_view, csrf_token),
                                          TEXT(struct ui_login_view, next),
                                          PASSKEY_SLOTS(struct ui_login_view, passkey),
                                          END};
static const struct slot mfa_slots[] = {TEXT(struct ui_mfa_view, client_name),
                                        TEXT(struct ui_mfa_view, error),
                                        TEXT(struct ui_mfa_view, csrf_token),
                                        TEXT(struct ui_mfa_view, next),
                                        TEXT(struct ui_mfa_view, code_form),
                                        PASSKEY_SLOTS(struct ui_mfa_view, passkey),
                                        END};
static const struct slot passkey_item_slots[] = {TEXT(struct ui_passkey_item, name),
                                                 TEXT(struct ui_passkey_item, created),
                                                 TEXT(struct ui_passkey_item, last_used),
                                                 TEXT(struct ui_passkey_item, synced),
                                                 TEXT(struct ui_passkey_item, credential_id),
                                                 TEXT(struct ui_passkey_item, csrf_token),
                                                 END};
static const struct slot session_slots[] = {
    TEXT(struct ui_session_item, browser),    TEXT(struct ui_session_item, started),
    TEXT(struct ui_session_item, where),      TEXT(struct ui_session_item, sid),
    TEXT(struct ui_session_item, current),    TEXT(struct ui_session_item, other),
    TEXT(struct ui_session_item, csrf_token), END};
static const struct slot account_slots[] = {
    TEXT(struct ui_account_view, username),
    TEXT(struct ui_account_view, notice),
    TEXT(struct ui_account_view, error),
    LIST(struct ui_account_view, claims, nclaims, struct ui_field, field_slots),
    TEXT(struct ui_account_view, totp_on),
    TEXT(struct ui_account_view, totp_off),
    QR(struct ui_account_view, enrol_qr),
    TEXT(struct ui_account_view, enrol_secret),
    TEXT(struct ui_account_view, recovery_summary),
    TEXT(struct ui_account_view, codes_note),
    LIST(struct ui_account_view, codes, ncodes, struct ui_field, field_slots),
    LIST(struct ui_account_view, sessions, nsessions, struct ui_session_item, session_slots),
    TEXT(struct ui_account_view, others),
    TEXT(struct ui_account_view, csrf_token),
    TEXT(struct ui_account_view, passkeys_summary),
    LIST(struct ui_account_view, passkeys, npasskeys, struct ui_passkey_item, passkey_item_slots),
    PASSKEY_SLOTS(struct ui_account_view, passkey),
    END};
static const struct slot consent_slots[] = {
    TEXT(struct ui_consent_view, client_name),
    LIST(struct ui_consent_view, scopes, nscopes, struct ui_scope_item, scope_slots),
    LIST(struct ui_consent_view, claims, nclaims, struct ui_scope_item, scope_slots),
    TEXT(struct ui_consent_view, csrf_token),
    TEXT(struct ui_consent_view, next),
    END};
static const struct slot error_slots[] = {TEXT(struct ui_error_view, title),
                                          TEXT(struct ui_error_view, message), END};
static const struct slot logout_slots[] = {
    TEXT(struct ui_logout_view, csrf_token), TEXT(struct ui_logout_view, client_name),
    TEXT(struct ui_logout_view, client_id),  TEXT(struct ui_logout_view, post_logout_redirect_uri),
    TEXT(struct ui_logout_view, state),      END};
static const struct slot logged_out_slots[] = {END};
static const struct slot form_post_slots[] = {
    TEXT(struct ui_form_post_view, action),
    LIST(struct ui_form_post_view, fields, nfields, struct ui_field, field_slots), END};

static const struct slot check_session_slots[] = {TEXT(struct ui_check_session_view, cookie_name),
                                                  END};

static const struct {
    const char *file;
    const struct slot *slots;
} pages[UI_PAGES] = {
    [UI_LOGIN] = {"login.html", login_slots},
    [UI_CONSENT] = {"consent.html", consent_slots},
    [UI_ERROR] = {"error.html", error_slots},
    [UI_LOGOUT] = {"logout.html", logout_slots},
    [UI_LOGGED_OUT] = {"logged_out.html", logged_out_slots},
    [UI_FORM_POST] = {"form_post.html", form_post_slots},
    [UI_CHECK_SESSION] = {"check_session.html", check_session_slots},
    [UI_MFA] = {"mfa.html", mfa_slots},
    [UI_ACCOUNT] = {"account.html", account_slots},
};

const char *ui_page_file(enum ui_page page)
{
    return pages[page].file;
}

enum node_kind { NODE_TEXT, NODE_SLOT, NODE_SECTION };

struct node {
    enum node_kind kind;
    size_t off, len;         /* NODE_TEXT: the span of the template text */
    const struct slot *slot; /* NODE_SLOT, NODE_SECTION */
    size_t end;              /* NODE_SECTION: index of the first node after it */
};

struct ui_template {
    char *text;
    struct node *nodes;
    size_t n, cap;
};

struct ui {
    struct ui_template *t[UI_PAGES];
};

#define MAX_DEPTH 4
#define MAX_NAME 32

/* Parser state: where we are, and the sections open. */
struct parse {
    struct ui_template *t;
    const char *file;
    size_t line;
    char *why;
    size_t whylen;
    const struct slot *scope[MAX_DEPTH + 1]; /* slots known at each depth */
    size_t open[MAX_DEPTH];                  /* node index of each open section */
    size_t open_line[MAX_DEPTH];
    size_t depth;
};

static enum err fail(struct parse *p, const char *what, const char *name)
{
    snprintf(p->why, p->whylen, "%s:%zu: %s%s%s%s", p->file, p->line, what, name ? " {{" : "",
             name ? name : "", name ? "}}" : "");
    return ERR_CONFIG;
}

static enum err add_node(struct ui_template *t, struct node nd)
{
    struct node *grown;

    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        grown = realloc(t->nodes, cap * sizeof *grown);
        if (!grown)
            return ERR_NOMEM;
        t->nodes = grown;
        t->cap = cap;
    }
    t->nodes[t->n++] = nd;
    return ERR_OK;
}

/* {{base}} is known everywhere, inside lists too */
static const struct slot base_slot = {"base", SLOT_BASE, 0, 0, 0, NULL};

static const struct slot *find_slot(const struct slot *slots, const char *name)
{
    if (strcmp(name, "base") == 0)
        return &base_slot;
    for (; slots->name; slots++)
        if (strcmp(slots->name, name) == 0)
            return slots;
    return NULL;
}

static enum err open_section(struct parse *p, const struct slot *s, const char *name)
{
    struct node nd = {NODE_SECTION, 0, 0, s, 0};

    if (p->depth == MAX_DEPTH)
        return fail(p, "sections nested too deep at", name);
    p->open_line[p->depth] = p->line;
    p->open[p->depth++] = p->t->n;
    p->scope[p->depth] = s->kind == SLOT_LIST ? s->items : p->scope[p->depth - 1];
    return add_node(p->t, nd);
}

static enum err close_section(struct parse *p, const char *name)
{
    struct node *open;

    if (!p->depth)
        return fail(p, "close of a section not open:", name);
    open = &p->t->nodes[p->open[p->depth - 1]];
    if (strcmp(open->slot->name, name) != 0)
        return fail(p, "close does not match the open section:", name);
    p->depth--;
    open->end = p->t->n;
    return ERR_OK;
}

/* One {{…}} whose inside is the n bytes at s. */
static enum err tag(struct parse *p, const char *s, size_t n)
{
    char name[MAX_NAME + 1];
    char sigil = n && (s[0] == '#' || s[0] == '/') ? s[0] : 0;
    const struct slot *slot;
    size_t i;

    if (sigil) {
        s++;
        n--;
    }
    for (i = 0; i < n && i < MAX_NAME && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'); i++)
        name[i] = s[i];
    name[i] = '\0';
    if (!n || i != n)
        return fail(p, "a slot name is lower-case letters and '_'", NULL);
    if (sigil == '/')
        return close_section(p, name);
    slot = find_slot(p->scope[p->depth], name);
    if (!slot)
        return fail(p, "unknown slot", name);
    if (sigil == '#' && slot->kind == SLOT_BASE)
        return fail(p, "{{base}} is no section:", name);
    if (sigil == '#')
        return open_section(p, slot, name);
    if (slot->kind == SLOT_LIST)
        return fail(p, "a list is used as {{#name}}…{{/name}}:", name);
    return add_node(p->t, (struct node){NODE_SLOT, 0, 0, slot, 0});
}

static size_t count_lines(const char *s, size_t n)
{
    size_t lines = 0, i;

    for (i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static enum err parse_text(struct parse *p, const char *text, size_t len)
{
    size_t pos = 0, lit, n;
    const char *open, *close;
    enum err rc = ERR_OK;

    while (!rc && pos < len) {
        open = memmem(text + pos, len - pos, "{{", 2);
        lit = open ? (size_t)(open - text) - pos : len - pos;
        if (lit)
            rc = add_node(p->t, (struct node){NODE_TEXT, pos, lit, NULL, 0});
        p->line += count_lines(text + pos, lit);
        if (rc || !open)
            break;
        pos += lit + 2;
        close = memmem(text + pos, len - pos, "}}", 2);
        n = close ? (size_t)(close - text) - pos : 0;
        if (!close || memchr(text + pos, '\n', n))
            return fail(p, "unclosed slot: {{ without }} on the same line", NULL);
        rc = tag(p, text + pos, n);
        pos += n + 2;
    }
    if (!rc && p->depth) {
        p->line = p->open_line[p->depth - 1];
        return fail(p, "section never closed:", p->t->nodes[p->open[p->depth - 1]].slot->name);
    }
    return rc;
}

void ui_template_free(struct ui_template *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->nodes);
    free(t);
}

enum err ui_template_parse(enum ui_page page, const char *file, const char *text, size_t len,
                           struct ui_template **out, char *why, size_t whylen)
{
    struct parse p = {.file = file, .line = 1, .why = why, .whylen = whylen};
    enum err rc;

    if (len > LIMIT_TEMPLATE) {
        snprintf(why, whylen, "%s: larger than %d bytes", file, LIMIT_TEMPLATE);
        return ERR_CONFIG;
    }
    p.t = calloc(1, sizeof *p.t);
    if (!p.t || !(p.t->text = malloc(len + 1))) {
        ui_template_free(p.t);
        return ERR_NOMEM;
    }
    memcpy(p.t->text, text, len);
    p.t->text[len] = '\0';
    p.scope[0] = pages[page].slots;
    rc = parse_text(&p, p.t->text, len);
    if (rc) {
        ui_template_free(p.t);
        return rc;
    }
    *out = p.t;
    return ERR_OK;
}

enum err ui_escape(struct buf *out, const char *s)
{
    enum err rc = ERR_OK;
    const char *run = s;

    for (; !rc && *s; s++) {
        const char *ref = NULL;
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            ref = "&amp;";
            break;
        case '<':
            ref = "&lt;";
            break;
        case '>':
            ref = "&gt;";
            break;
        case '"':
            ref = "&quot;";
            break;
        case '\'':
            ref = "&#39;";
            break;
        case '`':
            ref = "&#96;";
            break;
        case '=':
            ref = "&#61;";
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                ref = "\xef\xbf\xbd";
        }
        if (!ref)
            continue;
        rc = buf_append(out, run, (size_t)(s - run));
        if (!rc)
            rc = buf_append_str(out, ref);
        run = s + 1;
    }
    return rc ? rc : buf_append(out, run, (size_t)(s - run));
}

/* What a render carries down the sections. */
struct render {
    const struct ui_template *t;
    const char *base;
    struct buf *out;
};

static const char *text_of(const struct render *r, const void *ctx, const struct slot *s)
{
    const char *v =
        s->kind == SLOT_BASE ? r->base : *(const char *const *)((const char *)ctx + s->off);

    return v ? v : "";
}

static const struct qr_svg *qr_of(const void *ctx, const struct slot *s)
{
    return *(const struct qr_svg *const *)((const char *)ctx + s->off);
}

/* The QR code's SVG as qr_svg_make drew it: trusted markup, not escaped. */
static enum err append_qr(const struct render *r, const struct qr_svg *q)
{
    return q && q->svg ? buf_append(r->out, q->svg, q->len) : ERR_OK;
}

static enum err render_range(const struct render *r, size_t i, size_t end, const void *ctx);

static enum err render_section(const struct render *r, size_t i, const void *ctx)
{
    const struct node *nd = &r->t->nodes[i];
    const struct slot *s = nd->slot;
    const char *items;
    size_t k, count;
    enum err rc = ERR_OK;

    if (s->kind == SLOT_TEXT)
        return text_of(r, ctx, s)[0] ? render_range(r, i + 1, nd->end, ctx) : ERR_OK;
    if (s->kind == SLOT_QR)
        return qr_of(ctx, s) ? render_range(r, i + 1, nd->end, ctx) : ERR_OK;
    items = *(const char *const *)((const char *)ctx + s->off);
    count = *(const size_t *)((const char *)ctx + s->count_off);
    for (k = 0; !rc && items && k < count; k++)
        rc = render_range(r, i + 1, nd->end, items + k * s->item_size);
    return rc;
}

static enum err render_range(const struct render *r, size_t i, size_t end, const void *ctx)
{
    enum err rc = ERR_OK;

    while (!rc && i < end) {
        const struct node *nd = &r->t->nodes[i];
        switch (nd->kind) {
        case NODE_TEXT:
            rc = buf_append(r->out, r->t->text + nd->off, nd->len);
            i++;
            break;
        case NODE_SLOT:
            rc = nd->slot->kind == SLOT_QR ? append_qr(r, qr_of(ctx, nd->slot))
                                           : ui_escape(r->out, text_of(r, ctx, nd->slot));
            i++;
            break;
        case NODE_SECTION:
            rc = render_section(r, i, ctx);
            i = nd->end;
            break;
        }
    }
    return rc;
}

enum err ui_template_render(const struct ui_template *t, const char *base, const void *view,
                            struct buf *out)
{
    struct render r = {t, base, out};

    return render_range(&r, 0, t->n, view);
}

void ui_free(struct ui *ui)
{
    int i;

    if (!ui)
        return;
    for (i = 0; i < UI_PAGES; i++)
        ui_template_free(ui->t[i]);
    free(ui);
}

/* The operator's copy of file in dir: ERR_OK with *text (caller frees),
 * ERR_NOT_FOUND when there is none, ERR_CONFIG when it cannot be read. */
static enum err read_operator_file(const char *path, char **text, size_t *len, char *why,
                                   size_t whylen)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[4096];
    size_t n;
    enum err rc = ERR_OK;

    if (!f) {
        if (errno == ENOENT)
            return ERR_NOT_FOUND;
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return ERR_CONFIG;
    }
    buf_init(&b, LIMIT_TEMPLATE);
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = buf_append(&b, chunk, n);
    if (!rc && ferror(f))
        rc = ERR_IO;
    fclose(f);
    if (rc) {
        snprintf(why, whylen, "%s: %s", path,
                 rc == ERR_TOO_LARGE ? "larger than the template limit" : err_str(rc));
        buf_free(&b);
        return ERR_CONFIG;
    }
    *len = b.len;
    *text = buf_take(&b);
    return *text ? ERR_OK : ERR_NOMEM;
}

static enum err load_page(const char *dir, enum ui_page page, struct ui_template **out, char *why,
                          size_t whylen)
{
    char path[1280], *text = NULL;
    const char *builtin;
    size_t len = 0, builtin_len;
    enum err rc = ERR_NOT_FOUND;

    if (dir && dir[0]) {
        snprintf(path, sizeof path, "%s/%s", dir, pages[page].file);
        rc = read_operator_file(path, &text, &len, why, whylen);
        if (!rc) {
            rc = ui_template_parse(page, path, text ? text : "", len, out, why, whylen);
            free(text);
            return rc;
        }
        if (rc != ERR_NOT_FOUND)
            return rc;
    }
    if (!ui_embedded_get(pages[page].file, &builtin, &builtin_len))
        return ERR_CONFIG;
    snprintf(path, sizeof path, "(built-in) %s", pages[page].file);
    return ui_template_parse(page, path, builtin, builtin_len, out, why, whylen);
}

enum err ui_open(const char *dir, struct ui **out, char *why, size_t whylen)
{
    struct ui *ui = calloc(1, sizeof *ui);
    enum err rc = ui ? ERR_OK : ERR_NOMEM;
    int i;

    for (i = 0; !rc && i < UI_PAGES; i++)
        rc = load_page(dir, (enum ui_page)i, &ui->t[i], why, whylen);
    if (rc) {
        ui_free(ui);
        return rc;
    }
    *out = ui;
    return ERR_OK;
}

enum err ui_render(const struct ui *ui, enum ui_page page, const char *base, const void *view,
                   char **out, size_t *len)
{
    struct buf b;
    enum err rc;

    buf_init(&b, LIMIT_PAGE);
    rc = ui_template_render(ui->t[page], base, view, &b);
    if (!rc && !b.data)
        rc = buf_append(&b, "", 0);
    if (rc) {
        buf_free(&b);
        return rc;
    }
    *len = b.len;
    *out = buf_take(&b);
    return *out ? ERR_OK : ERR_NOMEM;
}

bool ui_static_get(const char *name, const char **data, size_t *len, const char **content_type)
{
    size_t n = strlen(name);

    /* templates are embedded too, but are no static files */
    if (n < 4 || (strcmp(name + n - 4, ".css") != 0 && (n < 3 || strcmp(name + n - 3, ".js") != 0)))
        return false;
    if (!ui_embedded_get(name, data, len))
        return false;
    *content_type = name[n - 1] == 's' && name[n - 2] == 's' ? "text/css; charset=utf-8"
                                                             : "text/javascript; charset=utf-8";
    return true;
}

const char *ui_fallback_page(void)
{
    return "<!doctype html><html lang=\"en\"><title>Server error</title>"
           "<p>Something went wrong on our side. Please try again later.";
}
