/*
 * A hash map from strings to pointers.  The map copies its keys and owns
 * the copies, unless made by strmap_create_borrowed; it never owns or
 * frees the values.
 */
#ifndef FEEDD_STRMAP_H
#define FEEDD_STRMAP_H

#include <stddef.h>

struct strmap;

struct strmap	*strmap_create(void);

/*
 * A map that stores the caller's key pointers as they are: each key must
 * stay unchanged until it is removed (for keys inside their values).
 */
struct strmap	*strmap_create_borrowed(void);
void		 strmap_free(struct strmap *);
void		*strmap_get(const struct strmap *, const char *);
void		 strmap_put(struct strmap *, const char *, void *);
void		*strmap_remove(struct strmap *, const char *);
size_t		 strmap_count(const struct strmap *);

/*
 * Iterate: start with *pos = 0; returns 0 when done.  The map must not be
 * changed during an iteration.
 */
int		 strmap_next(const struct strmap *, size_t *, const char **,
		    void **);

#endif
