/*
 * markdown: a post's Markdown as Jekyll writes it.  Each expected result
 * is what Debian's jekyll 4.3.1 (kramdown 2.4.0, GFM input, Jekyll's
 * defaults) made of the input, measured with
 *   Jekyll::Converters::Markdown.new(Jekyll.configuration).convert(text)
 * and then, as feedd's renderings are, passed through smarty.  Two things
 * are compared loosely: kramdown's indentation and line breaks between
 * tags, and rouge's colouring spans, which feedd does not write.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/buf.h"
#include "../../src/markdown.h"
#include "../../src/smarty.h"
#include "test.h"

struct markdown_case {
	const char	*name;
	const char	*in;
	const char	*want;
};

static char	*render(const char *);
static char	*loosen(const char *);
static void	 check_measured(void);
static void	 check_attribute_lines(void);

/* Markdown to HTML as render.c and markdownify make it. */
static char *
render(const char *md)
{
	struct buf	 out = BUF_INIT;
	char		*html;

	if (markdown_html(md, strlen(md), &out) != 0)
		return (NULL);
	html = smarty_html(out.data != NULL ? out.data : "");
	buf_free(&out);
	return (html);
}

/*
 * The HTML without rouge's <span class="..."> wrappers and without a
 * run of white space holding a line break next to a tag.
 */
