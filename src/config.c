/*
 * Reading _config.yml and the --config file into a struct config.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "datetime.h"
#include "defaults.h"
#include "discovery.h"
#include "feedname.h"
#include "fileio.h"
#include "log.h"
#include "outdir.h"
#include "permalink.h"
#include "sandbox.h"
#include "sitedata.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"
#include "yamlu.h"

/* Config files are small; a bigger one is a mistake, not a config. */
#define CONFIG_MAX_BYTES	(4 * 1024 * 1024)

/* One file being applied: where messages point and where they collect. */
struct config_reader {
	const char	*path;
	yaml_document_t	*doc;
	struct buf	*errors;
	struct buf	*warnings;
	int		 admin;		/* the -c file, not the site's */
};

/* Room a feed file name keeps for a category or tag name (feedname.h). */
#define NAME_ROOM_MIN	(NAME_MAX - FEEDNAME_FIXED_MAX)

static void	reader_error(struct config_reader *, yaml_node_t *,
		    const char *, ...) __attribute__((__format__(printf, 3, 4)));
static void	reader_warning(struct config_reader *, yaml_node_t *,
		    const char *, ...) __attribute__((__format__(printf, 3, 4)));
static void	set_string(struct config_reader *, char **, yaml_node_t *,
		    const char *);
static void	set_bool(struct config_reader *, int *, yaml_node_t *,
		    const char *);
static void	set_int(struct config_reader *, int *, yaml_node_t *,
		    const char *, int, int);
static void	set_list(struct config_reader *, char ***, yaml_node_t *,
		    const char *);
static void	set_feed_path(struct config_reader *, char **, yaml_node_t *,
		    const char *, const char *, int);
