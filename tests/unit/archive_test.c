/*
 * archive: pages by period in the site's zone, the current document's
 * share, page paths, and signatures that follow only their own posts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/archive.h"
#include "../../src/datetime.h"
#include "test.h"

#define NPOSTS	6

int
main(void)
{
	/* Newest first; UTC instants. */
	static const int64_t dates[NPOSTS] = {
		1714723200,	/* 2024-05-03 08:00 +0800 */
		1714550400,	/* 2024-05-01 16:00 +0800 */
		1714519800,	/* 2024-04-30 23:30Z = 2024-05-01 07:30 +0800 */
		1710028800,	/* 2024-03-10 */
		1735574400,	/* (unused slot, replaced below) */
		1703980800,	/* 2023-12-31 */
	};
	struct post	 posts[NPOSTS], *ptrs[NPOSTS];
	struct feed	 f;
	struct archive_page *pages;
	size_t		 n, current, i;
	uint64_t	 sig;
	char		*path, ids[NPOSTS][8];

	if (datetime_set_zone("Asia/Shanghai") != 0)
		return (77);
	memset(posts, 0, sizeof posts);
	for (i = 0; i < NPOSTS; i++) {
		posts[i].date = dates[i];
		snprintf(ids[i], sizeof ids[i], "id%zu", i);
		posts[i].id = ids[i];
		ptrs[i] = &posts[i];
	}
	posts[4].date = 1704067200 - 3600;	/* 2024-01-01 07:00 +0800 */
	memset(&f, 0, sizeof f);
	f.posts = ptrs;
	f.nposts = NPOSTS;

	/* Months: May is open (three posts, one of them April in UTC). */
	current = archive_split(&f, ARCHIVE_MONTH, 2, &pages, &n);
	CHECK(current == 3);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(pages[0].key, "2024-03");
		CHECK(pages[0].first == 3 && pages[0].count == 1);
		CHECK_STR(pages[1].key, "2024-01");
		CHECK(pages[1].first == 4 && pages[1].count == 1);
		CHECK_STR(pages[2].key, "2023-12");
		CHECK(pages[2].first == 5 && pages[2].count == 1);
	}
	free(pages);
	/* At least posts_limit in the current document. */
	current = archive_split(&f, ARCHIVE_MONTH, 10, &pages, &n);
	CHECK(current == NPOSTS && n == 3);
	free(pages);
	/* Years: 2024 open, 2023 archived. */
	current = archive_split(&f, ARCHIVE_YEAR, 2, &pages, &n);
	CHECK(current == 5 && n == 1);
	if (n == 1)
		CHECK_STR(pages[0].key, "2023");
	free(pages);
	/* ISO weeks: 2024-01-01 is in 2024-W01, 2023-12-31 in 2023-W52. */
	current = archive_split(&f, ARCHIVE_WEEK, 1, &pages, &n);
	CHECK(current == 3 && n == 3);
	if (n == 3) {
		CHECK_STR(pages[0].key, "2024-W10");
		CHECK_STR(pages[1].key, "2024-W01");
		CHECK_STR(pages[2].key, "2023-W52");
	}
	free(pages);
	/* Days: the two May 1 posts share a page. */
	current = archive_split(&f, ARCHIVE_DAY, 1, &pages, &n);
	CHECK(current == 1 && n == 4);
	if (n == 4) {
		CHECK_STR(pages[0].key, "2024-05-01");
		CHECK(pages[0].count == 2);
	}
	/* A page's signature follows its own posts only. */
	sig = archive_signature(&f, &pages[0]);
	posts[5].mtime_ns = 42;
	CHECK(archive_signature(&f, &pages[0]) == sig);
	posts[1].mtime_ns = 42;
	CHECK(archive_signature(&f, &pages[0]) != sig);
	free(pages);
	/* No archiving: the newest limit posts, no page. */
	current = archive_split(&f, ARCHIVE_NONE, 4, &pages, &n);
	CHECK(current == 4 && n == 0 && pages == NULL);

	path = archive_path("feed/news.xml", "2024-05");
	CHECK_STR(path, "feed/news/archive/2024-05.xml");
	free(path);
	path = archive_path("feed.rss", "2024");
	CHECK_STR(path, "feed/archive/2024.rss");
	free(path);
	path = archive_path("feed/by_tag/a.b.xml", "2024-W01");
	CHECK_STR(path, "feed/by_tag/a.b/archive/2024-W01.xml");
	free(path);
	path = archive_path("feeds/site", "2024");
	CHECK_STR(path, "feeds/site/archive/2024");
	free(path);
	return (test_status());
}
