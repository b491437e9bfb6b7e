/*
 * discovery: the lists of feeds.  Their folder must never hold a feed,
 * whatever the names of categories and tags and however the paths are
 * configured, and what they say about each feed must survive any name:
 * read back with jansson and libxml2, never compared by eye.
 */
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/datetime.h"
#include "../../src/discovery.h"
#include "testcfg.h"
#include "test.h"

static void	check_paths(void);
static void	check_render(void);
static int	count(xmlDocPtr, const char *);

/* Configurations whose feed paths could or could not reach the folder. */
static void
check_paths(void)
{
	static const struct {
		const char	*admin;
		int		 ok;
	} cases[] = {
		{ "feedd: {}\n", 1 },
		{ "feedd: {category_path: \"{name}.xml\"}\n", 1 },
		{ "feedd: {category_path: \"{name}/index.xml\"}\n", 0 },
		{ "feedd: {category_path: \"fee{name}/index.xml\"}\n", 0 },
		{ "feedd: {category_path: \"{name}s/index.xml\"}\n", 0 },
		{ "feedd: {category_path: \"{name}x/index.xml\"}\n", 1 },
		{ "feedd: {tag_path: \"feeds/{name}.xml\"}\n", 0 },
		{ "feedd: {tag_path: \"feeds/x/{name}.xml\"}\n", 0 },
		{ "feedd: {tag_path: \"feedsx/{name}.xml\"}\n", 1 },
		{ "feedd: {tag_path: \"{name}\"}\n", 0 },
		{ "feed: {path: feeds/all.xml}\n", 0 },
		{ "feed: {path: feeds}\n", 0 },
		{ "feed: {path: feeds.xml}\n", 1 },
		{ "feedd: {discovery: feed}\n", 0 },
		{ "feedd: {discovery: feed/by_tag}\n", 0 },
		{ "feedd: {discovery: list}\n", 1 },
		{ "feedd: {discovery: \"a/b\", category_path: \"{name}\"}\n", 0 },
		{ "feedd: {discovery: \"a/b\", category_path: \"{name}.xml\"}\n",
		    1 },
		{ "feedd: {discovery: false, category_path: \"feeds/{name}\"}\n",
		    1 },
		{ "feedd: {discovery: ../x}\n", 0 },
		{ "feedd: {discovery: .feedd}\n", 0 },
		{ "feedd: {discovery: \"\"}\n", 0 },
		{ "feedd: {discovery: \"/\"}\n", 0 },
	};
	struct config	*cfg;
	char		*errors;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		errors = NULL;
		cfg = test_config(NULL, cases[i].admin, &errors);
		if ((cfg != NULL) != cases[i].ok) {
			fprintf(stderr, "%s: %s, expected %s (%s)\n",
			    cases[i].admin, cfg != NULL ? "accepted" :
			    "refused", cases[i].ok ? "accepted" : "refused",
			    errors != NULL ? errors : "");
			test_failures++;
		} else if (cfg == NULL)
			CHECK(errors != NULL && strstr(errors,
			    "feedd.discovery") != NULL);
		free(errors);
		config_free(cfg);
	}
}

/* Nodes matching an XPath expression. */
static int
count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	int		 n = res != NULL && res->nodesetval != NULL ?
	    res->nodesetval->nodeNr : -1;

	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return (n);
}

