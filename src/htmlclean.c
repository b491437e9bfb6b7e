/*
 * Balancing and cleaning HTML for feeds.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "htmlclean.h"
#include "xmalloc.h"

/* The longest element name kept; longer ones are text. */
#define NAME_MAX_LEN	32

struct cleaner {
	struct buf	 out;
	char		 stack[HTMLCLEAN_MAX_DEPTH][NAME_MAX_LEN + 1];
	size_t		 depth;
};

static int	is_void(const char *);
static int	is_raw(const char *);
static size_t	tag_name(const char *, char *);
static const char *tag_end(const char *);
static void	close_to(struct cleaner *, size_t);
static const char *start_tag(struct cleaner *, const char *);
static const char *end_tag(struct cleaner *, const char *);

/* Elements that have no end tag. */
static int
is_void(const char *name)
{
	static const char *const names[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "param", "source",
	    "track", "wbr", NULL };
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(name, names[i]) == 0)
			return (1);
	}
	return (0);
}

/* Elements whose content is raw text up to their end tag. */
static int
is_raw(const char *name)
{
	return (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	    strcmp(name, "textarea") == 0);
}

/*
 * The lower-cased name of the tag whose name starts at p, into name
 * (NAME_MAX_LEN + 1 bytes).  Returns its length, 0 if too long.
 */
static size_t
tag_name(const char *p, char *name)
{
	size_t	 n = 0;

	while (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == ':' ||
	    p[n] == '_' || p[n] == '.') {
		if (n == NAME_MAX_LEN)
			return (0);
		name[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	name[n] = '\0';
	return (n);
}

/* Where the tag starting at p ends (past its '>'), quotes respected. */
static const char *
tag_end(const char *p)
{
	char	 quote = 0;

	for (; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			return (p + 1);
	}
	return (NULL);
}

/* Close the open elements down to depth. */
static void
close_to(struct cleaner *c, size_t depth)
{
	while (c->depth > depth)
		buf_addf(&c->out, "</%s>", c->stack[--c->depth]);
}

/* A start tag at p ('<' and a letter); returns where text goes on. */
static const char *
start_tag(struct cleaner *c, const char *p)
{
	char		 name[NAME_MAX_LEN + 1];
	const char	*end, *close;
	size_t		 n, i;

	if ((n = tag_name(p + 1, name)) == 0 || (end = tag_end(p)) == NULL ||
	    (!is_void(name) && end[-2] != '/' &&
	    c->depth == HTMLCLEAN_MAX_DEPTH)) {
		buf_adds(&c->out, "&lt;");
		return (p + 1);
	}
	/* A link inside a link: the open one ends first, as browsers do. */
	if (strcmp(name, "a") == 0) {
		for (i = c->depth; i > 0; i--) {
			if (strcmp(c->stack[i - 1], "a") == 0) {
				close_to(c, i - 1);
				break;
			}
		}
	}
	buf_add(&c->out, p, (size_t)(end - p));
	if (is_void(name) || end[-2] == '/')
		return (end);
	if (is_raw(name)) {
		/* Raw text up to its end tag, which is always written. */
		for (close = end; (close = strchr(close, '<')) != NULL;
		    close++) {
			if (close[1] == '/' && strncasecmp(close + 2, name, n) ==
			    0 && !isalnum((unsigned char)close[2 + n]))
				break;
		}
		if (close == NULL)
			close = end + strlen(end);
		buf_add(&c->out, end, (size_t)(close - end));
		buf_addf(&c->out, "</%s>", name);
		if (*close == '\0' || (end = strchr(close, '>')) == NULL)
			return (close + strlen(close));
		return (end + 1);
	}
	memcpy(c->stack[c->depth++], name, n + 1);
	return (end);
}

/* An end tag at p ("</" and a letter); returns where text goes on. */
static const char *
end_tag(struct cleaner *c, const char *p)
{
	char		 name[NAME_MAX_LEN + 1];
	const char	*end;
	size_t		 i;

	if (tag_name(p + 2, name) == 0 || (end = strchr(p, '>')) == NULL) {
		buf_adds(&c->out, "&lt;");
		return (p + 1);
	}
	for (i = c->depth; i > 0; i--) {
		if (strcmp(c->stack[i - 1], name) == 0) {
			close_to(c, i);
			c->depth--;
			buf_add(&c->out, p, (size_t)(end + 1 - p));
			break;
		}
	}
	/* An end tag that nothing opened is dropped. */
	return (end + 1);
}

/* Make html well-formed. */
char *
htmlclean(const char *html)
{
	struct cleaner	*c = xcalloc(1, sizeof *c);
	const char	*p = html, *next, *end;
	char		*res;

	buf_add(&c->out, "", 0);
	while (*p != '\0') {
		if (*p != '<') {
			next = strchr(p, '<');
			if (next == NULL)
				next = p + strlen(p);
			buf_add(&c->out, p, (size_t)(next - p));
			p = next;
		} else if (strncmp(p, "<!--", 4) == 0 &&
		    (end = strstr(p + 4, "-->")) != NULL) {
			buf_add(&c->out, p, (size_t)(end + 3 - p));
			p = end + 3;
		} else if (isalpha((unsigned char)p[1]))
			p = start_tag(c, p);
		else if (p[1] == '/' && isalpha((unsigned char)p[2]))
			p = end_tag(c, p);
		else {
			/* <!DOCTYPE, <![CDATA[, <?pi, "a < b": text. */
			buf_adds(&c->out, "&lt;");
			p++;
		}
	}
	close_to(c, 0);
	res = buf_take(&c->out);
	free(c);
	return (res);
}
