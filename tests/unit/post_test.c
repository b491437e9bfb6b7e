/*
 * post: one post file to the fields a feed entry needs.  This is where
 * Jekyll's rules meet real files: which front matter keys give the
 * categories and tags and in what order (they decide the URL, the id and
 * the feeds a post is in), which posts are left out, and how a broken
 * file is reported.  A bad post must name the line to fix, never take
 * the site down; a post Jekyll would publish must not be refused.  The
 * expected values are Jekyll 4.3.1's, from tests/sys/JEKYLL-NOTES.md.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/datetime.h"
#include "../../src/fileio.h"
#include "../../src/post.h"
#include "../../src/xmalloc.h"
#include "test.h"

#define SITE_URL	"https://ex.com"
#define ZH		"/%E8%B4%A2%E7%BB%8F"

/* A post file and the list a field must hold. */
struct list_case {
	const char	*rel;
	const char	*text;
	const char	*want[4];	/* NULL-terminated */
};

static char		 site[] = "/tmp/feedd-post-test.XXXXXX";
static struct config	*cfg;

static char	*site_path(const char *);
static int	 write_post(const char *, const char *, size_t);
static enum post_status load_len(const char *, const char *, size_t,
		    struct post **, char **, char **);
static enum post_status load(const char *, const char *, struct post **,
		    char **, char **);
static struct post *load_ok(const char *, const char *);
static int	 same_list(char **, const char *const *);
static void	 print_list(const char *, char **);
static int	 starts_with(const char *, const char *);
static void	 check_rfc3339(int64_t, const char *);
static int	 remove_entry(const char *, const struct stat *, int,
		    struct FTW *);
static int	 setup(void);
static void	 check_basic(void);
static void	 check_categories(void);
static void	 check_tags(void);
static void	 check_unpublished(void);
static void	 check_dates(void);
static void	 check_titles(void);
static void	 check_urls(void);
static void	 check_invalid(void);
static void	 check_yaml_lines(void);
static void	 check_warnings(void);
static void	 check_render(void);
static void	 check_bom(void);

/* site/rel as a new string. */
static char *
site_path(const char *rel)
{
	size_t	 n = strlen(site) + 1 + strlen(rel) + 1;
	char	*p = xmalloc(n);

	snprintf(p, n, "%s/%s", site, rel);
	return (p);
}

