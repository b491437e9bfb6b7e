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
};

/*
 * Called with each site-relative folder ("" is the root) just before it
 * is read, so a watcher can watch it first and miss nothing written after.
 */
typedef void	(*scan_folder_fn)(const char *, void *);

/*
 * Walk the site (or, when subdir is not NULL, only that site-relative
 * folder) and append the post files found; on_folder, if not NULL, sees
 * every folder walked.  Folders that cannot be read are logged and
 * skipped.  Returns 0, or -1 if the starting folder cannot be read.
 */
int	scan_site(const struct config *, const char *subdir,
	    struct scan_result *, scan_folder_fn on_folder, void *arg);

/*
 * Whether a site-relative path names a post file: inside a _posts
 * folder, no hidden, backup or underscore name on the way, and a post
 * file name.
 */
int	scan_is_post(const struct config *, const char *);

/*
 * The folders a build reads besides posts: _data (site.data, authors)
 * and _includes (Liquid's include), each with its sub-folders, given to
 * on_folder parent first.  Links are not followed, as their readers
 * follow none.
 */
void	scan_inputs(const struct config *, scan_folder_fn on_folder,
	    void *arg);

/* Whether a site-relative path is one of those folders or inside one. */
int	scan_is_input(const char *);

/* Free the entries of a result. */
void	scan_result_free(struct scan_result *);

/* Whether a name is one Jekyll ignores (hidden, backup, editor files). */
int	scan_ignored_name(const char *);

#endif
