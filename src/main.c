/*
 * feedd: RSS and Atom feeds for every category, tag and the whole site of
 * a Jekyll site.  This file holds the command line and the order in which
 * the modules are set up and torn down.
 */
#include <getopt.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "daemon.h"
#include "defaults.h"
#include "datetime.h"
#include "feedwrite.h"
#include "index.h"
#include "log.h"
#include "outdir.h"
#include "publish.h"
#include "sandbox.h"
#include "site.h"
#include "xmalloc.h"

/* Exit statuses, documented in feedd(8). */
#define EXIT_OK		0
#define EXIT_WRITE	1	/* some feed could not be written */
#define EXIT_USAGE	2	/* bad command line or configuration */

/* How long feedd reload waits for the daemon's answer by default. */
#define RELOAD_TIMEOUT	600

struct options {
	const char	*command;
	const char	*operand;	/* SITE, or reload's PID */
	struct config_overrides ov;
	int		 verbosity;
	int		 as_service;	/* check-config --as-service */
	int		 timeout;	/* reload --timeout */
};

static int64_t	elapsed_ms(int64_t);
static void	usage(FILE *);
static int	parse_options(int, char **, struct options *);
static int	cmd_build(const struct options *);
static int	cmd_check_config(const struct options *);
static int	check_as_service(const struct options *);
static int	cmd_reload(const struct options *);

/* Milliseconds on the monotonic clock since since_ms. */
static int64_t
elapsed_ms(int64_t since_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - since_ms);
}

/* Print the synopsis. */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: feedd build [SITE] [-o DIR] [-c FILE] [-u URL] [-v | -q]\n"
	    "       feedd [watch] [SITE] [-o DIR] [-c FILE] [-u URL] [-v | -q]\n"
	    "       feedd check-config [SITE] [-o DIR] [-c FILE] [-u URL]\n"
	    "       feedd check-config --as-service -c /etc/feedd/NAME.yml\n"
	    "       feedd reload PID [--timeout SECONDS]\n"
	    "       feedd --help | --version\n"
	    "\n"
	    "Write an Atom and an RSS feed for the whole site, every category\n"
	    "and every tag of the Jekyll site SITE (default: the current\n"
	    "folder), reading its _config.yml.  build writes them once; watch\n"
	    "(the default) writes them, then rewrites exactly the feeds a\n"
	    "change affects as posts are added, edited, moved or deleted,\n"
	    "until SIGTERM; SIGHUP re-reads the configuration, SIGUSR1 rescans.\n"
	    "A site path that is a symbolic link is followed when a deploy\n"
	    "swaps it.  reload makes the daemon PID re-read its configuration\n"
	    "and waits until it is applied (exit 0) or refused (exit 1).\n"
	    "check-config --as-service checks as the systemd unit feedd@NAME\n"
	    "runs: as user feedd, in its sandbox, writing /var/lib/feedd/NAME.\n"
	    "\n"
	    "  -o, --output DIR   write feeds into DIR (default: SITE/_feeds)\n"
	    "  -c, --config FILE  settings that override SITE/_config.yml\n"
	    "  -u, --url URL      the site's url, if _config.yml lacks it\n"
	    "  -n                 same as check-config\n"
	    "      --as-service   check-config as the service runs (as root)\n"
	    "      --timeout SEC  how long reload waits (default 600)\n"
	    "  -v, --verbose      report every file written\n"
	    "  -q, --quiet        report errors only\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the version\n"
	    "\n"
	    "Exit status: 0 when every feed was written (build) or on SIGTERM\n"
	    "(watch), 1 when some could not be, another feedd owns the output\n"
	    "folder or a reload was refused, 2 for a bad command line or\n"
	    "configuration.\n");
}

