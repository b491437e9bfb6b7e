/*
 * Whole-file reads and atomic, write-only-if-changed replacement.
 */
#ifndef FEEDD_FILEIO_H
#define FEEDD_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"

/*
 * Read a regular file of at most max bytes (symbolic links are not
 * followed) into b, replacing its contents; b's memory is reused, so one
 * buffer serves many reads.  If sb is not NULL it receives the file's
 * status.  Returns 0, or -1 with errno set (EFBIG when larger than max,
 * EINVAL when not a regular file, ELOOP for a symbolic link).
 */
int	fileio_read(const char *, size_t max, struct buf *, struct stat *sb);

/*
 * Make path hold exactly len bytes of data.  If it already does, nothing
 * is written (its mtime stays).  Otherwise the data goes to a temporary
 * file in the same folder, which is flushed to disk and renamed over path,
 * so a reader sees the old file or the new one, never a mix.  Missing
 * parent folders are created.  Returns 1 if written, 0 if unchanged, -1
 * on error with errno set and no temporary file left behind.
 */
int	fileio_replace(const char *, const void *, size_t);

/*
 * The same for many files at once, with one flush to disk for them all:
 * fileio_batch_add stages a file (written to its temporary file), and
 * fileio_batch_commit makes the staged files durable and renames each
 * into place.  Freeing a batch removes the temporary files of anything
 * not committed.
 */
struct fileio_batch;

struct fileio_batch *fileio_batch_create(void);

/* Stage path; returns 1 if staged, 0 if unchanged, -1 with errno. */
int	fileio_batch_add(struct fileio_batch *, const char *, const void *,
	    size_t);

/*
 * Flush and rename every staged file, calling done(path, 0, arg) for each
 * put in place and done(path, errno, arg) for each that failed.  Returns
 * the number of files renamed.
 */
size_t	fileio_batch_commit(struct fileio_batch *,
	    void (*done)(const char *, int, void *), void *);

void	fileio_batch_free(struct fileio_batch *);

/* Create dir and its missing parents (mode 0755).  Returns 0 or -1. */
int	fileio_mkdirs(const char *);

/* The folder part of path: "." if none, "/" for the root (new string). */
char	*fileio_dirname(const char *);

/* Whether name is one of the temporary files fileio_replace creates. */
int	fileio_is_temp(const char *);

#endif
