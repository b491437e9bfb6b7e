/*
 * A config for unit tests: config_load on a temporary site holding a
 * _config.yml, and optionally an administrator's -c file.
 */
#ifndef FEEDD_TESTCFG_H
#define FEEDD_TESTCFG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/xmalloc.h"

/*
 * config_load of a site with _config.yml yml (may be NULL) and a -c file
 * admin (may be NULL).  Returns the config, or NULL with *errors (may be
 * NULL) set to config_load's errors.
 */
static inline struct config *
test_config(const char *yml, const char *admin, char **errors)
{
	struct config_overrides ov;
	struct config	*cfg;
	char		 dir[] = "/tmp/feedd-unit-test.XXXXXX";
	char		*file, *afile, *err = NULL, *warnings = NULL;
	FILE		*f;

	if (mkdtemp(dir) == NULL)
		return (NULL);
	xasprintf(&file, "%s/_config.yml", dir);
	xasprintf(&afile, "%s/admin.yml", dir);
	if (yml != NULL && (f = fopen(file, "w")) != NULL) {
		fputs(yml, f);
		fclose(f);
	}
	if (admin != NULL && (f = fopen(afile, "w")) != NULL) {
		fputs(admin, f);
		fclose(f);
	}
	memset(&ov, 0, sizeof ov);
	ov.site_dir = dir;
	ov.output_dir = "/srv/feeds/out";
	if (admin != NULL)
		ov.config_file = afile;
	cfg = config_load(&ov, &err, &warnings);
	if (errors != NULL)
		*errors = err;
	else
		free(err);
	free(warnings);
	unlink(file);
	unlink(afile);
	free(file);
	free(afile);
	rmdir(dir);
	return (cfg);
}

#endif
