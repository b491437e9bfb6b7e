/*
 * URL text as Jekyll makes it: path escaping, slugs, absolute_url's
 * normalisation, and RFC 3986 reference resolution for links in content.
 * Functions returning char * return a new string the caller frees.
 */
#ifndef FEEDD_URL_H
#define FEEDD_URL_H

#include "buf.h"

/* Jekyll::URL.escape_path: percent-encode what a path segment forbids. */
void	 url_escape_path(struct buf *, const char *);

/*
 * Percent-encode every byte a URL path may not hold as is (non-ASCII,
 * spaces, ...), keep existing %XX escapes (upper-cased, decoded when they
 * stand for an unreserved character), as Addressable's normalize does.
 */
void	 url_normalize(struct buf *, const char *);

/* Jekyll's Utils.slugify in "pretty" mode (cased) or "default" mode. */
enum url_slug_mode {
	SLUG_DEFAULT,
	SLUG_PRETTY,
};
char	*url_slugify(const char *, enum url_slug_mode, int cased);

/* Resolve reference ref against absolute URL base (RFC 3986, 5.2). */
char	*url_resolve(const char *base, const char *ref);

/* Whether url is an absolute http or https URL with a host. */
int	 url_is_absolute_http(const char *);

/*
 * Whether s is an absolute IRI fit for an Atom id (RFC 3987): a scheme,
 * ':' and something after it, with no white space, control character or
 * character IRIs exclude (<>"{}|\^`).
 */
int	 url_is_absolute_iri(const char *);

/* Whether ref has a scheme ("https:", "mailto:", ...). */
int	 url_has_scheme(const char *);

#endif
