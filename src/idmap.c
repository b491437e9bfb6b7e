/*
 * Kept ids, in memory a map from site-relative path to id, on disk
 * .feedd/ids: one "relpath TAB id" line per kept id, sorted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "idmap.h"
#include "log.h"
#include "state.h"
#include "strmap.h"
#include "xmalloc.h"

#define IDMAP_NAME	"ids"
#define IDMAP_VERSION	1
#define IDMAP_MAX	(256 * 1024 * 1024)

struct idmap {
	struct strmap	*ids;		/* relpath -> id (owned) */
	int		 dirty;		/* changed since loaded or saved */
};

static int	fits(const char *);
static int	compare_keys(const void *, const void *);

/* Whether a string can be a field of a line. */
static int
fits(const char *s)
{
	return (*s != '\0' && strpbrk(s, "\t\n") == NULL);
}

struct idmap *
idmap_load(struct outdir *out)
{
	struct idmap	*m = xcalloc(1, sizeof *m);
	struct buf	 body = BUF_INIT;
	const char	*why;
	char		*line, *tab, *save;
	int		 rc;

	m->ids = strmap_create();
	rc = state_load(out, IDMAP_NAME, IDMAP_VERSION, IDMAP_MAX, &body, &why);
	if (rc == -1)
		log_warnx("%s/%s/%s is %s; it is ignored and written anew (posts "
		    "renamed earlier get their computed ids)", outdir_path(out),
		    OUTDIR_STATE, IDMAP_NAME, why);
	if (rc == 1 && body.data != NULL) {
		for (line = strtok_r(body.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if ((tab = strchr(line, '\t')) == NULL)
				continue;
			*tab = '\0';
			if (fits(line) && fits(tab + 1))
				strmap_put(m->ids, line, xstrdup(tab + 1));
		}
	}
	buf_free(&body);
	return (m);
}

void
idmap_free(struct idmap *m)
{
	size_t		 pos = 0;
	const char	*key;
	void		*value;

	if (m == NULL)
		return;
	while (strmap_next(m->ids, &pos, &key, &value))
		free(value);
	strmap_free(m->ids);
	free(m);
}

const char *
idmap_get(const struct idmap *m, const char *relpath)
{
	return (m != NULL ? strmap_get(m->ids, relpath) : NULL);
}

void
idmap_set(struct idmap *m, const char *relpath, const char *id)
{
	char	*old;

	if (m == NULL)
		return;
	if ((old = strmap_get(m->ids, relpath)) != NULL &&
	    strcmp(old, id) == 0)
		return;
	if (!fits(relpath) || !fits(id)) {
		idmap_drop(m, relpath);
		return;
	}
	free(old);
	strmap_put(m->ids, relpath, xstrdup(id));
	m->dirty = 1;
}

void
idmap_drop(struct idmap *m, const char *relpath)
{
	char	*old;

	if (m != NULL && (old = strmap_remove(m->ids, relpath)) != NULL) {
		free(old);
		m->dirty = 1;
	}
}

void
idmap_prune(struct idmap *m, int (*exists)(const char *, void *), void *arg)
{
	const char	*key;
	void		*value;
	char		**gone = NULL;
	size_t		 pos = 0, n = 0, i;

	if (m == NULL)
		return;
	while (strmap_next(m->ids, &pos, &key, &value)) {
		if (exists(key, arg))
			continue;
		gone = xreallocarray(gone, n + 1, sizeof *gone);
		gone[n++] = xstrdup(key);
	}
	for (i = 0; i < n; i++) {
		idmap_drop(m, gone[i]);
		free(gone[i]);
	}
	free(gone);
}

/* qsort: strings by bytes. */
static int
compare_keys(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

int
idmap_save(struct idmap *m, struct outdir *out)
{
	struct buf	 body = BUF_INIT;
	const char	**keys, *key;
	void		*value;
	size_t		 pos = 0, n = 0, i;
	int		 rc;

	if (m == NULL || !m->dirty)
		return (0);
	keys = xcalloc(strmap_count(m->ids) + 1, sizeof *keys);
	while (strmap_next(m->ids, &pos, &key, &value))
		keys[n++] = key;
	qsort(keys, n, sizeof *keys, compare_keys);
	for (i = 0; i < n; i++)
		buf_addf(&body, "%s\t%s\n", keys[i],
		    (char *)strmap_get(m->ids, keys[i]));
	rc = state_save(out, IDMAP_NAME, IDMAP_VERSION,
	    body.data != NULL ? body.data : "", body.len);
	free(keys);
	buf_free(&body);
	if (rc == -1)
		return (-1);
	m->dirty = 0;
	return (0);
}
