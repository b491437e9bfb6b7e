/*
 * Liquid and Jekyll filters.  Each follows the Ruby method it copies
 * (Liquid::StandardFilters in Liquid 5.4, Jekyll::Filters in 4.3.1):
 * inputs are converted with Ruby's to_s and to_i rules, lists go through
 * Liquid's InputIterator (nested arrays flattened, a hash is a list of
 * one), and arithmetic on Floats is decimal, as Liquid's BigDecimal is.
 * Every result is bounded (ctx->max_len, ctx->max_list) and charged to
 * ctx->fuel and ctx->bytes.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "lqfilter.h"
#include "lqvalue.h"
#include "markdown.h"
#include "smarty.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* A number as Liquid's Utils.to_number makes it. */
struct num {
	int	 dec;		/* a BigDecimal (from a Float or "1.5") */
	int64_t	 i;		/* the Integer when !dec */
	double	 f;		/* the value when dec */
	int	 exact;		/* dec and m * 10^e is the value */
	int64_t	 m;
	int	 e;
};

/* One filter call. */
struct call {
	struct lqf_ctx		*ctx;
	struct lq_value *const	*a;		/* arguments */
	size_t			 n;
	const struct lq_value	*allow_false;
	int			 which;		/* variant of a shared body */
};

typedef struct lq_value *filter_fn(const struct lq_value *, struct call *);

static struct lq_value	*fail(struct call *, const char *, ...)
			    __attribute__((__format__(printf, 2, 3)));
static char		*str(const struct lq_value *, size_t *, struct call *);
static struct lq_value	*done(struct buf *, struct call *);
static const struct lq_value *arg(struct call *, size_t);
static struct lq_value	*items(const struct lq_value *, struct call *);
static void		 flatten(struct lq_value *, const struct lq_value *,
			    int);
static void		 to_num(const struct lq_value *, struct num *);
static int		 float_decimal(double, int64_t *, int *);
static struct lq_value	*num_value(double);
static int		 scale(int64_t *, int);
static void		 map_case(struct buf *, const char *, size_t, int);
static size_t		 char_at(const char *, size_t, size_t);
static int		 ruby_space(int);
static void		 awk_words(const char *, size_t, size_t, size_t *,
			    size_t *, size_t *);
static int		 month_at(const char *, const char *);
static int		 parse_time_string(const char *, size_t,
			    struct lq_value **);
static struct lq_value	*to_date(const struct lq_value *);
static struct lq_value	*jekyll_time(const struct lq_value *, struct call *);
static int		 is_cjk(uint32_t);
static int		 cmp_plain(const struct lq_value *,
			    const struct lq_value *, struct call *, int *);
static int		 cmp_property(const struct lq_value *,
			    const struct lq_value *, struct call *, int *);
static void		 strftime_ruby(struct buf *, const char *, size_t,
			    const struct lq_value *, int);
static void		 put_num(struct buf *, long long, int, char, char);
static int		 iso_week(const struct tm *, int *);
static void		 add_escaped_html(struct buf *, const char *, size_t,
			    int);
static void		 absolute_url(struct buf *, const char *,
			    struct call *);
static const struct lq_value *item_property(const struct lq_value *,
			    const char *, size_t, struct lq_value **);
static struct lq_value	*sort_key(const struct lq_value *);
static int		 merge_sort(struct lq_value **, size_t,
			    int (*)(const struct lq_value *,
			    const struct lq_value *, struct call *, int *),
			    struct call *);
static void		 transliterate(struct buf *, const char *, size_t);

static filter_fn f_size, f_case, f_escape, f_escape_once, f_xml_escape,
    f_cgi_escape, f_uri_escape, f_url_decode, f_url, f_date, f_date_string,
    f_date_format, f_default, f_append, f_strip, f_strip_html,
    f_newlines, f_replace, f_split, f_join, f_first, f_slice,
    f_truncate, f_truncatewords, f_math, f_round, f_abs, f_ceil, f_clamp,
    f_slugify, f_jsonify, f_inspect, f_number_of_words, f_where, f_sort,
    f_reverse, f_uniq, f_map, f_compact, f_concat, f_markdownify,
    f_smartify, f_normalize_whitespace, f_sentence, f_strip_index;

/* The filters: name, fewest and most arguments, body, variant. */
static const struct filter {
	const char	*name;
	int		 min;
	int		 max;
	filter_fn	*fn;
	int		 which;
} filters[] = {
	{ "abs", 0, 0, f_abs, 0 },
	{ "absolute_url", 0, 0, f_url, 1 },
	{ "append", 1, 1, f_append, 0 },
	{ "array_to_sentence_string", 0, 1, f_sentence, 0 },
	{ "at_least", 1, 1, f_clamp, 0 },
	{ "at_most", 1, 1, f_clamp, 1 },
	{ "capitalize", 0, 0, f_case, 2 },
	{ "ceil", 0, 0, f_ceil, 0 },
	{ "cgi_escape", 0, 0, f_cgi_escape, 1 },
	{ "compact", 0, 0, f_compact, 0 },
	{ "concat", 1, 1, f_concat, 0 },
	{ "date", 1, 1, f_date, 0 },
	{ "date_to_long_string", 0, 2, f_date_string, 1 },
	{ "date_to_rfc822", 0, 0, f_date_format, 1 },
	{ "date_to_string", 0, 2, f_date_string, 0 },
	{ "date_to_xmlschema", 0, 0, f_date_format, 0 },
	{ "default", 0, 1, f_default, 0 },
	{ "divided_by", 1, 1, f_math, '/' },
	{ "downcase", 0, 0, f_case, 0 },
	{ "escape", 0, 0, f_escape, 0 },
	{ "escape_once", 0, 0, f_escape_once, 0 },
	{ "first", 0, 0, f_first, 0 },
	{ "floor", 0, 0, f_ceil, 1 },
	{ "h", 0, 0, f_escape, 0 },
	{ "inspect", 0, 0, f_inspect, 0 },
	{ "join", 0, 1, f_join, 0 },
	{ "jsonify", 0, 0, f_jsonify, 0 },
	{ "last", 0, 0, f_first, 1 },
	{ "lstrip", 0, 0, f_strip, 1 },
	{ "map", 1, 1, f_map, 0 },
	{ "markdownify", 0, 0, f_markdownify, 0 },
	{ "minus", 1, 1, f_math, '-' },
	{ "modulo", 1, 1, f_math, '%' },
	{ "newline_to_br", 0, 0, f_newlines, 1 },
	{ "normalize_whitespace", 0, 0, f_normalize_whitespace, 0 },
	{ "number_of_words", 0, 1, f_number_of_words, 0 },
	{ "plus", 1, 1, f_math, '+' },
	{ "prepend", 1, 1, f_append, 1 },
	{ "relative_url", 0, 0, f_url, 0 },
	{ "remove", 1, 1, f_replace, 2 },
	{ "remove_first", 1, 1, f_replace, 3 },
	{ "replace", 1, 2, f_replace, 0 },
	{ "replace_first", 1, 2, f_replace, 1 },
	{ "reverse", 0, 0, f_reverse, 0 },
	{ "round", 0, 1, f_round, 0 },
	{ "rstrip", 0, 0, f_strip, 2 },
	{ "size", 0, 0, f_size, 0 },
	{ "slice", 1, 2, f_slice, 0 },
	{ "slugify", 0, 1, f_slugify, 0 },
	{ "smartify", 0, 0, f_smartify, 0 },
	{ "sort", 0, 2, f_sort, 0 },
	{ "split", 1, 1, f_split, 0 },
	{ "strip", 0, 0, f_strip, 0 },
	{ "strip_html", 0, 0, f_strip_html, 0 },
	{ "strip_index", 0, 0, f_strip_index, 0 },
	{ "strip_newlines", 0, 0, f_newlines, 0 },
	{ "times", 1, 1, f_math, '*' },
	{ "truncate", 0, 2, f_truncate, 0 },
	{ "truncatewords", 0, 2, f_truncatewords, 0 },
	{ "uniq", 0, 1, f_uniq, 0 },
	{ "upcase", 0, 0, f_case, 1 },
	{ "uri_escape", 0, 0, f_uri_escape, 0 },
	{ "url_decode", 0, 0, f_url_decode, 0 },
	{ "url_encode", 0, 0, f_cgi_escape, 0 },
	{ "where", 2, 2, f_where, 0 },
	{ "xml_escape", 0, 0, f_xml_escape, 0 },
};
#define NFILTERS	(sizeof filters / sizeof filters[0])

static const char *const day_names[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const month_names[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/* Record a failure; returns NULL for the caller to return. */
static struct lq_value *
fail(struct call *c, const char *fmt, ...)
{
	va_list	 ap;

	if (c->ctx->error == NULL) {
		va_start(ap, fmt);
		if (vasprintf(&c->ctx->error, fmt, ap) == -1)
			c->ctx->error = NULL;
		va_end(ap);
	}
	return (NULL);
}

/* A new string of v's to_s (nil is ""), its length in *len. */
static char *
str(const struct lq_value *v, size_t *len, struct call *c)
{
	char	*s;

	if (v->type == LQ_STRING) {
		*len = v->u.s.len;
		s = xmalloc(v->u.s.len + 1);
		memcpy(s, v->u.s.p, v->u.s.len + 1);
		return (s);
	}
	s = lq_to_s(v, c->ctx->fuel);
	*len = strlen(s);
	return (s);
}

/* Make b the result, unless it is too long. */
static struct lq_value *
done(struct buf *b, struct call *c)
{
	if (b->len > c->ctx->max_len) {
		buf_free(b);
		return (fail(c, "result longer than %zu bytes",
		    c->ctx->max_len));
	}
	if (b->len > *c->ctx->bytes) {
		buf_free(b);
		*c->ctx->bytes = 0;
		return (fail(c, "too much text made"));
	}
	*c->ctx->bytes -= b->len;
	*c->ctx->fuel -= (long)(b->len / 64);
	buf_add(b, "", 0);
	return (lq_string_buf(b));
}

/* Argument i, or nil. */
static const struct lq_value *
arg(struct call *c, size_t i)
{
	return (i < c->n ? c->a[i] : lq_nil());
}

/* Append the elements of v to a, arrays flattened. */
static void
flatten(struct lq_value *a, const struct lq_value *v, int depth)
{
	size_t	 i;

	for (i = 0; i < v->u.a.n; i++) {
		if (v->u.a.v[i]->type == LQ_ARRAY && depth < 64)
			flatten(a, v->u.a.v[i], depth + 1);
		else
			lq_array_push(a, lq_ref(v->u.a.v[i]));
	}
}

/* Liquid's InputIterator as a new array, or NULL for a huge range. */
static struct lq_value *
items(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a = lq_array();
	int64_t		 i;

	switch (in->type) {
	case LQ_ARRAY:
		flatten(a, in, 0);
		break;
	case LQ_NIL:
		break;
	case LQ_RANGE:
		if (in->u.r.last >= in->u.r.first &&
		    (uint64_t)(in->u.r.last - in->u.r.first) >=
		    c->ctx->max_list) {
			lq_unref(a);
			return (fail(c, "range of more than %zu elements",
			    c->ctx->max_list));
		}
		for (i = in->u.r.first; i <= in->u.r.last; i++)
			lq_array_push(a, lq_int(i));
		break;
	default:
		lq_array_push(a, lq_ref(in));
		break;
	}
	*c->ctx->fuel -= (long)a->u.a.n;
	if (a->u.a.n > c->ctx->max_list) {
		lq_unref(a);
		return (fail(c, "list of more than %zu elements",
		    c->ctx->max_list));
	}
	return (a);
}

/* Utils.to_integer: an Integer, or Integer() of the text; -1 if not. */
int
lqfilter_to_integer(const struct lq_value *v, int64_t *out)
{
	char	 buf[64], *end;
	const char *p;
	size_t	 len, i, n = 0;
	long long x;
	int	 base = 10, neg = 0;

	if (v->type == LQ_INT) {
		*out = v->u.i;
		return (0);
	}
	if (v->type != LQ_STRING)
		return (-1);		/* Integer("2.0"), Integer("") fail */
	p = v->u.s.p;
	len = v->u.s.len;
	while (len > 0 && isspace((unsigned char)*p)) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len > 0 && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
		len--;
	}
	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		len -= 2;
	}
	if (len == 0 || len >= sizeof buf)
		return (-1);
	for (i = 0; i < len; i++) {
		if (p[i] == '_' && i > 0 && i + 1 < len && p[i - 1] != '_')
			continue;
		buf[n++] = p[i];
	}
	buf[n] = '\0';
	x = strtoll(buf, &end, base);
	if (*end != '\0' || !isxdigit((unsigned char)buf[0]))
		return (-1);
	*out = neg ? -x : x;
	return (0);
}

