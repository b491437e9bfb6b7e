/*
 * WebSub pings through libcurl's multi interface: curl tells which
 * sockets to watch (socket_changed) and when to call it back
 * (timer_changed); the daemon's poll loop waits on them.  One request at
 * a time per hub.  .feedd/pings holds "saved NS" and then a "hub TAB
 * topic" line per ping waiting.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "datetime.h"
#include "log.h"
#include "state.h"
#include "strmap.h"
#include "websub.h"
#include "xmalloc.h"

#define PINGS_NAME	"pings"
#define PINGS_VERSION	1
#define PINGS_MAX	(64 * 1024 * 1024)

#define BACKOFF_FIRST_MS	1000
#define BACKOFF_MAX_MS		(10 * 60 * 1000)
/* At most this many sockets (a few hubs, one request each). */
#define WEBSUB_MAX_SOCKETS	64

struct hub {
	struct websub	*ws;
	char		*url;
	struct strmap	*waiting;	/* topics to send */
	struct strmap	*sending;	/* topics of the request under way */
	CURL		*easy;		/* the request under way, or NULL */
	char		*body;		/* ...its form */
	int64_t		 due_ms;	/* no request before (monotonic) */
	int		 backoff_ms;	/* after the last failure, or 0 */
	int		 failing;	/* in a failure episode (logged) */
	char		 error[CURL_ERROR_SIZE];
};

struct websub_socket {
	curl_socket_t	 fd;
	int		 what;		/* CURL_POLL_IN, _OUT, _INOUT */
};

struct websub {
	struct outdir	*out;
	struct hub	*hubs;
	size_t		 nhubs;
	int		 batch;
	int		 timeout_ms;
	CURLM		*multi;
	struct websub_socket sockets[WEBSUB_MAX_SOCKETS];
	size_t		 nsockets;
	int64_t		 curl_due_ms;	/* curl's timer, or -1 */
	int		 dirty;		/* waiting pings changed */
	int64_t		 saved_ns;
};

static int64_t	now_ms(void);
static int64_t	now_ns(void);
static void	load(struct websub *);
static void	save(struct websub *);
static void	start(struct hub *);
static void	done(struct hub *, CURLcode);
static void	reap(struct websub *);
static int	socket_changed(CURL *, curl_socket_t, int, void *, void *);
static int	timer_changed(CURLM *, long, void *);
static size_t	discard(char *, size_t, size_t, void *);
static void	merge_back(struct strmap *, struct strmap *);

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (datetime_ns(&ts));
}

