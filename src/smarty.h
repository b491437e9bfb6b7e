/*
 * Typography as kramdown makes it, which Jekyll uses for Markdown bodies
 * and for Liquid's smartify filter (applied by jekyll-feed to titles):
 * straight quotes become curly ones by kramdown's rules, "---" an em
 * dash, "--" an en dash, "..." an ellipsis, "<<" and ">>" guillemets.
 * Matching it keeps feedd's titles and summaries the bytes jekyll-feed
 * writes.
 */
#ifndef FEEDD_SMARTY_H
#define FEEDD_SMARTY_H

/* Plain text converted (new string). */
char	*smarty_text(const char *);

/*
 * HTML whose text is converted: tags, attribute values, comments, and
 * the contents of code, pre, kbd, samp, script, style and math are left
 * as they are; entities for quotes and angle brackets in text count as
 * the characters (new string).
 */
char	*smarty_html(const char *);

#endif
