/*
 * index: every post and the feeds built from them.  Feeds must list
 * posts newest first with ties in path order (as Jekyll does, so feeds
 * are stable between runs), hold exactly the posts of their category or
 * tag, and mark dirty exactly the feeds a change touches: a feed marked
 * wrongly is either rewritten for nothing or left stale.  Future posts
 * must wait until their date, and a bulk load must end fully sorted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/index.h"
#include "../../src/post.h"
#include "../../src/xmalloc.h"
#include "test.h"

static char	**list(const char *const *);
static struct post *make_post(const char *, int64_t, const char *const *,
		    const char *const *);
static struct feed *find_feed(const struct index *, enum feed_kind,
		    const char *);
static int	 feed_sorted(const struct feed *);
static int	 feed_has(const struct feed *, const struct post *);
static void	 check_same_id(void);
static int	 dirty_count(const struct index *);
static void	 count_post(struct post *, void *);
static void	 check_order_and_membership(void);
static void	 check_remove_and_clean(void);
static void	 check_pending(void);
static void	 check_bulk(void);
static void	 check_bulk_oldest_first(void);
static void	 check_random_updates(void);

/* A NULL-terminated copy of names (NULL gives an empty list). */
static char **
list(const char *const *names)
{
	char	**l;
	size_t	 n = 0, i;

	while (names != NULL && names[n] != NULL)
		n++;
	l = xcalloc(n + 1, sizeof *l);
	for (i = 0; i < n; i++)
		l[i] = xstrdup(names[i]);
	return (l);
}

/* A post as post_load would make it, with only what the index reads. */
static struct post *
make_post(const char *path, int64_t date, const char *const *cats,
    const char *const *tags)
{
	struct post	*p = xcalloc(1, sizeof *p);

	p->path = xstrdup(path);
	p->id = xstrdup(path);
	p->date = date;
	p->updated = date;
	p->categories = list(cats);
	p->tags = list(tags);
	post_pack(p);
	return (p);
}

/* The feed of kind and name in index_feeds, or NULL. */
static struct feed *
find_feed(const struct index *idx, enum feed_kind kind, const char *name)
{
	struct feed	**all, *f = NULL;
	size_t		 n, i;

	all = index_feeds(idx, &n);
	for (i = 0; i < n; i++) {
		if (all[i]->kind != kind)
			continue;
		if (kind == FEED_SITE || strcmp(all[i]->name, name) == 0) {
			f = all[i];
			break;
		}
	}
	free(all);
	return (f);
}

/* Whether a feed is newest first, equal dates by path. */
static int
feed_sorted(const struct feed *f)
{
	size_t	 i;

	for (i = 1; i < f->nposts; i++) {
		if (f->posts[i - 1]->date < f->posts[i]->date)
			return (0);
		if (f->posts[i - 1]->date == f->posts[i]->date &&
		    strcmp(f->posts[i - 1]->path, f->posts[i]->path) >= 0)
			return (0);
	}
	return (1);
}

/* Whether post is in feed f. */
static int
feed_has(const struct feed *f, const struct post *post)
{
	size_t	 i;

	for (i = 0; f != NULL && i < f->nposts; i++) {
		if (f->posts[i] == post)
			return (1);
	}
	return (0);
}

/* How many feeds are dirty. */
static int
dirty_count(const struct index *idx)
{
	struct feed	**all;
	size_t		 n, i;
	int		 d = 0;

	all = index_feeds(idx, &n);
	for (i = 0; i < n; i++)
		d += all[i]->dirty != 0;
	free(all);
	return (d);
}

/* index_foreach_post callback: count. */
static void
count_post(struct post *p, void *arg)
{
	(void)p;
	(*(size_t *)arg)++;
}

