/*
 * Loading posts into the index.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "post.h"
#include "scan.h"
#include "site.h"
#include "xmalloc.h"

/* Read every post file of the site into the index. */
int
site_load(const struct config *cfg, const char *subdir, struct index *idx,
    int64_t now, struct site_stats *st)
{
	struct scan_result res;
	struct post	*post;
	char		*cause, *warning;
	size_t		 i;
	int		 rc;

	memset(&res, 0, sizeof res);
	memset(st, 0, sizeof *st);
	rc = scan_site(cfg, subdir, &res);
	st->files = res.count;
	index_bulk_begin(idx);
	for (i = 0; i < res.count; i++) {
		switch (post_load(cfg, res.entries[i].path,
		    res.entries[i].relpath, &post, &cause, &warning)) {
		case POST_OK:
			if (warning != NULL) {
				log_warnx("%s:%s", post->path, warning);
				free(warning);
			}
			post_free(index_remove(idx, post->path));
			index_add(idx, post, now);
			st->loaded++;
			break;
		case POST_UNPUBLISHED:
			post_free(index_remove(idx, res.entries[i].path));
			st->unpublished++;
			break;
		case POST_INVALID:
			log_warnx("%s:%s", res.entries[i].path, cause);
			free(cause);
			post_free(index_remove(idx, res.entries[i].path));
			st->invalid++;
			break;
		}
	}
	index_bulk_end(idx);
	scan_result_free(&res);
	return (rc);
}
