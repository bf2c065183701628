#ifndef OIDCD_CORE_HASH_H
#define OIDCD_CORE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_LEN 32

/* SHA-256 of n bytes into out[HASH_LEN]. */
void hash_sha256(const void *in, size_t n, unsigned char out[HASH_LEN]);

/* True when the SHA-256 of secret equals stored, compared in constant time. */
bool hash_matches(const char *secret, size_t n, const unsigned char stored[HASH_LEN]);

/* FNV-1a of the string s: a quick spread for the slots of an in-memory
 * cache keyed by random ids. Not for anything an attacker may choose to
 * collide where that would matter. */
uint32_t hash_fnv1a(const char *s);

#endif
