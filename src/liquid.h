/*
 * A small Liquid renderer that follows Jekyll 4.3 as measured with
 * Debian's jekyll 4.3.1 (Liquid 5.4.0, rouge 3.30.0): output with filters,
 * whitespace control, raw, comment, if/elsif/else, unless, case/when,
 * for (limit, offset, reversed, else, break, continue, forloop),
 * assign, capture, and Jekyll's highlight, post_url, link, include and
 * include_relative tags.  The values it sees are lq_values (lqvalue.h).
 *
 * Site content is untrusted.  Nothing that fails to parse or render is
 * copied to the output: an unknown tag, an unknown filter, a syntax or a
 * runtime error (where Jekyll would stop the build) removes that tag or
 * {{ }} and reports ONE diagnostic, "LINE: message\n", LINE counted from
 * the caller's first_line.  An unknown block tag {% foo %}...{% endfoo %}
 * loses both tags but keeps its content, rendered.
 *
 * Rendering is bounded whatever the input: template size (nodes), output
 * size, text made on the way, list length, loop iterations, nesting,
 * include depth and size, and the total work all have limits (below);
 * past one, the construct stops and the limit is reported once.  Ranges
 * are never materialised.
 *
 * Markdown.  Jekyll renders Liquid before Markdown, so a highlight block
 * reaches the Markdown converter as HTML.  Its code may hold blank lines,
 * which end an HTML block in CommonMark: md4c would turn the rest of the
 * code into Markdown.  With a stash in the environment, highlight output
 * is kept aside and the text gets a placeholder paragraph instead
 * ("\n\nTOKEN\n\n", TOKEN made only of letters and digits, so Markdown
 * leaves it alone); after Markdown, liquid_unstash() puts the blocks back,
 * replacing "<p>TOKEN</p>" (what md4c makes of it) or a bare TOKEN.
 * kramdown does the same to a highlight block in a paragraph: it closes
 * the paragraph before the <figure> and opens a new one after it.  (A
 * highlight inside a Markdown code span or fence would come back as
 * HTML, where Jekyll escapes it; and placeholders must be put back
 * before HTML is made plain text, as for excerpts.)
 *
 * Where this differs from Jekyll, or leaves things out:
 * - highlight makes rouge's markup without the colouring <span>s.
 * - Tags cycle, increment, decrement, echo, liquid, render, tablerow,
 *   ifchanged and "offset: continue" are reported and removed; so are
 *   the filters not in lqfilter.c (group_by, where_exp, find, sample,
 *   push, pop, shift, base64_*, sort_natural...).  As in Jekyll, a
 *   value goes through an unknown filter unchanged; here with a report.
 * - Markup only Liquid's lax parser reads ({{ "a" "b" }}, {{ 1e3 }},
 *   {% if 1 == %}) is a syntax error here.
 * - markdownify and smartify are feedd's kramdown-shaped Markdown and
 *   typography (markdown.h, smarty.h), not kramdown itself.
 * - Integers past 64 bits become Floats (Ruby has Bignums); case mapping
 *   is Unicode's simple one ("ß" | upcase stays "ß").
 * - date reads a subset of Ruby's Time.parse (ISO 8601 forms,
 *   "2024/01/02", "Jan 2, 2024", "2 January 2024", RFC 822 dates);
 *   YAML dates without a time stay strings, hash keys are strings.
 * - sort is stable; Ruby's is not, so equal keys may come in another
 *   order.
 * - As in Jekyll (no ActiveSupport), nothing equals blank.
 */
#ifndef FEEDD_LIQUID_H
#define FEEDD_LIQUID_H

#include <stddef.h>

#include "buf.h"
#include "lqvalue.h"

/* Default output cap; a larger template may produce twice its size,
 * up to the ceiling. */
