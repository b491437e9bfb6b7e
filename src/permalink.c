/*
 * Jekyll URL templates (Jekyll::URL, Drops::UrlDrop) and jekyll-feed ids.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "datetime.h"
#include "permalink.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

static char	*placeholder(const char *, const struct permalink_vars *,
		    const struct tm *);
static char	*joined_categories(char *const *, int);
static char	*sanitize(const char *);
static void	lower_host(char *);

static const char *const long_months[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const long_days[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };

/*
 * Categories lower-cased, each passed through slugify when slugified,
 * duplicates dropped, joined with "/" (UrlDrop#categories).
 */
static char *
joined_categories(char *const *categories, int slugified)
{
	struct buf	 out = BUF_INIT;
	char		**done;
	char		*name;
	size_t		 n = 0, i;

	for (i = 0; categories != NULL && categories[i] != NULL; i++)
		;
	done = xcalloc(i + 1, sizeof *done);
	buf_add(&out, "", 0);
	for (; categories != NULL && *categories != NULL; categories++) {
		name = slugified ? url_slugify(*categories, SLUG_DEFAULT, 0) :
		    text_lower(*categories);
		for (i = 0; i < n && strcmp(done[i], name) != 0; i++)
			;
		if (i < n || *name == '\0') {
			free(name);
			continue;
		}
		if (out.len > 0)
			buf_addc(&out, '/');
		buf_adds(&out, name);
		done[n++] = name;
	}
	for (i = 0; i < n; i++)
		free(done[i]);
	free(done);
	return (buf_take(&out));
}

/* The value of one placeholder, or NULL if the name is unknown. */
static char *
placeholder(const char *name, const struct permalink_vars *v,
    const struct tm *tm)
{
	char	 s[64];
	int	 wday;

	if (strcmp(name, "year") == 0)
		snprintf(s, sizeof s, "%04d", tm->tm_year + 1900);
	else if (strcmp(name, "short_year") == 0)
		snprintf(s, sizeof s, "%02d", (tm->tm_year + 1900) % 100);
	else if (strcmp(name, "month") == 0)
		snprintf(s, sizeof s, "%02d", tm->tm_mon + 1);
	else if (strcmp(name, "i_month") == 0)
		snprintf(s, sizeof s, "%d", tm->tm_mon + 1);
	else if (strcmp(name, "short_month") == 0)
		snprintf(s, sizeof s, "%.3s", long_months[tm->tm_mon]);
	else if (strcmp(name, "long_month") == 0)
		snprintf(s, sizeof s, "%s", long_months[tm->tm_mon]);
	else if (strcmp(name, "day") == 0)
		snprintf(s, sizeof s, "%02d", tm->tm_mday);
	else if (strcmp(name, "i_day") == 0)
		snprintf(s, sizeof s, "%d", tm->tm_mday);
	else if (strcmp(name, "y_day") == 0)
		snprintf(s, sizeof s, "%03d", tm->tm_yday + 1);
	else if (strcmp(name, "hour") == 0)
		snprintf(s, sizeof s, "%02d", tm->tm_hour);
	else if (strcmp(name, "minute") == 0)
		snprintf(s, sizeof s, "%02d", tm->tm_min);
	else if (strcmp(name, "second") == 0)
		snprintf(s, sizeof s, "%02d", tm->tm_sec);
	else if (strcmp(name, "w_year") == 0)
		strftime(s, sizeof s, "%G", tm);
	else if (strcmp(name, "week") == 0)
		strftime(s, sizeof s, "%V", tm);
	else if (strcmp(name, "w_day") == 0) {
		wday = tm->tm_wday == 0 ? 7 : tm->tm_wday;
		snprintf(s, sizeof s, "%d", wday);
	} else if (strcmp(name, "short_day") == 0)
		snprintf(s, sizeof s, "%.3s", long_days[tm->tm_wday]);
	else if (strcmp(name, "long_day") == 0)
		snprintf(s, sizeof s, "%s", long_days[tm->tm_wday]);
	else if (strcmp(name, "title") == 0)
		return (url_slugify(v->slug, SLUG_PRETTY, 1));
	else if (strcmp(name, "slug") == 0)
		return (url_slugify(v->slug, SLUG_DEFAULT, 0));
	else if (strcmp(name, "name") == 0)
		return (url_slugify(v->name, SLUG_DEFAULT, 0));
	else if (strcmp(name, "categories") == 0)
		return (joined_categories(v->categories, 0));
	else if (strcmp(name, "slugified_categories") == 0)
		return (joined_categories(v->categories, 1));
	else if (strcmp(name, "output_ext") == 0)
		return (xstrdup(v->output_ext));
	else if (strcmp(name, "collection") == 0)
		return (xstrdup("posts"));
	else if (strcmp(name, "path") == 0)
		return (xstrdup(v->path));
	else
		return (NULL);
	return (xstrdup(s));
}