/* The shortest decimal m * 10^e that reads back as f. */
static int
float_decimal(double f, int64_t *m, int *e)
{
	char	 tmp[40], *x;
	int	 prec, i;
	int64_t	 v = 0;

	if (!isfinite(f))
		return (0);
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	x = strchr(tmp, 'e');
	for (i = 0; tmp + i < x; i++) {
		if (isdigit((unsigned char)tmp[i]))
			v = v * 10 + (tmp[i] - '0');
	}
	*m = tmp[0] == '-' ? -v : v;
	*e = atoi(x + 1) - prec;
	return (1);
}

/* Utils.to_number. */
static void
to_num(const struct lq_value *v, struct num *n)
{
	const char *p, *end;
	size_t	 len, digits = 0;
	int	 neg;

	memset(n, 0, sizeof *n);
	switch (v->type) {
	case LQ_INT:
		n->i = v->u.i;
		return;
	case LQ_FLOAT:
		n->dec = 1;
		n->f = v->u.f;
		n->exact = float_decimal(v->u.f, &n->m, &n->e);
		return;
	case LQ_STRING:
		break;
	default:
		return;			/* 0 */
	}
	p = v->u.s.p;
	len = v->u.s.len;
	while (len > 0 && ruby_space((unsigned char)*p)) {
		p++;
		len--;
	}
	while (len > 0 && ruby_space((unsigned char)p[len - 1]))
		len--;
	end = p + len;
	neg = len > 0 && *p == '-';
	/* /\A-?\d+\.\d+\z/ makes a BigDecimal, anything else to_i. */
	{
		const char *q = p;
		int	 intd = 0, fracd = 0;

		if (q < end && *q == '-')
			q++;
		while (q < end && isdigit((unsigned char)*q)) {
			q++;
			intd++;
		}
		if (intd > 0 && q < end && *q == '.') {
			for (q++; q < end && isdigit((unsigned char)*q); q++)
				fracd++;
		}
		if (intd == 0 || fracd == 0 || q != end) {
			n->i = lq_ruby_to_i(v->u.s.p, v->u.s.len);
			return;
		}
	}
	n->dec = 1;
	{
		char	*tmp = xstrndup(p, len);

		n->f = strtod(tmp, NULL);
		free(tmp);
	}
	n->exact = 1;
	for (; p < end; p++) {
		if (*p == '.') {
			n->e = -(int)(end - p - 1);
			continue;
		}
		if (!isdigit((unsigned char)*p))
			continue;
		if (++digits > 18) {
			n->exact = 0;
			break;
		}
		n->m = n->m * 10 + (*p - '0');
	}
	if (neg)
		n->m = -n->m;
}

/* A Float result, as BigDecimal#to_f gives it. */
static struct lq_value *
num_value(double f)
{
	return (lq_float(f));
}

/* Multiply *m by 10^k; -1 on overflow. */
static int
scale(int64_t *m, int k)
{
	for (; k > 0; k--) {
		if (__builtin_mul_overflow(*m, 10, m))
			return (-1);
	}
	return (0);
}

/* Whether c is white space to Ruby's strip and split. */
static int
ruby_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

/* Byte offset of character k of s (len bytes), or len. */
static size_t
char_at(const char *s, size_t len, size_t k)
{
	size_t	 i = 0, n;
	uint32_t c;

	while (k > 0 && i < len) {
		if ((n = text_utf8_next(s + i, len - i, &c)) == 0)
			n = 1;
		i += n;
		k--;
	}
	return (i);
}

/* Append s with its case changed: 0 lower, 1 upper, 2 capitalised. */
static void
map_case(struct buf *b, const char *s, size_t len, int how)
{
	size_t	 i = 0, n;
	uint32_t c;
	int	 first = 1;

	while (i < len) {
		if ((n = text_utf8_next(s + i, len - i, &c)) == 0) {
			buf_addc(b, s[i++]);
			first = 0;
			continue;
		}
		i += n;
		if (how == 1 || (how == 2 && first))
			c = text_to_upper(c);
		else
			c = text_to_lower(c);
		text_utf8_put(b, c);
		first = 0;
	}
}

/*
 * Ruby's awk-style split of s (len bytes) into at most limit words (0:
 * no limit): *count words, the first max of them at starts[] and ends[].
 */
static void
awk_words(const char *s, size_t len, size_t limit, size_t *count,
    size_t *starts, size_t *ends)
{
	size_t	 i = 0, n = 0, start;

	for (;;) {
		while (i < len && ruby_space((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		if (limit != 0 && n + 1 == limit)
			i = len;	/* the last field takes the rest */
		else {
			while (i < len && !ruby_space((unsigned char)s[i]))
				i++;
		}
		if (starts != NULL) {
			starts[n] = start;
			ends[n] = i;
		}
		n++;
	}
	*count = n;
}

/* size: characters, elements, keys, 8 for an Integer. */
static struct lq_value *
f_size(const struct lq_value *in, struct call *c)
{
	(void)c;
	switch (in->type) {
	case LQ_STRING:
		return (lq_int((int64_t)lq_utf8_len(in->u.s.p, in->u.s.len)));
	case LQ_ARRAY:
		return (lq_int((int64_t)in->u.a.n));
	case LQ_HASH:
		return (lq_int((int64_t)in->u.h.n));
	case LQ_INT:
		return (lq_int(8));
	case LQ_RANGE:
		return (lq_int(in->u.r.last < in->u.r.first ? 0 :
		    in->u.r.last - in->u.r.first + 1));
	default:
		return (lq_int(0));
	}
}

/* downcase, upcase, capitalize. */
static struct lq_value *
f_case(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s = str(in, &len, c);

	map_case(&b, s, len, c->which);
	free(s);
	return (done(&b, c));
}

/* Append s escaped for HTML: & < > always, quotes as asked. */
static void
add_escaped_html(struct buf *b, const char *s, size_t len, int quotes)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, quotes ? "&quot;" : "\"");
			break;
		case '\'':
			buf_adds(b, quotes == 1 ? "&#39;" : quotes == 2 ?
			    "&apos;" : "'");
			break;
		default:
			buf_addc(b, s[i]);
		}
	}
}

/* escape: CGI.escapeHTML; nil stays nil. */
static struct lq_value *
f_escape(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s;

	if (in->type == LQ_NIL)
		return (lq_nil());
	s = str(in, &len, c);
	add_escaped_html(&b, s, len, 1);
	free(s);
	return (done(&b, c));
}

/* escape_once: like escape, but entities already there stay. */
static struct lq_value *
f_escape_once(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i, j;
	char		*s = str(in, &len, c);

	for (i = 0; i < len; i++) {
		if (s[i] == '&') {
			/* &name; and &#123; are entities already. */
			j = i + 1;
			if (j < len && s[j] == '#') {
				for (j++; j < len && isdigit((unsigned char)s[j]);
				    j++)
					;
				if (j > i + 2 && j < len && s[j] == ';') {
					buf_addc(&b, '&');
					continue;
				}
			} else {
				for (; j < len && isalpha((unsigned char)s[j]);
				    j++)
					;
				if (j > i + 1 && j < len && s[j] == ';') {
					buf_addc(&b, '&');
					continue;
				}
			}
		}
		add_escaped_html(&b, s + i, 1, 1);
	}
	free(s);
	return (done(&b, c));
}

/* xml_escape: & < > " ' as XML attribute text. */
static struct lq_value *
f_xml_escape(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s = str(in, &len, c);

	buf_add(&b, "", 0);
	add_escaped_html(&b, s, len, 2);
	free(s);
	return (done(&b, c));
}

/* url_encode (nil stays nil) and cgi_escape: CGI.escape. */
static struct lq_value *
f_cgi_escape(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i;
	unsigned char	 ch;
	char		*s;

	if (in->type == LQ_NIL) {
		if (c->which == 0)
			return (lq_nil());
		return (fail(c, "cgi_escape of nil"));
	}
	s = str(in, &len, c);
	buf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (isalnum(ch) || ch == '_' || ch == '.' || ch == '-' ||
		    ch == '~')
			buf_addc(&b, (char)ch);
		else if (ch == ' ')
			buf_addc(&b, '+');
		else
			buf_addf(&b, "%%%02X", ch);
	}
	free(s);
	return (done(&b, c));
}

/*
 * uri_escape: Addressable's normalize_component: every %XX decoded, then
 * every byte outside RFC 3986's reserved and unreserved sets encoded.
 */
static struct lq_value *
f_uri_escape(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i;
	unsigned char	 ch;
	char		*s, hex[3] = { 0, 0, 0 };

	if (in->type == LQ_NIL)
		return (lq_nil());
	s = str(in, &len, c);
	buf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			ch = (unsigned char)strtol(hex, NULL, 16);
			i += 2;
		}
		if (isalnum(ch) || strchr("-._~:/?#[]@!$&'()*+,;=", ch) !=
		    NULL)
			buf_addc(&b, (char)ch);
		else
			buf_addf(&b, "%%%02X", ch);
	}
	free(s);
	return (done(&b, c));
}

