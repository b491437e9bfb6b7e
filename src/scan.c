/*
 * Walking the site for post files.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "post.h"
#include "scan.h"
#include "xmalloc.h"

/* Folders never read for posts (Jekyll's default excludes). */
static const char *const default_excludes[] = {
	"node_modules", "vendor", "gemfiles", NULL
};

/* One walk's fixed inputs. */
struct walker {
	const struct config *cfg;
	struct scan_result *res;
	scan_folder_fn	 on_folder;
	void		*arg;
};

static int	walk(const struct walker *, const char *, int);
static int	excluded(const struct config *, const char *);
static int	folder_skipped(const struct config *, const char *);
static int	entry_cmp(const void *, const void *);
static void	add_entry(struct scan_result *, const char *, const char *);
static int	in_posts(const char *);

/* Names Jekyll's EntryFilter skips, plus editor droppings. */
int
scan_ignored_name(const char *name)
{
	size_t	 n = strlen(name);

	return (name[0] == '.' || name[0] == '#' || name[0] == '~' ||
	    (n > 0 && name[n - 1] == '~') || strcmp(name, "4913") == 0 ||
	    (n > 4 && strcmp(name + n - 4, ".swp") == 0));
}

/*
 * Whether a site-relative path is excluded by configuration: it is, or
 * lies below, an exclude entry, or matches one that is a glob.
 */
static int
excluded(const struct config *cfg, const char *rel)
{
	char	**p;
	size_t	 n;
	int	 i;

	for (i = 0; default_excludes[i] != NULL; i++) {
		n = strlen(default_excludes[i]);
		if (strncmp(rel, default_excludes[i], n) == 0 &&
		    (rel[n] == '\0' || rel[n] == '/'))
			return (1);
	}
	for (p = cfg->exclude; p != NULL && *p != NULL; p++) {
		n = strlen(*p);
		while (n > 0 && (*p)[n - 1] == '/')
			n--;
		if (n > 0 && strncmp(rel, *p, n) == 0 &&
		    (rel[n] == '\0' || rel[n] == '/'))
			return (1);
		if (strpbrk(*p, "*?[") != NULL && fnmatch(*p, rel, 0) == 0)
			return (1);
	}
	return (0);
}

/*
 * Whether a full walk would leave site-relative folder rel out: a hidden,
 * backup or underscore name on the way (_posts aside), an excluded path,
 * or the output folder.  A folder that appears while feedd watches must
 * be treated exactly as a build treats it.
 */
static int
folder_skipped(const struct config *cfg, const char *rel)
{
	const char	*p = rel, *slash;
	char		*name, *path;
	int		 skip = 0;

	if (*rel == '\0')
		return (0);
	for (;;) {
		slash = strchr(p, '/');
		name = slash != NULL ? xstrndup(p, (size_t)(slash - p)) :
		    xstrdup(p);
		if (*name == '\0' || scan_ignored_name(name) ||
		    (name[0] == '_' && strcmp(name, "_posts") != 0))
			skip = 1;
		free(name);
		if (skip || slash == NULL)
			break;
		p = slash + 1;
	}
	if (!skip) {
		xasprintf(&path, "%s/%s", cfg->site_dir, rel);
		skip = excluded(cfg, rel) || strcmp(path, cfg->output_real) == 0;
		free(path);
	}
	return (skip);
}

/* Whether a site-relative folder lies in (or is) a _posts folder. */
static int
in_posts(const char *rel)
{
	const char	*p = rel;

	for (;;) {
		if (strncmp(p, "_posts", 6) == 0 && (p[6] == '/' ||
		    p[6] == '\0'))
			return (1);
		if ((p = strchr(p, '/')) == NULL)
			return (0);
		p++;
	}
}

/* Record a post file. */
static void
add_entry(struct scan_result *res, const char *path, const char *rel)
{
	if (res->count == res->cap) {
		res->cap = res->cap == 0 ? 256 : res->cap * 2;
		res->entries = xreallocarray(res->entries, res->cap,
		    sizeof *res->entries);
	}
	res->entries[res->count].path = xstrdup(path);
	res->entries[res->count].relpath = xstrdup(rel);
	res->count++;
}

