/*
 * htmlurl: relative links in post content made absolute.  Feed readers
 * and mail services ignore xml:base, so an image written as "img/a.png"
 * only shows if the feed says where it is.  Only URL attributes of tags
 * may change: text, other attributes, comments and script or style
 * content are copied byte for byte, since rewriting them would change
 * what the post says or breaks its code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/htmlurl.h"
#include "test.h"

#define BASE	"https://ex.com/2022/07/06/a.html"
#define PAGE_DIR	"https://ex.com/2022/07/06/"

/* HTML in, HTML out. */
struct html_case {
	const char	*in;
	const char	*want;
};

static void	check_cases(const struct html_case *, size_t);
static void	check_attributes(void);
static void	check_references(void);
static void	check_srcset(void);
static void	check_untouched(void);

/* Run each case against BASE. */
static void
check_cases(const struct html_case *cases, size_t n)
{
	char	*out;
	size_t	 i;

	for (i = 0; i < n; i++) {
		out = htmlurl_absolutize(cases[i].in, BASE);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

/* Which attributes are URLs, and how their values may be written. */
static void
check_attributes(void)
{
	static const struct html_case cases[] = {
		{ "<a href=\"b.html\">b</a>",
		  "<a href=\"" PAGE_DIR "b.html\">b</a>" },
		{ "<img src='img/x.png'>",
		  "<img src='" PAGE_DIR "img/x.png'>" },
		{ "<img src=img/x.png alt=x>",
		  "<img src=" PAGE_DIR "img/x.png alt=x>" },
		{ "<img src=x.png>", "<img src=" PAGE_DIR "x.png>" },
		{ "<blockquote cite=\"q.html\"><form action=\"f\">"
		  "<button formaction=\"g\"></button></form></blockquote>"
		  "<object data=\"o.svg\"></object>"
		  "<svg><use xlink:href=\"s.svg#i\"/></svg>"
		  "<table background=\"b.png\" data-x=\"keep\"></table>",
		  "<blockquote cite=\"" PAGE_DIR "q.html\"><form action=\""
		  PAGE_DIR "f\"><button formaction=\"" PAGE_DIR "g\"></button>"
		  "</form></blockquote><object data=\"" PAGE_DIR "o.svg\">"
		  "</object><svg><use xlink:href=\"" PAGE_DIR "s.svg#i\"/>"
		  "</svg><table background=\"" PAGE_DIR "b.png\" "
		  "data-x=\"keep\"></table>" },
		{ "<video poster=\"p.jpg\" src=\"v.mp4\"></video>",
		  "<video poster=\"" PAGE_DIR "p.jpg\" "
		  "src=\"" PAGE_DIR "v.mp4\"></video>" },
		{ "<source src=\"../v.webm\">",
		  "<source src=\"https://ex.com/2022/07/v.webm\">" },
		{ "<link href=\"/css/a.css\">",
		  "<link href=\"https://ex.com/css/a.css\">" },
		/* Names and tags in any case. */
		{ "<A HREF=\"b.html\">b</A>",
		  "<A HREF=\"" PAGE_DIR "b.html\">b</A>" },
		{ "<IMG Src='x.png'>", "<IMG Src='" PAGE_DIR "x.png'>" },
		/* White space around '=' and between attributes. */
		{ "<a href = \"b.html\">",
		  "<a href = \"" PAGE_DIR "b.html\">" },
		{ "<a\n  class=\"c\"\n  href=\"b.html\"\n>",
		  "<a\n  class=\"c\"\n  href=\"" PAGE_DIR "b.html\"\n>" },
		/* Leading white space in a value is not part of the URL. */
		{ "<a href=\" b.html\">", "<a href=\"" PAGE_DIR "b.html\">" },
		/* Boolean attributes before and after. */
		{ "<video controls src=\"v.mp4\" muted>",
		  "<video controls src=\"" PAGE_DIR "v.mp4\" muted>" },
		/* Self-closing tags. */
		{ "<img src=\"x.png\"/>", "<img src=\"" PAGE_DIR "x.png\"/>" },
		{ "<img src=\"x.png\" />",
		  "<img src=\"" PAGE_DIR "x.png\" />" },
		/* A '>' inside a quoted value does not end the tag. */
		{ "<a title=\"a>b\" href=\"c\">",
		  "<a title=\"a>b\" href=\"" PAGE_DIR "c\">" },
		/* The other quote inside a value. */
		{ "<a title='say \"hi\"' href='c'>",
		  "<a title='say \"hi\"' href='" PAGE_DIR "c'>" },
		/* Attributes of other names are not URLs. */
		{ "<a title=\"img/x.png\" data-href=\"y\" class=src "
		  "hreflang=\"en\" href=\"z\">",
		  "<a title=\"img/x.png\" data-href=\"y\" class=src "
		  "hreflang=\"en\" href=\"" PAGE_DIR "z\">" },
		{ "<img alt=\"x.png\" data-src=\"lazy.png\">",
		  "<img alt=\"x.png\" data-src=\"lazy.png\">" },
		{ "<form action=\"post\"><input value=\"a/b\"></form>",
		  "<form action=\"" PAGE_DIR "post\"><input value=\"a/b\">"
		  "</form>" },
		/* Several tags in a row. */
		{ "<p><a href=\"1\">1</a><a href=\"2\">2</a></p>",
		  "<p><a href=\"" PAGE_DIR "1\">1</a>"
		  "<a href=\"" PAGE_DIR "2\">2</a></p>" },
	};

	check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* Absolute, protocol-relative, other schemes and fragments. */
static void
check_references(void)
{
	static const struct html_case cases[] = {
		{ "<a href=\"https://other.org/x?y#z\">",
		  "<a href=\"https://other.org/x?y#z\">" },
		{ "<a href=\"HTTP://Other.org/\">",
		  "<a href=\"HTTP://Other.org/\">" },
		{ "<img src=\"//cdn.ex.net/a.png\">",
		  "<img src=\"https://cdn.ex.net/a.png\">" },
		{ "<a href=\"mailto:me@ex.com\">",
		  "<a href=\"mailto:me@ex.com\">" },
		{ "<a href=\"tel:+86-10-1234\">",
		  "<a href=\"tel:+86-10-1234\">" },
		{ "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
		  "<img src=\"data:image/png;base64,iVBORw0KGgo=\">" },
		{ "<a href=\"javascript:void(0)\">",
		  "<a href=\"javascript:void(0)\">" },
		/* Out of its page, a fragment needs the page. */
		{ "<a href=\"#fn:1\">1</a>",
		  "<a href=\"" BASE "#fn:1\">1</a>" },
		{ "<a href=\"?page=2\">", "<a href=\"" BASE "?page=2\">" },
		{ "<a href=\"/\">home</a>",
		  "<a href=\"https://ex.com/\">home</a>" },
		{ "<a href=\"../../../../x\">",
		  "<a href=\"https://ex.com/x\">" },
		{ "<a href=\"./b/../c.html\">",
		  "<a href=\"" PAGE_DIR "c.html\">" },
		/* Entities stay as written. */
		{ "<a href=\"q?a=1&amp;b=2\">",
		  "<a href=\"" PAGE_DIR "q?a=1&amp;b=2\">" },
	};

	check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* srcset: each candidate URL resolved, descriptors and commas kept. */
static void
check_srcset(void)
{
	static const struct html_case cases[] = {
		{ "<img srcset=\"a.png 1x, b.png 2x\">",
		  "<img srcset=\"" PAGE_DIR "a.png 1x, "
		  PAGE_DIR "b.png 2x\">" },
		{ "<img srcset=\"a.png 100w,/b.png 200w\">",
		  "<img srcset=\"" PAGE_DIR "a.png 100w,"
		  "https://ex.com/b.png 200w\">" },
		{ "<img srcset='a.png'>", "<img srcset='" PAGE_DIR "a.png'>" },
		{ "<img srcset=\"https://cdn.x/a.png 1x, b.png 2x\">",
		  "<img srcset=\"https://cdn.x/a.png 1x, "
		  PAGE_DIR "b.png 2x\">" },
		{ "<source srcset=\"  a.png 1x ,\n b.png 2x  \">",
		  "<source srcset=\"  " PAGE_DIR "a.png 1x ,\n "
		  PAGE_DIR "b.png 2x  \">" },
		{ "<img src=\"a.png\" srcset=\"a2.png 2x\">",
		  "<img src=\"" PAGE_DIR "a.png\" "
		  "srcset=\"" PAGE_DIR "a2.png 2x\">" },
		{ "<img srcset=\"\">", "<img srcset=\"\">" },
	};

	check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* Text, comments, script and style content are copied as they are. */
static void
check_untouched(void)
{
	static const struct html_case cases[] = {
		{ "", "" },
		{ "no markup at all", "no markup at all" },
		{ "href=\"x\" src=y outside tags",
		  "href=\"x\" src=y outside tags" },
		{ "<p>a < b and c > d, href=\"x\"</p>",
		  "<p>a < b and c > d, href=\"x\"</p>" },
		{ "<p>市盈率<10倍 & 股息率>5%</p>",
		  "<p>市盈率<10倍 & 股息率>5%</p>" },
		{ "1<2", "1<2" },
		{ "ends with <", "ends with <" },
		{ "<!-- <a href=\"x\">old</a> -->",
		  "<!-- <a href=\"x\">old</a> -->" },
		{ "<!-- unclosed <img src=\"x\">",
		  "<!-- unclosed <img src=\"x\">" },
		{ "<!DOCTYPE html><p>x</p>", "<!DOCTYPE html><p>x</p>" },
		/* A script's own src is resolved, its content is not. */
		{ "<script src=\"s.js\">var h = '<a href=\"x\">';</script>"
		  "<a href=\"y\">",
		  "<script src=\"" PAGE_DIR "s.js\">var h = '<a href=\"x\">';"
		  "</script><a href=\"" PAGE_DIR "y\">" },
		{ "<SCRIPT>document.write('<img src=\"x.png\">')</SCRIPT>",
		  "<SCRIPT>document.write('<img src=\"x.png\">')</SCRIPT>" },
		{ "<style>a[href=\"x\"] { background: url(y.png) }</style>",
		  "<style>a[href=\"x\"] { background: url(y.png) }</style>" },
		{ "<script>if (a<b) x = '<img src=z>';",
		  "<script>if (a<b) x = '<img src=z>';" },
		/* Only script and style themselves hold text. */
		{ "<style-box><a href=\"x\">y</a></style-box>",
		  "<style-box><a href=\"" PAGE_DIR "x\">y</a></style-box>" },
		{ "<scripts><a href=\"x\">y</a></scripts>",
		  "<scripts><a href=\"" PAGE_DIR "x\">y</a></scripts>" },
		/* Chinese text and entities around links. */
		{ "<p>见<a href=\"图.png\">图</a>&nbsp;&lt;1&gt;</p>",
		  "<p>见<a href=\"" PAGE_DIR "图.png\">图</a>"
		  "&nbsp;&lt;1&gt;</p>" },
		/* Closing tags and end tags with attributes-like text. */
		{ "</a href=\"x\">", "</a href=\"x\">" },
	};

	char	*out;

	check_cases(cases, sizeof cases / sizeof cases[0]);

	/* A page URL ending in "/" is the folder itself. */
	out = htmlurl_absolutize("<img src=\"x.png\">",
	    "https://ex.com/blog/2022/07/06/a/");
	CHECK_STR(out, "<img src=\"https://ex.com/blog/2022/07/06/a/x.png\">");
	free(out);
}

int
main(void)
{
	check_attributes();
	check_references();
	check_srcset();
	check_untouched();
	return (test_status());
}
