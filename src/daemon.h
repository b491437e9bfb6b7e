/*
 * feedd watch: build every feed, then keep them current.  One poll loop
 * waits on the inotify descriptor, a signalfd and timerfds (debounce,
 * scheduled posts, systemd watchdog); each change flows one way: event ->
 * post re-read -> index updated -> affected feeds rendered -> files
 * replaced atomically.
 */
#ifndef FEEDD_DAEMON_H
#define FEEDD_DAEMON_H

#include "config.h"

/*
 * Run until SIGTERM or SIGINT.  Returns the process exit status: 0 on a
 * clean stop, 1 when the site folder vanished or setup failed, 2 for a
 * bad configuration at start.
 */
int	daemon_run(const struct config_overrides *);

#endif
