/*
 * Rendering feeds to files and keeping the output folder's manifest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "buf.h"
#include "discovery.h"
#include "feedname.h"
#include "feedwrite.h"
#include "fsig.h"
#include "gzfile.h"
#include "hash.h"
#include "liquidpost.h"
#include "log.h"
#include "outdir.h"
#include "parallel.h"
#include "publish.h"
#include "rcache.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "state.h"
#include "strmap.h"
#include "xmalloc.h"

/*
 * Rendered bodies kept between publishes: enough for the feeds a new post
 * touches to find most of their other entries ready.
 */
#define RCACHE_BUDGET	(8 * 1024 * 1024)

/* The manifest (.feedd/manifest): one output-relative path per line. */
#define MANIFEST_NAME	"manifest"
#define MANIFEST_VERSION 1
#define MANIFEST_MAX	(256 * 1024 * 1024)
/* Where feedd 0.1 kept it; read once, then removed. */
#define LEGACY_MANIFEST	".feedd-manifest"

/* The feed a file belongs to. */
struct owner {
	enum feed_kind	 kind;
	char		*name;		/* NULL for the site feed */
};

struct publisher {
	const struct config *cfg;
	struct outdir	*out;
	struct index	*idx;
	struct strmap	*owners;	/* path -> struct owner */
	struct strmap	*previous;	/* paths of the manifest read at start */
	struct strmap	*contested;	/* paths two feeds map to */
	struct strmap	*folders;	/* folders of owned files ("" too) */
	struct rcache	*cache;		/* rendered bodies */
	struct fsig	*sigs;		/* what each file was rendered from */
	struct liquidpost lp;		/* Liquid in bodies */
	int		 manifest_dirty;
	int		 legacy;	/* LEGACY_MANIFEST is to be removed */
	struct buf	 listed;	/* what the discovery files last said */
	int		 lists_later;	/* publish_feeds leaves the lists... */
	int		 lists_stale;	/* ...which are then out of date */
	struct strmap	*doc_pages;	/* current document -> strmap of the
					 * paths of its archive pages */
	struct strmap	*signatures;	/* archive page -> uint64_t * of what
					 * it was last written from */
};

/* One feed file to render: a feed's document (feedwrite.h). */
struct job {
	struct feed	*feed;
	enum feed_format format;
	char		*rel;		/* path in the output folder */
	struct feed_doc	 doc;		/* its posts and links (doc.path: rel) */
	char		*current;	/* an archive page's, owned */
	char		*prev;		/* doc.prev_archive, owned */
	int		 page;		/* an archive page, of... */
	uint64_t	 signature;	/* ...this archive_signature */
	int		 rc;		/* outdir_batch_add's, or -1 */
	int		 err;		/* errno of a failed write, 0 for libxml2 */
	uint64_t	 sig;		/* fsig_of the document */
	int		 stable;	/* every entry made from its file alone */
};

/* A file staged in a round, to sign once it is in place (fsig.h). */
struct to_sign {
	char		*rel;
	uint64_t	 sig;
	int		 stable;
};

/*
 * The feed files of one publish, rendered in rounds (so that the bodies
 * of archive pages never all sit in memory at once) and shared out
 * between threads, then committed together.
 */
struct render_work {
	struct publisher *pub;
	struct publish_stats *st;
	struct job	*jobs;		/* of the round */
	size_t		 n, cap;
	struct post	**needed;	/* bodies the round's jobs need */
	size_t		 nneeded, needed_cap;
	struct outdir_batch *batches[PARALLEL_MAX]; /* one per range */
	struct strmap	*failed;	/* files that could not be put in place */
	struct to_sign	*sign;		/* files of every round, to sign */
	size_t		 nsign, sign_cap;
};

/*
 * An archive page joins a round only while its jobs need fewer bodies
 * than this; current documents all go in one (a body shared by several
 * feeds is rendered once, not again after a trim between rounds).
 */
#define ROUND_POSTS	4096

/* Feed files below this many are rendered by the calling thread alone. */
#define RENDER_PARALLEL_MIN	64

static void	read_manifest(struct publisher *);
static void	add_previous(struct publisher *, char *);
static void	remove_stale_temps(struct publisher *);
static void	remove_file(struct publisher *, const char *,
		    struct publish_stats *);
