/*
 * Liquid values: construction, YAML scalars as Psych reads them, and
 * Ruby's printing, equality and ordering.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "lqvalue.h"
#include "text.h"
#include "xmalloc.h"

/* Hashes with more keys than this get an index. */
#define HASH_INDEX_MIN		8
/* Printing and comparing stop this deep (values nest at most so). */
#define PRINT_MAX_DEPTH		128

/* State of one lq_from_yaml call. */
struct yaml_build {
	yaml_document_t	*doc;
	size_t		 visited;
	const char	*why;
};

static struct lq_value	*value_new(enum lq_type);
static void		 value_free(struct lq_value *);
static uint32_t		 key_hash(const char *, size_t);
static void		 hash_reindex(struct lq_value *);
static ssize_t		 hash_find(const struct lq_value *, const char *,
			    size_t);
static struct lq_value	*build(struct yaml_build *, yaml_node_t *, int);
static void		 merge_into(struct lq_value *, const struct lq_value *);
static int		 string_like(const char *, size_t);
static int		 match_time(const char *, size_t, struct lq_value **);
static int		 match_int(const char *, size_t);
static int		 match_float(const char *, size_t);
static int		 match_base60(const char *, size_t, int *);
static int		 equal(const struct lq_value *, const struct lq_value *,
			    int, long *, int);
static int		 print(struct buf *, const struct lq_value *,
			    enum lq_print, long *, int);
static void		 print_inspect_string(struct buf *, const char *,
			    size_t);
static int		 print_json_string(struct buf *, const char *, size_t);
static void		 print_time(struct buf *, const struct lq_value *);

static struct lq_value	 nil_value = { .type = LQ_NIL };
static struct lq_value	 true_value = { .type = LQ_BOOL, .u.b = 1 };
static struct lq_value	 false_value = { .type = LQ_BOOL, .u.b = 0 };

/* A new value of the given type with one reference. */
static struct lq_value *
value_new(enum lq_type type)
{
	struct lq_value	*v;

	v = xcalloc(1, sizeof *v);
	v->type = type;
	atomic_init(&v->refs, 1);
	return (v);
}

/* The nil value (static). */
struct lq_value *
lq_nil(void)
{
	return (&nil_value);
}

/* A boolean (static). */
struct lq_value *
lq_bool(int b)
{
	return (b ? &true_value : &false_value);
}

/* An integer. */
struct lq_value *
lq_int(int64_t i)
{
	struct lq_value	*v = value_new(LQ_INT);

	v->u.i = i;
	return (v);
}

/* A float. */
struct lq_value *
lq_float(double f)
{
	struct lq_value	*v = value_new(LQ_FLOAT);

	v->u.f = f;
	return (v);
}

/* A copy of a string. */
struct lq_value *
lq_string(const char *s)
{
	return (lq_stringn(s, strlen(s)));
}

/* A copy of len bytes. */
struct lq_value *
lq_stringn(const char *s, size_t len)
{
	struct lq_value	*v = value_new(LQ_STRING);

	v->u.s.p = xmalloc(len + 1);
	memcpy(v->u.s.p, s, len);
	v->u.s.p[len] = '\0';
	v->u.s.len = len;
	return (v);
}

/* A string owning a buffer's bytes. */
struct lq_value *
lq_string_buf(struct buf *b)
{
	struct lq_value	*v = value_new(LQ_STRING);

	v->u.s.len = b->len;
	v->u.s.p = buf_take(b);
	return (v);
}

/* An empty array. */
struct lq_value *
lq_array(void)
{
	return (value_new(LQ_ARRAY));
}

/* An empty hash. */
struct lq_value *
lq_hash(void)
{
	return (value_new(LQ_HASH));
}

/* A range of integers. */
struct lq_value *
lq_range(int64_t first, int64_t last)
{
	struct lq_value	*v = value_new(LQ_RANGE);

	v->u.r.first = first;
	v->u.r.last = last;
	return (v);
}

/* An instant in local time. */
struct lq_value *
lq_time(int64_t when)
{
	return (lq_time_zoned(when, LQ_ZONE_LOCAL, 0));
}

/* An instant in a given zone. */
struct lq_value *
lq_time_zoned(int64_t when, enum lq_zone zone, int32_t off)
{
	struct lq_value	*v = value_new(LQ_TIME);

	v->u.t.t = when;
	v->u.t.zone = zone;
	v->u.t.off = zone == LQ_ZONE_FIXED ? off : 0;
	return (v);
}