/* Write len bytes to site/rel, creating its folders. */
static int
write_post(const char *rel, const char *text, size_t len)
{
	char	*path = site_path(rel), *dir;
	FILE	*f;
	int	 rc = -1;

	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (fileio_mkdirs(dir) != 0) {
		free(dir);
		free(path);
		return (-1);
	}
	free(dir);
	if ((f = fopen(path, "wb")) != NULL) {
		if (fwrite(text, 1, len, f) == len)
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(path);
	return (rc);
}

/* Write a post of len bytes and load it. */
static enum post_status
load_len(const char *rel, const char *text, size_t len, struct post **out,
    char **cause, char **warning)
{
	enum post_status st;
	char		*path;

	*out = NULL;
	*cause = NULL;
	*warning = NULL;
	if (write_post(rel, text, len) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", rel, strerror(errno));
		return (POST_INVALID);
	}
	path = site_path(rel);
	st = post_load(cfg, path, rel, NULL, out, cause, warning, NULL);
	free(path);
	return (st);
}

/* Write a post and load it. */
static enum post_status
load(const char *rel, const char *text, struct post **out, char **cause,
    char **warning)
{
	return (load_len(rel, text, strlen(text), out, cause, warning));
}

/* Load a post that must load cleanly; NULL (and a failure) if not. */
static struct post *
load_ok(const char *rel, const char *text)
{
	struct post	*post;
	char		*cause, *warning;
	enum post_status st;

	st = load(rel, text, &post, &cause, &warning);
	CHECK(st == POST_OK);
	CHECK(warning == NULL);
	if (st != POST_OK || warning != NULL)
		fprintf(stderr, "    %s: status %d, cause \"%s\", warning "
		    "\"%s\"\n", rel, (int)st, cause != NULL ? cause : "",
		    warning != NULL ? warning : "");
	free(cause);
	free(warning);
	return (st == POST_OK ? post : NULL);
}

/* Whether a NULL-terminated list equals want. */
static int
same_list(char **got, const char *const *want)
{
	size_t	 i;

	for (i = 0; got != NULL && got[i] != NULL && want[i] != NULL; i++) {
		if (strcmp(got[i], want[i]) != 0)
			return (0);
	}
	return (got != NULL && got[i] == NULL && want[i] == NULL);
}

/* Print a list after a failed comparison. */
static void
print_list(const char *what, char **l)
{
	size_t	 i;

	fprintf(stderr, "    %s:", what);
	for (i = 0; l != NULL && l[i] != NULL; i++)
		fprintf(stderr, " \"%s\"", l[i]);
	fprintf(stderr, "\n");
}

/* Whether s starts with prefix. */
static int
starts_with(const char *s, const char *prefix)
{
	return (s != NULL && strncmp(s, prefix, strlen(prefix)) == 0);
}

/* An instant's RFC 3339 text in the site zone. */
static void
check_rfc3339(int64_t when, const char *want)
{
	char	 buf[64];

	datetime_rfc3339(when, buf, sizeof buf);
	CHECK_STR(buf, want);
}

/* nftw callback: remove one entry. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/* Make the site folder and load its config. */
static int
setup(void)
{
	struct config_overrides ov;
	char		*errors = NULL, *warnings = NULL;
	static const char yml[] =
	    "url: https://ex.com\n"
	    "timezone: Asia/Shanghai\n"
	    "title: 金融消息\n";

	if (mkdtemp(site) == NULL)
		return (-1);
	if (write_post("_config.yml", yml, sizeof yml - 1) != 0)
		return (-1);
	memset(&ov, 0, sizeof ov);
	ov.site_dir = site;
	if ((cfg = config_load(&ov, &errors, &warnings)) == NULL) {
		fprintf(stderr, "config_load: %s\n", errors);
		free(errors);
		free(warnings);
		return (-1);
	}
	free(warnings);
	return (datetime_set_zone(cfg->timezone));
}

/* A typical post: every field, URL and id. */
static void
check_basic(void)
{
	static const char *const cats[] = { "TechWeb", "财经", NULL };
	static const char *const tags[] = { "t1", "t2", NULL };
	struct post	*p;

	p = load_ok("_posts/2022-07-06-hello-world.md",
	    "---\n"
	    "title: Hello 世界\n"
	    "date: 2021-12-08 13:16:19\n"
	    "categories: TechWeb 财经\n"
	    "tags: [t1, t2]\n"
	    "author: ZNing\n"
	    "image: /img/cover.png\n"
	    "lang: zh-CN\n"
	    "last_modified_at: 2021-12-09 10:00:00 +0800\n"
	    "---\n"
	    "First *para*.\n");
	if (p == NULL)
		return;
	CHECK_STR(p->title, "Hello 世界");
	CHECK(p->format == RENDER_MARKDOWN);
	/* A naive unquoted time is UTC (JEKYLL.md). */
	check_rfc3339(p->date, "2021-12-08T21:16:19+08:00");
	check_rfc3339(p->updated, "2021-12-09T10:00:00+08:00");
	CHECK(same_list(p->categories, cats));
	CHECK(same_list(p->tags, tags));
	CHECK_STR(p->url, SITE_URL "/techweb" ZH
	    "/2021/12/08/hello-world.html");
	CHECK_STR(p->id, SITE_URL "/techweb" ZH "/2021/12/08/hello-world");
	CHECK(p->nauthors == 1);
	CHECK_STR(p->authors[0].name, "ZNing");
	CHECK_STR(p->image, SITE_URL "/img/cover.png");
	CHECK_STR(p->lang, "zh-CN");
	CHECK(p->size > 0);
	post_free(p);
}

/* Folder categories, then "categories" split, then "category" whole. */
static void
check_categories(void)
{
	static const struct list_case cases[] = {
		{ "news/_posts/2022-07-11-d.md",
		  "---\ncategories: a b\n---\n", { "news", "a", "b", NULL } },
		{ "x/news/_posts/2022-07-11-d.md",
		  "---\ncategories: news\n---\n", { "x", "news", NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategory: x\ncategories: [b]\n---\n",
		  { "b", "x", NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategory: foo bar\n---\n", { "foo bar", NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategories: \"TechWeb  财经\"\n---\n",
		  { "TechWeb", "财经", NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategories: [a b, Foo]\n---\n",
		  { "a b", "Foo", NULL } },
		/* Duplicates dropped, case kept (feeds are case-sensitive). */
		{ "news/_posts/2022-07-11-d.md",
		  "---\ncategories: [news, News, a]\ncategory: a\n---\n",
		  { "news", "News", "a", NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategories: [2022, x]\n---\n", { "2022", "x", NULL } },
		/* Subfolders of _posts are not categories. */
		{ "_posts/sub/2022-01-09-sub.md", "---\n---\n", { NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategories:\n---\n", { NULL } },
		{ "_posts/2022-07-11-d.md",
		  "---\ncategories: []\ntitle: x\n---\n", { NULL } },
	};
	struct post	*p;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if ((p = load_ok(cases[i].rel, cases[i].text)) == NULL)
			continue;
		CHECK(same_list(p->categories, cases[i].want));
		if (!same_list(p->categories, cases[i].want)) {
			fprintf(stderr, "    %s\n", cases[i].text);
			print_list("categories", p->categories);
		}
		post_free(p);
	}

	/* The URL follows the same order, lower-cased. */
	p = load_ok("news/_posts/2022-07-11-d.md",
	    "---\ncategories: a b\n---\n");
	if (p != NULL)
		CHECK_STR(p->url, SITE_URL "/news/a/b/2022/07/11/d.html");
	post_free(p);
	p = load_ok("_posts/2022-07-13-f.md", "---\ncategory: foo bar\n---\n");
	if (p != NULL)
		CHECK_STR(p->url, SITE_URL "/foo%20bar/2022/07/13/f.html");
	post_free(p);
	p = load_ok("_posts/2022-07-11-d.md",
	    "---\ncategory: x\ncategories: [b]\n---\n");
	if (p != NULL)
		CHECK_STR(p->url, SITE_URL "/b/x/2022/07/11/d.html");
	post_free(p);
	p = load_ok("_posts/2022-07-11-d.md",
	    "---\ncategories: [TechWeb, Techweb]\n---\n");
	if (p != NULL)
		CHECK_STR(p->url, SITE_URL "/techweb/2022/07/11/d.html");
	post_free(p);
	p = load_ok("_posts/sub/2022-01-09-sub.md", "---\n---\n");
	if (p != NULL)
		CHECK_STR(p->url, SITE_URL "/2022/01/09/sub.html");
	post_free(p);
}

/* "tags" split on white space; a singular "tag" whole, and it wins. */
static void
check_tags(void)
{
	static const struct list_case cases[] = {
		{ "_posts/2022-07-11-t.md", "---\ntags: t1 t2\n---\n",
		  { "t1", "t2", NULL } },
		{ "_posts/2022-07-11-t.md", "---\ntags: \"t1,t2\"\n---\n",
		  { "t1,t2", NULL } },
		{ "_posts/2022-07-11-t.md", "---\ntags: [中文, a b]\n---\n",
		  { "中文", "a b", NULL } },
		{ "_posts/2022-07-11-t.md", "---\ntag: x1 x2\n---\n",
		  { "x1 x2", NULL } },
		{ "_posts/2022-07-11-t.md",
		  "---\ntag: one\ntags: [two, three]\n---\n", { "one", NULL } },
		{ "_posts/2022-07-11-t.md", "---\ntags: [a, a, b]\n---\n",
		  { "a", "b", NULL } },
		{ "_posts/2022-07-11-t.md",
		  "---\ntags:\n  - a\n  - - b\n    - c\n---\n",
		  { "a", "b", "c", NULL } },
		{ "_posts/2022-07-11-t.md", "---\ntitle: x\n---\n", { NULL } },
	};
	struct post	*p;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if ((p = load_ok(cases[i].rel, cases[i].text)) == NULL)
			continue;
		CHECK(same_list(p->tags, cases[i].want));
		if (!same_list(p->tags, cases[i].want)) {
			fprintf(stderr, "    %s\n", cases[i].text);
			print_list("tags", p->tags);
		}
		/* Tags never become categories. */
		CHECK(p->categories != NULL && p->categories[0] == NULL);
		post_free(p);
	}
}

/* published: false and draft: true leave a post out; nothing else. */
static void
check_unpublished(void)
{
	static const struct {
		const char		*fm;
		enum post_status	 want;
	} cases[] = {
		{ "published: false\n", POST_UNPUBLISHED },
		{ "published: False\n", POST_UNPUBLISHED },
		{ "published: no\n", POST_UNPUBLISHED },
		{ "draft: true\n", POST_UNPUBLISHED },
		{ "draft: yes\n", POST_UNPUBLISHED },
		{ "published: true\n", POST_OK },
		{ "draft: false\n", POST_OK },
		/* A quoted "false" is a string, which Ruby finds true. */
		{ "published: \"false\"\n", POST_OK },
		{ "title: Not a draft\n", POST_OK },
	};
	struct post	*p;
	char		*text, *cause, *warning;
	enum post_status st;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "---\n%s---\nbody\n", cases[i].fm);
		st = load("_posts/2022-07-11-u.md", text, &p, &cause,
		    &warning);
		CHECK(st == cases[i].want);
		if (st != cases[i].want)
			fprintf(stderr, "    %s    status %d, cause \"%s\"\n",
			    cases[i].fm, (int)st, cause != NULL ? cause : "");
		if (st == POST_OK)
			post_free(p);
		free(cause);
		free(warning);
		free(text);
	}
}

/* The date: front matter shapes, or the file name's day. */
static void
check_dates(void)
{
	static const struct {
		const char	*rel, *fm, *date, *url;
	} cases[] = {
		/* No date: the file name's day at local midnight. */
		{ "_posts/2022-07-11-d.md", "",
		  "2022-07-11T00:00:00+08:00", "/2022/07/11/d.html" },
		{ "_posts/2022-07-09-d.md", "date: 2022-07-09\n",
		  "2022-07-09T00:00:00+08:00", "/2022/07/09/d.html" },
		{ "_posts/2022-07-10-d.md", "date: 2022-07-10 03:00:00\n",
		  "2022-07-10T11:00:00+08:00", "/2022/07/10/d.html" },
		{ "_posts/2022-07-10-d.md", "date: \"2022-07-10 03:00:00\"\n",
		  "2022-07-10T03:00:00+08:00", "/2022/07/10/d.html" },
		{ "_posts/2022-07-10-d.md", "date: '2022-07-10 03:00:00'\n",
		  "2022-07-10T03:00:00+08:00", "/2022/07/10/d.html" },
		{ "_posts/2022-07-11-d.md", "date: 2022-07-11 10:00\n",
		  "2022-07-11T10:00:00+08:00", "/2022/07/11/d.html" },
		{ "_posts/2022-07-12-e.md", "date: 2022-07-12T20:00:00Z\n",
		  "2022-07-13T04:00:00+08:00", "/2022/07/13/e.html" },
		{ "_posts/2022-01-01-a.md", "date: 2022-01-01 10:00:00 -0500\n",
		  "2022-01-01T23:00:00+08:00", "/2022/01/01/a.html" },
		/* The front matter date wins over the file name's. */
		{ "_posts/2022-01-03-m.md", "date: 2021-05-05 10:00:00 +0800\n",
		  "2021-05-05T10:00:00+08:00", "/2021/05/05/m.html" },
		/* A late naive time is the next local day. */
		{ "_posts/2021-12-08-n.md", "date: 2021-12-08 19:38:51\n",
		  "2021-12-09T03:38:51+08:00", "/2021/12/09/n.html" },
	};
	struct post	*p;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "---\n%s---\n", cases[i].fm);
		if ((p = load_ok(cases[i].rel, text)) != NULL) {
			check_rfc3339(p->date, cases[i].date);
			CHECK(p->updated == p->date);
			CHECK_STR(p->url + strlen(SITE_URL), cases[i].url);
			post_free(p);
		}
		free(text);
	}
}

/* Titles: plain text on one line, or made from the slug. */
static void
check_titles(void)
{
	static const struct {
		const char	*rel, *fm, *title;
	} cases[] = {
		{ "_posts/2022-07-01-hello-big-world.md", "",
		  "Hello Big World" },
		{ "_posts/2022-07-01-hello-big-world.md", "title: \"\"\n",
		  "Hello Big World" },
		{ "_posts/2022-07-01-hello-big-world.md", "title:\n",
		  "Hello Big World" },
		{ "_posts/2022-07-01-x.md", "title: 123\n", "123" },
		{ "_posts/2022-07-01-x.md", "title: true\n", "true" },
		{ "_posts/2022-07-01-x.md", "title: \"<b>Bold</b> move\"\n",
		  "Bold move" },
		{ "_posts/2022-07-01-x.md",
		  "title: \"市盈率<10倍 & 股息率>5%\"\n",
		  "市盈率<10倍 & 股息率>5%" },
		{ "_posts/2022-07-01-x.md", "title: |\n  two\n  lines\n",
		  "two lines" },
		{ "_posts/2022-07-01-x.md", "title: >\n  folded\n  text\n",
		  "folded text" },
		{ "_posts/2022-07-01-x.md", "title: \"  padded   title \"\n",
		  "padded title" },
	};
	struct post	*p;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "---\n%s---\n", cases[i].fm);
		if ((p = load_ok(cases[i].rel, text)) != NULL) {
			CHECK_STR(p->title, cases[i].title);
			post_free(p);
		}
		free(text);
	}
}

