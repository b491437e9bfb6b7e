/*
 * Posts by path and feeds by category and tag.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "log.h"
#include "strmap.h"
#include "xmalloc.h"

struct index {
	struct strmap	*posts;		/* path -> struct post (published) */
	struct strmap	*pending;	/* path -> struct post (future) */
	struct strmap	*categories;	/* name -> struct feed */
	struct strmap	*tags;		/* name -> struct feed */
	struct strmap	*ids;		/* id -> the first post holding it */
	/* Name under _posts ("sub/2024-01-01-x") and file stem -> post,
	 * made when a render first asks (post_url), dropped on changes. */
	struct strmap	*names;
	pthread_mutex_t	 names_lock;
	size_t		 shared_ids;	/* posts whose id another holds */
	struct feed	 site;
	struct feed	**dirty;	/* feeds changed since index_clean */
	size_t		 ndirty;
	size_t		 dirtycap;
	int		 bulk;
};

static int	post_newer(const struct post *, const struct post *);
static int	post_cmp(const void *, const void *);
static int	feed_cmp(const void *, const void *);
static struct feed *feed_get(struct strmap *, enum feed_kind, const char *);
static void	mark_dirty(struct index *, struct feed *);
static void	feed_sort(struct feed *);
static void	feed_insert(struct index *, struct feed *, struct post *);
static void	feed_delete(struct index *, struct feed *, struct post *);
static void	feed_free(struct feed *);
static void	link_post(struct index *, struct post *);
static void	unlink_post(struct index *, struct post *);
static void	free_feeds(struct strmap *);
static void	sort_feeds(struct strmap *);
static void	find_twin(struct post *, void *);
static void	forget_names(struct index *);
static void	add_names(struct post *, void *);
static void	forget_id(struct index *, struct post *);

/* Whether a sorts before b: newer first, then by path as Jekyll does. */
static int
post_newer(const struct post *a, const struct post *b)
{
	if (a->date != b->date)
		return (a->date > b->date);
	return (strcmp(a->path, b->path) < 0);
}

/* qsort order of struct post pointers, newest first. */
static int
post_cmp(const void *pa, const void *pb)
{
	const struct post *a = *(struct post *const *)pa;
	const struct post *b = *(struct post *const *)pb;

	if (a == b)
		return (0);
	return (post_newer(a, b) ? -1 : 1);
}

/* qsort order of feeds: kind, then name bytes. */
static int
feed_cmp(const void *pa, const void *pb)
{
	const struct feed *a = *(struct feed *const *)pa;
	const struct feed *b = *(struct feed *const *)pb;

	if (a->kind != b->kind)
		return ((int)a->kind - (int)b->kind);
	if (a->name == NULL || b->name == NULL)
		return (a->name == NULL ? -1 : 1);
	return (strcmp(a->name, b->name));
}

/* Create an empty index. */
struct index *
index_create(void)
{
	struct index	*idx = xcalloc(1, sizeof *idx);

	/* Keys are the posts' paths and the feeds' names. */
	idx->posts = strmap_create_borrowed();
	idx->pending = strmap_create_borrowed();
	idx->categories = strmap_create_borrowed();
	idx->tags = strmap_create_borrowed();
	idx->ids = strmap_create_borrowed();
	pthread_mutex_init(&idx->names_lock, NULL);
	idx->site.kind = FEED_SITE;
	idx->site.sorted = 1;
	return (idx);
}

/* Free the feeds stored in a map. */
static void
free_feeds(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		feed_free(value);
	strmap_free(m);
}

/* Free a feed (not its posts). */
static void
feed_free(struct feed *f)
{
	free(f->name);
	free(f->posts);
	free(f);
}

/* Free the index and every post in it. */
void
index_free(struct index *idx)
{
	size_t		 pos;
	const char	*key;
	void		*value;

	if (idx == NULL)
		return;
	pos = 0;
	while (strmap_next(idx->posts, &pos, &key, &value))
		post_free(value);
	pos = 0;
	while (strmap_next(idx->pending, &pos, &key, &value))
		post_free(value);
	strmap_free(idx->posts);
	strmap_free(idx->pending);
	strmap_free(idx->ids);
	strmap_free(idx->names);
	pthread_mutex_destroy(&idx->names_lock);
	free_feeds(idx->categories);
	free_feeds(idx->tags);
	free(idx->site.posts);
	free(idx->dirty);
	free(idx);
}

