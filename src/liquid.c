/*
 * Liquid templates: a template is cut into text, {{ output }} and
 * {% tag %} tokens, parsed into a tree (nodes from a per-template arena),
 * then rendered against a stack of scopes over site and page.
 *
 * Parsing follows Liquid 5.4's strict parser, with Liquid's whitespace
 * rules (the "-" trims, and the blank bodies of if, unless, case and for
 * losing their white space).  Errors never abort: the bad token or tag
 * is dropped and reported, and parsing goes on.  Rendering errors (Ruby
 * would raise and Jekyll stop) drop the output of the node that failed.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "liquid.h"
#include "lqfilter.h"
#include "lqvalue.h"
#include "xmalloc.h"

/* Brackets and parentheses nested in one expression. */
#define EXPR_MAX_DEPTH		50
/* Bodies nested while rendering, includes counted. */
#define RENDER_MAX_DEPTH	200
/* Markup quoted in a message: at most 60 bytes ("%.*s%s"). */
#define SHORT(s, n)	(int)((n) > 60 ? 60 : (n)), (s), (n) > 60 ? "..." : ""
/* Unknown tag names remembered, so that their end tags go quietly. */
#define MAX_UNKNOWN		32

/* Memory for one template's tree, freed at once. */
struct chunk {
	struct chunk	*next;
	size_t		 used;
	size_t		 size;
	max_align_t	 data[];
};

/* What an expression is. */
enum expr_kind {
	X_LIT,		/* a literal value */
	X_VAR,		/* name, then lookups */
	X_RANGE,	/* (lo..hi) */
	X_EMPTY,	/* "empty" in a condition: calls empty? */
	X_BLANK,	/* "blank" in a condition: calls blank? */
};

struct expr;

/* One .id or [expr] after a variable name. */
struct lookup {
	const char	*id;		/* .id, or NULL for [key] */
	size_t		 idlen;
	struct expr	*key;
	int		 command;	/* .size, .first or .last */
};

struct expr {
	enum expr_kind	 kind;
	struct lq_value	*lit;
	const char	*id;		/* X_VAR: the name, or NULL */
	size_t		 idlen;
	struct expr	*name;		/* X_VAR: [expr] as the name */
	struct lookup	*look;
	size_t		 nlook;
	struct expr	*lo;		/* X_RANGE */
	struct expr	*hi;
};

/* One filter of an output. */
struct fcall {
	int		 fn;
	struct expr	**args;
	size_t		 nargs;
	struct expr	*allow_false;
};

/* An expression and its filters. */
struct chain {
	struct expr	*e;		/* NULL for {{ }} */
	struct fcall	*f;
	size_t		 nf;
};

/* Comparison operators. */
enum cmp_op {
	OP_NONE,
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_GT,
	OP_LE,
	OP_GE,
	OP_CONTAINS,
};

/* One comparison and how it joins the next (0, 'a'nd, 'o'r). */
struct cond {
	struct expr	*l;
	enum cmp_op	 op;
	struct expr	*r;
	int		 join;
};

struct node;

struct body {
	struct node	*first;
	struct node	*last;
	int		 blank;		/* only white space and silent tags */
};

/* A branch of if/unless (cond), case (whens) or an else (neither). */
struct branch {
	struct cond	*c;
	size_t		 nc;
	struct expr	**whens;
	size_t		 nwhens;
	int		 is_else;
	struct body	 body;
	struct branch	*next;
};

/* One key=value of an include. */
struct param {
	const char	*key;
	size_t		 keylen;
	struct lq_value	*lit;		/* a quoted value */
	struct expr	*var;		/* or a variable */
};

enum node_kind {
	N_TEXT,
	N_RAW,
	N_OUTPUT,
	N_IF,
	N_CASE,
	N_FOR,
	N_BREAK,
	N_CONTINUE,
	N_ASSIGN,
	N_CAPTURE,
	N_HIGHLIGHT,
	N_POST_URL,
	N_LINK,
	N_INCLUDE,
	N_NOP,
};

struct node {
	enum node_kind	 kind;
	int		 line;
	int		 reported;	/* a render error was reported */
	int		 blank;
	struct node	*next;
	union {
		struct {
			const char	*p;
			size_t		 len;
		} text;
		struct chain	*out;
		struct {
			struct branch	*branches;
			int		 unless;
		} ifs;
		struct {
			struct expr	*subject;
			struct branch	*branches;
		} cas;
		struct {
			const char	*var;
			size_t		 varlen;
			const char	*name;		/* forloop.name */
			size_t		 namelen;
			struct expr	*coll;
			struct expr	*limit;
			struct expr	*offset;
			int		 reversed;
			struct body	 body;
			struct body	 els;
		} loop;
		struct {
			const char	*var;
			size_t		 varlen;
			struct chain	*val;
			struct body	 body;		/* capture */
		} set;
		struct {
			char		*lang;
			int		 linenos;
			struct body	 body;
		} hl;
		struct {
			char		*name;
			struct body	 body;		/* link: its markup */
		} url;
		struct {
			int		 relative;
			char		*file;		/* or, with {{ }}: */
			struct body	 tmpl;
			struct param	*params;
			size_t		 nparams;
		} inc;
	} u;
};

/* A parsed template. */
struct tmpl {
	struct chunk	*chunks;
	struct lq_value	**lits;		/* literals to release */
	size_t		 nlits;
	size_t		 litcap;
	struct body	 body;
	char		*src;		/* an include's text (owned) */
};

/* A parsed include, kept for the render. */
struct incl {
	char		*name;
	int		 relative;
	struct tmpl	*t;		/* NULL if it could not be read */
	struct incl	*next;
};

/* Verbatim blocks kept aside. */
struct liquid_stash {
	char		 prefix[24];	/* "LQ" + 16 hex digits, or "" */
	char		**blocks;
	size_t		 n;
	size_t		 cap;
};

/* State of one liquid_render. */
struct render {
	const struct liquid_env *env;
	struct buf	*diag;
	int		 ndiag;
	int		 suppressed;
	int		 first_line;
	size_t		 max_output;
	long		 fuel;
	size_t		 bytes;		/* text it may still make */
	size_t		 nodes;		/* parsed so far */
	int		 truncated;	/* the node limit cut a template */
	long		 iterations;
	int		 depth;
	int		 interrupt;	/* 0, N_BREAK or N_CONTINUE */
	int		 stop;		/* a limit was hit: render no more */
	int		 err;		/* the current node failed */
	struct buf	 errmsg;
	int		 limits_reported;
	int		 line;		/* of the node being rendered */
	struct lq_value	**scopes;	/* [0] is the template's own */
	size_t		 nscopes;
	size_t		 scopecap;
	struct lq_value	**loops;	/* forloop of each running loop */
	size_t		 nloops;
	size_t		 loopcap;
	struct incl	*incls;
	size_t		 incl_bytes;
	int		 incl_depth;
	int		 top_line;	/* line of the outermost include tag */
	struct buf	 where;		/* "in _includes/a.html..." */
	int		 stash_ok;	/* the stash prefix is not in src */
};

/* The template text being cut into tokens. */
struct scanner {
	const char	*p;
	const char	*end;
	int		 line;
};

enum tok_kind {
	TK_EOF,
	TK_TEXT,
	TK_OUTPUT,
	TK_TAG,
	TK_BAD,
};

struct token {
	enum tok_kind	 kind;
	const char	*p;		/* the whole token */
	size_t		 len;
	const char	*markup;	/* inside the delimiters */
	size_t		 mlen;
	const char	*name;		/* TK_TAG */
	size_t		 nlen;
	int		 trim_l;
	int		 trim_r;
	int		 line;
	const char	*why;		/* TK_BAD */
};

struct parser {
	struct render	*r;
	struct tmpl	*t;
	struct scanner	 sc;
	struct token	 tok;
	int		 pending;	/* tok is to be read again */
	int		 depth;
	int		 trim;		/* strip the next text's white space */
	const char	*open[LIQUID_MAX_DEPTH + 1];
	int		 nopen;
	struct {
		const char	*p;
		size_t		 len;
	}		 unknown[MAX_UNKNOWN];
	int		 nunknown;
};

/* Tokens of tag markup. */
enum lx_kind {
	L_END,
	L_ID,
	L_STR,
	L_NUM,
	L_CMP,
	L_DOTDOT,
	L_DOT,
	L_PIPE,
	L_COLON,
	L_COMMA,
	L_LBRACK,
	L_RBRACK,
	L_LPAREN,
	L_RPAREN,
	L_BAD,
};

struct lexer {
	const char	*p;
	const char	*end;
	enum lx_kind	 kind;
	const char	*tp;
	size_t		 tlen;
	int		 depth;
	const char	*err;		/* first syntax error */
};

/* The shape of a tag's parser. */
typedef struct node *tag_fn(struct parser *, const struct token *);

