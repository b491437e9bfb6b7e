/*
 * kramdown's smart quotes and typographic symbols.
 *
 * kramdown scans text for the first place a span parser can start.  Its
 * smart-quote parser starts at a quote or at the one character before
 * it (unless a backslash), and then tries the rules of
 * Kramdown::Parser::Kramdown::SQ_RULES (kramdown 2.4, smart_quotes.rb) in
 * order at that place; the rules below are those regular expressions
 * written out.  Its typographic parser turns ---, --, ..., << and >> into
 * symbols (Jekyll's smartify runs no other parser: backslashes stay).
 * Ruby's \w, \s and \d are ASCII there.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "smarty.h"
#include "xmalloc.h"

#define LDQUO	"\xe2\x80\x9c"
#define RDQUO	"\xe2\x80\x9d"
#define LSQUO	"\xe2\x80\x98"
#define RSQUO	"\xe2\x80\x99"
#define NDASH	"\xe2\x80\x93"
#define MDASH	"\xe2\x80\x94"
#define HELLIP	"\xe2\x80\xa6"
#define LAQUO	"\xc2\xab"
#define RAQUO	"\xc2\xbb"
#define NBSP	"\xc2\xa0"

/* Text being converted: bytes, and what was already emitted of them. */
struct scan {
	const char	*s;
	size_t		 n;
	struct buf	*out;
	int		 html;		/* escape <, >, & and " as HTML */
};

static int	is_quote(int);
static int	is_ws(int);
static int	is_word(int);
static int	is_punct(int);
static int	is_close(int);
static size_t	char_len(const char *, size_t, size_t);
static int	at(const struct scan *, size_t);
static int	entity_at(const char *, size_t);
static void	emit(const struct scan *, size_t, size_t);
static void	quote(const struct scan *, int, int);
static size_t	smart_quote(const struct scan *, size_t);
static size_t	typographic(const struct scan *, size_t);
static int	starts(const struct scan *, size_t);
static void	convert(const struct scan *);
static void	decode_text(struct buf *, const char *, size_t);

static int
is_quote(int c)
{
	return (c == '"' || c == '\'');
}

/* Ruby's \s. */
static int
is_ws(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v');
}

