/*
 * Allocation wrappers that never return NULL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* Allocate size bytes; a zero-size request is a bug. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc: allocating %zu bytes", size);
	return (p);
}

/* Allocate a zeroed array of n elements of size bytes. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		fatalx("xcalloc: zero size");
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc: allocating %zu * %zu bytes", n, size);
	return (p);
}

/* Resize p to n elements of size bytes, checking the multiplication. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*q;

	if (n == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (SIZE_MAX / n < size)
		fatalx("xreallocarray: %zu * %zu overflows", n, size);
	if ((q = realloc(p, n * size)) == NULL)
		fatal("xreallocarray: allocating %zu * %zu bytes", n, size);
	return (q);
}

/* Duplicate a string. */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return (p);
}

/* Duplicate at most n bytes of s, always NUL-terminated. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return (p);
}

/* Print into a newly allocated string stored in *ret; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal("xasprintf");
	return (n);
}
