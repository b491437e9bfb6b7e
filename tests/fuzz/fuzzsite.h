/*
 * What the fuzz targets share: a throw-away Jekyll site folder, made once
 * per process and removed at exit, and whole-file writes into it.
 */
#ifndef FEEDD_FUZZSITE_H
#define FEEDD_FUZZSITE_H

#include <stddef.h>

#include "../../src/config.h"

/* Where each target writes a post: a Jekyll post name in _posts/. */
#define FUZZ_POST_REL	"_posts/2022-01-01-fuzz.md"

/*
 * Make a temporary site folder holding _posts/ and a _config.yml of the
 * given text, removed at exit.  Returns its path (static storage); exits
 * on failure.
 */
const char	*fuzzsite_create(const char *yml);

/* site/rel as a new string. */
char		*fuzzsite_path(const char *rel);

/* Make path hold exactly len bytes of data; exits on failure. */
void		 fuzzsite_write(const char *path, const void *data,
		    size_t len);

/*
 * Load the site's config and install its time zone; exits if the config
 * has errors (the targets' own config must be good).
 */
struct config	*fuzzsite_config(void);

#endif
