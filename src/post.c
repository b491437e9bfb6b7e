/*
 * Reading one post: front matter, Jekyll's URL and id, lazy rendering.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "datetime.h"
#include "defaults.h"
#include "fileio.h"
#include "hash.h"
#include "liquidpost.h"
#include "log.h"
#include "permalink.h"
#include "post.h"
#include "render.h"
#include "sandbox.h"
#include "sitedata.h"
#include "smarty.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"
#include "yamlu.h"

/* A post file name taken apart: YYYY-MM-DD-slug.ext. */
struct post_name {
	int	 year, month, day;
	char	*slug;
	char	*stem;		/* name without extension */
	char	*ext;		/* without the dot */
};

/* The file split at its front matter. */
struct post_text {
	const char	*yaml;
	size_t		 yamllen;
	const char	*body;
	size_t		 bodylen;
	int		 body_line;	/* file line where the body starts */
};

static int	parse_name(const char *, struct post_name *);
static void	free_name(struct post_name *);
static int	split_front_matter(const char *, size_t, struct post_text *,
		    char **);
static int	line_end(const char *, const char *, const char **);
static int	is_fence(const char *, size_t, const char *);
static char	*titleize(const char *);
static char	*cleaned_path(const char *);
static int	render_liquid(const struct liquidpost *, const struct post *,
		    const struct post_text *, struct liquid_stash *,
		    struct buf *, char **);
static void	folder_categories(const char *, char ***, size_t *);
static void	add_unique(char ***, size_t *, char **);
static int	read_names(const struct fm_layer *, yaml_node_t *,
		    const char *, int, char ***, size_t *, char **);
static int	read_categories(const struct fm_view *, const char *,
		    char ***, size_t *, char **);
static void	add_author(struct post *, char *, char *, char *);
static char	*dup_scalar(const yaml_node_t *);
static void	add_named_author(const struct config *, struct post *,
		    const char *);
static void	add_one_author(const struct config *, struct post *,
		    yaml_document_t *, yaml_node_t *);
static int	read_authors(const struct config *, const struct fm_view *,
		    struct post *, char **);
static int	scalar(const struct fm_view *, const char *, yaml_node_t **,
		    const struct fm_layer **, char **);
static int	read_fields(const struct config *, struct post *,
		    const char *, const struct fm_view *,
		    const struct post_name *, char **, char **);
static void	add_warning(char **, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	check_date(int64_t, const struct fm_layer *, yaml_node_t *,
		    const char *, char **);
static void	read_feed_id(const struct fm_view *, struct post *, char **);
static char	**copy_list(char **);
static struct author *copy_authors(const struct author *, size_t);
static size_t	list_bytes(char **);
static char	*pack_list(char **, char **, char *);
static char	*pack_string(char *, char **);
static void	free_loose(struct post *);
static char	*absolute(const struct config *, const char *);

/* Take a post file name apart; returns -1 if it is not one. */
static int
parse_name(const char *base, struct post_name *pn)
{
	const char	*p = base, *dot;
	int		 i, v[3], width[3] = { 4, 2, 2 };

	memset(pn, 0, sizeof *pn);
	for (i = 0; i < 3; i++) {
		int	 n = 0;

		v[i] = 0;
		while (isdigit((unsigned char)*p) && n < width[i]) {
			v[i] = v[i] * 10 + (*p++ - '0');
			n++;
		}
		if (n == 0 || (i == 0 && n != 4 && n != 2) || *p++ != '-')
			return (-1);
		/* A two-digit year, as Ruby's Time.parse reads it. */
		if (i == 0 && n == 2)
			v[0] += v[0] >= 69 ? 1900 : 2000;
	}
	dot = strrchr(p, '.');
	if (dot == NULL || dot == p || dot[1] == '\0')
		return (-1);
	pn->year = v[0];
	pn->month = v[1];
	pn->day = v[2];
	pn->slug = xstrndup(p, (size_t)(dot - p));
	pn->stem = xstrndup(base, (size_t)(dot - base));
	pn->ext = xstrdup(dot + 1);
	return (0);
}

/* Free a parsed name's strings. */
static void
free_name(struct post_name *pn)
{
	free(pn->slug);
	free(pn->stem);
	free(pn->ext);
}

/* Whether base is a post file name with a known extension. */
int
post_is_post_name(const struct config *cfg, const char *base)
{
	struct post_name pn;
	int		 ok;

	if (parse_name(base, &pn) != 0)
		return (0);
	ok = config_is_markdown(cfg, pn.ext) || strcasecmp(pn.ext, "html") ==
	    0 || strcasecmp(pn.ext, "htm") == 0;
	free_name(&pn);
	return (ok);
}

/* Length of the line at p (without its newline); *next is the next line. */
static int
line_end(const char *p, const char *end, const char **next)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL) {
		*next = end;
		return ((int)(end - p));
	}
	*next = nl + 1;
	return ((int)(nl - p));
}

/* Whether a line is fence ("---" or "...") followed only by white space. */
static int
is_fence(const char *line, size_t n, const char *fence)
{
	size_t	 i;

	if (n < 3 || memcmp(line, fence, 3) != 0)
		return (0);
	for (i = 3; i < n; i++) {
		if (!isspace((unsigned char)line[i]))
			return (0);
	}
	return (1);
}

