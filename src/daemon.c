/*
 * The feedd watch event loop.
 */
#include <errno.h>
#include <grp.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "hook.h"
#include "idmap.h"
#include "datetime.h"
#include "index.h"
#include "log.h"
#include "outdir.h"
#include "pindex.h"
#include "publish.h"
#include "scan.h"
#include "sdnotify.h"
#include "site.h"
#include "strmap.h"
#include "watch.h"
#include "websub.h"
#include "xmalloc.h"

/* A flush touching this many feeds hands its memory back (see below). */
#define LARGE_FLUSH_FEEDS	256

/* Failed writes are retried after 1 s, then 2, 4... up to a minute. */
#define RETRY_FIRST_MS	1000
#define RETRY_MAX_MS	60000

/* However busy the writers, feeds are refreshed at least this often. */
#define DEBOUNCE_CAP_MS	2000

/*
 * Feed files removed behind feedd's back are written again once removals
 * have stopped for this long, so that an rm -rf of the output folder is
 * not raced by feedd putting files back into it.
 */
#define REMOVAL_QUIET_MS 1000

/*
 * A deploy that replaces the site folder (a link swapped, folders
 * renamed) is looked at once its names have stopped moving for this long,
 * so that the gap between two renames is not taken for a removal.
 */
#define SITE_QUIET_MS	500

/* What the site path names now, compared with the folder being served. */
enum site_check {
	SITE_SAME,
	SITE_OTHER,	/* another folder: serve it */
	SITE_GONE,	/* nothing: keep the feeds, wait for it */
};

/* Everything the daemon owns: the one piece of mutable state. */
/* Sockets of WebSub requests polled at once. */
#define WEBSUB_POLLFDS	16
/*
 * When the lists of feeds are written: once no flush has come for
 * LISTS_QUIET_MS, at the latest LISTS_LATEST_MS after a flush made them
 * stale.  Rendering them takes a while on a site with thousands of feeds
 * (0.3 s at 4,000), and posts streaming in should not wait behind it; a
 * reader looking for a new category can wait seconds.
 */
#define LISTS_QUIET_MS	2000
#define LISTS_LATEST_MS	30000
/* How long a stopping daemon gives the hubs to take its last pings. */
#define STOP_PING_MS	3000

struct daemon {
	const struct config_overrides *ov;
	struct config	*cfg;
	struct outdir	*out;		/* opened and locked */
	struct index	*idx;
	struct idmap	*ids;		/* ids kept across renames */
	struct pindex	*pi;		/* the persistent post index */
	struct publisher *pub;
	struct strmap	*changed;	/* files a publish wrote or removed */
	struct hook	*hook;		/* on_publish */
	struct websub	*ws;		/* WebSub hubs, or NULL */
	struct watch	*watch;

	int		 signal_fd;
	int		 debounce_fd;	/* CLOCK_MONOTONIC, one-shot */
	int		 schedule_fd;	/* CLOCK_REALTIME, next future post */
	int		 lists_fd;	/* CLOCK_MONOTONIC, the lists of feeds */
	int		 lists_armed;
	int64_t		 lists_stale_since; /* monotonic ms, when armed */
	int		 watchdog_fd;	/* CLOCK_MONOTONIC, periodic, or -1 */

	struct watch_changes changes;	/* gathered since the last flush */
	int		 dirty;		/* changes await a flush */
	int		 quiet;		/* ...after a longer quiet period */
	int		 republish;	/* write every feed at the next flush */
	int		 restore;	/* SIGUSR1: rewrite what differs */
	int64_t		 retry_ms;	/* delay before retrying failed writes */
	size_t		 unwatched;	/* folders that could not be watched */
	char		*unwatched_why;	/* the first reason */
	int		 unwatched_told; /* reported in this episode */
	int		 reload;	/* SIGHUP or _config.yml changed */
	int		*waiters;	/* pidfds of feedd reload commands */
	size_t		 nwaiters;	/* ...waiting for this reload */
	dev_t		 site_dev;	/* the site folder being served */
	ino_t		 site_ino;
	int		 site_away;	/* its path names nothing now */
	int		 quit;
	int64_t		 first_dirty_ms; /* when the oldest change came */
	int64_t		 quiet_until_ms; /* no flush before (0: none) */
	char		 last_change[32];
};

static int64_t	monotonic_ms(void);
static int	make_timer(int);
static void	arm_at(int, int, int64_t, int64_t);
static void	read_timer(int);
static void	on_folder(const char *, void *);
static void	report_unwatched(struct daemon *);
static void	watch_output(const char *, void *);
static struct outdir *open_output(const struct config *, struct outdir *);
static int	reopen_output(struct daemon *);
static void	restore_removed(struct daemon *);
static void	changes_init(struct watch_changes *);
static void	changes_clear(struct watch_changes *);
static void	note_change(struct daemon *, int64_t);
static void	schedule_next(struct daemon *, int64_t);
static void	report_status(struct daemon *, const struct publish_stats *);
static void	release_memory(void);
static void	check_writes(struct daemon *, const struct publish_stats *);
static size_t	publish_all(struct daemon *);
static int	start_site(struct daemon *, const struct site_previous *,
		    struct config *, struct outdir *, size_t *);