/* Parse argv; returns -1 after printing a usage error. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "as-service", no_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	int	 ch;

	memset(o, 0, sizeof *o);
	o->verbosity = LOG_NORMAL;
	o->timeout = RELOAD_TIMEOUT;
	/* GNU getopt permutes: options may come before or after operands. */
	while ((ch = getopt_long(argc, argv, "o:c:u:nvqhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			o->ov.output_dir = optarg;
			break;
		case 'c':
			o->ov.config_file = optarg;
			break;
		case 'u':
			o->ov.url = optarg;
			break;
		case 'n':
			o->command = "check-config";
			break;
		case 'v':
			o->verbosity = LOG_VERBOSE;
			break;
		case 'q':
			o->verbosity = LOG_QUIET;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("feedd %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		case 'S':
			o->as_service = 1;
			break;
		case 'T':
			o->timeout = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o->timeout <= 0 ||
			    o->timeout > 86400) {
				fprintf(stderr, "feedd: --timeout: seconds, 1 to "
				    "86400: %s\n", optarg);
				return (-1);
			}
			break;
		default:
			usage(stderr);
			return (-1);
		}
	}
	argc -= optind;
	argv += optind;
	if (o->command == NULL && argc > 0 && (strcmp(argv[0], "build") == 0 ||
	    strcmp(argv[0], "watch") == 0 ||
	    strcmp(argv[0], "check-config") == 0 ||
	    strcmp(argv[0], "reload") == 0)) {
		o->command = argv[0];
		argc--;
		argv++;
	}
	if (argc > 0) {
		o->operand = argv[0];
		argc--;
		argv++;
	}
	/* Under systemd, "feedd" alone is the daemon. */
	if (o->command == NULL)
		o->command = "watch";
	if (argc > 0) {
		fprintf(stderr, "feedd: unexpected argument \"%s\"\n", argv[0]);
		usage(stderr);
		return (-1);
	}
	if (strcmp(o->command, "reload") == 0) {
		if (o->operand == NULL || strtol(o->operand, &end, 10) <= 0 ||
		    *end != '\0') {
			fprintf(stderr, "feedd: reload needs the daemon's PID\n");
			usage(stderr);
			return (-1);
		}
	} else
		o->ov.site_dir = o->operand;
	if (o->as_service && (strcmp(o->command, "check-config") != 0 ||
	    o->ov.config_file == NULL || o->ov.output_dir != NULL)) {
		fprintf(stderr, "feedd: --as-service is for check-config -c "
		    "/etc/feedd/NAME.yml (the service gives the output "
		    "folder)\n");
		return (-1);
	}
	return (0);
}

/* feedd check-config: validate and exit. */
static int
cmd_check_config(const struct options *o)
{
	struct config	*cfg;
	char		*sets;

	if (o->as_service)
		return (check_as_service(o));
	if ((cfg = config_open(&o->ov)) == NULL)
		return (EXIT_USAGE);
	printf("configuration OK: site %s, feeds into %s\n", cfg->site_dir,
	    cfg->output_dir);
	if ((sets = defaults_describe(cfg->defaults)) != NULL) {
		printf("front-matter defaults (each set's scope, and the keys "
		    "it gives the posts it covers):\n%s", sets);
		free(sets);
	}
	if (cfg->collection_permalink != NULL)
		printf("collections.posts.permalink: %s\n",
		    cfg->collection_permalink);
	config_free(cfg);
	return (EXIT_OK);
}

/*
 * feedd check-config --as-service: as the unit runs feedd (its user, its
 * output folder, its sandbox), read the configuration and every post.
 */