/* Ruby's \w, ASCII. */
static int
is_word(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/* SQ_PUNCT. */
static int
is_punct(int c)
{
	return (c > 0 && strchr("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~", c) !=
	    NULL);
}

/* SQ_CLOSE: any character but white space, backslash, [, {, ( and -. */
static int
is_close(int c)
{
	return (c >= 0 && (c >= 0x80 || strchr(" \\\t\r\n[{(-", c) == NULL));
}

/* Length of the UTF-8 character at i (1 for a stray byte). */
static size_t
char_len(const char *s, size_t n, size_t i)
{
	size_t	 len = 1;

	if ((unsigned char)s[i] >= 0xc0)
		while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
			len++;
	return (len);
}

/* The byte at i, or -1 past the end. */
static int
at(const struct scan *sc, size_t i)
{
	return (i < sc->n ? (unsigned char)sc->s[i] : -1);
}

/* Whether an entity (&name; or &#123;) starts at s, n bytes long. */
static int
entity_at(const char *s, size_t n)
{
	size_t	 i = 1;

	if (i < n && s[i] == '#')
		i++;
	while (i < n && i < 32 && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return (i > 1 && i < n && s[i] == ';');
}

/* Emit bytes [from, to) as text. */
static void
emit(const struct scan *sc, size_t from, size_t to)
{
	size_t	 i, run = from;

	if (!sc->html) {
		buf_add(sc->out, sc->s + from, to - from);
		return;
	}
	/* Runs of plain characters go in whole. */
	for (i = from; i < to; i++) {
		if (sc->s[i] != '<' && sc->s[i] != '>' && sc->s[i] != '&' &&
		    sc->s[i] != '"')
			continue;
		if (sc->s[i] == '&' && entity_at(sc->s + i, sc->n - i))
			continue;
		buf_add(sc->out, sc->s + run, i - run);
		buf_adds(sc->out, sc->s[i] == '<' ? "&lt;" : sc->s[i] == '>' ?
		    "&gt;" : sc->s[i] == '&' ? "&amp;" : "&quot;");
		run = i + 1;
	}
	buf_add(sc->out, sc->s + run, to - run);
}

/* Emit the curly form of quote character c, opening or closing. */
static void
quote(const struct scan *sc, int c, int open)
{
	if (c == '"')
		buf_adds(sc->out, open ? LDQUO : RDQUO);
	else
		buf_adds(sc->out, open ? LSQUO : RSQUO);
}

/*
 * The smart-quote rules, anchored at p (a quote, or the character before
 * one).  Emits what they make and returns where scanning goes on.
 */
static size_t
smart_quote(const struct scan *sc, size_t p)
{
	int	 c = at(sc, p), c1 = at(sc, p + 1), c2 = at(sc, p + 2);
	size_t	 ws, j;

	/* ("|')(?=[_*]{1,2}\S) */
	if (is_quote(c) && (c1 == '_' || c1 == '*') && c2 != -1 &&
	    !is_ws(c2)) {
		quote(sc, c, 1);
		return (p + 1);
	}
	/* ("|')(?=SQ_PUNCT(?!\.\.)\B) */
	if (is_quote(c) && is_punct(c1) && !(c1 == '.' && c2 == '.') &&
	    (c1 == '_' ? is_word(c2) : !is_word(c2))) {
		quote(sc, c, 0);
		return (p + 1);
	}
	/* (\s?)"'(?=\w), (\s?)'"(?=\w), (\s?)'(?=\d\ds) */
	for (ws = is_ws(c) ? 1 : 0;; ws--) {
		int	 a = at(sc, p + ws), b = at(sc, p + ws + 1);
		int	 d = at(sc, p + ws + 2);

		if (is_quote(a) && is_quote(b) && a != b && is_word(d)) {
			emit(sc, p, p + ws);
			quote(sc, a, 1);
			quote(sc, b, 1);
			return (p + ws + 2);
		}
		if (a == '\'' && b >= '0' && b <= '9' && d >= '0' && d <= '9' &&
		    at(sc, p + ws + 3) == 's') {
			emit(sc, p, p + ws);
			quote(sc, a, 0);
			return (p + ws + 1);
		}
		if (ws == 0)
			break;
	}
	/* (\s)('|")(?=\w) */
	if (is_ws(c) && is_quote(c1) && is_word(c2)) {
		emit(sc, p, p + 1);
		quote(sc, c1, 1);
		return (p + 2);
	}
	/* (SQ_CLOSE\s*)('|") */
	if (is_close(c)) {
		for (j = p + char_len(sc->s, sc->n, p); is_ws(at(sc, j)); j++)
			;
		if (is_quote(at(sc, j))) {
			emit(sc, p, j);
			quote(sc, at(sc, j), 0);
			return (j + 1);
		}
	}
	/* ("|')(?=\s|s\b|$) */
	if (is_quote(c) && (c1 == -1 || is_ws(c1) || (c1 == 's' &&
	    !is_word(c2)))) {
		quote(sc, c, 0);
		return (p + 1);
	}
	/* (.?)' and (.?)" */
	if (is_quote(c)) {
		quote(sc, c, 1);
		return (p + 1);
	}
	j = p + char_len(sc->s, sc->n, p);
	emit(sc, p, j);
	quote(sc, at(sc, j), 1);
	return (j + 1);
}

/*
 * A typographic symbol at p: emits it and returns the length consumed,
 * or 0 if there is none.
 */
static size_t
typographic(const struct scan *sc, size_t p)
{
	static const struct {
		const char	*from;
		const char	*to;
	} syms[] = {
		{ "---", MDASH }, { "--", NDASH }, { "...", HELLIP },
		{ "\\<<", "<<" }, { "\\>>", ">>" }, { "<< ", LAQUO NBSP },
		{ " >>", NBSP RAQUO }, { "<<", LAQUO }, { ">>", RAQUO },
	};
	size_t	 i, len;

	for (i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		len = strlen(syms[i].from);
		if (p + len <= sc->n && memcmp(sc->s + p, syms[i].from,
		    len) == 0) {
			if (syms[i].to[0] == '<' || syms[i].to[0] == '>') {
				struct scan lit = *sc;

				lit.s = syms[i].to;
				lit.n = 2;
				emit(&lit, 0, 2);
			} else
				buf_adds(sc->out, syms[i].to);
			return (len);
		}
	}
	return (0);
}

/*
 * Whether a parser starts at character i: the smart-quote parser at a
 * quote or at the character before one (not a backslash), else the
 * typographic one.  Returns 1 for a smart quote, 2 for a symbol, 0 for
 * none.
 */
static int
starts(const struct scan *sc, size_t i)
{
	struct buf	 probe = BUF_INIT;
	struct scan	 t = *sc;
	size_t		 next = i + char_len(sc->s, sc->n, i), len;

	if (is_quote(sc->s[i]) || (sc->s[i] != '\\' && next < sc->n &&
	    is_quote(sc->s[next])))
		return (1);
	if (strchr("-.<>\\ ", sc->s[i]) == NULL)
		return (0);
	t.out = &probe;
	len = typographic(&t, i);
	buf_free(&probe);
	return (len > 0 ? 2 : 0);
}

/* Convert a whole text. */
static void
convert(const struct scan *sc)
{
	size_t	 cur = 0, i;
	int	 kind = 0;

	while (cur < sc->n) {
		for (i = cur; i < sc->n; i += char_len(sc->s, sc->n, i)) {
			if ((kind = starts(sc, i)) != 0)
				break;
		}
		emit(sc, cur, i);
		if (i >= sc->n)
			break;
		cur = kind == 1 ? smart_quote(sc, i) : i + typographic(sc, i);
	}
}

/* Plain text converted. */
char *
smarty_text(const char *s)
{
	struct buf	 out = BUF_INIT;
	struct scan	 sc = { s, strlen(s), &out, 0 };

	buf_add(&out, "", 0);
	convert(&sc);
	return (buf_take(&out));
}

/* Text of HTML with its quote and bracket entities as characters. */
static void
decode_text(struct buf *b, const char *s, size_t n)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = {
		{ "&quot;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' },
		{ "&apos;", '\'' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' },
	};
	const char	*amp, *end = s + n;
	size_t		 k, len;

	while ((amp = memchr(s, '&', (size_t)(end - s))) != NULL) {
		buf_add(b, s, (size_t)(amp - s));
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
			len = strlen(ents[k].ent);
			if ((size_t)(end - amp) >= len &&
			    memcmp(amp, ents[k].ent, len) == 0)
				break;
		}
		if (k < sizeof ents / sizeof ents[0]) {
			buf_addc(b, ents[k].c);
			s = amp + strlen(ents[k].ent);
		} else {
			buf_addc(b, '&');
			s = amp + 1;
		}
	}
	buf_add(b, s, (size_t)(end - s));
}

/* HTML with its text converted. */
char *
smarty_html(const char *html)
{
	static const char *const verbatim[] = { "code", "pre", "kbd", "samp",
	    "script", "style", "math", NULL };
	struct buf	 out = BUF_INIT, text = BUF_INIT;
	const char	*p = html, *end, *name;
	struct scan	 sc;
	size_t		 n;
	int		 skip = 0, k, closing;

	buf_add(&out, "", 0);
	while (*p != '\0') {
		if (*p == '<') {
			/* A tag or comment is copied as it is. */
			if (strncmp(p, "<!--", 4) == 0 &&
			    (end = strstr(p + 4, "-->")) != NULL)
				end += 3;
			else if ((end = strchr(p, '>')) != NULL)
				end++;
			else
				end = p + strlen(p);
			closing = p[1] == '/';
			name = p + 1 + closing;
			for (k = 0; verbatim[k] != NULL; k++) {
				n = strlen(verbatim[k]);
				if (strncasecmp(name, verbatim[k], n) == 0 &&
				    !((name[n] >= 'a' && name[n] <= 'z') ||
				    (name[n] >= '0' && name[n] <= '9'))) {
					skip += closing ? (skip > 0 ? -1 : 0) :
					    1;
					break;
				}
			}
			buf_add(&out, p, (size_t)(end - p));
			p = end;
			continue;
		}
		for (end = p; *end != '\0' && *end != '<'; end++)
			;
		if (skip > 0)
			buf_add(&out, p, (size_t)(end - p));
		else {
			buf_reset(&text);
			buf_add(&text, "", 0);
			decode_text(&text, p, (size_t)(end - p));
			sc.s = text.data;
			sc.n = text.len;
			sc.out = &out;
			sc.html = 1;
			convert(&sc);
		}
		p = end;
	}
	buf_free(&text);
	return (buf_take(&out));
}