/* Newest first, ties by path; each post in its category and tag feeds. */
static void
check_order_and_membership(void)
{
	static const char *const news_zh[] = { "news", "财经", NULL };
	static const char *const news[] = { "news", NULL };
	static const char *const zh[] = { "财经", NULL };
	static const char *const t1[] = { "t1", NULL };
	static const char *const t1t2[] = { "t1", "t2", NULL };
	static const char *const x[] = { "x", NULL };
	struct index	*idx = index_create();
	struct post	*p1, *p2, *p3, *p4, *p5;
	struct feed	**all, *f;
	size_t		 n, count = 0;

	p1 = make_post("/s/_posts/b.md", 100, news_zh, NULL);
	p2 = make_post("/s/_posts/a2.md", 200, news, NULL);
	p3 = make_post("/s/_posts/a.md", 100, NULL, t1);
	p4 = make_post("/s/_posts/c.md", 300, zh, t1t2);
	p5 = make_post("/s/_posts/x.md", 50, x, x);
	index_add(idx, p1, 1000);
	index_add(idx, p2, 1000);
	index_add(idx, p3, 1000);
	index_add(idx, p4, 1000);
	index_add(idx, p5, 1000);
	CHECK(index_post_count(idx) == 5);
	CHECK(index_pending_count(idx) == 0);
	CHECK(index_get(idx, "/s/_posts/a.md") == p3);
	CHECK(index_get(idx, "/s/_posts/none.md") == NULL);
	index_foreach_post(idx, count_post, &count);
	CHECK(count == 5);

	/* Site first, categories by name bytes, then tags by name. */
	all = index_feeds(idx, &n);
	CHECK(n == 7);
	if (n == 7) {
		CHECK(all[0]->kind == FEED_SITE && all[0]->name == NULL);
		CHECK(all[1]->kind == FEED_CATEGORY &&
		    strcmp(all[1]->name, "news") == 0);
		CHECK(all[2]->kind == FEED_CATEGORY &&
		    strcmp(all[2]->name, "x") == 0);
		CHECK(all[3]->kind == FEED_CATEGORY &&
		    strcmp(all[3]->name, "财经") == 0);
		CHECK(all[4]->kind == FEED_TAG &&
		    strcmp(all[4]->name, "t1") == 0);
		CHECK(all[5]->kind == FEED_TAG &&
		    strcmp(all[5]->name, "t2") == 0);
		CHECK(all[6]->kind == FEED_TAG &&
		    strcmp(all[6]->name, "x") == 0);
	}
	free(all);

	/* Site: c (300), a2 (200), then a and b at 100 by path, x (50). */
	f = find_feed(idx, FEED_SITE, NULL);
	CHECK(f != NULL && f->nposts == 5);
	if (f != NULL && f->nposts == 5) {
		CHECK(f->posts[0] == p4);
		CHECK(f->posts[1] == p2);
		CHECK(f->posts[2] == p3);
		CHECK(f->posts[3] == p1);
		CHECK(f->posts[4] == p5);
	}
	f = find_feed(idx, FEED_CATEGORY, "news");
	CHECK(f != NULL && f->nposts == 2 && f->posts[0] == p2 &&
	    f->posts[1] == p1);
	f = find_feed(idx, FEED_CATEGORY, "财经");
	CHECK(f != NULL && f->nposts == 2 && f->posts[0] == p4 &&
	    f->posts[1] == p1);
	f = find_feed(idx, FEED_TAG, "t1");
	CHECK(f != NULL && f->nposts == 2 && f->posts[0] == p4 &&
	    f->posts[1] == p3);
	f = find_feed(idx, FEED_TAG, "t2");
	CHECK(f != NULL && f->nposts == 1 && f->posts[0] == p4);
	/* A category and a tag of the same name are two feeds. */
	f = find_feed(idx, FEED_CATEGORY, "x");
	CHECK(f != NULL && f->nposts == 1 && f->posts[0] == p5);
	f = find_feed(idx, FEED_TAG, "x");
	CHECK(f != NULL && f->nposts == 1 && f->posts[0] == p5);
	/* Names are exact: no "News" or "T1" feed. */
	CHECK(find_feed(idx, FEED_CATEGORY, "News") == NULL);
	CHECK(find_feed(idx, FEED_TAG, "T1") == NULL);
	CHECK(find_feed(idx, FEED_TAG, "news") == NULL);

	/* Every new feed is dirty; index_clean clears them all. */
	CHECK(dirty_count(idx) == 7);
	index_clean(idx);
	CHECK(dirty_count(idx) == 0);
	index_free(idx);
}