/* URL and id for the default permalink, slugs and custom permalinks. */
static void
check_urls(void)
{
	struct post	*p;

	p = load_ok("_posts/2022-07-06-Hello World!.md",
	    "---\ncategories: TechWeb 财经\n---\n");
	if (p != NULL) {
		CHECK_STR(p->url, SITE_URL "/techweb" ZH
		    "/2022/07/06/Hello-World!.html");
		CHECK_STR(p->id, SITE_URL "/techweb" ZH
		    "/2022/07/06/Hello%20World!");
		/* Without a title, the slug gives one. */
		CHECK_STR(p->title, "Hello World!");
	}
	post_free(p);

	p = load_ok("_posts/2022-07-07-Some Post.md",
	    "---\ncategories: TechWeb\nslug: My Custom.Slug\n---\n");
	if (p != NULL) {
		CHECK_STR(p->url, SITE_URL
		    "/techweb/2022/07/07/My-Custom.Slug.html");
		CHECK_STR(p->id, SITE_URL
		    "/techweb/2022/07/07/My%20Custom.Slug");
	}
	post_free(p);

	/* JEKYLL.md: a custom permalink; the id keeps the slug. */
	p = load_ok("_posts/2022-07-06-permalink.md",
	    "---\npermalink: /special/custom-path/\n---\n");
	if (p != NULL) {
		CHECK_STR(p->url, SITE_URL "/special/custom-path/");
		CHECK_STR(p->id, SITE_URL "/special/permalink");
	}
	post_free(p);

	/* The real shape of the first user's posts. */
	p = load_ok("emnews/_posts/2021-12-08-202112082206965422.md",
	    "---\ntitle: 标题\ndate: 2021-12-08 13:16:19\n---\n正文\n");
	if (p != NULL) {
		CHECK_STR(p->url, SITE_URL
		    "/emnews/2021/12/08/202112082206965422.html");
		CHECK_STR(p->id, SITE_URL
		    "/emnews/2021/12/08/202112082206965422");
	}
	post_free(p);

	/* Any extension: its URL keeps ".html", the id has none. */
	p = load_ok("_posts/2022-01-08-page.html",
	    "---\ntitle: x\n---\n<p>x</p>");
	if (p != NULL) {
		CHECK(p->format == RENDER_HTML);
		CHECK_STR(p->url, SITE_URL "/2022/01/08/page.html");
		CHECK_STR(p->id, SITE_URL "/2022/01/08/page");
	}
	post_free(p);
}