static void	stop_site(struct daemon *);
static void	save_ids(struct daemon *);
static void	save_caches(struct daemon *);
static void	push_changes(struct daemon *);
static void	defer_lists(struct daemon *);
static void	publish_lists_now(struct daemon *);
static void	ping(struct daemon *, const char *);
static void	ping_if_newer(const char *, void *);
static enum site_check check_site(struct daemon *);
static int	site_moved(struct daemon *);
static void	add_waiter(struct daemon *, pid_t);
static void	answer_waiters(struct daemon *, int);
static int	reload(struct daemon *);
static void	flush(struct daemon *);
static void	read_signals(struct daemon *);
static int	setup(struct daemon *);
static void	teardown(struct daemon *);

/* Milliseconds on the monotonic clock. */
static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* A non-blocking timerfd on clock. */
static int
make_timer(int clock)
{
	int	 fd;

	if ((fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		fatal("timerfd_create");
	return (fd);
}

/*
 * Arm fd to fire first at the absolute time when_ms (0 disarms), then
 * every interval_ms (0: once).
 */
static void
arm_at(int fd, int clock_flags, int64_t when_ms, int64_t interval_ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof its);
	if (when_ms > 0) {
		its.it_value.tv_sec = when_ms / 1000;
		its.it_value.tv_nsec = (when_ms % 1000) * 1000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	its.it_interval.tv_sec = interval_ms / 1000;
	its.it_interval.tv_nsec = (interval_ms % 1000) * 1000000;
	if (timerfd_settime(fd, clock_flags, &its, NULL) == -1)
		fatal("timerfd_settime");
}

/* Consume a timer's expiry count. */
static void
read_timer(int fd)
{
	uint64_t expirations;

	while (read(fd, &expirations, sizeof expirations) == -1 &&
	    errno == EINTR)
		;
}

/*
 * scan callback: watch each folder before it is read.  Failures are
 * counted, and reported once per scan by report_unwatched.
 */
static void
on_folder(const char *rel, void *arg)
{
	struct daemon	*d = arg;
	char		*cause;

	if (watch_add(d->watch, rel, &cause) == 0)
		return;
	if (d->unwatched++ == 0) {
		free(d->unwatched_why);
		d->unwatched_why = cause;
	} else
		free(cause);
}

/*
 * After a scan: say once per episode that folders go unwatched (running
 * out of inotify watches would otherwise give a line per folder, and the
 * same lines again at every resync), and when it is over.
 */
static void
report_unwatched(struct daemon *d)
{
	if (d->unwatched == 0) {
		if (d->unwatched_told)
			log_info("every folder of the site is watched again");
		d->unwatched_told = 0;
		return;
	}
	if (!d->unwatched_told)
		log_error("%s; %zu folders are not watched, so changes in them "
		    "are seen only at SIGUSR1", d->unwatched_why, d->unwatched);
	d->unwatched_told = 1;
	d->unwatched = 0;
}

/* publish_foreach_folder callback: watch a folder of the output. */
static void
watch_output(const char *rel, void *arg)
{
	struct daemon	*d = arg;
	char		*dir, *cause;

	xasprintf(&dir, "%s%s%s", d->cfg->output_dir, *rel != '\0' ? "/" : "",
	    rel);
	if (watch_add_output(d->watch, dir, rel, &cause) != 0) {
		log_debug("%s", cause);
		free(cause);
	}
	free(dir);
}

/*
 * Open and lock cfg's output folder; NULL after logging why not.  held
 * (may be NULL) is the output folder open now, whose lock passes over
 * if it is the same folder.
 */
static struct outdir *
open_output(const struct config *cfg, struct outdir *held)
{
	struct outdir	*out;
	char		*cause;

	if ((out = outdir_open(cfg->output_dir, cfg->site_dir, &cause)) ==
	    NULL || outdir_lock(out, held, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		outdir_free(out);
		out = NULL;
	}
	return (out);
}

/*
 * The output folder was removed or replaced: open (and lock) the one now
 * at its path, with a publisher of its own.  Returns -1 if it cannot be.
 */
static int
reopen_output(struct daemon *d)
{
	struct outdir	*out;

	if ((out = open_output(d->cfg, d->out)) == NULL)
		return (-1);
	publish_free(d->pub);
	outdir_free(d->out);
	d->out = out;
	d->pub = publish_create(d->cfg, out, d->idx);
	publish_lists_later(d->pub);
	return (0);
}

/*
 * Feed files removed behind feedd's back (a cleaner deleting old files,
 * a slip of the hand): their feeds are written again.
 */
static void
restore_removed(struct daemon *d)
{
	size_t		 pos = 0, n = 0;
	const char	*rel, *name;
	void		*value;
	enum feed_kind	 kind;

	while (strmap_next(d->changes.removed, &pos, &rel, &value)) {
		if (publish_owner(d->pub, rel, &kind, &name) &&
		    index_touch(d->idx, kind, name))
			n++;
	}
	if (n > 0)
		log_warnx("%zu feed files were removed from %s by something "
		    "other than feedd; writing them again", n,
		    d->cfg->output_dir);
}

/* Empty change sets. */
static void
changes_init(struct watch_changes *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->files = strmap_create();
	ch->folders = strmap_create();
	ch->removed = strmap_create();
}

/* Forget gathered changes. */
static void
changes_clear(struct watch_changes *ch)
{
	strmap_free(ch->files);
	strmap_free(ch->folders);
	strmap_free(ch->removed);
	changes_init(ch);
}

/*
 * Something changed: flush after a quiet debounce period (or quiet_ms,
 * if longer, which later changes do not shorten), but never later than
 * DEBOUNCE_CAP_MS after the first change, so a steady stream of writes
 * cannot hold feeds back.
 */
static void
note_change(struct daemon *d, int64_t quiet_ms)
{
	int64_t	 now = monotonic_ms(), when, cap;

	if (!d->dirty) {
		d->dirty = 1;
		d->first_dirty_ms = now;
		d->quiet_until_ms = 0;
	}
	if (quiet_ms > 0) {
		d->quiet = 1;
		if (now + quiet_ms > d->quiet_until_ms)
			d->quiet_until_ms = now + quiet_ms;
	}
	cap = d->cfg->debounce_ms > DEBOUNCE_CAP_MS ? d->cfg->debounce_ms :
	    DEBOUNCE_CAP_MS;
	when = now + d->cfg->debounce_ms;
	if (when < d->quiet_until_ms)
		when = d->quiet_until_ms;
	if (when > d->first_dirty_ms + cap)
		when = d->first_dirty_ms + cap;
	arm_at(d->debounce_fd, TFD_TIMER_ABSTIME, when, 0);
}

/* Arm the schedule timer for the next future post (INT64_MAX: none). */
static void
schedule_next(struct daemon *d, int64_t next)
{
	if (next == INT64_MAX) {
		arm_at(d->schedule_fd, 0, 0, 0);
		return;
	}
	/* Fire within the second the post is due, never before it. */
	arm_at(d->schedule_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
	    next * 1000 + 1, 0);
}

/*
 * Tell systemd what the daemon is serving, or that feeds cannot be
 * written.  Times are UTC, as journalctl shows them by default on a
 * server, and say so; the site's own time zone is for its posts.
 */
static void
report_status(struct daemon *d, const struct publish_stats *st)
{
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(d->last_change, sizeof d->last_change,
	    "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (st->failed > 0)
		sdnotify("STATUS=%zu posts, %zu scheduled; FAILING at %s: %zu "
		    "feed files could not be written (%.600s); retrying",
		    index_post_count(d->idx), index_pending_count(d->idx),
		    d->last_change, st->failed, st->first_failure);
	else
		sdnotify("STATUS=%zu posts, %zu scheduled; last update %s: "
		    "%zu files written, %zu removed", index_post_count(d->idx),
		    index_pending_count(d->idx), d->last_change, st->written,
		    st->removed);
}

/*
 * Give memory freed after a large publish (thousands of rendered bodies)
 * back to the system, instead of keeping it as the daemon's high mark.
 */
static void
release_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * Report write failures once per episode, not per file or per retry, and
 * keep retrying every feed with a growing delay until writing works
 * again (the disk had room again, the folder came back).
 */
static void
check_writes(struct daemon *d, const struct publish_stats *st)
{
	if (st->failed == 0) {
		if (d->retry_ms > 0)
			log_info("feeds are written again in %s",
			    d->cfg->output_dir);
		d->retry_ms = 0;
		return;
	}
	d->retry_ms = d->retry_ms == 0 ? RETRY_FIRST_MS :
	    d->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : d->retry_ms * 2;
	if (d->retry_ms == RETRY_FIRST_MS)
		log_error("%zu feed files could not be written (%s); retrying "
		    "until it works", st->failed, st->first_failure);
	else
		log_debug("%zu feed files could not be written (%s)",
		    st->failed, st->first_failure);
	d->republish = 1;
	if (!d->dirty)
		arm_at(d->debounce_fd, TFD_TIMER_ABSTIME, monotonic_ms() +
		    d->retry_ms, 0);
}

/*
 * Write the kept ids before the feeds that use them, so that a restart
 * after a crash gives readers the same ids.
 */
static void
save_ids(struct daemon *d)
{
	if (idmap_save(d->ids, d->out) != 0)
		log_warn("%s/%s/ids: cannot save the ids kept across renames",
		    d->cfg->output_dir, OUTDIR_STATE);
}

/*
 * Save the persistent post index and the feeds' signatures, so that the
 * next start reads only the posts changed meanwhile and renders only the
 * feeds they are in.  It costs a pass over every post: done when the
 * site is loaded (if any post was read) and at a clean stop, not at
 * every change.  Out of date after a crash, they cost renderings and
 * reads, never a wrong feed.
 */
static void
save_caches(struct daemon *d)
{
	if (d->pi != NULL && d->idx != NULL &&
	    pindex_save(d->pi, d->idx, d->out) != 0)
		log_warn("%s/%s/posts: cannot save the post index",
		    d->cfg->output_dir, OUTDIR_STATE);
	if (d->pub != NULL)
		publish_save_signatures(d->pub);
}

/* Tell on_publish and the WebSub hubs of the files a publish changed. */
static void
push_changes(struct daemon *d)
{
	size_t		 pos = 0;
	const char	*rel;
	void		*value;

	while (strmap_next(d->changed, &pos, &rel, &value)) {
		hook_add(d->hook, rel);
		ping(d, rel);
	}
	strmap_free(d->changed);
	d->changed = strmap_create();
	hook_start(d->hook);
	websub_run(d->ws);
}

/* A feed file changed (or its change may not have been told): ping. */
static void
ping(struct daemon *d, const char *rel)
{
	char	*topic;

	if (d->ws == NULL || (topic = publish_self_url(d->pub, rel)) == NULL)
		return;
	websub_publish(d->ws, topic);
	free(topic);
}

/*
 * publish_foreach_file callback at start: a feed written after the pings
 * file was last saved may have died unpinged with the feedd before.
 */
static void
ping_if_newer(const char *rel, void *arg)
{
	struct daemon	*d = arg;
	int64_t		 mtime;

	if (outdir_mtime(d->out, rel, &mtime) == 0 &&
	    mtime > websub_saved_ns(d->ws))
		ping(d, rel);
}

/* (Re)arm the lists' timer after a flush that left them stale. */
static void
defer_lists(struct daemon *d)
{
	int64_t	 now = monotonic_ms(), due;

	if (!d->lists_armed) {
		d->lists_stale_since = now;
		d->lists_armed = 1;
	}
	due = now + LISTS_QUIET_MS;
	if (due > d->lists_stale_since + LISTS_LATEST_MS)
		due = d->lists_stale_since + LISTS_LATEST_MS;
	arm_at(d->lists_fd, TFD_TIMER_ABSTIME, due, 0);
}

/* Bring the lists of feeds up to date, once for all the changes since. */
static void
publish_lists_now(struct daemon *d)
{
	struct publish_stats st;

	d->lists_armed = 0;
	arm_at(d->lists_fd, 0, 0, 0);
	memset(&st, 0, sizeof st);
	st.changed = d->changed;
	publish_lists(d->pub, &st);
	publish_save_manifest(d->pub, &st);
	push_changes(d);
	/* Lists written say nothing of the feeds: an episode of failed
	 * writes ends with feeds written again. */
	if (st.failed > 0)
		check_writes(d, &st);
}

/*
 * Publish every feed and drop files of feeds that no longer exist.
 * Returns the number of files that could not be written.
 */
static size_t
publish_all(struct daemon *d)
{
	struct publish_stats st;
	struct feed	**feeds;
	size_t		 n;

	memset(&st, 0, sizeof st);
	st.changed = d->changed;
	feeds = index_feeds(d->idx, &n);
	publish_recheck(d->pub);
	publish_feeds(d->pub, feeds, n, &st);
	free(feeds);
	publish_lists(d->pub, &st);
	publish_finish_full(d->pub, &st);
	push_changes(d);
	index_clean(d->idx);
	release_memory();
	d->republish = 0;
	d->restore = 0;
	publish_foreach_folder(d->pub, watch_output, d);
	check_writes(d, &st);
	log_info("%zu posts (%zu scheduled) in %zu feeds: %zu files written, "
	    "%zu unchanged, %zu removed, %zu failed; feeds are in %s",
	    index_post_count(d->idx), index_pending_count(d->idx), n,
	    st.written, st.unchanged, st.removed, st.failed,
	    d->cfg->output_dir);
	report_status(d, &st);
	return (st.failed);
}

/*
 * Make cfg the daemon's configuration and out (opened and locked for it)
 * its output folder; the daemon owns both from now on.  Watch its site,
 * load every post, write every feed.  Returns -1 if the site cannot be
 * read; *failed is the number of feed files that could not be written.
 */
static int
start_site(struct daemon *d, const struct site_previous *previous,
    struct config *cfg, struct outdir *out, size_t *failed)
{
	struct site_stats st;
	struct stat	 sb;
	char		*cause;
	int64_t		 now = cfg->future ? INT64_MAX : (int64_t)time(NULL);
	int		 rc;

	*failed = 0;
	d->cfg = cfg;
	d->out = out;
	d->site_away = 0;
	if (stat(cfg->site_dir, &sb) == 0) {
		d->site_dev = sb.st_dev;
		d->site_ino = sb.st_ino;
	}
	/* Another site (or the link to it now leads elsewhere): start anew. */
	if (d->watch != NULL && (strcmp(watch_site(d->watch),
	    cfg->site_dir) != 0 || strcmp(watch_site_path(d->watch),
	    cfg->site_path) != 0)) {
		watch_free(d->watch);
		d->watch = NULL;
	}
	if (d->watch == NULL)
		d->watch = watch_create(cfg->site_dir, cfg->site_path, &cause);
	else if (watch_reset(d->watch, &cause) != 0) {
		watch_free(d->watch);
		d->watch = NULL;
	}
	if (d->watch == NULL) {
		log_error("%s", cause);
		free(cause);
		return (-1);
	}
	d->idx = index_create();
	idmap_free(d->ids);
	d->ids = idmap_load(out);
	pindex_free(d->pi);
	d->pi = pindex_open(cfg, out);
	scan_inputs(cfg, on_folder, d);
	rc = site_load(cfg, NULL, d->idx, d->ids, d->pi, previous, now, &st,
	    on_folder, d);
	log_debug("read %zu post files (%zu unchanged since %s/%s/posts)",
	    st.files - st.unchanged, st.unchanged, cfg->output_dir,
	    OUTDIR_STATE);
	save_ids(d);
	report_unwatched(d);
	if (rc != 0)
		return (-1);
	d->pub = publish_create(cfg, out, d->idx);
	publish_lists_later(d->pub);
	hook_configure(d->hook, cfg->on_publish != NULL &&
	    *cfg->on_publish != '\0' ? cfg->on_publish : NULL,
	    cfg->output_real);
	websub_free(d->ws);
	d->ws = websub_create(cfg, out);
	*failed = publish_all(d);
	save_caches(d);
	if (d->ws != NULL && websub_saved_ns(d->ws) != -1) {
		publish_foreach_file(d->pub, ping_if_newer, d);
		websub_run(d->ws);
	}
	schedule_next(d, index_publish_due(d->idx, now));
	return (0);
}

/* Drop the site being served (its config, index, publisher, output). */
static void
stop_site(struct daemon *d)
{
	publish_free(d->pub);
	index_free(d->idx);
	idmap_free(d->ids);
	d->ids = NULL;
	pindex_free(d->pi);
	d->pi = NULL;
	outdir_free(d->out);
	config_free(d->cfg);
	d->pub = NULL;
	d->idx = NULL;
	d->out = NULL;
	d->cfg = NULL;
}

/*
 * Re-read the configuration and serve it.  Returns 0 when the new one is
 * served (every post read again, every feed written), -1 when it could
 * not be and the old one still is: the files have errors, the site
 * cannot be read, or a new output folder cannot be written.
 */
static int
reload(struct daemon *d)
{
	struct daemon	 old = *d;
	struct site_previous previous;
	struct config	*cfg;
	struct outdir	*out;
	size_t		 failed;

	d->reload = 0;
	previous.idx = old.idx;
	previous.site_dir = old.cfg->site_dir;
	log_info("reloading the configuration");
	if ((cfg = config_open(d->ov)) == NULL) {
		log_error("the new configuration has errors; keeping the "
		    "old one");
		datetime_set_zone(d->cfg->timezone);
		return (-1);
	}
	/* The new output folder is locked before the old one is let go. */
	if (strcmp(cfg->output_dir, d->cfg->output_dir) == 0)
		out = d->out;
	else if ((out = open_output(cfg, d->out)) == NULL) {
		log_error("cannot use the new output folder; keeping the old "
		    "configuration");
		config_free(cfg);
		datetime_set_zone(d->cfg->timezone);
		return (-1);
	}
	sdnotify("RELOADING=1\nMONOTONIC_USEC=%lld",
	    (long long)monotonic_ms() * 1000);
	/* The old site's publisher goes; its config and output stay until
	 * the new one is served, its index until its posts' ids are kept. */
	publish_free(d->pub);
	d->pub = NULL;
	d->idx = NULL;
	/* Feeds that cannot be written into the folder feedd already
	 * writes are retried; a new folder that cannot take them is
	 * refused. */
	if (start_site(d, &previous, cfg, out, &failed) != 0 ||
	    (failed > 0 && out != old.out)) {
		log_error("cannot serve the new configuration; keeping the "
		    "old one");
		publish_free(d->pub);
		index_free(d->idx);
		if (out != old.out)
			outdir_free(out);
		config_free(cfg);
		datetime_set_zone(old.cfg->timezone);
		d->retry_ms = 0;
		if (start_site(d, &previous, old.cfg, old.out, &failed) != 0)
			fatalx("cannot serve the old configuration either");
		index_free(old.idx);
		sdnotify("READY=1");
		return (-1);
	}
	index_free(old.idx);
	if (old.out != out)
		outdir_free(old.out);
	config_free(old.cfg);
	release_memory();
	sdnotify("READY=1");
	return (0);
}

/* What the configured site path names now. */
static enum site_check
check_site(struct daemon *d)
{
	struct stat	 sb;
	char		*real;
	enum site_check	 rc;

	if ((real = realpath(d->cfg->site_path, NULL)) == NULL ||
	    stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode))
		rc = SITE_GONE;
	else if (strcmp(real, d->cfg->site_dir) != 0 ||
	    sb.st_dev != d->site_dev || sb.st_ino != d->site_ino)
		rc = SITE_OTHER;
	else
		rc = SITE_SAME;
	free(real);
	return (rc);
}

/*
 * The site path may name another folder (a deploy), or none: serve the
 * new one through a reload, which reads the configuration and every post
 * again and writes only the feeds that differ; while there is none, keep
 * the feeds as they are.  Returns 1 if the flush is to stop there (no
 * reload is pending, which would answer feedd reload).
 */
static int
site_moved(struct daemon *d)
{
	enum site_check	 now;
	char		*cause;
	int		 reset = 0;

	if ((now = check_site(d)) == SITE_GONE) {
		/* Only the site path's parents stay watched: events from
		 * the old folder, wherever it went, no longer count.  Then
		 * look again, so that a return meanwhile is not missed. */
		if (watch_reset(d->watch, &cause) != 0)
			fatalx("%s", cause);
		reset = 1;
		now = check_site(d);
	}
	switch (now) {
	case SITE_SAME:
		if (!d->site_away && !d->changes.root_gone && !reset)
			return (0);
		/* Back where it was, or moved away and back: its watches
		 * were dropped or may carry stale paths. */
		d->reload = 1;
		break;
	case SITE_OTHER:
		if (!d->site_away)
			log_info("the site path %s leads to another folder "
			    "now; serving it", d->cfg->site_path);
		d->reload = 1;
		break;
	case SITE_GONE:
		if (!d->site_away) {
			log_warnx("the site folder %s is gone; its feeds stay "
			    "as they are until it is back", d->cfg->site_path);
			sdnotify("STATUS=%zu posts; the site folder %s is gone, "
			    "waiting for it", index_post_count(d->idx),
			    d->cfg->site_path);
		}
		d->site_away = 1;
		changes_clear(&d->changes);
		return (!d->reload);
	}
	if (d->site_away)
		log_info("the site folder %s is back", d->cfg->site_path);
	return (0);
}

/*
 * Remember a feedd reload command waiting for this reload (its pidfd, so
 * that the answer can never reach another process given its pid).
 */
static void
add_waiter(struct daemon *d, pid_t pid)
{
	int	 fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		log_debug("cannot answer the reload request of %ld: %s",
		    (long)pid, strerror(errno));
		return;
	}
	d->waiters = xreallocarray(d->waiters, d->nwaiters + 1,
	    sizeof *d->waiters);
	d->waiters[d->nwaiters++] = fd;
}

/* Tell the waiting feedd reload commands how the reload went. */
static void
answer_waiters(struct daemon *d, int rc)
{
	siginfo_t	 si;
	size_t		 i;

	for (i = 0; i < d->nwaiters; i++) {
		memset(&si, 0, sizeof si);
		si.si_signo = DAEMON_RELOAD_ANSWER;
		si.si_code = SI_QUEUE;
		si.si_pid = getpid();
		si.si_uid = getuid();
		si.si_value.sival_int = rc == 0 ? DAEMON_RELOAD_DONE :
		    DAEMON_RELOAD_REFUSED;
		if (syscall(SYS_pidfd_send_signal, d->waiters[i],
		    DAEMON_RELOAD_ANSWER, &si, 0) == -1 && errno != ESRCH)
			log_warnx("cannot answer a feedd reload: %s",
			    strerror(errno));
		close(d->waiters[i]);
	}
	free(d->waiters);
	d->waiters = NULL;
	d->nwaiters = 0;
}

/* Apply gathered changes: re-read posts, publish the affected feeds. */
static void
flush(struct daemon *d)
{
	struct watch_changes *ch = &d->changes;
	struct site_stats st;
	struct publish_stats pst;
	struct feed	**dirty;
	size_t		 ndirty, reread = 0;
	char		*cause;
	int64_t		 now, start = monotonic_ms();
	int		 output_gone, rc;

	d->dirty = 0;
	d->quiet = 0;
	arm_at(d->debounce_fd, 0, 0, 0);
	/* SIGUSR1 also looks again at what the site path names. */
	if ((ch->site_moved || ch->root_gone || d->site_away || d->restore) &&
	    site_moved(d))
		return;
	if (d->reload || ch->config) {
		ch->config = 0;
		rc = reload(d);
		answer_waiters(d, rc);
		if (rc == 0) {
			/* Every post was read again, every feed written. */
			d->restore = 0;
			changes_clear(ch);
			return;
		}
		/* The old configuration stays; what changed meanwhile is
		 * applied with it, not lost until the file is fixed. */
	}
	now = d->cfg->future ? INT64_MAX : (int64_t)time(NULL);
	if (ch->resync) {
		log_info("resynchronising with the site folder");
		if (watch_reset(d->watch, &cause) != 0)
			fatalx("%s", cause);
		scan_inputs(d->cfg, on_folder, d);
		site_reconcile(d->cfg, d->idx, d->ids, d->pi, now, &st,
		    on_folder, d);
		report_unwatched(d);
		reread = st.loaded + st.removed;
	} else {
		reread = site_update(d->cfg, ch->folders, ch->files, d->idx,
		    d->ids, d->pi, now, on_folder, d);
		if (strmap_count(ch->folders) > 0)
			report_unwatched(d);
	}
	save_ids(d);
	restore_removed(d);
	output_gone = ch->output_gone;
	changes_clear(ch);
	schedule_next(d, index_publish_due(d->idx, now));

	/* A vanished, replaced or emptied output folder gets every feed
	 * again (a new folder at the path is opened and locked first). */
	if (outdir_replaced(d->out)) {
		if (access(d->cfg->output_dir, F_OK) == 0)
			log_info("the output folder %s is another folder (or "
			    "mount) now; writing every feed into it",
			    d->cfg->output_dir);
		else
			log_warnx("the output folder %s was removed; writing "
			    "every feed again", d->cfg->output_dir);
		reopen_output(d);
		d->republish = 1;
	} else if (output_gone || publish_manifest_lost(d->pub)) {
		log_warnx("files of the output folder %s were removed; "
		    "writing every feed again", d->cfg->output_dir);
		d->republish = 1;
	}
	if (d->restore)
		log_info("rewriting every feed file that differs");
	if (d->republish || d->restore) {
		publish_all(d);
		return;
	}
	dirty = index_dirty_feeds(d->idx, &ndirty);
	memset(&pst, 0, sizeof pst);
	pst.changed = d->changed;
	publish_feeds(d->pub, dirty, ndirty, &pst);
	index_clean(d->idx);
	publish_save_manifest(d->pub, &pst);
	push_changes(d);
	if (publish_lists_stale(d->pub))
		defer_lists(d);
	free(dirty);
	if (ndirty >= LARGE_FLUSH_FEEDS)
		release_memory();
	/* A file two feeds map to was freed: the other one gets it. */
	if (pst.reclaim) {
		publish_all(d);
		return;
	}
	publish_foreach_folder(d->pub, watch_output, d);
	check_writes(d, &pst);
	if (ndirty > 0 || reread > 0 || pst.failed > 0) {
		log_info("%zu posts changed, %zu feeds affected: %zu files "
		    "written, %zu removed, %zu failed (%lld ms)", reread,
		    ndirty, pst.written, pst.removed, pst.failed,
		    (long long)(monotonic_ms() - start));
		report_status(d, &pst);
	}
}

/* Handle pending signals. */
static void
read_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->signal_fd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			d->quit = 1;
			break;
		case SIGHUP:
			/* From feedd reload, which waits for the answer. */
			if (si.ssi_code == SI_QUEUE &&
			    si.ssi_int == DAEMON_RELOAD_ASK)
				add_waiter(d, (pid_t)si.ssi_pid);
			d->reload = 1;
			note_change(d, 0);
			break;
		case SIGUSR1:
			d->changes.resync = 1;
			d->restore = 1;
			note_change(d, 0);
			break;
		}
	}
}

