/*
 * The page listing every feed for people: plain HTML5 written through
 * libxml2's HTML serializer (every name and URL escaped by it), with each
 * feed's kind, post count, newest date and subscribe links, and a small
 * inline script that filters the list by name, for sites with thousands
 * of categories and tags.  Links are relative to the page, so it works
 * wherever the output is served.
 */
#ifndef FEEDD_FEEDSPAGE_H
#define FEEDD_FEEDSPAGE_H

#include "buf.h"
#include "config.h"
#include "discovery.h"

/*
 * Render the page for the n feeds of list into out; it lives in
 * cfg->discovery_dir.  Returns 0, or -1 if libxml2 failed.
 */
int	feedspage_render(const struct config *, const struct listed_feed *,
	    size_t, struct buf *out);

#endif