/*
 * Split off the front matter, which Jekyll reads only when "---" is the
 * very first line.  Returns 0, 1 when there is none (all is body), or -1
 * with *cause set when it is not closed.
 */
static int
split_front_matter(const char *data, size_t len, struct post_text *pt,
    char **cause)
{
	const char	*end = data + len, *p, *next;
	int		 n, line = 1;

	/* Jekyll reads files as "bom|utf-8": a byte order mark is skipped. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	n = line_end(data, end, &next);
	if (!is_fence(data, (size_t)n, "---")) {
		pt->yaml = data;
		pt->yamllen = 0;
		pt->body = data;
		pt->bodylen = len;
		pt->body_line = 1;
		return (1);
	}
	pt->yaml = next;
	for (p = next; p < end; p = next) {
		line++;
		n = line_end(p, end, &next);
		if (is_fence(p, (size_t)n, "---") ||
		    is_fence(p, (size_t)n, "...")) {
			pt->yamllen = (size_t)(p - pt->yaml);
			pt->body = next;
			pt->bodylen = (size_t)(end - next);
			pt->body_line = line + 1;
			return (0);
		}
	}
	xasprintf(cause, "1: front matter is not closed (no \"---\" line "
	    "after the first)");
	return (-1);
}

/*
 * Jekyll's cleaned_relative_path, the value of :path: the site-relative
 * path without its extension, its first "_posts" taken out (the slashes
 * around it are squeezed with the URL's).  New string.
 */
static char *
cleaned_path(const char *relpath)
{
	const char	*dot = strrchr(relpath, '.'), *posts;
	char		*p;

	p = dot != NULL && strchr(dot, '/') == NULL ?
	    xstrndup(relpath, (size_t)(dot - relpath)) : xstrdup(relpath);
	if ((posts = strstr(p, "_posts")) != NULL)
		memmove((char *)posts, posts + 6, strlen(posts + 6) + 1);
	return (p);
}

/* Jekyll's titleize_slug: "my-first-post" -> "My First Post". */
static char *
titleize(const char *slug)
{
	char	*t = xstrdup(slug), *p;
	int	 start = 1;

	for (p = t; *p != '\0'; p++) {
		if (*p == '-') {
			*p = ' ';
			start = 1;
		} else if (start) {
			*p = (char)toupper((unsigned char)*p);
			start = 0;
		}
	}
	return (t);
}

/* Folders above _posts are categories: news/_posts/x.md is in "news". */
static void
folder_categories(const char *relpath, char ***list, size_t *n)
{
	const char	*p = relpath, *slash;

	while ((slash = strchr(p, '/')) != NULL) {
		if ((size_t)(slash - p) == 6 && strncmp(p, "_posts", 6) == 0)
			break;
		if (slash > p) {
			*list = xreallocarray(*list, *n + 2, sizeof **list);
			(*list)[(*n)++] = xstrndup(p, (size_t)(slash - p));
			(*list)[*n] = NULL;
		}
		p = slash + 1;
	}
}

/* Move the strings of add (freed) into list unless already present. */
static void
add_unique(char ***list, size_t *n, char **add)
{
	size_t	 i;
	char	**a;

	for (a = add; a != NULL && *a != NULL; a++) {
		for (i = 0; i < *n; i++) {
			if (strcmp((*list)[i], *a) == 0)
				break;
		}
		if (i < *n) {
			free(*a);
			continue;
		}
		*list = xreallocarray(*list, *n + 2, sizeof **list);
		(*list)[(*n)++] = *a;
		(*list)[*n] = NULL;
	}
	free(add);
}

/*
 * Append the names of value (from layer l, given as key) to a list,
 * uniquely; -1 with *cause set if they are not names.
 */
static int
read_names(const struct fm_layer *l, yaml_node_t *value, const char *key,
    int split, char ***list, size_t *n, char **cause)
{
	char		**names, *where;
	size_t		 count;
	const char	*why;

	if (value == NULL)
		return (0);
	if (yamlu_strings(l->doc, value, split, &names, &count, &why) != 0) {
		where = fm_where(l, value);
		xasprintf(cause, "%s: %s must be a name or a list of names "
		    "(%s)", where, key, why);
		free(where);
		return (-1);
	}
	add_unique(list, n, names);
	if (*n > POST_MAX_NAMES) {
		where = fm_where(l, value);
		xasprintf(cause, "%s: more than %d names in %s (each is a "
		    "feed that would list them all)", where, POST_MAX_NAMES,
		    key);
		free(where);
		return (-1);
	}
	return (0);
}

/*
 * Jekyll's categories: the folders above _posts, then those of the
 * defaults, then the front matter's (all joined, as Jekyll merges
 * them), then the singular category, never split.
 */
static int
read_categories(const struct fm_view *view, const char *relpath,
    char ***list, size_t *n, char **cause)
{
	const struct fm_layer *l;
	struct fm_view	 defaults = *view;
	yaml_node_t	*v;

	folder_categories(relpath, list, n);
	defaults.layers[0].map = NULL;	/* the defaults alone */
	if ((v = fm_get(&defaults, "categories", &l)) != NULL &&
	    read_names(l, v, "categories", 1, list, n, cause) != 0)
		return (-1);
	l = &view->layers[0];
	if ((v = yamlu_get(l->doc, l->map, "categories")) != NULL &&
	    read_names(l, v, "categories", 1, list, n, cause) != 0)
		return (-1);
	if ((v = fm_get(view, "category", &l)) != NULL &&
	    read_names(l, v, "category", 0, list, n, cause) != 0)
		return (-1);
	return (0);
}

/* Append an author (its strings taken) to the post's list. */
static void
add_author(struct post *post, char *name, char *email, char *uri)
{
	struct author	*a;

	post->authors = xreallocarray(post->authors, post->nauthors + 1,
	    sizeof *post->authors);
	a = &post->authors[post->nauthors++];
	a->name = name;
	a->email = email;
	a->uri = uri;
}

/* A new copy of a scalar's text, or NULL. */
static char *
dup_scalar(const yaml_node_t *node)
{
	const char	*v = yamlu_scalar(node);

	return (v != NULL ? xstrdup(v) : NULL);
}

/*
 * Add the author a name stands for, as jekyll-feed resolves it through
 * site.data.authors: an entry's name, email and uri, or a string entry
 * as the name, or else the name itself.
 */
static void
add_named_author(const struct config *cfg, struct post *post,
    const char *name)
{
	yaml_document_t	*doc;
	yaml_node_t	*node;
	char		*n, *email;

	if (!sitedata_lookup(cfg->data, "authors", name, &doc, &node)) {
		add_author(post, xstrdup(name), NULL, NULL);
		return;
	}
	if (node->type != YAML_MAPPING_NODE) {
		n = dup_scalar(node);
		add_author(post, n != NULL ? n : xstrdup(name), NULL, NULL);
		return;
	}
	email = dup_scalar(yamlu_get(doc, node, "email"));
	/* Without a name, the address names it (jekyll-feed would print
	 * the entry's Ruby text). */
	n = dup_scalar(yamlu_get(doc, node, "name"));
	if (n == NULL)
		n = xstrdup(email != NULL ? email : name);
	add_author(post, n, email, dup_scalar(yamlu_get(doc, node, "uri")));
}

/* Add one author given as a name or a mapping (item of a list). */
static void
add_one_author(const struct config *cfg, struct post *post,
    yaml_document_t *doc, yaml_node_t *node)
{
	char	*name, *email;

	if (node->type == YAML_SCALAR_NODE) {
		if (yamlu_scalar(node) != NULL)
			add_named_author(cfg, post, yamlu_scalar(node));
		return;
	}
	if (node->type != YAML_MAPPING_NODE)
		return;
	email = dup_scalar(yamlu_get(doc, node, "email"));
	if ((name = dup_scalar(yamlu_get(doc, node, "name"))) == NULL &&
	    email != NULL)
		name = xstrdup(email);
	if (name != NULL)
		add_author(post, name, email,
		    dup_scalar(yamlu_get(doc, node, "uri")));
	else
		free(email);
}

/*
 * The post's authors, as jekyll-feed finds them: author (a name, or a
 * mapping of name, email and uri merged over the defaults'), else the
 * list authors; names are looked up in site.data.authors.  A list in
 * author names each of its authors.  Without any, the site's author
 * when site.data.authors makes it another than the feed's own.
 * Returns -1 with *cause set if author is none of these.
 */
static int
read_authors(const struct config *cfg, const struct fm_view *view,
    struct post *post, char **cause)
{
	const struct fm_layer *l;
	yaml_node_item_t *item;
	yaml_document_t	*doc;
	yaml_node_t	*node, *list = NULL;
	char		*where, *name, *email;

	if ((node = fm_get(view, "author", &l)) == NULL &&
	    (node = fm_get(view, "authors", &l)) != NULL &&
	    node->type != YAML_SEQUENCE_NODE)
		node = NULL;	/* authors: NAME is not read, as in Jekyll */
	if (node == NULL) {
		if (cfg->author.name != NULL && cfg->author.email == NULL &&
		    cfg->author.uri == NULL && sitedata_lookup(cfg->data,
		    "authors", cfg->author.name, &doc, &node))
			add_named_author(cfg, post, cfg->author.name);
		return (0);
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		add_named_author(cfg, post, yamlu_scalar(node));
		return (0);
	case YAML_SEQUENCE_NODE:
		list = node;
		for (item = list->data.sequence.items.start;
		    item < list->data.sequence.items.top &&
		    post->nauthors < POST_MAX_NAMES; item++) {
			node = yaml_document_get_node(l->doc, *item);
			if (node == NULL || node->type == YAML_SEQUENCE_NODE)
				break;
			add_one_author(cfg, post, l->doc, node);
		}
		if (item == list->data.sequence.items.top ||
		    post->nauthors == POST_MAX_NAMES)
			return (0);
		where = fm_where(l, list);
		xasprintf(cause, "%s: authors must be names or mappings, not "
		    "lists", where);
		free(where);
		return (-1);
	case YAML_MAPPING_NODE:
		email = dup_scalar(fm_get_sub(view, "author", "email", NULL));
		name = dup_scalar(fm_get_sub(view, "author", "name", NULL));
		if (name == NULL && email != NULL)
			name = xstrdup(email);
		add_author(post, name, email, dup_scalar(fm_get_sub(view,
		    "author", "uri", NULL)));
		return (0);
	default:
		where = fm_where(l, node);
		xasprintf(cause, "%s: author must be a name, a mapping or a "
		    "list", where);
		free(where);
		return (-1);
	}
}

/* An absolute URL for a site path (or an already absolute URL). */
static char *
absolute(const struct config *cfg, const char *path)
{
	return (permalink_absolute(cfg->url, cfg->baseurl, path));
}

/*
 * Add a "LINE: message" warning to *warning, whose warnings are one a
 * line (newlines inside a message are escaped, so they cannot split it).
 */
static void
add_warning(char **warning, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;
	char		*msg, *p;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (*warning != NULL) {
		buf_adds(&b, *warning);
		buf_addc(&b, '\n');
		free(*warning);
	}
	for (p = msg != NULL ? msg : (char *)fmt; *p != '\0'; p++) {
		if (*p == '\n')
			buf_adds(&b, "\\x0a");
		else
			buf_addc(&b, *p);
	}
	free(msg);
	*warning = buf_take(&b);
}

/*
 * A post's date must be one feeds can carry (years 1900 to 9999).
 * Returns 0, or -1 with *cause set; node (may be NULL) is where the date
 * was written.
 */
static int
check_date(int64_t when, const struct fm_layer *l, yaml_node_t *node,
    const char *key, char **cause)
{
	char	 date[64], *where;

	if (datetime_in_feed_range(when))
		return (0);
	datetime_rfc3339(when, date, sizeof date);
	where = fm_where(node != NULL ? l : NULL, node);
	xasprintf(cause, "%s: %s %s is before 1900 or after 9999, which "
	    "feeds cannot carry", where, key, date);
	free(where);
	return (-1);
}

/*
 * The scalar value of key in view, in *node (NULL when unset), with its
 * layer in *layer; -1 with *cause set when it is a list or mapping.
 */
static int
scalar(const struct fm_view *view, const char *key, yaml_node_t **node,
    const struct fm_layer **layer, char **cause)
{
	char	*where;

	*node = fm_get(view, key, layer);
	if (*node == NULL || (*node)->type == YAML_SCALAR_NODE)
		return (0);
	where = fm_where(*layer, *node);
	xasprintf(cause, "%s: %s must be text, not a %s", where, key,
	    (*node)->type == YAML_MAPPING_NODE ? "mapping" : "list");
	free(where);
	return (-1);
}

/* Fill the post from its front matter over the defaults. */
/*
 * feed_id: the post's own choice of entry id, which no rename or
 * permalink change touches.  Only the post's front matter may set it: a
 * default would give every post in its scope one id.
 */
static void
read_feed_id(const struct fm_view *view, struct post *post, char **warning)
{
	const struct fm_layer *l;
	yaml_node_t	*node;
	const char	*v;
	char		*where;

	if ((node = fm_get(view, "feed_id", &l)) == NULL)
		return;
	where = fm_where(l, node);
	v = yamlu_scalar(node);
	if (l->file != NULL)
		add_warning(warning, "%s: feed_id in defaults would give every "
		    "post there one id; ignored", where);
	else if (v == NULL || !url_is_absolute_iri(v))
		add_warning(warning, "%s: feed_id is not an absolute IRI (such "
		    "as tag:example.com,2024:my-post); the computed id is "
		    "used", where);
	else {
		free(post->id);
		post->id = xstrdup(v);
		post->id_given = 1;
	}
	free(where);
}

static int
read_fields(const struct config *cfg, struct post *post, const char *relpath,
    const struct fm_view *view, const struct post_name *pn, char **cause,
    char **warning)
{
	const struct fm_layer *ltitle, *ldate, *lmod, *lslug, *lperm, *ldesc;
	const struct fm_layer *lexc, *llang, *ltag, *l;
	yaml_node_t	*title, *date, *mod, *slugn, *perm;
	yaml_node_t	*desc, *excerpt, *image, *lang, *tag, *node;
	const char	*why, *slug, *v, *template;
	char		*url, *id, *unknown, *plain, *where, *cleaned, *smart;
	size_t		 ncats = 0, ntags = 0, i;
	struct permalink_vars vars;

	/* date: [2023-01-29] reads as its one date, as Jekyll's to_s does. */
	date = fm_get(view, "date", &ldate);
	if (date != NULL && date->type == YAML_SEQUENCE_NODE &&
	    date->data.sequence.items.top - date->data.sequence.items.start ==
	    1 && (node = yaml_document_get_node(ldate->doc,
	    *date->data.sequence.items.start)) != NULL &&
	    yamlu_scalar(node) != NULL)
		date = node;
	else if (scalar(view, "date", &date, &ldate, cause) != 0)
		return (-1);
	if (scalar(view, "title", &title, &ltitle, cause) != 0 ||
	    scalar(view, "last_modified_at", &mod, &lmod, cause) != 0 ||
	    scalar(view, "slug", &slugn, &lslug, cause) != 0 ||
	    scalar(view, "permalink", &perm, &lperm, cause) != 0 ||
	    scalar(view, "description", &desc, &ldesc, cause) != 0 ||
	    scalar(view, "excerpt", &excerpt, &lexc, cause) != 0 ||
	    scalar(view, "lang", &lang, &llang, cause) != 0)
		return (-1);

	/* An empty date: is refused by Jekyll (a default does fill it). */
	if (date == NULL && (node = yamlu_get(view->layers[0].doc,
	    view->layers[0].map, "date")) != NULL) {
		xasprintf(cause, "%d: date is empty (Jekyll refuses the post)",
		    yamlu_line(node, 2));
		return (-1);
	}
	if (date != NULL) {
		if (datetime_parse(yamlu_scalar(date), yamlu_is_plain(date) ?
		    DATETIME_YAML_PLAIN : DATETIME_STRING, &post->date,
		    &why) != 0) {
			where = fm_where(ldate, date);
			xasprintf(cause, "%s: date \"%s\": %s", where,
			    yamlu_scalar(date), why);
			free(where);
			return (-1);
		}
	} else
		post->date = datetime_local_midnight(pn->year, pn->month,
		    pn->day);
	post->updated = post->date;
	/* jekyll-feed reads last_modified_at with Liquid's date filter:
	 * blank is no date, digits are seconds since the epoch. */
	if (mod != NULL && text_is_blank(yamlu_scalar(mod)))
		mod = NULL;
	v = mod != NULL ? yamlu_scalar(mod) : NULL;
	if (v != NULL && v[strspn(v, "0123456789")] == '\0' && strlen(v) < 16)
		post->updated = strtoll(v, NULL, 10);
	else if (mod != NULL && datetime_parse(yamlu_scalar(mod),
	    yamlu_is_plain(mod) ? DATETIME_YAML_PLAIN : DATETIME_STRING,
	    &post->updated, &why) != 0) {
		where = fm_where(lmod, mod);
		xasprintf(cause, "%s: last_modified_at \"%s\": %s", where,
		    yamlu_scalar(mod), why);
		free(where);
		return (-1);
	}
	if (check_date(post->date, ldate, date, "date", cause) != 0 ||
	    check_date(post->updated, lmod, mod, "last_modified_at",
	    cause) != 0)
		return (-1);

	if (read_categories(view, relpath, &post->categories, &ncats,
	    cause) != 0)
		return (-1);
	/* The singular "tag" wins over "tags" and is never split. */
	if ((tag = fm_get(view, "tag", &ltag)) != NULL) {
		if (read_names(ltag, tag, "tag", 0, &post->tags, &ntags,
		    cause) != 0)
			return (-1);
	} else if ((tag = fm_get(view, "tags", &ltag)) != NULL &&
	    read_names(ltag, tag, "tags", 1, &post->tags, &ntags, cause) != 0)
		return (-1);
	if (post->categories == NULL)
		post->categories = xcalloc(1, sizeof (char *));
	if (post->tags == NULL)
		post->tags = xcalloc(1, sizeof (char *));

	if ((v = yamlu_scalar(title)) != NULL && !text_is_blank(v)) {
		/* Drop forbidden characters first, so spaces around them
		 * collapse into one; then jekyll-feed's smartify,
		 * strip_html and normalize_whitespace. */
		plain = text_xml_clean(v, strlen(v), NULL);
		smart = smarty_text(plain);
		post->title = render_plain(smart);
		free(smart);
		free(plain);
		if (*post->title == '\0') {
			where = fm_where(ltitle, title);
			add_warning(warning, "%s: the title is only markup; the "
			    "file name gives the title", where);
			free(where);
			free(post->title);
			post->title = NULL;
		}
	}
	if (post->title == NULL)
		post->title = titleize(pn->slug);

	slug = yamlu_scalar(slugn) != NULL ? yamlu_scalar(slugn) : pn->slug;
	vars.date = post->date;
	vars.slug = slug;
	vars.name = pn->stem;
	vars.path = cleaned = cleaned_path(relpath);
	vars.output_ext = ".html";
	vars.categories = post->categories;
	/* Front matter, then defaults, then collections.posts, then the
	 * site's own permalink. */
	template = perm != NULL ? yamlu_scalar(perm) :
	    cfg->collection_permalink != NULL ? cfg->collection_permalink :
	    cfg->permalink;
	url = permalink_url(template, &vars, &unknown);
	free(cleaned);
	if (unknown != NULL) {
		where = perm != NULL ? fm_where(lperm, perm) : xstrdup("1");
		xasprintf(cause, "%s: permalink has an unknown placeholder "
		    ":%s", where, unknown);
		free(where);
		free(unknown);
		free(url);
		return (-1);
	}
	id = permalink_id(url, slug);
	post->url = absolute(cfg, url);
	post->id = permalink_absolute(cfg->id_url, cfg->baseurl, id);
	free(id);
	free(url);
	read_feed_id(view, post, warning);

	if (read_authors(cfg, view, post, cause) != 0)
		return (-1);
	for (i = 0; i < post->nauthors; i++) {
		if (post->authors[i].email == NULL ||
		    text_is_email(post->authors[i].email))
			continue;
		node = fm_get(view, "author", &l);
		where = fm_where(l, node);
		add_warning(warning, "%s: author email \"%s\" is not an e-mail "
		    "address; left out", where, post->authors[i].email);
		free(where);
		free(post->authors[i].email);
		post->authors[i].email = NULL;
	}
	if ((v = yamlu_scalar(desc)) == NULL || text_is_blank(v))
		v = yamlu_scalar(excerpt);
	if (v != NULL && !text_is_blank(v)) {
		plain = render_plain(v);
		post->summary = plain;
	}
	image = fm_get_sub(view, "image", "path", NULL);
	if (image == NULL && (image = fm_get(view, "image", NULL)) != NULL &&
	    image->type != YAML_SCALAR_NODE)
		image = NULL;
	if ((v = yamlu_scalar(image)) != NULL)
		post->image = absolute(cfg, v);
	if ((v = yamlu_scalar(lang)) != NULL) {
		post->lang = xstrdup(v);
		text_language_tag(post->lang);
		if (!text_language_valid(post->lang)) {
			where = fm_where(llang, lang);
			add_warning(warning, "%s: lang \"%s\" is not a language "
			    "tag (such as en or zh-CN); left out", where, v);
			free(where);
			free(post->lang);
			post->lang = NULL;
		}
	}
	if ((v = yamlu_scalar(fm_get(view, "excerpt_separator", &l))) != NULL)
		post->excerpt_separator = xstrdup(v);
	return (0);
}

/* Read and parse one post file. */
enum post_status
post_load(const struct config *cfg, const char *path, const char *relpath,
    struct buf *scratch, struct post **out, char **cause, char **warning,
    struct post_file *file)
{
	struct buf	 local = BUF_INIT, *b = scratch != NULL ? scratch : &local;
	struct post	*post = NULL;
	struct post_file unused, *f = file != NULL ? file : &unused;
	struct post_name pn;
	struct post_text pt;
	struct timespec	 now;
	struct stat	 st;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	struct fm_view	 view;
	const char	*base, *nul, *data;
	char		*yerr;
	size_t		 len;
	enum post_status status = POST_INVALID;
	int		 have_doc = 0, fm;
	size_t		 bad;

	*warning = NULL;
	memset(f, 0, sizeof *f);
	f->size = -1;
	base = strrchr(relpath, '/');
	base = base != NULL ? base + 1 : relpath;
	if (parse_name(base, &pn) != 0) {
		xasprintf(cause, " not a post name (YYYY-MM-DD-title.ext)");
		return (POST_INVALID);
	}
	/* Day 30 of February is March 2, as in Jekyll; month 13 is not. */
	if (pn.month < 1 || pn.month > 12 || pn.day < 1 || pn.day > 31) {
		xasprintf(cause, " the file name's date %04d-%02d-%02d is not "
		    "a calendar day", pn.year, pn.month, pn.day);
		free_name(&pn);
		return (POST_INVALID);
	}
	/* The clock that stamps files, before anything is read. */
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	if (fileio_read(path, POST_MAX_BYTES, b, &st) != 0) {
		int	 err = errno;

		/* Name what the file is rather than why open() failed. */
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			err = ELOOP;
		else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
			err = EINVAL;
		xasprintf(cause, " cannot read: %s%s", err == EINVAL ?
		    "not a regular file" : err == EFBIG ? "file too large" :
		    err == ELOOP ? "symbolic links are not followed" :
		    strerror(err), sandbox_hint(path, err, 0));
		goto done;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime_ns = datetime_ns(&st.st_mtim);
	f->ctime_ns = datetime_ns(&st.st_ctim);
	f->recent = (f->mtime_ns > f->ctime_ns ? f->mtime_ns : f->ctime_ns) >
	    datetime_ns(&now) - POST_SETTLE_NS;
	data = b->data;
	len = b->len;
	if ((nul = memchr(data, '\0', len)) != NULL) {
		const char *p;
		int	 line = 1;

		for (p = data; p < nul; p++)
			line += *p == '\n';
		xasprintf(cause, "%d: binary file (NUL byte)", line);
		goto done;
	}
	if ((fm = split_front_matter(data, len, &pt, cause)) == -1)
		goto done;
	if (pt.yamllen > FRONT_MATTER_MAX_BYTES) {
		xasprintf(cause, "2: front matter too large (%zu bytes; at "
		    "most %d)", pt.yamllen, FRONT_MATTER_MAX_BYTES);
		goto done;
	}
	if (fm == 1)
		xasprintf(warning, "1: no front matter (\"---\" is not the "
		    "first line); title and date come from the file name");
	else if ((bad = text_utf8_check(pt.body, pt.bodylen)) <
	    pt.bodylen) {
		const char *p;
		int	 line = pt.body_line;

		for (p = pt.body; p < pt.body + bad; p++)
			line += *p == '\n';
		xasprintf(warning, "%d: invalid UTF-8 in the body, shown as "
		    "U+FFFD", line);
	}
	if (yamlu_load(pt.yaml, pt.yamllen, 2, &doc, &yerr) != 0) {
		*cause = yerr;
		goto done;
	}
	have_doc = 1;
	root = yamlu_root_map(&doc);
	if (root == NULL && yaml_document_get_root_node(&doc) != NULL) {
		xasprintf(cause, "2: front matter must be a mapping of keys");
		goto done;
	}
	defaults_view(cfg->defaults, relpath, &doc, root, &view);
	/* jekyll-feed leaves out drafts as Jekyll leaves out unpublished. */
	if (yamlu_bool(fm_get(&view, "published", NULL)) == 0 ||
	    yamlu_bool(fm_get(&view, "draft", NULL)) == 1) {
		status = POST_UNPUBLISHED;
		goto done;
	}

	post = xcalloc(1, sizeof *post);
	post->path = xstrdup(path);
	post->format = config_is_markdown(cfg, pn.ext) ? RENDER_MARKDOWN :
	    RENDER_HTML;
	post->dev = f->dev;
	post->ino = f->ino;
	post->size = f->size;
	post->mtime_ns = f->mtime_ns;
	post->ctime_ns = f->ctime_ns;
	post->recent = f->recent;
	post->digest = hash64(data, len);
	if (read_fields(cfg, post, relpath, &view, &pn, cause,
	    warning) != 0) {
		free_loose(post);
		post = NULL;
		goto done;
	}
	post_pack(post);
	status = POST_OK;
	*out = post;

done:
	if (status == POST_INVALID) {
		free(*warning);
		*warning = NULL;
	}
	if (have_doc)
		yaml_document_delete(&doc);
	buf_free(&local);
	free_name(&pn);
	return (status);
}

/*
 * A body's Liquid, rendered into out (with the stash for Markdown);
 * problems are added to *cause as lines.  Returns 1 if Liquid ran.
 */
static int
render_liquid(const struct liquidpost *lp, const struct post *post,
    const struct post_text *pt, struct liquid_stash *stash, struct buf *out,
    char **cause)
{
	struct buf	 diag = BUF_INIT;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	char		*yerr, *line, *save;

	if (lp == NULL || yamlu_load(pt->yaml, pt->yamllen, 2, &doc,
	    &yerr) != 0) {
		if (lp != NULL)
			free(yerr);
		return (0);
	}
	root = yamlu_root_map(&doc);
	if (!liquidpost_needed(pt->body, pt->bodylen, &doc, root, post)) {
		yaml_document_delete(&doc);
		return (0);
	}
	buf_add(out, "", 0);
	if (liquidpost_render(lp, post, &doc, root, pt->body, pt->bodylen,
	    pt->body_line, stash, out, &diag) != 0 && diag.len > 0) {
		for (line = strtok_r(diag.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			add_warning(cause, "%s (Liquid; removed)", line);
	}
	buf_free(&diag);
	yaml_document_delete(&doc);
	return (1);
}

/* Render the body for a feed. */
int
post_render(const struct config *cfg, const struct liquidpost *lp,
    const struct post *post, struct buf *scratch, char **content,
    char **summary, char **cause, int *liquid)
{
	struct buf	 local = BUF_INIT, *b = scratch != NULL ? scratch : &local;
	struct buf	 rendered = BUF_INIT;
	struct liquid_stash *stash = NULL;
	struct post_text pt;
	struct stat	 sb;
	const char	*body;
	size_t		 len;
	int		 rc = 0, used = 0;

	*cause = NULL;
	if (fileio_read(post->path, POST_MAX_BYTES, b, &sb) != 0) {
		xasprintf(cause, " cannot read: %s", strerror(errno));
		rc = -1;
	} else if (sb.st_dev != post->dev || sb.st_ino != post->ino ||
	    sb.st_size != post->size) {
		/* The body must match the front matter read before (the
		 * mtime alone may change, as with touch, which sends no
		 * event that would have the post read again). */
		xasprintf(cause, " changed while it was being read; it is "
		    "read again at its next change");
		rc = -1;
	} else if (split_front_matter(b->data, b->len, &pt, cause) == -1)
		rc = -1;
	if (rc == -1) {
		*summary = xstrdup(post->summary != NULL ? post->summary : "");
		*content = xstrdup(*summary);
		buf_free(&local);
		return (-1);
	}
	body = pt.body;
	len = pt.bodylen;
	if (post->format == RENDER_MARKDOWN)
		stash = liquid_stash_new();
	if (render_liquid(lp, post, &pt, stash, &rendered, cause)) {
		used = 1;
		body = rendered.data;
		len = rendered.len;
	}
	*summary = post->summary != NULL ? xstrdup(post->summary) :
	    render_excerpt(body, len, post->format, post->excerpt_separator !=
	    NULL ? post->excerpt_separator : cfg->excerpt_separator, stash);
	*content = cfg->excerpt_only ? xstrdup("") : render_html(body, len,
	    post->format, post->url, stash);
	liquid_stash_free(stash);
	buf_free(&rendered);
	buf_free(&local);
	if (liquid != NULL)
		*liquid = used;
	return (*cause != NULL ? 1 : 0);
}

/* The strings of a post, in the order they are packed. */
#define POST_STRINGS(p) {						\
	&(p)->path, &(p)->title, &(p)->url, &(p)->id,			\
	&(p)->summary, &(p)->image, &(p)->lang, &(p)->excerpt_separator,	\
	&(p)->computed_id						\
}

/* Bytes a NULL-terminated list takes packed: pointers and strings. */
static size_t
list_bytes(char **list)
{
	size_t	 n = sizeof (char *);

	for (; list != NULL && *list != NULL; list++)
		n += sizeof (char *) + strlen(*list) + 1;
	return (n);
}

/*
 * Copy list into the block: its pointer array at *slots, its strings at
 * text.  Returns where the next strings go.
 */
static char *
pack_list(char **list, char **slots, char *text)
{
	size_t	 n;

	for (; list != NULL && *list != NULL; list++) {
		n = strlen(*list) + 1;
		memcpy(text, *list, n);
		*slots++ = text;
		text += n;
	}
	*slots = NULL;
	return (text);
}

/* Copy s (freed) into the block at *text; returns the copy, or NULL. */
static char *
pack_string(char *s, char **text)
{
	char	*copy = *text;
	size_t	 n;

	if (s == NULL)
		return (NULL);
	n = strlen(s) + 1;
	memcpy(copy, s, n);
	*text += n;
	free(s);
	return (copy);
}

/* Pack every string and list of a post into one allocation. */
void
post_pack(struct post *post)
{
	char	**strings[] = POST_STRINGS(post);
	char	**cats, **tags, *text, *block;
	struct author *authors, *a;
	size_t	 i, size, ncats, ntags;

	if (post->block != NULL)
		fatalx("post_pack: %s is packed already", post->path);
	ncats = list_bytes(post->categories);
	ntags = list_bytes(post->tags);
	size = ncats + ntags + post->nauthors * sizeof *authors;
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		if (*strings[i] != NULL)
			size += strlen(*strings[i]) + 1;
	}
	for (i = 0; i < post->nauthors; i++) {
		a = &post->authors[i];
		size += (a->name != NULL ? strlen(a->name) + 1 : 0) +
		    (a->email != NULL ? strlen(a->email) + 1 : 0) +
		    (a->uri != NULL ? strlen(a->uri) + 1 : 0);
	}
	/* Authors and pointer arrays first, so they are aligned. */
	block = xmalloc(size);
	authors = (struct author *)block;
	cats = (char **)(authors + post->nauthors);
	for (i = 0; post->categories != NULL && post->categories[i] != NULL;
	    i++)
		;
	tags = cats + i + 1;
	for (i = 0; post->tags != NULL && post->tags[i] != NULL; i++)
		;
	text = (char *)(tags + i + 1);
	text = pack_list(post->categories, cats, text);
	text = pack_list(post->tags, tags, text);
	yamlu_free_list(post->categories);
	yamlu_free_list(post->tags);
	post->categories = cats;
	post->tags = tags;
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		*strings[i] = pack_string(*strings[i], &text);
	for (i = 0; i < post->nauthors; i++) {
		a = &post->authors[i];
		authors[i].name = pack_string(a->name, &text);
		authors[i].email = pack_string(a->email, &text);
		authors[i].uri = pack_string(a->uri, &text);
	}
	free(post->authors);
	post->authors = post->nauthors > 0 ? authors : NULL;
	post->block = block;
}

/* A copy of a NULL-terminated list, loose (as yamlu_free_list frees). */
static char **
copy_list(char **list)
{
	char	**copy;
	size_t	 i, n;

	if (list == NULL)
		return (NULL);
	for (n = 0; list[n] != NULL; n++)
		;
	copy = xcalloc(n + 1, sizeof *copy);
	for (i = 0; i < n; i++)
		copy[i] = xstrdup(list[i]);
	return (copy);
}

/* A loose copy of n authors. */
static struct author *
copy_authors(const struct author *authors, size_t n)
{
	struct author	*copy;
	size_t		 i;

	if (n == 0)
		return (NULL);
	copy = xcalloc(n, sizeof *copy);
	for (i = 0; i < n; i++) {
		copy[i].name = authors[i].name != NULL ?
		    xstrdup(authors[i].name) : NULL;
		copy[i].email = authors[i].email != NULL ?
		    xstrdup(authors[i].email) : NULL;
		copy[i].uri = authors[i].uri != NULL ?
		    xstrdup(authors[i].uri) : NULL;
	}
	return (copy);
}

void
post_set_id(struct post *post, const char *id)
{
	char	**strings[] = POST_STRINGS(post);
	char	 *block = post->block;
	size_t	 i;

	/* Unpack into loose copies, swap the id, pack again. */
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		if (*strings[i] != NULL)
			*strings[i] = xstrdup(*strings[i]);
	if (post->computed_id == NULL)
		post->computed_id = post->id;
	else
		free(post->id);
	post->id = xstrdup(id);
	/* Given back its computed id, it has none other to remember. */
	if (strcmp(post->id, post->computed_id) == 0) {
		free(post->computed_id);
		post->computed_id = NULL;
	}
	post->categories = copy_list(post->categories);
	post->tags = copy_list(post->tags);
	post->authors = copy_authors(post->authors, post->nauthors);
	post->block = NULL;
	free(block);
	post_pack(post);
}

/* Free an unpacked post (one that failed half way through loading). */
static void
free_loose(struct post *post)
{
	char	**strings[] = POST_STRINGS(post);
	size_t	 i;

	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		free(*strings[i]);
	for (i = 0; i < post->nauthors; i++) {
		free(post->authors[i].name);
		free(post->authors[i].email);
		free(post->authors[i].uri);
	}
	free(post->authors);
	yamlu_free_list(post->categories);
	yamlu_free_list(post->tags);
	free(post);
}

/* Free a post. */
void
post_free(struct post *post)
{
	if (post == NULL)
		return;
	free(post->block);
	free(post);
}
