/*
 * The filters of Liquid 5 and Jekyll 4.3 that posts use, for the renderer
 * (liquid.c): string, HTML, URL, date, number and array filters.
 */
#ifndef FEEDD_LQFILTER_H
#define FEEDD_LQFILTER_H

#include <stddef.h>

#include "buf.h"
#include "lqvalue.h"

/* What a filter may use of the render. */
struct lqf_ctx {
	const char	*url;		/* site url, or "" */
	const char	*baseurl;	/* "" or "/path" */
	long		*fuel;		/* work left; see lqvalue.h */
	size_t		*bytes;		/* text the render may still make */
	size_t		 max_len;	/* longest string a filter makes */
	size_t		 max_list;	/* longest list a filter makes */
	char		*error;		/* set on failure: a new string */
};

/* Index of the filter called name (len bytes), or -1. */
int		 lqfilter_find(const char *, size_t);

/* Whether filter f takes nargs positional arguments. */
int		 lqfilter_arity_ok(int, size_t);

/* The name of filter f. */
const char	*lqfilter_name(int);

/*
 * Apply filter f to in with nargs arguments; allow_false is the
 * allow_false keyword of default (or NULL).  Returns a new value, or
 * NULL with a new message in ctx->error.
 */
struct lq_value	*lqfilter_apply(int, const struct lq_value *,
		    struct lq_value *const *, size_t,
		    const struct lq_value *, struct lqf_ctx *);

/*
 * Liquid's Utils.to_integer: an Integer, or text Ruby's Integer() reads
 * ("12", " 0x1A ", "1_000").  Returns 0 with *out set, or -1.
 */
int		 lqfilter_to_integer(const struct lq_value *, int64_t *);

/*
 * Jekyll's relative_url of path: baseurl (without a trailing slash) and
 * path joined with slashes, then normalised; a URL with a scheme is kept.
 */
void		 lqfilter_relative_url(struct buf *, const char *,
		    const char *);

#endif
