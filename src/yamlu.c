/*
 * libyaml document helpers.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xmalloc.h"
#include "yamlu.h"

/* Lists nested deeper than this are refused. */
#define YAMLU_MAX_DEPTH		8
/* Text nested deeper than this (in brackets) is not parsed at all. */
#define YAMLU_MAX_NESTING	1000
/* No document holds more nodes (alias uses counted) than this. */
#define YAMLU_MAX_NODES		100000
#define YAMLU_MAX_NODES_TEXT	"100000"
/* No name list holds more values than this. */
#define YAMLU_MAX_VALUES	10000
#define YAMLU_MAX_VALUES_TEXT	"10000"

struct collector;

static size_t	count_lines(const char *, size_t);
static size_t	too_deep_at(const char *, size_t);
static void	push(struct collector *, const char *, size_t);
static void	collect(yaml_document_t *, yaml_node_t *, int, int,
		    struct collector *);
struct loader;
static void	attach(struct loader *, int, const yaml_event_t *);
static int	load_event(struct loader *, yaml_event_t *);

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

/* A collection being built by load_events. */
struct open_node {
	int	 id;
	int	 key;		/* a mapping's key awaiting its value, or 0 */
};

/* The state of load_events. */
struct loader {
	yaml_document_t	*doc;
	struct open_node *stack;
	size_t		 depth;
	size_t		 nodes;		/* nodes and alias uses so far */
	struct strmap	*anchors;	/* anchor -> node id */
	const char	*error;		/* static reason, or NULL */
	yaml_mark_t	 error_mark;
};

/* Attach node id to the collection being built (or make it the root). */
static void
attach(struct loader *l, int id, const yaml_event_t *ev)
{
	struct open_node *top;
	int		 ok = 1;

	yaml_document_get_node(l->doc, id)->start_mark = ev->start_mark;
	if (l->depth == 0)
		return;
	top = &l->stack[l->depth - 1];
	if (yaml_document_get_node(l->doc, top->id)->type ==
	    YAML_SEQUENCE_NODE)
		ok = yaml_document_append_sequence_item(l->doc, top->id, id);
	else if (top->key == 0)
		top->key = id;
	else {
		ok = yaml_document_append_mapping_pair(l->doc, top->id,
		    top->key, id);
		top->key = 0;
	}
	if (!ok) {
		l->error = "out of memory";
		l->error_mark = ev->start_mark;
	}
}

/*
 * Handle one parser event.  Every node and alias use counts against
 * YAMLU_MAX_NODES and collections nest at most YAMLU_MAX_NESTING deep, so
 * a hostile file is refused before it can cost much memory.  Returns 0
 * at the end of the first document, 1 to go on, -1 on error.
 */
static int
load_event(struct loader *l, yaml_event_t *ev)
{
	yaml_char_t	*anchor = NULL;
	void		*target;
	int		 id = 0;

	if (ev->type == YAML_STREAM_END_EVENT ||
	    ev->type == YAML_DOCUMENT_END_EVENT)
		return (0);
	if (ev->type == YAML_SEQUENCE_END_EVENT ||
	    ev->type == YAML_MAPPING_END_EVENT) {
		l->depth--;
		return (1);
	}
	if (ev->type != YAML_SCALAR_EVENT && ev->type != YAML_ALIAS_EVENT &&
	    ev->type != YAML_SEQUENCE_START_EVENT &&
	    ev->type != YAML_MAPPING_START_EVENT)
		return (1);
	if (++l->nodes > YAMLU_MAX_NODES) {
		l->error = "more than " YAMLU_MAX_NODES_TEXT " values";
		l->error_mark = ev->start_mark;
		return (-1);
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		if ((target = strmap_get(l->anchors,
		    (const char *)ev->data.alias.anchor)) == NULL) {
			l->error = "found undefined alias";
			l->error_mark = ev->start_mark;
			return (-1);
		}
		attach(l, (int)(intptr_t)target, ev);
		return (l->error != NULL ? -1 : 1);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		/* An explicitly tagged plain scalar (!!str 2023-01-29) is
		 * not read as a plain one: it is kept as if quoted. */
		id = yaml_document_add_scalar(l->doc, ev->data.scalar.tag,
		    ev->data.scalar.value, (int)ev->data.scalar.length,
		    ev->data.scalar.tag != NULL && ev->data.scalar.style ==
		    YAML_PLAIN_SCALAR_STYLE ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
		    ev->data.scalar.style);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		id = yaml_document_add_sequence(l->doc,
		    ev->data.sequence_start.tag, ev->data.sequence_start.style);
		break;
	default:
		anchor = ev->data.mapping_start.anchor;
		id = yaml_document_add_mapping(l->doc,
		    ev->data.mapping_start.tag, ev->data.mapping_start.style);
		break;
	}
	if (id == 0) {
		l->error = "out of memory";
		l->error_mark = ev->start_mark;
		return (-1);
	}
	attach(l, id, ev);
	if (anchor != NULL)
		strmap_put(l->anchors, (const char *)anchor, (void *)(intptr_t)id);
	if (ev->type != YAML_SCALAR_EVENT) {
		if (l->depth == YAMLU_MAX_NESTING) {
			l->error = "lists or mappings nested too deep";
			l->error_mark = ev->start_mark;
			return (-1);
		}
		l->stack[l->depth].id = id;
		l->stack[l->depth].key = 0;
		l->depth++;
	}
	return (l->error != NULL ? -1 : 1);
}

/*
 * Load the first YAML document from a buffer, building the document from
 * parser events (as yaml_parser_load would, but bounded).
 */
int
yamlu_load(const char *data, size_t len, int first_line,
    yaml_document_t *doc, char **cause)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	struct loader	 l;
	size_t		 deep, line;
	int		 rc = 1;

	if ((deep = too_deep_at(data, len)) < len) {
		xasprintf(cause, "%zu: lists or mappings nested more than %d "
		    "deep", (size_t)first_line + count_lines(data, deep),
		    YAMLU_MAX_NESTING);
		return (-1);
	}
	if (!yaml_parser_initialize(&parser) ||
	    !yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1)) {
		xasprintf(cause, "%d: out of memory", first_line);
		yaml_parser_delete(&parser);
		return (-1);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	memset(&l, 0, sizeof l);
	l.doc = doc;
	l.stack = xcalloc(YAMLU_MAX_NESTING, sizeof *l.stack);
	l.anchors = strmap_create();
	while (rc == 1) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = -1;
			break;
		}
		rc = load_event(&l, &ev);
		yaml_event_delete(&ev);
	}
	if (rc == -1 && l.error != NULL)
		xasprintf(cause, "%zu: invalid YAML: %s", (size_t)first_line +
		    l.error_mark.line, l.error);
	else if (rc == -1 && parser.error == YAML_MEMORY_ERROR)
		xasprintf(cause, "%d: out of memory reading the YAML",
		    first_line);
	else if (rc == -1) {
		/* An unclosed list or mapping ("did not find expected ']'")
		 * is found later; point where it began. */
		yaml_mark_t mark = parser.problem_mark;

		line = mark.line;
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
	if (rc == -1)
		yaml_document_delete(doc);
	strmap_free(l.anchors);
	free(l.stack);
	yaml_parser_delete(&parser);
	return (rc == -1 ? -1 : 0);
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
	/* From the end: a key given twice keeps its last value, as in
	 * Ruby's YAML (Psych). */
	for (pair = map->data.mapping.pairs.top;
	    pair-- > map->data.mapping.pairs.start; ) {
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
