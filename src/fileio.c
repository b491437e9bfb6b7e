/*
 * Whole-file reads and atomic replacement of output files.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xmalloc.h"

/* Marks temporary files; a dot name keeps them out of directory listings. */
#define TEMP_PREFIX	".feedd-tmp-"

static int	same_contents(const char *, const void *, size_t);
static int	write_all(int, const void *, size_t);

/* Read a whole regular file without following symbolic links. */
int
fileio_read(const char *path, size_t max, char **data, size_t *len)
{
	struct stat	 st;
	char		*p;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, saved;

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
	p = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(p);
			errno = saved;
			goto fail;
		}
		if (n == 0)
			break;		/* truncated while we read */
		got += (size_t)n;
	}
	close(fd);
	p[got] = '\0';
	*data = p;
	*len = got;
	return (0);

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/* Whether path already holds exactly these bytes. */
static int
same_contents(const char *path, const void *data, size_t len)
{
	char	*old;
	size_t	 oldlen;
	int	 same;

	if (fileio_read(path, len, &old, &oldlen) != 0)
		return (0);
	same = oldlen == len && memcmp(old, data, len) == 0;
	free(old);
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

/* Atomically replace path with data unless it already holds it. */
int
fileio_replace(const char *path, const void *data, size_t len)
{
	char	*copy, *dir, *base, *tmp;
	int	 fd, saved, dirfd;

	if (same_contents(path, data, len))
		return (0);

	copy = xstrdup(path);
	dir = xstrdup(dirname(copy));
	free(copy);
	copy = xstrdup(path);
	base = basename(copy);
	xasprintf(&tmp, "%s/" TEMP_PREFIX "%s.XXXXXX", dir, base);
	if (fileio_mkdirs(dir) != 0)
		goto fail_early;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto fail_early;
	if (fchmod(fd, 0644) == -1 || write_all(fd, data, len) == -1 ||
	    fdatasync(fd) == -1) {
		saved = errno;
		close(fd);
		goto fail_unlink;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail_unlink;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dirfd);
		close(dirfd);
	}
	free(tmp);
	free(dir);
	free(copy);
	return (1);

fail_unlink:
	unlink(tmp);
	errno = saved;
fail_early:
	saved = errno;
	free(tmp);
	free(dir);
	free(copy);
	errno = saved;
	return (-1);
}

/* Whether a file name is one of our temporary files. */
int
fileio_is_temp(const char *name)
{
	return (strncmp(name, TEMP_PREFIX, sizeof TEMP_PREFIX - 1) == 0);
}
