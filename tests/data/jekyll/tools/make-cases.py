#!/usr/bin/python3
"""make-cases: write the case folders (tiny sites) of defaults-cases/, author-cases/,
dupkey-cases/ and liquid-cases/ from the definitions below (then run build-cases.py on them).

    make-cases.py OUTROOT [GROUP...]

Every _config.yml starts with BASE unless the case says "nobase".
"""
import os
import shutil
import sys

BASE = ("url: https://ex.com\ntimezone: Asia/Shanghai\nplugins: [jekyll-feed]\n"
        "feed:\n  posts_limit: 10000\n")


def post(fm, body="Body text.\n"):
    return "---\n" + fm + ("\n" if fm and not fm.endswith("\n") else "") + "---\n" + body


GROUPS = {}

# ------------------------------------------------------------------ defaults-cases
D = GROUPS["defaults-cases"] = {}

D["basic-type-posts"] = {
    "_config.yml": "# defaults for every post (scope path \"\" + type posts): each key feedd reads;\n"
                   "# post b overrides some in front matter, post c has none of its own\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: \"\"\n      type: posts\n"
    "    values:\n      layout: post\n      author: Default Author\n"
    "      permalink: /blog/:year/:title/\n      image: /img/default.png\n      lang: fr\n"
    "      categories: [dcat]\n      tags: [dtag]\n      title: Default Title\n"
    "      excerpt_separator: <!--more-->\n",
    "_layouts/post.html": "<article>{{ content }}</article>\n",
    "_posts/2022-01-01-a.md": post("", "First para.\n\nSecond para.<!--more-->Rest.\n"),
    "_posts/2022-01-02-b.md": post("title: Own Title\nauthor: Own Author\npermalink: /own/b/\n"
                                   "image: https://cdn.ex.org/b.png\nlang: de\ncategories: [own]\ntags: own_tag",
                                   "Para one.\n\nPara two.\n"),
    "_posts/2022-01-03-c.md": "No front matter at all.\n\nSecond para.\n",
}

D["path-prefix"] = {
    "_config.yml": "# scope.path is a plain string prefix of the file's path relative to the source:\n"
                   "# 'news' also matches newsletter/ ; 'sports/' (trailing slash) does not match sportsball/\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: news\n    values:\n      author: News Desk\n"
    "  - scope:\n      path: sports/\n    values:\n      author: Sports Desk\n"
    "  - scope:\n      path: /_posts/2022-02\n    values:\n      author: Leading Slash Feb\n"
    "  - scope:\n      path: _posts/sub\n    values:\n      author: Posts Sub\n",
    "news/_posts/2022-01-01-n1.md": post("title: n1"),
    "newsletter/_posts/2022-01-02-nl.md": post("title: nl"),
    "sports/_posts/2022-01-03-s1.md": post("title: s1"),
    "sportsball/_posts/2022-01-04-sb.md": post("title: sb"),
    "_posts/2022-02-05-feb.md": post("title: feb"),
    "_posts/2022-03-05-mar.md": post("title: mar"),
    "_posts/sub/2022-03-06-insub.md": post("title: insub"),
    "_posts/subway-2022-03-07-x.md": post("title: subway (no date in name; not a post)"),
    "_posts/2022-03-08-subx.md": post("title: subx"),
}

D["glob"] = {
    "_config.yml": "# scope.path with '*': Dir.glob against the source tree, then prefix match\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: \"_posts/2019-*\"\n      type: posts\n    values:\n      author: Glob 2019\n"
    "  - scope:\n      path: \"blog/*/_posts\"\n    values:\n      author: Blog Star\n"
    "  - scope:\n      path: \"**/deep\"\n    values:\n      image: /deep.png\n"
    "  - scope:\n      path: \"*.md\"\n    values:\n      lang: star-md\n"
    "  - scope:\n      path: \"_posts/*.markdown\"\n    values:\n      lang: posts-markdown\n",
    "_posts/2019-05-01-old.md": post("title: old"),
    "_posts/2020-05-01-new.md": post("title: new"),
    "_posts/2020-05-02-mk.markdown": post("title: mk"),
    "blog/a/_posts/2020-05-03-ba.md": post("title: ba"),
    "blog/b/c/_posts/2020-05-04-bbc.md": post("title: \"bbc (blog/b/c - one * does not span two dirs)\""),
    "blog/_posts/2020-05-05-b0.md": post("title: b0"),
    "x/deep/_posts/2020-05-06-xd.md": post("title: xd"),
    "deep/_posts/2020-05-07-d0.md": post("title: d0"),
}

