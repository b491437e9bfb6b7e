/*
 * Rendering one feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1)
 * with jansson: the same entries, ids, dates, authors, summaries, content
 * and tags as its Atom feed.  Every string goes through jansson's encoder,
 * so no post can break the document; the same input gives the same bytes.
 */
#ifndef FEEDD_JSONFEED_H
#define FEEDD_JSONFEED_H

#include <jansson.h>

#include "buf.h"
#include "config.h"
#include "index.h"
#include "rcache.h"

/* The JSON Feed version this module writes. */
#define JSONFEED_VERSION	"https://jsonfeed.org/version/1.1"

/*
 * Render the newest posts_limit posts of feed, entries[i] being the body
 * of feed->posts[i]; selfpath is the file's path in the output folder.
 * Appends to out; returns 0, or -1 if jansson failed.
 */
int	jsonfeed_render(const struct config *, const struct feed *,
	    const char *selfpath, const struct rendered *const *entries,
	    struct buf *out);

/*
 * A JSON string of text made valid as the XML feeds make it (control
 * characters and invalid UTF-8 replaced), so every format says the same.
 */
json_t	*jsonfeed_text(const char *);

/*
 * Append doc (taken) to out, indented by indent spaces per level, keys in
 * insertion order, with a final newline; 0, or -1 if jansson failed.
 */
int	jsonfeed_dump(json_t *, int indent, struct buf *);

/*
 * XML-escaped text as rcache keeps it back to what it stands for: the
 * inverse of its escaping of '&', '<', '>' and CR (new string).
 */
char	*jsonfeed_unescape(const char *);

#endif
