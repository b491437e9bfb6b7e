/*
 * Text clean-up: XML-safe character data and plain-text filters.
 */
#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "buf.h"
#include "text.h"
#include "xmalloc.h"

static size_t	utf8_decode(const unsigned char *, size_t, uint32_t *);
static int	ascii_word(const unsigned char *);
static int	printable_ascii_word(const unsigned char *);
static size_t	plain_utf8_3(const unsigned char *, size_t);
static int	xml_char_allowed(uint32_t);
static void	make_unicode_locale(void);
static locale_t	unicode_locale(void);
static int	starts_tag(const char *);

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

/*
 * Fast paths for the validators, which see every byte of every post: a
 * machine word of ASCII at a time, and the three-byte sequences that make
 * up most Chinese text.
 */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Whether the 8 bytes at p are ASCII. */
static inline int
ascii_word(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return ((w & HIGHS) == 0);
}

/* Whether the 8 bytes at p are ASCII from ' ' on (no control character). */
static inline int
printable_ascii_word(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	/* Subtracting 0x20 from each byte sets some high bit iff a byte of
	 * ASCII is < 0x20; w's own high bits are the non-ASCII bytes. */
	return (((w | (w - ONES * 0x20)) & HIGHS) == 0);
}

/*
 * 3 if p starts a sequence with lead byte E1-EC or EE and two
 * continuation bytes, else 0.  Every such sequence is a character XML
 * allows (U+1000-U+CFFF, U+E000-U+EFFF: no surrogate or noncharacter),
 * so it needs no decoding.
 */
static inline size_t
plain_utf8_3(const unsigned char *p, size_t n)
{
	if (n < 3 || !((p[0] >= 0xe1 && p[0] <= 0xec) || p[0] == 0xee))
		return (0);
	return ((p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 ? 3 : 0);
}

/* Decode one UTF-8 character. */
size_t
text_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	return (utf8_decode((const unsigned char *)s, len, cp));
}

/* Append a code point as UTF-8. */
void
text_utf8_put(struct buf *b, uint32_t c)
{
	char	 u[4];

	if (c < 0x80) {
		u[0] = (char)c;
		buf_add(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 4);
	}
}

/*
 * A UTF-8 locale for Unicode character classes, made once and never
 * changed, whatever the process locale is.  NULL if the system has none.
 */
static locale_t unicode_loc;

/* pthread_once body: make the locale. */
static void
make_unicode_locale(void)
{
	unicode_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* The locale, made on first use by whichever thread comes first. */
static locale_t
unicode_locale(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_unicode_locale);
	return (unicode_loc);
}

/* Whether c is a letter, mark or digit (non-ASCII: if no locale, yes). */
int
text_is_alnum(uint32_t c)
{
	locale_t	 loc;

	if (c < 0x80)
		return (isalnum((int)c));
	if ((loc = unicode_locale()) == (locale_t)0)
		return (1);
	return (iswalnum_l((wint_t)c, loc) || (c >= 0x300 && c < 0x370));
}

/* Unicode lower case of c. */
uint32_t
text_to_lower(uint32_t c)
{
	locale_t	 loc;

	if (c < 0x80)
		return ((uint32_t)tolower((int)c));
	if ((loc = unicode_locale()) == (locale_t)0)
		return (c);
	return ((uint32_t)towlower_l((wint_t)c, loc));
}

/* Unicode upper case of c. */
uint32_t
text_to_upper(uint32_t c)
{
	locale_t	 loc;

	if (c < 0x80)
		return ((uint32_t)toupper((int)c));
	if ((loc = unicode_locale()) == (locale_t)0)
		return (c);
	return ((uint32_t)towupper_l((wint_t)c, loc));
}

/* Lower-case a UTF-8 string; invalid bytes are copied as they are. */
char *
text_lower(const char *s)
{
	struct buf	 out = BUF_INIT;
	size_t		 len = strlen(s), i = 0, n;
	uint32_t	 c;

	buf_add(&out, "", 0);
	while (i < len) {
		if ((n = text_utf8_next(s + i, len - i, &c)) == 0) {
			buf_addc(&out, s[i++]);
			continue;
		}
		text_utf8_put(&out, text_to_lower(c));
		i += n;
	}
	return (buf_take(&out));
}

/*
 * Whether the '<' at p opens a tag as HTML defines it: an ASCII letter,
 * '/', '!' or '?' follows.  ("<反弹>" in a Chinese title is words, which
 * Liquid's strip_html would drop.)
 */
static int
starts_tag(const char *p)
{
	return (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!' ||
	    p[1] == '?');
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

/* Whether the bytes need no cleaning; the common ASCII case is quick. */
int
text_xml_is_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, n;
	uint32_t	 c;

	while (i < len) {
		if (len - i >= 8 && printable_ascii_word(p + i)) {
			i += 8;
			continue;
		}
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = plain_utf8_3(p + i, len - i)) != 0) {
			i += n;
			continue;
		}
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0 || !xml_char_allowed(c))
			return (0);
		i += n;
	}
	return (1);
}

