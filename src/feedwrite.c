/*
 * Atom and RSS rendering (JSON Feed is jsonfeed.c's).
 */
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "datetime.h"
#include "feedname.h"
#include "feedwrite.h"
#include "jsonfeed.h"
#include "permalink.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define NS_ATOM		"http://www.w3.org/2005/Atom"
#define NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_MEDIA	"http://search.yahoo.com/mrss/"
#define NS_HISTORY	"http://purl.org/syndication/history/1.0"
#define GENERATOR_URI	"https://github.com/feedd/feedd"

/* One render in progress; rc collects libxml2 failures. */
struct writer {
	xmlTextWriterPtr	 w;
	int			 rc;
};

static const char *clean(const char *, char **);
static void	start(struct writer *, const char *);
static void	end(struct writer *);
static void	attr(struct writer *, const char *, const char *);
static void	text(struct writer *, const char *);
static void	html_text(struct writer *, const char *);
static void	element(struct writer *, const char *, const char *);
static void	raw(struct writer *, const char *);
static void	raw_element(struct writer *, const char *, const char *);
static int64_t	feed_updated(const struct config *, const struct feed *,
		    const struct feed_doc *);
static void	atom_author(struct writer *, const struct author *);
static void	atom_entry(struct writer *, const struct config *,
		    const struct post *, const struct rendered *);
static void	rss_item(struct writer *, const struct post *,
		    const struct rendered *);
static void	render_atom(struct writer *, const struct config *,
		    const struct feed *, const struct feed_doc *,
		    const struct rendered *const *);
static void	render_rss(struct writer *, const struct config *,
		    const struct feed *, const struct feed_doc *,
		    const struct rendered *const *);
static void	history_links(struct writer *, const struct config *,
		    const struct feed_doc *, const char *);
static int	category_listed(char *const *, const char *);
static void	start_link(struct writer *, const char *, const char *,
		    const char *);
static void	hub_links(struct writer *, const struct config *, const char *);

/* Open an element. */
static void
start(struct writer *wr, const char *name)
{
	if (xmlTextWriterStartElement(wr->w, BAD_CAST name) < 0)
		wr->rc = -1;
}

/* Close the innermost element. */
static void
end(struct writer *wr)
{
	if (xmlTextWriterEndElement(wr->w) < 0)
		wr->rc = -1;
}

/* value as valid XML text: itself if clean, else a cleaned copy. */
static const char *
clean(const char *value, char **alloc)
{
	size_t	 len = strlen(value);

	*alloc = NULL;
	if (text_xml_is_clean(value, len))
		return (value);
	*alloc = text_xml_clean(value, len, NULL);
	return (*alloc);
}

/* Write an attribute with a cleaned value. */
static void
attr(struct writer *wr, const char *name, const char *value)
{
	char	*alloc;

	if (xmlTextWriterWriteAttribute(wr->w, BAD_CAST name,
	    BAD_CAST clean(value, &alloc)) < 0)
		wr->rc = -1;
	free(alloc);
}

/* Write cleaned, escaped text. */
static void
text(struct writer *wr, const char *value)
{
	char	*alloc;

	if (xmlTextWriterWriteString(wr->w, BAD_CAST clean(value,
	    &alloc)) < 0)
		wr->rc = -1;
	free(alloc);
}

/* Write plain text where HTML is read (type="html"). */
static void
html_text(struct writer *wr, const char *value)
{
	char	*safe = text_html_safe(value);

	text(wr, safe);
	free(safe);
}

/* Write text that is already valid and escaped. */
static void
raw(struct writer *wr, const char *xml)
{
	if (xmlTextWriterWriteRaw(wr->w, BAD_CAST xml) < 0)
		wr->rc = -1;
}

/* Write <name>xml</name> with xml already escaped. */
static void
raw_element(struct writer *wr, const char *name, const char *xml)
{
	start(wr, name);
	raw(wr, xml);
	end(wr);
}

/* Write <name>value</name>. */
static void
element(struct writer *wr, const char *name, const char *value)
{
	start(wr, name);
	text(wr, value);
	end(wr);
}

