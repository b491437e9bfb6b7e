/*
 * Feed signatures.  The file holds one line per file:
 *
 *	SIG INO SIZE MTIME CTIME REL
 *
 * SIG in hexadecimal, the rest decimal, REL (an output path: no line
 * break, see outdir_check_path) last.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "confhash.h"
#include "datetime.h"
#include "fsig.h"
#include "gzfile.h"
#include "hash.h"
#include "log.h"
#include "state.h"
#include "strmap.h"
#include "xmalloc.h"

#define FSIG_NAME	"feeds"
/* This format, and what goes into a signature: a change bumps it. */
#define FSIG_VERSION	1
#define FSIG_MAX	(256 * 1024 * 1024)

/* One file as written. */
struct signed_file {
	uint64_t	 sig;
	ino_t		 ino;
	off_t		 size;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
};

struct fsig {
	const struct config *cfg;
	struct outdir	*out;
	uint64_t	 gen;		/* confhash and FSIG_VERSION */
	struct strmap	*files;		/* rel -> struct signed_file */
	int		 dirty;
};

static void	read_lines(struct fsig *, char *);
static int	same_identity(const struct signed_file *, const struct stat *);
static int	file_unchanged(struct fsig *, struct outdir_batch *,
		    const char *, uint64_t);
static void	file_set(struct fsig *, struct outdir_batch *, const char *,
		    uint64_t);
static void	add_str(struct buf *, const char *);
static int	rel_cmp(const void *, const void *);

/* Take the lines of a saved file; a line that does not parse is skipped. */
static void
read_lines(struct fsig *fs, char *text)
{
	struct signed_file sf, *p;
	char		*line, *save;
	uint64_t	 ino;
	long long	 size, mtime, ctime;
	int		 n;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%" SCNx64 " %" SCNu64 " %lld %lld %lld %n",
		    &sf.sig, &ino, &size, &mtime, &ctime, &n) != 5 ||
		    line[n] == '\0' || outdir_check_path(line + n) != NULL)
			continue;
		sf.ino = (ino_t)ino;
		sf.size = (off_t)size;
		sf.mtime_ns = mtime;
		sf.ctime_ns = ctime;
		p = xmalloc(sizeof *p);
		*p = sf;
		free(strmap_remove(fs->files, line + n));
		strmap_put(fs->files, line + n, p);
	}
}

struct fsig *
fsig_open(const struct config *cfg, struct outdir *out)
{
	struct fsig	*fs = xcalloc(1, sizeof *fs);
	struct buf	 data = BUF_INIT;
	uint64_t	 parts[2];
	const char	*why;
	int		 rc;

	fs->cfg = cfg;
	fs->out = out;
	parts[0] = confhash(cfg);
	parts[1] = FSIG_VERSION;
	fs->gen = hash64(parts, sizeof parts);
	fs->files = strmap_create();
	rc = state_load(out, FSIG_NAME, FSIG_VERSION, FSIG_MAX, &data, &why);
	if (rc == 1)
		read_lines(fs, data.data);
	else if (rc == -1) {
		log_warnx("%s/%s/%s is %s; it is ignored and written anew "
		    "(every feed is rendered again)", outdir_path(out),
		    OUTDIR_STATE, FSIG_NAME, why);
		fs->dirty = 1;
	}
	buf_free(&data);
	return (fs);
}

void
fsig_free(struct fsig *fs)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	if (fs == NULL)
		return;
	while (strmap_next(fs->files, &pos, &key, &value))
		free(value);
	strmap_free(fs->files);
	free(fs);
}

/* A string, delimited (NULL and "" told apart). */
static void
add_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_add(b, "\1", 1);
	else
		buf_add(b, s, strlen(s) + 1);
}

uint64_t
fsig_of(const struct fsig *fs, const struct feed *f, enum feed_format format,
    const char *rel, size_t first, size_t count, const char *extra)
{
	struct buf	 b = BUF_INIT;
	const struct post *p;
	int64_t		 v[6];
	size_t		 k;
	uint64_t	 h;

	v[0] = (int64_t)fs->gen;
	v[1] = format;
	v[2] = f->kind;
	v[3] = (int64_t)f->nposts;
	v[4] = (int64_t)first;
	v[5] = (int64_t)count;
	buf_add(&b, v, sizeof v);
	add_str(&b, rel);
	add_str(&b, f->name);
	add_str(&b, extra);
	/* What post_load made of each post is its file's under the
	 * configuration; its id may be kept (idmap.h), so it comes too. */
	for (k = first; k < f->nposts && k < first + count; k++) {
		p = f->posts[k];
		v[0] = (int64_t)p->dev;
		v[1] = (int64_t)p->ino;
		v[2] = (int64_t)p->size;
		v[3] = p->mtime_ns;
		v[4] = p->ctime_ns;
		v[5] = (int64_t)p->digest;
		buf_add(&b, v, sizeof v);
		add_str(&b, p->path);
		add_str(&b, p->id);
	}
	h = hash64(b.data, b.len);
	buf_free(&b);
	return (h);
}