static int
check_as_service(const struct options *o)
{
	struct config_overrides ov = o->ov;
	struct config	*cfg;
	struct index	*idx;
	struct site_stats st;
	char		*unit, *output, *cause, *why;
	int		 rc = EXIT_OK;

	if (sandbox_enter(ov.config_file, &unit, &output, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	ov.output_dir = output;
	if ((cfg = config_open(&ov)) == NULL) {
		log_error("%s cannot start with %s", unit, ov.config_file);
		free(unit);
		free(output);
		return (EXIT_USAGE);
	}
	/* As user feedd the host's /tmp is visible; the service's is not. */
	if ((why = sandbox_site_problem(cfg->site_path)) != NULL ||
	    (why = sandbox_site_problem(cfg->site_dir)) != NULL) {
		log_error("%s", why);
		free(why);
		rc = EXIT_USAGE;
	} else {
		idx = index_create();
		if (site_load(cfg, NULL, idx, INT64_MAX, &st, NULL, NULL) != 0)
			rc = EXIT_USAGE;
		else
			printf("configuration OK for %s, as user %s: site %s "
			    "(%zu posts read, %zu skipped), feeds into %s\n",
			    unit, SANDBOX_USER, cfg->site_path, st.loaded,
			    st.invalid, cfg->output_dir);
		index_free(idx);
	}
	if (rc != EXIT_OK)
		log_error("%s cannot start with %s", unit, ov.config_file);
	config_free(cfg);
	free(unit);
	free(output);
	return (rc);
}

/* feedd reload PID: reload the daemon and wait until it is applied. */
static int
cmd_reload(const struct options *o)
{
	char	*cause;
	pid_t	 pid = (pid_t)strtol(o->operand, NULL, 10);

	if (daemon_request_reload(pid, o->timeout, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EXIT_WRITE);
	}
	log_info("feedd (pid %ld) reloaded its configuration", (long)pid);
	return (EXIT_OK);
}

/* feedd build: write every feed once. */
static int
cmd_build(const struct options *o)
{
	struct config	*cfg;
	struct index	*idx;
	struct publisher *pub;
	struct outdir	*out = NULL;
	struct site_stats sst;
	struct publish_stats pst;
	struct feed	**feeds;
	size_t		 nfeeds;
	int64_t		 start;
	char		*cause;
	int		 rc = EXIT_OK;

	if ((cfg = config_open(&o->ov)) == NULL)
		return (EXIT_USAGE);
	if ((out = outdir_open(cfg->output_dir, cfg->site_dir, &cause)) ==
	    NULL || outdir_lock(out, NULL, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		outdir_free(out);
		config_free(cfg);
		return (EXIT_WRITE);
	}
	idx = index_create();
	start = elapsed_ms(0);
	if (site_load(cfg, NULL, idx, cfg->future ? INT64_MAX :
	    (int64_t)time(NULL), &sst, NULL, NULL) != 0) {
		index_free(idx);
		outdir_free(out);
		config_free(cfg);
		return (EXIT_USAGE);
	}

	log_debug("read %zu post files in %lld ms", sst.files,
	    (long long)elapsed_ms(start));

	memset(&pst, 0, sizeof pst);
	start = elapsed_ms(0);
	pub = publish_create(cfg, out, idx);
	feeds = index_feeds(idx, &nfeeds);
	publish_feeds(pub, feeds, nfeeds, &pst);
	log_debug("rendered and wrote %zu feeds in %lld ms", nfeeds,
	    (long long)elapsed_ms(start));
	publish_finish_full(pub, &pst);
	if (pst.failed > 0)
		rc = EXIT_WRITE;
	if (pst.failed > 0)
		log_error("%zu feed files could not be written (%s)",
		    pst.failed, pst.first_failure);
	log_info("%zu posts (%zu skipped, %zu unpublished, %zu scheduled), "
	    "%zu feeds: %zu files written, %zu unchanged, %zu removed, "
	    "%zu failed; feeds are in %s", sst.loaded - index_pending_count(idx),
	    sst.invalid, sst.unpublished, index_pending_count(idx), nfeeds,
	    pst.written, pst.unchanged, pst.removed, pst.failed,
	    cfg->output_dir);

	free(feeds);
	publish_free(pub);
	outdir_free(out);
	index_free(idx);
	config_free(cfg);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct options	 o;
	int		 rc;

	log_init("feedd", LOG_NORMAL);
	if (parse_options(argc, argv, &o) != 0)
		return (EXIT_USAGE);
	log_init("feedd", o.verbosity);
	/* Past a file size limit, write() should fail, not kill feedd. */
	signal(SIGXFSZ, SIG_IGN);
	feedwrite_init();
	if (strcmp(o.command, "build") == 0)
		rc = cmd_build(&o);
	else if (strcmp(o.command, "check-config") == 0)
		rc = cmd_check_config(&o);
	else if (strcmp(o.command, "reload") == 0)
		rc = cmd_reload(&o);
	else
		rc = daemon_run(&o.ov);
	feedwrite_cleanup();
	return (rc);
}
