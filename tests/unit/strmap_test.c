/*
 * strmap: the hash map behind the index (posts by path, feeds by name).
 * A lost or duplicated key means a post missing from its feeds or
 * published twice, so the cases check every key after growth, after
 * removals that shift probe runs back (the delicate part of open
 * addressing), and that an iteration visits each key exactly once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/strmap.h"
#include "test.h"

#define NKEYS	10000

static void	*val(size_t);
static void	 key(char *, size_t, size_t);
static uint32_t	 next_random(uint32_t *);
static int	 check_contents(const struct strmap *, const int *, size_t);
static void	 check_basic(void);
static void	 check_many(void);
static void	 check_remove_while_growing(void);
static void	 check_random(void);

/* The value stored for key number i (never NULL). */
static void *
val(size_t i)
{
	return ((void *)(uintptr_t)(i + 1));
}

/* The text of key number i. */
static void
key(char *buf, size_t size, size_t i)
{
	snprintf(buf, size, "_posts/%zu-post.md", i);
}

/* A small deterministic generator (LCG), so failures repeat. */
static uint32_t
next_random(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8);
}

/*
 * Compare the map with present[0..n): every present key maps to its
 * value, every absent one to NULL, the count agrees, and an iteration
 * visits each present key once.  Returns the number of mismatches.
 */
static int
check_contents(const struct strmap *m, const int *present, size_t n)
{
	char		 k[64];
	unsigned char	*seen = calloc(n, 1);
	size_t		 i, pos = 0, count = 0, visits = 0;
	const char	*ik;
	void		*iv;
	int		 bad = 0;
	unsigned long	 num;

	for (i = 0; i < n; i++) {
		key(k, sizeof k, i);
		if (strmap_get(m, k) != (present[i] ? val(i) : NULL))
			bad++;
		count += present[i] != 0;
	}
	if (strmap_count(m) != count)
		bad++;
	while (strmap_next(m, &pos, &ik, &iv)) {
		visits++;
		if (sscanf(ik, "_posts/%lu-post.md", &num) != 1 || num >= n ||
		    !present[num] || seen[num] || iv != val(num)) {
			bad++;
			continue;
		}
		seen[num] = 1;
	}
	if (visits != count)
		bad++;
	free(seen);
	return (bad);
}

/* Put, get, replace and remove on a few keys. */
static void
check_basic(void)
{
	struct strmap	*m = strmap_create();
	char		 buf[16];
	int		 a, b, c;
	size_t		 pos = 0;
	const char	*k;
	void		*v;

	CHECK(strmap_count(m) == 0);
	CHECK(strmap_get(m, "x") == NULL);
	CHECK(strmap_remove(m, "x") == NULL);
	CHECK(strmap_next(m, &pos, &k, &v) == 0);

	strmap_put(m, "a", &a);
	strmap_put(m, "b", &b);
	CHECK(strmap_count(m) == 2);
	CHECK(strmap_get(m, "a") == &a);
	CHECK(strmap_get(m, "b") == &b);
	CHECK(strmap_get(m, "c") == NULL);
	CHECK(strmap_get(m, "A") == NULL);
	CHECK(strmap_get(m, "ab") == NULL);

	/* Replacing keeps one entry. */
	strmap_put(m, "a", &c);
	CHECK(strmap_count(m) == 2);
	CHECK(strmap_get(m, "a") == &c);

	/* The empty string and non-ASCII keys are keys like others. */
	strmap_put(m, "", &a);
	strmap_put(m, "财经", &b);
	strmap_put(m, "财经要闻", &c);
	CHECK(strmap_get(m, "") == &a);
	CHECK(strmap_get(m, "财经") == &b);
	CHECK(strmap_get(m, "财经要闻") == &c);
	CHECK(strmap_count(m) == 5);

	/* The map keeps its own copy of a key. */
	strcpy(buf, "temp");
	strmap_put(m, buf, &a);
	strcpy(buf, "XXXX");
	CHECK(strmap_get(m, "temp") == &a);
	CHECK(strmap_get(m, "XXXX") == NULL);

	/* Remove returns the value, once. */
	CHECK(strmap_remove(m, "a") == &c);
	CHECK(strmap_remove(m, "a") == NULL);
	CHECK(strmap_get(m, "a") == NULL);
	CHECK(strmap_get(m, "b") == &b);
	CHECK(strmap_count(m) == 5);
	strmap_put(m, "a", &a);
	CHECK(strmap_get(m, "a") == &a);
	CHECK(strmap_count(m) == 6);
	strmap_free(m);

	/* Freeing NULL is allowed. */
	strmap_free(NULL);
}