static void	*arena_alloc(struct tmpl *, size_t);
static char	*arena_strndup(struct tmpl *, const char *, size_t);
static struct lq_value *keep(struct tmpl *, struct lq_value *);
static void	 tmpl_free(struct tmpl *);
static void	 diag(struct render *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static void	 fail(struct render *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	 is_word(int);
static int	 is_space(int);
static int	 span_is(const char *, size_t, const char *);
static void	 scan(struct scanner *, struct token *);
static void	 lex(struct lexer *);
static int	 lx_id(const struct lexer *, const char *);
static struct expr *lx_fail(struct lexer *, const char *);
static struct expr *parse_expr(struct parser *, struct lexer *, int);
static struct chain *parse_chain(struct parser *, const char *, size_t,
		    int);
static int	 parse_cond(struct parser *, const char *, size_t,
		    struct cond **, size_t *);
static void	 next(struct parser *);
static const struct tag *find_tag(const char *, size_t);
static size_t	 var_name(const char *, size_t);
static void	 parse_markup(struct parser *, const char *, size_t, int,
		    struct body *);
static void	 add_node(struct body *, struct node *);
static struct node *new_node(struct parser *, enum node_kind, int);
static void	 whitespace(struct parser *, struct body *);
static void	 parse_body(struct parser *, struct body *);
static int	 parse_until(struct parser *, struct body *, const char *,
		    int, const char *const *);
static void	 foreign_tag(struct parser *);
static void	 skip_block(struct parser *);
static void	 strip_blank(struct body *);
static void	 parse_template(struct render *, struct tmpl *, const char *,
		    size_t, int);
static tag_fn	 tag_if, tag_case, tag_for, tag_assign, tag_capture,
		    tag_comment, tag_raw, tag_highlight, tag_post_url,
		    tag_link, tag_include, tag_jump, tag_nop;
static const struct lq_value *find_var(struct render *, const char *,
		    size_t);
static struct lq_value *step(struct lq_value *, const struct lq_value *,
		    int);
static struct lq_value *eval(struct render *, const struct expr *);
static struct lq_value *eval_chain(struct render *, const struct chain *);
static int	 eval_cond(struct render *, const struct cond *, size_t);
static int	 is_empty(const struct lq_value *);
static int	 equal_vars(struct render *, const struct expr *,
		    const struct lq_value *, const struct expr *,
		    const struct lq_value *);
static int	 when_matches(struct render *, const struct lq_value *,
		    const struct expr *, const struct expr *);
static int	 compare(struct render *, const struct cond *);
static int	 range_int(struct render *, const struct lq_value *,
		    int64_t *);
static void	 emit(struct render *, struct buf *, const char *, size_t);
static void	 limit(struct render *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static void	 render_body(struct render *, const struct body *,
		    struct buf *);
static void	 render_node(struct render *, struct node *, struct buf *);
static void	 render_for(struct render *, struct node *, struct buf *);
static void	 render_case(struct render *, struct node *, struct buf *);
static void	 render_highlight(struct render *, struct node *,
		    struct buf *);
static void	 render_include(struct render *, struct node *,
		    struct buf *);
static struct tmpl *load_include(struct render *, const char *, int);
static void	 push_scope(struct render *, struct lq_value *);
static void	 pop_scope(struct render *);
static void	 set_var(struct render *, const char *, size_t,
		    struct lq_value *);
static int	 stash_block(struct render *, char *, struct buf *);
static int	 valid_include_name(const char *);
static int	 valid_post_name(const char *);
static int	 highlight_syntax(const char *, size_t, size_t *, int *);

/* The tags, with whether each is a block (has an end tag). */
static const struct tag {
	const char	*name;
	tag_fn		*fn;
	int		 block;
} tags[] = {
	{ "#", tag_nop, 0 },
	{ "assign", tag_assign, 0 },
	{ "break", tag_jump, 0 },
	{ "capture", tag_capture, 1 },
	{ "case", tag_case, 1 },
	{ "comment", tag_comment, 1 },
	{ "continue", tag_jump, 0 },
	{ "for", tag_for, 1 },
	{ "highlight", tag_highlight, 1 },
	{ "if", tag_if, 1 },
	{ "include", tag_include, 0 },
	{ "include_relative", tag_include, 0 },
	{ "link", tag_link, 0 },
	{ "post_url", tag_post_url, 0 },
	{ "raw", tag_raw, 1 },
	{ "unless", tag_if, 1 },
};

/* Liquid tags this renderer leaves out; they are reported as such. */
static const char *const unsupported[] = { "cycle", "decrement", "echo",
    "ifchanged", "increment", "liquid", "render", "tablerow", NULL };

/* Zeroed memory from the template's arena. */
static void *
arena_alloc(struct tmpl *t, size_t size)
{
	struct chunk	*c = t->chunks;
	size_t		 align = sizeof (max_align_t), want;
	void		*p;

	size = (size + align - 1) / align * align;
	if (c == NULL || c->used + size > c->size) {
		want = size > 8192 ? size : 8192;
		c = xcalloc(1, sizeof *c + want);
		c->size = want;
		c->next = t->chunks;
		t->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return (p);
}

/* A NUL-terminated copy of n bytes in the arena. */
static char *
arena_strndup(struct tmpl *t, const char *s, size_t n)
{
	char	*p = arena_alloc(t, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

/* Remember a literal so the template releases it. */
static struct lq_value *
keep(struct tmpl *t, struct lq_value *v)
{
	if (t->nlits == t->litcap) {
		t->litcap = t->litcap == 0 ? 16 : t->litcap * 2;
		t->lits = xreallocarray(t->lits, t->litcap, sizeof *t->lits);
	}
	t->lits[t->nlits++] = v;
	return (v);
}

/* Free a template and everything it holds. */
static void
tmpl_free(struct tmpl *t)
{
	struct chunk	*c, *n;
	size_t		 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nlits; i++)
		lq_unref(t->lits[i]);
	free(t->lits);
	for (c = t->chunks; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(t->src);
	free(t);
}

/*
 * Report a problem at line (of the template being parsed or rendered);
 * inside includes the line is the outer include tag's, and the message
 * says where in the include it is.
 */
static void
diag(struct render *r, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (r->ndiag >= LIQUID_MAX_DIAGNOSTICS) {
		r->suppressed++;
		return;
	}
	r->ndiag++;
	if (r->diag == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (r->incl_depth == 0)
		buf_addf(r->diag, "%d: %s\n", r->first_line + line - 1,
		    msg != NULL ? msg : "?");
	else
		buf_addf(r->diag, "%d: %s line %d: %s\n", r->first_line +
		    r->top_line - 1, r->where.data, line,
		    msg != NULL ? msg : "?");
	free(msg);
}

/* Make the current node fail with a message (the first one counts). */
static void
fail(struct render *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (r->err)
		return;
	r->err = 1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	buf_reset(&r->errmsg);
	buf_adds(&r->errmsg, msg != NULL ? msg : "?");
	free(msg);
}

/* Ruby's \w. */
static int
is_word(int c)
{
	return (isalnum(c) || c == '_');
}

/* Ruby's \s. */
static int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

/* Whether n bytes at p spell s. */
static int
span_is(const char *p, size_t n, const char *s)
{
	return (strlen(s) == n && memcmp(p, s, n) == 0);
}

/*
 * Cut the next token as Liquid's tokenizer does: "{{" runs to the first
 * "}" (and one more "}"), "{%" to the first "%}"; a delimiter that never
 * closes is a token of its own two characters.
 */
static void
scan(struct scanner *sc, struct token *t)
{
	const char	*p = sc->p, *q, *m, *mend;
	size_t		 i;

	memset(t, 0, sizeof *t);
	t->line = sc->line;
	t->p = p;
	if (p >= sc->end) {
		t->kind = TK_EOF;
		return;
	}
	if (p + 1 < sc->end && p[0] == '{' && (p[1] == '{' || p[1] == '%')) {
		if (p[1] == '{') {
			q = memchr(p + 2, '}', (size_t)(sc->end - p - 2));
			if (q == NULL) {
				t->kind = TK_BAD;
				t->len = 2;
				t->why = "'{{' is never closed by '}}'";
			} else if (q + 1 < sc->end && q[1] == '}') {
				t->kind = TK_OUTPUT;
				t->len = (size_t)(q + 2 - p);
			} else {
				t->kind = TK_BAD;
				t->len = (size_t)(q + 1 - p);
				t->why = "output closed by '}' instead of '}}'";
			}
		} else {
			q = memmem(p + 2, (size_t)(sc->end - p - 2), "%}", 2);
			if (q == NULL) {
				t->kind = TK_BAD;
				t->len = 2;
				t->why = "'{%' is never closed by '%}'";
			} else {
				t->kind = TK_TAG;
				t->len = (size_t)(q + 2 - p);
			}
		}
	} else {
		for (q = p; q + 1 < sc->end; q++) {
			q = memchr(q, '{', (size_t)(sc->end - q));
			if (q == NULL || (q + 1 < sc->end && (q[1] == '{' ||
			    q[1] == '%')))
				break;
		}
		if (q == NULL || q + 1 >= sc->end)
			q = sc->end;
		t->kind = TK_TEXT;
		t->len = (size_t)(q - p);
	}
	for (i = 0; i < t->len; i++)
		sc->line += p[i] == '\n';
	sc->p = p + t->len;
	if (t->kind != TK_OUTPUT && t->kind != TK_TAG)
		return;

	/* Inside the delimiters: "-" trims, then the markup. */
	m = p + 2;
	mend = p + t->len - 2;
	if (m < mend && *m == '-') {
		t->trim_l = 1;
		m++;
	}
	if (mend > m && mend[-1] == '-') {
		t->trim_r = 1;
		mend--;
	} else if (mend == m && t->trim_l && t->len >= 5)
		t->trim_r = 1;		/* "{{-}}": one dash, both sides */
	if (t->kind == TK_TAG) {
		while (m < mend && is_space((unsigned char)*m))
			m++;
		t->name = m;
		if (m < mend && *m == '#')
			m++;
		else
			while (m < mend && is_word((unsigned char)*m))
				m++;
		t->nlen = (size_t)(m - t->name);
		if (t->nlen == 0) {
			t->kind = TK_BAD;
			t->why = "tag without a name";
			return;
		}
		while (m < mend && is_space((unsigned char)*m))
			m++;
		while (mend > m && is_space((unsigned char)mend[-1]))
			mend--;
	}
	t->markup = m;
	t->mlen = (size_t)(mend - m);
}

/* The next markup token. */
static void
lex(struct lexer *lx)
{
	const char	*p = lx->p, *q;

	while (p < lx->end && is_space((unsigned char)*p))
		p++;
	lx->tp = p;
	lx->tlen = 0;
	if (p >= lx->end) {
		lx->kind = L_END;
		lx->p = p;
		return;
	}
	q = p + 1;
	switch (*p) {
	case '=':
	case '!':
		if (q < lx->end && *q == '=') {
			lx->kind = L_CMP;
			q++;
		} else
			lx->kind = L_BAD;
		break;
	case '<':
	case '>':
		lx->kind = L_CMP;
		if (q < lx->end && (*q == '=' || (*p == '<' && *q == '>')))
			q++;
		break;
	case '"':
	case '\'':
		if ((q = memchr(p + 1, *p, (size_t)(lx->end - p - 1))) == NULL) {
			lx->kind = L_BAD;
			q = p + 1;
		} else {
			lx->kind = L_STR;
			q++;
		}
		break;
	case '.':
		if (q < lx->end && *q == '.') {
			lx->kind = L_DOTDOT;
			q++;
		} else
			lx->kind = L_DOT;
		break;
	case '|':
		lx->kind = L_PIPE;
		break;
	case ':':
		lx->kind = L_COLON;
		break;
	case ',':
		lx->kind = L_COMMA;
		break;
	case '[':
		lx->kind = L_LBRACK;
		break;
	case ']':
		lx->kind = L_RBRACK;
		break;
	case '(':
		lx->kind = L_LPAREN;
		break;
	case ')':
		lx->kind = L_RPAREN;
		break;
	default:
		if (isdigit((unsigned char)*p) || (*p == '-' && q < lx->end &&
		    isdigit((unsigned char)*q))) {
			/* -?\d+(\.\d+)? */
			while (q < lx->end && isdigit((unsigned char)*q))
				q++;
			if (q + 1 < lx->end && *q == '.' &&
			    isdigit((unsigned char)q[1]))
				for (q++; q < lx->end &&
				    isdigit((unsigned char)*q); q++)
					;
			lx->kind = L_NUM;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			/* [a-zA-Z_][\w-]*\?? */
			while (q < lx->end && (is_word((unsigned char)*q) ||
			    *q == '-'))
				q++;
			if (q < lx->end && *q == '?')
				q++;
			lx->kind = L_ID;
		} else
			lx->kind = L_BAD;
		break;
	}
	lx->tlen = (size_t)(q - p);
	lx->p = q;
	if (lx->kind == L_BAD && lx->err == NULL)
		lx->err = "unexpected character";
}

/* Whether the current markup token is identifier s. */
static int
lx_id(const struct lexer *lx, const char *s)
{
	return (lx->kind == L_ID && span_is(lx->tp, lx->tlen, s));
}

/* Note a syntax error (the first one is kept). */
static struct expr *
lx_fail(struct lexer *lx, const char *why)
{
	if (lx->err == NULL)
		lx->err = why;
	return (NULL);
}

/*
 * An expression: a string, a number, a range (a..b), or a variable with
 * its .id and [expr] lookups.  In a condition, a bare "empty" or
 * "blank" is a method call rather than "".
 */
static struct expr *
parse_expr(struct parser *p, struct lexer *lx, int in_cond)
{
	struct expr	*e, *k;
	struct lookup	*look = NULL;
	size_t		 nlook = 0, cap = 0;
	char		 num[48];

	if (++lx->depth > EXPR_MAX_DEPTH)
		return (lx_fail(lx, "expression nested too deep"));
	e = arena_alloc(p->t, sizeof *e);
	switch (lx->kind) {
	case L_STR:
		e->kind = X_LIT;
		e->lit = keep(p->t, lq_stringn(lx->tp + 1, lx->tlen - 2));
		lex(lx);
		lx->depth--;
		return (e);
	case L_NUM:
		e->kind = X_LIT;
		if (lx->tlen >= sizeof num)
			return (lx_fail(lx, "number too long"));
		memcpy(num, lx->tp, lx->tlen);
		num[lx->tlen] = '\0';
		if (strchr(num, '.') != NULL)
			e->lit = keep(p->t, lq_float(strtod(num, NULL)));
		else {
			long long v = strtoll(num, NULL, 10);

			/* Past int64 Ruby has a Bignum; we have a Float. */
			e->lit = keep(p->t, v == LLONG_MAX || v == LLONG_MIN ?
			    lq_float(strtod(num, NULL)) : lq_int(v));
		}
		lex(lx);
		lx->depth--;
		return (e);
	case L_LPAREN:
		e->kind = X_RANGE;
		lex(lx);
		if ((e->lo = parse_expr(p, lx, 0)) == NULL)
			return (NULL);
		if (lx->kind != L_DOTDOT)
			return (lx_fail(lx, "expected '..' in a range"));
		lex(lx);
		if ((e->hi = parse_expr(p, lx, 0)) == NULL)
			return (NULL);
		if (lx->kind != L_RPAREN)
			return (lx_fail(lx, "expected ')' after a range"));
		lex(lx);
		lx->depth--;
		return (e);
	case L_ID:
		e->kind = X_VAR;
		e->id = lx->tp;
		e->idlen = lx->tlen;
		lex(lx);
		break;
	case L_LBRACK:
		e->kind = X_VAR;
		lex(lx);
		if ((e->name = parse_expr(p, lx, 0)) == NULL)
			return (NULL);
		if (lx->kind != L_RBRACK)
			return (lx_fail(lx, "expected ']'"));
		lex(lx);
		break;
	default:
		return (lx_fail(lx, lx->kind == L_END ? "expression expected" :
		    "unexpected token in an expression"));
	}
	for (;;) {
		if (lx->kind == L_LBRACK) {
			lex(lx);
			if ((k = parse_expr(p, lx, 0)) == NULL)
				return (NULL);
			if (lx->kind != L_RBRACK)
				return (lx_fail(lx, "expected ']'"));
			lex(lx);
		} else if (lx->kind == L_DOT) {
			lex(lx);
			if (lx->kind != L_ID)
				return (lx_fail(lx, "expected a name after '.'"));
			k = NULL;
		} else
			break;
		if (nlook == cap) {
			struct lookup *n;

			cap = cap == 0 ? 4 : cap * 2;
			n = arena_alloc(p->t, cap * sizeof *n);
			if (nlook > 0)
				memcpy(n, look, nlook * sizeof *n);
			look = n;
		}
		look[nlook].key = k;
		if (k == NULL) {
			look[nlook].id = lx->tp;
			look[nlook].idlen = lx->tlen;
			look[nlook].command = span_is(lx->tp, lx->tlen, "size") ||
			    span_is(lx->tp, lx->tlen, "first") ||
			    span_is(lx->tp, lx->tlen, "last");
			lex(lx);
		}
		nlook++;
	}
	e->look = look;
	e->nlook = nlook;
	lx->depth--;
	if (e->id == NULL || nlook > 0)
		return (e);
	/* Liquid's literal names. */
	if (span_is(e->id, e->idlen, "nil") || span_is(e->id, e->idlen,
	    "null"))
		e->lit = lq_nil();
	else if (span_is(e->id, e->idlen, "true"))
		e->lit = lq_bool(1);
	else if (span_is(e->id, e->idlen, "false"))
		e->lit = lq_bool(0);
	else if (span_is(e->id, e->idlen, "empty") ||
	    span_is(e->id, e->idlen, "blank")) {
		if (in_cond) {
			e->kind = e->id[0] == 'e' ? X_EMPTY : X_BLANK;
			return (e);
		}
		e->lit = keep(p->t, lq_string(""));
	} else
		return (e);
	e->kind = X_LIT;
	return (e);
}

/*
 * {{ markup }} and the right side of assign: an expression and its
 * filters.  Returns NULL after reporting at line.
 */
static struct chain *
parse_chain(struct parser *p, const char *s, size_t len, int line)
{
	struct lexer	 lx, peek;
	struct chain	*c = arena_alloc(p->t, sizeof *c);
	struct fcall	*f, *nf;
	struct expr	*a, **na;
	size_t		 cap = 0, acap;
	const char	*kw;
	size_t		 kwlen;

	memset(&lx, 0, sizeof lx);
	lx.p = s;
	lx.end = s + len;
	lex(&lx);
	if (lx.kind == L_END)
		return (c);
	if ((c->e = parse_expr(p, &lx, 0)) == NULL)
		goto bad;
	while (lx.kind == L_PIPE) {
		lex(&lx);
		if (lx.kind != L_ID) {
			lx_fail(&lx, "filter name expected after '|'");
			goto bad;
		}
		if (c->nf == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			nf = arena_alloc(p->t, cap * sizeof *nf);
			if (c->nf > 0)
				memcpy(nf, c->f, c->nf * sizeof *nf);
			c->f = nf;
		}
		f = &c->f[c->nf++];
		/* An unknown filter leaves the value as it is, as in
		 * Jekyll's default lax mode, with a word about it. */
		if ((f->fn = lqfilter_find(lx.tp, lx.tlen)) == -1)
			diag(p->r, line, "unknown filter '%.*s%s' left out",
			    SHORT(lx.tp, lx.tlen));
		lex(&lx);
		acap = 0;
		if (lx.kind == L_COLON) {
			do {
				lex(&lx);
				kw = NULL;
				kwlen = 0;
				if (lx.kind == L_ID) {
					peek = lx;
					lex(&peek);
					if (peek.kind == L_COLON) {
						kw = lx.tp;
						kwlen = lx.tlen;
						lx = peek;
						lex(&lx);
					}
				}
				if ((a = parse_expr(p, &lx, 0)) == NULL)
					goto bad;
				if (kw != NULL) {
					if (f->fn == -1)
						continue;
					if (!span_is(kw, kwlen, "allow_false")) {
						diag(p->r, line, "unknown "
						    "argument '%.*s' of filter "
						    "'%s'", (int)kwlen, kw,
						    lqfilter_name(f->fn));
						return (NULL);
					}
					f->allow_false = a;
					continue;
				}
				if (f->nargs == acap) {
					acap = acap == 0 ? 4 : acap * 2;
					na = arena_alloc(p->t, acap * sizeof *na);
					if (f->nargs > 0)
						memcpy(na, f->args,
						    f->nargs * sizeof *na);
					f->args = na;
				}
				f->args[f->nargs++] = a;
			} while (lx.kind == L_COMMA);
		}
		if (f->fn != -1 && !lqfilter_arity_ok(f->fn, f->nargs)) {
			diag(p->r, line, "wrong number of arguments (%zu) for "
			    "filter '%s'", f->nargs, lqfilter_name(f->fn));
			return (NULL);
		}
	}
	if (lx.kind != L_END)
		lx_fail(&lx, "unexpected text after the expression");
	if (lx.err == NULL)
		return (c);
bad:
	diag(p->r, line, "syntax error in '%.*s%s': %s", SHORT(s, len),
	    lx.err != NULL ? lx.err : "bad expression");
	return (NULL);
}

/*
 * A condition: comparisons joined by and/or.  Returns 0, or -1 with the
 * error in *why.
 */
static int
parse_cond(struct parser *p, const char *s, size_t len, struct cond **out,
    size_t *nout)
{
	struct lexer	 lx;
	struct cond	*c = NULL, *nc;
	size_t		 n = 0, cap = 0;

	memset(&lx, 0, sizeof lx);
	lx.p = s;
	lx.end = s + len;
	lex(&lx);
	for (;;) {
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			nc = arena_alloc(p->t, cap * sizeof *nc);
			if (n > 0)
				memcpy(nc, c, n * sizeof *nc);
			c = nc;
		}
		if ((c[n].l = parse_expr(p, &lx, 1)) == NULL)
			return (-1);
		c[n].op = OP_NONE;
		if (lx.kind == L_CMP || lx_id(&lx, "contains")) {
			if (lx_id(&lx, "contains"))
				c[n].op = OP_CONTAINS;
			else if (span_is(lx.tp, lx.tlen, "=="))
				c[n].op = OP_EQ;
			else if (span_is(lx.tp, lx.tlen, "!=") ||
			    span_is(lx.tp, lx.tlen, "<>"))
				c[n].op = OP_NE;
			else if (span_is(lx.tp, lx.tlen, "<"))
				c[n].op = OP_LT;
			else if (span_is(lx.tp, lx.tlen, ">"))
				c[n].op = OP_GT;
			else if (span_is(lx.tp, lx.tlen, "<="))
				c[n].op = OP_LE;
			else
				c[n].op = OP_GE;
			lex(&lx);
			if ((c[n].r = parse_expr(p, &lx, 1)) == NULL)
				return (-1);
		}
		c[n].join = 0;
		if (lx_id(&lx, "and") || lx_id(&lx, "or")) {
			c[n++].join = lx.tp[0];
			lex(&lx);
			continue;
		}
		n++;
		break;
	}
	if (lx.kind != L_END) {
		lx_fail(&lx, "unexpected text in the condition");
		return (-1);
	}
	*out = c;
	*nout = n;
	return (lx.err == NULL ? 0 : -1);
}

/* Read the next template token (or the one put back). */
static void
next(struct parser *p)
{
	if (p->pending) {
		p->pending = 0;
		return;
	}
	if (p->r->nodes >= LIQUID_MAX_NODES) {
		/* Too big a template: the rest is dropped. */
		if (!p->r->truncated)
			diag(p->r, p->sc.line, "more than %d tags and texts; "
			    "the rest of the template is dropped",
			    LIQUID_MAX_NODES);
		p->r->truncated = 1;
		memset(&p->tok, 0, sizeof p->tok);
		p->tok.kind = TK_EOF;
		return;
	}
	scan(&p->sc, &p->tok);
}

/* Append a node to a body. */
static void
add_node(struct body *b, struct node *n)
{
	if (b->last == NULL)
		b->first = n;
	else
		b->last->next = n;
	b->last = n;
}

/* A new node of the parser's template. */
static struct node *
new_node(struct parser *p, enum node_kind kind, int line)
{
	struct node	*n = arena_alloc(p->t, sizeof *n);

	p->r->nodes++;
	n->kind = kind;
	n->line = line;
	return (n);
}

/*
 * Liquid's whitespace_handler for the current tag or output token: "{%-"
 * strips the white space that ends the body's last text, "-%}" that of
 * the next text.
 */
static void
whitespace(struct parser *p, struct body *b)
{
	struct node	*last = b->last;

	if (p->tok.trim_l && last != NULL && last->kind == N_TEXT) {
		while (last->u.text.len > 0 && (is_space((unsigned char)
		    last->u.text.p[last->u.text.len - 1]) ||
		    last->u.text.p[last->u.text.len - 1] == '\0'))
			last->u.text.len--;
	}
	p->trim = p->tok.trim_r;
}

/* The tag called name (n bytes), or NULL. */
static const struct tag *
find_tag(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (span_is(name, n, tags[i].name))
			return (&tags[i]);
	}
	return (NULL);
}

/*
 * Parse text, outputs and known tags into b until a tag this level does
 * not know (an end, else, when, or an unknown tag) or the end; p->tok
 * then holds it.
 */
static void
parse_body(struct parser *p, struct body *b)
{
	const struct tag *tag;
	struct node	*n;
	const char	*s;
	size_t		 len;

	for (;;) {
		next(p);
		switch (p->tok.kind) {
		case TK_EOF:
			return;
		case TK_TEXT:
			s = p->tok.p;
			len = p->tok.len;
			if (p->trim)
				while (len > 0 && is_space((unsigned char)*s)) {
					s++;
					len--;
				}
			p->trim = 0;
			n = new_node(p, N_TEXT, p->tok.line);
			n->u.text.p = s;
			n->u.text.len = len;
			while (len > 0 && is_space((unsigned char)s[len - 1]))
				len--;
			n->blank = len == 0;
			b->blank &= n->blank;
			add_node(b, n);
			break;
		case TK_BAD:
			diag(p->r, p->tok.line, "%s", p->tok.why);
			break;
		case TK_OUTPUT:
			whitespace(p, b);
			b->blank = 0;
			n = new_node(p, N_OUTPUT, p->tok.line);
			if ((n->u.out = parse_chain(p, p->tok.markup,
			    p->tok.mlen, p->tok.line)) != NULL)
				add_node(b, n);
			break;
		case TK_TAG:
			whitespace(p, b);
			if ((tag = find_tag(p->tok.name, p->tok.nlen)) == NULL)
				return;
			if (tag->block && p->depth >= LIQUID_MAX_DEPTH) {
				diag(p->r, p->tok.line, "blocks nested more "
				    "than %d deep", LIQUID_MAX_DEPTH);
				skip_block(p);
				b->blank = 0;
				break;
			}
			{
				struct token t = p->tok;

				if (tag->block)
					p->open[p->nopen++] = tag->name;
				p->depth += tag->block;
				n = tag->fn(p, &t);
				p->depth -= tag->block;
				p->nopen -= tag->block;
			}
			if (n == NULL) {
				b->blank = 0;
				break;
			}
			b->blank &= n->blank;
			add_node(b, n);
			break;
		}
	}
}

/*
 * Parse a block's body until one of its own tags (names); returns the
 * index of the one found, or -1 when the template ends or an enclosing
 * block's end tag comes first (it is put back for that block).
 */
static int
parse_until(struct parser *p, struct body *b, const char *self, int line,
    const char *const *names)
{
	const char	*name;
	size_t		 nlen;
	int		 i;

	for (;;) {
		parse_body(p, b);
		if (p->tok.kind == TK_EOF) {
			if (!p->r->truncated)
				diag(p->r, line, "'%s' tag was never closed",
				    self);
			return (-1);
		}
		name = p->tok.name;
		nlen = p->tok.nlen;
		for (i = 0; names[i] != NULL; i++) {
			if (span_is(name, nlen, names[i]))
				return (i);
		}
		/* An end tag of an enclosing block closes this one too. */
		if (nlen > 3 && memcmp(name, "end", 3) == 0) {
			for (i = p->nopen - 2; i >= 0; i--) {
				if (span_is(name + 3, nlen - 3, p->open[i])) {
					diag(p->r, line, "'%s' tag was never "
					    "closed", self);
					p->pending = 1;
					return (-1);
				}
			}
		}
		foreign_tag(p);
	}
}

/*
 * A tag that belongs nowhere here: report it, once per unknown name (its
 * end tag then goes without a word); the tag is dropped.
 */
static void
foreign_tag(struct parser *p)
{
	const char	*name = p->tok.name;
	size_t		 nlen = p->tok.nlen;
	int		 i;

	if (nlen > 3 && memcmp(name, "end", 3) == 0) {
		for (i = 0; i < p->nunknown; i++) {
			if (p->unknown[i].len == nlen - 3 &&
			    memcmp(p->unknown[i].p, name + 3, nlen - 3) == 0)
				return;
		}
	}
	if (span_is(name, nlen, "else") || span_is(name, nlen, "elsif") ||
	    span_is(name, nlen, "when") || (nlen > 3 &&
	    memcmp(name, "end", 3) == 0)) {
		diag(p->r, p->tok.line, "unexpected tag '%.*s%s'",
		    SHORT(name, nlen));
		return;
	}
	for (i = 0; unsupported[i] != NULL; i++) {
		if (span_is(name, nlen, unsupported[i]))
			break;
	}
	diag(p->r, p->tok.line, "%s tag '%.*s%s' removed",
	    unsupported[i] != NULL ? "unsupported" : "unknown",
	    SHORT(name, nlen));
	if (p->nunknown < MAX_UNKNOWN) {
		p->unknown[p->nunknown].p = name;
		p->unknown[p->nunknown].len = nlen;
		p->nunknown++;
	}
}

/* Skip a block nested too deep, up to its end tag, without recursion. */
static void
skip_block(struct parser *p)
{
	const struct tag *tag;
	long		 open = 1;

	while (open > 0) {
		next(p);
		if (p->tok.kind == TK_EOF)
			return;
		if (p->tok.kind != TK_TAG)
			continue;
		if ((tag = find_tag(p->tok.name, p->tok.nlen)) != NULL &&
		    tag->block)
			open++;
		else if (p->tok.nlen > 3 && memcmp(p->tok.name, "end", 3) ==
		    0 && (tag = find_tag(p->tok.name + 3, p->tok.nlen - 3)) !=
		    NULL && tag->block)
			open--;
	}
}

/* Drop the text nodes of a blank body (Liquid's remove_blank_strings). */
static void
strip_blank(struct body *b)
{
	struct node	**np = &b->first, *last = NULL;

	while (*np != NULL) {
		if ((*np)->kind == N_TEXT) {
			*np = (*np)->next;
			continue;
		}
		last = *np;
		np = &(*np)->next;
	}
	b->last = last;
}

/* {% if %} and {% unless %}, with elsif and else branches. */
static struct node *
tag_if(struct parser *p, const struct token *t)
{
	static const char *const ends_if[] = { "endif", "elsif", "else",
	    NULL };
	static const char *const ends_unless[] = { "endunless", "elsif",
	    "else", NULL };
	struct node	*n = new_node(p, N_IF, t->line);
	struct branch	*br, **tail = &n->u.ifs.branches;
	const char	*markup = t->markup;
	size_t		 mlen = t->mlen;
	int		 bad = 0, which = 1, line = t->line;

	n->u.ifs.unless = t->name[0] == 'u';
	n->blank = 1;
	while (which > 0) {
		br = arena_alloc(p->t, sizeof *br);
		br->body.blank = 1;
		br->is_else = which == 2;
		if (!br->is_else && parse_cond(p, markup, mlen, &br->c,
		    &br->nc) == -1) {
			diag(p->r, line, "syntax error in condition '%.*s%s'",
			    SHORT(markup, mlen));
			bad = 1;
		}
		*tail = br;
		tail = &br->next;
		which = parse_until(p, &br->body, n->u.ifs.unless ? "unless" :
		    "if", t->line, n->u.ifs.unless ? ends_unless : ends_if);
		n->blank &= br->body.blank;
		markup = p->tok.markup;
		mlen = p->tok.mlen;
		line = p->tok.line;
	}
	if (bad)
		return (NULL);
	if (n->blank)
		for (br = n->u.ifs.branches; br != NULL; br = br->next)
			strip_blank(&br->body);
	return (n);
}

/* {% case x %}{% when a, b %}...{% else %}...{% endcase %} */
static struct node *
tag_case(struct parser *p, const struct token *t)
{
	static const char *const ends[] = { "endcase", "when", "else", NULL };
	struct node	*n = new_node(p, N_CASE, t->line);
	struct branch	*br, **tail = &n->u.cas.branches;
	struct body	 ignored;
	struct lexer	 lx;
	struct expr	*e, **w;
	size_t		 cap;
	int		 which, bad = 0;

	memset(&lx, 0, sizeof lx);
	lx.p = t->markup;
	lx.end = t->markup + t->mlen;
	lex(&lx);
	if ((n->u.cas.subject = parse_expr(p, &lx, 0)) == NULL ||
	    lx.kind != L_END) {
		diag(p->r, t->line, "syntax error in '{%% case %.*s%s %%}'",
		    SHORT(t->markup, t->mlen));
		bad = 1;
	}
	n->blank = 1;
	memset(&ignored, 0, sizeof ignored);
	ignored.blank = 1;
	/* Text between case and the first when is never shown. */
	which = parse_until(p, &ignored, "case", t->line, ends);
	while (which > 0) {
		br = arena_alloc(p->t, sizeof *br);
		br->body.blank = 1;
		br->is_else = which == 2;
		if (which == 1) {
			memset(&lx, 0, sizeof lx);
			lx.p = p->tok.markup;
			lx.end = p->tok.markup + p->tok.mlen;
			lex(&lx);
			cap = 0;
			for (;;) {
				if ((e = parse_expr(p, &lx, 1)) == NULL)
					break;
				if (br->nwhens == cap) {
					cap = cap == 0 ? 4 : cap * 2;
					w = arena_alloc(p->t, cap * sizeof *w);
					if (br->nwhens > 0)
						memcpy(w, br->whens,
						    br->nwhens * sizeof *w);
					br->whens = w;
				}
				br->whens[br->nwhens++] = e;
				if (lx.kind != L_COMMA && !lx_id(&lx, "or"))
					break;
				lex(&lx);
			}
			if (e == NULL || lx.kind != L_END) {
				diag(p->r, p->tok.line, "syntax error in "
				    "'{%% when %.*s%s %%}'",
				    SHORT(p->tok.markup, p->tok.mlen));
				bad = 1;
			}
		} else if (p->tok.mlen > 0)
			diag(p->r, p->tok.line, "'else' of case takes no "
			    "arguments");
		*tail = br;
		tail = &br->next;
		which = parse_until(p, &br->body, "case", t->line, ends);
		n->blank &= br->body.blank;
	}
	if (bad)
		return (NULL);
	if (n->blank)
		for (br = n->u.cas.branches; br != NULL; br = br->next)
			strip_blank(&br->body);
	return (n);
}

/* {% for x in coll [reversed] [limit: n] [offset: n] %}...{% endfor %} */
static struct node *
tag_for(struct parser *p, const struct token *t)
{
	static const char *const ends[] = { "endfor", "else", NULL };
	struct node	*n = new_node(p, N_FOR, t->line);
	struct lexer	 lx;
	struct expr	**attr;
	const char	*start;
	int		 which, bad = 0;

	memset(&lx, 0, sizeof lx);
	lx.p = t->markup;
	lx.end = t->markup + t->mlen;
	lex(&lx);
	if (lx.kind != L_ID)
		goto syntax;
	n->u.loop.var = lx.tp;
	n->u.loop.varlen = lx.tlen;
	lex(&lx);
	if (!lx_id(&lx, "in"))
		goto syntax;
	lex(&lx);
	start = lx.tp;
	if ((n->u.loop.coll = parse_expr(p, &lx, 0)) == NULL)
		goto syntax;
	/* forloop.name is "var-collection". */
	n->u.loop.namelen = n->u.loop.varlen + 1 + (size_t)(lx.tp - start);
	{
		char	*name = arena_alloc(p->t, n->u.loop.namelen + 1);

		memcpy(name, n->u.loop.var, n->u.loop.varlen);
		name[n->u.loop.varlen] = '-';
		memcpy(name + n->u.loop.varlen + 1, start,
		    (size_t)(lx.tp - start));
		while (n->u.loop.namelen > 0 &&
		    is_space((unsigned char)name[n->u.loop.namelen - 1]))
			n->u.loop.namelen--;
		n->u.loop.name = name;
	}
	for (;;) {
		if (lx_id(&lx, "reversed")) {
			n->u.loop.reversed = 1;
			lex(&lx);
			continue;
		}
		if (lx_id(&lx, "limit"))
			attr = &n->u.loop.limit;
		else if (lx_id(&lx, "offset"))
			attr = &n->u.loop.offset;
		else
			break;
		lex(&lx);
		if (lx.kind != L_COLON)
			goto syntax;
		lex(&lx);
		if (lx_id(&lx, "continue")) {
			diag(p->r, t->line, "'offset: continue' is not "
			    "supported");
			bad = 1;
			lex(&lx);
			continue;
		}
		if ((*attr = parse_expr(p, &lx, 0)) == NULL)
			goto syntax;
		if (lx.kind == L_COMMA)
			lex(&lx);
	}
	if (lx.kind == L_END && lx.err == NULL)
		goto body;
syntax:
	diag(p->r, t->line, "syntax error in '{%% for %.*s%s %%}'",
	    SHORT(t->markup, t->mlen));
	bad = 1;
body:
	n->u.loop.body.blank = n->u.loop.els.blank = 1;
	which = parse_until(p, &n->u.loop.body, "for", t->line, ends);
	while (which == 1)
		which = parse_until(p, &n->u.loop.els, "for", t->line, ends);
	if (bad)
		return (NULL);
	n->blank = n->u.loop.body.blank && n->u.loop.els.blank;
	if (n->blank) {
		strip_blank(&n->u.loop.body);
		strip_blank(&n->u.loop.els);
	}
	return (n);
}

/* The variable name of assign and capture: [\w\-.\[\]]+. */
static size_t
var_name(const char *s, size_t len)
{
	size_t	 i = 0;

	while (i < len && (is_word((unsigned char)s[i]) || s[i] == '-' ||
	    s[i] == '.' || s[i] == '[' || s[i] == ']'))
		i++;
	return (i);
}

/* {% assign var = value | filters %} */
static struct node *
tag_assign(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_ASSIGN, t->line);
	const char	*s = t->markup, *end = t->markup + t->mlen;
	size_t		 len;

	n->blank = 1;
	len = var_name(s, t->mlen);
	n->u.set.var = s;
	n->u.set.varlen = len;
	s += len;
	while (s < end && is_space((unsigned char)*s))
		s++;
	if (len == 0 || s >= end || *s != '=') {
		diag(p->r, t->line, "syntax error in '{%% assign %.*s%s %%}': "
		    "use assign var = value", SHORT(t->markup, t->mlen));
		return (NULL);
	}
	s++;
	if ((n->u.set.val = parse_chain(p, s, (size_t)(end - s), t->line)) ==
	    NULL)
		return (NULL);
	return (n);
}

/* {% capture var %}...{% endcapture %} */
static struct node *
tag_capture(struct parser *p, const struct token *t)
{
	static const char *const ends[] = { "endcapture", NULL };
	struct node	*n = new_node(p, N_CAPTURE, t->line);
	const char	*s = t->markup, *end = t->markup + t->mlen;

	n->blank = 1;
	/* Liquid takes the first run of name characters, quotes or not. */
	while (s < end && var_name(s, (size_t)(end - s)) == 0)
		s++;
	n->u.set.var = s;
	n->u.set.varlen = var_name(s, (size_t)(end - s));
	n->u.set.body.blank = 1;
	parse_until(p, &n->u.set.body, "capture", t->line, ends);
	if (n->u.set.varlen == 0) {
		diag(p->r, t->line, "syntax error in '{%% capture %.*s%s %%}'",
		    SHORT(t->markup, t->mlen));
		return (NULL);
	}
	return (n);
}

/*
 * {% comment %}...{% endcomment %}: skipped, nested comments and raw
 * blocks included.
 */
static struct node *
tag_comment(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_NOP, t->line);
	int		 open = 1, raw = 0;

	n->blank = 1;
	while (open > 0) {
		next(p);
		if (p->tok.kind == TK_EOF) {
			diag(p->r, t->line, "'comment' tag was never closed");
			break;
		}
		if (p->tok.kind != TK_TAG)
			continue;
		if (raw) {
			raw = !span_is(p->tok.name, p->tok.nlen, "endraw");
			continue;
		}
		if (span_is(p->tok.name, p->tok.nlen, "raw"))
			raw = 1;
		else if (span_is(p->tok.name, p->tok.nlen, "comment"))
			open++;
		else if (span_is(p->tok.name, p->tok.nlen, "endcomment"))
			open--;
	}
	p->trim = p->tok.trim_r;
	return (n);
}

/*
 * {% raw %}...{% endraw %}: the text as it is.  As in Liquid, a token
 * ends it if its last "{%" is followed by spaces and the word endraw
 * (/\A(.*){%\s*(\w+)\s*(.*)?%}\z/), the text before that "{%" kept:
 * "{%- endraw %}" does not end it, and the end tag's "-" trims nothing.
 */
static struct node *
tag_raw(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_RAW, t->line);
	const char	*start = p->sc.p, *end = NULL, *s, *w;

	if (t->mlen > 0)
		diag(p->r, t->line, "'raw' takes no arguments");
	while (end == NULL) {
		scan(&p->sc, &p->tok);
		if (p->tok.kind == TK_EOF) {
			diag(p->r, t->line, "'raw' tag was never closed");
			end = p->tok.p;
			break;
		}
		if (p->tok.len < 4 || memcmp(p->tok.p + p->tok.len - 2, "%}",
		    2) != 0)
			continue;
		for (s = p->tok.p + p->tok.len - 3; s >= p->tok.p; s--) {
			if (s[0] != '{' || s[1] != '%')
				continue;
			for (w = s + 2; is_space((unsigned char)*w); w++)
				;
			if (!is_word((unsigned char)*w))
				continue;
			if (strncmp(w, "endraw", 6) == 0 &&
			    !is_word((unsigned char)w[6]))
				end = s;
			break;
		}
	}
	n->u.text.p = start;
	n->u.text.len = (size_t)(end - start);
	n->blank = n->u.text.len == 0;
	return (n);
}

/*
 * Jekyll's highlight markup: a language ([a-zA-Z0-9.+#_-]+) and options
 * (\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*.  Returns 0 with the language's
 * length in *langlen and whether "linenos" is there, or -1.
 */
static int
highlight_syntax(const char *s, size_t len, size_t *langlen, int *linenos)
{
	size_t	 i = 0, k;

	*linenos = 0;
	while (i < len && (isalnum((unsigned char)s[i]) ||
	    strchr(".+#_-", s[i]) != NULL))
		i++;
	if ((*langlen = i) == 0)
		return (-1);
	while (i < len) {
		if (!is_space((unsigned char)s[i]))
			return (-1);
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		for (k = i; i < len && is_word((unsigned char)s[i]); i++)
			;
		if (i == k)
			return (-1);
		if (span_is(s + k, i - k, "linenos"))
			*linenos = 1;
		if (i < len && s[i] == '=') {
			i++;
			if (i < len && s[i] == '"') {
				/* "1 2 3": numbers with single spaces */
				for (i++, k = i; i < len && (isdigit(
				    (unsigned char)s[i]) || (s[i] == ' ' &&
				    i > k && isdigit((unsigned char)s[i - 1]))); i++)
					;
				if (i >= len || s[i] != '"' || i == k ||
				    !isdigit((unsigned char)s[i - 1]))
					return (-1);
				i++;
			} else {
				for (k = i; i < len &&
				    is_word((unsigned char)s[i]); i++)
					;
				if (i == k)
					return (-1);
			}
		}
	}
	return (0);
}

/* {% highlight lang [linenos] %}code{% endhighlight %} */
static struct node *
tag_highlight(struct parser *p, const struct token *t)
{
	static const char *const ends[] = { "endhighlight", NULL };
	struct node	*n = new_node(p, N_HIGHLIGHT, t->line);
	const char	*s = t->markup;
	size_t		 len = t->mlen, langlen, i;
	int		 bad = 0;

	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	if (highlight_syntax(s, len, &langlen, &n->u.hl.linenos) == -1) {
		diag(p->r, t->line, "syntax error in '{%% highlight %.*s%s %%}':"
		    " use highlight LANG [linenos]", SHORT(t->markup, t->mlen));
		bad = 1;
	} else {
		n->u.hl.lang = arena_strndup(p->t, s, langlen);
		for (i = 0; i < langlen; i++)
			n->u.hl.lang[i] = (char)tolower(
			    (unsigned char)n->u.hl.lang[i]);
	}
	n->u.hl.body.blank = 1;
	parse_until(p, &n->u.hl.body, "highlight", t->line, ends);
	n->blank = n->u.hl.body.blank;
	return (bad ? NULL : n);
}

/* Whether name is a post_url name: [dir/]Y-M-D-slug. */
static int
valid_post_name(const char *name)
{
	const char	*p, *start;
	int		 part;

	if (*name == '/')
		name++;
	for (start = name; start != NULL; start = strchr(start, '/')) {
		if (*start == '/')
			start++;
		for (p = start, part = 0; part < 3; part++) {
			if (!isdigit((unsigned char)*p))
				break;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p++ != '-')
				break;
		}
		if (part == 3)
			return (1);
	}
	return (0);
}

/* {% post_url 2010-07-21-name %} */
static struct node *
tag_post_url(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_POST_URL, t->line);
	size_t		 len = t->mlen;

	while (len > 0 && is_space((unsigned char)t->markup[len - 1]))
		len--;
	n->u.url.name = arena_strndup(p->t, t->markup, len);
	if (!valid_post_name(n->u.url.name)) {
		diag(p->r, t->line, "post_url: '%s' is no post name "
		    "(YYYY-MM-DD-title)", n->u.url.name);
		return (NULL);
	}
	return (n);
}

