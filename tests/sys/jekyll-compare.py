#!/usr/bin/python3
"""jekyll-compare: compare feedd's Atom feeds with what real Jekyll + jekyll-feed write.

Each test site is copied into a temporary directory and its _config.yml is adjusted so that
jekyll-feed builds every feed feedd builds: a `feed:` block listing every category of the site
(jekyll-feed only builds listed categories), `tags: true` and a `posts_limit` larger than the
site (so ties among equal dates cannot make the selected entry sets differ); `theme:` is
dropped (the real site's theme gem is not installed and themes do not affect feeds) and
`whitelist: [jekyll-feed]` is added (the real config has `safe: true`, under which Jekyll
loads only whitelisted plugins). The category list comes from Jekyll itself: a first build
renders a probe page listing `site.categories`. Then `jekyll build` and
`$FEEDD build SITE -o OUT` run on the same adjusted site, and every feed jekyll-feed wrote
(feed.xml, feed/<Category>.xml, feed/by_tag/<tag>.xml; jekyll-feed builds only tags made of
[A-Za-z0-9_]) is compared with feedd's file of the same path:

  - feed level: <id> and the rel="self" link;
  - the set of entry ids; per entry: the alternate link, published and updated (as instants,
    offsets may differ), the set of <category> terms, and the title (normalised, see
    title_key());
  - order: both date-descending; entries with equal published instants may come in any order.

Sites (env JEKYLL_COMPARE_SITES, comma-separated, default "example,corpus,edge"):
  example  $top_srcdir/examples/site (the real posts and _config.yml of our first user);
  corpus   ~300 gen-corpus posts, 30 categories, 5% awkward posts, 40% zone-less dates, with
           the example site's _config.yml;
  edge     the hand-made posts in EDGE_POSTS below (one Jekyll behaviour each, see
           tests/sys/JEKYLL-NOTES.md), also with the example _config.yml; the only site whose
           tags are ASCII, so the only one that yields tag feeds.

Environment: FEEDD (feedd binary, required), top_srcdir (source root; default: two levels
above this file). Exit 0 pass, 1 fail, 77 skip (jekyll not installed, or the jekyll-feed plugin
cannot be loaded). Options: --keep keeps the temporary directory (it is always kept on failure).
"""

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import yaml
except ImportError:              # only used to keep a site's own feed: settings
    yaml = None

SKIP = 77
POSTS_LIMIT = 100000
MAX_REPORT = 40                  # differences printed per feed
PROBE = "feedd-probe-categories.json"
PROBE_PAGE = """---
layout: null
sitemap: false
permalink: /%s
---
[{%% for c in site.categories %%}{{ c[0] | jsonify }},{%% endfor %%}null]
""" % PROBE
CORPUS_ARGS = ["--posts", "300", "--categories", "30", "--seed", "9", "--nasty", "0.05",
               "--naive-dates", "0.4", "--quiet"]