struct websub *
websub_create(const struct config *cfg, struct outdir *out)
{
	struct websub	*ws;
	size_t		 i, n;

	for (n = 0; cfg->hubs != NULL && cfg->hubs[n] != NULL; n++)
		;
	if (n == 0)
		return (NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ws = xcalloc(1, sizeof *ws);
	ws->out = out;
	ws->batch = cfg->hub_batch;
	ws->timeout_ms = cfg->hub_timeout * 1000;
	ws->curl_due_ms = -1;
	ws->saved_ns = -1;
	ws->hubs = xcalloc(n, sizeof *ws->hubs);
	ws->nhubs = n;
	for (i = 0; i < n; i++) {
		ws->hubs[i].ws = ws;
		ws->hubs[i].url = xstrdup(cfg->hubs[i]);
		ws->hubs[i].waiting = strmap_create();
		ws->hubs[i].sending = strmap_create();
	}
	if ((ws->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	curl_multi_setopt(ws->multi, CURLMOPT_SOCKETFUNCTION, socket_changed);
	curl_multi_setopt(ws->multi, CURLMOPT_SOCKETDATA, ws);
	curl_multi_setopt(ws->multi, CURLMOPT_TIMERFUNCTION, timer_changed);
	curl_multi_setopt(ws->multi, CURLMOPT_TIMERDATA, ws);
	load(ws);
	return (ws);
}

void
websub_free(struct websub *ws)
{
	struct hub	*h;
	size_t		 i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->nhubs; i++) {
		h = &ws->hubs[i];
		if (h->easy != NULL) {
			curl_multi_remove_handle(ws->multi, h->easy);
			curl_easy_cleanup(h->easy);
		}
		strmap_free(h->waiting);
		strmap_free(h->sending);
		free(h->body);
		free(h->url);
	}
	curl_multi_cleanup(ws->multi);
	free(ws->hubs);
	free(ws);
	curl_global_cleanup();
}

int64_t
websub_saved_ns(const struct websub *ws)
{
	return (ws->saved_ns);
}

/* Read the pings left waiting; a torn or foreign file is ignored. */
static void
load(struct websub *ws)
{
	struct buf	 body = BUF_INIT;
	const char	*why;
	char		*line, *tab, *save_ptr;
	size_t		 i;
	int		 rc;

	rc = state_load(ws->out, PINGS_NAME, PINGS_VERSION, PINGS_MAX, &body,
	    &why);
	if (rc == -1)
		log_warnx("%s/%s/%s is %s; it is ignored (pings it held are "
		    "lost)", outdir_path(ws->out), OUTDIR_STATE, PINGS_NAME,
		    why);
	if (rc != 1 || body.data == NULL) {
		buf_free(&body);
		return;
	}
	for (line = strtok_r(body.data, "\n", &save_ptr); line != NULL;
	    line = strtok_r(NULL, "\n", &save_ptr)) {
		if (strncmp(line, "saved ", 6) == 0) {
			ws->saved_ns = strtoll(line + 6, NULL, 10);
			continue;
		}
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		for (i = 0; i < ws->nhubs; i++) {
			if (strcmp(ws->hubs[i].url, line) == 0)
				strmap_put(ws->hubs[i].waiting, tab + 1, ws);
		}
	}
	buf_free(&body);
}

/* Write the pings waiting or under way. */
static void
save(struct websub *ws)
{
	struct buf	 body = BUF_INIT;
	struct strmap	*maps[2];
	const char	*topic;
	void		*value;
	size_t		 i, m, pos;

	ws->saved_ns = now_ns();
	buf_addf(&body, "saved %lld\n", (long long)ws->saved_ns);
	for (i = 0; i < ws->nhubs; i++) {
		maps[0] = ws->hubs[i].waiting;
		maps[1] = ws->hubs[i].sending;
		for (m = 0; m < 2; m++) {
			pos = 0;
			while (strmap_next(maps[m], &pos, &topic, &value))
				buf_addf(&body, "%s\t%s\n", ws->hubs[i].url,
				    topic);
		}
	}
	if (state_save(ws->out, PINGS_NAME, PINGS_VERSION, body.data,
	    body.len) == -1)
		log_warn("%s/%s/%s: cannot save the WebSub pings waiting",
		    outdir_path(ws->out), OUTDIR_STATE, PINGS_NAME);
	else
		ws->dirty = 0;
	buf_free(&body);
}

void
websub_publish(struct websub *ws, const char *topic)
{
	size_t	 i;

	/* A URL with a line break or tab could not be saved: no topic. */
	if (strpbrk(topic, "\t\n") != NULL)
		return;
	for (i = 0; i < ws->nhubs; i++)
		strmap_put(ws->hubs[i].waiting, topic, ws);
	ws->dirty = 1;
}

/* Put the topics of from (emptied) into to. */
static void
merge_back(struct strmap *to, struct strmap *from)
{
	const char	*topic;
	void		*value;
	size_t		 pos = 0;

	while (strmap_next(from, &pos, &topic, &value))
		strmap_put(to, topic, value);
}

/* curl's write callback: a hub's answer body is not needed. */
static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return (size * n);
}

/* Send up to batch waiting topics to a hub in one request. */
static void
start(struct hub *h)
{
	struct websub	*ws = h->ws;
	struct buf	 form = BUF_INIT;
	const char	*topic;
	void		*value;
	char		*escaped;
	size_t		 pos = 0;
	int		 n = 0;

	buf_adds(&form, "hub.mode=publish");
	while (n < ws->batch && strmap_next(h->waiting, &pos, &topic, &value)) {
		if ((escaped = curl_easy_escape(NULL, topic, 0)) == NULL)
			fatalx("curl_easy_escape: out of memory");
		buf_addf(&form, "&hub.url=%s&hub.topic=%s", escaped, escaped);
		curl_free(escaped);
		strmap_put(h->sending, topic, ws);
		n++;
	}
	pos = 0;
	while (strmap_next(h->sending, &pos, &topic, &value))
		strmap_remove(h->waiting, topic);
	h->body = buf_take(&form);
	if ((h->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	h->error[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_URL, h->url);
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, h->body);
	curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)ws->timeout_ms);
	curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->easy, CURLOPT_USERAGENT, "feedd/" PACKAGE_VERSION);
	curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->error);
	curl_easy_setopt(h->easy, CURLOPT_PRIVATE, h);
	if (curl_multi_add_handle(ws->multi, h->easy) != CURLM_OK)
		fatalx("curl_multi_add_handle failed");
}

