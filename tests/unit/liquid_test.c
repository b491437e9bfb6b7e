/*
 * liquid: the Liquid renderer against Jekyll.  Posts are rendered by
 * Jekyll before feeds are made, so every tag and filter must print what
 * Jekyll 4.3.1 prints; and since posts are untrusted, nothing broken may
 * reach the output raw, and no template may make the daemon hang or run
 * out of memory.
 *
 * The first table was measured: each template was the body of a post
 * (front matter PAGE_YAML, layout null) of a site whose _config.yml is
 * SITE_YAML and whose _includes hold the files of includes[] below, built
 * by Debian's jekyll 4.3.1 (Liquid 5.4.0, rouge 3.30.0) with "jekyll
 * build" (--safe gives the same); the expected text is _site's file,
 * with rouge's colouring <span>s taken out, which this renderer does not
 * make.  The other tables are constructs where Jekyll stops the build
 * (an unknown tag, a syntax error, a runtime error) or runs away (the
 * bounds): there the output and diagnostics are this module's design.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/buf.h"
#include "../../src/datetime.h"
#include "../../src/liquid.h"
#include "../../src/lqvalue.h"
#include "../../src/markdown.h"
#include "../../src/xmalloc.h"
#include "../../src/yamlu.h"
#include "test.h"

/* A measured template, in the site's time zone. */
struct jcase {
	const char	*zone;
	const char	*tmpl;
	const char	*want;
};

/* A template with the output and diagnostics it must give. */
struct dcase {
	const char	*tmpl;
	const char	*want;
	const char	*diag;
};

/* A file of the test site's _includes. */
struct incfile {
	const char	*name;
	const char	*text;
};

static struct lq_value	*load_yaml(const char *);
static struct lq_value	*make_page(void);
static char		*post_url(const char *, void *);
static char		*link_path(const char *, void *);
static int		 include(const char *, struct buf *, char **, void *);
static void		 env_init(struct liquid_env *, struct lq_value *,
			    struct lq_value *);
static int		 render(const struct liquid_env *, const char *, int,
			    char **, char **);
static void		 check_jekyll(struct lq_value *);
static void		 check_table(struct lq_value *, const char *,
			    const struct dcase *, size_t);
static void		 check_lines(struct lq_value *);
static void		 check_relative(struct lq_value *);
static void		 check_bounds(struct lq_value *);
static void		 check_stash(struct lq_value *);
static void		 check_scalars(void);
static void		 check_values(void);

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

/* The measured site's _config.yml. */
static const char SITE_YAML[] =
	"title: \"My <Site> & co\"\n"
	"url: \"https://ex.com\"\n"
	"baseurl: \"/blog\"\n"
	"n: 3\n"
	"f: 2.5\n"
	"yes1: yes\n"
	"off1: off\n"
	"nul: ~\n"
	"empty_s: \"\"\n"
	"list: [b, a, c, a]\n"
	"nums: [3, 1, 2]\n"
	"h:\n"
	"  k: v\n"
	"  \"a b\": 7\n"
	"people:\n"
	"  - {name: Ann, age: 30, tag: x}\n"
	"  - {name: Bob, age: 25, tag: y}\n"
	"  - {name: Cid, age: 35, tag: x}\n"
	"nested: [b, a, [c, [d]], {k: v}]\n"
	"folks:\n"
	"  - {name: Ann, age: \"10\", tags: [x, y], n: {a: 1}}\n"
	"  - {name: Bob, age: \"9\", tags: [y]}\n"
	"  - {name: Cid}\n"
	"d1: 2024-03-05 14:07:09 +0000\n"
	"d2: 2024-03-05T14:07:09Z\n"
	"s1: \"2024-03-05 14:07:09\"\n"
	"b2: No\n"
	"b6: TRUE\n"
	"b5: y\n"
	"i1: 0x1F\n"
	"i3: 017\n"
	"i4: 1_000\n"
	"i5: +5\n"
	"s3: 1,000\n"
	"f1: 1.5e3\n"
	"f2: .5\n"
	"f7: 3.\n"
	"sx: 12:30\n";

/* The measured posts' front matter. */
static const char PAGE_YAML[] =
	"title: \"Post title\"\n"
	"tags: [t1, t2]\n"
	"num_s: \"12\"\n"
	"date: 2024-07-04 09:05:03 +0000\n";

/* The measured site's _includes, and a few more. */
static const struct incfile includes[] = {
	{ "p.html", "I[{{ include.a }}|{{ include.b }}|{{ include.c }}]" },
	{ "sub/n.html", "N{% assign leak = \"L\" %}{{ include.a }}" },
	{ "fm.html", "---\nx: 1\n---\nFM" },
	{ "r.html", "R{% if include.d > 0 %}{% assign dd = include.d | "
	    "minus: 1 %}{% include r.html d=dd %}{% endif %}" },
	/* Not measured (Jekyll would fail or loop). */
	{ "loop.html", "L{% include loop.html %}" },
	{ "bad.html", "x\n{% foo %}y" },
	{ "break.html", "b{% break %}B" },
	{ "code.html", "{% highlight sh %}\necho <hi>\n{% endhighlight %}" },
};

/*
 * Measured with jekyll build (see the top of the file): zone is the
 * site's timezone setting, template, _site output.
 */
