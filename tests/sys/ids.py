#!/usr/bin/python3
"""ids: a post never shows up twice in a reader.  Entry ids survive renames (in watch mode,
and after a restart), permalink changes and feed_id:, and builds and the daemon on one
output folder agree on them.

Cases, each through the real binary:
  feed-id      feed_id: overrides the id; a relative one, or one in defaults:, is refused
               with a warning naming the file and line
  rename       mv of a post file keeps its id; so do delete + create with the same bytes, a
               move into a new category folder, and a permalink edited in one post; after a
               restart and in a build into the same output folder the ids stay
  site-wide    a site-wide permalink change while the daemon runs keeps every id
  keep-ids     `feedd build --keep-ids` before a permalink change, then `feedd build`
  forget       a deleted post's kept id is forgotten; a build into an empty folder uses
               the computed ids (jekyll-feed's); a torn .feedd/ids is ignored with one warning

Environment: FEEDD (the binary).  Exit 0 pass, 1 fail, 77 skip (no inotify).  Options:
--keep (keep the temporary folder), --only NAME,NAME.
"""

import os
import sys

from feeddtest import IDS, SLOW, Fail, kept_ids, run_cases, wait_until, write

CONFIG = """\
title: Ids
url: https://ids.example.org
permalink: /:categories/:year/:title/
feedd:
  debounce_ms: 20
"""


def post(title, cats="news", extra=""):
    return "---\ntitle: %s\ndate: 2024-05-0%d 10:00:00 +0800\ncategories: %s\n%s---\n\n" \
        "Body of %s.\n" % (title, len(title) % 9 + 1, cats, extra, title)


POSTS = {
    "2024-05-01-alpha.md": post("Alpha"),
    "2024-05-02-beta.md": post("Beta"),
    "2024-05-03-gamma.md": post("Gamma", "sport"),
}


