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
#include "idmap.h"
#include "index.h"
#include "pindex.h"
#include "scan.h"
#include "strmap.h"

struct site_stats {
	size_t	 files;		/* post files found */
	size_t	 loaded;	/* posts read into the index */
	size_t	 unchanged;	/* files taken from the persistent index */
	size_t	 unpublished;	/* published: false or draft */
	size_t	 invalid;	/* skipped with a warning */
	size_t	 removed;	/* posts dropped from the index */
};

/* The site as served before a reload: its posts keep their ids. */
struct site_previous {
	const struct index *idx;
	const char	*site_dir;
};

/*
 * Read every post of the site (or of the site-relative folder subdir)
 * into idx, with future posts pending after now; posts already indexed at
 * the same path are replaced.  A file unchanged since pi (the persistent
 * index, may be NULL) saved it is taken from there, not read; every
 * outcome is noted in pi, and a whole-site load ends its loading
 * (pindex_loaded).  A post keeps the id it had in previous
 * (may be NULL) at its site-relative path, else the one kept in ids (may
 * be NULL); a whole-site load forgets the kept ids of files that are
 * gone.  on_folder (may be NULL) sees each folder before it is read, for
 * watching.  Returns 0, or -1 if the folder cannot be read.
 */
int	site_load(const struct config *, const char *subdir, struct index *,
	    struct idmap *ids, struct pindex *pi,
	    const struct site_previous *previous, int64_t now,
	    struct site_stats *, scan_folder_fn on_folder, void *arg);

/*
 * After changes: read the new site-relative folders that are keys of
 * folders (as site_load), and re-read the post files that are keys of
 * files.  A file that is gone, unpublished or unusable leaves the index;
 * one whose identity, size and mtime are unchanged is not read again; a
 * post renamed among them, or whose id changed, keeps its id (idmap.h).
 * Every outcome is noted in pi (may be NULL).  Returns how many post
 * files were read or removed.
 */
size_t	site_update(const struct config *, struct strmap *folders,
	    struct strmap *files, struct index *, struct idmap *ids,
	    struct pindex *pi, int64_t now, scan_folder_fn on_folder,
	    void *arg);

/*
 * Make idx match the files on disk after events may have been lost:
 * rescan, re-read changed files, drop posts whose files are gone.
 * pi as for site_update, on_folder as for site_load.  Returns 0 or -1 as site_load.
 */
int	site_reconcile(const struct config *, struct index *,
	    struct idmap *ids, struct pindex *pi, int64_t now,
	    struct site_stats *, scan_folder_fn on_folder, void *arg);

/*
 * Keep every post's present id in ids (feedd build --keep-ids), so that
 * a permalink or url changed later changes no id.
 */
void	site_keep_ids(const struct config *, struct index *, struct idmap *);

#endif