static const struct jcase jekyll_cases[] = {
	/* values */
	{ "UTC",
	  "[{{ site.title }}][{{ site.n }}][{{ site.f }}][{{ site.yes1 }"
	  "}][{{ site.off1 }}][{{ site.nul }}][{{ site.list }}][{{ site."
	  "nums }}][{{ site.h }}][{{ site.people[0] }}][{{ site.missing "
	  "}}][{{ page.tags }}][{{ site.h[\"a b\"] }}][{{ site.list[1] }"
	  "}][{{ site.list[-1] }}][{{ site.list[9] }}][{{ site.list.size"
	  " }}][{{ site.list.first }}][{{ site.list.last }}][{{ site.tit"
	  "le.size }}][{{ site.h.size }}][{{ site.people.first.name }}]["
	  "{{ site.h.first }}][{{ site.n.size }}][{{ site.list[\"size\"]"
	  " }}][{{ page.title }}]",
	  "[My <Site> & co][3][2.5][true][false][][baca][312][{\"k\"=>\""
	  "v\", \"a b\"=>7}][{\"name\"=>\"Ann\", \"age\"=>30, \"tag\"=>\""
	  "x\"}][][t1t2][7][a][a][][4][b][a][14][2][Ann][kv][8][][Post t"
	  "itle]" },
	/* literals */
	{ "UTC",
	  "[{{ \"s\" }}][{{ 'q' }}][{{ 1 }}][{{ -2 }}][{{ 1.50 }}][{{ 1."
	  "0 }}][{{ true }}][{{ false }}][{{ nil }}][{{ null }}][{{ empt"
	  "y }}][{{ blank }}][{{ (1..3) }}][{{ (site.n..5) }}][{{ }}][{{"
	  " 1.123456789012345678 }}]",
	  "[s][q][1][-2][1.5][1.0][true][false][][][][][1..3][3..5][][1."
	  "1234567890123457]" },
	/* psych */
	{ "UTC",
	  "[{{ site.b2 }}][{{ site.b6 }}][{{ site.b5 }}][{{ site.i1 }}]["
	  "{{ site.i3 }}][{{ site.i4 }}][{{ site.i5 }}][{{ site.s3 }}][{"
	  "{ site.f1 }}][{{ site.f2 }}][{{ site.f7 }}][{{ site.sx }}][{{"
	  " site.d1 }}][{{ site.d2 }}][{{ site.s1 }}][{{ page.date }}][{"
	  "% if site.i5 == 5 %}int{% endif %}][{% if site.b2 == false %}"
	  "bool{% endif %}]",
	  "[false][true][y][31][15][1000][5][1000][1.5e3][0.5][3.0][4500"
	  "0][2024-03-05 14:07:09 +0000][2024-03-05 14:07:09 UTC][2024-0"
	  "3-05 14:07:09][2024-07-04 09:05:03 +0000][int][bool]" },
	/* ws_trim */
	{ "UTC",
	  "a  {{- \"x\" -}}  b\n"
	  "c  {%- if true -%}  d  {%- endif -%}  e\n"
	  "f {%- assign x = 1 %}\n"
	  "g\n"
	  " {{- x }}\n"
	  "h",
	  "axb\n"
	  "cde\n"
	  "f\n"
	  "g1\n"
	  "h" },
	/* ws_keep */
	{ "UTC",
	  "A\n"
	  "{% if true %}\n"
	  "B\n"
	  "{% endif %}\n"
	  "C",
	  "A\n"
	  "\n"
	  "B\n"
	  "\n"
	  "C" },
	/* ws_scope */
	{ "UTC",
	  "a {% if true %}{%- endif %}|b {% if true -%}   c{% endif %}|{"
	  "% raw -%}  x  {%- endraw %}|{%- raw %}  y  {% endraw -%}  |  "
	  "{{- \"z\" }}|{{ \"e\" -}}\n"
	  " |",
	  "a |b c|  x  {%- endraw %}|{%- raw %}  y  |z|e|" },
	/* ws_blank */
	{ "UTC",
	  "[{% if true %}\n"
	  "  {% assign x = 1 %}\n"
	  "{% endif %}][{% for i in (1..2) %}\n"
	  "  {% capture y %}z{% endcapture %}\n"
	  "{% endfor %}][{% if true %}\n"
	  "  {{ x }}\n"
	  "{% endif %}][{% if true %} {% comment %}c{% endcomment %} {% "
	  "else %} x {% endif %}][{% capture q %}\n"
	  " {% assign w = 1 %}\n"
	  "{% endcapture %}{{ q | size }}][{% unless false %}\n"
	  "{% raw %}{% endraw %}\n"
	  "{% endunless %}][{% if true %} {% raw %} {% endraw %} {% endi"
	  "f %}][{% case 1 %}\n"
	  "{% when 1 %}\n"
	  "{% assign k = 2 %}\n"
	  "{% endcase %}]",
	  "[][][\n"
	  "  1\n"
	  "][  ][3][][   ][]" },
	/* ws_list */
	{ "UTC",
	  "<ul>\n"
	  "{% for p in site.people %}\n"
	  "  {% if p.tag == \"x\" %}\n"
	  "  <li>{{ p.name }}</li>\n"
	  "  {% endif %}\n"
	  "{% endfor %}\n"
	  "</ul>\n"
	  "{%- for p in site.people -%}\n"
	  "  {{ p.name }}\n"
	  "{%- endfor %}",
	  "<ul>\n"
	  "\n"
	  "  \n"
	  "  <li>Ann</li>\n"
	  "  \n"
	  "\n"
	  "  \n"
	  "\n"
	  "  \n"
	  "  <li>Cid</li>\n"
	  "  \n"
	  "\n"
	  "</ul>AnnBobCid" },
	/* break_top */
	{ "UTC",
	  "[{% if true %}\n"
	  "{% break %}\n"
	  "{% endif %}]after",
	  "[\n" },
	/* raw */
	{ "UTC",
	  "{% raw %}a{% endraw -%}   b|{%raw%}{{x}}{%endraw%}|{% raw %}{"
	  "%- endraw %}{% endraw %}|{% raw %}{% if %}{{ }}{%{% endraw %}"
	  "|{% raw %} {{ page.title }} {% endraw %}",
	  "a   b|{{x}}|{%- endraw %}|{% if %}{{ }}{%| {{ page.title }} " },
	/* comment */
	{ "UTC",
	  "a{% comment %}x{% endcomment %}b{% comment %}{% raw %}{% endc"
	  "omment %}{% endraw %}{% comment %}n{% endcomment %}y{% endcom"
	  "ment %}c{%- comment -%} z {%- endcomment -%}  d{% # inline %}"
	  "e",
	  "abcde" },
	/* if_ops */
	{ "UTC",
	  "{% if site.n == 3 %}a{% endif %}{% if site.n > 2 and site.f <"
	  " 3 %}b{% endif %}{% if false or true and false %}X{% else %}c"
	  "{% endif %}{% if true or false and false %}d{% endif %}{% if "
	  "site.list contains \"a\" %}e{% endif %}{% if site.title conta"
	  "ins \"Site\" %}f{% endif %}{% if site.missing %}X{% elsif sit"
	  "e.nul %}X{% elsif 0 %}g{% endif %}{% if \"\" %}h{% endif %}{%"
	  " if site.empty_s == empty %}i{% endif %}{% if site.empty_s =="
	  " blank %}X{% endif %}{% unless false %}k{% else %}X{% endunle"
	  "ss %}{% if site.list == empty %}X{% endif %}{% if 1 == 1.0 %}"
	  "l{% endif %}{% if \"1\" == 1 %}X{% endif %}{% if nil == false"
	  " %}X{% endif %}{% if site.missing == nil %}n{% endif %}{% if "
	  "\"b\" > \"a\" %}o{% endif %}{% if site.nums contains 1 %}p{% "
	  "endif %}{% if site.nums contains \"1\" %}X{% endif %}",
	  "abcdefghiklnop" },
	/* if_more */
	{ "UTC",
	  "{% if false and false or true %}a{% endif %}{% if true and fa"
	  "lse or true %}X{% else %}b{% endif %}{% if \"  \" == blank %}"
	  "X{% endif %}{% if nil == blank %}X{% endif %}{% if site.h == "
	  "empty %}X{% endif %}{% if site.empty_s == nil %}X{% endif %}{"
	  "% if site.list contains nil %}X{% endif %}{% if site.missing "
	  "contains \"a\" %}X{% endif %}{% if 2 <= 2.0 %}f{% endif %}{% "
	  "if \"abc\" contains \"\" %}g{% endif %}{% if site.h contains "
	  "\"k\" %}h{% endif %}{% if 1 %}i{% endif %}{% if site.h %}j{% "
	  "endif %}{% if empty == \"\" %}k{% endif %}{% if site.list.siz"
	  "e > 3 %}l{% endif %}{% if (1..3) contains 2 %}m{% endif %}{% "
	  "if true != false %}n{% endif %}{% if site.nul == empty %}X{% "
	  "endif %}{% if \"\" == empty %}p{% endif %}{% if empty %}r{% e"
	  "ndif %}{% if site.list != empty %}s{% endif %}{% if site.miss"
	  "ing < 5 %}X{% endif %}{% if site.list > 5 %}X{% endif %}{% if"
	  " site.nums == site.nums %}t{% endif %}{% if (1..3) == (1..3) "
	  "%}u{% endif %}{% if \"x\" contains 1 %}X{% endif %}{% unless "
	  "true %}X{% elsif true %}v{% endunless %}{% if false %}X{% els"
	  "e %}w{% elsif true %}X{% endif %}{% if site.d1 < page.date %}"
	  "x{% endif %}",
	  "Xfghijklmnprstuvwx" },
	/* if_nested */
	{ "UTC",
	  "{% for p in site.people %}{% if p.age > 26 %}{% if p.tag == \""
	  "x\" %}{{ p.name }}:old-x {% else %}{{ p.name }}:old {% endif "
	  "%}{% elsif p.age < 26 %}{{ p.name }}:young {% endif %}{% endf"
	  "or %}",
	  "Ann:old-x Bob:young Cid:old-x " },
	/* case */
	{ "UTC",
	  "{% case site.n %}{% when 1 %}X{% when 2, 3 %}a{% when 3 %}b{%"
	  " else %}X{% endcase %}{% case \"x\" %}{% when \"y\" or \"x\" "
	  "%}c{% endcase %}{% case 9 %}{% when 1 %}X{% else %}d{% endcas"
	  "e %}{% case 1 %}{% when 1 %}e{% else %}X{% when 1 %}f{% endca"
	  "se %}{% case 1 %}{% when 1, 1 %}g{% endcase %}{% case \"\" %}"
	  "{% when empty %}h{% endcase %}{% case 1 %}zz{% when 1 %}i{% e"
	  "ndcase %}",
	  "abcdefgghi" },
	/* for */
	{ "UTC",
	  "{% for x in site.list %}{{ forloop.index }}{{ forloop.index0 "
	  "}}{{ forloop.rindex }}{{ forloop.rindex0 }}{{ forloop.first }"
	  "}{{ forloop.last }}{{ forloop.length }}{{ x }};{% endfor %}|{"
	  "% for x in site.list limit:2 offset:1 %}{{ x }}{% endfor %}|{"
	  "% for x in site.list reversed %}{{ x }}{% endfor %}|{% for x "
	  "in site.list reversed limit:2 %}{{ x }}{% endfor %}|{% for i "
	  "in (1..5) %}{% if i == 2 %}{% continue %}{% endif %}{% if i ="
	  "= 4 %}{% break %}{% endif %}{{ i }}{% endfor %}|{% for x in s"
	  "ite.missing %}X{% else %}E{% endfor %}|{% for x in site.h %}{"
	  "{ x[0] }}={{ x[1] }},{% endfor %}|{% for c in \"abc\" %}{{ c "
	  "}}{% endfor %}|{% for i in (3..1) %}{{ i }}{% else %}none{% e"
	  "ndfor %}|{% for i in (site.n..5) %}{{i}}{% endfor %}",
	  "1043truefalse4b;2132falsefalse4a;3221falsefalse4c;4310falsetr"
	  "ue4a;|ac|acab|ab|13|E|k=v,a b=7,|abc|none|345" },
	/* for_more */
	{ "UTC",
	  "{% for x in site.list %}{% for y in site.nums %}{{ forloop.pa"
	  "rentloop.index }}{{ forloop.index }} {% endfor %}{% endfor %}"
	  "|{% for x in site.list %}{{ forloop.name }}{% break %}{% endf"
	  "or %}|{% for x in site.list offset: -1 limit: 2 %}{{ x }}{% e"
	  "ndfor %}|{% for x in site.list limit: -1 %}{{ x }}{% else %}n"
	  "eg{% endfor %}|{% assign x = \"a\" %}{% for i in (1..2) %}{% "
	  "assign x = x | append: i %}{% endfor %}{{ x }}|{% for i in (1"
	  "..3) %}{{ i }}{% endfor %}{{ i }}|{% capture c %}{% for i in "
	  "(1..2) %}{{ forloop.length }}{% endfor %}{% endcapture %}{{ c"
	  " }}|{% for i in (1..3) offset:1 limit:1 %}{{ i }}{% endfor %}"
	  "|{% for i in site.nested offset:2 %}{{ i }}{% endfor %}|{% fo"
	  "r i in (1..2) %}{% for j in (1..2) %}{% break %}{{ j }}{% end"
	  "for %}{{ i }}{% endfor %}|{% for i in \"\" %}x{% else %}E{% e"
	  "ndfor %}|{% for x in site.people limit: 1 %}{{ x.name }}{% en"
	  "dfor %}|{% for i in (1..3) limit: \"2\" %}{{i}}{% endfor %}|{"
	  "% for i in (1..1000000000) reversed %}{% if forloop.index > 3"
	  " %}{% break %}{% endif %}{{ i }},{% endfor %}",
	  "11 12 13 21 22 23 31 32 33 41 42 43 |x-site.list|b|neg|a12|12"
	  "3|22|2|cd{\"k\"=>\"v\"}|12|E|Ann|12|1000000000,999999999,9999"
	  "99998," },
	/* assign */
	{ "UTC",
	  "{% assign a = \"x\" | upcase %}{{ a }}{% capture c %}[{{ a }}"
	  " {{ site.n }}]{% endcapture %}{{ c }}{{ c.size }}{% assign b "
	  "= site.list | sort %}{{ b | join: \",\" }}{% assign site = 5 "
	  "%}{{ site }}{% assign page.title = 1 %}{{ page.title }}",
	  "X[X 3]5a,a,b,c5Post title" },
	/* str1 */
	{ "UTC",
	  "[{{ \"Hello World\" | upcase }}][{{ \"ÉCOLE Straße\" | down"
	  "case }}][{{ \"éCOLE\" | upcase }}][{{ \"hello WORLD\" | capi"
	  "talize }}][{{ \"élan\" | capitalize }}][{{ \"a,b,,c\" | spli"
	  "t: \",\" | join: \"|\" }}][{{ \"a b  c\" | split: \" \" | siz"
	  "e }}][{{ \"abc\" | split: \"\" | join: \"-\" }}][{{ \"  x  \""
	  " | strip }}|{{ \"  x  \" | lstrip }}|{{ \"  x  \" | rstrip }}"
	  "][{{ \"a<b>c</b><!-- x --><script>y</script>d\" | strip_html "
	  "}}][{{ \"a\n"
	  "b\" | strip_newlines }}][{{ \"a\n"
	  "b\" | newline_to_br }}][{{ \"aXbXc\" | replace: \"X\", \"-\" "
	  "}}][{{ \"aXbXc\" | replace_first: \"X\", \"-\" }}][{{ \"aXbXc"
	  "\" | remove: \"X\" }}][{{ \"aXbXc\" | remove_first: \"X\" }}]"
	  "[{{ \"a\" | append: \"b\" | prepend: \"c\" }}][{{ \"abc\" | s"
	  "ize }}][{{ \"日本語\" | size }}][{{ \"ab\" | replace: \"\""
	  ", \"-\" }}][{{ \"ab\" | replace_first: \"\", \"-\" }}][{{ \"x"
	  "\" | split: nil | size }}][{{ 12 | append: 3 }}][{{ 1.5 | app"
	  "end: \"\" }}][{{ site.list | append: \"\" }}]",
	  "[HELLO WORLD][école straße][ÉCOLE][Hello world][Élan][a|b"
	  "||c][3][a-b-c][x|x  |  x][acd][ab][a<br />\n"
	  "b][a-b-c][a-bXc][abc][abXc][cab][3][3][-a-b-][-ab][1][123][1."
	  "5][[\"b\", \"a\", \"c\", \"a\"]]" },
	/* str2 */
	{ "UTC",
	  "[{{ \"Ground control to Major Tom.\" | truncate: 20 }}][{{ \""
	  "Ground control\" | truncate: 25, \"!\" }}][{{ \"日本語テキ"
	  "スト\" | truncate: 5 }}][{{ \"abc\" | truncate: 2 }}][{{ \""
	  "Ground control to Major Tom.\" | truncatewords: 3 }}][{{ \"a "
	  "b c\" | truncatewords: 3 }}][{{ \"a  b   c d\" | truncateword"
	  "s: 2, \"--\" }}][{{ \"abcdef\" | slice: 1, 3 }}][{{ \"abcdef\""
	  " | slice: -2 }}][{{ \"abcdef\" | slice: 9 }}][{{ site.list | "
	  "slice: 1, 2 | join: \",\" }}][{{ \"日本語\" | slice: 1 }}]"
	  "[{{ \"x\" | truncate: 0 }}][{{ \"abcdefghij\" | truncate: 3 }"
	  "}][{{ \"   a   b  \" | truncatewords: 1 }}][{{ \"abc\" | slic"
	  "e: -5, 2 }}][{{ \"abc\" | slice: 3 }}][{{ \"abc\" | slice: 0,"
	  " -1 }}][{{ \"a b c\" | truncatewords: 0 }}][{{ \"abcdef\" | t"
	  "runcate: 5, \"\" }}]",
	  "[Ground control to...][Ground control][日本...][...][Ground"
	  " control to...][a b c][a b--][bcd][e][][a,c][本][...][...][a"
	  "...][][][][a...][abcde]" },
	/* escape */
	{ "UTC",
	  "[{{ \"&amp; &lt; & &#39; &#x27; &foo\" | escape_once }}][{{ \""
	  "a b&c/d?e=é~*\" | cgi_escape }}][{{ \"a b&c/d?e=é~*\" | url"
	  "_encode }}][{{ \"a b&c/d?e=é~*[]#%20<>\" | uri_escape }}][{{"
	  " nil | escape }}][{{ 5 | escape }}][{{ \"<p class='x'>T & J</"
	  "p>\" | escape }}][{{ '<a x=\"y\" z=' | append: \"'w'>&amp;\" "
	  "| xml_escape }}][{{ \"a+b%20c\" | url_decode }}][{{ \"%2F%41%"
	  "zz é\" | uri_escape }}][{{ \"Hello\" | inspect }}][{{ site.h"
	  " | inspect }}]",
	  "[&amp; &lt; &amp; &#39; &amp;#x27; &amp;foo][a+b%26c%2Fd%3Fe%"
	  "3D%C3%A9~%2A][a+b%26c%2Fd%3Fe%3D%C3%A9~%2A][a%20b&c/d?e=%C3%A"
	  "9~*[]#%20%3C%3E][][5][&lt;p class=&#39;x&#39;&gt;T &amp; J&lt"
	  ";/p&gt;][&lt;a x=&quot;y&quot; z=&apos;w&apos;&gt;&amp;amp;]["
	  "a b c][/A%25zz%20%C3%A9][&quot;Hello&quot;][{&quot;k&quot;=&g"
	  "t;&quot;v&quot;, &quot;a b&quot;=&gt;7}]" },
	/* numbers */
	{ "UTC",
	  "[{{ 4 | plus: 2 }}][{{ 4 | plus: 2.0 }}][{{ \"4\" | plus: \"2"
	  "\" }}][{{ \"4.5\" | plus: 1 }}][{{ \"abc\" | plus: 1 }}][{{ 1"
	  "0 | minus: 12 }}][{{ 3 | times: 1.1 }}][{{ 7 | divided_by: 2 "
	  "}}][{{ -7 | divided_by: 2 }}][{{ 7 | modulo: 3 }}][{{ -7 | mo"
	  "dulo: 3 }}][{{ 7.5 | modulo: 2 }}][{{ 1.1 | times: 3 }}][{{ 0"
	  ".1 | times: 3 }}][{{ 10 | divided_by: 3.0 }}][{{ 2 | times: 0"
	  ".5 }}][{{ 1000000 | times: 1000000.0 }}][{{ 1 | divided_by: 8"
	  ".0 }}][{{ 123456789.123 | plus: 0 }}][{{ 12345678901234567.0 "
	  "| plus: 0 }}][{{ 0.0001 | plus: 0 }}][{{ 0.00001 | plus: 0 }}"
	  "][{{ \"3.0\" | times: 2 }}][{{ 5 | minus: 0.5 }}][{{ nil | pl"
	  "us: 1 }}][{{ true | plus: 1 }}][{{ \" 7 \" | plus: 1 }}][{{ \""
	  "1_000\" | plus: 1 }}][{{ 0.1 | plus: 0.2 }}][{{ 10 | divided_"
	  "by: 4 }}][{{ 1 | divided_by: 3.0 }}][{{ 1.0 | divided_by: 0 }"
	  "}][{{ 0.0 | divided_by: 0.0 }}]",
	  "[6][6.0][6][5.5][1][-2][3.3][3][-4][1][2][1.5][3.3][0.3][3.33"
	  "33333333333335][1.0][1000000000000.0][0.125][123456789.123][1"
	  ".2345678901234568e+16][0.0001][1.0e-05][6.0][4.5][1][1][8][10"
	  "01][0.3][2][0.3333333333333333][Infinity][NaN]" },
	/* numbers2 */
	{ "UTC",
	  "[{{ 2.5 | round }}][{{ 3.14159 | round: 2 }}][{{ -2.5 | round"
	  " }}][{{ 2.675 | round: 2 }}][{{ 4.2 | ceil }}][{{ -4.2 | floo"
	  "r }}][{{ -3 | abs }}][{{ \"-3.5\" | abs }}][{{ 5 | at_least: "
	  "7 }}][{{ 5 | at_most: 2.5 }}][{{ 1000000000000000.0 | plus: 0"
	  " }}][{{ 100000000000000.0 | plus: 0 }}]",
	  "[3][3.14][-3][2.68][5][-5][3][3.5][7][2.5][1.0e+15][100000000"
	  "000000.0]" },
	/* arrays */
	{ "UTC",
	  "[{{ site.list | sort | join }}][{{ site.nums | sort | join: \""
	  ",\" }}][{{ site.people | sort: \"age\" | map: \"name\" | join"
	  ": \",\" }}][{{ site.people | where: \"tag\", \"x\" | map: \"n"
	  "ame\" | join }}][{{ site.list | uniq | join }}][{{ site.list "
	  "| reverse | join }}][{{ site.list | first }}][{{ site.list | "
	  "last }}][{{ site.list | size }}][{{ site.people | map: \"age\""
	  " | join: \"+\" }}][{{ \"abc\" | first }}][{{ site.h | size }}"
	  "][{{ nil | size }}][{{ 5 | size }}][{{ site.people | first | "
	  "map: \"name\" }}][{{ site.nums | join: \", \" }}][{{ (1..4) |"
	  " join: \",\" }}][{{ (1..4) | reverse | join }}][{{ site.peopl"
	  "e | where: \"age\", \"30\" | size }}][{{ site.people | where:"
	  " \"age\", 30 | size }}][{{ site.list | where: \"x\", \"y\" | "
	  "size }}][{{ \"abc\" | reverse }}][{{ site.people | sort: \"na"
	  "me\" | last | map: \"age\" }}][{{ site.h | first }}][{{ site."
	  "h | sort | first | join: \":\" }}]",
	  "[a a b c][1,2,3][Bob,Ann,Cid][Ann Cid][b a c][a c a b][b][a]["
	  "4][30+25+35][][2][0][8][Ann][3, 1, 2][1,2,3,4][4 3 2 1][1][1]"
	  "[0][abc][35][kv][a b:7]" },
	/* arrays2 */
	{ "UTC",
	  "[{{ site.nested | join: \",\" }}][{{ site.nested | size }}][{"
	  "{ site.nested | reverse | size }}][{{ site.nested | first }}]"
	  "[{{ site.nested | map: \"k\" | size }}][{{ site.nested | uniq"
	  " | size }}][{{ site.nested | compact | size }}][{{ site.folks"
	  " | sort: \"age\" | map: \"name\" | join }}][{{ site.folks | s"
	  "ort: \"age\", \"last\" | map: \"name\" | join }}][{{ site.fol"
	  "ks | where: \"tags\", \"y\" | map: \"name\" | join }}][{{ sit"
	  "e.folks | where: \"n.a\", 1 | map: \"name\" | join }}][{{ sit"
	  "e.folks | map: \"name\" | jsonify }}][{{ \"a,b\" | split: \","
	  "\" | concat: site.nested | join: \",\" }}][{{ site.folks | ma"
	  "p: \"name\" | array_to_sentence_string }}][{{ \"  a \t b  \" "
	  "| normalize_whitespace }}][{{ \"/a/index.html\" | strip_index"
	  " }}][{{ site.folks | sort: \"name\" | map: \"name\" | join }}"
	  "][{{ \"3,10,2\" | split: \",\" | sort | join }}]",
	  "[b,a,c,d,{\"k\"=>\"v\"}][4][5][b][5][5][5][Cid Bob Ann][Bob A"
	  "nn Cid][Ann Bob][Ann][[\"Ann\",\"Bob\",\"Cid\"]][a,b,b,a,c,d,"
	  "{\"k\"=>\"v\"}][Ann, Bob, and Cid][a b][/a/][Ann Bob Cid][10 "
	  "2 3]" },
	/* misc */
	{ "UTC",
	  "[{{ nil | default: \"d\" }}][{{ \"\" | default: \"d\" }}][{{ "
	  "false | default: \"d\" }}][{{ false | default: \"d\", allow_f"
	  "alse: true }}][{{ site.list | default: \"d\" }}][{{ 0 | defau"
	  "lt: \"d\" }}][{{ \"x\" | default: \"d\" }}][{{ \"Hello World!"
	  " Ünïcode_x.y\" | slugify }}][{{ \"Hello World! Ünïcode_x."
	  "y\" | slugify: \"pretty\" }}][{{ \"a b\" | slugify: \"raw\" }"
	  "}][{{ \"a.b_c\" | slugify: \"ascii\" }}][{{ \"Ünïcode a\" |"
	  " slugify: \"latin\" }}][{{ \"one two  three\" | number_of_wor"
	  "ds }}][{{ \"Hello\" | slugify: \"none\" }}][{{ \"日本語 te"
	  "xt 한국어\" | number_of_words: \"cjk\" }}][{{ \"日本語 "
	  "text\" | number_of_words: \"auto\" }}][{{ \"a b\" | number_of"
	  "_words: \"auto\" }}][{{ \"\" | default }}][{{ \"it's\" | smar"
	  "tify | size }}]",
	  "[d][d][d][false][baca][0][x][hello-world-ünïcode-x-y][hello"
	  "-world!-ünïcode_x.y][a-b][a-b-c][unicode-a][3][hello][7][4]"
	  "[2][][4]" },
	/* json */
	{ "UTC",
	  "[{{ site.people | jsonify }}][{{ site.h | jsonify }}][{{ nil "
	  "| jsonify }}][{{ 1.5 | jsonify }}][{{ site.list | jsonify }}]"
	  "[{{ true | jsonify }}][{{ (1..3) | jsonify }}][{{ page.date |"
	  " jsonify }}][{{ 'q\"\\\\/é' | jsonify }}]",
	  "[[{\"name\":\"Ann\",\"age\":30,\"tag\":\"x\"},{\"name\":\"Bob"
	  "\",\"age\":25,\"tag\":\"y\"},{\"name\":\"Cid\",\"age\":35,\"t"
	  "ag\":\"x\"}]][{\"k\":\"v\",\"a b\":7}][null][1.5][[\"b\",\"a\""
	  ",\"c\",\"a\"]][true][\"1..3\"][\"2024-07-04 09:05:03 +0000\"]"
	  "[\"q\\\"\\\\\\\\/é\"]" },
	/* urls */
	{ "UTC",
	  "[{{ \"/a b/é\" | relative_url }}][{{ \"x.html\" | absolute_u"
	  "rl }}][{{ \"http://o.com/x\" | absolute_url }}][{{ \"\" | rel"
	  "ative_url }}][{{ nil | relative_url }}][{{ \"/\" | absolute_u"
	  "rl }}][{{ \"#x\" | relative_url }}][{{ \"a?b=c d\" | relative"
	  "_url }}][{{ \"//cdn/x\" | relative_url }}][{{ \"mailto:x@y\" "
	  "| relative_url }}][{{ 5 | relative_url }}][{{ \"\" | absolute"
	  "_url }}]",
	  "[/blog/a%20b/%C3%A9][https://ex.com/blog/x.html][http://o.com"
	  "/x][/blog][][https://ex.com/blog/][/blog/#x][/blog/a?b=c%20d]"
	  "[/blog//cdn/x][mailto:x@y][/blog/5][https://ex.com/blog]" },
	/* markdownify */
	{ "UTC",
	  "{{ \"markdown *x*\" | markdownify }}",
	  "<p>markdown <em>x</em></p>\n" },
	/* dates */
	{ "America/New_York",
	  "[{{ page.date }}][{{ site.d1 }}][{{ site.s1 }}][{{ page.date "
	  "| date: \"%Y-%m-%d %H:%M:%S %z %Z\" }}][{{ page.date | date: "
	  "\"%b %B %e %-d %-m %y %j %a %A %I %l %p %P %k %u %w %%\" }}]["
	  "{{ page.date | date_to_string }}][{{ page.date | date_to_long"
	  "_string }}][{{ page.date | date_to_xmlschema }}][{{ page.date"
	  " | date_to_rfc822 }}][{{ page.date | date_to_string: \"ordina"
	  "l\" }}][{{ page.date | date_to_long_string: \"ordinal\", \"US"
	  "\" }}][{{ site.s1 | date: \"%F %T %z\" }}][{{ \"2024-01-02\" "
	  "| date: \"%F %T %z\" }}][{{ \"now\" | date: \"%Y\" | size }}]"
	  "[{{ 0 | date: \"%F %T\" }}][{{ \"1700000000\" | date: \"%F\" "
	  "}}][{{ \"garbage\" | date: \"%F\" }}][{{ \"\" | date: \"%F\" "
	  "}}][{{ nil | date: \"%F\" }}][{{ page.date | date: \"\" }}]",
	  "[2024-07-04 05:05:03 -0400][2024-03-05 14:07:09 +0000][2024-0"
	  "3-05 14:07:09][2024-07-04 05:05:03 -0400 EDT][Jul July  4 4 7"
	  " 24 186 Thu Thursday 05  5 AM am  5 4 4 %][04 Jul 2024][04 Ju"
	  "ly 2024][2024-07-04T05:05:03-04:00][Thu, 04 Jul 2024 05:05:03"
	  " -0400][4th Jul 2024][July 4th, 2024][2024-03-05 14:07:09 -05"
	  "00][2024-01-02 00:00:00 -0500][4][1969-12-31 19:00:00][2023-1"
	  "1-14][garbage][][][2024-07-04 05:05:03 -0400]" },
	/* dates2 */
	{ "America/New_York",
	  "[{{ page.date | date: \"%s %C %D %R %T %h %n %t %U %W %V %G %"
	  "L %N %3N %-H %_m %^a %^B %010d %:z %::z\" }}][{{ \"2024-01-02"
	  "T03:04:05Z\" | date: \"%F %T %z\" }}][{{ \"2024-01-02T03:04:0"
	  "5+05:30\" | date: \"%F %T %z\" }}][{{ \"Jan 5, 2024\" | date:"
	  " \"%F\" }}][{{ \"5 January 2024 10:00\" | date: \"%F %R\" }}]"
	  "[{{ \"2024/01/05\" | date: \"%F\" }}][{{ page.date | date: \""
	  "%c|%x|%X|%r|%+\" }}][{{ site.d1 | date_to_xmlschema }}][{{ \""
	  "2024-12-25\" | date_to_string }}][{{ page.date | date: \"%-I "
	  "%-l %-j %e\" }}][{{ page.date.size }}][{{ page.date | size }}"
	  "][{{ nil | date_to_string }}|{{ \"\" | date_to_xmlschema }}]["
	  "{{ site.d2 }}][{{ site.d2 | date: \"%Z\" }}]",
	  "[1720083903 20 07/04/24 05:05 05:05:03 Jul \n"
	  " \t 26 27 27 2024 000 000000000 000 5  7 THU JULY 0000000004 "
	  "-04:00 -04:00:00][2024-01-02 03:04:05 +0000][2024-01-02 03:04"
	  ":05 +0530][2024-01-05][2024-01-05 10:00][2024-01-05][Thu Jul "
	  " 4 05:05:03 2024|07/04/24|05:05:03|05:05:03 AM|%+][2024-03-05"
	  "T09:07:09-05:00][25 Dec 2024][5 5 186  4][][0][|][2024-03-05 "
	  "14:07:09 UTC][UTC]" },
	/* highlight */
	{ "UTC",
	  "{% highlight ruby %}\n"
	  "def foo\n"
	  "  puts \"<a>\" & 1\n"
	  "end\n"
	  "{% endhighlight %}\n",
	  "<figure class=\"highlight\"><pre><code class=\"language-ruby\""
	  " data-lang=\"ruby\">def foo\n"
	  "  puts \"&lt;a&gt;\" &amp; 1\n"
	  "end</code></pre></figure>\n" },
	/* highlight_linenos */
	{ "UTC",
	  "x{% highlight ruby linenos %}\n"
	  "def foo\n"
	  "\n"
	  "  puts 1\n"
	  "end\n"
	  "{% endhighlight %}y\n",
	  "x<figure class=\"highlight\"><pre><code class=\"language-ruby"
	  "\" data-lang=\"ruby\"><table class=\"rouge-table\"><tbody><tr"
	  "><td class=\"gutter gl\"><pre class=\"lineno\">1\n"
	  "2\n"
	  "3\n"
	  "4\n"
	  "</pre></td><td class=\"code\"><pre>def foo\n"
	  "\n"
	  "  puts 1\n"
	  "end\n"
	  "</pre></td></tr></tbody></table></code></pre></figure>y\n" },
	/* highlight_newlines */
	{ "UTC",
	  "{% highlight xml %}\n"
	  "\n"
	  "\n"
	  "<!DOCTYPE html>\n"
	  "\n"
	  "{% endhighlight %}|{% highlight Ruby %}\r\n"
	  "a\r\n"
	  "\tb\r\n"
	  "{% endhighlight %}|{% highlight C++ %}int x;{% endhighlight %"
	  "}|{% highlight c# linenos=table %}\n"
	  "a\n"
	  "\n"
	  "  \n"
	  "{% endhighlight %}",
	  "<figure class=\"highlight\"><pre><code class=\"language-xml\""
	  " data-lang=\"xml\">&lt;!DOCTYPE html&gt;</code></pre></figure"
	  ">|<figure class=\"highlight\"><pre><code class=\"language-rub"
	  "y\" data-lang=\"ruby\">a\r\n"
	  "\tb</code></pre></figure>|<figure class=\"highlight\"><pre><c"
	  "ode class=\"language-c--\" data-lang=\"c++\">int x;</code></p"
	  "re></figure>|<figure class=\"highlight\"><pre><code class=\"l"
	  "anguage-c#\" data-lang=\"c#\"><table class=\"rouge-table\"><t"
	  "body><tr><td class=\"gutter gl\"><pre class=\"lineno\">1\n"
	  "2\n"
	  "3\n"
	  "</pre></td><td class=\"code\"><pre>a\n"
	  "\n"
	  "  \n"
	  "</pre></td></tr></tbody></table></code></pre></figure>" },
	/* highlight_edges */
	{ "UTC",
	  "{% highlight nosuchlang %}a<b{% endhighlight %}|{%- highlight"
	  " ruby -%}   \n"
	  "  a  \n"
	  "  {%- endhighlight -%}  z|{% highlight ruby mark_lines=\"1 2\""
	  " %}\n"
	  "a\n"
	  "{% endhighlight %}|{% highlight ruby linenos %}{% endhighligh"
	  "t %}|{% highlight ruby %}{% endhighlight %}|{% highlight ruby"
	  " %}{{ page.title }} {% raw %}{{x}}{% endraw %}{% if true %}T{"
	  "% endif %}{% endhighlight %}",
	  "<figure class=\"highlight\"><pre><code class=\"language-nosuc"
	  "hlang\" data-lang=\"nosuchlang\">a&lt;b</code></pre></figure>"
	  "|<figure class=\"highlight\"><pre><code class=\"language-ruby"
	  "\" data-lang=\"ruby\">a</code></pre></figure>z|<figure class="
	  "\"highlight\"><pre><code class=\"language-ruby\" data-lang=\""
	  "ruby\">a</code></pre></figure>|<figure class=\"highlight\"><p"
	  "re><code class=\"language-ruby\" data-lang=\"ruby\"><table cl"
	  "ass=\"rouge-table\"><tbody><tr><td class=\"gutter gl\"><pre c"
	  "lass=\"lineno\">1\n"
	  "</pre></td><td class=\"code\"><pre>\n"
	  "</pre></td></tr></tbody></table></code></pre></figure>|<figur"
	  "e class=\"highlight\"><pre><code class=\"language-ruby\" data"
	  "-lang=\"ruby\"></code></pre></figure>|<figure class=\"highlig"
	  "ht\"><pre><code class=\"language-ruby\" data-lang=\"ruby\">Po"
	  "st title {{x}}T</code></pre></figure>" },
	/* include */
	{ "UTC",
	  "[{% include p.html a=\"x y\" b='q' c=page.title %}][{% includ"
	  "e p.html %}][{% include sub/n.html a=1 %}{{ leak }}][{% inclu"
	  "de fm.html %}][{% assign f = \"p.html\" %}{% include {{ f }} "
	  "a=2 %}][{% include r.html d=3 %}][{%- include p.html a=\"1\" "
	  "-%}][{% include p.html a=\"say \\\"hi\\\"\" %}]",
	  "[I[x y|q|Post title]][I[||]][N1L][---\n"
	  "x: 1\n"
	  "---\n"
	  "FM][I[2||]][RRRR][I[1||]][I[say \"hi\"||]]" },
	/* post_url */
	{ "UTC",
	  "[{% post_url 2024-01-01-post_url %}][{% post_url /2024-01-01-"
	  "post_url %}]",
	  "[/blog/2024/07/04/post_url.html][/blog/2024/07/04/post_url.ht"
	  "ml]" },
	/* real_post */
	{ "UTC",
	  "{% assign words = \"a b c d e f g\" | number_of_words %}{% if"
	  " words < 5 %}short{% else %}{{ words | divided_by: 2 }} min r"
	  "ead{% endif %}\n"
	  "<time datetime=\"{{ page.date | date_to_xmlschema }}\">{{ pag"
	  "e.date | date: \"%B %-d, %Y\" }}</time>\n"
	  "{% for tag in page.tags %}<a href=\"{{ '/tags/' | relative_ur"
	  "l }}#{{ tag | slugify }}\">{{ tag }}</a>{% unless forloop.las"
	  "t %}, {% endunless %}{% endfor %}\n"
	  "{% capture year %}{{ page.date | date: \"%Y\" }}{% endcapture"
	  " %}Year {{ year }}.\n"
	  "{% if page.image %}<img src=\"{{ page.image | absolute_url }}"
	  "\">{% endif %}\n"
	  "![alt]({{ site.baseurl }}/assets/img.png)\n"
	  "[link]({% post_url 2024-01-01-real_post %})\n"
	  "{{ \"A & B <c>\" | xml_escape }} {{ site.title | escape }}\n"
	  "{% raw %}{{ not rendered }}{% endraw %}\n",
	  "3 min read\n"
	  "<time datetime=\"2024-07-04T09:05:03+00:00\">July 4, 2024</ti"
	  "me>\n"
	  "<a href=\"/blog/tags/#t1\">t1</a>, <a href=\"/blog/tags/#t2\""
	  ">t2</a>\n"
	  "Year 2024.\n"
	  "\n"
	  "![alt](/blog/assets/img.png)\n"
	  "[link](/blog/2024/07/04/real_post.html)\n"
	  "A &amp; B &lt;c&gt; My &lt;Site&gt; &amp; co\n"
	  "{{ not rendered }}\n" },
	/* real_loops */
	{ "UTC",
	  "{% assign sorted = site.people | sort: \"name\" | reverse %}{"
	  "% for p in sorted %}{% if forloop.first %}<ul>{% endif %}\n"
	  "  <li class=\"{{ forloop.index | modulo: 2 }}\">{{ p.name | d"
	  "owncase }} ({{ p.age | plus: 1 }})</li>{% if forloop.last %}\n"
	  "</ul>{% endif %}{% endfor %}\n"
	  "{% assign groups = \"x,y\" | split: \",\" %}{% for g in group"
	  "s %}{{ g }}: {% assign members = site.people | where: \"tag\""
	  ", g %}{{ members | map: \"name\" | join: \", \" }}; {% endfor"
	  " %}\n"
	  "{% for i in (1..10) %}{% if i > 3 %}{% break %}{% endif %}{{ "
	  "i }}{% endfor %}",
	  "<ul>\n"
	  "  <li class=\"1\">cid (36)</li>\n"
	  "  <li class=\"0\">bob (26)</li>\n"
	  "  <li class=\"1\">ann (31)</li>\n"
	  "</ul>\n"
	  "x: Ann, Cid; y: Bob; \n"
	  "123" },
	/* real_text */
	{ "UTC",
	  "{{ \"Élan vital, naïve café\" | upcase }}|{{ \"ÉLAN vital"
	  "\" | capitalize }}|{{ \"<p>One <b>two</b></p>\n"
	  "<script>\n"
	  "alert(1)\n"
	  "</script>three\" | strip_html }}|{{ \"a\" | append: nil }}|{{"
	  " nil | append: \"b\" }}|{{ \"a b c\" | split: \" \" | last }}"
	  "|{{ \"α β γ δ\" | truncatewords: 2 }}|{{ \"日本語の文"
	  "章です\" | truncate: 4, \"…\" }}|{{ \"x\" | prepend: sit"
	  "e.n }}|{{ \"Hello, World\" | replace: \"World\", page.title }"
	  "}|{{ site.h | map: \"k\" | first }}|{% for x in site.h limit:"
	  " 1 %}{{ x | join: \"=\" }}{% endfor %}",
	  "ÉLAN VITAL, NAÏVE CAFÉ|Élan vital|One two\n"
	  "three|a|b|c|α β...|日本語…|3x|Hello, Post title|v|k=v" },
};

