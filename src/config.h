/*
 * Site and feedd settings: the site's own _config.yml (Jekyll keys and
 * jekyll-feed's feed: block), overlaid by an optional --config file, whose
 * feedd: block holds feedd's own settings.  A config is built whole by
 * config_load and then only read; reloading builds a new one.
 */
#ifndef FEEDD_CONFIG_H
#define FEEDD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

enum feed_format {
	FORMAT_ATOM = 1,
	FORMAT_RSS = 2,
	FORMAT_JSON = 4,	/* JSON Feed 1.1 */
};

struct defaults;
struct sitedata;

struct author {
	char	*name;
	char	*email;
	char	*uri;
};

/* feedd.archive: the period of RFC 5005 archive pages (archive.h). */
enum archive_period {
	ARCHIVE_NONE,
	ARCHIVE_DAY,
	ARCHIVE_WEEK,		/* ISO 8601 weeks */
	ARCHIVE_MONTH,
	ARCHIVE_YEAR,
};

struct config {
	char		*site_dir;	/* the Jekyll site root, links resolved */
	char		*site_path;	/* the same as configured (absolute):
					 * a deploy may swap a link on it */
	char		*output_dir;	/* where feeds are written, as given */
	char		*output_real;	/* the same with every link resolved */
	char		*output_origin;	/* where output_dir was set, for messages */
	char		*config_file;	/* --config file, or NULL */
	char		*site_config;	/* site_dir/_config.yml */

	/* The files as read: defaults and Liquid's site refer to them. */
	yaml_document_t	*yaml_site;	/* _config.yml (if have_site) */
	yaml_document_t	*yaml_admin;	/* the -c file (if have_admin) */
	int		 have_site;
	int		 have_admin;

	/* Jekyll site settings. */
	char		*url;		/* no trailing slash; may be "" */
	char		*id_url;	/* url as written, for jekyll-feed ids */
	char		*baseurl;	/* "" or "/path", no trailing slash */
	char		*title;
	char		*description;
	char		*lang;
	char		*timezone;	/* NULL means UTC */
	struct author	 author;
	char		*permalink;	/* URL template, style names expanded */
	char		*collection_permalink; /* collections.posts, or NULL */
	struct defaults	*defaults;	/* front-matter defaults */
	struct sitedata	*data;		/* the site's _data (site.data) */
	char		*excerpt_separator;
	char		**markdown_ext;	/* without dots */
	char		**exclude;	/* site-relative paths not read */
	char		**include;	/* ...read all the same */
	int		 future;	/* publish future-dated posts now */
	int64_t		 config_time;	/* newest config file's mtime: the
					 * date of a feed without entries */

	/* jekyll-feed settings. */
	char		*feed_path;	/* site Atom feed, e.g. "feed.xml" */
	int		 posts_limit;
	int		 excerpt_only;
	char		**tags_only;	/* NULL: every tag */
	char		**tags_except;

	/* feedd settings. */
	char		*category_path;	/* pattern with {name} */
	char		*tag_path;	/* pattern with {name} */
	int		 formats;	/* enum feed_format bits */
	int		 categories;	/* write category feeds */
	int		 tags;		/* write tag feeds */
	int		 debounce_ms;
	enum archive_period archive;	/* RFC 5005 archive pages, if any */
	char		*on_publish;	/* command run after changes, or NULL */
	char		**hubs;		/* WebSub hubs to ping, or NULL */
	int		 hub_batch;	/* topics in one request to a hub */
	int		 hub_timeout;	/* seconds a hub has to answer */
	int		 gzip;		/* write a .gz beside each file */
	char		*discovery_dir;	/* folder of the feed lists, or NULL */
};

/* Command-line values that take precedence over every file. */
struct config_overrides {
	const char	*site_dir;
	const char	*output_dir;
	const char	*config_file;
	const char	*url;
};

/*
 * Build a config.  Returns a new config (free with config_free), or NULL
 * with *errors set to a new string of "file:line: message" lines, every
 * problem found.  Warnings (unknown keys) are appended to *warnings (a new
 * string, or NULL when there are none) in both cases.
 */
struct config	*config_load(const struct config_overrides *, char **errors,
		    char **warnings);
void		 config_free(struct config *);

/*
 * config_load for the commands: log every warning and error, and install
 * the site's time zone.  Returns NULL if the configuration is unusable.
 */
struct config	*config_open(const struct config_overrides *);

/* Whether a post file extension (without the dot) is Markdown. */
int		 config_is_markdown(const struct config *, const char *);

#endif
