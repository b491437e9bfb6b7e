#!/usr/bin/python3
"""archive: RFC 5005 archived feeds (feedd.archive), through the real binary.

From every current document (Atom and RSS, every feed), the test walks the prev-archive
chain and checks that the documents together hold every post of the feed, each in exactly
one archive page (the current document may repeat the newest, as RFC 5005 allows); that
archive pages are fh:archive and link their current document; that a feed with no page is
fh:complete.  "Every post of the feed" is what a build without archives and with a huge
posts_limit lists.  Then, under `feedd watch`: new posts leave every archive page's bytes
and mtime alone; an edit and a removal of an old post rewrite only its own page; a month
emptied loses its page and the next newer page links past it; after each step the output
equals a fresh build and passes the validators.

Environment: FEEDD, top_srcdir.  Exit 0 pass, 1 fail, 77 skip.  Options: --keep.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from feeddtest import (SLOW, Case, Fail, feed_problems, inotify_available, say, wait_until,
                       write)

SKIP = 77
A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
CONFIG = """\
title: Archive
url: https://archive.example.org
timezone: Asia/Shanghai
feedd:
  debounce_ms: 20
  discovery: false
"""


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def post(title, date, cats, body="Body."):
    return "---\ntitle: \"%s\"\ndate: %s\ncategories: [%s]\n---\n\n%s\n" % (
        title, date, cats, body)


def local(out, url):
    """The file in out a feed URL names."""
    prefix = "https://archive.example.org/"
    expect(url.startswith(prefix), "a link outside the site: %s" % url)
    return os.path.join(out, url[len(prefix):])


def doc(path):
    """(ids, links {rel: href}, marks {archive, complete}) of an Atom or RSS file."""
    root = ET.parse(path).getroot()
    if root.tag == A + "feed":
        ids = [e.findtext(A + "id") for e in root.findall(A + "entry")]
        links = {l.get("rel"): l.get("href") for l in root.findall(A + "link")}
        top = root
    else:
        top = root.find("channel")
        ids = [i.findtext("guid") for i in top.findall("item")]
        links = {l.get("rel"): l.get("href") for l in top.findall(A + "link")}
    marks = {m for m in ("archive", "complete") if top.find(FH + m) is not None}
    return ids, links, marks


def walk(out, current):
    """The chain from a current document: [(path, ids, links, marks)], current first."""
    chain = [(current,) + doc(current)]
    seen = {current}
    while "prev-archive" in chain[-1][2]:
        path = local(out, chain[-1][2]["prev-archive"])
        expect(path not in seen, "a prev-archive loop at %s" % path)
        expect(os.path.exists(path), "prev-archive %s does not exist" % path)
        seen.add(path)
        chain.append((path,) + doc(path))
    return chain


def out_files(out):
    """Output-relative paths of the files feedd wrote (its own state aside)."""
    return sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out)
                  for f in fs if not os.path.relpath(d, out).startswith(".feedd"))


def current_docs(out):
    return [os.path.join(out, r) for r in out_files(out)
            if r.endswith((".xml", ".rss")) and "/archive/" not in "/" + r]


def check_chains(c, site, out):
    """Every feed's chain holds exactly its posts; returns the number of archive pages."""
    every = c.path("every")
    shutil.rmtree(every, ignore_errors=True)
    rc, err = c.run("build", site, "-o", every, "-q", "-c", c.path("every.yml"))
    expect(rc == 0, "the build without archives exited %d: %s" % (rc, err))
    pages = 0
    for cur in current_docs(out):
        rel = os.path.relpath(cur, out)
        want = doc(os.path.join(every, rel))[0]
        chain = walk(out, cur)
        ids, links, marks = chain[0][1:]
        expect("archive" not in marks, "%s: a current document marked fh:archive" % rel)
        expect(("complete" in marks) == (len(chain) == 1),
               "%s: fh:complete %s with %d archive pages" % (rel, "complete" in marks,
                                                             len(chain) - 1))
        in_pages = []
        for path, pids, plinks, pmarks in chain[1:]:
            expect("archive" in pmarks, "%s: an archive page without fh:archive" % path)
            expect(plinks.get("current") and local(out, plinks["current"]) == cur,
                   "%s: links current %r, not %s" % (path, plinks.get("current"), rel))
            in_pages += pids
        expect(len(in_pages) == len(set(in_pages)),
               "%s: a post in two archive pages" % rel)
        expect(set(ids) | set(in_pages) == set(want) and len(ids) == len(set(ids)),
               "%s: the chain holds %d posts, the feed %d (missing %s, extra %s)"
               % (rel, len(set(ids) | set(in_pages)), len(want),
                  sorted(set(want) - set(ids) - set(in_pages))[:3],
                  sorted(set(ids) | set(in_pages) - set(want))[:3]))
        pages += len(chain) - 1
    return pages


