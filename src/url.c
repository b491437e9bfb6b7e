/*
 * URL escaping, slugs and reference resolution.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

static int	is_unreserved(int);
static int	is_path_char(int);
static void	add_escaped(struct buf *, unsigned char);
static void	remove_dot_segments(struct buf *, const char *, size_t);
static size_t	authority_end(const char *);

/* RFC 3986 unreserved characters. */
static int
is_unreserved(int c)
{
	return (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~');
}

/* Characters a path may hold unescaped: pchar plus "/". */
static int
is_path_char(int c)
{
	return (is_unreserved(c) || strchr("!$&'()*+,;=:@/", c) != NULL);
}

/* Append %XX for byte c (every byte of a Chinese name goes through here). */
static void
add_escaped(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char	 esc[3] = { '%', hex[c >> 4], hex[c & 0xf] };

	buf_add(b, esc, sizeof esc);
}

/* Escape a placeholder value the way Jekyll::URL.escape_path does. */
void
url_escape_path(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x80 && *p != 0 && is_path_char(*p))
			buf_addc(b, (char)*p);
		else
			add_escaped(b, *p);
	}
}

/* Normalise a URL's escaping as Addressable::URI#normalize does. */
void
url_normalize(struct buf *b, const char *s)
{
	const unsigned char *p;
	int	 hi, lo, c;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '%' && isxdigit(p[1]) && isxdigit(p[2])) {
			hi = isdigit(p[1]) ? p[1] - '0' : tolower(p[1]) - 'a' + 10;
			lo = isdigit(p[2]) ? p[2] - '0' : tolower(p[2]) - 'a' + 10;
			c = hi * 16 + lo;
			if (is_unreserved(c))
				buf_addc(b, (char)c);
			else
				add_escaped(b, (unsigned char)c);
			p += 2;
		} else if (*p < 0x80 && (is_path_char(*p) ||
		    strchr("?#[]", *p) != NULL))
			buf_addc(b, (char)*p);
		else
			add_escaped(b, *p);
	}
}

/*
 * Jekyll's slugify: runs of characters outside the mode's set (Unicode
 * letters, marks and digits, plus some punctuation in pretty mode) become
 * one hyphen, and leading and trailing hyphens go.
 */
char *
url_slugify(const char *s, enum url_slug_mode mode, int cased)
{
	struct buf	 out = BUF_INIT;
	size_t		 len = strlen(s), i = 0, n;
	uint32_t	 c;
	int		 keep, gap = 0;

	buf_add(&out, "", 0);
	while (i < len) {
		if ((n = text_utf8_next(s + i, len - i, &c)) == 0) {
			c = 0xfffd;	/* not a letter: becomes a hyphen */
			n = 1;
		}
		i += n;
		keep = text_is_alnum(c) || (mode == SLUG_PRETTY && c < 0x80 &&
		    strchr("._~!$&'()+,;=@", (int)c) != NULL);
		if (!keep) {
			gap = 1;
			continue;
		}
		if (gap && out.len > 0)
			buf_addc(&out, '-');
		gap = 0;
		text_utf8_put(&out, cased ? c : text_to_lower(c));
	}
	return (buf_take(&out));
}

/* Whether ref starts with a URI scheme. */
int
url_has_scheme(const char *ref)
{
	const char	*p = ref;

	if (!isalpha((unsigned char)*p))
		return (0);
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return (*p == ':');
}

/* Whether url is "http://HOST..." or "https://HOST...". */
int
url_is_absolute_http(const char *url)
{
	const char	*p;

	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return (0);
	if (*p == '\0' || *p == '/' || *p == '?' || *p == '#')
		return (0);
	for (; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return (0);
	}
	return (1);
}

int
url_is_absolute_iri(const char *s)
{
	const char	*p = s;

	if (!isalpha((unsigned char)*p))
		return (0);
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return (0);
	for (p++; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
		    strchr("<>\"{}|\\^`", *p) != NULL)
			return (0);
	}
	return (1);
}

/* Offset where "scheme://authority" ends in an absolute URL. */
static size_t
authority_end(const char *url)
{
	const char	*p = strchr(url, ':');

	if (p == NULL)
		return (0);
	p++;
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		p += strcspn(p, "/?#");
	}
	return ((size_t)(p - url));
}

/* Append path (n bytes) to b with "." and ".." segments removed. */
static void
remove_dot_segments(struct buf *b, const char *path, size_t n)
{
	size_t	 start = b->len, seg;
	const char *p = path, *end = path + n;
	char	*slash;

	while (p < end) {
		seg = strcspn(p, "/");
		if (p + seg > end)
			seg = (size_t)(end - p);
		if (seg == 1 && p[0] == '.') {
			p += seg;
			if (p < end)
				p++;
			continue;
		}
		if (seg == 2 && p[0] == '.' && p[1] == '.') {
			/* Drop the last output segment, keep the slash. */
			if (b->len > start + 1) {
				b->data[b->len - 1] = '\0';
				slash = strrchr(b->data + start, '/');
				b->len = slash != NULL ?
				    (size_t)(slash - b->data) + 1 : start + 1;
				b->data[b->len] = '\0';
			}
			p += seg;
			if (p < end)
				p++;
			continue;
		}
		buf_add(b, p, seg);
		p += seg;
		if (p < end) {
			buf_addc(b, '/');
			p++;
		}
	}
}

/* Resolve ref against an absolute base URL. */
char *
url_resolve(const char *base, const char *ref)
{
	struct buf	 out = BUF_INIT;
	size_t		 auth = authority_end(base), pathlen;
	const char	*bpath = base + auth, *slash, *q;

	if (url_has_scheme(ref) || auth == 0)
		return (xstrdup(ref));
	if (ref[0] == '/' && ref[1] == '/') {
		q = strchr(base, ':');
		buf_add(&out, base, (size_t)(q - base) + 1);
		buf_adds(&out, ref);
		return (buf_take(&out));
	}
	pathlen = strcspn(bpath, "?#");
	buf_add(&out, base, auth);
	if (ref[0] == '\0' || ref[0] == '#' || ref[0] == '?') {
		/* Same document: keep the base's query unless ref has one. */
		buf_add(&out, bpath, ref[0] == '?' ? pathlen :
		    pathlen + strcspn(bpath + pathlen, "#"));
		buf_adds(&out, ref);
		return (buf_take(&out));
	}
	if (ref[0] == '/') {
		remove_dot_segments(&out, ref, strcspn(ref, "?#"));
	} else {
		struct buf merged = BUF_INIT;

		/* Merge: the base path up to its last slash, then ref. */
		slash = NULL;
		for (q = bpath; q < bpath + pathlen; q++) {
			if (*q == '/')
				slash = q;
		}
		if (slash != NULL)
			buf_add(&merged, bpath, (size_t)(slash - bpath) + 1);
		else
			buf_addc(&merged, '/');
		buf_add(&merged, ref, strcspn(ref, "?#"));
		remove_dot_segments(&out, merged.data, merged.len);
		buf_free(&merged);
	}
	buf_adds(&out, ref + strcspn(ref, "?#"));
	return (buf_take(&out));
}
