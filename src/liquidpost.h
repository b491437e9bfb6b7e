/*
 * Liquid in post bodies, as Jekyll renders it before converting the
 * Markdown: the site and page values a post's template sees, and
 * Jekyll's post_url, link, include and include_relative tags resolved
 * within the site (no link followed, nothing read outside it).
 *
 * What differs from Jekyll: site.posts, site.categories, site.tags and
 * site.pages are empty (building them for every render would cost more
 * than the feeds), and site.time is the configuration's date rather than
 * the build's, so that the same site always gives the same feeds.
 */
#ifndef FEEDD_LIQUIDPOST_H
#define FEEDD_LIQUIDPOST_H

#include <stddef.h>
#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "liquid.h"

struct index;
struct post;

/* What the bodies of one site's posts may refer to. */
struct liquidpost {
	const struct config *cfg;
	struct index	*idx;		/* for post_url and link */
	struct lq_value	*site;		/* site, built once */
};

/*
 * Set up rendering for cfg's posts, found through idx (both must outlive
 * lp).  Free with liquidpost_free.
 */
void	 liquidpost_init(struct liquidpost *, const struct config *,
	    struct index *);
void	 liquidpost_free(struct liquidpost *);

/*
 * Whether a body needs Liquid: it holds "{{" or "{%", and its front
 * matter (or the defaults) do not say render_with_liquid: false.
 */
int	 liquidpost_needed(const char *body, size_t len, yaml_document_t *,
	    yaml_node_t *front_matter, const struct post *);

/*
 * Render a post's body (body_line is its first line in the file) into
 * out, its front matter being root in doc.  With stash set, highlight
 * blocks wait there for after Markdown (liquid.h).  Problems are added
 * to diag as "LINE: message" lines.  Returns 0, or -1 if any.
 */
int	 liquidpost_render(const struct liquidpost *, const struct post *,
	    yaml_document_t *, yaml_node_t *root, const char *body, size_t len,
	    int body_line, struct liquid_stash *stash, struct buf *out,
	    struct buf *diag);

#endif
