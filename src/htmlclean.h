/*
 * Well-formed HTML for feed content, whatever a post holds.  A post's
 * raw HTML passes through Markdown untouched, so a feed could carry
 * unclosed or stray tags, a link inside a link, or markup declarations
 * (<!DOCTYPE x [, <![CDATA[, <?php) that make feed readers' sanitizers
 * fail (Python's feedparser raises on the whole feed).  This pass keeps
 * every tag that can be kept and makes the rest text:
 *
 * - elements are balanced: a missing end tag is added where its parent
 *   ends, an end tag nothing opened is dropped;
 * - a link never holds a link: an <a> opening inside one closes it;
 * - markup declarations, processing instructions, unterminated comments
 *   and a '<' that opens no tag become text (&lt;);
 * - void elements (br, img...) need no end tag; script, style and
 *   textarea keep their raw content.
 */
#ifndef FEEDD_HTMLCLEAN_H
#define FEEDD_HTMLCLEAN_H

/* Nesting deeper than this closes elements rather than opening more. */
#define HTMLCLEAN_MAX_DEPTH	256

/* html made well-formed (new string). */
char	*htmlclean(const char *html);

#endif