char *
text_xml_cleaned(const char *s)
{
	size_t	 len = strlen(s);

	return (text_xml_is_clean(s, len) ? xstrdup(s) :
	    text_xml_clean(s, len, NULL));
}

/* Offset of the first invalid UTF-8 sequence, or len. */
size_t
text_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, n;
	uint32_t	 c;

	while (i < len) {
		if (len - i >= 8 && ascii_word(p + i)) {
			i += 8;
			continue;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = plain_utf8_3(p + i, len - i)) == 0 &&
		    (n = utf8_decode(p + i, len - i, &c)) == 0)
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
		} else if ((strncasecmp(p, "<script", 7) == 0 &&
		    !isalnum((unsigned char)p[7]) && p[7] != '-') ||
		    (strncasecmp(p, "<style", 6) == 0 &&
		    !isalnum((unsigned char)p[6]) && p[6] != '-')) {
			const char *close = p[2] == 'c' || p[2] == 'C' ?
			    "</script" : "</style";

			end = strcasestr(p, close);
			if (end == NULL)
				p += strlen(p);
			else {
				end = strchr(end, '>');
				p = end != NULL ? end + 1 : p + strlen(p);
			}
		} else if (starts_tag(p) && (end = strchr(p, '>')) != NULL)
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
	const char	*word;
	int		 space = 0;

	buf_add(&out, "", 0);
	while (*s != '\0') {
		if (isspace((unsigned char)*s)) {
			space = out.len > 0;
			s++;
			continue;
		}
		for (word = s; *s != '\0' && !isspace((unsigned char)*s); s++)
			;
		if (space)
			buf_addc(&out, ' ');
		space = 0;
		buf_add(&out, word, (size_t)(s - word));
	}
	return (buf_take(&out));
}

/* Turn "zh_CN" into the language tag "zh-CN" in place. */
void
text_language_tag(char *lang)
{
	for (; lang != NULL && *lang != '\0'; lang++) {
		if (*lang == '_')
			*lang = '-';
	}
}

/*
 * Plain text for an HTML context: "<!" and "<?" would open a markup
 * declaration or processing instruction, which feed readers' HTML
 * sanitizers choke on (Python's feedparser raises on "<!DOCTYPE x ["),
 * so their '<' becomes "&lt;", which HTML shows as '<'.
 */
char *
text_html_safe(const char *s)
{
	struct buf	 out = BUF_INIT;
	const char	*lt;

	buf_add(&out, "", 0);
	while ((lt = strchr(s, '<')) != NULL) {
		buf_add(&out, s, (size_t)(lt - s));
		if (lt[1] == '!' || lt[1] == '?')
			buf_adds(&out, "&lt;");
		else
			buf_addc(&out, '<');
		s = lt + 1;
	}
	buf_adds(&out, s);
	return (buf_take(&out));
}

/*
 * Whether s is an addr-spec: a dot-atom local part, '@', and a domain
 * of letter, digit and hyphen labels joined by dots (RFC 5322, without
 * quoted local parts or address literals, which feeds never need).
 */
int
text_is_email(const char *s)
{
	const char	*at = strchr(s, '@'), *p;
	size_t		 label = 0;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    s[0] == '.' || at[-1] == '.')
		return (0);
	for (p = s; p < at; p++) {
		if (!isalnum((unsigned char)*p) && (*p == '\0' ||
		    strchr("!#$%&'*+-/=?^_`{|}~.", *p) == NULL))
			return (0);
		if (*p == '.' && p[1] == '.')
			return (0);
	}
	for (p = at + 1; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || p[-1] == '-')
				return (0);
			if (*p == '\0')
				return (1);
			label = 0;
		} else if (isalnum((unsigned char)*p) || (*p == '-' &&
		    label > 0))
			label++;
		else
			return (0);
	}
}

/*
 * Whether lang is a language tag as Atom's schema has it: a subtag of
 * 1-8 letters, then subtags of 1-8 letters or digits, joined by '-'.
 */
int
text_language_valid(const char *lang)
{
	size_t	 n = 0;
	int	 first = 1;

	for (;; lang++) {
		if (*lang == '-' || *lang == '\0') {
			if (n == 0)
				return (0);
			if (*lang == '\0')
				return (1);
			n = 0;
			first = 0;
		} else if (++n > 8 || !((*lang >= 'a' && *lang <= 'z') ||
		    (*lang >= 'A' && *lang <= 'Z') || (!first &&
		    *lang >= '0' && *lang <= '9')))
			return (0);
	}
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
