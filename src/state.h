/*
 * feedd's own files in the output folder's .feedd/ (the manifest, and
 * what later needs remembering between runs).  Each file starts with a
 * line naming its kind and format version and ends with a line holding
 * the length and a checksum of what lies between, so a file torn by a
 * crash, damaged, or written by another program or another version of
 * feedd is recognised, ignored and rebuilt, never trusted.  Files are
 * replaced atomically.
 */
#ifndef FEEDD_STATE_H
#define FEEDD_STATE_H

#include <stddef.h>

#include "buf.h"
#include "outdir.h"

/*
 * Read .feedd/name, written as kind version, into body (without the
 * first and last lines).  Returns 1 when read, 0 when there is no such
 * file, -1 when it cannot be used, with *why set to a static reason.
 */
int	state_load(struct outdir *, const char *name, unsigned version,
	    size_t max, struct buf *body, const char **why);

/*
 * Write body (lines, each ending in a newline) as .feedd/name, version
 * version, unless it holds that already.  Returns 1 if written, 0 if unchanged, -1 with errno set.
 */
int	state_save(struct outdir *, const char *name, unsigned version,
	    const char *body, size_t len);

#endif
