/*
 * Loading and refreshing posts in the index, and keeping their ids across
 * renames (idmap.h): a post keeps the id it had when its file is re-read
 * with another computed id (its permalink changed), or when it appears at
 * a new path in the same change that took it from an old one, as the
 * same file (device and inode) or the same bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datetime.h"
#include "idmap.h"
#include "log.h"
#include "parallel.h"
#include "pindex.h"
#include "post.h"
#include "scan.h"
#include "sdnotify.h"
#include "site.h"
#include "strmap.h"
#include "url.h"
#include "xmalloc.h"

/* One post file read, before it is applied to the index. */
struct loaded {
	enum post_status status;
	struct post	*post;
	char		*cause;
	char		*warning;
	struct post_file file;
	int		 saved;		/* taken from the persistent index */
};

/* A whole-site read: the files and where each one's result goes. */
struct load_all {
	const struct config *cfg;
	const struct pindex *pi;
	const struct scan_entry *entries;
	struct loaded	*out;
};

/*
 * One change to the index (a load, an update, a reconcile), with the
 * posts that left the index during it, for a rename to find.
 */
struct change {
	const struct config *cfg;
	struct index	*idx;
	struct idmap	*ids;		/* may be NULL */
	struct pindex	*pi;		/* may be NULL */
	const struct site_previous *previous; /* before a reload, or NULL */
	int64_t		 now;
	struct post	**gone;
	size_t		 ngone;
	size_t		 renamed;	/* posts that kept their ids... */
	size_t		 relinked;	/* ...across a rename or a new URL */
};

/* Files below this many are read by the calling thread alone. */
#define LOAD_PARALLEL_MIN	2048

static void	change_begin(struct change *, const struct config *,
		    struct index *, struct idmap *, struct pindex *, int64_t);
static void	change_end(struct change *);
static void	take_out(struct change *, const char *);
static struct post *find_gone(struct change *, const struct post *);
static void	keep_id(struct change *, struct post *, const char *,
		    const struct post *);
static const char *relpath_of(const struct config *, const char *);
static int	file_exists(const char *, void *);
static void	read_one(const struct config *, const struct pindex *,
		    const char *, const char *, struct buf *, struct loaded *);
static enum post_status apply_one(struct change *, const char *,
		    const char *, struct loaded *);
static enum post_status load_one(struct change *, const char *,
		    const char *, struct buf *);
static int	load_tree(struct change *, const char *, struct site_stats *,
		    scan_folder_fn, void *);
static void	read_range(size_t, size_t, size_t, void *);
static void	count(struct site_stats *, enum post_status);
static int	unchanged(const struct post *, const struct stat *);
static void	collect_missing(struct post *, void *);
static void	keep_one(struct post *, void *);

/* The strmap of found paths and the list of posts missing from it. */
struct missing {
	struct strmap	*found;
	char		**paths;
	size_t		 count;
};

static void
change_begin(struct change *c, const struct config *cfg, struct index *idx,
    struct idmap *ids, struct pindex *pi, int64_t now)
{
	c->cfg = cfg;
	c->idx = idx;
	c->ids = ids;
	c->pi = pi;
	c->previous = NULL;
	c->now = now;
	c->gone = NULL;
	c->ngone = 0;
	c->renamed = c->relinked = 0;
}

/* Posts that left for good: their kept ids go with them. */
static void
change_end(struct change *c)
{
	size_t	 i;

	for (i = 0; i < c->ngone; i++) {
		idmap_drop(c->ids, relpath_of(c->cfg, c->gone[i]->path));
		post_free(c->gone[i]);
	}
	free(c->gone);
	c->gone = NULL;
	c->ngone = 0;
	if (c->renamed + c->relinked > 0)
		log_info("%zu renamed posts and %zu with a new URL keep their "
		    "entry ids, so readers do not see them again",
		    c->renamed, c->relinked);
}

