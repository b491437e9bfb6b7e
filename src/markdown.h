/*
 * Markdown to HTML as Jekyll's kramdown (GFM input) writes it, through
 * md4c's parser, so that a post's content in a feed is the markup
 * jekyll-feed would carry.  Decisions, construct by construct (each
 * measured against kramdown 2.4 in tests/data/jekyll/markdown-cases.tsv):
 *
 * - headers get kramdown's GFM ids (lower-cased text, punctuation out,
 *   spaces as '-', "-1", "-2"... for repeats);
 * - fenced and indented code is wrapped as rouge wraps it,
 *   <div class="language-X highlighter-rouge"><div class="highlight">
 *   <pre class="highlight"><code>, without rouge's colouring spans;
 *   code spans are <code class="language-plaintext highlighter-rouge">;
 * - ordered lists ignore their start number, as kramdown does; task
 *   list items and table cells carry kramdown's attributes;
 * - void elements are written XHTML style (<br />, <hr />, <img ... />);
 * - an inline attribute list right after an image
 *   (![a](x.png){: width="50%"}) gives the image its attributes; one
 *   after another span, or on a line of its own ({: .class}, {:toc}),
 *   is dropped, as kramdown consumes it, without being applied;
 * - GitHub's tables, strikethrough and task lists are read, but no bare
 *   URL, www. name or e-mail address becomes a link (kramdown makes
 *   none; one in a link's text would make a link inside a link);
 * - raw HTML passes through; entities stay entities.
 *
 * Not done: footnotes, abbreviations, definition lists, math and
 * markdown="1" inside HTML blocks (md4c reads none of them: the text
 * stays), and rouge's syntax colouring.
 */
#ifndef FEEDD_MARKDOWN_H
#define FEEDD_MARKDOWN_H

#include <stddef.h>

#include "buf.h"

/* Append the HTML of len bytes of Markdown to out.  Returns 0 or -1. */
int	markdown_html(const char *, size_t, struct buf *out);

#endif
