/*
 * libyaml document helpers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "yamlu.h"

/* Lists nested deeper than this are not flattened further. */
#define YAMLU_MAX_DEPTH	8

static int	yamlu_collect(yaml_document_t *, yaml_node_t *, int, int,
		    char ***, size_t *);
static void	yamlu_push(char ***, size_t *, const char *, size_t);

/* Load the first YAML document from a buffer. */
int
yamlu_load(const char *data, size_t len, int first_line,
    yaml_document_t *doc, char **cause)
{
	yaml_parser_t	 parser;
	int		 ok;

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

		if (parser.context != NULL && (mark.index >= len ||
		    strstr(parser.context, "flow") != NULL))
			mark = parser.context_mark;

		xasprintf(cause, "%zu: invalid YAML: %s%s%s",
		    (size_t)first_line + mark.line,
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

/* Append a copy of n bytes of s to a NULL-terminated list. */
static void
yamlu_push(char ***list, size_t *count, const char *s, size_t n)
{
	*list = xreallocarray(*list, *count + 2, sizeof **list);
	(*list)[(*count)++] = xstrndup(s, n);
	(*list)[*count] = NULL;
}

/* Collect strings below node; returns the number of unusable values. */
static int
yamlu_collect(yaml_document_t *doc, yaml_node_t *node, int split, int depth,
    char ***list, size_t *count)
{
	yaml_node_item_t *item;
	const char	*v, *end;
	int		 bad = 0;

	if (node == NULL)
		return (0);
	switch (node->type) {
	case YAML_SCALAR_NODE:
		if ((v = yamlu_scalar(node)) == NULL)
			return (0);
		if (!split) {
			if (*v != '\0')
				yamlu_push(list, count, v, strlen(v));
			return (0);
		}
		for (;;) {
			while (isspace((unsigned char)*v))
				v++;
			if (*v == '\0')
				break;
			for (end = v; *end != '\0' &&
			    !isspace((unsigned char)*end); end++)
				;
			yamlu_push(list, count, v, (size_t)(end - v));
			v = end;
		}
		return (0);
	case YAML_SEQUENCE_NODE:
		if (depth >= YAMLU_MAX_DEPTH)
			return (1);
		for (item = node->data.sequence.items.start;
		    item < node->data.sequence.items.top; item++)
			bad += yamlu_collect(doc,
			    yaml_document_get_node(doc, *item), 0, depth + 1,
			    list, count);
		return (bad);
	default:
		return (1);
	}
}

/* Strings of a scalar or list node. */
int
yamlu_strings(yaml_document_t *doc, yaml_node_t *node, int split,
    char ***list, size_t *count)
{
	return (yamlu_collect(doc, node, split, 0, list, count));
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
