/*
 * The HTML page of feeds.
 */
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "feedname.h"
#include "feedspage.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* Kept short: the page must load fast with thousands of rows. */
static const char style[] =
    "body{font-family:sans-serif;margin:1em auto;max-width:60em;"
    "padding:0 1em}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.2em .5em;"
    "border-bottom:1px solid #ddd}"
    "td.n{text-align:right}"
    "input{font-size:1em;width:20em;max-width:100%}";

/*
 * Filters the rows by every word typed (or given as ?q=), matching names
 * without regard to case.
 */
static const char script[] =
    "(function () {\n"
    "  var q = document.getElementById(\"q\");\n"
    "  var count = document.getElementById(\"count\");\n"
    "  var rows = document.querySelectorAll(\"tr[data-name]\");\n"
    "  var names = [];\n"
    "  for (var i = 0; i < rows.length; i++)\n"
    "    names.push(rows[i].getAttribute(\"data-name\").toLowerCase());\n"
    "  function filter() {\n"
    "    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);\n"
    "    var shown = 0;\n"
    "    for (var i = 0; i < rows.length; i++) {\n"
    "      var hit = words.every(function (w) {\n"
    "        return names[i].indexOf(w) !== -1;\n"
    "      });\n"
    "      rows[i].hidden = !hit;\n"
    "      if (hit)\n"
    "        shown++;\n"
    "    }\n"
    "    count.textContent = shown + \" of \" + rows.length + \" feeds\";\n"
    "  }\n"
    "  var m = /[?&]q=([^&]*)/.exec(location.search);\n"
    "  if (m)\n"
    "    q.value = decodeURIComponent(m[1].replace(/\\+/g, \" \"));\n"
    "  q.addEventListener(\"input\", filter);\n"
    "  filter();\n"
    "})();\n";

static const char *const kind_names[] = { "site", "category", "tag" };

static xmlNodePtr add(xmlNodePtr, const char *, const char *);
static void	 set(xmlNodePtr, const char *, const char *);
static char	*href(const char *, const char *);
static void	 row(const struct config *, xmlNodePtr, const char *,
		    const struct listed_feed *);

/* A child element, with text content (escaped when written) or none. */
static xmlNodePtr
add(xmlNodePtr parent, const char *name, const char *text)
{
	char		*c = text != NULL ? text_xml_cleaned(text) : NULL;
	xmlNodePtr	 node;

	node = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST c);
	free(c);
	return (node);
}

/* An attribute, escaped when written. */
static void
set(xmlNodePtr node, const char *name, const char *value)
{
	char	*c = text_xml_cleaned(value);

	xmlSetProp(node, BAD_CAST name, BAD_CAST c);
	free(c);
}

/* The link from the page (up is "../" per folder) to a file (new). */
static char *
href(const char *up, const char *rel)
{
	struct buf	 b = BUF_INIT;

	buf_adds(&b, up);
	url_escape_path(&b, rel);
	return (buf_take(&b));
}

/* One feed's row. */
static void
row(const struct config *cfg, xmlNodePtr tbody, const char *up,
    const struct listed_feed *l)
{
	const struct feed f = { .kind = l->kind, .name = (char *)l->name };
	xmlNodePtr	 tr, td, a, t;
	char		*alloc, *link, date[64], count[32];
	const char	*title;
	size_t		 k;
	int		 first = 1;

	title = feedname_title(cfg, &f, &alloc);
	tr = add(tbody, "tr", NULL);
	set(tr, "data-name", l->name != NULL ? l->name : title);
	add(tr, "td", l->name != NULL ? l->name : title);
	add(tr, "td", kind_names[l->kind]);
	snprintf(count, sizeof count, "%zu", l->posts);
	td = add(tr, "td", count);
	set(td, "class", "n");
	td = add(tr, "td", NULL);
	if (l->posts > 0) {
		datetime_rfc3339(l->newest, date, sizeof date);
		t = add(td, "time", NULL);
		set(t, "datetime", date);
		/* "2024-05-01T09:30:00+08:00" shown as "2024-05-01 09:30". */
		date[10] = ' ';
		date[16] = '\0';
		xmlNodeAddContent(t, BAD_CAST date);
	}
	td = add(tr, "td", NULL);
	for (k = 0; k < DISCOVERY_NFORMATS; k++) {
		if (l->paths[k] == NULL)
			continue;
		if (!first)
			xmlNodeAddContent(td, BAD_CAST " ");
		first = 0;
		link = href(up, l->paths[k]);
		a = add(td, "a", discovery_formats[k].label);
		set(a, "href", link);
		set(a, "type", discovery_formats[k].mime);
		set(a, "title", title);
		free(link);
	}
	free(alloc);
}

