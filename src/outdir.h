/*
 * The output folder, and every file operation feedd makes in it.
 *
 * The folder is opened once; every path below it is reached from that
 * descriptor one component at a time with O_NOFOLLOW, so a symbolic link
 * placed inside it (by a site's author, a neighbour or an accident) can
 * never send a write or a delete elsewhere, and files are never opened
 * in a way that could block (a FIFO where a feed goes).  Replacing a file
 * is atomic: the data goes to a temporary file in the same folder, is
 * flushed to disk, and is renamed over the old name; the new file is
 * dated at least a second after the old one, so that a web server's
 * ETag and Last-Modified change with every rewrite.
 *
 * feedd's own files (manifest, lock...) live in the hidden folder .feedd/
 * inside it; the lock there makes one feedd the folder's only owner.
 * Paths given to these functions are relative to the output folder,
 * already checked by outdir_check_path.
 */
#ifndef FEEDD_OUTDIR_H
#define FEEDD_OUTDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"

/* feedd's own folder inside the output folder. */
#define OUTDIR_STATE	".feedd"

struct outdir;

/*
 * Open the output folder at path (absolute), creating it and its parents
 * when missing, and its .feedd folder.  Symbolic links in path are
 * followed (the administrator chose it), except below within, a folder
 * whose contents are untrusted (the site's): when path lies inside it, no
 * component after within may be a link.  within may be NULL.  Returns
 * NULL with *cause set (a new string) on failure.
 */
struct outdir	*outdir_open(const char *path, const char *within,
		    char **cause);
void		 outdir_free(struct outdir *);

/* The path the folder was opened at. */
const char	*outdir_path(const struct outdir *);

/*
 * Become the folder's only owner, for as long as the outdir is open:
 * returns 0, or -1 with *cause set (a new string naming the process that
 * holds it) when another feedd owns the folder.  held (may be NULL) is
 * an outdir this feedd has locked: if it is the same folder, reached
 * anew, its lock passes to the new one.
 */
int		 outdir_lock(struct outdir *, struct outdir *held, char **cause);

/*
 * Whether path no longer names the folder opened: removed, replaced, or
 * covered by another mount.
 */
int		 outdir_replaced(const struct outdir *);

/*
 * Read the regular file rel of at most max bytes into b.  Returns 0, or
 * -1 with errno set (ENOENT, EFBIG, EINVAL for a non-regular file, ELOOP
 * for a symbolic link on the way).
 */
int		 outdir_read(struct outdir *, const char *rel, size_t max,
		    struct buf *);

/* Whether rel exists (as anything; links are not followed). */
int		 outdir_exists(struct outdir *, const char *rel);

/* The modification time of file rel (links not followed).  0 or -1. */
int		 outdir_mtime(struct outdir *, const char *rel, int64_t *ns);

/*
 * Remove the file rel (never a folder, never through a link).  Returns
 * 0, or -1 with errno set; a file already gone is ENOENT.
 */
int		 outdir_remove(struct outdir *, const char *rel);

/*
 * Remove the temporary files a killed feedd left in folder reldir ("" is
 * the output folder).  Only call it holding the lock: then no other
 * feedd can be writing them.  Returns the number removed.
 */
size_t		 outdir_remove_temps(struct outdir *, const char *reldir);

/*
 * Make rel hold exactly len bytes.  If it already does, nothing is
 * written (its mtime stays).  Missing folders are created.  Returns 1 if
 * written, 0 if unchanged, -1 with errno set and no temporary file left.
 */
int		 outdir_replace(struct outdir *, const char *rel, const void *,
		    size_t);

/*
 * The same for many files at once, with one flush to disk for them all:
 * outdir_batch_add stages a file (written to its temporary file) unless
 * it already holds the bytes, and outdir_batch_commit makes the staged
 * files durable and renames each into place.  Freeing a batch removes
 * the temporary files of anything not committed.  One batch belongs to
 * one thread; several batches may work on one outdir at once.
 */
struct outdir_batch;

struct outdir_batch *outdir_batch_create(struct outdir *);

/* Stage rel; returns 1 if staged, 0 if unchanged, -1 with errno. */
int		 outdir_batch_add(struct outdir_batch *, const char *rel,
		    const void *, size_t);

/*
 * Stage rel to take the mtime of like, a file in the same folder staged
 * before it in this batch or already in place (a .gz beside its feed),
 * unless rel holds the bytes and like's mtime already.  Returns as
 * outdir_batch_add.
 */
int		 outdir_batch_add_like(struct outdir_batch *, const char *rel,
		    const void *, size_t, const char *like);

/* Whether rel and like, in one folder, both exist with one mtime. */
int		 outdir_batch_same_mtime(struct outdir_batch *,
		    const char *rel, const char *like);

/*
 * The status of rel, links not followed (a batch keeps its folders open:
 * many files are looked at for the cost of one).  Returns 0, or -1 with
 * errno set.
 */
int		 outdir_batch_stat(struct outdir_batch *, const char *rel,
		    struct stat *);
/*
 * Flush and rename every staged file, calling done(rel, 0, arg) for each
 * put in place and done(rel, errno, arg) for each that failed.  Returns
 * the number of files renamed.
 */
size_t		 outdir_batch_commit(struct outdir_batch *,
		    void (*done)(const char *, int, void *), void *);

void		 outdir_batch_free(struct outdir_batch *);

/*
 * Whether rel is a path feedd may write feeds to: relative, no empty,
 * "." or ".." component, nothing of feedd's own (.feedd, temporary file
 * names), no component longer than a file name may be.  Returns NULL if
 * so, else a static reason.
 */
const char	*outdir_check_path(const char *rel);

/* Whether a file name is one of feedd's temporary files. */
int		 outdir_is_temp(const char *name);

#endif
