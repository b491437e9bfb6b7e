/*
 * JSON Feed rendering.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "feedname.h"
#include "jsonfeed.h"
#include "permalink.h"
#include "text.h"
#include "xmalloc.h"

static void	 set_string(json_t *, const char *, const char *);
static json_t	*author(const struct author *);
static int	 listed(char *const *, const char *);
static json_t	*item(const struct config *, const struct post *,
		    const struct rendered *);
static char	*plain_summary(const char *);
static int	 append(const char *, size_t, void *);

json_t *
jsonfeed_text(const char *s)
{
	size_t	 len = strlen(s);
	char	*clean;
	json_t	*j;

	if (text_xml_is_clean(s, len))
		return (json_stringn(s, len));
	clean = text_xml_clean(s, len, NULL);
	j = json_string(clean);
	free(clean);
	return (j);
}

/* obj[key] = s (a cleaned string). */
static void
set_string(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, jsonfeed_text(s));
}

/* An author object: name (else the e-mail address, as Atom's) and url. */
static json_t *
author(const struct author *a)
{
	json_t	*o;

	if (a->name == NULL && a->email == NULL)
		return (NULL);
	o = json_object();
	set_string(o, "name", a->name != NULL ? a->name : a->email);
	if (a->uri != NULL)
		set_string(o, "url", a->uri);
	return (o);
}

/* Whether name is in a NULL-terminated list. */
static int
listed(char *const *list, const char *name)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, name) == 0)
			return (1);
	}
	return (0);
}

/*
 * The summary as plain text: rcache's is escaped and made safe for HTML
 * ("<!" and "<?" written "&lt;!", "&lt;?"), which plain text undoes.
 */
static char *
plain_summary(const char *summary_xml)
{
	char	*s = jsonfeed_unescape(summary_xml), *r, *w;

	for (r = w = s; *r != '\0'; ) {
		if (strncmp(r, "&lt;", 4) == 0 && (r[4] == '!' || r[4] == '?')) {
			*w++ = '<';
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (s);
}

/* One item, as the Atom entry of the same post. */
static json_t *
item(const struct config *cfg, const struct post *p, const struct rendered *r)
{
	json_t	*it = json_object(), *list, *a;
	char	 date[64], *text;
	char *const *c;
	size_t	 i;

	set_string(it, "id", p->id);
	set_string(it, "url", p->url);
	set_string(it, "title", p->title);
	text = jsonfeed_unescape(r->content_xml);
	/* An item needs content: with excerpt_only, the summary is it. */
	if (!cfg->excerpt_only)
		set_string(it, "content_html", text);
	free(text);
	text = plain_summary(r->summary_xml);
	if (cfg->excerpt_only)
		set_string(it, "content_text", text);
	if (*text != '\0')
		set_string(it, "summary", text);
	free(text);
	if (p->image != NULL)
		set_string(it, "image", p->image);
	datetime_rfc3339(p->date, date, sizeof date);
	set_string(it, "date_published", date);
	datetime_rfc3339(p->updated, date, sizeof date);
	set_string(it, "date_modified", date);
	list = json_array();
	for (i = 0; i < p->nauthors; i++) {
		if ((a = author(&p->authors[i])) != NULL)
			json_array_append_new(list, a);
	}
	if (json_array_size(list) > 0)
		json_object_set(it, "authors", list);
	json_decref(list);
	list = json_array();
	for (c = p->categories; *c != NULL; c++)
		json_array_append_new(list, jsonfeed_text(*c));
	for (c = p->tags; *c != NULL; c++) {
		if (!listed(p->categories, *c))
			json_array_append_new(list, jsonfeed_text(*c));
	}
	if (json_array_size(list) > 0)
		json_object_set(it, "tags", list);
	json_decref(list);
	if (p->lang != NULL)
		set_string(it, "language", p->lang);
	return (it);
}

/* Render a feed as JSON Feed into out. */
int
jsonfeed_render(const struct config *cfg, const struct feed *f,
    const char *selfpath, const struct rendered *const *entries,
    struct buf *out)
{
	const struct feed site_feed = { .kind = FEED_SITE };
	struct author	 site_author = { NULL, NULL, NULL };
	json_t		*doc = json_object(), *items, *list, *a;
	char		*self, *home, *alloc;
	size_t		 i, n;

	n = f->nposts < (size_t)cfg->posts_limit ? f->nposts :
	    (size_t)cfg->posts_limit;
	self = feedname_url(cfg->url, cfg, selfpath);
	home = permalink_absolute(cfg->url, cfg->baseurl, "/");
	set_string(doc, "version", JSONFEED_VERSION);
	set_string(doc, "title", feedname_title(cfg, f, &alloc));
	free(alloc);
	set_string(doc, "home_page_url", home);
	set_string(doc, "feed_url", self);
	if (cfg->description != NULL)
		set_string(doc, "description", cfg->description);
	if (cfg->lang != NULL)
		set_string(doc, "language", cfg->lang);
	/* As in Atom: with no author anywhere, the site is named. */
	list = json_array();
	if (cfg->author.name != NULL || cfg->author.email != NULL)
		a = author(&cfg->author);
	else {
		site_author.name = (char *)feedname_title(cfg, &site_feed,
		    &alloc);
		a = author(&site_author);
	}
	json_array_append_new(list, a);
	json_object_set_new(doc, "authors", list);
	if (cfg->hubs != NULL && cfg->hubs[0] != NULL) {
		list = json_array();
		for (i = 0; cfg->hubs[i] != NULL; i++) {
			a = json_object();
			set_string(a, "type", "WebSub");
			set_string(a, "url", cfg->hubs[i]);
			json_array_append_new(list, a);
		}
		json_object_set_new(doc, "hubs", list);
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, item(cfg, f->posts[i],
		    entries[i]));
	json_object_set_new(doc, "items", items);
	free(home);
	free(self);

	return (jsonfeed_dump(doc, 2, out));
}

/* json_dump_callback's sink: append to a struct buf. */
static int
append(const char *bytes, size_t size, void *out)
{
	buf_add(out, bytes, size);
	return (0);
}

int
jsonfeed_dump(json_t *doc, int indent, struct buf *out)
{
	int	 rc;

	rc = json_dump_callback(doc, append, out, JSON_INDENT(indent) |
	    JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc != 0)
		return (-1);
	buf_addc(out, '\n');
	return (0);
}

/* Undo rcache's XML escaping. */
char *
jsonfeed_unescape(const char *s)
{
	static const struct {
		const char	*esc;
		char		 c;
	} table[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&#13;", '\r' },
	};
	char	*out = xmalloc(strlen(s) + 1), *w = out;
	size_t	 i, n;

	while (*s != '\0') {
		for (i = 0; *s == '&' && i < sizeof table / sizeof table[0];
		    i++) {
			n = strlen(table[i].esc);
			if (strncmp(s, table[i].esc, n) == 0)
				break;
		}
		if (*s == '&' && i < sizeof table / sizeof table[0]) {
			*w++ = table[i].c;
			s += strlen(table[i].esc);
		} else
			*w++ = *s++;
	}
	*w = '\0';
	return (out);
}
