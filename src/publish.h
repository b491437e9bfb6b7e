/*
 * Putting feeds on disk.  A publisher renders the feeds it is given,
 * replaces the files whose bytes changed (atomically, see fileio), removes
 * the files of feeds that lost their last post, and keeps a manifest of
 * the files it owns in the output folder, so feeds of names that vanished
 * while feedd was not running are removed too, and nothing else there is
 * ever touched.  It also refuses to let two feeds share one file, and
 * clears temporary files a killed feedd left behind.
 */
#ifndef FEEDD_PUBLISH_H
#define FEEDD_PUBLISH_H

#include <stddef.h>

#include "config.h"
#include "index.h"

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
	char	 first_failure[512]; /* "cannot write PATH: reason" */
};

/*
 * Create a publisher for cfg's output folder, reading its manifest.  The
 * config must outlive the publisher.
 */
struct publisher *publish_create(const struct config *);
void		 publish_free(struct publisher *);

/*
 * Publish the given feeds (all of them for a full build, the dirty ones
 * otherwise).  Problems are logged; stats says what happened.
 */
void		 publish_feeds(struct publisher *, struct feed **, size_t,
		    struct publish_stats *);

/*
 * After a full build: remove files of the old manifest that no feed
 * claimed, and save the manifest (a failure is counted in stats).
 */
void		 publish_finish_full(struct publisher *, struct publish_stats *);

/*
 * Whether the output folder lost its files behind feedd's back (removed,
 * or removed and made again): its manifest, always written, is gone.
 */
int		 publish_output_lost(const struct publisher *);

/* Save the manifest if it changed; a failure is counted in stats. */
void		 publish_save_manifest(struct publisher *, struct publish_stats *);

#endif