/* Parse text of the current template as a template of its own. */
static void
parse_markup(struct parser *p, const char *s, size_t len, int line,
    struct body *b)
{
	struct parser	 sub;

	memset(&sub, 0, sizeof sub);
	sub.r = p->r;
	sub.t = p->t;
	sub.sc.p = s;
	sub.sc.end = s + len;
	sub.sc.line = line;
	sub.depth = p->depth;
	b->blank = 1;
	for (;;) {
		parse_body(&sub, b);
		if (sub.tok.kind == TK_EOF)
			break;
		foreign_tag(&sub);
	}
}

/* {% link path %}, where path may hold {{ }}. */
static struct node *
tag_link(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_LINK, t->line);
	size_t		 len = t->mlen;

	while (len > 0 && is_space((unsigned char)t->markup[len - 1]))
		len--;
	parse_markup(p, t->markup, len, t->line, &n->u.url.body);
	return (n);
}

/*
 * {% include file [key=value ...] %} and include_relative: file may
 * hold {{ }}; values are "text", 'text' or a variable.
 */
static struct node *
tag_include(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_INCLUDE, t->line);
	const char	*s = t->markup, *end = t->markup + t->mlen, *q;
	const char	*f;
	struct param	*pa;
	struct lexer	 lx;
	size_t		 cap = 0;

	n->u.inc.relative = t->nlen > 7;
	while (end > s && is_space((unsigned char)end[-1]))
		end--;
	f = s;
	if ((q = memmem(s, (size_t)(end - s), "{{", 2)) != NULL &&
	    (q == s || memchr(s, ' ', (size_t)(q - s)) == NULL)) {
		/* A name with {{ }}: up to the last "}}" and what sticks. */
		for (;;) {
			q = memmem(q, (size_t)(end - q), "}}", 2);
			if (q == NULL) {
				diag(p->r, t->line, "include: '{{' without "
				    "'}}' in the file name");
				return (NULL);
			}
			for (q += 2; q < end && !is_space((unsigned char)*q) &&
			    *q != '{' && *q != '}'; q++)
				;
			if (end - q < 2 || memcmp(q, "{{", 2) != 0)
				break;
		}
		parse_markup(p, f, (size_t)(q - f), t->line, &n->u.inc.tmpl);
	} else {
		for (q = s; q < end && !is_space((unsigned char)*q); q++)
			;
		n->u.inc.file = arena_strndup(p->t, f, (size_t)(q - f));
		if (q == f) {
			diag(p->r, t->line, "include: no file name");
			return (NULL);
		}
	}
	/* key=value pairs, Jekyll's VALID_SYNTAX. */
	for (s = q; s < end;) {
		while (s < end && is_space((unsigned char)*s))
			s++;
		if (s >= end)
			break;
		if (n->u.inc.nparams == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			pa = arena_alloc(p->t, cap * sizeof *pa);
			if (n->u.inc.nparams > 0)
				memcpy(pa, n->u.inc.params,
				    n->u.inc.nparams * sizeof *pa);
			n->u.inc.params = pa;
		}
		pa = &n->u.inc.params[n->u.inc.nparams++];
		for (pa->key = s; s < end && (is_word((unsigned char)*s) ||
		    *s == '-'); s++)
			;
		pa->keylen = (size_t)(s - pa->key);
		while (s < end && is_space((unsigned char)*s))
			s++;
		if (pa->keylen == 0 || s >= end || *s != '=')
			goto bad;
		for (s++; s < end && is_space((unsigned char)*s); s++)
			;
		if (s < end && (*s == '"' || *s == '\'')) {
			struct buf	 v = BUF_INIT;
			char		 quote = *s++;

			buf_add(&v, "", 0);
			for (; s < end && *s != quote; s++) {
				if (*s == '\\' && s + 1 < end) {
					/* Only \" (\') loses its backslash. */
					if (s[1] != quote)
						buf_addc(&v, *s);
					s++;
				}
				buf_addc(&v, *s);
			}
			if (s >= end) {
				buf_free(&v);
				goto bad;
			}
			s++;
			pa->lit = keep(p->t, lq_string_buf(&v));
		} else {
			for (q = s; s < end && (is_word((unsigned char)*s) ||
			    *s == '.' || *s == '-'); s++)
				;
			if (s == q)
				goto bad;
			memset(&lx, 0, sizeof lx);
			lx.p = q;
			lx.end = s;
			lex(&lx);
			if ((pa->var = parse_expr(p, &lx, 0)) == NULL ||
			    lx.kind != L_END)
				goto bad;
		}
		if (s < end && !is_space((unsigned char)*s))
			goto bad;
	}
	return (n);
