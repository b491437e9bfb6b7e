/*
 * nginx location blocks for the feeds.
 */
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "discovery.h"
#include "feedname.h"
#include "nginxconf.h"
#include "xmalloc.h"

/* Every media type feedd writes, for charset_types and gzip_types. */
#define ALL_TYPES	"application/atom+xml application/rss+xml " \
			"application/feed+json application/json text/x-opml"

static void	quote(struct buf *, const char *);
static void	regex_quote(struct buf *, const char *);
static void	common(const struct config *, struct buf *, const char *);
static void	deny_nested(struct buf *);
static void	feed_types(struct buf *, const char *);
static const char *extension(const char *);
static void	open_location(const struct config *, struct buf *,
		    const char *, const char *, const char *);
static void	exact(const struct config *, struct buf *, const char *,
		    const char *);
static void	pattern(const struct config *, struct buf *, const char *);
static const char *unusable(const char *);
static int	folder_covers(const char *, const char *);
static void	regex_quote_pages(struct buf *, const char *);

/* s as an nginx string: quoted, '"' and '\' escaped. */
static void
quote(struct buf *out, const char *s)
{
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

/*
 * s as a literal inside a PCRE inside an nginx string, where "\\" is
 * one backslash and any other backslash stays as it is.
 */
static void
regex_quote(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_adds(out, "\\\\\\\\");
		else if (*s == '"')
			buf_adds(out, "\\\"");
		else {
			if (strchr("^$.|?*+()[]{}", *s) != NULL)
				buf_addc(out, '\\');
			buf_addc(out, *s);
		}
	}
}

/* Why a path cannot be given to nginx, or NULL. */
static const char *
unusable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '$')
			return ("it holds a '$', which nginx reads as a "
			    "variable");
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return ("it holds a control character");
	}
	return (NULL);
}

/* The directives every location shares: charset, gzip, caching. */
static void
common(const struct config *cfg, struct buf *out, const char *indent)
{
	buf_addf(out,
	    "%scharset utf-8;\n"
	    "%scharset_types text/html " ALL_TYPES ";\n"
	    "%sgzip on;\n"
	    "%sgzip_vary on;\n"
	    "%sgzip_types " ALL_TYPES ";\n",
	    indent, indent, indent, indent, indent);
	if (cfg->gzip)
		buf_addf(out, "%sgzip_static on;\n", indent);
	buf_addf(out, "%sexpires " NGINXCONF_EXPIRES ";\n", indent);
}

/* feedd's own files and temporary files are nobody's business. */
static void
deny_nested(struct buf *out)
{
	buf_adds(out, "    location ~ /\\.feedd { deny all; }\n");
}

/*
 * The extension of the last component of path (an Atom feed's), or NULL
 * when it has none.
 */
static const char *
extension(const char *path)
{
	const char	*slash = strrchr(path, '/');
	const char	*dot = strrchr(slash != NULL ? slash : path, '.');

	return (dot != NULL && dot[1] != '\0' && dot != path &&
	    (slash == NULL || dot > slash + 1) ? dot + 1 : NULL);
}

/*
 * types for a feed folder whose Atom files end as atom_path does: the
 * formats by extension; an Atom file without one gets the default type.
 */
static void
feed_types(struct buf *out, const char *atom_path)
{
	const char	*ext = extension(atom_path);

	buf_adds(out, "    types {\n");
	if (ext != NULL && strcmp(ext, "rss") != 0 &&
	    strcmp(ext, "json") != 0 && strcmp(ext, "gz") != 0)
		buf_addf(out, "        application/atom+xml %s;\n", ext);
	buf_adds(out,
	    "        application/rss+xml rss;\n"
	    "        application/feed+json json;\n"
	    "    }\n"
	    "    default_type application/atom+xml;\n");
}

/*
 * Open a location block ("location MODIFIER URI {") serving rel + suffix
 * of the output folder at the same path under baseurl.
 */
