/*
 * A digest of everything besides the posts that decides what a build
 * makes of them: both configuration documents as parsed (the site's
 * _config.yml and the administrator's -c file), the settings the command
 * line overrides, the site's _data, which site folder it is, and which
 * feedd (its version and its executable's build id, so that a rebuilt
 * feedd trusts nothing an older one saved).  What feedd keeps between
 * runs on the strength of a match (pindex.h, fsig.h) is keyed by it.
 */
#ifndef FEEDD_CONFHASH_H
#define FEEDD_CONFHASH_H

#include <stdint.h>

#include "config.h"

/* The digest for cfg; the same inputs give the same digest. */
uint64_t	confhash(const struct config *);

#endif