/* Take the post at path out of the index, keeping it for a rename. */
static void
take_out(struct change *c, const char *path)
{
	struct post	*post;

	pindex_forget(c->pi, path);
	if ((post = index_remove(c->idx, path)) == NULL)
		return;
	c->gone = xreallocarray(c->gone, c->ngone + 1, sizeof *c->gone);
	c->gone[c->ngone++] = post;
}

/*
 * The post that left during this change as the same file as post, or
 * with the same bytes (the same file by inode first); it is no longer in
 * the gone list (caller frees).
 */
static struct post *
find_gone(struct change *c, const struct post *post)
{
	struct post	*g;
	size_t		 i, match = c->ngone;

	for (i = 0; i < c->ngone; i++) {
		g = c->gone[i];
		if (g->dev == post->dev && g->ino == post->ino) {
			match = i;
			break;
		}
		if (match == c->ngone && g->size == post->size &&
		    g->digest == post->digest)
			match = i;
	}
	if (match == c->ngone)
		return (NULL);
	g = c->gone[match];
	c->gone[match] = c->gone[--c->ngone];
	return (g);
}

/*
 * Decide a post's id as it enters the index: its own feed_id:, else the
 * id it had before (the version it replaces, the post it was renamed
 * from, or its version before a reload), else the one kept for its path,
 * else the computed one.  Only absolute ids are kept: a relative one
 * (a site without url) was never valid.
 */
static void
keep_id(struct change *c, struct post *post, const char *relpath,
    const struct post *old)
{
	struct post	*from = NULL;
	const char	*id = NULL;
	char		*path;

	if (post->id_given) {
		idmap_drop(c->ids, relpath);
		return;
	}
	if (old == NULL && (from = find_gone(c, post)) != NULL) {
		old = from;
		idmap_drop(c->ids, relpath_of(c->cfg, from->path));
	}
	if (old == NULL && c->previous != NULL) {
		/* The same relative path: a deploy may have moved the site. */
		xasprintf(&path, "%s/%s", c->previous->site_dir, relpath);
		old = index_get(c->previous->idx, path);
		free(path);
	}
	if (old != NULL)
		id = old->id_given ? NULL : old->id;
	else
		id = idmap_get(c->ids, relpath);
	if (id != NULL && strcmp(id, post->id) != 0 &&
	    url_is_absolute_iri(id)) {
		if (from != NULL) {
			log_debug("%s: renamed from %s; keeps its entry id "
			    "%s", post->path, from->path, id);
			c->renamed++;
		} else if (old != NULL) {
			log_debug("%s: its URL changed; keeps its entry id %s",
			    post->path, id);
			c->relinked++;
		}
		post_set_id(post, id);
		idmap_set(c->ids, relpath, id);
	}
	post_free(from);
}

/* A post's path relative to the site. */
static const char *
relpath_of(const struct config *cfg, const char *path)
{
	size_t	 n = strlen(cfg->site_dir);

	if (strncmp(path, cfg->site_dir, n) == 0 && path[n] == '/')
		return (path + n + 1);
	return (path);
}

/* idmap_prune callback: whether relpath names a file of the site. */
static int
file_exists(const char *relpath, void *arg)
{
	const struct config *cfg = arg;
	struct stat	 sb;
	char		*path;
	int		 rc;

	xasprintf(&path, "%s/%s", cfg->site_dir, relpath);
	rc = lstat(path, &sb) == 0;
	free(path);
	return (rc);
}

/*
 * Read one post file, or take it unchanged from the persistent index pi
 * (may be NULL); any thread: it touches no shared state.
 */
static void
read_one(const struct config *cfg, const struct pindex *pi, const char *path,
    const char *relpath, struct buf *scratch, struct loaded *l)
{
	l->post = NULL;
	l->cause = NULL;
	l->warning = NULL;
	if ((l->saved = pindex_take(pi, path, relpath, &l->status, &l->post,
	    &l->cause, &l->warning, &l->file)) == 1)
		return;
	l->status = post_load(cfg, path, relpath, scratch, &l->post,
	    &l->cause, &l->warning, &l->file);
}

