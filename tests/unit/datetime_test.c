/*
 * datetime: front matter dates and feed date formats.  A post's date
 * decides its URL (so its entry id) and its place in every feed; reading
 * a naive time in the wrong zone moves posts to another day's URL and
 * makes every subscriber see them again.  The cases are the shapes
 * Jekyll (Psych and Time.parse) was measured to accept, with the results
 * it printed (tests/sys/JEKYLL-NOTES.md, JEKYLL.md), and the malformed
 * dates feedd must refuse rather than guess.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/datetime.h"
#include "test.h"

/* A date and how it was written, with the RFC 3339 text it must give. */
struct parse_case {
	const char		*in;
	enum datetime_source	 source;
	const char		*want;
};

/* A malformed date; why says what kind of input it is. */
static void	check_parse(const struct parse_case *);
static void	check_zone_shanghai(void);
static void	check_measured(void);
static void	check_formats(void);
static void	check_other_zones(void);
static void	check_set_zone(void);
static void	check_midnight(void);
static void	check_every_zone(void);

/* Parse one case and compare its RFC 3339 form in the current zone. */
static void
check_parse(const struct parse_case *c)
{
	const char	*why = NULL;
	int64_t		 when = 0;
	char		 out[64];
	int		 rc;

	rc = datetime_parse(c->in, c->source, &when, &why);
	CHECK(rc == 0);
	if (rc != 0) {
		fprintf(stderr, "    input \"%s\" (%s): %s\n", c->in,
		    c->source == DATETIME_YAML_PLAIN ? "plain" : "quoted",
		    why != NULL ? why : "(no reason)");
		return;
	}
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, c->want);
	if (strcmp(out, c->want) != 0)
		fprintf(stderr, "    input \"%s\" (%s)\n", c->in,
		    c->source == DATETIME_YAML_PLAIN ? "plain" : "quoted");
}