D["precedence"] = {
    "_config.yml": "# several matching sets: longer path wins; equal length: a set with type beats one without,\n"
                   "# a later set beats an earlier one of the same kind\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: \"\"\n    values:\n      author: A0 path-empty no-type\n      lang: l0\n      image: /i0.png\n"
    "  - scope:\n      path: \"\"\n      type: posts\n    values:\n      author: A1 path-empty type\n      lang: l1\n"
    "  - scope:\n      type: posts\n    values:\n      author: A2 no-path type (later)\n"
    "  - scope:\n      path: \"\"\n    values:\n      author: A3 path-empty no-type (latest)\n      lang: l3\n      image: /i3.png\n"
    "  - scope:\n      path: news\n    values:\n      author: A4 news no-type\n"
    "  - scope:\n      path: news\n      type: posts\n    values:\n      lang: l5-news-type\n"
    "  - scope:\n      path: news\n    values:\n      lang: l6-news-no-type-later\n"
    "  - scope:\n      path: \"\"\n      type: pages\n    values:\n      author: A7 pages only\n",
    "_posts/2022-01-01-top.md": post("title: top"),
    "news/_posts/2022-01-02-nws.md": post("title: nws"),
    "news/_posts/2022-01-03-own.md": post("title: own\nauthor: Front Matter\nlang: fm"),
}

D["no-scope"] = {
    "_config.yml": "# a set without scope applies everywhere; one with scope {} too\n" + BASE +
    "defaults:\n"
    "  - values:\n      author: No Scope\n"
    "  - scope: {}\n    values:\n      lang: empty-scope\n",
    "_posts/2022-01-01-a.md": post("title: a"),
}

D["no-scope-after-scoped"] = {
    "_config.yml": "# a scope-less set after a scoped one\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: \"\"\n    values:\n      author: Scoped\n"
    "  - values:\n      author: No Scope Later\n",
    "_posts/2022-01-01-a.md": post("title: a"),
}

D["deep-merge"] = {
    "_config.yml": "# front matter over defaults is a deep merge: hashes merge key by key, categories are\n"
                   "# the union (defaults first), tags and other lists are replaced\n" + BASE +
    "defaults:\n"
    "  - scope:\n      type: posts\n    values:\n"
    "      author:\n        name: Default Name\n        email: default@ex.com\n        uri: https://default.ex.com/\n"
    "      categories: [dcat1, dcat2]\n      tags: [dtag]\n      image:\n        path: /d.png\n        alt: D\n",
    "_posts/2022-01-01-hash.md": post("title: hash\nauthor:\n  name: Own Name\nimage:\n  alt: own alt"),
    "_posts/2022-01-02-str.md": post("title: str\nauthor: Plain String\ncategories: [own]\ntags: [own_tag]"),
    "_posts/2022-01-03-strcat.md": post("title: strcat\ncategories: own1 own2 dcat1"),
    "_posts/2022-01-04-cat1.md": post("title: cat1\ncategory: single"),
    "_posts/2022-01-05-none.md": post("title: none"),
    "_posts/2022-01-06-empty.md": post("title: empty\ncategories: []\ntags: []\nauthor:"),
}

D["defaults-categories-string"] = {
    "_config.yml": "# categories given as a string in defaults\n" + BASE +
    "defaults:\n"
    "  - scope:\n      type: posts\n    values:\n      categories: d1 d2\n      tags: t1 t2\n",
    "_posts/2022-01-01-a.md": post("title: a"),
    "_posts/2022-01-02-b.md": post("title: b\ncategories: [own]"),
    "news/_posts/2022-01-03-c.md": post("title: c\ncategories: own"),
}

D["permalink-levels"] = {
    "_config.yml": "# permalink: site < collection (collections.posts.permalink) < defaults < front matter\n" + BASE +
    "permalink: pretty\n"
    "collections:\n  posts:\n    permalink: /coll/:year/:title/\n"
    "defaults:\n"
    "  - scope:\n      path: news\n    values:\n      permalink: /def/:categories/:title:output_ext\n",
    "_posts/2022-01-01-plain.md": post("title: plain"),
    "news/_posts/2022-01-02-nd.md": post("title: nd"),
    "news/_posts/2022-01-03-fm.md": post("title: fm\npermalink: /fm/:title.html"),
    "_posts/2022-01-04-fmstatic.md": post("title: fmstatic\npermalink: /static/page/"),
}

