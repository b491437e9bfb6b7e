/*
 * The shipped units' sandbox, for messages and check-config --as-service.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "xmalloc.h"

/* check-config --as-service: explain as the service, writing here. */
static int	 simulated;
static char	*simulated_output;

static int	within_n(const char *, const char *, size_t);
static int	within(const char *, const char *);
static int	under_tmp(const char *);
static int	active(void);
static const char *service_user(void);
static const char *state_dir(size_t *);

/* Whether path is the folder named by dir's first n bytes, or below it. */
static int
within_n(const char *path, const char *dir, size_t n)
{
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return (strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/'));
}

/* Whether path is dir or lies below it. */
static int
within(const char *path, const char *dir)
{
	return (within_n(path, dir, strlen(dir)));
}

/* Whether path is in what PrivateTmp=yes replaces. */
static int
under_tmp(const char *path)
{
	return (within(path, "/tmp") || within(path, "/var/tmp"));
}

/* Whether failures are to be explained by the sandbox. */
static int
active(void)
{
	return (simulated || getenv("INVOCATION_ID") != NULL);
}

/* The user feedd runs as, for messages ($USER: systemd sets it for User=). */
static const char *
service_user(void)
{
	const char	*user = getenv("USER");

	if (simulated || user == NULL || *user == '\0')
		return (SANDBOX_USER);
	return (user);
}

/*
 * The folder the service may write ($STATE_DIRECTORY), its length in *n
 * (several StateDirectory= entries are joined with ':'), or NULL.
 */
static const char *
state_dir(size_t *n)
{
	const char	*dirs;

	dirs = simulated ? simulated_output : getenv("STATE_DIRECTORY");
	if (dirs == NULL || *dirs == '\0')
		return (NULL);
	*n = strcspn(dirs, ":");
	return (dirs);
}

/*
 * A note naming the sandbox setting that may explain an error (posts are
 * read on several threads: each has its own).
 */
const char *
sandbox_hint(const char *path, int err, int writing)
{
	static _Thread_local char hint[512];
	const char	*state;
	size_t		 n;

	hint[0] = '\0';
	if (!active())
		return (hint);
	if (under_tmp(path))
		snprintf(hint, sizeof hint, " (the service has its own empty "
		    "/tmp and /var/tmp, PrivateTmp=yes: keep the site "
		    "elsewhere, e.g. under /srv)");
	else if (writing && (err == EROFS || err == EACCES || err == EPERM) &&
	    (state = state_dir(&n)) != NULL && !within_n(path, state, n))
		snprintf(hint, sizeof hint, " (the service may write only into "
		    "%.*s: ProtectSystem=strict, StateDirectory=)", (int)n,
		    state);
	else if (!writing && err == EACCES && (within(path, "/home") ||
	    within(path, "/root") || within(path, "/run/user")))
		snprintf(hint, sizeof hint, " (the service runs as user %s, "
		    "which may not enter this home folder; ProtectHome="
		    "read-only also keeps it from writing there)",
		    service_user());
	else if (!writing && err == EACCES)
		snprintf(hint, sizeof hint, " (the service runs as user %s, "
		    "which may not read it)", service_user());
	return (hint);
}

/* Why the service cannot see a site at path, or NULL. */
char *
sandbox_site_problem(const char *path)
{
	char	*why;

	if (!under_tmp(path))
		return (NULL);
	xasprintf(&why, "%s is under /tmp or /var/tmp, which the service "
	    "cannot see: it has its own, empty ones (PrivateTmp=yes); keep "
	    "the site elsewhere, e.g. under /srv", path);
	return (why);
}

/* Become the service's user, and explain failures as the service. */
int
sandbox_enter(const char *config_file, char **unit, char **output,
    char **cause)
{
	struct passwd	*pw;
	char		*base, *dot;

	base = xstrdup(strrchr(config_file, '/') != NULL ?
	    strrchr(config_file, '/') + 1 : config_file);
	if ((dot = strrchr(base, '.')) != NULL && (strcmp(dot, ".yml") == 0 ||
	    strcmp(dot, ".yaml") == 0))
		*dot = '\0';
	if (strcmp(base, "feedd") == 0) {
		*unit = xstrdup("feedd.service");
		xasprintf(output, "%s/default", SANDBOX_STATE_ROOT);
	} else {
		xasprintf(unit, "feedd@%s.service", base);
		xasprintf(output, "%s/%s", SANDBOX_STATE_ROOT, base);
	}
	free(base);

	if (geteuid() != 0) {
		pw = getpwuid(geteuid());
		if (pw == NULL || strcmp(pw->pw_name, SANDBOX_USER) != 0) {
			xasprintf(cause, "--as-service: run it as root (sudo), "
			    "so that it can check as user %s, as %s runs",
			    SANDBOX_USER, *unit);
			goto fail;
		}
	} else if ((pw = getpwnam(SANDBOX_USER)) == NULL) {
		xasprintf(cause, "there is no user %s, which %s runs as: "
		    "create it with systemd-sysusers (make install puts "
		    "feedd.conf into sysusers.d)", SANDBOX_USER, *unit);
		goto fail;
	} else if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		xasprintf(cause, "cannot become user %s: %s", SANDBOX_USER,
		    strerror(errno));
		goto fail;
	}
	simulated = 1;
	free(simulated_output);
	simulated_output = xstrdup(*output);
	return (0);

fail:
	free(*unit);
	free(*output);
	*unit = *output = NULL;
	return (-1);
}
