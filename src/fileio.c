/*
 * Whole-file reads and folder paths.
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

/* Read a whole regular file without following symbolic links. */
int
fileio_read_at(int dirfd, const char *path, size_t max, struct buf *b,
    struct stat *sb)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 size;
	int		 fd, saved;

	buf_reset(b);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
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

/* Read a file below folder dir without following any link. */
int
fileio_read_beneath(const char *dir, const char *rel, size_t max,
    struct buf *b)
{
	const char	*p = rel, *slash;
	char		*comp;
	int		 fd, next, rc, saved;

	buf_reset(b);
	if (*rel == '/' || (fd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		if (*rel == '/')
			errno = EINVAL;
		return (-1);
	}
	while ((slash = strchr(p, '/')) != NULL) {
		comp = xstrndup(p, (size_t)(slash - p));
		next = strcmp(comp, "..") == 0 ? (errno = EINVAL, -1) :
		    openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		saved = errno;
		free(comp);
		close(fd);
		if ((fd = next) == -1) {
			errno = saved;
			return (-1);
		}
		p = slash + 1;
	}
	if (strcmp(p, "..") == 0) {
		close(fd);
		errno = EINVAL;
		return (-1);
	}
	rc = fileio_read_at(fd, p, max, b, NULL);
	saved = errno;
	close(fd);
	errno = saved;
	return (rc);
}

/* Read a whole regular file by path. */
int
fileio_read(const char *path, size_t max, struct buf *b, struct stat *sb)
{
	return (fileio_read_at(AT_FDCWD, path, max, b, sb));
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

/* An absolute path without ".", ".." or doubled slashes (new string). */
char *
fileio_normalise(const char *path)
{
	struct buf	 lex = BUF_INIT;
	const char	*p = path, *slash;
	size_t		 n;

	buf_add(&lex, "", 0);
	while (*p != '\0') {
		if ((slash = strchr(p, '/')) == NULL)
			slash = p + strlen(p);
		n = (size_t)(slash - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (lex.len > 0 && lex.data[lex.len - 1] != '/')
				lex.len--;
			if (lex.len > 0)
				lex.len--;
			lex.data[lex.len] = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			buf_addc(&lex, '/');
			buf_add(&lex, p, n);
		}
		p = *slash == '/' ? slash + 1 : slash;
	}
	if (lex.len == 0)
		buf_addc(&lex, '/');
	return (buf_take(&lex));
}

/*
 * An absolute path normalised, whose existing part is resolved to the
 * real folders it names (new string).
 */
char *
fileio_canonical(const char *path)
{
	struct buf	 lex = BUF_INIT;
	char		*head, *real, *out;
	size_t		 cut;

	lex.data = fileio_normalise(path);
	lex.len = strlen(lex.data);
	lex.cap = lex.len + 1;
	/* The longest existing head, resolved; the rest as is. */
	for (cut = lex.len; cut > 1; ) {
		head = xstrndup(lex.data, cut);
		real = realpath(head, NULL);
		free(head);
		if (real != NULL) {
			xasprintf(&out, "%s%s", strcmp(real, "/") == 0 &&
			    cut < lex.len ? "" : real, lex.data + cut);
			free(real);
			buf_free(&lex);
			return (out);
		}
		while (cut > 0 && lex.data[cut - 1] != '/')
			cut--;
		if (cut > 0)
			cut--;
	}
	return (buf_take(&lex));	/* nothing below "/" exists */
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
