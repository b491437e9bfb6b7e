/*
 * Open-addressing hash map from strings to pointers (linear probing,
 * backward-shift deletion, word-at-a-time hashing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xmalloc.h"

struct strmap_slot {
	char		*key;		/* NULL when empty */
	uint64_t	 hash;
	void		*value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t		 size;		/* power of two */
	size_t		 count;
	int		 own_keys;
};

static uint64_t	strmap_hash(const char *);
static size_t	strmap_find(const struct strmap *, const char *, uint64_t);
static void	strmap_grow(struct strmap *);

/*
 * The key a machine word at a time, each word multiplied in, then
 * murmur3's finaliser so that the low bits, which pick the slot, depend
 * on every byte.  Keys are mostly long paths, hashed several times per
 * post, so a byte at a time (FNV-1a) showed in every profile.
 */
static uint64_t
strmap_hash(const char *key)
{
	size_t		 len = strlen(key);
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= sizeof w; key += sizeof w, len -= sizeof w) {
		memcpy(&w, key, sizeof w);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, key, len);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (h);
}

/* Create an empty map. */
struct strmap *
strmap_create(void)
{
	struct strmap	*m = xcalloc(1, sizeof *m);

	m->size = 16;
	m->slots = xcalloc(m->size, sizeof *m->slots);
	m->own_keys = 1;
	return (m);
}

/* Create an empty map that does not copy its keys. */
struct strmap *
strmap_create_borrowed(void)
{
	struct strmap	*m = strmap_create();

	m->own_keys = 0;
	return (m);
}

/* Free the map and its key copies, not the values. */
void
strmap_free(struct strmap *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; m->own_keys && i < m->size; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

/* Index of key's slot, or of the empty slot where it would go. */
static size_t
strmap_find(const struct strmap *m, const char *key, uint64_t h)
{
	size_t	 mask = m->size - 1, i = h & mask;

	while (m->slots[i].key != NULL) {
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			break;
		i = (i + 1) & mask;
	}
	return (i);
}

/* Double the table and rehash. */
static void
strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t		 oldsize = m->size, i, j;

	m->size *= 2;
	m->slots = xcalloc(m->size, sizeof *m->slots);
	for (i = 0; i < oldsize; i++) {
		if (old[i].key == NULL)
			continue;
		j = old[i].hash & (m->size - 1);
		while (m->slots[j].key != NULL)
			j = (j + 1) & (m->size - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

/* Value stored under key, or NULL. */
void *
strmap_get(const struct strmap *m, const char *key)
{
	size_t	 i = strmap_find(m, key, strmap_hash(key));

	return (m->slots[i].key != NULL ? m->slots[i].value : NULL);
}

/* Store value under key, replacing any previous value. */
void
strmap_put(struct strmap *m, const char *key, void *value)
{
	uint64_t h = strmap_hash(key);
	size_t	 i;

	if ((m->count + 1) * 4 > m->size * 3)
		strmap_grow(m);
	i = strmap_find(m, key, h);
	if (m->slots[i].key == NULL) {
		m->slots[i].key = m->own_keys ? xstrdup(key) : (char *)key;
		m->slots[i].hash = h;
		m->count++;
	}
	m->slots[i].value = value;
}

/* Remove key; returns its value, or NULL if it was absent. */
void *
strmap_remove(struct strmap *m, const char *key)
{
	size_t	 mask = m->size - 1, i, j, home;
	void	*value;

	i = strmap_find(m, key, strmap_hash(key));
	if (m->slots[i].key == NULL)
		return (NULL);
	value = m->slots[i].value;
	if (m->own_keys)
		free(m->slots[i].key);
	m->slots[i].key = NULL;
	m->count--;

	/* Shift later members of the probe run back over the hole. */
	j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (m->slots[j].key == NULL)
			break;
		home = m->slots[j].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			i = j;
		}
	}
	return (value);
}

/* Number of keys. */
size_t
strmap_count(const struct strmap *m)
{
	return (m->count);
}

/* Next key and value after *pos; returns 0 at the end. */
int
strmap_next(const struct strmap *m, size_t *pos, const char **key,
    void **value)
{
	for (; *pos < m->size; (*pos)++) {
		if (m->slots[*pos].key == NULL)
			continue;
		*key = m->slots[*pos].key;
		*value = m->slots[*pos].value;
		(*pos)++;
		return (1);
	}
	return (0);
}