D["permalink-site-only"] = {
    "_config.yml": "# permalink: site-level only (/:categories/:year/:month/:title/)\n" + BASE +
    "permalink: /:categories/:year/:month/:title/\n",
    "_posts/2022-01-01-plain.md": post("title: plain"),
    "news/_posts/2022-01-02-nd.md": post("title: nd\ncategories: Extra"),
}

D["collection-output-false"] = {
    "_config.yml": "# collections.posts.output: false -- posts are not written; are they in the feed?\n" + BASE +
    "collections:\n  posts:\n    output: false\n",
    "_posts/2022-01-01-a.md": post("title: a"),
    "_posts/2022-01-02-b.md": post("title: b\npermalink: /b/"),
}

D["published-defaults"] = {
    "_config.yml": "# published: false from defaults, overridden by front matter published: true\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: _posts/hidden\n    values:\n      published: false\n",
    "_posts/hidden/2022-01-01-h1.md": post("title: h1"),
    "_posts/hidden/2022-01-02-h2.md": post("title: h2\npublished: true"),
    "_posts/2022-01-03-shown.md": post("title: shown"),
    "_posts/2022-01-04-str.md": post("title: str\npublished: \"false\""),
    "_posts/2022-01-05-no.md": post("title: no\npublished: no"),
}

D["excerpt-separator"] = {
    "_config.yml": "# excerpt_separator: site, defaults (path news), front matter\n" + BASE +
    "excerpt_separator: \"<!--site-->\"\n"
    "defaults:\n"
    "  - scope:\n      path: news\n    values:\n      excerpt_separator: \"<!--def-->\"\n",
    "_posts/2022-01-01-site.md": post("title: site", "One.\n\nTwo <!--site--> three. <!--def--> four.\n"),
    "news/_posts/2022-01-02-def.md": post("title: def", "One.\n\nTwo <!--site--> three. <!--def--> four.\n"),
    "news/_posts/2022-01-03-fm.md": post("title: fm\nexcerpt_separator: \"<!--fm-->\"",
                                         "One.\n\nTwo <!--def--> three. <!--fm--> four.\n"),
    "_posts/2022-01-04-none.md": post("title: none", "No separator here.\n\nSecond para.\n"),
    "_posts/2022-01-05-desc.md": post("title: desc\ndescription: The description wins.", "One.<!--site-->Two.\n"),
}

D["date-defaults"] = {
    "_config.yml": "# date: in defaults replaces the file name's date for every post without its own date\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: news\n    values:\n      date: 2021-06-01 12:00:00 +0000\n",
    "news/_posts/2022-01-01-n1.md": post("title: n1"),
    "news/_posts/2022-01-02-n2.md": post("title: n2\ndate: 2022-01-02 09:00:00 +0800"),
    "_posts/2022-01-03-p.md": post("title: p"),
}

D["date-defaults-invalid"] = {
    "_config.yml": "# an unparsable date in defaults\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: news\n    values:\n      date: not a date\n",
    "_posts/2022-01-03-p.md": post("title: p"),
}

D["date-defaults-naive"] = {
    "_config.yml": "# a zone-less date in defaults (YAML timestamp = UTC) and a string one\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: a\n    values:\n      date: 2021-06-01 12:00:00\n"
    "  - scope:\n      path: b\n    values:\n      date: \"2021-06-01 12:00:00\"\n",
    "a/_posts/2022-01-01-a1.md": post("title: a1"),
    "b/_posts/2022-01-01-b1.md": post("title: b1"),
}

D["title-defaults"] = {
    "_config.yml": "# title: in defaults replaces the title made from the slug\n" + BASE +
    "defaults:\n"
    "  - scope:\n      type: posts\n    values:\n      title: Same For All\n",
    "_posts/2022-01-01-from-slug.md": post("date: 2022-01-01 10:00:00 +0800"),
    "_posts/2022-01-02-own.md": post("title: Own"),
}

