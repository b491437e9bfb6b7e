/*
 * Finding post files as Jekyll does: every _posts folder of the site (the
 * root's and those of sub-folders, whose names become categories), and
 * within each every file named like a post, at any depth.  Hidden, backup
 * and underscore names are skipped, as are excluded paths and the output
 * folder.  Symbolic links are reported, never followed (Jekyll's safe mode).
 */
#ifndef FEEDD_SCAN_H
#define FEEDD_SCAN_H

#include <stddef.h>

#include "config.h"

struct scan_entry {
	char	*path;		/* site_dir/relpath */
	char	*relpath;	/* relative to the site root */
};

struct scan_result {
	struct scan_entry *entries;	/* sorted by relpath */
	size_t		 count;
	size_t		 cap;
	size_t		 folders;	/* folders walked */
};

/*
 * Walk the site (or, when subdir is not NULL, only that site-relative
 * folder) and append the post files found.  Folders that cannot be read
 * are logged and skipped.  Returns 0, or -1 if the site root itself
 * cannot be read.
 */
int	scan_site(const struct config *, const char *subdir,
	    struct scan_result *);

/* Free the entries of a result. */
void	scan_result_free(struct scan_result *);

/* Whether a name is one Jekyll ignores (hidden, backup, editor files). */
int	scan_ignored_name(const char *);

#endif
