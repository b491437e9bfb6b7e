/*
 * Front matter dates and feed date formats.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

struct parsed;
static long	offset_at(int64_t);
static int64_t	local_instant(int64_t);
static int	month_at(const char *, size_t);
static int	zone_word(const char *, size_t, long *);
static int	digits(const char **, int, int *);
static const char *read_offset(const char *, long *);
static const char *read_time(const char *, struct parsed *);
static const char *read_numeric_date(const char *, struct parsed *,
		    const char **);
static int	parse_text(const char *, struct parsed *, const char **);
static int	yaml_timestamp(const char *, struct parsed *);
static int	to_instant(const struct parsed *, int64_t *, const char **);
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

/* The site zone's offset (seconds east) at instant t. */
static long
offset_at(int64_t t)
{
	struct tm tm;
	time_t	 tt = (time_t)t;

	localtime_r(&tt, &tm);
	return (tm.tm_gmtoff);
}

/*
 * The instant of a local wall-clock time given as seconds since the
 * epoch as if it were UTC, as Ruby's Time.local resolves it: of two
 * instants showing that time (clocks set back) the later, and a time
 * that does not exist (clocks set forward) read with the offset before.
 */
static int64_t
local_instant(int64_t wall)
{
	long	 before = offset_at(wall - 2 * 86400);
	long	 after = offset_at(wall + 2 * 86400);
	int64_t	 a = wall - before, b = wall - after;
	int	 va = offset_at(a) == before, vb = offset_at(b) == after;

	if (va && vb)
		return (a > b ? a : b);
	if (vb)
		return (b);
	return (a);
}

/* Local midnight of y-m-d. */
int64_t
datetime_local_midnight(int y, int m, int d)
{
	return (local_instant(days_from_civil(y, m, d) * 86400));
}

/* A date and time being read, and what of it was found. */
struct parsed {
	int	 y, mo, d, h, mi, s;
	int	 have_date, have_time, have_zone;
	int	 bad_offset;	/* an offset out of range was seen */
	long	 off;		/* seconds east, with have_zone */
};

/* Whether the n bytes at p are a month name (or its three letters). */
static int
month_at(const char *p, size_t n)
{
	static const char *const names[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	int	 i;

	for (i = 0; i < 12; i++) {
		if ((n == 3 || (n == 4 && strncasecmp(p, "sept", 4) == 0) ||
		    n == strlen(names[i])) && strncasecmp(p, names[i], n) == 0)
			return (i + 1);
	}
	return (0);
}

/*
 * A zone word of Ruby's Time.parse: UTC, GMT, UT, Z and the US zones
 * (other names, such as CET or Asia/Shanghai, are ignored as Ruby
 * ignores them).  Returns 1 with *off set, or 0.
 */
static int
zone_word(const char *p, size_t n, long *off)
{
	static const struct {
		const char	*name;
		int		 hours;
	} zones[] = {
		{ "utc", 0 }, { "gmt", 0 }, { "ut", 0 }, { "z", 0 },
		{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
		{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
	};
	size_t	 i;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (n == strlen(zones[i].name) && strncasecmp(p, zones[i].name,
		    n) == 0) {
			*off = zones[i].hours * 3600L;
			return (1);
		}
	}
	return (0);
}

/* Read 1 to max digits at *pp into *v; returns how many. */
static int
digits(const char **pp, int max, int *v)
{
	int	 n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)**pp)) {
		*v = *v * 10 + (**pp - '0');
		(*pp)++;
		n++;
	}
	return (n);
}

/*
 * An offset at p: +8, +08, +0800, +08:00, -12:00.  Returns where it
 * ends with *off set, or NULL.
 */