D["type-variants"] = {
    "_config.yml": "# scope.type: posts, post (deprecated singular), pages, drafts, a collection label\n" + BASE +
    "defaults:\n"
    "  - scope:\n      type: post\n    values:\n      author: Type Post Singular\n"
    "  - scope:\n      type: pages\n    values:\n      lang: pages-only\n"
    "  - scope:\n      type: Posts\n    values:\n      image: /capital-P.png\n",
    "_posts/2022-01-01-a.md": post("title: a"),
}

D["authors-defaults"] = {
    "_config.yml": "# authors: (list) in defaults vs author:/authors: in front matter\n" + BASE +
    "defaults:\n"
    "  - scope:\n      type: posts\n    values:\n      authors: [Def One, Def Two]\n",
    "_posts/2022-01-01-none.md": post("title: none"),
    "_posts/2022-01-02-ownlist.md": post("title: ownlist\nauthors: [Own One]"),
    "_posts/2022-01-03-ownauthor.md": post("title: ownauthor\nauthor: Single Own"),
    "_posts/2022-01-04-emptylist.md": post("title: emptylist\nauthors: []"),
}

D["category-folders"] = {
    "_config.yml": "# category folders (news/_posts, news/world/_posts) + defaults scoped to news\n" + BASE +
    "defaults:\n"
    "  - scope:\n      path: news\n      type: posts\n    values:\n      author: News Desk\n"
    "      categories: [fromdefaults]\n      permalink: /n/:categories/:title/\n"
    "  - scope:\n      path: news/world\n    values:\n      tags: [world_tag]\n",
    "news/_posts/2022-01-01-n1.md": post("title: n1"),
    "news/_posts/2022-01-02-n2.md": post("title: n2\ncategories: [Own, news]"),
    "news/world/_posts/2022-01-03-w1.md": post("title: w1"),
    "news/world/_posts/2022-01-04-w2.md": post("title: w2\ncategory: solo"),
    "_posts/2022-01-05-top.md": post("title: top\ncategories: news"),
    "News/_posts/2022-01-06-cap.md": post("title: \"cap (folder News with capital N)\""),
}

D["lang-image"] = {
    "_config.yml": "# lang and image: site lang, defaults, front matter; image as string, mapping, URL\n" + BASE +
    "lang: en-US\n"
    "defaults:\n"
    "  - scope:\n      path: _posts/img\n    values:\n      image:\n        path: /img/from-defaults.png\n",
    "_posts/2022-01-01-nolang.md": post("title: nolang"),
    "_posts/2022-01-02-lang.md": post("title: lang\nlang: zh-CN"),
    "_posts/img/2022-01-03-imgdef.md": post("title: imgdef"),
    "_posts/2022-01-04-imgstr.md": post("title: imgstr\nimage: pics/a b.png"),
    "_posts/2022-01-05-imgurl.md": post("title: imgurl\nimage: https://cdn.ex.org/x.png?a=1&b=2"),
    "_posts/2022-01-06-imgmap.md": post("title: imgmap\nimage:\n  path: /m.png\n  height: 10"),
    "_posts/2022-01-07-imgmapnopath.md": post("title: imgmapnopath\nimage:\n  url: /u.png"),
    "_posts/2022-01-08-imgproto.md": post("title: imgproto\nimage: //cdn.ex.org/p.png"),
}

# ------------------------------------------------------------------ author-cases
A = GROUPS["author-cases"] = {}

A["forms"] = {
    "_config.yml": "# author forms in front matter, no site author, no _data/authors\n" + BASE,
    "_posts/2022-01-01-string.md": post("title: string\nauthor: Jane Doe"),
    "_posts/2022-01-02-map.md": post("title: map\nauthor:\n  name: Jane Map\n  email: jane@ex.com\n  uri: https://jane.ex.com/"),
    "_posts/2022-01-03-map-noname.md": post("title: map-noname\nauthor:\n  email: only@ex.com"),
    "_posts/2022-01-04-authors.md": post("title: authors\nauthors: [First One, Second Two]"),
    "_posts/2022-01-05-authors-str.md": post("title: authors-str\nauthors: Solo Author"),
    "_posts/2022-01-06-both.md": post("title: both\nauthor: The Author\nauthors: [List First]"),
    "_posts/2022-01-07-none.md": post("title: none"),
    "_posts/2022-01-08-empty.md": post("title: empty\nauthor: \"\""),
    "_posts/2022-01-09-list.md": post("title: list\nauthor: [L1, L2]"),
    "_posts/2022-01-10-amp.md": post("title: amp\nauthor: \"A & B <c>\""),
    "_posts/2022-01-11-authors-maps.md": post("title: authors-maps\nauthors:\n  - name: M1\n    email: m1@ex.com\n  - name: M2"),
    "_posts/2022-01-12-number.md": post("title: number\nauthor: 42"),
    "_posts/2022-01-13-uri-no-email.md": post("title: uri-no-email\nauthor:\n  name: U\n  uri: https://u.ex.com/"),
    "_posts/2022-01-14-url-key.md": post("title: url-key\nauthor:\n  name: K\n  url: https://k.ex.com/\n  twitter: k"),
}

