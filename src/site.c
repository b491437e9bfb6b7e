/*
 * Loading and refreshing posts in the index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "parallel.h"
#include "post.h"
#include "scan.h"
#include "sdnotify.h"
#include "site.h"
#include "strmap.h"
#include "xmalloc.h"

/* One post file read, before it is applied to the index. */
struct loaded {
	enum post_status status;
	struct post	*post;
	char		*cause;
	char		*warning;
};

/* A whole-site read: the files and where each one's result goes. */
struct load_all {
	const struct config *cfg;
	const struct scan_entry *entries;
	struct loaded	*out;
};

/* Files below this many are read by the calling thread alone. */
#define LOAD_PARALLEL_MIN	2048

static void	read_one(const struct config *, const char *, const char *,
		    struct buf *, struct loaded *);
static enum post_status apply_one(const char *, struct loaded *,
		    struct index *, int64_t);
static enum post_status load_one(const struct config *, const char *,
		    const char *, struct buf *, struct index *, int64_t);
static void	read_range(size_t, size_t, size_t, void *);
static void	count(struct site_stats *, enum post_status);
static int	unchanged(const struct post *, const struct stat *);
static void	collect_missing(struct post *, void *);

/* The strmap of found paths and the list of posts missing from it. */
struct missing {
	struct strmap	*found;
	char		**paths;
	size_t		 count;
};

/* Read one post file (any thread: it touches no shared state). */
static void
read_one(const struct config *cfg, const char *path, const char *relpath,
    struct buf *scratch, struct loaded *l)
{
	l->post = NULL;
	l->cause = NULL;
	l->status = post_load(cfg, path, relpath, scratch, &l->post,
	    &l->cause, &l->warning);
}

/*
 * Put a read post in the index in place of any earlier version; a file
 * that is not a usable post takes the old version out.  Reports problems.
 */
static enum post_status
apply_one(const char *path, struct loaded *l, struct index *idx, int64_t now)
{
	const struct post *other;
	char		*line, *save;

	post_free(index_remove(idx, path));
	switch (l->status) {
	case POST_OK:
		if (l->warning != NULL) {
			for (line = strtok_r(l->warning, "\n", &save);
			    line != NULL; line = strtok_r(NULL, "\n", &save))
				log_warnx("%s:%s", path, line);
			free(l->warning);
		}
		/* Jekyll says "Conflict" for one URL; readers see one id. */
		if ((other = index_add(idx, l->post, now)) != NULL)
			log_warnx("%s: the same entry id as %s (%s): feed "
			    "readers show only one of the two; give one a "
			    "different slug or permalink", path, other->path,
			    other->id);
		break;
	case POST_UNPUBLISHED:
		break;
	case POST_INVALID:
		log_warnx("%s:%s", path, l->cause);
		free(l->cause);
		break;
	}
	return (l->status);
}

/* Read one post file and apply it to the index. */
static enum post_status
load_one(const struct config *cfg, const char *path, const char *relpath,
    struct buf *scratch, struct index *idx, int64_t now)
{
	struct loaded	 l;

	read_one(cfg, path, relpath, scratch, &l);
	return (apply_one(path, &l, idx, now));
}

/* parallel_for body: read files begin to end of a whole-site load. */
static void
read_range(size_t begin, size_t end, size_t part, void *arg)
{
	struct load_all	*la = arg;
	struct buf	 scratch = BUF_INIT;
	size_t		 i;

	(void)part;
	for (i = begin; i < end; i++) {
		read_one(la->cfg, la->entries[i].path, la->entries[i].relpath,
		    &scratch, &la->out[i]);
		sdnotify_keepalive();
	}
	buf_free(&scratch);
}

/* Count a load outcome. */
static void
count(struct site_stats *st, enum post_status status)
{
	if (status == POST_OK)
		st->loaded++;
	else if (status == POST_UNPUBLISHED)
		st->unpublished++;
	else
		st->invalid++;
}

