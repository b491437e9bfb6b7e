#!/usr/bin/python3
"""measure-excludes: which posts Jekyll reads under exclude:/include:/safe and symlinks.

    measure-excludes.py OUTDIR     -> OUTDIR/excludes.tsv

Each scenario is a site in /tmp/jd/excl/NAME: _config.yml = url: https://ex.com /
timezone: UTC / plugins: [jekyll-feed] / whitelist: [jekyll-feed] / feed: posts_limit:
10000 + the scenario's lines; posts are "---\\ntitle: PATH\\n---\\nx\\n" at the paths listed
(or symlinks).  A post counts as read when an entry whose title is its path is in feed.xml (symlink
scenarios: every entry is listed with its title = the path of the file the link points to).
"""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jkfeed  # noqa: E402

ROOT = "/tmp/jd/excl"
BASECFG = ("url: https://ex.com\ntimezone: UTC\nplugins: [jekyll-feed]\nwhitelist: [jekyll-feed]\n"
           "feed:\n  posts_limit: 10000\n")

DEFAULT_POSTS = [
    "_posts/2022-01-01-top.md",
    "node_modules/_posts/2022-01-02-nm.md",
    "sub/node_modules/_posts/2022-01-03-subnm.md",
    "node_modules2/_posts/2022-01-04-nm2.md",
    "vendor/bundle/_posts/2022-01-05-vb.md",
    "vendor/other/_posts/2022-01-06-vo.md",
    "gemfiles/_posts/2022-01-07-gf.md",
    ".hidden/_posts/2022-01-08-dot.md",
    "_private/_posts/2022-01-09-under.md",
    "#hash/_posts/2022-01-10-hash.md",
    "tilde~/_posts/2022-01-11-tilde.md",
    "_posts/.2022-01-12-dotfile.md",
    "_posts/_2022-01-13-underfile.md",
    "_posts/2022-01-14-backup.md~",
    "_posts/#2022-01-15-hashfile.md",
    "_posts/2022-01-16-trailingdot.",
]

SCENARIOS = [
    ("defaults-no-exclude-key", "", DEFAULT_POSTS, []),
    ("defaults-with-own-exclude", "exclude: [unrelated]\n", DEFAULT_POSTS, []),
    ("exclude-null", "exclude:\n", DEFAULT_POSTS, []),
    ("exclude-empty-list", "exclude: []\n", DEFAULT_POSTS, []),
    ("include-node-modules", "include: [node_modules, .hidden, _2022-01-13-underfile.md, .2022-01-12-dotfile.md]\n",
     DEFAULT_POSTS, []),
    ("prefix", "exclude: [news]\n",
     ["news/_posts/2022-02-01-n.md", "newsletter/_posts/2022-02-02-nl.md", "news2/_posts/2022-02-03-n2.md",
      "x/news/_posts/2022-02-04-xn.md", "_posts/2022-02-05-top.md"], []),
    ("prefix-slash", "exclude: [news/]\n",
     ["news/_posts/2022-02-01-n.md", "newsletter/_posts/2022-02-02-nl.md", "_posts/2022-02-05-top.md"], []),
    ("leading-slash", "exclude: [/news]\n",
     ["news/_posts/2022-02-01-n.md", "_posts/2022-02-05-top.md"], []),
    ("file-path", "exclude: [_posts/2022-03-01-a.md, 2022-03-02-b.md]\n",
     ["_posts/2022-03-01-a.md", "_posts/2022-03-02-b.md", "_posts/2022-03-03-c.md"], []),
    ("post-prefix", "exclude: [_posts/2022-03-0]\n",
     ["_posts/2022-03-01-a.md", "_posts/2022-03-12-b.md"], []),
    ("glob-star", "exclude: [\"_posts/*draft*\", \"*.markdown\"]\n",
     ["_posts/2022-04-01-draft-a.md", "_posts/sub/2022-04-02-draft-b.md", "_posts/2022-04-03-ok.md",
      "_posts/2022-04-04-mk.markdown", "blog/_posts/2022-04-05-bmk.markdown"], []),
    ("glob-doublestar", "exclude: [\"**/old\", \"*/archive\"]\n",
     ["old/_posts/2022-05-01-o.md", "a/old/_posts/2022-05-02-ao.md", "a/b/old/_posts/2022-05-03-abo.md",
      "archive/_posts/2022-05-04-ar.md", "a/archive/_posts/2022-05-05-aar.md",
      "a/b/archive/_posts/2022-05-06-abar.md"], []),
    ("glob-question-brackets", "exclude: [\"_posts/2022-06-0?-q*\", \"_posts/2022-06-1[0-4]-*\"]\n",
     ["_posts/2022-06-01-qa.md", "_posts/2022-06-11-b.md", "_posts/2022-06-15-c.md"], []),
    ("exclude-and-include", "exclude: [news]\ninclude: [news]\n",
     ["news/_posts/2022-02-01-n.md"], []),
    ("exclude-posts-dir", "exclude: [_posts]\n",
     ["_posts/2022-02-01-p.md", "news/_posts/2022-02-02-n.md"], []),
]

