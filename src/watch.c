/*
 * inotify through libinotifytools.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inotifytools/inotify.h>
#include <inotifytools/inotifytools.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "outdir.h"
#include "scan.h"
#include "watch.h"
#include "xmalloc.h"

/*
 * Only events that mean "content is final", "a name came or went" or
 * "permissions changed" (IN_ATTRIB: a chmod can make a post or folder
 * that was skipped readable, or the reverse): IN_MODIFY fires on every
 * write() and would show half-written files.
 */
#define WATCH_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_CREATE | IN_DELETE | IN_DELETE_SELF | \
			 IN_MOVE_SELF | IN_ATTRIB)

/* Where the site path is anchored: its name being replaced or removed. */
#define ANCHOR_MASK	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)

/* In the output folder: only files going away behind feedd's back. */
#define OUTPUT_MASK	(IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | \
			 IN_MOVE_SELF)

/* Events handled per drain before the loop gets a turn. */
#define DRAIN_MAX	1024

struct watch {
	char		*site;		/* the site folder */
	char		*site_path;	/* the site folder as configured */
	struct strmap	*anchors;	/* "DIR/" -> name on the site path */
	int		 anchor_told;	/* a failure to watch one reported */
	char		*root;		/* site folder with a trailing '/' */
	size_t		 rootlen;
	int		 fd;
	int		 root_wd;
	struct strmap	*watched;	/* folders watched since the reset */
	struct strmap	*outputs;	/* output "DIR/" -> its relative path */
};

static void	inotify_fds(struct strmap *);
static int	find_inotify_fd(const struct strmap *);
static int	start(struct watch *, char **);
static void	add_anchor(struct watch *, const char *, const char *);
static void	add_anchors(struct watch *);
static void	handle_output(struct watch *, const struct inotify_event *,
		    const char *, struct watch_changes *);
static void	free_values(struct strmap *);
static long	watch_limit(void);
static int	complete_on_create(const struct watch *, const char *);
static int	readable(const struct watch *, const char *);
static void	handle(struct watch *, const struct inotify_event *,
		    struct watch_changes *);

/* Add the descriptors of this process that are inotify instances to m. */
static void
inotify_fds(struct strmap *m)
{
	DIR		*d;
	struct dirent	*de;
	char		 link[PATH_MAX], target[64];
	ssize_t		 n;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
		if ((n = readlink(link, target, sizeof target - 1)) < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:inotify") == 0)
			strmap_put(m, de->d_name, m);
	}
	closedir(d);
}

/*
 * The library's descriptor: the one inotify instance that was not there
 * before it started (an inherited one must not be mistaken for it).
 * Returns -1 unless there is exactly one.
 */
static int
find_inotify_fd(const struct strmap *before)
{
	struct strmap	*now = strmap_create();
	size_t		 pos = 0;
	const char	*key;
	void		*value;
	int		 found = -1, count = 0;

	inotify_fds(now);
	while (strmap_next(now, &pos, &key, &value)) {
		if (strmap_get(before, key) == NULL) {
			found = atoi(key);
			count++;
		}
	}
	strmap_free(now);
	return (count == 1 ? found : -1);
}

/* Initialise the library and find its descriptor. */
static int
start(struct watch *w, char **cause)
{
	struct strmap	*before = strmap_create();

	inotify_fds(before);
	if (!inotifytools_initialize()) {
		strmap_free(before);
		xasprintf(cause, "cannot start inotify: %s%s",
		    strerror(inotifytools_error()),
		    inotifytools_error() == EMFILE ? " (raise the sysctl "
		    "fs.inotify.max_user_instances)" : "");
		return (-1);
	}
	w->fd = find_inotify_fd(before);
	strmap_free(before);
	if (w->fd == -1) {
		xasprintf(cause, "cannot find the inotify descriptor in "
		    "/proc/self/fd");
		inotifytools_cleanup();
		return (-1);
	}
	fcntl(w->fd, F_SETFD, FD_CLOEXEC);
	w->root_wd = -1;
	add_anchors(w);
	return (0);
}

/* Watch folder dir for name (a part of the site path) being replaced. */
static void
add_anchor(struct watch *w, const char *dir, const char *name)
{
	char	*key;

	xasprintf(&key, "%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/");
	if (strmap_get(w->anchors, key) == NULL) {
		if (inotifytools_watch_file(key, ANCHOR_MASK))
			strmap_put(w->anchors, key, xstrdup(name));
		else if (!w->anchor_told) {
			log_warnx("cannot watch %s: %s; a deploy that replaces "
			    "%s is seen only at SIGHUP or SIGUSR1", dir,
			    strerror(inotifytools_error()), w->site_path);
			w->anchor_told = 1;
		}
	}
	free(key);
}

/*
 * Watch the parent of the site path's last part, and of each part that
 * is a symbolic link, for that name being replaced: a deploy that swaps
 * a link (ln -sfn r2 current.tmp && mv -T current.tmp current) or renames
 * folders (mv blog blog.old && mv blog.new blog) changes what the path
 * names without touching the folder feedd watches.
 */
