/*
 * The index, OPML and autodiscovery files, and the checks that keep feed
 * paths out of their folder.
 */
#include <jansson.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "discovery.h"
#include "feedname.h"
#include "feedspage.h"
#include "jsonfeed.h"
#include "permalink.h"
#include "text.h"
#include "xmalloc.h"

const struct discovery_format discovery_formats[DISCOVERY_NFORMATS] = {
	{ FORMAT_ATOM, "atom", "Atom", "application/atom+xml" },
	{ FORMAT_RSS, "rss", "RSS", "application/rss+xml" },
	{ FORMAT_JSON, "json", "JSON Feed", "application/feed+json" },
};

static const char *const names[DISCOVERY_NFILES] = {
	"index.html", "index.json", "feeds.opml", "autodiscovery.json",
};

/* The groups of feeds, in list order. */
static const char *const kind_keys[] = { "site", "category", "tag" };
static const char *const group_titles[] = { "Site", "Categories", "Tags" };

static json_t	*feed_object(const struct config *,
		    const struct listed_feed *);
static int	 render_index(const struct config *,
		    const struct listed_feed *, size_t, struct buf *);
static void	 write_links(const struct config *, const struct listed_feed *,
		    xmlDocPtr, xmlOutputBufferPtr);
static int	 render_head(const struct config *,
		    const struct listed_feed *, size_t, struct buf *);
static int	 render_opml(const struct config *,
		    const struct listed_feed *, size_t, struct buf *);
static int	 fills(const char *, const char *, const char *, const char *);
static const char *check_target(const char *, const char *, int);

/* The file's name. */
const char *
discovery_name(enum discovery_file which)
{
	return (names[which]);
}

/* The index entry of one feed. */
static json_t *
feed_object(const struct config *cfg, const struct listed_feed *l)
{
	const struct feed f = { .kind = l->kind, .name = (char *)l->name };
	json_t	*o = json_object(), *files = json_object();
	json_t	*urls = json_object();
	char	*alloc, *url, date[64];
	size_t	 k;

	json_object_set_new(o, "kind", json_string(kind_keys[l->kind]));
	json_object_set_new(o, "name", l->name != NULL ? jsonfeed_text(l->name) :
	    json_null());
	json_object_set_new(o, "title", jsonfeed_text(feedname_title(cfg, &f,
	    &alloc)));
	free(alloc);
	json_object_set_new(o, "posts", json_integer((json_int_t)l->posts));
	json_object_set_new(o, "entries",
	    json_integer((json_int_t)l->entries));
	if (l->posts > 0) {
		datetime_rfc3339(l->newest, date, sizeof date);
		json_object_set_new(o, "newest", json_string(date));
	} else
		json_object_set_new(o, "newest", json_null());
	for (k = 0; k < DISCOVERY_NFORMATS; k++) {
		if (l->paths[k] == NULL)
			continue;
		json_object_set_new(files, discovery_formats[k].key,
		    jsonfeed_text(l->paths[k]));
		url = feedname_url(cfg->url, cfg, l->paths[k]);
		json_object_set_new(urls, discovery_formats[k].key,
		    jsonfeed_text(url));
		free(url);
	}
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "urls", urls);
	return (o);
}

/* index.json: every feed, for programs. */
static int
render_index(const struct config *cfg, const struct listed_feed *list,
    size_t n, struct buf *out)
{
	const struct feed site = { .kind = FEED_SITE };
	json_t	*doc = json_object(), *feeds = json_array();
	char	*alloc, *home;
	size_t	 i;

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "title", jsonfeed_text(feedname_title(cfg, &site,
	    &alloc)));
	home = permalink_absolute(cfg->url, cfg->baseurl, "/");
	json_object_set_new(doc, "home_page_url", jsonfeed_text(home));
	free(home);
	for (i = 0; i < n; i++)
		json_array_append_new(feeds, feed_object(cfg, &list[i]));
	json_object_set_new(doc, "feeds", feeds);
	return (jsonfeed_dump(doc, 1, out));
}

/*
 * The <link rel="alternate"> lines of one feed, one per format, as the
 * <head> of an HTML page holds them; serialised by libxml2 (through ob,
 * for doc, an HTML document in UTF-8), so every title and URL is escaped.
 */