/* Append to an array. */
void
lq_array_push(struct lq_value *a, struct lq_value *v)
{
	if (a->u.a.n == a->u.a.cap) {
		a->u.a.cap = a->u.a.cap == 0 ? 4 : a->u.a.cap * 2;
		a->u.a.v = xreallocarray(a->u.a.v, a->u.a.cap,
		    sizeof *a->u.a.v);
	}
	a->u.a.v[a->u.a.n++] = v;
}

/* FNV-1a over a key. */
static uint32_t
key_hash(const char *k, size_t len)
{
	uint32_t h = 2166136261u;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)k[i];
		h *= 16777619u;
	}
	return (h);
}

/* Rebuild the index of a hash, at most half full. */
static void
hash_reindex(struct lq_value *h)
{
	size_t	 i, slot, mask;

	free(h->u.h.index);
	h->u.h.icap = 16;
	while (h->u.h.icap < h->u.h.n * 2)
		h->u.h.icap *= 2;
	h->u.h.index = xcalloc(h->u.h.icap, sizeof *h->u.h.index);
	mask = h->u.h.icap - 1;
	for (i = 0; i < h->u.h.n; i++) {
		slot = key_hash(h->u.h.e[i].key, h->u.h.e[i].keylen) & mask;
		while (h->u.h.index[slot] != 0)
			slot = (slot + 1) & mask;
		h->u.h.index[slot] = (uint32_t)i + 1;
	}
}

/* Position of key in hash h, or -1. */
static ssize_t
hash_find(const struct lq_value *h, const char *key, size_t len)
{
	const struct lq_entry *e;
	size_t	 i, slot, mask;

	if (h->u.h.index == NULL) {
		for (i = 0; i < h->u.h.n; i++) {
			e = &h->u.h.e[i];
			if (e->keylen == len && memcmp(e->key, key, len) == 0)
				return ((ssize_t)i);
		}
		return (-1);
	}
	mask = h->u.h.icap - 1;
	for (slot = key_hash(key, len) & mask; h->u.h.index[slot] != 0;
	    slot = (slot + 1) & mask) {
		e = &h->u.h.e[h->u.h.index[slot] - 1];
		if (e->keylen == len && memcmp(e->key, key, len) == 0)
			return ((ssize_t)h->u.h.index[slot] - 1);
	}
	return (-1);
}

/* Set a key of a hash. */
void
lq_hash_set(struct lq_value *h, const char *key, struct lq_value *v)
{
	lq_hash_setn(h, key, strlen(key), v);
}

/* Set a key of len bytes. */
void
lq_hash_setn(struct lq_value *h, const char *key, size_t len,
    struct lq_value *v)
{
	struct lq_entry	*e;
	ssize_t		 at;

	if ((at = hash_find(h, key, len)) >= 0) {
		lq_unref(h->u.h.e[at].value);
		h->u.h.e[at].value = v;
		return;
	}
	if (h->u.h.n == h->u.h.cap) {
		h->u.h.cap = h->u.h.cap == 0 ? 4 : h->u.h.cap * 2;
		h->u.h.e = xreallocarray(h->u.h.e, h->u.h.cap,
		    sizeof *h->u.h.e);
	}
	e = &h->u.h.e[h->u.h.n++];
	e->key = xstrndup(key, len);
	e->keylen = len;
	e->value = v;
	if (h->u.h.n > HASH_INDEX_MIN && h->u.h.n * 2 > h->u.h.icap)
		hash_reindex(h);
	else if (h->u.h.index != NULL) {
		size_t	 mask = h->u.h.icap - 1, slot;

		slot = key_hash(key, len) & mask;
		while (h->u.h.index[slot] != 0)
			slot = (slot + 1) & mask;
		h->u.h.index[slot] = (uint32_t)h->u.h.n;
	}
}

/* Look a key up. */
const struct lq_value *
lq_hash_get(const struct lq_value *h, const char *key, size_t len)
{
	ssize_t	 at;

	if (h == NULL || h->type != LQ_HASH)
		return (NULL);
	if ((at = hash_find(h, key, len)) < 0)
		return (NULL);
	return (h->u.h.e[at].value);
}

/* Count one more reference. */
struct lq_value *
lq_ref(const struct lq_value *cv)
{
	struct lq_value	*v = (struct lq_value *)cv;

	if (atomic_load_explicit(&v->refs, memory_order_relaxed) != 0)
		atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
	return (v);
}

/* Free a value whose last reference went. */
static void
value_free(struct lq_value *v)
{
	size_t	 i;

	switch (v->type) {
	case LQ_STRING:
		free(v->u.s.p);
		break;
	case LQ_ARRAY:
		for (i = 0; i < v->u.a.n; i++)
			lq_unref(v->u.a.v[i]);
		free(v->u.a.v);
		break;
	case LQ_HASH:
		for (i = 0; i < v->u.h.n; i++) {
			free(v->u.h.e[i].key);
			lq_unref(v->u.h.e[i].value);
		}
		free(v->u.h.e);
		free(v->u.h.index);
		break;
	default:
		break;
	}
	free(v);
}

