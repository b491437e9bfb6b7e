#!/usr/bin/python3
"""validate-feeds: build a nasty synthetic site with feedd and validate every feed it writes.

A ~400-post site from gen-corpus (awkward titles, ]]> bodies, two-category posts, zone-less
dates; built with JSON Feeds and .gz files on) plus hand-made posts (control characters, invalid UTF-8, relative links, a Chinese
category, 'a/b', '../up', 'x y', a future and an unpublished post) is built with
`$FEEDD build SITE -o OUT`. Every file under OUT is then checked: well-formedness (xmllint),
the RFC 4287 RELAX NG schema (xmllint, and jing when installed), what feedparser and newsboat
make of it, and what the feed must hold according to the posts (counts, order, dates, ids,
categories, absolute links); each JSON Feed against the spec's required fields, its Atom
feed and gofeed (a reader of JSON Feed in Debian); every .gz against its file; the lists of
feeds (index.json, feeds.opml, index.html, autodiscovery.json) against the feeds. Expected values are computed here from the posts' front matter,
read the way Jekyll reads it (zone-less dates are UTC, date-only dates are midnight in the
site's time zone, future and unpublished posts are left out).

Environment: FEEDD (path of the feedd binary, required), top_srcdir (source root; default:
two levels above this file). Exit 0 pass, 1 fail, 77 skip (a required tool is missing).

Development options: --keep (keep the temporary directory), --site DIR --out DIR (check an
existing site and output instead of generating and building).
"""

import calendar
import datetime as dt
import email.utils
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

from feeddtest import is_state

SKIP = 77
LIMIT = 10                      # entries per feed
SITE_URL = "https://finews.withounder.com"
SITE_TZ = "Asia/Shanghai"
ATOM_NS = "http://www.w3.org/2005/Atom"
A = "{%s}" % ATOM_NS

CONFIG_YML = """\
theme: jekyll-theme-minimal

lang: zh-CN
title: 金融消息
show_downloads: false
safe: true
url: %s
enforce_ssl: finews.withounder.com
timezone: %s
author: ZNing

plugins:
  - jekyll-feed
""" % (SITE_URL, SITE_TZ)

# Every kind of file feedd writes: JSON Feeds, .gz files and the lists of feeds.
ADMIN_YML = """\
feedd:
  formats: [atom, rss, json]
  gzip: true
"""
DISCOVERY = "feeds"

# Hand-made posts: file name -> raw bytes. Titles use YAML escapes (\x01, \x0b) because raw
# C0 controls are not allowed in YAML; the bodies carry raw control bytes and invalid UTF-8.
NASTY_POSTS = {
    "2022-03-01-nasty-ctrl-title.md":
        b'---\nlayout: post\n'
        b'title: "\xe6\x8e\xa7\xe5\x88\xb6\\x01\xe5\xad\x97\xe7\xac\xa6\\x0b\xe6\xa0\x87\xe9\xa2\x98 & <b>bold</b> \\"q\\" \'s\' \xf0\x9f\x9a\x80"\n'
        b'date: 2022-03-01 10:00:00 +0800\n'
        b'categories: \xe8\xb4\xa2\xe7\xbb\x8f\xe8\xa6\x81\xe9\x97\xbb\n'
        b'tags: [nasty, \xe4\xb8\xad\xe6\x96\x87\xe6\xa0\x87\xe7\xad\xbe, "two words"]\n'
        b'---\n'
        b'Raw control bytes in the body: [\x01] [\x0b] [\x0c] [\x1f] [\x7f] end-of-ctrl-body.\n',
    "2022-03-02-nasty-cdata.md":
        b'---\nlayout: post\ntitle: "CDATA ]]> terminators ]]]]> in body"\n'
        b'date: 2022-03-02 10:00:00 +0800\n'
        b'categories: a/b\n'
        b'tags: nasty\n'
        b'---\n'
        b'One ]]> two ]]]]> three <![CDATA[ four ]]> and R&D P<E &amp; &nbsp; end-of-cdata-body.\n',
    "2022-03-03-nasty-utf8.md":
        b'---\nlayout: post\ntitle: "\xe6\x97\xa0\xe6\x95\x88 UTF-8 body"\n'
        b'date: 2022-03-03 10:00:00 +0800\n'
        b'categories: x y\n'
        b'tags: nasty\n'
        b'---\n'
        b'start-of-utf8-body \xff\xfe bad \xc3\x28 bad \xed\xa0\x80 surrogate \xe4\xb8 truncated\n'
        b'\xe4\xb8\xad\xe6\x96\x87 end-of-utf8-body\n',
    "2022-03-04-nasty-links.md":
        b'---\nlayout: post\ntitle: "Relative links"\n'
        b'date: 2022-03-04 10:00:00 +0800\n'
        b'categories: [\xe8\xb4\xa2\xe7\xbb\x8f\xe8\xa6\x81\xe9\x97\xbb, links]\n'
        b'tags: nasty\n'
        b'---\n'
        b'See <a href="../x.html">x</a> and this picture:\n\n'
        b'![img](/img/a.png)\n\n'
        b'end-of-links-body\n',
    "2022-03-05-nasty-up.md":
        b'---\nlayout: post\ntitle: "Category with dot-dot"\n'
        b'date: 2022-03-05 10:00:00 +0800\n'
        b'categories: ../up\n'
        b'tags: nasty\n'
        b'---\n'
        b'A category that must not escape the output folder.\n',
    "2022-03-06-nasty-singular.md":
        b'---\nlayout: post\ntitle: "Singular category and tag"\n'
        b'date: 2022-03-06 02:00:00\n'          # zone-less: 02:00 UTC = 10:00 +0800
        b'category: \xe5\x8d\x95\xe6\x95\xb0\n'
        b'tag: solo\n'
        b'---\n'
        b'Zone-less date, read as UTC.\n',
    "2022-03-07-nasty-date-only.md":
        b'---\nlayout: post\ntitle: "Date only"\n'
        b'date: 2022-03-07\n'                   # midnight in the site's time zone
        b'categories: x\n'
        b'tags: [solo]\n'
        b'---\n'
        b'A date-only post.\n',
    "2022-03-08-nasty-unpublished.md":
        b'---\nlayout: post\ntitle: "UNPUBLISHED must not appear"\n'
        b'date: 2022-03-08 10:00:00 +0800\n'
        b'published: false\n'
        b'categories: \xe8\xb4\xa2\xe7\xbb\x8f\xe8\xa6\x81\xe9\x97\xbb x\n'
        b'tags: nasty\n'
        b'---\n'
        b'Never in a feed.\n',
    # What once made Python's feedparser (default settings) raise on the whole feed, and
    # content that is not well-formed: declarations in the title and the body, a
    # highlight of XML, a link inside a link, unclosed and stray tags, bare URLs.
    "2022-03-09-nasty-markup.md":
        b'---\nlayout: post\ntitle: "Markup <!DOCTYPE root [ <!ENTITY x \'y\'> ]> in a title"\n'
        b'date: 2022-03-09 10:00:00 +0800\n'
        b'categories: markup\n'
        b'tags: nasty\n'
        b'---\n'
        b'<!DOCTYPE root [ <!ENTITY a "b"> ]> and <?php echo 1; ?> in the first paragraph.\n\n'
        b'{% highlight xml %}\n<?xml version="1.0"?>\n<!DOCTYPE root [\n]>\n<root/>\n'
        b'{% endhighlight %}\n\n'
        b'<div><p>Unclosed <strong>bold [a link](https://ex.com/x) https://bare.example.com\n\n'
        b'<a href="/a">outer <a href="/b">inner</a> after</a></em></div> '
        b'[https://inside.example.com](https://ex.com/y) end-of-markup-body\n',
    "2999-01-01-nasty-future.md":
        b'---\nlayout: post\ntitle: "FUTURE must not appear"\n'
        b'date: 2999-01-01 10:00:00 +0800\n'
        b'categories: \xe8\xb4\xa2\xe7\xbb\x8f\xe8\xa6\x81\xe9\x97\xbb x\n'
        b'tags: nasty\n'
        b'---\n'
        b'Never in a feed (yet).\n',
}
NASTY_CATEGORIES = ["财经要闻", "a/b", "x", "y", "links", "../up", "单数", "markup"]
NASTY_TAGS = ["nasty", "中文标签", "two words", "solo"]

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"(\d{4}) \d{2}:\d{2}:\d{2} [+-]\d{4}$")
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
URL_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


