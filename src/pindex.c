/*
 * The persistent post index.  The file's body is a key line (the
 * configuration digest mixed with this format's version) and then one
 * entry per post file, sorted by site-relative path so that a lookup is a
 * binary search over the file as read, with no table built:
 *
 *	LEN RELPATH STATUS DEV INO SIZE MTIME CTIME TEXT [POST]
 *
 * each field followed by a space, the last by a newline instead.  LEN is
 * the length of the rest up to the newline.  A string is "-" (none) or
 * its length, ':' and its bytes; numbers are decimal.  POST
 * (an OK post's fields) is FORMAT DATE UPDATED ID_GIVEN DIGEST, then the
 * strings TITLE URL ID ("=N": the url's first N bytes) SUMMARY IMAGE LANG
 * SEPARATOR, then
 * counted lists of categories, tags and authors (name, email, uri).
 * Strings hold no NUL, so neither does the file (state.h needs none).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "confhash.h"
#include "datetime.h"
#include "hash.h"
#include "log.h"
#include "pindex.h"
#include "state.h"
#include "strmap.h"
#include "xmalloc.h"

#define PINDEX_NAME	"posts"
/* The format above; a change to it or to what it means bumps it. */
#define PINDEX_VERSION	1
#define PINDEX_MAX	(1024 * 1024 * 1024)

/* One saved entry: its relpath and the fields after it. */
struct slot {
	const char	*rel;
	size_t		 rellen;
	const char	*fields;
	const char	*end;
};

/* The outcome of a read that the index cannot tell: no post, warnings. */
struct note {
	struct post_file file;
	enum post_status status;
	char		*text;
};

struct pindex {
	const struct config *cfg;
	size_t		 prefix;	/* strlen(site_dir "/") */
	uint64_t	 key;
	struct buf	 saved;		/* the file's body, until loaded */
	struct slot	*slots;		/* its entries, in relpath order */
	size_t		 nslots;
	size_t		 nsaved;	/* entries the file had */
	size_t		 taken;		/* ...found unchanged */
	struct strmap	*notes;		/* path -> struct note */
	int		 dirty;		/* the file differs from memory */
};

/* Reading fields of an entry. */
struct cursor {
	const char	*p;
	const char	*end;
	int		 bad;
};

/* A record to save: a post of the index, an outcome noted, or both. */
struct record {
	const char	*rel;
	const struct post *post;
	const struct note *note;
};

/* What pindex_save gathers. */
struct gather {
	struct pindex	*pi;
	struct record	*recs;
	size_t		 n;
	size_t		 cap;
};

static uint64_t	key_for(const struct config *);
static int	index_slots(struct pindex *);
static const struct slot *find_slot(const struct pindex *, const char *);
static int64_t	get_int(struct cursor *);
static int	get_span(struct cursor *, const char **, size_t *);
static char	*get_str(struct cursor *);
static char	*get_id(struct cursor *, const char *);
static int	same_file(const struct post_file *, const struct stat *);
static int	decode_file(struct cursor *, struct post_file *);
static struct post *decode_post(struct cursor *, const char *);
static char	**get_list(struct cursor *);
static void	free_note(struct note *);
static void	put_int(struct buf *, int64_t);
static void	put_str(struct buf *, const char *);
static void	put_list(struct buf *, char **);
static void	put_record(struct buf *, const struct record *);
static void	add_record(struct gather *, const char *, const struct post *,
		    const struct note *);
static void	gather_post(struct post *, void *);
static int	record_cmp(const void *, const void *);

/* The configuration's digest, and this format's. */
static uint64_t
key_for(const struct config *cfg)
{
	uint64_t	 parts[2] = { confhash(cfg), PINDEX_VERSION };

	return (hash64(parts, sizeof parts));
}