bad:
	diag(p->r, t->line, "include: invalid parameters in '%.*s%s': use "
	    "key=\"value\"", SHORT(t->markup, t->mlen));
	return (NULL);
}

/* {% break %} and {% continue %} */
static struct node *
tag_jump(struct parser *p, const struct token *t)
{
	return (new_node(p, t->name[0] == 'b' ? N_BREAK : N_CONTINUE,
	    t->line));
}

/* {% # comment %} */
static struct node *
tag_nop(struct parser *p, const struct token *t)
{
	struct node	*n = new_node(p, N_NOP, t->line);

	n->blank = 1;
	return (n);
}

/* Parse len bytes of src into t. */
static void
parse_template(struct render *r, struct tmpl *t, const char *src,
    size_t len, int line)
{
	struct parser	 p;

	memset(&p, 0, sizeof p);
	p.r = r;
	p.t = t;
	p.sc.p = src;
	p.sc.end = src + len;
	p.sc.line = line;
	t->body.blank = 1;
	for (;;) {
		parse_body(&p, &t->body);
		if (p.tok.kind == TK_EOF)
			break;
		foreign_tag(&p);
	}
}

/* A variable of the scopes, or site and page; borrowed, or NULL. */
static const struct lq_value *
find_var(struct render *r, const char *name, size_t len)
{
	const struct lq_value *v;
	size_t		 i;

	for (i = r->nscopes; i > 0; i--) {
		if ((v = lq_hash_get(r->scopes[i - 1], name, len)) != NULL)
			return (v);
	}
	if (span_is(name, len, "site"))
		return (r->env->site);
	if (span_is(name, len, "page"))
		return (r->env->page);
	return (NULL);
}