A["site-author-string"] = {
    "_config.yml": "# site-wide author: string\n" + BASE + "author: Site Person\n",
    "_posts/2022-01-01-none.md": post("title: none"),
    "_posts/2022-01-02-own.md": post("title: own\nauthor: Own"),
    "_posts/2022-01-03-authors.md": post("title: authors\nauthors: [Listed]"),
}

A["site-author-map"] = {
    "_config.yml": "# site-wide author: mapping\n" + BASE +
    "author:\n  name: Site Map\n  email: site@ex.com\n  uri: https://site.ex.com/\n",
    "_posts/2022-01-01-none.md": post("title: none"),
    "_posts/2022-01-02-own.md": post("title: own\nauthor: Own"),
    "_posts/2022-01-03-key.md": post("title: key\nauthor: site"),
}

A["site-author-key"] = {
    "_config.yml": "# site-wide author: a key of _data/authors.yml\n" + BASE + "author: boss\n",
    "_data/authors.yml": "boss:\n  name: The Boss\n  email: boss@ex.com\n",
    "_posts/2022-01-01-none.md": post("title: none"),
}

A["data-yml"] = {
    "_config.yml": "# author names resolved through _data/authors.yml\n" + BASE,
    "_data/authors.yml": "jdoe:\n  name: Jane Doe\n  email: jane@ex.com\n  uri: https://jane.ex.com/\n"
                         "bsmith:\n  name: Bob Smith\n  twitter: bob\n"
                         "noname:\n  email: nn@ex.com\n"
                         "\"Full Name\":\n  name: Resolved Full Name\n"
                         "plain: Just A String\n"
                         "42:\n  name: Numeric Key\n",
    "_posts/2022-01-01-key.md": post("title: key\nauthor: jdoe"),
    "_posts/2022-01-02-key2.md": post("title: key2\nauthor: bsmith"),
    "_posts/2022-01-03-unknown.md": post("title: unknown\nauthor: nobody"),
    "_posts/2022-01-04-noname.md": post("title: noname\nauthor: noname"),
    "_posts/2022-01-05-spaces.md": post("title: spaces\nauthor: Full Name"),
    "_posts/2022-01-06-plain.md": post("title: plain\nauthor: plain"),
    "_posts/2022-01-07-authors.md": post("title: authors\nauthors: [bsmith, jdoe]"),
    "_posts/2022-01-08-case.md": post("title: case\nauthor: JDoe"),
    "_posts/2022-01-09-numeric.md": post("title: numeric\nauthor: 42"),
    "_posts/2022-01-10-map.md": post("title: map\nauthor:\n  name: jdoe"),
}

A["data-json"] = {
    "_config.yml": "# _data/authors.json\n" + BASE,
    "_data/authors.json": '{"jdoe": {"name": "Jane Json", "email": "jj@ex.com"}}\n',
    "_posts/2022-01-01-key.md": post("title: key\nauthor: jdoe"),
}

A["data-csv"] = {
    "_config.yml": "# _data/authors.csv: Jekyll reads a CSV as a list of rows, so author keys do not resolve\n" + BASE,
    "_data/authors.csv": "key,name,email\njdoe,Jane Csv,jc@ex.com\n",
    "_posts/2022-01-01-key.md": post("title: key\nauthor: jdoe"),
    "_posts/2022-01-02-idx.md": post("title: idx\nauthor: 0"),
}