/* url_decode: CGI.unescape. */
static struct lq_value *
f_url_decode(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i;
	char		*s, hex[3] = { 0, 0, 0 };

	if (in->type == LQ_NIL)
		return (lq_nil());
	s = str(in, &len, c);
	buf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			buf_addc(&b, ' ');
		else if (s[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			buf_addc(&b, (char)strtol(hex, NULL, 16));
			i += 2;
		} else
			buf_addc(&b, s[i]);
	}
	free(s);
	if (text_utf8_check(b.data, b.len) != b.len) {
		buf_free(&b);
		return (fail(c, "invalid byte sequence in UTF-8"));
	}
	return (done(&b, c));
}

/* Jekyll's relative_url. */
void
lqfilter_relative_url(struct buf *b, const char *in, const char *baseurl)
{
	struct buf	 raw = BUF_INIT;
	size_t		 n;

	if (url_has_scheme(in)) {
		buf_adds(b, in);
		return;
	}
	n = strlen(baseurl);
	if (n > 0 && baseurl[n - 1] == '/')
		n--;
	buf_add(&raw, "", 0);
	if (n > 0 && baseurl[0] != '/')
		buf_addc(&raw, '/');
	buf_add(&raw, baseurl, n);
	if (*in != '\0' && *in != '/')
		buf_addc(&raw, '/');
	buf_adds(&raw, in);
	url_normalize(b, raw.data);
	buf_free(&raw);
}

/* absolute_url: site url + relative_url, scheme and host lower-cased. */
static void
absolute_url(struct buf *b, const char *in, struct call *c)
{
	struct buf	 raw = BUF_INIT;
	size_t		 start = b->len, i;
	char		*p;

	if (url_has_scheme(in)) {
		buf_adds(b, in);
		return;
	}
	if (*c->ctx->url == '\0') {
		lqfilter_relative_url(b, in, c->ctx->baseurl);
		return;
	}
	buf_adds(&raw, c->ctx->url);
	lqfilter_relative_url(&raw, in, c->ctx->baseurl);
	url_normalize(b, raw.data);
	buf_free(&raw);
	/* Addressable's normalize lower-cases scheme and host. */
	p = b->data + start;
	if ((p = strstr(p, "://")) != NULL) {
		for (i = 0; p[3 + i] != '\0' && p[3 + i] != '/' &&
		    p[3 + i] != '?' && p[3 + i] != '#'; i++)
			p[3 + i] = (char)tolower((unsigned char)p[3 + i]);
		for (p = b->data + start; *p != ':'; p++)
			*p = (char)tolower((unsigned char)*p);
	}
}

/* relative_url and absolute_url; nil stays nil. */
static struct lq_value *
f_url(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s;

	if (in->type == LQ_NIL)
		return (lq_nil());
	s = str(in, &len, c);
	buf_add(&b, "", 0);
	if (c->which == 0)
		lqfilter_relative_url(&b, s, c->ctx->baseurl);
	else
		absolute_url(&b, s, c);
	free(s);
	return (done(&b, c));
}

/* The month (1-12) whose name's first three letters start p, or -1. */
static int
month_at(const char *p, const char *end)
{
	int	 k;

	for (k = 0; k < 12; k++) {
		if (end - p >= 3 && strncasecmp(p, month_names[k], 3) == 0)
			return (k + 1);
	}
	return (-1);
}

/*
 * A subset of Ruby's Time.parse: "2024-01-02", "2024/01/02",
 * "Jan 2, 2024", "2 January 2024", "Thu, 04 Jul 2024", each optionally
 * followed by a time (H:MM[:SS[.frac]][ am|pm]) and a zone (Z, UTC, GMT,
 * +HH[:]MM).  Without a zone the time is local.  Returns 1 and sets *out.
 */
static int
parse_time_string(const char *s, size_t len, struct lq_value **out)
{
	const char *p = s, *end = s + len, *w;
	int	 y = -1, mo = -1, d = -1, h = 0, mi = 0, sec = 0, i, n;
	int	 sign = 0, oh = 0, om = 0, utc = 0;
	struct tm tm;
	time_t	 t;

#define SKIP_SPACE()	while (p < end && isspace((unsigned char)*p)) p++
#define READ_NUM(v, max) do {						\
	for ((v) = 0, n = 0; p < end && isdigit((unsigned char)*p) &&	\
	    n < (max); n++)						\
		(v) = (v) * 10 + (*p++ - '0');				\
} while (0)
#define MONTH_AT(q)	month_at((q), end)

	SKIP_SPACE();
	/* A leading day name: "Thu, " or "Thursday ". */
	for (i = 0; i < 7; i++) {
		if ((size_t)(end - p) >= 3 &&
		    strncasecmp(p, day_names[i], 3) == 0) {
			while (p < end && isalpha((unsigned char)*p))
				p++;
			if (p < end && *p == ',')
				p++;
			SKIP_SPACE();
			break;
		}
	}
	if (p < end && isdigit((unsigned char)*p)) {
		w = p;
		READ_NUM(i, 4);
		if (n == 4 && p < end && (*p == '-' || *p == '/')) {
			char	 sep = *p++;

			y = i;
			READ_NUM(mo, 2);
			if (n == 0 || p >= end || *p++ != sep)
				return (0);
			READ_NUM(d, 2);
			if (n == 0)
				return (0);
		} else if (n <= 2) {
			/* "2 January 2024" */
			d = i;
			SKIP_SPACE();
			if ((mo = MONTH_AT(p)) < 0)
				return (0);
			while (p < end && (isalpha((unsigned char)*p) ||
			    *p == '.'))
				p++;
			SKIP_SPACE();
			READ_NUM(y, 4);
			if (n != 4)
				return (0);
		} else {
			(void)w;
			return (0);
		}
	} else if ((mo = MONTH_AT(p)) > 0) {
		/* "January 2, 2024" */
		while (p < end && (isalpha((unsigned char)*p) || *p == '.'))
			p++;
		SKIP_SPACE();
		READ_NUM(d, 2);
		if (n == 0)
			return (0);
		if (p < end && *p == ',')
			p++;
		SKIP_SPACE();
		READ_NUM(y, 4);
		if (n != 4)
			return (0);
	} else
		return (0);
	if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31))
		return (0);
	if (p < end && (*p == 'T' || *p == 't'))
		p++;
	SKIP_SPACE();
	if (p < end && isdigit((unsigned char)*p)) {
		READ_NUM(h, 2);
		if (p >= end || *p++ != ':')
			return (0);
		READ_NUM(mi, 2);
		if (n != 2)
			return (0);
		if (p < end && *p == ':') {
			p++;
			READ_NUM(sec, 2);
			if (n != 2)
				return (0);
			if (p < end && *p == '.')
				for (p++; p < end &&
				    isdigit((unsigned char)*p); p++)
					;
		}
		SKIP_SPACE();
		if ((size_t)(end - p) >= 2 && (strncasecmp(p, "am", 2) == 0 ||
		    strncasecmp(p, "pm", 2) == 0)) {
			if (h > 12)
				return (0);
			h = h % 12 + (tolower((unsigned char)*p) == 'p' ? 12 :
			    0);
			p += 2;
			SKIP_SPACE();
		}
		if (h > 23 || mi > 59 || sec > 60)
			return (0);
	}
	if (p < end && (*p == 'Z' || *p == 'z') && p + 1 == end) {
		utc = 1;
		p++;
	} else if ((size_t)(end - p) >= 3 && (strncasecmp(p, "UTC", 3) ==
	    0 || strncasecmp(p, "GMT", 3) == 0)) {
		utc = 1;
		p += 3;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		READ_NUM(oh, 2);
		if (n == 0)
			return (0);
		if (p < end && *p == ':')
			p++;
		READ_NUM(om, 2);
		if (oh > 23 || om > 59)
			return (0);
	}
	SKIP_SPACE();
	if (p != end)
		return (0);
#undef SKIP_SPACE
#undef READ_NUM
#undef MONTH_AT
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (utc || sign != 0) {
		t = timegm(&tm) - sign * (oh * 3600 + om * 60);
		*out = lq_time_zoned((int64_t)t, utc ? LQ_ZONE_UTC :
		    LQ_ZONE_FIXED, sign * (oh * 3600 + om * 60));
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
		*out = lq_time((int64_t)t);
	}
	return (1);
}

/* Utils.to_date: a new time value, or NULL when in is no date. */
static struct lq_value *
to_date(const struct lq_value *in)
{
	struct lq_value	*v;
	size_t		 i;

	if (in->type == LQ_TIME)
		return (lq_ref(in));
	if (in->type == LQ_INT)
		return (lq_time(in->u.i));
	if (in->type != LQ_STRING || in->u.s.len == 0)
		return (NULL);
	if (strcasecmp(in->u.s.p, "now") == 0 ||
	    strcasecmp(in->u.s.p, "today") == 0)
		return (lq_time((int64_t)time(NULL)));
	for (i = 0; i < in->u.s.len && isdigit((unsigned char)in->u.s.p[i]);
	    i++)
		;
	if (i == in->u.s.len && i < 19)
		return (lq_time(lq_ruby_to_i(in->u.s.p, in->u.s.len)));
	if (parse_time_string(in->u.s.p, in->u.s.len, &v))
		return (v);
	return (NULL);
}

/* Append number v padded to width with pad (flag '-' means none). */
static void
put_num(struct buf *b, long long v, int width, char pad, char flag)
{
	if (flag == '-')
		width = 0;
	else if (flag == '_')
		pad = ' ';
	else if (flag == '0')
		pad = '0';
	if (pad == '0')
		buf_addf(b, "%0*lld", width, v);
	else
		buf_addf(b, "%*lld", width, v);
}

/* ISO 8601 week number of tm; *year gets the week's year. */
static int
iso_week(const struct tm *tm, int *year)
{
	int	 y = tm->tm_year + 1900, wd = (tm->tm_wday + 6) % 7 + 1;
	int	 w = (tm->tm_yday + 1 - wd + 10) / 7, weeks;

#define P(y)	(((y) + (y) / 4 - (y) / 100 + (y) / 400) % 7)
#define WEEKS(y) (52 + (P(y) == 4 || P((y) - 1) == 3))
	if (w < 1) {
		y--;
		w = WEEKS(y);
	} else if (w > (weeks = WEEKS(y))) {
		y++;
		w = 1;
	}
#undef P
#undef WEEKS
	*year = y;
	return (w);
}

/*
 * Ruby's Time#strftime for time value t: flags - _ 0 ^ #, a width, and
 * the conversions Jekyll sites use; an unknown one is copied as is.
 * force_local shows the time in the local zone.
 */
