#!/usr/bin/python3
"""jekyll-cases: feedd against what real Jekyll + jekyll-feed wrote, entry for entry.

tests/data/jekyll/*-cases/ hold small sites, each showing one measured Jekyll behaviour
(front-matter defaults, authors, repeated keys, Liquid in posts), and tests/data/sites/
four real public Jekyll blogs (licences in their SOURCE.md).  Next to each site,
expected.json is what Jekyll 4.3.1 + jekyll-feed 0.17 wrote for every post
(tests/data/jekyll/README.md says how it was measured), and expected-content/ the
rendered bodies.  feedd builds each site (every post: the configs set posts_limit), and
for every entry of the site feed these must equal Jekyll's: id, link, title, published,
updated, the author's name, e-mail and uri (the entry's, else the feed's), the categories,
the summary and the image.  Content is compared too, and the fraction that is identical
(after normalising white space and the spelling of void tags) is printed for each site;
it does not decide the verdict, as kramdown and md4c differ (README: Markdown).

A case Jekyll refuses to build (expected.json build.exit 1) is skipped: feedd builds it
with warnings instead.  Differences feedd makes on purpose are listed in DELIBERATE with
the reason; every other difference fails the test.

Environment: FEEDD, top_srcdir.  Exit 0 pass, 1 fail.  Options: --only NAME,NAME,
--verbose (print every difference), --keep.
"""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

from feeddtest import feed_problems, say

A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"

# Differences feedd makes on purpose (README, "Deliberate differences"), each accepted
# where compare() names it:
DELIBERATE = {
    "author-list-name": "author: [a, b] is a list of authors, not the Ruby text "
                        "'[\"a\", \"b\"]': feedd names each",
    "no-author": "with no author anywhere jekyll-feed writes <name></name>; feedd names the "
                 "site (its title, else its url) as the feed's author",
    "repeated-term": "jekyll-feed repeats a term that is a category and a tag; feedd once",
    "every-category": "with a singular category: jekyll-feed lists only it; feedd lists "
                      "every category of the post (each is in its link)",
    "map-noname": "an author mapping without a name: jekyll-feed prints its Ruby text "
                  "('{\"email\"=>...}'); feedd names the author by the address",
    "image-noname": "an image mapping without a path: jekyll-feed makes a URL of its Ruby "
                    "text; feedd leaves the image out, with a warning",
    "escaped-title": "smartify escapes & < > in titles and jekyll-feed escapes them again, so "
                     "readers show '&amp;'; feedd's titles read as written",
    "absolute-links": "relative links in content are made absolute against the post's URL "
                      "(readers resolve them against the feed's), '#x' included",
    "csv-authors": "_data/authors.csv: jekyll-feed can only index it by row number "
                   "(author: 0); feedd reads .yml, .yaml and .json data only",
}

FIELDS = ("id", "link", "title", "published", "updated", "author", "categories", "summary",
          "image")


def cases(top):
    """(name, site folder) of every measured site."""
    out = []
    base = os.path.join(top, "tests", "data", "jekyll")
    for group in sorted(os.listdir(base)):
        if not group.endswith("-cases"):
            continue
        for name in sorted(os.listdir(os.path.join(base, group))):
            d = os.path.join(base, group, name)
            if os.path.exists(os.path.join(d, "expected.json")):
                out.append(("%s/%s" % (group[:-6], name), d))
    sites = os.path.join(top, "tests", "data", "sites")
    for name in sorted(os.listdir(sites)):
        out.append(("sites/" + name, os.path.join(sites, name)))
    return out


def feed_path(exp, out):
    """The site feed's file in out: its self URL's path, less the baseurl."""
    parts = urllib.parse.urlsplit(exp["feed"]["self"]).path.strip("/").split("/")
    for i in range(len(parts)):
        p = os.path.join(out, *parts[i:])
        if os.path.exists(p):
            return p
    return os.path.join(out, "feed.xml")


def site_fallback_author(exp):
    """The author feedd names when a site has none anywhere: its title, else its url."""
    return exp["feed"]["title"] or re.sub(r"/feed\.xml$|/[^/]*$", "", exp["feed"]["self"])


def link_has(link, term):
    """Whether a category term shows in the entry's link, as a :categories folder."""
    return "/%s/" % urllib.parse.quote(term.lower(), safe="") in urllib.parse.unquote(
        link or "").lower() or "/%s/" % term.lower() in urllib.parse.unquote(link or "").lower()


def author_of(entry, feed_author):
    a = entry.find(A + "author")
    if a is None:
        a = feed_author
    if a is None:
        return {"name": ""}
    res = {"name": a.findtext(A + "name") or ""}
    for k in ("email", "uri"):
        v = a.findtext(A + k)
        if v is not None:
            res[k] = v
    return res


def read_feed(path):
    root = ET.parse(path).getroot()
    fa = root.find(A + "author")
    out = []
    for e in root.findall(A + "entry"):
        link = e.find(A + "link[@rel='alternate']")
        content = e.find(A + "content")
        thumb = e.find(MEDIA + "thumbnail")
        out.append({
            "id": e.findtext(A + "id"),
            "link": link.get("href") if link is not None else None,
            "title": e.findtext(A + "title"),
            "published": e.findtext(A + "published"),
            "updated": e.findtext(A + "updated"),
            "author": author_of(e, fa),
            "categories": [c.get("term") for c in e.findall(A + "category")],
            "summary": e.findtext(A + "summary"),
            "image": thumb.get("url") if thumb is not None else None,
            "content": content.text if content is not None else None,
        })
    return out


VOID = re.compile(r"<(br|hr|img|input|meta|link|source|col|area|wbr)\b([^>]*?)\s*/?>")
ROUGE = re.compile(r'<span class="[a-z0-9 -]*">|</span>')