/* The feed for name in m, created if needed. */
static struct feed *
feed_get(struct strmap *m, enum feed_kind kind, const char *name)
{
	struct feed	*f;

	if ((f = strmap_get(m, name)) == NULL) {
		f = xcalloc(1, sizeof *f);
		f->kind = kind;
		f->name = xstrdup(name);
		f->sorted = 1;
		strmap_put(m, f->name, f);
	}
	return (f);
}

/* Remember that a feed changed. */
static void
mark_dirty(struct index *idx, struct feed *f)
{
	if (f->dirty)
		return;
	f->dirty = 1;
	if (idx->ndirty == idx->dirtycap) {
		idx->dirtycap = idx->dirtycap == 0 ? 64 : idx->dirtycap * 2;
		idx->dirty = xreallocarray(idx->dirty, idx->dirtycap,
		    sizeof *idx->dirty);
	}
	idx->dirty[idx->ndirty++] = f;
}

/*
 * Put a feed's posts in order if appends left them out of it.  A load
 * appends in path order, which for dated file names is oldest first:
 * then reversing them is all the sorting needed.
 */
static void
feed_sort(struct feed *f)
{
	struct post	*t;
	size_t		 i, j;

	if (f->sorted || f->nposts < 2) {
		f->sorted = 1;
		return;
	}
	for (i = 1; i < f->nposts; i++)
		if (!post_newer(f->posts[i], f->posts[i - 1]))
			break;
	if (i < f->nposts)
		qsort(f->posts, f->nposts, sizeof *f->posts, post_cmp);
	else {
		for (i = 0, j = f->nposts - 1; i < j; i++, j--) {
			t = f->posts[i];
			f->posts[i] = f->posts[j];
			f->posts[j] = t;
		}
	}
	f->sorted = 1;
}

/* Insert a post: in order when the feed is sorted, else appended. */
static void
feed_insert(struct index *idx, struct feed *f, struct post *post)
{
	size_t	 lo = 0, hi = f->nposts, mid;

	if (f->nposts == f->cap) {
		f->cap = f->cap == 0 ? 4 : f->cap * 2;
		f->posts = xreallocarray(f->posts, f->cap, sizeof *f->posts);
	}
	mark_dirty(idx, f);
	if (idx->bulk || !f->sorted) {
		f->posts[f->nposts++] = post;
		f->sorted = 0;
		return;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (post_newer(f->posts[mid], post))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(f->posts + lo + 1, f->posts + lo,
	    (f->nposts - lo) * sizeof *f->posts);
	f->posts[lo] = post;
	f->nposts++;
}

/* Remove a post from a feed. */
static void
feed_delete(struct index *idx, struct feed *f, struct post *post)
{
	size_t	 lo = 0, hi, mid, i;

	feed_sort(f);
	hi = f->nposts;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (post_newer(f->posts[mid], post))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < f->nposts && f->posts[i] != post; i++)
		;
	if (i == f->nposts)
		fatalx("index: post %s missing from a feed", post->path);
	memmove(f->posts + i, f->posts + i + 1,
	    (f->nposts - i - 1) * sizeof *f->posts);
	f->nposts--;
	mark_dirty(idx, f);
}

/* Put a published post into its feeds. */
static void
link_post(struct index *idx, struct post *post)
{
	char	**c;

	feed_insert(idx, &idx->site, post);
	for (c = post->categories; *c != NULL; c++)
		feed_insert(idx, feed_get(idx->categories, FEED_CATEGORY, *c),
		    post);
	for (c = post->tags; *c != NULL; c++)
		feed_insert(idx, feed_get(idx->tags, FEED_TAG, *c), post);
}

/* Take a published post out of its feeds. */
static void
unlink_post(struct index *idx, struct post *post)
{
	char	**c;

	feed_delete(idx, &idx->site, post);
	for (c = post->categories; *c != NULL; c++)
		feed_delete(idx, strmap_get(idx->categories, *c), post);
	for (c = post->tags; *c != NULL; c++)
		feed_delete(idx, strmap_get(idx->tags, *c), post);
}