/* The measured Jekyll results for a site in Asia/Shanghai. */
static void
check_zone_shanghai(void)
{
	static const struct parse_case cases[] = {
		/* A YAML timestamp without offset is UTC (JEKYLL.md). */
		{ "2021-12-08 13:16:19", DATETIME_YAML_PLAIN,
		  "2021-12-08T21:16:19+08:00" },
		{ "2022-07-10 03:00:00", DATETIME_YAML_PLAIN,
		  "2022-07-10T11:00:00+08:00" },
		/* ...so a late naive time lands on the next local day. */
		{ "2021-12-08 19:38:51", DATETIME_YAML_PLAIN,
		  "2021-12-09T03:38:51+08:00" },
		{ "2022-07-10T03:00:00", DATETIME_YAML_PLAIN,
		  "2022-07-10T11:00:00+08:00" },
		{ "2022-07-10t03:00:00", DATETIME_YAML_PLAIN,
		  "2022-07-10T11:00:00+08:00" },
		/* Quoted, it is a string Time.parse reads as local. */
		{ "2022-07-10 03:00:00", DATETIME_STRING,
		  "2022-07-10T03:00:00+08:00" },
		{ "2021-12-08 13:16:19", DATETIME_STRING,
		  "2021-12-08T13:16:19+08:00" },
		/* Without seconds YAML sees no timestamp: local. */
		{ "2022-07-11 10:00", DATETIME_YAML_PLAIN,
		  "2022-07-11T10:00:00+08:00" },
		{ "2022-07-11 10:00", DATETIME_STRING,
		  "2022-07-11T10:00:00+08:00" },
		/* Date only: local midnight, whatever the quoting. */
		{ "2022-07-09", DATETIME_YAML_PLAIN,
		  "2022-07-09T00:00:00+08:00" },
		{ "2022-07-09", DATETIME_STRING,
		  "2022-07-09T00:00:00+08:00" },
		{ "2024-02-29", DATETIME_YAML_PLAIN,
		  "2024-02-29T00:00:00+08:00" },
		{ "2000-02-29", DATETIME_YAML_PLAIN,
		  "2000-02-29T00:00:00+08:00" },
		/* One-digit month and day, as Psych allows. */
		{ "2022-7-9", DATETIME_YAML_PLAIN,
		  "2022-07-09T00:00:00+08:00" },
		/* Offsets are kept, then shown in the site zone. */
		{ "2021-12-08 10:19:17 +0800", DATETIME_YAML_PLAIN,
		  "2021-12-08T10:19:17+08:00" },
		{ "2021-12-08 10:19:17 +08:00", DATETIME_YAML_PLAIN,
		  "2021-12-08T10:19:17+08:00" },
		{ "2021-12-08 10:19:17 +8", DATETIME_YAML_PLAIN,
		  "2021-12-08T10:19:17+08:00" },
		{ "2021-12-08 10:19:17+08:00", DATETIME_YAML_PLAIN,
		  "2021-12-08T10:19:17+08:00" },
		{ "2021-12-08T10:19:17+0800", DATETIME_STRING,
		  "2021-12-08T10:19:17+08:00" },
		{ "2022-01-01 10:00:00 -0500", DATETIME_YAML_PLAIN,
		  "2022-01-01T23:00:00+08:00" },
		{ "2022-01-01 10:00:00 -05:00", DATETIME_STRING,
		  "2022-01-01T23:00:00+08:00" },
		{ "2022-01-01 10:00:00 +0530", DATETIME_YAML_PLAIN,
		  "2022-01-01T12:30:00+08:00" },
		{ "2022-07-12T20:00:00Z", DATETIME_YAML_PLAIN,
		  "2022-07-13T04:00:00+08:00" },
		{ "2022-07-10 03:00:00Z", DATETIME_YAML_PLAIN,
		  "2022-07-10T11:00:00+08:00" },
		{ "2022-07-10 03:00:00 Z", DATETIME_STRING,
		  "2022-07-10T11:00:00+08:00" },
		/* An offset wins even without seconds. */
		{ "2022-07-06 10:00 +0000", DATETIME_YAML_PLAIN,
		  "2022-07-06T18:00:00+08:00" },
		/* Fractions are dropped from the printed value. */
		{ "2022-07-06 10:00:00.5 +0800", DATETIME_YAML_PLAIN,
		  "2022-07-06T10:00:00+08:00" },
		{ "2022-07-06 10:00:00.123456", DATETIME_YAML_PLAIN,
		  "2022-07-06T18:00:00+08:00" },
		/* Surrounding white space is YAML's, not the date's. */
		{ "  2022-07-09  ", DATETIME_STRING,
		  "2022-07-09T00:00:00+08:00" },
		{ "2022-07-06 10:00:00 +0800 ", DATETIME_STRING,
		  "2022-07-06T10:00:00+08:00" },
		/* Offsets crossing a year boundary. */
		{ "2021-12-31 20:00:00 -0500", DATETIME_YAML_PLAIN,
		  "2022-01-01T09:00:00+08:00" },
		{ "1970-01-01 00:00:00", DATETIME_YAML_PLAIN,
		  "1970-01-01T08:00:00+08:00" },
	};
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_parse(&cases[i]);
}

/*
 * Edge cases as Jekyll reads them, measured with Debian's jekyll 4.3.1
 * in Asia/Shanghai (Psych.safe_load, then Jekyll::Utils.parse_date), as
 * a plain YAML value and as a quoted one: the instant, or a refusal
 * (Jekyll fails the build; feedd skips the post).  Days past a month's
 * end roll over, as Ruby's do; a time without a date (Ruby would take
 * the day of the build) and years past 9999 are refused by feedd.
 */
