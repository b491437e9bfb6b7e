/*
 * Running the on_publish command: fork, with the list of changed paths in
 * a memfd as standard input, and a pidfd to learn of its end in poll.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hook.h"
#include "log.h"
#include "strmap.h"
#include "xmalloc.h"

/* How often to look for the end of a run without a pidfd. */
#define HOOK_POLL_MS	100

struct hook {
	char		*command;	/* NULL: none */
	char		*output_dir;
	struct strmap	*pending;	/* relpaths for the next run */
	pid_t		 pid;		/* the run under way, or -1 */
	int		 pidfd;		/* ...its pidfd, or -1 */
};

static int	compare_paths(const void *, const void *);
static int	paths_file(struct hook *);
static void	child(const struct hook *, int) __attribute__((__noreturn__));
static void	ended(struct hook *, int);

struct hook *
hook_create(void)
{
	struct hook	*h = xcalloc(1, sizeof *h);

	h->pending = strmap_create();
	h->pid = -1;
	h->pidfd = -1;
	return (h);
}

void
hook_free(struct hook *h)
{
	if (h == NULL)
		return;
	if (h->pidfd != -1)
		close(h->pidfd);
	strmap_free(h->pending);
	free(h->command);
	free(h->output_dir);
	free(h);
}

void
hook_configure(struct hook *h, const char *command, const char *output_dir)
{
	free(h->command);
	free(h->output_dir);
	h->command = command != NULL ? xstrdup(command) : NULL;
	h->output_dir = xstrdup(output_dir);
	if (command == NULL) {
		strmap_free(h->pending);
		h->pending = strmap_create();
	}
}

void
hook_add(struct hook *h, const char *relpath)
{
	if (h->command != NULL)
		strmap_put(h->pending, relpath, h);
}

int
hook_fd(const struct hook *h)
{
	return (h->pidfd);
}

/* qsort: paths by bytes. */
static int
compare_paths(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/*
 * The pending paths, sorted, in a memory file read from its start, and
 * no longer pending.  Returns its descriptor, or -1.
 */
static int
paths_file(struct hook *h)
{
	struct buf	 list = BUF_INIT;
	const char	**paths, *key;
	void		*value;
	size_t		 pos = 0, n = 0, i, off;
	ssize_t		 w;
	int		 fd;

	paths = xcalloc(strmap_count(h->pending) + 1, sizeof *paths);
	while (strmap_next(h->pending, &pos, &key, &value))
		paths[n++] = key;
	qsort(paths, n, sizeof *paths, compare_paths);
	for (i = 0; i < n; i++)
		buf_addf(&list, "%s\n", paths[i]);
	free(paths);
	strmap_free(h->pending);
	h->pending = strmap_create();
	if ((fd = memfd_create("feedd-on-publish", MFD_CLOEXEC)) == -1) {
		log_warn("on_publish: memfd_create");
		buf_free(&list);
		return (-1);
	}
	for (off = 0; off < list.len; off += (size_t)w) {
		if ((w = write(fd, list.data + off, list.len - off)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			log_warn("on_publish: writing its list of files");
			close(fd);
			buf_free(&list);
			return (-1);
		}
	}
	buf_free(&list);
	if (lseek(fd, 0, SEEK_SET) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* In the child: signals as a fresh process has them, then the shell. */
static void
child(const struct hook *h, int input)
{
	sigset_t	 none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(input, STDIN_FILENO) == -1 || chdir(h->output_dir) == -1 ||
	    setenv("FEEDD_OUTPUT", h->output_dir, 1) == -1)
		_exit(126);
	execl("/bin/sh", "sh", "-c", h->command, (char *)NULL);
	_exit(127);
}

void
hook_start(struct hook *h)
{
	int	 input;

	if (h->command == NULL || h->pid != -1 ||
	    strmap_count(h->pending) == 0)
		return;
	if ((input = paths_file(h)) == -1)
		return;
	if ((h->pid = fork()) == -1) {
		log_warn("on_publish: fork");
		close(input);
		return;
	}
	if (h->pid == 0)
		child(h, input);
	close(input);
	/* Without pidfds (Linux before 5.3), hook_poll_ms says to look. */
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	log_debug("on_publish started (pid %ld)", (long)h->pid);
}

/* The run ended with status: log a failure, start the next run. */
static void
ended(struct hook *h, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		log_warnx("on_publish: /bin/sh could not run \"%s\"",
		    h->command);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_warnx("on_publish \"%s\" exited %d", h->command,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_warnx("on_publish \"%s\" was killed by signal %d",
		    h->command, WTERMSIG(status));
	if (h->pidfd != -1)
		close(h->pidfd);
	h->pid = -1;
	h->pidfd = -1;
	hook_start(h);
}

void
hook_reap(struct hook *h)
{
	pid_t	 r;
	int	 status;

	if (h->pid == -1)
		return;
	while ((r = waitpid(h->pid, &status, WNOHANG)) == -1 && errno == EINTR)
		;
	if (r == 0)
		return;		/* still running */
	if (r == -1) {
		log_warn("on_publish: waitpid");
		status = 0;
	}
	ended(h, status);
}

int
hook_poll_ms(const struct hook *h)
{
	return (h->pid != -1 && h->pidfd == -1 ? HOOK_POLL_MS : -1);
}

void
hook_finish(struct hook *h)
{
	int	 status;

	hook_start(h);
	while (h->pid != -1) {
		if (waitpid(h->pid, &status, 0) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("on_publish: waitpid");
			status = 0;
		}
		ended(h, status);
	}
}
