/*
 * Rendering feeds to files and keeping the output folder's manifest.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "feedname.h"
#include "feedwrite.h"
#include "fileio.h"
#include "log.h"
#include "parallel.h"
#include "publish.h"
#include "rcache.h"
#include "strmap.h"
#include "xmalloc.h"

/*
 * Rendered bodies kept between publishes: enough for the feeds a new post
 * touches to find most of their other entries ready.
 */
#define RCACHE_BUDGET	(8 * 1024 * 1024)

/* The manifest: one output-relative path per line. */
#define MANIFEST_NAME	".feedd-manifest"
#define MANIFEST_MAX	(256 * 1024 * 1024)

struct publisher {
	const struct config *cfg;
	struct strmap	*owners;	/* path -> description of its feed */
	struct strmap	*previous;	/* paths of the manifest read at start */
	struct rcache	*cache;		/* rendered bodies */
	int		 manifest_dirty;
};

/* One feed file to render. */
struct job {
	struct feed	*feed;
	enum feed_format format;
	char		*rel;		/* path in the output folder */
	char		*path;
	int		 rc;		/* fileio_batch_add's, or -1 */
	int		 err;		/* errno of a failed write, 0 for libxml2 */
};

/* The feed files of one publish, shared out between threads. */
struct render_work {
	struct publisher *pub;
	struct job	*jobs;
	size_t		 n;
	struct fileio_batch *batches[PARALLEL_MAX]; /* one per range */
};

/* Feed files below this many are rendered by the calling thread alone. */
#define RENDER_PARALLEL_MIN	64

static void	read_manifest(struct publisher *);
static void	remove_stale_temps(struct publisher *);
static char	*output_path(const struct publisher *, const char *);
static void	remove_file(struct publisher *, const char *,
		    struct publish_stats *);