A["data-both-yml-json"] = {
    "_config.yml": "# _data/authors.yml and _data/authors.json together\n" + BASE,
    "_data/authors.yml": "jdoe:\n  name: From Yml\n",
    "_data/authors.json": '{"jdoe": {"name": "From Json"}}\n',
    "_posts/2022-01-01-key.md": post("title: key\nauthor: jdoe"),
}

A["data-subdir"] = {
    "_config.yml": "# _data/authors/ as a folder of files (site.data.authors.<file>)\n" + BASE,
    "_data/authors/jdoe.yml": "name: Jane Folder\nemail: jf@ex.com\n",
    "_posts/2022-01-01-key.md": post("title: key\nauthor: jdoe"),
}

A["defaults-author-data"] = {
    "_config.yml": "# author from front-matter defaults, resolved through _data/authors.yml; site author too\n" + BASE +
    "author: Site Fallback\n"
    "defaults:\n  - scope:\n      path: news\n    values:\n      author: jdoe\n",
    "_data/authors.yml": "jdoe:\n  name: Jane Doe\n  email: jane@ex.com\n",
    "news/_posts/2022-01-01-n.md": post("title: n"),
    "_posts/2022-01-02-p.md": post("title: p"),
}

# ------------------------------------------------------------------ dupkey-cases
K = GROUPS["dupkey-cases"] = {}
K["front-matter"] = {
    "_config.yml": "# duplicate keys in front matter\n" + BASE,
    "_posts/2022-01-01-title.md": post("title: First Title\ntitle: Second Title"),
    "_posts/2022-01-02-date.md": post("title: date\ndate: 2021-01-01 10:00:00 +0000\ndate: 2021-02-02 10:00:00 +0000"),
    "_posts/2022-01-03-cats.md": post("title: cats\ncategories: [c1]\ncategories: [c2, c3]"),
    "_posts/2022-01-04-mixed.md": post("title: mixed\ncategories: [c1]\ncategory: solo\ncategories: c9"),
    "_posts/2022-01-05-author.md": post("title: author\nauthor:\n  name: N1\n  email: e1@ex.com\nauthor: Plain Later"),
}
K["config"] = {
    "_config.yml": "# duplicate keys in _config.yml\nurl: https://first.ex.com\ntimezone: UTC\n"
                   "title: First Site Title\nplugins: [jekyll-feed]\nfeed:\n  posts_limit: 10000\n"
                   "title: Second Site Title\nurl: https://second.ex.com\ntimezone: Asia/Shanghai\n"
                   "author: A1\nauthor: A2\n",
    "_posts/2022-01-01-a.md": post("title: a\ndate: 2022-01-01 20:00:00 +0000"),
}
K["config-nested"] = {
    "_config.yml": "# duplicate nested keys: feed: twice (second replaces the whole mapping)\n"
                   "url: https://ex.com\ntimezone: UTC\nplugins: [jekyll-feed]\n"
                   "feed:\n  posts_limit: 1\n  path: one.xml\nfeed:\n  posts_limit: 10000\n",
    "_posts/2022-01-01-a.md": post("title: a"),
    "_posts/2022-01-02-b.md": post("title: b"),
}


# ------------------------------------------------------------------ liquid-cases
L = GROUPS["liquid-cases"] = {}
LBASE = BASE + "baseurl: /blog\n"

