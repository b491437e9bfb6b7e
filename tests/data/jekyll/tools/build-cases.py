#!/usr/bin/python3
"""build-cases: build case folders with real Jekyll and write their expected.json.

    build-cases.py CASEDIR...      (e.g. tests/data/jekyll/defaults-cases/*)

Each CASEDIR is a tiny site (no _site in it). It is copied to a temporary directory
(expected.json, expected-content/, build.txt are not copied), built with
    cd COPY && jekyll build --disable-disk-cache -s COPY -d COPY/_site
(env JEKYLL_ENV=production JEKYLL_NO_BUNDLER_REQUIRE=true LC_ALL=C.UTF-8), and the results go
back into CASEDIR:
    expected.json   jekyll-feed's feed.xml as JSON (format: see jkfeed.py), plus
                    "build": {"exit": N, "messages": [Jekyll's non-routine output lines]};
                    if the build failed or wrote no feed.xml: only "build" (and "feed": null)
    expected-content/NNN.html + index.json   every entry's <content> (if --content)
    pages/...       with --pages GLOB[,GLOB]: copies of those files of _site (rendered pages)
"""
import fnmatch
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jkfeed  # noqa: E402

SKIP = {"expected.json", "expected-content", "build.txt", "pages", "_site", ".jekyll-cache"}
STD = re.compile(r"^\s*(Configuration file:|Source:|Destination:|Incremental build:|Generating\.\.\.|"
                 r"done in |Auto-regeneration:|Jekyll Feed: Generating feed for posts)")
TRACE = re.compile(r"\.rb:\d+:in |^from |^-+$|Please append `--trace`|for any additional information|^\^+$")


def feed_path(site):
    """jekyll-feed's output path: feed.path from _config.yml, else feed.xml."""
    try:
        import yaml
        with open(os.path.join(site, "_config.yml"), encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        p = (cfg.get("feed") or {}).get("path")
        if isinstance(p, str) and p:
            return p.lstrip("/")
    except Exception:
        pass
    return "feed.xml"


def build(case, content=False, pages=None):
    tmp = tempfile.mkdtemp(prefix="jkcase.")
    site = os.path.join(tmp, "site")
    shutil.copytree(case, site, symlinks=True, ignore=lambda d, names: [n for n in names if n in SKIP])
    rc, out, dest = jkfeed.run_jekyll(site)
    out = re.sub(r"\x1b\[[0-9;]*m", "", out).replace(site, "SITE")
    msgs = [l.strip() for l in out.splitlines()
            if l.strip() and not STD.match(l) and not TRACE.search(l.strip())]
    msgs = [m for n, m in enumerate(msgs) if n == 0 or msgs[n - 1] != m]
    # A missing layout does not change a feed; the real sites' layouts are not copied.
    nolayout = [m for m in msgs if re.match(r"Build Warning: Layout '.*' requested in .* does not exist\.$", m)]
    msgs = [m for m in msgs if m not in nolayout]
    if nolayout:
        msgs.append("(%d 'Build Warning: Layout ... does not exist.' lines left out)" % len(nolayout))
    fx = os.path.join(dest, feed_path(site))
    contents = [] if content else None
    if rc == 0 and os.path.isfile(fx):
        data = jkfeed.extract(fx, contents)
    else:
        data = {"feed": None, "entries": []}
    data["build"] = {"exit": rc, "messages": msgs}
    with open(os.path.join(case, "expected.json"), "w", encoding="utf-8") as f:
        jkfeed.dump(data, f)
    cdir = os.path.join(case, "expected-content")
    shutil.rmtree(cdir, ignore_errors=True)
    if contents:
        os.makedirs(cdir)
        index = {}
        for n, (i, c) in enumerate(contents, 1):
            name = "%03d.html" % n
            with open(os.path.join(cdir, name), "w", encoding="utf-8") as f:
                f.write(c or "")
            index[i] = name
        with open(os.path.join(cdir, "index.json"), "w", encoding="utf-8") as f:
            jkfeed.dump(index, f)
    pdir = os.path.join(case, "pages")
    shutil.rmtree(pdir, ignore_errors=True)
    if pages and os.path.isdir(dest):
        for dp, _, fs in os.walk(dest):
            for n in fs:
                rel = os.path.relpath(os.path.join(dp, n), dest)
                if any(fnmatch.fnmatch(rel, g) for g in pages):
                    os.makedirs(os.path.dirname(os.path.join(pdir, rel)), exist_ok=True)
                    shutil.copy(os.path.join(dp, n), os.path.join(pdir, rel))
    shutil.rmtree(tmp)
    return rc, msgs, data


def main(argv):
    content, pages, cases = False, None, []
    while argv:
        a = argv.pop(0)
        if a == "--content":
            content = True
        elif a == "--pages":
            pages = argv.pop(0).split(",")
        else:
            cases.append(a)
    for c in cases:
        rc, msgs, data = build(c, content, pages)
        print("%s: exit %d, %d entries%s" % (c, rc, len(data["entries"]),
                                             "".join("\n    " + m for m in msgs)), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