def page_stamps(out):
    """{archive page: (bytes, mtime_ns)}."""
    res = {}
    for r in out_files(out):
        if "/archive/" in "/" + r:
            p = os.path.join(out, r)
            res[r] = (open(p, "rb").read(), os.stat(p).st_mtime_ns)
    return res


def changed(before, after):
    """Pages that existed before and were rewritten or removed (new pages aside)."""
    return sorted(k for k in before if before[k] != after.get(k))


def main():
    feedd = os.environ.get("FEEDD")
    if not feedd:
        say("FAIL: FEEDD is not set")
        return 1
    feedd = os.path.abspath(feedd)
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    rng = os.path.join(top, "tests", "data", "atom.rng")
    why = inotify_available()
    if why:
        say("SKIP: inotify unavailable: %s" % why)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="feedd-archive.")
    c = Case(feedd, tmp, "archive")
    try:
        posts = {}
        # Four months of posts in two categories, March having one post only.
        for m, days in ((1, range(1, 29, 3)), (2, range(1, 28, 4)), (3, [15]),
                        (4, range(1, 20, 2))):
            for d in days:
                cat = "alpha" if d % 2 else "beta"
                posts["2024-%02d-%02d-p%d-%d.md" % (m, d, m, d)] = post(
                    "P %d-%d" % (m, d), "2024-%02d-%02d 10:00:00 +0800" % (m, d), cat)
        site = c.site("site", CONFIG, posts)
        conf = c.path("archive.yml")
        write(conf, "feedd:\n  archive: monthly\n")
        write(c.path("every.yml"), "feed:\n  posts_limit: 100000\n")
        out = c.path("out")
        rc, err = c.run("build", site, "-o", out, "-c", conf, "-q")
        expect(rc == 0, "build exited %d: %s" % (rc, err))
        pages = check_chains(c, site, out)
        expect(pages > 0, "no archive page written")
        problems = feed_problems(out, rng)
        expect(not problems, "invalid documents: %s" % problems[:3])
        say("ok   build: %d current documents, %d archive pages, every post once"
            % (len(current_docs(out)), pages))

        d = c.daemon(site, out, "-c", conf)
        posts_dir = os.path.join(site, "_posts")

        def step(what, change, allowed):
            before = page_stamps(out)
            off = d.size()
            change()
            d.wait_log(r"posts changed", "the daemon's flush after " + what, offset=off,
                       timeout=SLOW)
            c.converge(d, out, site, "-c", conf, what="after " + what)
            after = page_stamps(out)
            diff = changed(before, after)
            expect(all(re.search(allowed, p) for p in diff) if allowed else not diff,
                   "%s changed archive pages %s" % (what, diff))
            new = sorted(set(after) - set(before))
            check_chains(c, site, out)
            problems = feed_problems(out, rng)
            expect(not problems, "after %s: invalid documents: %s" % (what, problems[:3]))
            say("ok   %s: pages rewritten or removed: %s; new: %s"
                % (what, ", ".join(diff) or "none", ", ".join(new) or "none"))

        step("three new posts", lambda: [write(os.path.join(
            posts_dir, "2024-04-%02d-new%d.md" % (25 + i, i)), post(
                "New %d" % i, "2024-04-%02d 10:00:00 +0800" % (25 + i), "alpha"))
            for i in range(3)], None)
        step("an old post edited", lambda: write(os.path.join(
            posts_dir, "2024-02-05-p2-5.md"), post("Edited", "2024-02-05 10:00:00 +0800",
                                                   "alpha")), r"/archive/2024-02\.")
        step("an old post removed", lambda: os.unlink(os.path.join(
            posts_dir, "2024-01-04-p1-4.md")), r"/archive/2024-01\.")
        # March's only post goes: its pages go; the current documents link past it.
        step("a month emptied", lambda: os.unlink(os.path.join(
            posts_dir, "2024-03-15-p3-15.md")), r"/archive/2024-03\.")
        expect(not any("2024-03" in p for p in page_stamps(out)),
               "March's pages remain: %s" % [p for p in page_stamps(out) if "2024-03" in p])
        step("a post in a new month", lambda: write(os.path.join(
            posts_dir, "2024-05-02-may.md"), post("May", "2024-05-02 10:00:00 +0800",
                                                  "beta")), None)
        expect(d.stop() == 0, "the daemon did not stop cleanly")
    except Fail as e:
        say("FAIL %s" % e)
        say("kept %s" % tmp)
        c.close()
        return 1
    c.close()
    if "--keep" in sys.argv:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
