#include "oauth/subject.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "oauth/client_cache.h"
#include "oauth/client_sector.h"

bool subject_is_pairwise(const struct config *cfg, const struct client *c)
{
    if (c->subject_type != SUBJECT_DEFAULT)
        return c->subject_type == SUBJECT_PAIRWISE;
    return strcmp(cfg->subject_type, "pairwise") == 0;
}

enum err subject_for_client(const struct oauth_ctx *ctx, const struct client *c,
                            const char *user_sub, char out[SUBJECT_MAX])
{
    const struct subject_key *k = NULL;
    char *sector = NULL;
    enum err rc;

    if (!subject_is_pairwise(ctx->cfg, c))
        return text_copy(out, SUBJECT_MAX, user_sub) ? ERR_OK : ERR_INVALID_REQUEST;
    rc = keystore_subject_key(ctx->keys, &k);
    if (!rc && !(sector = client_sector_label(c)))
        rc = ERR_NOMEM;
    if (!rc)
        rc = subject_pairwise(k, sector, user_sub, out);
    free(sector);
    return rc;
}

/* A pairwise client's sid: the session's sid made pairwise like a sub,
 * under a label of its own so that no sid is ever some user's sub. */
static enum err pairwise_sid(const struct oauth_ctx *ctx, const struct client *c, const char *sid,
                             char out[SUBJECT_MAX])
{
    static const char prefix[] = "sid ";
    const struct subject_key *k = NULL;
    char *sector = client_sector_label(c), *label = NULL;
    enum err rc = sector ? keystore_subject_key(ctx->keys, &k) : ERR_NOMEM;

    if (!rc && !(label = malloc(sizeof prefix + strlen(sector))))
        rc = ERR_NOMEM;
    if (!rc) {
        memcpy(label, prefix, sizeof prefix - 1);
        memcpy(label + sizeof prefix - 1, sector, strlen(sector) + 1);
        rc = subject_pairwise(k, label, sid, out);
    }
    free(label);
    free(sector);
    return rc;
}

enum err subject_view_for_client(const struct oauth_ctx *ctx, const struct client *c,
                                 const char *user_sub, const char *sid, struct subject_view *out)
{
    enum err rc = subject_for_client(ctx, c, user_sub, out->sub);

    out->sid[0] = '\0';
    if (rc || !sid || !*sid)
        return rc;
    if (!subject_is_pairwise(ctx->cfg, c))
        return text_copy(out->sid, sizeof out->sid, sid) ? ERR_OK : ERR_INVALID_REQUEST;
    return pairwise_sid(ctx, c, sid, out->sid);
}

enum err subject_view_for_client_id(const struct oauth_ctx *ctx, const char *client_id,
                                    const char *user_sub, const char *sid, struct subject_view *out)
{
    struct client c;
    enum err rc = client_cache_get(ctx->store, ctx->keys, client_id, &c);

    if (rc)
        return rc;
    rc = subject_view_for_client(ctx, &c, user_sub, sid, out);
    client_clear(&c);
    return rc;
}

enum err subject_for_client_id(const struct oauth_ctx *ctx, const char *client_id,
                               const char *user_sub, char out[SUBJECT_MAX])
{
    struct client c;
    enum err rc = client_cache_get(ctx->store, ctx->keys, client_id, &c);

    if (rc)
        return rc;
    rc = subject_for_client(ctx, &c, user_sub, out);
    client_clear(&c);
    return rc;
}

enum err subject_user_of(const struct oauth_ctx *ctx, const char *client_id, const char *sub,
                         char out[LIMIT_SUB + 1])
{
    const struct subject_key *k = NULL;
    struct client c = {0};
    char *sector = NULL;
    enum err rc = client_cache_get(ctx->store, ctx->keys, client_id, &c);

    if (!rc && !subject_is_pairwise(ctx->cfg, &c))
        rc = text_copy(out, LIMIT_SUB + 1, sub) ? ERR_OK : ERR_NOT_FOUND;
    else if (!rc && !(rc = keystore_subject_key(ctx->keys, &k)))
        rc = (sector = client_sector_label(&c)) ? subject_local(k, sector, sub, out) : ERR_NOMEM;
    free(sector);
    client_clear(&c);
    return rc;
}