/* Files that are no posts, or broken ones: POST_INVALID with a line. */
static void
check_invalid(void)
{
	static const struct {
		const char	*rel, *text, *prefix, *word;
	} cases[] = {
		{ "_posts/notdated.md", "---\n---\n", " not a post name",
		  NULL },
		{ "_posts/2022-01-04-noext", "---\n---\n", " not a post name",
		  NULL },
		{ "_posts/2022-07-11-x.md", "---\ntitle: x\n",
		  "1: front matter is not closed", NULL },
		{ "_posts/2022-07-11-x.md", "---\n", "1:", "closed" },
		{ "_posts/2022-07-11-x.md", "---\ntitle: {a: 1}\n---\n",
		  "2:", "mapping" },
		{ "_posts/2022-07-11-x.md", "---\ntitle: [a, b]\n---\n",
		  "2:", "list" },
		{ "_posts/2022-07-11-x.md",
		  "---\nlayout: post\ntitle:\n  en: Hello\n  zh: 你好\n---\n",
		  "4:", "mapping" },
		{ "_posts/2022-07-11-x.md", "---\n- a\n- b\n---\n", "2:",
		  "mapping" },
		{ "_posts/2022-07-11-x.md",
		  "---\ntitle: x\ndate: 2022-13-01\n---\n", "3:", "date" },
		{ "_posts/2022-07-11-x.md",
		  "---\ntitle: x\n\ndate: 2022-07-11 10:00:00 +2500\n---\n",
		  "4:", "date" },
		{ "_posts/2022-07-11-x.md",
		  "---\nlast_modified_at: yesterday\n---\n", "2:",
		  "last_modified_at" },
		{ "_posts/2022-07-11-x.md",
		  "---\ncategories: {a: b}\n---\n", "2:", "categories" },
		{ "_posts/2022-07-11-x.md",
		  "---\ntitle: x\ntags:\n  a: b\n---\n", "4:", "tags" },
		{ "_posts/2022-07-11-x.md",
		  "---\npermalink: /:year/:nope/\n---\n", "2:", "nope" },
		{ "_posts/2022-07-11-x.md",
		  "---\nauthor: [[a], b]\n---\n", "2:", "author" },
	};
	static const char bin[] = "---\ntitle: x\n---\nline 4\nab\0c\n";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0";
	struct post	*p;
	char		*cause, *warning, *dir;
	enum post_status st;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st = load(cases[i].rel, cases[i].text, &p, &cause, &warning);
		CHECK(st == POST_INVALID);
		CHECK(starts_with(cause, cases[i].prefix));
		if (cases[i].word != NULL)
			CHECK(cause != NULL && strstr(cause, cases[i].word) !=
			    NULL);
		CHECK(warning == NULL);
		if (st != POST_INVALID || !starts_with(cause,
		    cases[i].prefix) || (cases[i].word != NULL &&
		    (cause == NULL || strstr(cause, cases[i].word) == NULL)))
			fprintf(stderr, "    %s: status %d, cause \"%s\", "
			    "want \"%s...%s\"\n", cases[i].rel, (int)st,
			    cause != NULL ? cause : "(null)", cases[i].prefix,
			    cases[i].word != NULL ? cases[i].word : "");
		if (st == POST_OK)
			post_free(p);
		free(cause);
		free(warning);
	}

	/* A NUL byte: binary, reported at its line. */
	st = load_len("_posts/2022-07-11-bin.md", bin, sizeof bin - 1, &p,
	    &cause, &warning);
	CHECK(st == POST_INVALID);
	CHECK(starts_with(cause, "5: binary"));
	if (!starts_with(cause, "5: binary"))
		fprintf(stderr, "    cause \"%s\"\n", cause);
	free(cause);
	free(warning);
	st = load_len("_posts/2022-07-11-bin.md", png, sizeof png - 1, &p,
	    &cause, &warning);
	CHECK(st == POST_INVALID);
	CHECK(starts_with(cause, "3: binary"));
	free(cause);
	free(warning);

	/* A folder named like a post is not a regular file. */
	dir = site_path("_posts/2022-07-11-dir.md");
	CHECK(fileio_mkdirs(dir) == 0);
	st = post_load(cfg, dir, "_posts/2022-07-11-dir.md", NULL, &p, &cause,
	    &warning, NULL);
	CHECK(st == POST_INVALID);
	CHECK(starts_with(cause, " cannot read"));
	free(cause);
	free(warning);
	free(dir);
}

