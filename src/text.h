/*
 * Text clean-up for feeds: valid XML 1.0 character data from arbitrary
 * bytes, and the plain-text filters jekyll-feed applies to titles and
 * summaries (strip_html, normalize_whitespace).  Every function returns a
 * new string that the caller frees.
 */
#ifndef FEEDD_TEXT_H
#define FEEDD_TEXT_H

#include <stddef.h>

/*
 * Copy len bytes, replacing each invalid UTF-8 sequence by U+FFFD and
 * dropping code points XML 1.0 forbids (C0 controls but tab, newline and
 * carriage return; U+FFFE, U+FFFF).  If bad is not NULL it receives the
 * number of invalid sequences replaced.
 */
char	*text_xml_clean(const char *, size_t, size_t *bad);

/* Offset of the first invalid UTF-8 sequence, or len if there is none. */
size_t	 text_utf8_check(const char *, size_t);

/* Remove HTML tags, comments and script/style elements. */
char	*text_strip_html(const char *);

/* Collapse runs of white space to one space and trim both ends. */
char	*text_squeeze_space(const char *);

/* Whether s is NULL or holds only white space. */
int	 text_is_blank(const char *);

#endif
