/*
 * A minimal unit test harness: CHECK records a failure and goes on, so one
 * run reports every broken expectation; a test program returns
 * test_status() (0 pass, 1 fail; 77 would mean skip).
 */
#ifndef FEEDD_TEST_H
#define FEEDD_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures;

#define CHECK(expr) do {						\
	if (!(expr)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,	\
		    __LINE__, #expr);					\
		test_failures++;					\
	}								\
} while (0)

/* Compare two strings, printing both when they differ. */
#define CHECK_STR(got, want) do {					\
	const char *got_ = (got), *want_ = (want);			\
	if (got_ == NULL || strcmp(got_, want_) != 0) {			\
		fprintf(stderr, "%s:%d: %s\n    got:  \"%s\"\n"		\
		    "    want: \"%s\"\n", __FILE__, __LINE__, #got,		\
		    got_ != NULL ? got_ : "(null)", want_);		\
		test_failures++;					\
	}								\
} while (0)

static inline int
test_status(void)
{
	if (test_failures > 0)
		fprintf(stderr, "%d check(s) failed\n", test_failures);
	return (test_failures > 0 ? 1 : 0);
}

#endif
