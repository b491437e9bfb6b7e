/*
 * Markdown to kramdown-shaped HTML over md4c's parser.
 */
#include <ctype.h>
#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "strmap.h"
#include "text.h"
#include "xmalloc.h"

/* The md4c extensions kramdown's GFM input has (no bare-URL links). */
#define MD_FLAGS	(MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | \
			 MD_FLAG_TASKLISTS)

struct renderer {
	struct buf	*doc;		/* the document */
	struct buf	*out;		/* doc, or a header's content */
	struct buf	 heading;	/* an open header's content */
	struct buf	 heading_text;	/* ...and its text, for the id */
	int		 in_heading;
	int		 level;
	struct strmap	*ids;		/* header ids used, for repeats */
	int		 image;		/* inside an image (its alt text) */
	struct buf	 alt;
	char		*img_src;	/* the outermost image's, escaped */
	char		*img_title;
	int		 code_block;	/* inside a code block */
	size_t		*lists;		/* where each open list's name ends, */
	size_t		 nlists;	/* or SIZE_MAX once it has its class */
	size_t		 lists_cap;
	int		 span_closed;	/* the last event closed a span */
	size_t		 img_end;	/* ...an image, whose " />" is here */
};

static void	escape(struct buf *, const char *, size_t, int);
static void	open_list(struct renderer *, const char *);
static void	mark_task_list(struct renderer *);
static void	insert(struct buf *, size_t, const char *, size_t);
static void	ial_attributes(struct buf *, const char *, size_t);
static void	attribute(struct buf *, const MD_ATTRIBUTE *);
static char	*attribute_string(const MD_ATTRIBUTE *);
static void	heading_id(struct renderer *, struct buf *);
static int	enter_block(MD_BLOCKTYPE, void *, void *);
static int	leave_block(MD_BLOCKTYPE, void *, void *);
static int	enter_span(MD_SPANTYPE, void *, void *);
static int	leave_span(MD_SPANTYPE, void *, void *);
static int	text(MD_TEXTTYPE, const MD_CHAR *, MD_SIZE, void *);
static void	drop_attribute_lines(struct buf *, const char *, size_t);

/*
 * Append text with &, < and > escaped, and " too in an attribute; text
 * keeps its quotes, as kramdown's does, for smarty to curl.
 */
static void
escape(struct buf *b, const char *s, size_t n, int in_attribute)
{
	const char	*p, *run = s;

	for (p = s; p < s + n; p++) {
		const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" :
		    *p == '>' ? "&gt;" : *p == '"' && in_attribute ? "&quot;" :
		    NULL;

		if (e == NULL)
			continue;
		buf_add(b, run, (size_t)(p - run));
		buf_adds(b, e);
		run = p + 1;
	}
	buf_add(b, run, (size_t)(s + n - run));
}

/* Append an attribute's value, escaped; entities stay entities. */
static void
attribute(struct buf *b, const MD_ATTRIBUTE *a)
{
	size_t	 i, off, end;

	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		off = a->substr_offsets[i];
		end = a->substr_offsets[i + 1];
		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY:
			buf_add(b, a->text + off, end - off);
			break;
		case MD_TEXT_NULLCHAR:
			buf_adds(b, "\xef\xbf\xbd");
			break;
		default:
			escape(b, a->text + off, end - off, 1);
			break;
		}
	}
}

/* An attribute's value, escaped (new string). */
static char *
attribute_string(const MD_ATTRIBUTE *a)
{
	struct buf	 b = BUF_INIT;

	buf_add(&b, "", 0);
	attribute(&b, a);
	return (buf_take(&b));
}

/*
 * Append kramdown's GFM id for a header whose text is in
 * r->heading_text: lower case, what is neither a letter, a mark, a
 * digit, '_', '-' nor a space dropped, spaces made '-', and "-1", "-2"
 * added to a repeated one.
 */