/*
 * Jekyll's sanitize_url: a leading "/", ".." turned into "/", "./"
 * removed, repeated slashes squeezed.  No URL can climb out of the site.
 */
static char *
sanitize(const char *url)
{
	struct buf	 a = BUF_INIT, b = BUF_INIT;
	const char	*p;

	buf_addc(&a, '/');
	for (p = url; *p != '\0'; p++) {
		if (p[0] == '.' && p[1] == '.') {
			buf_addc(&a, '/');
			p++;
		} else
			buf_addc(&a, *p);
	}
	for (p = a.data; *p != '\0'; p++) {
		if (p[0] == '.' && p[1] == '/') {
			p++;
			continue;
		}
		if (*p == '/' && b.len > 0 && b.data[b.len - 1] == '/')
			continue;
		buf_addc(&b, *p);
	}
	buf_free(&a);
	return (buf_take(&b));
}

/* Expand a URL template for one post. */
char *
permalink_url(const char *template, const struct permalink_vars *v,
    char **unknown)
{
	struct buf	 out = BUF_INIT;
	struct tm	 tm;
	const char	*p = template, *start;
	char		*name, *value;
	size_t		 n;
	char		*url;

	if (unknown != NULL)
		*unknown = NULL;
	datetime_local(v->date, &tm);
	buf_add(&out, "", 0);
	while (*p != '\0') {
		if (*p != ':' || !(islower((unsigned char)p[1]) ||
		    p[1] == '_')) {
			buf_addc(&out, *p++);
			continue;
		}
		start = ++p;
		while (islower((unsigned char)*p) || *p == '_')
			p++;
		n = (size_t)(p - start);
		name = xstrndup(start, n);
		value = placeholder(name, v, &tm);
		/* ":title_" may mean ":title" followed by "_". */
		if (value == NULL && n > 1 && name[n - 1] == '_') {
			name[n - 1] = '\0';
			if ((value = placeholder(name, v, &tm)) != NULL)
				p--;
		}
		if (value == NULL) {
			if (unknown != NULL && *unknown == NULL)
				*unknown = xstrdup(name);
			buf_addc(&out, ':');
			buf_add(&out, start, n);
		} else
			url_escape_path(&out, value);
		free(value);
		free(name);
	}
	url = sanitize(out.data);
	buf_free(&out);
	return (url);
}

/* The first unknown placeholder of a template, or NULL. */
char *
permalink_unknown(const char *template)
{
	char	*none[] = { NULL };
	struct permalink_vars v = { 0, "x", "x", "x", ".html", none };
	char	*url, *unknown;

	url = permalink_url(template, &v, &unknown);
	free(url);
	return (unknown);
}

/* File.join(File.dirname(url), slug), as Jekyll's Document#id. */
char *
permalink_id(const char *url, const char *slug)
{
	size_t	 n = strlen(url);
	char	*id;

	while (n > 1 && url[n - 1] == '/')
		n--;
	while (n > 0 && url[n - 1] != '/')
		n--;
	while (n > 1 && url[n - 1] == '/')
		n--;
	if (n <= 1)
		xasprintf(&id, "/%s", slug);
	else
		xasprintf(&id, "%.*s/%s", (int)n, url, slug);
	return (id);
}

/* Lower-case the scheme and host of an absolute URL in place. */
static void
lower_host(char *url)
{
	char	*p = strstr(url, "://");

	if (p == NULL)
		return;
	for (p = url; *p != '\0' && *p != '/'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (p[0] == '/' && p[1] == '/')
		for (p += 2; *p != '\0' && *p != '/' && *p != '?' &&
		    *p != '#'; p++)
			*p = (char)tolower((unsigned char)*p);
}

/* Site url + baseurl + path, normalised. */
char *
permalink_absolute(const char *siteurl, const char *baseurl,
    const char *path)
{
	struct buf	 raw = BUF_INIT, out = BUF_INIT;

	if (url_has_scheme(path))
		buf_adds(&raw, path);
	else {
		buf_adds(&raw, siteurl);
		buf_adds(&raw, baseurl);
		if (path[0] != '/')
			buf_addc(&raw, '/');
		buf_adds(&raw, path);
	}
	url_normalize(&out, raw.data);
	buf_free(&raw);
	lower_host(out.data);
	return (buf_take(&out));
}
