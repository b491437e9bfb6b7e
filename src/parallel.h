/*
 * Splitting a loop over the cores.  The work functions given here must
 * touch no shared mutable state: each writes only its own range of
 * results, which the caller then uses on its own thread.
 */
#ifndef FEEDD_PARALLEL_H
#define FEEDD_PARALLEL_H

#include <stddef.h>

/* The most ranges parallel_for makes. */
#define PARALLEL_MAX	8

/*
 * Call fn(begin, end, part, arg) over ranges covering [0, count), one
 * range per core (at most PARALLEL_MAX; part numbers them from 0) when
 * count is at least min_count, else once for the whole range, part 0,
 * on the calling thread.  Returns when every range is done.
 */
void	parallel_for(size_t count, size_t min_count,
	    void (*fn)(size_t, size_t, size_t, void *), void *arg);

#endif
