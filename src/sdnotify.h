/*
 * The systemd notification protocol, spoken directly: one datagram per
 * message to the AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@'
 * means the abstract namespace).  Without $NOTIFY_SOCKET every call does
 * nothing, so feedd runs the same in a terminal.
 */
#ifndef FEEDD_SDNOTIFY_H
#define FEEDD_SDNOTIFY_H

#include <stdint.h>

/* Send "KEY=value\n..." text; returns 0, or -1 if it could not be sent. */
int	sdnotify(const char *, ...) __attribute__((__format__(printf, 1, 2)));

/*
 * The watchdog interval systemd asked for (WatchdogSec=), in
 * microseconds, or 0 when there is none for this process.
 */
uint64_t sdnotify_watchdog_usec(void);

/*
 * Ping the watchdog (WATCHDOG=1) now, and count the next ping as due half
 * a watchdog interval later.  Does nothing without a watchdog.
 */
void	sdnotify_watchdog_ping(void);

/*
 * Ping the watchdog if a ping is due: called from the loops of a long
 * build or reload (any thread; it costs a clock read), so that a busy
 * daemon is not taken for a hung one, while a daemon stuck anywhere else
 * still is.
 */
void	sdnotify_keepalive(void);

#endif
