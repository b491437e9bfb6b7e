/*
 * htmlclean: feed content well-formed whatever the post holds.  Raw
 * HTML passes through Markdown, and feed readers' sanitizers choke on
 * what browsers forgive: Python's feedparser raises on a markup
 * declaration such as "<!DOCTYPE root [" and drops the whole feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/htmlclean.h"
#include "test.h"

struct clean_case {
	const char	*in;
	const char	*want;
};

static void	check_cases(void);
static void	check_deep(void);

/* Inputs and what must come out. */
static void
check_cases(void)
{
	static const struct clean_case cases[] = {
		/* Well-formed input is left alone. */
		{ "<p>a <b>b</b> <a href=\"x\">c</a></p>",
		  "<p>a <b>b</b> <a href=\"x\">c</a></p>" },
		{ "<p>x<br>y<img src=a.png alt=\"a>b\"></p>",
		  "<p>x<br>y<img src=a.png alt=\"a>b\"></p>" },
		{ "<!-- a comment --><p>x</p>", "<!-- a comment --><p>x</p>" },
		/* Missing and stray end tags. */
		{ "<p><strong>bold <a href=\"l\">link</a></p>",
		  "<p><strong>bold <a href=\"l\">link</a></strong></p>" },
		{ "<div><p>unclosed", "<div><p>unclosed</p></div>" },
		{ "text</div></p> more", "text more" },
		{ "<b><i>x</b></i>", "<b><i>x</i></b>" },
		/* A link inside a link. */
		{ "<a href=\"a\">see <a href=\"b\">b</a> too</a>",
		  "<a href=\"a\">see </a><a href=\"b\">b</a> too" },
		/* Declarations, processing instructions, CDATA, stray '<'. */
		{ "<pre><!DOCTYPE root [ <!ENTITY x \"y\"> ]></pre>",
		  "<pre>&lt;!DOCTYPE root [ &lt;!ENTITY x \"y\"> ]></pre>" },
		{ "<?php echo 1; ?><![CDATA[x]]>",
		  "&lt;?php echo 1; ?>&lt;![CDATA[x]]>" },
		{ "a < b and 3<4 <!-- open", "a &lt; b and 3&lt;4 &lt;!-- open" },
		{ "<p unclosed attr=\"x", "&lt;p unclosed attr=\"x" },
		/* Raw text elements keep their content, and get an end. */
		{ "<script>if (a < b) { x = \"</p>\"; }</script>",
		  "<script>if (a < b) { x = \"</p>\"; }</script>" },
		{ "<style>p > a { }", "<style>p > a { }</style>" },
		/* Self-closing foreign elements. */
		{ "<svg><use xlink:href=\"#i\"/></svg>",
		  "<svg><use xlink:href=\"#i\"/></svg>" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = htmlclean(cases[i].in);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

/* Nesting past the limit stays balanced, in linear time. */
static void
check_deep(void)
{
	size_t	 n = 100000, i, opens = 0, closes = 0;
	char	*in = malloc(n * 5 + 1), *out, *p;

	for (i = 0; i < n; i++)
		memcpy(in + i * 5, "<div>", 5);
	in[n * 5] = '\0';
	out = htmlclean(in);
	for (p = out; (p = strstr(p, "<div>")) != NULL; p++)
		opens++;
	for (p = out; (p = strstr(p, "</div>")) != NULL; p++)
		closes++;
	CHECK(opens == closes && opens == HTMLCLEAN_MAX_DEPTH);
	free(out);
	free(in);
}

int
main(void)
{
	check_cases();
	check_deep();
	return (test_status());
}