static void
heading_id(struct renderer *r, struct buf *b)
{
	struct buf	 id = BUF_INIT;
	const char	*s;
	char		*lower;
	uint32_t	 cp;
	size_t		 len, n;
	uintptr_t	 seen;

	buf_add(&id, "", 0);
	lower = text_lower(r->heading_text.data != NULL ?
	    r->heading_text.data : "");
	for (s = lower; *s != '\0'; s += n) {
		len = strlen(s);
		if ((n = text_utf8_next(s, len, &cp)) == 0) {
			n = 1;
			continue;
		}
		if (cp == ' ')
			buf_addc(&id, '-');
		else if (cp == '-' || cp == '_' || text_is_alnum(cp))
			buf_add(&id, s, n);
	}
	free(lower);
	seen = (uintptr_t)strmap_get(r->ids, id.data);
	strmap_put(r->ids, id.data, (void *)(seen + 1));
	escape(b, id.data, id.len, 1);
	if (seen > 0)
		buf_addf(b, "-%zu", (size_t)seen);
	buf_free(&id);
}

/* md4c: a block opens. */
/* Open a list, remembering where its class would go. */
static void
open_list(struct renderer *r, const char *tag)
{
	if (r->nlists == r->lists_cap) {
		r->lists_cap = r->lists_cap == 0 ? 8 : r->lists_cap * 2;
		r->lists = xreallocarray(r->lists, r->lists_cap,
		    sizeof *r->lists);
	}
	buf_adds(r->out, tag);
	r->lists[r->nlists++] = r->out->len;
	buf_adds(r->out, ">\n");
}

/* kramdown gives a list holding a task item the class "task-list". */
static void
mark_task_list(struct renderer *r)
{
	static const char class[] = " class=\"task-list\"";

	if (r->nlists == 0 || r->lists[r->nlists - 1] == SIZE_MAX)
		return;
	insert(r->out, r->lists[r->nlists - 1], class, sizeof class - 1);
	r->lists[r->nlists - 1] = SIZE_MAX;
}

/* Insert n bytes into b at offset at. */
static void
insert(struct buf *b, size_t at, const char *s, size_t n)
{
	buf_reserve(b, n);
	memmove(b->data + at + n, b->data + at, b->len - at + 1);
	memcpy(b->data + at, s, n);
	b->len += n;
}

/*
 * Append the attributes of an inline attribute list's inside
 * (".a #id key=\"v\" k='v'") as kramdown writes them: in their order,
 * the classes joined where the first one stood; an unquoted value is
 * ignored, as kramdown ignores it.  Values are escaped.
 */