# ---------------------------------------------------------------------------------------
# Reporting

class Report:
    """Check groups, each with a list of problems; prints one line per group."""

    def __init__(self):
        self.groups = []        # (name, problems, note)

    def group(self, name, problems, note=""):
        self.groups.append((name, problems, note))
        if problems:
            print("FAIL %-22s %d problem(s)" % (name, len(problems)))
            for p in problems[:25]:
                print("     %s" % p)
            if len(problems) > 25:
                print("     ... and %d more" % (len(problems) - 25))
        else:
            print("ok   %-22s %s" % (name, note))
        sys.stdout.flush()

    def failed(self):
        return [g for g in self.groups if g[1]]


# ---------------------------------------------------------------------------------------
# A tiny front-matter reader: just the YAML that posts use (scalars, flow and block lists).

ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
           "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
           "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def yaml_double(s, i):
    """Parse a double-quoted scalar starting at s[i] == '"'; return (value, next index)."""
    out, i = [], i + 1
    while i < len(s):
        c = s[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\":
            e = s[i + 1]
            n = {"x": 2, "u": 4, "U": 8}.get(e)
            if n:
                out.append(chr(int(s[i + 2:i + 2 + n], 16)))
                i += 2 + n
                continue
            out.append(ESCAPES[e])
            i += 2
            continue
        out.append(c)
        i += 1
    raise ValueError("unterminated double-quoted scalar")


def yaml_single(s, i):
    out, i = [], i + 1
    while i < len(s):
        if s[i] == "'":
            if s[i + 1:i + 2] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        out.append(s[i])
        i += 1
    raise ValueError("unterminated single-quoted scalar")


class Scalar(str):
    """A string that remembers whether it was quoted (quoted dates are not YAML timestamps)."""
    quoted = False


def yaml_scalar(s):
    s = s.strip()
    if s.startswith('"'):
        v, _ = yaml_double(s, 0)
    elif s.startswith("'"):
        v, _ = yaml_single(s, 0)
    else:
        v = Scalar(re.sub(r"\s+#.*$", "", s))
        return v
    v = Scalar(v)
    v.quoted = True
    return v


def yaml_flow_list(s):
    s = s.strip()[1:]
    items, i = [], 0
    while i < len(s):
        while i < len(s) and s[i] in " ,":
            i += 1
        if i >= len(s) or s[i] == "]":
            break
        if s[i] in "\"'":
            v, i = (yaml_double if s[i] == '"' else yaml_single)(s, i)
            v = Scalar(v)
            v.quoted = True
        else:
            j = i
            while j < len(s) and s[j] not in ",]":
                j += 1
            v = Scalar(s[i:j].strip())
            i = j
        items.append(v)
    return items


def front_matter(data):
    """Return a dict of the front matter of a post file's bytes, or None without front matter."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    fm, key = {}, None
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            return fm
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^\s*-\s+(.*)$", line)
        if m and key is not None:
            if not isinstance(fm.get(key), list):
                fm[key] = []
            fm[key].append(yaml_scalar(m.group(1)))
            continue
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$", line)
        if not m:
            raise ValueError("front matter line not understood: %r" % line)
        key, val = m.group(1), (m.group(2) or "").strip()
        if val.startswith("["):
            fm[key] = yaml_flow_list(val)
        elif val == "":
            fm[key] = None
        else:
            fm[key] = yaml_scalar(val)
    raise ValueError("front matter not closed")


def as_list(v, split):
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v if x is not None and str(x) != ""]
    return str(v).split() if split else [str(v)]


def site_tz():
    import zoneinfo
    return zoneinfo.ZoneInfo(SITE_TZ)


def parse_post_date(value, fname):
    """Jekyll's reading of a post date: zone-less timestamps are UTC, dates alone local midnight."""
    tz = site_tz()
    if value is None:
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})-", fname)
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=tz)
    s = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", s)
    if m:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=tz)
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|\s+)(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?"
                 r"\s*(Z|[+-]\d{2}:?\d{2})?$", s)
    if not m:
        raise ValueError("date %r not understood" % s)
    d = dt.datetime(*(int(m[k]) for k in range(1, 7)))
    z = m[8]
    if z is None:
        # A YAML timestamp without a zone is UTC; a quoted string is parsed in the site zone.
        return d.replace(tzinfo=tz if getattr(value, "quoted", False) else dt.timezone.utc)
    if z == "Z":
        return d.replace(tzinfo=dt.timezone.utc)
    z = z.replace(":", "")
    off = dt.timedelta(hours=int(z[1:3]), minutes=int(z[3:5]))
    return d.replace(tzinfo=dt.timezone(-off if z[0] == "-" else off))


class Post:
    def __init__(self, path, title, date, categories, tags):
        self.path, self.title, self.date = path, title, date
        self.categories, self.tags = categories, tags
        self.ts = int(date.timestamp())


def read_posts(site):
    """Published, non-future posts of site/_posts, as Jekyll would list them."""
    posts, now = [], time.time()
    pdir = os.path.join(site, "_posts")
    for root, _, files in os.walk(pdir):
        for f in sorted(files):
            if not re.match(r"^\d{4}-\d{2}-\d{2}-.+\.(md|markdown|html)$", f):
                continue
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                fm = front_matter(fh.read())
            if fm is None:
                continue
            if str(fm.get("published", "true")).lower() in ("false", "no", "off"):
                continue
            date = parse_post_date(fm.get("date"), f)
            if date.timestamp() > now:
                continue
            cats = []
            for c in as_list(fm.get("categories"), True) + as_list(fm.get("category"), False):
                if c not in cats:
                    cats.append(c)
            tags = as_list(fm["tag"], False) if "tag" in fm else as_list(fm.get("tags"), True)
            tags = list(dict.fromkeys(tags))
            title = str(fm.get("title") or "")
            posts.append(Post(path, title, date, cats, tags))
    return posts


def strip_tags(t):
    """Remove real HTML tags only: '<' + ASCII letter starts a tag (HTML tokenizer), as '<!'
    a markup declaration, which HTML hides too; '<10倍 & x>' or '<反弹>' is text, and a title
    that loses it has lost data."""
    return re.sub(r"</?[A-Za-z][^<>]*>|<![^>]*>", "", t)


SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "--", "\u2014": "---", "\u2026": "..."})


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


