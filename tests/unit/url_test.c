/*
 * url and permalink: post URLs, entry ids and link resolution.  An entry
 * id that differs from jekyll-feed's by one byte makes every subscriber
 * see the post again, and a link that differs from Jekyll's points at a
 * page that does not exist, so the permalink cases are the exact results
 * measured with Jekyll 4.3.1 (tests/sys/JEKYLL-NOTES.md, JEKYLL.md) and
 * the examples of Jekyll's permalink documentation.  url_resolve follows
 * RFC 3986 section 5.4, whose examples are all here: feed readers get
 * only absolute links, so every relative link in a post goes through it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/buf.h"
#include "../../src/config.h"
#include "../../src/datetime.h"
#include "../../src/permalink.h"
#include "../../src/url.h"
#include "../../src/xmalloc.h"
#include "test.h"

/* A template and the URL and id Jekyll gives a post with it. */
struct link_case {
	const char	*template;
	const char	*url;
	const char	*id;
};

/* A reference and what it resolves to. */
struct resolve_case {
	const char	*ref;
	const char	*want;
};

static char	*escape_path(const char *);
static char	*normalize(const char *);
static void	check_links(const struct permalink_vars *,
		    const struct link_case *, size_t);
static char	*style_template(const char *);
static void	check_styles(void);
static void	check_measured_table(void);
static void	check_jekyll_docs(void);
static void	check_placeholders(void);
static void	check_odd_slugs(void);
static void	check_ids(void);
static void	check_absolute(void);
static void	check_slugify(void);
static void	check_unicode_case(void);
static void	check_escape(void);
static void	check_resolve(void);
static void	check_has_scheme(void);
static void	check_absolute_iri(void);

/* url_escape_path into a new string. */
static char *
escape_path(const char *s)
{
	struct buf	 b = BUF_INIT;

	url_escape_path(&b, s);
	return (buf_take(&b));
}

/* url_normalize into a new string. */
static char *
normalize(const char *s)
{
	struct buf	 b = BUF_INIT;

	url_normalize(&b, s);
	return (buf_take(&b));
}

/*
 * Expand each template for the post and compare the URL and the id
 * (permalink_id made absolute on https://ex.com, as jekyll-feed does).
 */
static void
check_links(const struct permalink_vars *v, const struct link_case *cases,
    size_t n)
{
	char	*url, *id, *abs, *unknown, *want;
	size_t	 i;

	for (i = 0; i < n; i++) {
		url = permalink_url(cases[i].template, v, &unknown);
		CHECK_STR(url, cases[i].url);
		CHECK(unknown == NULL);
		free(unknown);
		id = permalink_id(url, v->slug);
		abs = permalink_absolute("https://ex.com", "", id);
		xasprintf(&want, "https://ex.com%s", cases[i].id);
		CHECK_STR(abs, want);
		if (strcmp(url, cases[i].url) != 0 || strcmp(abs, want) != 0)
			fprintf(stderr, "    template \"%s\", slug \"%s\"\n",
			    cases[i].template, v->slug);
		free(want);
		free(abs);
		free(id);
		free(url);
	}
}

/* The template config_load makes of a permalink style name. */
static char *
style_template(const char *style)
{
	struct config_overrides ov;
	struct config	*cfg;
	char		 dir[] = "/tmp/feedd-url-test.XXXXXX";
	char		*file, *errors = NULL, *warnings = NULL, *template;
	FILE		*f;

	if (mkdtemp(dir) == NULL)
		return (NULL);
	xasprintf(&file, "%s/_config.yml", dir);
	if ((f = fopen(file, "w")) == NULL) {
		free(file);
		rmdir(dir);
		return (NULL);
	}
	fprintf(f, "url: https://ex.com\npermalink: %s\n", style);
	fclose(f);
	memset(&ov, 0, sizeof ov);
	ov.site_dir = dir;
	cfg = config_load(&ov, &errors, &warnings);
	template = cfg != NULL ? xstrdup(cfg->permalink) : NULL;
	if (cfg == NULL)
		fprintf(stderr, "    config_load: %s\n", errors);
	config_free(cfg);
	free(errors);
	free(warnings);
	unlink(file);
	free(file);
	rmdir(dir);
	return (template);
}

