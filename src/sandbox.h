/*
 * What the shipped systemd units (etc/feedd@.service.in, feedd.service.in)
 * let feedd do, so that a failure the sandbox causes says so, and so that
 * check-config --as-service can check a configuration as the service
 * would run it.  The rules here mirror the units' settings: User=feedd,
 * PrivateTmp=yes (its own empty /tmp and /var/tmp), ProtectHome=read-only,
 * and ProtectSystem=strict with StateDirectory=feedd/NAME, passed as -o,
 * the only place it may write.
 */
#ifndef FEEDD_SANDBOX_H
#define FEEDD_SANDBOX_H

/* The user the units run feedd as, and the parent of their output. */
#define SANDBOX_USER		"feedd"
#define SANDBOX_STATE_ROOT	"/var/lib/feedd"

/*
 * A note to append to an error about path (errno err; writing set when
 * feedd tried to write there) naming the sandbox setting that may be the
 * cause: "" unless feedd runs as a systemd service ($INVOCATION_ID) or
 * check-config --as-service.  Valid until the thread's next call.
 */
const char	*sandbox_hint(const char *path, int err, int writing);

/*
 * Why the service cannot use path as its site (PrivateTmp), as a new
 * string, or NULL when it can as far as the sandbox goes.
 */
char		*sandbox_site_problem(const char *path);

/*
 * check-config --as-service for the service whose configuration is the
 * file config_file (/etc/feedd/NAME.yml: feedd@NAME, writing into
 * /var/lib/feedd/NAME; feedd.yml: feedd.service, /var/lib/feedd/default):
 * become its user (when root) and explain failures as the service would.
 * Sets *unit and *output (new strings).  Returns 0, or -1 with *cause set.
 */
int		 sandbox_enter(const char *config_file, char **unit,
		    char **output, char **cause);

#endif