def html_problem(text):
    """None if text is well-formed HTML (balanced, no <a> in an <a>, no markup declaration
    or processing instruction), else what is wrong."""
    import html.parser

    class Check(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.why = [], None

        def handle_starttag(self, tag, attrs):
            if tag in VOID:
                return
            if tag == "a" and "a" in self.stack:
                self.why = self.why or "a link inside a link"
            self.stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            if tag in VOID:
                return
            if not self.stack or self.stack[-1] != tag:
                self.why = self.why or "</%s> closes %s" % (tag, self.stack[-1:] or "nothing")
            else:
                self.stack.pop()

        def handle_decl(self, decl):
            self.why = self.why or "a markup declaration <!%s>" % decl[:30]

        def unknown_decl(self, data):
            self.why = self.why or "a markup declaration <![%s" % data[:30]

        def handle_pi(self, data):
            self.why = self.why or "a processing instruction <?%s" % data[:30]

    c = Check()
    try:
        c.feed(text)
        c.close()
    except Exception as e:                       # noqa: BLE001
        return "the HTML parser raised %s" % e
    if c.why:
        return c.why
    if c.stack:
        return "unclosed %s" % c.stack
    return None


def title_key(t):
    """Titles compared without whitespace, control characters and U+FFFD (writers may drop
    or replace characters XML cannot hold), and with kramdown's typography (smartify, as
    jekyll-feed applies it) undone."""
    return re.sub(r"[\s\x00-\x1f\x7f\ufffd\ufffe\uffff]", "", t.translate(SMART))


# ---------------------------------------------------------------------------------------
# Helpers

def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, **kw)


def struct_ts(st):
    return calendar.timegm(st) if st else None