/*
 * Put a read post in the index in place of any earlier version; a file
 * that is not a usable post takes the old version out.  Reports problems.
 */
static enum post_status
apply_one(struct change *c, const char *path, const char *relpath,
    struct loaded *l)
{
	const struct post *other;
	struct post	*old;
	char		*line, *save;

	old = index_remove(c->idx, path);
	pindex_note(c->pi, path, l->status, &l->file, l->status == POST_OK ?
	    l->warning : l->cause, l->saved);
	switch (l->status) {
	case POST_OK:
		if (l->warning != NULL) {
			for (line = strtok_r(l->warning, "\n", &save);
			    line != NULL; line = strtok_r(NULL, "\n", &save))
				log_warnx("%s:%s", path, line);
			free(l->warning);
		}
		keep_id(c, l->post, relpath, old);
		/* Jekyll says "Conflict" for one URL; readers see one id. */
		if ((other = index_add(c->idx, l->post, c->now)) != NULL)
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
	post_free(old);
	return (l->status);
}

/* Read one post file and apply it to the index. */
static enum post_status
load_one(struct change *c, const char *path, const char *relpath,
    struct buf *scratch)
{
	struct loaded	 l;

	read_one(c->cfg, NULL, path, relpath, scratch, &l);
	return (apply_one(c, path, relpath, &l));
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
		read_one(la->cfg, la->pi, la->entries[i].path,
		    la->entries[i].relpath, &scratch, &la->out[i]);
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

/* Read every post file of the site, or of folder subdir, in a change. */
static int
load_tree(struct change *c, const char *subdir, struct site_stats *st,
    scan_folder_fn on_folder, void *arg)
{
	struct scan_result res;
	struct load_all	 la;
	struct loaded	*loaded;
	size_t		 i;
	int		 rc;

	memset(&res, 0, sizeof res);
	memset(st, 0, sizeof *st);
	rc = scan_site(c->cfg, subdir, &res, on_folder, arg);
	st->files = res.count;
	if (res.count > 0) {
		/* Reading and parsing is most of a cold build: every core. */
		loaded = xcalloc(res.count, sizeof *loaded);
		la.cfg = c->cfg;
		la.pi = c->pi;
		la.entries = res.entries;
		la.out = loaded;
		parallel_for(res.count, LOAD_PARALLEL_MIN, read_range, &la);
		/* A whole site goes in unsorted and is sorted once. */
		if (subdir == NULL)
			index_bulk_begin(c->idx);
		for (i = 0; i < res.count; i++) {
			st->unchanged += loaded[i].saved;
			count(st, apply_one(c, res.entries[i].path,
			    res.entries[i].relpath, &loaded[i]));
			sdnotify_keepalive();
		}
		if (subdir == NULL)
			index_bulk_end(c->idx);
		free(loaded);
	}
	scan_result_free(&res);
	return (rc);
}

int
site_load(const struct config *cfg, const char *subdir, struct index *idx,
    struct idmap *ids, struct pindex *pi,
    const struct site_previous *previous, int64_t now,
    struct site_stats *st, scan_folder_fn on_folder, void *arg)
{
	struct change	 c;
	int		 rc;

