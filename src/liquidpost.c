/*
 * Liquid in post bodies: values and Jekyll's tags for one site.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "defaults.h"
#include "fileio.h"
#include "index.h"
#include "liquidpost.h"
#include "lqvalue.h"
#include "post.h"
#include "sitedata.h"
#include "xmalloc.h"
#include "yamlu.h"

/* What the tag callbacks of one render need. */
struct render_ctx {
	const struct liquidpost *lp;
	const struct post *post;
	const char	*relpath;
};

static void	set_from_yaml(struct lq_value *, yaml_document_t *,
		    yaml_node_t *);
static void	add_data(const char *, yaml_document_t *, yaml_node_t *,
		    const struct sitedata *, void *);
static struct lq_value *data_value(const struct sitedata *);
static struct lq_value *list_value(char *const *);
static char	*url_path(const struct config *, const char *);
static struct lq_value *page_value(const struct liquidpost *,
		    const struct post *, const char *, const struct fm_view *);
static char	*page_url(const struct config *, const char *);
static char	*cb_post_url(const char *, void *);
static char	*cb_link(const char *, void *);
static int	cb_include(const char *, struct buf *, char **, void *);
static int	cb_include_relative(const char *, struct buf *, char **,
		    void *);
static int	read_beneath(const char *, const char *, struct buf *,
		    char **);

/* Set each key of mapping map in doc on hash h (a later key wins). */
static void
set_from_yaml(struct lq_value *h, yaml_document_t *doc, yaml_node_t *map)
{
	yaml_node_pair_t *pair;
	struct lq_value	*v;
	const char	*key;
	char		*cause;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		key = yamlu_scalar(yaml_document_get_node(doc, pair->key));
		if (key == NULL)
			continue;
		v = lq_from_yaml(doc, yaml_document_get_node(doc, pair->value),
		    &cause);
		if (v == NULL) {
			free(cause);	/* an alias bomb: left out */
			continue;
		}
		/* An empty value does not hide a lower layer's. */
		if (v->type == LQ_NIL && lq_hash_get(h, key,
		    strlen(key)) != NULL) {
			lq_unref(v);
			continue;
		}
		lq_hash_set(h, key, v);
	}
}

/* sitedata_foreach callback: one entry of site.data. */
static void
add_data(const char *name, yaml_document_t *doc, yaml_node_t *node,
    const struct sitedata *sub, void *arg)
{
	struct lq_value	*h = arg, *v = NULL;
	char		*cause;

	if (sub != NULL)
		v = data_value(sub);
	else if (doc != NULL && node != NULL &&
	    (v = lq_from_yaml(doc, node, &cause)) == NULL)
		free(cause);
	if (v != NULL)
		lq_hash_set(h, name, v);
}

/* site.data (or a folder of it) as a hash. */
static struct lq_value *
data_value(const struct sitedata *sd)
{
	struct lq_value	*h = lq_hash();

	sitedata_foreach(sd, add_data, h);
	return (h);
}

/* A NULL-terminated list as an array of strings. */
static struct lq_value *
list_value(char *const *list)
{
	struct lq_value	*a = lq_array();

	for (; list != NULL && *list != NULL; list++)
		lq_array_push(a, lq_string(*list));
	return (a);
}

/* Set up the site value. */
void
liquidpost_init(struct liquidpost *lp, const struct config *cfg,
    struct index *idx)
{
	struct lq_value	*site = lq_hash();

	lp->cfg = cfg;
	lp->idx = idx;
	if (cfg->have_site)
		set_from_yaml(site, cfg->yaml_site, yamlu_root_map(
		    cfg->yaml_site));
	if (cfg->have_admin)
		set_from_yaml(site, cfg->yaml_admin, yamlu_root_map(
		    cfg->yaml_admin));
	lq_hash_set(site, "url", lq_string(cfg->url));
	lq_hash_set(site, "baseurl", lq_string(cfg->baseurl));
	lq_hash_set(site, "time", lq_time(cfg->config_time));
	lq_hash_set(site, "data", data_value(cfg->data));
	lq_hash_set(site, "posts", lq_array());
	lq_hash_set(site, "pages", lq_array());
	lq_hash_set(site, "categories", lq_hash());
	lq_hash_set(site, "tags", lq_hash());
	lp->site = site;
}

/* Free the site value. */
void
liquidpost_free(struct liquidpost *lp)
{
	lq_unref(lp->site);
	lp->site = NULL;
}

