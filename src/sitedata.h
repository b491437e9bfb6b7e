/*
 * The site's _data folder as Jekyll reads it: every .yml, .yaml and .json
 * file (and folder of them) becomes site.data.NAME, where a later
 * extension in that order replaces an earlier one.  feedd reads it for
 * authors (site.data.authors) and for Liquid's site.data.  The folder is
 * untrusted like the rest of the site: links are not followed, and files,
 * their number, size and nesting are bounded.
 */
#ifndef FEEDD_SITEDATA_H
#define FEEDD_SITEDATA_H

#include <yaml.h>

#include "buf.h"

/* Bounds on what _data may cost. */
#define SITEDATA_MAX_FILES	1000
#define SITEDATA_MAX_BYTES	(32 * 1024 * 1024)
#define SITEDATA_MAX_DEPTH	8

struct sitedata;

/*
 * Read site_dir/_data (absent: empty).  Files that cannot be read or
 * parsed, and what is over the bounds, are reported to warnings as
 * "file:line: message" lines and left out.  Returns a new sitedata.
 */
struct sitedata	*sitedata_load(const char *site_dir, struct buf *warnings);
void		 sitedata_free(struct sitedata *);

/*
 * The value of key in site.data.NAME (a mapping file NAME.yml, or a
 * file key.yml in the folder NAME/): 1 with *doc and *node set, or 0.
 */
int		 sitedata_lookup(const struct sitedata *, const char *name,
		    const char *key, yaml_document_t **doc, yaml_node_t **node);

/*
 * Call fn for each entry of site.data (folder entries have node NULL and
 * their own sitedata in sub), for building Liquid's site.data.
 */
void		 sitedata_foreach(const struct sitedata *,
		    void (*fn)(const char *name, yaml_document_t *, yaml_node_t *,
		    const struct sitedata *sub, void *), void *);

#endif
