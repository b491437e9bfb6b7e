/*
 * hash64: equal bytes give equal digests; a change anywhere, including
 * the length and the tail past the last whole word, gives another.
 */
#include <stdint.h>
#include <string.h>

#include "../../src/hash.h"
#include "test.h"

int
main(void)
{
	char		 a[100], b[100];
	uint64_t	 base;
	size_t		 i, len;

	for (i = 0; i < sizeof a; i++)
		a[i] = (char)('a' + i % 26);
	for (len = 0; len <= sizeof a; len++) {
		memcpy(b, a, sizeof a);
		base = hash64(a, len);
		CHECK(hash64(b, len) == base);
		if (len > 0)
			CHECK(hash64(a, len - 1) != base);
		for (i = 0; i < len; i++) {
			b[i] ^= 1;
			CHECK(hash64(b, len) != base);
			b[i] ^= 1;
		}
	}
	CHECK(hash64("", 0) != hash64("\0", 1));
	return (test_status());
}