static void
open_location(const struct config *cfg, struct buf *out,
    const char *modifier, const char *rel, const char *suffix)
{
	char	*uri, *file;

	xasprintf(&uri, "%s/%s%s", cfg->baseurl, rel, suffix);
	xasprintf(&file, "%s/%s%s", cfg->output_dir, rel, suffix);
	buf_addf(out, "location %s ", modifier);
	quote(out, uri);
	buf_adds(out, " {\n    alias ");
	quote(out, file);
	buf_adds(out, ";\n");
	free(file);
	free(uri);
}

/* An exact location for one file, rel, of media type mime. */
static void
exact(const struct config *cfg, struct buf *out, const char *rel,
    const char *mime)
{
	open_location(cfg, out, "=", rel, "");
	buf_addf(out, "    types { }\n    default_type %s;\n", mime);
	common(cfg, out, "    ");
	buf_adds(out, "}\n");
}

/*
 * The location of the feeds of a path pattern: its folder, when {name}
 * lies below one (the folder is theirs: "feed/" for "feed/{name}.xml"),
 * else a regular expression of the pattern's shape.
 */
static void
pattern(const struct config *cfg, struct buf *out, const char *pat)
{
	const char	*mark = strstr(pat, "{name}"), *slash;
	char		*head, *rss, *json, *file, *tail, *rtail;

	for (slash = mark; slash > pat && slash[-1] != '/'; slash--)
		;
	if (slash > pat) {
		head = xstrndup(pat, (size_t)(slash - pat));
		open_location(cfg, out, "^~", head, "");
	} else {
		/* {name} in the first folder or file name: only URLs of the
		 * pattern's shape (names never start with '.'). */
		head = xstrndup(pat, (size_t)(mark - pat));
		/* The tail's forms for a name ("x"), without the name. */
		xasprintf(&file, "x%s", mark + 6);
		rss = feedname_rss_path(file);
		json = feedname_json_path(file);
		memmove(rss, rss + 1, strlen(rss));
		memmove(json, json + 1, strlen(json));
		free(file);
		buf_adds(out, "location ~ \"^");
		regex_quote(out, cfg->baseurl);
		buf_adds(out, "/(");
		regex_quote(out, head);
		buf_adds(out, *head == '\0' ? "[^/.][^/]*(?:" : "[^/]+(?:");
		regex_quote(out, mark + 6);
		buf_adds(out, "|");
		regex_quote(out, rss);
		buf_adds(out, "|");
		regex_quote(out, json);
		if (cfg->archive != ARCHIVE_NONE) {
			/* RFC 5005 pages: STEM/archive/PERIOD.EXT. */
			xasprintf(&file, "x%s", mark + 6);
			tail = archive_path(file, "[^/]+");
			free(file);
			xasprintf(&file, "x%s", rss);
			rtail = archive_path(file, "[^/]+");
			free(file);
			memmove(tail, tail + 1, strlen(tail));
			memmove(rtail, rtail + 1, strlen(rtail));
			buf_adds(out, "|");
			regex_quote_pages(out, tail);
			buf_adds(out, "|");
			regex_quote_pages(out, rtail);
			free(rtail);
			free(tail);
		}
		buf_adds(out, "))$\" {\n    alias ");
		xasprintf(&file, "%s/$1", cfg->output_dir);
		quote(out, file);
		buf_adds(out, ";\n");
		free(file);
		free(json);
		free(rss);
	}
	free(head);
	feed_types(out, pat);
	common(cfg, out, "    ");
	deny_nested(out);
	buf_adds(out, "}\n");
}

/*
 * An archive page path as a regular expression: quoted, but for the
 * "[^/]+" standing for its period.
 */
static void
regex_quote_pages(struct buf *out, const char *path)
{
	const char	*any = strstr(path, "[^/]+");
	char		*head;

	if (any == NULL) {
		regex_quote(out, path);
		return;
	}
	head = xstrndup(path, (size_t)(any - path));
	regex_quote(out, head);
	buf_adds(out, "[^/]+");
	regex_quote(out, any + 5);
	free(head);
}

