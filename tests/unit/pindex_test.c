/*
 * pindex: the persistent post index gives back exactly what post_load
 * gave (posts, unpublished files, invalid ones and every warning), with
 * the id post_load computed rather than one kept across a rename; and it
 * gives nothing it cannot vouch for: a file changed while feedd was
 * stopped, one changed too shortly before it was read, one on another
 * device or inode, anything saved for another configuration, _data or
 * command line, and a torn or foreign file.  Real files, real site_load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/fileio.h"
#include "../../src/idmap.h"
#include "../../src/index.h"
#include "../../src/log.h"
#include "../../src/outdir.h"
#include "../../src/pindex.h"
#include "../../src/post.h"
#include "../../src/site.h"
#include "../../src/state.h"
#include "../../src/xmalloc.h"
#include "test.h"

#define A	"_posts/2024-01-01-a.md"
#define B	"_posts/2024-01-02-b.md"
#define C	"_posts/2024-01-03-c.md"
#define D	"_posts/2024-01-04-d.md"
#define E	"_posts/news/2024-01-05-e.md"
#define NFILES	5

static char		 root[] = "/tmp/feedd-pindex-test.XXXXXX";
static char		*site, *outpath;
static struct outdir	*out;

static void	put(const char *, const char *);
static struct config *open_config(const char *url);
static void	settle(void);
static size_t	run(struct config *, struct idmap *, struct index **,
		    struct site_stats *);
static size_t	rerun(struct config *);
static void	same_post(const struct post *, const struct post *);
static void	same_lists(char **, char **);
static void	check_take(struct config *, const char *);
static void	edit_state(const char *, const char *, const char *);

/* Write site/rel, creating its folders. */
static void
put(const char *rel, const char *text)
{
	char	*path, *dir;
	FILE	*f;

	xasprintf(&path, "%s/%s", site, rel);
	dir = fileio_dirname(path);
	CHECK(fileio_mkdirs(dir) == 0);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f != NULL) {
		fputs(text, f);
		CHECK(fclose(f) == 0);
	}
	free(dir);
	free(path);
}

/* The site's configuration, with -u url when not NULL. */
static struct config *
open_config(const char *url)
{
	struct config_overrides ov;
	struct config	*cfg;
	char		*errors = NULL, *warnings = NULL;

	memset(&ov, 0, sizeof ov);
	ov.site_dir = site;
	ov.output_dir = outpath;
	ov.url = url;
	cfg = config_load(&ov, &errors, &warnings);
	if (cfg == NULL)
		fprintf(stderr, "config: %s\n", errors);
	CHECK(cfg != NULL);
	free(errors);
	free(warnings);
	return (cfg);
}

/*
 * Wait until every file written so far is POST_SETTLE_NS old: only then
 * can its time stamps tell a later change (the index waits for that too).
 */
static void
settle(void)
{
	struct timespec	 now, start, nap = { 0, 50 * 1000000 };

	clock_gettime(CLOCK_REALTIME_COARSE, &start);
	do {
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000000000LL + now.tv_nsec -
	    start.tv_nsec <= POST_SETTLE_NS);
}

/*
 * Load the site through the index and save it, as a build does.  Returns
 * how many files came from the index; *idx (if not NULL) gets the index.
 */
static size_t
run(struct config *cfg, struct idmap *ids, struct index **idxp,
    struct site_stats *st)
{
	struct site_stats local;
	struct pindex	*pi;
	struct index	*idx = index_create();

	if (st == NULL)
		st = &local;
	pi = pindex_open(cfg, out);
	CHECK(site_load(cfg, NULL, idx, ids, pi, NULL, INT64_MAX, st, NULL,
	    NULL) == 0);
	CHECK(st->files == NFILES);
	CHECK(pindex_taken(pi) == st->unchanged);
	CHECK(pindex_save(pi, idx, out) == 0);
	pindex_free(pi);
	if (idxp != NULL)
		*idxp = idx;
	else
		index_free(idx);
	return (st->unchanged);
}

/* run, for the count alone. */
static size_t
rerun(struct config *cfg)
{
	return (run(cfg, NULL, NULL, NULL));
}

