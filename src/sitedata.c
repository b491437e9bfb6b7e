/*
 * Reading the site's _data folder.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "sitedata.h"
#include "xmalloc.h"
#include "yamlu.h"

/* One entry: a parsed file, or a folder. */
struct entry {
	char		*name;		/* without extension */
	int		 rank;		/* extension order: later replaces */
	yaml_document_t	 doc;
	int		 have_doc;
	struct sitedata	*folder;
};

struct sitedata {
	struct entry	*entries;
	size_t		 n;
};

/* Budget shared by a whole load. */
struct budget {
	size_t		 files;
	size_t		 bytes;
	int		 told;		/* the bounds were reported */
};

static const char *const extensions[] = { ".yaml", ".yml", ".json", NULL };

static struct entry *entry_for(struct sitedata *, const char *);
static void	read_folder(struct sitedata *, const char *, int,
		    struct budget *, struct buf *);
static void	free_entry(struct entry *);

/* The entry called name, made if missing. */
static struct entry *
entry_for(struct sitedata *sd, const char *name)
{
	size_t	 i;

	for (i = 0; i < sd->n; i++) {
		if (strcmp(sd->entries[i].name, name) == 0)
			return (&sd->entries[i]);
	}
	sd->entries = xreallocarray(sd->entries, sd->n + 1, sizeof *sd->entries);
	memset(&sd->entries[sd->n], 0, sizeof *sd->entries);
	sd->entries[sd->n].name = xstrdup(name);
	sd->entries[sd->n].rank = -1;
	return (&sd->entries[sd->n++]);
}

/* Free what an entry holds. */
static void
free_entry(struct entry *e)
{
	free(e->name);
	if (e->have_doc)
		yaml_document_delete(&e->doc);
	sitedata_free(e->folder);
}

/* Read one folder of _data into sd. */
static void
read_folder(struct sitedata *sd, const char *dir, int depth,
    struct budget *b, struct buf *warnings)
{
	struct buf	 data = BUF_INIT;
	struct dirent	**names;
	struct stat	 st;
	struct entry	*e;
	char		*path, *stem, *cause;
	size_t		 len;
	int		 n, i, k;

	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		if (errno != ENOENT)
			buf_addf(warnings, "%s: cannot read: %s\n", dir,
			    strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] == '.' || name[0] == '_' || name[0] == '#' ||
		    name[strlen(name) - 1] == '~')
			continue;
		xasprintf(&path, "%s/%s", dir, name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth < SITEDATA_MAX_DEPTH) {
				e = entry_for(sd, name);
				if (e->folder == NULL)
					e->folder = xcalloc(1,
					    sizeof *e->folder);
				read_folder(e->folder, path, depth + 1, b,
				    warnings);
			}
			free(path);
			continue;
		}
		len = strlen(name);
		for (k = 0; extensions[k] != NULL; k++) {
			size_t	 el = strlen(extensions[k]);

			if (len > el && strcasecmp(name + len - el,
			    extensions[k]) == 0)
				break;
		}
		if (extensions[k] == NULL) {
			free(path);
			continue;
		}
		if (b->files >= SITEDATA_MAX_FILES || b->bytes +
		    (size_t)st.st_size > SITEDATA_MAX_BYTES) {
			if (!b->told)
				buf_addf(warnings, "%s: _data holds more than "
				    "%d files or %d MB; the rest is not read\n",
				    path, SITEDATA_MAX_FILES,
				    SITEDATA_MAX_BYTES / (1024 * 1024));
			b->told = 1;
			free(path);
			continue;
		}
		b->files++;
		stem = xstrndup(name, len - strlen(extensions[k]));
		e = entry_for(sd, stem);
		free(stem);
		if (fileio_read(path, SITEDATA_MAX_BYTES - b->bytes, &data,
		    NULL) != 0)
			buf_addf(warnings, "%s: cannot read: %s\n", path,
			    strerror(errno));
		else if (e->rank <= k) {
			b->bytes += data.len;
			if (e->have_doc)
				yaml_document_delete(&e->doc);
			e->have_doc = 0;
			if (yamlu_load(data.data, data.len, 1, &e->doc,
			    &cause) != 0) {
				buf_addf(warnings, "%s:%s\n", path, cause);
				free(cause);
			} else {
				e->have_doc = 1;
				e->rank = k;
			}
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&data);
}

/* Read the site's _data. */
struct sitedata *
sitedata_load(const char *site_dir, struct buf *warnings)
{
	struct sitedata	*sd = xcalloc(1, sizeof *sd);
	struct budget	 b = { 0, 0, 0 };
	struct stat	 st;
	char		*dir;

	xasprintf(&dir, "%s/_data", site_dir);
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		read_folder(sd, dir, 1, &b, warnings);
	else if (errno != ENOENT)
		buf_addf(warnings, "%s: not a folder (links are not "
		    "followed); site.data is empty\n", dir);
	free(dir);
	return (sd);
}

/* Free a sitedata. */
void
sitedata_free(struct sitedata *sd)
{
	size_t	 i;

	if (sd == NULL)
		return;
	for (i = 0; i < sd->n; i++)
		free_entry(&sd->entries[i]);
	free(sd->entries);
	free(sd);
}

/* site.data.NAME[key]. */
int
sitedata_lookup(const struct sitedata *sd, const char *name, const char *key,
    yaml_document_t **doc, yaml_node_t **node)
{
	struct entry	*e = NULL, *f;
	size_t		 i;

	for (i = 0; sd != NULL && i < sd->n; i++) {
		if (strcmp(sd->entries[i].name, name) == 0)
			e = &sd->entries[i];
	}
	if (e == NULL)
		return (0);
	/* A file NAME.yml, else a file KEY.yml in the folder NAME/. */
	if (e->have_doc && (*node = yamlu_get(&e->doc,
	    yamlu_root_map(&e->doc), key)) != NULL) {
		*doc = &e->doc;
		return (1);
	}
	for (i = 0; e->folder != NULL && i < e->folder->n; i++) {
		f = &e->folder->entries[i];
		if (strcmp(f->name, key) == 0 && f->have_doc &&
		    (*node = yaml_document_get_root_node(&f->doc)) != NULL) {
			*doc = &f->doc;
			return (1);
		}
	}
	return (0);
}

/* Every entry of site.data. */
void
sitedata_foreach(const struct sitedata *sd,
    void (*fn)(const char *, yaml_document_t *, yaml_node_t *,
    const struct sitedata *, void *), void *arg)
{
	struct entry	*e;
	size_t		 i;

	for (i = 0; sd != NULL && i < sd->n; i++) {
		e = &sd->entries[i];
		fn(e->name, e->have_doc ? &e->doc : NULL, e->have_doc ?
		    yaml_document_get_root_node(&e->doc) : NULL, e->folder, arg);
	}
}