/* YAML syntax errors name the line where the problem is. */
static void
check_yaml_lines(void)
{
	static const struct {
		const char	*text, *prefix;
	} cases[] = {
		/* ':' inside a plain value. */
		{ "---\ntitle: a: b\n---\n", "2: invalid YAML" },
		{ "---\ntitle: ok\ndate: 2022-07-11\nbad: a: b\n---\n",
		  "4: invalid YAML" },
		/* A tab where indentation is expected. */
		{ "---\ntitle: x\ntags:\n\t- a\n---\n", "4: invalid YAML" },
		/* An unclosed quote runs to the end: where it opened. */
		{ "---\ntitle: x\ndescription: \"open\nmore: y\n---\nbody\n",
		  "3: invalid YAML" },
		/* An unclosed flow list: where it opened. */
		{ "---\ntitle: x\n\ntags: [a, b\ncategories: c\n---\n",
		  "4: invalid YAML" },
		/* Bad indentation of a list item. */
		{ "---\ntitle: x\ntags:\n  - a\n - b\n---\n",
		  "5: invalid YAML" },
		/* An undefined alias. */
		{ "---\ntitle: x\ntags: *nope\n---\n", "3: invalid YAML" },
	};
	struct post	*p;
	char		*cause, *warning;
	enum post_status st;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st = load("_posts/2022-07-11-y.md", cases[i].text, &p, &cause,
		    &warning);
		CHECK(st == POST_INVALID);
		CHECK(starts_with(cause, cases[i].prefix));
		if (!starts_with(cause, cases[i].prefix))
			fprintf(stderr, "    case %zu: cause \"%s\", want "
			    "\"%s\"\n", i, cause != NULL ? cause : "(null)",
			    cases[i].prefix);
		if (st == POST_OK)
			post_free(p);
		free(cause);
		free(warning);
	}
}

