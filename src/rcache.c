/*
 * A byte-budgeted LRU cache of rendered post bodies.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "parallel.h"
#include "post.h"
#include "rcache.h"
#include "sdnotify.h"
#include "strmap.h"
#include "text.h"
#include "xmalloc.h"

struct rentry {
	struct rendered	 r;
	char		*path;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	int64_t		 mtime_ns;
	size_t		 bytes;
	int		 liquid;	/* depends on other posts: one
					 * publish only */
	struct rentry	*prev;		/* towards most recently used */
	struct rentry	*next;
};

/* A post to render, and what rendering it gave (filled by a thread). */
struct pending {
	const struct config *cfg;
	const struct liquidpost *lp;
	const struct post *post;
	char		*content_xml;
	char		*summary_xml;
	char		*cause;
	int		 rc;
	int		 liquid;
};

/* Renderings below this many are made by the calling thread alone. */
#define RENDER_PARALLEL_MIN	64

struct rcache {
	struct strmap	*entries;	/* path -> struct rentry */
	struct rentry	*head;		/* most recently used */
	struct rentry	*tail;
	size_t		 bytes;
	size_t		 budget;
};

static char	*xml_text(const char *);
static void	lru_unlink(struct rcache *, struct rentry *);
static void	lru_push(struct rcache *, struct rentry *);
static void	drop(struct rcache *, struct rentry *);
static struct rentry *lookup(const struct rcache *, const struct post *);
static void	render_range(size_t, size_t, size_t, void *);
static void	insert(struct rcache *, const struct post *, char *, char *,
		    int, int);

/* Text as the XML writer would escape it, after cleaning (new string). */
static char *
xml_text(const char *s)
{
	struct buf	 out = BUF_INIT;
	char		*clean = NULL;
	const char	*p, *run;
	size_t		 len = strlen(s);

	if (!text_xml_is_clean(s, len))
		s = clean = text_xml_clean(s, len, NULL);
	buf_reserve(&out, len + len / 8);
	for (run = s; *(p = run + strcspn(run, "&<>\r")) != '\0'; run = p + 1) {
		buf_add(&out, run, (size_t)(p - run));
		buf_adds(&out, *p == '&' ? "&amp;" : *p == '<' ? "&lt;" :
		    *p == '>' ? "&gt;" : "&#13;");
	}
	buf_add(&out, run, (size_t)(p - run));
	free(clean);
	return (buf_take(&out));
}

/* Create a cache. */
struct rcache *
rcache_create(size_t budget)
{
	struct rcache	*c = xcalloc(1, sizeof *c);

	c->entries = strmap_create();
	c->budget = budget;
	return (c);
}

