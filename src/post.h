/*
 * One post: its front matter read into the fields a feed needs, its URL
 * and id computed as Jekyll does.  The body is not kept: post_render
 * reads it again when a feed needs the content (see rcache.h), so memory
 * stays proportional to the posts' metadata, not their text.
 */
#ifndef FEEDD_POST_H
#define FEEDD_POST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "config.h"
#include "render.h"

struct liquidpost;

/* Posts larger than this are refused (not a post, or a mistake). */
#define POST_MAX_BYTES	(64 * 1024 * 1024)
/*
 * Front matter larger than this is refused: real posts hold a few
 * kilobytes, and a parsed YAML tree costs many times its text.
 */
#define FRONT_MATTER_MAX_BYTES	(1024 * 1024)
/*
 * A post in more categories (or tags) than this is refused: each of its
 * feeds would list them all, so the output grows with their square.
 */
#define POST_MAX_NAMES	256

/*
 * Every string and list of a post lives in one block (see post_pack), so
 * a large index costs one allocation per post, not a dozen.
 */
struct post {
	char		*path;		/* file path, the index key */
	enum render_format format;

	char		*title;		/* plain text */
	int64_t		 date;		/* published instant */
	int64_t		 updated;	/* last_modified_at, else date */
	char		**categories;	/* NULL-terminated, unique */
	char		**tags;		/* NULL-terminated, unique */
	char		*url;		/* absolute link */
	char		*id;		/* feed_id:, a kept id (idmap.h) or
					 * the absolute jekyll-feed id */
	char		*computed_id;	/* the id post_load made, when a kept
					 * one replaced it; else NULL */
	struct author	*authors;	/* the first is RSS's; may be none */
	size_t		 nauthors;
	char		*summary;	/* description or excerpt; NULL: body's */
	char		*image;		/* absolute URL, or NULL */
	char		*lang;
	char		*excerpt_separator; /* the post's own, or NULL */
	char		*block;		/* holds all of the above */
	int		 id_shared;	/* another indexed post has its id */
	int		 id_given;	/* the id is the post's feed_id: */
	int		 recent;	/* see struct post_file */

	/* What the file looked like when read, to notice real changes. */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;	/* a chmod may make it unreadable */
	uint64_t	 digest;	/* hash64 of its bytes */
};

/*
 * A post file as post_load read it.  While its device, inode, size,
 * mtime and ctime stay the same, so do its bytes -- unless it was
 * changed within POST_SETTLE_NS of being read: file systems stamp times
 * with a coarse clock (a jiffy, a second, two on FAT), so a second write
 * in the same tick would leave every field as it was.  Such a file is
 * recent, and only reading it again tells (git's "racy" entries).
 */
struct post_file {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;		/* -1: the file could not be read */
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
	int		 recent;
};

/* Past this, a file's time stamps safely tell its later changes. */
#define POST_SETTLE_NS	(2 * 1000000000LL)

/* Outcome of post_load other than success. */
enum post_status {
	POST_OK,
	POST_UNPUBLISHED,	/* published: false; not an error */
	POST_INVALID,		/* unreadable or malformed; *cause says why */
};

/*
 * Read the post at path (relpath is its path from the site root), through
 * scratch (reused between calls; may be NULL).  On
 * POST_OK *out is a new post (free with post_free), and *warning may
 * be set to problems the post survived, one a line.  On POST_INVALID
 * *cause is set.  Both are new "LINE: message" or " message" strings
 * (lines of them for *warning), to print after "path:".  *file (may be
 * NULL) gets the identity of the file the outcome was read from.
 */
enum post_status post_load(const struct config *, const char *path,
		    const char *relpath, struct buf *scratch, struct post **out,
		    char **cause, char **warning, struct post_file *file);

/*
 * Render the post's body, read again through scratch (reused between
 * calls; may be NULL): its Liquid first when lp is set (liquidpost.h),
 * then *content gets its HTML with absolute links (empty with
 * excerpt_only), *summary the front matter's summary or the excerpt as
 * plain text, both new strings.  Returns 0; 1 when Liquid had problems,
 * listed in *cause as "LINE: message" lines (the constructs were
 * removed); or -1 with *cause set when the file can no longer be read or
 * is no longer the version loaded (both are then the front matter's
 * summary, so a feed can still be written).  *liquid (may be NULL) says
 * whether Liquid ran, so the result depends on other posts too.
 */
int		 post_render(const struct config *, const struct liquidpost *,
		    const struct post *, struct buf *scratch, char **content,
		    char **summary, char **cause, int *liquid);

/*
 * Move the post's separately allocated strings and lists into one block
 * (post_load does this; a post built by hand must be packed before
 * post_free).
 */
void		 post_pack(struct post *);

/*
 * Give a (packed) post another id: one it keeps across a rename.  The
 * id it had from post_load stays in computed_id.
 */
void		 post_set_id(struct post *, const char *);

void		 post_free(struct post *);

/* Whether file name base looks like a Jekyll post (YYYY-MM-DD-slug.ext). */
int		 post_is_post_name(const struct config *, const char *);

#endif
