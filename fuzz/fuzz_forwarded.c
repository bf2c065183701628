/* libFuzzer target: core/addr_set.c addr_set_parse, addr_set_contains and
 * addr_forwarded_client. The input is a trusted-proxy list and an
 * X-Forwarded-For value separated by the first NUL byte (a list that does
 * not parse is replaced by loopback). The client found is the peer or an
 * address inet_pton reads back; every parsed network contains its own
 * address. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr_set.h"

static void check_client(const char *client)
{
    unsigned char bytes[16];

    if (strcmp(client, "127.0.0.1") != 0 && inet_pton(AF_INET, client, bytes) != 1 &&
        inet_pton(AF_INET6, client, bytes) != 1)
        abort();
}

static void check_set(const struct addr_set *set)
{
    char text[64];
    size_t i;

    if (set->n > ADDR_SET_MAX)
        abort();
    for (i = 0; i < set->n; i++) {
        const struct addr_net *net = &set->nets[i];
        if (!inet_ntop(net->family, net->bytes, text, sizeof text) ||
            !addr_set_contains(set, text))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    const char *xff, *hint;
    struct addr_set set;
    char client[46];

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = text[size + 1] = '\0';
    xff = text + strlen(text) + 1;
    if (addr_set_parse(text, &set, &hint) == ERR_OK)
        check_set(&set);
    else if (addr_set_parse("127.0.0.1 ::1", &set, &hint) != ERR_OK)
        abort();
    (void)addr_set_contains(&set, xff);
    addr_forwarded_client(&set, "127.0.0.1", xff, client, sizeof client);
    check_client(client);
    free(text);
    return 0;
}