/* Jekyll's built-in styles expand to the documented templates. */
static void
check_styles(void)
{
	static const struct {
		const char	*style, *template;
	} styles[] = {
		{ "date", "/:categories/:year/:month/:day/:title:output_ext" },
		{ "pretty", "/:categories/:year/:month/:day/:title/" },
		{ "ordinal", "/:categories/:year/:y_day/:title:output_ext" },
		{ "weekdate",
		  "/:categories/:year/W:week/:short_day/:title:output_ext" },
		{ "none", "/:categories/:title:output_ext" },
		/* Anything else is a template of its own. */
		{ "/:year/:title/", "/:year/:title/" },
	};
	char	*t;
	size_t	 i;

	for (i = 0; i < sizeof styles / sizeof styles[0]; i++) {
		t = style_template(styles[i].style);
		CHECK_STR(t, styles[i].template);
		free(t);
	}
}

/* The table of tests/sys/JEKYLL-NOTES.md, "URLs and ids". */
static void
check_measured_table(void)
{
	static char *hello_cats[] = { "TechWeb", "财经", NULL };
	static char *slug_cats[] = { "TechWeb", NULL };
#define C "/techweb/%E8%B4%A2%E7%BB%8F"
	static const struct link_case hello[] = {
		{ "/:categories/:year/:month/:day/:title:output_ext",
		  C "/2022/07/06/Hello-World!.html",
		  C "/2022/07/06/Hello%20World!" },
		{ "/:categories/:year/:month/:day/:title/",
		  C "/2022/07/06/Hello-World!/",
		  C "/2022/07/06/Hello%20World!" },
		{ "/:categories/:year/:y_day/:title:output_ext",
		  C "/2022/187/Hello-World!.html",
		  C "/2022/187/Hello%20World!" },
		{ "/:categories/:title:output_ext",
		  C "/Hello-World!.html",
		  C "/Hello%20World!" },
		{ "/:categories/:year/W:week/:short_day/:title:output_ext",
		  C "/2022/W27/Wed/Hello-World!.html",
		  C "/2022/W27/Wed/Hello%20World!" },
		{ "/:year/:title:output_ext",
		  "/2022/Hello-World!.html",
		  "/2022/Hello%20World!" },
		{ "/blog/:categories/:slug/",
		  "/blog" C "/hello-world/",
		  "/blog" C "/Hello%20World!" },
	};
#undef C
	static const struct link_case slugged[] = {
		{ "/:categories/:year/:month/:day/:title:output_ext",
		  "/techweb/2022/07/07/My-Custom.Slug.html",
		  "/techweb/2022/07/07/My%20Custom.Slug" },
		{ "/:categories/:year/:month/:day/:title/",
		  "/techweb/2022/07/07/My-Custom.Slug/",
		  "/techweb/2022/07/07/My%20Custom.Slug" },
		{ "/:categories/:year/:y_day/:title:output_ext",
		  "/techweb/2022/188/My-Custom.Slug.html",
		  "/techweb/2022/188/My%20Custom.Slug" },
		{ "/:categories/:title:output_ext",
		  "/techweb/My-Custom.Slug.html",
		  "/techweb/My%20Custom.Slug" },
		{ "/:categories/:year/W:week/:short_day/:title:output_ext",
		  "/techweb/2022/W27/Thu/My-Custom.Slug.html",
		  "/techweb/2022/W27/Thu/My%20Custom.Slug" },
		{ "/:year/:title:output_ext",
		  "/2022/My-Custom.Slug.html",
		  "/2022/My%20Custom.Slug" },
		{ "/blog/:categories/:slug/",
		  "/blog/techweb/my-custom-slug/",
		  "/blog/techweb/My%20Custom.Slug" },
	};
	struct permalink_vars v;

	memset(&v, 0, sizeof v);
	v.date = datetime_local_midnight(2022, 7, 6);
	v.slug = "Hello World!";
	v.name = "2022-07-06-Hello World!";
	v.path = "_posts/2022-07-06-Hello World!.md";
	v.output_ext = ".html";
	v.categories = hello_cats;
	check_links(&v, hello, sizeof hello / sizeof hello[0]);

	v.date = datetime_local_midnight(2022, 7, 7);
	v.slug = "My Custom.Slug";
	v.name = "2022-07-07-Some Post";
	v.path = "_posts/2022-07-07-Some Post.md";
	v.categories = slug_cats;
	check_links(&v, slugged, sizeof slugged / sizeof slugged[0]);
}

