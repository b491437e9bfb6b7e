/*
 * Splitting feeds into RFC 5005 archive pages by period.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "datetime.h"
#include "hash.h"
#include "xmalloc.h"

static void	period_key(int64_t, enum archive_period, char *, size_t);

/* The period a date falls in, in the site's zone, as a key. */
static void
period_key(int64_t t, enum archive_period period, char *key, size_t size)
{
	static const char *const formats[] = {
		[ARCHIVE_DAY] = "%Y-%m-%d",
		[ARCHIVE_WEEK] = "%G-W%V",
		[ARCHIVE_MONTH] = "%Y-%m",
		[ARCHIVE_YEAR] = "%Y",
	};
	struct tm	 tm;

	datetime_local(t, &tm);
	if (strftime(key, size, formats[period], &tm) == 0)
		key[0] = '\0';
}

size_t
archive_split(const struct feed *f, enum archive_period period, size_t limit,
    struct archive_page **pages, size_t *npages)
{
	struct archive_page *p = NULL;
	char		 key[16], open[16];
	size_t		 i, n = 0, current;

	*pages = NULL;
	*npages = 0;
	if (period == ARCHIVE_NONE || f->nposts == 0)
		return (f->nposts < limit ? f->nposts : limit);
	period_key(f->posts[0]->date, period, open, sizeof open);
	for (i = 0; i < f->nposts; i++) {
		period_key(f->posts[i]->date, period, key, sizeof key);
		if (strcmp(key, open) == 0)
			continue;
		if (n == 0 || strcmp(p[n - 1].key, key) != 0) {
			p = xreallocarray(p, n + 1, sizeof *p);
			p[n].first = i;
			p[n].count = 0;
			memcpy(p[n].key, key, sizeof key);
			n++;
		}
		p[n - 1].count++;
	}
	current = n > 0 ? p[0].first : f->nposts;
	if (current < limit)
		current = f->nposts < limit ? f->nposts : limit;
	*pages = p;
	*npages = n;
	return (current);
}

char *
archive_path(const char *path, const char *key)
{
	const char	*slash = strrchr(path, '/'), *dot;
	char		*out;

	dot = strrchr(slash != NULL ? slash : path, '.');
	if (dot == NULL)
		dot = path + strlen(path);
	xasprintf(&out, "%.*s/archive/%s%s", (int)(dot - path), path, key,
	    dot);
	return (out);
}

uint64_t
archive_signature(const struct feed *f, const struct archive_page *page)
{
	struct {
		uint64_t	 dev, ino, size, mtime, id;
	} item;
	uint64_t	 sig = 0;
	size_t		 i;
	const struct post *p;

	for (i = page->first; i < page->first + page->count; i++) {
		p = f->posts[i];
		item.dev = (uint64_t)p->dev;
		item.ino = (uint64_t)p->ino;
		item.size = (uint64_t)p->size;
		item.mtime = (uint64_t)p->mtime_ns;
		item.id = hash64(p->id, strlen(p->id));
		sig = hash64(&item, sizeof item) ^ (sig * 0x100000001b3ULL);
	}
	return (sig);
}