/*
 * The newest update among a document's posts; a feed without any is as
 * old as its configuration (never 1970, and stable from run to run).
 */
static int64_t
feed_updated(const struct config *cfg, const struct feed *f,
    const struct feed_doc *doc)
{
	int64_t	 newest = INT64_MIN;
	size_t	 i;

	for (i = doc->first; i < doc->first + doc->count; i++) {
		if (f->posts[i]->updated > newest)
			newest = f->posts[i]->updated;
		if (f->posts[i]->date > newest)
			newest = f->posts[i]->date;
	}
	return (doc->count > 0 ? newest : cfg->config_time);
}

/* <author> with name, email and uri as present. */
static void
atom_author(struct writer *wr, const struct author *a)
{
	if (a->name == NULL && a->email == NULL)
		return;
	start(wr, "author");
	element(wr, "name", a->name != NULL ? a->name : a->email);
	if (a->email != NULL)
		element(wr, "email", a->email);
	if (a->uri != NULL)
		element(wr, "uri", a->uri);
	end(wr);
}

/* Whether name is in list (tags that are also categories appear once). */
static int
category_listed(char *const *list, const char *name)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, name) == 0)
			return (1);
	}
	return (0);
}

/* Open a link element (Atom's link, RSS's atom:link) to href as rel. */
static void
start_link(struct writer *wr, const char *element, const char *href,
    const char *rel)
{
	start(wr, element);
	attr(wr, "href", href);
	attr(wr, "rel", rel);
}

/* A link to each WebSub hub, where subscribers find it (WebSub 4). */
static void
hub_links(struct writer *wr, const struct config *cfg, const char *element)
{
	char	**h;

	for (h = cfg->hubs; h != NULL && *h != NULL; h++) {
		start_link(wr, element, *h, "hub");
		end(wr);
	}
}

/*
 * RFC 5005's marks and links: an archive page is fh:archive and links its
 * current document; a document links the next older page; a current
 * document holding every post is fh:complete.
 */
static void
history_links(struct writer *wr, const struct config *cfg,
    const struct feed_doc *doc, const char *element)
{
	char	*url;

	if (cfg->archive == ARCHIVE_NONE)
		return;
	if (doc->current != NULL) {
		start(wr, "fh:archive");
		end(wr);
		url = feedname_url(cfg->url, cfg, doc->current);
		start_link(wr, element, url, "current");
		end(wr);
		free(url);
	} else if (doc->complete) {
		start(wr, "fh:complete");
		end(wr);
	}
	if (doc->prev_archive != NULL) {
		url = feedname_url(cfg->url, cfg, doc->prev_archive);
		start_link(wr, element, url, "prev-archive");
		end(wr);
		free(url);
	}
}

/* One Atom entry. */
static void
atom_entry(struct writer *wr, const struct config *cfg,
    const struct post *p, const struct rendered *r)
{
	char	 date[64];
	char *const *c;
	size_t	 i;

	start(wr, "entry");
	if (p->lang != NULL)
		attr(wr, "xml:lang", p->lang);
	start(wr, "title");
	attr(wr, "type", "html");
	html_text(wr, p->title);
	end(wr);
	start_link(wr, "link", p->url, "alternate");
	attr(wr, "type", "text/html");
	attr(wr, "title", p->title);
	end(wr);
	datetime_rfc3339(p->date, date, sizeof date);
	element(wr, "published", date);
	datetime_rfc3339(p->updated, date, sizeof date);
	element(wr, "updated", date);
	element(wr, "id", p->id);
	if (!cfg->excerpt_only) {
		start(wr, "content");
		attr(wr, "type", "html");
		attr(wr, "xml:base", p->url);
		raw(wr, r->content_xml);
		end(wr);
	}
	for (i = 0; i < p->nauthors; i++)
		atom_author(wr, &p->authors[i]);
	for (c = p->categories; *c != NULL; c++) {
		start(wr, "category");
		attr(wr, "term", *c);
		end(wr);
	}
	for (c = p->tags; *c != NULL; c++) {
		if (category_listed(p->categories, *c))
			continue;
		start(wr, "category");
		attr(wr, "term", *c);
		end(wr);
	}
	if (*r->summary_xml != '\0') {
		start(wr, "summary");
		attr(wr, "type", "html");
		raw(wr, r->summary_xml);
		end(wr);
	}
	if (p->image != NULL) {
		start(wr, "media:thumbnail");
		attr(wr, "xmlns:media", NS_MEDIA);
		attr(wr, "url", p->image);
		end(wr);
		start(wr, "media:content");
		attr(wr, "xmlns:media", NS_MEDIA);
		attr(wr, "medium", "image");
		attr(wr, "url", p->image);
		end(wr);
	}
	end(wr);
}

