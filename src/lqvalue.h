/*
 * Liquid values: what templates see as site, page and their own
 * variables.  They follow Ruby's objects as Jekyll hands them to Liquid
 * (nil, booleans, Integer, Float, String, Array, Hash, Range, Time), with
 * Ruby's printing (to_s, inspect), equality and ordering.
 *
 * Values are reference counted (atomically, so one site value can serve
 * renders on several threads) and immutable once shared: build a value
 * completely, then hand it over.  Every constructor returns a new
 * reference the caller owns and drops with lq_unref(); functions that
 * "take" a value steal the caller's reference.
 */
#ifndef FEEDD_LQVALUE_H
#define FEEDD_LQVALUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <yaml.h>

#include "buf.h"

enum lq_type {
	LQ_NIL,
	LQ_BOOL,
	LQ_INT,
	LQ_FLOAT,
	LQ_STRING,
	LQ_ARRAY,
	LQ_HASH,
	LQ_RANGE,	/* integers first..last, never materialised */
	LQ_TIME,
};

/* How a time prints: in the process's zone, as UTC, or at an offset. */
enum lq_zone {
	LQ_ZONE_LOCAL,
	LQ_ZONE_UTC,
	LQ_ZONE_FIXED,
};

struct lq_value;

/* One key of a hash, in insertion order. */
struct lq_entry {
	char		*key;
	size_t		 keylen;
	struct lq_value	*value;
};

struct lq_value {
	enum lq_type	 type;
	atomic_uint	 refs;		/* 0: static, never freed */
	union {
		int		 b;
		int64_t		 i;
		double		 f;
		struct {
			char	*p;	/* NUL-terminated, may hold NULs */
			size_t	 len;
		} s;
		struct {
			struct lq_value	**v;
			size_t		 n;
			size_t		 cap;
		} a;
		struct {
			struct lq_entry	*e;
			size_t		 n;
			size_t		 cap;
			uint32_t	*index;	/* open addressing, n > 8 */
			size_t		 icap;
		} h;
		struct {
			int64_t	 first;
			int64_t	 last;
		} r;
		struct {
			int64_t		 t;	/* seconds since the epoch */
			int32_t		 off;	/* LQ_ZONE_FIXED: seconds east */
			enum lq_zone	 zone;
		} t;
	} u;
};

/*
 * Constructors: each returns a new reference (nil, true and false are
 * static values that references do not count).
 */
struct lq_value	*lq_nil(void);
struct lq_value	*lq_bool(int);
struct lq_value	*lq_int(int64_t);
struct lq_value	*lq_float(double);
/* A copy of the string (lq_stringn: of len bytes). */
struct lq_value	*lq_string(const char *);
struct lq_value	*lq_stringn(const char *, size_t);
/* A string made of a buffer's bytes; the buffer is left empty. */
struct lq_value	*lq_string_buf(struct buf *);
struct lq_value	*lq_array(void);
struct lq_value	*lq_hash(void);
struct lq_value	*lq_range(int64_t, int64_t);
/*
 * An instant printed in the process's time zone (datetime_set_zone), as
 * Jekyll shows page.date.
 */
struct lq_value	*lq_time(int64_t);
/* An instant printed at a fixed offset (seconds east), or as UTC. */
struct lq_value	*lq_time_zoned(int64_t, enum lq_zone, int32_t off);

/* Append v (taken) to array a, which must not be shared yet. */
void		 lq_array_push(struct lq_value *, struct lq_value *);
/*
 * Set key (copied) to v (taken) in hash h, which must not be shared yet;
 * an existing key keeps its place and gets the new value.
 */
void		 lq_hash_set(struct lq_value *, const char *,
		    struct lq_value *);
void		 lq_hash_setn(struct lq_value *, const char *, size_t,
		    struct lq_value *);

/* Another reference to v (only the count changes). */
struct lq_value	*lq_ref(const struct lq_value *);
/* Drop a reference; NULL is ignored. */
void		 lq_unref(struct lq_value *);

/* Borrowed value of key in hash h, or NULL. */
const struct lq_value *lq_hash_get(const struct lq_value *, const char *,
		    size_t);

/*
 * Build a value from a libyaml node as Ruby's Psych reads it: plain
 * scalars become nil, booleans (true/yes/on...), integers (0x, 0b, 0
 * octal, "1_000", "1,000", base 60), floats (".5", ".inf", "1.5e+3") or
 * times ("2024-01-02 03:04:05 +01:00" keeps its offset, "Z" is UTC, no
 * zone means UTC shown in local time); everything else, quoted scalars
 * included, is a string (a date without a time stays a string).  Merge
 * keys (<<) merge; keys that are not scalars are skipped.  Aliases
 * are followed, but at most LQ_YAML_MAX_NODES nodes are visited and
 * nesting stops at LQ_YAML_MAX_DEPTH, so an alias bomb fails.  Returns a
 * new value, or NULL with a new string in *cause.
 */
#define LQ_YAML_MAX_NODES	100000
#define LQ_YAML_MAX_DEPTH	64
struct lq_value	*lq_from_yaml(yaml_document_t *, yaml_node_t *,
		    char **cause);

/* Read one plain YAML scalar as Psych does (new value). */
struct lq_value	*lq_from_scalar(const char *, size_t);

/*
 * The rest serves the renderer.  Functions that walk nested values take
 * a fuel counter, decremented per element; once it is negative they stop
 * early and the caller reports the template as too expensive.
 */

/* Liquid truth: everything but nil and false. */
int		 lq_truthy(const struct lq_value *);

/* Ruby's ==: 1 == 1.0, deep for arrays and hashes. */
int		 lq_equal(const struct lq_value *, const struct lq_value *,
		    long *fuel);
/* Ruby's eql?: like lq_equal but 1 and 1.0 differ (uniq). */
int		 lq_eql(const struct lq_value *, const struct lq_value *,
		    long *fuel);

/*
 * Ruby's <=> for numbers, strings and times: sets *cmp and returns 0, or
 * returns -1 when the values do not compare (1 < "a", arrays...).
 */
int		 lq_compare(const struct lq_value *, const struct lq_value *,
		    int *);

/* How lq_print writes arrays. */
enum lq_print {
	LQ_PRINT_OUTPUT,	/* {{ }}: arrays joined, nil empty */
	LQ_PRINT_TO_S,		/* Ruby to_s: arrays as inspect */
	LQ_PRINT_INSPECT,	/* Ruby inspect: strings quoted */
	LQ_PRINT_JSON,		/* to_json */
};

/*
 * Append v printed the given way to b.  Returns -1 only for JSON of a
 * value JSON cannot hold (NaN, infinity, invalid UTF-8).
 */
int		 lq_print(struct buf *, const struct lq_value *,
		    enum lq_print, long *fuel);

/* A new string of v as Ruby's to_s prints it. */
char		*lq_to_s(const struct lq_value *, long *fuel);

/* Ruby's Float#to_s. */
void		 lq_print_float(struct buf *, double);

/* Broken-down time of a time value in its zone; *off gets the offset. */
void		 lq_time_tm(const struct lq_value *, struct tm *, long *off);

/* The type's name, for messages ("String", "Integer"...). */
const char	*lq_type_name(const struct lq_value *);

/* Ruby's String#to_i: optional sign, digits, single underscores. */
int64_t		 lq_ruby_to_i(const char *, size_t);

/* Number of UTF-8 characters; an invalid byte counts as one. */
size_t		 lq_utf8_len(const char *, size_t);

#endif
