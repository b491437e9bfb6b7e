/*
 * Rewriting relative URLs in HTML attributes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "htmlurl.h"
#include "url.h"
#include "xmalloc.h"

static const char *copy_tag(struct buf *, const char *, const char *);
static void	add_url(struct buf *, const char *, size_t, const char *);
static void	add_srcset(struct buf *, const char *, size_t, const char *);
static int	is_url_attr(const char *, size_t);

/*
 * Attributes whose value is a URL in HTML (srcset is a list of them, and
 * handled apart), and SVG's xlink:href.
 */
static int
is_url_attr(const char *name, size_t n)
{
	static const char *const attrs[] = { "href", "src", "poster", "cite",
	    "action", "formaction", "data", "background", "longdesc",
	    "usemap", "icon", "manifest", "codebase", "xlink:href", NULL };
	size_t	 i;

	for (i = 0; attrs[i] != NULL; i++) {
		if (strlen(attrs[i]) == n && strncasecmp(name, attrs[i], n) == 0)
			return (1);
	}
	return (0);
}

/* Append one URL value resolved against base. */
static void
add_url(struct buf *out, const char *v, size_t n, const char *base)
{
	char	*ref = xstrndup(v, n), *abs;
	char	*trimmed = ref;

	while (isspace((unsigned char)*trimmed))
		trimmed++;
	abs = url_resolve(base, trimmed);
	buf_adds(out, abs);
	free(abs);
	free(ref);
}

/* Append a srcset value: comma-separated "url [descriptor]" items. */
static void
add_srcset(struct buf *out, const char *v, size_t n, const char *base)
{
	const char	*end = v + n, *url, *p;

	p = v;
	while (p < end) {
		while (p < end && (isspace((unsigned char)*p) || *p == ',')) {
			buf_addc(out, *p);
			p++;
		}
		url = p;
		while (p < end && !isspace((unsigned char)*p) && *p != ',')
			p++;
		if (p > url)
			add_url(out, url, (size_t)(p - url), base);
		while (p < end && *p != ',') {
			buf_addc(out, *p);
			p++;
		}
	}
}

/*
 * Copy one start tag at p (just past its '<' and name) up to and
 * including its '>', rewriting URL attributes.  Returns where copying
 * stopped.
 */
static const char *
copy_tag(struct buf *out, const char *p, const char *base)
{
	const char	*name, *val;
	size_t		 namelen, vallen;
	char		 quote;
	int		 srcset;

	for (;;) {
		while (isspace((unsigned char)*p) || *p == '/') {
			buf_addc(out, *p);
			p++;
		}
		if (*p == '\0' || *p == '>')
			break;
		name = p;
		while (*p != '\0' && !isspace((unsigned char)*p) &&
		    *p != '=' && *p != '>' && *p != '/')
			p++;
		namelen = (size_t)(p - name);
		buf_add(out, name, namelen);
		while (isspace((unsigned char)*p))
			buf_addc(out, *p++);
		if (*p != '=')
			continue;
		buf_addc(out, *p++);
		while (isspace((unsigned char)*p))
			buf_addc(out, *p++);
		quote = (*p == '"' || *p == '\'') ? *p : '\0';
		if (quote != '\0')
			buf_addc(out, *p++);
		val = p;
		if (quote != '\0') {
			while (*p != '\0' && *p != quote)
				p++;
		} else {
			while (*p != '\0' && !isspace((unsigned char)*p) &&
			    *p != '>')
				p++;
		}
		vallen = (size_t)(p - val);
		srcset = namelen == 6 && strncasecmp(name, "srcset", 6) == 0;
		if (srcset)
			add_srcset(out, val, vallen, base);
		else if (is_url_attr(name, namelen))
			add_url(out, val, vallen, base);
		else
			buf_add(out, val, vallen);
		if (quote != '\0' && *p == quote)
			buf_addc(out, *p++);
	}
	if (*p == '>')
		buf_addc(out, *p++);
	return (p);
}

/* Resolve URL attributes of every start tag in html. */
char *
htmlurl_absolutize(const char *html, const char *base)
{
	struct buf	 out = BUF_INIT;
	const char	*p = html, *end, *name;
	size_t		 n, namelen;

	buf_add(&out, "", 0);
	while (*p != '\0') {
		if (p[0] != '<') {
			end = strchr(p, '<');
			n = end != NULL ? (size_t)(end - p) : strlen(p);
			buf_add(&out, p, n);
			p += n;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			end = strstr(p + 4, "-->");
			n = end != NULL ? (size_t)(end + 3 - p) : strlen(p);
			buf_add(&out, p, n);
			p += n;
			continue;
		}
		if (!isalpha((unsigned char)p[1])) {
			buf_addc(&out, *p++);
			continue;
		}
		name = p + 1;
		buf_addc(&out, *p++);
		while (isalnum((unsigned char)*p) || *p == '-')
			buf_addc(&out, *p++);
		namelen = (size_t)(p - name);
		p = copy_tag(&out, p, base);
		/* Script and style hold text, not markup. */
		if ((namelen == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (namelen == 5 && strncasecmp(name, "style", 5) == 0)) {
			const char *close = namelen == 6 ? "</script" :
			    "</style";

			end = strcasestr(p, close);
			n = end != NULL ? (size_t)(end - p) : strlen(p);
			buf_add(&out, p, n);
			p += n;
		}
	}
	return (buf_take(&out));
}
