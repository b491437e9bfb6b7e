/*
 * feedd watch: build every feed, then keep them current.  One poll loop
 * waits on the inotify descriptor, a signalfd and timerfds (debounce,
 * scheduled posts, systemd watchdog); each change flows one way: event ->
 * post re-read -> index updated -> affected feeds rendered -> files
 * replaced atomically.
 */
#ifndef FEEDD_DAEMON_H
#define FEEDD_DAEMON_H

#include <signal.h>
#include <sys/types.h>

#include "config.h"

/*
 * Reload with an answer (feedd reload, the units' ExecReload): the
 * command sends SIGHUP by sigqueue with DAEMON_RELOAD_ASK as its value;
 * the daemon, once that reload is applied or refused, sends the command
 * DAEMON_RELOAD_ANSWER by pidfd_send_signal with DAEMON_RELOAD_DONE or
 * DAEMON_RELOAD_REFUSED.  A plain SIGHUP (kill -HUP) reloads unanswered.
 */
#define DAEMON_RELOAD_ASK	0x66656564	/* "feed" */
#define DAEMON_RELOAD_ANSWER	SIGUSR2
#define DAEMON_RELOAD_DONE	0
#define DAEMON_RELOAD_REFUSED	1

/*
 * Run until SIGTERM or SIGINT.  Returns the process exit status: 0 on a
 * clean stop, 1 when setup failed or the first build could not write
 * the feeds, 2 for a bad configuration at start.
 */
int	daemon_run(const struct config_overrides *);

/*
 * Ask the feedd daemon pid to reload and wait (at most timeout_s
 * seconds) until the reload is applied.  Run as root, the caller becomes
 * the daemon's user first, which alone can answer it.  Returns 0 when it is, or -1 with
 * *cause set: the new configuration was refused (the old one is kept), pid
 * is not feedd, the daemon exited or did not answer.
 */
int	daemon_request_reload(pid_t pid, int timeout_s, char **cause);

#endif
