/*
 * hash64: eight bytes at a time, each word mixed in by a multiply and a
 * rotation (the shape of MurmurHash64A), then the tail and the length.
 */
#include <string.h>

#include "hash.h"

#define HASH_MUL	0xc6a4a7935bd1e995ULL

/* Stir a 64-bit value so every input bit reaches every output bit. */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (h);
}

uint64_t
hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ (len * HASH_MUL), w;
	size_t		 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		w *= HASH_MUL;
		w = (w << 47) | (w >> 17);
		h = (h ^ w) * HASH_MUL;
	}
	w = 0;
	memcpy(&w, p + i, len - i);
	h = (h ^ w) * HASH_MUL;
	return (mix(h));
}