/* Removal marks exactly the post's feeds; clean drops empty ones. */
static void
check_remove_and_clean(void)
{
	static const char *const news_zh[] = { "news", "财经", NULL };
	static const char *const zh[] = { "财经", NULL };
	static const char *const t1[] = { "t1", NULL };
	static const char *const t2[] = { "t2", NULL };
	struct index	*idx = index_create();
	struct post	*p1, *p2, *p3, *got;
	struct feed	*f;

	p1 = make_post("/s/_posts/1.md", 100, news_zh, t1);
	p2 = make_post("/s/_posts/2.md", 200, zh, t2);
	p3 = make_post("/s/_posts/3.md", 300, NULL, NULL);
	index_add(idx, p1, 1000);
	index_add(idx, p2, 1000);
	index_add(idx, p3, 1000);
	index_clean(idx);

	/* p1: site, news, 财经 and t1 change; t2 does not. */
	got = index_remove(idx, "/s/_posts/1.md");
	CHECK(got == p1);
	CHECK(index_get(idx, "/s/_posts/1.md") == NULL);
	CHECK(index_post_count(idx) == 2);
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL && f->dirty &&
	    f->nposts == 2 && !feed_has(f, p1));
	CHECK((f = find_feed(idx, FEED_CATEGORY, "news")) != NULL &&
	    f->dirty && f->nposts == 0);
	CHECK((f = find_feed(idx, FEED_CATEGORY, "财经")) != NULL &&
	    f->dirty && f->nposts == 1 && f->posts[0] == p2);
	CHECK((f = find_feed(idx, FEED_TAG, "t1")) != NULL && f->dirty &&
	    f->nposts == 0);
	CHECK((f = find_feed(idx, FEED_TAG, "t2")) != NULL && !f->dirty);
	CHECK(dirty_count(idx) == 4);
	post_free(got);

	/* Empty feeds stay listed until index_clean, then go. */
	index_clean(idx);
	CHECK(find_feed(idx, FEED_CATEGORY, "news") == NULL);
	CHECK(find_feed(idx, FEED_TAG, "t1") == NULL);
	CHECK(find_feed(idx, FEED_CATEGORY, "财经") != NULL);
	CHECK(dirty_count(idx) == 0);

	/* A post without categories or tags touches the site feed only. */
	got = index_remove(idx, "/s/_posts/3.md");
	CHECK(got == p3);
	CHECK(dirty_count(idx) == 1);
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL && f->dirty);
	post_free(got);
	index_clean(idx);

	/* Removing what is not there changes nothing. */
	CHECK(index_remove(idx, "/s/_posts/1.md") == NULL);
	CHECK(index_remove(idx, "/nowhere") == NULL);
	CHECK(dirty_count(idx) == 0);

	/* The site feed survives being emptied. */
	got = index_remove(idx, "/s/_posts/2.md");
	CHECK(got == p2);
	post_free(got);
	index_clean(idx);
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL &&
	    f->nposts == 0);
	CHECK(find_feed(idx, FEED_CATEGORY, "财经") == NULL);
	CHECK(index_post_count(idx) == 0);

	/* A removed path can be added again. */
	p1 = make_post("/s/_posts/1.md", 100, news_zh, t1);
	index_add(idx, p1, 1000);
	CHECK(index_get(idx, "/s/_posts/1.md") == p1);
	CHECK((f = find_feed(idx, FEED_CATEGORY, "news")) != NULL &&
	    f->dirty && f->nposts == 1);
	index_free(idx);
}