/* Signals, timers and the first full build. */
static int
setup(struct daemon *d)
{
	struct config	*cfg;
	struct outdir	*out;
	sigset_t	 mask;
	uint64_t	 watchdog_usec;
	size_t		 failed;

	/* Blocked before anything else, so they only arrive by signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		fatal("sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	if ((d->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK |
	    SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	d->debounce_fd = make_timer(CLOCK_MONOTONIC);
	d->schedule_fd = make_timer(CLOCK_REALTIME);
	d->lists_fd = make_timer(CLOCK_MONOTONIC);
	d->watchdog_fd = -1;
	/* Pinged by the timer when idle, and from the loops of a long
	 * build (sdnotify_keepalive) when busy. */
	if ((watchdog_usec = sdnotify_watchdog_usec()) > 0) {
		d->watchdog_fd = make_timer(CLOCK_MONOTONIC);
		arm_at(d->watchdog_fd, 0, (int64_t)(watchdog_usec / 2000),
		    (int64_t)(watchdog_usec / 2000));
		sdnotify_watchdog_ping();
	}
	changes_init(&d->changes);
	d->changed = strmap_create();
	d->hook = hook_create();

	if ((cfg = config_open(d->ov)) == NULL)
		return (2);
	if ((out = open_output(cfg, NULL)) == NULL) {
		config_free(cfg);
		return (1);
	}
	if (start_site(d, NULL, cfg, out, &failed) != 0)
		return (1);
	/* Ready means the feeds are there: a service that cannot write
	 * them fails to start rather than look "active". */
	if (failed > 0) {
		log_error("the feeds could not be written into %s; stopping",
		    cfg->output_dir);
		return (1);
	}
	log_info("watching %s", cfg->site_dir);
	sdnotify("READY=1");
	return (0);
}

