/*
 * feedname: where each feed file goes.  Category and tag names come from
 * whoever writes posts, so a name like "../x" or "a/b" must never climb
 * out of the output folder or hide a file, two different names must
 * never share a file (one feed would overwrite the other), and a name
 * too long for the file system must still give a file.  Readable names,
 * Chinese ones included, stay as they are: subscribers' URLs contain them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/feedname.h"
#include "../../src/index.h"
#include "../../src/text.h"
#include "../../src/xmalloc.h"
#include "test.h"

static int	is_safe(const char *);
static struct config *load_config(const char *);
static void	check_safe(void);
static void	check_long(void);
static void	check_paths_default(void);
static void	check_paths_configured(void);
static void	check_describe(void);

/* Whether s could be one file name inside the output folder. */
static int
is_safe(const char *s)
{
	const unsigned char *p;

	if (*s == '\0' || *s == '.' || strlen(s) > 255)
		return (0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return (0);
		/* Every '%' starts a complete escape. */
		if (*p == '%') {
			if (strchr("0123456789ABCDEF", p[1]) == NULL ||
			    p[1] == '\0' || p[2] == '\0' ||
			    strchr("0123456789ABCDEF", p[2]) == NULL)
				return (0);
		}
	}
	return (text_utf8_check(s, strlen(s)) == strlen(s));
}

/* A config from a temporary site holding _config.yml text (or none). */
static struct config *
load_config(const char *yml)
{
	struct config_overrides ov;
	struct config	*cfg;
	char		 dir[] = "/tmp/feedd-feedname-test.XXXXXX";
	char		*file, *errors = NULL, *warnings = NULL;
	FILE		*f;

	if (mkdtemp(dir) == NULL)
		return (NULL);
	xasprintf(&file, "%s/_config.yml", dir);
	if (yml != NULL && (f = fopen(file, "w")) != NULL) {
		fputs(yml, f);
		fclose(f);
	}
	memset(&ov, 0, sizeof ov);
	ov.site_dir = dir;
	cfg = config_load(&ov, &errors, &warnings);
	if (cfg == NULL)
		fprintf(stderr, "config_load: %s\n", errors);
	free(errors);
	free(warnings);
	unlink(file);
	free(file);
	rmdir(dir);
	return (cfg);
}

