#!/usr/bin/python3
"""jekyll-excludes: which files are posts, as Jekyll decides, measured.

tests/data/jekyll/excludes.tsv records, for small sites built by Jekyll 4.3.1 (README,
item 7), which post files Jekyll read: exclude: as prefixes and globs ('*' crossing '/'),
its default excludes anchored at the site root, include: letting hidden and underscore
names in, hidden, backup and underscore names skipped.  For each scenario this builds the
same files with feedd and checks that exactly the same posts are in the site feed, at the
same URLs.

Symbolic-link scenarios are checked against feedd's own rule instead (links are never
followed, so that nothing outside the site is ever read): no post through a link, and a
warning for a linked _posts folder.  A null exclude:, which stops Jekyll, is read as none.

Environment: FEEDD, top_srcdir.  Exit 0 pass, 1 fail.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from feeddtest import say

A = "{http://www.w3.org/2005/Atom}"


def unescape(field):
    return field.replace("\\n", "\n")


def main():
    feedd = os.environ.get("FEEDD")
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    rows = open(os.path.join(top, "tests", "data", "jekyll", "excludes.tsv"),
                encoding="utf-8").read().splitlines()
    head = rows[0].split("\t")
    scenarios = {}
    for line in rows[1:]:
        row = dict(zip(head, line.split("\t")))
        scenarios.setdefault((row["scenario"], row["safe"]), []).append(row)
    tmp = tempfile.mkdtemp(prefix="feedd-jekyll-excludes.")
    problems = []
    checked = 0
    for (name, safe), rows in sorted(scenarios.items()):
        config = unescape(rows[0]["config"])
        site = os.path.join(tmp, "%s-%s" % (name, safe))
        os.makedirs(os.path.join(site, "_posts"))
        links = []
        settings = []
        for line in config.splitlines():
            if line.startswith("symlinks:"):
                links = [l.split(" -> ") for l in line[len("symlinks: "):].split(", ")]
            elif not line.startswith("safe:"):
                settings.append(line)
        with open(os.path.join(site, "_config.yml"), "w") as f:
            f.write("url: https://ex.com\nfeed:\n  posts_limit: 1000\n" + "\n".join(settings) + "\n")
        if links:
            # feedd never follows links: whatever Jekyll did, nothing is read through them.
            os.makedirs(os.path.join(site, "real"), exist_ok=True)
            for src, dst in links:
                target = os.path.join(os.path.dirname(os.path.join(site, src)), dst)
                if dst.startswith("/"):
                    target = os.path.join(tmp, "outside-" + name)
                    os.makedirs(target, exist_ok=True)
                    if src.endswith(".md"):
                        target = os.path.join(target, "a.md")
                        open(target, "w").write("---\ntitle: OUTSIDE\n---\nsecret\n")
                    else:
                        open(os.path.join(target, "2022-07-02-out.md"), "w").write(
                            "---\ntitle: OUTSIDE\n---\nsecret\n")
                elif src.endswith(".md"):
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    open(target, "w").write("---\ntitle: LINKED\n---\nlinked\n")
                else:
                    os.makedirs(target, exist_ok=True)
                    open(os.path.join(target, "2022-07-03-linked.md"), "w").write(
                        "---\ntitle: LINKED\n---\nlinked\n")
                link = os.path.join(site, src)
                if os.path.isdir(link) and not os.path.islink(link):
                    shutil.rmtree(link)
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(target, link)
            want = set()
        else:
            want = {}
            for row in rows:
                path = os.path.join(site, row["path"])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write("---\ntitle: \"%s\"\n---\nbody\n" % row["path"])
                if row["read"] == "yes":
                    want[row["path"]] = row["url"]
        r = subprocess.run([feedd, "build", site, "-o", os.path.join(site, "out")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = r.stderr.decode("utf-8", "replace")
        if r.returncode != 0:
            problems.append("%s: feedd build exited %d: %s" % (name, r.returncode, err.strip()))
            continue
        got = {}
        for e in ET.parse(os.path.join(site, "out", "feed.xml")).getroot().findall(A + "entry"):
            link = e.find(A + "link").get("href")
            got[e.findtext(A + "title")] = link[len("https://ex.com"):]
        checked += 1
        if rows[0].get("messages", "").find("InvalidConfigurationError") >= 0:
            # exclude: with no value stops Jekyll; to feedd a null setting is unset.
            continue
        if links:
            if got:
                problems.append("%s (safe %s): read through a link: %s" % (name, safe, sorted(got)))
            if any(src == "_posts" for src, _ in links) and \
                    not re.search(r"_posts: a symbolic link", err):
                problems.append("%s: no warning for the linked _posts folder" % name)
            continue
        if set(got) != set(want):
            problems.append("%s: feedd read %s, Jekyll %s" % (
                name, sorted(set(got) - set(want)) or "no more", sorted(set(want) - set(got))
                or "no fewer"))
        for p, url in want.items():
            if p in got and got[p] != url:
                problems.append("%s: %s at %s, Jekyll %s" % (name, p, got[p], url))
    say("%d scenarios of excludes.tsv built" % checked)
    for p in problems:
        say("FAIL " + p)
    if problems:
        say("kept %s" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