uint64_t
fsig_of_data(const struct fsig *fs, const void *data, size_t len)
{
	uint64_t	 parts[2];

	parts[0] = fs->gen;
	parts[1] = hash64(data, len);
	return (hash64(parts, sizeof parts));
}

/* Whether sb is the file recorded. */
static int
same_identity(const struct signed_file *sf, const struct stat *sb)
{
	return (S_ISREG(sb->st_mode) && sf->ino == sb->st_ino &&
	    sf->size == sb->st_size &&
	    sf->mtime_ns == datetime_ns(&sb->st_mtim) &&
	    sf->ctime_ns == datetime_ns(&sb->st_ctim));
}

/* Whether one file was written from sig and is still that file. */
static int
file_unchanged(struct fsig *fs, struct outdir_batch *probe, const char *rel,
    uint64_t sig)
{
	const struct signed_file *sf = strmap_get(fs->files, rel);
	struct stat	 sb;

	return (sf != NULL && sf->sig == sig &&
	    outdir_batch_stat(probe, rel, &sb) == 0 && same_identity(sf, &sb));
}

int
fsig_unchanged(struct fsig *fs, struct outdir_batch *probe, const char *rel,
    uint64_t sig)
{
	char	*gz;
	int	 same;

	if (!file_unchanged(fs, probe, rel, sig))
		return (0);
	if (!fs->cfg->gzip)
		return (1);
	gz = gzfile_path(rel);
	same = file_unchanged(fs, probe, gz, sig);
	free(gz);
	return (same);
}

/* Record one file as it is now, written from sig. */
static void
file_set(struct fsig *fs, struct outdir_batch *probe, const char *rel,
    uint64_t sig)
{
	struct signed_file *sf;
	struct stat	 sb;

	free(strmap_remove(fs->files, rel));
	fs->dirty = 1;
	if (outdir_batch_stat(probe, rel, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	sf = xmalloc(sizeof *sf);
	sf->sig = sig;
	sf->ino = sb.st_ino;
	sf->size = sb.st_size;
	sf->mtime_ns = datetime_ns(&sb.st_mtim);
	sf->ctime_ns = datetime_ns(&sb.st_ctim);
	strmap_put(fs->files, rel, sf);
}

void
fsig_set(struct fsig *fs, struct outdir_batch *probe, const char *rel,
    uint64_t sig, int stable)
{
	char	*gz;

	if (!stable) {
		fsig_drop(fs, rel);
		return;
	}
	file_set(fs, probe, rel, sig);
	if (fs->cfg->gzip) {
		gz = gzfile_path(rel);
		file_set(fs, probe, gz, sig);
		free(gz);
	}
}

void
fsig_drop(struct fsig *fs, const char *rel)
{
	char	*gz;
	void	*sf;

	if ((sf = strmap_remove(fs->files, rel)) != NULL) {
		free(sf);
		fs->dirty = 1;
	}
	gz = gzfile_path(rel);
	if ((sf = strmap_remove(fs->files, gz)) != NULL) {
		free(sf);
		fs->dirty = 1;
	}
	free(gz);
}

/* qsort order of paths. */
static int
rel_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

int
fsig_save(struct fsig *fs)
{
	struct buf	 out = BUF_INIT;
	const struct signed_file *sf;
	const char	**rels, *key;
	void		*value;
	size_t		 n = strmap_count(fs->files), i = 0, pos = 0;
	int		 rc;

	if (!fs->dirty)
		return (0);
	rels = xcalloc(n + 1, sizeof *rels);
	while (strmap_next(fs->files, &pos, &key, &value))
		rels[i++] = key;
	qsort(rels, n, sizeof *rels, rel_cmp);
	buf_add(&out, "", 0);
	for (i = 0; i < n; i++) {
		sf = strmap_get(fs->files, rels[i]);
		buf_addf(&out, "%016" PRIx64 " %llu %lld %lld %lld %s\n",
		    sf->sig, (unsigned long long)sf->ino, (long long)sf->size,
		    (long long)sf->mtime_ns, (long long)sf->ctime_ns, rels[i]);
	}
	rc = state_save(fs->out, FSIG_NAME, FSIG_VERSION, out.data, out.len);
	if (rc != -1)
		fs->dirty = 0;
	free(rels);
	buf_free(&out);
	return (rc == -1 ? -1 : 0);
}
