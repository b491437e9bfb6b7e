/*
 * Text clean-up: XML-safe character data and plain-text filters.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"
#include "xmalloc.h"

static size_t	utf8_decode(const unsigned char *, size_t, uint32_t *);
static int	xml_char_allowed(uint32_t);

/*
 * Decode one UTF-8 sequence at s (n bytes available).  Returns its length,
 * or 0 if it is invalid (overlong, surrogate, out of range, truncated).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	 len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

/* Whether XML 1.0 allows code point c in character data. */
static int
xml_char_allowed(uint32_t c)
{
	if (c < 0x20)
		return (c == '\t' || c == '\n' || c == '\r');
	return (c != 0xfffe && c != 0xffff);
}

/* Copy with invalid UTF-8 replaced and XML-forbidden characters dropped. */
char *
text_xml_clean(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf	 out = BUF_INIT;
	size_t		 i = 0, n, nbad = 0, run = 0;
	uint32_t	 c;

	buf_add(&out, "", 0);
	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n != 0 && xml_char_allowed(c)) {
			i += n;
			run += n;
			continue;
		}
		buf_add(&out, p + i - run, run);
		run = 0;
		if (n == 0) {
			buf_adds(&out, "\xef\xbf\xbd");
			nbad++;
			i++;
		} else
			i += n;
	}
	buf_add(&out, p + i - run, run);
	if (bad != NULL)
		*bad = nbad;
	return (buf_take(&out));
}

/* Offset of the first invalid UTF-8 sequence, or len. */
size_t
text_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, n;
	uint32_t	 c;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &c)) == 0)
			return (i);
		i += n;
	}
	return (len);
}

/* Remove tags, comments and the contents of script and style elements. */
char *
text_strip_html(const char *s)
{
	struct buf	 out = BUF_INIT;
	const char	*p = s, *end;

	buf_add(&out, "", 0);
	while (*p != '\0') {
		if (*p != '<') {
			end = strchr(p, '<');
			if (end == NULL)
				end = p + strlen(p);
			buf_add(&out, p, (size_t)(end - p));
			p = end;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			end = strstr(p + 4, "-->");
			p = end != NULL ? end + 3 : p + strlen(p);
		} else if (strncasecmp(p, "<script", 7) == 0 ||
		    strncasecmp(p, "<style", 6) == 0) {
			const char *close = p[2] == 'c' || p[2] == 'C' ?
			    "</script" : "</style";

			end = strcasestr(p, close);
			if (end == NULL)
				p += strlen(p);
			else {
				end = strchr(end, '>');
				p = end != NULL ? end + 1 : p + strlen(p);
			}
		} else if ((isalpha((unsigned char)p[1]) || p[1] == '/' ||
		    p[1] == '!' || p[1] == '?') && (end = strchr(p, '>')) != NULL)
			p = end + 1;
		else {
			/* '<' opening no tag is text: "a < b", "<10倍 & 5%>". */
			buf_addc(&out, *p++);
		}
	}
	return (buf_take(&out));
}

/* Collapse white space runs to single spaces and trim. */
char *
text_squeeze_space(const char *s)
{
	struct buf	 out = BUF_INIT;
	int		 space = 0;

	buf_add(&out, "", 0);
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			space = out.len > 0;
			continue;
		}
		if (space)
			buf_addc(&out, ' ');
		space = 0;
		buf_addc(&out, *s);
	}
	return (buf_take(&out));
}

/* Whether s is NULL or white space only. */
int
text_is_blank(const char *s)
{
	if (s == NULL)
		return (1);
	for (; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s))
			return (0);
	}
	return (1);
}