static void
check_measured(void)
{
#define PLAIN	DATETIME_YAML_PLAIN
#define STR	DATETIME_STRING
#define REFUSED	INT64_MIN
	static const struct {
		const char		*in;
		enum datetime_source	 source;
		int64_t			 want;
	} cases[] = {
		/* Jekyll refuses it */
		{ "", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "", STR, REFUSED },
		/* Jekyll refuses it */
		{ "   ", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "   ", STR, REFUSED },
		/* Jekyll refuses it */
		{ "+0800", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "+0800", STR, REFUSED },
		/* Jekyll refuses it */
		{ "10:00:00", PLAIN, REFUSED },
		/* Jekyll: 2026-12-01T10:00:00+08:00; feedd refuses it */
		{ "10:00:00", STR, REFUSED },
		/* Jekyll refuses it */
		{ "2022-13-01", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-13-01", STR, REFUSED },
		/* Jekyll refuses it */
		{ "2022-00-10", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-00-10", STR, REFUSED },
		/* 2022-05-01T00:00:00+08:00 */
		{ "2022-04-31", PLAIN, 1651334400LL },
		/* 2022-05-01T00:00:00+08:00 */
		{ "2022-04-31", STR, 1651334400LL },
		/* 2022-07-01T18:00:00+08:00 */
		{ "2022-06-31 10:00:00", PLAIN, 1656669600LL },
		/* 2022-07-01T10:00:00+08:00 */
		{ "2022-06-31 10:00:00", STR, 1656640800LL },
		/* Jekyll refuses it */
		{ "2022-01-00", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-01-00", STR, REFUSED },
		/* Jekyll refuses it */
		{ "2022-01-32", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-01-32", STR, REFUSED },
		/* 2023-03-01T00:00:00+08:00 */
		{ "2023-02-29", PLAIN, 1677600000LL },
		/* 2023-03-01T00:00:00+08:00 */
		{ "2023-02-29", STR, 1677600000LL },
		/* 1900-03-01T00:00:00+08:05 (+08:05:43, local mean time) */
		{ "1900-02-29", PLAIN, -2203920343LL },
		/* 1900-03-01T00:00:00+08:05 (+08:05:43, local mean time) */
		{ "1900-02-29", STR, -2203920343LL },
		/* Jekyll: 99999-01-01T00:00:00+08:00; feedd refuses it */
		{ "99999-01-01", PLAIN, REFUSED },
		/* Jekyll: 99999-01-01T00:00:00+08:00; feedd refuses it */
		{ "99999-01-01", STR, REFUSED },
		/* 2022-07-06T00:00:00+08:00 */
		{ "22-07-06", PLAIN, 1657036800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "22-07-06", STR, 1657036800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "2022/07/06", PLAIN, 1657036800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "2022/07/06", STR, 1657036800LL },
		/* Jekyll refuses it */
		{ "2022-07-06 10:00:00 +2500", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-07-06 10:00:00 +2500", STR, REFUSED },
		/* 2022-07-06T03:00:00+08:00 */
		{ "2022-07-06 10:00:00 +1500", PLAIN, 1657047600LL },
		/* 2022-07-06T03:00:00+08:00 */
		{ "2022-07-06 10:00:00 +1500", STR, 1657047600LL },
		/* 2022-07-06T09:00:00+08:00 */
		{ "2022-07-06 10:00:00 +0860", PLAIN, 1657069200LL },
		/* 2022-07-06T09:00:00+08:00 */
		{ "2022-07-06 10:00:00 +0860", STR, 1657069200LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 +", PLAIN, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 +", STR, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 junk", PLAIN, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 junk", STR, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 +0800 x", PLAIN, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:00:00 +0800 x", STR, 1657072800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "2022-07-06x", PLAIN, 1657036800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "2022-07-06x", STR, 1657036800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10", PLAIN, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10", STR, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:0", PLAIN, 1657072800LL },
		/* 2022-07-06T10:00:00+08:00 */
		{ "2022-07-06 10:0", STR, 1657072800LL },
		/* 2022-07-07T08:00:00+08:00 */
		{ "2022-07-06 24:00:00", PLAIN, 1657152000LL },
		/* 2022-07-07T00:00:00+08:00 */
		{ "2022-07-06 24:00:00", STR, 1657123200LL },
		/* Jekyll refuses it */
		{ "2022-07-06 10:60:00", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-07-06 10:60:00", STR, REFUSED },
		/* Jekyll refuses it */
		{ "2022-07-06 10:00:61", PLAIN, REFUSED },
		/* Jekyll refuses it */
		{ "2022-07-06 10:00:61", STR, REFUSED },
		/* 2022-07-06T10:00:01+08:00 */
		{ "2022-07-06 10:00:1", PLAIN, 1657072801LL },
		/* 2022-07-06T10:00:01+08:00 */
		{ "2022-07-06 10:00:1", STR, 1657072801LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "July 6, 2022", PLAIN, 1657036800LL },
		/* 2022-07-06T00:00:00+08:00 */
		{ "July 6, 2022", STR, 1657036800LL },
	};
#undef PLAIN
#undef STR
	const char	*why;
	int64_t		 when;
	size_t		 i;
	int		 rc;

	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why = NULL;
		when = 12345;
		rc = datetime_parse(cases[i].in, cases[i].source, &when, &why);
		if (cases[i].want == REFUSED) {
			CHECK(rc == -1 && why != NULL && *why != '\0');
			if (rc != -1)
				fprintf(stderr, "    \"%s\" was accepted as "
				    "%lld\n", cases[i].in, (long long)when);
		} else {
			CHECK(rc == 0 && when == cases[i].want);
			if (rc != 0 || when != cases[i].want)
				fprintf(stderr, "    \"%s\" (%s): %lld, want "
				    "%lld (%s)\n", cases[i].in, cases[i].source ==
				    DATETIME_STRING ? "quoted" : "plain",
				    (long long)when, (long long)cases[i].want,
				    rc != 0 ? why : "");
		}
	}
#undef REFUSED
	datetime_set_zone(NULL);
}

/* RFC 3339 and RFC 822 text: four-digit year, numeric zone, weekday. */
static void
check_formats(void)
{
	static const struct {
		const char	*in;	/* a UTC instant */
		const char	*shanghai3339, *shanghai822;
		const char	*utc3339, *utc822;
	} cases[] = {
		{ "2021-12-08 13:16:19",
		  "2021-12-08T21:16:19+08:00",
		  "Wed, 08 Dec 2021 21:16:19 +0800",
		  "2021-12-08T13:16:19+00:00",
		  "Wed, 08 Dec 2021 13:16:19 +0000" },
		/* The local day, and so the weekday, differ from UTC's. */
		{ "2021-12-08 19:38:51",
		  "2021-12-09T03:38:51+08:00",
		  "Thu, 09 Dec 2021 03:38:51 +0800",
		  "2021-12-08T19:38:51+00:00",
		  "Wed, 08 Dec 2021 19:38:51 +0000" },
		{ "2024-02-29 00:00:00",
		  "2024-02-29T08:00:00+08:00",
		  "Thu, 29 Feb 2024 08:00:00 +0800",
		  "2024-02-29T00:00:00+00:00",
		  "Thu, 29 Feb 2024 00:00:00 +0000" },
		{ "2000-01-01 00:00:00",
		  "2000-01-01T08:00:00+08:00",
		  "Sat, 01 Jan 2000 08:00:00 +0800",
		  "2000-01-01T00:00:00+00:00",
		  "Sat, 01 Jan 2000 00:00:00 +0000" },
		{ "1970-01-01 00:00:00",
		  "1970-01-01T08:00:00+08:00",
		  "Thu, 01 Jan 1970 08:00:00 +0800",
		  "1970-01-01T00:00:00+00:00",
		  "Thu, 01 Jan 1970 00:00:00 +0000" },
		/* Past 2038: a 64-bit instant. */
		{ "2038-01-19 03:14:08",
		  "2038-01-19T11:14:08+08:00",
		  "Tue, 19 Jan 2038 11:14:08 +0800",
		  "2038-01-19T03:14:08+00:00",
		  "Tue, 19 Jan 2038 03:14:08 +0000" },
		{ "2100-03-01 12:00:00",
		  "2100-03-01T20:00:00+08:00",
		  "Mon, 01 Mar 2100 20:00:00 +0800",
		  "2100-03-01T12:00:00+00:00",
		  "Mon, 01 Mar 2100 12:00:00 +0000" },
		{ "2022-07-06 23:59:59",
		  "2022-07-07T07:59:59+08:00",
		  "Thu, 07 Jul 2022 07:59:59 +0800",
		  "2022-07-06T23:59:59+00:00",
		  "Wed, 06 Jul 2022 23:59:59 +0000" },
	};
	const char	*why;
	int64_t		 when;
	char		 out[64];
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* A plain naive timestamp is UTC whatever the zone. */
		CHECK(datetime_parse(cases[i].in, DATETIME_YAML_PLAIN, &when,
		    &why) == 0);
		CHECK(datetime_set_zone("Asia/Shanghai") == 0);
		datetime_rfc3339(when, out, sizeof out);
		CHECK_STR(out, cases[i].shanghai3339);
		datetime_rfc822(when, out, sizeof out);
		CHECK_STR(out, cases[i].shanghai822);
		CHECK(datetime_set_zone("UTC") == 0);
		datetime_rfc3339(when, out, sizeof out);
		CHECK_STR(out, cases[i].utc3339);
		datetime_rfc822(when, out, sizeof out);
		CHECK_STR(out, cases[i].utc822);
	}
	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
}

/* Negative and half-hour offsets, and summer time. */
static void
check_other_zones(void)
{
	const char	*why;
	int64_t		 when;
	char		 out[64];

	CHECK(datetime_set_zone("America/New_York") == 0);
	CHECK(datetime_parse("2022-01-01 10:00:00 -0500", DATETIME_YAML_PLAIN,
	    &when, &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-01-01T10:00:00-05:00");
	datetime_rfc822(when, out, sizeof out);
	CHECK_STR(out, "Sat, 01 Jan 2022 10:00:00 -0500");
	/* Quoted naive time in summer: local daylight time. */
	CHECK(datetime_parse("2022-07-10 03:00:00", DATETIME_STRING, &when,
	    &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-10T03:00:00-04:00");
	/* Date only: midnight, summer offset. */
	CHECK(datetime_parse("2022-07-09", DATETIME_YAML_PLAIN, &when,
	    &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-09T00:00:00-04:00");
	/* Plain naive: UTC, shown in New York. */
	CHECK(datetime_parse("2022-07-10 03:00:00", DATETIME_YAML_PLAIN,
	    &when, &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-09T23:00:00-04:00");
	datetime_rfc822(when, out, sizeof out);
	CHECK_STR(out, "Sat, 09 Jul 2022 23:00:00 -0400");

	CHECK(datetime_set_zone("Asia/Kolkata") == 0);
	CHECK(datetime_parse("2022-07-10 03:00:00", DATETIME_YAML_PLAIN,
	    &when, &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-10T08:30:00+05:30");
	datetime_rfc822(when, out, sizeof out);
	CHECK_STR(out, "Sun, 10 Jul 2022 08:30:00 +0530");

	/* A negative offset with minutes keeps its sign on both parts. */
	CHECK(datetime_set_zone("America/St_Johns") == 0);
	CHECK(datetime_parse("2022-01-10 03:00:00", DATETIME_YAML_PLAIN,
	    &when, &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-01-09T23:30:00-03:30");
	datetime_rfc822(when, out, sizeof out);
	CHECK_STR(out, "Sun, 09 Jan 2022 23:30:00 -0330");

	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
}

/* Only real IANA zones are installed; paths cannot escape the database. */
static void
check_set_zone(void)
{
	static const char *const bad[] = {
		"Nowhere/Atlantis",
		"asia/shanghai",
		"../etc",
		"../../etc/passwd",
		"Asia/../../../etc/passwd",
		"/etc/localtime",
		"/usr/share/zoneinfo/Asia/Shanghai",
		/* Folders and data files of the database are no zones. */
		"Asia",
		"America",
		"zone.tab",
	};
	const char	*why;
	int64_t		 when;
	char		 out[64];
	size_t		 i;
	int		 rc;

	CHECK(datetime_zone_exists("Asia/Shanghai"));
	CHECK(datetime_zone_exists("UTC"));
	CHECK(datetime_zone_exists(NULL));
	CHECK(datetime_zone_exists(""));

	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rc = datetime_set_zone(bad[i]);
		CHECK(rc == -1);
		CHECK(!datetime_zone_exists(bad[i]));
		if (rc != -1)
			fprintf(stderr, "    zone \"%s\" was accepted\n",
			    bad[i]);
		/* A refused zone leaves the previous one in place. */
		CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	}
	CHECK(datetime_set_zone("Nowhere/Atlantis") == -1);
	CHECK(datetime_parse("2022-07-09", DATETIME_YAML_PLAIN, &when,
	    &why) == 0);
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-09T00:00:00+08:00");

	/* NULL and "" mean UTC. */
	CHECK(datetime_set_zone(NULL) == 0);
	datetime_rfc3339(0, out, sizeof out);
	CHECK_STR(out, "1970-01-01T00:00:00+00:00");
	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	CHECK(datetime_set_zone("") == 0);
	datetime_rfc3339(0, out, sizeof out);
	CHECK_STR(out, "1970-01-01T00:00:00+00:00");
	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
}

/* Local midnight and the broken-down local time agree. */
static void
check_midnight(void)
{
	struct tm	 tm;
	int64_t		 when;
	char		 out[64];

	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	when = datetime_local_midnight(2022, 7, 11);
	CHECK(when == 1657468800);	/* 2022-07-10T16:00:00Z */
	datetime_rfc3339(when, out, sizeof out);
	CHECK_STR(out, "2022-07-11T00:00:00+08:00");
	datetime_local(when, &tm);
	CHECK(tm.tm_year == 122 && tm.tm_mon == 6 && tm.tm_mday == 11);
	CHECK(tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0);
	CHECK(tm.tm_gmtoff == 8 * 3600);
	CHECK(tm.tm_wday == 1);
}

/*
 * In every zone of the tz database, every date a feed can carry prints
 * as RFC 3339 that reads back as the same instant (offsets with seconds,
 * as local mean times have, print in UTC), and as RFC 822 with a
 * four-digit year and a +hhmm zone.
 */
static void
check_every_zone(void)
{
	static const int64_t instants[] = {
		DATETIME_FEED_MIN, -2147483648LL, -1700000000LL, -1, 0,
		1000000000, 1640995200, 2147483648LL, 4102444800LL,
		DATETIME_FEED_MAX,
	};
	FILE		*f = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char		 line[512], zone[128], date[64];
	const char	*why;
	int64_t		 back;
	size_t		 i, zones = 0;
	int		 bad = 0;

	if (f == NULL) {
		fprintf(stderr, "no zone1970.tab: every-zone check skipped\n");
		return;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || sscanf(line, "%*s %*s %127s", zone) != 1)
			continue;
		CHECK(datetime_set_zone(zone) == 0);
		zones++;
		for (i = 0; i < sizeof instants / sizeof instants[0]; i++) {
			datetime_rfc3339(instants[i], date, sizeof date);
			if (datetime_parse(date, DATETIME_STRING, &back,
			    &why) != 0 || back != instants[i]) {
				if (bad++ < 5)
					fprintf(stderr, "%s: %lld prints as %s\n",
					    zone, (long long)instants[i], date);
			}
			datetime_rfc822(instants[i], date, sizeof date);
			if (strlen(date) != 31 || (date[26] != '+' &&
			    date[26] != '-'))
				bad++;
		}
	}
	fclose(f);
	CHECK(zones > 300);
	CHECK(bad == 0);
	datetime_set_zone(NULL);
}

int
main(void)
{
	if (!datetime_zone_exists("Asia/Shanghai") ||
	    !datetime_zone_exists("America/New_York")) {
		fprintf(stderr, "no time zone database: skipped\n");
		return (77);
	}
	CHECK(datetime_set_zone("Asia/Shanghai") == 0);
	check_zone_shanghai();
	check_measured();
	check_formats();
	check_other_zones();
	check_set_zone();
	check_midnight();
	check_every_zone();
	return (test_status());
}