/* Whether a body needs Liquid. */
int
liquidpost_needed(const char *body, size_t len, yaml_document_t *doc,
    yaml_node_t *root, const struct post *post)
{
	(void)post;
	if (memmem(body, len, "{{", 2) == NULL &&
	    memmem(body, len, "{%", 2) == NULL)
		return (0);
	return (yamlu_bool(yamlu_get(doc, root, "render_with_liquid")) != 0);
}

/* A post's absolute URL as a path without the site's url and baseurl. */
static char *
url_path(const struct config *cfg, const char *url)
{
	size_t	 n = strlen(cfg->url), b = strlen(cfg->baseurl);

	if (strncmp(url, cfg->url, n) == 0)
		url += n;
	if (b > 0 && strncmp(url, cfg->baseurl, b) == 0 && (url[b] == '/' ||
	    url[b] == '\0'))
		url += b;
	return (xstrdup(*url == '\0' ? "/" : url));
}

/*
 * page: the front matter over the defaults, and what Jekyll computes:
 * url, id, date (shown in the site's zone), title, categories, tags,
 * path, slug.
 */
static struct lq_value *
page_value(const struct liquidpost *lp, const struct post *post,
    const char *relpath, const struct fm_view *view)
{
	struct lq_value	*page = lq_hash();
	const char	*base, *dot;
	char		*url, *id;
	size_t		 i;

	for (i = view->n; i-- > 0; )
		set_from_yaml(page, view->layers[i].doc, view->layers[i].map);
	url = url_path(lp->cfg, post->url);
	id = url_path(lp->cfg, post->id);
	lq_hash_set(page, "url", lq_string(url));
	lq_hash_set(page, "id", lq_string(id));
	free(url);
	free(id);
	lq_hash_set(page, "date", lq_time(post->date));
	if (lq_hash_get(page, "title", 5) == NULL)
		lq_hash_set(page, "title", lq_string(post->title));
	lq_hash_set(page, "categories", list_value(post->categories));
	lq_hash_set(page, "tags", list_value(post->tags));
	lq_hash_set(page, "path", lq_string(relpath));
	lq_hash_set(page, "relative_path", lq_string(relpath));
	lq_hash_set(page, "collection", lq_string("posts"));
	base = strrchr(relpath, '/') != NULL ? strrchr(relpath, '/') + 1 :
	    relpath;
	if ((dot = strrchr(base, '.')) != NULL) {
		lq_hash_set(page, "ext", lq_string(dot));
		/* The slug: the name without its date and extension. */
		if (dot - base > 11 && lq_hash_get(page, "slug", 4) == NULL)
			lq_hash_setn(page, "slug", 4, lq_stringn(base + 11,
			    (size_t)(dot - base - 11)));
	}
	return (page);
}

/*
 * The URL path of a page of the site (not a post), as Jekyll's Page
 * makes it: its front matter's permalink, else "/DIR/" for an index,
 * "/DIR/NAME/" under a pretty site permalink, "/DIR/NAME.html" for
 * Markdown and HTML, "/DIR/FILE" for anything else.  NULL if the file
 * cannot be read.
 */
static char *
page_url(const struct config *cfg, const char *path)
{
	struct buf	 data = BUF_INIT;
	yaml_document_t	 doc;
	const char	*base, *dot, *perm, *end;
	char		*url = NULL, *cause, *dir;
	size_t		 n;
	int		 html, pretty;

	if (fileio_read_beneath(cfg->site_dir, path, POST_MAX_BYTES,
	    &data) != 0)
		return (NULL);
	if (data.len >= 4 && memcmp(data.data, "---", 3) == 0 &&
	    (data.data[3] == '\n' || data.data[3] == '\r') &&
	    (end = strstr(data.data + 3, "\n---")) != NULL &&
	    yamlu_load(data.data + 4, (size_t)(end - data.data - 3), 2, &doc,
	    &cause) == 0) {
		if ((perm = yamlu_scalar(yamlu_get(&doc, yamlu_root_map(&doc),
		    "permalink"))) != NULL)
			xasprintf(&url, "%s%s", *perm == '/' ? "" : "/", perm);
		yaml_document_delete(&doc);
	} else if (data.len >= 3 && memcmp(data.data, "---", 3) == 0)
		free(cause);
	buf_free(&data);
	if (url != NULL)
		return (url);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dir = xstrndup(path, (size_t)(base - path));
	dot = strrchr(base, '.');
	n = dot != NULL ? (size_t)(dot - base) : strlen(base);
	html = dot != NULL && (config_is_markdown(cfg, dot + 1) ||
	    strcasecmp(dot + 1, "html") == 0 || strcasecmp(dot + 1, "htm") ==
	    0);
	pretty = cfg->permalink[strlen(cfg->permalink) - 1] == '/';
	if (!html)
		xasprintf(&url, "/%s%s", dir, base);
	else if (n == 5 && strncmp(base, "index", 5) == 0)
		xasprintf(&url, "/%s", dir);
	else
		xasprintf(&url, "/%s%.*s%s", dir, (int)n, base, pretty ? "/" :
		    ".html");
	free(dir);
	return (url);
}

