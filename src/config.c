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
#include "fileio.h"
#include "log.h"
#include "permalink.h"
#include "text.h"
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
};

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
static void	apply_author(struct config_reader *, struct author *,
		    yaml_node_t *);
static void	apply_feed(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_feedd(struct config_reader *, struct config *,
		    yaml_node_t *);
static void	apply_site(struct config_reader *, struct config *,
		    yaml_node_t *);
static int	load_file(const char *, int, yaml_document_t *,
		    struct buf *);
static char	*resolve_path(const char *, const char *);
static char	*absolute_path(const char *);
static void	set_defaults(struct config *);
static void	log_lines(void (*)(const char *, ...), char *);
static void	finish(struct config *, struct buf *);

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
	set_string(r, &cfg->feed_path, yamlu_get(r->doc, feed, "path"),
	    "feed.path");
	set_int(r, &cfg->posts_limit, yamlu_get(r->doc, feed, "posts_limit"),
	    "feed.posts_limit", 1, 1000000);
	set_bool(r, &cfg->excerpt_only, yamlu_get(r->doc, feed, "excerpt_only"),
	    "feed.excerpt_only");
	tags = yamlu_get(r->doc, feed, "tags");
	if (tags != NULL && tags->type == YAML_MAPPING_NODE) {
		if ((path = yamlu_get(r->doc, tags, "path")) != NULL) {
			const char *p = yamlu_scalar(path);

			if (p == NULL || *p == '\0')
				reader_error(r, path, "feed.tags.path must be "
				    "a folder path");
			else {
				free(cfg->tag_path);
				xasprintf(&cfg->tag_path, "%s%s{name}.xml", p,
				    p[strlen(p) - 1] == '/' ? "" : "/");
			}
		}
		set_list(r, &cfg->tags_only, yamlu_get(r->doc, tags, "only"),
		    "feed.tags.only");
		set_list(r, &cfg->tags_except, yamlu_get(r->doc, tags,
		    "except"), "feed.tags.except");
	}
}

/* feedd's own block. */
static void
apply_feedd(struct config_reader *r, struct config *cfg, yaml_node_t *blk)
{
	static const char *const known[] = { "site", "output", "formats",
	    "categories", "tags", "category_path", "tag_path", "debounce_ms",
	    NULL };
	yaml_node_pair_t *pair;
	yaml_node_t	*k, *formats;
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
	set_string(r, &cfg->output_dir, yamlu_get(r->doc, blk, "output"),
	    "feedd.output");
	set_bool(r, &cfg->categories, yamlu_get(r->doc, blk, "categories"),
	    "feedd.categories");
	set_bool(r, &cfg->tags, yamlu_get(r->doc, blk, "tags"), "feedd.tags");
	set_string(r, &cfg->category_path, yamlu_get(r->doc, blk,
	    "category_path"), "feedd.category_path");
	set_string(r, &cfg->tag_path, yamlu_get(r->doc, blk, "tag_path"),
	    "feedd.tag_path");
	set_int(r, &cfg->debounce_ms, yamlu_get(r->doc, blk, "debounce_ms"),
	    "feedd.debounce_ms", 0, 60000);

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
		else
			reader_error(r, formats, "unknown feed format \"%s\" "
			    "(use atom, rss)", *f);
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
}

/*
 * Parse path into doc.  Returns 1 if loaded, 0 if the file does not exist
 * and may be absent, -1 on error (recorded).
 */
static int
load_file(const char *path, int optional, yaml_document_t *doc,
    struct buf *errors)
{
	struct buf	 data = BUF_INIT;
	char		*cause;
	int		 rc = 1;

	if (fileio_read(path, CONFIG_MAX_BYTES, &data, NULL) != 0) {
		if (optional && errno == ENOENT)
			rc = 0;
		else {
			buf_addf(errors, "%s: cannot read: %s\n", path,
			    errno == EFBIG ? "file too large" :
			    strerror(errno));
			rc = -1;
		}
	} else if (yamlu_load(data.data, data.len, 1, doc, &cause) != 0) {
		buf_addf(errors, "%s:%s\n", path, cause);
		free(cause);
		rc = -1;
	}
	buf_free(&data);
	return (rc);
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
	cfg->markdown_ext = xcalloc(6, sizeof (char *));
	for (i = 0; md[i] != NULL; i++)
		cfg->markdown_ext[i] = xstrdup(md[i]);
}

