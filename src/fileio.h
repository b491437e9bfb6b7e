/*
 * Whole-file reads and atomic, write-only-if-changed replacement.
 */
#ifndef FEEDD_FILEIO_H
#define FEEDD_FILEIO_H

#include <stddef.h>

/*
 * Read a regular file of at most max bytes (symbolic links are not
 * followed) into a new NUL-terminated buffer the caller frees.  Returns 0,
 * or -1 with errno set (EFBIG when larger than max, EINVAL when not a
 * regular file).
 */
int	fileio_read(const char *, size_t max, char **, size_t *);

/*
 * Make path hold exactly len bytes of data.  If it already does, nothing
 * is written (its mtime stays).  Otherwise the data goes to a temporary
 * file in the same folder, which is flushed to disk and renamed over path,
 * so a reader sees the old file or the new one, never a mix.  Missing
 * parent folders are created.  Returns 1 if written, 0 if unchanged, -1
 * on error with errno set and no temporary file left behind.
 */
int	fileio_replace(const char *, const void *, size_t);

/* Create dir and its missing parents (mode 0755).  Returns 0 or -1. */
int	fileio_mkdirs(const char *);

/* Whether name is one of the temporary files fileio_replace creates. */
int	fileio_is_temp(const char *);

#endif