static char *
loosen(const char *html)
{
	struct buf	 b = BUF_INIT;
	const char	*p = html, *q;
	int		 newline;

	while (*p != '\0') {
		if (strncmp(p, "<span class=\"", 13) == 0 &&
		    (q = strchr(p, '>')) != NULL) {
			p = q + 1;
			continue;
		}
		if (strncmp(p, "</span>", 7) == 0) {
			p += 7;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			newline = 0;
			for (q = p; isspace((unsigned char)*q); q++)
				newline |= *q == '\n';
			if (!newline || (*q != '<' && *q != '\0' &&
			    (b.len == 0 || b.data[b.len - 1] != '>')))
				buf_add(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		buf_addc(&b, *p++);
	}
	return (b.data != NULL ? buf_take(&b) : strdup(""));
}

static void
check_measured(void)
{
	static const struct markdown_case cases[] = {
	{ "header ids",
	  "# Hello, World!\n\n## Hello, World!\n\n### What's *new* in 2.0?\n",
	  "<h1 id=\"hello-world\">Hello, World!</h1>\n\n"
	  "<h2 id=\"hello-world-1\">Hello, World!</h2>\n\n"
	  "<h3 id=\"whats-new-in-20\">What\u2019s <em>new</em> in 2.0?</h3>" },
	{ "fenced code",
	  "```python\nprint(\"<hi>\")\n```\n",
	  "<div class=\"language-python highlighter-rouge\"><div "
	  "class=\"highlight\"><pre class=\"highlight\"><code><span "
	  "class=\"k\">print</span><span class=\"p\">(</span><span "
	  "class=\"s\">\"&lt;hi&gt;\"</span><span class=\"p\">)</span>\n"
	  "</code></pre></div></div>" },
	{ "indented code",
	  "Text:\n\n    a < b\n    c\n",
	  "<p>Text:</p>\n\n<div class=\"language-plaintext "
	  "highlighter-rouge\"><div class=\"highlight\"><pre "
	  "class=\"highlight\"><code>a &lt; b\nc\n</code></pre></div></div>" },
	{ "code span",
	  "Use `x && y` here.\n",
	  "<p>Use <code class=\"language-plaintext highlighter-rouge\">x "
	  "&amp;&amp; y</code> here.</p>" },
	{ "ordered list from 3",
	  "3. three\n4. four\n",
	  "<ol>\n  <li>three</li>\n  <li>four</li>\n</ol>" },
	{ "task lists",
	  "- x\n  - [ ] y\n- [x] z\n",
	  "<ul class=\"task-list\">\n  <li>x\n    <ul class=\"task-list\">\n"
	  "      <li class=\"task-list-item\"><input type=\"checkbox\" "
	  "class=\"task-list-item-checkbox\" disabled=\"disabled\" />y</li>\n"
	  "    </ul>\n  </li>\n  <li class=\"task-list-item\"><input "
	  "type=\"checkbox\" class=\"task-list-item-checkbox\" "
	  "disabled=\"disabled\" checked=\"checked\" />z</li>\n</ul>" },
	{ "table",
	  "| L | C | R |\n|:--|:-:|--:|\n| a | *b* | `c` |\n",
	  "<table>\n  <thead>\n    <tr>\n"
	  "      <th style=\"text-align: left\">L</th>\n"
	  "      <th style=\"text-align: center\">C</th>\n"
	  "      <th style=\"text-align: right\">R</th>\n"
	  "    </tr>\n  </thead>\n  <tbody>\n    <tr>\n"
	  "      <td style=\"text-align: left\">a</td>\n"
	  "      <td style=\"text-align: center\"><em>b</em></td>\n"
	  "      <td style=\"text-align: right\"><code "
	  "class=\"language-plaintext highlighter-rouge\">c</code></td>\n"
	  "    </tr>\n  </tbody>\n</table>" },
	{ "void elements",
	  "line  \nbreak\n\n---\n\n![alt](/i.png \"T\")\n",
	  "<p>line<br />\nbreak</p>\n\n<hr />\n\n"
	  "<p><img src=\"/i.png\" alt=\"alt\" title=\"T\" /></p>" },
	{ "links, and no bare-URL links",
	  "See https://example.com and <https://example.org> and "
	  "[t](/x \"ti\").\n",
	  "<p>See https://example.com and <a href=\"https://example.org\">"
	  "https://example.org</a> and <a href=\"/x\" title=\"ti\">t</a>.</p>" },
	{ "raw HTML and entities",
	  "<div class=\"box\">raw <b>html</b></div>\n\nAfter &amp; &lt;x&gt;\n",
	  "<div class=\"box\">raw <b>html</b></div>\n\n"
	  "<p>After &amp; &lt;x&gt;</p>" },
	{ "blockquote and spans",
	  "> quoted *em* **strong** ~~del~~\n",
	  "<blockquote>\n  <p>quoted <em>em</em> <strong>strong</strong> "
	  "<del>del</del></p>\n</blockquote>" },
	{ "attribute list after an image",
	  "![a](/x.png){: style=\"float: left\" .c1 #i .c2 width=50%}\n",
	  "<p><img src=\"/x.png\" alt=\"a\" style=\"float: left\" "
	  "class=\"c1 c2\" id=\"i\" /></p>" },
	{ "typography",
	  "\"Double\" and 'single', it's -- and --- and ...\n",
	  "<p>\u201CDouble\u201D and \u2018single\u2019, it\u2019s \u2013 and "
	  "\u2014 and \u2026</p>" },
	};
	char	*got, *got_loose, *want_loose;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = render(cases[i].in);
		got_loose = loosen(got != NULL ? got : "");
		want_loose = loosen(cases[i].want);
		if (strcmp(got_loose, want_loose) != 0)
			fprintf(stderr, "case: %s\n", cases[i].name);
		CHECK_STR(got_loose, want_loose);
		free(got);
		free(got_loose);
		free(want_loose);
	}
}

/*
 * kramdown consumes a line holding only an attribute list, and one right
 * after a span; feedd drops them (applying only an image's), except in
 * code.
 */
static void
check_attribute_lines(void)
{
	char	*got;

	got = render("A paragraph.\n{: .note}\n\n{:toc}\n");
	CHECK(got != NULL && strstr(got, "{:") == NULL);
	CHECK(got != NULL && strstr(got, "A paragraph.") != NULL);
	free(got);
	got = render("*em*{: .x} and [l](/y){: .z} text\n");
	CHECK(got != NULL && strstr(got, "{:") == NULL);
	CHECK(got != NULL && strstr(got, "</a> text") != NULL);
	free(got);
	got = render("```\n{: .kept}\n```\n");
	CHECK(got != NULL && strstr(got, "{: .kept}") != NULL);
	free(got);
}

int
main(void)
{
	check_measured();
	check_attribute_lines();
	return (test_status());
}
