/*
 * Markdown and HTML bodies to feed content.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htmlclean.h"
#include "htmlurl.h"
#include "liquid.h"
#include "markdown.h"
#include "render.h"
#include "smarty.h"
#include "text.h"
#include "xmalloc.h"

static char	*to_html(const char *, size_t, enum render_format,
		    const struct liquid_stash *);
static void	add_link_definitions(struct buf *, const char *,
		    const char *);
static char	*trimmed(const char *);


/*
 * Body to HTML, without link rewriting: Markdown with kramdown's
 * typography (curly quotes, dashes), as Jekyll converts it.
 */
static char *
to_html(const char *body, size_t len, enum render_format format,
    const struct liquid_stash *stash)
{
	struct buf	 out = BUF_INIT;
	char		*smart, *whole;

	buf_add(&out, "", 0);
	if (format == RENDER_HTML) {
		buf_add(&out, body, len);
		return (buf_take(&out));
	}
	if (markdown_html(body, len, &out) != 0) {
		/* md4c fails only on allocation; keep the text visible. */
		buf_reset(&out);
		buf_add(&out, body, len);
	}
	/* Liquid's highlight blocks come back after Markdown (liquid.h),
	 * and smarty leaves their code alone. */
	if (stash != NULL && liquid_stash_count(stash) > 0) {
		whole = liquid_unstash(stash, out.data);
		buf_reset(&out);
		buf_adds(&out, whole);
		free(whole);
	}
	smart = smarty_html(out.data);
	buf_free(&out);
	return (smart);
}

/* A copy without leading and trailing white space. */
static char *
trimmed(const char *s)
{
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return (xstrndup(s, n));
}

/* Render a body for a feed's content. */
char *
render_html(const char *body, size_t len, enum render_format format,
    const char *base, const struct liquid_stash *stash)
{
	char	*html, *clean, *abs, *out;

	html = to_html(body, len, format, stash);
	/* Raw HTML in posts is whatever its author wrote: balance it. */
	clean = htmlclean(html);
	free(html);
	html = clean;
	abs = htmlurl_absolutize(html, base);
	out = trimmed(abs);
	free(abs);
	free(html);
	return (out);
}

/*
 * Append the link reference definitions of text (lines "[name]: url"
 * indented at most three spaces), as Jekyll appends those of the rest of
 * the post to an excerpt.
 */
static void
add_link_definitions(struct buf *b, const char *text, const char *end)
{
	const char	*p, *nl, *q;

	for (p = text; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && q - p < 3 && *q == ' '; q++)
			;
		if (q < nl && *q == '[' && (q = memchr(q + 1, ']',
		    (size_t)(nl - q - 1))) != NULL && q + 1 < nl && q[1] == ':' &&
		    q[-1] != '[' && q + 2 < nl) {
			buf_addc(b, '\n');
			buf_add(b, p, (size_t)(nl - p));
		}
		if (nl == end)
			break;
	}
}

/* The excerpt as plain text. */
char *
render_excerpt(const char *body, size_t len, enum render_format format,
    const char *separator, const struct liquid_stash *stash)
{
	const char	*start = body, *end = body + len, *sep;
	struct buf	 head = BUF_INIT;
	char		*html, *plain;

	/* Skip blank lines so that a body opening with "\n" still has one. */
	while (start < end && (*start == '\n' || *start == '\r'))
		start++;
	if (separator != NULL && *separator != '\0' &&
	    (sep = memmem(start, (size_t)(end - start), separator,
	    strlen(separator))) != NULL)
		end = sep;
	buf_add(&head, start, (size_t)(end - start));
	if (format == RENDER_MARKDOWN && end < body + len) {
		buf_adds(&head, "\n\n");
		add_link_definitions(&head, end, body + len);
	}
	html = to_html(head.data, head.len, format, stash);
	plain = render_plain(html);
	free(html);
	buf_free(&head);
	return (plain);
}

/* Strip tags and squeeze white space. */
char *
render_plain(const char *html)
{
	char	*stripped, *plain;

	stripped = text_strip_html(html);
	plain = text_squeeze_space(stripped);
	free(stripped);
	return (plain);
}