/* Short names: what is encoded and what is kept. */
static void
check_safe(void)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "news", "news" },
		{ "TechWeb", "TechWeb" },
		{ "财经", "财经" },
		{ "财经要闻", "财经要闻" },
		{ "foo bar", "foo bar" },
		{ "a.b", "a.b" },
		{ "c++", "c++" },
		{ "a:b*c?d\"e<f>g|h", "a:b*c?d\"e<f>g|h" },
		/* Separators could climb out or make folders. */
		{ "a/b", "a%2Fb" },
		{ "../x", "%2E.%2Fx" },
		{ "/etc/passwd", "%2Fetc%2Fpasswd" },
		{ "a\\b", "a%5Cb" },
		/* "." and ".." are folders; a leading "." hides a file. */
		{ ".", "%2E" },
		{ "..", "%2E." },
		{ ".hidden", "%2Ehidden" },
		{ "...", "%2E.." },
		/* '%' itself, so that encoded names stay distinct. */
		{ "%", "%25" },
		{ "50%", "50%25" },
		{ "%2F", "%252F" },
		/* Control characters. */
		{ "a\tb", "a%09b" },
		{ "a\nb\r", "a%0Ab%0D" },
		{ "\x01\x1f\x7f", "%01%1F%7F" },
	};
	static const char *const distinct[] = {
		"a/b", "a%2Fb", "a%252Fb", "a\\b", "a%5Cb", ".x", "%2Ex",
		"..", "%2E.", ".", "%2E", "%", "%25", "a\tb", "a%09b",
	};
	char	*s, *names[sizeof distinct / sizeof distinct[0]];
	size_t	 i, j, n = sizeof distinct / sizeof distinct[0];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = feedname_safe(cases[i].in);
		CHECK_STR(s, cases[i].want);
		CHECK(is_safe(s));
		free(s);
	}

	/* Distinct names give distinct files. */
	for (i = 0; i < n; i++)
		names[i] = feedname_safe(distinct[i]);
	for (i = 0; i < n; i++) {
		CHECK(is_safe(names[i]));
		for (j = i + 1; j < n; j++) {
			CHECK(strcmp(names[i], names[j]) != 0);
			if (strcmp(names[i], names[j]) == 0)
				fprintf(stderr, "    \"%s\" and \"%s\" both "
				    "give \"%s\"\n", distinct[i], distinct[j],
				    names[i]);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
}

/* Names too long for a file system. */
static void
check_long(void)
{
	char	 a[301], b[301], zh[302], slashes[302];
	char	*sa, *sb, *s, *again;
	size_t	 i;

	memset(a, 'x', 300);
	a[300] = '\0';
	memcpy(b, a, sizeof b);
	b[299] = 'y';
	sa = feedname_safe(a);
	sb = feedname_safe(b);
	CHECK(strlen(sa) <= 255);
	CHECK(strlen(sb) <= 255);
	CHECK(is_safe(sa));
	CHECK(is_safe(sb));
	/* Differing only at the end, still two files. */
	CHECK(strcmp(sa, sb) != 0);
	/* Room is left for ".xml" and fileio's temporary file name. */
	CHECK(strlen(".feedd-tmp-") + strlen(sa) + strlen(".xml.XXXXXX") <=
	    255);
	/* The same name always gives the same file. */
	s = feedname_safe(a);
	CHECK_STR(s, sa);
	free(s);
	/*
	 * No short name may give a shortened name's file: a category
	 * literally named like sa would otherwise share sa's feed.
	 */
	again = feedname_safe(sa);
	CHECK(strcmp(again, sa) != 0);
	if (strcmp(again, sa) == 0)
		fprintf(stderr, "    the %zu-byte name \"%.20s...\" is kept "
		    "as is and equals the shortened 300-byte name\n",
		    strlen(sa), sa);
	free(again);
	free(sa);
	free(sb);

	/* 100 Chinese characters (300 bytes): cut on a character. */
	zh[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(zh, "财");
	s = feedname_safe(zh);
	CHECK(strlen(s) <= 255);
	CHECK(is_safe(s));
	CHECK(strncmp(s, "财财财", 9) == 0);
	free(s);
	/* Offsets 1 and 2 put the cut inside a character. */
	for (i = 1; i <= 2; i++) {
		memset(zh, 'a', i);
		zh[i] = '\0';
		while (strlen(zh) + 3 <= 300)
			strcat(zh, "财");
		s = feedname_safe(zh);
		CHECK(strlen(s) <= 255);
		CHECK(is_safe(s));
		free(s);
	}

	/* Encoded bytes: the cut never splits a %XX. */
	for (i = 0; i < 3; i++) {
		memset(slashes, 'a', i);
		memset(slashes + i, '/', 100);
		slashes[i + 100] = '\0';
		s = feedname_safe(slashes);
		CHECK(strlen(s) <= 255);
		CHECK(is_safe(s));
		free(s);
	}

	/* A name of exactly 255 bytes after encoding still fits. */
	memset(a, 'z', 255);
	a[255] = '\0';
	s = feedname_safe(a);
	CHECK(strlen(s) <= 255);
	CHECK(is_safe(s));
	free(s);
}

/* Output paths with the default patterns. */
static void
check_paths_default(void)
{
	static const struct {
		enum feed_kind	 kind;
		const char	*name, *atom, *rss;
	} cases[] = {
		{ FEED_SITE, NULL, "feed.xml", "feed.rss" },
		{ FEED_CATEGORY, "news", "feed/news.xml", "feed/news.rss" },
		{ FEED_CATEGORY, "TechWeb", "feed/TechWeb.xml",
		  "feed/TechWeb.rss" },
		{ FEED_CATEGORY, "财经要闻", "feed/财经要闻.xml",
		  "feed/财经要闻.rss" },
		{ FEED_CATEGORY, "foo bar", "feed/foo bar.xml",
		  "feed/foo bar.rss" },
		{ FEED_CATEGORY, "../x", "feed/%2E.%2Fx.xml",
		  "feed/%2E.%2Fx.rss" },
		{ FEED_TAG, "t1", "feed/by_tag/t1.xml", "feed/by_tag/t1.rss" },
		{ FEED_TAG, "中文", "feed/by_tag/中文.xml",
		  "feed/by_tag/中文.rss" },
		{ FEED_TAG, ".x", "feed/by_tag/%2Ex.xml",
		  "feed/by_tag/%2Ex.rss" },
	};
	struct config	*cfg;
	struct feed	 f;
	char		*p;
	size_t		 i;

	if ((cfg = load_config(NULL)) == NULL) {
		CHECK(cfg != NULL);
		return;
	}
	CHECK_STR(cfg->feed_path, "feed.xml");
	CHECK_STR(cfg->category_path, "feed/{name}.xml");
	CHECK_STR(cfg->tag_path, "feed/by_tag/{name}.xml");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&f, 0, sizeof f);
		f.kind = cases[i].kind;
		f.name = (char *)cases[i].name;
		p = feedname_path(cfg, &f, FORMAT_ATOM);
		CHECK_STR(p, cases[i].atom);
		free(p);
		p = feedname_path(cfg, &f, FORMAT_RSS);
		CHECK_STR(p, cases[i].rss);
		free(p);
	}
	config_free(cfg);
}