/* A request ended: the topics are sent, or wait again after a backoff. */
static void
done(struct hub *h, CURLcode result)
{
	struct websub	*ws = h->ws;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 64];

	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	if (result != CURLE_OK)
		snprintf(why, sizeof why, "%s", h->error[0] != '\0' ?
		    h->error : curl_easy_strerror(result));
	else if (status < 200 || status > 299)
		snprintf(why, sizeof why, "it answered HTTP %ld", status);
	else
		why[0] = '\0';
	curl_multi_remove_handle(ws->multi, h->easy);
	curl_easy_cleanup(h->easy);
	h->easy = NULL;
	free(h->body);
	h->body = NULL;
	if (why[0] == '\0') {
		log_debug("WebSub hub %s: %zu topics pinged", h->url,
		    strmap_count(h->sending));
		if (h->failing)
			log_info("WebSub hub %s answers again", h->url);
		h->failing = 0;
		h->backoff_ms = 0;
		strmap_free(h->sending);
		h->sending = strmap_create();
		ws->dirty = 1;
		return;
	}
	merge_back(h->waiting, h->sending);
	strmap_free(h->sending);
	h->sending = strmap_create();
	h->backoff_ms = h->backoff_ms == 0 ? BACKOFF_FIRST_MS :
	    h->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    h->backoff_ms * 2;
	h->due_ms = now_ms() + h->backoff_ms;
	if (!h->failing)
		log_warnx("WebSub hub %s: %s; its %zu pings are retried, less "
		    "and less often, until it answers", h->url, why,
		    strmap_count(h->waiting));
	else
		log_debug("WebSub hub %s: %s; retried in %d ms", h->url, why,
		    h->backoff_ms);
	h->failing = 1;
}