/*
 * Where Jekyll stops the build: the construct goes, the rest stays, and
 * one diagnostic says what and where.  Unknown block tags keep their
 * content.  Some syntax Jekyll's lax parser would still read (marked
 * lax) is reported and removed here.
 */
static const struct dcase error_cases[] = {
	{ "a{% foo %}b", "ab", "1: unknown tag 'foo' removed\n" },
	{ "{% foo x %}in{{ 1 }}{% endfoo %}!", "in1!",
	  "1: unknown tag 'foo' removed\n" },
	{ "{% cycle 'a', 'b' %}x", "x",
	  "1: unsupported tag 'cycle' removed\n" },
	{ "{% tablerow x in (1..2) %}{{ x }}{% endtablerow %}", "",
	  "1: unsupported tag 'tablerow' removed\n" },
	{ "x\n{% endif %}y", "x\ny", "2: unexpected tag 'endif'\n" },
	{ "{% else %}x", "x", "1: unexpected tag 'else'\n" },
	/* As Jekyll (lax), an unknown filter leaves the value; it is said. */
	{ "{{ 'x' | nosuch: 1, k: 2 | upcase }}y", "Xy",
	  "1: unknown filter 'nosuch' left out\n" },
	{ "{{ 'a' | append }}y", "y",
	  "1: wrong number of arguments (0) for filter 'append'\n" },
	{ "{{ 'a' | default: 'b', bogus: true }}", "",
	  "1: unknown argument 'bogus' of filter 'default'\n" },
	{ "{% if true %}a", "a", "1: 'if' tag was never closed\n" },
	{ "{% for x in (1..2) %}{% if x %}{{ x }}{% endfor %}!", "12!",
	  "1: 'if' tag was never closed\n" },
	{ "a{{ x", "a x", "1: '{{' is never closed by '}}'\n" },
	{ "a{{ x }b", "ab", "1: output closed by '}' instead of '}}'\n" },
	{ "a{% if", "a if", "1: '{%' is never closed by '%}'\n" },
	{ "{% %}x", "x", "1: tag without a name\n" },
	{ "{% raw %}a{{ b }}", "a{{ b }}", "1: 'raw' tag was never closed\n" },
	{ "{% comment %}a", "", "1: 'comment' tag was never closed\n" },
	{ "{% raw x %}a{% endraw %}", "a", "1: 'raw' takes no arguments\n" },
	{ "{% for x %}a{% endfor %}b", "b",
	  "1: syntax error in '{% for x %}'\n" },
	{ "{% for x in (1..2) offset: continue %}a{% endfor %}", "",
	  "1: 'offset: continue' is not supported\n" },
	{ "{% if 1 == %}a{% endif %}b", "b",		/* lax: "b" */
	  "1: syntax error in condition '1 =='\n" },
	{ "{% if a = 1 %}a{% endif %}b", "b",
	  "1: syntax error in condition 'a = 1'\n" },
	{ "{% case %}{% when 1 %}a{% endcase %}", "",
	  "1: syntax error in '{% case  %}'\n" },
	{ "{% case 1 %}{% when %}a{% endcase %}", "",
	  "1: syntax error in '{% when  %}'\n" },
	{ "{% assign = 5 %}x", "x",
	  "1: syntax error in '{% assign = 5 %}': use assign var = value\n" },
	{ "{% capture %}x{% endcapture %}y", "y",
	  "1: syntax error in '{% capture  %}'\n" },
	{ "{{ 'a' 'b' }}c", "c",			/* lax: "ac" */
	  "1: syntax error in ' 'a' 'b' ': unexpected text after the "
	  "expression\n" },
	{ "{{ 1e3 }}", "",				/* lax: nil */
	  "1: syntax error in ' 1e3 ': unexpected text after the "
	  "expression\n" },
	{ "{{ a[ }}", "", "1: syntax error in ' a[ ': expression expected\n" },
	{ "{% highlight %}x{% endhighlight %}y", "y",
	  "1: syntax error in '{% highlight  %}': use highlight LANG "
	  "[linenos]\n" },
	{ "{% highlight ruby linenos=\"a\" %}x{% endhighlight %}", "",
	  "1: syntax error in '{% highlight ruby linenos=\"a\" %}': use "
	  "highlight LANG [linenos]\n" },
	/* Runtime errors. */
	{ "{% if 'a' > 5 %}X{% endif %}b", "b",
	  "1: comparison of String with Integer failed\n" },
	{ "{{ 1 | divided_by: 0 }}b", "b", "1: divided_by: divided by 0\n" },
	{ "{{ 5 | modulo: 0.0 }}", "", "1: modulo: divided by 0\n" },
	{ "{{ 'x' | date_to_string }}", "",
	  "1: date_to_string: invalid date 'x'\n" },
	{ "{{ nil | sort }}", "", "1: sort: cannot sort a null object\n" },
	{ "{{ site.nested | sort }}", "",
	  "1: sort: comparison of Array with Hash failed\n" },
	{ "{{ site.people | sort: 'age', 'x' }}", "",
	  "1: sort: invalid nils order: it must be 'first' or 'last'\n" },
	{ "{{ nil | cgi_escape }}", "", "1: cgi_escape: cgi_escape of nil\n" },
	{ "{{ 0.0 | divided_by: 0.0 | jsonify }}", "",
	  "1: jsonify: value not allowed in JSON (NaN, Infinity or invalid "
	  "UTF-8)\n" },
	{ "{% for x in (1..3) limit: 'a' %}{{ x }}{% endfor %}b", "b",
	  "1: for: limit is not an integer\n" },
	{ "{{ 'abc' | slice: 'x' }}", "", "1: slice: invalid integer\n" },
	/* A failing node in a loop is reported once. */
	{ "{% for i in (1..3) %}[{{ i | divided_by: 0 }}]{% endfor %}",
	  "[][][]", "1: divided_by: divided by 0\n" },
	/* Jekyll tags. */
	{ "{% post_url nodate %}", "",
	  "1: post_url: 'nodate' is no post name (YYYY-MM-DD-title)\n" },
	{ "{% post_url 2024-01-01-nosuch %}", "",
	  "1: post_url: could not find post '2024-01-01-nosuch'\n" },
	{ "{% link nosuch.md %}", "",
	  "1: link: could not find document 'nosuch.md'\n" },
	{ "{% include nosuch.html %}", "",
	  "1: include: nosuch.html: no such file\n" },
	{ "{% include ../x.html %}", "",
	  "1: include: invalid file name '../x.html'\n" },
	{ "{% include a//b.html %}", "",
	  "1: include: invalid file name 'a//b.html'\n" },
	{ "{% include /etc/passwd %}", "",
	  "1: include: invalid file name '/etc/passwd'\n" },
	{ "{% include p.html a=1 b %}", "",
	  "1: include: invalid parameters in 'p.html a=1 b': use "
	  "key=\"value\"\n" },
	{ "{% include_relative p.html %}", "",
	  "1: include_relative is not available\n" },
	{ "a\n\n{% include bad.html %}", "a\n\nx\ny",
	  "3: in _includes/bad.html line 2: unknown tag 'foo' removed\n" },
	/* break in an include stops the loop around it, as in Liquid. */
	{ "{% for i in (1..3) %}{{ i }}{% include break.html %}{% endfor %}",
	  "1b", "" },
};

