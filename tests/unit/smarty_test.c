/*
 * smarty: kramdown's typography, as Jekyll's smartify filter applies it
 * to jekyll-feed's titles and kramdown to bodies.  The text cases and
 * their results were measured with Debian's jekyll 4.3.1 (kramdown
 * 2.4.0): Jekyll::Converters::SmartyPants.new(DEFAULTS).convert(text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/smarty.h"
#include "test.h"

struct smarty_case {
	const char	*in;
	const char	*want;
};

static void	check_text(void);
static void	check_html(void);

/* Plain text, as measured. */
static void
check_text(void)
{
	static const struct smarty_case cases[] = {
	{ "Homebrew's new git signing key",
	  "Homebrew\u2019s new git signing key" },
	{ "\"What's new in Swift,\" a digest",
	  "\u201CWhat\u2019s new in Swift,\u201D a digest" },
	{ "He said, \"'Quoted' words in a larger quote.\"",
	  "He said, \u201C\u2018Quoted\u2019 words in a larger quote.\u201D" },
	{ "'Twas the night",
	  "\u2018Twas the night" },
	{ "the '80s and the 90's",
	  "the \u201980s and the 90\u2019s" },
	{ "Rock 'n' roll",
	  "Rock \u2018n\u2019 roll" },
	{ "\"Hello\"",
	  "\u201CHello\u201D" },
	{ "'single'",
	  "\u2018single\u2019" },
	{ "a -- b --- c ... d",
	  "a \u2013 b \u2014 c \u2026 d" },
	{ "<< guillemets >> and <<tight>>",
	  "\u00AB\u00A0guillemets\u00A0\u00BB and \u00ABtight\u00BB" },
	{ "escaped \\\"quote\\\" and \\'single\\'",
	  "escaped \\\u201Cquote\\\u201D and \\\u2018single\\\u2019" },
	{ "it's \"_emph_\" and \"*star*\"",
	  "it\u2019s \u201C_emph_\u201D and \u201C*star*\u201D" },
	{ "5'10\" tall",
	  "5\u201910\u201D tall" },
	{ "\"quote at end\"",
	  "\u201Cquote at end\u201D" },
	{ "don't stop",
	  "don\u2019t stop" },
	{ "\"(paren)\" and '[bracket]'",
	  "\u201C(paren)\u201D and \u2018[bracket]\u2019" },
	{ "O'Reilly's \"book\".",
	  "O\u2019Reilly\u2019s \u201Cbook\u201D." },
	{ "x ''double single'' y",
	  "x \u2018\u2018double single\u2019\u2019 y" },
	{ "\u201Calready curly\u201D",
	  "\u201Calready curly\u201D" },
	{ "\u4E2D\u6587\"\u5F15\u53F7\"\u6D4B\u8BD5",
	  "\u4E2D\u6587\u201D\u5F15\u53F7\u201D\u6D4B\u8BD5" },
	{ "'.' and \"...\"",
	  "\u2019.\u2019 and \u201C\u2026\u201D" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = smarty_text(cases[i].in);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

/*
 * HTML: text converted, quote entities read as quotes; tags, attribute
 * values, comments and code left alone.
 */
static void
check_html(void)
{
	static const struct smarty_case cases[] = {
		{ "<p>it&#39;s &quot;done&quot; -- <a title=\"'x'\" "
		  "href=\"a\">link</a></p>",
		  "<p>it\u2019s \u201Cdone\u201D \u2013 <a title=\"'x'\" "
		  "href=\"a\">link</a></p>" },
		{ "<p><code>don't \"touch\"</code> <pre>x -- y</pre> "
		  "<!-- it's -->done</p>",
		  "<p><code>don't \"touch\"</code> <pre>x -- y</pre> "
		  "<!-- it's -->done</p>" },
		{ "<p>a &lt;&lt; b &amp; c &mdash; &#8212; &#x2014;</p>",
		  "<p>a \u00AB\u00A0b &amp; c &mdash; &#8212; &#x2014;</p>" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = smarty_html(cases[i].in);
		CHECK_STR(out, cases[i].want);
		free(out);
	}
}

int
main(void)
{
	check_text();
	check_html();
	return (test_status());
}
