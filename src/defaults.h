/*
 * Front-matter defaults as Jekyll applies them: the sets of _config.yml's
 * defaults: whose scope (a path prefix or glob, and a type) matches a
 * post, layered under the post's own front matter in Jekyll's order of
 * precedence.  A post's value for a key is then the topmost one that is
 * set (an empty value does not hide a default), and mappings such as
 * author merge key by key, as Jekyll's deep merge does.
 */
#ifndef FEEDD_DEFAULTS_H
#define FEEDD_DEFAULTS_H

#include <stddef.h>
#include <yaml.h>

#include "buf.h"

/* More matching sets than this (a site has a handful) are refused. */
#define DEFAULTS_MAX	64

struct defaults;

/* One layer of values: a mapping of a YAML document. */
struct fm_layer {
	yaml_document_t	*doc;
	yaml_node_t	*map;
	int		 first_line;	/* file line of the document's start */
	const char	*file;		/* NULL for the post itself */
};

/* A post's values: its front matter on top, then the defaults. */
struct fm_view {
	struct fm_layer	 layers[DEFAULTS_MAX + 1];
	size_t		 n;
};

/*
 * Read the defaults: list of file (a YAML document the caller keeps
 * alive as long as the result).  Problems go to errors and warnings as
 * "file:line: message" lines.  Returns a new set (free with
 * defaults_free), possibly empty.
 */
struct defaults	*defaults_read(yaml_document_t *, yaml_node_t *,
		    const char *file, struct buf *errors, struct buf *warnings);
void		 defaults_free(struct defaults *);

/* Whether no set applies to posts at all. */
int		 defaults_empty(const struct defaults *);

/*
 * The view of a post at site-relative path relpath whose front matter is
 * map in doc (map may be NULL: no front matter).  defaults may be NULL.
 */
void		 defaults_view(const struct defaults *, const char *relpath,
		    yaml_document_t *doc, yaml_node_t *map, struct fm_view *);

/*
 * The value of key: the topmost layer's, skipping nulls.  *layer (may be
 * NULL) gets the layer it came from.
 */
yaml_node_t	*fm_get(const struct fm_view *, const char *key,
		    const struct fm_layer **layer);

/*
 * The value of sub inside mapping key (author's email, image's path...):
 * while the topmost values of key are mappings, the topmost that sets
 * sub, as Jekyll's deep merge gives it.  NULL when key's value is not a
 * mapping or none sets sub.
 */
yaml_node_t	*fm_get_sub(const struct fm_view *, const char *key,
		    const char *sub, const struct fm_layer **layer);

/*
 * Where a value was written, for messages: its line in the post, or
 * "LINE (FILE:LINE, a front-matter default)" (a new string).
 */
char		*fm_where(const struct fm_layer *, const yaml_node_t *);

/*
 * Every set's scope, for check-config: one line per set, "path P, type
 * T: keys" (a new string, or NULL when there are no sets).
 */
char		*defaults_describe(const struct defaults *);

#endif