/* Measured with jekyll build on a site with docs/pg.md (no front
 * matter) and docs/pg2.md (with front matter). */
static const struct dcase link_cases[] = {
	{ "[{% link docs/pg.md %}][{% link docs/pg2.md %}][{% assign pp = "
	  "\"docs/pg2.md\" %}{% link {{ pp }} %}][{% link /docs/pg.md %}]",
	  "[/blog/docs/pg.md][/blog/docs/pg2.html][/blog/docs/pg2.html]"
	  "[/blog/docs/pg.md]", "" },
	/* include and highlight together, stash or not. */
	{ "{% include code.html %}",
	  "<figure class=\"highlight\"><pre><code class=\"language-sh\" "
	  "data-lang=\"sh\">echo &lt;hi&gt;</code></pre></figure>", "" },
};

/* Build a value from YAML text. */
static struct lq_value *
load_yaml(const char *text)
{
	yaml_document_t	 doc;
	struct lq_value	*v;
	char		*cause = NULL;

	if (yamlu_load(text, strlen(text), 1, &doc, &cause) == -1) {
		fprintf(stderr, "bad test YAML: %s\n", cause);
		exit(1);
	}
	v = lq_from_yaml(&doc, yaml_document_get_root_node(&doc), &cause);
	yaml_document_delete(&doc);
	if (v == NULL) {
		fprintf(stderr, "bad test YAML: %s\n", cause);
		exit(1);
	}
	return (v);
}