# Hand-made posts for the "edge" site: path -> text. Each one shows one measured Jekyll
# behaviour (tests/sys/JEKYLL-NOTES.md); drop an entry here if feedd deliberately differs.
EDGE_POSTS = {
    # An offset other than the site zone: same instant, printed in the site zone.
    "_posts/2022-07-01-edge-offset.md":
        "---\ntitle: Offset minus five\ndate: 2022-07-01 10:00:00 -0500\ncategories: Edge\n"
        "tags: [edge_tag, 中文标签]\n---\nOffset body.\n",
    # Zone-less timestamp = UTC; 19:38:51 UTC is the next day in Asia/Shanghai (URL 2022/07/02).
    "_posts/2022-07-01-edge-naive.md":
        "---\ntitle: Naive date\ndate: 2022-07-01 19:38:51\ncategories: Edge\n"
        "tags: edge_tag other_tag\n---\nNaive body.\n",
    # Date-only = midnight in the site zone; two categories from a list.
    "_posts/2022-07-03-edge-dateonly.md":
        "---\ntitle: Date only\ndate: 2022-07-03\ncategories: [Edge, 财经]\n---\nBody.\n",
    # 'Z' suffix: UTC instant (2022-07-05 04:00 +08:00, URL 2022/07/05).
    "_posts/2022-07-04-edge-zulu.md":
        "---\ntitle: Zulu\ndate: 2022-07-04 20:00:00Z\ncategories: Edge\n---\nBody.\n",
    # A quoted (string) zone-less date is read in the site zone, unlike an unquoted one.
    "_posts/2022-07-04-edge-quoted.md":
        "---\ntitle: Quoted date\ndate: \"2022-07-04 10:00:00\"\ncategories: Edge\n---\nBody.\n",
    # No date in the front matter: the file name's date, midnight in the site zone.
    "_posts/2022-07-05-edge-nodate.md":
        "---\ntitle: No date\ncategories: Edge\ntags: [edge_tag]\n---\nBody.\n",
    # Folder category first, then the front matter's (split on whitespace, deduplicated).
    "news/_posts/2022-07-06-edge-folder.md":
        "---\ntitle: Folder\ndate: 2022-07-06 10:00:00 +0800\ncategories: a  b\n---\nBody.\n",
    # Singular category: URL news/solo, but jekyll-feed's <category> terms are only "Solo";
    # feedd deliberately lists every category the post is in (see SUPERSET_TERMS).
    "news/_posts/2022-07-06-edge-singular.md":
        "---\ntitle: Singular\ndate: 2022-07-06 11:00:00 +0800\ncategory: Solo\n---\nBody.\n",
    # TechWeb and Techweb: one URL directory, two feeds; same instant (a tie).
    "_posts/2022-07-07-edge-case1.md":
        "---\ntitle: Case one\ndate: 2022-07-07 10:00:00 +0800\ncategories: TechWeb\n"
        "tags: Mixed_Case\n---\nBody.\n",
    "_posts/2022-07-07-edge-case2.md":
        "---\ntitle: Case two\ndate: 2022-07-07 10:00:00 +0800\ncategories: Techweb\n"
        "tags: Mixed_Case\n---\nBody.\n",
    # Space and '!' in the file name: URL Hello-World!.html, id Hello%20World!.
    "_posts/2022-07-08-Hello World!.md":
        "---\ntitle: Hello\ndate: 2022-07-08 10:00:00 +0800\ncategories: TechWeb 财经\n---\nBody.\n",
    # permalink: front matter: the id is the URL's directory + the file name's slug.
    "_posts/2022-07-09-edge-permalink.md":
        "---\ntitle: Permalink\ndate: 2022-07-09 10:00:00 +0800\ncategories: Edge\n"
        "permalink: /special/custom-path/\n---\nBody.\n",
    # slug: front matter replaces the file name's slug in URL and id.
    "_posts/2022-07-09-edge-slug.md":
        "---\ntitle: Slug\ndate: 2022-07-09 11:00:00 +0800\ncategories: Edge\n"
        "slug: my-own-slug\n---\nBody.\n",
    # No title: the slug titleized ("Edge Untitled"); a number as title.
    "_posts/2022-07-10-edge-untitled.md":
        "---\ndate: 2022-07-10 10:00:00 +0800\ncategories: Edge\n---\nBody.\n",
    "_posts/2022-07-11-edge-number.md":
        "---\ntitle: 123\ndate: 2022-07-11 10:00:00 +0800\ncategories: Edge\n---\nBody.\n",
    "_posts/2022-07-12-edge-quotes.md":
        "---\ntitle: \"\\\"Quotes\\\" -- 'single' ... & <tag> done\"\n"
        "date: 2022-07-12 10:00:00 +0800\ncategories: Edge\ntags: edge_tag\n---\nBody.\n",
    # smartify escapes a '<' that starts no tag, so strip_html keeps "<10倍 & 股息率>".
    "_posts/2022-07-12-edge-lt.md":
        "---\ntitle: \"红利: 市盈率<10倍 & 股息率>5%的\\\"红利\\\"策略\"\n"
        "date: 2022-07-12 11:00:00 +0800\ncategories: Edge\n---\nBody.\n",
    # Never in a feed: unpublished, future, draft: true.
    "_posts/2022-07-13-edge-unpublished.md":
        "---\ntitle: Unpublished\npublished: false\ncategories: Edge\ntags: edge_tag\n---\nBody.\n",
    "_posts/2099-01-01-edge-future.md":
        "---\ntitle: Future\ncategories: Edge\ntags: edge_tag\n---\nBody.\n",
    "_posts/2022-07-14-edge-draft.md":
        "---\ntitle: Draft flag\ndraft: true\ncategories: Edge\ntags: edge_tag\n---\nBody.\n",
}