static void
same_lists(char **a, char **b)
{
	for (; a != NULL && *a != NULL && b != NULL && *b != NULL; a++, b++)
		CHECK_STR(*a, *b);
	CHECK((a == NULL || *a == NULL) && (b == NULL || *b == NULL));
}

/* Strings equal, or both NULL. */
#define CHECK_OPT(x, y) do {						\
	if ((x) == NULL || (y) == NULL)					\
		CHECK((x) == (y));					\
	else								\
		CHECK_STR((x), (y));					\
} while (0)

/* Every field post_load sets. */
static void
same_post(const struct post *a, const struct post *b)
{
	size_t	 i;

	CHECK_STR(a->path, b->path);
	CHECK(a->format == b->format);
	CHECK_STR(a->title, b->title);
	CHECK(a->date == b->date);
	CHECK(a->updated == b->updated);
	same_lists(a->categories, b->categories);
	same_lists(a->tags, b->tags);
	CHECK_STR(a->url, b->url);
	CHECK_STR(a->id, b->id);
	CHECK(a->computed_id == NULL && b->computed_id == NULL);
	CHECK(a->nauthors == b->nauthors);
	for (i = 0; i < a->nauthors && i < b->nauthors; i++) {
		CHECK_OPT(a->authors[i].name, b->authors[i].name);
		CHECK_OPT(a->authors[i].email, b->authors[i].email);
		CHECK_OPT(a->authors[i].uri, b->authors[i].uri);
	}
	CHECK_OPT(a->summary, b->summary);
	CHECK_OPT(a->image, b->image);
	CHECK_OPT(a->lang, b->lang);
	CHECK_OPT(a->excerpt_separator, b->excerpt_separator);
	CHECK(a->id_given == b->id_given);
	CHECK(a->dev == b->dev && a->ino == b->ino && a->size == b->size);
	CHECK(a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns);
	CHECK(a->digest == b->digest);
}

/* What the index gives for rel is what post_load gives. */
static void
check_take(struct config *cfg, const char *rel)
{
	struct pindex	*pi = pindex_open(cfg, out);
	struct post_file f1, f2;
	struct post	*p1 = NULL, *p2 = NULL;
	enum post_status s1, s2;
	char		*path, *c1 = NULL, *c2 = NULL, *w1 = NULL, *w2 = NULL;

	xasprintf(&path, "%s/%s", site, rel);
	CHECK(pindex_take(pi, path, rel, &s1, &p1, &c1, &w1, &f1) == 1);
	s2 = post_load(cfg, path, rel, NULL, &p2, &c2, &w2, &f2);
	CHECK(s1 == s2);
	CHECK_OPT(c1, c2);
	CHECK_OPT(w1, w2);
	CHECK((p1 == NULL) == (p2 == NULL));
	if (p1 != NULL && p2 != NULL)
		same_post(p1, p2);
	CHECK(f1.dev == f2.dev && f1.ino == f2.ino && f1.size == f2.size &&
	    f1.mtime_ns == f2.mtime_ns && f1.ctime_ns == f2.ctime_ns);
	CHECK(!f1.recent && !f2.recent);
	post_free(p1);
	post_free(p2);
	free(c1);
	free(c2);
	free(w1);
	free(w2);
	free(path);
	pindex_free(pi);
}

/*
 * Rewrite .feedd/posts with its first occurrence of from (after the
 * entry of rel, if not NULL) replaced by to, framed as feedd frames it.
 */
static void
edit_state(const char *rel, const char *from, const char *to)
{
	struct buf	 body = BUF_INIT, edited = BUF_INIT;
	const char	*why, *at, *p;

	CHECK(state_load(out, "posts", 1, 1 << 30, &body, &why) == 1);
	at = rel != NULL ? strstr(body.data, rel) : body.data;
	CHECK(at != NULL);
	p = at != NULL ? strstr(at, from) : NULL;
	CHECK(p != NULL);
	if (p == NULL) {
		buf_free(&body);
		return;
	}
	CHECK(strlen(from) == strlen(to));	/* entry lengths stay */
	buf_add(&edited, body.data, (size_t)(p - body.data));
	buf_adds(&edited, to);
	buf_adds(&edited, p + strlen(from));
	CHECK(state_save(out, "posts", 1, edited.data, edited.len) == 1);
	buf_free(&body);
	buf_free(&edited);
}