/*
 * One lookup, as Liquid's VariableLookup does it: obj[key] for a hash
 * key or an array index, else .size, .first and .last where the value
 * has them.  Takes obj; returns a new value.
 */
static struct lq_value *
step(struct lq_value *obj, const struct lq_value *key, int command)
{
	const struct lq_value *v = NULL;
	struct lq_value	*res = NULL;
	const char	*k = key->type == LQ_STRING ? key->u.s.p : "";
	int64_t		 i;

	if (obj->type == LQ_HASH && key->type == LQ_STRING &&
	    (v = lq_hash_get(obj, key->u.s.p, key->u.s.len)) != NULL)
		res = lq_ref(v);
	else if (obj->type == LQ_ARRAY && key->type == LQ_INT) {
		i = key->u.i < 0 ? key->u.i + (int64_t)obj->u.a.n : key->u.i;
		res = i >= 0 && i < (int64_t)obj->u.a.n ?
		    lq_ref(obj->u.a.v[i]) : lq_nil();
	} else if (command && strcmp(k, "size") == 0) {
		switch (obj->type) {
		case LQ_HASH:
			res = lq_int((int64_t)obj->u.h.n);
			break;
		case LQ_ARRAY:
			res = lq_int((int64_t)obj->u.a.n);
			break;
		case LQ_STRING:
			res = lq_int((int64_t)lq_utf8_len(obj->u.s.p,
			    obj->u.s.len));
			break;
		case LQ_RANGE:
			res = lq_int(obj->u.r.last < obj->u.r.first ? 0 :
			    obj->u.r.last - obj->u.r.first + 1);
			break;
		case LQ_INT:
			res = lq_int(8);	/* Integer#size: bytes */
			break;
		default:
			break;
		}
	} else if (command && (strcmp(k, "first") == 0 ||
	    strcmp(k, "last") == 0)) {
		int	 last = k[0] == 'l';

		if (obj->type == LQ_ARRAY && obj->u.a.n > 0)
			res = lq_ref(obj->u.a.v[last ? obj->u.a.n - 1 : 0]);
		else if (obj->type == LQ_RANGE)
			res = lq_int(last ? obj->u.r.last : obj->u.r.first);
		else if (obj->type == LQ_HASH && !last && obj->u.h.n > 0) {
			res = lq_array();
			lq_array_push(res, lq_stringn(obj->u.h.e[0].key,
			    obj->u.h.e[0].keylen));
			lq_array_push(res, lq_ref(obj->u.h.e[0].value));
		}
	}
	lq_unref(obj);
	return (res != NULL ? res : lq_nil());
}