static void
strftime_ruby(struct buf *b, const char *fmt, size_t len,
    const struct lq_value *t, int force_local)
{
	struct lq_value	*lt = NULL;
	struct tm	 tm;
	const char	*p = fmt, *end = fmt + len, *spec, *s;
	struct buf	 tmp = BUF_INIT;
	long		 off;
	char		 flag;
	int		 width, colons, upper, swap, wy;

	if (force_local && t->u.t.zone != LQ_ZONE_LOCAL)
		t = lt = lq_time(t->u.t.t);
	lq_time_tm(t, &tm, &off);
	while (p < end) {
		if (*p != '%' || p + 1 >= end) {
			buf_addc(b, *p++);
			continue;
		}
		spec = p++;
		flag = '\0';
		upper = swap = colons = 0;
		width = -1;
		while (p < end && strchr("-_0^#", *p) != NULL) {
			if (*p == '^')
				upper = 1;
			else if (*p == '#')
				swap = 1;
			else
				flag = *p;
			p++;
		}
		if (p < end && isdigit((unsigned char)*p))
			for (width = 0; p < end && isdigit((unsigned char)*p);
			    p++)
				width = width * 10 + (*p - '0');
		while (p < end && *p == ':') {
			colons++;
			p++;
		}
		if (p >= end) {
			buf_add(b, spec, (size_t)(p - spec));
			break;
		}
		s = NULL;
		buf_reset(&tmp);
		switch (*p) {
		case 'Y':
			put_num(&tmp, tm.tm_year + 1900L, width < 0 ? 4 : width,
			    '0', flag);
			break;
		case 'C':
			put_num(&tmp, (tm.tm_year + 1900L) / 100,
			    width < 0 ? 2 : width, '0', flag);
			break;
		case 'y':
			put_num(&tmp, (tm.tm_year + 1900L) % 100,
			    width < 0 ? 2 : width, '0', flag);
			break;
		case 'm':
			put_num(&tmp, tm.tm_mon + 1, width < 0 ? 2 : width,
			    '0', flag);
			break;
		case 'd':
			put_num(&tmp, tm.tm_mday, width < 0 ? 2 : width, '0',
			    flag);
			break;
		case 'e':
			put_num(&tmp, tm.tm_mday, width < 0 ? 2 : width, ' ',
			    flag);
			break;
		case 'j':
			put_num(&tmp, tm.tm_yday + 1, width < 0 ? 3 : width,
			    '0', flag);
			break;
		case 'H':
			put_num(&tmp, tm.tm_hour, width < 0 ? 2 : width, '0',
			    flag);
			break;
		case 'k':
			put_num(&tmp, tm.tm_hour, width < 0 ? 2 : width, ' ',
			    flag);
			break;
		case 'I':
		case 'l':
			put_num(&tmp, tm.tm_hour % 12 == 0 ? 12 :
			    tm.tm_hour % 12, width < 0 ? 2 : width,
			    *p == 'I' ? '0' : ' ', flag);
			break;
		case 'M':
			put_num(&tmp, tm.tm_min, width < 0 ? 2 : width, '0',
			    flag);
			break;
		case 'S':
			put_num(&tmp, tm.tm_sec, width < 0 ? 2 : width, '0',
			    flag);
			break;
		case 'L':
		case 'N':
			/* Whole seconds: the fraction is all zeros. */
			width = width <= 0 ? (*p == 'L' ? 3 : 9) : width;
			while (width-- > 0)
				buf_addc(&tmp, '0');
			break;
		case 's':
			put_num(&tmp, (long long)t->u.t.t, width < 0 ? 1 :
			    width, '0', flag);
			break;
		case 'u':
			put_num(&tmp, tm.tm_wday == 0 ? 7 : tm.tm_wday,
			    width < 0 ? 1 : width, '0', flag);
			break;
		case 'w':
			put_num(&tmp, tm.tm_wday, width < 0 ? 1 : width, '0',
			    flag);
			break;
		case 'U':
			put_num(&tmp, (tm.tm_yday + 7 - tm.tm_wday) / 7,
			    width < 0 ? 2 : width, '0', flag);
			break;
		case 'W':
			put_num(&tmp, (tm.tm_yday + 7 - (tm.tm_wday + 6) % 7) /
			    7, width < 0 ? 2 : width, '0', flag);
			break;
		case 'V':
			put_num(&tmp, iso_week(&tm, &wy), width < 0 ? 2 : width,
			    '0', flag);
			break;
		case 'G':
			iso_week(&tm, &wy);
			put_num(&tmp, wy, width < 0 ? 4 : width, '0', flag);
			break;
		case 'g':
			iso_week(&tm, &wy);
			put_num(&tmp, wy % 100, width < 0 ? 2 : width, '0',
			    flag);
			break;
		case 'a':
			buf_add(&tmp, day_names[tm.tm_wday], 3);
			swap = swap ? 'U' : 0;
			break;
		case 'A':
			buf_adds(&tmp, day_names[tm.tm_wday]);
			swap = swap ? 'U' : 0;
			break;
		case 'b':
		case 'h':
			buf_add(&tmp, month_names[tm.tm_mon], 3);
			swap = swap ? 'U' : 0;
			break;
		case 'B':
			buf_adds(&tmp, month_names[tm.tm_mon]);
			swap = swap ? 'U' : 0;
			break;
		case 'p':
			buf_adds(&tmp, tm.tm_hour < 12 ? "AM" : "PM");
			swap = swap ? 'L' : 0;
			break;
		case 'P':
			buf_adds(&tmp, tm.tm_hour < 12 ? "am" : "pm");
			break;
		case 'Z':
			if (t->u.t.zone == LQ_ZONE_UTC)
				buf_adds(&tmp, "UTC");
			else if (t->u.t.zone == LQ_ZONE_LOCAL &&
			    tm.tm_zone != NULL)
				buf_adds(&tmp, tm.tm_zone);
			swap = swap ? 'L' : 0;
			break;
		case 'z':
			buf_addf(&tmp, "%c%02ld", off < 0 ? '-' : '+',
			    labs(off) / 3600);
			if (colons > 0)
				buf_addc(&tmp, ':');
			buf_addf(&tmp, "%02ld", labs(off) % 3600 / 60);
			if (colons > 1)
				buf_addf(&tmp, ":%02ld", labs(off) % 60);
			break;
		case 'c':
			s = "%a %b %e %H:%M:%S %Y";
			break;
		case 'D':
		case 'x':
			s = "%m/%d/%y";
			break;
		case 'F':
			s = "%Y-%m-%d";
			break;
		case 'T':
		case 'X':
			s = "%H:%M:%S";
			break;
		case 'R':
			s = "%H:%M";
			break;
		case 'r':
			s = "%I:%M:%S %p";
			break;
		case 'n':
			buf_addc(&tmp, '\n');
			break;
		case 't':
			buf_addc(&tmp, '\t');
			break;
		case '%':
			buf_addc(&tmp, '%');
			break;
		default:
			buf_add(b, spec, (size_t)(p + 1 - spec));
			p++;
			continue;
		}
		if (s != NULL)
			strftime_ruby(&tmp, s, strlen(s), t, 0);
		if (tmp.len > 0) {
			size_t	 i;

			for (i = 0; i < tmp.len; i++) {
				if (upper || swap == 'U')
					tmp.data[i] = (char)toupper(
					    (unsigned char)tmp.data[i]);
				else if (swap == 'L')
					tmp.data[i] = (char)tolower(
					    (unsigned char)tmp.data[i]);
			}
			/* Text conversions pad to a width with spaces. */
			if (width > 0 && (size_t)width > tmp.len &&
			    strchr("aAbBhpPZcxXDFTRr", *p) != NULL)
				buf_addf(b, "%*s", (int)(width - tmp.len), "");
			buf_add(b, tmp.data, tmp.len);
		}
		p++;
	}
	buf_free(&tmp);
	lq_unref(lt);
}

/* date: strftime of anything Utils.to_date reads; else the input. */
static struct lq_value *
f_date(const struct lq_value *in, struct call *c)
{
	struct lq_value	*t;
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*fmt = str(arg(c, 0), &len, c);

	if (len == 0 || (t = to_date(in)) == NULL) {
		free(fmt);
		return (lq_ref(in));
	}
	buf_add(&b, "", 0);
	strftime_ruby(&b, fmt, len, t, 0);
	lq_unref(t);
	free(fmt);
	return (done(&b, c));
}

/* Jekyll's time(): the date in local time, or NULL with an error. */
static struct lq_value *
jekyll_time(const struct lq_value *in, struct call *c)
{
	struct lq_value	*t;
	char		*s;

	if ((t = to_date(in)) == NULL) {
		s = lq_to_s(in, c->ctx->fuel);
		fail(c, "invalid date '%s'", s);
		free(s);
	}
	return (t);
}

/* Whether a value prints as "" (Jekyll then returns it unchanged). */
#define EMPTY_TEXT(v)	((v)->type == LQ_NIL || ((v)->type == LQ_STRING && \
			    (v)->u.s.len == 0))

/*
 * date_to_string and date_to_long_string: "04 Jul 2024", or with
 * "ordinal" "4th Jul 2024", and with "US" too "Jul 4th, 2024".
 */
static struct lq_value *
f_date_string(const struct lq_value *in, struct call *c)
{
	struct lq_value	*t;
	struct buf	 b = BUF_INIT, fmt = BUF_INIT;
	const char	*month = c->which ? "%B" : "%b", *sfx;
	const struct lq_value *type = arg(c, 0), *style = arg(c, 1);
	struct tm	 tm;
	long		 off;
	int		 day;

	if (EMPTY_TEXT(in))
		return (lq_ref(in));
	if ((t = jekyll_time(in, c)) == NULL)
		return (NULL);
	if (type->type == LQ_STRING && strcmp(type->u.s.p, "ordinal") == 0) {
		struct lq_value	*lt = lq_time(t->u.t.t);

		lq_time_tm(lt, &tm, &off);
		lq_unref(lt);
		day = tm.tm_mday;
		sfx = day >= 11 && day <= 13 ? "th" : day % 10 == 1 ? "st" :
		    day % 10 == 2 ? "nd" : day % 10 == 3 ? "rd" : "th";
		if (style->type == LQ_STRING && strcmp(style->u.s.p, "US") == 0)
			buf_addf(&fmt, "%s %d%s, %%Y", month, day, sfx);
		else
			buf_addf(&fmt, "%d%s %s %%Y", day, sfx, month);
	} else
		buf_addf(&fmt, "%%d %s %%Y", month);
	buf_add(&b, "", 0);
	strftime_ruby(&b, fmt.data, fmt.len, t, 1);
	buf_free(&fmt);
	lq_unref(t);
	return (done(&b, c));
}

/* date_to_xmlschema and date_to_rfc822, in local time. */
static struct lq_value *
f_date_format(const struct lq_value *in, struct call *c)
{
	static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S%:z",
	    "%a, %d %b %Y %H:%M:%S %z" };
	struct lq_value	*t;
	struct buf	 b = BUF_INIT;

	if (EMPTY_TEXT(in))
		return (lq_ref(in));
	if ((t = jekyll_time(in, c)) == NULL)
		return (NULL);
	buf_add(&b, "", 0);
	strftime_ruby(&b, fmts[c->which], strlen(fmts[c->which]), t, 1);
	lq_unref(t);
	return (done(&b, c));
}

