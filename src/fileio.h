/*
 * Whole-file reads of the site's files, and folder paths.  Writing is
 * outdir's job (outdir.h).
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

/* The same for name relative to the folder descriptor dirfd. */
int	fileio_read_at(int dirfd, const char *, size_t max, struct buf *,
	    struct stat *sb);

/*
 * Read rel, a path below folder dir, as fileio_read does, without
 * following a link on any component of rel and refusing "..": for files
 * of the untrusted site such as Liquid's includes.
 */
int	fileio_read_beneath(const char *dir, const char *rel, size_t max,
	    struct buf *);

/* Create dir and its missing parents (mode 0755).  Returns 0 or -1. */
int	fileio_mkdirs(const char *);

/* An absolute path without ".", ".." or doubled slashes (new string). */
char	*fileio_normalise(const char *);

/*
 * An absolute path normalised, and the part that exists resolved to the
 * real folders it names (new string).
 */
char	*fileio_canonical(const char *);

/* The folder part of path: "." if none, "/" for the root (new string). */
char	*fileio_dirname(const char *);

#endif