# Entries (id suffixes) whose <category> terms in feedd may be a superset of jekyll-feed's:
# jekyll-feed lists only a singular `category:` value, feedd every category of the post.
SUPERSET_TERMS = ("/edge-singular",)


class Skip(Exception):
    pass


class Broken(Exception):
    """The test could not run (missing input, a build failed): reported as a failure."""


def log(msg):
    print(msg, flush=True)


# --------------------------------------------------------------------------------------
# Inputs and site preparation

def source_root():
    top = os.environ.get("top_srcdir")
    if top:
        return os.path.abspath(top)
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def example_site(top):
    """The example site; while examples/site does not exist, the shared fixtures."""
    d = os.path.join(top, "examples", "site")
    if os.path.isfile(os.path.join(d, "_config.yml")):
        return d
    fx = "/work/shared/fixtures"
    if os.path.isfile(os.path.join(fx, "_config.yml")):
        return fx
    raise Broken("no example site: %s/_config.yml is missing" % d)


def gen_corpus_path(top):
    for p in (os.path.join(top, "tools", "gen-corpus"), "/work/shared/tools/gen-corpus"):
        if os.path.isfile(p):
            return p
    raise Broken("gen-corpus not found in %s/tools" % top)


def copy_site(src, dst):
    """Copy a site; a flat directory of posts + _config.yml (the fixtures) becomes a site."""
    ignore = shutil.ignore_patterns("_site", ".jekyll-cache", ".jekyll-metadata", ".git",
                                    "Gemfile", "Gemfile.lock", ".bundle")
    if os.path.isdir(os.path.join(src, "_posts")) or not any(
            n.endswith(".md") for n in os.listdir(src)):
        shutil.copytree(src, dst, ignore=ignore)
        return
    os.makedirs(os.path.join(dst, "_posts"))
    for n in os.listdir(src):
        if n == "_config.yml":
            shutil.copy(os.path.join(src, n), dst)
        elif n.endswith(".md"):
            shutil.copy(os.path.join(src, n), os.path.join(dst, "_posts"))