/* default: the argument for nil, false (unless allow_false) or empty. */
static struct lq_value *
f_default(const struct lq_value *in, struct call *c)
{
	int	 use;

	if (c->allow_false != NULL && lq_truthy(c->allow_false))
		use = in->type == LQ_NIL;
	else
		use = !lq_truthy(in);
	if ((in->type == LQ_STRING && in->u.s.len == 0) ||
	    (in->type == LQ_ARRAY && in->u.a.n == 0) ||
	    (in->type == LQ_HASH && in->u.h.n == 0))
		use = 1;
	if (!use)
		return (lq_ref(in));
	return (c->n > 0 ? lq_ref(c->a[0]) : lq_string(""));
}

/* append and prepend. */
static struct lq_value *
f_append(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 l1, l2;
	char		*s1 = str(in, &l1, c), *s2 = str(arg(c, 0), &l2, c);

	if (l1 + l2 > c->ctx->max_len) {
		/* Fail before copying: a doubling loop would copy a lot. */
		free(s1);
		free(s2);
		return (fail(c, "result longer than %zu bytes",
		    c->ctx->max_len));
	}
	buf_add(&b, "", 0);
	if (c->which == 0) {
		buf_add(&b, s1, l1);
		buf_add(&b, s2, l2);
	} else {
		buf_add(&b, s2, l2);
		buf_add(&b, s1, l1);
	}
	free(s1);
	free(s2);
	return (done(&b, c));
}

/* strip, lstrip, rstrip (ASCII white space, and NUL at the end). */
static struct lq_value *
f_strip(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i = 0;
	char		*s = str(in, &len, c);

	if (c->which != 2)
		while (i < len && ruby_space((unsigned char)s[i]))
			i++;
	if (c->which != 1)
		while (len > i && (ruby_space((unsigned char)s[len - 1]) ||
		    s[len - 1] == '\0'))
			len--;
	buf_add(&b, s + i, len - i);
	free(s);
	return (done(&b, c));
}

/*
 * strip_html: Liquid's regexps, <script.*?</script>, <!--.*?--> and
 * <style.*?</style> first, then every <.*?>.
 */
static struct lq_value *
f_strip_html(const struct lq_value *in, struct call *c)
{
	static const char *const blocks[][2] = { { "<script", "</script>" },
	    { "<!--", "-->" }, { "<style", "</style>" } };
	struct buf	 pass = BUF_INIT, b = BUF_INIT;
	size_t		 len, i, k, n;
	const char	*close = NULL;
	char		*s = str(in, &len, c);

	buf_add(&pass, "", 0);
	for (i = 0; i < len; i++) {
		for (k = 0; s[i] == '<' && k < 3; k++) {
			n = strlen(blocks[k][0]);
			if (len - i < n || memcmp(s + i, blocks[k][0], n) != 0)
				continue;
			close = memmem(s + i + n, len - i - n, blocks[k][1],
			    strlen(blocks[k][1]));
			if (close != NULL)
				break;
		}
		if (s[i] == '<' && k < 3) {
			i = (size_t)(close - s) + strlen(blocks[k][1]) - 1;
			continue;
		}
		buf_addc(&pass, s[i]);
	}
	buf_add(&b, "", 0);
	for (i = 0; i < pass.len; i++) {
		if (pass.data[i] == '<' && (close = memchr(pass.data + i, '>',
		    pass.len - i)) != NULL) {
			i = (size_t)(close - pass.data);
			continue;
		}
		buf_addc(&b, pass.data[i]);
	}
	buf_free(&pass);
	free(s);
	return (done(&b, c));
}

/* strip_newlines (drop \r?\n) and newline_to_br (\r?\n to <br />\n). */
static struct lq_value *
f_newlines(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, i;
	char		*s = str(in, &len, c);

	buf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n') {
			if (c->which == 1)
				buf_adds(&b, "<br />\n");
			continue;
		}
		buf_addc(&b, s[i]);
	}
	free(s);
	return (done(&b, c));
}

/* replace, replace_first, remove, remove_first (literal text). */
static struct lq_value *
f_replace(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, plen, rlen = 0, i = 0, n;
	char		*s = str(in, &len, c), *pat = str(arg(c, 0), &plen, c);
	char		*rep = c->which < 2 ? str(arg(c, 1), &rlen, c) :
			    xstrdup("");
	const char	*at;
	int		 once = c->which & 1;
	uint32_t	 cp;

	buf_add(&b, "", 0);
	if (plen == 0) {
		/* An empty pattern matches before every character. */
		for (;;) {
			buf_add(&b, rep, rlen);
			if (once || i >= len)
				break;
			if ((n = text_utf8_next(s + i, len - i, &cp)) == 0)
				n = 1;
			buf_add(&b, s + i, n);
			i += n;
			if (b.len > c->ctx->max_len)
				break;
		}
		buf_add(&b, s + i, len - i);
	} else {
		while ((at = memmem(s + i, len - i, pat, plen)) != NULL) {
			buf_add(&b, s + i, (size_t)(at - s) - i);
			buf_add(&b, rep, rlen);
			i = (size_t)(at - s) + plen;
			if (once || b.len > c->ctx->max_len)
				break;
		}
		buf_add(&b, s + i, len - i);
	}
	free(s);
	free(pat);
	free(rep);
	return (done(&b, c));
}

/*
 * split: Ruby's String#split with a string: " " splits on runs of white
 * space, "" into characters; trailing empty fields are dropped.
 */
static struct lq_value *
f_split(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a = lq_array();
	size_t		 len, plen, i = 0, n, last;
	char		*s = str(in, &len, c), *pat = str(arg(c, 0), &plen, c);
	const char	*at;
	uint32_t	 cp;

	if (plen == 1 && pat[0] == ' ') {
		for (;;) {
			while (i < len && ruby_space((unsigned char)s[i]))
				i++;
			if (i >= len)
				break;
			for (n = i; n < len && !ruby_space((unsigned char)s[n]);
			    n++)
				;
			lq_array_push(a, lq_stringn(s + i, n - i));
			i = n;
			if (a->u.a.n > c->ctx->max_list)
				break;
		}
	} else if (plen == 0) {
		while (i < len) {
			if ((n = text_utf8_next(s + i, len - i, &cp)) == 0)
				n = 1;
			lq_array_push(a, lq_stringn(s + i, n));
			i += n;
			if (a->u.a.n > c->ctx->max_list)
				break;
		}
	} else if (len > 0) {
		while ((at = memmem(s + i, len - i, pat, plen)) != NULL) {
			lq_array_push(a, lq_stringn(s + i, (size_t)(at - s) - i));
			i = (size_t)(at - s) + plen;
			if (a->u.a.n > c->ctx->max_list)
				break;
		}
		lq_array_push(a, lq_stringn(s + i, len - i));
		for (last = a->u.a.n; last > 0 &&
		    a->u.a.v[last - 1]->u.s.len == 0; last--) {
			lq_unref(a->u.a.v[last - 1]);
			a->u.a.n--;
		}
	}
	free(s);
	free(pat);
	*c->ctx->fuel -= (long)a->u.a.n;
	if (a->u.a.n > c->ctx->max_list) {
		lq_unref(a);
		return (fail(c, "list of more than %zu elements",
		    c->ctx->max_list));
	}
	return (a);
}

/* join: to_s of every element, arrays flattened; glue " " by default. */
static struct lq_value *
f_join(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a;
	struct buf	 b = BUF_INIT;
	size_t		 glen = 1, i;
	char		*glue = c->n > 0 ? str(c->a[0], &glen, c) :
			    xstrdup(" ");

	if ((a = items(in, c)) == NULL) {
		free(glue);
		return (NULL);
	}
	buf_add(&b, "", 0);
	for (i = 0; i < a->u.a.n && b.len <= c->ctx->max_len; i++) {
		if (i > 0)
			buf_add(&b, glue, glen);
		lq_print(&b, a->u.a.v[i], LQ_PRINT_TO_S, c->ctx->fuel);
	}
	lq_unref(a);
	free(glue);
	return (done(&b, c));
}

/* first and last of an array, range or hash (a [key, value] pair). */
static struct lq_value *
f_first(const struct lq_value *in, struct call *c)
{
	struct lq_value	*pair;
	const struct lq_entry *e;

	switch (in->type) {
	case LQ_ARRAY:
		if (in->u.a.n == 0)
			return (lq_nil());
		return (lq_ref(in->u.a.v[c->which ? in->u.a.n - 1 : 0]));
	case LQ_RANGE:
		return (lq_int(c->which ? in->u.r.last : in->u.r.first));
	case LQ_HASH:
		if (c->which || in->u.h.n == 0)
			return (lq_nil());	/* Hash has no last */
		e = &in->u.h.e[0];
		pair = lq_array();
		lq_array_push(pair, lq_stringn(e->key, e->keylen));
		lq_array_push(pair, lq_ref(e->value));
		return (pair);
	default:
		return (lq_nil());
	}
}

/* slice(offset, length = 1) of a string (characters) or an array. */
static struct lq_value *
f_slice(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a;
	int64_t		 off, n = 1, size;
	size_t		 len, i, from, to;
	char		*s;

	if (lqfilter_to_integer(arg(c, 0), &off) == -1 ||
	    (c->n > 1 && lqfilter_to_integer(c->a[1], &n) == -1))
		return (fail(c, "invalid integer"));
	if (in->type == LQ_ARRAY) {
		a = lq_array();
		size = (int64_t)in->u.a.n;
		if (off < 0)
			off += size;
		if (off < 0 || off > size || n < 0)
			return (a);
		for (i = (size_t)off; i < in->u.a.n && (int64_t)i < off + n; i++)
			lq_array_push(a, lq_ref(in->u.a.v[i]));
		return (a);
	}
	s = str(in, &len, c);
	size = (int64_t)lq_utf8_len(s, len);
	if (off < 0)
		off += size;
	if (off < 0 || off > size || n < 0) {
		free(s);
		return (lq_string(""));
	}
	from = char_at(s, len, (size_t)off);
	to = n > size - off ? len : from + char_at(s + from, len - from,
	    (size_t)n);
	a = lq_stringn(s + from, to - from);
	free(s);
	return (a);
}

/* truncate(length = 50, ellipsis = "..."), counted in characters. */
static struct lq_value *
f_truncate(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	int64_t		 max = 50, keep;
	size_t		 len, elen = 3, chars;
	char		*s, *ell;

	if (in->type == LQ_NIL)
		return (lq_nil());
	if (c->n > 0 && lqfilter_to_integer(c->a[0], &max) == -1)
		return (fail(c, "invalid integer"));
	s = str(in, &len, c);
	ell = c->n > 1 ? str(c->a[1], &elen, c) : xstrdup("...");
	chars = lq_utf8_len(s, len);
	if ((int64_t)chars <= max) {
		free(ell);
		buf_add(&b, s, len);
		free(s);
		return (done(&b, c));
	}
	keep = max - (int64_t)lq_utf8_len(ell, elen);
	if (keep < 0)
		keep = 0;
	buf_add(&b, s, char_at(s, len, (size_t)keep));
	buf_add(&b, ell, elen);
	free(s);
	free(ell);
	return (done(&b, c));
}

