/*
 * The .gz files written beside feeds for a web server's gzip_static
 * (feedd.gzip): gzip with zlib, reproducible (no file name, no time in
 * the header), so an unchanged feed gives an unchanged .gz.
 */
#ifndef FEEDD_GZFILE_H
#define FEEDD_GZFILE_H

#include <stddef.h>

#include "buf.h"

#define GZFILE_SUFFIX	".gz"

/*
 * Append the gzip of len bytes at data to out.  Returns 0, or -1 if zlib
 * failed.
 */
int	gzfile_compress(const void *data, size_t len, struct buf *out);

/* The .gz path beside rel (new string). */
char	*gzfile_path(const char *rel);

#endif