static int	owner_is(const struct owner *, const struct feed *);
static int	ranks_before(const struct feed *, const struct owner *);
static int	claim(struct publisher *, const struct feed *, const char *);
static void	render_range(size_t, size_t, size_t, void *);
static void	write_done(const char *, int, void *);
static void	failure(struct publish_stats *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	listed(char *const *, const char *);
static int	tag_wanted(const struct config *, const char *);
static int	feed_wanted(const struct config *, const struct feed *);
static void	stage_gz(struct outdir_batch *, const char *, const void *,
		    size_t, int, int *, int *);
static int	stage_file(struct outdir_batch *, const struct config *,
		    const char *, const void *, size_t, int *);
static void	publish_discovery(struct publisher *, struct publish_stats *);
static int	unchanged(struct render_work *, struct feed *, enum feed_format,
		    const char *, size_t, size_t, const char *, uint64_t *);
static void	sign_files(struct render_work *);
static struct job *add_job(struct render_work *, struct feed *,
		    enum feed_format, char *, size_t, size_t);
static void	plan_feed(struct render_work *, struct feed *);
static void	plan_pages(struct render_work *, struct feed *,
		    enum feed_format, char *);
static void	drop_pages(struct publisher *, const char *, struct strmap *,
		    struct publish_stats *);
static void	run_round(struct render_work *);
static void	free_doc_pages(struct strmap *);
static void	free_signatures(struct strmap *);
static int	path_cmp(const void *, const void *);
static void	free_owners(struct strmap *);

/* Take the manifest's lines (modified in place) into pub->previous. */
static void
add_previous(struct publisher *pub, char *lines)
{
	char	*line, *save;

	for (line = strtok_r(lines, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		/* Never trust a path that could leave the folder. */
		if (outdir_check_path(line) == NULL)
			strmap_put(pub->previous, line, pub);
	}
}

/*
 * Load the previous manifest, if any, into pub->previous: .feedd/manifest,
 * or the one feedd 0.1 kept at the top of the folder.
 */
static void
read_manifest(struct publisher *pub)
{
	struct buf	 data = BUF_INIT;
	const char	*why;
	int		 rc;

	rc = state_load(pub->out, MANIFEST_NAME, MANIFEST_VERSION, MANIFEST_MAX,
	    &data, &why);
	if (rc == 1)
		add_previous(pub, data.data != NULL ? data.data : "");
	else if (rc == -1)
		log_warnx("%s/%s/%s is %s; it is ignored and written anew "
		    "(feeds of names that vanished meanwhile stay behind)",
		    outdir_path(pub->out), OUTDIR_STATE, MANIFEST_NAME, why);
	else if (outdir_read(pub->out, LEGACY_MANIFEST, MANIFEST_MAX,
	    &data) == 0) {
		add_previous(pub, data.data != NULL ? data.data : "");
		pub->legacy = 1;
	}
	buf_free(&data);
}

/*
 * Remove temporary files a killed feedd left in the folders of its feeds
 * and in .feedd.  The lock is held, so no other feedd is writing them.
 */
static void
remove_stale_temps(struct publisher *pub)
{
	struct strmap	*dirs = strmap_create();
	size_t		 pos = 0, n = 0;
	const char	*key, *slash;
	void		*value;
	char		*dir;

	strmap_put(dirs, "", pub);
	strmap_put(dirs, OUTDIR_STATE, pub);
	while (strmap_next(pub->previous, &pos, &key, &value)) {
		if ((slash = strrchr(key, '/')) != NULL) {
			dir = xstrndup(key, (size_t)(slash - key));
			strmap_put(dirs, dir, pub);
			free(dir);
		}
	}
	pos = 0;
	while (strmap_next(dirs, &pos, &key, &value))
		n += outdir_remove_temps(pub->out, key);
	if (n > 0)
		log_debug("removed %zu stale temporary files", n);
	strmap_free(dirs);
}

/* Create a publisher. */
struct publisher *
publish_create(const struct config *cfg, struct outdir *out,
    struct index *idx)
{
	struct publisher *pub = xcalloc(1, sizeof *pub);

	pub->cfg = cfg;
	pub->idx = idx;
	liquidpost_init(&pub->lp, cfg, idx);
	pub->out = out;
	pub->owners = strmap_create();
	pub->previous = strmap_create();
	pub->contested = strmap_create();
	pub->folders = strmap_create();
	strmap_put(pub->folders, "", pub);
	pub->cache = rcache_create(RCACHE_BUDGET);
	pub->sigs = fsig_open(cfg, out);
	pub->doc_pages = strmap_create();
	pub->signatures = strmap_create();
	read_manifest(pub);
	remove_stale_temps(pub);
	return (pub);
}

/* Free the owner records and the map. */
static void
free_owners(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;
	struct owner	*o;

	while (strmap_next(m, &pos, &key, &value)) {
		o = value;
		free(o->name);
		free(o);
	}
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
	strmap_free(pub->contested);
	strmap_free(pub->folders);
	rcache_free(pub->cache);
	fsig_free(pub->sigs);
	liquidpost_free(&pub->lp);
	buf_free(&pub->listed);
	free_doc_pages(pub->doc_pages);
	free_signatures(pub->signatures);
	free(pub);
}

/* Free the sets of archive pages and the map. */
static void
free_doc_pages(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		strmap_free(value);
	strmap_free(m);
}

/* Free the signatures and the map. */
static void
free_signatures(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		free(value);
	strmap_free(m);
}



/* Delete an output file we own; freeing a contested one asks for more. */
static void
remove_file(struct publisher *pub, const char *rel, struct publish_stats *st)
{
	struct owner	*o;

	fsig_drop(pub->sigs, rel);
	if (outdir_remove(pub->out, rel) == 0) {
		st->removed++;
		if (st->changed != NULL)
			strmap_put(st->changed, rel, pub);
		log_debug("removed %s/%s", outdir_path(pub->out), rel);
	} else if (errno != ENOENT)
		log_warn("cannot remove %s/%s", outdir_path(pub->out), rel);
	if ((o = strmap_remove(pub->owners, rel)) != NULL) {
		free(o->name);
		free(o);
	}
	if (strmap_get(pub->contested, rel) != NULL)
		st->reclaim = 1;
	pub->manifest_dirty = 1;
}

/* Whether o is feed f. */
static int
owner_is(const struct owner *o, const struct feed *f)
{
	if (o->kind != f->kind)
		return (0);
	return (f->name == NULL ? o->name == NULL : o->name != NULL &&
	    strcmp(o->name, f->name) == 0);
}

/*
 * Whether f comes before o in index_feeds order (site, categories, tags,
 * each by name): of two feeds that map to one file, the first owns it,
 * whatever order they appeared in, so a daemon agrees with a fresh build.
 */
static int
ranks_before(const struct feed *f, const struct owner *o)
{
	if (f->kind != o->kind)
		return (f->kind < o->kind);
	if (f->name == NULL || o->name == NULL)
		return (f->name == NULL);
	return (strcmp(f->name, o->name) < 0);
}

/*
 * Claim rel for feed f: every file belongs to one feed.  Returns 0, or
 * -1 when a feed that ranks before f has it (reported once per file).
 */
static int
claim(struct publisher *pub, const struct feed *f, const char *rel)
{
	struct owner	*o = strmap_get(pub->owners, rel);
	char		*mine, *theirs, *folder;
	const char	*slash;
	int		 wins;

	if (o != NULL && owner_is(o, f))
		return (0);
	wins = o == NULL || ranks_before(f, o);
	if (o != NULL) {
		if (strmap_get(pub->contested, rel) == NULL) {
			struct feed other = { .kind = o->kind, .name = o->name };

			mine = feedname_describe(f);
			theirs = feedname_describe(&other);
			log_warnx("%s and %s both map to %s, which holds the "
			    "first of them; rename one", wins ? mine : theirs,
			    wins ? theirs : mine, rel);
			free(mine);
			free(theirs);
			strmap_put(pub->contested, rel, pub);
		}
		if (!wins)
			return (-1);
		free(o->name);
		free(o);
	}
	o = xcalloc(1, sizeof *o);
	o->kind = f->kind;
	o->name = f->name != NULL ? xstrdup(f->name) : NULL;
	strmap_put(pub->owners, rel, o);
	if ((slash = strrchr(rel, '/')) != NULL) {
		folder = xstrndup(rel, (size_t)(slash - rel));
		strmap_put(pub->folders, folder, pub);
		free(folder);
	}
	pub->manifest_dirty = 1;
	return (0);
}

/* The feed owning an output file. */
int
publish_owner(const struct publisher *pub, const char *rel,
    enum feed_kind *kind, const char **name)
{
	const struct owner *o = strmap_get(pub->owners, rel);

	if (o == NULL)
		return (0);
	*kind = o->kind;
	*name = o->name;
	return (1);
}

char *
publish_self_url(const struct publisher *pub, const char *rel)
{
	static const enum feed_format formats[] = { FORMAT_ATOM, FORMAT_RSS,
	    FORMAT_JSON };
	const struct owner *o = strmap_get(pub->owners, rel);
	struct feed	 f;
	size_t		 k;
	char		*path;
	int		 own;

	if (o == NULL)
		return (NULL);
	/* Its feed's own document in some format: not a .gz copy, a list
	 * of feeds or an archive page. */
	memset(&f, 0, sizeof f);
	f.kind = o->kind;
	f.name = o->name;
	for (k = 0; k < sizeof formats / sizeof formats[0]; k++) {
		if (!(pub->cfg->formats & formats[k]))
			continue;
		path = feedname_path(pub->cfg, &f, formats[k]);
		own = strcmp(path, rel) == 0;
		free(path);
		if (own)
			return (feedname_url(pub->cfg->url, pub->cfg, rel));
	}
	return (NULL);
}

/* Every file the publisher owns. */
void
publish_foreach_file(const struct publisher *pub,
    void (*fn)(const char *, void *), void *arg)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(pub->owners, &pos, &key, &value))
		fn(key, arg);
}

