/*
 * Front-matter defaults: scopes, precedence and layered lookup.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "xmalloc.h"
#include "yamlu.h"

/* A glob is given up (no match) after this many steps. */
#define GLOB_STEPS	100000

/* One set of defaults:. */
struct dset {
	char		*path;		/* scope.path; "" for none */
	int		 typed;		/* scope.type given */
	int		 posts;		/* ...and it names posts */
	yaml_node_t	*values;	/* a mapping */
	int		 line;		/* of the set, for check-config */
};

struct defaults {
	yaml_document_t	*doc;
	const char	*file;
	struct dset	*sets;
	size_t		 n;
};

static int	glob_match(const char *, const char *, int *);
static int	applies(const struct dset *, const char *);
static int	has_precedence(const struct dset *, const struct dset *);
static int	is_set(const yaml_node_t *);

/*
 * Ruby's File.fnmatch as Dir.glob uses it: '*' and '?' stop at '/',
 * "**" followed by '/' matches any number of folders, [...] a class.
 * *steps bounds the work a hostile pattern can cause.
 */
static int
glob_match(const char *p, const char *t, int *steps)
{
	const char	*end;
	char		 cls[256], one[2];

	for (;;) {
		if (++*steps > GLOB_STEPS)
			return (0);
		if (p[0] == '*' && p[1] == '*' && p[2] == '/') {
			for (p += 3;; t++) {
				if (glob_match(p, t, steps))
					return (1);
				if ((t = strchr(t, '/')) == NULL)
					return (0);
			}
		}
		switch (*p) {
		case '\0':
			return (*t == '\0');
		case '*':
			for (p++;; t++) {
				if (glob_match(p, t, steps))
					return (1);
				if (*t == '\0' || *t == '/')
					return (0);
			}
		case '?':
			if (*t == '\0' || *t == '/')
				return (0);
			break;
		case '[':
			if ((end = strchr(p + 1, ']')) == NULL ||
			    (size_t)(end - p + 2) > sizeof cls)
				return (*t == '[' && glob_match(p + 1, t + 1,
				    steps));
			memcpy(cls, p, (size_t)(end - p + 1));
			cls[end - p + 1] = '\0';
			one[0] = *t;
			one[1] = '\0';
			if (*t == '\0' || *t == '/' || fnmatch(cls, one, 0) != 0)
				return (0);
			p = end;
			break;
		default:
			if (*p != *t)
				return (0);
			break;
		}
		p++;
		t++;
	}
}

/*
 * Whether a set applies to the post at relpath: its type is posts (or
 * none), and its path is a prefix of relpath (a plain string prefix, as
 * in Jekyll: "news" also covers "newsletter/"), or a glob matching a
 * folder or file relpath lies in or is.
 */
static int
applies(const struct dset *s, const char *relpath)
{
	const char	*slash;
	char		*prefix;
	int		 match, steps = 0;

	if (s->typed && !s->posts)
		return (0);
	if (*s->path == '\0')
		return (1);
	if (strchr(s->path, '*') == NULL)
		return (strncmp(relpath, s->path, strlen(s->path)) == 0);
	for (slash = relpath; ; slash++) {
		slash = strchr(slash, '/');
		prefix = slash != NULL ? xstrndup(relpath,
		    (size_t)(slash - relpath)) : xstrdup(relpath);
		match = glob_match(s->path, prefix, &steps);
		free(prefix);
		if (match || slash == NULL)
			return (match);
	}
}

/*
 * Jekyll's has_precedence?: a set with a longer path wins; at equal
 * length one with a type wins, and one without only over another
 * without.
 */
static int
has_precedence(const struct dset *old, const struct dset *new)
{
	size_t	 a, b;

	if (old == NULL)
		return (1);
	a = strlen(new->path);
	b = strlen(old->path);
	if (a != b)
		return (a > b);
	return (new->typed || !old->typed);
}

/* Read the defaults: list. */
struct defaults *
defaults_read(yaml_document_t *doc, yaml_node_t *list, const char *file,
    struct buf *errors, struct buf *warnings)
{
	struct defaults	*d = xcalloc(1, sizeof *d);
	yaml_node_item_t *item;
	yaml_node_t	*set, *scope, *values, *path, *type;
	struct dset	*s;
	const char	*v;

	d->doc = doc;
	d->file = file;
	if (list == NULL)
		return (d);
	if (list->type != YAML_SEQUENCE_NODE) {
		buf_addf(errors, "%s:%d: defaults must be a list of sets "
		    "(scope, values)\n", file, yamlu_line(list, 1));
		return (d);
	}
	for (item = list->data.sequence.items.start;
	    item < list->data.sequence.items.top; item++) {
		set = yaml_document_get_node(doc, *item);
		if (set == NULL || set->type != YAML_MAPPING_NODE) {
			buf_addf(errors, "%s:%d: a set of defaults must be a "
			    "mapping of scope and values\n", file,
			    yamlu_line(set, 1));
			continue;
		}
		scope = yamlu_get(doc, set, "scope");
		values = yamlu_get(doc, set, "values");
		if (values == NULL || values->type != YAML_MAPPING_NODE) {
			buf_addf(warnings, "%s:%d: a set of defaults without "
			    "values is ignored\n", file, yamlu_line(set, 1));
			continue;
		}
		if (scope != NULL && scope->type != YAML_MAPPING_NODE &&
		    yamlu_scalar(scope) != NULL) {
			buf_addf(errors, "%s:%d: scope must be a mapping of "
			    "path and type\n", file, yamlu_line(scope, 1));
			continue;
		}
		path = yamlu_get(doc, scope, "path");
		type = yamlu_get(doc, scope, "type");
		if (d->n == DEFAULTS_MAX) {
			buf_addf(errors, "%s:%d: more than %d sets of "
			    "defaults\n", file, yamlu_line(set, 1),
			    DEFAULTS_MAX);
			break;
		}
		d->sets = xreallocarray(d->sets, d->n + 1, sizeof *d->sets);
		s = &d->sets[d->n++];
		v = yamlu_scalar(path);
		s->path = xstrdup(v != NULL ? v : "");
		s->typed = yamlu_scalar(type) != NULL;
		v = yamlu_scalar(type);
		s->posts = v != NULL && (strcmp(v, "posts") == 0 ||
		    strcmp(v, "post") == 0);
		if (v != NULL && strcmp(v, "post") == 0)
			buf_addf(warnings, "%s:%d: defaults type \"post\" is "
			    "taken as \"posts\", as Jekyll does\n", file,
			    yamlu_line(type, 1));
		s->values = values;
		s->line = yamlu_line(set, 1);
	}
	return (d);
}

