/*
 * Make links in HTML content absolute.  Feed readers and e-mail services
 * ignore xml:base, so relative values of every URL attribute (href, src,
 * srcset, poster, cite, action, data, background, longdesc, usemap, SVG's
 * xlink:href...) are resolved against the post's URL before the content
 * goes into a feed.
 */
#ifndef FEEDD_HTMLURL_H
#define FEEDD_HTMLURL_H

/* Return a new copy of html with relative URLs resolved against base. */
char	*htmlurl_absolutize(const char *html, const char *base);

#endif
