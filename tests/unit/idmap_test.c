/*
 * idmap: kept ids survive a save and a load; only paths and ids a line
 * can hold are kept; prune forgets gone paths; an unchanged map is not
 * written; a torn file is ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/idmap.h"
#include "../../src/outdir.h"
#include "test.h"

static int
exists_b(const char *relpath, void *arg)
{
	(void)arg;
	return (strcmp(relpath, "_posts/b.md") == 0);
}

int
main(void)
{
	char		 dir[] = "/tmp/feedd-idmap-test.XXXXXX", path[256];
	struct outdir	*out;
	struct idmap	*m;
	FILE		*f;
	char		*cause = NULL;

	if (mkdtemp(dir) == NULL)
		return (1);
	if ((out = outdir_open(dir, NULL, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return (1);
	}
	m = idmap_load(out);
	CHECK(idmap_get(m, "_posts/a.md") == NULL);
	CHECK(idmap_save(m, out) == 0);
	snprintf(path, sizeof path, "%s/.feedd/ids", dir);
	CHECK(access(path, F_OK) != 0);		/* nothing kept, nothing written */
	idmap_set(m, "_posts/a.md", "https://e.org/a");
	idmap_set(m, "_posts/b.md", "tag:e.org,2024:b");
	idmap_set(m, "_posts/tab\there.md", "https://e.org/t");
	idmap_set(m, "_posts/c.md", "https://e.org/line\nbreak");
	CHECK(idmap_get(m, "_posts/tab\there.md") == NULL);
	CHECK(idmap_get(m, "_posts/c.md") == NULL);
	CHECK(idmap_save(m, out) == 0);
	idmap_free(m);

	m = idmap_load(out);
	CHECK_STR(idmap_get(m, "_posts/a.md"), "https://e.org/a");
	CHECK_STR(idmap_get(m, "_posts/b.md"), "tag:e.org,2024:b");
	idmap_prune(m, exists_b, NULL);
	CHECK(idmap_get(m, "_posts/a.md") == NULL);
	CHECK_STR(idmap_get(m, "_posts/b.md"), "tag:e.org,2024:b");
	idmap_drop(m, "_posts/b.md");
	CHECK(idmap_get(m, "_posts/b.md") == NULL);
	CHECK(idmap_save(m, out) == 0);
	idmap_free(m);
	m = idmap_load(out);
	CHECK(idmap_get(m, "_posts/b.md") == NULL);
	idmap_free(m);

	/* Torn: no end line.  Ignored, with a warning. */
	if ((f = fopen(path, "w")) != NULL) {
		fputs("feedd ids 1\n_posts/a.md\thttps://x/torn\n", f);
		fclose(f);
	}
	m = idmap_load(out);
	CHECK(idmap_get(m, "_posts/a.md") == NULL);
	idmap_free(m);

	outdir_free(out);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	return (test_status());
}