#define LIQUID_MAX_OUTPUT		(16 * 1024 * 1024)
#define LIQUID_MAX_OUTPUT_CEIL		(256 * 1024 * 1024)
/* Iterations of all for loops of one render, includes counted. */
#define LIQUID_MAX_ITERATIONS		100000
/* Blocks nested in one template (Liquid's own limit). */
#define LIQUID_MAX_DEPTH		100
/* Includes nested in includes. */
#define LIQUID_MAX_INCLUDE_DEPTH	10
/* One include file, and all of a render's include files together. */
#define LIQUID_MAX_INCLUDE_SIZE		(1024 * 1024)
#define LIQUID_MAX_INCLUDE_TOTAL	(16 * 1024 * 1024)
/* Tags, outputs and texts parsed by one render, includes counted. */
#define LIQUID_MAX_NODES		100000
/* Work of one render: elements visited, iterations, nodes rendered. */
#define LIQUID_MAX_WORK			20000000L
/* Text one render makes (output, captures, filter results), in output caps. */
#define LIQUID_MAX_TEXT			4
/* Elements of a list a filter makes (split, sort, a range's items). */
#define LIQUID_MAX_LIST			100000
/* Diagnostics of one render; the rest are counted in one last line. */
#define LIQUID_MAX_DIAGNOSTICS		50

/* Verbatim blocks kept aside while Markdown runs (opaque). */
struct liquid_stash;

struct liquid_env {
	const struct lq_value *site;	/* "site"; NULL reads as nil */
	const struct lq_value *page;	/* "page"; NULL reads as nil */
	const char	*url;		/* site url, no trailing slash, or "" */
	const char	*baseurl;	/* "" or "/path" */

	/*
	 * URL path of the post whose file stem (or "sub/dir/stem") is
	 * name, e.g. "/2010/07/21/name.html", as a new string; NULL if
	 * there is none.  The tag prints it through relative_url.
	 */
	char		*(*post_url)(const char *name, void *arg);
	/* URL path of the site file at a site-relative path, or NULL. */
	char		*(*link)(const char *path, void *arg);
	/*
	 * Append the text of _includes/FILE to out and return 0, or return
	 * -1 with a new string in *cause.  The module has checked FILE
	 * (Jekyll's characters, no "..", "//" or leading "/"); the callback
	 * enforces the site's containment (symlinks) and may stop reading
	 * past LIQUID_MAX_INCLUDE_SIZE bytes.  include_relative reads FILE
	 * relative to the post's folder; either may be NULL, which makes
	 * the tag an error.
	 */
	int		 (*include)(const char *file, struct buf *out,
			    char **cause, void *arg);
	int		 (*include_relative)(const char *file, struct buf *out,
			    char **cause, void *arg);
	void		*arg;		/* passed to the callbacks */

	size_t		 max_output;	/* 0: LIQUID_MAX_OUTPUT */
	struct liquid_stash *stash;	/* NULL: highlight HTML inline */
};

/*
 * Render len bytes of template src, whose first line is line first_line
 * of its file, appending the result to out and diagnostics ("LINE:
 * message\n") to diag, which may be NULL.  Returns 0, or -1 if anything
 * was reported (out then holds the best effort: bad constructs removed,
 * stopped ones cut short).  Thread-safe as long as env's values are not
 * being modified.
 */
int	 liquid_render(const char *src, size_t len, int first_line,
	    const struct liquid_env *, struct buf *out, struct buf *diag);

/* A new, empty stash; free with liquid_stash_free(). */
struct liquid_stash *liquid_stash_new(void);
void	 liquid_stash_free(struct liquid_stash *);

/* How many blocks the stash holds. */
size_t	 liquid_stash_count(const struct liquid_stash *);

/*
 * html with every placeholder of the stash replaced by its block: a
 * paragraph holding only the placeholder ("<p>TOKEN</p>") is replaced
 * whole.  Returns a new string.
 */
char	*liquid_unstash(const struct liquid_stash *, const char *html);

#endif