def drop_top_keys(text, keys):
    """Remove the top-level YAML keys `keys` (with their indented blocks) from config text."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        m = re.match(r"([^\s#][^:]*?)\s*:(\s|$)", line)
        if m and not line.startswith("- "):
            skipping = m.group(1).strip("'\"") in keys
        elif not (line.strip() == "" or line[0] in " \t#-"):
            skipping = False
        if not skipping:
            out.append(line)
    text = "".join(out)
    return text if text.endswith("\n") or not text else text + "\n"


def ystr(s):
    return json.dumps(s, ensure_ascii=False)      # a JSON string is a YAML double-quoted one


def write_config(site, base_text, categories):
    """Write site/_config.yml: base_text with our theme/whitelist/feed settings."""
    old = {}
    if yaml is not None:
        try:
            old = yaml.safe_load(base_text) or {}
        except yaml.YAMLError as e:
            raise Broken("%s/_config.yml: %s" % (site, e))
    feed = old.get("feed") if isinstance(old.get("feed"), dict) else {}
    text = drop_top_keys(base_text, {"theme", "remote_theme", "whitelist", "feed"})
    text += "\n# added by jekyll-compare\nwhitelist:\n  - jekyll-feed\n"
    plugins = old.get("plugins") or old.get("gems") or []
    if yaml is not None and "jekyll-feed" not in plugins:
        text = drop_top_keys(text, {"plugins", "gems"})
        text += "plugins:\n" + "".join("  - %s\n" % ystr(p) for p in list(plugins) + ["jekyll-feed"])
    text += "feed:\n"
    for k, v in feed.items():
        if k not in ("categories", "tags", "posts_limit"):
            text += "  %s: %s\n" % (k, json.dumps(v, ensure_ascii=False, default=str))
    text += "  categories:%s\n" % ("" if categories else " []")
    text += "".join("    - %s\n" % ystr(c) for c in categories)
    text += "  tags: true\n  posts_limit: %d\n" % POSTS_LIMIT
    with open(os.path.join(site, "_config.yml"), "w", encoding="utf-8") as f:
        f.write(text)


def run_jekyll(site, dest):
    env = dict(os.environ, JEKYLL_ENV="production", JEKYLL_NO_BUNDLER_REQUIRE="true",
               LC_ALL="C.UTF-8")
    shutil.rmtree(dest, ignore_errors=True)
    p = subprocess.run(["jekyll", "build", "--quiet", "--disable-disk-cache", "-s", site, "-d", dest],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300, cwd=site)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        if re.search(r"(Dependency Error|cannot load such file|LoadError).*jekyll-feed", out):
            raise Skip("jekyll cannot load jekyll-feed:\n" + out[-2000:])
        raise Broken("jekyll build %s failed (exit %d):\n%s" % (site, p.returncode, out[-4000:]))
    if not os.path.isfile(os.path.join(dest, "feed.xml")):
        raise Skip("jekyll built %s but wrote no feed.xml: jekyll-feed not loaded" % site)


def prepare_and_build(name, src_site, base_config, work):
    """Copy + adjust the site, build it with Jekyll; return (site dir, jekyll output dir)."""
    site = os.path.join(work, name, "site")
    jout = os.path.join(work, name, "jekyll")
    if not os.path.isdir(site):
        copy_site(src_site, site)
    # Pass 1: learn the categories from Jekyll itself.
    write_config(site, base_config, [])
    with open(os.path.join(site, PROBE), "w", encoding="utf-8") as f:
        f.write(PROBE_PAGE)
    run_jekyll(site, jout)
    with open(os.path.join(jout, PROBE), encoding="utf-8") as f:
        categories = [c for c in json.load(f) if c is not None]
    os.remove(os.path.join(site, PROBE))
    # Pass 2: the real build, every category listed.
    write_config(site, base_config, categories)
    run_jekyll(site, jout)
    return site, jout, categories


def run_feedd(feedd, site, out):
    p = subprocess.run([feedd, "build", site, "-o", out], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0:
        raise Broken("%s build %s -o %s: exit %d\n%s" % (
            feedd, site, out, p.returncode, p.stdout.decode("utf-8", "replace")[-4000:]))


# --------------------------------------------------------------------------------------
# Comparison

STRIP_HTML = [re.compile(r"<script.*?</script>", re.S | re.I), re.compile(r"<!--.*?-->", re.S),
              re.compile(r"<style.*?</style>", re.S | re.I), re.compile(r"<.*?>", re.S)]
# Typographic characters smartify produces, mapped back to what the author typed.
UNSMART = [("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'"),
           ("\u2014", "---"), ("\u2013", "--"), ("\u2026", "..."),
           ("\u00ab", "<<"), ("\u00bb", ">>")]


def plain_text(detail):
    """The text of a feedparser *_detail: HTML (type html/xhtml) is reduced to its text."""
    if detail is None:
        return None
    v = detail.get("value", "")
    if detail.get("type", "text/plain") in ("text/html", "application/xhtml+xml"):
        for rx in STRIP_HTML:
            v = rx.sub("", v)
        v = html.unescape(v)
    return v


def title_key(text):
    """Normalise a title so that jekyll-feed's rewriting of it does not count as a difference.

    jekyll-feed prints `post.title | smartify | strip_html | normalize_whitespace`; feedd
    deliberately keeps the author's characters. So, on both sides: `<<`/`>>` become
    guillemets first (smartify does that before strip_html runs), tags are stripped the way
    Liquid's strip_html does (jekyll-feed drops `<反弹>` from `"科技股<反弹>"`), smartify's
    curly quotes, dashes and ellipsis go back to ASCII (kramdown's smartify also stops
    converting after a `<`, so mapping both sides to ASCII is the only stable comparison), and
    whitespace runs collapse to one space.
    """
    if text is None:
        return None
    t = text.replace("<<", "\u00ab").replace(">>", "\u00bb")
    for rx in STRIP_HTML:
        t = rx.sub("", t)
    for a, b in UNSMART:
        t = t.replace(a, b)
    return " ".join(t.split())


def instant(raw, parsed):
    """An aware datetime from an RFC 3339 string (feedparser's *_parsed as a fallback)."""
    if raw:
        try:
            d = dt.datetime.fromisoformat(raw.strip())
            if d.tzinfo is not None:
                return d
        except ValueError:
            pass
    if parsed:
        return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc)
    return None


