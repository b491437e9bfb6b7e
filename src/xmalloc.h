/*
 * Allocation wrappers that never return NULL: on failure they log and exit,
 * so no other code carries out-of-memory branches.
 */
#ifndef FEEDD_XMALLOC_H
#define FEEDD_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((__format__(printf, 2, 3)));

#endif