/* post_url: the URL path of a post named by its file stem. */
static char *
cb_post_url(const char *name, void *arg)
{
	struct render_ctx *ctx = arg;
	const struct post *p = index_find_name(ctx->lp->idx, name);

	return (p != NULL ? url_path(ctx->lp->cfg, p->url) : NULL);
}

/* link: the URL path of a post or page at a site-relative path. */
static char *
cb_link(const char *path, void *arg)
{
	struct render_ctx *ctx = arg;
	const struct post *p;
	char		*full;

	xasprintf(&full, "%s/%s", ctx->lp->cfg->site_dir, path);
	p = index_get(ctx->lp->idx, full);
	free(full);
	if (p != NULL)
		return (url_path(ctx->lp->cfg, p->url));
	return (page_url(ctx->lp->cfg, path));
}

/* Read dir/rel for an include, within the site; -1 with *cause. */
static int
read_beneath(const char *dir, const char *rel, struct buf *out,
    char **cause)
{
	struct buf	 data = BUF_INIT;
	int		 rc = 0;

	if (fileio_read_beneath(dir, rel, LIQUID_MAX_INCLUDE_SIZE,
	    &data) != 0) {
		xasprintf(cause, "cannot read %s/%s: %s", dir, rel,
		    errno == ELOOP || errno == ENOTDIR ? "a symbolic link is "
		    "on the way (links are not followed)" : errno == EFBIG ?
		    "too large" : strerror(errno));
		rc = -1;
	} else
		buf_add(out, data.data != NULL ? data.data : "", data.len);
	buf_free(&data);
	return (rc);
}

/* include: _includes/FILE. */
static int
cb_include(const char *file, struct buf *out, char **cause, void *arg)
{
	struct render_ctx *ctx = arg;
	char		*dir;
	int		 rc;

	xasprintf(&dir, "%s/_includes", ctx->lp->cfg->site_dir);
	rc = read_beneath(dir, file, out, cause);
	free(dir);
	return (rc);
}

/* include_relative: FILE beside the post. */
static int
cb_include_relative(const char *file, struct buf *out, char **cause,
    void *arg)
{
	struct render_ctx *ctx = arg;
	const char	*slash = strrchr(ctx->relpath, '/');
	char		*rel;
	int		 rc;

	xasprintf(&rel, "%.*s%s%s", slash != NULL ? (int)(slash -
	    ctx->relpath) : 0, ctx->relpath, slash != NULL ? "/" : "", file);
	rc = read_beneath(ctx->lp->cfg->site_dir, rel, out, cause);
	free(rel);
	return (rc);
}

/* Render a post's body. */
int
liquidpost_render(const struct liquidpost *lp, const struct post *post,
    yaml_document_t *doc, yaml_node_t *root, const char *body, size_t len,
    int body_line, struct liquid_stash *stash, struct buf *out,
    struct buf *diag)
{
	struct render_ctx ctx;
	struct liquid_env env;
	struct fm_view	 view;
	struct lq_value	*page;
	size_t		 n = strlen(lp->cfg->site_dir);
	int		 rc;

	ctx.lp = lp;
	ctx.post = post;
	ctx.relpath = strncmp(post->path, lp->cfg->site_dir, n) == 0 &&
	    post->path[n] == '/' ? post->path + n + 1 : post->path;
	defaults_view(lp->cfg->defaults, ctx.relpath, doc, root, &view);
	page = page_value(lp, post, ctx.relpath, &view);
	memset(&env, 0, sizeof env);
	env.site = lp->site;
	env.page = page;
	env.url = lp->cfg->url;
	env.baseurl = lp->cfg->baseurl;
	env.post_url = cb_post_url;
	env.link = cb_link;
	env.include = cb_include;
	env.include_relative = cb_include_relative;
	env.arg = &ctx;
	env.stash = stash;
	rc = liquid_render(body, len, body_line, &env, out, diag);
	lq_unref(page);
	return (rc);
}