def fmt_ts(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if ts is not None else "None"


def entry_date(e):
    return struct_ts(e.get("published_parsed") or e.get("updated_parsed"))


def content_texts(e):
    out = [c.get("value", "") for c in e.get("content", []) or []]
    if e.get("summary"):
        out.append(e["summary"])
    return out


def match_names(stems, names, entry_cats):
    """Map file stems to category/tag names: exact, percent-decoded, then by content.

    entry_cats: stem -> set of names every entry of that file carries (None if unknown).
    Returns (stem -> name, stems that matched nothing).
    """
    got, left = {}, set(names)
    for s in stems:
        for cand in (s, urllib.parse.unquote(s)):
            if cand in left:
                got[s] = cand
                left.discard(cand)
                break
    for s in stems:
        if s in got:
            continue
        common = entry_cats.get(s) or set()
        cands = [n for n in left if n in common]
        if len(cands) == 1:
            got[s] = cands[0]
            left.discard(cands[0])
    return got, [s for s in stems if s not in got]


# ---------------------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    keep = "--keep" in args
    pre_site = pre_out = None
    if "--site" in args:
        pre_site = os.path.abspath(args[args.index("--site") + 1])
        pre_out = os.path.abspath(args[args.index("--out") + 1])

    here = os.path.dirname(os.path.abspath(__file__))
    top = os.environ.get("top_srcdir") or os.path.join(here, "..", "..")
    top = os.path.abspath(top)
    rng = os.path.join(top, "tests", "data", "atom.rng")
    gen = os.path.join(top, "tools", "gen-corpus")
    if not os.path.exists(gen):
        gen = "/work/shared/tools/gen-corpus"

    try:
        import feedparser
    except ImportError:
        print("SKIP: python3-feedparser is not installed (/usr/bin/python3 -c 'import feedparser')")
        return SKIP
    for tool in ("xmllint", "newsboat"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return SKIP
    jing = shutil.which("jing")
    feedd = os.environ.get("FEEDD")
    if pre_site is None:
        if not feedd or not os.access(feedd, os.X_OK):
            print("FAIL: FEEDD is not set to an executable feedd (FEEDD=%r)" % feedd)
            return 1
        if not os.path.exists(gen):
            print("FAIL: gen-corpus not found (%s)" % gen)
            return 1
    if not os.path.exists(rng):
        print("FAIL: RELAX NG schema not found: %s" % rng)
        return 1

    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="validate-feeds.")
    rep = Report()
    try:
        rc = check_all(rep, tmp, feedd, gen, rng, jing, feedparser, pre_site, pre_out)
    except Exception:
        import traceback
        traceback.print_exc()
        print("FAIL: validate-feeds crashed; temporary files kept in %s" % tmp)
        return 1
    bad = rep.failed()
    print("validate-feeds: %d check groups, %d failed (%.1f s)%s" % (
        len(rep.groups), len(bad), time.time() - t0,
        ": " + ", ".join(g[0] for g in bad) if bad else ""))
    if rc or bad or keep:
        print("validate-feeds: files kept in %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if (rc or bad) else 0


def check_all(rep, tmp, feedd, gen, rng, jing, feedparser, pre_site, pre_out):
    # --- Site ------------------------------------------------------------------------
    if pre_site is None:
        site, out = os.path.join(tmp, "site"), os.path.join(tmp, "out")
        r = run([sys.executable, gen, "--posts", "400", "--categories", "40", "--nasty", "0.1",
                 "--naive-dates", "0.4", "--quiet", site])
        if r.returncode != 0:
            rep.group("gen-corpus", ["gen-corpus failed: %s" % r.stderr.decode(errors="replace").strip()])
            return 1
        with open(os.path.join(site, "_config.yml"), "w", encoding="utf-8") as f:
            f.write(CONFIG_YML)
        for name, data in NASTY_POSTS.items():
            with open(os.path.join(site, "_posts", name), "wb") as f:
                f.write(data)
        t = time.time()
        try:
            admin = os.path.join(tmp, "admin.yml")
            with open(admin, "w") as f:
                f.write(ADMIN_YML)
            r = run([feedd, "build", site, "-o", out, "-c", admin], timeout=60)
        except subprocess.TimeoutExpired:
            rep.group("build", ["%s build %s -o %s did not finish in 60 s" % (feedd, site, out)])
            return 1
        err = r.stderr.decode(errors="replace").strip()
        if r.returncode != 0:
            rep.group("build", ["feedd build exited %d; stderr:\n%s" % (r.returncode, err)])
            return 1
        rep.group("build", [], "feedd build exited 0 in %.2f s%s" % (
            time.time() - t, "; stderr: " + err.replace("\n", " | ")[:300] if err else ""))
        outside = sorted(set(os.listdir(tmp)) - {"site", "out", "admin.yml"})
        rep.group("confinement", ["feedd wrote outside OUT: %s" % n for n in outside],
                  "nothing written beside OUT (a category is '../up')")
    else:
        site, out = pre_site, pre_out

    posts = read_posts(site)
    by_cat, by_tag = {}, {}
    for p in posts:
        for c in p.categories:
            by_cat.setdefault(c, []).append(p)
        for t in p.tags:
            by_tag.setdefault(t, []).append(p)
    for c in NASTY_CATEGORIES:
        assert c in by_cat, "hand-made category %r has no post (test bug)" % c
    assert "FUTURE must not appear" not in {p.title for p in posts}

    # --- Layout: every file is an expected feed, every expected feed exists ----------
    problems = []
    feeds = {}      # relpath -> dict(kind, name, fmt, posts)
    files = []
    for root, dirs, fs in os.walk(out):
        for f in fs:
            files.append(os.path.relpath(os.path.join(root, f), out).replace(os.sep, "/"))
    files.sort()
    cat_files, tag_files = {}, {}       # stem -> [relpaths]
    state = [r for r in files if is_state(r)]
    files = [r for r in files if r not in state]
    # Checked on their own below: .gz files, JSON Feeds and the lists of feeds.
    gzfiles = [r for r in files if r.endswith(".gz")]
    jsonfeeds = [r for r in files if r.endswith(".json") and not r.startswith(DISCOVERY + "/")]
    listfiles = [r for r in files if r.startswith(DISCOVERY + "/") and not r.endswith(".gz")]
    files = [r for r in files if r not in gzfiles and r not in jsonfeeds and r not in listfiles]
    for rel in files:
        base, ext = os.path.splitext(rel)
        fmt = {".xml": "atom", ".rss": "rss"}.get(ext)
        if fmt is None:
            problems.append("%s: unexpected file (not .xml or .rss)" % rel)
            continue
        if base == "feed":
            feeds[rel] = dict(kind="site", name="", fmt=fmt, posts=posts)
        elif base.startswith("feed/by_tag/") and "/" not in base[len("feed/by_tag/"):]:
            tag_files.setdefault(base[len("feed/by_tag/"):], []).append(rel)
        elif base.startswith("feed/") and "/" not in base[len("feed/"):]:
            cat_files.setdefault(base[len("feed/"):], []).append(rel)
        else:
            problems.append("%s: unexpected file (layout is feed.xml, feed/<category>.xml, "
                            "feed/by_tag/<tag>.xml and .rss)" % rel)

    parsed = {}
    for rel in files:
        if rel.endswith((".xml", ".rss")):
            parsed[rel] = feedparser.parse(os.path.join(out, rel), resolve_relative_uris=False,
                                           sanitize_html=False)

    def common_cats(relpaths):
        sets = []
        for rel in relpaths:
            d = parsed[rel]
            for e in d.entries:
                sets.append({t.get("term") for t in e.get("tags", []) or []})
        return set.intersection(*sets) if sets else set()

    for kind, stems, names in (("category", cat_files, by_cat), ("tag", tag_files, by_tag)):
        got, unmatched = match_names(sorted(stems), names, {s: common_cats(v) for s, v in stems.items()})
        for s in unmatched:
            for rel in stems[s]:
                problems.append("%s: unexpected file: no %s of the site is named %r" % (rel, kind, s))
        for s, name in got.items():
            for rel in stems[s]:
                feeds[rel] = dict(kind=kind, name=name, fmt=feeds_fmt(rel),
                                  posts=(by_cat if kind == "category" else by_tag)[name])
        have = {(f["kind"], f["name"], f["fmt"]) for f in feeds.values()}
        for name in sorted(names):
            for fmt, ext in (("atom", ".xml"), ("rss", ".rss")):
                if (kind, name, fmt) not in have:
                    problems.append("missing %s feed for %s %r (%d posts), expected something like "
                                    "feed/%s%s%s" % (fmt, kind, name, len(names[name]),
                                                     "by_tag/" if kind == "tag" else "", name, ext))
    for fmt, ext in (("atom", ".xml"), ("rss", ".rss")):
        if "feed" + ext not in feeds:
            problems.append("missing site feed feed%s" % ext)
    rep.group("layout", problems, "%d files: site + %d categories + %d tags, Atom and RSS each%s"
              % (len(files), len(by_cat), len(by_tag),
                 "; state files not checked: " + ", ".join(state) if state else ""))

    atom = sorted(r for r, f in feeds.items() if f["fmt"] == "atom")
    rss = sorted(r for r, f in feeds.items() if f["fmt"] == "rss")
    allfeeds = sorted(feeds)

    # --- Well-formed --------------------------------------------------------------------
    problems, wellformed = [], set()
    for rel in allfeeds:
        r = run(["xmllint", "--noout", "--nonet", os.path.join(out, rel)])
        if r.returncode != 0:
            problems.append("%s: not well-formed: %s" % (rel, first_lines(r.stderr)))
        else:
            wellformed.add(rel)
    rep.group("well-formed", problems, "xmllint --noout: %d files" % len(allfeeds))

    # --- RELAX NG -----------------------------------------------------------------------
    problems = []
    for rel in atom:
        if rel not in wellformed:
            continue
        r = run(["xmllint", "--noout", "--nonet", "--relaxng", rng, os.path.join(out, rel)])
        if r.returncode != 0:
            problems.append("%s: fails RFC 4287 RELAX NG (xmllint): %s" % (rel, first_lines(r.stderr)))
    note = "xmllint --relaxng atom.rng: %d Atom feeds" % len(atom)
    if jing:
        todo = [os.path.join(out, r) for r in atom if r in wellformed]
        if todo:
            r = run([jing, rng] + todo)
            if r.returncode != 0:
                for line in (r.stdout + r.stderr).decode(errors="replace").splitlines():
                    if line.strip():
                        problems.append("jing: %s" % line.replace(out + "/", ""))
        note += "; jing agrees"
    else:
        note += "; jing not installed, not run"
    rep.group("atom-schema", problems, note)

    # --- Raw syntax the parsers forgive: RFC 3339 / RFC 822 dates, RSS guid, Atom author --
    problems = []
    for rel in allfeeds:
        if rel not in wellformed:
            continue
        try:
            root = ET.parse(os.path.join(out, rel)).getroot()
        except ET.ParseError as e:
            problems.append("%s: ElementTree cannot parse it: %s" % (rel, e))
            continue
        if feeds[rel]["fmt"] == "atom":
            problems += atom_raw_checks(rel, root)
        else:
            problems += rss_raw_checks(rel, root)
    rep.group("raw-syntax", problems, "RFC 3339 <updated>/<published>, RFC 822 pubDate with 4-digit year, "
              "numeric zone and right weekday, RSS channel elements and guid, Atom author rule")

    # --- feedparser: bozo, version ----------------------------------------------------------
    problems = []
    for rel in allfeeds:
        d = parsed[rel]
        want = "atom10" if feeds[rel]["fmt"] == "atom" else "rss20"
        if d.bozo:
            problems.append("%s: feedparser bozo: %s" % (rel, d.get("bozo_exception")))
        if d.version != want:
            problems.append("%s: feedparser version %r, expected %r" % (rel, d.version, want))
    rep.group("feedparser", problems, "bozo 0 and version atom10/rss20: %d feeds" % len(allfeeds))

    # --- feedparser with its default settings (it sanitizes HTML): it must not raise --------
    problems = []
    for rel in allfeeds:
        try:
            feedparser.parse(os.path.join(out, rel))
        except Exception as e:                   # noqa: BLE001 - any exception is the finding
            problems.append("%s: feedparser (default settings) raised %s: %s"
                            % (rel, type(e).__name__, e))
    rep.group("feedparser-default", problems, "%d feeds parsed with sanitize_html on" % len(allfeeds))

    # --- Content is well-formed HTML: balanced, no link inside a link -----------------------
    problems = []
    for rel in allfeeds:
        for i, e in enumerate(parsed[rel].entries):
            for text in content_texts(e):
                why = html_problem(text)
                if why:
                    problems.append("%s: entry %d: %s" % (rel, i, why))
    rep.group("html-content", problems, "every content and summary balanced, no nested links, "
              "no markup declarations")

    # --- Self link -----------------------------------------------------------------------------
    problems = []
    for rel in allfeeds:
        d = parsed[rel]
        selfs = [l.get("href", "") for l in d.feed.get("links", []) if l.get("rel") == "self"]
        if not selfs:
            problems.append("%s: no atom:link rel=\"self\"" % rel)
            continue
        h = selfs[0]
        if not re.match(r"^https?://", h):
            problems.append("%s: self link %r is not an absolute http(s) URL" % (rel, h))
        else:
            # A web server percent-decodes the path once to find the file, so the decoded path
            # must end with the file's name: a file named 'a%2Fb.xml' is at '.../a%252Fb.xml'.
            path = urllib.parse.unquote(urllib.parse.urlsplit(h).path)
            if not path.endswith("/" + rel):
                problems.append("%s: self link %r names %r once percent-decoded, not this file; "
                                "expected an href ending in /%s" % (rel, h, path, urllib.parse.quote(rel)))
    rep.group("self-link", problems, "rel=self href, percent-decoded, ends with the file's path: %d feeds"
              % len(allfeeds))

    # --- Entry counts --------------------------------------------------------------------------
    problems = []
    for rel in allfeeds:
        n, want = len(parsed[rel].entries), min(len(feeds[rel]["posts"]), LIMIT)
        if n != want:
            f = feeds[rel]
            problems.append("%s: %d entries, expected %d (%s %r has %d published posts)" % (
                rel, n, want, f["kind"], f["name"], len(f["posts"])))
    rep.group("entry-count", problems, "min(posts, %d) entries in each of %d feeds" % (LIMIT, len(allfeeds)))

    # --- Entry fields, ids, titles ----------------------------------------------------------
    problems = []
    for rel in allfeeds:
        d, f = parsed[rel], feeds[rel]
        ids = {}
        titles = {title_key(p.title) for p in f["posts"]} | {title_key(strip_tags(p.title)) for p in f["posts"]}
        sloppy = {title_key(re.sub(r"<[^>]*>", "", p.title)): p.title for p in f["posts"]}
        for i, e in enumerate(d.entries, 1):
            where = "%s: entry %d" % (rel, i)
            for field in ("title", "link", "id"):
                if not (e.get(field) or "").strip():
                    problems.append("%s has no %s" % (where, field))
            if not entry_date(e):
                problems.append("%s has no parsable published/updated date" % where)
            if f["fmt"] == "atom" and not e.get("updated_parsed"):
                problems.append("%s has no <updated>" % where)
            eid = e.get("id")
            if eid:
                if eid in ids:
                    problems.append("%s: id %r repeats entry %d" % (where, eid, ids[eid]))
                ids.setdefault(eid, i)
            link = e.get("link") or ""
            if link and not link.startswith(SITE_URL + "/"):
                problems.append("%s: link %r does not start with the site url %s/" % (where, link, SITE_URL))
            t = e.get("title")
            if t is not None and title_key(t) not in titles:
                if title_key(t) in sloppy:
                    problems.append("%s: title %r lost text: the post's title is %r; everything between "
                                    "'<' and '>' was removed, but only real tags like <b> may be"
                                    % (where, t, sloppy[title_key(t)]))
                else:
                    problems.append("%s: title %r is not the title of any post of this feed" % (where, t))
            if t is not None and CTRL.search(t):
                problems.append("%s: title keeps a control character: %r" % (where, t))
    rep.group("entries", problems, "title, link, id, date present; ids unique; titles are post titles")

    # --- Dates: order, feed updated, the newest posts chosen -------------------------------
    problems = []
    for rel in allfeeds:
        d, f = parsed[rel], feeds[rel]
        dates = [entry_date(e) for e in d.entries]
        if any(x is None for x in dates):
            continue
        for i in range(1, len(dates)):
            if dates[i] > dates[i - 1]:
                problems.append("%s: entries not newest first: entry %d (%s) is newer than entry %d (%s)"
                                % (rel, i + 1, fmt_ts(dates[i]), i, fmt_ts(dates[i - 1])))
                break
        want = sorted((p.ts for p in f["posts"]), reverse=True)[:LIMIT]
        if sorted(dates, reverse=True) != want and len(dates) == len(want):
            diff = [(fmt_ts(a), fmt_ts(b)) for a, b in zip(sorted(dates, reverse=True), want) if a != b]
            problems.append("%s: entry dates are not those of the %d newest posts; first difference: "
                            "feed has %s, expected %s (zone-less dates are UTC, as in Jekyll)"
                            % (rel, len(want), diff[0][0], diff[0][1]))
        newest = want[0] if want else None
        if f["fmt"] == "atom":
            upd = struct_ts(d.feed.get("updated_parsed"))
            entry_upd = [struct_ts(e.get("updated_parsed")) for e in d.entries if e.get("updated_parsed")]
            if upd is None:
                problems.append("%s: feed has no parsable <updated>" % rel)
            else:
                if entry_upd and upd != max(entry_upd):
                    problems.append("%s: feed <updated> %s != newest entry <updated> %s"
                                    % (rel, fmt_ts(upd), fmt_ts(max(entry_upd))))
                elif newest is not None and upd != newest:
                    problems.append("%s: feed <updated> %s != newest post date %s"
                                    % (rel, fmt_ts(upd), fmt_ts(newest)))
        else:
            stamps = [(k, struct_ts(d.feed.get(k + "_parsed"))) for k in ("updated", "published")]
            stamps = [(k, v) for k, v in stamps if v is not None]
            if not stamps:
                problems.append("%s: channel has neither lastBuildDate nor pubDate" % rel)
            for k, v in stamps:
                if newest is not None and v != newest:
                    problems.append("%s: channel %s %s != newest entry date %s" % (
                        rel, "lastBuildDate" if k == "updated" else "pubDate", fmt_ts(v), fmt_ts(newest)))
    rep.group("dates", problems, "newest first; feed updated = newest post; entries = the %d newest posts"
              % LIMIT)

    # --- Categories in category feeds --------------------------------------------------------
    problems = []
    for rel in allfeeds:
        f = feeds[rel]
        if f["kind"] != "category":
            continue
        for i, e in enumerate(parsed[rel].entries, 1):
            terms = [t.get("term") for t in e.get("tags", []) or []]
            if f["name"] not in terms:
                problems.append("%s: entry %d categories %r lack the feed's category %r"
                                % (rel, i, terms, f["name"]))
    rep.group("categories", problems, "every entry of a category feed carries the category")

    # --- Links in content --------------------------------------------------------------------
    problems = []
    seen_links_post = 0
    for rel in allfeeds:
        for i, e in enumerate(parsed[rel].entries, 1):
            texts = content_texts(e)
            if not texts:
                problems.append("%s: entry %d has no content or summary" % (rel, i))
                continue
            bad = set()
            for t in texts:
                for m in URL_ATTR.finditer(t):
                    u = html.unescape(m.group(1) or m.group(2) or m.group(3) or "")
                    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", u) and not u.startswith("#"):
                        bad.add(u)
            for u in sorted(bad)[:3]:
                problems.append("%s: entry %d (%s): relative link %r in content" % (rel, i, e.get("link"), u))
            if e.get("title") == "Relative links":
                seen_links_post += 1
                allt = " ".join(texts)
                urls = [html.unescape(m.group(1) or m.group(2) or m.group(3) or "")
                        for m in URL_ATTR.finditer(allt)]
                if SITE_URL + "/img/a.png" not in urls:
                    problems.append("%s: entry %d: Markdown ![img](/img/a.png) did not become an "
                                    "<img src=\"%s/img/a.png\">; content: %r" % (rel, i, SITE_URL, allt[:300]))
                if not [u for u in urls if u.startswith(SITE_URL + "/") and u.endswith("/x.html")]:
                    problems.append("%s: entry %d: <a href=\"../x.html\"> did not become an absolute "
                                    "%s/.../x.html link; content: %r" % (rel, i, SITE_URL, allt[:300]))
    if seen_links_post == 0:
        problems.append("the 'Relative links' post is in no feed")
    rep.group("content-links", problems, "every href/src absolute; the hand-made relative links "
              "resolved against %s (%d feeds carry that post)" % (SITE_URL, seen_links_post))

    # --- Nasty content survives intact ---------------------------------------------------------
    problems = []
    markers = {
        "CDATA ]]> terminators ]]]]> in body": ["One ]]> two ]]]]> three", "end-of-cdata-body"],
        "无效 UTF-8 body": ["start-of-utf8-body", "中文 end-of-utf8-body"],
        "Relative links": ["end-of-links-body"],
    }
    found = {}
    for rel in allfeeds:
        for i, e in enumerate(parsed[rel].entries, 1):
            texts = content_texts(e)
            t = e.get("title") or ""
            for txt in texts:
                if CTRL.search(txt):
                    problems.append("%s: entry %d content keeps a control character" % (rel, i))
                    break
            if "end-of-ctrl-body" in " ".join(texts) or title_key(t) == title_key(
                    "控制\x01字符\x0b标题 & <b>bold</b> \"q\" 's' 🚀"):
                found.setdefault("ctrl", []).append(rel)
            if t in markers:
                found.setdefault(t, []).append(rel)
                plain = html.unescape(re.sub(r"<[^>]*>", "", " ".join(texts)))
                raw = html.unescape(" ".join(texts))
                for mk in markers[t]:
                    if mk not in plain and mk not in raw:
                        problems.append("%s: entry %d (%s): content lost %r; content: %r"
                                        % (rel, i, t, mk, " ".join(texts)[:300]))
    for t in list(markers) + ["ctrl"]:
        if t not in found:
            problems.append("hand-made post %r is in no feed" % t)
    rep.group("nasty-content", problems, "]]>/]]]]> bodies, invalid UTF-8 and control bytes survive "
              "as text: hand-made posts in %d feed files" % len({r for v in found.values() for r in v}))

    # --- Ids agree across feeds: one post, one id, in Atom and RSS alike ------------------------
    problems, by_link = [], {}
    for rel in allfeeds:
        for e in parsed[rel].entries:
            if e.get("link") and e.get("id"):
                by_link.setdefault(e["link"], {}).setdefault(e["id"], rel)
    for link, ids in sorted(by_link.items()):
        if len(ids) > 1:
            problems.append("entry %s has %d ids: %s" % (link, len(ids), "; ".join(
                "%r in %s" % (i, r) for i, r in sorted(ids.items())[:3])))
    rep.group("id-consistency", problems, "%d distinct entries, one id each across all feeds" % len(by_link))

    # --- newsboat ---------------------------------------------------------------------------
    rep.group(*newsboat_checks(tmp, out, feeds, by_cat))

    # --- the other files: gzip, JSON Feed, the lists of feeds --------------------------------
    if pre_site is None:
        rep.group(*gzip_checks(out, gzfiles, files + jsonfeeds + listfiles))
        rep.group(*jsonfeed_checks(out, jsonfeeds, feeds, parsed))
        rep.group(*jsonfeed_reader_checks(tmp, out, jsonfeeds, feeds, parsed))
        rep.group(*discovery_checks(out, listfiles, feeds, parsed, jsonfeeds))
    return 0


def gzip_checks(out, gzfiles, plain):
    """Every file has a .gz beside it holding its bytes, dated as it is."""
    import gzip
    problems = []
    for rel in plain:
        if rel + ".gz" not in gzfiles:
            problems.append("%s: no %s.gz beside it" % (rel, rel))
            continue
        p = os.path.join(out, rel)
        with open(p, "rb") as f, open(p + ".gz", "rb") as g:
            if gzip.decompress(g.read()) != f.read():
                problems.append("%s.gz: does not hold the bytes of %s" % (rel, rel))
        if os.stat(p + ".gz").st_mtime_ns != os.stat(p).st_mtime_ns:
            problems.append("%s.gz: not dated as %s" % (rel, rel))
    for rel in gzfiles:
        if rel[:-3] not in plain:
            problems.append("%s: no file beside it" % rel)
    return ("gzip", problems, "%d .gz files, each the gzip of its file, with its mtime" % len(gzfiles))


RFC3339_FULL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def json_problems(rel, doc):
    """What JSON Feed 1.1 requires of the document (and the types of what it may hold)."""
    p = []
    if not isinstance(doc, dict):
        return ["%s: not a JSON object" % rel]
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        p.append("%s: version %r, expected https://jsonfeed.org/version/1.1" % (rel, doc.get("version")))
    if not isinstance(doc.get("title"), str) or not doc["title"]:
        p.append("%s: no title (required)" % rel)
    if not isinstance(doc.get("items"), list):
        return p + ["%s: no items array (required)" % rel]
    for key in ("home_page_url", "feed_url", "description", "language"):
        if key in doc and not isinstance(doc[key], str):
            p.append("%s: %s is not a string" % (rel, key))
    for a in doc.get("authors", []):
        if not isinstance(a, dict) or not (a.get("name") or a.get("url") or a.get("avatar")):
            p.append("%s: author %r has none of name, url, avatar" % (rel, a))
    for i, it in enumerate(doc["items"], 1):
        where = "%s: item %d" % (rel, i)
        if not isinstance(it.get("id"), str) or not it["id"]:
            p.append("%s: no id (required, a string)" % where)
        if not isinstance(it.get("content_html"), str) and not isinstance(it.get("content_text"), str):
            p.append("%s: neither content_html nor content_text (one is required)" % where)
        for key in ("date_published", "date_modified"):
            if key in it and not RFC3339_FULL.match(it[key]):
                p.append("%s: %s %r is not RFC 3339" % (where, key, it[key]))
        if "tags" in it and not all(isinstance(t, str) for t in it["tags"]):
            p.append("%s: tags are not strings" % where)
        for key in ("url", "title", "summary", "image", "language"):
            if key in it and not isinstance(it[key], str):
                p.append("%s: %s is not a string" % (where, key))
    return p


def jsonfeed_checks(out, jsonfeeds, feeds, parsed):
    """Each JSON Feed against the spec's required fields, and against its Atom feed: the same
    entries, ids, dates, titles, links, authors and tags."""
    problems = []
    atoms = {r for r, f in feeds.items() if f["fmt"] == "atom"}
    for rel in sorted(atoms):
        if rel[:-4] + ".json" not in jsonfeeds:
            problems.append("%s: no JSON Feed beside it" % rel)
    for rel in jsonfeeds:
        try:
            with open(os.path.join(out, rel), "rb") as f:
                doc = json.loads(f.read().decode("utf-8"))
        except ValueError as e:
            problems.append("%s: not JSON: %s" % (rel, e))
            continue
        problems += json_problems(rel, doc)
        atom = rel[:-5] + ".xml"
        if atom not in parsed or not isinstance(doc.get("items"), list):
            problems.append("%s: no Atom feed %s to compare with" % (rel, atom))
            continue
        a = parsed[atom]
        selfs = [l.get("href") for l in a.feed.get("links", []) if l.get("rel") == "self"]
        if selfs and doc.get("feed_url") != selfs[0][:-4] + ".json":
            problems.append("%s: feed_url %r, expected %r" % (rel, doc.get("feed_url"), selfs[0][:-4] + ".json"))
        if doc.get("title") != a.feed.get("title"):
            problems.append("%s: title %r, the Atom feed's is %r" % (rel, doc.get("title"), a.feed.get("title")))
        if doc.get("language") != "zh-CN":
            problems.append("%s: language %r, expected the site's zh-CN" % (rel, doc.get("language")))
        if len(doc["items"]) != len(a.entries):
            problems.append("%s: %d items, the Atom feed has %d" % (rel, len(doc["items"]), len(a.entries)))
            continue
        for i, (it, e) in enumerate(zip(doc["items"], a.entries), 1):
            where = "%s: item %d" % (rel, i)
            if it.get("id") != e.get("id"):
                problems.append("%s: id %r, Atom's %r" % (where, it.get("id"), e.get("id")))
            if it.get("url") != e.get("link"):
                problems.append("%s: url %r, Atom's %r" % (where, it.get("url"), e.get("link")))
            if it.get("title") != html.unescape(e.get("title_detail", {}).get("value", "")) and \
                    it.get("title") != e.get("title"):
                problems.append("%s: title %r, Atom's %r" % (where, it.get("title"), e.get("title")))
            for key, akey in (("date_published", "published_parsed"), ("date_modified", "updated_parsed")):
                got = it.get(key)
                if got and struct_ts(e.get(akey)) != calendar.timegm(
                        dt.datetime.fromisoformat(got).utctimetuple()):
                    problems.append("%s: %s %s differs from Atom's" % (where, key, got))
            terms = [t.get("term") for t in e.get("tags", []) or []]
            if (it.get("tags") or []) != terms:
                problems.append("%s: tags %r, Atom's categories %r" % (where, it.get("tags"), terms))
            names = [x.get("name") for x in it.get("authors", [])]
            anames = [x.get("name") for x in e.get("authors", []) if x.get("name")]
            if names != anames:
                problems.append("%s: authors %r, Atom's %r" % (where, names, anames))
            content = [c.get("value") for c in e.get("content", [])]
            if content and it.get("content_html") != content[0]:
                problems.append("%s: content_html differs from Atom's content" % where)
            summary = e.get("summary_detail", {}).get("value")
            if summary and summary != e.get("content", [{}])[0].get("value") and \
                    it.get("summary") != summary and "&lt;" not in summary:
                problems.append("%s: summary %r, Atom's %r" % (where, it.get("summary"), summary))
    return ("jsonfeed", problems, "%d JSON Feeds: the spec's required fields and types, and the entries, "
            "ids, dates, titles, links, tags, authors and content of their Atom feeds" % len(jsonfeeds))


def jsonfeed_reader_checks(tmp, out, jsonfeeds, feeds, parsed):
    """gofeed, a feed-reading library in Debian that reads JSON Feed (Debian 12's feedparser,
    6.0.10, does not), reads every JSON Feed with the ids of its Atom feed."""
    from feeddtest import jsonfeed_reader, read_with_gofeed
    reader, why = jsonfeed_reader(tmp)
    if reader is None:
        return ("jsonfeed-reader", [], "not run: %s" % why)
    got = read_with_gofeed(reader, [os.path.join(out, r) for r in jsonfeeds])
    problems = []
    for rel in jsonfeeds:
        g = got[os.path.join(out, rel)]
        if g.get("error"):
            problems.append("%s: gofeed: %s" % (rel, g["error"]))
            continue
        if g.get("type") != "json" or not g.get("version", "").endswith("/1.1"):
            problems.append("%s: gofeed reads it as %r %r" % (rel, g.get("type"), g.get("version")))
        ids = [e.get("id") for e in parsed[rel[:-5] + ".xml"].entries]
        if [i["id"] for i in g["items"]] != ids:
            problems.append("%s: gofeed's item ids differ from the Atom feed's" % rel)
    return ("jsonfeed-reader", problems, "gofeed (golang-github-mmcdole-gofeed-dev) read %d JSON Feeds "
            "as JSON Feed 1.1 with the Atom feeds' ids" % len(jsonfeeds))


class _PageParser(__import__("html.parser").parser.HTMLParser):
    """Checks that the page's elements nest, and gathers its rows and links."""
    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.rows, self.links, self.doctype = [], [], [], [], None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-name" in a:
            self.rows.append(a["data-name"])
        if tag == "a" and a.get("type", "").endswith(("+xml", "+json")):
            self.links.append(a["href"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()


def discovery_checks(out, listfiles, feeds, parsed, jsonfeeds):
    """The lists of feeds: index.json against the feeds, OPML 2.0 well-formed with every feed
    and its required attributes, the HTML page parsed with a row and links to existing files per
    feed, the autodiscovery lines of every feed."""
    problems = []
    want = {DISCOVERY + "/" + n for n in ("index.html", "index.json", "feeds.opml", "autodiscovery.json")}
    if set(listfiles) != want:
        problems.append("feeds/ holds %s, expected %s" % (sorted(listfiles), sorted(want)))
        return ("discovery", problems, "")
    with open(os.path.join(out, DISCOVERY, "index.json"), "rb") as f:
        index = json.loads(f.read().decode("utf-8"))
    atom_of = {}
    for fd in index["feeds"]:
        for fmt in ("atom", "rss", "json"):
            rel = fd["files"].get(fmt)
            if rel is None or not os.path.exists(os.path.join(out, rel)):
                problems.append("index.json: %s %r: %s file %r missing" % (fd["kind"], fd["name"], fmt, rel))
        rel = fd["files"]["atom"]
        atom_of[fd["urls"]["atom"]] = rel
        f = feeds.get(rel)
        if f is None:
            problems.append("index.json lists %r, not a feed" % rel)
            continue
        if (fd["kind"], fd["name"] or "") != (f["kind"], f["name"]):
            problems.append("index.json: %s is %s %r, expected %s %r" % (rel, fd["kind"], fd["name"], f["kind"], f["name"]))
        if fd["posts"] != len(f["posts"]) or fd["entries"] != len(parsed[rel].entries):
            problems.append("index.json: %s: %d posts, %d entries; expected %d and %d" % (
                rel, fd["posts"], fd["entries"], len(f["posts"]), len(parsed[rel].entries)))
        newest = max(p.ts for p in f["posts"])
        if calendar.timegm(dt.datetime.fromisoformat(fd["newest"]).utctimetuple()) != newest:
            problems.append("index.json: %s: newest %s, expected %s" % (rel, fd["newest"], fmt_ts(newest)))
    atoms = {r for r, f in feeds.items() if f["fmt"] == "atom"}
    if set(atom_of.values()) != atoms:
        problems.append("index.json lists %d feeds, there are %d" % (len(atom_of), len(atoms)))

    r = run(["xmllint", "--noout", "--nonet", os.path.join(out, DISCOVERY, "feeds.opml")])
    if r.returncode != 0:
        problems.append("feeds.opml: not well-formed: %s" % first_lines(r.stderr))
    else:
        root = ET.parse(os.path.join(out, DISCOVERY, "feeds.opml")).getroot()
        if root.tag != "opml" or root.get("version") != "2.0" or root.find("head/title") is None \
                or root.find("body") is None:
            problems.append("feeds.opml: not <opml version=\"2.0\"> with head/title and body")
        groups = [g.get("text") for g in root.findall("body/outline")]
        if groups != ["Site", "Categories", "Tags"]:
            problems.append("feeds.opml: groups %r, expected Site, Categories, Tags" % groups)
        urls = []
        for o in root.iter("outline"):
            if o.get("xmlUrl") is None:
                if not o.get("text"):
                    problems.append("feeds.opml: a group outline without text")
                continue
            for attr in ("type", "text", "title", "htmlUrl"):
                if not o.get(attr):
                    problems.append("feeds.opml: outline %s has no %s" % (o.get("xmlUrl"), attr))
            if o.get("type") != "rss":
                problems.append("feeds.opml: outline %s has type %r" % (o.get("xmlUrl"), o.get("type")))
            urls.append(o.get("xmlUrl"))
            rel = atom_of.get(o.get("xmlUrl"))
            if rel is not None and o.get("title") != parsed[rel].feed.get("title"):
                problems.append("feeds.opml: %s titled %r, the feed %r" % (rel, o.get("title"),
                                                                         parsed[rel].feed.get("title")))
        if sorted(urls) != sorted(atom_of):
            problems.append("feeds.opml: %d xmlUrls, not the %d Atom feeds' URLs" % (len(urls), len(atom_of)))

    pp = _PageParser()
    with open(os.path.join(out, DISCOVERY, "index.html"), "rb") as f:
        pp.feed(f.read().decode("utf-8"))
    pp.close()
    problems += ["index.html: " + x for x in pp.problems[:5]]
    if pp.stack:
        problems.append("index.html: unclosed %s" % pp.stack)
    if (pp.doctype or "").lower() != "doctype html":
        problems.append("index.html: doctype %r" % pp.doctype)
    if len(pp.rows) != len(index["feeds"]):
        problems.append("index.html: %d rows, %d feeds" % (len(pp.rows), len(index["feeds"])))
    for href in pp.links:
        rel = os.path.normpath(os.path.join(DISCOVERY, urllib.parse.unquote(href)))
        if not os.path.exists(os.path.join(out, rel)):
            problems.append("index.html: link %r leads to no file (%s)" % (href, rel))
    if len(pp.links) != 3 * len(index["feeds"]):
        problems.append("index.html: %d subscribe links, expected 3 per feed" % len(pp.links))

    with open(os.path.join(out, DISCOVERY, "autodiscovery.json"), "rb") as f:
        head = json.loads(f.read().decode("utf-8"))
    lines = [head.get("site", "")] + list(head.get("categories", {}).values()) + \
        list(head.get("tags", {}).values())
    if len(lines) != len(index["feeds"]):
        problems.append("autodiscovery.json: %d feeds, %d in the index" % (len(lines), len(index["feeds"])))
    for text in lines:
        links = re.findall(r'<link rel="alternate" type="([^"]+)" title="([^"]*)" href="([^"]+)">', text)
        if len(links) != 3 or len(text.strip().split("\n")) != 3:
            problems.append("autodiscovery.json: not three <link> lines: %r" % text[:200])
        for mime, title, href in links:
            if mime == "application/atom+xml" and html.unescape(href) not in atom_of:
                problems.append("autodiscovery.json: %s is no feed's Atom URL" % href)
    return ("discovery", problems, "index.json (%d feeds: files, counts, newest dates), feeds.opml "
            "(OPML 2.0, grouped, required attributes), index.html (parses, a row and three links "
            "per feed), autodiscovery.json (three <link> lines per feed)" % len(index["feeds"]))


def feeds_fmt(rel):
    return "atom" if rel.endswith(".xml") else "rss"


def first_lines(b, n=3):
    lines = [l for l in b.decode(errors="replace").splitlines() if l.strip()]
    return " | ".join(lines[:n])


def atom_raw_checks(rel, root):
    p = []
    if root.tag != A + "feed":
        return ["%s: root element is %s, expected atom:feed" % (rel, root.tag)]
    for el in [root.find(A + "updated")] + [x for e in root.findall(A + "entry")
                                             for x in (e.find(A + "updated"), e.find(A + "published"))]:
        if el is not None and not RFC3339.match((el.text or "").strip()):
            p.append("%s: <%s>%s</%s> is not an RFC 3339 date-time with a zone"
                     % (rel, el.tag[len(A):], el.text, el.tag[len(A):]))
    if root.find(A + "author") is None:
        for i, e in enumerate(root.findall(A + "entry"), 1):
            if e.find(A + "author") is None and e.find(A + "source/" + A + "author") is None:
                p.append("%s: entry %d has no atom:author and the feed has none (RFC 4287 4.1.1)" % (rel, i))
                break
    return p


def rss_raw_checks(rel, root):
    p = []
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["%s: root element is <%s version=%r>, expected <rss version=\"2.0\">"
                % (rel, root.tag, root.get("version"))]
    ch = root.find("channel")
    if ch is None:
        return ["%s: no <channel>" % rel]
    for name in ("title", "link", "description"):
        if ch.find(name) is None:
            p.append("%s: <channel> has no <%s> (required by RSS 2.0)" % (rel, name))
    dates = [("channel " + n, ch.find(n)) for n in ("pubDate", "lastBuildDate")]
    for i, it in enumerate(ch.findall("item"), 1):
        g = it.find("guid")
        if g is None or not (g.text or "").strip():
            p.append("%s: item %d has no <guid>" % (rel, i))
        if it.find("pubDate") is None:
            p.append("%s: item %d has no <pubDate>" % (rel, i))
        dates.append(("item %d pubDate" % i, it.find("pubDate")))
    for what, el in dates:
        if el is None:
            continue
        s = (el.text or "").strip()
        m = RFC822.match(s)
        if not m:
            p.append("%s: %s %r is not 'Www, DD Mmm YYYY HH:MM:SS +hhmm' (four-digit year, numeric zone)"
                     % (rel, what, s))
            continue
        try:
            d = email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError) as e:
            p.append("%s: %s %r does not parse: %s" % (rel, what, s, e))
            continue
        if WEEKDAYS[d.weekday()] != m.group(1):
            p.append("%s: %s %r: wrong day of the week (%s is a %s)"
                     % (rel, what, s, d.date(), WEEKDAYS[d.weekday()]))
    return p


def newsboat_checks(tmp, out, feeds, by_cat):
    """Load a sample of feeds with newsboat, one private cache per feed (newsboat keys items by
    guid across feeds), and compare the item count it stored with the expected one."""
    sample = ["feed.xml", "feed.rss"]
    gen_cats = sorted((c for c in by_cat if c not in NASTY_CATEGORIES), key=lambda c: (-len(by_cat[c]), c))
    picks = []
    if gen_cats:
        picks = [gen_cats[0], gen_cats[len(gen_cats) // 2], gen_cats[-1]]
    wanted = [("category", c) for c in picks + NASTY_CATEGORIES] + [("tag", t) for t in NASTY_TAGS]
    for rel, f in sorted(feeds.items()):
        if (f["kind"], f["name"]) in wanted:
            sample.append(rel)
    home = os.path.join(tmp, "newsboat")
    os.makedirs(home, exist_ok=True)
    cfg = os.path.join(home, "config")
    with open(cfg, "w") as fh:
        fh.write("")
    env = dict(os.environ, HOME=home, TERM="dumb", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("DISPLAY", None)
    problems = []
    for n, rel in enumerate(sample):
        if rel not in feeds:
            problems.append("%s: missing, cannot load it in newsboat" % rel)
            continue
        url = "file://" + urllib.parse.quote(os.path.join(out, rel))
        urls, cache = os.path.join(home, "urls%d" % n), os.path.join(home, "cache%d.db" % n)
        with open(urls, "w", encoding="utf-8") as fh:
            fh.write(url + "\n")
        try:
            r = run(["newsboat", "-u", urls, "-c", cache, "-C", cfg, "-x", "reload"],
                    timeout=30, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            problems.append("%s: newsboat -x reload did not finish in 30 s" % rel)
            continue
        if r.returncode != 0:
            problems.append("%s: newsboat exited %d: %s" % (rel, r.returncode, first_lines(r.stderr + r.stdout)))
            continue
        con = sqlite3.connect(cache)
        try:
            nfeed = con.execute("SELECT count(*) FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()[0]
            nitem = con.execute("SELECT count(*) FROM rss_item WHERE feedurl = ?", (url,)).fetchone()[0]
        finally:
            con.close()
        want = min(len(feeds[rel]["posts"]), LIMIT)
        if nfeed != 1:
            problems.append("%s: newsboat did not load the feed from %s" % (rel, url))
        elif nitem != want:
            problems.append("%s: newsboat stored %d items, expected %d" % (rel, nitem, want))
    return ("newsboat", problems, "-x reload of %d feeds (site, 3 categories, hand-made categories and "
            "tags; Atom and RSS): item counts as expected" % len(sample))


if __name__ == "__main__":
    sys.exit(main())