def fmt_instant(d):
    return "-" if d is None else d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Feed:
    """What we compare of one Atom file."""

    def __init__(self, path):
        d = feedparser.parse(path)
        self.id = d.feed.get("id")
        self.self_links = sorted(l.get("href") for l in d.feed.get("links", [])
                                 if l.get("rel") == "self")
        self.entries = []            # document order
        for e in d.entries:
            alt = [l.get("href") for l in e.get("links", []) if l.get("rel", "alternate") == "alternate"]
            self.entries.append({
                "id": e.get("id"),
                "link": alt[0] if len(alt) == 1 else alt or None,
                "published": instant(e.get("published"), e.get("published_parsed")),
                "updated": instant(e.get("updated"), e.get("updated_parsed")),
                "terms": sorted({t.get("term") for t in e.get("tags", [])}),
                "title": plain_text(e.get("title_detail")),
                "raw_published": e.get("published"),
                "raw_updated": e.get("updated"),
            })
        self.by_id = {}
        self.dup_ids = []
        for e in self.entries:
            if e["id"] in self.by_id:
                self.dup_ids.append(e["id"])
            self.by_id[e["id"]] = e


def order_groups(feed):
    """Entry ids in order, as a list of (published instant, set of ids) runs."""
    groups = []
    for e in feed.entries:
        if groups and groups[-1][0] == e["published"]:
            groups[-1][1].add(e["id"])
        else:
            groups.append((e["published"], {e["id"]}))
    return groups


def order_error(feed):
    """None if the entries are in date-descending order, else a description of the first slip."""
    es = feed.entries
    for n, (a, b) in enumerate(zip(es, es[1:])):
        if a["published"] is None or b["published"] is None or a["published"] < b["published"]:
            return ("entries %d and %d are not in date-descending order: %s (published %s) "
                    "before %s (published %s)" % (n + 1, n + 2, a["id"], a["raw_published"],
                                                  b["id"], b["raw_published"]))
    return None


def compare_feed(rel, jpath, fpath):
    """Differences between jekyll's and feedd's version of one feed, as printable lines."""
    diffs = []
    if not os.path.isfile(fpath):
        return ["feedd wrote no %s" % rel]
    try:
        ET.parse(fpath)
    except ET.ParseError as e:
        return ["feedd's %s is not well-formed XML: %s" % (rel, e)]
    j, f = Feed(jpath), Feed(fpath)

    def diff(what, jv, fv):
        diffs.append("%s\n      jekyll: %r\n      feedd:  %r" % (what, jv, fv))

    if j.id != f.id:
        diff("feed <id>", j.id, f.id)
    if j.self_links != f.self_links:
        diff("feed rel=self link", j.self_links, f.self_links)
    for side, feed in (("feedd", f), ("jekyll", j)):
        if feed.dup_ids:
            diffs.append("%s repeats entry ids: %s" % (side, feed.dup_ids[:5]))
        if None in feed.by_id:
            diffs.append("%s has an entry without <id>" % side)
    jids, fids = set(j.by_id), set(f.by_id)
    for side, ids, feed in (("jekyll", jids - fids, j), ("feedd", fids - jids, f)):
        for i in sorted(ids, key=str):
            e = feed.by_id[i]
            diffs.append("entry only in %s: %s (published %s, title %r)"
                         % (side, i, e["raw_published"], e["title"]))
    for i in sorted(jids & fids, key=str):
        je, fe = j.by_id[i], f.by_id[i]
        for field in ("link", "published", "updated", "terms"):
            if (field == "terms" and str(i).endswith(SUPERSET_TERMS)
                    and set(je[field]) <= set(fe[field])):
                continue
            if je[field] != fe[field]:
                if field in ("published", "updated"):
                    diff("entry %s: %s (as UTC: jekyll %s, feedd %s)" % (
                        i, field, fmt_instant(je[field]), fmt_instant(fe[field])),
                        je["raw_" + field], fe["raw_" + field])
                else:
                    diff("entry %s: %s" % (i, field), je[field], fe[field])
        if title_key(je["title"]) != title_key(fe["title"]):
            diff("entry %s: title (normalised: %r vs %r)"
                 % (i, title_key(je["title"]), title_key(fe["title"])), je["title"], fe["title"])
    for side, feed in (("feedd", f), ("jekyll", j)):
        err = order_error(feed)
        if err:
            diffs.append("%s: %s" % (side, err))
    if jids == fids and not diffs:
        jg, fg = order_groups(j), order_groups(f)
        if jg != fg:
            for n, (a, b) in enumerate(zip(jg, fg)):
                if a != b:
                    diff("entry order differs at entry group %d (published, ids)" % n,
                         (fmt_instant(a[0]), sorted(a[1])), (fmt_instant(b[0]), sorted(b[1])))
                    break
    return diffs


