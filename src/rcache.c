/*
 * A byte-budgeted LRU cache of rendered post bodies.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "post.h"
#include "rcache.h"
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
	struct rentry	*prev;		/* towards most recently used */
	struct rentry	*next;
};

struct rcache {
	struct strmap	*entries;	/* path -> struct rentry */
	struct rentry	*head;		/* most recently used */
	struct rentry	*tail;
	size_t		 bytes;
	size_t		 budget;
	struct buf	 scratch;	/* file reads, reused */
};

static char	*xml_text(const char *);
static void	lru_unlink(struct rcache *, struct rentry *);
static void	lru_push(struct rcache *, struct rentry *);
static void	drop(struct rcache *, struct rentry *);

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
	for (p = run = s; *p != '\0'; p++) {
		const char *esc;

		switch (*p) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '\r':
			esc = "&#13;";
			break;
		default:
			continue;
		}
		buf_add(&out, run, (size_t)(p - run));
		buf_adds(&out, esc);
		run = p + 1;
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

/* The rendering of a post. */
const struct rendered *
rcache_get(struct rcache *c, const struct config *cfg,
    const struct post *post)
{
	struct rentry	*e;
	char		*content, *summary, *cause;

	e = strmap_get(c->entries, post->path);
	if (e != NULL && e->dev == post->dev && e->ino == post->ino &&
	    e->size == post->size && e->mtime_ns == post->mtime_ns) {
		lru_unlink(c, e);
		lru_push(c, e);
		return (&e->r);
	}
	if (e != NULL)
		drop(c, e);

	if (post_render(cfg, post, &c->scratch, &content, &summary,
	    &cause) != 0) {
		log_warnx("%s:%s", post->path, cause);
		free(cause);
	}
	e = xcalloc(1, sizeof *e);
	e->r.content_xml = xml_text(content);
	e->r.summary_xml = xml_text(summary);
	free(content);
	free(summary);
	e->path = xstrdup(post->path);
	e->dev = post->dev;
	e->ino = post->ino;
	e->size = post->size;
	e->mtime_ns = post->mtime_ns;
	e->bytes = strlen(e->r.content_xml) + strlen(e->r.summary_xml) +
	    strlen(e->path) + sizeof *e;
	c->bytes += e->bytes;
	strmap_put(c->entries, e->path, e);
	lru_push(c, e);
	return (&e->r);
}

/* Keep the budget. */
void
rcache_trim(struct rcache *c)
{
	while (c->bytes > c->budget && c->tail != NULL)
		drop(c, c->tail);
	if (c->head == NULL)
		buf_free(&c->scratch);
}

/* Empty the cache. */
void
rcache_clear(struct rcache *c)
{
	while (c->tail != NULL)
		drop(c, c->tail);
	buf_free(&c->scratch);
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
