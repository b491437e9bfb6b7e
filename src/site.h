/*
 * Keeping an index in step with the site's files: load the whole site,
 * re-read one post file after a change, or reconcile everything after
 * events were lost.  Posts that cannot be used are reported (file:line)
 * and left out, exactly as a fresh build would leave them out.
 */
#ifndef FEEDD_SITE_H
#define FEEDD_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "index.h"
#include "scan.h"

struct site_stats {
	size_t	 files;		/* post files found */
	size_t	 loaded;	/* posts read into the index */
	size_t	 unpublished;	/* published: false or draft */
	size_t	 invalid;	/* skipped with a warning */
	size_t	 removed;	/* posts dropped from the index */
};

/*
 * Read every post of the site (or of the site-relative folder subdir)
 * into idx, with future posts pending after now; posts already indexed at
 * the same path are replaced.  on_folder (may be NULL) sees each folder
 * before it is read, for watching.  Returns 0, or -1 if the folder cannot
 * be read.
 */
int	site_load(const struct config *, const char *subdir, struct index *,
	    int64_t now, struct site_stats *, scan_folder_fn on_folder,
	    void *arg);

/*
 * Re-read the post file at relpath after a change.  A file that is gone,
 * unpublished or unusable leaves the index; one whose identity, size and
 * mtime are unchanged is not read again.  Returns 1 if the index changed.
 */
int	site_update_post(const struct config *, const char *relpath,
	    struct index *, int64_t now);

/*
 * Make idx match the files on disk after events may have been lost:
 * rescan, re-read changed files, drop posts whose files are gone.
 * on_folder as for site_load.  Returns 0 or -1 as site_load.
 */
int	site_reconcile(const struct config *, struct index *, int64_t now,
	    struct site_stats *, scan_folder_fn on_folder, void *arg);

#endif