/* The examples of jekyllrb.com/docs/permalinks for 2009-04-29-slap-chop. */
static void
check_jekyll_docs(void)
{
	static char *none[] = { NULL };
	static char *blog[] = { "blog", NULL };
	static const struct link_case plain[] = {
		{ "/:categories/:year/:month/:day/:title:output_ext",
		  "/2009/04/29/slap-chop.html", "/2009/04/29/slap-chop" },
		{ "/:categories/:year/:month/:day/:title/",
		  "/2009/04/29/slap-chop/", "/2009/04/29/slap-chop" },
		{ "/:categories/:year/:y_day/:title:output_ext",
		  "/2009/119/slap-chop.html", "/2009/119/slap-chop" },
		{ "/:categories/:title:output_ext",
		  "/slap-chop.html", "/slap-chop" },
		{ "/:month-:day-:year/:title:output_ext",
		  "/04-29-2009/slap-chop.html", "/04-29-2009/slap-chop" },
		{ "/blog/:year/:month/:day/:title/",
		  "/blog/2009/04/29/slap-chop/", "/blog/2009/04/29/slap-chop" },
		/* "Extensionless permalinks". */
		{ "/:year/:month/:title",
		  "/2009/04/slap-chop", "/2009/04/slap-chop" },
		/* ":title_" is :title followed by "_". */
		{ "/:title_:year/",
		  "/slap-chop_2009/", "/slap-chop" },
		{ "/:year_:month_:day/:title/",
		  "/2009_04_29/slap-chop/", "/2009_04_29/slap-chop" },
		/* Front matter permalinks are taken as written. */
		{ "/special/custom-path/",
		  "/special/custom-path/", "/special/slap-chop" },
		{ "/special/page.html",
		  "/special/page.html", "/special/slap-chop" },
		{ "/", "/", "/slap-chop" },
	};
	static const struct link_case categorised[] = {
		{ "/:categories/:year/:month/:day/:title:output_ext",
		  "/blog/2009/04/29/slap-chop.html",
		  "/blog/2009/04/29/slap-chop" },
		{ "/:categories/:title:output_ext",
		  "/blog/slap-chop.html", "/blog/slap-chop" },
		{ "/:categories/:year/W:week/:short_day/:title:output_ext",
		  "/blog/2009/W18/Wed/slap-chop.html",
		  "/blog/2009/W18/Wed/slap-chop" },
	};
	struct permalink_vars v;

	memset(&v, 0, sizeof v);
	v.date = datetime_local_midnight(2009, 4, 29);
	v.slug = "slap-chop";
	v.name = "2009-04-29-slap-chop";
	v.path = "_posts/2009-04-29-slap-chop.md";
	v.output_ext = ".html";
	v.categories = none;
	check_links(&v, plain, sizeof plain / sizeof plain[0]);
	v.categories = blog;
	check_links(&v, categorised,
	    sizeof categorised / sizeof categorised[0]);
	/* No categories array at all. */
	v.categories = NULL;
	check_links(&v, plain, 1);
}