	change_begin(&c, cfg, idx, ids, pi, now);
	c.previous = previous;
	rc = load_tree(&c, subdir, st, on_folder, arg);
	change_end(&c);
	if (subdir == NULL)
		pindex_loaded(pi);
	/* Ids kept for files that are gone are of no more use. */
	if (subdir == NULL && rc == 0)
		idmap_prune(ids, file_exists, (void *)cfg);
	return (rc);
}

/* Whether a file still is what the post was read from. */
static int
unchanged(const struct post *post, const struct stat *sb)
{
	return (post->dev == sb->st_dev && post->ino == sb->st_ino &&
	    post->size == sb->st_size &&
	    post->mtime_ns == datetime_ns(&sb->st_mtim) &&
	    post->ctime_ns == datetime_ns(&sb->st_ctim));
}

/*
 * Apply a change: posts whose files are gone leave first, so that a file
 * renamed in the same change (into a new folder too) finds the post it
 * was; then new folders are read, then changed files.
 */
size_t
site_update(const struct config *cfg, struct strmap *folders,
    struct strmap *files, struct index *idx, struct idmap *ids,
    struct pindex *pi, int64_t now, scan_folder_fn on_folder, void *arg)
{
	struct site_stats st;
	struct stat	 sb;
	struct post	*old;
	struct change	 c;
	const char	*key;
	void		*value;
	char		*path;
	size_t		 pos, changed = 0;
	int		 pass, gone;

	change_begin(&c, cfg, idx, ids, pi, now);
	for (pass = 0; pass < 2; pass++) {
		pos = 0;
		while (pass == 1 && strmap_next(folders, &pos, &key, &value)) {
			load_tree(&c, key, &st, on_folder, arg);
			changed += st.files;
		}
		pos = 0;
		while (strmap_next(files, &pos, &key, &value)) {
			if (!scan_is_post(cfg, key))
				continue;
			xasprintf(&path, "%s/%s", cfg->site_dir, key);
			old = index_get(idx, path);
			gone = lstat(path, &sb) != 0;
			if (gone && errno != ENOENT && errno != ENOTDIR)
				log_warn("%s", path);
			if (pass == 0 && gone && old != NULL) {
				take_out(&c, path);
				changed++;
			} else if (pass == 0 && gone)
				pindex_forget(pi, path);
			else if (pass == 1 && !gone && (old == NULL ||
			    !unchanged(old, &sb))) {
				load_one(&c, path, key, NULL);
				changed++;
			}
			free(path);
		}
	}
	change_end(&c);
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
site_reconcile(const struct config *cfg, struct index *idx,
    struct idmap *ids, struct pindex *pi, int64_t now, struct site_stats *st,
    scan_folder_fn on_folder, void *arg)
{
	struct scan_result scan, *res = &scan;
	struct buf	 scratch = BUF_INIT;
	struct missing	 m;
	struct change	 c;
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
	change_begin(&c, cfg, idx, ids, pi, now);
	/* Posts whose files are gone leave first, for renames to find. */
	m.found = strmap_create();
	m.paths = NULL;
	m.count = 0;
	for (i = 0; i < res->count; i++)
		strmap_put(m.found, res->entries[i].path, res);
	index_foreach_post(idx, collect_missing, &m);
	for (i = 0; i < m.count; i++) {
		take_out(&c, m.paths[i]);
		free(m.paths[i]);
		st->removed++;
	}
	free(m.paths);
	strmap_free(m.found);
	for (i = 0; i < res->count; i++) {
		old = index_get(idx, res->entries[i].path);
		if (old != NULL && lstat(old->path, &sb) == 0 &&
		    unchanged(old, &sb))
			continue;
		count(st, load_one(&c, res->entries[i].path,
		    res->entries[i].relpath, &scratch));
	}
	change_end(&c);
	buf_free(&scratch);
	scan_result_free(res);
	return (0);
}

/* The state of site_keep_ids. */
struct keep_all {
	const struct config *cfg;
	struct idmap	*ids;
};

/* index_foreach_post callback: keep one post's id. */
static void
keep_one(struct post *post, void *arg)
{
	struct keep_all	*k = arg;

	if (!post->id_given && url_is_absolute_iri(post->id))
		idmap_set(k->ids, relpath_of(k->cfg, post->path), post->id);
}

void
site_keep_ids(const struct config *cfg, struct index *idx, struct idmap *ids)
{
	struct keep_all	 k = { cfg, ids };

	index_foreach_post(idx, keep_one, &k);
}