/* A document of an Atom feed. */
static void
render_atom(struct writer *wr, const struct config *cfg,
    const struct feed *f, const struct feed_doc *doc,
    const struct rendered *const *entries)
{
	char	*self, *id, *home, *alloc, date[64];
	struct author site_author = { NULL, NULL, NULL };
	const struct feed site_feed = { .kind = FEED_SITE };
	size_t	 i;

	self = feedname_url(cfg->url, cfg, doc->path);
	/* An archive page is a document of the same feed: the same id. */
	id = feedname_url(cfg->id_url, cfg, doc->current != NULL ?
	    doc->current : doc->path);
	home = permalink_absolute(cfg->url, cfg->baseurl, "/");
	start(wr, "feed");
	attr(wr, "xmlns", NS_ATOM);
	if (cfg->archive != ARCHIVE_NONE)
		attr(wr, "xmlns:fh", NS_HISTORY);
	if (cfg->lang != NULL)
		attr(wr, "xml:lang", cfg->lang);
	start(wr, "generator");
	attr(wr, "uri", GENERATOR_URI);
	attr(wr, "version", PACKAGE_VERSION);
	text(wr, "feedd");
	end(wr);
	start_link(wr, "link", self, "self");
	attr(wr, "type", "application/atom+xml");
	end(wr);
	hub_links(wr, cfg, "link");
	history_links(wr, cfg, doc, "link");
	start_link(wr, "link", home, "alternate");
	attr(wr, "type", "text/html");
	if (cfg->lang != NULL)
		attr(wr, "hreflang", cfg->lang);
	end(wr);
	datetime_rfc3339(feed_updated(cfg, f, doc), date, sizeof date);
	element(wr, "updated", date);
	element(wr, "id", id);
	start(wr, "title");
	attr(wr, "type", "html");
	html_text(wr, feedname_title(cfg, f, &alloc));
	free(alloc);
	end(wr);
	if (cfg->description != NULL)
		element(wr, "subtitle", cfg->description);
	/* Atom needs an author for the feed or for every entry: with none
	 * anywhere, the site itself is named. */
	if (cfg->author.name != NULL || cfg->author.email != NULL)
		atom_author(wr, &cfg->author);
	else {
		site_author.name = (char *)feedname_title(cfg, &site_feed,
		    &alloc);
		atom_author(wr, &site_author);
	}
	for (i = 0; i < doc->count; i++)
		atom_entry(wr, cfg, f->posts[doc->first + i], entries[i]);
	end(wr);
	free(home);
	free(id);
	free(self);
}

/* One RSS item. */
static void
rss_item(struct writer *wr, const struct post *p, const struct rendered *r)
{
	const struct author *a = p->nauthors > 0 ? &p->authors[0] : NULL;
	char	 date[64];
	char *const *c;

	start(wr, "item");
	element(wr, "title", p->title);
	element(wr, "link", p->url);
	start(wr, "guid");
	attr(wr, "isPermaLink", "false");
	text(wr, p->id);
	end(wr);
	datetime_rfc822(p->date, date, sizeof date);
	element(wr, "pubDate", date);
	/* RSS <author> must be an e-mail address; a bare name is dc:creator. */
	if (a != NULL && a->email != NULL) {
		char	*who;

		if (a->name != NULL)
			xasprintf(&who, "%s (%s)", a->email, a->name);
		else
			who = xstrdup(a->email);
		element(wr, "author", who);
		free(who);
	} else if (a != NULL && a->name != NULL)
		element(wr, "dc:creator", a->name);
	for (c = p->categories; *c != NULL; c++)
		element(wr, "category", *c);
	for (c = p->tags; *c != NULL; c++) {
		if (!category_listed(p->categories, *c))
			element(wr, "category", *c);
	}
	raw_element(wr, "description", r->summary_xml);
	if (*r->content_xml != '\0')
		raw_element(wr, "content:encoded", r->content_xml);
	end(wr);
}

