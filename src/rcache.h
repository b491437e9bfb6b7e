/*
 * Rendered post bodies, kept for reuse across the feeds a post is in.
 * An entry is keyed by the post's path and checked against the file's
 * identity (device, inode, size, mtime), so it never outlives the version
 * it was made from and holds no pointer to a post that could be freed.
 * Entries hold text ready for the XML writer: valid XML characters,
 * already escaped.  Least recently used entries go once the cache holds
 * more than its budget.
 */
#ifndef FEEDD_RCACHE_H
#define FEEDD_RCACHE_H

#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "post.h"

struct liquidpost;

struct rendered {
	const char	*content_xml;	/* escaped HTML content; may be "" */
	const char	*summary_xml;	/* escaped plain summary; may be "" */
	int		 stable;	/* made from the post's file alone: no
					 * Liquid ran, no problem was told */
};

struct rcache;

/* Create a cache that keeps about budget bytes after rcache_trim. */
struct rcache	*rcache_create(size_t budget);
void		 rcache_free(struct rcache *);

/*
 * Make sure the renderings of posts[0..n) (repeats allowed) are in the
 * cache: the missing ones are rendered (their Liquid through lp, which
 * may be NULL), on every core when there are many, and all are marked
 * recently used.  Problems reading or rendering a post are logged, once
 * per rendering.
 */
void		 rcache_prepare(struct rcache *, const struct config *,
		    const struct liquidpost *, struct post *const *, size_t);

/*
 * The cached rendering of post, or NULL if rcache_prepare did not make
 * it.  It changes nothing, so threads may call it at once; the result
 * stays valid until rcache_prepare, rcache_trim or rcache_clear.
 */
const struct rendered *rcache_peek(const struct rcache *,
		    const struct post *);

/*
 * Drop the renderings Liquid made (they depend on other posts, which may
 * change before the next publish), then least recently used entries
 * until the budget is kept.
 */
void		 rcache_trim(struct rcache *);

/* Drop every entry. */
void		 rcache_clear(struct rcache *);

#endif
