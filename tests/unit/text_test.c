/*
 * text: XML-safe character data and the plain-text filters of titles and
 * summaries.  One invalid byte or control character in a post would make
 * the whole feed ill-formed XML that readers refuse, so every byte
 * sequence must come out as valid XML 1.0 characters; and strip_html
 * must remove markup without eating the text of Chinese finance titles
 * such as "市盈率<10倍 & 股息率>5%", which only look like tags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/text.h"
#include "test.h"

/* Bytes in, bytes out, and how many invalid sequences were replaced. */
struct clean_case {
	const char	*in;
	size_t		 len;
	const char	*want;
	size_t		 bad;
};

#define S(s)	s, sizeof s - 1
#define FFFD	"\xef\xbf\xbd"

static void	check_xml_clean(void);
static void	check_xml_is_clean(void);
static void	check_utf8_check(void);
static void	check_fast_paths(void);
static void	check_strip_html(void);
static void	check_squeeze_space(void);
static void	check_is_blank(void);

/* text_xml_clean: replacements, dropped characters, kept text. */
static void
check_xml_clean(void)
{
	static const struct clean_case cases[] = {
		{ S("plain ASCII"), "plain ASCII", 0 },
		{ S(""), "", 0 },
		/* Valid multibyte text is kept byte for byte. */
		{ S("财经要闻 é ß 😀 \xf4\x8f\xbf\xbf"),
		  "财经要闻 é ß 😀 \xf4\x8f\xbf\xbf", 0 },
		/* U+FFFD itself is valid. */
		{ S(FFFD), FFFD, 0 },
		/* Tab, newline and carriage return stay. */
		{ S("a\tb\nc\r\nd"), "a\tb\nc\r\nd", 0 },
		/* Other C0 controls, NUL included, are dropped. */
		{ S("a\x01" "b\x08" "c\x0b" "d\x0c" "e\x1b" "f\x1f" "g"),
		  "abcdefg", 0 },
		{ S("a\0b"), "ab", 0 },
		/* DEL and C1 controls are allowed by XML 1.0. */
		{ S("a\x7f" "b\xc2\x85" "c"), "a\x7f" "b\xc2\x85" "c", 0 },
		/* U+FFFE and U+FFFF are not characters: dropped. */
		{ S("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"), "abc", 0 },
		/* Supplementary noncharacters are still XML Chars. */
		{ S("\xf0\x9f\xbf\xbe"), "\xf0\x9f\xbf\xbe", 0 },
		/* Stray bytes. */
		{ S("\xff"), FFFD, 1 },
		{ S("a\x80" "b"), "a" FFFD "b", 1 },
		{ S("\xfe\xff"), FFFD FFFD, 2 },
		{ S("Latin-1 caf\xe9!"), "Latin-1 caf" FFFD "!", 1 },
		/* Overlong forms of '/', never decoded as '/'. */
		{ S("\xc0\xaf"), FFFD FFFD, 2 },
		{ S("\xc1\xbf"), FFFD FFFD, 2 },
		{ S("\xe0\x80\xaf"), FFFD FFFD FFFD, 3 },
		{ S("\xf0\x80\x80\xaf"), FFFD FFFD FFFD FFFD, 4 },
		/* UTF-16 surrogates encoded in UTF-8. */
		{ S("\xed\xa0\x80"), FFFD FFFD FFFD, 3 },
		{ S("x\xed\xbf\xbfy"), "x" FFFD FFFD FFFD "y", 3 },
		/* Beyond U+10FFFF. */
		{ S("\xf4\x90\x80\x80"), FFFD FFFD FFFD FFFD, 4 },
		{ S("\xf5\x80\x80\x80"), FFFD FFFD FFFD FFFD, 4 },
		/* A lead byte at the very end. */
		{ S("ok\xc3"), "ok" FFFD, 1 },
		/* Valid text around an invalid byte survives. */
		{ S("财\xff经"), "财" FFFD "经", 1 },
		/* Replacement and dropping together. */
		{ S("\x01\xff\x02"), FFFD, 1 },
	};
	char	*out;
	size_t	 i, bad;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bad = 999;
		out = text_xml_clean(cases[i].in, cases[i].len, &bad);
		CHECK_STR(out, cases[i].want);
		CHECK(bad == cases[i].bad);
		if (bad != cases[i].bad)
			fprintf(stderr, "    case %zu: bad %zu, want %zu\n", i,
			    bad, cases[i].bad);
		/* The result is valid UTF-8 in turn, and clean. */
		CHECK(text_utf8_check(out, strlen(out)) == strlen(out));
		CHECK(text_xml_is_clean(out, strlen(out)));
		/* Clean input is exactly what comes out unchanged. */
		CHECK(text_xml_is_clean(cases[i].in, cases[i].len) ==
		    (cases[i].bad == 0 && cases[i].len == strlen(out) &&
		    memcmp(out, cases[i].in, cases[i].len) == 0));
		if (text_xml_is_clean(cases[i].in, cases[i].len) !=
		    (cases[i].bad == 0 && cases[i].len == strlen(out) &&
		    memcmp(out, cases[i].in, cases[i].len) == 0))
			fprintf(stderr, "    case %zu: text_xml_is_clean "
			    "disagrees with text_xml_clean\n", i);
		free(out);
	}

	/* Only len bytes are read; bad may be NULL. */
	out = text_xml_clean("abcdef", 3, NULL);
	CHECK_STR(out, "abc");
	free(out);
	/* A sequence cut by len is invalid, not read past len. */
	out = text_xml_clean("\xe8\xb4\xa2", 2, &bad);
	CHECK(strncmp(out, FFFD, 3) == 0);
	CHECK(bad >= 1);
	free(out);
}