/* Free defaults (not the document). */
void
defaults_free(struct defaults *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->sets[i].path);
	free(d->sets);
	free(d);
}

/* Whether no set could apply to a post. */
int
defaults_empty(const struct defaults *d)
{
	size_t	 i;

	for (i = 0; d != NULL && i < d->n; i++) {
		if (!d->sets[i].typed || d->sets[i].posts)
			return (0);
	}
	return (1);
}

/*
 * A post's layers.  Sets are taken in file order; one with precedence
 * over the last that had it goes on top of the defaults so far, another
 * goes beneath them (it only fills gaps), as Jekyll's merge does.
 */
void
defaults_view(const struct defaults *d, const char *relpath,
    yaml_document_t *doc, yaml_node_t *map, struct fm_view *view)
{
	const struct dset *order[2 * DEFAULTS_MAX], *old = NULL;
	size_t		 top = DEFAULTS_MAX, bottom = DEFAULTS_MAX, i;
	struct fm_layer	*l;

	memset(view, 0, sizeof *view);
	l = &view->layers[view->n++];
	l->doc = doc;
	l->map = map;
	l->first_line = 2;
	for (i = 0; d != NULL && i < d->n; i++) {
		if (!applies(&d->sets[i], relpath))
			continue;
		if (has_precedence(old, &d->sets[i])) {
			order[--top] = &d->sets[i];
			old = &d->sets[i];
		} else
			order[bottom++] = &d->sets[i];
	}
	for (i = top; i < bottom; i++) {
		l = &view->layers[view->n++];
		l->doc = d->doc;
		l->map = order[i]->values;
		l->first_line = 1;
		l->file = d->file;
	}
}

/* Whether a value counts as set: not a YAML null. */
static int
is_set(const yaml_node_t *node)
{
	return (node != NULL && (node->type != YAML_SCALAR_NODE ||
	    yamlu_scalar(node) != NULL));
}

/* The topmost value of key. */
yaml_node_t *
fm_get(const struct fm_view *view, const char *key,
    const struct fm_layer **layer)
{
	yaml_node_t	*v;
	size_t		 i;

	for (i = 0; i < view->n; i++) {
		v = yamlu_get(view->layers[i].doc, view->layers[i].map, key);
		if (is_set(v)) {
			if (layer != NULL)
				*layer = &view->layers[i];
			return (v);
		}
	}
	return (NULL);
}

/* The merged value of key's sub-key. */
yaml_node_t *
fm_get_sub(const struct fm_view *view, const char *key, const char *sub,
    const struct fm_layer **layer)
{
	const struct fm_layer *l;
	yaml_node_t	*v, *s;
	size_t		 i;

	for (i = 0; i < view->n; i++) {
		l = &view->layers[i];
		v = yamlu_get(l->doc, l->map, key);
		if (!is_set(v))
			continue;
		/* A value that is not a mapping replaces those below. */
		if (v->type != YAML_MAPPING_NODE)
			return (NULL);
		if (is_set(s = yamlu_get(l->doc, v, sub))) {
			if (layer != NULL)
				*layer = l;
			return (s);
		}
	}
	return (NULL);
}

/* Where a value was written. */
char *
fm_where(const struct fm_layer *l, const yaml_node_t *node)
{
	char	*s;

	if (l == NULL || l->file == NULL)
		xasprintf(&s, "%d", node != NULL ? yamlu_line(node, 2) : 1);
	else
		xasprintf(&s, "1: (a front-matter default, %s:%d)", l->file,
		    node != NULL ? yamlu_line(node, l->first_line) : 1);
	return (s);
}

/* One line per set, for check-config. */
char *
defaults_describe(const struct defaults *d)
{
	struct buf	 b = BUF_INIT;
	yaml_node_pair_t *pair;
	const struct dset *s;
	const char	*k;
	size_t		 i;

	for (i = 0; d != NULL && i < d->n; i++) {
		s = &d->sets[i];
		buf_addf(&b, "%s:%d: path \"%s\", %s:", d->file, s->line,
		    s->path, !s->typed ? "every type" : s->posts ? "posts" :
		    "not posts (never applies)");
		for (pair = s->values->data.mapping.pairs.start;
		    pair < s->values->data.mapping.pairs.top; pair++) {
			k = yamlu_scalar(yaml_document_get_node(d->doc,
			    pair->key));
			buf_addf(&b, " %s", k != NULL ? k : "?");
		}
		buf_addc(&b, '\n');
	}
	return (b.len > 0 ? buf_take(&b) : NULL);
}