# Symlink scenarios: (name, config, real files, symlinks {link: target})
LINKS = [
    ("posts-dir-symlink-inside", ["real/2022-07-01-a.md"], {"_posts": "real"}),
    ("post-file-symlink-inside", ["stuff/a.md", "_posts/2022-07-02-real.md"],
     {"_posts/2022-07-01-linked.md": "../stuff/a.md"}),
    ("post-file-symlink-outside", ["_posts/2022-07-02-real.md"],
     {"_posts/2022-07-01-outside.md": "/tmp/jd/excl-outside/a.md"}),
    ("posts-subdir-symlink-inside", ["more/2022-07-03-m.md", "_posts/2022-07-02-real.md"],
     {"_posts/linked": "../more"}),
    ("category-dir-symlink-inside", ["realcat/_posts/2022-07-04-c.md", "_posts/2022-07-02-real.md"],
     {"cat": "realcat"}),
    ("posts-dir-symlink-outside", [], {"_posts": "/tmp/jd/excl-outside/posts"}),
]


def write_post(site, rel, title=None):
    p = os.path.join(site, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write("---\ntitle: \"%s\"\n---\nx\n" % (title or rel))


def run(name, cfg, site):
    rc, out, dest = jkfeed.run_jekyll(site)
    out = re.sub(r"\x1b\[[0-9;]*m", "", out).replace(site, "SITE")
    msgs = [l.strip() for l in out.splitlines()
            if re.search(r"(?i)warn|error|skip|symlink", l) and (not re.search(r"\.rb:\d+:in ", l)
                                                                   or "Jekyll::Errors" in l)]
    titles = {}
    fx = os.path.join(dest, "feed.xml")
    if rc == 0 and os.path.isfile(fx):
        for e in jkfeed.extract(fx)["entries"]:
            titles.setdefault(e["title"], []).append(e["link"].replace("https://ex.com", ""))
    return rc, msgs, titles


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    rows = ["scenario\tsafe\tconfig\tpath\tread\turl\tmessages"]
    shutil.rmtree(ROOT, ignore_errors=True)
    for name, cfg, posts, _ in SCENARIOS:
        site = os.path.join(ROOT, name)
        os.makedirs(site)
        with open(os.path.join(site, "_config.yml"), "w") as f:
            f.write(BASECFG + cfg)
        for p in posts:
            write_post(site, p)
        rc, msgs, titles = run(name, cfg, site)
        for p in posts:
            rows.append("\t".join([name, "false", esc(cfg), esc(p), "yes" if p in titles else "no",
                                   " ".join(titles.get(p, ["-"])), esc(" | ".join(msgs)) if rc else ""]))
        print(name, rc, sorted(titles), flush=True)
    shutil.rmtree("/tmp/jd/excl-outside", ignore_errors=True)
    write_post("/tmp/jd/excl-outside", "a.md", "outside target")
    write_post("/tmp/jd/excl-outside", "posts/2022-07-05-out.md", "posts/2022-07-05-out.md")
    for name, files, links in LINKS:
        for safe in (False, True):
            site = os.path.join(ROOT, name + ("-safe" if safe else ""))
            os.makedirs(site)
            cfg = "safe: true\n" if safe else ""
            with open(os.path.join(site, "_config.yml"), "w") as f:
                f.write(BASECFG + cfg)
            for p in files:
                write_post(site, p)
            for l, t in links.items():
                os.makedirs(os.path.dirname(os.path.join(site, l)), exist_ok=True)
                os.symlink(t, os.path.join(site, l))
            rc, msgs, titles = run(name, cfg, site)
            desc = "; ".join("%s -> %s" % kv for kv in links.items())
            got = sorted((t, u) for t, us in titles.items() for u in us)
            for t, url in got or [("(no entries)", "-")]:
                rows.append("\t".join([name, str(safe).lower(), esc(cfg + "symlinks: " + desc),
                                       esc("entry titled " + t), "yes" if url != "-" else "no", url,
                                       esc(" | ".join(msgs))]))
            print(name, safe, rc, titles, msgs, flush=True)
    with open(os.path.join(out, "excludes.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