/* Walk one folder; posts is set inside a _posts folder. */
static int
walk(const struct walker *wk, const char *rel, int posts)
{
	const struct config *cfg = wk->cfg;
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*dir, *path, *childrel;
	const char	*base;
	int		 isdir;

	if (*rel == '\0')
		dir = xstrdup(cfg->site_dir);
	else
		xasprintf(&dir, "%s/%s", cfg->site_dir, rel);
	if (wk->on_folder != NULL)
		wk->on_folder(rel, wk->arg);
	base = strrchr(rel, '/') != NULL ? strrchr(rel, '/') + 1 : rel;
	if (posts && post_is_post_name(cfg, base))
		log_warnx("%s: a folder named like a post; the posts in it are "
		    "read as posts", dir);
	if ((d = opendir(dir)) == NULL) {
		if (*rel == '\0')
			log_warn("cannot read the site folder %s", dir);
		else if (errno != ENOENT)
			log_warn("cannot read folder %s", dir);
		free(dir);
		return (-1);
	}

	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    scan_ignored_name(de->d_name))
			continue;
		if (*rel == '\0')
			childrel = xstrdup(de->d_name);
		else
			xasprintf(&childrel, "%s/%s", rel, de->d_name);
		xasprintf(&path, "%s/%s", dir, de->d_name);
		isdir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN && lstat(path, &st) == 0)
			isdir = S_ISDIR(st.st_mode);
		/* A linked _posts folder would be silently empty. */
		if ((de->d_type == DT_LNK || (de->d_type == DT_UNKNOWN &&
		    lstat(path, &st) == 0 && S_ISLNK(st.st_mode))) &&
		    strcmp(de->d_name, "_posts") == 0 &&
		    !excluded(cfg, childrel))
			log_warnx("%s: a symbolic link; its posts are not read "
			    "(links are not followed)", path);
		if (isdir) {
			if (strcmp(path, cfg->output_real) == 0 ||
			    excluded(cfg, childrel))
				;
			else if (strcmp(de->d_name, "_posts") == 0)
				walk(wk, childrel, 1);
			else if (de->d_name[0] != '_')
				walk(wk, childrel, posts);
		} else if (posts && de->d_name[0] != '_' &&
		    post_is_post_name(cfg, de->d_name)) {
			/* Links and FIFOs too: post_load names them. */
			add_entry(wk->res, path, childrel);
		}
		free(path);
		free(childrel);
	}
	closedir(d);
	free(dir);
	return (0);
}

/* Whether a site-relative path names a post file. */
int
scan_is_post(const struct config *cfg, const char *rel)
{
	const char	*p = rel, *slash;
	int		 posts = 0;

	while ((slash = strchr(p, '/')) != NULL) {
		if ((size_t)(slash - p) == 6 && strncmp(p, "_posts", 6) == 0)
			posts = 1;
		else if (*p == '_' || scan_ignored_name(p) || slash == p)
			return (0);
		p = slash + 1;
	}
	if (!posts || *p == '_' || scan_ignored_name(p) || excluded(cfg, rel))
		return (0);
	return (post_is_post_name(cfg, p));
}

/* qsort order of entries by relative path. */
static int
entry_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct scan_entry *)a)->relpath,
	    ((const struct scan_entry *)b)->relpath));
}

/* Find every post file of the site, or of one of its folders. */
int
scan_site(const struct config *cfg, const char *subdir,
    struct scan_result *res, scan_folder_fn on_folder, void *arg)
{
	struct walker	 wk = { cfg, res, on_folder, arg };
	int		 rc;

	if (subdir == NULL)
		rc = walk(&wk, "", 0);
	else if (folder_skipped(cfg, subdir))
		rc = 0;
	else
		rc = walk(&wk, subdir, in_posts(subdir));
	if (res->count > 1)
		qsort(res->entries, res->count, sizeof *res->entries,
		    entry_cmp);
	return (rc);
}

/* Free a scan result's entries. */
void
scan_result_free(struct scan_result *res)
{
	size_t	 i;

	for (i = 0; i < res->count; i++) {
		free(res->entries[i].path);
		free(res->entries[i].relpath);
	}
	free(res->entries);
	memset(res, 0, sizeof *res);
}