static int	claim(struct publisher *, const struct feed *, const char *);
static void	render_range(size_t, size_t, size_t, void *);
static void	write_done(const char *, int, void *);
static void	failure(struct publish_stats *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	listed(char *const *, const char *);
static int	tag_wanted(const struct config *, const char *);
static int	path_cmp(const void *, const void *);
static void	free_owners(struct strmap *);

/* The absolute path of an output-relative path (new string). */
static char *
output_path(const struct publisher *pub, const char *rel)
{
	char	*p;

	xasprintf(&p, "%s/%s", pub->cfg->output_dir, rel);
	return (p);
}

/* Load the previous manifest, if any, into pub->previous. */
static void
read_manifest(struct publisher *pub)
{
	struct buf	 data = BUF_INIT;
	char		*path, *line, *save;

	path = output_path(pub, MANIFEST_NAME);
	if (fileio_read(path, MANIFEST_MAX, &data, NULL) == 0 && data.len > 0) {
		for (line = strtok_r(data.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			/* Never trust a path that could leave the folder. */
			if (line[0] == '/' || strstr(line, "..") != NULL)
				continue;
			strmap_put(pub->previous, line, pub);
		}
	} else if (data.len == 0 && errno != ENOENT)
		log_warn("%s", path);
	buf_free(&data);
	free(path);
}

/*
 * Remove temporary files a killed feedd left in the folders of its
 * feeds.  Only names fileio_replace makes are touched.
 */
static void
remove_stale_temps(struct publisher *pub)
{
	struct strmap	*dirs = strmap_create();
	size_t		 pos = 0;
	const char	*key, *slash;
	void		*value;
	char		*dir, *path;
	DIR		*d;
	struct dirent	*de;

	strmap_put(dirs, "", pub);
	while (strmap_next(pub->previous, &pos, &key, &value)) {
		if ((slash = strrchr(key, '/')) != NULL) {
			dir = xstrndup(key, (size_t)(slash - key));
			strmap_put(dirs, dir, pub);
			free(dir);
		}
	}
	pos = 0;
	while (strmap_next(dirs, &pos, &key, &value)) {
		dir = output_path(pub, key);
		if ((d = opendir(dir)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (!fileio_is_temp(de->d_name))
					continue;
				xasprintf(&path, "%s/%s", dir, de->d_name);
				if (unlink(path) == 0)
					log_debug("removed stale %s", path);
				free(path);
			}
			closedir(d);
		}
		free(dir);
	}
	strmap_free(dirs);
}

/* Create a publisher. */
struct publisher *
publish_create(const struct config *cfg)
{
	struct publisher *pub = xcalloc(1, sizeof *pub);

	pub->cfg = cfg;
	pub->owners = strmap_create();
	pub->previous = strmap_create();
	pub->cache = rcache_create(RCACHE_BUDGET);
	read_manifest(pub);
	remove_stale_temps(pub);
	return (pub);
}

/* Free the owner descriptions and the map. */
static void
free_owners(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		free(value);
	strmap_free(m);
}

/* Free a publisher. */
void
publish_free(struct publisher *pub)
{
	if (pub == NULL)
		return;
	free_owners(pub->owners);
	strmap_free(pub->previous);
	rcache_free(pub->cache);
	free(pub);
}

/* Delete an output file we own. */
static void
remove_file(struct publisher *pub, const char *rel, struct publish_stats *st)
{
	char	*path = output_path(pub, rel);

	if (unlink(path) == 0) {
		st->removed++;
		log_debug("removed %s", path);
	} else if (errno != ENOENT)
		log_warn("cannot remove %s", path);
	free(path);
	free(strmap_remove(pub->owners, rel));
	pub->manifest_dirty = 1;
}

/*
 * Claim rel for feed f: every file belongs to one feed.  Returns 0, or
 * -1 (reported) when another feed has it.
 */
static int
claim(struct publisher *pub, const struct feed *f, const char *rel)
{
	char		*owner = feedname_describe(f);
	const char	*current = strmap_get(pub->owners, rel);

	if (current != NULL && strcmp(current, owner) != 0) {
		log_warnx("%s and %s both map to %s; keeping the first, "
		    "rename one of them", current, owner, rel);
		free(owner);
		return (-1);
	}
	if (current == NULL) {
		strmap_put(pub->owners, rel, owner);
		pub->manifest_dirty = 1;
	} else
		free(owner);
	return (0);
}

/* parallel_for body: render feeds begin to end and stage their files. */
static void
render_range(size_t begin, size_t end, size_t part, void *arg)
{
	struct render_work *w = arg;
	const struct config *cfg = w->pub->cfg;
	const struct rendered **entries;
	struct buf	 out = BUF_INIT;
	struct fileio_batch *batch = w->batches[part];
	struct job	*job;
	size_t		 i, k, limit = (size_t)cfg->posts_limit;

	entries = xcalloc(limit, sizeof *entries);
	for (i = begin; i < end; i++) {
		job = &w->jobs[i];
		for (k = 0; k < job->feed->nposts && k < limit; k++)
			entries[k] = rcache_peek(w->pub->cache,
			    job->feed->posts[k]);
		buf_reset(&out);
		if (feedwrite_render(cfg, job->feed, job->format, job->rel,
		    entries, &out) != 0) {
			job->rc = -1;
			job->err = 0;
		} else if ((job->rc = fileio_batch_add(batch, job->path,
		    out.data, out.len)) == -1)
			job->err = errno;
	}
	free(entries);
	buf_free(&out);
}

/* Whether name is in a NULL-terminated list. */
static int
listed(char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++) {
		if (strcmp(*list, name) == 0)
			return (1);
	}
	return (0);
}

/* Whether a tag gets feeds: feedd.tags, feed.tags.only and .except. */
static int
tag_wanted(const struct config *cfg, const char *name)
{
	if (!cfg->tags || listed(cfg->tags_except, name))
		return (0);
	return (cfg->tags_only == NULL || listed(cfg->tags_only, name));
}

/* Count and report a file put in place, or one that could not be. */
static void
write_done(const char *path, int err, void *arg)
{
	struct publish_stats *st = arg;

	if (err == 0) {
		log_debug("wrote %s", path);
		st->written++;
		return;
	}
	failure(st, "cannot write %s: %s", path, strerror(err));
}

/* Count a file that could not be written, keeping the first reason. */
static void
failure(struct publish_stats *st, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[sizeof st->first_failure];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_debug("%s", msg);
	if (st->failed++ == 0)
		memcpy(st->first_failure, msg, sizeof msg);
}

/*
 * Publish feeds in the configured formats: claim each file, render every
 * body the feeds need once, then render the feeds and stage their files
 * (both on every core for a full build), and commit the changed files.
 */
void
publish_feeds(struct publisher *pub, struct feed **feeds, size_t n,
    struct publish_stats *st)
{
	static const enum feed_format formats[] = { FORMAT_ATOM, FORMAT_RSS };
	struct render_work w;
	struct post	**needed;
	struct job	*job;
	struct feed	*f;
	size_t		 i, k, nneeded = 0, limit = (size_t)pub->cfg->posts_limit;
	char		*rel;

	memset(&w, 0, sizeof w);
	w.pub = pub;
	/* At most two files per feed, and its first posts_limit posts. */
	w.jobs = xcalloc(2 * n + 1, sizeof *w.jobs);
	for (i = 0; i < n; i++)
		nneeded += feeds[i]->nposts < limit ? feeds[i]->nposts : limit;
	needed = xcalloc(nneeded + 1, sizeof *needed);
	nneeded = 0;
	for (i = 0; i < n; i++) {
		f = feeds[i];
		if ((f->kind == FEED_CATEGORY && !pub->cfg->categories) ||
		    (f->kind == FEED_TAG && !tag_wanted(pub->cfg, f->name)))
			continue;
		for (k = 0; k < sizeof formats / sizeof formats[0]; k++) {
			if (!(pub->cfg->formats & formats[k]))
				continue;
			rel = feedname_path(pub->cfg, f, formats[k]);
			if (f->nposts == 0 && f->kind != FEED_SITE) {
				if (strmap_get(pub->owners, rel) != NULL ||
				    strmap_get(pub->previous, rel) != NULL)
					remove_file(pub, rel, st);
				free(rel);
				continue;
			}
			if (claim(pub, f, rel) != 0) {
				free(rel);
				continue;
			}
			job = &w.jobs[w.n++];
			job->feed = f;
			job->format = formats[k];
			job->rel = rel;
			job->path = output_path(pub, rel);
		}
		for (k = 0; k < f->nposts && k < limit; k++)
			needed[nneeded++] = f->posts[k];
	}
	rcache_prepare(pub->cache, pub->cfg, needed, nneeded);
	free(needed);

	/* One batch per range, so threads never share one. */
	for (i = 0; i < PARALLEL_MAX; i++)
		w.batches[i] = fileio_batch_create();
	parallel_for(w.n, RENDER_PARALLEL_MIN, render_range, &w);

	for (i = 0; i < w.n; i++) {
		job = &w.jobs[i];
		if (job->rc == -1 && job->err == 0)
			failure(st, "cannot render %s: libxml2 failed",
			    job->path);
		else if (job->rc == -1)
			failure(st, "cannot write %s: %s", job->path,
			    strerror(job->err));
		else if (job->rc == 0)
			st->unchanged++;
		free(job->rel);
		free(job->path);
	}
	for (i = 0; i < PARALLEL_MAX; i++) {
		fileio_batch_commit(w.batches[i], write_done, st);
		fileio_batch_free(w.batches[i]);
	}
	free(w.jobs);
	rcache_trim(pub->cache);
}

/* qsort order of path strings. */
static int
path_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Whether the manifest, and so the output folder's files, went away. */
int
publish_output_lost(const struct publisher *pub)
{
	char	*path = output_path(pub, MANIFEST_NAME);
	int	 lost;

	lost = access(path, F_OK) != 0 && errno == ENOENT;
	free(path);
	return (lost);
}

/* Save the list of files we own, sorted, if it changed. */
void
publish_save_manifest(struct publisher *pub, struct publish_stats *st)
{
	struct buf	 out = BUF_INIT;
	const char	**paths;
	size_t		 n = strmap_count(pub->owners), i = 0, pos = 0;
	const char	*key;
	void		*value;
	char		*path;

	if (!pub->manifest_dirty)
		return;
	paths = xcalloc(n + 1, sizeof *paths);
	while (strmap_next(pub->owners, &pos, &key, &value))
		paths[i++] = key;
	qsort(paths, n, sizeof *paths, path_cmp);
	buf_add(&out, "", 0);
	for (i = 0; i < n; i++)
		buf_addf(&out, "%s\n", paths[i]);
	path = output_path(pub, MANIFEST_NAME);
	if (fileio_replace(path, out.data, out.len) == -1)
		failure(st, "cannot write %s: %s", path, strerror(errno));
	else
		pub->manifest_dirty = 0;
	free(path);
	free(paths);
	buf_free(&out);
}

/* Remove files no feed claimed in a full build; save the manifest. */
void
publish_finish_full(struct publisher *pub, struct publish_stats *st)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(pub->previous, &pos, &key, &value)) {
		if (strmap_get(pub->owners, key) == NULL) {
			char	*path = output_path(pub, key);

			if (unlink(path) == 0)
				st->removed++;
			else if (errno != ENOENT)
				log_warn("cannot remove %s", path);
			free(path);
		}
	}
	strmap_free(pub->previous);
	pub->previous = strmap_create();
	pub->manifest_dirty = 1;
	publish_save_manifest(pub, st);
}