L["ok"] = {
    "_config.yml": "# Liquid that renders: highlight, raw, post_url, link, baseurl, include, render_with_liquid\n" + LBASE,
    "_includes/note.html": "<aside class=\"note {{ include.kind }}\">{{ include.text | upcase }}</aside>\n",
    "_includes/plain.md": "Included *markdown* with {{ page.title }}.\n",
    "_posts/sub/2022-01-01-target.md": post("title: Target in subfolder"),
    "_posts/2022-01-02-other.md": post("title: Other"),
    "_posts/2022-01-03-highlight.md": post("title: highlight",
        "{% highlight ruby %}\ndef hi(x) = puts \"<#{x}>\" # c\n{% endhighlight %}\n\n"
        "{% highlight xml linenos %}\n<a href=\"x\">&amp;</a>\n<b/>\n{% endhighlight %}\n\n"
        "{% highlight python linenos=table %}\nprint(1)\n{% endhighlight %}\n\n"
        "{% highlight nosuchlang %}\nplain <text>\n{% endhighlight %}\n\n"
        "```ruby\nputs 1\n```\n\n"
        "~~~ javascript\nlet a = 1;\n~~~\n\n"
        "```\nno language\n```\n\n"
        "    indented code\n"),
    "_posts/2022-01-04-raw.md": post("title: raw",
        "{% raw %}{{ page.title }}{% endraw %} and {{ page.title }}\n\n"
        "{% raw %}{% if x %}{{ y }}{% endraw %}\n\n"
        "`{{ site.baseurl }}` in code is still Liquid.\n"),
    "_posts/2022-01-05-links.md": post("title: links",
        "[sub]({% post_url sub/2022-01-01-target %})\n"
        "[nosub]({% post_url 2022-01-01-target %})\n"
        "[other]({% post_url 2022-01-02-other %})\n"
        "[link]({% link _posts/2022-01-02-other.md %})\n"
        "[base]({{ site.baseurl }}/about/)\n"
        "[rel]({{ '/about/' | relative_url }}) [abs]({{ '/about/' | absolute_url }})\n"
        "[url]({{ page.url }}) [site]({{ site.url }})\n"),
    "_posts/2022-01-06-include.md": post("title: include",
        "{% include note.html kind=\"warn\" text=\"be careful\" %}\n\n"
        "{% include note.html text=page.title %}\n\n"
        "{% include plain.md %}\n"),
    "_posts/2022-01-07-noliquid.md": post("title: noliquid\nrender_with_liquid: false",
        "{{ page.title }} {% raw %}x{% endraw %} {% nosuchtag %}\n"),
    "_posts/2022-01-08-vars.md": post("title: vars\nx: 5",
        "undefined [{{ page.nothing }}] filter [{{ 'a' | nosuchfilter }}] "
        "var [{{ page.x | plus: 1 }}] date [{{ page.date | date: '%Y-%m-%d %H:%M %z' }}]\n"),
    "_posts/2022-01-09-excerpt.md": post("title: excerpt",
        "First {{ page.title }} para with [a link]({% post_url 2022-01-02-other %}).\n\nSecond.\n"),
}
L["raw-if-in-excerpt"] = {
    "_config.yml": "# {% if %} inside {% raw %} in the first paragraph (the excerpt)\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "{% raw %}{% if x %}{% endraw %} first para\n\nsecond\n"),
}
L["post-url-missing"] = {
    "_config.yml": "# {% post_url %} to a post that does not exist\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "[x]({% post_url 2021-01-01-nothere %})\n"),
}
L["link-missing"] = {
    "_config.yml": "# {% link %} to a file that does not exist\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "[x]({% link _posts/nothere.md %})\n"),
}
L["unknown-tag"] = {
    "_config.yml": "# an unknown Liquid tag\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "before {% nosuchtag arg %} after\n"),
    "_posts/2022-01-02-b.md": post("title: b", "fine\n"),
}
L["unclosed-tag"] = {
    "_config.yml": "# an unclosed Liquid block and an unclosed output tag\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "{% if true %} never closed\n"),
}
L["unclosed-output"] = {
    "_config.yml": "# an unclosed {{\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "text {{ page.title and more\n"),
}
L["include-missing"] = {
    "_config.yml": "# {% include %} of a file that does not exist\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: a", "{% include nothere.html %}\n"),
}
L["liquid-strict"] = {
    "_config.yml": "# liquid: error_mode: strict, strict_variables, strict_filters\n" + LBASE +
    "liquid:\n  error_mode: strict\n  strict_variables: true\n  strict_filters: true\n",
    "_posts/2022-01-01-a.md": post("title: a", "x [{{ page.nothing }}]\n"),
}
L["liquid-title"] = {
    "_config.yml": "# Liquid in title/description front matter is not rendered\n" + LBASE,
    "_posts/2022-01-01-a.md": post("title: \"{{ site.baseurl }} title\"\ndescription: \"{{ page.title }} desc\"", "Body {{ page.title }}.\n"),
}


def write(root, groups):
    for g in groups:
        for name, files in GROUPS[g].items():
            d = os.path.join(root, g, name)
            keep = {"expected.json", "expected-content", "pages"}
            if os.path.isdir(d):
                for n in os.listdir(d):
                    if n not in keep:
                        p = os.path.join(d, n)
                        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
            for rel, text in files.items():
                p = os.path.join(d, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text)


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2:] or list(GROUPS))
