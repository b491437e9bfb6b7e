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

#include "buf.h"
#include "config.h"
#include "daemon.h"
#include "defaults.h"
#include "datetime.h"
#include "feedwrite.h"
#include "hook.h"
#include "idmap.h"
#include "index.h"
#include "log.h"
#include "nginxconf.h"
#include "outdir.h"
#include "pindex.h"
#include "publish.h"
#include "sandbox.h"
#include "site.h"
#include "strmap.h"
#include "websub.h"
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
	int		 keep_ids;	/* build --keep-ids */
	int		 as_service;	/* check-config --as-service */
	int		 timeout;	/* reload --timeout */
};

static int64_t	elapsed_ms(int64_t);
static void	usage(FILE *);
static int	parse_options(int, char **, struct options *);
static int	cmd_build(const struct options *);
static void	run_on_publish(const struct config *, struct strmap *);
static void	ping_hubs(const struct config *, struct outdir *,
		    const struct publisher *, struct strmap *);
static int	cmd_check_config(const struct options *);
static int	cmd_nginx_config(const struct options *);
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
	    "usage: feedd build [SITE] [-o DIR] [-c FILE] [-u URL] [-k] [-v | -q]\n"
	    "       feedd [watch] [SITE] [-o DIR] [-c FILE] [-u URL] [-v | -q]\n"
	    "       feedd check-config [SITE] [-o DIR] [-c FILE] [-u URL]\n"
	    "       feedd nginx-config [SITE] [-o DIR] [-c FILE]\n"
	    "       feedd check-config --as-service -c /etc/feedd/NAME.yml\n"
	    "       feedd reload PID [--timeout SECONDS]\n"
	    "       feedd --help | --version\n"
	    "\n"
	    "Write an Atom and an RSS feed (and a JSON Feed with formats: json)\n"
	    "for the whole site, every category and every tag of the Jekyll\n"
	    "site SITE (default: the current folder), reading its _config.yml,\n"
	    "and a page, an index and an OPML list of them in feeds/.  build\n"
	    "writes them once; watch (the default) writes them, then rewrites\n"
	    "exactly the files a change affects as posts are added, edited,\n"
	    "moved or deleted, until SIGTERM; SIGHUP re-reads the\n"
	    "configuration, SIGUSR1 rescans.  A site path that is a symbolic\n"
	    "link is followed when a deploy swaps it.  nginx-config prints the\n"
	    "nginx location blocks that serve the feeds.  reload makes the\n"
	    "daemon PID re-read its configuration and waits until it is\n"
	    "applied (exit 0) or refused (exit 1).  check-config --as-service\n"
	    "checks as the systemd unit feedd@NAME runs: as user feedd, in its\n"
	    "sandbox, writing /var/lib/feedd/NAME.\n"
	    "\n"
	    "  -o, --output DIR   write feeds into DIR (default: SITE/_feeds)\n"
	    "  -c, --config FILE  settings that override SITE/_config.yml\n"
	    "  -u, --url URL      the site's url, if _config.yml lacks it\n"
	    "  -k, --keep-ids     build: every post keeps its entry id from now\n"
	    "                     on, whatever its permalink becomes\n"
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
		{ "keep-ids", no_argument, NULL, 'k' },
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
	while ((ch = getopt_long(argc, argv, "o:c:u:knvqhV", longopts,
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
		case 'k':
			o->keep_ids = 1;
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
	    strcmp(argv[0], "nginx-config") == 0 ||
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

/* After a build: the on_publish command, for the files it changed. */
static void
run_on_publish(const struct config *cfg, struct strmap *changed)
{
	struct hook	*hook;
	size_t		 pos = 0;
	const char	*rel;
	void		*value;

	if (cfg->on_publish == NULL || *cfg->on_publish == '\0')
		return;
	hook = hook_create();
	hook_configure(hook, cfg->on_publish, cfg->output_real);
	while (strmap_next(changed, &pos, &rel, &value))
		hook_add(hook, rel);
	hook_finish(hook);
	hook_free(hook);
}

/*
 * After a build: ping the WebSub hubs for the feeds it changed, giving
 * them their timeout to answer; the pings left wait in .feedd/pings.
 */
static void
ping_hubs(const struct config *cfg, struct outdir *out,
    const struct publisher *pub, struct strmap *changed)
{
	struct websub	*ws;
	size_t		 pos = 0;
	const char	*rel;
	void		*value;
	char		*topic;

	if ((ws = websub_create(cfg, out)) == NULL)
		return;
	while (strmap_next(changed, &pos, &rel, &value)) {
		if ((topic = publish_self_url(pub, rel)) == NULL)
			continue;
		websub_publish(ws, topic);
		free(topic);
	}
	websub_finish(ws, cfg->hub_timeout * 1000);
	websub_free(ws);
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

/* feedd nginx-config: print the locations that serve the feeds. */
static int
cmd_nginx_config(const struct options *o)
{
	struct config	*cfg;
	struct buf	 out = BUF_INIT;
	const char	*why;
	int		 rc = EXIT_OK;

	if ((cfg = config_open(&o->ov)) == NULL)
		return (EXIT_USAGE);
	if (nginxconf_render(cfg, &out, &why) != 0) {
		log_error("cannot write an nginx configuration for %s: %s",
		    cfg->output_dir, why);
		rc = EXIT_USAGE;
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		log_error("cannot write to standard output");
		rc = EXIT_WRITE;
	}
	buf_free(&out);
	config_free(cfg);
	return (rc);
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
		if (site_load(cfg, NULL, idx, NULL, NULL, NULL, INT64_MAX,
		    &st, NULL, NULL) != 0)
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
	struct idmap	*ids;
	struct pindex	*pi;
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
	ids = idmap_load(out);
	pi = pindex_open(cfg, out);
	start = elapsed_ms(0);
	if (site_load(cfg, NULL, idx, ids, pi, NULL, cfg->future ? INT64_MAX :
	    (int64_t)time(NULL), &sst, NULL, NULL) != 0) {
		pindex_free(pi);
		idmap_free(ids);
		index_free(idx);
		outdir_free(out);
		config_free(cfg);
		return (EXIT_USAGE);
	}

	log_debug("read %zu post files (%zu unchanged since %s/%s/posts) in "
	    "%lld ms", sst.files - sst.unchanged, sst.unchanged,
	    cfg->output_dir, OUTDIR_STATE, (long long)elapsed_ms(start));

	if (o->keep_ids)
		site_keep_ids(cfg, idx, ids);
	/* The kept ids go to disk before the feeds that use them. */
	if (idmap_save(ids, out) != 0)
		log_warn("%s/%s/ids: cannot save the ids kept across renames",
		    cfg->output_dir, OUTDIR_STATE);
	idmap_free(ids);
	memset(&pst, 0, sizeof pst);
	pst.changed = strmap_create();
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
	if (pindex_save(pi, idx, out) != 0)
		log_warn("%s/%s/posts: cannot save the post index",
		    cfg->output_dir, OUTDIR_STATE);
	pindex_free(pi);
	run_on_publish(cfg, pst.changed);
	ping_hubs(cfg, out, pub, pst.changed);

	strmap_free(pst.changed);
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
	else if (strcmp(o.command, "nginx-config") == 0)
		rc = cmd_nginx_config(&o);
	else if (strcmp(o.command, "reload") == 0)
		rc = cmd_reload(&o);
	else
		rc = daemon_run(&o.ov);
	feedwrite_cleanup();
	return (rc);
}
