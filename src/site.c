/*
 * Loading and refreshing posts in the index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "post.h"
#include "scan.h"
#include "site.h"
#include "strmap.h"
#include "xmalloc.h"

static enum post_status load_one(const struct config *, const char *,
		    const char *, struct buf *, struct index *, int64_t);
static void	count(struct site_stats *, enum post_status);
static int	unchanged(const struct post *, const struct stat *);
static void	collect_missing(struct post *, void *);

/* The strmap of found paths and the list of posts missing from it. */
struct missing {
	struct strmap	*found;
	char		**paths;
	size_t		 count;
};

/*
 * Read one post file and put it in the index in place of any earlier
 * version; a file that is not a usable post takes the old version out.
 */
static enum post_status
load_one(const struct config *cfg, const char *path, const char *relpath,
    struct buf *scratch, struct index *idx, int64_t now)
{
	struct post	*post;
	char		*cause, *warning;
	enum post_status status;

	status = post_load(cfg, path, relpath, scratch, &post, &cause,
	    &warning);
	post_free(index_remove(idx, path));
	switch (status) {
	case POST_OK:
		if (warning != NULL) {
			log_warnx("%s:%s", path, warning);
			free(warning);
		}
		index_add(idx, post, now);
		break;
	case POST_UNPUBLISHED:
		break;
	case POST_INVALID:
		log_warnx("%s:%s", path, cause);
		free(cause);
		break;
	}
	return (status);
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
	struct buf	 scratch = BUF_INIT;
	size_t		 i;
	int		 rc;

	memset(&res, 0, sizeof res);
	memset(st, 0, sizeof *st);
	rc = scan_site(cfg, subdir, &res, on_folder, arg);
	st->files = res.count;
	/* A whole site is loaded unsorted and sorted once. */
	if (subdir == NULL)
		index_bulk_begin(idx);
	for (i = 0; i < res.count; i++)
		count(st, load_one(cfg, res.entries[i].path,
		    res.entries[i].relpath, &scratch, idx, now));
	if (subdir == NULL)
		index_bulk_end(idx);
	buf_free(&scratch);
	scan_result_free(&res);
	return (rc);
}

/* Whether a file still is what the post was read from. */
static int
unchanged(const struct post *post, const struct stat *sb)
{
	return (post->dev == sb->st_dev && post->ino == sb->st_ino &&
	    post->size == sb->st_size && post->mtime_ns ==
	    (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec);
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
