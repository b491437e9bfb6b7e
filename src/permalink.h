/*
 * Post URLs and entry ids exactly as Jekyll 4 and jekyll-feed make them.
 */
#ifndef FEEDD_PERMALINK_H
#define FEEDD_PERMALINK_H

#include <stddef.h>
#include <stdint.h>

/* What a URL template can refer to. */
struct permalink_vars {
	int64_t		 date;		/* instant; placeholders use local time */
	const char	*slug;		/* front matter slug, or the file's */
	const char	*name;		/* file name without extension */
	const char	*path;		/* site-relative file path */
	const char	*output_ext;	/* ".html" */
	char *const	*categories;	/* NULL-terminated */
};

/*
 * Expand template (a style's template or a custom one) into the post's
 * site-relative URL, sanitised as Jekyll's URL#to_s does.  Unknown
 * placeholders are left as written; if unknown is not NULL the first one
 * is stored there (a new string).  Returns a new string.
 */
char	*permalink_url(const char *, const struct permalink_vars *,
	    char **unknown);

/*
 * The first placeholder of template that Jekyll does not know (a new
 * string), or NULL when all are known.
 */
char	*permalink_unknown(const char *);

/*
 * The post's id as Jekyll computes it: the folder of its URL joined with
 * its slug (not escaped).  Returns a new string.
 */
char	*permalink_id(const char *url, const char *slug);

/*
 * absolute_url: site url + baseurl + path, normalised (non-ASCII and other
 * unsafe bytes percent-encoded).  Returns a new string.
 */
char	*permalink_absolute(const char *siteurl, const char *baseurl,
	    const char *path);

#endif
