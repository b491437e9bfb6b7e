/*
 * Rendering one document of a feed, Atom 1.0 or RSS 2.0, into memory
 * with libxml2's xmlTextWriter (or JSON Feed 1.1, through jsonfeed.h).
 * Every string is made valid XML first and written as escaped text
 * (never CDATA), so no post content can break the document.
 * Output depends only on the config and the posts: the same input gives
 * the same bytes.
 */
#ifndef FEEDD_FEEDWRITE_H
#define FEEDD_FEEDWRITE_H

#include <stddef.h>

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
 * One document of a feed: its current document, or one of its RFC 5005
 * archive pages (feedd.archive, archive.h).
 */
struct feed_doc {
	const char	*path;		/* this document's, in the output folder */
	size_t		 first;		/* its posts: feed->posts[first..] */
	size_t		 count;
	const char	*current;	/* an archive page's current document */
	const char	*prev_archive;	/* the next older page, or NULL */
	int		 complete;	/* fh:complete: it holds every post */
};

/* The feed's plain current document at path: its newest posts_limit. */
void	feedwrite_current(const struct config *, const struct feed *,
	    const char *path, struct feed_doc *);

/*
 * Render document doc of feed as format, entries[i] being the body of
 * feed->posts[doc->first + i].  (JSON Feed has no archives: its current
 * document is always feedwrite_current's.)  Appends to out; returns 0,
 * or -1 if libxml2 or jansson failed.
 */
int	feedwrite_render(const struct config *, const struct feed *,
	    enum feed_format, const struct feed_doc *,
	    const struct rendered *const *entries, struct buf *out);

#endif