static void
write_links(const struct config *cfg, const struct listed_feed *l,
    xmlDocPtr doc, xmlOutputBufferPtr ob)
{
	const struct feed f = { .kind = l->kind, .name = (char *)l->name };
	xmlNodePtr	 link;
	const char	*title;
	char		*alloc, *url, *label, *clean = NULL;
	size_t		 k;

	title = feedname_title(cfg, &f, &alloc);
	if (!text_xml_is_clean(title, strlen(title)))
		title = clean = text_xml_clean(title, strlen(title), NULL);
	for (k = 0; k < DISCOVERY_NFORMATS; k++) {
		if (l->paths[k] == NULL)
			continue;
		url = feedname_url(cfg->url, cfg, l->paths[k]);
		/* Browsers list them by title: say which is which. */
		if (k == 0)
			label = xstrdup(title);
		else
			xasprintf(&label, "%s (%s)", title,
			    discovery_formats[k].label);
		link = xmlNewDocNode(doc, NULL, BAD_CAST "link", NULL);
		xmlSetProp(link, BAD_CAST "rel", BAD_CAST "alternate");
		xmlSetProp(link, BAD_CAST "type",
		    BAD_CAST discovery_formats[k].mime);
		xmlSetProp(link, BAD_CAST "title", BAD_CAST label);
		xmlSetProp(link, BAD_CAST "href", BAD_CAST url);
		htmlNodeDumpFormatOutput(ob, doc, link, "UTF-8", 0);
		xmlOutputBufferWrite(ob, 1, "\n");
		xmlFreeNode(link);
		free(label);
		free(url);
	}
	free(clean);
	free(alloc);
}

/*
 * autodiscovery.json: the <link> lines of the site feed, and of each
 * category and tag by name, for a Jekyll layout to print from site.data.
 */
static int
render_head(const struct config *cfg, const struct listed_feed *list,
    size_t n, struct buf *out)
{
	xmlOutputBufferPtr ob;
	xmlDocPtr	 doc;
	json_t		*head = json_object(), *cats = json_object();
	json_t		*tags = json_object(), *target, *links;
	char		*name;
	size_t		 i;
	int		 rc = 0;

	if ((doc = htmlNewDocNoDtD(NULL, NULL)) == NULL) {
		json_decref(head);
		return (-1);
	}
	/* UTF-8 as is, not as character references. */
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	for (i = 0; i < n && rc == 0; i++) {
		if ((ob = xmlAllocOutputBuffer(NULL)) == NULL) {
			rc = -1;
			break;
		}
		write_links(cfg, &list[i], doc, ob);
		if (xmlOutputBufferFlush(ob) < 0)
			rc = -1;
		else {
			links = json_stringn((const char *)
			    xmlOutputBufferGetContent(ob),
			    xmlOutputBufferGetSize(ob));
			target = list[i].kind == FEED_SITE ? NULL :
			    list[i].kind == FEED_CATEGORY ? cats : tags;
			if (target == NULL)
				json_object_set_new(head, "site", links);
			else {
				name = text_xml_cleaned(list[i].name);
				json_object_set_new(target, name, links);
				free(name);
			}
		}
		xmlOutputBufferClose(ob);
	}
	xmlFreeDoc(doc);
	json_object_set_new(head, "categories", cats);
	json_object_set_new(head, "tags", tags);
	if (rc != 0) {
		json_decref(head);
		return (-1);
	}
	return (jsonfeed_dump(head, 1, out));
}

/* feeds.opml: an OPML 2.0 subscription list, grouped by kind. */
static int
render_opml(const struct config *cfg, const struct listed_feed *list,
    size_t n, struct buf *out)
{
	const struct feed site = { .kind = FEED_SITE };
	xmlBufferPtr	 xb;
	xmlTextWriterPtr w;
	int64_t		 newest = INT64_MIN;
	char		*alloc, *title, *home, *url, *clean, date[64];
	const char	*t;
	size_t		 i, k;
	int		 rc = 0, kind, open;

	if ((xb = xmlBufferCreate()) == NULL)
		return (-1);
	if ((w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		xmlBufferFree(xb);
		return (-1);
	}
#define W(call)	do { if ((call) < 0) rc = -1; } while (0)
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	for (i = 0; i < n; i++) {
		if (list[i].posts > 0 && list[i].newest > newest)
			newest = list[i].newest;
	}
	home = permalink_absolute(cfg->url, cfg->baseurl, "/");
	W(xmlTextWriterStartDocument(w, "1.0", "utf-8", NULL));
	W(xmlTextWriterStartElement(w, BAD_CAST "opml"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "2.0"));
	W(xmlTextWriterStartElement(w, BAD_CAST "head"));
	t = feedname_title(cfg, &site, &alloc);
	xasprintf(&title, "Feeds of %s", t);
	clean = text_xml_cleaned(title);
	W(xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST clean));
	free(clean);
	free(title);
	if (newest != INT64_MIN) {
		datetime_rfc822(newest, date, sizeof date);
		W(xmlTextWriterWriteElement(w, BAD_CAST "dateModified",
		    BAD_CAST date));
	}
	W(xmlTextWriterWriteElement(w, BAD_CAST "docs",
	    BAD_CAST "http://opml.org/spec2.opml"));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterStartElement(w, BAD_CAST "body"));
	for (kind = FEED_SITE; kind <= FEED_TAG; kind++) {
		open = 0;
		for (i = 0; i < n; i++) {
			const struct feed f = { .kind = list[i].kind,
			    .name = (char *)list[i].name };

			if ((int)list[i].kind != kind)
				continue;
			if (!open) {
				W(xmlTextWriterStartElement(w,
				    BAD_CAST "outline"));
				W(xmlTextWriterWriteAttribute(w, BAD_CAST "text",
				    BAD_CAST group_titles[kind]));
				open = 1;
			}
			/* One outline per feed: its first format. */
			for (k = 0; list[i].paths[k] == NULL; k++)
				;
			url = feedname_url(cfg->url, cfg, list[i].paths[k]);
			t = feedname_title(cfg, &f, &title);
			clean = text_xml_cleaned(t);
			W(xmlTextWriterStartElement(w, BAD_CAST "outline"));
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "type",
			    BAD_CAST "rss"));
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "text",
			    BAD_CAST clean));
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "title",
			    BAD_CAST clean));
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlUrl",
			    BAD_CAST url));
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "htmlUrl",
			    BAD_CAST home));
			W(xmlTextWriterEndElement(w));
			free(clean);
			free(title);
			free(url);
		}
		if (open)
			W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndDocument(w));