/* The measured page: its date shown in local time, as Jekyll does. */
static struct lq_value *
make_page(void)
{
	struct lq_value	*page = load_yaml(PAGE_YAML);
	const struct lq_value *d = lq_hash_get(page, "date", 4);

	CHECK(d != NULL && d->type == LQ_TIME);
	lq_hash_set(page, "date", lq_time(d->u.t.t));
	return (page);
}

/* post_url as the measured site answers (posts dated 2024-07-04). */
static char *
post_url(const char *name, void *arg)
{
	char	*s;

	(void)arg;
	if (strncmp(name, "2024-01-01-", 11) != 0 ||
	    strstr(name, "nosuch") != NULL)
		return (NULL);
	xasprintf(&s, "/2024/07/04/%s.html", name + 11);
	return (s);
}

/* link as the measured site answers. */
static char *
link_path(const char *path, void *arg)
{
	(void)arg;
	if (strcmp(path, "docs/pg.md") == 0)
		return (xstrdup("/docs/pg.md"));
	if (strcmp(path, "docs/pg2.md") == 0)
		return (xstrdup("/docs/pg2.html"));
	return (NULL);
}

/* _includes: the table above, and a file too big. */
static int
include(const char *file, struct buf *out, char **cause, void *arg)
{
	size_t	 i;

	(void)arg;
	if (strcmp(file, "big.html") == 0) {
		for (i = 0; i <= LIQUID_MAX_INCLUDE_SIZE / 8; i++)
			buf_adds(out, "12345678");
		return (0);
	}
	for (i = 0; i < NELEM(includes); i++) {
		if (strcmp(file, includes[i].name) == 0) {
			buf_adds(out, includes[i].text);
			return (0);
		}
	}
	*cause = xstrdup("no such file");
	return (-1);
}