/* Every placeholder Jekyll 4 documents, in local time. */
static void
check_placeholders(void)
{
	static char *cats[] = { "News", "Work 2 Progress", "news", NULL };
	static const struct {
		const char	*template;
		const char	*want;
	} cases[] = {
		{ "/:year/:short_year/:month/:i_month/", "/2009/09/04/4/" },
		{ "/:short_month/:long_month/", "/Apr/April/" },
		{ "/:day/:i_day/:y_day/", "/29/29/119/" },
		{ "/:hour/:minute/:second/", "/13/05/09/" },
		{ "/:w_year/:week/:w_day/", "/2009/18/3/" },
		{ "/:short_day/:long_day/", "/Wed/Wednesday/" },
		{ "/:title/:slug/:name/",
		  "/Slap-Chop!/slap-chop/2009-04-29-slap-chop/" },
		{ "/:collection/:output_ext", "/posts/.html" },
		/* Lower-cased, duplicates after lower-casing dropped. */
		{ "/:categories/", "/news/work%202%20progress/" },
		/* Each category slugified, still a hierarchy. */
		{ "/:slugified_categories/", "/news/work-2-progress/" },
		/* Not placeholders: upper case, digits, a lone colon. */
		{ "/:Title/a:1/b:/", "/:Title/a:1/b:/" },
	};
	struct permalink_vars v;
	char	*url, *unknown;
	size_t	 i;

	memset(&v, 0, sizeof v);
	v.date = datetime_local_midnight(2009, 4, 29) + 13 * 3600 + 5 * 60 +
	    9;
	v.slug = "Slap Chop!";
	v.name = "2009-04-29-slap-chop";
	v.path = "_posts/2009-04-29-slap-chop.md";
	v.output_ext = ".html";
	v.categories = cats;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		url = permalink_url(cases[i].template, &v, &unknown);
		CHECK_STR(url, cases[i].want);
		CHECK(unknown == NULL);
		free(unknown);
		free(url);
	}

	/* ISO week with the calendar year, as weekdate does. */
	v.date = datetime_local_midnight(2022, 1, 1);
	url = permalink_url("/:year/W:week/:short_day/:w_year/", &v, NULL);
	CHECK_STR(url, "/2022/W52/Sat/2021/");
	free(url);

	/* Unknown placeholders stay as written and are reported. */
	url = permalink_url("/:foo/:title/:bar/", &v, &unknown);
	CHECK_STR(url, "/:foo/Slap-Chop!/:bar/");
	CHECK_STR(unknown, "foo");
	free(unknown);
	free(url);
	url = permalink_url("/:slug_x/", &v, &unknown);
	CHECK_STR(unknown, "slug_x");
	free(unknown);
	free(url);
}

/*
 * Slugs that are odd in URLs (JEKYLL-NOTES.md "Odd slugs"): escaping,
 * ".." and what ids keep raw.
 */
static void
check_odd_slugs(void)
{
	static char *none[] = { NULL };
	static const struct {
		const char	*slug, *url, *id;
	} cases[] = {
		{ "a&b+c'd(e)~f,g;h=i@j$k",
		  "/2022/07/07/a&b+c'd(e)~f,g;h=i@j$k.html",
		  "/2022/07/07/a&b+c'd(e)~f,g;h=i@j$k" },
		{ "50%off", "/2022/07/07/50-off.html", "/2022/07/07/50%25off" },
		{ "50%20off", "/2022/07/07/50-20off.html",
		  "/2022/07/07/50%20off" },
		{ "a#b", "/2022/07/07/a-b.html", "/2022/07/07/a#b" },
		{ "a?b", "/2022/07/07/a-b.html", "/2022/07/07/a?b" },
		{ "x..y", "/2022/07/07/x/y.html", "/2022/07/07/x/x..y" },
		{ "a\tb", "/2022/07/07/a-b.html", "/2022/07/07/a%09b" },
		{ "Ünï côde", "/2022/07/07/%C3%9Cn%C3%AF-c%C3%B4de.html",
		  "/2022/07/07/%C3%9Cn%C3%AF%20c%C3%B4de" },
		{ "202112082206965422",
		  "/2022/07/07/202112082206965422.html",
		  "/2022/07/07/202112082206965422" },
	};
	struct permalink_vars v;
	char	*url, *id, *abs, *want;
	size_t	 i;

	memset(&v, 0, sizeof v);
	v.date = datetime_local_midnight(2022, 7, 7);
	v.name = "2022-07-07-odd";
	v.path = "_posts/2022-07-07-odd.md";
	v.output_ext = ".html";
	v.categories = none;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v.slug = cases[i].slug;
		url = permalink_url(
		    "/:categories/:year/:month/:day/:title:output_ext", &v,
		    NULL);
		CHECK_STR(url, cases[i].url);
		id = permalink_id(url, v.slug);
		abs = permalink_absolute("https://ex.com", "/blog", id);
		xasprintf(&want, "https://ex.com/blog%s", cases[i].id);
		CHECK_STR(abs, want);
		free(want);
		free(abs);
		free(id);
		free(url);
	}
}