#undef W
	free(alloc);
	free(home);
	xmlFreeTextWriter(w);
	if (rc == 0)
		buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return (rc);
}

/* Render one of the files. */
int
discovery_render(const struct config *cfg, enum discovery_file which,
    const struct listed_feed *list, size_t n, struct buf *out)
{
	switch (which) {
	case DISCOVERY_PAGE:
		return (feedspage_render(cfg, list, n, out));
	case DISCOVERY_INDEX:
		return (render_index(cfg, list, n, out));
	case DISCOVERY_OPML:
		return (render_opml(cfg, list, n, out));
	case DISCOVERY_HEAD:
		return (render_head(cfg, list, n, out));
	default:
		return (-1);
	}
}

/*
 * Whether prefix + NAME + suffix can be exactly s for some name: s
 * begins with prefix and ends with suffix, with at least one byte, and
 * no '/', between them (names never hold a '/').
 */
static int
fills(const char *s, const char *prefix, const char *suffix,
    const char *suffix_end)
{
	size_t	 n = strlen(s), p = strlen(prefix);
	size_t	 q = (size_t)(suffix_end - suffix);
	const char *slash;

	if (n <= p + q || strncmp(s, prefix, p) != 0 ||
	    strncmp(s + n - q, suffix, q) != 0)
		return (0);
	slash = memchr(s + p, '/', n - p - q);
	return (slash == NULL);
}

/*
 * Whether path (with {name} when pattern) stays out of folder dir, for
 * any name: no file inside it, none where it or a folder above it must
 * be.  Returns NULL or a reason.
 */
static const char *
check_target(const char *dir, const char *path, int pattern)
{
	char		*prefix, *up, *cut;
	const char	*suffix, *slash, *why = NULL;
	size_t		 dn = strlen(dir);

	if (pattern) {
		suffix = strstr(path, "{name}");
		prefix = xstrndup(path, (size_t)(suffix - path));
		suffix += 6;
	} else {
		prefix = xstrdup(path);
		suffix = NULL;
	}
	if (strncmp(prefix, dir, dn) == 0 && prefix[dn] == '/')
		why = "feeds would be inside it";
	/* A name could make a folder of the feed's path the folder. */
	for (slash = suffix; why == NULL && slash != NULL &&
	    (slash = strchr(slash, '/')) != NULL; slash++) {
		if (fills(dir, prefix, suffix, slash))
			why = "a category or tag of some name would have its "
			    "feeds inside it";
	}
	/* A feed file where the folder, or one above it, must be. */
	up = xstrdup(dir);
	while (why == NULL) {
		if (pattern ? fills(up, prefix, suffix, suffix +
		    strlen(suffix)) : strcmp(up, prefix) == 0)
			why = "a feed would be where it or a folder above it "
			    "is";
		if ((cut = strrchr(up, '/')) == NULL)
			break;
		*cut = '\0';
	}
	free(up);
	free(prefix);
	return (why);
}

/* Whether every feed path keeps out of the discovery folder. */
const char *
discovery_check_paths(const struct config *cfg)
{
	const char	*paths[3] = { cfg->feed_path, cfg->category_path,
	    cfg->tag_path };
	const char	*why = NULL;
	char		*variant[3];
	size_t		 i, k;

	for (i = 0; i < 3 && why == NULL; i++) {
		variant[0] = xstrdup(paths[i]);
		variant[1] = feedname_rss_path(paths[i]);
		variant[2] = feedname_json_path(paths[i]);
		for (k = 0; k < 3 && why == NULL; k++)
			why = check_target(cfg->discovery_dir, variant[k],
			    i > 0);
		for (k = 0; k < 3; k++)
			free(variant[k]);
	}
	return (why);
}
