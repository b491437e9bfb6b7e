/*
 * Pinging WebSub hubs (W3C Recommendation, 2018): after feeds change,
 * each configured hub gets a POST with hub.mode=publish and the changed
 * feeds' self URLs as hub.url (and hub.topic), form-encoded, up to
 * feedd.websub.batch of them a request.  Requests run through libcurl's
 * multi interface, driven by the caller's poll loop, so a slow or dead hub
 * never delays a feed.  A request that fails (no answer within
 * feedd.websub.timeout, a connection error, a status other than 2xx) is
 * retried with a backoff doubling from 1 s to 10 min, and logged once per
 * episode.  The pings waiting are kept in .feedd/pings, so a restart
 * loses none; feeds written after that file was last saved (by a feedd
 * that died before it could record their pings) are pinged again.
 */
#ifndef FEEDD_WEBSUB_H
#define FEEDD_WEBSUB_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "outdir.h"

struct websub;

/*
 * The hubs of cfg, with the pings left waiting in out's .feedd/pings
 * (those for hubs no longer configured are dropped).  NULL when cfg
 * names no hub.
 */
struct websub	*websub_create(const struct config *, struct outdir *);
void		 websub_free(struct websub *);

/*
 * When .feedd/pings was last saved (nanoseconds since the epoch), or -1:
 * files written later may not have been pinged.
 */
int64_t		 websub_saved_ns(const struct websub *);

/* Tell every hub that the feed at topic (its self URL) changed. */
void		 websub_publish(struct websub *, const char *topic);

/*
 * Save the waiting pings if they changed, and start the requests that
 * are due.
 */
void		 websub_run(struct websub *);

/*
 * Fill up to max pollfds with the sockets to wait on; returns how many.
 * *timeout_ms (-1: none) is lowered to when websub_events must run
 * regardless.
 */
size_t		 websub_pollfds(struct websub *, struct pollfd *, size_t max,
		    int *timeout_ms);

/* After poll: act on the n pollfds websub_pollfds filled, and on time. */
void		 websub_events(struct websub *, const struct pollfd *,
		    size_t n);

/*
 * Send what is waiting, for at most timeout_ms (the end of a build, or a
 * stop); what is left stays in .feedd/pings.
 */
void		 websub_finish(struct websub *, int timeout_ms);

#endif