/* Evaluate an expression: a new value (nil after a failure). */
static struct lq_value *
eval(struct render *r, const struct expr *e)
{
	struct lq_value	*obj, *key, *name;
	const struct lq_value *v;
	int64_t		 lo, hi;
	size_t		 i;

	switch (e->kind) {
	case X_LIT:
		return (lq_ref(e->lit));
	case X_EMPTY:
	case X_BLANK:
		return (lq_string(""));
	case X_RANGE:
		obj = eval(r, e->lo);
		key = eval(r, e->hi);
		if (range_int(r, obj, &lo) == -1 || range_int(r, key, &hi) ==
		    -1)
			lo = hi = 0;
		lq_unref(obj);
		lq_unref(key);
		return (lq_range(lo, hi));
	case X_VAR:
		break;
	}
	if (e->name != NULL) {
		name = eval(r, e->name);
		v = name->type == LQ_STRING ? find_var(r, name->u.s.p,
		    name->u.s.len) : NULL;
		lq_unref(name);
	} else
		v = find_var(r, e->id, e->idlen);
	obj = v != NULL ? lq_ref(v) : lq_nil();
	for (i = 0; i < e->nlook && obj->type != LQ_NIL; i++) {
		key = e->look[i].key != NULL ? eval(r, e->look[i].key) :
		    lq_stringn(e->look[i].id, e->look[i].idlen);
		obj = step(obj, key, e->look[i].key == NULL &&
		    e->look[i].command);
		lq_unref(key);
	}
	return (obj);
}

/* An expression through its filters: a new value. */
static struct lq_value *
eval_chain(struct render *r, const struct chain *c)
{
	struct lq_value	*v, *out, *args[8], **a, *af;
	struct lqf_ctx	 ctx;
	size_t		 i, j;

	if (c->e == NULL)
		return (lq_nil());
	v = eval(r, c->e);
	memset(&ctx, 0, sizeof ctx);
	ctx.url = r->env->url != NULL ? r->env->url : "";
	ctx.baseurl = r->env->baseurl != NULL ? r->env->baseurl : "";
	ctx.fuel = &r->fuel;
	ctx.bytes = &r->bytes;
	ctx.max_len = r->max_output;
	ctx.max_list = LIQUID_MAX_LIST;
	for (i = 0; i < c->nf && !r->err; i++) {
		if (c->f[i].fn == -1)
			continue;
		a = c->f[i].nargs <= 8 ? args :
		    xreallocarray(NULL, c->f[i].nargs, sizeof *a);
		for (j = 0; j < c->f[i].nargs; j++)
			a[j] = eval(r, c->f[i].args[j]);
		af = c->f[i].allow_false != NULL ?
		    eval(r, c->f[i].allow_false) : NULL;
		out = lqfilter_apply(c->f[i].fn, v, a, c->f[i].nargs, af,
		    &ctx);
		for (j = 0; j < c->f[i].nargs; j++)
			lq_unref(a[j]);
		if (a != args)
			free(a);
		lq_unref(af);
		lq_unref(v);
		if (out == NULL) {
			if (r->bytes == 0)
				limit(r, r->line, "more than %zu bytes of text "
				    "made; rendering stopped", LIQUID_MAX_TEXT *
				    r->max_output);
			else
				fail(r, "%s: %s", lqfilter_name(c->f[i].fn),
				    ctx.error != NULL ? ctx.error : "failed");
			free(ctx.error);
			return (lq_nil());
		}
		v = out;
	}
	return (v);
}

/* Whether v answers empty? with true (a string, array or hash). */
static int
is_empty(const struct lq_value *v)
{
	return ((v->type == LQ_STRING && v->u.s.len == 0) ||
	    (v->type == LQ_ARRAY && v->u.a.n == 0) ||
	    (v->type == LQ_HASH && v->u.h.n == 0));
}

/* Liquid's ==, where empty and blank call empty? and blank?. */
static int
equal_vars(struct render *r, const struct expr *le, const struct lq_value *l,
    const struct expr *re, const struct lq_value *rv)
{
	/* Without ActiveSupport nothing answers blank?: always false. */
	if (le->kind == X_EMPTY)
		return (re->kind == X_EMPTY || re->kind == X_BLANK ? 0 :
		    is_empty(rv));
	if (le->kind == X_BLANK || re->kind == X_BLANK)
		return (0);
	if (re->kind == X_EMPTY)
		return (is_empty(l));
	return (lq_equal(l, rv, &r->fuel));
}

/* One comparison; a runtime error fails the node. */
static int
compare(struct render *r, const struct cond *c)
{
	struct lq_value	*l, *rv;
	const struct lq_value *e;
	size_t		 i;
	int		 res = 0, d;
	char		*s;

	l = eval(r, c->l);
	if (c->op == OP_NONE) {
		res = c->l->kind == X_EMPTY || c->l->kind == X_BLANK ||
		    lq_truthy(l);
		lq_unref(l);
		return (res);
	}
	rv = eval(r, c->r);
	switch (c->op) {
	case OP_EQ:
		res = equal_vars(r, c->l, l, c->r, rv);
		break;
	case OP_NE:
		res = !equal_vars(r, c->l, l, c->r, rv);
		break;
	case OP_LT:
	case OP_GT:
	case OP_LE:
	case OP_GE:
		if (c->l->kind == X_EMPTY || c->l->kind == X_BLANK ||
		    c->r->kind == X_EMPTY || c->r->kind == X_BLANK)
			break;
		if (lq_compare(l, rv, &d) == -1) {
			/* Numbers, strings and times answer <; mixing them
			 * raises, anything else is false. */
			if ((l->type == LQ_INT || l->type == LQ_FLOAT ||
			    l->type == LQ_STRING || l->type == LQ_TIME) &&
			    (rv->type == LQ_INT || rv->type == LQ_FLOAT ||
			    rv->type == LQ_STRING || rv->type == LQ_TIME))
				fail(r, "comparison of %s with %s failed",
				    lq_type_name(l), lq_type_name(rv));
			break;
		}
		res = c->op == OP_LT ? d < 0 : c->op == OP_GT ? d > 0 :
		    c->op == OP_LE ? d <= 0 : d >= 0;
		break;
	case OP_CONTAINS:
		if (!lq_truthy(l) || !lq_truthy(rv))
			break;
		if (l->type == LQ_STRING) {
			s = lq_to_s(rv, &r->fuel);
			res = memmem(l->u.s.p, l->u.s.len, s, strlen(s)) !=
			    NULL;
			free(s);
		} else if (l->type == LQ_ARRAY) {
			for (i = 0; i < l->u.a.n && !res; i++)
				res = lq_equal(l->u.a.v[i], rv, &r->fuel);
		} else if (l->type == LQ_HASH && rv->type == LQ_STRING)
			res = (e = lq_hash_get(l, rv->u.s.p, rv->u.s.len)) !=
			    NULL;
		else if (l->type == LQ_RANGE && (rv->type == LQ_INT ||
		    rv->type == LQ_FLOAT)) {
			double	 x = rv->type == LQ_INT ? (double)rv->u.i :
				    rv->u.f;

			res = x >= (double)l->u.r.first &&
			    x <= (double)l->u.r.last;
		}
		break;
	default:
		break;
	}
	lq_unref(l);
	lq_unref(rv);
	return (res);
}

/*
 * Comparisons joined by and/or, grouped from the right as Liquid does:
 * "a or b and c" is "a or (b and c)".
 */
static int
eval_cond(struct render *r, const struct cond *c, size_t n)
{
	size_t	 i;
	int	 res = 0;

	for (i = 0; i < n && !r->err; i++) {
		res = compare(r, &c[i]);
		if (c[i].join == 'o' && res)
			break;
		if (c[i].join == 'a' && !res)
			break;
		if (c[i].join == 0)
			break;
	}
	return (res && !r->err);
}

/* A range bound: an Integer, text or nil (to_i), else an error. */
static int
range_int(struct render *r, const struct lq_value *v, int64_t *out)
{
	switch (v->type) {
	case LQ_INT:
		*out = v->u.i;
		return (0);
	case LQ_NIL:
		*out = 0;
		return (0);
	case LQ_STRING:
		*out = lq_ruby_to_i(v->u.s.p, v->u.s.len);
		return (0);
	case LQ_FLOAT:
		if (v->u.f > -9e18 && v->u.f < 9e18) {
			*out = (int64_t)v->u.f;
			return (0);
		}
		/* FALLTHROUGH */
	default:
		fail(r, "invalid integer in a range");
		return (-1);
	}
}