int
main(void)
{
	struct config	*cfg, *other;
	struct index	*idx;
	struct idmap	*ids;
	struct site_stats st, fresh;
	struct post	*p;
	struct stat	 sb;
	char		*path, *cmd, from[64], to[64];
	FILE		*f;

	/* The posts' warnings come again with every load: not worth showing. */
	log_init("pindex_test", LOG_QUIET);
	if (mkdtemp(root) == NULL)
		return (1);
	xasprintf(&site, "%s/site", root);
	xasprintf(&outpath, "%s/out", root);
	put("_config.yml", "title: T\nurl: https://ex.org\n"
	    "author: Someone\n");
	put(A, "---\ntitle: A post\ndate: 2024-01-01 10:00:00 +0800\n"
	    "categories: [x, y]\ntags: [t1]\nauthor: ann\n"
	    "description: About A\nimage: /a.png\nlang: de\n"
	    "excerpt_separator: <!--more-->\n---\nBody of A\n");
	put(B, "---\ntitle: B post\nlang: not a tag!\n---\nBody\n");
	put(C, "---\ntitle: C\npublished: false\n---\nDraft\n");
	put(D, "---\ntitle: [unclosed\n---\nBody\n");
	put(E, "---\ntitle: E\nfeed_id: tag:ex.org,2024:e\n---\nBody\n");
	CHECK((out = outdir_open(outpath, NULL, &path)) != NULL);
	if (out == NULL)
		return (1);
	CHECK((cfg = open_config(NULL)) != NULL);
	if (cfg == NULL)
		return (1);

	/* Files written just now are re-read however often they are. */
	CHECK(run(cfg, NULL, NULL, &fresh) == 0);
	CHECK(rerun(cfg) == 0);
	settle();
	CHECK(rerun(cfg) == 0);

	/* Now they are taken, and give what reading them gives. */
	CHECK(run(cfg, NULL, NULL, &st) == NFILES);
	CHECK(st.loaded == fresh.loaded && st.unpublished == fresh.unpublished &&
	    st.invalid == fresh.invalid && st.loaded == 3);
	check_take(cfg, A);
	check_take(cfg, B);
	check_take(cfg, C);
	check_take(cfg, D);
	check_take(cfg, E);

	/*
	 * A post whose id is kept across a rename (idmap) is saved with the
	 * id it computes: a build into a folder without the kept ids gives
	 * jekyll-feed's.
	 */
	ids = idmap_load(out);
	idmap_set(ids, A, "tag:ex.org,2020:kept");
	xasprintf(&path, "%s/.feedd/posts", outpath);
	CHECK(unlink(path) == 0);
	free(path);
	xasprintf(&path, "%s/%s", site, A);
	CHECK(run(cfg, ids, &idx, NULL) == 0);
	p = index_get(idx, path);
	CHECK(p != NULL && strcmp(p->id, "tag:ex.org,2020:kept") == 0 &&
	    p->computed_id != NULL);
	index_free(idx);
	CHECK(run(cfg, NULL, &idx, NULL) == NFILES);
	p = index_get(idx, path);
	CHECK(p != NULL && strcmp(p->id, "https://ex.org/x/y/2024/01/01/a") ==
	    0);
	index_free(idx);
	CHECK(run(cfg, ids, &idx, NULL) == NFILES);
	p = index_get(idx, path);
	CHECK(p != NULL && strcmp(p->id, "tag:ex.org,2020:kept") == 0);
	index_free(idx);
	idmap_free(ids);
	check_take(cfg, A);

	/* Changed while feedd was stopped, to the same size: read again. */
	put(A, "---\ntitle: A POST\ndate: 2024-01-01 10:00:00 +0800\n"
	    "categories: [x, y]\ntags: [t1]\nauthor: ann\n"
	    "description: About A\nimage: /a.png\nlang: de\n"
	    "excerpt_separator: <!--more-->\n---\nBody of A\n");
	CHECK(run(cfg, NULL, &idx, NULL) == NFILES - 1);
	p = index_get(idx, path);
	CHECK(p != NULL && strcmp(p->title, "A POST") == 0);
	index_free(idx);
	/* ...and again while it is recent: its time stamps cannot tell a
	 * second change within one tick of the file system's clock. */
	CHECK(rerun(cfg) == NFILES - 1);
	settle();
	CHECK(rerun(cfg) == NFILES - 1);
	CHECK(rerun(cfg) == NFILES);

	/* Another inode (same bytes, same times: cp -p then mv). */
	CHECK(lstat(path, &sb) == 0);
	snprintf(from, sizeof from, " %llu ", (unsigned long long)sb.st_ino);
	snprintf(to, sizeof to, " %llu ", (unsigned long long)sb.st_ino ^ 1);
	edit_state(A, from, to);
	CHECK(rerun(cfg) == NFILES - 1);
	CHECK(rerun(cfg) == NFILES);
	/* Another device (a copy on another file system at the same path). */
	snprintf(from, sizeof from, " 0 %llu ", (unsigned long long)sb.st_dev);
	snprintf(to, sizeof to, " 0 %llu ", (unsigned long long)sb.st_dev ^ 1);
	edit_state(A, from, to);
	CHECK(rerun(cfg) == NFILES - 1);
	CHECK(rerun(cfg) == NFILES);

	/* Another configuration: the site's file, or the command line. */
	put("_config.yml", "title: T\nurl: https://ex.org\n"
	    "author: Someone Else\n");
	CHECK((other = open_config(NULL)) != NULL);
	CHECK(rerun(other) == 0);
	config_free(other);
	CHECK((other = open_config("https://other.example")) != NULL);
	CHECK(rerun(other) == 0);
	CHECK(rerun(other) == NFILES);
	config_free(other);

	/* _data: authors come from there. */
	put("_data/authors.yml", "ann:\n  name: Ann Author\n");
	CHECK((other = open_config("https://other.example")) != NULL);
	CHECK(run(other, NULL, &idx, NULL) == 0);
	p = index_get(idx, path);
	CHECK(p != NULL && p->nauthors == 1 &&
	    strcmp(p->authors[0].name, "Ann Author") == 0);
	index_free(idx);
	CHECK(rerun(other) == NFILES);

	/* Torn: ignored (one warning), written anew. */
	free(path);
	xasprintf(&path, "%s/.feedd/posts", outpath);
	CHECK(truncate(path, 300) == 0);
	CHECK(rerun(other) == 0);
	CHECK(rerun(other) == NFILES);
	/* Damaged inside, its frame intact: also ignored. */
	edit_state(NULL, "2024-01-01-a", "2024-01-09-a");
	CHECK(rerun(other) == 0);
	CHECK(rerun(other) == NFILES);
	/* Foreign: another version of the format. */
	CHECK((f = fopen(path, "r+")) != NULL);
	if (f != NULL) {
		CHECK(fputs("feedd posts 9", f) >= 0);
		CHECK(fclose(f) == 0);
	}
	CHECK(rerun(other) == 0);
	CHECK(rerun(other) == NFILES);

	/* A file gone leaves the index. */
	free(path);
	xasprintf(&path, "%s/%s", site, B);
	CHECK(unlink(path) == 0);
	idx = index_create();
	{
		struct pindex *pi = pindex_open(other, out);

		CHECK(site_load(other, NULL, idx, NULL, pi, NULL, INT64_MAX,
		    &st, NULL, NULL) == 0);
		CHECK(st.unchanged == NFILES - 1 && pindex_taken(pi) ==
		    NFILES - 1 && pindex_saved_count(pi) == NFILES);
		CHECK(pindex_save(pi, idx, out) == 0);
		pindex_free(pi);
		pi = pindex_open(other, out);
		CHECK(pindex_saved_count(pi) == NFILES - 1);
		pindex_free(pi);
	}
	index_free(idx);

	config_free(other);
	config_free(cfg);
	outdir_free(out);
	free(path);
	xasprintf(&cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(site);
	free(outpath);
	return (test_status());
}
