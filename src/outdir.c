/*
 * Output folder access: descriptor-relative, link-free, never blocking.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "datetime.h"
#include "fileio.h"
#include "outdir.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "xmalloc.h"

/* Marks temporary files; a dot name keeps them out of listings. */
#define TEMP_PREFIX	".feedd-tmp-"
#define LOCK_NAME	OUTDIR_STATE "/lock"

/* Flags for every open of a folder below the output folder. */
#define DIR_FLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct outdir {
	char	*path;
	int	 fd;
	dev_t	 dev;
	ino_t	 ino;
	uint64_t mnt_id;	/* the mount it was opened through */
	int	 lock_fd;	/* -1 until outdir_lock */
};

/*
 * Durability: a temporary file's data reaches the disk before the rename
 * makes it visible, so a crash can never leave a feed holding garbage.
 * One file is flushed with fdatasync; more with a single syncfs, far
 * cheaper than one flush each.  The renames themselves are not synced:
 * a crash right after one leaves the old, complete feed, and feedd
 * rewrites every feed that differs when it starts.
 */
struct staged {
	char	*rel;
	char	*tmp;		/* name in its folder */
	int	 dir;		/* index into the batch's folders */
	int	 fd;		/* open until commit (a lone file), or -1 */
	int	 failed;	/* errno of a failure so far, or 0 */
	char	*like;		/* file in its folder whose mtime it takes,
				 * or NULL */
};

/* A folder a batch has open: its output-relative path and descriptor. */
struct open_dir {
	char	*rel;
	int	 fd;
};

struct outdir_batch {
	struct outdir	*od;
	struct staged	*files;
	size_t		 count;
	size_t		 cap;
	struct open_dir	*dirs;
	size_t		 ndirs;
};

static atomic_uint temp_counter;

static int	open_dir_at(int, const char *, size_t, int);
static int	open_parent(struct outdir *, const char *, int, const char **);
static int	same_contents_at(int, const char *, const void *, size_t);
static int	write_all(int, const void *, size_t);
static int	create_temp(int, char *, size_t);
static int	batch_dir(struct outdir_batch *, const char *, size_t, int);
static int	stage(struct outdir_batch *, const char *, const void *,
		    size_t, const char *);
static void	keep_errno(const char *, int, void *);
static void	set_mtime(int, const struct staged *, const char *);
static const char *base_name(const char *);
static char	*lock_owner(int);
static int	identify(int, const char *, struct stat *, uint64_t *);

/*
 * Open component name (n bytes) of folder dirfd as a folder, never
 * through a link; with create, make it first when missing.  Returns the
 * descriptor or -1 with errno (ELOOP or ENOTDIR when something that is
 * not a folder is in the way).
 */
