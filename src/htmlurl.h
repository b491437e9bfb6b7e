/*
 * Make links in HTML content absolute.  Feed readers and e-mail services
 * ignore xml:base, so relative href, src, srcset and poster values are
 * resolved against the post's URL before the content goes into a feed.
 */
#ifndef FEEDD_HTMLURL_H
#define FEEDD_HTMLURL_H

/* Return a new copy of html with relative URLs resolved against base. */
char	*htmlurl_absolutize(const char *html, const char *base);

#endif