/* Drop a reference. */
void
lq_unref(struct lq_value *v)
{
	if (v == NULL ||
	    atomic_load_explicit(&v->refs, memory_order_relaxed) == 0)
		return;
	if (atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) == 1)
		value_free(v);
}

/*
 * Psych's test for text that cannot be a number or time:
 * /^[^\d.:-]?[[:alpha:]_\s!@#$%\^&*(){}<>|\/\\~;=]+/ or a newline
 * (bytes beyond ASCII count as letters).
 */
static int
string_like(const char *s, size_t len)
{
	static const char punct[] = "_!@#$%^&*(){}<>|/\\~;= \t\r\n\f\v";
	unsigned char c0 = (unsigned char)s[0], c1;

	if (memchr(s, '\n', len) != NULL)
		return (1);
#define IN_CLASS(c)	((c) != '\0' && (isalpha(c) || (c) >= 0x80 || \
			    strchr(punct, (c)) != NULL))
	if (IN_CLASS(c0))
		return (1);
	if (len < 2 || isdigit(c0) || c0 == '.' || c0 == ':' || c0 == '-')
		return (0);
	c1 = (unsigned char)s[1];
	return (IN_CLASS(c1));
#undef IN_CLASS
}

/*
 * Psych's timestamp: YYYY-M-D[Tt or spaces]H:MM:SS[.frac][ ](Z|+H[:][MM]).
 * Returns 1 and sets *v when s is one, else 0.
 */
static int
match_time(const char *s, size_t len, struct lq_value **v)
{
	const char *p = s, *end = s + len;
	int	 n[6], i, digits, sign = 0, oh = 0, om = 0, neg = 0;
	enum lq_zone zone = LQ_ZONE_LOCAL;
	struct tm tm;
	time_t	 t;
	static const int min[6] = { 4, 1, 1, 1, 2, 2 }, max[6] = { 4, 2, 2,
	    2, 2, 2 };
	static const char sep[6] = { '-', '-', 'T', ':', ':', '\0' };

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (i = 0; i < 6; i++) {
		n[i] = 0;
		for (digits = 0; p < end && isdigit((unsigned char)*p) &&
		    digits < max[i]; digits++)
			n[i] = n[i] * 10 + (*p++ - '0');
		if (digits < min[i])
			return (0);
		if (sep[i] == 'T') {
			if (p < end && (*p == 'T' || *p == 't'))
				p++;
			else if (p < end && isspace((unsigned char)*p)) {
				while (p < end && isspace((unsigned char)*p))
					p++;
			} else
				return (0);
		} else if (sep[i] != '\0') {
			if (p >= end || *p++ != sep[i])
				return (0);
		}
	}
	if (p < end && *p == '.') {
		for (p++; p < end && isdigit((unsigned char)*p); p++)
			;
	}
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == 'Z') {
		zone = LQ_ZONE_UTC;
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		for (digits = 0; p < end && isdigit((unsigned char)*p) &&
		    digits < 2; digits++)
			oh = oh * 10 + (*p++ - '0');
		if (digits == 0)
			return (0);
		if (p < end && *p == ':')
			p++;
		if (p + 1 < end && isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1])) {
			om = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		zone = LQ_ZONE_FIXED;
	}
	if (p != end)
		return (0);
	if (neg || n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 ||
	    n[3] > 23 || n[4] > 59 || n[5] > 60)
		return (0);		/* Time.utc refuses: a string */
	memset(&tm, 0, sizeof tm);
	tm.tm_year = n[0] - 1900;
	tm.tm_mon = n[1] - 1;
	tm.tm_mday = n[2];
	tm.tm_hour = n[3];
	tm.tm_min = n[4];
	tm.tm_sec = n[5];
	t = timegm(&tm);
	/* No zone: UTC, shown in local time (Time.at). */
	if (zone == LQ_ZONE_FIXED)
		t -= sign * (oh * 3600 + om * 60);
	*v = lq_time_zoned((int64_t)t, zone, sign * (oh * 3600 + om * 60));
	return (1);
}

/*
 * Psych's INTEGER: [-+]? then 0b[01_,]+, 0[0-7_,]+, 0x[0-9a-fA-F_,]+ or
 * 0|[1-9]([0-9]|,[0-9]|_[0-9])*.  Returns the base, or 0.
 */