static const char *
read_offset(const char *p, long *off)
{
	const char	*q = p + 1;
	int		 sign = *p == '-' ? -1 : 1, hh, mm = 0, n;

	if ((*p != '+' && *p != '-') || (n = digits(&q, 4, &hh)) == 0 ||
	    n == 3)
		return (NULL);
	if (n == 4) {
		mm = hh % 100;
		hh /= 100;
	} else if (*q == ':' && isdigit((unsigned char)q[1])) {
		q++;
		if (digits(&q, 2, &mm) != 2)
			return (NULL);
	}
	if (hh > 23)
		return (NULL);
	*off = sign * (hh * 3600L + mm * 60L);
	return (q);
}

/*
 * A time at p: H:MM[:SS[.frac]] with an optional am/pm and offset.
 * Returns where it ends, or NULL if there is none.
 */
static const char *
read_time(const char *p, struct parsed *t)
{
	const char	*q = p, *r;

	if (digits(&q, 2, &t->h) == 0)
		return (NULL);
	/* "2022-07-06 10" is ten o'clock, as Ruby reads it. */
	t->mi = t->s = 0;
	if (*q != ':') {
		if (isdigit((unsigned char)*q) || isalpha((unsigned char)*q))
			return (NULL);
		t->have_time = 1;
		return (q);
	}
	q++;
	if (digits(&q, 2, &t->mi) == 0)
		return (NULL);
	if (*q == ':') {
		q++;
		if (digits(&q, 2, &t->s) == 0)
			return (NULL);
		/* Fractions of a second are dropped, as Jekyll drops them. */
		if (*q == '.' || *q == ',')
			for (q++; isdigit((unsigned char)*q); q++)
				;
	}
	while (*q == ' ')
		q++;
	if ((strncasecmp(q, "am", 2) == 0 || strncasecmp(q, "pm", 2) == 0) &&
	    !isalpha((unsigned char)q[2])) {
		if (t->h < 1 || t->h > 12)
			return (NULL);
		t->h = t->h % 12 + (tolower((unsigned char)*q) == 'p' ? 12 : 0);
		q += 2;
	}
	t->have_time = 1;
	while (*q == ' ' || *q == '\t')
		q++;
	if ((r = read_offset(q, &t->off)) != NULL) {
		t->have_zone = 1;
		q = r;
	} else if ((*q == '+' || *q == '-') && isdigit((unsigned char)q[1])) {
		t->bad_offset = 1;	/* Ruby refuses it */
		return (NULL);
	}
	return (q);
}

/*
 * A date at p of one of the shapes Ruby's Date._parse reads that posts
 * use: 20230129[T183022[Z]], 2023-01-29, 2023/01/29, 2023.01.29,
 * 2023-029, 29/01/2023, 29 Jan 2023.  Returns where it ends, or NULL
 * with *why set when digits there make no date.
 */
