/*
 * The in-memory index: every post by path, and for the whole site, each
 * category and each tag a feed holding its posts newest first.  Adding or
 * removing a post marks exactly the feeds it belongs to as dirty.  Posts
 * dated in the future wait in a pending list until index_publish_due.
 * The index owns its posts and frees them in index_free.
 */
#ifndef FEEDD_INDEX_H
#define FEEDD_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "post.h"

enum feed_kind {
	FEED_SITE,
	FEED_CATEGORY,
	FEED_TAG,
};

struct feed {
	enum feed_kind	 kind;
	char		*name;		/* NULL for the site feed */
	struct post	**posts;	/* newest first */
	size_t		 nposts;
	size_t		 cap;
	int		 sorted;
	int		 dirty;		/* changed since index_clean */
};

struct index;

struct index	*index_create(void);
void		 index_free(struct index *);

/*
 * Start or end a bulk load: while bulk, posts are appended unsorted and
 * index_bulk_end sorts every feed once.
 */
void		 index_bulk_begin(struct index *);
void		 index_bulk_end(struct index *);

/*
 * Add a post (the index takes it).  A post dated after now waits until
 * index_publish_due.  A post with the same path must be removed first.
 * Returns another post with the same id (feed readers would show only
 * one of the two), or NULL.
 */
const struct post *index_add(struct index *, struct post *, int64_t now);

/* Remove the post at path and return it (caller frees), or NULL. */
struct post	*index_remove(struct index *, const char *path);

/* The post at path, or NULL (published or pending). */
struct post	*index_get(const struct index *, const char *path);

/*
 * Mark the feed of kind and name (NULL for the site feed) dirty, so the
 * next publish of dirty feeds writes it again (its file was damaged).
 * Returns 0 if there is no such feed holding posts.
 */
int		 index_touch(struct index *, enum feed_kind, const char *name);

/*
 * Publish pending posts dated at or before now.  Returns the date of the
 * next pending post, or INT64_MAX when none waits.
 */
int64_t		 index_publish_due(struct index *, int64_t now);

/*
 * Every feed, the site feed first, then categories and tags each in name
 * order; feeds left empty by removals are included (dirty) until
 * index_clean.  Returns a new array (caller frees the array only).
 */
struct feed	**index_feeds(const struct index *, size_t *);

/*
 * The feeds changed since index_clean, in index_feeds order; NULL when
 * none.  Returns a new array (caller frees the array only).
 */
struct feed	**index_dirty_feeds(const struct index *, size_t *);

/* Clear dirty marks and drop changed feeds that have no posts left. */
void		 index_clean(struct index *);

/* Number of published posts and of pending (future) posts. */
size_t		 index_post_count(const struct index *);
size_t		 index_pending_count(const struct index *);

/*
 * The post whose path below its _posts folder, without extension, is
 * name ("sub/2024-01-01-x"), else whose file stem is name, as Liquid's
 * post_url finds it; NULL if none.  Safe to call from several threads
 * at once while the index does not change.
 */
const struct post *index_find_name(struct index *, const char *name);

/* Call fn for every post, published or pending. */
void		 index_foreach_post(const struct index *,
		    void (*)(struct post *, void *), void *);

#endif