static int
match_int(const char *s, size_t len)
{
	size_t	 i = 0, j;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= len)
		return (0);
	if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'b' ||
	    s[i + 1] == 'x')) {
		int	 hex = s[i + 1] == 'x';

		if (i + 2 >= len)
			return (0);
		for (j = i + 2; j < len; j++) {
			if (!(hex ? isxdigit((unsigned char)s[j]) :
			    (s[j] == '0' || s[j] == '1')) && s[j] != '_' &&
			    s[j] != ',')
				return (0);
		}
		return (hex ? 16 : 2);
	}
	if (s[i] == '0') {
		if (i + 1 == len)
			return (10);
		for (j = i + 1; j < len; j++) {
			if (!(s[j] >= '0' && s[j] <= '7') && s[j] != '_' &&
			    s[j] != ',')
				return (0);
		}
		return (8);
	}
	if (!isdigit((unsigned char)s[i]))
		return (0);
	for (j = i + 1; j < len; j++) {
		if (isdigit((unsigned char)s[j]))
			continue;
		if ((s[j] == ',' || s[j] == '_') && j + 1 < len &&
		    isdigit((unsigned char)s[j + 1])) {
			j++;
			continue;
		}
		return (0);
	}
	return (10);
}

/* Psych's FLOAT: [-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)? */
static int
match_float(const char *s, size_t len)
{
	size_t	 i = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && isdigit((unsigned char)s[i])) {
		while (i < len && (isdigit((unsigned char)s[i]) ||
		    s[i] == '_' || s[i] == ','))
			i++;
	}
	if (i >= len || s[i] != '.')
		return (0);
	for (i++; i < len && isdigit((unsigned char)s[i]); i++)
		;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i >= len || (s[i] != '-' && s[i] != '+'))
			return (0);
		if (++i >= len)
			return (0);
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
	}
	return (i == len);
}

/*
 * Psych's sexagesimal numbers: [-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}, with
 * a fraction (\.[0-9_]*) when *frac is set on return.
 */
static int
match_base60(const char *s, size_t len, int *frac)
{
	size_t	 i = 0, parts = 0, n;

	*frac = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= len || !isdigit((unsigned char)s[i]))
		return (0);
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '_'))
		i++;
	while (i < len && s[i] == ':') {
		for (i++, n = 0; i < len && isdigit((unsigned char)s[i]) &&
		    n < 2; i++, n++)
			;
		if (n == 0 || (n == 2 && s[i - 2] > '5'))
			return (0);
		parts++;
	}
	if (parts < 1 || parts > 2)
		return (0);
	if (i < len && s[i] == '.') {
		*frac = 1;
		for (i++; i < len && (isdigit((unsigned char)s[i]) ||
		    s[i] == '_'); i++)
			;
	}
	return (i == len);
}

/* Ruby's String#to_i: optional sign, digits with single underscores. */
int64_t
lq_ruby_to_i(const char *s, size_t len)
{
	size_t	 i = 0;
	int64_t	 v = 0;
	int	 neg = 0;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len; i++) {
		if (s[i] == '_' && i + 1 < len &&
		    isdigit((unsigned char)s[i + 1]) && i > 0 &&
		    isdigit((unsigned char)s[i - 1]))
			continue;
		if (!isdigit((unsigned char)s[i]))
			break;
		if (v > (INT64_MAX - 9) / 10)
			break;		/* Ruby grows a Bignum; we stop */
		v = v * 10 + (s[i] - '0');
	}
	return (neg ? -v : v);
}