/* text_xml_is_clean on its own: the quick ASCII path and len. */
static void
check_xml_is_clean(void)
{
	CHECK(text_xml_is_clean("", 0));
	CHECK(text_xml_is_clean(S("plain <b>ASCII</b> & text\t\r\n")));
	CHECK(!text_xml_is_clean("a\x01", 2));
	CHECK(!text_xml_is_clean("a\0b", 3));
	CHECK(text_xml_is_clean("a\x7f", 2));
	CHECK(!text_xml_is_clean("\xef\xbf\xbf", 3));
	CHECK(text_xml_is_clean("财经", 6));
	/* A character cut by len is not clean. */
	CHECK(!text_xml_is_clean("财经", 5));
	/* Only len bytes count. */
	CHECK(text_xml_is_clean("ab\xff", 2));
}

/* text_utf8_check: the offset of the first invalid sequence. */
static void
check_utf8_check(void)
{
	static const struct {
		const char	*in;
		size_t		 len, want;
	} cases[] = {
		{ S("abc"), 3 },
		{ S(""), 0 },
		{ S("财经"), 6 },
		{ S("ab\xff" "c"), 2 },
		{ S("财\xe8"), 3 },
		{ S("\xc0\xaf"), 0 },
		{ S("x\xed\xa0\x80"), 1 },
		{ S("😀\xf4\x90\x80\x80"), 4 },
		/* Controls are valid UTF-8 (xml_clean drops them). */
		{ S("a\x01" "b"), 3 },
	};
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(text_utf8_check(cases[i].in, cases[i].len) ==
		    cases[i].want);
		if (text_utf8_check(cases[i].in, cases[i].len) !=
		    cases[i].want)
			fprintf(stderr, "    case %zu: got %zu, want %zu\n",
			    i, text_utf8_check(cases[i].in, cases[i].len),
			    cases[i].want);
	}
	/* len bounds the check. */
	CHECK(text_utf8_check("ab\xff", 2) == 2);
	CHECK(text_utf8_check("\xe8\xb4\xa2", 2) == 0);
}

/*
 * The validators skip ASCII a word at a time and common three-byte
 * characters whole: every sequence must get the same answer at every
 * offset from a word boundary, between runs of ASCII long enough for
 * the word path.
 */
static void
check_fast_paths(void)
{
	static const struct {
		const char	*seq;
		size_t		 len;
		int		 valid, clean;
	} cases[] = {
		{ S("财经"), 1, 1 },
		{ S("\xe1\x80\x80"), 1, 1 },		/* U+1000 */
		{ S("\xec\xbf\xbf"), 1, 1 },		/* U+CFFF */
		{ S("\xee\x80\x80"), 1, 1 },		/* U+E000 */
		{ S("\xed\x9f\xbf"), 1, 1 },		/* U+D7FF */
		{ S("\xe0\xa0\x80"), 1, 1 },		/* U+0800 */
		{ S("\xef\xbf\xbd"), 1, 1 },		/* U+FFFD */
		{ S("\xef\xbf\xbe"), 1, 0 },		/* U+FFFE */
		{ S("\xef\xbf\xbf"), 1, 0 },		/* U+FFFF */
		{ S("\xed\xa0\x80"), 0, 0 },		/* surrogate */
		{ S("\xe0\x9f\xbf"), 0, 0 },		/* overlong */
		{ S("\xe1\x80"), 0, 0 },		/* cut short */
		{ S("\xe1\xc0\x80"), 0, 0 },
		{ S("\xee\x80\x20"), 0, 0 },
		{ S("\x80"), 0, 0 },
		{ S("\x01"), 1, 0 },
		{ S("\x1f"), 1, 0 },
		{ S("\0"), 1, 0 },
		{ S("\t\n\r"), 1, 1 },
		{ S(" \x7f"), 1, 1 },
	};
	char	 in[64];
	size_t	 i, k, len, want;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (k = 0; k < 16; k++) {
			memset(in, 'x', k);
			memcpy(in + k, cases[i].seq, cases[i].len);
			memset(in + k + cases[i].len, 'y', 17);
			len = k + cases[i].len + 17;
			want = cases[i].valid ? len : k;
			CHECK(text_utf8_check(in, len) == want);
			CHECK(text_xml_is_clean(in, len) == cases[i].clean);
			if (text_utf8_check(in, len) != want ||
			    text_xml_is_clean(in, len) != cases[i].clean)
				fprintf(stderr, "    case %zu at offset %zu\n",
				    i, k);
		}
	}
}

