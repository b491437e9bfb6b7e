/*
 * nginxconf: the locations `feedd nginx-config` prints for a site's
 * paths.  nginx itself runs them in tests/sys/serve-nginx.py; here each
 * configuration shape gets the blocks it needs, and paths nginx would
 * misread are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/nginxconf.h"
#include "testcfg.h"
#include "test.h"

static char	*render(const char *, const char *);

/* The configuration printed for a site (new string), or NULL. */
static char *
render(const char *yml, const char *admin)
{
	struct config	*cfg = test_config(yml, admin, NULL);
	struct buf	 out = BUF_INIT;
	const char	*why;

	if (cfg == NULL)
		return (NULL);
	buf_add(&out, "", 0);
	if (nginxconf_render(cfg, &out, &why) != 0) {
		buf_free(&out);
		config_free(cfg);
		return (NULL);
	}
	config_free(cfg);
	return (buf_take(&out));
}

#define HAS(s, want)	do {						\
	if ((s) == NULL || strstr((s), (want)) == NULL) {		\
		fprintf(stderr, "%s:%d: missing: %s\n", __FILE__,	\
		    __LINE__, (want));					\
		test_failures++;					\
	}								\
} while (0)

int
main(void)
{
	char	*s;

	/* Defaults: the site feed exactly, feed/ (tags inside), feeds/. */
	s = render(NULL, NULL);
	HAS(s, "location = \"/feed.xml\" {\n"
	    "    alias \"/srv/feeds/out/feed.xml\";\n"
	    "    types { }\n    default_type application/atom+xml;\n"
	    "    charset utf-8;\n");
	HAS(s, "location = \"/feed.rss\" {");
	HAS(s, "default_type application/rss+xml;");
	CHECK(s != NULL && strstr(s, "/feed.json") == NULL);
	HAS(s, "location ^~ \"/feed/\" {\n    alias \"/srv/feeds/out/feed/\";");
	HAS(s, "        application/atom+xml xml;\n");
	CHECK(s != NULL && strstr(s, "by_tag/\" {") == NULL);
	HAS(s, "location ^~ \"/feeds/\" {");
	HAS(s, "    index index.html;");
	HAS(s, "gzip_types application/atom+xml application/rss+xml "
	    "application/feed+json application/json text/x-opml;");
	HAS(s, "charset_types text/html application/atom+xml");
	HAS(s, "gzip_vary on;");
	HAS(s, "expires 5m;");
	HAS(s, "    location ~ /\\.feedd { deny all; }\n");
	HAS(s, "\nlocation ~ /\\.feedd { deny all; }\n");
	CHECK(s != NULL && strstr(s, "gzip_static") == NULL);
	free(s);

	/* baseurl, custom paths, JSON, gzip, no discovery. */
	s = render("baseurl: /my.blog/\nfeed: {path: atom/all.atom}\n",
	    "feedd:\n  formats: [atom, json]\n  gzip: true\n"
	    "  category_path: \"c/{name}/index.xml\"\n"
	    "  tag_path: \"{name}-tag.xml\"\n  discovery: false\n");
	HAS(s, "location = \"/my.blog/atom/all.atom\" {");
	HAS(s, "location = \"/my.blog/atom/all.atom.json\" {");
	HAS(s, "default_type application/feed+json;");
	CHECK(s != NULL && strstr(s, ".rss\" {") == NULL);
	HAS(s, "location ^~ \"/my.blog/c/\" {\n"
	    "    alias \"/srv/feeds/out/c/\";");
	HAS(s, "location ~ \"^/my\\.blog/([^/.][^/]*(?:-tag\\.xml|"
	    "-tag\\.rss|-tag\\.json))$\" {\n"
	    "    alias \"/srv/feeds/out/$1\";");
	HAS(s, "gzip_static on;");
	CHECK(s != NULL && strstr(s, "index index.html") == NULL);
	free(s);

	/* Tags outside the categories' folder get their own location. */
	s = render(NULL, "feedd: {tag_path: \"tags/{name}.atom\"}\n");
	HAS(s, "location ^~ \"/tags/\" {");
	HAS(s, "        application/atom+xml atom;\n");
	free(s);

	/* A name starting the file name: the shape of a feed, not ".xml.rss". */
	s = render(NULL, "feedd: {category_path: \"{name}.xml\"}\n");
	HAS(s, "location ~ \"^/([^/.][^/]*(?:\\.xml|\\.rss|\\.json))$\" {");
	free(s);

	/* RFC 5005 pages: the site feed's folder of them; in a regular
	 * expression, their shape. */
	s = render(NULL, "feedd:\n  archive: monthly\n"
	    "  category_path: \"{name}.xml\"\n");
	HAS(s, "location ^~ \"/feed/archive/\" {\n"
	    "    alias \"/srv/feeds/out/feed/archive/\";");
	HAS(s, "(?:\\.xml|\\.rss|\\.json|/archive/[^/]+\\.xml|"
	    "/archive/[^/]+\\.rss))$\"");
	free(s);

	/* A '$' nginx would read as a variable is refused. */
	CHECK(render("baseurl: /a$b\n", NULL) == NULL);
	return (test_status());
}