/* Begin a bulk load. */
void
index_bulk_begin(struct index *idx)
{
	idx->bulk = 1;
}

/* Sort every feed of a map. */
static void
sort_feeds(struct strmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(m, &pos, &key, &value))
		feed_sort(value);
}

/* End a bulk load: sort every feed once. */
void
index_bulk_end(struct index *idx)
{
	idx->bulk = 0;
	feed_sort(&idx->site);
	sort_feeds(idx->categories);
	sort_feeds(idx->tags);
}

/* Add a post, published now or pending until its date. */
const struct post *
index_add(struct index *idx, struct post *post, int64_t now)
{
	struct post	*other;

	if (index_get(idx, post->path) != NULL)
		fatalx("index: %s added twice", post->path);
	forget_names(idx);
	if ((other = strmap_get(idx->ids, post->id)) == NULL)
		strmap_put(idx->ids, post->id, post);
	else {
		post->id_shared = 1;
		idx->shared_ids++;
	}
	if (post->date > now)
		strmap_put(idx->pending, post->path, post);
	else {
		strmap_put(idx->posts, post->path, post);
		link_post(idx, post);
	}
	return (other);
}

/* index_foreach_post callback: find another post with an id. */
static void
find_twin(struct post *p, void *arg)
{
	struct post	**want = arg;

	if (want[1] == NULL && p != want[0] && strcmp(p->id, want[0]->id) == 0)
		want[1] = p;
}

/*
 * Take a removed post's id out of the id map.  If other posts share it
 * (rare, and reported), one of them takes its place, so the next post
 * with that id is still reported.
 */
static void
forget_id(struct index *idx, struct post *post)
{
	struct post	*pair[2] = { post, NULL };

	if (post->id_shared) {
		post->id_shared = 0;
		idx->shared_ids--;
	}
	if (strmap_get(idx->ids, post->id) != post)
		return;
	strmap_remove(idx->ids, post->id);
	if (idx->shared_ids == 0)
		return;
	index_foreach_post(idx, find_twin, pair);
	if (pair[1] != NULL) {
		strmap_put(idx->ids, pair[1]->id, pair[1]);
		if (pair[1]->id_shared) {
			pair[1]->id_shared = 0;
			idx->shared_ids--;
		}
	}
}

/* Drop the name map: posts came or went. */
static void
forget_names(struct index *idx)
{
	strmap_free(idx->names);
	idx->names = NULL;
}

/* index_foreach_post callback: file a post under its names. */
static void
add_names(struct post *p, void *arg)
{
	struct strmap	*m = arg;
	const char	*under, *base, *dot;
	char		*name;

	if ((under = strstr(p->path, "/_posts/")) == NULL)
		return;
	for (under += 8; strstr(under, "/_posts/") != NULL;
	    under = strstr(under, "/_posts/") + 8)
		;
	base = strrchr(under, '/') != NULL ? strrchr(under, '/') + 1 : under;
	dot = strrchr(base, '.');
	name = xstrndup(under, (size_t)((dot != NULL ? dot : base +
	    strlen(base)) - under));
	if (strmap_get(m, name) == NULL)
		strmap_put(m, name, p);
	if (base != under && strmap_get(m, name + (base - under)) == NULL)
		strmap_put(m, name + (base - under), p);
	free(name);
}

/* The post named name under its _posts folder, or by its file stem. */
const struct post *
index_find_name(struct index *idx, const char *name)
{
	const struct post *p;

	pthread_mutex_lock(&idx->names_lock);
	if (idx->names == NULL) {
		idx->names = strmap_create();
		index_foreach_post(idx, add_names, idx->names);
	}
	p = strmap_get(idx->names, name);
	pthread_mutex_unlock(&idx->names_lock);
	return (p);
}

/* Remove and return the post at path. */
struct post *
index_remove(struct index *idx, const char *path)
{
	struct post	*post;

	if ((post = strmap_remove(idx->pending, path)) == NULL &&
	    (post = strmap_remove(idx->posts, path)) != NULL)
		unlink_post(idx, post);
	if (post != NULL) {
		forget_id(idx, post);
		forget_names(idx);
	}
	return (post);
}