struct pindex *
pindex_open(const struct config *cfg, struct outdir *out)
{
	struct pindex	*pi = xcalloc(1, sizeof *pi);
	const char	*why;
	char		 want[32];
	int		 rc;

	pi->cfg = cfg;
	pi->prefix = strlen(cfg->site_dir) + 1;
	pi->key = key_for(cfg);
	pi->notes = strmap_create();
	rc = state_load(out, PINDEX_NAME, PINDEX_VERSION, PINDEX_MAX,
	    &pi->saved, &why);
	if (rc == 0) {
		pi->dirty = 1;
		return (pi);
	}
	if (rc == -1) {
		log_warnx("%s/%s/%s is %s; it is ignored and written anew "
		    "(every post is read again)", outdir_path(out),
		    OUTDIR_STATE, PINDEX_NAME, why);
		pi->dirty = 1;
		buf_free(&pi->saved);
		return (pi);
	}
	snprintf(want, sizeof want, "key %016" PRIx64 "\n", pi->key);
	if (pi->saved.len < strlen(want) || memcmp(pi->saved.data, want,
	    strlen(want)) != 0) {
		log_debug("%s/%s/%s was saved for another configuration, "
		    "_data or feedd: every post is read again",
		    outdir_path(out), OUTDIR_STATE, PINDEX_NAME);
		pi->dirty = 1;
		buf_free(&pi->saved);
		return (pi);
	}
	if (index_slots(pi) != 0) {
		log_warnx("%s/%s/%s is damaged (an entry does not parse); it "
		    "is ignored and written anew (every post is read again)",
		    outdir_path(out), OUTDIR_STATE, PINDEX_NAME);
		free(pi->slots);
		pi->slots = NULL;
		pi->nslots = 0;
		pi->dirty = 1;
		buf_free(&pi->saved);
	}
	pi->nsaved = pi->nslots;
	return (pi);
}

/*
 * Find the entries of the saved body: each one's relpath and extent.
 * Returns -1 when the body does not have the format's shape, or is not
 * sorted.
 */
static int
index_slots(struct pindex *pi)
{
	struct cursor	 c;
	struct slot	*s;
	const char	*next;
	size_t		 cap = 0, n;
	int64_t		 len;
	int		 cmp;

	c.p = strchr(pi->saved.data, '\n') + 1;
	c.end = pi->saved.data + pi->saved.len;
	c.bad = 0;
	while (c.p < c.end) {
		len = get_int(&c);
		if (c.bad || len < 0 || len >= c.end - c.p ||
		    c.p[len] != '\n')
			return (-1);
		next = c.p + len;
		if (pi->nslots == cap) {
			cap = cap != 0 ? cap * 2 : 1024;
			pi->slots = xreallocarray(pi->slots, cap,
			    sizeof *pi->slots);
		}
		s = &pi->slots[pi->nslots];
		c.end = next;
		if (get_span(&c, &s->rel, &s->rellen) != 0 || s->rel == NULL ||
		    s->rellen == 0)
			return (-1);
		s->fields = c.p;
		s->end = next;
		/* Strictly increasing, as strcmp orders them. */
		if (pi->nslots > 0) {
			n = s[-1].rellen < s->rellen ? s[-1].rellen :
			    s->rellen;
			cmp = memcmp(s[-1].rel, s->rel, n);
			if (cmp > 0 || (cmp == 0 && s[-1].rellen >= s->rellen))
				return (-1);
		}
		pi->nslots++;
		c.p = next + 1;
		c.end = pi->saved.data + pi->saved.len;
	}
	return (0);
}

/* The saved entry of relpath, or NULL. */
static const struct slot *
find_slot(const struct pindex *pi, const char *rel)
{
	size_t		 lo = 0, hi = pi->nslots, mid, len = strlen(rel), n;
	const struct slot *s;
	int		 cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = &pi->slots[mid];
		n = s->rellen < len ? s->rellen : len;
		if ((cmp = memcmp(s->rel, rel, n)) == 0)
			cmp = s->rellen < len ? -1 : s->rellen > len;
		if (cmp == 0)
			return (s);
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

/* A decimal number and the space after it (or the end). */
static int64_t
get_int(struct cursor *c)
{
	uint64_t	 v = 0;
	int		 neg = 0, digits = 0;

	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 19) {
		v = v * 10 + (uint64_t)(*c->p++ - '0');
		digits++;
	}
	if (digits == 0 || (c->p < c->end && *c->p++ != ' '))
		c->bad = 1;
	return ((int64_t)(neg ? 0 - v : v));
}

/*
 * A string field and the space after it, where it lies in the entry:
 * *p NULL for "-".  Returns -1 when there is none.
 */
static int
get_span(struct cursor *c, const char **p, size_t *len)
{
	int64_t		 n = 0;
	int		 digits = 0;

	*p = NULL;
	*len = 0;
	if (c->p < c->end && *c->p == '-') {
		c->p++;
	} else {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9' &&
		    digits++ < 10)
			n = n * 10 + (*c->p++ - '0');
		if (digits == 0 || c->p >= c->end || *c->p++ != ':' ||
		    n > c->end - c->p) {
			c->bad = 1;
			return (-1);
		}
		*p = c->p;
		*len = (size_t)n;
		c->p += n;
	}
	if (c->p < c->end && *c->p++ != ' ') {
		c->bad = 1;
		return (-1);
	}
	return (0);
}

