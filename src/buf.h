/*
 * A growable byte buffer.  The buffer owns its data; buf_take hands the
 * NUL-terminated bytes to the caller, who frees them with free().
 */
#ifndef FEEDD_BUF_H
#define FEEDD_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated once non-empty */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Make room for n more bytes (and the NUL) without changing the length. */
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((__format__(printf, 2, 3)));
void	 buf_reset(struct buf *);
char	*buf_take(struct buf *);
void	 buf_free(struct buf *);

/*
 * Append one byte.  Inline: the renderers append text a byte at a time,
 * and a call per byte was a sixth of a build.
 */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

#endif