/* Report a limit once and stop rendering. */
static void
limit(struct render *r, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	r->stop = 1;
	if (r->limits_reported++ > 0)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	diag(r, line, "%s", msg != NULL ? msg : "limit");
	free(msg);
}

/* Append to an output, within the output cap and the work budget. */
static void
emit(struct render *r, struct buf *out, const char *s, size_t n)
{
	if (r->stop)
		return;
	if (out->len + n > r->max_output) {
		r->stop = 1;
		if (r->limits_reported++ == 0)
			diag(r, r->line, "output larger than %zu bytes; the rest "
			    "was dropped", r->max_output);
		return;
	}
	if (n > r->bytes) {
		r->bytes = 0;
		limit(r, r->line, "more than %zu bytes of text made; "
		    "rendering stopped", LIQUID_MAX_TEXT * r->max_output);
		return;
	}
	r->bytes -= n;
	r->fuel -= (long)(n / 64) + 1;
	buf_add(out, s, n);
}

/* Push a scope (taken). */
static void
push_scope(struct render *r, struct lq_value *h)
{
	if (r->nscopes == r->scopecap) {
		r->scopecap = r->scopecap == 0 ? 16 : r->scopecap * 2;
		r->scopes = xreallocarray(r->scopes, r->scopecap,
		    sizeof *r->scopes);
	}
	r->scopes[r->nscopes++] = h;
}

/* Pop and free the innermost scope. */
static void
pop_scope(struct render *r)
{
	lq_unref(r->scopes[--r->nscopes]);
}

/* assign and capture: set a variable (taken) of the outermost scope. */
static void
set_var(struct render *r, const char *name, size_t len, struct lq_value *v)
{
	lq_hash_setn(r->scopes[0], name, len, v);
}

/*
 * Render the nodes of a body.  A node that fails loses its output and
 * is reported once; break and continue stop the body.
 */
static void
render_body(struct render *r, const struct body *b, struct buf *out)
{
	struct node	*n;
	size_t		 mark;

	if (++r->depth > RENDER_MAX_DEPTH) {
		limit(r, b->first != NULL ? b->first->line : 0, "templates "
		    "and includes nested more than %d deep", RENDER_MAX_DEPTH);
		r->depth--;
		return;
	}
	for (n = b->first; n != NULL && !r->stop; n = n->next) {
		mark = out->len;
		r->line = n->line;
		render_node(r, n, out);
		if (r->err) {
			out->len = mark;
			if (out->data != NULL)
				out->data[mark] = '\0';
			if (!n->reported)
				diag(r, n->line, "%s", r->errmsg.data);
			n->reported = 1;
			r->err = 0;
		}
		if (r->fuel < 0)
			limit(r, n->line, "template too expensive (more than "
			    "%ld steps); rendering stopped", LIQUID_MAX_WORK);
		if (r->interrupt)
			break;
	}
	r->depth--;
}

/* Render one node. */
static void
render_node(struct render *r, struct node *n, struct buf *out)
{
	struct lq_value	*v;
	struct branch	*br;
	struct buf	 tmp = BUF_INIT;
	char		*url, *s;
	int		 hit;

	switch (n->kind) {
	case N_TEXT:
	case N_RAW:
		emit(r, out, n->u.text.p, n->u.text.len);
		break;
	case N_OUTPUT:
		v = eval_chain(r, n->u.out);
		if (!r->err) {
			buf_add(&tmp, "", 0);
			lq_print(&tmp, v, LQ_PRINT_OUTPUT, &r->fuel);
			emit(r, out, tmp.data, tmp.len);
		}
		lq_unref(v);
		break;
	case N_IF:
		for (br = n->u.ifs.branches; br != NULL && !r->err;
		    br = br->next) {
			hit = br->is_else || eval_cond(r, br->c, br->nc);
			if (br == n->u.ifs.branches && n->u.ifs.unless &&
			    !r->err)
				hit = !hit;
			if (hit && !r->err) {
				render_body(r, &br->body, out);
				break;
			}
		}
		break;
	case N_CASE:
		render_case(r, n, out);
		break;
	case N_FOR:
		render_for(r, n, out);
		break;
	case N_BREAK:
	case N_CONTINUE:
		r->interrupt = n->kind;
		break;
	case N_ASSIGN:
		v = eval_chain(r, n->u.set.val);
		if (r->err)
			lq_unref(v);
		else
			set_var(r, n->u.set.var, n->u.set.varlen, v);
		break;
	case N_CAPTURE:
		buf_add(&tmp, "", 0);
		render_body(r, &n->u.set.body, &tmp);
		set_var(r, n->u.set.var, n->u.set.varlen, lq_string_buf(&tmp));
		break;
	case N_HIGHLIGHT:
		render_highlight(r, n, out);
		break;
	case N_POST_URL:
	case N_LINK:
		if (n->kind == N_POST_URL) {
			s = xstrdup(n->u.url.name[0] == '/' ? n->u.url.name + 1 :
			    n->u.url.name);
			url = r->env->post_url == NULL ? NULL :
			    r->env->post_url(s, r->env->arg);
		} else {
			buf_add(&tmp, "", 0);
			render_body(r, &n->u.url.body, &tmp);
			s = buf_take(&tmp);
			url = r->env->link == NULL || r->err ? NULL :
			    r->env->link(s[0] == '/' ? s + 1 : s, r->env->arg);
		}
		if (url == NULL)
			fail(r, "%s: could not find %s '%s'", n->kind ==
			    N_POST_URL ? "post_url" : "link", n->kind ==
			    N_POST_URL ? "post" : "document", s);
		else {
			lqfilter_relative_url(&tmp, url, r->env->baseurl != NULL ?
			    r->env->baseurl : "");
			emit(r, out, tmp.data != NULL ? tmp.data : "", tmp.len);
		}
		free(url);
		free(s);
		break;
	case N_INCLUDE:
		render_include(r, n, out);
		break;
	case N_NOP:
		break;
	}
	buf_free(&tmp);
}

/* Whether a case's subject equals a when value. */
static int
when_matches(struct render *r, const struct lq_value *subject,
    const struct expr *subj_e, const struct expr *w)
{
	struct lq_value	*v = eval(r, w);
	int		 res;

	res = equal_vars(r, subj_e, subject, w, v);
	lq_unref(v);
	return (res);
}

/*
 * {% case %}: every when that matches renders (a when with two matching
 * values renders twice), an else only if no when before it matched.
 */
static void
render_case(struct render *r, struct node *n, struct buf *out)
{
	struct lq_value	*subject = eval(r, n->u.cas.subject);
	struct branch	*br;
	size_t		 i;
	int		 matched = 0;

	for (br = n->u.cas.branches; br != NULL && !r->err && !r->stop &&
	    !r->interrupt; br = br->next) {
		if (br->is_else) {
			if (!matched)
				render_body(r, &br->body, out);
			continue;
		}
		for (i = 0; i < br->nwhens && !r->err && !r->interrupt; i++) {
			if (when_matches(r, subject, n->u.cas.subject,
			    br->whens[i])) {
				matched = 1;
				render_body(r, &br->body, out);
			}
		}
	}
	lq_unref(subject);
}

/* {% for %}: the collection sliced by offset and limit, never copied. */
static void
render_for(struct render *r, struct node *n, struct buf *out)
{
	struct lq_value	*coll, *v, *fl, *scope, *item, *parent;
	int64_t		 from = 0, lim = -1, count, start, stop, i, k;

	coll = eval(r, n->u.loop.coll);
	if (n->u.loop.offset != NULL) {
		v = eval(r, n->u.loop.offset);
		if (v->type != LQ_NIL && lqfilter_to_integer(v, &from) == -1)
			fail(r, "for: offset is not an integer");
		lq_unref(v);
	}
	if (n->u.loop.limit != NULL) {
		v = eval(r, n->u.loop.limit);
		if (v->type != LQ_NIL && lqfilter_to_integer(v, &lim) == -1)
			fail(r, "for: limit is not an integer");
		else if (v->type != LQ_NIL && lim < 0)
			lim = 0;
		lq_unref(v);
	}
	if (r->err) {
		lq_unref(coll);
		return;
	}
	switch (coll->type) {
	case LQ_ARRAY:
		count = (int64_t)coll->u.a.n;
		break;
	case LQ_HASH:
		count = (int64_t)coll->u.h.n;
		break;
	case LQ_RANGE:
		count = coll->u.r.last < coll->u.r.first ? 0 :
		    coll->u.r.last - coll->u.r.first + 1;
		if (count < 0)
			count = INT64_MAX;	/* overflowed: huge anyway */
		break;
	case LQ_STRING:
		/* A string is one item, offset and limit ignored. */
		count = coll->u.s.len > 0;
		from = 0;
		lim = -1;
		break;
	default:
		count = 0;
		break;
	}
	/* Items from <= index < from + limit. */
	start = from < 0 ? 0 : from;
	stop = count;
	if (lim >= 0 && from + lim < stop)
		stop = from + lim;
	if (stop < start)
		stop = start;
	if (start >= count || stop == start) {
		lq_unref(coll);
		render_body(r, &n->u.loop.els, out);
		return;
	}
	parent = r->nloops > 0 ? r->loops[r->nloops - 1] : lq_nil();
	for (i = 0; i < stop - start && !r->stop && !r->err; i++) {
		if (r->iterations >= LIQUID_MAX_ITERATIONS) {
			limit(r, n->line, "more than %d loop iterations; "
			    "rendering stopped", LIQUID_MAX_ITERATIONS);
			break;
		}
		r->iterations++;
		r->fuel--;
		k = start + (n->u.loop.reversed ? stop - start - 1 - i : i);
		switch (coll->type) {
		case LQ_ARRAY:
			item = lq_ref(coll->u.a.v[k]);
			break;
		case LQ_HASH:
			item = lq_array();
			lq_array_push(item, lq_stringn(coll->u.h.e[k].key,
			    coll->u.h.e[k].keylen));
			lq_array_push(item, lq_ref(coll->u.h.e[k].value));
			break;
		case LQ_RANGE:
			item = lq_int(coll->u.r.first + k);
			break;
		default:
			item = lq_ref(coll);
			break;
		}
		fl = lq_hash();
		lq_hash_set(fl, "name", lq_stringn(n->u.loop.name,
		    n->u.loop.namelen));
		lq_hash_set(fl, "length", lq_int(stop - start));
		lq_hash_set(fl, "index", lq_int(i + 1));
		lq_hash_set(fl, "index0", lq_int(i));
		lq_hash_set(fl, "rindex", lq_int(stop - start - i));
		lq_hash_set(fl, "rindex0", lq_int(stop - start - i - 1));
		lq_hash_set(fl, "first", lq_bool(i == 0));
		lq_hash_set(fl, "last", lq_bool(i == stop - start - 1));
		lq_hash_set(fl, "parentloop", lq_ref(parent));
		scope = lq_hash();
		lq_hash_setn(scope, n->u.loop.var, n->u.loop.varlen, item);
		lq_hash_set(scope, "forloop", lq_ref(fl));
		push_scope(r, scope);
		if (r->nloops == r->loopcap) {
			r->loopcap = r->loopcap == 0 ? 8 : r->loopcap * 2;
			r->loops = xreallocarray(r->loops, r->loopcap,
			    sizeof *r->loops);
		}
		r->loops[r->nloops++] = fl;
		render_body(r, &n->u.loop.body, out);
		lq_unref(r->loops[--r->nloops]);
		pop_scope(r);
		if (r->interrupt == N_BREAK) {
			r->interrupt = 0;
			break;
		}
		r->interrupt = 0;
	}
	lq_unref(coll);
}