/* Every file, for a site feed, a category "a/b" and a tag of markup. */
static void
check_render(void)
{
	struct listed_feed list[3] = {
		{ FEED_SITE, NULL, 12, 10, 1700000000,
		    { "feed.xml", "feed.rss", NULL } },
		{ FEED_CATEGORY, "a/b", 1, 1, 1600000000,
		    { "feed/a%2Fb.xml", "feed/a%2Fb.rss", NULL } },
		{ FEED_TAG, "<&\"'>", 3, 3, 1650000000,
		    { "feed/by_tag/<&\"'>.xml", NULL, NULL } },
	};
	struct config	*cfg;
	struct buf	 out = BUF_INIT;
	json_t		*doc, *f;
	json_error_t	 err;
	xmlDocPtr	 x;
	char		*s;

	cfg = test_config("url: https://example.org\nbaseurl: /blog\n"
	    "title: \"S&P\"\ntimezone: UTC\n", NULL, NULL);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	datetime_set_zone(cfg->timezone);

	CHECK(discovery_render(cfg, DISCOVERY_INDEX, list, 3, &out) == 0);
	doc = json_loadb(out.data, out.len, 0, &err);
	CHECK(doc != NULL);
	CHECK(json_array_size(json_object_get(doc, "feeds")) == 3);
	f = json_array_get(json_object_get(doc, "feeds"), 1);
	CHECK_STR(json_string_value(json_object_get(f, "kind")), "category");
	CHECK_STR(json_string_value(json_object_get(f, "name")), "a/b");
	CHECK(json_integer_value(json_object_get(f, "posts")) == 1);
	CHECK_STR(json_string_value(json_object_get(f, "newest")),
	    "2020-09-13T12:26:40+00:00");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f,
	    "files"), "rss")), "feed/a%2Fb.rss");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f,
	    "urls"), "atom")), "https://example.org/blog/feed/a%252Fb.xml");
	CHECK(json_object_get(json_object_get(f, "files"), "json") == NULL);
	f = json_array_get(json_object_get(doc, "feeds"), 0);
	CHECK(json_is_null(json_object_get(f, "name")));
	json_decref(doc);

	buf_reset(&out);
	CHECK(discovery_render(cfg, DISCOVERY_OPML, list, 3, &out) == 0);
	x = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	CHECK(x != NULL);
	CHECK(count(x, "/opml[@version='2.0']/head/title") == 1);
	CHECK(count(x, "/opml/body/outline") == 3);
	CHECK(count(x, "//outline[@type='rss' and @xmlUrl and @htmlUrl and "
	    "@text and @title]") == 3);
	CHECK(count(x, "/opml/body/outline[@text='Tags']/outline[@title="
	    "concat('S&P | <&', '\"', \"'>\")]") == 1);
	xmlFreeDoc(x);

	buf_reset(&out);
	CHECK(discovery_render(cfg, DISCOVERY_HEAD, list, 3, &out) == 0);
	doc = json_loadb(out.data, out.len, 0, &err);
	CHECK(doc != NULL);
	s = (char *)json_string_value(json_object_get(json_object_get(doc,
	    "tags"), "<&\"'>"));
	CHECK(s != NULL && strstr(s, "title=\"S&amp;P | &lt;&amp;&quot;'&gt;\"")
	    != NULL && strchr(s, '\n') == s + strlen(s) - 1);
	s = (char *)json_string_value(json_object_get(doc, "site"));
	CHECK_STR(s, "<link rel=\"alternate\" type=\"application/atom+xml\" "
	    "title=\"S&amp;P\" href=\"https://example.org/blog/feed.xml\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\"S&amp;P (RSS)\" href=\"https://example.org/blog/feed.rss\">"
	    "\n");
	json_decref(doc);

	buf_reset(&out);
	CHECK(discovery_render(cfg, DISCOVERY_PAGE, list, 3, &out) == 0);
	CHECK(strncmp(out.data, "<!DOCTYPE html>", 15) == 0);
	x = htmlReadMemory(out.data, (int)out.len, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	CHECK(x != NULL);
	CHECK(count(x, "//tr[@data-name]") == 3);
	CHECK(count(x, "//tr[@data-name='a/b']//a[@href='../feed/a%252Fb.xml']")
	    == 1);
	CHECK(count(x, "//tr[@data-name=concat('<&', '\"', \"'>\")]") == 1);
	CHECK(count(x, "//a[@type='application/atom+xml']") == 3);
	CHECK(count(x, "//script") == 1 && count(x, "//input[@id='q']") == 1);
	xmlFreeDoc(x);
	buf_free(&out);
	config_free(cfg);
}

int
main(void)
{
	check_paths();
	check_render();
	return (test_status());
}
