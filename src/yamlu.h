/*
 * Small helpers over libyaml's document API, shared by the config and the
 * front matter readers.  Aliases stay references (libyaml never expands
 * them), so hostile anchors cannot blow up memory; every walk here is
 * bounded in depth.
 */
#ifndef FEEDD_YAMLU_H
#define FEEDD_YAMLU_H

#include <stddef.h>
#include <yaml.h>

/*
 * Load the first document of len bytes.  first_line is the file line of
 * the first byte, so positions name lines of the whole file.  A document
 * of more than 100,000 values (alias uses counted) or nested more than
 * 1,000 deep is refused before it costs much memory.  On error returns -1
 * and sets *cause to a new "LINE: message" string.
 */
int		 yamlu_load(const char *, size_t, int first_line,
		    yaml_document_t *, char **cause);

/* The root node if it is a mapping, else NULL. */
yaml_node_t	*yamlu_root_map(yaml_document_t *);

/* The value of key in mapping map (its last, if given twice), or NULL. */
yaml_node_t	*yamlu_get(yaml_document_t *, yaml_node_t *, const char *);

/* A scalar's text, or NULL if node is not a scalar or is a YAML null. */
const char	*yamlu_scalar(const yaml_node_t *);

/* Whether node is a plain (unquoted) scalar. */
int		 yamlu_is_plain(const yaml_node_t *);

/* A YAML 1.1 boolean: 1 true, 0 false, -1 not a boolean. */
int		 yamlu_bool(const yaml_node_t *);

/* One-based line of node in the file. */
int		 yamlu_line(const yaml_node_t *, int first_line);

/*
 * Collect the strings of a scalar (split on white space when split is set)
 * or of a list (nested lists flattened, at most 8 deep); empty strings and
 * nulls are skipped.  On success *list is a new NULL-terminated list (or
 * NULL when empty; free with yamlu_free_list) of *count strings.  Returns
 * -1 with a static reason in *why for a mapping, lists nested too deep,
 * or more than 10,000 values (aliases count each time they repeat).
 */
int		 yamlu_strings(yaml_document_t *, yaml_node_t *, int split,
		    char ***list, size_t *count, const char **why);

/* Free a NULL-terminated string list. */
void		 yamlu_free_list(char **);

#endif