/* An environment for the test site. */
static void
env_init(struct liquid_env *env, struct lq_value *site,
    struct lq_value *page)
{
	memset(env, 0, sizeof *env);
	env->site = site;
	env->page = page;
	env->url = "https://ex.com";
	env->baseurl = "/blog";
	env->post_url = post_url;
	env->link = link_path;
	env->include = include;
}

/* Render a template; the output and diagnostics are new strings. */
static int
render(const struct liquid_env *env, const char *tmpl, int first_line,
    char **out, char **diag)
{
	struct buf	 o = BUF_INIT, d = BUF_INIT;
	int		 rc;

	buf_add(&o, "", 0);
	buf_add(&d, "", 0);
	rc = liquid_render(tmpl, strlen(tmpl), first_line, env, &o, &d);
	*out = buf_take(&o);
	*diag = buf_take(&d);
	return (rc);
}

/* The measured cases: the same output, and nothing to report. */
static void
check_jekyll(struct lq_value *site)
{
	struct liquid_env env;
	struct lq_value	*page;
	const char	*zone = NULL;
	char		*out, *diag;
	size_t		 i;

	page = NULL;
	for (i = 0; i < NELEM(jekyll_cases); i++) {
		if (zone == NULL || strcmp(zone, jekyll_cases[i].zone) != 0) {
			zone = jekyll_cases[i].zone;
			CHECK(datetime_set_zone(zone) == 0);
			lq_unref(page);
			page = make_page();
		}
		env_init(&env, site, page);
		CHECK(render(&env, jekyll_cases[i].tmpl, 1, &out, &diag) == 0);
		CHECK_STR(out, jekyll_cases[i].want);
		CHECK_STR(diag, "");
		free(out);
		free(diag);
	}
	lq_unref(page);
	CHECK(datetime_set_zone("UTC") == 0);
}

