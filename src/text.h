/*
 * Text clean-up for feeds: valid XML 1.0 character data from arbitrary
 * bytes, and the plain-text filters jekyll-feed applies to titles and
 * summaries (strip_html, normalize_whitespace).  Every function returns a
 * new string that the caller frees.
 */
#ifndef FEEDD_TEXT_H
#define FEEDD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Copy len bytes, replacing each invalid UTF-8 sequence by U+FFFD and
 * dropping code points XML 1.0 forbids (C0 controls but tab, newline and
 * carriage return; U+FFFE, U+FFFF).  If bad is not NULL it receives the
 * number of invalid sequences replaced.
 */
char	*text_xml_clean(const char *, size_t, size_t *bad);

/* Whether len bytes are already valid UTF-8 that XML 1.0 allows. */
int	 text_xml_is_clean(const char *, size_t);

/* A copy of a string, cleaned as text_xml_clean cleans it if need be. */
char	*text_xml_cleaned(const char *);

/* Offset of the first invalid UTF-8 sequence, or len if there is none. */
size_t	 text_utf8_check(const char *, size_t);

/* Remove HTML tags, comments and script/style elements. */
char	*text_strip_html(const char *);

/* Collapse runs of white space to one space and trim both ends. */
char	*text_squeeze_space(const char *);

/*
 * Decode the UTF-8 character at s (len bytes available) into *cp.
 * Returns its length, or 0 if the bytes are not valid UTF-8.
 */
size_t	 text_utf8_next(const char *, size_t, uint32_t *);

/* Append code point cp to b as UTF-8. */
void	 text_utf8_put(struct buf *, uint32_t);

/*
 * Unicode classes as Ruby's regexps see them: letters, marks and digits
 * count as alphanumeric; changing case is Unicode's simple mapping.
 */
int	 text_is_alnum(uint32_t);
uint32_t text_to_lower(uint32_t);
uint32_t text_to_upper(uint32_t);

/* Lower-case a UTF-8 string (new string). */
char	*text_lower(const char *);

/*
 * Make a locale name such as "zh_CN" a language tag ("zh-CN"), as
 * xml:lang and hreflang require, in place.
 */
void	 text_language_tag(char *);

/*
 * Plain text made safe for an HTML context (Atom's type="html", RSS's
 * description): "<!" and "<?" become "&lt;!" and "&lt;?".
 */
char	*text_html_safe(const char *);

/* Whether s is an e-mail address (addr-spec) a feed may carry. */
int	 text_is_email(const char *);

/* Whether a language tag is well-formed for xml:lang (Atom's pattern). */
int	 text_language_valid(const char *);

/* Whether s is NULL or holds only white space. */
int	 text_is_blank(const char *);

#endif