/* Take an entry out of the LRU list. */
static void
lru_unlink(struct rcache *c, struct rentry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

/* Put an entry first in the LRU list. */
static void
lru_push(struct rcache *c, struct rentry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head != NULL)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

/* Remove and free an entry. */
static void
drop(struct rcache *c, struct rentry *e)
{
	lru_unlink(c, e);
	strmap_remove(c->entries, e->path);
	c->bytes -= e->bytes;
	free((char *)e->r.content_xml);
	free((char *)e->r.summary_xml);
	free(e->path);
	free(e);
}

/* The cached entry for post if it was made from the same file. */
static struct rentry *
lookup(const struct rcache *c, const struct post *post)
{
	struct rentry	*e = strmap_get(c->entries, post->path);

	if (e != NULL && e->dev == post->dev && e->ino == post->ino &&
	    e->size == post->size && e->mtime_ns == post->mtime_ns)
		return (e);
	return (NULL);
}

/* The cached rendering of a post, without touching the cache. */
const struct rendered *
rcache_peek(const struct rcache *c, const struct post *post)
{
	struct rentry	*e = lookup(c, post);

	return (e != NULL ? &e->r : NULL);
}

/* parallel_for body: render posts begin to end. */
static void
render_range(size_t begin, size_t end, size_t part, void *arg)
{
	struct pending	*p = arg;
	struct buf	 scratch = BUF_INIT;
	char		*content, *summary, *safe;
	size_t		 i;

	(void)part;
	for (i = begin; i < end; i++) {
		p[i].rc = post_render(p[i].cfg, p[i].lp, p[i].post, &scratch,
		    &content, &summary, &p[i].cause, &p[i].liquid);
		p[i].content_xml = xml_text(content);
		/* The summary is read as HTML (Atom type="html", RSS). */
		safe = text_html_safe(summary);
		p[i].summary_xml = xml_text(safe);
		free(safe);
		free(content);
		free(summary);
		sdnotify_keepalive();
	}
	buf_free(&scratch);
}

/* Render what is missing, mark everything as recently used. */
void
rcache_prepare(struct rcache *c, const struct config *cfg,
    const struct liquidpost *lp, struct post *const *posts, size_t n)
{
	struct strmap	*seen = strmap_create_borrowed();
	struct pending	*todo = xcalloc(n + 1, sizeof *todo);
	struct rentry	*e;
	size_t		 i, ntodo = 0;
	char		*line, *save;

	for (i = 0; i < n; i++) {
		if (strmap_get(seen, posts[i]->path) != NULL)
			continue;
		strmap_put(seen, posts[i]->path, posts[i]);
		if ((e = lookup(c, posts[i])) != NULL) {
			lru_unlink(c, e);
			lru_push(c, e);
			continue;
		}
		if ((e = strmap_get(c->entries, posts[i]->path)) != NULL)
			drop(c, e);	/* made from an older version */
		todo[ntodo].cfg = cfg;
		todo[ntodo].lp = lp;
		todo[ntodo++].post = posts[i];
	}
	strmap_free(seen);

	parallel_for(ntodo, RENDER_PARALLEL_MIN, render_range, todo);
	for (i = 0; i < ntodo; i++) {
		if (todo[i].cause != NULL) {
			for (line = strtok_r(todo[i].cause, "\n", &save);
			    line != NULL; line = strtok_r(NULL, "\n", &save))
				log_warnx("%s:%s", todo[i].post->path, line);
			free(todo[i].cause);
		}
		insert(c, todo[i].post, todo[i].content_xml,
		    todo[i].summary_xml, todo[i].liquid, todo[i].rc == 0 &&
		    !todo[i].liquid);
	}
	free(todo);
}

/* Add a rendering made from post's file; the cache takes the strings. */
static void
insert(struct rcache *c, const struct post *post, char *content_xml,
    char *summary_xml, int liquid, int stable)
{
	struct rentry	*e = xcalloc(1, sizeof *e);

	e->liquid = liquid;
	e->r.stable = stable;
	e->r.content_xml = content_xml;
	e->r.summary_xml = summary_xml;
	e->path = xstrdup(post->path);
	e->dev = post->dev;
	e->ino = post->ino;
	e->size = post->size;
	e->mtime_ns = post->mtime_ns;
	e->bytes = strlen(content_xml) + strlen(summary_xml) +
	    strlen(e->path) + sizeof *e;
	c->bytes += e->bytes;
	strmap_put(c->entries, e->path, e);
	lru_push(c, e);
}

/* Keep the budget. */
void
rcache_trim(struct rcache *c)
{
	struct rentry	*e, *next;

	/* Liquid made these from other posts too, which may change. */
	for (e = c->head; e != NULL; e = next) {
		next = e->next;
		if (e->liquid)
			drop(c, e);
	}
	while (c->bytes > c->budget && c->tail != NULL)
		drop(c, c->tail);
}

/* Empty the cache. */
void
rcache_clear(struct rcache *c)
{
	while (c->tail != NULL)
		drop(c, c->tail);
}

/* Free the cache. */
void
rcache_free(struct rcache *c)
{
	if (c == NULL)
		return;
	rcache_clear(c);
	strmap_free(c->entries);
	free(c);
}
