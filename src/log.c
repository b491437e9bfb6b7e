/*
 * Logging to stderr, with syslog priority prefixes when journald reads it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

/* The one piece of logging state: set once at startup by log_init. */
static struct {
	const char	*progname;
	int		 level;
	int		 journal;
} log_state = { "feedd", LOG_NORMAL, 0 };

static void	put_escaped(const char *);
static void	vlog(int, const char *, const char *, va_list)
		    __attribute__((__format__(printf, 3, 0)));

/* Set the program name and verbosity; detect journald on stderr. */
void
log_init(const char *progname, int level)
{
	log_state.progname = progname;
	log_state.level = level;
	log_state.journal = getenv("JOURNAL_STREAM") != NULL;
}

/*
 * Write s with control characters escaped (\n as \x0a...), so a file name
 * can never break a message into lines, nor forge one in the journal.
 */
static void
put_escaped(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(stderr, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, stderr);
	}
}

/* Print one line at syslog priority pri, with an optional errno reason. */
static void
vlog(int pri, const char *reason, const char *fmt, va_list ap)
{
	int	 saved_errno = errno;
	const char *label = "";
	char	*msg;

	if (log_state.journal)
		fprintf(stderr, "<%d>", pri);
	else {
		switch (pri) {
		case LOG_CRIT:
		case LOG_ERR:
			label = "error: ";
			break;
		case LOG_WARNING:
			label = "warning: ";
			break;
		}
		fprintf(stderr, "%s: %s", log_state.progname, label);
	}
	if (vasprintf(&msg, fmt, ap) == -1)
		put_escaped(fmt);
	else {
		put_escaped(msg);
		free(msg);
	}
	if (reason != NULL)
		fprintf(stderr, ": %s", reason);
	fputc('\n', stderr);
	fflush(stderr);
	errno = saved_errno;
}

/* Warn, appending the current errno's message. */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	const char *reason = strerror(errno);

	if (log_state.level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_WARNING, reason, fmt, ap);
	va_end(ap);
}

/* Warn without errno. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	if (log_state.level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

/* Report an error that the program survives; shown even with -q. */
void
log_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

/* Informational message, hidden by -q. */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_state.level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

/* Debugging message, shown only with -v. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_state.level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

/* Log an unrecoverable error with errno's message and exit. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	const char *reason = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, reason, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Log an unrecoverable error and exit. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
