/*
 * Whole-file reads and atomic replacement of output files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xmalloc.h"

/* Marks temporary files; a dot name keeps them out of directory listings. */
#define TEMP_PREFIX	".feedd-tmp-"

/*
 * Durability: a temporary file's data reaches the disk before the rename
 * makes it visible, so a crash can never leave a feed holding garbage.
 * One file is flushed with fdatasync; more with a single syncfs, far
 * cheaper than one flush each.  The renames themselves are not synced:
 * a crash right after one leaves the old, complete feed, and feedd
 * rewrites every feed that differs when it starts.
 */
struct staged {
	char	*path;
	char	*tmp;
	int	 fd;		/* open until commit (a lone file), or -1 */
	int	 failed;	/* errno of a failure so far, or 0 */
};

struct fileio_batch {
	struct staged	*files;
	size_t		 count;
	size_t		 cap;
	char		*made_dir;	/* last folder known to exist */
};

static int	same_contents(const char *, const void *, size_t);
static int	write_all(int, const void *, size_t);
static void	keep_errno(const char *, int, void *);
static int	stage(struct fileio_batch *, const char *, const void *,
		    size_t);

/* Read a whole regular file without following symbolic links. */
int
fileio_read(const char *path, size_t max, struct buf *b, struct stat *sb)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 size;
	int		 fd, saved;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	size = (size_t)st.st_size;
	buf_reserve(b, size);
	while (b->len < size) {
		n = read(fd, b->data + b->len, size - b->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;		/* truncated while we read */
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	close(fd);
	if (sb != NULL)
		*sb = st;
	return (0);

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/* Whether path already holds exactly these bytes (compared in chunks). */
static int
same_contents(const char *path, const void *data, size_t len)
{
	struct stat	 st;
	char		 chunk[65536];
	const char	*p = data;
	size_t		 done = 0;
	ssize_t		 n;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (0);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len) {
		same = 1;
		while (same && done < len) {
			n = read(fd, chunk, sizeof chunk);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0 || (size_t)n > len - done ||
			    memcmp(chunk, p + done, (size_t)n) != 0)
				same = 0;
			else
				done += (size_t)n;
		}
	}
	close(fd);
	return (same);
}

/* Write all of data to fd. */
static int
write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Create a folder and its parents. */
int
fileio_mkdirs(const char *dir)
{
	char	*p, *slash;
	int	 rc = 0;

	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return (0);
	if (errno != ENOENT)
		return (-1);
	p = xstrdup(dir);
	if ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		rc = fileio_mkdirs(p);
	}
	free(p);
	if (rc == 0 && mkdir(dir, 0755) != 0 && errno != EEXIST)
		rc = -1;
	return (rc);
}

/* The folder part of path (new string). */
char *
fileio_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return (xstrdup("."));
	if (slash == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(slash - path)));
}

/* Create an empty batch. */
struct fileio_batch *
fileio_batch_create(void)
{
	return (xcalloc(1, sizeof (struct fileio_batch)));
}

/* Write data to a new temporary file beside path and record it. */
static int
stage(struct fileio_batch *b, const char *path, const void *data,
    size_t len)
{
	struct staged	*st;
	char		*dir, *tmp;
	const char	*base;
	int		 fd, saved, failed = 0;

	dir = fileio_dirname(path);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (b->made_dir == NULL || strcmp(b->made_dir, dir) != 0) {
		if (fileio_mkdirs(dir) != 0) {
			saved = errno;
			free(dir);
			errno = saved;
			return (-1);
		}
		free(b->made_dir);
		b->made_dir = xstrdup(dir);
	}
	xasprintf(&tmp, "%s/" TEMP_PREFIX "%s.XXXXXX", dir, base);
	free(dir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1 ||
	    fchmod(fd, 0644) == -1 || write_all(fd, data, len) == -1) {
		saved = errno;
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		errno = saved;
		return (-1);
	}
	/* Only a lone file keeps its descriptor, for fdatasync. */
	if (b->count > 0) {
		if (b->files[0].fd != -1 && close(b->files[0].fd) != 0)
			b->files[0].failed = errno;
		b->files[0].fd = -1;
		if (close(fd) != 0)
			failed = errno;
		fd = -1;
	}
	if (b->count == b->cap) {
		b->cap = b->cap == 0 ? 16 : b->cap * 2;
		b->files = xreallocarray(b->files, b->cap, sizeof *b->files);
	}
	st = &b->files[b->count++];
	st->path = xstrdup(path);
	st->tmp = tmp;
	st->fd = fd;
	st->failed = failed;
	return (1);
}

/* Stage path unless it already holds data. */
int
fileio_batch_add(struct fileio_batch *b, const char *path, const void *data,
    size_t len)
{
	if (same_contents(path, data, len))
		return (0);
	return (stage(b, path, data, len));
}

/* Flush, then rename every staged file into place. */
size_t
fileio_batch_commit(struct fileio_batch *b,
    void (*done)(const char *, int, void *), void *arg)
{
	struct staged	*st;
	char		*dir;
	size_t		 i, renamed = 0;
	int		 fd, synced = 0, err;

	if (b->count == 1 && b->files[0].fd != -1) {
		st = &b->files[0];
		if (fdatasync(st->fd) != 0 && st->failed == 0)
			st->failed = errno;
		if (close(st->fd) != 0 && st->failed == 0)
			st->failed = errno;
		st->fd = -1;
	} else if (b->count > 1) {
		dir = fileio_dirname(b->files[0].path);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
		    -1) {
			synced = syncfs(fd) == 0;
			close(fd);
		}
		free(dir);
		for (i = 0; !synced && i < b->count; i++) {
			if (b->files[i].failed == 0)
				b->files[i].failed = errno;
		}
	}
	for (i = 0; i < b->count; i++) {
		st = &b->files[i];
		err = st->failed;
		if (err == 0 && rename(st->tmp, st->path) != 0)
			err = errno;
		if (err != 0)
			unlink(st->tmp);
		else
			renamed++;
		if (done != NULL)
			done(st->path, err, arg);
		free(st->tmp);
		free(st->path);
	}
	b->count = 0;
	return (renamed);
}

/* Free a batch, removing temporary files never committed. */
void
fileio_batch_free(struct fileio_batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->count; i++) {
		if (b->files[i].fd != -1)
			close(b->files[i].fd);
		unlink(b->files[i].tmp);
		free(b->files[i].tmp);
		free(b->files[i].path);
	}
	free(b->files);
	free(b->made_dir);
	free(b);
}

/* A commit callback that keeps the error number of a failure. */
static void
keep_errno(const char *path, int err, void *arg)
{
	(void)path;
	if (err != 0)
		*(int *)arg = err;
}

/* Atomically replace path with data unless it already holds it. */
int
fileio_replace(const char *path, const void *data, size_t len)
{
	struct fileio_batch *b;
	int		 rc, err = 0;

	if (same_contents(path, data, len))
		return (0);
	b = fileio_batch_create();
	if ((rc = stage(b, path, data, len)) == -1)
		err = errno;
	else if (fileio_batch_commit(b, keep_errno, &err) != 1)
		rc = -1;
	fileio_batch_free(b);
	errno = err;
	return (rc);
}

/* Whether a file name is one of our temporary files. */
int
fileio_is_temp(const char *name)
{
	return (strncmp(name, TEMP_PREFIX, sizeof TEMP_PREFIX - 1) == 0);
}
