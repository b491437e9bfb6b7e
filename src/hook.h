/*
 * The on_publish command (feedd.on_publish, from the administrator's -c
 * file only): after each flush that changed files, /bin/sh runs it in the
 * output folder, with FEEDD_OUTPUT naming that folder and the changed
 * files' output-relative paths on its standard input, one a line (a path
 * that no longer exists was removed).  It runs asynchronously, and never
 * twice at once: files changed while it runs are given to the next run,
 * which starts when it ends.  How it ends is logged when it fails.
 */
#ifndef FEEDD_HOOK_H
#define FEEDD_HOOK_H

struct hook;

struct hook	*hook_create(void);

/* Stop tracking the command (it is not killed) and free the hook. */
void		 hook_free(struct hook *);

/*
 * The command (NULL: none; pending paths are dropped) and the output
 * folder it runs in, as of now; a run under way finishes unchanged.
 */
void		 hook_configure(struct hook *, const char *command,
		    const char *output_dir);

/* A file of the output folder changed: give it to the next run. */
void		 hook_add(struct hook *, const char *relpath);

/* Start a run if files changed and none is under way. */
void		 hook_start(struct hook *);

/* The descriptor to poll for the run under way to end, or -1. */
int		 hook_fd(const struct hook *);

/*
 * After hook_fd was readable (or hook_poll_ms passed): collect the run's
 * end if it ended, log a failure, and start the next run if files
 * changed meanwhile.
 */
void		 hook_reap(struct hook *);

/*
 * When hook_fd cannot tell (a kernel without pidfds): in how many
 * milliseconds to call hook_reap anyway; -1 when not needed.
 */
int		 hook_poll_ms(const struct hook *);

/*
 * Wait for the run under way and for one more if files changed
 * meanwhile (at the end of a build, or when the daemon stops).
 */
void		 hook_finish(struct hook *);

#endif