/* A plain scalar as Psych's ScalarScanner#tokenize reads it. */
struct lq_value *
lq_from_scalar(const char *s, size_t len)
{
	struct lq_value	*v;
	char		 clean[64], *end;
	size_t		 i, n;
	int		 base, frac;

	if (len == 0)
		return (lq_nil());
	if (string_like(s, len)) {
		if (len > 5 || strchr("ytonfYTONF~", s[0]) == NULL)
			return (lq_stringn(s, len));
		if ((len == 1 && s[0] == '~') || (len == 4 &&
		    strncasecmp(s, "null", 4) == 0))
			return (lq_nil());
		if ((len == 3 && strncasecmp(s, "yes", 3) == 0) ||
		    (len == 4 && strncasecmp(s, "true", 4) == 0) ||
		    (len == 2 && strncasecmp(s, "on", 2) == 0))
			return (lq_bool(1));
		if ((len == 2 && strncasecmp(s, "no", 2) == 0) ||
		    (len == 5 && strncasecmp(s, "false", 5) == 0) ||
		    (len == 3 && strncasecmp(s, "off", 3) == 0))
			return (lq_bool(0));
		return (lq_stringn(s, len));
	}
	if (match_time(s, len, &v))
		return (v);
	if ((len == 4 || len == 5) && strncasecmp(s + len - 4, ".inf", 4) ==
	    0 && (len == 4 || s[0] == '+' || s[0] == '-'))
		return (lq_float(s[0] == '-' ? -INFINITY : INFINITY));
	if (len == 4 && strncasecmp(s, ".nan", 4) == 0)
		return (lq_float(NAN));
	if (len >= sizeof clean)
		return (lq_stringn(s, len));
	if (match_base60(s, len, &frac)) {
		double	 f = 0;
		int64_t	 iv = 0, mul;
		size_t	 start = 0, idx = 0;
		int	 k;

		/* Psych weighs part idx by 60 ** |idx - 2|. */
		for (i = 0; i <= len; i++) {
			if (i < len && s[i] != ':')
				continue;
			for (mul = 1, k = abs((int)idx - 2); k > 0; k--)
				mul *= 60;
			memcpy(clean, s + start, i - start);
			clean[i - start] = '\0';
			if (frac)
				f += strtod(clean, NULL) * (double)mul;
			else
				iv += lq_ruby_to_i(clean, i - start) * mul;
			start = i + 1;
			idx++;
		}
		return (frac ? lq_float(f) : lq_int(iv));
	}
	if (match_float(s, len)) {
		if ((len == 1) || (len == 2 && (s[0] == '-' || s[0] == '+')))
			return (lq_stringn(s, len));
		for (i = n = 0; i < len; i++) {
			if (s[i] == '_' || s[i] == ',')
				continue;
			if (s[i] == '.' && (i + 1 == len || s[i + 1] == 'e' ||
			    s[i + 1] == 'E'))
				continue;
			clean[n++] = s[i];
		}
		clean[n] = '\0';
		return (lq_float(strtod(clean, NULL)));
	}
	if ((base = match_int(s, len)) != 0) {
		long long iv;

		for (i = n = 0; i < len; i++) {
			if (s[i] != '_' && s[i] != ',')
				clean[n++] = s[i];
		}
		clean[n] = '\0';
		/* strtoll reads 0x itself; 0b and a sign before 0x not. */
		i = clean[0] == '-' || clean[0] == '+';
		if (base == 2 || base == 16)
			i += 2;
		errno = 0;
		iv = strtoll(clean + i, &end, base);
		if (*end != '\0' || end == clean + i || errno == ERANGE)
			return (lq_stringn(s, len));	/* a Bignum */
		return (lq_int(clean[0] == '-' ? -iv : iv));
	}
	return (lq_stringn(s, len));
}

/* Copy the entries of hash src into dst, replacing (a YAML merge key). */
static void
merge_into(struct lq_value *dst, const struct lq_value *src)
{
	size_t	 i;

	for (i = 0; i < src->u.h.n; i++)
		lq_hash_setn(dst, src->u.h.e[i].key, src->u.h.e[i].keylen,
		    lq_ref(src->u.h.e[i].value));
}

/* Build the value of a node, counting every node visited. */
static struct lq_value *
build(struct yaml_build *yb, yaml_node_t *node, int depth)
{
	struct lq_value	*v, *k, *item;
	yaml_node_item_t *it;
	yaml_node_pair_t *pair;
	yaml_node_t	*kn;
	size_t		 i;

	if (node == NULL)
		return (lq_nil());
	if (++yb->visited > LQ_YAML_MAX_NODES) {
		yb->why = "more than 100000 YAML nodes (aliases count each "
		    "time they are used)";
		return (NULL);
	}
	if (depth > LQ_YAML_MAX_DEPTH) {
		yb->why = "YAML nested too deep";
		return (NULL);
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return (lq_stringn((char *)node->data.scalar.value,
			    node->data.scalar.length));
		return (lq_from_scalar((char *)node->data.scalar.value,
		    node->data.scalar.length));
	case YAML_SEQUENCE_NODE:
		v = lq_array();
		for (it = node->data.sequence.items.start;
		    it < node->data.sequence.items.top; it++) {
			item = build(yb, yaml_document_get_node(yb->doc, *it),
			    depth + 1);
			if (item == NULL) {
				lq_unref(v);
				return (NULL);
			}
			lq_array_push(v, item);
		}
		return (v);
	case YAML_MAPPING_NODE:
		v = lq_hash();
		for (pair = node->data.mapping.pairs.start;
		    pair < node->data.mapping.pairs.top; pair++) {
			kn = yaml_document_get_node(yb->doc, pair->key);
			item = build(yb, yaml_document_get_node(yb->doc,
			    pair->value), depth + 1);
			if (item == NULL) {
				lq_unref(v);
				return (NULL);
			}
			if (kn == NULL || kn->type != YAML_SCALAR_NODE) {
				lq_unref(item);	/* keys must be text */
				continue;
			}
			if (kn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    strcmp((char *)kn->data.scalar.value, "<<") == 0) {
				if (item->type == LQ_HASH)
					merge_into(v, item);
				else if (item->type == LQ_ARRAY) {
					/* Earlier mappings win: merge the
					 * list backwards. */
					for (i = item->u.a.n; i > 0; i--) {
						k = item->u.a.v[i - 1];
						if (k->type == LQ_HASH)
							merge_into(v, k);
					}
				}
				lq_unref(item);
				continue;
			}
			lq_hash_setn(v, (char *)kn->data.scalar.value,
			    kn->data.scalar.length, item);
		}
		return (v);
	default:
		return (lq_nil());
	}
}

