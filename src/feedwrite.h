/*
 * Rendering one feed, Atom 1.0 or RSS 2.0, into memory with libxml2's
 * xmlTextWriter (or JSON Feed 1.1, through jsonfeed.h).  Every string is made valid XML first and written as
 * escaped text (never CDATA), so no post content can break the document.
 * Output depends only on the config and the posts: the same input gives
 * the same bytes.
 */
#ifndef FEEDD_FEEDWRITE_H
#define FEEDD_FEEDWRITE_H

#include "buf.h"
#include "config.h"
#include "index.h"
#include "rcache.h"

/*
 * Set libxml2 up; call once, before any thread renders a feed.  (Its
 * global state is made here, not on first use by a thread.)
 */
void	feedwrite_init(void);

/* Release libxml2's global state at exit. */
void	feedwrite_cleanup(void);

/*
 * Render the newest posts_limit posts of feed as format, entries[i]
 * being the body of feed->posts[i]; selfpath is the feed's path in the
 * output folder.  Appends to out; returns 0, or -1 if libxml2 failed.
 */
int	feedwrite_render(const struct config *, const struct feed *,
	    enum feed_format, const char *selfpath,
	    const struct rendered *const *entries, struct buf *out);

#endif
