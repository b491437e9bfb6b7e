/*
 * libyaml document helpers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "yamlu.h"

/* Lists nested deeper than this are refused. */
#define YAMLU_MAX_DEPTH		8
/* Text nested deeper than this (in brackets) is not parsed at all. */
#define YAMLU_MAX_NESTING	1000
/* No name list holds more values than this. */
#define YAMLU_MAX_VALUES	10000
#define YAMLU_MAX_VALUES_TEXT	"10000"

struct collector;

static size_t	count_lines(const char *, size_t);
static size_t	too_deep_at(const char *, size_t);
static void	push(struct collector *, const char *, size_t);
static void	collect(yaml_document_t *, yaml_node_t *, int, int,
		    struct collector *);

/* Newlines in the first n bytes of s. */
static size_t
count_lines(const char *s, size_t n)
{
	size_t	 lines = 0, i;

	for (i = 0; i < n; i++)
		lines += s[i] == '\n';
	return (lines);
}

/*
 * Where [ and { first nest deeper than YAMLU_MAX_NESTING (quoting
 * ignored), or n: libyaml's time grows with the square of the depth, so
 * hostile nesting is refused before parsing.
 */
static size_t
too_deep_at(const char *s, size_t n)
{
	size_t	 depth = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] == '[' || s[i] == '{') {
			if (++depth > YAMLU_MAX_NESTING)
				return (i);
		} else if ((s[i] == ']' || s[i] == '}') && depth > 0)
			depth--;
	}
	return (n);
}

/* Load the first YAML document from a buffer. */
int
yamlu_load(const char *data, size_t len, int first_line,
    yaml_document_t *doc, char **cause)
{
	yaml_parser_t	 parser;
	size_t		 deep;
	int		 ok;

	if ((deep = too_deep_at(data, len)) < len) {
		xasprintf(cause, "%zu: lists or mappings nested more than %d "
		    "deep", (size_t)first_line + count_lines(data, deep),
		    YAMLU_MAX_NESTING);
		return (-1);
	}
	if (!yaml_parser_initialize(&parser)) {
		xasprintf(cause, "%d: cannot initialise the YAML parser",
		    first_line);
		return (-1);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	ok = yaml_parser_load(&parser, doc);
	if (!ok) {
		/* An unclosed list or mapping ("did not find expected ']'")
		 * is found later; point where it began. */
		yaml_mark_t mark = parser.problem_mark;
		size_t	 line = mark.line;

		if (parser.context != NULL && (mark.index >= len ||
		    strstr(parser.context, "flow") != NULL))
			line = parser.context_mark.line;
		/* The reader (bad UTF-8, control characters) marks only an
		 * offset. */
		if (parser.error == YAML_READER_ERROR)
			line = count_lines(data, parser.problem_offset < len ?
			    parser.problem_offset : len);

		xasprintf(cause, "%zu: invalid YAML: %s%s%s",
		    (size_t)first_line + line,
		    parser.problem != NULL ? parser.problem : "syntax error",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
	}
	yaml_parser_delete(&parser);
	return (ok ? 0 : -1);
}

/* The document's root if it is a mapping. */
yaml_node_t *
yamlu_root_map(yaml_document_t *doc)
{
	yaml_node_t	*root = yaml_document_get_root_node(doc);

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return (NULL);
	return (root);
}

/* Look key up in a mapping node. */
yaml_node_t *
yamlu_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pair;
	yaml_node_t	*k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return (NULL);
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(doc, pair->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return (yaml_document_get_node(doc, pair->value));
	}
	return (NULL);
}

/* Scalar text, or NULL for non-scalars and nulls. */
const char *
yamlu_scalar(const yaml_node_t *node)
{
	const char	*v;

	if (node == NULL || node->type != YAML_SCALAR_NODE)
		return (NULL);
	v = (const char *)node->data.scalar.value;
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0))
		return (NULL);
	return (v);
}

/* Whether node is an unquoted scalar. */
int
yamlu_is_plain(const yaml_node_t *node)
{
	return (node != NULL && node->type == YAML_SCALAR_NODE &&
	    node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
}

/* Interpret a plain scalar as a YAML 1.1 boolean, as Psych does. */
int
yamlu_bool(const yaml_node_t *node)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF", NULL };
	const char	*v;
	int		 i;

	if (!yamlu_is_plain(node))
		return (-1);
	v = (const char *)node->data.scalar.value;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcmp(v, yes[i]) == 0)
			return (1);
		if (strcmp(v, no[i]) == 0)
			return (0);
	}
	return (-1);
}

/* One-based file line of a node. */
int
yamlu_line(const yaml_node_t *node, int first_line)
{
	return (first_line + (int)node->start_mark.line);
}

/* A list being collected. */
struct collector {
	char		**list;
	size_t		 count;
	size_t		 cap;
	size_t		 visited;	/* values seen, aliases counted again */
	const char	*why;		/* set when the node is unusable */
};

/* Append a copy of n bytes of s. */
static void
push(struct collector *c, const char *s, size_t n)
{
	if (c->count + 2 > c->cap) {
		c->cap = c->cap == 0 ? 8 : c->cap * 2;
		c->list = xreallocarray(c->list, c->cap, sizeof *c->list);
	}
	c->list[c->count++] = xstrndup(s, n);
	c->list[c->count] = NULL;
}

/*
 * Collect the strings below node.  Every value visited counts, so
 * aliases that repeat a list a billion times stop at YAMLU_MAX_VALUES.
 */
static void
collect(yaml_document_t *doc, yaml_node_t *node, int split, int depth,
    struct collector *c)
{
	yaml_node_item_t *item;
	const char	*v, *end;

	if (node == NULL || c->why != NULL)
		return;
	if (++c->visited > YAMLU_MAX_VALUES) {
		c->why = "more than " YAMLU_MAX_VALUES_TEXT " values";
		return;
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		if ((v = yamlu_scalar(node)) == NULL)
			return;
		if (!split) {
			if (*v != '\0')
				push(c, v, strlen(v));
			return;
		}
		for (;;) {
			while (isspace((unsigned char)*v))
				v++;
			if (*v == '\0')
				break;
			for (end = v; *end != '\0' &&
			    !isspace((unsigned char)*end); end++)
				;
			push(c, v, (size_t)(end - v));
			v = end;
		}
		return;
	case YAML_SEQUENCE_NODE:
		if (depth >= YAMLU_MAX_DEPTH) {
			c->why = "lists nested too deep";
			return;
		}
		for (item = node->data.sequence.items.start;
		    item < node->data.sequence.items.top; item++)
			collect(doc, yaml_document_get_node(doc, *item), 0,
			    depth + 1, c);
		return;
	default:
		c->why = "a mapping is not a name";
		return;
	}
}

/* Strings of a scalar or list node. */
int
yamlu_strings(yaml_document_t *doc, yaml_node_t *node, int split,
    char ***list, size_t *count, const char **why)
{
	struct collector c;

	memset(&c, 0, sizeof c);
	collect(doc, node, split, 0, &c);
	if (c.why != NULL) {
		yamlu_free_list(c.list);
		*list = NULL;
		*count = 0;
		*why = c.why;
		return (-1);
	}
	*list = c.list;
	*count = c.count;
	return (0);
}

/* Free a NULL-terminated list of strings. */
void
yamlu_free_list(char **list)
{
	char	**p;

	if (list == NULL)
		return;
	for (p = list; *p != NULL; p++)
		free(*p);
	free(list);
}