/* A string field as a new string; NULL for "-". */
static char *
get_str(struct cursor *c)
{
	const char	*p;
	size_t		 len;

	if (get_span(c, &p, &len) != 0 || p == NULL)
		return (NULL);
	return (xstrndup(p, len));
}

/*
 * The id field: a string, or "=" and the length of the url's beginning
 * that it is (jekyll-feed's id is the url, or the url less ".html").
 */
static char *
get_id(struct cursor *c, const char *url)
{
	int64_t		 n;

	if (c->p >= c->end || *c->p != '=')
		return (get_str(c));
	c->p++;
	n = get_int(c);
	if (c->bad || url == NULL || n < 0 || (size_t)n > strlen(url)) {
		c->bad = 1;
		return (NULL);
	}
	return (xstrndup(url, (size_t)n));
}

/* A counted list of strings (NULL-terminated, loose), or NULL if none. */
static char **
get_list(struct cursor *c)
{
	char	**list;
	int64_t	 n, i;

	n = get_int(c);
	if (c->bad || n < 0 || n > POST_MAX_NAMES) {
		c->bad = 1;
		return (NULL);
	}
	list = xcalloc((size_t)n + 1, sizeof *list);
	for (i = 0; i < n && !c->bad; i++)
		if ((list[i] = get_str(c)) == NULL)
			c->bad = 1;
	return (list);
}

/* Whether the file at sb is the one f describes. */
static int
same_file(const struct post_file *f, const struct stat *sb)
{
	return (S_ISREG(sb->st_mode) && f->dev == sb->st_dev &&
	    f->ino == sb->st_ino && f->size == sb->st_size &&
	    f->mtime_ns == datetime_ns(&sb->st_mtim) &&
	    f->ctime_ns == datetime_ns(&sb->st_ctim));
}

/* The identity fields of an entry. */
static int
decode_file(struct cursor *c, struct post_file *f)
{
	memset(f, 0, sizeof *f);
	f->dev = (dev_t)get_int(c);
	f->ino = (ino_t)get_int(c);
	f->size = (off_t)get_int(c);
	f->mtime_ns = get_int(c);
	f->ctime_ns = get_int(c);
	return (c->bad ? -1 : 0);
}

/* An OK post's fields, as a new packed post at path; NULL if damaged. */
static struct post *
decode_post(struct cursor *c, const char *path)
{
	struct post	*post = xcalloc(1, sizeof *post);
	int64_t		 i, n;

	post->path = xstrdup(path);
	post->format = (enum render_format)get_int(c);
	post->date = get_int(c);
	post->updated = get_int(c);
	post->id_given = get_int(c) != 0;
	post->digest = (uint64_t)get_int(c);
	post->title = get_str(c);
	post->url = get_str(c);
	post->id = get_id(c, post->url);
	post->summary = get_str(c);
	post->image = get_str(c);
	post->lang = get_str(c);
	post->excerpt_separator = get_str(c);
	post->categories = get_list(c);
	post->tags = get_list(c);
	n = get_int(c);
	if (!c->bad && n >= 0 && n <= POST_MAX_NAMES) {
		post->authors = xcalloc((size_t)n + 1, sizeof *post->authors);
		post->nauthors = (size_t)n;
		for (i = 0; i < n; i++) {
			post->authors[i].name = get_str(c);
			post->authors[i].email = get_str(c);
			post->authors[i].uri = get_str(c);
		}
	} else
		c->bad = 1;
	/* Everything a post has, nothing more. */
	if (c->p != c->end || post->title == NULL || post->url == NULL ||
	    post->id == NULL)
		c->bad = 1;
	post_pack(post);
	if (c->bad) {
		post_free(post);
		return (NULL);
	}
	return (post);
}

int
pindex_take(const struct pindex *pi, const char *path, const char *relpath,
    enum post_status *status, struct post **post, char **cause,
    char **warning, struct post_file *file)
{
	const struct slot *s;
	struct cursor	 c;
	struct stat	 sb;
	struct post	*p = NULL;
	int64_t		 st;
	char		*text;

	if (pi == NULL || pi->nslots == 0 ||
	    (s = find_slot(pi, relpath)) == NULL)
		return (0);
	c.p = s->fields;
	c.end = s->end;
	c.bad = 0;
	st = get_int(&c);
	if (decode_file(&c, file) != 0 || lstat(path, &sb) != 0 ||
	    !same_file(file, &sb))
		return (0);
	text = get_str(&c);
	if (!c.bad && st == POST_OK)
		p = decode_post(&c, path);
	else if (c.p != c.end || (st != POST_UNPUBLISHED &&
	    st != POST_INVALID) || (st == POST_INVALID && text == NULL))
		c.bad = 1;
	if (c.bad || (st == POST_OK && p == NULL)) {
		free(text);
		return (0);
	}
	if (p != NULL) {
		p->dev = file->dev;
		p->ino = file->ino;
		p->size = file->size;
		p->mtime_ns = file->mtime_ns;
		p->ctime_ns = file->ctime_ns;
	}
	*status = (enum post_status)st;
	*post = p;
	*warning = st == POST_OK ? text : NULL;
	*cause = st == POST_INVALID ? text : NULL;
	if (st == POST_UNPUBLISHED)
		free(text);
	return (1);
}