/* The post at path. */
struct post *
index_get(const struct index *idx, const char *path)
{
	struct post	*post;

	if ((post = strmap_get(idx->posts, path)) != NULL)
		return (post);
	return (strmap_get(idx->pending, path));
}

/* Mark an existing feed dirty, so the next publish writes it again. */
int
index_touch(struct index *idx, enum feed_kind kind, const char *name)
{
	struct feed	*f;

	if (kind == FEED_SITE)
		f = &idx->site;
	else if ((f = strmap_get(kind == FEED_CATEGORY ? idx->categories :
	    idx->tags, name)) == NULL || f->nposts == 0)
		return (0);
	mark_dirty(idx, f);
	return (1);
}

/* Publish the pending posts that are due. */
int64_t
index_publish_due(struct index *idx, int64_t now)
{
	struct post	**due = NULL;
	size_t		 ndue = 0, pos = 0, i;
	const char	*key;
	void		*value;
	int64_t		 next = INT64_MAX;
	struct post	*post;

	while (strmap_next(idx->pending, &pos, &key, &value)) {
		post = value;
		if (post->date <= now) {
			due = xreallocarray(due, ndue + 1, sizeof *due);
			due[ndue++] = post;
		} else if (post->date < next)
			next = post->date;
	}
	for (i = 0; i < ndue; i++) {
		strmap_remove(idx->pending, due[i]->path);
		strmap_put(idx->posts, due[i]->path, due[i]);
		link_post(idx, due[i]);
	}
	free(due);
	return (next);
}

/* All feeds in a stable order. */
struct feed **
index_feeds(const struct index *idx, size_t *count)
{
	size_t		 n, i = 0, pos;
	struct feed	**all;
	const char	*key;
	void		*value;
	size_t		 ncat = strmap_count(idx->categories);

	n = 1 + ncat + strmap_count(idx->tags);
	all = xcalloc(n, sizeof *all);
	all[i++] = (struct feed *)&idx->site;
	pos = 0;
	while (strmap_next(idx->categories, &pos, &key, &value))
		all[i++] = value;
	pos = 0;
	while (strmap_next(idx->tags, &pos, &key, &value))
		all[i++] = value;
	qsort(all + 1, n - 1, sizeof *all, feed_cmp);
	*count = n;
	return (all);
}

/* Changed feeds in the stable order of index_feeds (new array). */
struct feed **
index_dirty_feeds(const struct index *idx, size_t *count)
{
	struct feed	**dirty;

	*count = idx->ndirty;
	if (idx->ndirty == 0)
		return (NULL);
	dirty = xcalloc(idx->ndirty, sizeof *dirty);
	memcpy(dirty, idx->dirty, idx->ndirty * sizeof *dirty);
	qsort(dirty, idx->ndirty, sizeof *dirty, feed_cmp);
	return (dirty);
}

/* Clear dirty marks; drop the changed feeds that have no posts left. */
void
index_clean(struct index *idx)
{
	struct feed	*f;
	size_t		 i;

	for (i = 0; i < idx->ndirty; i++) {
		f = idx->dirty[i];
		f->dirty = 0;
		if (f->nposts > 0 || f->kind == FEED_SITE)
			continue;
		strmap_remove(f->kind == FEED_CATEGORY ? idx->categories :
		    idx->tags, f->name);
		feed_free(f);
	}
	idx->ndirty = 0;
}

/* Number of published posts. */
size_t
index_post_count(const struct index *idx)
{
	return (strmap_count(idx->posts));
}

/* Number of posts waiting for their date. */
size_t
index_pending_count(const struct index *idx)
{
	return (strmap_count(idx->pending));
}

/* Visit every post. */
void
index_foreach_post(const struct index *idx, void (*fn)(struct post *, void *),
    void *arg)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	while (strmap_next(idx->posts, &pos, &key, &value))
		fn(value, arg);
	pos = 0;
	while (strmap_next(idx->pending, &pos, &key, &value))
		fn(value, arg);
}