def jekyll_feeds(jout):
    """Relative paths of every feed jekyll-feed wrote."""
    rels = ["feed.xml"] if os.path.isfile(os.path.join(jout, "feed.xml")) else []
    root = os.path.join(jout, "feed")
    for dirpath, _, files in os.walk(root):
        for n in files:
            if n.endswith(".xml"):
                rels.append(os.path.relpath(os.path.join(dirpath, n), jout))
    return sorted(rels)


def compare_site(name, jout, fout):
    rels = jekyll_feeds(jout)
    failed, entries = 0, 0
    for rel in rels:
        diffs = compare_feed(rel, os.path.join(jout, rel), os.path.join(fout, rel))
        entries += len(Feed(os.path.join(jout, rel)).entries)
        if diffs:
            failed += 1
            log("FAIL %s: %s (%d difference%s)" % (name, rel, len(diffs), "" if len(diffs) == 1 else "s"))
            for d in diffs[:MAX_REPORT]:
                log("  " + d)
            if len(diffs) > MAX_REPORT:
                log("  ... %d more" % (len(diffs) - MAX_REPORT))
    log("%s %s: %d feeds (%d category, %d tag), %d entries compared, %d feed%s differ"
        % ("ok  " if not failed else "FAIL", name, len(rels),
           sum(1 for r in rels if r.startswith("feed/") and not r.startswith("feed/by_tag/")),
           sum(1 for r in rels if r.startswith("feed/by_tag/")), entries, failed,
           "" if failed == 1 else "s"))
    return failed == 0


# --------------------------------------------------------------------------------------

def main():
    global feedparser
    keep = "--keep" in sys.argv[1:]
    if shutil.which("jekyll") is None:
        log("SKIP: jekyll is not installed (Debian: jekyll ruby-jekyll-feed)")
        return SKIP
    try:
        import feedparser
    except ImportError:
        log("FAIL: python3-feedparser is not installed (needed by this test; run with /usr/bin/python3)")
        return 1
    feedd = os.environ.get("FEEDD")
    if not feedd or not os.access(feedd, os.X_OK):
        log("FAIL: FEEDD must name the feedd binary (got %r)" % feedd)
        return 1
    feedd = os.path.abspath(feedd)
    top = source_root()
    sites = [s.strip() for s in os.environ.get("JEKYLL_COMPARE_SITES", "example,corpus,edge").split(",") if s.strip()]

    work = tempfile.mkdtemp(prefix="jekyll-compare.")
    ok = True
    try:
        example = example_site(top)
        with open(os.path.join(example, "_config.yml"), encoding="utf-8") as f:
            base_config = f.read()
        for name in sites:
            if name == "example":
                src = example
            elif name == "corpus":
                src = os.path.join(work, "corpus", "site")
                subprocess.run([sys.executable, gen_corpus_path(top)] + CORPUS_ARGS + [src], check=True)
            elif name == "edge":
                src = os.path.join(work, "edge", "site")
                for rel, text in EDGE_POSTS.items():
                    os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
                    with open(os.path.join(src, rel), "w", encoding="utf-8") as f:
                        f.write(text)
            else:
                raise Broken("unknown site %r in JEKYLL_COMPARE_SITES" % name)
            site, jout, _ = prepare_and_build(name, src, base_config, work)
            fout = os.path.join(work, name, "feedd")
            run_feedd(feedd, site, fout)
            ok = compare_site(name, jout, fout) and ok
    except Skip as e:
        log("SKIP: %s" % e)
        shutil.rmtree(work, ignore_errors=True)
        return SKIP
    except (Broken, subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        log("FAIL: %s" % e)
        ok = False
    if ok and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log("kept %s (<site>/site: adjusted site, <site>/jekyll: Jekyll's output, <site>/feedd: feedd's)" % work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