static void
ial_attributes(struct buf *out, const char *s, size_t n)
{
	struct buf	 classes = BUF_INIT;
	const char	*end = s + n, *name, *value;
	size_t		 name_len, class_at = SIZE_MAX;
	char		 kind, quote;

	while (s < end) {
		kind = *s == '.' || *s == '#' ? *s++ : '=';
		for (name = s; s < end && (isalnum((unsigned char)*s) ||
		    *s == '-' || *s == '_' || *s == ':'); s++)
			;
		name_len = (size_t)(s - name);
		if (name_len == 0) {
			s++;
			continue;
		}
		if (kind == '.') {
			if (class_at == SIZE_MAX)
				class_at = out->len;
			else
				buf_addc(&classes, ' ');
			buf_add(&classes, name, name_len);
		} else if (kind == '#') {
			buf_adds(out, " id=\"");
			escape(out, name, name_len, 1);
			buf_addc(out, '"');
		} else if (end - s >= 2 && s[0] == '=' &&
		    (s[1] == '"' || s[1] == '\'')) {
			quote = s[1];
			value = s += 2;
			while (s < end && *s != quote)
				s++;
			buf_addc(out, ' ');
			buf_add(out, name, name_len);
			buf_adds(out, "=\"");
			escape(out, value, (size_t)(s - value), 1);
			buf_addc(out, '"');
			if (s < end)
				s++;
		}
	}
	if (class_at != SIZE_MAX) {
		struct buf attribute = BUF_INIT;

		buf_adds(&attribute, " class=\"");
		escape(&attribute, classes.data, classes.len, 1);
		buf_addc(&attribute, '"');
		insert(out, class_at, attribute.data, attribute.len);
		buf_free(&attribute);
	}
	buf_free(&classes);
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct renderer	*r = arg;
	MD_BLOCK_CODE_DETAIL *code;
	MD_BLOCK_LI_DETAIL *li;
	MD_BLOCK_TD_DETAIL *td;

	r->span_closed = 0;
	r->img_end = SIZE_MAX;
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE:
		buf_adds(r->out, "<blockquote>\n");
		break;
	case MD_BLOCK_UL:
		open_list(r, "<ul");
		break;
	case MD_BLOCK_OL:
		/* kramdown ignores the first item's number. */
		open_list(r, "<ol");
		break;
	case MD_BLOCK_LI:
		li = detail;
		if (li->is_task) {
			mark_task_list(r);
			buf_addf(r->out, "<li class=\"task-list-item\"><input "
			    "type=\"checkbox\" class=\"task-list-item-checkbox\" "
			    "disabled=\"disabled\"%s />", li->task_mark != ' ' ?
			    " checked=\"checked\"" : "");
		} else
			buf_adds(r->out, "<li>");
		break;
	case MD_BLOCK_HR:
		buf_adds(r->out, "<hr />\n");
		break;
	case MD_BLOCK_H:
		r->level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		r->in_heading = 1;
		buf_reset(&r->heading);
		buf_reset(&r->heading_text);
		r->out = &r->heading;
		break;
	case MD_BLOCK_CODE:
		code = detail;
		r->code_block = 1;
		buf_adds(r->out, "<div class=\"language-");
		if (code->lang.size > 0)
			attribute(r->out, &code->lang);
		else
			buf_adds(r->out, "plaintext");
		buf_adds(r->out, " highlighter-rouge\"><div class=\"highlight\">"
		    "<pre class=\"highlight\"><code>");
		break;
	case MD_BLOCK_HTML:
		break;
	case MD_BLOCK_P:
		buf_adds(r->out, "<p>");
		break;
	case MD_BLOCK_TABLE:
		buf_adds(r->out, "<table>\n");
		break;
	case MD_BLOCK_THEAD:
		buf_adds(r->out, "<thead>\n");
		break;
	case MD_BLOCK_TBODY:
		buf_adds(r->out, "<tbody>\n");
		break;
	case MD_BLOCK_TR:
		buf_adds(r->out, "<tr>\n");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		td = detail;
		buf_adds(r->out, type == MD_BLOCK_TH ? "<th" : "<td");
		if (td->align == MD_ALIGN_LEFT)
			buf_adds(r->out, " style=\"text-align: left\"");
		else if (td->align == MD_ALIGN_CENTER)
			buf_adds(r->out, " style=\"text-align: center\"");
		else if (td->align == MD_ALIGN_RIGHT)
			buf_adds(r->out, " style=\"text-align: right\"");
		buf_addc(r->out, '>');
		break;
	}
	return (0);
}

