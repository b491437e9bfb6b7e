/*
 * Watching the site's folders with libinotifytools, and turning raw
 * events into what changed: post files to re-read, new folders to watch
 * and scan, a changed _config.yml, _data or _includes, or "events were
 * lost, resync".
 *
 * Every inotifytools_* call of feedd lives in this file.  The library
 * keeps global state, so there is at most one struct watch at a time.
 * It hides its descriptor; watch_create finds it in /proc/self/fd so the
 * daemon can poll it with everything else and never block in the library.
 */
#ifndef FEEDD_WATCH_H
#define FEEDD_WATCH_H

#include "strmap.h"

struct watch;

/* What a drain of events found.  The maps' values are unused (non-NULL). */
struct watch_changes {
	struct strmap	*files;		/* site-relative paths to re-check */
	struct strmap	*folders;	/* new site-relative folders to scan */
	struct strmap	*removed;	/* output-relative files that went away */
	int		 resync;	/* events lost or folders moved */
	int		 config;	/* _config.yml, _data or _includes changed */
	int		 root_gone;	/* the site folder itself went away */
	int		 site_moved;	/* the site path may name another
					 * folder now (a deploy) */
	int		 output_gone;	/* a watched output folder went away */
};

/* The site folder being watched, and the path it was configured as. */
const char	*watch_site(const struct watch *);
const char	*watch_site_path(const struct watch *);

/*
 * Start watching the site folder site_dir (absolute, links resolved),
 * configured as site_path: the parent of site_path's last part, and of
 * each part that is a symbolic link, is watched for that name being
 * replaced (site_moved).  Returns NULL with *cause set (a new string) if
 * inotify cannot be set up.
 */
struct watch	*watch_create(const char *site_dir, const char *site_path,
		    char **cause);

/*
 * Watch one site-relative folder ("" is the site root); a folder already
 * watched since the last reset is left as it is.  Returns 0, or -1 with
 * *cause set; running out of watches names the sysctl to raise.
 */
int		 watch_add(struct watch *, const char *, char **cause);

/*
 * Watch folder rel of the output folder (absolute path dir) for files
 * removed or moved away behind feedd's back, reported in changes'
 * removed map (feedd's temporary files are not reported).  A folder
 * already watched since the last reset is left as it is.  Returns 0, or
 * -1 with *cause set.
 */
int		 watch_add_output(struct watch *, const char *dir,
		    const char *rel, char **cause);

/* Drop every watch and start afresh (after lost events).  As create. */
int		 watch_reset(struct watch *, char **cause);

/* The inotify descriptor to poll; it changes after watch_reset. */
int		 watch_fd(const struct watch *);

/*
 * Read the events waiting, at most a bounded number, into changes (whose
 * maps the caller created).  New folders are only reported: the caller
 * scans them with watch_add as scan_site's on_folder, which watches each
 * folder before reading it, so nothing written into them is missed.
 * Returns 1 if more events may be waiting, 0 if drained.
 */
int		 watch_drain(struct watch *, struct watch_changes *);

void		 watch_free(struct watch *);

#endif