/* truncatewords(words = 15, ellipsis = "..."). */
static struct lq_value *
f_truncatewords(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	int64_t		 words = 15;
	size_t		 len, elen = 3, count, i, *st, *en;
	char		*s, *ell;

	if (in->type == LQ_NIL)
		return (lq_nil());
	if (c->n > 0 && lqfilter_to_integer(c->a[0], &words) == -1)
		return (fail(c, "invalid integer"));
	if (words <= 0)
		words = 1;
	s = str(in, &len, c);
	if ((uint64_t)words >= len + 1) {
		/* More words asked for than the text can hold. */
		buf_add(&b, s, len);
		free(s);
		return (done(&b, c));
	}
	st = xcalloc((size_t)words + 1, sizeof *st);
	en = xcalloc((size_t)words + 1, sizeof *en);
	awk_words(s, len, (size_t)words + 1, &count, st, en);
	if (count <= (size_t)words)
		buf_add(&b, s, len);
	else {
		ell = c->n > 1 ? str(c->a[1], &elen, c) : xstrdup("...");
		for (i = 0; i < (size_t)words; i++) {
			if (i > 0)
				buf_addc(&b, ' ');
			buf_add(&b, s + st[i], en[i] - st[i]);
		}
		buf_add(&b, ell, elen);
		free(ell);
	}
	free(st);
	free(en);
	free(s);
	return (done(&b, c));
}

/* plus, minus, times, divided_by, modulo. */
static struct lq_value *
f_math(const struct lq_value *in, struct call *c)
{
	struct num	 x, y;
	int64_t		 r = 0, m1, m2;
	int		 e;
	char		 tmp[64];
	double		 f;

	to_num(in, &x);
	to_num(arg(c, 0), &y);
	if (!x.dec && !y.dec) {
		switch (c->which) {
		case '+':
			if (!__builtin_add_overflow(x.i, y.i, &r))
				return (lq_int(r));
			return (num_value((double)x.i + (double)y.i));
		case '-':
			if (!__builtin_sub_overflow(x.i, y.i, &r))
				return (lq_int(r));
			return (num_value((double)x.i - (double)y.i));
		case '*':
			if (!__builtin_mul_overflow(x.i, y.i, &r))
				return (lq_int(r));
			return (num_value((double)x.i * (double)y.i));
		case '/':
		case '%':
			if (y.i == 0)
				return (fail(c, "divided by 0"));
			if (x.i == INT64_MIN && y.i == -1)
				return (c->which == '/' ?
				    num_value(-(double)INT64_MIN) : lq_int(0));
			r = c->which == '/' ? x.i / y.i : x.i % y.i;
			/* Ruby rounds towards minus infinity. */
			if (c->which == '/' && (x.i % y.i != 0) &&
			    ((x.i < 0) != (y.i < 0)))
				r--;
			if (c->which == '%' && r != 0 && ((r < 0) != (y.i < 0)))
				r += y.i;
			return (lq_int(r));
		}
	}
	/* BigDecimal: exact on the decimal digits where they fit. */
	if (!x.dec) {
		x.f = (double)x.i;
		x.m = x.i;
		x.e = 0;
		x.exact = 1;
	}
	if (!y.dec) {
		y.f = (double)y.i;
		y.m = y.i;
		y.e = 0;
		y.exact = 1;
	}
	if (c->which == '/')
		return (num_value(x.f / y.f));
	if (c->which == '%' && y.f == 0)
		return (fail(c, "divided by 0"));
	if (x.exact && y.exact) {
		m1 = x.m;
		m2 = y.m;
		e = x.e < y.e ? x.e : y.e;
		if (c->which == '*') {
			if (!__builtin_mul_overflow(m1, m2, &r)) {
				snprintf(tmp, sizeof tmp, "%lldE%d",
				    (long long)r, x.e + y.e);
				return (num_value(strtod(tmp, NULL)));
			}
		} else if (x.e - e < 40 && y.e - e < 40 &&
		    scale(&m1, x.e - e) == 0 && scale(&m2, y.e - e) == 0) {
			if (c->which == '+' &&
			    __builtin_add_overflow(m1, m2, &r))
				goto inexact;
			if (c->which == '-' &&
			    __builtin_sub_overflow(m1, m2, &r))
				goto inexact;
			if (c->which == '%') {
				r = m1 % m2;
				if (r != 0 && ((r < 0) != (m2 < 0)))
					r += m2;
			}
			snprintf(tmp, sizeof tmp, "%lldE%d", (long long)r, e);
			return (num_value(strtod(tmp, NULL)));
		}
	}
inexact:
	switch (c->which) {
	case '+':
		return (num_value(x.f + y.f));
	case '-':
		return (num_value(x.f - y.f));
	case '*':
		return (num_value(x.f * y.f));
	default:
		f = fmod(x.f, y.f);
		if (f != 0 && ((f < 0) != (y.f < 0)))
			f += y.f;
		return (num_value(f));
	}
}

/* round(digits = 0): half away from zero, on the decimal digits. */
static struct lq_value *
f_round(const struct lq_value *in, struct call *c)
{
	struct num	 x, d;
	int64_t		 m, div = 1, q, rem;
	int		 k;
	char		 tmp[64];
	double		 f, p;

	to_num(in, &x);
	d.i = 0;
	if (c->n > 0)
		to_num(c->a[0], &d);
	if (d.dec)
		d.i = (int64_t)d.f;
	if (!x.dec) {
		if (d.i >= 0)
			return (lq_int(x.i));
		for (k = 0; k < -d.i && k < 18; k++)
			div *= 10;
		q = x.i / div;
		rem = x.i % div;
		if (llabs(rem) * 2 >= div)
			q += x.i < 0 ? -1 : 1;
		return (lq_int(q * div));
	}
	if (!isfinite(x.f))
		return (fail(c, "cannot round %s", isnan(x.f) ? "NaN" :
		    "Infinity"));
	if (x.exact && d.i > -18 && d.i < 18 && x.e < -d.i &&
	    -d.i - x.e <= 18) {
		for (k = 0; k < -d.i - x.e; k++)
			div *= 10;
		m = x.m;
		q = m / div;
		rem = m % div;
		if (llabs(rem) >= div - llabs(rem))
			q += m < 0 ? -1 : 1;
		snprintf(tmp, sizeof tmp, "%lldE%lld", (long long)q,
		    (long long)-d.i);
		f = strtod(tmp, NULL);
	} else if (x.exact && x.e >= -d.i)
		f = x.f;
	else {
		p = pow(10, (double)d.i);
		f = round(x.f * p) / p;
	}
	if (d.i == 0)
		return (lq_int((int64_t)f));
	return (num_value(f));
}

/* abs. */
static struct lq_value *
f_abs(const struct lq_value *in, struct call *c)
{
	struct num	 x;

	(void)c;
	to_num(in, &x);
	if (!x.dec)
		return (lq_int(x.i < 0 && x.i != INT64_MIN ? -x.i : x.i));
	return (num_value(fabs(x.f)));
}

/* ceil and floor, as integers. */
static struct lq_value *
f_ceil(const struct lq_value *in, struct call *c)
{
	struct num	 x;
	double		 f;

	to_num(in, &x);
	if (!x.dec)
		return (lq_int(x.i));
	if (!isfinite(x.f))
		return (fail(c, "cannot convert %g to an integer", x.f));
	f = c->which ? floor(x.f) : ceil(x.f);
	if (f >= 9.2e18 || f <= -9.2e18)
		return (num_value(f));
	return (lq_int((int64_t)f));
}

/* at_least and at_most. */
static struct lq_value *
f_clamp(const struct lq_value *in, struct call *c)
{
	struct num	 x, y, *r;
	double		 a, b;
	int		 pick;

	to_num(in, &x);
	to_num(arg(c, 0), &y);
	a = x.dec ? x.f : (double)x.i;
	b = y.dec ? y.f : (double)y.i;
	/* at_least: n if n > input; at_most: n if n < input. */
	if (!x.dec && !y.dec)
		pick = c->which == 0 ? y.i > x.i : y.i < x.i;
	else
		pick = c->which == 0 ? b > a : b < a;
	r = pick ? &y : &x;
	return (r->dec ? num_value(r->f) : lq_int(r->i));
}

/* Latin letters without their accents (I18n.transliterate); else "?". */
static void
transliterate(struct buf *b, const char *s, size_t len)
{
	/* U+00C0..U+00FF, two characters each ("A " is "A"). */
	static const char latin1[] =
	    "A A A A A A AEC E E E E I I I I D N O O O O O x O U U U U Y Thss"
	    "a a a a a a aec e e e e i i i i d n o o o o o ? o u u u u y thy ";
	/* U+0100..U+017F; '?' marks the ones spelt out below. */
	static const char exta[] =
	    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLl"
	    "LlLlNnNnNn???OoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
	size_t	 i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((n = text_utf8_next(s + i, len - i, &cp)) == 0) {
			buf_addc(b, '?');
			i++;
			continue;
		}
		i += n;
		if (cp < 0x80)
			buf_addc(b, (char)cp);
		else if (cp >= 0xc0 && cp <= 0xff) {
			buf_addc(b, latin1[(cp - 0xc0) * 2]);
			if (latin1[(cp - 0xc0) * 2 + 1] != ' ')
				buf_addc(b, latin1[(cp - 0xc0) * 2 + 1]);
		} else if (cp >= 0x100 && cp <= 0x17f) {
			switch (cp) {
			case 0x132:
				buf_adds(b, "IJ");
				break;
			case 0x133:
				buf_adds(b, "ij");
				break;
			case 0x149:
				buf_adds(b, "'n");
				break;
			case 0x14a:
				buf_adds(b, "NG");
				break;
			case 0x14b:
				buf_adds(b, "ng");
				break;
			case 0x152:
				buf_adds(b, "OE");
				break;
			case 0x153:
				buf_adds(b, "oe");
				break;
			default:
				buf_addc(b, exta[cp - 0x100]);
			}
		} else
			buf_addc(b, '?');
	}
}

