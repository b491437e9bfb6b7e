/*
 * A fork-join loop over POSIX threads.
 */
#include <pthread.h>
#include <stddef.h>
#include <unistd.h>

#include "parallel.h"

struct range {
	void		(*fn)(size_t, size_t, size_t, void *);
	void		*arg;
	size_t		 begin;
	size_t		 end;
	size_t		 part;
};

static void	*run_range(void *);

/* Thread body: one range. */
static void *
run_range(void *p)
{
	struct range	*r = p;

	r->fn(r->begin, r->end, r->part, r->arg);
	return (NULL);
}

/* Run fn over [0, count) on up to one thread per core. */
void
parallel_for(size_t count, size_t min_count,
    void (*fn)(size_t, size_t, size_t, void *), void *arg)
{
	struct range	 ranges[PARALLEL_MAX];
	pthread_t	 threads[PARALLEL_MAX];
	int		 started[PARALLEL_MAX];
	long		 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 n, i, per;

	n = count < min_count || cpus < 2 ? 1 :
	    cpus > PARALLEL_MAX ? PARALLEL_MAX : (size_t)cpus;
	if (n > count)
		n = count > 0 ? count : 1;
	per = (count + n - 1) / n;
	for (i = 0; i < n; i++) {
		ranges[i].fn = fn;
		ranges[i].arg = arg;
		ranges[i].begin = i * per < count ? i * per : count;
		ranges[i].end = (i + 1) * per < count ? (i + 1) * per : count;
		ranges[i].part = i;
		started[i] = 0;
	}
	/* Range 0 runs here; a range whose thread cannot start runs here. */
	for (i = 1; i < n; i++)
		started[i] = pthread_create(&threads[i], NULL, run_range,
		    &ranges[i]) == 0;
	run_range(&ranges[0]);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			run_range(&ranges[i]);
	}
}
