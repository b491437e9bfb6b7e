/*
 * The nginx configuration that serves this site's feeds (feedd
 * nginx-config): location blocks for its baseurl, feed.path,
 * category_path, tag_path and discovery folder, each mapping the URLs to
 * the output folder with alias, with the feed's media type and charset,
 * gzip for every type feedd writes (and gzip_static with feedd.gzip),
 * cache headers, and .feedd denied.
 */
#ifndef FEEDD_NGINXCONF_H
#define FEEDD_NGINXCONF_H

#include "buf.h"
#include "config.h"

/* How long readers and proxies may keep a file before asking again. */
#define NGINXCONF_EXPIRES	"5m"

/*
 * Append the location blocks for cfg to out.  Returns 0, or -1 with
 * *why set to a static reason when nginx cannot be told the paths (a '$'
 * or a control character in one).
 */
int	nginxconf_render(const struct config *, struct buf *out,
	    const char **why);

#endif