/* slugify(mode): Jekyll's Utils.slugify. */
static struct lq_value *
f_slugify(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT, t = BUF_INIT;
	const struct lq_value *m = arg(c, 0);
	const char	*mode = m->type == LQ_STRING ? m->u.s.p : "default";
	size_t		 len, i, start;
	char		*s, *slug;
	int		 gap = 0;

	if (in->type == LQ_NIL)
		return (lq_nil());
	if (m->type == LQ_NIL)
		mode = "default";
	s = str(in, &len, c);
	if (strcmp(mode, "default") == 0 || strcmp(mode, "pretty") == 0 ||
	    strcmp(mode, "latin") == 0) {
		if (strcmp(mode, "latin") == 0) {
			transliterate(&t, s, len);
			buf_add(&t, "", 0);
			free(s);
			s = buf_take(&t);
		}
		slug = url_slugify(s, strcmp(mode, "pretty") == 0 ?
		    SLUG_PRETTY : SLUG_DEFAULT, 0);
		buf_adds(&b, slug);
		free(slug);
	} else if (strcmp(mode, "raw") == 0 || strcmp(mode, "ascii") == 0) {
		int	 ascii = mode[0] == 'a';

		buf_add(&t, "", 0);
		for (i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ascii ? !isalnum(ch) || ch >= 0x80 : ruby_space(ch)) {
				gap = 1;
				continue;
			}
			if (gap)
				buf_addc(&t, '-');
			gap = 0;
			buf_addc(&t, (char)ch);
		}
		if (gap)
			buf_addc(&t, '-');
		start = t.len > 0 && t.data[0] == '-';
		if (t.len > start && t.data[t.len - 1] == '-')
			t.len--;
		map_case(&b, t.data + start, t.len - start, 0);
		buf_free(&t);
	} else
		map_case(&b, s, len, 0);
	free(s);
	buf_add(&b, "", 0);
	return (done(&b, c));
}

/* jsonify. */
static struct lq_value *
f_jsonify(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;

	buf_add(&b, "", 0);
	if (lq_print(&b, in, LQ_PRINT_JSON, c->ctx->fuel) == -1) {
		buf_free(&b);
		return (fail(c, "value not allowed in JSON (NaN, Infinity "
		    "or invalid UTF-8)"));
	}
	return (done(&b, c));
}

/* inspect: Ruby's inspect, XML-escaped. */
static struct lq_value *
f_inspect(const struct lq_value *in, struct call *c)
{
	struct buf	 t = BUF_INIT, b = BUF_INIT;

	buf_add(&t, "", 0);
	lq_print(&t, in, LQ_PRINT_INSPECT, c->ctx->fuel);
	buf_add(&b, "", 0);
	add_escaped_html(&b, t.data, t.len, 2);
	buf_free(&t);
	return (done(&b, c));
}

/* Whether cp is Han, Hiragana, Katakana or Hangul. */
static int
is_cjk(uint32_t cp)
{
	return ((cp >= 0x2e80 && cp <= 0x2fdf) || cp == 0x3005 ||
	    cp == 0x3007 || (cp >= 0x3021 && cp <= 0x3029) ||
	    (cp >= 0x3038 && cp <= 0x303b) || (cp >= 0x3041 && cp <= 0x309f) ||
	    (cp >= 0x30a1 && cp <= 0x30ff) || (cp >= 0x3131 && cp <= 0x318e) ||
	    (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa960 && cp <= 0xa97f) ||
	    (cp >= 0xac00 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff66 && cp <= 0xffdc) || (cp >= 0x1100 && cp <= 0x11ff) ||
	    (cp >= 0x20000 && cp <= 0x3134f));
}

/* number_of_words(mode): words split on white space; "cjk", "auto". */
static struct lq_value *
f_number_of_words(const struct lq_value *in, struct call *c)
{
	const struct lq_value *m = arg(c, 0);
	size_t		 len, i = 0, n, words = 0, cjk = 0, other = 0;
	int		 inword = 0;
	uint32_t	 cp;
	char		*s = str(in, &len, c);

	awk_words(s, len, 0, &words, NULL, NULL);
	if (m->type == LQ_STRING && (strcmp(m->u.s.p, "cjk") == 0 ||
	    strcmp(m->u.s.p, "auto") == 0)) {
		/* CJK characters count one each; other runs of non-space
		 * characters one each. */
		while (i < len) {
			if ((n = text_utf8_next(s + i, len - i, &cp)) == 0) {
				n = 1;
				cp = 0xfffd;
			}
			i += n;
			if (is_cjk(cp)) {
				cjk++;
				inword = 0;
			} else if (cp < 0x80 && ruby_space((int)cp))
				inword = 0;
			else if (!inword) {
				other++;
				inword = 1;
			}
		}
		if (m->u.s.p[0] == 'c' || cjk > 0)
			words = cjk + other;
	}
	free(s);
	return (lq_int((int64_t)words));
}

/*
 * Jekyll's item_property: item[property] (a dotted property walks down
 * hashes), numbers in text read as numbers (for sorting).  Returns a
 * borrowed value or, when it had to make one, a value in *made.
 */
static const struct lq_value *
item_property(const struct lq_value *item, const char *prop, size_t plen,
    struct lq_value **made)
{
	const struct lq_value *v = item;
	const char	*p = prop, *end = prop + plen, *dot;

	*made = NULL;
	if (memchr(prop, '.', plen) == NULL)
		v = lq_hash_get(item, prop, plen);
	else {
		while (v != NULL && p <= end) {
			if ((dot = memchr(p, '.', (size_t)(end - p))) == NULL)
				dot = end;
			v = lq_hash_get(v, p, (size_t)(dot - p));
			p = dot + 1;
		}
	}
	if (v == NULL)
		return (lq_nil());
	*made = sort_key(v);
	return (*made != NULL ? *made : v);
}

/*
 * parse_sort_input: text that looks like an integer or a float becomes
 * one (a new value), else NULL.
 */
static struct lq_value *
sort_key(const struct lq_value *v)
{
	const char	*p, *end;
	int		 digits = 0, dot = 0, after = 0;

	if (v->type != LQ_STRING)
		return (NULL);
	p = v->u.s.p;
	end = p + v->u.s.len;
	while (p < end && ruby_space((unsigned char)*p))
		p++;
	while (end > p && ruby_space((unsigned char)end[-1]))
		end--;
	if (p < end && *p == '-')
		p++;
	for (; p < end; p++) {
		if (isdigit((unsigned char)*p)) {
			digits++;
			after += dot;
		} else if (*p == '.' && !dot)
			dot = 1;
		else
			return (NULL);
	}
	if (digits == 0 || (dot && digits == after && after == 0))
		return (NULL);
	if (!dot)
		return (lq_int(lq_ruby_to_i(v->u.s.p, v->u.s.len)));
	return (lq_float(strtod(v->u.s.p, NULL)));
}

/* where(property, value): Jekyll's, values compared as text. */
static struct lq_value *
f_where(const struct lq_value *in, struct call *c)
{
	const struct lq_value *prop = c->a[0], *want = c->a[1], *p, *src;
	struct lq_value	*out, *made, *list;
	size_t		 i, j, plen, tlen, n;
	char		*pname, *target, *s;
	int		 match;

	if (prop->type == LQ_NIL || want->type == LQ_ARRAY ||
	    want->type == LQ_HASH)
		return (lq_ref(in));
	if (in->type != LQ_ARRAY && in->type != LQ_HASH)
		return (lq_ref(in));
	pname = str(prop, &plen, c);
	target = want->type == LQ_NIL ? NULL : str(want, &tlen, c);
	out = lq_array();
	n = in->type == LQ_ARRAY ? in->u.a.n : in->u.h.n;
	for (i = 0; i < n && *c->ctx->fuel >= 0; i++) {
		src = in->type == LQ_ARRAY ? in->u.a.v[i] : in->u.h.e[i].value;
		p = item_property(src, pname, plen, &made);
		--*c->ctx->fuel;
		if (target == NULL)
			match = p->type == LQ_NIL;
		else if (p->type == LQ_STRING)
			match = p->u.s.len == tlen &&
			    memcmp(p->u.s.p, target, tlen) == 0;
		else {
			/* Array(property): any element's to_s. */
			match = 0;
			list = NULL;
			if (p->type != LQ_ARRAY) {
				list = lq_array();
				if (p->type != LQ_NIL)
					lq_array_push(list, lq_ref(p));
				p = list;
			}
			for (j = 0; j < p->u.a.n && !match; j++) {
				s = lq_to_s(p->u.a.v[j], c->ctx->fuel);
				match = strcmp(s, target) == 0;
				free(s);
			}
			lq_unref(list);
		}
		lq_unref(made);
		if (match)
			lq_array_push(out, lq_ref(src));
	}
	free(pname);
	free(target);
	return (out);
}

/* Stable merge sort with a comparison that may fail. */
static int
merge_sort(struct lq_value **v, size_t n,
    int (*cmp)(const struct lq_value *, const struct lq_value *,
    struct call *, int *), struct call *c)
{
	struct lq_value	**tmp;
	size_t		 width, i, l, r, lend, rend, k;
	int		 d;

	if (n < 2)
		return (0);
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			l = i;
			lend = rend = i + width < n ? i + width : n;
			r = lend;
			rend = i + 2 * width < n ? i + 2 * width : n;
			for (k = i; k < rend; k++) {
				if (l < lend && r < rend) {
					if (--*c->ctx->fuel < 0 ||
					    cmp(v[l], v[r], c, &d) == -1) {
						free(tmp);
						return (-1);
					}
					tmp[k] = d <= 0 ? v[l++] : v[r++];
				} else
					tmp[k] = l < lend ? v[l++] : v[r++];
			}
		}
		memcpy(v, tmp, n * sizeof *v);
	}
	free(tmp);
	return (0);
}

/* <=> of two elements of a plain sort; -1 if they do not compare. */
static int
cmp_plain(const struct lq_value *a, const struct lq_value *b,
    struct call *c, int *d)
{
	size_t	 i;

	if (a->type == LQ_ARRAY && b->type == LQ_ARRAY) {
		/* Array#<=>: element by element, then length. */
		for (i = 0; i < a->u.a.n && i < b->u.a.n; i++) {
			if (cmp_plain(a->u.a.v[i], b->u.a.v[i], c, d) == -1)
				return (-1);
			if (*d != 0)
				return (0);
		}
		*d = (a->u.a.n > b->u.a.n) - (a->u.a.n < b->u.a.n);
		return (0);
	}
	if (lq_compare(a, b, d) == 0)
		return (0);
	fail(c, "comparison of %s with %s failed", lq_type_name(a),
	    lq_type_name(b));
	return (-1);
}

/*
 * <=> of two [key, element] pairs of a sort by property: nils first or
 * last (c->which), else <=>, else their to_s.
 */
static int
cmp_property(const struct lq_value *a, const struct lq_value *b,
    struct call *c, int *d)
{
	const struct lq_value *x = a->u.a.v[0], *y = b->u.a.v[0];
	char	*s1, *s2;

	if (x->type != LQ_NIL && y->type == LQ_NIL)
		*d = -c->which;
	else if (x->type == LQ_NIL && y->type != LQ_NIL)
		*d = c->which;
	else if (lq_compare(x, y, d) == -1) {
		if (x->type == LQ_NIL || lq_equal(x, y, c->ctx->fuel))
			*d = 0;
		else {
			s1 = lq_to_s(x, c->ctx->fuel);
			s2 = lq_to_s(y, c->ctx->fuel);
			*d = strcmp(s1, s2);
			*d = (*d > 0) - (*d < 0);
			free(s1);
			free(s2);
		}
	}
	return (0);
}