/* A document of an RSS 2.0 feed. */
static void
render_rss(struct writer *wr, const struct config *cfg,
    const struct feed *f, const struct feed_doc *doc,
    const struct rendered *const *entries)
{
	char	*self, *home, *alloc, *generator, date[64];
	const char *title;
	size_t	 i;

	self = feedname_url(cfg->url, cfg, doc->path);
	home = permalink_absolute(cfg->url, cfg->baseurl, "/");
	start(wr, "rss");
	attr(wr, "version", "2.0");
	attr(wr, "xmlns:atom", NS_ATOM);
	attr(wr, "xmlns:content", NS_CONTENT);
	attr(wr, "xmlns:dc", NS_DC);
	if (cfg->archive != ARCHIVE_NONE)
		attr(wr, "xmlns:fh", NS_HISTORY);
	start(wr, "channel");
	title = feedname_title(cfg, f, &alloc);
	element(wr, "title", title);
	element(wr, "link", home);
	element(wr, "description", cfg->description != NULL ?
	    cfg->description : title);
	free(alloc);
	start_link(wr, "atom:link", self, "self");
	attr(wr, "type", "application/rss+xml");
	end(wr);
	hub_links(wr, cfg, "atom:link");
	history_links(wr, cfg, doc, "atom:link");
	if (cfg->lang != NULL)
		element(wr, "language", cfg->lang);
	xasprintf(&generator, "feedd %s", PACKAGE_VERSION);
	element(wr, "generator", generator);
	free(generator);
	datetime_rfc822(feed_updated(cfg, f, doc), date, sizeof date);
	element(wr, "lastBuildDate", date);
	for (i = 0; i < doc->count; i++)
		rss_item(wr, f->posts[doc->first + i], entries[i]);
	end(wr);
	end(wr);
	free(home);
	free(self);
}

/* Initialise libxml2 for use from several threads. */
void
feedwrite_init(void)
{
	xmlInitParser();
}

/* Free libxml2's global state. */
void
feedwrite_cleanup(void)
{
	xmlCleanupParser();
}

/* Render a feed into out. */
int
feedwrite_render(const struct config *cfg, const struct feed *f,
    enum feed_format format, const struct feed_doc *doc,
    const struct rendered *const *entries, struct buf *out)
{
	struct writer	 wr;
	xmlBufferPtr	 xb;

	if (format == FORMAT_JSON)
		return (jsonfeed_render(cfg, f, doc->path, entries, out));
	if ((xb = xmlBufferCreate()) == NULL)
		return (-1);
	if ((wr.w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		xmlBufferFree(xb);
		return (-1);
	}
	wr.rc = 0;
	xmlTextWriterSetIndent(wr.w, 1);
	xmlTextWriterSetIndentString(wr.w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(wr.w, "1.0", "utf-8", NULL) < 0)
		wr.rc = -1;
	if (format == FORMAT_ATOM)
		render_atom(&wr, cfg, f, doc, entries);
	else
		render_rss(&wr, cfg, f, doc, entries);
	if (xmlTextWriterEndDocument(wr.w) < 0)
		wr.rc = -1;
	xmlFreeTextWriter(wr.w);
	if (wr.rc == 0)
		buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return (wr.rc);
}

void
feedwrite_current(const struct config *cfg, const struct feed *f,
    const char *path, struct feed_doc *doc)
{
	memset(doc, 0, sizeof *doc);
	doc->path = path;
	doc->count = f->nposts < (size_t)cfg->posts_limit ? f->nposts :
	    (size_t)cfg->posts_limit;
}