/* Collect the requests curl has finished. */
static void
reap(struct websub *ws)
{
	CURLMsg		*msg;
	struct hub	*h;
	int		 left;

	while ((msg = curl_multi_info_read(ws->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&h);
		done(h, msg->data.result);
	}
}

void
websub_run(struct websub *ws)
{
	struct hub	*h;
	int64_t		 now = now_ms();
	size_t		 i;
	int		 running;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->nhubs; i++) {
		h = &ws->hubs[i];
		if (h->easy == NULL && strmap_count(h->waiting) > 0 &&
		    h->due_ms <= now)
			start(h);
	}
	if (ws->dirty)
		save(ws);
	/* Let curl begin what was just added. */
	curl_multi_socket_action(ws->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	reap(ws);
}

/* curl: watch socket fd for what (or stop watching it). */
static int
socket_changed(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *socketp)
{
	struct websub	*ws = arg;
	size_t		 i;

	(void)easy;
	(void)socketp;
	for (i = 0; i < ws->nsockets; i++) {
		if (ws->sockets[i].fd == fd)
			break;
	}
	if (what == CURL_POLL_REMOVE) {
		if (i < ws->nsockets)
			ws->sockets[i] = ws->sockets[--ws->nsockets];
		return (0);
	}
	if (i == ws->nsockets) {
		if (ws->nsockets == WEBSUB_MAX_SOCKETS)
			return (-1);
		ws->nsockets++;
	}
	ws->sockets[i].fd = fd;
	ws->sockets[i].what = what;
	return (0);
}

/* curl: call back after timeout_ms (-1: no timer). */
static int
timer_changed(CURLM *multi, long timeout_ms, void *arg)
{
	struct websub	*ws = arg;

	(void)multi;
	ws->curl_due_ms = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	return (0);
}

size_t
websub_pollfds(struct websub *ws, struct pollfd *pfd, size_t max,
    int *timeout_ms)
{
	int64_t		 now = now_ms(), due = -1;
	size_t		 i, n = 0;
	struct hub	*h;

	if (ws == NULL)
		return (0);
	for (i = 0; i < ws->nsockets && n < max; i++) {
		pfd[n].fd = ws->sockets[i].fd;
		pfd[n].events = (ws->sockets[i].what & CURL_POLL_IN ?
		    POLLIN : 0) | (ws->sockets[i].what & CURL_POLL_OUT ?
		    POLLOUT : 0);
		pfd[n].revents = 0;
		n++;
	}
	due = ws->curl_due_ms;
	for (i = 0; i < ws->nhubs; i++) {
		h = &ws->hubs[i];
		if (h->easy == NULL && strmap_count(h->waiting) > 0 &&
		    (due == -1 || h->due_ms < due))
			due = h->due_ms;
	}
	if (due != -1) {
		due = due > now ? due - now : 0;
		if (*timeout_ms == -1 || due < *timeout_ms)
			*timeout_ms = (int)(due > 3600000 ? 3600000 : due);
	}
	return (n);
}

void
websub_events(struct websub *ws, const struct pollfd *pfd, size_t n)
{
	size_t	 i;
	int	 running, ev;

	if (ws == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		ev = (pfd[i].revents & POLLIN ? CURL_CSELECT_IN : 0) |
		    (pfd[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
		    (pfd[i].revents & (POLLERR | POLLHUP) ?
		    CURL_CSELECT_ERR : 0);
		curl_multi_socket_action(ws->multi, pfd[i].fd, ev, &running);
	}
	if (ws->curl_due_ms != -1 && now_ms() >= ws->curl_due_ms) {
		ws->curl_due_ms = -1;
		curl_multi_socket_action(ws->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	reap(ws);
	websub_run(ws);
}

void
websub_finish(struct websub *ws, int timeout_ms)
{
	struct pollfd	 pfd[WEBSUB_MAX_SOCKETS];
	int64_t		 end = now_ms() + timeout_ms;
	size_t		 i, n, busy;
	int		 wait;

	if (ws == NULL)
		return;
	for (;;) {
		websub_run(ws);
		for (i = busy = 0; i < ws->nhubs; i++)
			busy += ws->hubs[i].easy != NULL ||
			    (strmap_count(ws->hubs[i].waiting) > 0 &&
			    !ws->hubs[i].failing);
		if (busy == 0 || now_ms() >= end)
			break;
		wait = (int)(end - now_ms());
		n = websub_pollfds(ws, pfd, WEBSUB_MAX_SOCKETS, &wait);
		if (poll(pfd, (nfds_t)n, wait) == -1 && errno != EINTR)
			break;
		websub_events(ws, pfd, n);
	}
	if (ws->dirty)
		save(ws);
}
