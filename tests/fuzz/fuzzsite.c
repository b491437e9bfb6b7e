/*
 * The fuzz targets' site folder: made under $TMPDIR (or /tmp) once per
 * process, removed by an atexit handler when libFuzzer ends normally.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/config.h"
#include "../../src/datetime.h"
#include "../../src/xmalloc.h"
#include "fuzzsite.h"

static char	*site;

static int	remove_entry(const char *, const struct stat *, int,
		    struct FTW *);
static void	remove_site(void);

/* nftw callback: remove one entry. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/* atexit handler: remove the site folder and everything in it. */
static void
remove_site(void)
{
	if (site != NULL)
		nftw(site, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(site);
	site = NULL;
}

/* Make the site folder with _posts/ and _config.yml. */
const char *
fuzzsite_create(const char *yml)
{
	const char	*tmp = getenv("TMPDIR");
	char		*posts;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&site, "%s/feedd-fuzz.XXXXXX", tmp);
	if (mkdtemp(site) == NULL) {
		perror(site);
		exit(1);
	}
	atexit(remove_site);
	posts = fuzzsite_path("_posts");
	if (mkdir(posts, 0755) != 0) {
		perror(posts);
		exit(1);
	}
	free(posts);
	posts = fuzzsite_path("_config.yml");
	fuzzsite_write(posts, yml, strlen(yml));
	free(posts);
	return (site);
}

/* site/rel as a new string. */
char *
fuzzsite_path(const char *rel)
{
	char	*p;

	xasprintf(&p, "%s/%s", site, rel);
	return (p);
}

/* Replace the file at path with len bytes. */
void
fuzzsite_write(const char *path, const void *data, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL ||
	    (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Load the site's config and install its time zone. */
struct config *
fuzzsite_config(void)
{
	struct config_overrides ov;
	struct config	*cfg;
	char		*errors = NULL, *warnings = NULL;

	memset(&ov, 0, sizeof ov);
	ov.site_dir = site;
	if ((cfg = config_load(&ov, &errors, &warnings)) == NULL) {
		fprintf(stderr, "config_load: %s\n", errors);
		exit(1);
	}
	free(warnings);
	if (datetime_set_zone(cfg->timezone) != 0) {
		fprintf(stderr, "unknown time zone %s\n", cfg->timezone);
		exit(1);
	}
	return (cfg);
}