/* Render the page. */
int
feedspage_render(const struct config *cfg, const struct listed_feed *list,
    size_t n, struct buf *out)
{
	static const char *const heads[] = { "Name", "Kind", "Posts",
	    "Newest post", "Subscribe" };
	const struct feed site = { .kind = FEED_SITE };
	struct buf	 up = BUF_INIT;
	xmlDocPtr	 doc;
	xmlNodePtr	 html, head, body, node, p, table, tr;
	xmlOutputBufferPtr ob;
	const char	*s;
	char		*alloc, *title, *link;
	size_t		 i, k;
	int		 rc;

	buf_add(&up, "", 0);
	for (s = cfg->discovery_dir; s != NULL; s = strchr(s + 1, '/'))
		buf_adds(&up, "../");
	if ((doc = htmlNewDocNoDtD(NULL, NULL)) == NULL) {
		buf_free(&up);
		return (-1);
	}
	/* UTF-8 as is: without an encoding, libxml2 writes non-ASCII
	 * characters as references, and a Chinese page triples in size. */
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL);
	html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(doc, html);
	if (cfg->lang != NULL)
		set(html, "lang", cfg->lang);
	head = add(html, "head", NULL);
	node = add(head, "meta", NULL);
	set(node, "charset", "utf-8");
	node = add(head, "meta", NULL);
	set(node, "name", "viewport");
	set(node, "content", "width=device-width, initial-scale=1");
	xasprintf(&title, "Feeds of %s", feedname_title(cfg, &site, &alloc));
	add(head, "title", title);
	for (i = 0; i < n && list[i].kind == FEED_SITE; i++) {
		for (k = 0; k < DISCOVERY_NFORMATS; k++) {
			if (list[i].paths[k] == NULL)
				continue;
			link = href(up.data, list[i].paths[k]);
			node = add(head, "link", NULL);
			set(node, "rel", "alternate");
			set(node, "type", discovery_formats[k].mime);
			set(node, "href", link);
			free(link);
		}
	}
	add(head, "style", style);
	body = add(html, "body", NULL);
	add(body, "h1", title);
	p = add(body, "p", NULL);
	xmlNodeAddContent(p, BAD_CAST "Every feed of the site, with its "
	    "number of posts and the date of the newest. Also as ");
	node = add(p, "a", "OPML");
	set(node, "href", discovery_name(DISCOVERY_OPML));
	set(node, "type", "text/x-opml");
	xmlNodeAddContent(p, BAD_CAST " (to import into a feed reader) and ");
	node = add(p, "a", "JSON");
	set(node, "href", discovery_name(DISCOVERY_INDEX));
	set(node, "type", "application/json");
	xmlNodeAddContent(p, BAD_CAST ".");
	p = add(body, "p", NULL);
	node = add(p, "label", "Find by name: ");
	node = add(node, "input", NULL);
	set(node, "type", "search");
	set(node, "id", "q");
	set(node, "autocomplete", "off");
	xmlNodeAddContent(p, BAD_CAST " ");
	node = add(p, "span", NULL);
	set(node, "id", "count");
	table = add(body, "table", NULL);
	tr = add(add(table, "thead", NULL), "tr", NULL);
	for (i = 0; i < sizeof heads / sizeof heads[0]; i++)
		add(tr, "th", heads[i]);
	node = add(table, "tbody", NULL);
	for (i = 0; i < n; i++)
		row(cfg, node, up.data, &list[i]);
	add(body, "script", script);
	free(title);
	free(alloc);
	buf_free(&up);

	if ((ob = xmlAllocOutputBuffer(NULL)) == NULL) {
		xmlFreeDoc(doc);
		return (-1);
	}
	htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 1);
	rc = xmlOutputBufferFlush(ob) < 0 ? -1 : 0;
	if (rc == 0)
		buf_add(out, xmlOutputBufferGetContent(ob),
		    xmlOutputBufferGetSize(ob));
	xmlOutputBufferClose(ob);
	xmlFreeDoc(doc);
	return (rc);
}
