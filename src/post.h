/*
 * One post: its front matter read into the fields a feed needs, its URL
 * and id computed as Jekyll does.  The body is not kept: post_render
 * reads it again when a feed first needs the content, so memory stays
 * proportional to the posts' metadata, not their text.
 */
#ifndef FEEDD_POST_H
#define FEEDD_POST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "render.h"

/* Posts larger than this are refused (not a post, or a mistake). */
#define POST_MAX_BYTES	(64 * 1024 * 1024)

struct post {
	char		*path;		/* file path, the index key */
	char		*relpath;	/* relative to the site root */
	enum render_format format;

	char		*title;		/* plain text */
	int64_t		 date;		/* published instant */
	int64_t		 updated;	/* last_modified_at, else date */
	char		**categories;	/* NULL-terminated, unique */
	char		**tags;		/* NULL-terminated, unique */
	char		*url;		/* absolute link */
	char		*id;		/* absolute jekyll-feed id */
	struct author	 author;
	char		*summary;	/* description or excerpt, plain text */
	char		*image;		/* absolute URL, or NULL */
	char		*lang;
	char		*excerpt_separator; /* the post's own, or NULL */

	/* What the file looked like when read, to notice real changes. */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	int64_t		 mtime_ns;

	char		*content;	/* rendered HTML, once post_render ran */
};

/* Outcome of post_load other than success. */
enum post_status {
	POST_OK,
	POST_UNPUBLISHED,	/* published: false; not an error */
	POST_INVALID,		/* unreadable or malformed; *cause says why */
};

/*
 * Read the post at path (relpath is its path from the site root).  On
 * POST_OK *out is a new post (free with post_free), and *warning may
 * be set to a problem the post survived.  On POST_INVALID *cause is set.
 * Both are new "LINE: message" or " message" strings, to print after
 * "path:".
 */
enum post_status post_load(const struct config *, const char *path,
		    const char *relpath, struct post **out, char **cause,
		    char **warning);

/*
 * Make post->content available, reading the body again.  Returns 0, or
 * -1 with *cause set when the file can no longer be read (the content
 * is then the summary, so a feed can still be written).
 */
int		 post_render(const struct config *, struct post *,
		    char **cause);

void		 post_free(struct post *);

/* Whether file name base looks like a Jekyll post (YYYY-MM-DD-slug.ext). */
int		 post_is_post_name(const struct config *, const char *);

#endif