/* text_strip_html: markup goes, text that only looks like it stays. */
static void
check_strip_html(void)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a < b", "a < b" },
		{ "a<b", "a<b" },
		{ "x > y", "x > y" },
		{ "市盈率<10倍 & 股息率>5%",
		  "市盈率<10倍 & 股息率>5%" },
		{ "1 <2 and 3> 1", "1 <2 and 3> 1" },
		{ "a <= b, c >= d", "a <= b, c >= d" },
		{ "<- arrow", "<- arrow" },
		{ "ends with <", "ends with <" },
		/* A '<' that opens no complete tag is text. */
		{ "a <b", "a <b" },
		/* Real tags. */
		{ "<p>Hello <b>world</b></p>", "Hello world" },
		{ "<a href=\"/x?a=1&b=2\" title='t'>link</a>", "link" },
		{ "line<br>break<br/>here<br />", "linebreakhere" },
		{ "<img src=\"a.png\" alt=\"pic\">", "" },
		{ "<P CLASS=x>Upper</P>", "Upper" },
		{ "<!DOCTYPE html><?xml version=\"1.0\"?>t", "t" },
		/* Comments, even holding tags. */
		{ "a<!-- note -->b", "ab" },
		{ "a<!-- <p>x</p> -->b", "ab" },
		{ "a<!-- unclosed", "a" },
		/* Script and style lose their content too. */
		{ "x<script>var s = '<p>' + a < b;</script>y", "xy" },
		{ "x<SCRIPT type=\"text/javascript\">alert(1)</SCRIPT>y",
		  "xy" },
		{ "x<style>p > a { color: red }</style>y", "xy" },
		{ "x<style media=\"all\">b{}</STYLE >y", "xy" },
		{ "<script>never closed", "" },
		/* Other elements whose names begin the same way. */
		{ "<style-box>kept</style-box> too", "kept too" },
		{ "<scripts>kept</scripts>", "kept" },
		/* Mixed with Chinese text. */
		{ "<p>第一段</p>\n<p>第二段 <em>强调</em></p>",
		  "第一段\n第二段 强调" },
		/*
		 * Liquid's strip_html drops "<反弹>" (JEKYLL-NOTES); feedd
		 * follows HTML, where only an ASCII letter opens a tag, and
		 * keeps the words of the title.
		 */
		{ "科技股<反弹>能否持续", "科技股<反弹>能否持续" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = text_strip_html(cases[i].in);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

/* text_squeeze_space: normalize_whitespace. */
static void
check_squeeze_space(void)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "a b", "a b" },
		{ "  a \t\n b  ", "a b" },
		{ "a\r\n\r\nb", "a b" },
		{ "a\x0b\x0c" "b", "a b" },
		{ "", "" },
		{ " \t\n ", "" },
		{ "财经  要闻\n\n第二段", "财经 要闻 第二段" },
		/* U+00A0 is not white space to Ruby's \s. */
		{ "a\xc2\xa0" "b", "a\xc2\xa0" "b" },
		{ "one", "one" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = text_squeeze_space(cases[i].in);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

/* text_is_blank. */
static void
check_is_blank(void)
{
	CHECK(text_is_blank(NULL));
	CHECK(text_is_blank(""));
	CHECK(text_is_blank(" \t\r\n"));
	CHECK(!text_is_blank(" a "));
	CHECK(!text_is_blank("财"));
}

int
main(void)
{
	check_xml_clean();
	check_xml_is_clean();
	check_utf8_check();
	check_fast_paths();
	check_strip_html();
	check_squeeze_space();
	check_is_blank();
	return (test_status());
}
