/*
 * Logging in the style of OpenBSD daemons: log_warn appends strerror(errno),
 * log_warnx does not.  Messages go to stderr; under journald (JOURNAL_STREAM
 * set, or log_init asked for it) each line carries a <N> syslog priority.
 */
#ifndef FEEDD_LOG_H
#define FEEDD_LOG_H

#include <stdarg.h>

/* Verbosity: -q gives LOG_QUIET (errors only), -v gives LOG_DEBUG. */
enum log_level {
	LOG_QUIET = 0,
	LOG_NORMAL = 1,
	LOG_VERBOSE = 2,
};

void	log_init(const char *, int);
void	log_warn(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif
