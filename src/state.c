/*
 * Versioned, checksummed files in .feedd/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "xmalloc.h"

static uint64_t	checksum(const char *, size_t);

/* FNV-1a, 64 bits: enough to tell a torn or edited file. */
static uint64_t
checksum(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

/* Read and check a state file, in place in body. */
int
state_load(struct outdir *od, const char *name, unsigned version,
    size_t max, struct buf *body, const char **why)
{
	char		*rel, *head, *nl, *tail, want[128];
	size_t		 len;
	uint64_t	 sum;
	int		 rc = -1, n;

	buf_reset(body);
	xasprintf(&rel, OUTDIR_STATE "/%s", name);
	if (outdir_read(od, rel, max, body) == -1) {
		if (errno == ENOENT)
			rc = 0;
		else
			*why = errno == EFBIG ? "too large" :
			    errno == EINVAL || errno == ELOOP ?
			    "not a regular file" : "unreadable";
		goto done;
	}
	snprintf(want, sizeof want, "feedd %s %u\n", name, version);
	head = body->data;
	if (body->len < strlen(want) || strncmp(head, "feedd ", 6) != 0) {
		*why = "not written by feedd";
		goto done;
	}
	if (strncmp(head, want, strlen(want)) != 0) {
		*why = "written by another version of feedd";
		goto done;
	}
	/* The last line: "end LENGTH CHECKSUM\n". */
	if (body->data[body->len - 1] != '\n') {
		*why = "torn (no last line)";
		goto done;
	}
	body->data[body->len - 1] = '\0';
	tail = strrchr(body->data, '\n');
	if (tail == NULL || tail < head + strlen(want) - 1 ||
	    sscanf(tail + 1, "end %zu %" SCNx64 "%n", &len,
	    &sum, &n) != 2 || tail[1 + n] != '\0') {
		*why = "torn (no end line)";
		goto done;
	}
	nl = head + strlen(want);
	if ((size_t)(tail + 1 - nl) != len || checksum(nl, len) != sum) {
		*why = "damaged (length or checksum differs)";
		goto done;
	}
	/* The body moves to the front of the buffer it was read into. */
	memmove(body->data, nl, len);
	body->len = len;
	body->data[len] = '\0';
	rc = 1;
done:
	if (rc != 1)
		buf_reset(body);
	free(rel);
	return (rc);
}

/* Write a state file atomically. */
int
state_save(struct outdir *od, const char *name, unsigned version,
    const char *body, size_t len)
{
	struct buf	 data = BUF_INIT;
	char		*rel;
	int		 rc;

	buf_addf(&data, "feedd %s %u\n", name, version);
	buf_add(&data, body, len);
	buf_addf(&data, "end %zu %016" PRIx64 "\n", len, checksum(body, len));
	xasprintf(&rel, OUTDIR_STATE "/%s", name);
	rc = outdir_replace(od, rel, data.data, data.len);
	free(rel);
	buf_free(&data);
	return (rc);
}