/* A value from a YAML node. */
struct lq_value *
lq_from_yaml(yaml_document_t *doc, yaml_node_t *node, char **cause)
{
	struct yaml_build yb;
	struct lq_value	*v;

	memset(&yb, 0, sizeof yb);
	yb.doc = doc;
	if ((v = build(&yb, node, 0)) == NULL)
		*cause = xstrdup(yb.why);
	return (v);
}

/* Liquid truth. */
int
lq_truthy(const struct lq_value *v)
{
	return (v != NULL && v->type != LQ_NIL &&
	    !(v->type == LQ_BOOL && !v->u.b));
}

/* Equality, numeric across Integer and Float unless strict. */
static int
equal(const struct lq_value *a, const struct lq_value *b, int strict,
    long *fuel, int depth)
{
	const struct lq_value *bv;
	size_t	 i;

	if (--*fuel < 0 || depth > PRINT_MAX_DEPTH)
		return (0);
	if (a->type == LQ_INT && b->type == LQ_FLOAT)
		return (!strict && (double)a->u.i == b->u.f);
	if (a->type == LQ_FLOAT && b->type == LQ_INT)
		return (!strict && a->u.f == (double)b->u.i);
	if (a->type != b->type)
		return (0);
	switch (a->type) {
	case LQ_NIL:
		return (1);
	case LQ_BOOL:
		return (a->u.b == b->u.b);
	case LQ_INT:
		return (a->u.i == b->u.i);
	case LQ_FLOAT:
		return (a->u.f == b->u.f);
	case LQ_STRING:
		return (a->u.s.len == b->u.s.len &&
		    memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0);
	case LQ_ARRAY:
		if (a->u.a.n != b->u.a.n)
			return (0);
		for (i = 0; i < a->u.a.n; i++) {
			if (!equal(a->u.a.v[i], b->u.a.v[i], strict, fuel,
			    depth + 1))
				return (0);
		}
		return (1);
	case LQ_HASH:
		if (a->u.h.n != b->u.h.n)
			return (0);
		for (i = 0; i < a->u.h.n; i++) {
			bv = lq_hash_get(b, a->u.h.e[i].key,
			    a->u.h.e[i].keylen);
			if (bv == NULL || !equal(a->u.h.e[i].value, bv, strict,
			    fuel, depth + 1))
				return (0);
		}
		return (1);
	case LQ_RANGE:
		return (a->u.r.first == b->u.r.first &&
		    a->u.r.last == b->u.r.last);
	case LQ_TIME:
		return (a->u.t.t == b->u.t.t);
	}
	return (0);
}

/* Ruby's ==. */
int
lq_equal(const struct lq_value *a, const struct lq_value *b, long *fuel)
{
	return (equal(a, b, 0, fuel, 0));
}

/* Ruby's eql?. */
int
lq_eql(const struct lq_value *a, const struct lq_value *b, long *fuel)
{
	return (equal(a, b, 1, fuel, 0));
}