/* Read every post file of the site into the index. */
int
site_load(const struct config *cfg, const char *subdir, struct index *idx,
    int64_t now, struct site_stats *st, scan_folder_fn on_folder, void *arg)
{
	struct scan_result res;
	struct load_all	 la;
	struct loaded	*loaded;
	size_t		 i;
	int		 rc;

	memset(&res, 0, sizeof res);
	memset(st, 0, sizeof *st);
	rc = scan_site(cfg, subdir, &res, on_folder, arg);
	st->files = res.count;
	if (res.count > 0) {
		/* Reading and parsing is most of a cold build: every core. */
		loaded = xcalloc(res.count, sizeof *loaded);
		la.cfg = cfg;
		la.entries = res.entries;
		la.out = loaded;
		parallel_for(res.count, LOAD_PARALLEL_MIN, read_range, &la);
		/* A whole site goes in unsorted and is sorted once. */
		if (subdir == NULL)
			index_bulk_begin(idx);
		for (i = 0; i < res.count; i++) {
			count(st, apply_one(res.entries[i].path, &loaded[i],
			    idx, now));
			sdnotify_keepalive();
		}
		if (subdir == NULL)
			index_bulk_end(idx);
		free(loaded);
	}
	scan_result_free(&res);
	return (rc);
}

/* Whether a file still is what the post was read from. */
static int
unchanged(const struct post *post, const struct stat *sb)
{
	return (post->dev == sb->st_dev && post->ino == sb->st_ino &&
	    post->size == sb->st_size && post->mtime_ns ==
	    (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec &&
	    post->ctime_ns ==
	    (int64_t)sb->st_ctim.tv_sec * 1000000000 + sb->st_ctim.tv_nsec);
}

/* Re-read one post file after a change. */
int
site_update_post(const struct config *cfg, const char *relpath,
    struct index *idx, int64_t now)
{
	struct stat	 sb;
	struct post	*old;
	char		*path;
	int		 changed = 1;

	xasprintf(&path, "%s/%s", cfg->site_dir, relpath);
	old = index_get(idx, path);
	if (lstat(path, &sb) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_warn("%s", path);
		if (old != NULL)
			post_free(index_remove(idx, path));
		else
			changed = 0;
	} else if (old != NULL && unchanged(old, &sb))
		changed = 0;
	else
		load_one(cfg, path, relpath, NULL, idx, now);
	free(path);
	return (changed);
}

/* index_foreach_post callback: note posts whose files were not found. */
static void
collect_missing(struct post *post, void *arg)
{
	struct missing	*m = arg;

	if (strmap_get(m->found, post->path) != NULL)
		return;
	m->paths = xreallocarray(m->paths, m->count + 1, sizeof *m->paths);
	m->paths[m->count++] = xstrdup(post->path);
}

/* Bring the index in line with the files on disk. */
int
site_reconcile(const struct config *cfg, struct index *idx, int64_t now,
    struct site_stats *st, scan_folder_fn on_folder, void *arg)
{
	struct scan_result scan, *res = &scan;
	struct buf	 scratch = BUF_INIT;
	struct missing	 m;
	struct post	*old;
	struct stat	 sb;
	size_t		 i;
	int		 rc;

	memset(res, 0, sizeof *res);
	memset(st, 0, sizeof *st);
	rc = scan_site(cfg, NULL, res, on_folder, arg);
	if (rc != 0) {
		scan_result_free(res);
		return (rc);
	}
	st->files = res->count;
	m.found = strmap_create();
	m.paths = NULL;
	m.count = 0;
	for (i = 0; i < res->count; i++) {
		strmap_put(m.found, res->entries[i].path, res);
		old = index_get(idx, res->entries[i].path);
		if (old != NULL && lstat(old->path, &sb) == 0 &&
		    unchanged(old, &sb))
			continue;
		count(st, load_one(cfg, res->entries[i].path,
		    res->entries[i].relpath, &scratch, idx, now));
	}
	index_foreach_post(idx, collect_missing, &m);
	for (i = 0; i < m.count; i++) {
		post_free(index_remove(idx, m.paths[i]));
		free(m.paths[i]);
		st->removed++;
	}
	free(m.paths);
	strmap_free(m.found);
	buf_free(&scratch);
	scan_result_free(res);
	return (0);
}