/* Ids and URLs of the posts JEKYLL.md describes. */
static void
check_ids(void)
{
	static char *emnews[] = { "emnews", NULL };
	static char *none[] = { NULL };
	static const char *tmpl =
	    "/:categories/:year/:month/:day/:title:output_ext";
	struct permalink_vars v;
	const char	*why;
	char		*url, *id;

	memset(&v, 0, sizeof v);
	v.output_ext = ".html";

	/* A naive plain date is UTC: 13:16:19 UTC is the same local day. */
	CHECK(datetime_parse("2021-12-08 13:16:19", DATETIME_YAML_PLAIN,
	    &v.date, &why) == 0);
	v.slug = "202112082206965422";
	v.name = "2021-12-08-202112082206965422";
	v.path = "emnews/_posts/2021-12-08-202112082206965422.md";
	v.categories = emnews;
	url = permalink_url(tmpl, &v, NULL);
	CHECK_STR(url, "/emnews/2021/12/08/202112082206965422.html");
	id = permalink_id(url, v.slug);
	CHECK_STR(id, "/emnews/2021/12/08/202112082206965422");
	free(id);
	free(url);

	/* ...but 19:38:51 UTC is the next day in Asia/Shanghai. */
	CHECK(datetime_parse("2021-12-08 19:38:51", DATETIME_YAML_PLAIN,
	    &v.date, &why) == 0);
	url = permalink_url(tmpl, &v, NULL);
	CHECK_STR(url, "/emnews/2021/12/09/202112082206965422.html");
	free(url);

	/* A custom permalink: the id is its folder and the slug. */
	v.date = datetime_local_midnight(2022, 7, 6);
	v.slug = "permalink";
	v.name = "2022-07-06-permalink";
	v.path = "_posts/2022-07-06-permalink.md";
	v.categories = none;
	url = permalink_url("/special/custom-path/", &v, NULL);
	CHECK_STR(url, "/special/custom-path/");
	id = permalink_id(url, v.slug);
	CHECK_STR(id, "/special/permalink");
	free(id);
	free(url);

	/* permalink_id on its own. */
	id = permalink_id("/a/b/c.html", "s");
	CHECK_STR(id, "/a/b/s");
	free(id);
	id = permalink_id("/a/b/c/", "s");
	CHECK_STR(id, "/a/b/s");
	free(id);
	id = permalink_id("/c.html", "s");
	CHECK_STR(id, "/s");
	free(id);
	id = permalink_id("/", "s");
	CHECK_STR(id, "/s");
	free(id);
	id = permalink_id("/a//b.html", "s");
	CHECK_STR(id, "/a/s");
	free(id);
}

/* absolute_url: url + baseurl + path, normalised. */
static void
check_absolute(void)
{
	static const struct {
		const char	*site, *base, *path, *want;
	} cases[] = {
		{ "https://ex.com", "", "/feed.xml",
		  "https://ex.com/feed.xml" },
		{ "https://ex.com", "/blog", "/feed.xml",
		  "https://ex.com/blog/feed.xml" },
		{ "https://ex.com", "/blog", "img/a.png",
		  "https://ex.com/blog/img/a.png" },
		/* No url: ids and links stay site-relative. */
		{ "", "", "/2022/07/01/a", "/2022/07/01/a" },
		{ "", "/blog", "/feed.xml", "/blog/feed.xml" },
		/* jekyll-feed keeps a trailing "/" of url in ids. */
		{ "https://ex.com/", "/blog", "/2022/07/07/x",
		  "https://ex.com//blog/2022/07/07/x" },
		/* Already absolute: kept (normalised). */
		{ "https://ex.com", "/blog", "https://cdn.example/a.png",
		  "https://cdn.example/a.png" },
		/* Non-ASCII and spaces are encoded, escapes kept. */
		{ "https://ex.com", "", "/财经/a b/50%off/50%20off/%e8%b4%a2",
		  "https://ex.com/%E8%B4%A2%E7%BB%8F/a%20b/50%25off/50%20off/"
		  "%E8%B4%A2" },
		/* Addressable's normalize lower-cases the host. */
		{ "https://Ex.com", "/blog", "/2022/07/07/x.html",
		  "https://ex.com/blog/2022/07/07/x.html" },
		{ "HTTPS://EX.COM", "", "/A.html", "https://ex.com/A.html" },
	};
	char	*abs;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		abs = permalink_absolute(cases[i].site, cases[i].base,
		    cases[i].path);
		CHECK_STR(abs, cases[i].want);
		free(abs);
	}
}

/* Utils.slugify in its two modes. */
static void
check_slugify(void)
{
	static const struct {
		const char		*in;
		enum url_slug_mode	 mode;
		int			 cased;
		const char		*want;
	} cases[] = {
		{ "Hello World!", SLUG_PRETTY, 1, "Hello-World!" },
		{ "Hello World!", SLUG_DEFAULT, 0, "hello-world" },
		{ "Hello World!", SLUG_DEFAULT, 1, "Hello-World" },
		{ "My Custom.Slug", SLUG_PRETTY, 1, "My-Custom.Slug" },
		{ "My Custom.Slug", SLUG_DEFAULT, 0, "my-custom-slug" },
		{ "a&b+c'd(e)~f,g;h=i@j$k", SLUG_PRETTY, 1,
		  "a&b+c'd(e)~f,g;h=i@j$k" },
		{ "a&b+c'd(e)~f,g;h=i@j$k", SLUG_DEFAULT, 0,
		  "a-b-c-d-e-f-g-h-i-j-k" },
		{ "  --The  Title--  ", SLUG_PRETTY, 1, "The-Title" },
		{ "  --The  Title--  ", SLUG_DEFAULT, 0, "the-title" },
		{ "a/b\\c:d*e\"f<g>h|i", SLUG_PRETTY, 1, "a-b-c-d-e-f-g-h-i" },
		{ "x_y", SLUG_DEFAULT, 0, "x-y" },
		{ "x_y", SLUG_PRETTY, 1, "x_y" },
		{ "财经 新闻", SLUG_DEFAULT, 0, "财经-新闻" },
		{ "财经 新闻", SLUG_PRETTY, 1, "财经-新闻" },
		{ "Ünï côde", SLUG_PRETTY, 1, "Ünï-côde" },
		{ "2022", SLUG_DEFAULT, 0, "2022" },
		{ "", SLUG_DEFAULT, 0, "" },
		{ "!!!", SLUG_DEFAULT, 0, "" },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = url_slugify(cases[i].in, cases[i].mode, cases[i].cased);
		CHECK_STR(s, cases[i].want);
		free(s);
	}
}

/*
 * Non-ASCII that Ruby treats by its Unicode properties: slugify keeps
 * only \p{L}\p{M}\p{Nd} (and the pretty set), so full-width punctuation
 * becomes "-"; String#downcase lower-cases "Ü" in :slug and :categories.
 */
static void
check_unicode_case(void)
{
	static char *cats[] = { "Économie", NULL };
	struct permalink_vars v;
	char	*s;

	s = url_slugify("你好，世界！", SLUG_PRETTY, 1);
	CHECK_STR(s, "你好-世界");
	free(s);
	s = url_slugify("财经—要闻", SLUG_DEFAULT, 0);
	CHECK_STR(s, "财经-要闻");
	free(s);
	s = url_slugify("Ünï côde", SLUG_DEFAULT, 0);
	CHECK_STR(s, "ünï-côde");
	free(s);

	memset(&v, 0, sizeof v);
	v.date = datetime_local_midnight(2022, 7, 7);
	v.slug = "x";
	v.name = "2022-07-07-x";
	v.path = "_posts/2022-07-07-x.md";
	v.output_ext = ".html";
	v.categories = cats;
	s = permalink_url("/:categories/:title:output_ext", &v, NULL);
	CHECK_STR(s, "/%C3%A9conomie/x.html");
	free(s);
}

/* Path escaping and normalisation. */
static void
check_escape(void)
{
	static const struct {
		const char	*in, *escaped, *normalized;
	} cases[] = {
		{ "/2022/07/06/a.html", "/2022/07/06/a.html",
		  "/2022/07/06/a.html" },
		{ "a b", "a%20b", "a%20b" },
		{ "财经", "%E8%B4%A2%E7%BB%8F", "%E8%B4%A2%E7%BB%8F" },
		/* '%' is data to escape_path, an escape to normalize. */
		{ "50%", "50%25", "50%25" },
		{ "50%off", "50%25off", "50%25off" },
		{ "50%20off", "50%2520off", "50%20off" },
		{ "%e8%b4%a2", "%25e8%25b4%25a2", "%E8%B4%A2" },
		/* Escapes of unreserved characters are decoded. */
		{ "%41%7e%2D", "%2541%257e%252D", "A~-" },
		{ "%2f%3a", "%252f%253a", "%2F%3A" },
		/* Sub-delims, ':' and '@' are allowed in a path. */
		{ "a&b+c'd(e)~f,g;h=i@j$k:l*m!",
		  "a&b+c'd(e)~f,g;h=i@j$k:l*m!",
		  "a&b+c'd(e)~f,g;h=i@j$k:l*m!" },
		/* '?' and '#' end a path, so only a whole URL keeps them. */
		{ "a?b#c", "a%3Fb%23c", "a?b#c" },
		/* ...and these are never allowed. */
		{ "\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D",
		  "%22%3C%3E%5C%5E%60%7B%7C%7D" },
		{ "a\tb\x7f", "a%09b%7F", "a%09b%7F" },
		{ "Ünï", "%C3%9Cn%C3%AF", "%C3%9Cn%C3%AF" },
		{ "", "", "" },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = escape_path(cases[i].in);
		CHECK_STR(s, cases[i].escaped);
		free(s);
		s = normalize(cases[i].in);
		CHECK_STR(s, cases[i].normalized);
		free(s);
	}
	s = escape_path("[d]");
	CHECK_STR(s, "%5Bd%5D");
	free(s);
	/* Normalising is idempotent. */
	s = normalize("https://ex.com/财经/a b/50%off");
	CHECK_STR(s, "https://ex.com/%E8%B4%A2%E7%BB%8F/a%20b/50%25off");
	{
		char	*again = normalize(s);

		CHECK_STR(again, s);
		free(again);
	}
	free(s);
}

/* RFC 3986, 5.4: every example against http://a/b/c/d;p?q. */
static void
check_resolve(void)
{
	static const struct resolve_case normal[] = {
		{ "g:h", "g:h" },
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		{ "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../", "http://a/" },
		{ "../../g", "http://a/g" },
	};
	static const struct resolve_case abnormal[] = {
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
		/* Strict parsers: a scheme makes a reference absolute. */
		{ "http:g", "http:g" },
	};
	/* Against a post URL, as htmlurl uses it. */
	static const struct resolve_case post[] = {
		{ "img/a.png", "https://ex.com/2022/07/06/img/a.png" },
		{ "../b.html", "https://ex.com/2022/07/b.html" },
		{ "/about/", "https://ex.com/about/" },
		{ "//cdn.ex.com/x.js", "https://cdn.ex.com/x.js" },
		{ "#top", "https://ex.com/2022/07/06/a.html#top" },
		{ "?p=2", "https://ex.com/2022/07/06/a.html?p=2" },
		{ "mailto:a@b.c", "mailto:a@b.c" },
		{ "data:image/png;base64,AAAA", "data:image/png;base64,AAAA" },
	};
	static const char *base = "http://a/b/c/d;p?q";
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof normal / sizeof normal[0]; i++) {
		s = url_resolve(base, normal[i].ref);
		CHECK_STR(s, normal[i].want);
		if (strcmp(s, normal[i].want) != 0)
			fprintf(stderr, "    ref \"%s\"\n", normal[i].ref);
		free(s);
	}
	for (i = 0; i < sizeof abnormal / sizeof abnormal[0]; i++) {
		s = url_resolve(base, abnormal[i].ref);
		CHECK_STR(s, abnormal[i].want);
		if (strcmp(s, abnormal[i].want) != 0)
			fprintf(stderr, "    ref \"%s\"\n", abnormal[i].ref);
		free(s);
	}
	for (i = 0; i < sizeof post / sizeof post[0]; i++) {
		s = url_resolve("https://ex.com/2022/07/06/a.html",
		    post[i].ref);
		CHECK_STR(s, post[i].want);
		free(s);
	}
	/* A base without a path. */
	s = url_resolve("https://ex.com", "a/b");
	CHECK_STR(s, "https://ex.com/a/b");
	free(s);
	/* A fragment replaces the base's own. */
	s = url_resolve("https://ex.com/a.html#old", "#new");
	CHECK_STR(s, "https://ex.com/a.html#new");
	free(s);
}

/* Which references carry a scheme. */
static void
check_has_scheme(void)
{
	CHECK(url_has_scheme("https://ex.com/"));
	CHECK(url_has_scheme("mailto:a@b.c"));
	CHECK(url_has_scheme("data:text/plain,x"));
	CHECK(url_has_scheme("a+b.c-d:x"));
	CHECK(url_has_scheme("g:h"));
	CHECK(!url_has_scheme("//ex.com/"));
	CHECK(!url_has_scheme("/a:b"));
	CHECK(!url_has_scheme("a/b:c"));
	CHECK(!url_has_scheme("1http://x"));
	CHECK(!url_has_scheme("#a:b"));
	CHECK(!url_has_scheme("g"));
	CHECK(!url_has_scheme(""));
}

/* Ids a post may give itself with feed_id:. */
static void
check_absolute_iri(void)
{
	CHECK(url_is_absolute_iri("tag:example.com,2024:post-1"));
	CHECK(url_is_absolute_iri("https://example.com/2024/01/02/a"));
	CHECK(url_is_absolute_iri("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"));
	CHECK(url_is_absolute_iri("https://例子.中国/新闻"));
	CHECK(!url_is_absolute_iri("post-1"));
	CHECK(!url_is_absolute_iri("/2024/01/02/a"));
	CHECK(!url_is_absolute_iri("tag:"));
	CHECK(!url_is_absolute_iri("1tag:x"));
	CHECK(!url_is_absolute_iri("tag:a b"));
	CHECK(!url_is_absolute_iri("tag:a\tb"));
	CHECK(!url_is_absolute_iri("tag:<a>"));
	CHECK(!url_is_absolute_iri("tag:a\"b"));
	CHECK(!url_is_absolute_iri(""));
}

int
main(void)
{
	if (datetime_set_zone("Asia/Shanghai") != 0) {
		fprintf(stderr, "no time zone database: skipped\n");
		return (77);
	}
	check_styles();
	check_measured_table();
	check_jekyll_docs();
	check_placeholders();
	check_odd_slugs();
	check_ids();
	check_absolute();
	check_slugify();
	check_unicode_case();
	check_escape();
	check_resolve();
	check_has_scheme();
	check_absolute_iri();
	return (test_status());
}
