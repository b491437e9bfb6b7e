/*
 * jsonfeed: a JSON Feed 1.1 must hold what the spec requires (version,
 * title, items with an id and content) and say what the Atom feed of the
 * same posts says: ids, links, titles, dates, authors, tags, summary and
 * content, the content being the HTML the Atom feed escapes.  Read back
 * with jansson, so escaping is checked by a JSON parser, not by eye.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/datetime.h"
#include "../../src/index.h"
#include "../../src/jsonfeed.h"
#include "../../src/post.h"
#include "../../src/rcache.h"
#include "testcfg.h"
#include "test.h"

static const char *str(json_t *, const char *);

/* obj[key] as a string, or NULL. */
static const char *
str(json_t *obj, const char *key)
{
	return (json_string_value(json_object_get(obj, key)));
}

/* The inverse of rcache's escaping. */
static void
check_unescape(void)
{
	char	*s;

	s = jsonfeed_unescape("&lt;p&gt;a &amp;amp; b&#13;&lt;/p&gt; &x; &");
	CHECK_STR(s, "<p>a &amp; b\r</p> &x; &");
	free(s);
	s = jsonfeed_unescape("");
	CHECK_STR(s, "");
	free(s);
}

/* A feed of two posts, read back. */
static void
check_render(void)
{
	char	*cats[] = { "财经", NULL }, *tags[] = { "财经", "a\"b", NULL };
	char	*none[] = { NULL };
	struct author who = { "Ann \"A\" <x>", "ann@example.org",
	    "https://ann.example" };
	struct post p1 = { 0 }, p2 = { 0 };
	struct post *posts[] = { &p1, &p2 };
	struct feed f = { .kind = FEED_CATEGORY, .name = "财经",
	    .posts = posts, .nposts = 2 };
	struct rendered r1 = { "&lt;p&gt;R&amp;amp;D &amp; &lt;b&gt;x&lt;/b&gt;"
	    "&lt;/p&gt;", "R&amp;D &lt;!x", 1 }, r2 = { "", "", 1 };
	const struct rendered *entries[] = { &r1, &r2 };
	struct config	*cfg;
	struct buf	 out = BUF_INIT;
	json_error_t	 err;
	json_t		*doc, *items, *it, *a;
	char		 date[64];

	cfg = test_config("url: https://example.org\nbaseurl: /blog\n"
	    "title: \"T <&>\"\nlang: zh-CN\ntimezone: Asia/Shanghai\n", NULL,
	    NULL);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	datetime_set_zone(cfg->timezone);
	p1.title = "R&D \"quoted\" </script>";
	p1.date = 1700000000;
	p1.updated = 1700003600;
	p1.categories = cats;
	p1.tags = tags;
	p1.url = "https://example.org/blog/a.html";
	p1.id = "https://example.org/blog/a";
	p1.authors = &who;
	p1.nauthors = 1;
	p1.image = "https://example.org/i.png";
	p2.title = "two";
	p2.date = p2.updated = 1600000000;
	p2.categories = cats;
	p2.tags = none;
	p2.url = "https://example.org/blog/b.html";
	p2.id = "https://example.org/blog/b";
	CHECK(jsonfeed_render(cfg, &f, "feed/财经.json", entries, &out) == 0);
	doc = json_loadb(out.data, out.len, 0, &err);
	CHECK(doc != NULL);
	if (doc == NULL) {
		fprintf(stderr, "%s: %s\n", err.text, out.data);
		return;
	}
	CHECK_STR(str(doc, "version"), "https://jsonfeed.org/version/1.1");
	CHECK_STR(str(doc, "title"), "T <&> | 财经");
	CHECK_STR(str(doc, "home_page_url"), "https://example.org/blog/");
	CHECK_STR(str(doc, "feed_url"),
	    "https://example.org/blog/feed/%E8%B4%A2%E7%BB%8F.json");
	CHECK_STR(str(doc, "language"), "zh-CN");
	a = json_array_get(json_object_get(doc, "authors"), 0);
	CHECK_STR(str(a, "name"), "T <&>");
	items = json_object_get(doc, "items");
	CHECK(json_array_size(items) == 2);
	it = json_array_get(items, 0);
	CHECK_STR(str(it, "id"), "https://example.org/blog/a");
	CHECK_STR(str(it, "url"), "https://example.org/blog/a.html");
	CHECK_STR(str(it, "title"), "R&D \"quoted\" </script>");
	CHECK_STR(str(it, "content_html"), "<p>R&amp;D & <b>x</b></p>");
	CHECK_STR(str(it, "summary"), "R&D <!x");
	CHECK_STR(str(it, "image"), "https://example.org/i.png");
	datetime_rfc3339(1700000000, date, sizeof date);
	CHECK_STR(str(it, "date_published"), date);
	CHECK_STR(date, "2023-11-15T06:13:20+08:00");
	datetime_rfc3339(1700003600, date, sizeof date);
	CHECK_STR(str(it, "date_modified"), date);
	a = json_array_get(json_object_get(it, "authors"), 0);
	CHECK_STR(str(a, "name"), "Ann \"A\" <x>");
	CHECK_STR(str(a, "url"), "https://ann.example");
	/* Tags that are also categories appear once, as in Atom. */
	CHECK(json_array_size(json_object_get(it, "tags")) == 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(it, "tags"),
	    1)), "a\"b");
	/* Content is required: an empty body is still content. */
	it = json_array_get(items, 1);
	CHECK_STR(str(it, "content_html"), "");
	CHECK(json_object_get(it, "summary") == NULL);
	CHECK(json_object_get(it, "authors") == NULL);
	json_decref(doc);

	/* excerpt_only: no content_html; the summary is the content. */
	cfg->excerpt_only = 1;
	buf_reset(&out);
	CHECK(jsonfeed_render(cfg, &f, "feed/x.json", entries, &out) == 0);
	doc = json_loadb(out.data, out.len, 0, &err);
	it = json_array_get(json_object_get(doc, "items"), 0);
	CHECK(json_object_get(it, "content_html") == NULL);
	CHECK_STR(str(it, "content_text"), "R&D <!x");
	json_decref(doc);
	buf_free(&out);
	config_free(cfg);
}

int
main(void)
{
	check_unescape();
	check_render();
	return (test_status());
}