/* Problems a post survives: a warning naming the line. */
static void
check_warnings(void)
{
	struct post	*p;
	char		*cause, *warning;
	enum post_status st;

	/* No front matter: published, title and date from the name. */
	st = load("_posts/2022-01-06-nofm.md", "Just text.\n\nMore.\n", &p,
	    &cause, &warning);
	CHECK(st == POST_OK);
	CHECK(starts_with(warning, "1:"));
	CHECK(warning != NULL && strstr(warning, "front matter") != NULL);
	if (st == POST_OK) {
		CHECK_STR(p->title, "Nofm");
		check_rfc3339(p->date, "2022-01-06T00:00:00+08:00");
		CHECK_STR(p->url, SITE_URL "/2022/01/06/nofm.html");
		post_free(p);
	}
	free(cause);
	free(warning);

	/* "---" not on the first line is no front matter either. */
	st = load("_posts/2022-01-06-late.md", "\n---\ntitle: x\n---\n", &p,
	    &cause, &warning);
	CHECK(st == POST_OK);
	CHECK(starts_with(warning, "1:"));
	if (st == POST_OK) {
		CHECK_STR(p->title, "Late");
		post_free(p);
	}
	free(cause);
	free(warning);

	/* Invalid UTF-8 in the body: the file line of the first one. */
	st = load("_posts/2022-01-06-bad.md",
	    "---\ntitle: x\n---\nline 4\n\nline 6 caf\xe9\nline 7 \xff\n", &p,
	    &cause, &warning);
	CHECK(st == POST_OK);
	CHECK(starts_with(warning, "6:"));
	CHECK(warning != NULL && strstr(warning, "UTF-8") != NULL);
	if (!starts_with(warning, "6:"))
		fprintf(stderr, "    warning \"%s\"\n", warning);
	if (st == POST_OK)
		post_free(p);
	free(cause);
	free(warning);

	/* ...on the first body line too. */
	st = load("_posts/2022-01-06-bad.md", "---\n---\n\xc0\xaf\n", &p,
	    &cause, &warning);
	CHECK(st == POST_OK);
	CHECK(starts_with(warning, "3:"));
	if (st == POST_OK)
		post_free(p);
	free(cause);
	free(warning);
}

