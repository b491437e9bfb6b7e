/*
 * Dates as Jekyll reads them from front matter, and as feeds print them.
 *
 * Instants are seconds since the epoch (UTC).  Local time means the site's
 * time zone, which datetime_set_zone installs process-wide through TZ,
 * because libc offers no per-call zone.
 */
#ifndef FEEDD_DATETIME_H
#define FEEDD_DATETIME_H

#include <stdint.h>
#include <time.h>

/* A file or clock time in nanoseconds since the epoch. */
static inline int64_t
datetime_ns(const struct timespec *ts)
{
	return ((int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec);
}

/* How a front matter value was written, which decides its zone. */
enum datetime_source {
	DATETIME_YAML_PLAIN,	/* unquoted: a naive time is UTC (Psych) */
	DATETIME_STRING,	/* quoted: a naive time is local (Time.parse) */
};

/* Whether zone (an IANA name; NULL or "" mean UTC) is known. */
int	 datetime_zone_exists(const char *);

/*
 * Use zone name (an IANA name such as "Asia/Shanghai"; NULL or "" means
 * UTC) as local time.  Returns -1 if the zone is unknown.
 */
int	 datetime_set_zone(const char *);

/*
 * Parse a front matter date: YYYY-MM-DD (local midnight), or
 * YYYY-MM-DD[T ]HH:MM[:SS[.frac]][ ](Z|+HH[:]MM|+HH).  A time without a
 * zone is UTC when YAML saw a timestamp (plain, with seconds), else local.  Returns 0 and sets
 * *when, or -1 with a static description in *why.
 */
int	 datetime_parse(const char *, enum datetime_source, int64_t *,
	    const char **why);

/* Whether y-m-d is a day of the proleptic Gregorian calendar. */
int	 datetime_valid_day(int, int, int);

/* Local midnight of the given calendar day. */
int64_t	 datetime_local_midnight(int, int, int);

/* Break an instant down into local time (tm_gmtoff holds the offset). */
void	 datetime_local(int64_t, struct tm *);

/*
 * Instants a feed can carry: RFC 822 dates (RSS) need a year from 1900,
 * xsd:dateTime (Atom) one up to 9999, in whatever zone they are shown;
 * a day's margin at each end covers every zone's offset.
 */
#define DATETIME_FEED_MIN	(-2208902400LL)	/* 1900-01-02T00:00:00Z */
#define DATETIME_FEED_MAX	253402214399LL	/* 9999-12-30T23:59:59Z */
int	 datetime_in_feed_range(int64_t);

/*
 * RFC 3339 in local time, e.g. 2021-12-08T10:19:17+08:00; in UTC when
 * the local offset is not whole minutes (local mean times before zones
 * were standardised), which RFC 3339 cannot write.
 */
void	 datetime_rfc3339(int64_t, char *, size_t);

/* RFC 822 with a four-digit year and numeric zone, as above. */
void	 datetime_rfc822(int64_t, char *, size_t);

#endif