static void
free_note(struct note *n)
{
	if (n == NULL)
		return;
	free(n->text);
	free(n);
}

void
pindex_note(struct pindex *pi, const char *path, enum post_status status,
    const struct post_file *file, const char *text, int saved)
{
	struct note	*n;

	if (pi == NULL)
		return;
	if (saved)
		pi->taken++;
	else
		pi->dirty = 1;
	free_note(strmap_remove(pi->notes, path));
	/* A clean post is all in the index; a file not read, nowhere. */
	if ((status == POST_OK && text == NULL) || file->size == -1)
		return;
	n = xcalloc(1, sizeof *n);
	n->file = *file;
	n->status = status;
	n->text = text != NULL ? xstrdup(text) : NULL;
	strmap_put(pi->notes, path, n);
}

void
pindex_forget(struct pindex *pi, const char *path)
{
	if (pi == NULL)
		return;
	free_note(strmap_remove(pi->notes, path));
	pi->dirty = 1;
}

void
pindex_loaded(struct pindex *pi)
{
	if (pi == NULL)
		return;
	/* Entries of files that are gone, or changed, go with the next save. */
	if (pi->taken != pi->nsaved)
		pi->dirty = 1;
	free(pi->slots);
	pi->slots = NULL;
	pi->nslots = 0;
	buf_free(&pi->saved);
}

/* A number and a space. */
static void
put_int(struct buf *b, int64_t v)
{
	char	 s[24], *p = s + sizeof s;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	*--p = ' ';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(s + sizeof s - p));
}

/* A string field and a space. */
static void
put_str(struct buf *b, const char *s)
{
	size_t	 n;

	if (s == NULL) {
		buf_add(b, "- ", 2);
		return;
	}
	n = strlen(s);
	put_int(b, (int64_t)n);
	b->data[b->len - 1] = ':';
	buf_add(b, s, n);
	buf_add(b, " ", 1);
}

/* A counted list. */
static void
put_list(struct buf *b, char **list)
{
	size_t	 n;

	for (n = 0; list != NULL && list[n] != NULL; n++)
		;
	put_int(b, (int64_t)n);
	for (n = 0; list != NULL && list[n] != NULL; n++)
		put_str(b, list[n]);
}

/* One entry, with its length in front. */
static void
put_record(struct buf *b, const struct record *r)
{
	const struct post *p = r->post;
	const struct post_file *f;
	const char	*id;
	struct post_file pf;
	size_t		 at, i, len;
	char		 head[24];
	int		 n;

	if (p != NULL) {
		pf.dev = p->dev;
		pf.ino = p->ino;
		pf.size = p->size;
		pf.mtime_ns = p->mtime_ns;
		pf.ctime_ns = p->ctime_ns;
		f = &pf;
	} else
		f = &r->note->file;
	/* The length goes in front once known: leave room for it. */
	at = b->len;
	buf_add(b, "                    ", 20);
	put_str(b, r->rel);
	put_int(b, p != NULL ? POST_OK : r->note->status);
	put_int(b, (int64_t)f->dev);
	put_int(b, (int64_t)f->ino);
	put_int(b, (int64_t)f->size);
	put_int(b, f->mtime_ns);
	put_int(b, f->ctime_ns);
	put_str(b, r->note != NULL ? r->note->text : NULL);
	if (p != NULL) {
		put_int(b, p->format);
		put_int(b, p->date);
		put_int(b, p->updated);
		put_int(b, p->id_given);
		put_int(b, (int64_t)p->digest);
		put_str(b, p->title);
		put_str(b, p->url);
		/* The id post_load made, not one kept across a rename. */
		id = p->computed_id != NULL ? p->computed_id : p->id;
		if (strncmp(id, p->url, strlen(id)) == 0) {
			buf_add(b, "=", 1);
			put_int(b, (int64_t)strlen(id));
		} else
			put_str(b, id);
		put_str(b, p->summary);
		put_str(b, p->image);
		put_str(b, p->lang);
		put_str(b, p->excerpt_separator);
		put_list(b, p->categories);
		put_list(b, p->tags);
		put_int(b, (int64_t)p->nauthors);
		for (i = 0; i < p->nauthors; i++) {
			put_str(b, p->authors[i].name);
			put_str(b, p->authors[i].email);
			put_str(b, p->authors[i].uri);
		}
	}
	/* The last field's space becomes the newline. */
	b->data[b->len - 1] = '\n';
	len = b->len - at - 20 - 1;
	n = snprintf(head, sizeof head, "%zu ", len);
	memmove(b->data + at + n, b->data + at + 20, b->len - at - 20);
	memcpy(b->data + at, head, (size_t)n);
	b->len -= 20 - (size_t)n;
	b->data[b->len] = '\0';
}

/* Add a record to save. */
static void
add_record(struct gather *g, const char *rel, const struct post *post,
    const struct note *note)
{
	if (g->n == g->cap) {
		g->cap = g->cap != 0 ? g->cap * 2 : 1024;
		g->recs = xreallocarray(g->recs, g->cap, sizeof *g->recs);
	}
	g->recs[g->n].rel = rel;
	g->recs[g->n].post = post;
	g->recs[g->n].note = note;
	g->n++;
}

/* index_foreach_post callback: a post to save, with its warnings. */
static void
gather_post(struct post *post, void *arg)
{
	struct gather	*g = arg;
	const struct config *cfg = g->pi->cfg;
	const struct note *n;

	if (post->recent || strncmp(post->path, cfg->site_dir,
	    g->pi->prefix - 1) != 0 || post->path[g->pi->prefix - 1] != '/')
		return;
	n = strmap_get(g->pi->notes, post->path);
	/* A note is of the post's own read, or the post is not saved. */
	if (n != NULL && (n->status != POST_OK || n->file.ino != post->ino ||
	    n->file.dev != post->dev || n->file.size != post->size ||
	    n->file.mtime_ns != post->mtime_ns ||
	    n->file.ctime_ns != post->ctime_ns))
		return;
	add_record(g, post->path + g->pi->prefix, post, n);
}

/* qsort order of records by relpath. */
static int
record_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct record *)a)->rel,
	    ((const struct record *)b)->rel));
}

int
pindex_save(struct pindex *pi, const struct index *idx, struct outdir *out)
{
	struct gather	 g;
	struct buf	 body = BUF_INIT;
	const struct note *n;
	const char	*path;
	void		*value;
	size_t		 pos = 0, i;
	int		 rc;

	if (pi->nslots > 0 && pi->taken != pi->nsaved)
		pi->dirty = 1;
	if (!pi->dirty)
		return (0);
	memset(&g, 0, sizeof g);
	g.pi = pi;
	index_foreach_post(idx, gather_post, &g);
	while (strmap_next(pi->notes, &pos, &path, &value)) {
		n = value;
		if (n->status == POST_OK || n->file.recent ||
		    index_get(idx, path) != NULL ||
		    strncmp(path, pi->cfg->site_dir, pi->prefix - 1) != 0 ||
		    path[pi->prefix - 1] != '/')
			continue;
		add_record(&g, path + pi->prefix, NULL, n);
	}
	if (g.n > 1)
		qsort(g.recs, g.n, sizeof *g.recs, record_cmp);
	buf_addf(&body, "key %016" PRIx64 "\n", pi->key);
	for (i = 0; i < g.n; i++)
		put_record(&body, &g.recs[i]);
	rc = state_save(out, PINDEX_NAME, PINDEX_VERSION, body.data,
	    body.len);
	if (rc != -1)
		pi->dirty = 0;
	log_debug("%s/%s/%s: %zu entries (%zu bytes) %s", outdir_path(out),
	    OUTDIR_STATE, PINDEX_NAME, g.n, body.len, rc == -1 ? "not saved" :
	    "saved");
	free(g.recs);
	buf_free(&body);
	return (rc == -1 ? -1 : 0);
}

size_t
pindex_taken(const struct pindex *pi)
{
	return (pi != NULL ? pi->taken : 0);
}

size_t
pindex_saved_count(const struct pindex *pi)
{
	return (pi != NULL ? pi->nsaved : 0);
}

void
pindex_free(struct pindex *pi)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	if (pi == NULL)
		return;
	while (strmap_next(pi->notes, &pos, &key, &value))
		free_note(value);
	strmap_free(pi->notes);
	free(pi->slots);
	buf_free(&pi->saved);
	free(pi);
}