static const char *
read_numeric_date(const char *p, struct parsed *t, const char **why)
{
	const char	*q = p, *w;
	int		 a, b, c, na, nb, m;
	char		 sep;

	na = digits(&q, 8, &a);
	if (na == 8) {
		t->y = a / 10000;
		t->mo = a / 100 % 100;
		t->d = a % 100;
		t->have_date = 1;
		if (*q == 'T' || *q == 't') {
			q++;
			if (digits(&q, 6, &b) != 6) {
				*why = "a time after T must be HHMMSS";
				return (NULL);
			}
			t->h = b / 10000;
			t->mi = b / 100 % 100;
			t->s = b % 100;
			t->have_time = 1;
			if (*q == 'Z' || *q == 'z') {
				t->have_zone = 1;
				t->off = 0;
				q++;
			}
		}
		return (q);
	}
	if ((na == 4 || (na == 2 && *q == '-')) && (*q == '-' || *q == '/' ||
	    *q == '.')) {
		/* "22-07-06" has a two-digit year, as Ruby reads it. */
		if (na == 2)
			a += a >= 69 ? 1900 : 2000;
		sep = *q++;
		nb = digits(&q, 3, &b);
		if (sep == '-' && nb == 3 && !isdigit((unsigned char)*q) &&
		    *q != '-') {
			/* 2023-029: the day of the year. */
			if (b < 1 || b > 366) {
				*why = "no such day of the year";
				return (NULL);
			}
			t->y = a;
			t->mo = 1;
			t->d = b;
			t->have_date = 1;
			return (q);
		}
		if (nb == 0 || nb == 3 || *q != sep || (q++,
		    digits(&q, 2, &c)) == 0) {
			*why = "a date must have a year, a month and a day";
			return (NULL);
		}
		t->y = a;
		t->mo = b;
		t->d = c;
		t->have_date = 1;
		/* 2023-01-29T18:30, 2023-01-29_18:30:22 */
		if (*q == 'T' || *q == 't' || *q == '_')
			q++;
		return (q);
	}
	if (na <= 2 && *q == '/') {
		/* 29/01/2023: day, month, year. */
		q++;
		if (digits(&q, 2, &b) == 0 || *q++ != '/' ||
		    digits(&q, 4, &c) != 4) {
			*why = "a date must be DD/MM/YYYY";
			return (NULL);
		}
		t->d = a;
		t->mo = b;
		t->y = c;
		t->have_date = 1;
		return (q);
	}
	if (na <= 2 && *q != ':') {
		/* 29 Jan 2023 */
		while (*q == ' ')
			q++;
		for (w = q; isalpha((unsigned char)*w); w++)
			;
		if ((m = month_at(q, (size_t)(w - q))) != 0) {
			if (*w == '.')
				w++;
			while (*w == ' ')
				w++;
			if (digits(&w, 4, &c) != 4) {
				*why = "a date without a year (Ruby would "
				    "take the year of the build)";
				return (NULL);
			}
			t->d = a;
			t->mo = m;
			t->y = c;
			t->have_date = 1;
			return (w);
		}
	}
	*why = "no date in it";
	return (NULL);
}

/*
 * Ruby's Time.parse, as far as posts use it: a date, an optional time
 * and an optional zone, with weekday names and "at" allowed; words it
 * does not know (zone names such as CET or Asia/Shanghai, which Ruby
 * ignores too) and stray numbers (a repeated year, and an offset after
 * it, which Ruby ignores as well) are skipped.
 * Returns 0, or -1 with *why set.
 */
static int
parse_text(const char *s, struct parsed *t, const char **why)
{
	const char	*p = s, *w;
	int		 b, c, m;
	size_t		 n;

	memset(t, 0, sizeof *t);
	while (*p != '\0') {
		if (isspace((unsigned char)*p) || *p == ',' || *p == '(' ||
		    *p == ')') {
			p++;
		} else if (!t->have_date && isdigit((unsigned char)*p)) {
			if ((p = read_numeric_date(p, t, why)) == NULL)
				return (-1);
		} else if (isdigit((unsigned char)*p) && !t->have_time &&
		    (w = read_time(p, t)) != NULL) {
			p = w;
		} else if (t->bad_offset) {
			*why = "zone offset out of range";
			return (-1);
		} else if (isalpha((unsigned char)*p)) {
			for (w = p; isalpha((unsigned char)*w) || *w == '/' ||
			    *w == '_'; w++)
				;
			n = (size_t)(w - p);
			if (!t->have_date && (m = month_at(p, n)) != 0) {
				/* January 29, 2023 */
				if (*w == '.')
					w++;
				while (*w == ' ')
					w++;
				if (digits(&w, 2, &b) == 0) {
					*why = "a month name without a day";
					return (-1);
				}
				if (isalpha((unsigned char)w[0]) &&
				    isalpha((unsigned char)w[1]) &&
				    !isalpha((unsigned char)w[2]))
					w += 2;		/* 1st, 2nd, 29th */
				while (*w == ',' || *w == ' ')
					w++;
				if (digits(&w, 4, &c) != 4) {
					*why = "a date without a year (Ruby "
					    "would take the year of the build)";
					return (-1);
				}
				t->mo = m;
				t->d = b;
				t->y = c;
				t->have_date = 1;
			} else if (t->have_time && !t->have_zone)
				t->have_zone = zone_word(p, n, &t->off);
			p = w;
		} else {
			/* A stray number (a year repeated) or sign. */
			for (p++; isdigit((unsigned char)*p); p++)
				;
		}
	}
	if (!t->have_date) {
		*why = "no date in it";
		return (-1);
	}
	return (0);
}