/* Ten thousand keys: growth, replacement, removal of half. */
static void
check_many(void)
{
	struct strmap	*m = strmap_create();
	int		*present = calloc(NKEYS, sizeof *present);
	char		 k[64];
	size_t		 i;
	int		 bad;

	for (i = 0; i < NKEYS; i++) {
		key(k, sizeof k, i);
		strmap_put(m, k, val(i));
		present[i] = 1;
	}
	CHECK(strmap_count(m) == NKEYS);
	bad = check_contents(m, present, NKEYS);
	CHECK(bad == 0);

	/* Putting every key again changes nothing. */
	for (i = 0; i < NKEYS; i++) {
		key(k, sizeof k, i);
		strmap_put(m, k, val(i));
	}
	CHECK(strmap_count(m) == NKEYS);

	/* Remove the odd keys. */
	for (i = 1; i < NKEYS; i += 2) {
		key(k, sizeof k, i);
		CHECK(strmap_remove(m, k) == val(i));
		present[i] = 0;
	}
	bad = check_contents(m, present, NKEYS);
	CHECK(bad == 0);
	if (bad != 0)
		fprintf(stderr, "    %d mismatches after removing half\n", bad);

	/* Remove the rest: the map is empty and still usable. */
	for (i = 0; i < NKEYS; i += 2) {
		key(k, sizeof k, i);
		CHECK(strmap_remove(m, k) == val(i));
		present[i] = 0;
	}
	CHECK(strmap_count(m) == 0);
	CHECK(check_contents(m, present, NKEYS) == 0);
	key(k, sizeof k, 7);
	strmap_put(m, k, val(7));
	present[7] = 1;
	CHECK(check_contents(m, present, NKEYS) == 0);
	free(present);
	strmap_free(m);
}

/* Removals interleaved with the insertions that make the table grow. */
static void
check_remove_while_growing(void)
{
	struct strmap	*m = strmap_create();
	int		*present = calloc(NKEYS, sizeof *present);
	char		 k[64];
	size_t		 i, j;
	int		 bad;

	for (i = 0; i < NKEYS; i++) {
		key(k, sizeof k, i);
		strmap_put(m, k, val(i));
		present[i] = 1;
		/* Every third step, drop an older key. */
		if (i % 3 == 2) {
			j = i / 2;
			key(k, sizeof k, j);
			CHECK(strmap_remove(m, k) == (present[j] ? val(j) :
			    NULL));
			present[j] = 0;
		}
	}
	bad = check_contents(m, present, NKEYS);
	CHECK(bad == 0);
	if (bad != 0)
		fprintf(stderr, "    %d mismatches\n", bad);
	free(present);
	strmap_free(m);
}

/* Random puts and removes against a shadow array. */
static void
check_random(void)
{
	struct strmap	*m = strmap_create();
	int		*present;
	uint32_t	 state = 12345;
	size_t		 n = 3000, i, round, which;
	char		 k[64];
	int		 bad = 0;

	present = calloc(n, sizeof *present);
	for (round = 0; round < 50; round++) {
		for (i = 0; i < 2000; i++) {
			which = next_random(&state) % n;
			key(k, sizeof k, which);
			if (next_random(&state) % 3 == 0) {
				if (strmap_remove(m, k) != (present[which] ?
				    val(which) : NULL))
					bad++;
				present[which] = 0;
			} else {
				strmap_put(m, k, val(which));
				present[which] = 1;
			}
		}
		bad += check_contents(m, present, n);
	}
	CHECK(bad == 0);
	if (bad != 0)
		fprintf(stderr, "    %d mismatches in random rounds\n", bad);
	free(present);
	strmap_free(m);
}

int
main(void)
{
	check_basic();
	check_many();
	check_remove_while_growing();
	check_random();
	return (test_status());
}