def ids_by_title(out, rel="feed.xml"):
    """{title: [ids]} of an Atom feed (a title twice means a reader sees it twice)."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415
    a = "{http://www.w3.org/2005/Atom}"
    res = {}
    for e in ET.parse(os.path.join(out, rel)).getroot().findall(a + "entry"):
        res.setdefault(e.findtext(a + "title"), []).append(e.findtext(a + "id"))
    return res


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def case_feed_id(c):
    site = c.site("site", CONFIG + "defaults:\n  - scope: {path: \"_posts/2024-05-03*\"}\n"
                  "    values: {feed_id: \"tag:ids.example.org,2024:same\"}\n", dict(POSTS, **{
                      "2024-05-01-alpha.md": post("Alpha", extra="feed_id: "
                                                  "\"tag:ids.example.org,2024:alpha\"\n"),
                      "2024-05-02-beta.md": post("Beta", extra="feed_id: 343\n")}))
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    expect(rc == 0, "build exited %d: %s" % (rc, err))
    got = ids_by_title(out)
    expect(got["Alpha"] == ["tag:ids.example.org,2024:alpha"], "feed_id not used: %r" % got)
    expect(got["Beta"] == ["https://ids.example.org/news/2024/beta"],
           "a relative feed_id replaced the id: %r" % got)
    expect("2024-05-02-beta.md:5: feed_id is not an absolute IRI" in err,
           "no warning naming the file and line for feed_id: 343: %s" % err)
    expect(got["Gamma"] == ["https://ids.example.org/sport/2024/gamma"],
           "a feed_id from defaults was used: %r" % got)
    expect("feed_id in defaults" in err, "no warning for feed_id in defaults: %s" % err)
    expect(kept_ids(out) is None, "a build with feed_id wrote %s" % IDS)


def case_rename(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    d = c.daemon(site, out)
    before = ids_by_title(out)
    posts = os.path.join(site, "_posts")

    def same_ids(what, title, link):
        """Once title's link holds link (the change is seen), every post is in the feed
        once, with the id it had."""
        wait_until(lambda: any(t == title and link in l for t, l in atom_links(out)),
                   "%s linked to ...%s... after %s" % (title, link, what), timeout=SLOW,
                   alive=d.alive, detail=lambda: atom_links(out))
        expect(ids_by_title(out) == before, "ids changed after %s: %r -> %r"
               % (what, before, ids_by_title(out)))
        c.converge(d, out, site, what="after " + what)

    # mv: the same inode
    os.rename(os.path.join(posts, "2024-05-01-alpha.md"),
              os.path.join(posts, "2024-05-01-alpha-renamed.md"))
    same_ids("mv of a post file", "Alpha", "/alpha-renamed/")
    # delete + create with the same bytes (a checkout or rsync of a rename)
    src = os.path.join(posts, "2024-05-02-beta.md")
    data = open(src, "rb").read()
    with open(os.path.join(posts, "2024-05-02-beta-two.md"), "wb") as f:
        f.write(data)
    os.unlink(src)
    same_ids("a copy under another name and the original deleted", "Beta", "/beta-two/")
    # into a category folder made for it
    os.makedirs(os.path.join(site, "world", "_posts"))
    os.rename(os.path.join(posts, "2024-05-03-gamma.md"),
              os.path.join(site, "world", "_posts", "2024-05-03-gamma.md"))
    same_ids("a move into a new category folder", "Gamma", "/world/")
    # a permalink edited in one post
    p = os.path.join(posts, "2024-05-01-alpha-renamed.md")
    write(p, post("Alpha", extra="permalink: /elsewhere/alpha/\n"))
    same_ids("a permalink edited in the post", "Alpha", "/elsewhere/alpha/")
    expect(d.stop() == 0, "the daemon did not exit 0")
    # a build into the same output folder, and a restart, agree
    rc, err = c.run("build", site, "-o", out, "-q")
    expect(rc == 0 and ids_by_title(out) == before,
           "a build into the same folder changed ids: %r" % ids_by_title(out))
    d = c.daemon(site, out)
    expect(ids_by_title(out) == before, "a restart changed ids: %r" % ids_by_title(out))
    os.rename(os.path.join(posts, "2024-05-02-beta-two.md"),
              os.path.join(posts, "2024-05-02-beta-three.md"))
    same_ids("a rename after the restart", "Beta", "/beta-three/")
    d.stop()


def atom_links(out, rel="feed.xml"):
    import xml.etree.ElementTree as ET  # noqa: PLC0415
    a = "{http://www.w3.org/2005/Atom}"
    return [(e.findtext(a + "title"), e.find(a + "link").get("href"))
            for e in ET.parse(os.path.join(out, rel)).getroot().findall(a + "entry")]


def case_site_wide(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    d = c.daemon(site, out)
    before = ids_by_title(out)
    off = d.size()
    write(os.path.join(site, "_config.yml"), CONFIG.replace("/:categories/:year/:title/",
                                                            "/:year/:month/:day/:title.html"))
    d.wait_log(r"0 renamed posts and 3 with a new URL keep their entry ids",
               "the reload keeping three ids", offset=off, timeout=SLOW)
    wait_until(lambda: all(l.endswith(".html") for _, l in atom_links(out)),
               "links following the new permalink", timeout=SLOW, alive=d.alive)
    expect(ids_by_title(out) == before, "a site-wide permalink change changed ids: %r -> %r"
           % (before, ids_by_title(out)))
    c.converge(d, out, site, what="after the permalink change")
    d.stop()


def case_keep_ids(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out, "--keep-ids", "-q")
    expect(rc == 0, "build --keep-ids exited %d: %s" % (rc, err))
    before = ids_by_title(out)
    expect(kept_ids(out) is not None, "--keep-ids wrote no %s" % IDS)
    write(os.path.join(site, "_config.yml"), CONFIG.replace("/:categories/:year/:title/",
                                                            "/blog/:title/"))
    rc, err = c.run("build", site, "-o", out, "-q")
    expect(rc == 0 and ids_by_title(out) == before,
           "ids changed after --keep-ids and a permalink change: %r" % ids_by_title(out))
    expect(all("/blog/" in l for _, l in atom_links(out)), "links did not change")


def case_forget(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    d = c.daemon(site, out)
    posts = os.path.join(site, "_posts")
    os.rename(os.path.join(posts, "2024-05-01-alpha.md"),
              os.path.join(posts, "2024-05-01-alpha-2.md"))
    wait_until(lambda: kept_ids(out) is not None and b"alpha-2" in kept_ids(out),
               "the renamed post's id kept in %s" % IDS, timeout=SLOW, alive=d.alive)
    os.unlink(os.path.join(posts, "2024-05-01-alpha-2.md"))
    wait_until(lambda: b"alpha" not in (kept_ids(out) or b""),
               "the deleted post's kept id forgotten", timeout=SLOW, alive=d.alive)
    d.stop()
    # an empty folder: jekyll-feed's ids
    fresh = c.path("fresh")
    rc, _ = c.run("build", site, "-o", fresh, "-q")
    expect(rc == 0 and kept_ids(fresh) is None, "a build into an empty folder kept ids")
    expect(ids_by_title(fresh)["Beta"] == ["https://ids.example.org/news/2024/beta"],
           "not jekyll-feed's id: %r" % ids_by_title(fresh))
    # a torn file: one warning, computed ids
    os.rename(os.path.join(posts, "2024-05-02-beta.md"), os.path.join(posts, "2024-05-02-b.md"))
    write(os.path.join(out, IDS), "feedd ids 1\n_posts/2024-05-02-b.md\thttps://x/torn\n")
    rc, err = c.run("build", site, "-o", out)
    expect(rc == 0 and err.count("/.feedd/ids is") == 1,
           "a torn ids file was not reported once: %s" % err)
    expect("https://x/torn" not in str(ids_by_title(out)), "a torn ids file was trusted")


CASES = [("feed-id", case_feed_id), ("rename", case_rename), ("site-wide", case_site_wide),
         ("keep-ids", case_keep_ids), ("forget", case_forget)]


def main():
    return run_cases("ids", CASES)


if __name__ == "__main__":
    sys.exit(main())