/* Whether pattern a's folder holds pattern b's (so b needs no location). */
static int
folder_covers(const char *a, const char *b)
{
	const char	*ma = strstr(a, "{name}"), *mb = strstr(b, "{name}");
	const char	*sa, *sb;

	for (sa = ma; sa > a && sa[-1] != '/'; sa--)
		;
	for (sb = mb; sb > b && sb[-1] != '/'; sb--)
		;
	return (sa > a && sb > b && sa - a <= sb - b &&
	    strncmp(a, b, (size_t)(sa - a)) == 0);
}

/* The whole configuration. */
int
nginxconf_render(const struct config *cfg, struct buf *out, const char **why)
{
	const char	*paths[3] = { cfg->output_dir, cfg->baseurl,
	    cfg->discovery_dir != NULL ? cfg->discovery_dir : "" };
	char		*rel, *uri;
	size_t		 i, k;
	int		 tags_inside, cats_inside;

	for (i = 0; i < 3; i++) {
		if ((*why = unusable(paths[i])) != NULL)
			return (-1);
	}
	buf_addf(out,
	    "# Written by feedd nginx-config for the site %s: put these\n"
	    "# lines in the server { } block that serves it.  Each location\n"
	    "# takes its files from %s.\n",
	    cfg->site_dir, cfg->output_dir);
	buf_adds(out, "\n# The site feed.\n");
	for (k = 0; k < DISCOVERY_NFORMATS; k++) {
		if (!(cfg->formats & discovery_formats[k].format))
			continue;
		rel = k == 0 ? xstrdup(cfg->feed_path) : k == 1 ?
		    feedname_rss_path(cfg->feed_path) :
		    feedname_json_path(cfg->feed_path);
		exact(cfg, out, rel, discovery_formats[k].mime);
		free(rel);
	}
	if (cfg->archive != ARCHIVE_NONE) {
		/* Its RFC 5005 pages, in STEM/archive/. */
		rel = archive_path(cfg->feed_path, "");
		*strrchr(rel, '/') = '\0';
		open_location(cfg, out, "^~", rel, "/");
		feed_types(out, cfg->feed_path);
		common(cfg, out, "    ");
		deny_nested(out);
		buf_adds(out, "}\n");
		free(rel);
	}
	cats_inside = folder_covers(cfg->tag_path, cfg->category_path) &&
	    cfg->tags;
	tags_inside = folder_covers(cfg->category_path, cfg->tag_path) &&
	    cfg->categories;
	if (cfg->categories && cats_inside && !tags_inside)
		buf_adds(out, "\n# Category feeds: in the tag feeds' folder, "
		    "served below.\n");
	else if (cfg->categories) {
		buf_adds(out, "\n# Category feeds.\n");
		pattern(cfg, out, cfg->category_path);
	}
	if (cfg->tags && tags_inside)
		buf_adds(out, "\n# Tag feeds: in the category feeds' folder, "
		    "served above.\n");
	else if (cfg->tags) {
		buf_adds(out, "\n# Tag feeds.\n");
		pattern(cfg, out, cfg->tag_path);
	}
	if (cfg->discovery_dir != NULL) {
		xasprintf(&uri, "%s/%s/", cfg->baseurl, cfg->discovery_dir);
		buf_adds(out, "\n# The list of feeds: a page, an index and "
		    "OPML.\nlocation = ");
		uri[strlen(uri) - 1] = '\0';
		quote(out, uri);
		buf_adds(out, " {\n    return 301 ");
		uri[strlen(uri)] = '/';
		quote(out, uri);
		buf_adds(out, ";\n}\n");
		free(uri);
		open_location(cfg, out, "^~", cfg->discovery_dir, "/");
		buf_adds(out, "    index index.html;\n"
		    "    types {\n"
		    "        text/html html;\n"
		    "        application/json json;\n"
		    "        text/x-opml opml;\n"
		    "    }\n"
		    "    default_type application/octet-stream;\n");
		common(cfg, out, "    ");
		deny_nested(out);
		buf_adds(out, "}\n");
	}
	buf_adds(out, "\n# feedd's own files, wherever they are reached from.\n"
	    "location ~ /\\.feedd { deny all; }\n");
	return (0);
}