/* Every folder holding files the publisher owns. */
void
publish_foreach_folder(const struct publisher *pub,
    void (*fn)(const char *, void *), void *arg)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(pub->folders, &pos, &key, &value))
		fn(key, arg);
}

/* parallel_for body: render feeds begin to end and stage their files. */
static void
render_range(size_t begin, size_t end, size_t part, void *arg)
{
	struct render_work *w = arg;
	const struct config *cfg = w->pub->cfg;
	const struct rendered **entries = NULL;
	struct buf	 out = BUF_INIT;
	struct outdir_batch *batch = w->batches[part];
	struct job	*job;
	size_t		 i, k, cap = 0;

	for (i = begin; i < end; i++) {
		sdnotify_keepalive();
		job = &w->jobs[i];
		if (job->doc.count > cap) {
			cap = job->doc.count;
			entries = xreallocarray(entries, cap, sizeof *entries);
		}
		job->stable = 1;
		for (k = 0; k < job->doc.count; k++) {
			entries[k] = rcache_peek(w->pub->cache,
			    job->feed->posts[job->doc.first + k]);
			if (entries[k] == NULL || !entries[k]->stable)
				job->stable = 0;
		}
		buf_reset(&out);
		if (feedwrite_render(cfg, job->feed, job->format, &job->doc,
		    entries, &out) != 0) {
			job->rc = -1;
			job->err = 0;
		} else
			job->rc = stage_file(batch, cfg, job->rel, out.data,
			    out.len, &job->err);
	}
	free(entries);
	buf_free(&out);
}

