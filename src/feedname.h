/*
 * Where each feed goes: output paths relative to the output folder, built
 * from the configured patterns.  Any category or tag name maps to one file
 * name inside the output folder: bytes that could climb out or hide a file
 * ('/', '\\', a leading '.', control characters, and '%' itself) are
 * percent-encoded, so distinct names give distinct files, and names too
 * long for a file system are shortened with a hash of the whole name.
 */
#ifndef FEEDD_FEEDNAME_H
#define FEEDD_FEEDNAME_H

#include "config.h"
#include "index.h"

/*
 * Bytes a file name may hold around {name} (prefix, suffix and the JSON
 * extension), so that every name still gets room for 32 bytes of its
 * own and a hash: config refuses longer patterns.
 */
#define FEEDNAME_FIXED_MAX	(255 - 32 - FEEDNAME_HASH_LEN)
#define FEEDNAME_HASH_LEN	17	/* "~" and 16 hex digits */

/* The feed's path for format, relative to the output folder (new string). */
char	*feedname_path(const struct config *, const struct feed *,
	    enum feed_format);

/* A safe file name for a category or tag name (new string). */
char	*feedname_safe(const char *);

/*
 * The same, at most room bytes long (at least 32 + FEEDNAME_HASH_LEN):
 * longer names are cut and end with a hash of the whole name.
 */
char	*feedname_fit(const char *, size_t room);

/* The RSS path of an Atom path: ".xml" becomes ".rss" (new string). */
char	*feedname_rss_path(const char *);

/* The JSON Feed path of an Atom path: ".xml" becomes ".json" (new string). */
char	*feedname_json_path(const char *);

/*
 * The feed's title: the site's title, then " | name" for a category or
 * tag.  Returns it, in *alloc (to free) when made anew, else *alloc is
 * NULL.
 */
const char *feedname_title(const struct config *, const struct feed *,
	    char **alloc);

/*
 * The absolute URL of output file rel, siteurl being cfg->url or
 * cfg->id_url (new string); relative to the host when siteurl is "".
 */
char	*feedname_url(const char *siteurl, const struct config *,
	    const char *rel);

/* "category \"x\"", "tag \"x\"" or "site feed", for messages (new string). */
char	*feedname_describe(const struct feed *);

#endif
