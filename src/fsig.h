/*
 * Feed signatures (.feedd/feeds): for each feed file, a digest of all a
 * rendering of it is made from -- the configuration (confhash.h), the
 * file's path and format, the feed and the identity and id of each post
 * it shows -- and the identity of the file written from it (inode, size,
 * mtime, ctime).  When both still hold, the file already holds what a
 * rendering would give, so it is neither rendered nor read back: a
 * rebuild, or a daemon start, with nothing changed reads no post body.
 * Only renderings that depend on the posts' own files are signed (no
 * Liquid, which reads other posts and _includes; no problem reported).
 * A file changed behind feedd's back has another identity, so it is
 * rendered and compared as before.  The file is a cache: torn, foreign
 * or stale, it costs renderings, never a wrong feed.
 */
#ifndef FEEDD_FSIG_H
#define FEEDD_FSIG_H

#include <stdint.h>

#include "config.h"
#include "index.h"
#include "outdir.h"

struct fsig;

/* Read the signatures of out for cfg; both must outlive it. */
struct fsig	*fsig_open(const struct config *, struct outdir *);
void		 fsig_free(struct fsig *);

/*
 * The signature of the document rel: f->posts[first..+count) rendered as
 * format, with extra (a link it holds besides; may be NULL).
 */
uint64_t	 fsig_of(const struct fsig *, const struct feed *,
		    enum feed_format, const char *rel, size_t first,
		    size_t count, const char *extra);

/* The signature of a file rendered from len bytes at data alone. */
uint64_t	 fsig_of_data(const struct fsig *, const void *, size_t);

/*
 * Whether rel (and its .gz with feedd.gzip) was written from sig and is
 * still the file written; probe (a batch, for its open folders) looks.
 */
int		 fsig_unchanged(struct fsig *, struct outdir_batch *probe,
		    const char *rel, uint64_t sig);

/*
 * rel (and its .gz) now holds the rendering of sig: remember it with the
 * file's identity.  stable 0 (the rendering depended on more than the
 * posts' files) forgets rel instead.
 */
void		 fsig_set(struct fsig *, struct outdir_batch *probe,
		    const char *rel, uint64_t sig, int stable);

/* Forget rel: it was removed, or could not be written. */
void		 fsig_drop(struct fsig *, const char *rel);

/* Write .feedd/feeds if anything changed.  0, or -1 with errno set. */
int		 fsig_save(struct fsig *);

#endif