/* Output paths with jekyll-feed's and feedd's path settings. */
static void
check_paths_configured(void)
{
	struct config	*cfg;
	struct feed	 f;
	char		*p;

	cfg = load_config("feed:\n"
	    "  path: /atom.xml\n"
	    "  tags:\n"
	    "    path: \"tags/\"\n"
	    "feedd:\n"
	    "  category_path: /cats/{name}/index.xml\n");
	if (cfg == NULL) {
		CHECK(cfg != NULL);
		return;
	}
	memset(&f, 0, sizeof f);
	f.kind = FEED_SITE;
	p = feedname_path(cfg, &f, FORMAT_ATOM);
	CHECK_STR(p, "atom.xml");
	free(p);
	p = feedname_path(cfg, &f, FORMAT_RSS);
	CHECK_STR(p, "atom.rss");
	free(p);
	f.kind = FEED_CATEGORY;
	f.name = "财经";
	p = feedname_path(cfg, &f, FORMAT_ATOM);
	CHECK_STR(p, "cats/财经/index.xml");
	free(p);
	p = feedname_path(cfg, &f, FORMAT_RSS);
	CHECK_STR(p, "cats/财经/index.rss");
	free(p);
	f.kind = FEED_TAG;
	f.name = "a/b";
	p = feedname_path(cfg, &f, FORMAT_ATOM);
	CHECK_STR(p, "tags/a%2Fb.xml");
	free(p);
	config_free(cfg);

	/* A pattern without ".xml" gets ".rss" appended for RSS. */
	cfg = load_config("feedd:\n  tag_path: \"t/{name}\"\n");
	if (cfg == NULL) {
		CHECK(cfg != NULL);
		return;
	}
	f.kind = FEED_TAG;
	f.name = "x";
	p = feedname_path(cfg, &f, FORMAT_ATOM);
	CHECK_STR(p, "t/x");
	free(p);
	p = feedname_path(cfg, &f, FORMAT_RSS);
	CHECK_STR(p, "t/x.rss");
	free(p);
	config_free(cfg);
}

/* Names of feeds in messages. */
static void
check_describe(void)
{
	struct feed	 f;
	char		*s;

	memset(&f, 0, sizeof f);
	f.kind = FEED_SITE;
	s = feedname_describe(&f);
	CHECK_STR(s, "site feed");
	free(s);
	f.kind = FEED_CATEGORY;
	f.name = "财经";
	s = feedname_describe(&f);
	CHECK_STR(s, "category \"财经\"");
	free(s);
	f.kind = FEED_TAG;
	f.name = "t1";
	s = feedname_describe(&f);
	CHECK_STR(s, "tag \"t1\"");
	free(s);
}

int
main(void)
{
	check_safe();
	check_long();
	check_paths_default();
	check_paths_configured();
	check_describe();
	return (test_status());
}