/* Free everything in reverse order. */
static void
teardown(struct daemon *d)
{
	strmap_free(d->changes.files);
	strmap_free(d->changes.folders);
	strmap_free(d->changes.removed);
	free(d->unwatched_why);
	answer_waiters(d, -1);
	stop_site(d);
	hook_free(d->hook);
	websub_free(d->ws);
	strmap_free(d->changed);
	watch_free(d->watch);
	if (d->watchdog_fd != -1)
		close(d->watchdog_fd);
	close(d->lists_fd);
	close(d->schedule_fd);
	close(d->debounce_fd);
	close(d->signal_fd);
}

/* Run the daemon. */
int
daemon_run(const struct config_overrides *ov)
{
	struct daemon	 d;
	struct pollfd	 pfd[7 + WEBSUB_POLLFDS];
	size_t		 nws;
	int		 more = 0, rc, nfds, hook_at, timeout;

	memset(&d, 0, sizeof d);
	d.ov = ov;
	if ((rc = setup(&d)) != 0) {
		teardown(&d);
		return (rc);
	}

	while (!d.quit) {
		pfd[0].fd = d.signal_fd;
		pfd[1].fd = watch_fd(d.watch);
		pfd[2].fd = d.debounce_fd;
		pfd[3].fd = d.schedule_fd;
		pfd[4].fd = d.lists_fd;
		pfd[5].fd = d.watchdog_fd;
		nfds = d.watchdog_fd != -1 ? 6 : 5;
		hook_at = -1;
		if (hook_fd(d.hook) != -1) {
			hook_at = nfds;
			pfd[nfds++].fd = hook_fd(d.hook);
		}
		for (rc = 0; rc < nfds; rc++) {
			pfd[rc].events = POLLIN;
			pfd[rc].revents = 0;
		}
		/* Events may still sit in the library after a capped drain. */
		timeout = more ? 0 : hook_poll_ms(d.hook);
		nws = websub_pollfds(d.ws, pfd + nfds, WEBSUB_POLLFDS,
		    &timeout);
		if (poll(pfd, (nfds_t)nfds + nws, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & POLLIN)
			read_signals(&d);
		if ((pfd[1].revents & POLLIN) || more) {
			more = watch_drain(d.watch, &d.changes);
			if (d.changes.root_gone || d.changes.site_moved)
				note_change(&d, SITE_QUIET_MS);
			if (strmap_count(d.changes.files) > 0 ||
			    strmap_count(d.changes.folders) > 0 ||
			    d.changes.resync || d.changes.config)
				note_change(&d, 0);
			if (strmap_count(d.changes.removed) > 0 ||
			    d.changes.output_gone)
				note_change(&d, REMOVAL_QUIET_MS);
		}
		if (pfd[2].revents & POLLIN) {
			read_timer(d.debounce_fd);
			flush(&d);
		} else if (d.dirty && d.cfg->debounce_ms == 0 && !d.quiet &&
		    !more)
			flush(&d);
		if (pfd[3].revents & POLLIN) {
			read_timer(d.schedule_fd);
			flush(&d);
		}
		if (pfd[4].revents & POLLIN) {
			read_timer(d.lists_fd);
			publish_lists_now(&d);
		}
		if (d.watchdog_fd != -1 && (pfd[5].revents & POLLIN)) {
			read_timer(d.watchdog_fd);
			sdnotify_watchdog_ping();
		}
		if ((hook_at != -1 && (pfd[hook_at].revents & POLLIN)) ||
		    hook_poll_ms(d.hook) != -1)
			hook_reap(d.hook);
		websub_events(d.ws, pfd + nfds, nws);
	}

	sdnotify("STOPPING=1");
	if (d.dirty)
		flush(&d);
	if (d.pub != NULL && publish_lists_stale(d.pub))
		publish_lists_now(&d);
	save_caches(&d);
	hook_finish(d.hook);
	websub_finish(d.ws, STOP_PING_MS);
	log_info("stopped");
	teardown(&d);
	return (0);
}

/* Ask the daemon pid to reload and wait for its answer. */
int
daemon_request_reload(pid_t pid, int timeout_s, char **cause)
{
	struct signalfd_siginfo si;
	struct pollfd	 pfd[2];
	struct stat	 sb;
	union sigval	 value;
	sigset_t	 mask;
	char		 path[64], comm[32];
	FILE		*f;
	int64_t		 deadline = monotonic_ms() + (int64_t)timeout_s * 1000;
	int64_t		 left;
	int		 pidfd, sfd, rc = -1, answer = -1;

	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		xasprintf(cause, "no process %ld: %s", (long)pid,
		    strerror(errno));
		return (-1);
	}
	/*
	 * A SIGHUP would end most other programs.  In the units' sandbox
	 * (ProtectProc=invisible, a user namespace per process) the
	 * daemon, $MAINPID, may not show in /proc: then it is trusted.
	 */
	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	if ((f = fopen(path, "re")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		if (strstr(comm, "feedd") == NULL) {
			xasprintf(cause, "process %ld is %s, not feedd",
			    (long)pid, comm);
			close(pidfd);
			return (-1);
		}
	}
	/* The answer can only come from the daemon's user to its own. */
	snprintf(path, sizeof path, "/proc/%ld", (long)pid);
	if (geteuid() == 0 && stat(path, &sb) == 0 && sb.st_uid != 0 &&
	    (setgroups(0, NULL) != 0 || setgid(sb.st_gid) != 0 ||
	    setuid(sb.st_uid) != 0)) {
		xasprintf(cause, "cannot become the user of feedd (pid %ld): "
		    "%s", (long)pid, strerror(errno));
		close(pidfd);
		return (-1);
	}
	sigemptyset(&mask);
	sigaddset(&mask, DAEMON_RELOAD_ANSWER);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1 ||
	    (sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	value.sival_int = DAEMON_RELOAD_ASK;
	if (sigqueue(pid, SIGHUP, value) == -1) {
		xasprintf(cause, "cannot signal feedd (pid %ld): %s",
		    (long)pid, strerror(errno));
		goto out;
	}
	while (answer == -1) {
		pfd[0].fd = sfd;
		pfd[1].fd = pidfd;
		pfd[0].events = pfd[1].events = POLLIN;
		if ((left = deadline - monotonic_ms()) <= 0) {
			xasprintf(cause, "feedd (pid %ld) did not answer within "
			    "%d s", (long)pid, timeout_s);
			goto out;
		}
		if (poll(pfd, 2, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		while (read(sfd, &si, sizeof si) == sizeof si) {
			if ((pid_t)si.ssi_pid == pid &&
			    si.ssi_code == SI_QUEUE)
				answer = si.ssi_int;
		}
		if (answer == -1 && (pfd[1].revents & POLLIN)) {
			xasprintf(cause, "feedd (pid %ld) exited during the "
			    "reload", (long)pid);
			goto out;
		}
	}
	if (answer == DAEMON_RELOAD_DONE)
		rc = 0;
	else
		xasprintf(cause, "feedd (pid %ld) refused the new "
		    "configuration and keeps the old one; its log says why",
		    (long)pid);
out:
	close(sfd);
	close(pidfd);
	return (rc);
}