/* Normalise what was read: URLs, permalink styles, paths. */
static void
finish(struct config *cfg, struct buf *errors)
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

	p = cfg->feed_path;
	while (*p == '/')
		p++;
	memmove(cfg->feed_path, p, strlen(p) + 1);
	if (*cfg->feed_path == '\0')
		buf_addf(errors, "feed.path is empty\n");
	if (strstr(cfg->category_path, "{name}") == NULL)
		buf_addf(errors, "feedd.category_path must contain {name}\n");
	if (strstr(cfg->tag_path, "{name}") == NULL)
		buf_addf(errors, "feedd.tag_path must contain {name}\n");

	if (cfg->output_dir == NULL)
		cfg->output_dir = xstrdup("_feeds");
	p = resolve_path(cfg->site_dir, cfg->output_dir);
	free(cfg->output_dir);
	cfg->output_dir = p;
}

/* Build a config from the site's _config.yml and the --config file. */
struct config *
config_load(const struct config_overrides *ov, char **errors,
    char **warnings)
{
	struct config	*cfg = xcalloc(1, sizeof *cfg);
	struct buf	 errbuf = BUF_INIT, warnbuf = BUF_INIT;
	struct config_reader r;
	yaml_document_t	 extra, site;
	yaml_node_t	*root, *node;
	int		 have_extra = 0, have_site = 0;
	char		*site_file, *dir;
	struct stat	 st;

	set_defaults(cfg);
	r.errors = &errbuf;
	r.warnings = &warnbuf;

	if (ov->config_file != NULL) {
		cfg->config_file = xstrdup(ov->config_file);
		have_extra = load_file(ov->config_file, 0, &extra, &errbuf) > 0;
	}

	if (ov->site_dir != NULL)
		cfg->site_dir = xstrdup(ov->site_dir);
	else if (have_extra && (node = yamlu_get(&extra,
	    yamlu_get(&extra, yamlu_root_map(&extra), "feedd"), "site")) &&
	    yamlu_scalar(node) != NULL) {
		dir = fileio_dirname(ov->config_file);
		cfg->site_dir = resolve_path(dir, yamlu_scalar(node));
		free(dir);
	} else
		cfg->site_dir = xstrdup(".");

	if (stat(cfg->site_dir, &st) != 0)
		buf_addf(&errbuf, "%s: cannot open the site folder: %s\n",
		    cfg->site_dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		buf_addf(&errbuf, "%s: the site must be a folder\n",
		    cfg->site_dir);
	else {
		/* Absolute, so watch paths and messages are unambiguous. */
		if ((dir = realpath(cfg->site_dir, NULL)) != NULL) {
			free(cfg->site_dir);
			cfg->site_dir = dir;
		}
		xasprintf(&site_file, "%s/_config.yml", cfg->site_dir);
		if ((have_site = load_file(site_file, 1, &site, &errbuf)) > 0) {
			r.path = site_file;
			r.doc = &site;
			if ((root = yamlu_root_map(&site)) != NULL)
				apply_site(&r, cfg, root);
			else if (yaml_document_get_root_node(&site) != NULL)
				buf_addf(&errbuf, "%s:1: not a mapping of "
				    "settings\n", site_file);
			yaml_document_delete(&site);
		}
		free(site_file);
	}

	if (have_extra) {
		r.path = ov->config_file;
		r.doc = &extra;
		if ((root = yamlu_root_map(&extra)) != NULL)
			apply_site(&r, cfg, root);
		else if (yaml_document_get_root_node(&extra) != NULL)
			buf_addf(&errbuf, "%s:1: not a mapping of settings\n",
			    ov->config_file);
		yaml_document_delete(&extra);
	}

	finish(cfg, &errbuf);
	/* -o is the user's path, relative to where feedd was started. */
	if (ov->output_dir != NULL) {
		free(cfg->output_dir);
		cfg->output_dir = absolute_path(ov->output_dir);
	}

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
	free(cfg->output_dir);
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
	free(cfg->feed_path);
	yamlu_free_list(cfg->tags_only);
	yamlu_free_list(cfg->tags_except);
	free(cfg->category_path);
	free(cfg->tag_path);
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
