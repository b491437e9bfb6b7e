/*
 * Loading a whole site into an index: scan for post files, read each,
 * report the ones that cannot be used, and keep the rest.
 */
#ifndef FEEDD_SITE_H
#define FEEDD_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "index.h"

struct site_stats {
	size_t	 files;		/* post files found */
	size_t	 loaded;	/* posts in the index */
	size_t	 unpublished;	/* published: false */
	size_t	 invalid;	/* skipped with a warning */
};

/*
 * Read every post of the site (or of the site-relative folder subdir)
 * into idx, with future posts pending after now.  Posts already in the
 * index at the same path are replaced.  Returns 0, or -1 if the site
 * folder cannot be read.
 */
int	site_load(const struct config *, const char *subdir, struct index *,
	    int64_t now, struct site_stats *);

#endif