/*
 * The .gz beside rel, unless it is in place already: with the bytes of
 * data (written by a feedd that compressed them the same way) and rel's
 * mtime (not torn from its feed by a crash between the two renames).
 * *rc becomes -1 with *err set if it cannot be staged.
 */
static void
stage_gz(struct outdir_batch *batch, const char *rel, const void *data,
    size_t len, int staged, int *rc, int *err)
{
	struct buf	 gz = BUF_INIT;
	char		*gzrel = gzfile_path(rel);
	int		 r;

	if (!staged && outdir_batch_same_mtime(batch, gzrel, rel)) {
		free(gzrel);
		return;
	}
	if (gzfile_compress(data, len, &gz) != 0) {
		*rc = -1;
		*err = ENOMEM;
	} else if ((r = outdir_batch_add_like(batch, gzrel, gz.data, gz.len,
	    rel)) == -1) {
		*rc = -1;
		*err = errno;
	} else if (r == 1 && *rc == 0)
		*rc = 1;
	buf_free(&gz);
	free(gzrel);
}

/*
 * Stage a file (and its .gz with feedd.gzip) unless in place.  Returns
 * as outdir_batch_add, with *err set to errno when -1.
 */
static int
stage_file(struct outdir_batch *batch, const struct config *cfg,
    const char *rel, const void *data, size_t len, int *err)
{
	int	 rc;

	if ((rc = outdir_batch_add(batch, rel, data, len)) == -1) {
		*err = errno;
		return (-1);
	}
	if (cfg->gzip)
		stage_gz(batch, rel, data, len, rc == 1, &rc, err);
	return (rc);
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

/* Whether a feed gets files: feedd.categories, feedd.tags and lists. */
static int
feed_wanted(const struct config *cfg, const struct feed *f)
{
	return (!((f->kind == FEED_CATEGORY && !cfg->categories) ||
	    (f->kind == FEED_TAG && !tag_wanted(cfg, f->name))));
}

/* Count and report a file put in place, or one that could not be. */
static void
write_done(const char *rel, int err, void *arg)
{
	struct render_work *w = arg;

	if (err == 0) {
		log_debug("wrote %s/%s", outdir_path(w->pub->out), rel);
		/* A .gz goes with its file, not counted on its own. */
		if (!w->pub->cfg->gzip || strlen(rel) < 3 ||
		    strcmp(rel + strlen(rel) - 3, GZFILE_SUFFIX) != 0)
			w->st->written++;
		if (w->st->changed != NULL)
			strmap_put(w->st->changed, rel, w);
		return;
	}
	strmap_put(w->failed, rel, w);
	failure(w->st, "cannot write %s/%s: %s%s", outdir_path(w->pub->out),
	    rel, err == ELOOP || err == ENOTDIR ? "a symbolic link or a file "
	    "is in the way" : strerror(err),
	    sandbox_hint(outdir_path(w->pub->out), err, 1));
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
	struct render_work w;
	size_t		 i;

	memset(&w, 0, sizeof w);
	w.pub = pub;
	w.st = st;
	w.failed = strmap_create();
	/* One batch per range, so threads never share one. */
	for (i = 0; i < PARALLEL_MAX; i++)
		w.batches[i] = outdir_batch_create(pub->out);
	for (i = 0; i < n; i++) {
		if (feed_wanted(pub->cfg, feeds[i]))
			plan_feed(&w, feeds[i]);
	}
	run_round(&w);
	for (i = 0; i < PARALLEL_MAX; i++)
		outdir_batch_commit(w.batches[i], write_done, &w);
	sign_files(&w);
	for (i = 0; i < PARALLEL_MAX; i++)
		outdir_batch_free(w.batches[i]);
	strmap_free(w.failed);
	free(w.jobs);
	free(w.needed);
	if (pub->lists_later)
		pub->lists_stale = 1;
	else
		publish_discovery(pub, st);
}

void
publish_lists_later(struct publisher *pub)
{
	pub->lists_later = 1;
}

int
publish_lists_stale(const struct publisher *pub)
{
	return (pub->lists_stale);
}

void
publish_lists(struct publisher *pub, struct publish_stats *st)
{
	pub->lists_stale = 0;
	publish_discovery(pub, st);
}

/*
 * Whether the document rel, showing f->posts[first..+count) (and
 * linking to the archive page prev, when not NULL), was rendered from
 * exactly that into the file on disk (fsig.h): then it is left as it
 * is.  Sets *sig to its signature.
 */
static int
unchanged(struct render_work *w, struct feed *f, enum feed_format format,
    const char *rel, size_t first, size_t count, const char *prev,
    uint64_t *sig)
{
	*sig = fsig_of(w->pub->sigs, f, format, rel, first, count, prev);
	if (!fsig_unchanged(w->pub->sigs, w->batches[0], rel, *sig))
		return (0);
	w->st->unchanged++;
	return (1);
}

/* After the commit: what each file in place was rendered from. */
static void
sign_files(struct render_work *w)
{
	struct to_sign	*t;
	size_t		 i;
	char		*gz;

	for (i = 0; i < w->nsign; i++) {
		t = &w->sign[i];
		gz = gzfile_path(t->rel);
		if (strmap_get(w->failed, t->rel) != NULL ||
		    strmap_get(w->failed, gz) != NULL)
			fsig_drop(w->pub->sigs, t->rel);
		else
			fsig_set(w->pub->sigs, w->batches[0], t->rel, t->sig,
			    t->stable);
		free(gz);
		free(t->rel);
	}
	free(w->sign);
	w->sign = NULL;
	w->nsign = w->sign_cap = 0;
}

/* A document to render: rel (taken) shows feed->posts[first..+count). */
static struct job *
add_job(struct render_work *w, struct feed *f, enum feed_format format,
    char *rel, size_t first, size_t count)
{
	struct job	*job;
	size_t		 k;

	if (w->n == w->cap) {
		w->cap = w->cap == 0 ? 64 : w->cap * 2;
		w->jobs = xreallocarray(w->jobs, w->cap, sizeof *w->jobs);
	}
	if (w->nneeded + count > w->needed_cap) {
		w->needed_cap = w->nneeded + count + ROUND_POSTS;
		w->needed = xreallocarray(w->needed, w->needed_cap,
		    sizeof *w->needed);
	}
	for (k = 0; k < count; k++)
		w->needed[w->nneeded++] = f->posts[first + k];
	job = &w->jobs[w->n++];
	memset(job, 0, sizeof *job);
	job->feed = f;
	job->format = format;
	job->rel = rel;
	job->doc.path = rel;
	job->doc.first = first;
	job->doc.count = count;
	return (job);
}

/* Plan a feed's files: its documents in each format, or their removal. */
static void
plan_feed(struct render_work *w, struct feed *f)
{
	static const enum feed_format formats[] = { FORMAT_ATOM, FORMAT_RSS,
	    FORMAT_JSON };
	struct publisher *pub = w->pub;
	struct feed_doc	 doc;
	struct owner	*o;
	size_t		 k;
	uint64_t	 sig;
	char		*rel, *gzrel;

	for (k = 0; k < sizeof formats / sizeof formats[0]; k++) {
		if (!(pub->cfg->formats & formats[k]))
			continue;
		rel = feedname_path(pub->cfg, f, formats[k]);
		gzrel = gzfile_path(rel);
		if (f->nposts == 0 && f->kind != FEED_SITE) {
			/* Only its own file: another feed may hold the
			 * name. */
			o = strmap_get(pub->owners, rel);
			if ((o != NULL && owner_is(o, f)) ||
			    (o == NULL && strmap_get(pub->previous,
			    rel) != NULL)) {
				remove_file(pub, rel, w->st);
				/* Its .gz and its archive pages go with it. */
				if (strmap_get(pub->owners, gzrel) ||
				    strmap_get(pub->previous, gzrel))
					remove_file(pub, gzrel, w->st);
				drop_pages(pub, rel, NULL, w->st);
			}
			free(gzrel);
			free(rel);
			continue;
		}
		if (claim(pub, f, rel) != 0 || (pub->cfg->gzip &&
		    claim(pub, f, gzrel) != 0)) {
			free(gzrel);
			free(rel);
			continue;
		}
		free(gzrel);
		if (pub->cfg->archive != ARCHIVE_NONE &&
		    formats[k] != FORMAT_JSON)
			plan_pages(w, f, formats[k], rel);
		else {
			feedwrite_current(pub->cfg, f, rel, &doc);
			if (unchanged(w, f, formats[k], rel, 0, doc.count, NULL,
			    &sig))
				free(rel);
			else
				add_job(w, f, formats[k], rel, 0,
				    doc.count)->sig = sig;
		}
	}
}

/*
 * An archived feed's documents in one format (archive.h): the current
 * one, and each archive page not already on disk as it would be written.
 */
static void
plan_pages(struct render_work *w, struct feed *f, enum feed_format format,
    char *rel)
{
	struct publisher *pub = w->pub;
	struct archive_page *pages;
	struct strmap	*now = strmap_create();
	struct job	*job;
	uint64_t	*known, signature, sig;
	size_t		 i, npages, current;
	char		*base, *path, *prev, *gzpath;

	/* rel goes to a job, which a later round frees: keep a copy. */
	base = xstrdup(rel);
	current = archive_split(f, pub->cfg->archive,
	    (size_t)pub->cfg->posts_limit, &pages, &npages);
	prev = npages > 0 ? archive_path(base, pages[0].key) : NULL;
	if (unchanged(w, f, format, rel, 0, current, prev != NULL ? prev : "",
	    &sig)) {
		free(prev);
		free(rel);
	} else {
		job = add_job(w, f, format, rel, 0, current);
		job->doc.prev_archive = job->prev = prev;
		job->doc.complete = npages == 0;
		job->sig = sig;
	}
	for (i = 0; i < npages; i++) {
		path = archive_path(base, pages[i].key);
		gzpath = gzfile_path(path);
		prev = i + 1 < npages ? archive_path(base, pages[i + 1].key) :
		    NULL;
		/* Its link to the next older page is part of it too. */
		signature = archive_signature(f, &pages[i]) ^
		    (prev != NULL ? hash64(prev, strlen(prev)) : 0);
		strmap_put(now, path, pub);
		if (claim(pub, f, path) != 0 || (pub->cfg->gzip &&
		    claim(pub, f, gzpath) != 0) ||
		    ((known = strmap_get(pub->signatures, path)) != NULL &&
		    *known == signature && outdir_exists(pub->out, path)) ||
		    unchanged(w, f, format, path, pages[i].first,
		    pages[i].count, prev != NULL ? prev : "", &sig)) {
			free(gzpath);
			free(prev);
			free(path);
			continue;
		}
		free(gzpath);
		if (w->nneeded > 0 && w->nneeded + pages[i].count > ROUND_POSTS)
			run_round(w);
		job = add_job(w, f, format, path, pages[i].first,
		    pages[i].count);
		job->doc.current = job->current = xstrdup(base);
		job->doc.prev_archive = job->prev = prev;
		job->page = 1;
		job->signature = signature;
		job->sig = sig;
	}
	free(pages);
	drop_pages(pub, base, now, w->st);
	free(base);
}

/*
 * The archive pages of the document at rel are now those in now (taken;
 * NULL: none): remove the others it had, with their .gz.
 */
static void
drop_pages(struct publisher *pub, const char *rel, struct strmap *now,
    struct publish_stats *st)
{
	struct strmap	*had;
	size_t		 pos = 0;
	const char	*path;
	void		*value;
	char		*gzpath;

	if ((had = strmap_remove(pub->doc_pages, rel)) != NULL) {
		while (strmap_next(had, &pos, &path, &value)) {
			if (now != NULL && strmap_get(now, path) != NULL)
				continue;
			remove_file(pub, path, st);
			gzpath = gzfile_path(path);
			if (strmap_get(pub->owners, gzpath) != NULL)
				remove_file(pub, gzpath, st);
			free(gzpath);
			free(strmap_remove(pub->signatures, path));
		}
		strmap_free(had);
	}
	if (now != NULL && strmap_count(now) > 0)
		strmap_put(pub->doc_pages, rel, now);
	else
		strmap_free(now);
}

/*
 * Render the round's documents (their bodies first, on every core when
 * there are many) and stage their files; note the archive pages staged.
 */
static void
run_round(struct render_work *w)
{
	struct publisher *pub = w->pub;
	struct job	*job;
	uint64_t	*known;
	size_t		 i;

	if (w->n == 0)
		return;
	rcache_prepare(pub->cache, pub->cfg, &pub->lp, w->needed, w->nneeded);
	parallel_for(w->n, RENDER_PARALLEL_MIN, render_range, w);
	for (i = 0; i < w->n; i++) {
		job = &w->jobs[i];
		if (job->rc == -1)
			fsig_drop(pub->sigs, job->rel);
		if (job->rc == -1 && job->err == 0)
			failure(w->st, "cannot render %s/%s: libxml2 failed",
			    outdir_path(pub->out), job->rel);
		else if (job->rc == -1)
			write_done(job->rel, job->err, w);
		else {
			if (job->rc == 0)
				w->st->unchanged++;
			if (w->nsign == w->sign_cap) {
				w->sign_cap = w->sign_cap == 0 ? 64 :
				    w->sign_cap * 2;
				w->sign = xreallocarray(w->sign, w->sign_cap,
				    sizeof *w->sign);
			}
			w->sign[w->nsign].rel = xstrdup(job->rel);
			w->sign[w->nsign].sig = job->sig;
			w->sign[w->nsign++].stable = job->stable;
			if (job->page) {
				if ((known = strmap_get(pub->signatures,
				    job->rel)) == NULL) {
					known = xmalloc(sizeof *known);
					strmap_put(pub->signatures, job->rel,
					    known);
				}
				*known = job->signature;
			}
		}
		free(job->rel);
		free(job->current);
		free(job->prev);
	}
	w->n = 0;
	w->nneeded = 0;
	rcache_trim(pub->cache);
}

/*
 * Write the discovery files (discovery.h) for every feed of the index
 * that has files, each only if its bytes changed: they change when a
 * feed appears or goes, or its post count or newest date moves.
 */
static void
publish_discovery(struct publisher *pub, struct publish_stats *st)
{
	const struct config *cfg = pub->cfg;
	const struct feed site = { .kind = FEED_SITE };
	struct render_work w;
	struct outdir_batch *batch;
	struct listed_feed *list, *l;
	struct feed	**feeds, *f;
	struct owner	*o;
	struct buf	 out = BUF_INIT;
	size_t		 n, m = 0, i, k, limit = (size_t)cfg->posts_limit;
	char		*rel, *gzrel, *rels[DISCOVERY_NFILES];
	uint64_t	 sig;
	int		 rc, err, any, same;

	if (cfg->discovery_dir == NULL)
		return;
	feeds = index_feeds(pub->idx, &n);
	list = xcalloc(n + 1, sizeof *list);
	for (i = 0; i < n; i++) {
		f = feeds[i];
		if ((f->nposts == 0 && f->kind != FEED_SITE) ||
		    !feed_wanted(cfg, f))
			continue;
		l = &list[m];
		any = 0;
		for (k = 0; k < DISCOVERY_NFORMATS; k++) {
			if (!(cfg->formats & discovery_formats[k].format))
				continue;
			rel = feedname_path(cfg, f, discovery_formats[k].format);
			/* A file another feed holds is not this one's. */
			if ((o = strmap_get(pub->owners, rel)) != NULL &&
			    owner_is(o, f)) {
				l->paths[k] = rel;
				any = 1;
			} else
				free(rel);
		}
		if (!any)
			continue;
		l->kind = f->kind;
		l->name = f->name;
		l->posts = f->nposts;
		l->entries = f->nposts < limit ? f->nposts : limit;
		l->newest = f->nposts > 0 ? f->posts[0]->date : 0;
		m++;
	}

	/* Rendering them takes a while on a site with thousands of feeds:
	 * not again while what they list is the same and they are there. */
	buf_reset(&out);
	buf_add(&out, "", 0);
	for (i = 0; i < m; i++) {
		buf_addf(&out, "%d %s %zu %zu %lld", (int)list[i].kind,
		    list[i].name != NULL ? list[i].name : "", list[i].posts,
		    list[i].entries, (long long)list[i].newest);
		for (k = 0; k < DISCOVERY_NFORMATS; k++)
			buf_addf(&out, " %s", list[i].paths[k] != NULL ?
			    list[i].paths[k] : "-");
		buf_addc(&out, '\n');
	}
	same = pub->listed.len == out.len && out.len > 0 &&
	    memcmp(pub->listed.data, out.data, out.len) == 0;
	for (i = 0; i < DISCOVERY_NFILES; i++) {
		xasprintf(&rel, "%s/%s", cfg->discovery_dir,
		    discovery_name((enum discovery_file)i));
		gzrel = gzfile_path(rel);
		/* Paths were checked: no feed can hold these names. */
		claim(pub, &site, rel);
		if (cfg->gzip)
			claim(pub, &site, gzrel);
		same = same && outdir_exists(pub->out, rel) && (!cfg->gzip ||
		    outdir_exists(pub->out, gzrel));
		free(gzrel);
		free(rel);
	}
	buf_reset(&pub->listed);
	buf_add(&pub->listed, out.data, out.len);
	/* Across runs, the files' signatures tell the same (fsig.h). */
	sig = fsig_of_data(pub->sigs, out.data, out.len);

	memset(&w, 0, sizeof w);
	w.pub = pub;
	w.st = st;
	w.failed = strmap_create();
	batch = outdir_batch_create(pub->out);
	for (i = 0; !same && i < DISCOVERY_NFILES; i++) {
		xasprintf(&rels[i], "%s/%s", cfg->discovery_dir,
		    discovery_name((enum discovery_file)i));
		rel = rels[i];
		buf_reset(&out);
		err = 0;
		if (fsig_unchanged(pub->sigs, batch, rel, sig))
			st->unchanged++;
		else if (discovery_render(cfg, (enum discovery_file)i, list,
		    m, &out) != 0) {
			failure(st, "cannot render %s/%s: libxml2 or jansson "
			    "failed", outdir_path(pub->out), rel);
			strmap_put(w.failed, rel, pub);
		} else if ((rc = stage_file(batch, cfg, rel, out.data, out.len,
		    &err)) == -1)
			write_done(rel, err, &w);
		else if (rc == 0)
			st->unchanged++;
	}
	outdir_batch_commit(batch, write_done, &w);
	for (i = 0; !same && i < DISCOVERY_NFILES; i++) {
		gzrel = gzfile_path(rels[i]);
		if (strmap_get(w.failed, rels[i]) != NULL ||
		    strmap_get(w.failed, gzrel) != NULL)
			fsig_drop(pub->sigs, rels[i]);
		else
			fsig_set(pub->sigs, batch, rels[i], sig, 1);
		free(gzrel);
		free(rels[i]);
	}
	outdir_batch_free(batch);
	strmap_free(w.failed);
	buf_free(&out);
	for (i = 0; i < m; i++) {
		for (k = 0; k < DISCOVERY_NFORMATS; k++)
			free(list[i].paths[k]);
	}
	free(list);
	free(feeds);
}

/*
 * Render the lists of feeds and the archive pages at the next publish,
 * whatever they hold.
 */
void
publish_recheck(struct publisher *pub)
{
	buf_reset(&pub->listed);
	free_signatures(pub->signatures);
	pub->signatures = strmap_create();
}

/* qsort order of path strings. */
static int
path_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Whether the manifest, always written, went away with the feeds. */
int
publish_manifest_lost(const struct publisher *pub)
{
	return (!outdir_exists(pub->out, OUTDIR_STATE "/" MANIFEST_NAME));
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

	if (!pub->manifest_dirty)
		return;
	paths = xcalloc(n + 1, sizeof *paths);
	while (strmap_next(pub->owners, &pos, &key, &value))
		paths[i++] = key;
	qsort(paths, n, sizeof *paths, path_cmp);
	buf_add(&out, "", 0);
	for (i = 0; i < n; i++)
		buf_addf(&out, "%s\n", paths[i]);
	if (state_save(pub->out, MANIFEST_NAME, MANIFEST_VERSION, out.data,
	    out.len) == -1)
		failure(st, "cannot write %s/%s/%s: %s", outdir_path(pub->out),
		    OUTDIR_STATE, MANIFEST_NAME, strerror(errno));
	else {
		pub->manifest_dirty = 0;
		if (pub->legacy && outdir_remove(pub->out, LEGACY_MANIFEST) ==
		    0)
			pub->legacy = 0;
	}
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
		if (strmap_get(pub->owners, key) != NULL)
			continue;
		fsig_drop(pub->sigs, key);
		if (outdir_remove(pub->out, key) == 0) {
			st->removed++;
			if (st->changed != NULL)
				strmap_put(st->changed, key, pub);
		} else if (errno != ENOENT)
			log_warn("cannot remove %s/%s", outdir_path(pub->out),
			    key);
	}
	strmap_free(pub->previous);
	pub->previous = strmap_create();
	pub->manifest_dirty = 1;
	publish_save_manifest(pub, st);
	publish_save_signatures(pub);
}

/*
 * Save what each feed file was rendered from, if that changed.  Only a
 * cache: a failure (the manifest's is reported) costs renderings later.
 */
void
publish_save_signatures(struct publisher *pub)
{
	if (fsig_save(pub->sigs) != 0)
		log_debug("%s/%s/feeds: cannot save the feeds' signatures: %s",
		    outdir_path(pub->out), OUTDIR_STATE, strerror(errno));
}
