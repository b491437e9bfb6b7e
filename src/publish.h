/*
 * Putting feeds on disk.  A publisher renders the feeds it is given,
 * replaces the files whose bytes changed (atomically, see outdir), removes
 * the files of feeds that lost their last post, and keeps a manifest of
 * the files it owns (.feedd/manifest), so feeds of names that vanished
 * while feedd was not running are removed too, and nothing else in the
 * output folder is ever touched.  When two feeds map to one file, the one
 * first in index_feeds order owns it, however they arrived.  It also
 * clears temporary files a killed feedd left behind.
 */
#ifndef FEEDD_PUBLISH_H
#define FEEDD_PUBLISH_H

#include <stddef.h>

#include "config.h"
#include "index.h"
#include "outdir.h"
#include "strmap.h"

struct publisher;

/*
 * What one publish_feeds call did.  Failures are not logged one by one
 * (a full disk would fail every file): the caller reports failed and the
 * first problem.
 */
struct publish_stats {
	size_t	 written;	/* files replaced */
	size_t	 unchanged;	/* files already holding the bytes */
	size_t	 removed;	/* files of empty feeds deleted */
	size_t	 failed;	/* files that could not be written */
	int	 reclaim;	/* a file two feeds map to was freed: the
				 * other needs publishing (publish every
				 * feed) */
	struct strmap *changed;	/* if set by the caller: every file
				 * written or removed is put in it */
	char	 first_failure[512]; /* "cannot write PATH: reason" */
};

/*
 * Create a publisher writing into out (opened and locked by the caller),
 * reading its manifest; Liquid in bodies finds other posts in idx.  The
 * config, out and idx must outlive the publisher.
 */
struct publisher *publish_create(const struct config *, struct outdir *,
		    struct index *);
void		 publish_free(struct publisher *);

/*
 * Publish the given feeds (all of them for a full build, the dirty ones
 * otherwise).  Problems are logged; stats says what happened.
 */
void		 publish_feeds(struct publisher *, struct feed **, size_t,
		    struct publish_stats *);

/*
 * The lists of feeds (discovery.h) cost more than a few feeds to render
 * on a site with thousands: after publish_lists_later, publish_feeds
 * leaves them out of date (publish_lists_stale) until publish_lists,
 * which the daemon calls a little later, once for many changes.
 */
void		 publish_lists_later(struct publisher *);
int		 publish_lists_stale(const struct publisher *);
void		 publish_lists(struct publisher *, struct publish_stats *);

/*
 * After a full build: remove files of the old manifest that no feed
 * claimed, and save the manifest (a failure is counted in stats).
 */
void		 publish_finish_full(struct publisher *, struct publish_stats *);

/*
 * Whether the output folder lost its files behind feedd's back: its
 * manifest, always written, is gone.
 */
int		 publish_manifest_lost(const struct publisher *);

/*
 * The feed that owns output file rel: returns 1 and sets *kind and *name
 * (NULL for the site feed; valid until the next publish), or 0.
 */
int		 publish_owner(const struct publisher *, const char *rel,
		    enum feed_kind *, const char **name);

/*
 * The self URL of the feed document at rel (a new string), or NULL when
 * rel is not a feed document it owns.
 */
char		*publish_self_url(const struct publisher *, const char *rel);

/* Call fn with every file it owns. */
void		 publish_foreach_file(const struct publisher *,
		    void (*fn)(const char *, void *), void *);

/* Call fn with every folder holding files it owns ("" is the top). */
void		 publish_foreach_folder(const struct publisher *,
		    void (*fn)(const char *, void *), void *);

/*
 * Compare the lists of feeds (discovery.h) and the archive pages
 * (archive.h) with the disk again at the next publish, even if what they
 * hold did not change since the last (they are not rendered again while
 * it does not, and their files are there): for a full publish, which
 * rewrites whatever differs.
 */
void		 publish_recheck(struct publisher *);

/*
 * Save the feed files' signatures (fsig.h) if they changed; a full
 * publish does, a daemon also when it stops.
 */
void		 publish_save_signatures(struct publisher *);

/* Save the manifest if it changed; a failure is counted in stats. */
void		 publish_save_manifest(struct publisher *, struct publish_stats *);

#endif