/* Future posts wait in the pending list until their date. */
static void
check_pending(void)
{
	static const char *const news[] = { "news", NULL };
	static const char *const t1[] = { "t1", NULL };
	struct index	*idx = index_create();
	struct post	*now_post, *p5, *p6, *p7, *got;
	struct feed	*f;
	size_t		 count = 0;

	CHECK(index_publish_due(idx, 1000) == INT64_MAX);
	now_post = make_post("/s/_posts/now.md", 1000, NULL, NULL);
	p5 = make_post("/s/_posts/5.md", 2000, news, NULL);
	p6 = make_post("/s/_posts/6.md", 1500, NULL, t1);
	p7 = make_post("/s/_posts/7.md", 3000, news, NULL);
	/* A post dated exactly now is published. */
	index_add(idx, now_post, 1000);
	index_add(idx, p5, 1000);
	index_add(idx, p6, 1000);
	index_add(idx, p7, 1000);
	index_clean(idx);
	CHECK(index_post_count(idx) == 1);
	CHECK(index_pending_count(idx) == 3);
	CHECK(index_get(idx, "/s/_posts/5.md") == p5);
	index_foreach_post(idx, count_post, &count);
	CHECK(count == 4);
	/* Pending posts are in no feed. */
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL &&
	    f->nposts == 1 && !feed_has(f, p5));
	CHECK(find_feed(idx, FEED_CATEGORY, "news") == NULL);
	CHECK(find_feed(idx, FEED_TAG, "t1") == NULL);

	/* Nothing due yet: the next date is the earliest pending one. */
	CHECK(index_publish_due(idx, 1200) == 1500);
	CHECK(index_pending_count(idx) == 3);
	CHECK(dirty_count(idx) == 0);

	/* Due at exactly its date. */
	CHECK(index_publish_due(idx, 1500) == 2000);
	CHECK(index_pending_count(idx) == 2);
	CHECK(index_post_count(idx) == 2);
	CHECK((f = find_feed(idx, FEED_TAG, "t1")) != NULL && f->dirty &&
	    feed_has(f, p6));
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL && f->dirty &&
	    f->nposts == 2 && f->posts[0] == p6);
	CHECK(dirty_count(idx) == 2);
	index_clean(idx);

	/* A pending post removed leaves the feeds alone. */
	got = index_remove(idx, "/s/_posts/7.md");
	CHECK(got == p7);
	post_free(got);
	CHECK(index_pending_count(idx) == 1);
	CHECK(dirty_count(idx) == 0);

	/* The last one: nothing waits afterwards. */
	CHECK(index_publish_due(idx, 5000) == INT64_MAX);
	CHECK(index_pending_count(idx) == 0);
	CHECK(index_post_count(idx) == 3);
	CHECK((f = find_feed(idx, FEED_CATEGORY, "news")) != NULL &&
	    f->dirty && f->nposts == 1 && f->posts[0] == p5);
	CHECK((f = find_feed(idx, FEED_SITE, NULL)) != NULL &&
	    f->nposts == 3 && feed_sorted(f) && f->posts[0] == p5);
	CHECK(index_publish_due(idx, 6000) == INT64_MAX);
	index_free(idx);
}

/* A bulk load appends, then sorts every feed once at the end. */
static void
check_bulk(void)
{
	static const char *const cats[][2] = {
		{ "a", NULL }, { "b", NULL }, { "财经", NULL }
	};
	static const char *const tags[][2] = {
		{ "t", NULL }, { "u", NULL }
	};
	struct index	*idx = index_create();
	struct feed	**all, *f;
	struct post	*p, *got;
	char		 path[64];
	size_t		 i, n, total;
	uint32_t	 state = 7;
	int		 all_sorted = 1, bad;

	index_bulk_begin(idx);
	for (i = 0; i < 3000; i++) {
		state = state * 1103515245u + 12345u;
		snprintf(path, sizeof path, "/s/_posts/%04zu.md",
		    (size_t)((state >> 8) % 100000));
		if (index_get(idx, path) != NULL)
			continue;
		/* Few distinct dates, so many ties to order by path. */
		p = make_post(path, 1000 + (int64_t)(i % 40), cats[i % 3],
		    tags[i % 2]);
		index_add(idx, p, 5000);
	}
	/* One future post: pending, even in bulk. */
	index_add(idx, make_post("/s/_posts/future.md", 9000, cats[0],
	    NULL), 5000);
	/* A removal during the bulk load. */
	got = index_remove(idx, path);
	CHECK(got != NULL);
	post_free(got);
	index_bulk_end(idx);

	total = index_post_count(idx);
	CHECK(index_pending_count(idx) == 1);
	all = index_feeds(idx, &n);
	CHECK(n == 1 + 3 + 2);
	for (i = 0; i < n; i++) {
		if (!all[i]->sorted || !feed_sorted(all[i]))
			all_sorted = 0;
	}
	CHECK(all_sorted);
	CHECK(all[0]->nposts == total);
	CHECK(all[1]->nposts + all[2]->nposts + all[3]->nposts == total);
	CHECK(all[4]->nposts + all[5]->nposts == total);
	free(all);

	/* After the load, adds insert in order again. */
	index_add(idx, make_post("/s/_posts/0000a.md", 1020, cats[0],
	    tags[0]), 5000);
	index_add(idx, make_post("/s/_posts/new.md", 4000, cats[1], NULL),
	    5000);
	f = find_feed(idx, FEED_SITE, NULL);
	CHECK(f != NULL && f->nposts == total + 2 && feed_sorted(f) &&
	    strcmp(f->posts[0]->path, "/s/_posts/new.md") == 0);
	all = index_feeds(idx, &n);
	bad = 0;
	for (i = 0; i < n; i++)
		bad += !feed_sorted(all[i]);
	CHECK(bad == 0);
	free(all);
	index_free(idx);
}

