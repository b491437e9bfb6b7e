/*
 * fuzz_feed: the whole path from one post file to its feeds.  Each input
 * is written as _posts/2022-01-01-fuzz.md and loaded; the post goes into
 * an index (published: now is INT64_MAX), its bodies are rendered through
 * an rcache, and the site feed and the first few category and tag feeds
 * are rendered as Atom, RSS and JSON Feed with feedwrite_render.
 *
 * Oracle: besides the sanitizers, every feed must render, render to the
 * same bytes a second time, and parse with libxml2 without a single
 * error; its root is <feed> (Atom) or <rss> (RSS); it holds exactly one
 * <entry> (<item>), whose <id> (<guid>) text is the post's id, byte for
 * byte when the id is already valid XML text, else as the writer cleans
 * it (text_xml_clean).  A JSON Feed must parse with jansson, its one
 * item holding the same id and content.  Any breach aborts.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "../../src/buf.h"
#include "../../src/config.h"
#include "../../src/feedname.h"
#include "../../src/feedwrite.h"
#include "../../src/index.h"
#include "../../src/log.h"
#include "../../src/post.h"
#include "../../src/rcache.h"
#include "../../src/text.h"
#include "../../src/xmalloc.h"
#include "fuzzsite.h"

/* Feeds rendered per input: the site feed and a few others. */
#define MAX_FEEDS	5

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	*cfg;
static char		*post_path;
static struct buf	 scratch = BUF_INIT;
static int		 xml_errors;
static char		 xml_first_error[512];

static void	fail(const char *, const struct buf *, const char *, ...)
		    __attribute__((__format__(printf, 3, 4), __noreturn__));
static void	on_xml_error(void *, xmlErrorPtr);
static xmlNodePtr child(xmlNodePtr, const char *, size_t *);
static void	check_xml(const char *, enum feed_format, const struct buf *,
		    const char *);
static void	check_json(const char *, const struct buf *, const char *);
static void	render_feed(struct rcache *, const struct feed *,
		    const char *);

/* Print the failure and the feed, and abort so libFuzzer keeps the input. */
static void
fail(const char *selfpath, const struct buf *out, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "fuzz_feed: oracle failed for %s: ", selfpath);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out != NULL && out->len > 0)
		fprintf(stderr, "---- feed (%zu bytes)\n%.*s\n----\n", out->len,
		    out->len > 65536 ? 65536 : (int)out->len, out->data);
	abort();
}

/* libxml2 structured error handler: count errors, keep the first. */
static void
on_xml_error(void *arg, xmlErrorPtr e)
{
	(void)arg;
	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (xml_errors++ == 0)
		snprintf(xml_first_error, sizeof xml_first_error,
		    "line %d: %s", e->line, e->message != NULL ? e->message :
		    "(no message)");
}

/* The first element child of parent named name; *count gets how many. */
static xmlNodePtr
child(xmlNodePtr parent, const char *name, size_t *count)
{
	xmlNodePtr	 n, first = NULL;

	*count = 0;
	for (n = parent->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    !xmlStrEqual(n->name, BAD_CAST name))
			continue;
		if (first == NULL)
			first = n;
		(*count)++;
	}
	return (first);
}

/* Parse one rendered feed and check its shape and entry id. */
static void
check_xml(const char *selfpath, enum feed_format format,
    const struct buf *out, const char *want_id)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, parent, entry, id;
	xmlChar		*text;
	size_t		 n;
	int		 atom = format == FORMAT_ATOM;

	xml_errors = 0;
	xml_first_error[0] = '\0';
	xmlSetStructuredErrorFunc(NULL, on_xml_error);
	doc = xmlReadMemory(out->data, (int)out->len, selfpath, NULL,
	    XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || xml_errors > 0)
		fail(selfpath, out, "not well-formed XML (%d errors): %s",
		    xml_errors, xml_first_error);
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !xmlStrEqual(root->name,
	    BAD_CAST (atom ? "feed" : "rss")))
		fail(selfpath, out, "wrong root element");
	parent = root;
	if (!atom && (parent = child(root, "channel", &n)) == NULL)
		fail(selfpath, out, "no <channel>");
	entry = child(parent, atom ? "entry" : "item", &n);
	if (n != 1)
		fail(selfpath, out, "%zu entries, not 1", n);
	id = child(entry, atom ? "id" : "guid", &n);
	if (n != 1)
		fail(selfpath, out, "%zu ids in the entry, not 1", n);
	text = xmlNodeGetContent(id);
	if (text == NULL || *text == '\0')
		fail(selfpath, out, "empty entry id");
	if (strcmp((const char *)text, want_id) != 0)
		fail(selfpath, out, "entry id \"%s\", want \"%s\"",
		    (const char *)text, want_id);
	xmlFree(text);
	xmlFreeDoc(doc);
}