/* Ruby's <=> where it is defined between the two values. */
int
lq_compare(const struct lq_value *a, const struct lq_value *b, int *cmp)
{
	double	 x, y;
	size_t	 n;
	int	 c;

	if ((a->type == LQ_INT || a->type == LQ_FLOAT) &&
	    (b->type == LQ_INT || b->type == LQ_FLOAT)) {
		if (a->type == LQ_INT && b->type == LQ_INT) {
			*cmp = (a->u.i > b->u.i) - (a->u.i < b->u.i);
			return (0);
		}
		x = a->type == LQ_INT ? (double)a->u.i : a->u.f;
		y = b->type == LQ_INT ? (double)b->u.i : b->u.f;
		if (isnan(x) || isnan(y))
			return (-1);
		*cmp = (x > y) - (x < y);
		return (0);
	}
	if (a->type == LQ_STRING && b->type == LQ_STRING) {
		n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
		c = memcmp(a->u.s.p, b->u.s.p, n);
		if (c == 0)
			c = (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
		*cmp = (c > 0) - (c < 0);
		return (0);
	}
	if (a->type == LQ_TIME && b->type == LQ_TIME) {
		*cmp = (a->u.t.t > b->u.t.t) - (a->u.t.t < b->u.t.t);
		return (0);
	}
	return (-1);
}

/* Ruby's Float#to_s: shortest round-trip digits, exponent outside 1e-4..1e16. */
void
lq_print_float(struct buf *b, double f)
{
	char	 tmp[40], digits[24];
	int	 prec, exp, nd, decpt, i;
	char	*e;

	if (isnan(f)) {
		buf_adds(b, "NaN");
		return;
	}
	if (isinf(f)) {
		buf_adds(b, f < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (f == 0) {
		buf_adds(b, signbit(f) ? "-0.0" : "0.0");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]XX */
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	for (i = 0, nd = 0; tmp + i < e; i++) {
		if (isdigit((unsigned char)tmp[i]))
			digits[nd++] = tmp[i];
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (f < 0)
		buf_addc(b, '-');
	decpt = exp + 1;
	if (decpt > 0 && decpt <= 15) {
		for (i = 0; i < decpt; i++)
			buf_addc(b, i < nd ? digits[i] : '0');
		buf_addc(b, '.');
		if (nd > decpt)
			buf_add(b, digits + decpt, (size_t)(nd - decpt));
		else
			buf_addc(b, '0');
	} else if (decpt <= 0 && decpt > -4) {
		buf_adds(b, "0.");
		for (i = decpt; i < 0; i++)
			buf_addc(b, '0');
		buf_add(b, digits, (size_t)nd);
	} else {
		buf_addc(b, digits[0]);
		buf_addc(b, '.');
		if (nd > 1)
			buf_add(b, digits + 1, (size_t)(nd - 1));
		else
			buf_addc(b, '0');
		buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	}
}

/* Broken-down time in the value's own zone. */
void
lq_time_tm(const struct lq_value *v, struct tm *tm, long *off)
{
	time_t	 t = (time_t)v->u.t.t;

	switch (v->u.t.zone) {
	case LQ_ZONE_LOCAL:
		localtime_r(&t, tm);
		*off = tm->tm_gmtoff;
		break;
	case LQ_ZONE_UTC:
		gmtime_r(&t, tm);
		*off = 0;
		break;
	case LQ_ZONE_FIXED:
		t += v->u.t.off;
		gmtime_r(&t, tm);
		*off = v->u.t.off;
		tm->tm_gmtoff = *off;
		tm->tm_zone = "";
		break;
	}
}

/* Time#to_s: "2024-01-02 03:04:05 +0100", or "... UTC". */
static void
print_time(struct buf *b, const struct lq_value *v)
{
	struct tm tm;
	long	 off;

	lq_time_tm(v, &tm, &off);
	buf_addf(b, "%04d-%02d-%02d %02d:%02d:%02d ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (v->u.t.zone == LQ_ZONE_UTC)
		buf_adds(b, "UTC");
	else
		buf_addf(b, "%c%02ld%02ld", off < 0 ? '-' : '+',
		    labs(off) / 3600, labs(off) % 3600 / 60);
}

/* String#inspect for UTF-8 text. */
static void
print_inspect_string(struct buf *b, const char *s, size_t len)
{
	size_t	 i;
	unsigned char c;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		case '\v':
			buf_adds(b, "\\v");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\a':
			buf_adds(b, "\\a");
			break;
		case 0x1b:
			buf_adds(b, "\\e");
			break;
		case '#':
			if (i + 1 < len && (s[i + 1] == '{' || s[i + 1] == '$' ||
			    s[i + 1] == '@'))
				buf_addc(b, '\\');
			buf_addc(b, '#');
			break;
		default:
			if (c < 0x20)
				buf_addf(b, "\\u%04X", c);
			else if (c == 0x7f)
				buf_adds(b, "\\x7F");
			else
				buf_addc(b, (char)c);
			break;
		}
	}
	buf_addc(b, '"');
}

/* A JSON string as Ruby's generator writes it; -1 for invalid UTF-8. */
static int
print_json_string(struct buf *b, const char *s, size_t len)
{
	size_t	 i;
	unsigned char c;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"')
			buf_adds(b, "\\\"");
		else if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\f')
			buf_adds(b, "\\f");
		else if (c == '\b')
			buf_adds(b, "\\b");
		else if (c < 0x20)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
	return (text_utf8_check(s, len) == len ? 0 : -1);
}

/* Print a value; see enum lq_print. */
static int
print(struct buf *b, const struct lq_value *v, enum lq_print how,
    long *fuel, int depth)
{
	const struct lq_entry *e;
	size_t	 i;
	int	 rc = 0;

	if (--*fuel < 0 || depth > PRINT_MAX_DEPTH)
		return (0);
	switch (v->type) {
	case LQ_NIL:
		if (how == LQ_PRINT_INSPECT)
			buf_adds(b, "nil");
		else if (how == LQ_PRINT_JSON)
			buf_adds(b, "null");
		break;
	case LQ_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		break;
	case LQ_INT:
		buf_addf(b, "%lld", (long long)v->u.i);
		break;
	case LQ_FLOAT:
		if (how == LQ_PRINT_JSON && !isfinite(v->u.f))
			return (-1);
		lq_print_float(b, v->u.f);
		break;
	case LQ_STRING:
		*fuel -= (long)(v->u.s.len / 64);
		if (how == LQ_PRINT_INSPECT)
			print_inspect_string(b, v->u.s.p, v->u.s.len);
		else if (how == LQ_PRINT_JSON)
			rc = print_json_string(b, v->u.s.p, v->u.s.len);
		else
			buf_add(b, v->u.s.p, v->u.s.len);
		break;
	case LQ_ARRAY:
		if (how == LQ_PRINT_OUTPUT) {
			/* Array#join: nested arrays joined too. */
			for (i = 0; i < v->u.a.n && rc == 0; i++)
				rc = print(b, v->u.a.v[i], LQ_PRINT_OUTPUT,
				    fuel, depth + 1);
			break;
		}
		if (how == LQ_PRINT_TO_S)
			how = LQ_PRINT_INSPECT;
		buf_addc(b, '[');
		for (i = 0; i < v->u.a.n && rc == 0; i++) {
			if (i > 0)
				buf_adds(b, how == LQ_PRINT_JSON ? "," : ", ");
			rc = print(b, v->u.a.v[i], how, fuel, depth + 1);
		}
		buf_addc(b, ']');
		break;
	case LQ_HASH:
		if (how != LQ_PRINT_JSON)
			how = LQ_PRINT_INSPECT;
		buf_addc(b, '{');
		for (i = 0; i < v->u.h.n && rc == 0; i++) {
			e = &v->u.h.e[i];
			if (i > 0)
				buf_adds(b, how == LQ_PRINT_JSON ? "," : ", ");
			if (how == LQ_PRINT_JSON) {
				rc = print_json_string(b, e->key, e->keylen);
				buf_addc(b, ':');
			} else {
				print_inspect_string(b, e->key, e->keylen);
				buf_adds(b, "=>");
			}
			if (rc == 0)
				rc = print(b, e->value, how, fuel, depth + 1);
		}
		buf_addc(b, '}');
		break;
	case LQ_RANGE:
		if (how == LQ_PRINT_JSON)
			buf_addc(b, '"');
		buf_addf(b, "%lld..%lld", (long long)v->u.r.first,
		    (long long)v->u.r.last);
		if (how == LQ_PRINT_JSON)
			buf_addc(b, '"');
		break;
	case LQ_TIME:
		if (how == LQ_PRINT_JSON)
			buf_addc(b, '"');
		print_time(b, v);
		if (how == LQ_PRINT_JSON)
			buf_addc(b, '"');
		break;
	}
	return (rc);
}

/* Print a value. */
int
lq_print(struct buf *b, const struct lq_value *v, enum lq_print how,
    long *fuel)
{
	return (print(b, v, how, fuel, 0));
}

/* Ruby's to_s as a new string. */
char *
lq_to_s(const struct lq_value *v, long *fuel)
{
	struct buf	 b = BUF_INIT;

	buf_add(&b, "", 0);
	print(&b, v, LQ_PRINT_TO_S, fuel, 0);
	return (buf_take(&b));
}

/* The Ruby class name of a value. */
const char *
lq_type_name(const struct lq_value *v)
{
	switch (v->type) {
	case LQ_NIL:
		return ("nil");
	case LQ_BOOL:
		return (v->u.b ? "true" : "false");
	case LQ_INT:
		return ("Integer");
	case LQ_FLOAT:
		return ("Float");
	case LQ_STRING:
		return ("String");
	case LQ_ARRAY:
		return ("Array");
	case LQ_HASH:
		return ("Hash");
	case LQ_RANGE:
		return ("Range");
	case LQ_TIME:
		return ("Time");
	}
	return ("?");
}

/* UTF-8 characters in len bytes; an invalid byte counts as one. */
size_t
lq_utf8_len(const char *s, size_t len)
{
	size_t	 i = 0, n = 0, k;
	uint32_t c;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80)
			k = 1;
		else if ((k = text_utf8_next(s + i, len - i, &c)) == 0)
			k = 1;
		i += k;
		n++;
	}
	return (n);
}
