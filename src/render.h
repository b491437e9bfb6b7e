/*
 * Post bodies to feed HTML: Markdown as kramdown writes it (markdown.h)
 * with kramdown's typography (smarty.h), HTML as it is; then balanced and
 * cleaned (htmlclean.h) and every relative link made absolute.
 */
#ifndef FEEDD_RENDER_H
#define FEEDD_RENDER_H

#include <stddef.h>

struct liquid_stash;

enum render_format {
	RENDER_MARKDOWN,
	RENDER_HTML,
};

/*
 * Render len bytes of body to HTML with links resolved against base (the
 * post's absolute URL); stash (may be NULL) holds the blocks Liquid set
 * aside from Markdown.  Returns a new string, trimmed as jekyll-feed's
 * "strip" does.
 */
char	*render_html(const char *, size_t, enum render_format,
	    const char *base, const struct liquid_stash *);

/*
 * The excerpt Jekyll takes: the body up to the first separator (blank
 * leading lines skipped) with the link reference definitions of the rest,
 * rendered, as plain text with white space collapsed.  Returns a new
 * string, possibly empty.
 */
char	*render_excerpt(const char *, size_t, enum render_format,
	    const char *separator, const struct liquid_stash *);

/* HTML or text to one line of plain text: tags stripped, spaces squeezed. */
char	*render_plain(const char *);

#endif
