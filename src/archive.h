/*
 * RFC 5005 archived feeds (section 4): with feedd.archive set, each feed
 * is split by the period of its posts' dates (in the site's zone).  The
 * period of the newest post is open: its posts, and at least the newest
 * posts_limit, are in the current document.  Every earlier period that
 * has posts is closed and gets an archive document holding all of that
 * period's posts, so a new post never changes an archive; an edit or a
 * removal changes only its own period's.  (The current document may
 * repeat the newest posts of the last archive, as RFC 5005 allows:
 * readers keep one entry per id.)  A feed with no closed period is
 * complete: its current document holds every post.
 */
#ifndef FEEDD_ARCHIVE_H
#define FEEDD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

/* Posts of one archive document: feed->posts[first .. first + count). */
struct archive_page {
	size_t		 first;
	size_t		 count;
	char		 key[16];	/* "2024", "2024-05", "2024-W18",
					 * "2024-05-03" */
};

/*
 * Split a feed's posts (newest first) into the current document's count
 * (returned) and the archive pages, newest first, in *pages (a new array,
 * caller frees; NULL when none) and *npages.
 */
size_t	archive_split(const struct feed *, enum archive_period, size_t limit,
	    struct archive_page **pages, size_t *npages);

/*
 * The path of the archive page key of the feed whose current document is
 * at path: "feed/news.xml" gives "feed/news/archive/2024-05.xml" (a new
 * string).  No feed name can make a path with "/archive/" after a feed's
 * own stem, so pages never meet feeds.
 */
char	*archive_path(const char *path, const char *key);

/*
 * What a page's bytes depend on among its posts (their files and ids), to
 * know without rendering it whether a page written before still holds.
 */
uint64_t archive_signature(const struct feed *, const struct archive_page *);

#endif