def norm_html(s, base=None, page=None):
    """HTML compared as a reader sees it: entities decoded, white space around tags
    squeezed, void tags spelled one way, rouge's colouring spans (feedd does not colour
    code) left out, links on the site's host relative and links to a fragment of the
    post itself (page: its path) as fragments (feedd makes content links absolute,
    which jekyll-feed does not: DELIBERATE absolute-links)."""
    s = html.unescape(s or "")
    if base:
        s = re.sub(r'(href|src)="%s/' % re.escape(base), r'\1="/', s)
    if page:
        s = s.replace('href="%s#' % page, 'href="#')
    s = ROUGE.sub("", s)
    s = VOID.sub(lambda m: "<%s%s>" % (m.group(1), m.group(2)), s)
    s = re.sub(r"\s*(<[^>]*>)\s*", r"\1", s)
    return re.sub(r"\s+", " ", s).strip()


def compare(name, site, feedd, tmp, verbose):
    """Differences (list of strings) and (identical contents, contents)."""
    exp = json.load(open(os.path.join(site, "expected.json"), encoding="utf-8"))
    if exp["build"]["exit"] != 0:
        return None, (0, 0)
    out = os.path.join(tmp, name.replace("/", "_"))
    r = subprocess.run([feedd, "build", site, "-o", out, "-q"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        return ["feedd build exited %d: %s" % (r.returncode, r.stderr.decode()[-400:])], (0, 0)
    got = read_feed(feed_path(exp, out))
    want = exp["entries"]
    diffs = []
    byid = {e["id"]: e for e in got}
    if len(got) != len(want):
        diffs.append("%d entries, Jekyll %d" % (len(got), len(want)))
    order = [e["id"] for e in got] == [e["id"] for e in want]
    if not order and len(got) == len(want):
        diffs.append("entries in another order")
    index = {}
    ipath = os.path.join(site, "expected-content", "index.json")
    if os.path.exists(ipath):
        index = json.load(open(ipath, encoding="utf-8"))
    same_content = total_content = 0
    for w in want:
        g = byid.get(w["id"])
        if g is None:
            diffs.append("%s: missing (ids: %s)" % (w["id"], [e["id"] for e in got][:3]))
            continue
        for f in FIELDS:
            if f == "id":
                continue
            wv, gv = w.get(f), g.get(f)
            if f == "author":
                wv = {k: v for k, v in (wv or {"name": ""}).items() if v is not None}
                if wv.get("name", "").startswith("[\""):
                    continue        # DELIBERATE: author-list-name
                if wv == {"name": ""} and gv.get("name") and "email" not in gv:
                    continue        # DELIBERATE: no-author
                if wv.get("name", "").startswith("{\"") and gv.get("email") and \
                        gv.get("name") == gv.get("email"):
                    continue        # DELIBERATE: map-noname
                if name == "author/data-csv":
                    continue        # DELIBERATE: csv-authors
            if f == "categories" and wv is not None and gv is not None:
                wv = list(dict.fromkeys(wv))      # DELIBERATE: repeated-term
                extra = [c for c in gv if c not in wv]
                if [c for c in gv if c in wv] == wv and all(
                        link_has(g["link"], c) for c in extra):
                    continue        # DELIBERATE: every-category
            if f == "image" and gv is None and "%7B%22" in (wv or ""):
                continue            # DELIBERATE: image-noname
            if f == "summary":
                wv, gv = norm_html(wv or ""), norm_html(gv or "")
            if f == "title" and wv is not None and gv is not None:
                wv, gv = wv.strip(), gv.strip()
                if wv != gv and html.unescape(wv) == gv:
                    continue        # DELIBERATE: escaped-title
            if wv != gv:
                diffs.append("%s: %s %r, Jekyll %r" % (w["id"], f, gv, wv))
        if w["id"] in index:
            total_content += 1
            want_c = open(os.path.join(site, "expected-content", index[w["id"]]),
                          encoding="utf-8").read()
            base = "/".join((g["link"] or "").split("/")[:3])
            page = urllib.parse.urlsplit(g["link"] or "").path
            if norm_html(want_c, base, page) == norm_html(g["content"], base, page):
                same_content += 1
            elif verbose:
                say("   content differs: %s" % w["id"])
    return diffs, (same_content, total_content)


def main():
    args = sys.argv[1:]
    verbose = "--verbose" in args
    only = set(args[args.index("--only") + 1].split(",")) if "--only" in args else None
    feedd = os.environ.get("FEEDD")
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    if not feedd:
        say("FEEDD is not set")
        return 1
    rng = os.path.join(top, "tests", "data", "atom.rng")
    tmp = tempfile.mkdtemp(prefix="feedd-jekyll-cases.")
    failed = 0
    tsame = ttotal = 0
    for name, site in cases(top):
        if only and name not in only:
            continue
        diffs, (same, total) = compare(name, site, feedd, tmp, verbose)
        if diffs is None:
            say("skip %-40s Jekyll refuses to build it" % name)
            continue
        if name.startswith("sites/"):
            # Real sites, with a url: every file must pass the validators.
            diffs = diffs + feed_problems(os.path.join(tmp, name.replace("/", "_")), rng)
        tsame += same
        ttotal += total
        content = " content %d/%d identical" % (same, total) if total else ""
        if diffs:
            failed += 1
            say("FAIL %-40s %d difference(s)%s" % (name, len(diffs), content))
            for d in diffs[:None if verbose else 6]:
                say("       %s" % d)
        else:
            say("ok   %-40s%s" % (name, content))
    say("%d site(s) differ; content identical for %d of %d posts (%.0f%%)" % (
        failed, tsame, ttotal, 100.0 * tsame / ttotal if ttotal else 0))
    if "--keep" in args or failed:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