/* md4c: a block closes. */
static int
leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct renderer	*r = arg;

	(void)detail;
	r->span_closed = 0;
	r->img_end = SIZE_MAX;
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_HR:
	case MD_BLOCK_HTML:
		break;
	case MD_BLOCK_QUOTE:
		buf_adds(r->out, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		r->nlists--;
		buf_adds(r->out, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		r->nlists--;
		buf_adds(r->out, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		buf_adds(r->out, "</li>\n");
		break;
	case MD_BLOCK_H:
		r->out = r->doc;
		r->in_heading = 0;
		buf_addf(r->out, "<h%d id=\"", r->level);
		heading_id(r, r->out);
		buf_adds(r->out, "\">");
		buf_add(r->out, r->heading.data != NULL ? r->heading.data : "",
		    r->heading.len);
		buf_addf(r->out, "</h%d>\n", r->level);
		break;
	case MD_BLOCK_CODE:
		r->code_block = 0;
		buf_adds(r->out, "</code></pre></div></div>\n");
		break;
	case MD_BLOCK_P:
		buf_adds(r->out, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		buf_adds(r->out, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		buf_adds(r->out, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		buf_adds(r->out, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		buf_adds(r->out, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		buf_adds(r->out, "</th>\n");
		break;
	case MD_BLOCK_TD:
		buf_adds(r->out, "</td>\n");
		break;
	}
	return (0);
}

/* md4c: a span opens. */
static int
enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct renderer	*r = arg;
	MD_SPAN_A_DETAIL *a;
	MD_SPAN_IMG_DETAIL *img;

	r->span_closed = 0;
	r->img_end = SIZE_MAX;
	/* Inside an image only text counts: it is the alt text. */
	if (r->image > 0) {
		if (type == MD_SPAN_IMG)
			r->image++;
		return (0);
	}
	switch (type) {
	case MD_SPAN_EM:
		buf_adds(r->out, "<em>");
		break;
	case MD_SPAN_STRONG:
		buf_adds(r->out, "<strong>");
		break;
	case MD_SPAN_A:
		a = detail;
		buf_adds(r->out, "<a href=\"");
		attribute(r->out, &a->href);
		buf_addc(r->out, '"');
		if (a->title.size > 0) {
			buf_adds(r->out, " title=\"");
			attribute(r->out, &a->title);
			buf_addc(r->out, '"');
		}
		buf_addc(r->out, '>');
		break;
	case MD_SPAN_IMG:
		img = detail;
		r->image = 1;
		buf_reset(&r->alt);
		buf_add(&r->alt, "", 0);
		r->img_src = attribute_string(&img->src);
		r->img_title = img->title.size > 0 ?
		    attribute_string(&img->title) : NULL;
		break;
	case MD_SPAN_CODE:
		buf_adds(r->out, "<code class=\"language-plaintext "
		    "highlighter-rouge\">");
		break;
	case MD_SPAN_DEL:
		buf_adds(r->out, "<del>");
		break;
	default:
		break;
	}
	return (0);
}

/* md4c: a span closes. */
static int
leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct renderer	*r = arg;

	(void)detail;
	r->span_closed = 1;
	r->img_end = SIZE_MAX;
	if (r->image > 0) {
		if (type != MD_SPAN_IMG || --r->image > 0)
			return (0);
		buf_adds(r->out, "<img src=\"");
		buf_adds(r->out, r->img_src);
		buf_adds(r->out, "\" alt=\"");
		buf_add(r->out, r->alt.data, r->alt.len);
		buf_addc(r->out, '"');
		if (r->img_title != NULL)
			buf_addf(r->out, " title=\"%s\"", r->img_title);
		r->img_end = r->out->len;
		buf_adds(r->out, " />");
		free(r->img_src);
		free(r->img_title);
		r->img_src = r->img_title = NULL;
		return (0);
	}
	switch (type) {
	case MD_SPAN_EM:
		buf_adds(r->out, "</em>");
		break;
	case MD_SPAN_STRONG:
		buf_adds(r->out, "</strong>");
		break;
	case MD_SPAN_A:
		buf_adds(r->out, "</a>");
		break;
	case MD_SPAN_CODE:
		buf_adds(r->out, "</code>");
		break;
	case MD_SPAN_DEL:
		buf_adds(r->out, "</del>");
		break;
	default:
		break;
	}
	return (0);
}

/* md4c: text. */
static int
text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct renderer	*r = arg;
	struct buf	*b = r->image > 0 ? &r->alt : r->out;
	const char	*end;

	/*
	 * An attribute list right after a span ("![x](a.png){: width=1}")
	 * is kramdown's span IAL: consumed, not shown.
	 */
	if (r->span_closed && type == MD_TEXT_NORMAL && n > 2 &&
	    s[0] == '{' && s[1] == ':' &&
	    (end = memchr(s, '}', n)) != NULL) {
		if (r->img_end != SIZE_MAX) {
			struct buf attributes = BUF_INIT;

			ial_attributes(&attributes, s + 2,
			    (size_t)(end - s - 2));
			if (attributes.len > 0)
				insert(r->out, r->img_end, attributes.data,
				    attributes.len);
			buf_free(&attributes);
		}
		n -= (MD_SIZE)(end + 1 - s);
		s = end + 1;
	}
	r->span_closed = 0;
	r->img_end = SIZE_MAX;

	switch (type) {
	case MD_TEXT_NULLCHAR:
		buf_adds(b, "\xef\xbf\xbd");
		break;
	case MD_TEXT_BR:
		buf_adds(b, r->image > 0 ? " " : "<br />\n");
		break;
	case MD_TEXT_SOFTBR:
		buf_adds(b, r->image > 0 ? " " : "\n");
		break;
	case MD_TEXT_HTML:
		buf_add(b, s, n);
		break;
	case MD_TEXT_ENTITY:
		buf_add(b, s, n);
		break;
	default:
		escape(b, s, n, r->image > 0);
		break;
	}
	if (r->in_heading && (type == MD_TEXT_NORMAL || type == MD_TEXT_CODE ||
	    type == MD_TEXT_ENTITY || type == MD_TEXT_SOFTBR))
		buf_add(&r->heading_text, type == MD_TEXT_SOFTBR ? " " : s,
		    type == MD_TEXT_SOFTBR ? 1 : n);
	return (0);
}

/*
 * The Markdown without lines that hold only an inline attribute list
 * ("{: .note}", "{:toc}"), which kramdown consumes; code fences keep
 * theirs.
 */
static void
drop_attribute_lines(struct buf *b, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *nl, *q, *e;
	char		 fence = 0, c;
	size_t		 run;

	for (; p < end; p = nl) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL)
			nl++;
		else
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '\t'); q++)
			;
		for (e = nl; e > q && (e[-1] == '\n' || e[-1] == '\r' ||
		    e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		c = q < e ? *q : 0;
		for (run = 0; q + run < e && q[run] == c; run++)
			;
		if ((c == '`' || c == '~') && run >= 3 && q - p < 4) {
			/* A fence opens or closes code. */
			if (fence == 0)
				fence = c;
			else if (c == fence)
				fence = 0;
		} else if (fence == 0 && q - p < 4 && e - q >= 3 && q[0] == '{' &&
		    q[1] == ':' && q[2] != ':' && e[-1] == '}')
			continue;
		buf_add(b, p, (size_t)(nl - p));
	}
}

/* Markdown to HTML. */
int
markdown_html(const char *s, size_t len, struct buf *out)
{
	MD_PARSER	 parser;
	struct renderer	 r;
	struct buf	 src = BUF_INIT;
	int		 rc;

	memset(&parser, 0, sizeof parser);
	parser.flags = MD_FLAGS;
	parser.enter_block = enter_block;
	parser.leave_block = leave_block;
	parser.enter_span = enter_span;
	parser.leave_span = leave_span;
	parser.text = text;
	memset(&r, 0, sizeof r);
	r.doc = r.out = out;
	r.img_end = SIZE_MAX;
	r.ids = strmap_create();
	buf_add(&src, "", 0);
	drop_attribute_lines(&src, s, len);
	rc = md_parse(src.data, (MD_SIZE)src.len, &parser, &r);
	strmap_free(r.ids);
	buf_free(&r.heading);
	buf_free(&r.heading_text);
	buf_free(&r.alt);
	free(r.img_src);
	free(r.img_title);
	free(r.lists);
	buf_free(&src);
	return (rc == 0 ? 0 : -1);
}
