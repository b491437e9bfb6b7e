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
#include "sandbox.h"
#include "scan.h"
#include "sdnotify.h"
#include "xmalloc.h"

/* Jekyll 4.3's Configuration::DEFAULT_EXCLUDES, added to any exclude:. */
static const char *const default_excludes[] = {
	".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
	"node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/",
	"vendor/ruby/", NULL
};

/* One walk's fixed inputs. */
struct walker {
	const struct config *cfg;
	struct scan_result *res;
	scan_folder_fn	 on_folder;
	void		*arg;
};

static int	walk(const struct walker *, const char *, int);
static int	pattern_matches(const char *, const char *, int);
static int	list_matches(char *const *, const char *, int);
static int	entry_skipped(const struct config *, const char *, int);
static int	folder_skipped(const struct config *, const char *);
static int	entry_cmp(const void *, const void *);
static void	add_entry(struct scan_result *, const char *, const char *);
static int	in_posts(const char *);

/* Folders read besides posts, relative to the site. */
static const char *const input_folders[] = { "_data", "_includes" };

/* Deeper than this, scan_inputs stops (sitedata reads no deeper). */
#define INPUT_MAX_DEPTH	16

static void	walk_input(const char *, const char *, int, scan_folder_fn,
		    void *);

/* Names Jekyll's EntryFilter skips, plus editor droppings. */
int
scan_ignored_name(const char *name)
{
	size_t	 n = strlen(name);

	return (name[0] == '.' || name[0] == '#' || name[0] == '~' ||
	    (n > 0 && (name[n - 1] == '~' || name[n - 1] == '.')) ||
	    strcmp(name, "4913") == 0 ||
	    (n > 4 && strcmp(name + n - 4, ".swp") == 0));
}

/*
 * Whether an exclude: or include: pattern matches the entry at rel, as
 * Jekyll's EntryFilter#glob_include? does: File.fnmatch? without
 * FNM_PATHNAME ('*' crosses '/'), or a plain string prefix ("news" also
 * covers "newsletter/"), or a folder given with its trailing slash.
 */
static int
pattern_matches(const char *pattern, const char *rel, int isdir)
{
	size_t	 n;

	while (*pattern == '/')
		pattern++;
	if ((n = strlen(pattern)) == 0)
		return (0);
	if (strncmp(rel, pattern, n) == 0 || fnmatch(pattern, rel, 0) == 0)
		return (1);
	return (isdir && pattern[n - 1] == '/' && strlen(rel) == n - 1 &&
	    strncmp(rel, pattern, n - 1) == 0);
}

/* Whether any pattern of a list matches the entry at rel. */
static int
list_matches(char *const *list, const char *rel, int isdir)
{
	for (; list != NULL && *list != NULL; list++) {
		if (pattern_matches(*list, rel, isdir))
			return (1);
	}
	return (0);
}

/*
 * Jekyll's EntryFilter for the entry at site-relative path rel: skipped
 * when its name is hidden, backup or underscore (a _posts folder aside),
 * or it is excluded (exclude: and Jekyll's defaults) -- unless include:
 * lets it in, which also lets in hidden and underscore names.  Editor
 * droppings are skipped always.
 */
static int
entry_skipped(const struct config *cfg, const char *rel, int isdir)
{
	const char	*name = strrchr(rel, '/') != NULL ?
	    strrchr(rel, '/') + 1 : rel;
	size_t		 n = strlen(name);
	int		 i;

	if (strcmp(name, "4913") == 0 || (n > 4 &&
	    strcmp(name + n - 4, ".swp") == 0))
		return (1);
	if (list_matches(cfg->include, rel, isdir))
		return (0);
	if (scan_ignored_name(name) || (name[0] == '_' &&
	    !(isdir && strcmp(name, "_posts") == 0)))
		return (1);
	for (i = 0; default_excludes[i] != NULL; i++) {
		if (pattern_matches(default_excludes[i], rel, isdir))
			return (1);
	}
	return (list_matches(cfg->exclude, rel, isdir));
}

/*
 * Whether a full walk would leave site-relative folder rel out: a
 * skipped entry on the way, or the output folder.  A folder that appears
 * while feedd watches must be treated exactly as a build treats it.
 */
static int
folder_skipped(const struct config *cfg, const char *rel)
{
	const char	*slash;
	char		*prefix, *path;
	int		 skip = 0;

	for (slash = rel; *rel != '\0' && !skip; slash++) {
		slash = strchr(slash, '/');
		prefix = slash != NULL ? xstrndup(rel, (size_t)(slash - rel)) :
		    xstrdup(rel);
		skip = *prefix == '\0' || entry_skipped(cfg, prefix, 1);
		free(prefix);
		if (slash == NULL)
			break;
	}
	if (!skip && *rel != '\0') {
		xasprintf(&path, "%s/%s", cfg->site_dir, rel);
		skip = strcmp(path, cfg->output_real) == 0;
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
	int		 isdir, err;

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
		err = errno;
		if (*rel == '\0')
			log_warnx("cannot read the site folder %s: %s%s", dir,
			    strerror(err), sandbox_hint(dir, err, 0));
		else if (err != ENOENT)
			log_warnx("cannot read folder %s: %s%s", dir,
			    strerror(err), sandbox_hint(dir, err, 0));
		free(dir);
		return (-1);
	}

	while ((de = readdir(d)) != NULL) {
		sdnotify_keepalive();
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
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
		    !entry_skipped(cfg, childrel, 1))
			log_warnx("%s: a symbolic link; its posts are not read "
			    "(links are not followed)", path);
		if (entry_skipped(cfg, childrel, isdir) ||
		    strcmp(path, cfg->output_real) == 0)
			;
		else if (isdir)
			walk(wk, childrel, posts || strcmp(de->d_name,
			    "_posts") == 0);
		else if (posts && post_is_post_name(cfg, de->d_name)) {
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
	const char	*base = strrchr(rel, '/');
	char		*dir;
	int		 ok;

	if (base == NULL)
		return (0);
	dir = xstrndup(rel, (size_t)(base - rel));
	ok = in_posts(dir) && !folder_skipped(cfg, dir) &&
	    !entry_skipped(cfg, rel, 0) && post_is_post_name(cfg, base + 1);
	free(dir);
	return (ok);
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

int
scan_is_input(const char *rel)
{
	size_t	 i, n;

	for (i = 0; i < sizeof input_folders / sizeof input_folders[0]; i++) {
		n = strlen(input_folders[i]);
		if (strncmp(rel, input_folders[i], n) == 0 &&
		    (rel[n] == '\0' || rel[n] == '/'))
			return (1);
	}
	return (0);
}

void
scan_inputs(const struct config *cfg, scan_folder_fn on_folder, void *arg)
{
	size_t	 i;

	for (i = 0; i < sizeof input_folders / sizeof input_folders[0]; i++)
		walk_input(cfg->site_dir, input_folders[i], 0, on_folder, arg);
}

/* Give folder rel of site_dir, and the folders below it, to on_folder. */
static void
walk_input(const char *site_dir, const char *rel, int depth,
    scan_folder_fn on_folder, void *arg)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*dir;
	char		*path, *sub;

	xasprintf(&path, "%s/%s", site_dir, rel);
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (dir = opendir(path)) == NULL) {
		free(path);
		return;
	}
	on_folder(rel, arg);
	while (depth < INPUT_MAX_DEPTH && (de = readdir(dir)) != NULL) {
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&sub, "%s/%s", rel, de->d_name);
		walk_input(site_dir, sub, depth + 1, on_folder, arg);
		free(sub);
	}
	closedir(dir);
	free(path);
}