static char	*normalise_path(const char *);
static const char *check_feed_path(const char *, int);
static void	set_archive(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_websub(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	set_admin_only(struct config_reader *, char **,
		    yaml_node_t *, const char *);
static void	set_discovery(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	check_discovery(struct config *, struct buf *);
static void	check_output(struct config *, struct buf *);
static void	apply_author(struct config_reader *, struct author *,
		    yaml_node_t *);
static void	apply_feed(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_feedd(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_site(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_collections(struct config_reader *, struct config *,
		    yaml_node_t *);
static int	load_file(const char *, const char *, yaml_document_t *,
		    struct buf *);
static char	*resolve_path(const char *, const char *);
static int64_t	newest_mtime(const char *, int64_t);
static char	*absolute_path(const char *);
static void	set_defaults(struct config *);
static void	log_lines(void (*)(const char *, ...), char *);
static void	finish(struct config *, struct buf *, struct buf *);

/* Record an error at node's line. */
static void
reader_error(struct config_reader *r, yaml_node_t *node, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	buf_addf(r->errors, "%s:%d: %s\n", r->path, yamlu_line(node, 1),
	    msg != NULL ? msg : fmt);
	free(msg);
}

/* Record a warning at node's line. */
static void
reader_warning(struct config_reader *r, yaml_node_t *node,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	buf_addf(r->warnings, "%s:%d: %s\n", r->path, yamlu_line(node, 1),
	    msg != NULL ? msg : fmt);
	free(msg);
}

/* Replace *dst with a scalar node's text. */
static void
set_string(struct config_reader *r, char **dst, yaml_node_t *node,
    const char *key)
{
	const char	*v;

	if (node == NULL)
		return;
	if (node->type != YAML_SCALAR_NODE) {
		reader_error(r, node, "%s must be a string", key);
		return;
	}
	/* A null ("~") is the same as leaving the key out. */
	if ((v = yamlu_scalar(node)) == NULL)
		return;
	free(*dst);
	*dst = xstrdup(v);
}

/* Set a boolean setting. */
static void
set_bool(struct config_reader *r, int *dst, yaml_node_t *node,
    const char *key)
{
	int	 b;

	if (node == NULL)
		return;
	if ((b = yamlu_bool(node)) == -1)
		reader_error(r, node, "%s must be true or false", key);
	else
		*dst = b;
}

/* Set an integer setting within [min, max]. */
static void
set_int(struct config_reader *r, int *dst, yaml_node_t *node,
    const char *key, int min, int max)
{
	const char	*v = yamlu_scalar(node);
	char		*end;
	long		 n;

	if (node == NULL)
		return;
	if (v == NULL || !yamlu_is_plain(node)) {
		reader_error(r, node, "%s must be a number", key);
		return;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < min || n > max) {
		reader_error(r, node, "%s must be a number from %d to %d",
		    key, min, max);
		return;
	}
	*dst = (int)n;
}

/* Replace *dst with a list (or a single string) of strings. */
static void
set_list(struct config_reader *r, char ***dst, yaml_node_t *node,
    const char *key)
{
	char		**list;
	size_t		 n;
	const char	*why;

	if (node == NULL)
		return;
	if (yamlu_strings(r->doc, node, 0, &list, &n, &why) != 0) {
		reader_error(r, node, "%s must be a list of strings (%s)", key,
		    why);
		return;
	}
	if (list == NULL)
		list = xcalloc(1, sizeof *list);
	yamlu_free_list(*dst);
	*dst = list;
}

/*
 * A feed path as written, made canonical: no leading, doubled or
 * trailing slashes, no "." components (new string).
 */
static char *
normalise_path(const char *p)
{
	struct buf	 out = BUF_INIT;
	const char	*slash;
	size_t		 n;

	buf_add(&out, "", 0);
	while (*p != '\0') {
		if ((slash = strchr(p, '/')) == NULL)
			slash = p + strlen(p);
		n = (size_t)(slash - p);
		if (n > 0 && !(n == 1 && *p == '.')) {
			if (out.len > 0)
				buf_addc(&out, '/');
			buf_add(&out, p, n);
		}
		p = *slash == '/' ? slash + 1 : slash;
	}
	return (buf_take(&out));
}

/*
 * Whether a feed path (a pattern holding {name} once when pattern is
 * set) is one feedd may write, in every format.  Returns NULL if so,
 * else a static reason.
 */
static const char *
check_feed_path(const char *path, int pattern)
{
	const char	*mark, *why, *comp, *end;
	char		*p, *rss, *json;
	size_t		 fixed;

	mark = strstr(path, "{name}");
	if (pattern && mark == NULL)
		return ("it must contain {name}");
	if (pattern && strstr(mark + 6, "{name}") != NULL)
		return ("it must contain {name} only once");
	if (pattern) {
		/* The file name around {name} must leave room for names. */
		for (comp = mark; comp > path && comp[-1] != '/'; comp--)
			;
		if ((end = strchr(mark, '/')) == NULL)
			end = mark + strlen(mark);
		fixed = (size_t)(end - comp) - 6 + 5;
		if (fixed > FEEDNAME_FIXED_MAX)
			return ("the name of the file or folder holding "
			    "{name} is too long");
		/* Names are made safe, but a dot before one could make a
		 * hidden name of feedd's own (".feedd-tmp-..."). */
		if (*comp == '.' && comp != mark)
			return ("the name holding {name} starts with a dot");
	}
	xasprintf(&p, "%.*s%s%s", pattern ? (int)(mark - path) :
	    (int)strlen(path), path, pattern ? "n" : "", pattern ? mark + 6 :
	    "");
	rss = feedname_rss_path(p);
	json = feedname_json_path(p);
	if ((why = outdir_check_path(p)) == NULL &&
	    (why = outdir_check_path(rss)) == NULL)
		why = outdir_check_path(json);
	free(json);
	free(rss);
	free(p);
	return (why);
}

/* Set a feed path or pattern, refusing one that leaves the folder. */
static void
set_feed_path(struct config_reader *r, char **dst, yaml_node_t *node,
    const char *key, const char *format, int pattern)
{
	const char	*v, *why;
	char		*p, *norm;

	if (node == NULL)
		return;
	if (node->type != YAML_SCALAR_NODE || (v = yamlu_scalar(node)) ==
	    NULL || *v == '\0') {
		reader_error(r, node, "%s must be a path", key);
		return;
	}
	xasprintf(&p, format, v);
	norm = normalise_path(p);
	free(p);
	if ((why = check_feed_path(norm, pattern)) != NULL) {
		reader_error(r, node, "%s \"%s\" cannot be used: %s", key, v,
		    why);
		free(norm);
		return;
	}
	free(*dst);
	*dst = norm;
}

/*
 * A setting that chooses folders or reaches outside: only the
 * administrator's -c file may give it, never the site.
 */
static void
set_admin_only(struct config_reader *r, char **dst, yaml_node_t *node,
    const char *key)
{
	if (node == NULL)
		return;
	if (!r->admin) {
		reader_warning(r, node, "%s is ignored in the site's "
		    "_config.yml: only the administrator's -c file may set it",
		    key);
		return;
	}
	set_string(r, dst, node, key);
}

/*
 * feedd.discovery: true (the folder "feeds"), false, or the folder the
 * lists of feeds go to.
 */
static void
set_discovery(struct config_reader *r, struct config *cfg, yaml_node_t *node)
{
	const char	*v, *why;
	char		*norm, *probe;
	int		 b;

	if (node == NULL)
		return;
	if (node->type == YAML_SCALAR_NODE && (b = yamlu_bool(node)) != -1) {
		free(cfg->discovery_dir);
		cfg->discovery_dir = b ? xstrdup(DISCOVERY_DIR) : NULL;
		return;
	}
	if (node->type != YAML_SCALAR_NODE || (v = yamlu_scalar(node)) ==
	    NULL || *v == '\0') {
		reader_error(r, node, "feedd.discovery must be true, false or a "
		    "folder");
		return;
	}
	norm = normalise_path(v);
	xasprintf(&probe, "%s/x", norm);
	if (*norm == '\0')
		why = "it names the output folder itself";
	else
		why = outdir_check_path(probe);
	free(probe);
	if (why != NULL) {
		reader_error(r, node, "feedd.discovery \"%s\" cannot be used: "
		    "%s", v, why);
		free(norm);
		return;
	}
	free(cfg->discovery_dir);
	cfg->discovery_dir = norm;
}

/*
 * The discovery folder may hold no feed, whatever the names of
 * categories and tags: its files would fight the feeds for names.
 */
static void
check_discovery(struct config *cfg, struct buf *errors)
{
	const char	*why;

	if (cfg->discovery_dir == NULL)
		return;
	if ((why = discovery_check_paths(cfg)) != NULL)
		buf_addf(errors, "feedd.discovery: the folder \"%s\" cannot be "
		    "used: %s; choose another with feedd.discovery: FOLDER\n",
		    cfg->discovery_dir, why);
}

/* An author is a name, or a mapping of name, email and uri. */
static void
apply_author(struct config_reader *r, struct author *a, yaml_node_t *node)
{
	if (node == NULL)
		return;
	if (node->type == YAML_SCALAR_NODE) {
		set_string(r, &a->name, node, "author");
		return;
	}
	if (node->type != YAML_MAPPING_NODE) {
		reader_error(r, node, "author must be a name or a mapping");
		return;
	}
	set_string(r, &a->name, yamlu_get(r->doc, node, "name"), "author.name");
	set_string(r, &a->email, yamlu_get(r->doc, node, "email"),
	    "author.email");
	set_string(r, &a->uri, yamlu_get(r->doc, node, "uri"), "author.uri");
	if (a->email != NULL && !text_is_email(a->email)) {
		reader_warning(r, yamlu_get(r->doc, node, "email"), "author "
		    "email \"%s\" is not an e-mail address; left out",
		    a->email);
		free(a->email);
		a->email = NULL;
	}
}

/* jekyll-feed's feed: block. */
static void
apply_feed(struct config_reader *r, struct config *cfg, yaml_node_t *feed)
{
	yaml_node_t	*tags, *path;

	if (feed == NULL)
		return;
	if (feed->type != YAML_MAPPING_NODE) {
		reader_error(r, feed, "feed must be a mapping");
		return;
	}
	set_feed_path(r, &cfg->feed_path, yamlu_get(r->doc, feed, "path"),
	    "feed.path", "%s", 0);
	set_int(r, &cfg->posts_limit, yamlu_get(r->doc, feed, "posts_limit"),
	    "feed.posts_limit", 1, 1000000);
	set_bool(r, &cfg->excerpt_only, yamlu_get(r->doc, feed, "excerpt_only"),
	    "feed.excerpt_only");
	tags = yamlu_get(r->doc, feed, "tags");
	if (tags != NULL && tags->type == YAML_MAPPING_NODE) {
		path = yamlu_get(r->doc, tags, "path");
		set_feed_path(r, &cfg->tag_path, path, "feed.tags.path",
		    "%s/{name}.xml", 1);
		set_list(r, &cfg->tags_only, yamlu_get(r->doc, tags, "only"),
		    "feed.tags.only");
		set_list(r, &cfg->tags_except, yamlu_get(r->doc, tags,
		    "except"), "feed.tags.except");
	}
}

/* feedd.archive: false, true (monthly), or the period of a page. */
static void
set_archive(struct config_reader *r, struct config *cfg, yaml_node_t *node)
{
	static const struct {
		const char		*name;
		enum archive_period	 period;
	} periods[] = {
		{ "daily", ARCHIVE_DAY }, { "weekly", ARCHIVE_WEEK },
		{ "monthly", ARCHIVE_MONTH }, { "yearly", ARCHIVE_YEAR },
	};
	const char	*v;
	size_t		 i;
	int		 b;

	if (node == NULL)
		return;
	if ((b = yamlu_bool(node)) != -1) {
		cfg->archive = b ? ARCHIVE_MONTH : ARCHIVE_NONE;
		return;
	}
	v = yamlu_scalar(node);
	for (i = 0; v != NULL && i < sizeof periods / sizeof periods[0]; i++) {
		if (strcmp(v, periods[i].name) == 0) {
			cfg->archive = periods[i].period;
			return;
		}
	}
	reader_error(r, node, "feedd.archive must be false, true, daily, "
	    "weekly, monthly or yearly");
}

/*
 * feedd.websub: the hubs to ping (they reach the network: the -c file
 * alone may name them), how many topics go in one request, and how long
 * a hub has to answer.
 */
static void
apply_websub(struct config_reader *r, struct config *cfg, yaml_node_t *blk)
{
	yaml_node_t	*hubs;
	char		**h;

	if (blk == NULL)
		return;
	if (!r->admin) {
		set_admin_only(r, NULL, blk, "feedd.websub");
		return;
	}
	if (blk->type != YAML_MAPPING_NODE) {
		reader_error(r, blk, "feedd.websub must be a mapping");
		return;
	}
	hubs = yamlu_get(r->doc, blk, "hubs");
	set_list(r, &cfg->hubs, hubs, "feedd.websub.hubs");
	for (h = cfg->hubs; h != NULL && *h != NULL; h++) {
		if (!url_is_absolute_http(*h))
			reader_error(r, hubs, "WebSub hub \"%s\" is not an "
			    "absolute http or https URL", *h);
	}
	set_int(r, &cfg->hub_batch, yamlu_get(r->doc, blk, "batch"),
	    "feedd.websub.batch", 1, 1000);
	set_int(r, &cfg->hub_timeout, yamlu_get(r->doc, blk, "timeout"),
	    "feedd.websub.timeout", 1, 300);
}

/* feedd's own block. */
static void
apply_feedd(struct config_reader *r, struct config *cfg, yaml_node_t *blk)
{
	static const char *const known[] = { "site", "output", "formats",
	    "categories", "tags", "category_path", "tag_path", "debounce_ms",
	    "gzip", "discovery", "archive", "on_publish", "websub", NULL };
	yaml_node_pair_t *pair;
	yaml_node_t	*k, *formats, *node;
	char		**list = NULL, **f;
	const char	*key;
	int		 i;

	if (blk == NULL)
		return;
	if (blk->type != YAML_MAPPING_NODE) {
		reader_error(r, blk, "feedd must be a mapping");
		return;
	}
	for (pair = blk->data.mapping.pairs.start;
	    pair < blk->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(r->doc, pair->key);
		key = yamlu_scalar(k);
		for (i = 0; key != NULL && known[i] != NULL; i++) {
			if (strcmp(key, known[i]) == 0)
				break;
		}
		if (key == NULL || known[i] == NULL)
			reader_warning(r, k, "unknown setting feedd.%s ignored",
			    key != NULL ? key : "?");
	}
	node = yamlu_get(r->doc, blk, "output");
	set_admin_only(r, &cfg->output_dir, node, "feedd.output");
	if (node != NULL && r->admin) {
		free(cfg->output_origin);
		xasprintf(&cfg->output_origin, "%s:%d: feedd.output", r->path,
		    yamlu_line(node, 1));
	}
	if (!r->admin)
		set_admin_only(r, NULL, yamlu_get(r->doc, blk, "site"),
		    "feedd.site");
	set_archive(r, cfg, yamlu_get(r->doc, blk, "archive"));
	/* Runs a program: the administrator's choice alone. */
	set_admin_only(r, &cfg->on_publish, yamlu_get(r->doc, blk,
	    "on_publish"), "feedd.on_publish");
	apply_websub(r, cfg, yamlu_get(r->doc, blk, "websub"));
	set_bool(r, &cfg->categories, yamlu_get(r->doc, blk, "categories"),
	    "feedd.categories");
	set_bool(r, &cfg->tags, yamlu_get(r->doc, blk, "tags"), "feedd.tags");
	set_feed_path(r, &cfg->category_path, yamlu_get(r->doc, blk,
	    "category_path"), "feedd.category_path", "%s", 1);
	set_feed_path(r, &cfg->tag_path, yamlu_get(r->doc, blk, "tag_path"),
	    "feedd.tag_path", "%s", 1);
	set_int(r, &cfg->debounce_ms, yamlu_get(r->doc, blk, "debounce_ms"),
	    "feedd.debounce_ms", 0, 60000);
	set_bool(r, &cfg->gzip, yamlu_get(r->doc, blk, "gzip"), "feedd.gzip");
	set_discovery(r, cfg, yamlu_get(r->doc, blk, "discovery"));

	formats = yamlu_get(r->doc, blk, "formats");
	if (formats == NULL)
		return;
	set_list(r, &list, formats, "feedd.formats");
	if (list == NULL)
		return;
	cfg->formats = 0;
	for (f = list; *f != NULL; f++) {
		if (strcmp(*f, "atom") == 0)
			cfg->formats |= FORMAT_ATOM;
		else if (strcmp(*f, "rss") == 0)
			cfg->formats |= FORMAT_RSS;
		else if (strcmp(*f, "json") == 0)
			cfg->formats |= FORMAT_JSON;
		else
			reader_error(r, formats, "unknown feed format \"%s\" "
			    "(use atom, rss, json)", *f);
	}
	if (cfg->formats == 0)
		reader_error(r, formats, "feedd.formats names no format");
	yamlu_free_list(list);
}

/* Apply one file's top-level settings. */
static void
apply_site(struct config_reader *r, struct config *cfg, yaml_node_t *root)
{
	yaml_node_t	*node;
	char		*ext = NULL, *tok, *save;
	size_t		 n = 0;

	set_string(r, &cfg->url, yamlu_get(r->doc, root, "url"), "url");
	set_string(r, &cfg->baseurl, yamlu_get(r->doc, root, "baseurl"),
	    "baseurl");
	set_string(r, &cfg->title, yamlu_get(r->doc, root, "name"), "name");
	set_string(r, &cfg->title, yamlu_get(r->doc, root, "title"), "title");
	set_string(r, &cfg->description, yamlu_get(r->doc, root,
	    "description"), "description");
	set_string(r, &cfg->lang, yamlu_get(r->doc, root, "lang"), "lang");
	node = yamlu_get(r->doc, root, "timezone");
	set_string(r, &cfg->timezone, node, "timezone");
	if (node != NULL && !datetime_zone_exists(cfg->timezone))
		reader_error(r, node, "unknown time zone \"%s\" (an IANA name "
		    "such as Europe/Paris is expected)", cfg->timezone);
	set_string(r, &cfg->permalink, yamlu_get(r->doc, root, "permalink"),
	    "permalink");
	set_string(r, &cfg->excerpt_separator, yamlu_get(r->doc, root,
	    "excerpt_separator"), "excerpt_separator");
	set_list(r, &cfg->exclude, yamlu_get(r->doc, root, "exclude"),
	    "exclude");
	set_list(r, &cfg->include, yamlu_get(r->doc, root, "include"),
	    "include");
	set_bool(r, &cfg->future, yamlu_get(r->doc, root, "future"), "future");
	apply_author(r, &cfg->author, yamlu_get(r->doc, root, "author"));

	if ((node = yamlu_get(r->doc, root, "markdown_ext")) != NULL) {
		set_string(r, &ext, node, "markdown_ext");
		if (ext != NULL) {
			yamlu_free_list(cfg->markdown_ext);
			cfg->markdown_ext = xcalloc(1, sizeof (char *));
			for (tok = strtok_r(ext, ", ", &save); tok != NULL;
			    tok = strtok_r(NULL, ", ", &save)) {
				cfg->markdown_ext = xreallocarray(
				    cfg->markdown_ext, n + 2, sizeof (char *));
				cfg->markdown_ext[n++] = xstrdup(tok);
				cfg->markdown_ext[n] = NULL;
			}
			free(ext);
		}
	}
	apply_feed(r, cfg, yamlu_get(r->doc, root, "feed"));
	apply_feedd(r, cfg, yamlu_get(r->doc, root, "feedd"));
	apply_collections(r, cfg, yamlu_get(r->doc, root, "collections"));
	if ((node = yamlu_get(r->doc, root, "defaults")) != NULL) {
		defaults_free(cfg->defaults);
		cfg->defaults = defaults_read(r->doc, node, r->path, r->errors,
		    r->warnings);
	}
}

/*
 * collections: posts: permalink: ranks between the site's permalink and
 * front-matter defaults; output: is ignored for posts, as in Jekyll.
 */
static void
apply_collections(struct config_reader *r, struct config *cfg,
    yaml_node_t *node)
{
	yaml_node_t	*posts;

	if (node == NULL || node->type != YAML_MAPPING_NODE)
		return;
	posts = yamlu_get(r->doc, node, "posts");
	if (posts == NULL || posts->type != YAML_MAPPING_NODE)
		return;
	set_string(r, &cfg->collection_permalink, yamlu_get(r->doc, posts,
	    "permalink"), "collections.posts.permalink");
}

/*
 * Parse path into doc.  A link is followed, but when within is set the
 * file it leads to must lie inside that folder (the site's _config.yml:
 * a link out of the site is refused, as in Jekyll's safe mode).  Returns
 * 1 if loaded, 0 if the file does not exist and within is set, -1 on
 * error (recorded).
 */
static int
load_file(const char *path, const char *within, yaml_document_t *doc,
    struct buf *errors)
{
	struct buf	 data = BUF_INIT;
	char		*cause, *real;
	size_t		 n = within != NULL ? strlen(within) : 0;
	int		 rc = 1;

	if ((real = realpath(path, NULL)) == NULL) {
		if (within != NULL && errno == ENOENT) {
			struct stat st;

			if (lstat(path, &st) != 0)
				return (0);
			errno = ENOENT;	/* a link to nothing */
		}
		buf_addf(errors, "%s: cannot read: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	if (within != NULL && (strncmp(real, within, n) != 0 ||
	    real[n] != '/')) {
		buf_addf(errors, "%s: a symbolic link to %s, outside the site; "
		    "not read (links must stay inside the site)\n", path, real);
		rc = -1;
	} else if (fileio_read(real, CONFIG_MAX_BYTES, &data, NULL) != 0) {
		buf_addf(errors, "%s: cannot read: %s\n", path,
		    errno == EFBIG ? "file too large" : strerror(errno));
		rc = -1;
	} else if (yamlu_load(data.data, data.len, 1, doc, &cause) != 0) {
		buf_addf(errors, "%s:%s\n", path, cause);
		free(cause);
		rc = -1;
	}
	free(real);
	buf_free(&data);
	return (rc);
}

/* The later of path's modification time (links followed) and since. */
static int64_t
newest_mtime(const char *path, int64_t since)
{
	struct stat	 st;

	if (stat(path, &st) == 0 && st.st_mtim.tv_sec > since)
		return (st.st_mtim.tv_sec);
	return (since);
}

/* path made absolute against the current folder (new string). */
static char *
absolute_path(const char *path)
{
	char	 cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return (xstrdup(path));
	return (resolve_path(cwd, path));
}

/* path resolved against directory base unless it is absolute. */
static char *
resolve_path(const char *base, const char *path)
{
	char	*p;

	if (path[0] == '/' || base == NULL)
		return (xstrdup(path));
	xasprintf(&p, "%s/%s", base, path);
	return (p);
}

/* Defaults, as Jekyll and jekyll-feed have them. */
static void
set_defaults(struct config *cfg)
{
	static const char *const md[] = { "markdown", "mkdown", "mkdn", "mkd",
	    "md", NULL };
	int	 i;

	cfg->permalink = xstrdup("date");
	cfg->excerpt_separator = xstrdup("\n\n");
	cfg->feed_path = xstrdup("feed.xml");
	cfg->category_path = xstrdup("feed/{name}.xml");
	cfg->tag_path = xstrdup("feed/by_tag/{name}.xml");
	cfg->posts_limit = 10;
	cfg->formats = FORMAT_ATOM | FORMAT_RSS;
	cfg->categories = 1;
	cfg->tags = 1;
	cfg->debounce_ms = 50;
	cfg->hub_batch = 1;
	cfg->hub_timeout = 10;
	cfg->discovery_dir = xstrdup(DISCOVERY_DIR);
	cfg->markdown_ext = xcalloc(6, sizeof (char *));
	for (i = 0; md[i] != NULL; i++)
		cfg->markdown_ext[i] = xstrdup(md[i]);
}

/* Normalise what was read: URLs, permalink styles, paths. */
static void
finish(struct config *cfg, struct buf *errors, struct buf *warnings)
{
	static const struct {
		const char	*style;
		const char	*template;
	} styles[] = {
		{ "date", "/:categories/:year/:month/:day/:title:output_ext" },
		{ "pretty", "/:categories/:year/:month/:day/:title/" },
		{ "ordinal", "/:categories/:year/:y_day/:title:output_ext" },
		{ "weekdate", "/:categories/:year/W:week/:short_day/"
		    ":title:output_ext" },
		{ "none", "/:categories/:title:output_ext" },
	};
	char		*p, *unknown;
	size_t		 i, n;

	text_language_tag(cfg->lang);
	if (cfg->lang != NULL && !text_language_valid(cfg->lang)) {
		buf_addf(warnings, "lang \"%s\" is not a language tag (such "
		    "as en or zh-CN); feeds carry no language\n", cfg->lang);
		free(cfg->lang);
		cfg->lang = NULL;
	}
	if (cfg->title != NULL && text_is_blank(cfg->title)) {
		buf_addf(warnings, "title is empty; feeds are titled after the "
		    "site's url\n");
		free(cfg->title);
		cfg->title = NULL;
	}
	if (cfg->url == NULL || *cfg->url == '\0')
		buf_addf(warnings, "url is not set: feeds get relative links "
		    "and ids, which feed readers cannot follow; set url: "
		    "https://your.site in _config.yml, or use --url\n");
	else if (!url_is_absolute_http(cfg->url))
		buf_addf(warnings, "url \"%s\" is not an absolute http or "
		    "https URL: feed readers cannot follow the links of its "
		    "feeds\n", cfg->url);
	if (cfg->url == NULL)
		cfg->url = xstrdup("");
	/* jekyll-feed joins url and path blindly: "https://x/" gives ids
	 * "https://x//a/b".  Ids keep that so subscribers see no new
	 * entries; links are made right. */
	cfg->id_url = xstrdup(cfg->url);
	n = strlen(cfg->url);
	while (n > 0 && cfg->url[n - 1] == '/')
		cfg->url[--n] = '\0';

	if (cfg->baseurl == NULL)
		cfg->baseurl = xstrdup("");
	n = strlen(cfg->baseurl);
	while (n > 0 && cfg->baseurl[n - 1] == '/')
		cfg->baseurl[--n] = '\0';
	if (n > 0 && cfg->baseurl[0] != '/') {
		xasprintf(&p, "/%s", cfg->baseurl);
		free(cfg->baseurl);
		cfg->baseurl = p;
	}

	for (i = 0; i < sizeof styles / sizeof styles[0]; i++) {
		if (strcmp(cfg->permalink, styles[i].style) == 0) {
			free(cfg->permalink);
			cfg->permalink = xstrdup(styles[i].template);
			break;
		}
	}
	if ((unknown = permalink_unknown(cfg->permalink)) != NULL) {
		buf_addf(errors, "permalink \"%s\" has an unknown placeholder "
		    ":%s\n", cfg->permalink, unknown);
		free(unknown);
	}

	if (cfg->output_dir == NULL)
		cfg->output_dir = xstrdup("_feeds");
	p = resolve_path(cfg->site_dir, cfg->output_dir);
	free(cfg->output_dir);
	cfg->output_dir = fileio_normalise(p);
	free(p);
}

/*
 * The output folder may not be the site, hold it, or lie in a _posts
 * folder: feeds would hide the posts or be read back as posts.
 */
static void
check_output(struct config *cfg, struct buf *errors)
{
	const char	*out = cfg->output_real, *site = cfg->site_dir, *p;
	const char	*why = NULL;
	size_t		 n = strlen(site), m = strlen(out);

	if (strcmp(out, site) == 0)
		why = "it is the site folder";
	else if (m == 1 || (strncmp(site, out, m) == 0 && site[m] == '/'))
		why = "it holds the site folder";
	else if (strncmp(out, site, n) == 0 && out[n] == '/') {
		for (p = out + n; p != NULL; p = strchr(p + 1, '/')) {
			if (strncmp(p, "/_posts", 7) == 0 && (p[7] == '/' ||
			    p[7] == '\0'))
				why = "it is in a _posts folder, where it would "
				    "be read as posts";
		}
	}
	if (why != NULL)
		buf_addf(errors, "%s: the output folder %s cannot be used: %s\n",
		    cfg->output_origin != NULL ? cfg->output_origin :
		    "feedd.output", out, why);
}

/* Build a config from the site's _config.yml and the --config file. */
struct config *
config_load(const struct config_overrides *ov, char **errors,
    char **warnings)
{
	struct config	*cfg = xcalloc(1, sizeof *cfg);
	struct buf	 errbuf = BUF_INIT, warnbuf = BUF_INIT;
	struct config_reader r;
	yaml_document_t	*extra, *site;
	yaml_node_t	*root, *node;
	int		 have_extra = 0, have_site = 0;
	char		*site_file, *dir, *p;
	struct stat	 st;
	int		 err;

	set_defaults(cfg);
	r.errors = &errbuf;
	r.warnings = &warnbuf;

	/* Both documents stay: defaults and Liquid's site refer to them. */
	extra = cfg->yaml_admin = xcalloc(1, sizeof *extra);
	site = cfg->yaml_site = xcalloc(1, sizeof *site);
	if (ov->config_file != NULL) {
		cfg->config_file = xstrdup(ov->config_file);
		have_extra = load_file(ov->config_file, NULL, extra,
		    &errbuf) > 0;
		cfg->have_admin = have_extra;
	}

	if (ov->site_dir != NULL)
		cfg->site_dir = xstrdup(ov->site_dir);
	else if (have_extra && (node = yamlu_get(extra,
	    yamlu_get(extra, yamlu_root_map(extra), "feedd"), "site")) &&
	    yamlu_scalar(node) != NULL) {
		dir = fileio_dirname(ov->config_file);
		cfg->site_dir = resolve_path(dir, yamlu_scalar(node));
		free(dir);
	} else
		cfg->site_dir = xstrdup(".");
	dir = absolute_path(cfg->site_dir);
	cfg->site_path = fileio_normalise(dir);
	free(dir);

	if (stat(cfg->site_dir, &st) != 0) {
		err = errno;
		buf_addf(&errbuf, "%s: cannot open the site folder: %s%s\n",
		    cfg->site_dir, strerror(err),
		    sandbox_hint(cfg->site_path, err, 0));
	} else if (!S_ISDIR(st.st_mode))
		buf_addf(&errbuf, "%s: the site must be a folder\n",
		    cfg->site_dir);
	else {
		/* Absolute, so watch paths and messages are unambiguous. */
		if ((dir = realpath(cfg->site_dir, NULL)) != NULL) {
			free(cfg->site_dir);
			cfg->site_dir = dir;
		}
		cfg->config_time = st.st_mtim.tv_sec;
		xasprintf(&site_file, "%s/_config.yml", cfg->site_dir);
		cfg->site_config = site_file;
		if ((have_site = load_file(site_file, cfg->site_dir, site,
		    &errbuf)) > 0) {
			cfg->have_site = 1;
			cfg->config_time = newest_mtime(site_file, 0);
			r.path = site_file;
			r.doc = site;
			r.admin = 0;
			if ((root = yamlu_root_map(site)) != NULL)
				apply_site(&r, cfg, root);
			else if (yaml_document_get_root_node(site) != NULL)
				buf_addf(&errbuf, "%s:1: not a mapping of "
				    "settings\n", site_file);
		}
	}

	if (have_extra) {
		cfg->config_time = newest_mtime(ov->config_file,
		    have_site > 0 ? cfg->config_time : 0);
		r.path = ov->config_file;
		r.doc = extra;
		r.admin = 1;
		if ((root = yamlu_root_map(extra)) != NULL)
			apply_site(&r, cfg, root);
		else if (yaml_document_get_root_node(extra) != NULL)
			buf_addf(&errbuf, "%s:1: not a mapping of settings\n",
			    ov->config_file);
	}

	if (ov->url != NULL) {
		free(cfg->url);
		cfg->url = xstrdup(ov->url);
	}
	if (cfg->site_dir[0] == '/')
		cfg->data = sitedata_load(cfg->site_dir, &warnbuf);
	finish(cfg, &errbuf, &warnbuf);
	/* -o is the user's path, relative to where feedd was started. */
	if (ov->output_dir != NULL) {
		dir = absolute_path(ov->output_dir);
		p = fileio_normalise(dir);
		free(dir);
		/* Under systemd the unit gives -o: say that feedd.output
		 * is not what counts, rather than write elsewhere. */
		if (cfg->output_origin != NULL && strcmp(p,
		    cfg->output_dir) != 0)
			buf_addf(&warnbuf, "%s is %s, but feeds go to %s, given "
			    "by -o (as the systemd units give it)\n",
			    cfg->output_origin, cfg->output_dir, p);
		free(cfg->output_dir);
		cfg->output_dir = p;
		free(cfg->output_origin);
		cfg->output_origin = xstrdup("-o");
	}
	/* Where it really is: what scan skips and check_output checks. */
	cfg->output_real = fileio_canonical(cfg->output_dir);
	if (cfg->site_dir[0] == '/')
		check_output(cfg, &errbuf);
	check_discovery(cfg, &errbuf);

	*warnings = warnbuf.len > 0 ? buf_take(&warnbuf) : NULL;
	buf_free(&warnbuf);
	if (errbuf.len > 0) {
		*errors = buf_take(&errbuf);
		config_free(cfg);
		return (NULL);
	}
	buf_free(&errbuf);
	return (cfg);
}

/* Log each line of a message list, then free it. */
static void
log_lines(void (*logfn)(const char *, ...), char *lines)
{
	char	*line, *save;

	if (lines == NULL)
		return;
	for (line = strtok_r(lines, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		logfn("%s", line);
	free(lines);
}

/* Load, report and activate a configuration. */
struct config *
config_open(const struct config_overrides *ov)
{
	struct config	*cfg;
	char		*errors = NULL, *warnings = NULL;

	cfg = config_load(ov, &errors, &warnings);
	log_lines(log_warnx, warnings);
	log_lines(log_error, errors);
	if (cfg != NULL && datetime_set_zone(cfg->timezone) != 0) {
		log_error("unknown time zone %s", cfg->timezone);
		config_free(cfg);
		cfg = NULL;
	}
	return (cfg);
}

/* Free a config. */
void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->site_dir);
	free(cfg->site_path);
	defaults_free(cfg->defaults);
	sitedata_free(cfg->data);
	free(cfg->collection_permalink);
	if (cfg->have_site)
		yaml_document_delete(cfg->yaml_site);
	if (cfg->have_admin)
		yaml_document_delete(cfg->yaml_admin);
	free(cfg->yaml_site);
	free(cfg->yaml_admin);
	free(cfg->site_config);
	free(cfg->output_dir);
	free(cfg->on_publish);
	yamlu_free_list(cfg->hubs);
	free(cfg->output_origin);
	free(cfg->output_real);
	free(cfg->config_file);
	free(cfg->url);
	free(cfg->id_url);
	free(cfg->baseurl);
	free(cfg->title);
	free(cfg->description);
	free(cfg->lang);
	free(cfg->timezone);
	free(cfg->author.name);
	free(cfg->author.email);
	free(cfg->author.uri);
	free(cfg->permalink);
	free(cfg->excerpt_separator);
	yamlu_free_list(cfg->markdown_ext);
	yamlu_free_list(cfg->exclude);
	yamlu_free_list(cfg->include);
	free(cfg->feed_path);
	yamlu_free_list(cfg->tags_only);
	yamlu_free_list(cfg->tags_except);
	free(cfg->category_path);
	free(cfg->tag_path);
	free(cfg->discovery_dir);
	free(cfg);
}

/* Whether ext (no dot) is one of the configured Markdown extensions. */
int
config_is_markdown(const struct config *cfg, const char *ext)
{
	char	**p;

	for (p = cfg->markdown_ext; p != NULL && *p != NULL; p++) {
		if (strcasecmp(*p, ext) == 0)
			return (1);
	}
	return (0);
}