/*
 * Psych's timestamp: YYYY-M-D, then T, t or blanks, H:MM:SS, an optional
 * fraction and zone (Z, +H, +HH, +HHMM, +HH:MM).  Returns 1 if s is one,
 * with its fields in t (a zone-less one is UTC).
 */
static int
yaml_timestamp(const char *s, struct parsed *t)
{
	const char	*p = s, *r;

	memset(t, 0, sizeof *t);
	if (digits(&p, 4, &t->y) != 4 || *p++ != '-' ||
	    digits(&p, 2, &t->mo) == 0 || *p++ != '-' ||
	    digits(&p, 2, &t->d) == 0)
		return (0);
	if (*p == 'T' || *p == 't')
		p++;
	else if (*p == ' ' || *p == '\t')
		while (*p == ' ' || *p == '\t')
			p++;
	else
		return (0);
	if (digits(&p, 2, &t->h) == 0 || *p++ != ':' ||
	    digits(&p, 2, &t->mi) != 2 || *p++ != ':' ||
	    digits(&p, 2, &t->s) != 2)
		return (0);
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	while (*p == ' ' || *p == '\t')
		p++;
	t->have_date = t->have_time = t->have_zone = 1;
	if (*p == 'Z')
		p++;
	else if ((r = read_offset(p, &t->off)) != NULL)
		p = r;
	return (*p == '\0');
}

/*
 * The instant of what was read: months 1-12 and days 1-31 (a day past
 * the month's end rolls over, as Ruby's Time does: Feb 30 is Mar 2),
 * minutes below 60; without a zone, in the site's zone.
 */
static int
to_instant(const struct parsed *t, int64_t *when, const char **why)
{
	int64_t	 wall;

	if (t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > 31) {
		*why = "no such day";
		return (-1);
	}
	if (t->mi > 59 || t->s > 60 || t->h > (t->have_zone ? 99 : 24) ||
	    (t->h == 24 && !t->have_zone && (t->mi > 0 || t->s > 0))) {
		*why = "time of day out of range";
		return (-1);
	}
	wall = days_from_civil(t->y, t->mo, 1) * 86400 + (t->d - 1) * 86400LL +
	    t->h * 3600LL + t->mi * 60LL + t->s;
	*when = t->have_zone ? wall - t->off : local_instant(wall);
	return (0);
}

/* Parse a front matter date as Jekyll does. */
int
datetime_parse(const char *s, enum datetime_source source, int64_t *when,
    const char **why)
{
	struct parsed	 t;
	const char	*p;
	char		*trim, *e;
	int		 rc;

	while (isspace((unsigned char)*s))
		s++;
	if ((trim = strdup(s)) == NULL) {
		*why = "out of memory";
		return (-1);
	}
	for (e = trim + strlen(trim); e > trim && isspace((unsigned char)e[-1]);
	    e--)
		e[-1] = '\0';
	if (*trim == '\0') {
		free(trim);
		*why = "empty date (Jekyll refuses it)";
		return (-1);
	}
	if (source == DATETIME_YAML_PLAIN) {
		/* What Psych makes of it first: a timestamp is that instant
		 * (UTC without a zone); a time alone is a number. */
		if (yaml_timestamp(trim, &t) && t.h <= 24 &&
		    to_instant(&t, when, why) == 0) {
			free(trim);
			return (0);
		}
		for (p = trim; isdigit((unsigned char)*p) || *p == '_' ||
		    *p == ':'; p++)
			;
		if (*p == '\0' && strchr(trim, ':') != NULL) {
			free(trim);
			*why = "a time without a date (YAML reads it as a "
			    "number)";
			return (-1);
		}
	}
	rc = parse_text(trim, &t, why);
	free(trim);
	if (rc != 0)
		return (-1);
	return (to_instant(&t, when, why));
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
