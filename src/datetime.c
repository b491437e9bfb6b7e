/*
 * Front matter dates and feed date formats.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"

static const char *const day_names[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static int	read_digits(const char **, int, int, int *);
static int	days_in_month(int, int);
static int64_t	days_from_civil(int, int, int);
static void	printable(int64_t, struct tm *);

/* Whether zone names a time zone in the system's database. */
int
datetime_zone_exists(const char *zone)
{
	const char *dir;
	char	 path[4096], magic[4];
	FILE	*f;
	int	 ok;

	if (zone == NULL || *zone == '\0' || strcmp(zone, "UTC") == 0)
		return (1);
	if (zone[0] == '/' || strstr(zone, "..") != NULL)
		return (0);
	if ((dir = getenv("TZDIR")) == NULL)
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%s/%s", dir, zone);
	/* A folder ("Asia") or a table ("zone.tab") would give UTC silently. */
	if ((f = fopen(path, "re")) == NULL)
		return (0);
	ok = fread(magic, 1, sizeof magic, f) == sizeof magic &&
	    memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return (ok);
}

/* Install zone as the process's local time. */
int
datetime_set_zone(const char *zone)
{
	if (!datetime_zone_exists(zone))
		return (-1);
	if (zone == NULL || *zone == '\0')
		zone = "UTC";
	setenv("TZ", zone, 1);
	tzset();
	return (0);
}

/* Read between min and max digits into *v; returns the count read. */
static int
read_digits(const char **pp, int min, int max, int *v)
{
	const char *p = *pp;
	int	 n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)*p)) {
		*v = *v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n < min)
		return (0);
	*pp = p;
	return (n);
}

/* Days in month m (1-12) of year y. */
static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return (29);
	return (days[m - 1]);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Whether y-m-d exists. */
int
datetime_valid_day(int y, int m, int d)
{
	return (m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m));
}

/* Local midnight of y-m-d. */
int64_t
datetime_local_midnight(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

/* Parse a front matter date the way Jekyll (Psych, Time.parse) does. */
int
datetime_parse(const char *s, enum datetime_source source, int64_t *when,
    const char **why)
{
	const char *p = s;
	int	 y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	struct tm tm;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*why = "empty date";
		return (-1);
	}
	if (!read_digits(&p, 4, 4, &y) || *p++ != '-' ||
	    !read_digits(&p, 1, 2, &mo) || *p++ != '-' ||
	    !read_digits(&p, 1, 2, &d)) {
		*why = "date is not YYYY-MM-DD";
		return (-1);
	}
	if (!datetime_valid_day(y, mo, d)) {
		*why = "no such calendar day";
		return (-1);
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*when = datetime_local_midnight(y, mo, d);
		return (0);
	}
	if (*p == 'T' || *p == 't')
		p++;
	if (!read_digits(&p, 1, 2, &h) || *p++ != ':' ||
	    !read_digits(&p, 2, 2, &mi)) {
		*why = "time is not HH:MM:SS";
		return (-1);
	}
	/* Without seconds YAML sees no timestamp: Ruby's Time.parse reads
	 * the string in local time. */
	sec = 0;
	if (*p != ':')
		source = DATETIME_STRING;
	else if (p++, !read_digits(&p, 2, 2, &sec)) {
		*why = "time is not HH:MM:SS";
		return (-1);
	}
	if (h > 23 || mi > 59 || sec > 60) {
		*why = "time of day out of range";
		return (-1);
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == 'Z' || *p == 'z') {
		sign = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!read_digits(&p, 1, 2, &oh)) {
			*why = "bad zone offset";
			return (-1);
		}
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !read_digits(&p, 2, 2, &om)) {
			*why = "bad zone offset";
			return (-1);
		}
		if (oh > 14 || om > 59 || (oh == 14 && om != 0)) {
			*why = "zone offset out of range";
			return (-1);
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0') {
		*why = "trailing text after the date";
		return (-1);
	}

	if (sign == 0 && source == DATETIME_STRING) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		*when = (int64_t)mktime(&tm);
		return (0);
	}
	*when = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return (0);
}

/* Local broken-down time of an instant. */
void
datetime_local(int64_t when, struct tm *tm)
{
	time_t	 t = (time_t)when;

	localtime_r(&t, tm);
}

/* Whether a feed can carry the instant in every zone (see header). */
int
datetime_in_feed_range(int64_t when)
{
	return (when >= DATETIME_FEED_MIN && when <= DATETIME_FEED_MAX);
}

/*
 * Break when down for printing: local time, or UTC when the local offset
 * has seconds, which neither RFC 3339 nor RFC 822 can write.
 */
static void
printable(int64_t when, struct tm *tm)
{
	time_t	 t = (time_t)when;

	datetime_local(when, tm);
	if (tm->tm_gmtoff % 60 != 0)
		gmtime_r(&t, tm);
}

/* Format an RFC 3339 date in local time. */
void
datetime_rfc3339(int64_t when, char *out, size_t size)
{
	struct tm tm;
	long	 off;

	printable(when, &tm);
	off = tm.tm_gmtoff;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 3600,
	    labs(off) % 3600 / 60);
}

/* Format an RFC 822 date (four-digit year, numeric zone) in local time. */
void
datetime_rfc822(int64_t when, char *out, size_t size)
{
	struct tm tm;
	long	 off;

	printable(when, &tm);
	off = tm.tm_gmtoff;
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    day_names[tm.tm_wday], tm.tm_mday, month_names[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}