static void
add_anchors(struct watch *w)
{
	struct stat	 st;
	char		*path = xstrdup(w->site_path), *slash, *dir;
	size_t		 len = strlen(path);

	for (slash = path; slash != NULL; slash = strchr(slash + 1, '/')) {
		if (slash == path)
			continue;
		*slash = '\0';
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			dir = fileio_dirname(path);
			add_anchor(w, dir, strrchr(path, '/') + 1);
			free(dir);
		}
		*slash = '/';
	}
	if (len > 1 && (slash = strrchr(path, '/')) != NULL) {
		dir = slash == path ? xstrdup("/") : xstrndup(path,
		    (size_t)(slash - path));
		add_anchor(w, dir, slash + 1);
		free(dir);
	}
	free(path);
}

/* Start watching a site. */
struct watch *
watch_create(const char *site_dir, const char *site_path, char **cause)
{
	struct watch	*w = xcalloc(1, sizeof *w);

	w->site = xstrdup(site_dir);
	w->site_path = xstrdup(site_path);
	xasprintf(&w->root, "%s/", site_dir);
	w->rootlen = strlen(w->root);
	w->watched = strmap_create();
	w->outputs = strmap_create();
	w->anchors = strmap_create();
	w->fd = -1;
	if (start(w, cause) != 0) {
		watch_free(w);
		return (NULL);
	}
	return (w);
}

/* The site folder. */
const char *
watch_site(const struct watch *w)
{
	return (w->site);
}

/* The site folder as configured. */
const char *
watch_site_path(const struct watch *w)
{
	return (w->site_path);
}

/* Free a map and its values (strings). */
static void
free_values(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		free(value);
	strmap_free(m);
}

/* Watch one folder of the output. */
int
watch_add_output(struct watch *w, const char *dir, const char *rel,
    char **cause)
{
	char	*path;

	xasprintf(&path, "%s/", dir);
	if (strmap_get(w->outputs, path) != NULL) {
		free(path);
		return (0);
	}
	if (!inotifytools_watch_file(path, OUTPUT_MASK)) {
		xasprintf(cause, "cannot watch %s: %s", dir,
		    strerror(inotifytools_error()));
		free(path);
		return (-1);
	}
	strmap_put(w->outputs, path, xstrdup(rel));
	free(path);
	return (0);
}

/*
 * The number of inotify watches this user may have: the sysctl, or the
 * user namespace's own limit when that is lower.
 */
static long
watch_limit(void)
{
	static const char *const files[] = {
		"/proc/sys/fs/inotify/max_user_watches",
		"/proc/sys/user/max_inotify_watches",
	};
	FILE	*f;
	long	 v, limit = -1;
	size_t	 i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		if (fscanf(f, "%ld", &v) == 1 && v > 0 && (limit == -1 ||
		    v < limit))
			limit = v;
		fclose(f);
	}
	return (limit);
}

/* Watch one folder of the site. */
int
watch_add(struct watch *w, const char *rel, char **cause)
{
	char	*path;
	int	 err;

	/* Watching a folder twice leaks a record inside the library. */
	if (strmap_get(w->watched, rel) != NULL)
		return (0);
	xasprintf(&path, "%s%s", w->root, rel);
	if (!inotifytools_watch_file(path, WATCH_MASK)) {
		err = inotifytools_error();
		if (err == ENOSPC)
			xasprintf(cause, "cannot watch %s: out of inotify "
			    "watches (the limit is %ld; raise the sysctl "
			    "fs.inotify.max_user_watches)", path,
			    watch_limit());
		else
			xasprintf(cause, "cannot watch %s: %s", path,
			    strerror(err));
		free(path);
		errno = err;
		return (-1);
	}
	if (*rel == '\0')
		w->root_wd = inotifytools_wd_from_filename(path);
	strmap_put(w->watched, rel, w);
	free(path);
	return (0);
}

/* Forget every watch and initialise again. */
int
watch_reset(struct watch *w, char **cause)
{
	inotifytools_cleanup();
	strmap_free(w->watched);
	w->watched = strmap_create();
	free_values(w->outputs);
	w->outputs = strmap_create();
	free_values(w->anchors);
	w->anchors = strmap_create();
	return (start(w, cause));
}

/* The descriptor to poll. */
int
watch_fd(const struct watch *w)
{
	return (w->fd);
}

/*
 * Whether a file just created is already all there: a hard link to
 * another name (ln, tar, cp -l), or not a regular file at all (a symbolic
 * link, a FIFO...), which no IN_CLOSE_WRITE will follow.
 */
static int
complete_on_create(const struct watch *w, const char *rel)
{
	struct stat	 sb;
	char		*path;
	int		 complete;

	xasprintf(&path, "%s%s", w->root, rel);
	complete = lstat(path, &sb) == 0 && (!S_ISREG(sb.st_mode) ||
	    sb.st_nlink > 1);
	free(path);
	return (complete);
}

/* Whether folder rel of the site can be listed and entered. */
static int
readable(const struct watch *w, const char *rel)
{
	char	*path;
	int	 ok;

	xasprintf(&path, "%s%s", w->root, rel);
	ok = access(path, R_OK | X_OK) == 0;
	free(path);
	return (ok);
}

/* Classify one event in a folder of the output (rel). */
static void
handle_output(struct watch *w, const struct inotify_event *ev,
    const char *rel, struct watch_changes *ch)
{
	char	*path;

	(void)w;
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
		ch->output_gone = 1;
		return;
	}
	if (ev->len == 0 || (ev->mask & (IN_IGNORED | IN_ISDIR)) ||
	    outdir_is_temp(ev->name))
		return;
	xasprintf(&path, "%s%s%s", rel, *rel != '\0' ? "/" : "", ev->name);
	strmap_put(ch->removed, path, ch);
	free(path);
}

/* Classify one event. */
static void
handle(struct watch *w, const struct inotify_event *ev,
    struct watch_changes *ch)
{
	const char	*dir, *out, *name;
	char		*rel;
	size_t		 dirlen;

	if (ev->mask & IN_Q_OVERFLOW) {
		ch->resync = 1;
		return;
	}
	dir = inotifytools_filename_from_wd(ev->wd);
	if (dir != NULL && (out = strmap_get(w->outputs, dir)) != NULL) {
		handle_output(w, ev, out, ch);
		return;
	}
	if (dir != NULL && (name = strmap_get(w->anchors, dir)) != NULL) {
		if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF |
		    IN_UNMOUNT)) || (ev->len > 0 &&
		    strcmp(ev->name, name) == 0))
			ch->site_moved = 1;
		return;
	}
	if (ev->wd == w->root_wd && (ev->mask & (IN_DELETE_SELF |
	    IN_MOVE_SELF | IN_UNMOUNT))) {
		ch->root_gone = 1;
		return;
	}
	/* A watched folder moved or deleted: its subtree's paths are stale. */
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
		ch->resync = 1;
		return;
	}
	if (ev->len == 0 || (ev->mask & IN_IGNORED))
		return;
	if (dir == NULL || strncmp(dir, w->root, w->rootlen) != 0)
		return;		/* a watch from before a reset */
	dirlen = strlen(dir) - w->rootlen;
	xasprintf(&rel, "%.*s%s", (int)dirlen, dir + w->rootlen, ev->name);

	if (scan_is_input(rel)) {
		/* _data or _includes: what every post may read. */
		if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE |
		    IN_MOVED_FROM) || (ev->mask & (IN_ISDIR | IN_CREATE)) ==
		    (IN_ISDIR | IN_CREATE))
			ch->config = 1;
	} else if (ev->mask & IN_ISDIR) {
		/* A new folder is watched, then read, when it is scanned. */
		/* Whether a build would read it is scan's to say
		 * (exclude:, include:, hidden names...). */
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			strmap_put(ch->folders, rel, w);
		else if ((ev->mask & (IN_MOVED_FROM | IN_DELETE)) &&
		    strmap_get(w->watched, rel) != NULL)
			ch->resync = 1;	/* a folder feedd reads went away */
		else if (ev->mask & IN_ATTRIB) {
			/* A folder that could not be read (so is not
			 * watched) may be readable now; one feedd reads
			 * may have become unreadable. */
			if (strmap_get(w->watched, rel) == NULL)
				strmap_put(ch->folders, rel, w);
			else if (!readable(w, rel))
				ch->resync = 1;
		}
	} else if (dirlen == 0 && strcmp(ev->name, "_config.yml") == 0) {
		if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE |
		    IN_MOVED_FROM | IN_ATTRIB))
			ch->config = 1;
	} else if (!(ev->mask & IN_CREATE) || complete_on_create(w, rel)) {
		/* A created file is read at its IN_CLOSE_WRITE, never half
		 * written; hard links, symbolic links and other odd files
		 * have none. */
		strmap_put(ch->files, rel, w);
	}
	free(rel);
}

/* Read the waiting events. */
int
watch_drain(struct watch *w, struct watch_changes *ch)
{
	struct inotify_event *ev;
	int		 n;

	for (n = 0; n < DRAIN_MAX; n++) {
		/* (0, 1): never block, never spin waiting for more bytes. */
		if ((ev = inotifytools_next_events(0, 1)) == NULL) {
			if (inotifytools_error() != 0 &&
			    inotifytools_error() != EINTR &&
			    inotifytools_error() != EAGAIN) {
				log_error("reading inotify events: %s",
				    strerror(inotifytools_error()));
				ch->resync = 1;
			}
			return (0);
		}
		handle(w, ev, ch);
	}
	return (1);
}

/* Stop watching. */
void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		inotifytools_cleanup();
	strmap_free(w->watched);
	free_values(w->outputs);
	free_values(w->anchors);
	free(w->site);
	free(w->site_path);
	free(w->root);
	free(w);
}
