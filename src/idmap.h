/*
 * Entry ids that outlive renames.  jekyll-feed makes a post's id from its
 * URL, so renaming a post file, or changing its permalink, would show the
 * post to every reader as a new entry.  feedd keeps the id instead (see
 * site.c for when), and remembers each kept id -- one that differs from
 * the post's computed id -- by the post's site-relative path in
 * .feedd/ids, so that later builds and restarts on the same output folder
 * give the same ids.  A build into a folder without it uses the computed
 * ids, as jekyll-feed does.  A torn or foreign file is ignored with one
 * warning (the computed ids return).
 */
#ifndef FEEDD_IDMAP_H
#define FEEDD_IDMAP_H

#include "outdir.h"

struct idmap;

/* Read the kept ids of the output folder (none when it has no file). */
struct idmap	*idmap_load(struct outdir *);
void		 idmap_free(struct idmap *);

/* The id kept for the post at relpath, or NULL. */
const char	*idmap_get(const struct idmap *, const char *relpath);

/*
 * Keep id for the post at relpath.  A path or id that a line of the file
 * cannot hold (a tab or a line break in it) is not kept.
 */
void		 idmap_set(struct idmap *, const char *relpath, const char *id);

/* Forget relpath's kept id. */
void		 idmap_drop(struct idmap *, const char *relpath);

/* Forget the ids of paths for which exists(relpath, arg) is 0. */
void		 idmap_prune(struct idmap *, int (*exists)(const char *, void *),
		    void *);

/* Write .feedd/ids if anything changed.  Returns 0, or -1 with errno. */
int		 idmap_save(struct idmap *, struct outdir *);

#endif