/*
 * A JSON Feed must parse (jansson, strictly) and name the post's id in
 * its one item, with content.
 */
static void
check_json(const char *path, const struct buf *out, const char *want_id)
{
	json_error_t	 err;
	json_t		*doc, *item;
	const char	*id;

	if ((doc = json_loadb(out->data, out->len, JSON_REJECT_DUPLICATES,
	    &err)) == NULL)
		fail(path, out, "not JSON: %s at %d", err.text, err.line);
	item = json_array_get(json_object_get(doc, "items"), 0);
	id = json_string_value(json_object_get(item, "id"));
	if (id == NULL || strcmp(id, want_id) != 0)
		fail(path, out, "item id \"%s\", expected \"%s\"",
		    id != NULL ? id : "(none)", want_id);
	if (json_object_get(item, "content_html") == NULL &&
	    json_object_get(item, "content_text") == NULL)
		fail(path, out, "an item without content");
	json_decref(doc);
}

/* Render one feed in every format and check each. */
static void
render_feed(struct rcache *rc, const struct feed *f, const char *want_id)
{
	static const enum feed_format formats[] = { FORMAT_ATOM, FORMAT_RSS,
	    FORMAT_JSON };
	const struct rendered *entries[1];
	struct buf	 out = BUF_INIT, again = BUF_INIT;
	struct feed_doc	 doc;
	size_t		 k;
	char		*selfpath;

	if (f->nposts != 1)
		fail("(feed)", NULL, "a feed of %zu posts, not 1", f->nposts);
	rcache_prepare(rc, cfg, NULL, f->posts, f->nposts);
	if ((entries[0] = rcache_peek(rc, f->posts[0])) == NULL)
		fail("(feed)", NULL, "rcache_peek found no rendering");
	for (k = 0; k < sizeof formats / sizeof formats[0]; k++) {
		selfpath = feedname_path(cfg, f, formats[k]);
		feedwrite_current(cfg, f, selfpath, &doc);
		buf_reset(&out);
		buf_reset(&again);
		if (feedwrite_render(cfg, f, formats[k], &doc, entries,
		    &out) != 0)
			fail(selfpath, NULL, "feedwrite_render failed");
		if (feedwrite_render(cfg, f, formats[k], &doc, entries,
		    &again) != 0 || again.len != out.len ||
		    memcmp(again.data, out.data, out.len) != 0)
			fail(selfpath, &out, "a second rendering differs");
		if (formats[k] == FORMAT_JSON)
			check_json(selfpath, &out, want_id);
		else
			check_xml(selfpath, formats[k], &out, want_id);
		free(selfpath);
	}
	buf_free(&out);
	buf_free(&again);
}

/* Make the site, load its config, set libxml2 up. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_feed", LOG_QUIET);
	feedwrite_init();
	fuzzsite_create(
	    "url: https://ex.com\n"
	    "baseurl: /news\n"
	    "title: Fuzz & <feeds>\n"
	    "description: every post, every feed\n"
	    "lang: zh-CN\n"
	    "timezone: Asia/Shanghai\n"
	    "author:\n"
	    "  name: Fuzz\n"
	    "  email: fuzz@ex.com\n");
	cfg = fuzzsite_config();
	post_path = fuzzsite_path(FUZZ_POST_REL);
	return (0);
}

/* Load one input as a post and render every feed it is in. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct post	*post = NULL;
	struct index	*idx;
	struct rcache	*rc;
	struct feed	**feeds;
	char		*cause = NULL, *warning = NULL, *want_id;
	size_t		 i, n;

	fuzzsite_write(post_path, data, size);
	if (post_load(cfg, post_path, FUZZ_POST_REL, &scratch, &post, &cause,
	    &warning, NULL) != POST_OK) {
		post_free(post);
		free(cause);
		free(warning);
		return (0);
	}
	free(cause);
	free(warning);
	if (text_xml_is_clean(post->id, strlen(post->id)))
		want_id = xstrdup(post->id);
	else
		want_id = text_xml_clean(post->id, strlen(post->id), NULL);

	idx = index_create();
	index_add(idx, post, INT64_MAX);
	feeds = index_feeds(idx, &n);
	if (n == 0 || feeds[0]->kind != FEED_SITE)
		fail("(index)", NULL, "no site feed first");
	rc = rcache_create(8 * 1024 * 1024);
	for (i = 0; i < n && i < MAX_FEEDS; i++)
		render_feed(rc, feeds[i], want_id);
	rcache_free(rc);
	free(feeds);
	index_free(idx);
	free(want_id);
	return (0);
}
