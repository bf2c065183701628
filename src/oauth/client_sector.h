#ifndef OIDCD_OAUTH_CLIENT_SECTOR_H
#define OIDCD_OAUTH_CLIENT_SECTOR_H

/* A client's sector (OpenID Connect Core §8.1): the host its pairwise subs
 * are derived for. */

#include "core/config.h"
#include "store/store.h"

#define SECTOR_FETCH_TIMEOUT_MS 5000

/* Sets c->sector from c's registration, as a client is created or its
 * redirect URIs, sector identifier URI or subject type change. With a
 * sector_identifier_uri: GETs it, which must answer 200 with a JSON array of
 * strings holding every redirect URI of c; the sector is its host. Without:
 * the one host of c's redirect URIs; none (NULL: c's own id is the sector)
 * when they are all on loopback hosts or have no host; when they name more
 * than one, a pairwise client (subject_is_pairwise) is refused and any other
 * gets none. Returns ERR_OK; ERR_INVALID_REQUEST with *why (static) when the
 * document or the URIs do not fit; ERR_TEMPORARILY_UNAVAILABLE with *why
 * when the document could not be fetched; ERR_NOMEM. */
enum err client_sector_settle(const struct config *cfg, struct client *c, const char **why);

/* The sector c's pairwise subs are derived in, as bound into them:
 * "host:" and c->sector, else "client:" and c's id, so that no host sector
 * equals a client's own. Newly allocated (free); NULL when out of memory. */
char *client_sector_label(const struct client *c);

#endif
