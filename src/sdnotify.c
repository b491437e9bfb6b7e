/*
 * sd_notify without libsystemd.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

/* Half the watchdog interval (0: no watchdog), and when a ping is due. */
static int64_t		 ping_every_us = -1;
static _Atomic int64_t	 ping_due_us;

static int64_t	monotonic_us(void);

/* Send one notification datagram. */
int
sdnotify(const char *fmt, ...)
{
	struct sockaddr_un sun;
	const char	*path = getenv("NOTIFY_SOCKET");
	char		 msg[1024];
	size_t		 plen;
	socklen_t	 len;
	va_list		 ap;
	int		 fd, n, saved = errno;

	if (path == NULL || *path == '\0')
		return (0);
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sun.sun_path)
		return (-1);
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof msg)
		return (-1);

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	n = (int)sendto(fd, msg, (size_t)n, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
	errno = saved;
	return (n < 0 ? -1 : 0);
}

/* WATCHDOG_USEC, if it is meant for this process. */
uint64_t
sdnotify_watchdog_usec(void)
{
	const char	*usec = getenv("WATCHDOG_USEC");
	const char	*pid = getenv("WATCHDOG_PID");
	char		*end;
	unsigned long long v;

	if (usec == NULL)
		return (0);
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return (0);
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0')
		return (0);
	return ((uint64_t)v);
}

/* Microseconds on the monotonic clock. */
static int64_t
monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* Ping the watchdog now. */
void
sdnotify_watchdog_ping(void)
{
	if (ping_every_us == -1)
		ping_every_us = (int64_t)(sdnotify_watchdog_usec() / 2);
	if (ping_every_us == 0)
		return;
	atomic_store(&ping_due_us, monotonic_us() + ping_every_us);
	sdnotify("WATCHDOG=1");
}

/* Ping the watchdog if a ping is due (one thread wins the race). */
void
sdnotify_keepalive(void)
{
	int64_t	 due, now;

	if (ping_every_us <= 0)
		return;
	now = monotonic_us();
	due = atomic_load(&ping_due_us);
	if (now >= due && atomic_compare_exchange_strong(&ping_due_us, &due,
	    now + ping_every_us))
		sdnotify("WATCHDOG=1");
}