/*
 * {% highlight %} as Jekyll 4.3.1 with rouge 3.30 writes it, without the
 * colouring spans: the rendered body loses its leading and trailing
 * newlines (\A(\n|\r)+ and (\n|\r)+\z), is escaped (& < > only, as
 * rouge does) and wrapped:
 *
 *   <figure class="highlight"><pre><code class="language-ruby"
 *   data-lang="ruby">CODE</code></pre></figure>
 *
 * (one line).  With linenos (any value) rouge's table comes inside the
 * code element, a line number per line of CODE and CODE ending in a
 * newline:
 *
 *   <table class="rouge-table"><tbody><tr><td class="gutter gl"><pre
 *   class="lineno">1\n2\n</pre></td><td class="code"><pre>CODE\n</pre>
 *   </td></tr></tbody></table>
 *
 * The language is lower-cased; its class has "+" made "-" (c++ gives
 * class="language-c--" data-lang="c++").
 */
static void
render_highlight(struct render *r, struct node *n, struct buf *out)
{
	struct buf	 code = BUF_INIT, html = BUF_INIT;
	const char	*s;
	size_t		 len, i, lines;

	buf_add(&code, "", 0);
	render_body(r, &n->u.hl.body, &code);
	if (r->err || r->stop) {
		buf_free(&code);
		return;
	}
	s = code.data;
	len = code.len;
	while (len > 0 && (*s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	buf_adds(&html, "<figure class=\"highlight\"><pre><code class="
	    "\"language-");
	for (i = 0; n->u.hl.lang[i] != '\0'; i++)
		buf_addc(&html, n->u.hl.lang[i] == '+' ? '-' : n->u.hl.lang[i]);
	buf_addf(&html, "\" data-lang=\"%s\">", n->u.hl.lang);
	if (n->u.hl.linenos) {
		for (i = 0, lines = 1; i < len; i++)
			lines += s[i] == '\n';
		buf_adds(&html, "<table class=\"rouge-table\"><tbody><tr>"
		    "<td class=\"gutter gl\"><pre class=\"lineno\">");
		for (i = 1; i <= lines; i++)
			buf_addf(&html, "%zu\n", i);
		buf_adds(&html, "</pre></td><td class=\"code\"><pre>");
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '&')
			buf_adds(&html, "&amp;");
		else if (s[i] == '<')
			buf_adds(&html, "&lt;");
		else if (s[i] == '>')
			buf_adds(&html, "&gt;");
		else
			buf_addc(&html, s[i]);
	}
	if (n->u.hl.linenos)
		buf_adds(&html, "\n</pre></td></tr></tbody></table>");
	buf_adds(&html, "</code></pre></figure>");
	buf_free(&code);
	if (r->env->stash != NULL && r->stash_ok &&
	    stash_block(r, buf_take(&html), out) == 0)
		return;
	emit(r, out, html.data, html.len);
	buf_free(&html);
}

/*
 * Put block (taken) in the stash and its placeholder paragraph in out;
 * -1 if the output has no room.
 */
static int
stash_block(struct render *r, char *block, struct buf *out)
{
	struct liquid_stash *st = r->env->stash;
	char		 token[64];
	int		 n;

	n = snprintf(token, sizeof token, "\n\n%sX%zuY\n\n", st->prefix,
	    st->n);
	emit(r, out, token, (size_t)n);
	if (r->stop) {
		free(block);
		return (0);
	}
	if (st->n == st->cap) {
		st->cap = st->cap == 0 ? 8 : st->cap * 2;
		st->blocks = xreallocarray(st->blocks, st->cap,
		    sizeof *st->blocks);
	}
	st->blocks[st->n++] = block;
	return (0);
}

/*
 * Whether an include name is one Jekyll takes ([\w/.\-()+~#@]+, no ".."
 * "./" "//" or any pair of those) and stays in the folder (no leading /).
 */
static int
valid_include_name(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '/')
		return (0);
	for (p = s; *p != '\0'; p++) {
		if (!is_word((unsigned char)*p) && strchr("/.-()+~#@", *p) ==
		    NULL)
			return (0);
		if ((*p == '.' || *p == '/') && (p[1] == '.' || p[1] == '/'))
			return (0);
	}
	return (1);
}

/* The parsed include (from the render's cache), or NULL after failing. */
static struct tmpl *
load_include(struct render *r, const char *name, int relative)
{
	struct incl	*in;
	struct buf	 text = BUF_INIT;
	char		*cause = NULL;
	int		(*read)(const char *, struct buf *, char **, void *);
	int		 rc;

	for (in = r->incls; in != NULL; in = in->next) {
		if (in->relative == relative && strcmp(in->name, name) == 0) {
			if (in->t == NULL)
				fail(r, "include: '%s' could not be read",
				    name);
			return (in->t);
		}
	}
	read = relative ? r->env->include_relative : r->env->include;
	if (read == NULL) {
		fail(r, "%s is not available", relative ? "include_relative" :
		    "include");
		return (NULL);
	}
	if (r->incl_bytes >= LIQUID_MAX_INCLUDE_TOTAL) {
		fail(r, "include: more than %d bytes of includes",
		    LIQUID_MAX_INCLUDE_TOTAL);
		return (NULL);
	}
	in = xcalloc(1, sizeof *in);
	in->name = xstrdup(name);
	in->relative = relative;
	in->next = r->incls;
	r->incls = in;
	rc = read(name, &text, &cause, r->env->arg);
	if (rc == -1 || text.len > LIQUID_MAX_INCLUDE_SIZE) {
		fail(r, "include: %s: %s", name, rc == -1 ? (cause != NULL ?
		    cause : "cannot read") : "file too large");
		free(cause);
		buf_free(&text);
		return (NULL);
	}
	r->incl_bytes += text.len;
	in->t = xcalloc(1, sizeof *in->t);
	buf_add(&text, "", 0);
	in->t->src = buf_take(&text);
	parse_template(r, in->t, in->t->src, strlen(in->t->src), 1);
	return (in->t);
}

/*
 * {% include %}: the file's template rendered here, with the parameters
 * as the include variable in a scope of its own.
 */
static void
render_include(struct render *r, struct node *n, struct buf *out)
{
	struct lq_value	*params = NULL, *v;
	struct tmpl	*t;
	struct buf	 name = BUF_INIT;
	size_t		 i;
	int		 top = r->top_line;
	char		*file, *where;

	if (n->u.inc.file != NULL)
		buf_adds(&name, n->u.inc.file);
	else {
		render_body(r, &n->u.inc.tmpl, &name);
		if (r->err) {
			buf_free(&name);
			return;
		}
	}
	buf_add(&name, "", 0);
	file = buf_take(&name);
	if (!valid_include_name(file)) {
		fail(r, "include: invalid file name '%s'", file);
		free(file);
		return;
	}
	if (r->incl_depth >= LIQUID_MAX_INCLUDE_DEPTH) {
		limit(r, n->line, "includes nested more than %d deep "
		    "(an include loop?)", LIQUID_MAX_INCLUDE_DEPTH);
		free(file);
		return;
	}
	if (n->u.inc.nparams > 0) {
		params = lq_hash();
		for (i = 0; i < n->u.inc.nparams; i++) {
			v = n->u.inc.params[i].lit != NULL ?
			    lq_ref(n->u.inc.params[i].lit) :
			    eval(r, n->u.inc.params[i].var);
			lq_hash_setn(params, n->u.inc.params[i].key,
			    n->u.inc.params[i].keylen, v);
		}
	}
	/* Diagnostics from inside name the include and their line in it. */
	where = r->where.len > 0 ? xstrdup(r->where.data) : NULL;
	if (r->incl_depth == 0)
		r->top_line = n->line;
	buf_reset(&r->where);
	buf_addf(&r->where, "in %s%s", n->u.inc.relative ? "" :
	    "_includes/", file);
	r->incl_depth++;
	t = load_include(r, file, n->u.inc.relative);
	if (t != NULL && !r->err) {
		v = lq_hash();
		if (params != NULL)
			lq_hash_set(v, "include", params);
		push_scope(r, v);
		render_body(r, &t->body, out);
		pop_scope(r);
	} else
		lq_unref(params);
	r->incl_depth--;
	buf_reset(&r->where);
	if (where != NULL)
		buf_adds(&r->where, where);
	free(where);
	r->top_line = top;
	free(file);
}

/* Render a template. */
int
liquid_render(const char *src, size_t len, int first_line,
    const struct liquid_env *env, struct buf *out, struct buf *diags)
{
	struct render	 r;
	struct tmpl	*t;
	struct incl	*in, *next_in;
	struct buf	 res = BUF_INIT;
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	memset(&r, 0, sizeof r);
	r.env = env;
	r.diag = diags;
	r.first_line = first_line;
	r.fuel = LIQUID_MAX_WORK;
	r.max_output = env->max_output;
	if (r.max_output == 0) {
		r.max_output = LIQUID_MAX_OUTPUT;
		if (len > r.max_output / 2)
			r.max_output = len < LIQUID_MAX_OUTPUT_CEIL / 2 ?
			    2 * len : LIQUID_MAX_OUTPUT_CEIL;
	}
	r.bytes = r.max_output <= SIZE_MAX / LIQUID_MAX_TEXT ?
	    LIQUID_MAX_TEXT * r.max_output : SIZE_MAX;
	if (env->stash != NULL) {
		struct liquid_stash *st = env->stash;

		/* A prefix from the text that the text does not hold. */
		while (st->prefix[0] == '\0') {
			for (i = 0; i < len; i++) {
				h ^= (unsigned char)src[i];
				h *= 1099511628211ULL;
			}
			snprintf(st->prefix, sizeof st->prefix, "LQ%016llx",
			    (unsigned long long)h);
			if (memmem(src, len, st->prefix, strlen(st->prefix)) !=
			    NULL)
				st->prefix[0] = '\0';
		}
		r.stash_ok = memmem(src, len, st->prefix,
		    strlen(st->prefix)) == NULL;
	}
	push_scope(&r, lq_hash());
	t = xcalloc(1, sizeof *t);
	parse_template(&r, t, src, len, 1);
	buf_add(&res, "", 0);
	render_body(&r, &t->body, &res);
	buf_add(out, res.data, res.len);
	buf_free(&res);
	if (r.suppressed > 0 && diags != NULL)
		buf_addf(diags, "%d: %d more diagnostics not shown\n",
		    first_line, r.suppressed);

	while (r.nscopes > 0)
		pop_scope(&r);
	free(r.scopes);
	free(r.loops);
	for (in = r.incls; in != NULL; in = next_in) {
		next_in = in->next;
		tmpl_free(in->t);
		free(in->name);
		free(in);
	}
	tmpl_free(t);
	buf_free(&r.errmsg);
	buf_free(&r.where);
	return (r.ndiag > 0 ? -1 : 0);
}

/* A new stash. */
struct liquid_stash *
liquid_stash_new(void)
{
	return (xcalloc(1, sizeof (struct liquid_stash)));
}

/* Free a stash and its blocks. */
void
liquid_stash_free(struct liquid_stash *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->blocks[i]);
	free(st->blocks);
	free(st);
}

/* Blocks in a stash. */
size_t
liquid_stash_count(const struct liquid_stash *st)
{
	return (st->n);
}

/* Put the stashed blocks back in place of their placeholders. */
char *
liquid_unstash(const struct liquid_stash *st, const char *html)
{
	struct buf	 b = BUF_INIT;
	const char	*p = html, *at, *q;
	size_t		 plen = strlen(st->prefix), idx;
	char		*end;

	buf_add(&b, "", 0);
	if (st->n == 0 || plen == 0) {
		buf_adds(&b, html);
		return (buf_take(&b));
	}
	while ((at = strstr(p, st->prefix)) != NULL) {
		q = at + plen;
		if (*q != 'X' || !isdigit((unsigned char)q[1])) {
			buf_add(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		idx = strtoul(q + 1, &end, 10);
		if (*end != 'Y' || idx >= st->n) {
			buf_add(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		q = end + 1;
		/* md4c makes the placeholder a paragraph of its own. */
		if (at - p >= 3 && strncmp(at - 3, "<p>", 3) == 0 &&
		    strncmp(q, "</p>", 4) == 0) {
			at -= 3;
			q += 4;
		}
		buf_add(&b, p, (size_t)(at - p));
		buf_adds(&b, st->blocks[idx]);
		p = q;
	}
	buf_adds(&b, p);
	return (buf_take(&b));
}
