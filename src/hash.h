/*
 * A fast 64-bit digest of a byte string, to tell whether two files hold
 * the same bytes (a post renamed by delete and create).  Not
 * cryptographic: content is untrusted, so a match is only ever a hint
 * that costs nothing when wrong (a kept id), never a reason to trust.
 */
#ifndef FEEDD_HASH_H
#define FEEDD_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	hash64(const void *, size_t);

#endif
