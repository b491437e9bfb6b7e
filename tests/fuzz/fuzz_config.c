/*
 * fuzz_config: config_load.  Each input is read twice: as the site's
 * _config.yml (with the site folder given, as on the command line), then
 * as a --config file with no site folder given, so its feedd.site key
 * (relative to the file's folder) decides where the site is.
 *
 * Oracle: besides the sanitizers, the contract of config.h: config_load
 * returns a config with no errors, or NULL with a non-empty error list,
 * never both or neither; a config it returns is normalised (url and
 * baseurl without a trailing slash, baseurl "" or starting with '/',
 * a non-empty feed.path not starting with '/', category and tag paths
 * holding {name}, at least one format).  Any breach aborts.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/log.h"
#include "fuzzsite.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*site;
static char		*site_yml;
static char		*extra_yml;

static void	fail(const char *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3), __noreturn__));
static int	ends_with_slash(const char *);
static void	check_config(const char *, const struct config *);
static void	load(const char *, const struct config_overrides *);

/* Report an oracle failure and abort, so libFuzzer keeps the input. */
static void
fail(const char *how, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "fuzz_config: oracle failed (%s): ", how);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Whether s is non-empty and ends with '/'. */
static int
ends_with_slash(const char *s)
{
	size_t	 n = strlen(s);

	return (n > 0 && s[n - 1] == '/');
}

/* The normalised values config.h promises. */
static void
check_config(const char *how, const struct config *cfg)
{
	if (cfg->site_dir == NULL || cfg->output_dir == NULL)
		fail(how, "site or output folder is NULL");
	if (cfg->url == NULL || cfg->id_url == NULL || cfg->baseurl == NULL)
		fail(how, "url, id_url or baseurl is NULL");
	if (ends_with_slash(cfg->url))
		fail(how, "url \"%s\" ends with '/'", cfg->url);
	if (*cfg->baseurl != '\0' && (*cfg->baseurl != '/' ||
	    ends_with_slash(cfg->baseurl)))
		fail(how, "baseurl \"%s\" is not \"\" or \"/path\"",
		    cfg->baseurl);
	if (cfg->permalink == NULL)
		fail(how, "permalink is NULL");
	if (cfg->feed_path == NULL || *cfg->feed_path == '\0' ||
	    *cfg->feed_path == '/')
		fail(how, "feed.path \"%s\" is empty or absolute",
		    cfg->feed_path != NULL ? cfg->feed_path : "(null)");
	if (cfg->category_path == NULL ||
	    strstr(cfg->category_path, "{name}") == NULL ||
	    cfg->tag_path == NULL || strstr(cfg->tag_path, "{name}") == NULL)
		fail(how, "category or tag path without {name}");
	if ((cfg->formats & (FORMAT_ATOM | FORMAT_RSS | FORMAT_JSON)) == 0)
		fail(how, "no format");
	if (cfg->markdown_ext == NULL)
		fail(how, "markdown_ext is NULL");
}

/* One config_load and its oracle. */
static void
load(const char *how, const struct config_overrides *ov)
{
	struct config	*cfg;
	char		*errors = NULL, *warnings = NULL;

	cfg = config_load(ov, &errors, &warnings);
	if (cfg == NULL && (errors == NULL || *errors == '\0'))
		fail(how, "no config and no errors");
	if (cfg != NULL && errors != NULL)
		fail(how, "a config and errors: %s", errors);
	if (warnings != NULL && *warnings == '\0')
		fail(how, "an empty warning list");
	if (cfg != NULL)
		check_config(how, cfg);
	config_free(cfg);
	free(errors);
	free(warnings);
}

/* Make the site folder. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_config", LOG_QUIET);
	site = fuzzsite_create("");
	site_yml = fuzzsite_path("_config.yml");
	extra_yml = fuzzsite_path("feedd.yml");
	return (0);
}

/* Load one input as _config.yml, then as a --config file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_overrides ov;

	fuzzsite_write(site_yml, data, size);
	memset(&ov, 0, sizeof ov);
	ov.site_dir = site;
	load("_config.yml", &ov);

	fuzzsite_write(extra_yml, data, size);
	memset(&ov, 0, sizeof ov);
	ov.config_file = extra_yml;
	load("--config", &ov);
	return (0);
}
