#include "oauth/claims_request.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/claim_name.h"
#include "core/config.h"

static enum err invalid(const char **why, const char *text)
{
    *why = text;
    return ERR_INVALID_REQUEST;
}

/* A claim's request (Core §5.5.1): null, or an object whose essential is a
 * boolean and whose values is an array; value may be any JSON. */
static enum err check_ask(const json_t *ask, const char **why)
{
    const json_t *essential, *values;

    if (json_is_null(ask))
        return ERR_OK;
    if (!json_is_object(ask))
        return invalid(why, "claims: each requested claim must be null or a JSON object");
    essential = json_object_get(ask, "essential");
    values = json_object_get(ask, "values");
    if (essential && !json_is_boolean(essential))
        return invalid(why, "claims: essential must be true or false");
    if (values && !json_is_array(values))
        return invalid(why, "claims: values must be a JSON array");
    return ERR_OK;
}

/* The sub values ask allows into *allowed: its value and its values that
 * are strings. False when it names none (no value, no values). */
static bool sub_allowed(const json_t *ask, struct strlist *allowed, enum err *rc)
{
    const json_t *value = json_object_get(ask, "value"), *values = json_object_get(ask, "values");
    const json_t *v;
    size_t i;

    if (!value && !values)
        return false;
    if (json_is_string(value))
        *rc = strlist_add(allowed, json_string_value(value), json_string_length(value));
    json_array_foreach(values, i, v)
    {
        if (!*rc && json_is_string(v))
            *rc = strlist_add(allowed, json_string_value(v), json_string_length(v));
    }
    return true;
}

/* Narrows out's sub values to those ask allows too (a request asking in
 * both members must be met in both). */
static enum err read_sub(const json_t *ask, struct claims_request *out)
{
    struct strlist allowed = {0}, kept = {0};
    enum err rc = ERR_OK;
    size_t i;

    if (!json_is_object(ask) || !sub_allowed(ask, &allowed, &rc) || rc)
        goto out;
    if (!out->sub_fixed) {
        out->sub_fixed = true;
        out->sub_values = allowed;
        return ERR_OK;
    }
    for (i = 0; !rc && i < out->sub_values.n; i++)
        if (strlist_contains(&allowed, out->sub_values.items[i]))
            rc = strlist_add(&kept, out->sub_values.items[i], strlen(out->sub_values.items[i]));
    strlist_free(&out->sub_values);
    out->sub_values = kept;
out:
    strlist_free(&allowed);
    return rc;
}

/* acr asked as essential with value(s) (Core §5.5.1.1). */
static bool essential_with_values(const json_t *ask)
{
    return json_is_object(ask) && json_is_true(json_object_get(ask, "essential")) &&
           (json_object_get(ask, "value") || json_object_get(ask, "values"));
}

/* The string value and values of an essential acr, each once; others are
 * passed over (they name no level). */
static enum err read_acr_values(const json_t *ask, struct claims_request *out)
{
    const json_t *one = json_object_get(ask, "value"), *v;
    const json_t *many = json_object_get(ask, "values");
    enum err rc = ERR_OK;
    size_t i;

    if (json_is_string(one) && !strlist_contains(&out->acr_values, json_string_value(one)))
        rc = strlist_add(&out->acr_values, json_string_value(one), json_string_length(one));
    json_array_foreach(many, i, v)
    {
        if (!rc && json_is_string(v) && !strlist_contains(&out->acr_values, json_string_value(v)))
            rc = strlist_add(&out->acr_values, json_string_value(v), json_string_length(v));
    }
    return rc;
}

static enum err read_one(const char *name, const json_t *ask, bool id_token, struct strlist *names,
                         struct claims_request *out)
{
    if (strcmp(name, "sub") == 0)
        return read_sub(ask, out);
    if (strcmp(name, "acr") == 0 && id_token) {
        if (!essential_with_values(ask))
            return ERR_OK;
        out->acr_essential = true;
        return read_acr_values(ask, out);
    }
    if (strlen(name) > CLAIM_NAME_MAX || strlist_contains(names, name))
        return ERR_OK;
    return strlist_add(names, name, strlen(name));
}

static enum err read_member(const json_t *member, bool id_token, struct strlist *names,
                            struct claims_request *out, const char **why)
{
    const char *name;
    json_t *ask;
    enum err rc = ERR_OK;

    if (!member)
        return ERR_OK;
    if (!json_is_object(member))
        return invalid(why, "the claims members userinfo and id_token must be JSON objects");
    json_object_foreach((json_t *)member, name, ask)
    {
        if (!rc)
            rc = check_ask(ask, why);
        if (!rc)
            rc = read_one(name, ask, id_token, names, out);
    }
    return rc;
}

enum err claims_request_parse(const char *json, size_t len, struct claims_request *out,
                              const char **why)
{
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!json_is_object(doc))
        rc = invalid(why, "claims must be a JSON object");
    else
        rc = read_member(json_object_get(doc, "userinfo"), false, &out->userinfo, out, why);
    if (!rc)
        rc = read_member(json_object_get(doc, "id_token"), true, &out->id_token, out, why);
    if (rc == ERR_NOMEM)
        *why = "out of memory";
    json_decref(doc);
    return rc;
}

bool claims_request_sub_ok(const struct claims_request *r, const char *sub)
{
    return !r->sub_fixed || strlist_contains(&r->sub_values, sub);
}

enum err claims_request_names(const struct claims_request *r, struct strlist *out)
{
    const struct strlist *lists[] = {&r->userinfo, &r->id_token};
    enum err rc = ERR_OK;
    size_t i, j;

    for (i = 0; i < 2; i++)
        for (j = 0; !rc && j < lists[i]->n; j++)
            if (!strlist_contains(out, lists[i]->items[j]))
                rc = strlist_add(out, lists[i]->items[j], strlen(lists[i]->items[j]));
    return rc;
}

enum err claims_request_join(const struct strlist *l, char **out)
{
    *out = NULL;
    if (l->n == 0)
        return ERR_OK;
    *out = strlist_join(l, " ");
    return *out ? ERR_OK : ERR_NOMEM;
}

void claims_request_clear(struct claims_request *r)
{
    if (!r)
        return;
    strlist_free(&r->userinfo);
    strlist_free(&r->id_token);
    strlist_free(&r->sub_values);
    strlist_free(&r->acr_values);
    memset(r, 0, sizeof *r);
}