/* A table of templates with their output and diagnostics. */
static void
check_table(struct lq_value *site, const char *what, const struct dcase *c,
    size_t n)
{
	struct liquid_env env;
	struct lq_value	*page = make_page();
	char		*out, *diag;
	size_t		 i;
	int		 rc;

	env_init(&env, site, page);
	for (i = 0; i < n; i++) {
		rc = render(&env, c[i].tmpl, 1, &out, &diag);
		if (strcmp(out, c[i].want) != 0 ||
		    strcmp(diag, c[i].diag) != 0)
			fprintf(stderr, "%s case %zu: %s\n", what, i, c[i].tmpl);
		CHECK_STR(out, c[i].want);
		CHECK_STR(diag, c[i].diag);
		CHECK(rc == (c[i].diag[0] == '\0' ? 0 : -1));
		free(out);
		free(diag);
	}
	lq_unref(page);
}

/* Diagnostics count lines from the caller's first line. */
static void
check_lines(struct lq_value *site)
{
	struct liquid_env env;
	char		*out, *diag;

	env_init(&env, site, NULL);
	render(&env, "a\nb\n{% foo %}\n{{ x | bad }}{% if %}{% endif %}", 10,
	    &out, &diag);
	CHECK_STR(out, "a\nb\n\n");
	CHECK_STR(diag, "12: unknown tag 'foo' removed\n"
	    "13: unknown filter 'bad' left out\n"
	    "13: syntax error in condition ''\n");
	free(out);
	free(diag);

	/* A flood of errors is cut short. */
	{
		struct buf t = BUF_INIT;
		int	 i;

		for (i = 0; i < 200; i++)
			buf_adds(&t, "{% x %}\n");
		render(&env, t.data, 1, &out, &diag);
		CHECK(strstr(diag, "50: unknown tag 'x' removed\n") != NULL);
		CHECK(strstr(diag, "51: ") == NULL);
		CHECK(strstr(diag, "1: 150 more diagnostics not shown\n") !=
		    NULL);
		free(out);
		free(diag);
		buf_free(&t);
	}
}

/* include_relative reads through its own callback. */
static void
check_relative(struct lq_value *site)
{
	struct liquid_env env;
	char		*out, *diag;

	env_init(&env, site, NULL);
	env.include_relative = include;
	render(&env, "{% include_relative p.html a=1 %}|"
	    "{% include_relative bad.html %}", 1, &out, &diag);
	CHECK_STR(out, "I[1||]|x\ny");
	CHECK_STR(diag, "1: in bad.html line 2: unknown tag 'foo' removed\n");
	free(out);
	free(diag);
}

/* Hostile templates finish quickly, bounded, with one diagnostic. */
static void
check_bounds(struct lq_value *site)
{
	struct liquid_env env;
	struct buf	 t = BUF_INIT;
	char		*out, *diag;
	clock_t		 start = clock();
	int		 i;

	env_init(&env, site, NULL);

	/* A million iterations: the first 100,000 run. */
	render(&env, "{% for i in (1..1000) %}{% for j in (1..1000) %}x"
	    "{% endfor %}{% endfor %}", 1, &out, &diag);
	CHECK(strlen(out) == 99900);
	CHECK_STR(diag, "1: more than 100000 loop iterations; rendering "
	    "stopped\n");
	free(out);
	free(diag);

	/* Ranges are never made into lists. */
	render(&env, "{{ (1..1000000000) | size }}|{{ (1..1000000000) | last"
	    " }}|{% for i in (1..1000000000) reversed limit: 2 %}{{ i }},"
	    "{% endfor %}|{{ (1..1000000000) | join }}", 1, &out, &diag);
	/* limit first, then reversed, as Liquid does */
	CHECK_STR(out, "1000000000|1000000000|2,1,|");
	CHECK_STR(diag, "1: join: range of more than 100000 elements\n");
	free(out);
	free(diag);

	/* Nesting: blocks, brackets, includes. */
	for (i = 0; i < 150; i++)
		buf_adds(&t, "{% if true %}");
	buf_adds(&t, "deep");
	for (i = 0; i < 150; i++)
		buf_adds(&t, "{% endif %}");
	buf_adds(&t, "after");
	render(&env, t.data, 1, &out, &diag);
	CHECK_STR(out, "after");
	CHECK_STR(diag, "1: blocks nested more than 100 deep\n");
	free(out);
	free(diag);
	buf_reset(&t);
	buf_adds(&t, "{{ a");
	for (i = 0; i < 10000; i++)
		buf_adds(&t, "[a");
	buf_adds(&t, " }}x");
	render(&env, t.data, 1, &out, &diag);
	CHECK_STR(out, "x");
	CHECK(strstr(diag, "expression nested too deep") != NULL);
	free(out);
	free(diag);
	render(&env, "{% include loop.html %}", 1, &out, &diag);
	CHECK_STR(out, "LLLLLLLLLL");
	CHECK_STR(diag, "1: in _includes/loop.html line 1: includes nested "
	    "more than 10 deep (an include loop?)\n");
	free(out);
	free(diag);
	render(&env, "{% include big.html %}", 1, &out, &diag);
	CHECK_STR(out, "");
	CHECK_STR(diag, "1: include: big.html: file too large\n");
	free(out);
	free(diag);

	/* The output cap. */
	env.max_output = 1000;
	render(&env, "{% for i in (1..500) %}abc{% endfor %}", 1, &out,
	    &diag);
	CHECK(strlen(out) == 999);
	CHECK_STR(diag, "1: output larger than 1000 bytes; the rest was "
	    "dropped\n");
	free(out);
	free(diag);

	/* Strings that double: each result is capped, and so is the text
	 * all results together make. */
	env.max_output = 100000;
	render(&env, "{% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..40) %}"
	    "{% assign s = s | append: s %}{% endfor %}{{ s | size }}", 1,
	    &out, &diag);
	CHECK_STR(out, "65536");
	CHECK_STR(diag, "1: append: result longer than 100000 bytes\n");
	free(out);
	free(diag);
	render(&env, "{% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..12) %}"
	    "{% assign s = s | append: s %}{% endfor %}{% for i in (1..100) %}"
	    "{% capture c %}{{ s }}{{ i }}{% endcapture %}{% endfor %}", 1,
	    &out, &diag);
	CHECK_STR(out, "");
	CHECK_STR(diag, "1: more than 400000 bytes of text made; rendering "
	    "stopped\n");
	free(out);
	free(diag);
	env.max_output = 0;

	/* Work: sorting a long list again and again. */
	render(&env, "{% assign l = (1..60000) | reverse %}{% for i in (1..1000)"
	    " %}{% assign m = l | sort %}{% endfor %}{{ m | size }}", 1, &out,
	    &diag);
	CHECK_STR(out, "");
	CHECK(strstr(diag, "template too expensive") != NULL);
	free(out);
	free(diag);

	/* Too many tags: the rest is dropped. */
	buf_reset(&t);
	for (i = 0; i < LIQUID_MAX_NODES + 10; i++)
		buf_adds(&t, "{{1}}");
	render(&env, t.data, 1, &out, &diag);
	CHECK(strlen(out) == LIQUID_MAX_NODES);
	CHECK_STR(diag, "1: more than 100000 tags and texts; the rest of the "
	    "template is dropped\n");
	free(out);
	free(diag);
	buf_free(&t);

	/* All of it in well under a few seconds (minutes would be a bug). */
	CHECK((clock() - start) / CLOCKS_PER_SEC < 20);
}