/* Content with absolute links, and the summary. */
static void
check_render(void)
{
	static const struct {
		const char	*rel, *text, *summary;
	} summaries[] = {
		{ "_posts/2022-07-06-s.md",
		  "---\n---\nFirst *para* with <b>bold</b>.\n"
		  "Second line of first para.\n\nSecond para.\n",
		  "First para with bold. Second line of first para." },
		{ "_posts/2022-07-06-s.md", "---\n---\n# Heading\n\ntext\n",
		  "Heading" },
		{ "_posts/2022-07-06-s.md", "---\n---\n> quote para\n\nnext\n",
		  "quote para" },
		{ "_posts/2022-07-06-s.md", "---\n---\n<p>a</p> <p>b</p>",
		  "a b" },
		{ "_posts/2022-07-06-s.md",
		  "---\n---\n\n\nAfter blanks.\n\nx\n",
		  "After blanks." },
		{ "_posts/2022-07-06-s.md", "---\n---\n", "" },
		{ "_posts/2022-07-06-s.md",
		  "---\ndescription: \"Desc <i>x</i>   y\"\n---\nBody.\n",
		  "Desc x y" },
		{ "_posts/2022-07-06-s.md",
		  "---\nexcerpt: Own excerpt\n---\nBody.\n", "Own excerpt" },
		/* The post's own separator (Document#excerpt_separator). */
		{ "_posts/2022-07-06-s.md",
		  "---\nexcerpt_separator: <!--more-->\n---\n"
		  "One.\n\nTwo.\n<!--more-->\nThree.\n",
		  "One. Two." },
		{ "_posts/2022-07-06-s.html",
		  "---\n---\n<p>Raw <b>HTML</b> post</p>\n", "Raw HTML post" },
	};
	struct post	*p;
	char		*cause = NULL, *path, *content, *summary;
	size_t		 i;

	p = load_ok("_posts/2022-07-06-r.md",
	    "---\ntitle: R\n---\n"
	    "Intro with [a link](img/a.png) and ![pic](/img/b.png).\n\n"
	    "<a href=\"../c.html\">c</a> [ext](https://other.org/x) "
	    "[mail](mailto:a@b.c) [top](#top)\n");
	if (p != NULL) {
		CHECK(post_render(cfg, NULL, p, NULL, &content, &summary, &cause, NULL) ==
		    0);
		CHECK(strstr(content, "href=\"" SITE_URL
		    "/2022/07/06/img/a.png\"") != NULL);
		CHECK(strstr(content, "src=\"" SITE_URL "/img/b.png\"") !=
		    NULL);
		CHECK(strstr(content, "href=\"" SITE_URL
		    "/2022/07/c.html\"") != NULL);
		CHECK(strstr(content, "href=\"https://other.org/x\"") != NULL);
		CHECK(strstr(content, "href=\"mailto:a@b.c\"") != NULL);
		CHECK(strstr(content, "href=\"" SITE_URL
		    "/2022/07/06/r.html#top\"") != NULL);
		CHECK(strstr(content, "<p>Intro") == content);
		if (strstr(content, "/2022/07/06/img/a.png") == NULL)
			fprintf(stderr, "    content: %s\n", content);
		/* strip_html drops images, alt text and all. */
		CHECK_STR(summary, "Intro with a link and .");
		free(content);
		free(summary);
		post_free(p);
	}

	for (i = 0; i < sizeof summaries / sizeof summaries[0]; i++) {
		if ((p = load_ok(summaries[i].rel, summaries[i].text)) ==
		    NULL)
			continue;
		CHECK(post_render(cfg, NULL, p, NULL, &content, &summary, &cause, NULL) ==
		    0);
		CHECK_STR(summary, summaries[i].summary);
		free(content);
		free(summary);
		post_free(p);
	}

	/* A post whose file went away: content falls back to the summary. */
	p = load_ok("_posts/2022-07-06-gone.md",
	    "---\ndescription: Still here\n---\nBody.\n");
	if (p != NULL) {
		path = site_path("_posts/2022-07-06-gone.md");
		unlink(path);
		free(path);
		cause = NULL;
		CHECK(post_render(cfg, NULL, p, NULL, &content, &summary, &cause, NULL) ==
		    -1);
		CHECK(starts_with(cause, " cannot read"));
		CHECK_STR(content, "Still here");
		free(content);
		free(summary);
		free(cause);
		post_free(p);
	}
}