/* Many adds and removes one by one: feeds stay sorted and complete. */
static void
check_random_updates(void)
{
	static const char *const cats[][2] = {
		{ "a", NULL }, { "b", NULL }
	};
	struct index	*idx = index_create();
	struct feed	**all;
	struct post	*p;
	char		 path[64];
	uint32_t	 state = 99;
	size_t		 i, j, n;
	int		 bad = 0;

	for (i = 0; i < 4000; i++) {
		state = state * 1103515245u + 12345u;
		snprintf(path, sizeof path, "/s/_posts/%03u.md",
		    (unsigned)((state >> 8) % 500));
		if ((p = index_remove(idx, path)) != NULL) {
			post_free(p);
			continue;
		}
		state = state * 1103515245u + 12345u;
		index_add(idx, make_post(path, (int64_t)((state >> 8) % 30),
		    cats[(state >> 4) % 2], NULL), 100);
		if (i % 500 == 0)
			index_clean(idx);
	}
	all = index_feeds(idx, &n);
	for (i = 0; i < n; i++)
		bad += !feed_sorted(all[i]);
	CHECK(bad == 0);
	CHECK(all[0]->nposts == index_post_count(idx));
	for (i = 0, j = 0; i < n; i++) {
		if (all[i]->kind == FEED_CATEGORY)
			j += all[i]->nposts;
	}
	CHECK(j == index_post_count(idx));
	free(all);
	index_free(idx);
}

/*
 * Two posts with one id (a date-less permalink, a copied file): index_add
 * names the other, as Jekyll's "Conflict" warning does, and both stay in
 * the feeds.  When the one first seen goes, a third with that id is still
 * reported, against the one left.
 */
static void
check_same_id(void)
{
	static const char *const none[] = { NULL };
	struct index	*idx = index_create();
	struct post	*a, *twin, *third;
	struct feed	**feeds;
	size_t		 n;

	a = make_post("/s/_posts/2024-01-01-x.md", 100, none, none);
	twin = make_post("/s/_posts/2024-02-01-x.md", 200, none, none);
	third = make_post("/s/_posts/2024-03-01-x.md", 300, none, none);
	twin->id = third->id = a->id;	/* packed strings: share a's */
	CHECK(index_add(idx, a, 1000) == NULL);
	CHECK(index_add(idx, twin, 1000) == a);
	feeds = index_feeds(idx, &n);
	CHECK(n >= 1 && feeds[0]->nposts == 2);
	free(feeds);
	CHECK(index_remove(idx, a->path) == a);
	CHECK(index_add(idx, third, 1000) == twin);
	index_free(idx);
	post_free(a);
}

/*
 * A bulk load in path order, oldest first as dated names are: the feed
 * ends newest first, and posts of one date stay in path order.
 */
static void
check_bulk_oldest_first(void)
{
	static const char *const cats[] = { "a", NULL };
	struct index	*idx;
	struct feed	*f;
	char		 path[64];
	size_t		 i;
	int		 ties;

	for (ties = 0; ties <= 1; ties++) {
		idx = index_create();
		index_bulk_begin(idx);
		for (i = 0; i < 100; i++) {
			snprintf(path, sizeof path, "/s/_posts/%04zu.md", i);
			index_add(idx, make_post(path, 1000 + (int64_t)(ties ?
			    i / 2 : i), cats, NULL), 5000);
		}
		index_bulk_end(idx);
		f = find_feed(idx, FEED_CATEGORY, "a");
		CHECK(f != NULL && f->nposts == 100 && feed_sorted(f));
		CHECK(f != NULL && strcmp(f->posts[0]->path, ties ?
		    "/s/_posts/0098.md" : "/s/_posts/0099.md") == 0);
		index_free(idx);
	}
}

int
main(void)
{
	check_order_and_membership();
	check_remove_and_clean();
	check_pending();
	check_bulk();
	check_bulk_oldest_first();
	check_random_updates();
	check_same_id();
	return (test_status());
}