/*
 * The highlight stash survives Markdown: without it md4c ends the HTML
 * block at the code's blank line and turns the rest into a paragraph.
 */
static void
check_stash(struct lq_value *site)
{
	static const char post[] = "Intro *text*\n\n{% highlight ruby %}\n"
	    "a = 1\n\nb = <2>\n{% endhighlight %}\n\nMore *text* "
	    "{% highlight c %}x{% endhighlight %} end\n";
	static const char want[] = "<p>Intro <em>text</em></p>\n"
	    "<figure class=\"highlight\"><pre><code class=\"language-ruby\" "
	    "data-lang=\"ruby\">a = 1\n\nb = &lt;2&gt;</code></pre></figure>\n"
	    "<p>More <em>text</em></p>\n"
	    "<figure class=\"highlight\"><pre><code class=\"language-c\" "
	    "data-lang=\"c\">x</code></pre></figure>\n"
	    "<p>end</p>\n";
	struct liquid_env env;
	struct buf	 text = BUF_INIT, html = BUF_INIT, diag = BUF_INIT;
	char		*done;

	env_init(&env, site, NULL);

	/* Inline, md4c breaks the block. */
	buf_add(&text, "", 0);
	CHECK(liquid_render(post, strlen(post), 1, &env, &text, &diag) == 0);
	buf_add(&html, "", 0);
	CHECK(markdown_html(text.data, text.len, &html) == 0);
	CHECK(strstr(html.data, "<p>b = &lt;2&gt;</code></pre></figure></p>")
	    != NULL);

	/* Stashed, it comes back whole; kramdown too closes the paragraph
	 * around a highlight block. */
	buf_reset(&text);
	buf_reset(&html);
	env.stash = liquid_stash_new();
	CHECK(liquid_render(post, strlen(post), 1, &env, &text, &diag) == 0);
	CHECK(liquid_stash_count(env.stash) == 2);
	CHECK(strstr(text.data, "<figure") == NULL);
	CHECK(markdown_html(text.data, text.len, &html) == 0);
	done = liquid_unstash(env.stash, html.data);
	CHECK_STR(done, want);
	free(done);

	/* An include's highlight is stashed too; text without
	 * placeholders comes back unchanged. */
	buf_reset(&text);
	CHECK(liquid_render("{% include code.html %}", 23, 1, &env, &text,
	    &diag) == 0);
	CHECK(liquid_stash_count(env.stash) == 3);
	done = liquid_unstash(env.stash, "<p>LQ</p>\n");
	CHECK_STR(done, "<p>LQ</p>\n");
	free(done);
	CHECK_STR(diag.data != NULL ? diag.data : "", "");
	liquid_stash_free(env.stash);
	buf_free(&text);
	buf_free(&html);
	buf_free(&diag);
}

/* Plain YAML scalars as Psych reads them (measured with Jekyll). */
static void
check_scalars(void)
{
	static const struct {
		const char	*in;
		enum lq_type	 type;
		const char	*print;
	} cases[] = {
		{ "", LQ_NIL, "" },
		{ "~", LQ_NIL, "" },
		{ "null", LQ_NIL, "" },
		{ "Null", LQ_NIL, "" },
		{ "yes", LQ_BOOL, "true" },
		{ "No", LQ_BOOL, "false" },
		{ "on", LQ_BOOL, "true" },
		{ "OFF", LQ_BOOL, "false" },
		{ "TRUE", LQ_BOOL, "true" },
		{ "y", LQ_STRING, "y" },
		{ "yesterday", LQ_STRING, "yesterday" },
		{ "0x1F", LQ_INT, "31" },
		{ "0o17", LQ_STRING, "0o17" },
		{ "017", LQ_INT, "15" },
		{ "08", LQ_STRING, "08" },
		{ "0b101", LQ_INT, "5" },
		{ "1_000", LQ_INT, "1000" },
		{ "1,000", LQ_INT, "1000" },
		{ "+5", LQ_INT, "5" },
		{ "-7", LQ_INT, "-7" },
		{ "99999999999999999999", LQ_STRING, "99999999999999999999" },
		{ "12:30", LQ_INT, "45000" },
		{ "1.5e3", LQ_STRING, "1.5e3" },
		{ "1.5e+3", LQ_FLOAT, "1500.0" },
		{ "1e3", LQ_STRING, "1e3" },
		{ ".5", LQ_FLOAT, "0.5" },
		{ "3.", LQ_FLOAT, "3.0" },
		{ ".", LQ_STRING, "." },
		{ ".inf", LQ_FLOAT, "Infinity" },
		{ "-.inf", LQ_FLOAT, "-Infinity" },
		{ ".NaN", LQ_FLOAT, "NaN" },
		{ "2024-03-05", LQ_STRING, "2024-03-05" },
		{ "2024-03-05 14:07:09", LQ_TIME, "2024-03-05 14:07:09 +0000" },
		{ "2024-03-05T14:07:09Z", LQ_TIME, "2024-03-05 14:07:09 UTC" },
		{ "2024-03-05 14:07:09.5 +05:30", LQ_TIME,
		  "2024-03-05 14:07:09 +0530" },
		{ "2024-13-05 14:07:09", LQ_STRING, "2024-13-05 14:07:09" },
		{ "hello world", LQ_STRING, "hello world" },
		{ "财经", LQ_STRING, "财经" },
	};
	struct lq_value	*v;
	struct buf	 b = BUF_INIT;
	long		 fuel = 1000;
	size_t		 i;

	CHECK(datetime_set_zone("UTC") == 0);
	for (i = 0; i < NELEM(cases); i++) {
		v = lq_from_scalar(cases[i].in, strlen(cases[i].in));
		buf_reset(&b);
		buf_add(&b, "", 0);
		lq_print(&b, v, LQ_PRINT_OUTPUT, &fuel);
		if (v->type != cases[i].type)
			fprintf(stderr, "scalar %s: type %s\n", cases[i].in,
			    lq_type_name(v));
		CHECK(v->type == cases[i].type);
		CHECK_STR(b.data, cases[i].print);
		lq_unref(v);
	}
	buf_free(&b);
}

/* Values built by hand, and YAML that aliases its way to a bomb. */
static void
check_values(void)
{
	static const char bomb[] =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
	static const char merge[] = "base: &b {x: 1, y: 2}\n"
	    "m: {<<: *b, y: 3}\n";
	struct lq_value	*h, *a, *v;
	const struct lq_value *m;
	yaml_document_t	 doc;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL, key[16];
	long		 fuel = 100000;
	int		 i;

	h = lq_hash();
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		lq_hash_set(h, key, lq_int(i));
	}
	lq_hash_set(h, "k7", lq_string("seven"));	/* replaced in place */
	a = lq_array();
	lq_array_push(a, lq_string("x"));
	lq_array_push(a, lq_nil());
	lq_array_push(a, lq_float(0.5));
	lq_hash_set(h, "list", a);
	CHECK(h->u.h.n == 101);
	CHECK((m = lq_hash_get(h, "k99", 3)) != NULL && m->u.i == 99);
	CHECK((m = lq_hash_get(h, "k7", 2)) != NULL && m->type == LQ_STRING);
	CHECK(strcmp(h->u.h.e[7].key, "k7") == 0);
	CHECK(lq_hash_get(h, "k100", 4) == NULL);
	buf_add(&b, "", 0);
	lq_print(&b, lq_hash_get(h, "list", 4), LQ_PRINT_TO_S, &fuel);
	CHECK_STR(b.data, "[\"x\", nil, 0.5]");
	lq_unref(h);

	CHECK(yamlu_load(bomb, strlen(bomb), 1, &doc, &cause) == 0);
	v = lq_from_yaml(&doc, yaml_document_get_root_node(&doc), &cause);
	CHECK(v == NULL);
	CHECK(cause != NULL && strstr(cause, "100000") != NULL);
	free(cause);
	yaml_document_delete(&doc);

	v = load_yaml(merge);
	m = lq_hash_get(v, "m", 1);
	buf_reset(&b);
	lq_print(&b, m, LQ_PRINT_TO_S, &fuel);
	CHECK_STR(b.data, "{\"x\"=>1, \"y\"=>3}");
	lq_unref(v);
	buf_free(&b);
}

int
main(void)
{
	struct lq_value	*site;

	CHECK(datetime_set_zone("UTC") == 0);
	site = load_yaml(SITE_YAML);
	check_jekyll(site);
	check_table(site, "error", error_cases, NELEM(error_cases));
	check_table(site, "link", link_cases, NELEM(link_cases));
	check_lines(site);
	check_relative(site);
	check_bounds(site);
	check_stash(site);
	check_scalars();
	check_values();
	lq_unref(site);
	return (test_status());
}
