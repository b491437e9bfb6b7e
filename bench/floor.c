/*
 * Copied unchanged (but for this note) from the floor tool that comes with feedd's
 * performance issue (shared/tools/floor.c in the developers' shared folder); it carries
 * no licence of its own and is used here under feedd's terms.  bench/run builds it as
 * WORK/floor and runs it in the same run as the figures it is the floor of.
 */
/*
 * floor: the physical floor of a feed build on this machine, in one process, one core.
 *
 *   floor read DIR        open and read every regular file under DIR once (the posts);
 *   floor copy SRC DST    read every regular file under SRC and write it under DST,
 *                         creating folders, then make it durable with one syncfs
 *                         (the output a cold build must create, on disk).
 *
 * A cold build cannot be faster than `floor read SITE/_posts` plus `floor copy OUT NEW`
 * where OUT is what the build writes: both measured warm, in the same run as the build,
 * each started after a `sync` so that no earlier writer's dirty data is counted.
 * Prints "N files, N bytes, S seconds".  Build: cc -O2 -o floor floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];
static long files, bytes;
static const char *src_root, *dst_root;

static int
copy_out(const char *path, int fd_in, mode_t mode)
{
	char dst[4096];
	ssize_t n;
	int fd;

	snprintf(dst, sizeof dst, "%s%s", dst_root, path + strlen(src_root));
	if ((fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777)) < 0)
		return -1;
	while ((n = read(fd_in, buf, sizeof buf)) > 0) {
		if (write(fd, buf, n) != n) {
			close(fd);
			return -1;
		}
		bytes += n;
	}
	return close(fd);
}

static int
visit(const char *p, const struct stat *st, int type, struct FTW *f)
{
	char dst[4096];
	ssize_t n;
	int fd;

	(void)f;
	if (type == FTW_D && dst_root != NULL) {
		snprintf(dst, sizeof dst, "%s%s", dst_root, p + strlen(src_root));
		if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
			perror(dst);
			return 1;
		}
		return 0;
	}
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (dst_root != NULL) {
		if (copy_out(p, fd, st->st_mode) != 0) {
			perror(p);
			close(fd);
			return 1;
		}
	} else {
		while ((n = read(fd, buf, sizeof buf)) > 0)
			bytes += n;
	}
	close(fd);
	files++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct timespec a, b;

	if (!((argc == 3 && strcmp(argv[1], "read") == 0) ||
	    (argc == 4 && strcmp(argv[1], "copy") == 0))) {
		fprintf(stderr, "usage: floor read DIR | floor copy SRC DST\n");
		return 2;
	}
	src_root = argv[2];
	dst_root = argc == 4 ? argv[3] : NULL;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (nftw(src_root, visit, 64, FTW_PHYS) != 0)
		return 1;
	if (dst_root != NULL) {
		int dfd = open(dst_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0 || syncfs(dfd) != 0) {
			perror(dst_root);
			return 1;
		}
		close(dfd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld files, %ld bytes, %.3f seconds\n", files, bytes,
	    (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