/* sort(property = nil, nils = "first"): Jekyll's sort. */
static struct lq_value *
f_sort(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a, *pair, *made;
	const struct lq_value *key, *nils = arg(c, 1);
	size_t		 i, plen;
	char		*pname;
	int		 rc;

	if (in->type == LQ_NIL)
		return (fail(c, "cannot sort a null object"));
	if (in->type != LQ_ARRAY && in->type != LQ_HASH &&
	    in->type != LQ_RANGE)
		return (fail(c, "cannot sort a %s", lq_type_name(in)));
	if (c->n < 1 || c->a[0]->type == LQ_NIL) {
		if (in->type == LQ_ARRAY) {
			a = lq_array();
			for (i = 0; i < in->u.a.n; i++)
				lq_array_push(a, lq_ref(in->u.a.v[i]));
		} else if (in->type == LQ_HASH) {
			a = lq_array();
			for (i = 0; i < in->u.h.n; i++) {
				pair = lq_array();
				lq_array_push(pair, lq_stringn(in->u.h.e[i].key,
				    in->u.h.e[i].keylen));
				lq_array_push(pair, lq_ref(in->u.h.e[i].value));
				lq_array_push(a, pair);
			}
		} else if ((a = items(in, c)) == NULL)
			return (NULL);
		if (merge_sort(a->u.a.v, a->u.a.n, cmp_plain, c) == -1) {
			lq_unref(a);
			return (c->ctx->error != NULL ? NULL :
			    fail(c, "sort too expensive"));
		}
		return (a);
	}
	if (nils->type != LQ_NIL && (nils->type != LQ_STRING ||
	    (strcmp(nils->u.s.p, "first") != 0 &&
	    strcmp(nils->u.s.p, "last") != 0)))
		return (fail(c, "invalid nils order: it must be 'first' or "
		    "'last'"));
	c->which = nils->type == LQ_STRING && nils->u.s.p[0] == 'l' ? 1 : -1;
	if (in->type != LQ_ARRAY)
		return (fail(c, "cannot sort a %s by a property",
		    lq_type_name(in)));
	pname = str(c->a[0], &plen, c);
	a = lq_array();
	for (i = 0; i < in->u.a.n; i++) {
		key = item_property(in->u.a.v[i], pname, plen, &made);
		pair = lq_array();
		lq_array_push(pair, made != NULL ? made : lq_ref(key));
		lq_array_push(pair, lq_ref(in->u.a.v[i]));
		lq_array_push(a, pair);
	}
	free(pname);
	rc = merge_sort(a->u.a.v, a->u.a.n, cmp_property, c);
	for (i = 0; i < a->u.a.n; i++) {
		pair = a->u.a.v[i];
		a->u.a.v[i] = lq_ref(pair->u.a.v[1]);
		lq_unref(pair);
	}
	if (rc == -1) {
		lq_unref(a);
		return (fail(c, "sort too expensive"));
	}
	return (a);
}

/* reverse. */
static struct lq_value *
f_reverse(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a, *tmp;
	size_t		 i, n;

	if ((a = items(in, c)) == NULL)
		return (NULL);
	for (i = 0, n = a->u.a.n; i < n / 2; i++) {
		tmp = a->u.a.v[i];
		a->u.a.v[i] = a->u.a.v[n - 1 - i];
		a->u.a.v[n - 1 - i] = tmp;
	}
	return (a);
}

/* uniq(property = nil): first of each group of eql? elements. */
static struct lq_value *
f_uniq(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a, *out, *keys;
	const struct lq_value *k;
	size_t		 i, j, plen = 0;
	char		*pname = NULL;
	int		 seen;

	if ((a = items(in, c)) == NULL)
		return (NULL);
	if (c->n > 0 && c->a[0]->type != LQ_NIL)
		pname = str(c->a[0], &plen, c);
	out = lq_array();
	keys = lq_array();
	for (i = 0; i < a->u.a.n && *c->ctx->fuel >= 0; i++) {
		k = a->u.a.v[i];
		if (pname != NULL && (k = lq_hash_get(k, pname, plen)) == NULL)
			k = lq_nil();
		for (seen = 0, j = 0; j < keys->u.a.n && !seen; j++)
			seen = lq_eql(keys->u.a.v[j], k, c->ctx->fuel);
		if (seen)
			continue;
		lq_array_push(keys, lq_ref(k));
		lq_array_push(out, lq_ref(a->u.a.v[i]));
	}
	free(pname);
	lq_unref(keys);
	lq_unref(a);
	return (out);
}

/* map(property): item[property]; a string answers with the text if it
 * holds it (Ruby's String#[]). */
static struct lq_value *
f_map(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a, *out;
	const struct lq_value *e, *v;
	size_t		 i, plen;
	char		*pname;

	if ((a = items(in, c)) == NULL)
		return (NULL);
	pname = str(c->a[0], &plen, c);
	out = lq_array();
	for (i = 0; i < a->u.a.n; i++) {
		e = a->u.a.v[i];
		if (strcmp(pname, "to_liquid") == 0)
			lq_array_push(out, lq_ref(e));
		else if (e->type == LQ_HASH) {
			v = lq_hash_get(e, pname, plen);
			lq_array_push(out, v != NULL ? lq_ref(v) : lq_nil());
		} else if (e->type == LQ_STRING && memmem(e->u.s.p, e->u.s.len,
		    pname, plen) != NULL)
			lq_array_push(out, lq_stringn(pname, plen));
		else
			lq_array_push(out, lq_nil());
	}
	free(pname);
	lq_unref(a);
	return (out);
}

/* compact(property = nil): without nils. */
static struct lq_value *
f_compact(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a, *out;
	size_t		 i;

	if ((a = items(in, c)) == NULL)
		return (NULL);
	out = lq_array();
	for (i = 0; i < a->u.a.n; i++) {
		if (a->u.a.v[i]->type != LQ_NIL)
			lq_array_push(out, lq_ref(a->u.a.v[i]));
	}
	lq_unref(a);
	return (out);
}

/* concat(array). */
static struct lq_value *
f_concat(const struct lq_value *in, struct call *c)
{
	struct lq_value	*a;
	size_t		 i;

	if (c->a[0]->type != LQ_ARRAY)
		return (fail(c, "concat filter requires an array argument"));
	if ((a = items(in, c)) == NULL)
		return (NULL);
	if (a->u.a.n + c->a[0]->u.a.n > c->ctx->max_list) {
		lq_unref(a);
		return (fail(c, "list of more than %zu elements",
		    c->ctx->max_list));
	}
	for (i = 0; i < c->a[0]->u.a.n; i++)
		lq_array_push(a, lq_ref(c->a[0]->u.a.v[i]));
	*c->ctx->fuel -= (long)a->u.a.n;
	return (a);
}

/* md4c's output callback. */
/* markdownify: Markdown to HTML as kramdown writes it (markdown.h). */
static struct lq_value *
f_markdownify(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s = str(in, &len, c), *smart;

	buf_add(&b, "", 0);
	if (markdown_html(s, len, &b) != 0) {
		buf_reset(&b);
		buf_add(&b, s, len);
	}
	free(s);
	smart = smarty_html(b.data);
	buf_reset(&b);
	buf_adds(&b, smart);
	free(smart);
	return (done(&b, c));
}

/* smartify: kramdown's typography (smarty.h). */
static struct lq_value *
f_smartify(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s = str(in, &len, c), *smart;

	smart = smarty_text(s);
	buf_adds(&b, smart);
	free(smart);
	free(s);
	return (done(&b, c));
}

/* normalize_whitespace: runs of white space to one space, trimmed. */
static struct lq_value *
f_normalize_whitespace(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len, count, i, *st, *en;
	char		*s = str(in, &len, c);

	awk_words(s, len, 0, &count, NULL, NULL);
	st = xcalloc(count + 1, sizeof *st);
	en = xcalloc(count + 1, sizeof *en);
	awk_words(s, len, 0, &count, st, en);
	buf_add(&b, "", 0);
	for (i = 0; i < count; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_add(&b, s + st[i], en[i] - st[i]);
	}
	free(st);
	free(en);
	free(s);
	return (done(&b, c));
}

/* array_to_sentence_string(connector = "and"): "a, b, and c". */
static struct lq_value *
f_sentence(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 i, n, clen = 3;
	char		*conn = c->n > 0 ? str(c->a[0], &clen, c) :
			    xstrdup("and");

	if (in->type != LQ_ARRAY) {
		free(conn);
		return (fail(c, "array_to_sentence_string of a %s",
		    lq_type_name(in)));
	}
	n = in->u.a.n;
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (i > 0 && n > 2)
			buf_adds(&b, ", ");
		else if (i > 0)
			buf_addc(&b, ' ');
		if (i > 0 && i == n - 1) {
			buf_add(&b, conn, clen);
			buf_addc(&b, ' ');
		}
		lq_print(&b, in->u.a.v[i], LQ_PRINT_TO_S, c->ctx->fuel);
	}
	free(conn);
	return (done(&b, c));
}

/* strip_index: "/a/index.html" to "/a/". */
static struct lq_value *
f_strip_index(const struct lq_value *in, struct call *c)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s;

	if (in->type == LQ_NIL)
		return (lq_nil());
	s = str(in, &len, c);
	if (len == 0) {
		free(s);
		return (lq_nil());
	}
	buf_add(&b, s, len);
	if (len >= 11 && strcmp(s + len - 11, "/index.html") == 0)
		b.len = len - 10;
	else if (len >= 10 && strcmp(s + len - 10, "/index.htm") == 0)
		b.len = len - 9;
	b.data[b.len] = '\0';
	free(s);
	return (done(&b, c));
}

/* Look a filter up by name. */
int
lqfilter_find(const char *name, size_t len)
{
	size_t	 lo = 0, hi = NFILTERS, mid;
	int	 d;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		d = strncmp(name, filters[mid].name, len);
		if (d == 0 && filters[mid].name[len] != '\0')
			d = -1;
		if (d == 0)
			return ((int)mid);
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (-1);
}

/* Whether a filter takes this many arguments. */
int
lqfilter_arity_ok(int f, size_t nargs)
{
	return ((int)nargs >= filters[f].min && (int)nargs <= filters[f].max);
}

/* A filter's name. */
const char *
lqfilter_name(int f)
{
	return (filters[f].name);
}

/* Apply a filter. */
struct lq_value *
lqfilter_apply(int f, const struct lq_value *in, struct lq_value *const *a,
    size_t n, const struct lq_value *allow_false, struct lqf_ctx *ctx)
{
	struct call	 c;

	c.ctx = ctx;
	c.a = a;
	c.n = n;
	c.allow_false = allow_false;
	c.which = filters[f].which;
	return (filters[f].fn(in, &c));
}
