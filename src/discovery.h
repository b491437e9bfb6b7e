/*
 * How readers find the feeds: files written with them into one folder of
 * the output (feedd.discovery, default "feeds/"), listing every feed that
 * has files: an HTML page with subscribe links (feedspage.h), a
 * machine-readable index (JSON), an OPML 2.0 subscription list, and the
 * autodiscovery <link> lines of each feed as a Jekyll data file.  They
 * are rendered from the list alone, so the same feeds give the same bytes
 * whether a build or the daemon writes them.
 */
#ifndef FEEDD_DISCOVERY_H
#define FEEDD_DISCOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "index.h"

/* The folder of these files when feedd.discovery is true. */
#define DISCOVERY_DIR		"feeds"

/* The feed formats, in the order files and links list them. */
#define DISCOVERY_NFORMATS	3

struct discovery_format {
	enum feed_format format;
	const char	*key;		/* "atom", "rss", "json" */
	const char	*label;		/* "Atom", "RSS", "JSON Feed" */
	const char	*mime;		/* its media type */
};
extern const struct discovery_format discovery_formats[DISCOVERY_NFORMATS];

/* One feed as listed. */
struct listed_feed {
	enum feed_kind	 kind;
	const char	*name;		/* NULL for the site feed */
	size_t		 posts;		/* posts it has */
	size_t		 entries;	/* of them in its files */
	int64_t		 newest;	/* date of its newest post, if posts */
	char		*paths[DISCOVERY_NFORMATS]; /* its files, or NULL */
};

enum discovery_file {
	DISCOVERY_PAGE,		/* index.html */
	DISCOVERY_INDEX,	/* index.json */
	DISCOVERY_OPML,		/* feeds.opml */
	DISCOVERY_HEAD,		/* autodiscovery.json */
	DISCOVERY_NFILES
};

/* The file's name in the discovery folder. */
const char	*discovery_name(enum discovery_file);

/*
 * Render file which for the n feeds of list (site, categories, tags, each
 * by name) into out.  Returns 0, or -1 if libxml2 or jansson failed.
 */
int		 discovery_render(const struct config *, enum discovery_file,
		    const struct listed_feed *, size_t, struct buf *out);

/*
 * Whether cfg's feed paths keep out of its discovery folder, whatever the
 * names of categories and tags: NULL if so, else a static reason.
 */
const char	*discovery_check_paths(const struct config *);

#endif
