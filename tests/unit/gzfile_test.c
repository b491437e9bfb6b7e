/*
 * gzfile: the .gz beside a feed must hold exactly the feed (nginx's
 * gzip_static serves it instead), and the same feed must give the same
 * bytes, so that an unchanged feed leaves its .gz unchanged: no name and
 * no time in the header.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/buf.h"
#include "../../src/gzfile.h"
#include "test.h"

/* gunzip in into out; 0 on success. */
static int
gunzip(const struct buf *in, struct buf *out)
{
	z_stream	 z = { 0 };
	char		 chunk[4096];
	int		 rc;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return (-1);
	z.next_in = (Bytef *)in->data;
	z.avail_in = (uInt)in->len;
	do {
		z.next_out = (Bytef *)chunk;
		z.avail_out = sizeof chunk;
		rc = inflate(&z, Z_NO_FLUSH);
		buf_add(out, chunk, sizeof chunk - z.avail_out);
	} while (rc == Z_OK);
	inflateEnd(&z);
	return (rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1);
}

int
main(void)
{
	struct buf	 feed = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	struct buf	 back = BUF_INIT, empty = BUF_INIT;
	char		*p;
	int		 i;

	for (i = 0; i < 2000; i++)
		buf_addf(&feed, "<entry><title>财经 %d</title></entry>\n", i);
	CHECK(gzfile_compress(feed.data, feed.len, &a) == 0);
	CHECK(gzfile_compress(feed.data, feed.len, &b) == 0);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(a.len < feed.len / 10);
	/* Magic, deflate, no FNAME or other flags, mtime 0. */
	CHECK((unsigned char)a.data[0] == 0x1f &&
	    (unsigned char)a.data[1] == 0x8b && a.data[2] == 8);
	CHECK(a.data[3] == 0);
	CHECK(a.data[4] == 0 && a.data[5] == 0 && a.data[6] == 0 &&
	    a.data[7] == 0);
	CHECK(gunzip(&a, &back) == 0);
	CHECK(back.len == feed.len && memcmp(back.data, feed.data,
	    feed.len) == 0);

	/* An empty file still gives a valid gzip. */
	buf_reset(&a);
	buf_reset(&back);
	CHECK(gzfile_compress("", 0, &a) == 0);
	CHECK(gunzip(&a, &back) == 0 && back.len == 0);

	/* Appends to what the buffer holds. */
	buf_adds(&empty, "x");
	CHECK(gzfile_compress("abc", 3, &empty) == 0 && empty.data[0] == 'x' &&
	    (unsigned char)empty.data[1] == 0x1f);

	p = gzfile_path("feed/a.xml");
	CHECK_STR(p, "feed/a.xml.gz");
	free(p);
	buf_free(&feed);
	buf_free(&a);
	buf_free(&b);
	buf_free(&back);
	buf_free(&empty);
	return (test_status());
}