/* A byte order mark (Jekyll reads with "bom|utf-8") hides nothing. */
static void
check_bom(void)
{
	struct post	*p;

	p = load_ok("_posts/2022-07-06-bom.md",
	    "\xef\xbb\xbf---\ntitle: With BOM\ncategories: news\n---\nBody\n");
	if (p != NULL) {
		CHECK_STR(p->title, "With BOM");
		CHECK_STR(p->url, SITE_URL "/news/2022/07/06/bom.html");
		post_free(p);
	}
	/* A byte order mark before a body with no front matter (fuzzing
	 * found the body read 3 bytes past its end). */
	{
		char	*cause = NULL, *warning = NULL, *content, *summary;

		if (load("_posts/2022-07-06-bomonly.md",
		    "\xef\xbb\xbfOnly a body", &p, &cause, &warning) ==
		    POST_OK) {
			CHECK(warning != NULL);
			CHECK(post_render(cfg, NULL, p, NULL, &content, &summary, &cause, NULL) == 0);
			CHECK_STR(content, "<p>Only a body</p>");
			free(content);
			free(summary);
			post_free(p);
		} else
			CHECK(!"a body with a BOM and no front matter loads");
		free(cause);
		free(warning);
	}
	/* CRLF line ends are fine. */
	p = load_ok("_posts/2022-07-06-crlf.md",
	    "---\r\ntitle: CRLF\r\ntags: [a]\r\n---\r\nBody\r\n");
	if (p != NULL) {
		CHECK_STR(p->title, "CRLF");
		CHECK(p->tags[0] != NULL && strcmp(p->tags[0], "a") == 0);
		post_free(p);
	}
	/* "..." closes front matter too; "--- " with spaces opens it. */
	p = load_ok("_posts/2022-07-06-dots.md",
	    "--- \ntitle: Dots\n...\nBody\n");
	if (p != NULL) {
		CHECK_STR(p->title, "Dots");
		post_free(p);
	}
}

int
main(void)
{
	if (!datetime_zone_exists("Asia/Shanghai")) {
		fprintf(stderr, "no time zone database: skipped\n");
		return (77);
	}
	if (setup() != 0) {
		fprintf(stderr, "cannot set up a site in %s\n", site);
		return (99);
	}
	check_basic();
	check_categories();
	check_tags();
	check_unpublished();
	check_dates();
	check_titles();
	check_urls();
	check_invalid();
	check_yaml_lines();
	check_warnings();
	check_render();
	check_bom();
	config_free(cfg);
	nftw(site, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return (test_status());
}
