#include <stdlib.h>
#include <string.h>

#include "oauth/oauth.h"

void token_response_clear(struct token_response *r)
{
    if (!r)
        return;
    free(r->access_token);
    free(r->scope);
    free(r->refresh_token);
    free(r->id_token);
    memset(r, 0, sizeof *r);
}
