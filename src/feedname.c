/*
 * Feed output paths.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "feedname.h"
#include "permalink.h"
#include "url.h"
#include "xmalloc.h"

/* Longest encoded name kept whole; file systems allow 255 bytes. */
#define NAME_MAX_KEPT	200
/*
 * Length a longer name is cut to before "~" and its hash are appended:
 * at least NAME_MAX_KEPT, so a shortened name (cut + hash) is always
 * longer than any whole one and the two can never be equal.
 */
#define NAME_CUT	215

static char	*with_extension(const char *, enum feed_format);

/* A safe, injective file name for name. */
char *
feedname_safe(const char *name)
{
	return (feedname_fit(name, NAME_CUT + FEEDNAME_HASH_LEN));
}

/* A safe, injective file name for name, at most room bytes. */
char *
feedname_fit(const char *name, size_t room)
{
	struct buf	 out = BUF_INIT;
	const unsigned char *p;
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 cut, keep, limit = room - FEEDNAME_HASH_LEN;

	buf_add(&out, "", 0);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\' ||
		    *p == '%' || (*p == '.' && p == (const unsigned char *)name))
			buf_addf(&out, "%%%02X", *p);
		else
			buf_addc(&out, (char)*p);
	}
	keep = limit < NAME_MAX_KEPT ? limit : NAME_MAX_KEPT;
	if (out.len <= keep)
		return (buf_take(&out));

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	/* Cut on a UTF-8 character boundary, and not inside a %XX. */
	cut = limit < NAME_CUT ? limit : NAME_CUT;
	if (out.len < cut)
		cut = out.len;
	while (cut > 0 && ((out.data[cut] & 0xc0) == 0x80))
		cut--;
	if (cut >= 2 && out.data[cut - 2] == '%')
		cut -= 2;
	else if (cut >= 1 && out.data[cut - 1] == '%')
		cut -= 1;
	out.len = cut;
	buf_addf(&out, "~%016llx", (unsigned long long)h);
	return (buf_take(&out));
}

/* The RSS path beside an Atom path. */
char *
feedname_rss_path(const char *path)
{
	size_t	 n = strlen(path);
	char	*p;

	if (n > 4 && strcmp(path + n - 4, ".xml") == 0)
		xasprintf(&p, "%.*s.rss", (int)(n - 4), path);
	else
		xasprintf(&p, "%s.rss", path);
	return (p);
}

/* The JSON Feed path beside an Atom path: ".xml" becomes ".json". */
char *
feedname_json_path(const char *path)
{
	size_t	 n = strlen(path);
	char	*p;

	if (n > 4 && strcmp(path + n - 4, ".xml") == 0)
		xasprintf(&p, "%.*s.json", (int)(n - 4), path);
	else
		xasprintf(&p, "%s.json", path);
	return (p);
}

/* path with its .xml extension swapped for the format's. */
static char *
with_extension(const char *path, enum feed_format format)
{
	if (format == FORMAT_ATOM)
		return (xstrdup(path));
	if (format == FORMAT_JSON)
		return (feedname_json_path(path));
	return (feedname_rss_path(path));
}

/* The feed's output path for one format. */
char *
feedname_path(const struct config *cfg, const struct feed *f,
    enum feed_format format)
{
	const char	*pattern, *mark, *comp, *end;
	char		*safe, *path, *out;
	size_t		 fixed, room;

	if (f->kind == FEED_SITE)
		return (with_extension(cfg->feed_path, format));
	pattern = f->kind == FEED_CATEGORY ? cfg->category_path : cfg->tag_path;
	mark = strstr(pattern, "{name}");
	/* The file or folder name holding {name}: what is fixed in it
	 * (the JSON extension may add 5 bytes) limits the name's room. */
	for (comp = mark; comp > pattern && comp[-1] != '/'; comp--)
		;
	if ((end = strchr(mark, '/')) == NULL)
		end = mark + strlen(mark);
	fixed = (size_t)(end - comp) - 6 + 5;
	room = NAME_MAX - fixed;
	if (room > NAME_CUT + FEEDNAME_HASH_LEN)
		room = NAME_CUT + FEEDNAME_HASH_LEN;
	safe = feedname_fit(f->name, room);
	xasprintf(&path, "%.*s%s%s", (int)(mark - pattern), pattern, safe,
	    mark + 6);
	out = with_extension(path, format);
	free(path);
	free(safe);
	return (out);
}

/* A description of the feed for messages. */
char *
feedname_describe(const struct feed *f)
{
	char	*s;

	switch (f->kind) {
	case FEED_CATEGORY:
		xasprintf(&s, "category \"%s\"", f->name);
		break;
	case FEED_TAG:
		xasprintf(&s, "tag \"%s\"", f->name);
		break;
	default:
		s = xstrdup("site feed");
		break;
	}
	return (s);
}

/* The feed's title: the site's, then " | name" for a category or tag. */
const char *
feedname_title(const struct config *cfg, const struct feed *f, char **alloc)
{
	const char	*site = cfg->title != NULL ? cfg->title :
	    cfg->url[0] != '\0' ? cfg->url : "Feed";

	*alloc = NULL;
	if (f->kind == FEED_SITE)
		return (site);
	xasprintf(alloc, "%s | %s", site, f->name);
	return (*alloc);
}

/*
 * The URL of an output file.  Its path is escaped whole, '%' included, so
 * that a server decoding it finds the file: feed/a%2Fb.xml is
 * feed/a%252Fb.xml.
 */
char *
feedname_url(const char *siteurl, const struct config *cfg, const char *rel)
{
	struct buf	 path = BUF_INIT;
	char		*url;

	url_escape_path(&path, rel);
	url = permalink_absolute(siteurl, cfg->baseurl, path.data);
	buf_free(&path);
	return (url);
}
