/*
 * The persistent post index, .feedd/posts: every post file as post_load
 * last read it -- the post's fields, or why it is no post, and the
 * warnings it gave -- with the file's identity (device, inode, size,
 * mtime, ctime).  A build or a daemon start takes a file whose identity
 * is unchanged from it instead of opening and parsing the file, so that
 * nothing changed means no post read again.
 *
 * It is trusted only for the configuration it was saved with (confhash.h:
 * both YAML documents, the command line, _data, the site folder and this
 * very feedd), never for a file changed too shortly before it was read
 * (struct post_file), and, like every file in .feedd, never when torn or
 * foreign: then it is ignored with one warning and written anew.  The id
 * kept is the one post_load computed; ids kept across renames are
 * idmap's.  Bodies are not kept: rendering reads them (post_render).
 */
#ifndef FEEDD_PINDEX_H
#define FEEDD_PINDEX_H

#include "config.h"
#include "index.h"
#include "outdir.h"
#include "post.h"

struct pindex;

/*
 * Open the index of out for cfg: its saved entries are usable when they
 * were saved for cfg (anything else is reported once and ignored).
 * cfg must outlive it.
 */
struct pindex	*pindex_open(const struct config *, struct outdir *);
void		 pindex_free(struct pindex *);

/*
 * Take the file at path (relpath from the site) from the saved entries
 * if it is still the file they were read from: returns 1 with the
 * outputs of post_load set as post_load would set them (*post a new
 * post), else 0.  Changes nothing, so threads may call it at once.
 */
int		 pindex_take(const struct pindex *, const char *path,
		    const char *relpath, enum post_status *, struct post **,
		    char **cause, char **warning, struct post_file *);

/*
 * Record the outcome of path's latest read (text is its warning or
 * cause, or NULL); saved says it was taken from the saved entries.  An
 * OK post's fields are taken from the index at pindex_save.
 */
void		 pindex_note(struct pindex *, const char *path,
		    enum post_status, const struct post_file *,
		    const char *text, int saved);

/* Forget path: its file is gone. */
void		 pindex_forget(struct pindex *, const char *path);

/*
 * The whole site was read: let the saved entries go (pindex_take takes
 * nothing more).
 */
void		 pindex_loaded(struct pindex *);

/*
 * Save the posts of idx and the outcomes noted as .feedd/posts in out
 * (the output folder, perhaps opened anew since), unless nothing changed
 * since it was read or saved.  Returns 0, or -1 with errno set.
 */
int		 pindex_save(struct pindex *, const struct index *,
		    struct outdir *);

/* Saved entries pindex_take found unchanged, and all, since open. */
size_t		 pindex_taken(const struct pindex *);
size_t		 pindex_saved_count(const struct pindex *);

#endif