static int
open_dir_at(int dirfd, const char *name, size_t n, int create)
{
	char	 comp[NAME_MAX + 1];
	int	 fd;

	if (n == 0 || n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(comp, name, n);
	comp[n] = '\0';
	if ((fd = openat(dirfd, comp, DIR_FLAGS)) != -1 || errno != ENOENT ||
	    !create)
		return (fd);
	if (mkdirat(dirfd, comp, 0755) == -1 && errno != EEXIST)
		return (-1);
	return (openat(dirfd, comp, DIR_FLAGS));
}

/*
 * Open the folder holding rel (creating missing folders with create);
 * *base gets rel's last component.  Returns a descriptor the caller
 * closes, or -1 with errno set.
 */
static int
open_parent(struct outdir *od, const char *rel, int create, const char **base)
{
	const char	*p = rel, *slash;
	int		 fd, next, saved;

	if ((fd = dup(od->fd)) == -1)
		return (-1);
	while ((slash = strchr(p, '/')) != NULL) {
		next = open_dir_at(fd, p, (size_t)(slash - p), create);
		saved = errno;
		close(fd);
		if (next == -1) {
			errno = saved;
			return (-1);
		}
		fd = next;
		p = slash + 1;
	}
	*base = p;
	return (fd);
}

/*
 * Open folder path, creating what is missing; below within (when path
 * lies there) no component may be a link.  Returns a descriptor, or -1
 * with errno set.
 */
static int
open_root(const char *path, const char *within)
{
	const char	*p, *slash;
	size_t		 n = within != NULL ? strlen(within) : 0;
	int		 fd, next, saved;

	if (n == 0 || strncmp(path, within, n) != 0 || path[n] != '/') {
		if (fileio_mkdirs(path) != 0)
			return (-1);
		return (open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	}
	if ((fd = open(within, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	for (p = path + n + 1; *p != '\0'; p = slash + 1) {
		if ((slash = strchr(p, '/')) == NULL)
			slash = p + strlen(p);
		next = slash > p ? open_dir_at(fd, p, (size_t)(slash - p), 1) :
		    dup(fd);
		saved = errno;
		close(fd);
		if ((fd = next) == -1) {
			errno = saved;
			return (-1);
		}
		if (*slash == '\0')
			break;
	}
	return (fd);
}

/*
 * The identity of a folder: its device and inode, and the mount it is
 * reached through (a mount laid over a path changes what the path
 * names, though the inode is the same).  path NULL: fd itself.
 */
static int
identify(int fd, const char *path, struct stat *st, uint64_t *mnt_id)
{
	struct statx	 stx;

	if (statx(fd, path != NULL ? path : "", path != NULL ? 0 :
	    AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx) == -1)
		return (-1);
	memset(st, 0, sizeof *st);
	st->st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	st->st_ino = stx.stx_ino;
	*mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	return (0);
}

/* Open the output folder and its state folder. */
struct outdir *
outdir_open(const char *path, const char *within, char **cause)
{
	struct outdir	*od;
	struct stat	 st;
	uint64_t	 mnt_id;
	int		 fd, state, err;

	if ((fd = open_root(path, within)) == -1) {
		err = errno;
		xasprintf(cause, "cannot open the output folder %s: %s%s", path,
		    err == ELOOP || err == ENOTDIR ? "a symbolic link or "
		    "a file is in the way" : strerror(err),
		    sandbox_hint(path, err, 1));
		return (NULL);
	}
	if (identify(fd, NULL, &st, &mnt_id) == -1 ||
	    (state = open_dir_at(fd, OUTDIR_STATE, strlen(OUTDIR_STATE),
	    1)) == -1) {
		err = errno;
		xasprintf(cause, "cannot create %s/%s: %s%s", path,
		    OUTDIR_STATE, err == ELOOP || err == ENOTDIR ? "something "
		    "that is not a folder is in the way" : strerror(err),
		    sandbox_hint(path, err, 1));
		close(fd);
		return (NULL);
	}
	close(state);
	od = xcalloc(1, sizeof *od);
	od->path = xstrdup(path);
	od->fd = fd;
	od->dev = st.st_dev;
	od->ino = st.st_ino;
	od->mnt_id = mnt_id;
	od->lock_fd = -1;
	return (od);
}

/* Close the folder, releasing the lock. */
void
outdir_free(struct outdir *od)
{
	if (od == NULL)
		return;
	if (od->lock_fd != -1)
		close(od->lock_fd);
	close(od->fd);
	free(od->path);
	free(od);
}

/* The path the folder was opened at. */
const char *
outdir_path(const struct outdir *od)
{
	return (od->path);
}

/*
 * Who holds the lock on fd: the process /proc/locks names, with its
 * command line when it can be read (new string).  The lock file itself
 * stays empty, so the folder's bytes never depend on who wrote them.
 */
static char *
lock_owner(int fd)
{
	struct stat	 st;
	FILE		*f;
	char		 line[256], path[64], cmd[512], *owner;
	unsigned int	 maj, min;
	unsigned long long ino;
	long		 pid = -1, p;
	ssize_t		 n, i;
	int		 cfd;

	if (fstat(fd, &st) == -1 || (f = fopen("/proc/locks", "re")) == NULL)
		return (xstrdup("another feedd"));
	while (pid == -1 && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%*[^:]: FLOCK %*s %*s %ld %x:%x:%llu", &p,
		    &maj, &min, &ino) == 4 && maj == major(st.st_dev) &&
		    min == minor(st.st_dev) && ino == (unsigned long long)
		    st.st_ino)
			pid = p;
	}
	fclose(f);
	if (pid == -1)
		return (xstrdup("another feedd"));
	snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
	n = -1;
	if ((cfd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(cfd, cmd, sizeof cmd - 1);
		close(cfd);
	}
	if (n <= 0) {
		xasprintf(&owner, "process %ld", pid);
		return (owner);
	}
	for (i = 0; i < n; i++) {
		if (cmd[i] == '\0')
			cmd[i] = ' ';
		else if ((unsigned char)cmd[i] < 0x20)
			cmd[i] = '?';
	}
	while (n > 0 && cmd[n - 1] == ' ')
		n--;
	cmd[n] = '\0';
	xasprintf(&owner, "process %ld (%s)", pid, cmd);
	return (owner);
}

/* Take the owner lock. */
int
outdir_lock(struct outdir *od, struct outdir *held, char **cause)
{
	struct stat	 a, b;
	char		*owner;
	int		 fd;

	if (od->lock_fd != -1)
		return (0);
	fd = openat(od->fd, LOCK_NAME, O_RDONLY | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd == -1) {
		xasprintf(cause, "cannot open %s/%s: %s", od->path, LOCK_NAME,
		    strerror(errno));
		return (-1);
	}
	/* The same folder reached anew (through another mount): the lock
	 * held on it passes over, rather than conflicting with itself. */
	if (held != NULL && held->lock_fd != -1 && fstat(fd, &a) == 0 &&
	    fstat(held->lock_fd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		close(fd);
		od->lock_fd = held->lock_fd;
		held->lock_fd = -1;
		return (0);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			owner = lock_owner(fd);
			xasprintf(cause, "the output folder %s belongs to %s; "
			    "each site needs an output folder of its own, and "
			    "one feedd at a time writes it", od->path, owner);
			free(owner);
		} else
			xasprintf(cause, "cannot lock %s/%s: %s", od->path,
			    LOCK_NAME, strerror(errno));
		close(fd);
		return (-1);
	}
	od->lock_fd = fd;
	return (0);
}

/* Whether the path now names another folder (or mount of it), or none. */
int
outdir_replaced(const struct outdir *od)
{
	struct stat	 st;
	uint64_t	 mnt_id;

	if (identify(AT_FDCWD, od->path, &st, &mnt_id) == -1)
		return (1);
	return (st.st_dev != od->dev || st.st_ino != od->ino ||
	    mnt_id != od->mnt_id);
}

/* Read a regular file below the output folder. */
int
outdir_read(struct outdir *od, const char *rel, size_t max, struct buf *b)
{
	const char	*base;
	int		 dir, rc, saved;

	buf_reset(b);
	if ((dir = open_parent(od, rel, 0, &base)) == -1)
		return (-1);
	rc = fileio_read_at(dir, base, max, b, NULL);
	saved = errno;
	close(dir);
	errno = saved;
	return (rc);
}

/* Whether a path below the output folder exists. */
int
outdir_exists(struct outdir *od, const char *rel)
{
	struct stat	 st;
	const char	*base;
	int		 dir, rc;

	if ((dir = open_parent(od, rel, 0, &base)) == -1)
		return (0);
	rc = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(dir);
	return (rc);
}

int
outdir_mtime(struct outdir *od, const char *rel, int64_t *ns)
{
	struct stat	 st;
	const char	*base;
	int		 dir, rc;

	if ((dir = open_parent(od, rel, 0, &base)) == -1)
		return (-1);
	rc = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW);
	close(dir);
	if (rc == -1)
		return (-1);
	*ns = datetime_ns(&st.st_mtim);
	return (0);
}

/* Remove a file below the output folder. */
int
outdir_remove(struct outdir *od, const char *rel)
{
	const char	*base;
	int		 dir, rc, saved;

	if ((dir = open_parent(od, rel, 0, &base)) == -1)
		return (-1);
	rc = unlinkat(dir, base, 0);
	saved = errno;
	close(dir);
	errno = saved;
	return (rc);
}

/* Remove temporary files left in one folder. */
size_t
outdir_remove_temps(struct outdir *od, const char *reldir)
{
	struct dirent	*de;
	DIR		*d;
	char		*rel;
	const char	*base;
	size_t		 removed = 0;
	int		 dir, fd;

	/* open_parent opens the folder holding its argument's last part. */
	xasprintf(&rel, "%s%sx", reldir, *reldir != '\0' ? "/" : "");
	dir = open_parent(od, rel, 0, &base);
	free(rel);
	if (dir == -1)
		return (0);
	if ((fd = dup(dir)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		close(dir);
		return (0);
	}
	while ((de = readdir(d)) != NULL) {
		if (outdir_is_temp(de->d_name) &&
		    unlinkat(dir, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	close(dir);
	return (removed);
}

/* Whether name in dirfd already holds exactly these bytes. */
static int
same_contents_at(int dirfd, const char *name, const void *data, size_t len)
{
	struct stat	 st;
	char		 chunk[65536];
	const char	*p = data;
	size_t		 done = 0;
	ssize_t		 n;
	int		 fd, same = 0;

	/* O_NONBLOCK: a FIFO put where a feed goes must not hang feedd. */
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
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

/*
 * Create a new temporary file in dirfd, its name in name (size bytes).
 * Returns its descriptor or -1 with errno.
 */
static int
create_temp(int dirfd, char *name, size_t size)
{
	unsigned	 n;
	int		 fd, tries;

	for (tries = 0; tries < 100; tries++) {
		n = atomic_fetch_add(&temp_counter, 1);
		snprintf(name, size, TEMP_PREFIX "%lx-%x", (long)getpid(), n);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd != -1 || errno != EEXIST)
			return (fd);
	}
	return (-1);
}

/*
 * The batch's descriptor of folder reldir (n bytes of it), opened and
 * created as needed.  Returns its index, or -1 with errno.
 */
static int
batch_dir(struct outdir_batch *b, const char *reldir, size_t n, int create)
{
	const char	*base;
	char		*rel;
	size_t		 i;
	int		 fd;

	for (i = b->ndirs; i > 0; i--) {
		if (strlen(b->dirs[i - 1].rel) == n &&
		    memcmp(b->dirs[i - 1].rel, reldir, n) == 0)
			return ((int)i - 1);
	}
	xasprintf(&rel, "%.*s%sx", (int)n, reldir, n > 0 ? "/" : "");
	fd = open_parent(b->od, rel, create, &base);
	free(rel);
	if (fd == -1)
		return (-1);
	b->dirs = xreallocarray(b->dirs, b->ndirs + 1, sizeof *b->dirs);
	b->dirs[b->ndirs].rel = xstrndup(reldir, n);
	b->dirs[b->ndirs].fd = fd;
	return ((int)b->ndirs++);
}

/* Create an empty batch. */
struct outdir_batch *
outdir_batch_create(struct outdir *od)
{
	struct outdir_batch *b = xcalloc(1, sizeof *b);

	b->od = od;
	return (b);
}

/*
 * Write data to a new temporary file beside rel and record it; like (may
 * be NULL) names the file in its folder whose mtime it is to take.
 */
static int
stage(struct outdir_batch *b, const char *rel, const void *data, size_t len,
    const char *like)
{
	struct staged	*st;
	const char	*slash = strrchr(rel, '/');
	char		 tmp[64];
	int		 dir, fd, saved, failed = 0;

	if ((dir = batch_dir(b, rel, slash != NULL ? (size_t)(slash - rel) :
	    0, 1)) == -1)
		return (-1);
	if ((fd = create_temp(b->dirs[dir].fd, tmp, sizeof tmp)) == -1)
		return (-1);
	if (write_all(fd, data, len) == -1) {
		saved = errno;
		close(fd);
		unlinkat(b->dirs[dir].fd, tmp, 0);
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
	st->rel = xstrdup(rel);
	st->tmp = xstrdup(tmp);
	st->dir = dir;
	st->fd = fd;
	st->failed = failed;
	st->like = like != NULL ? xstrdup(base_name(like)) : NULL;
	return (1);
}

/* Stage rel unless it already holds data. */
int
outdir_batch_add(struct outdir_batch *b, const char *rel, const void *data,
    size_t len)
{
	const char	*slash = strrchr(rel, '/');
	int		 dir;

	dir = batch_dir(b, rel, slash != NULL ? (size_t)(slash - rel) : 0, 0);
	if (dir != -1 && same_contents_at(b->dirs[dir].fd, slash != NULL ?
	    slash + 1 : rel, data, len))
		return (0);
	return (stage(b, rel, data, len, NULL));
}

/* The last component of rel. */
static const char *
base_name(const char *rel)
{
	const char	*slash = strrchr(rel, '/');

	return (slash != NULL ? slash + 1 : rel);
}

/* Whether rel and like (in one folder) both exist with one mtime. */
int
outdir_batch_same_mtime(struct outdir_batch *b, const char *rel,
    const char *like)
{
	struct stat	 a, c;
	const char	*slash = strrchr(rel, '/');
	int		 dir;

	dir = batch_dir(b, rel, slash != NULL ? (size_t)(slash - rel) : 0, 0);
	return (dir != -1 &&
	    fstatat(b->dirs[dir].fd, base_name(rel), &a,
	    AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(b->dirs[dir].fd, base_name(like), &c,
	    AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_mtim.tv_sec == c.st_mtim.tv_sec &&
	    a.st_mtim.tv_nsec == c.st_mtim.tv_nsec);
}

/* The status of rel (links not followed), through the batch's folders. */
int
outdir_batch_stat(struct outdir_batch *b, const char *rel, struct stat *sb)
{
	const char	*slash = strrchr(rel, '/');
	int		 dir;

	dir = batch_dir(b, rel, slash != NULL ? (size_t)(slash - rel) : 0, 0);
	if (dir == -1)
		return (-1);
	return (fstatat(b->dirs[dir].fd, base_name(rel), sb,
	    AT_SYMLINK_NOFOLLOW));
}

/* Stage rel, to take like's mtime, unless it holds data with it. */
int
outdir_batch_add_like(struct outdir_batch *b, const char *rel,
    const void *data, size_t len, const char *like)
{
	const char	*slash = strrchr(rel, '/');
	int		 dir;

	dir = batch_dir(b, rel, slash != NULL ? (size_t)(slash - rel) : 0, 0);
	if (dir != -1 && outdir_batch_same_mtime(b, rel, like) &&
	    same_contents_at(b->dirs[dir].fd, base_name(rel), data, len))
		return (0);
	return (stage(b, rel, data, len, like));
}

/*
 * Give a staged file the mtime it must have once in place.  A web
 * server's validators (nginx's ETag is the mtime in whole seconds and
 * the size; Last-Modified is the mtime) must change with every rewrite,
 * even two of one length within one second: a file that replaces another
 * is dated at least one second after it.  A file made like another (a
 * .gz beside its feed) takes that one's mtime: never older than it.
 */
static void
set_mtime(int dirfd, const struct staged *st, const char *base)
{
	struct stat	 old, now;
	struct timespec	 ts[2];

	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	if (st->like != NULL) {
		if (fstatat(dirfd, st->like, &old, AT_SYMLINK_NOFOLLOW) != 0)
			return;
		ts[1] = old.st_mtim;
	} else {
		if (fstatat(dirfd, base, &old, AT_SYMLINK_NOFOLLOW) != 0 ||
		    fstatat(dirfd, st->tmp, &now, AT_SYMLINK_NOFOLLOW) != 0 ||
		    now.st_mtim.tv_sec > old.st_mtim.tv_sec)
			return;
		ts[1].tv_sec = old.st_mtim.tv_sec + 1;
		ts[1].tv_nsec = 0;
	}
	/* A failure leaves the time of writing, which is still right
	 * unless the file is rewritten within its second. */
	(void)utimensat(dirfd, st->tmp, ts, AT_SYMLINK_NOFOLLOW);
}

/* Flush, then rename every staged file into place. */
size_t
outdir_batch_commit(struct outdir_batch *b,
    void (*done)(const char *, int, void *), void *arg)
{
	struct staged	*st;
	const char	*base;
	size_t		 i, renamed = 0;
	int		 dirfd, synced, err;

	if (b->count == 1 && b->files[0].fd != -1) {
		st = &b->files[0];
		if (fdatasync(st->fd) != 0 && st->failed == 0)
			st->failed = errno;
		if (close(st->fd) != 0 && st->failed == 0)
			st->failed = errno;
		st->fd = -1;
	} else if (b->count > 1) {
		synced = syncfs(b->dirs[b->files[0].dir].fd) == 0;
		for (i = 0; !synced && i < b->count; i++) {
			if (b->files[i].failed == 0)
				b->files[i].failed = errno;
		}
	}
	for (i = 0; i < b->count; i++) {
		sdnotify_keepalive();
		st = &b->files[i];
		dirfd = b->dirs[st->dir].fd;
		base = strrchr(st->rel, '/') != NULL ?
		    strrchr(st->rel, '/') + 1 : st->rel;
		err = st->failed;
		if (err == 0)
			set_mtime(dirfd, st, base);
		if (err == 0 && renameat(dirfd, st->tmp, dirfd, base) != 0)
			err = errno;
		if (err != 0)
			unlinkat(dirfd, st->tmp, 0);
		else
			renamed++;
		if (done != NULL)
			done(st->rel, err, arg);
		free(st->tmp);
		free(st->rel);
		free(st->like);
	}
	b->count = 0;
	return (renamed);
}

/* Free a batch, removing temporary files never committed. */
void
outdir_batch_free(struct outdir_batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->count; i++) {
		if (b->files[i].fd != -1)
			close(b->files[i].fd);
		unlinkat(b->dirs[b->files[i].dir].fd, b->files[i].tmp, 0);
		free(b->files[i].tmp);
		free(b->files[i].rel);
		free(b->files[i].like);
	}
	for (i = 0; i < b->ndirs; i++) {
		close(b->dirs[i].fd);
		free(b->dirs[i].rel);
	}
	free(b->dirs);
	free(b->files);
	free(b);
}

/* A commit callback that keeps the error number of a failure. */
static void
keep_errno(const char *rel, int err, void *arg)
{
	(void)rel;
	if (err != 0)
		*(int *)arg = err;
}

/* Atomically replace rel with data unless it already holds it. */
int
outdir_replace(struct outdir *od, const char *rel, const void *data,
    size_t len)
{
	struct outdir_batch *b = outdir_batch_create(od);
	int		 rc, err = 0;

	if ((rc = outdir_batch_add(b, rel, data, len)) == -1)
		err = errno;
	else if (rc == 1 && outdir_batch_commit(b, keep_errno, &err) != 1)
		rc = -1;
	outdir_batch_free(b);
	errno = err;
	return (rc);
}

/* Whether rel is a path feeds may be written to. */
const char *
outdir_check_path(const char *rel)
{
	const char	*p = rel, *slash;
	size_t		 n;

	if (*rel == '\0')
		return ("it is empty");
	if (*rel == '/')
		return ("it is absolute");
	if (strlen(rel) >= PATH_MAX / 2)
		return ("it is too long");
	for (;;) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0)
			return (slash != NULL ? "it has an empty folder name" :
			    "it names a folder, not a file");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return ("it has a \".\" or \"..\" component");
		if (n >= strlen(OUTDIR_STATE) &&
		    strncmp(p, OUTDIR_STATE, strlen(OUTDIR_STATE)) == 0)
			return ("it would mix with feedd's own files (.feedd)");
		if (n > NAME_MAX)
			return ("a file or folder name in it is longer than "
			    "255 bytes");
		if (slash == NULL)
			return (NULL);
		p = slash + 1;
	}
}

/* Whether a file name is one of our temporary files. */
int
outdir_is_temp(const char *name)
{
	return (strncmp(name, TEMP_PREFIX, sizeof TEMP_PREFIX - 1) == 0);
}
