#!/usr/bin/python3
"""pindex: the persistent post index (.feedd/posts) spares unchanged posts a read, and never
gives back a stale one.  Every case checks the output against a fresh build into an empty
folder, and counts the posts read from feedd's debug line "read N post files (M unchanged".

Cases, each through the real binary:
  unchanged    a build, then a build with nothing changed reads no post (none opened: strace
               when installed), replays every warning, and writes nothing; a post edited
               while feedd was stopped, to the same size, is read again, alone
  recent       a post changed in the same second as the index was written, on a file system
               whose clock stamps whole seconds (a loop-mounted ext4 with 128-byte inodes;
               needs root): read again, never taken from the index
  config       a change of _config.yml, of the -c file, of -u, or of _data: every post read
               again (and the new author name from _data shows)
  damaged      a torn .feedd/posts and one of another format version: one warning each, every
               post read, the output right, the index written anew
  device       the same site copied (same times) onto another file system at the same path
               (a tmpfs; needs root): every post read again
  daemon       a stopped daemon saves the index; a post edited while it was stopped is the
               only one its next start reads; a start with nothing changed reads none
  feeds        the feeds' signatures (.feedd/feeds) never keep a wrong file: a feed edited
               behind feedd's back (same size, its mtime put back) is written again, and a
               post whose Liquid includes a file shows that file's change

Environment: FEEDD (the binary).  Exit 0 pass, 1 fail, 77 skip (no inotify).  Options:
--keep (keep the temporary folder), --only NAME,NAME.
"""

import os
import re
import shutil
import subprocess
import sys
import time

from feeddtest import PINDEX, Case, Fail, read_tree, run_cases, say, tree_diff, write

CONFIG = """\
title: Index
url: https://index.example.org
timezone: Asia/Shanghai
"""
READ = re.compile(r"read (\d+) post files \((\d+) unchanged since")
SETTLE = 2.2   # seconds after which a file's time stamps tell its later changes (POST_SETTLE_NS)


def post(title, cat, day, extra=""):
    return "---\ntitle: %s\ndate: 2024-03-%02d 10:00:00 +0800\ncategories: %s\nauthor: ann\n" \
        "%s---\n\nBody of %s.\n" % (title, day, cat, extra, title)


POSTS = {
    "2024-03-01-alpha.md": post("Alpha", "news", 1),
    "2024-03-02-beta.md": post("Beta", "news", 2, "tags: [x, y]\n"),
    "2024-03-03-gamma.md": post("Gamma", "sport", 3),
    "2024-03-04-draft.md": post("Draft", "news", 4, "published: false\n"),
    "2024-03-05-bad.md": "---\ntitle: [unclosed\n---\nBody\n",
    "2024-03-06-warn.md": post("Warn", "news", 6, "lang: not a tag!\n"),
}
NPOSTS = len(POSTS)


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def settle(site):
    """Wait until every file of site is SETTLE seconds old (by its ctime)."""
    newest = max(os.lstat(os.path.join(d, f)).st_ctime
                 for d, _, fs in os.walk(site) for f in fs)
    while time.time() < newest + SETTLE:
        time.sleep(0.05)


def build(c, site, out, *extra):
    """feedd build -v: (posts read, posts taken unchanged, warnings, stderr)."""
    rc, err = c.run("build", site, "-o", out, "-v", *extra)
    expect(rc == 0, "feedd build exited %d: %s" % (rc, err[-400:]))
    m = READ.search(err)
    expect(m is not None, "no \"read N post files\" line: %s" % err[-400:])
    warnings = sorted(l for l in err.splitlines() if "warning:" in l)
    return int(m.group(1)), int(m.group(2)), warnings, err


def same_as_fresh(c, site, out, *extra):
    want = c.fresh(site, *extra)
    d = tree_diff(out, want)
    expect(not d, "the output differs from a fresh build: %s" % "; ".join(d))


def case_unchanged(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    settle(site)
    read, kept, warn1, _ = build(c, site, out)
    expect((read, kept) == (NPOSTS, 0), "first build: read %d, %d unchanged" % (read, kept))
    expect(len(warn1) == 2, "first build: %d warnings, not 2: %s" % (len(warn1), warn1))
    before = read_tree(out)
    read, kept, warn2, err = build(c, site, out)
    expect((read, kept) == (0, NPOSTS), "nothing changed: read %d, %d unchanged" % (read, kept))
    expect(warn2 == warn1, "nothing changed: warnings %s, not %s" % (warn2, warn1))
    expect(" 0 files written" in err, "nothing changed, yet files were written: %s" % err[-300:])
    expect(not tree_diff(out, before), "nothing changed, yet the output changed")
    if shutil.which("strace"):
        log = c.path("strace.log")
        # LeakSanitizer cannot run under ptrace: a sanitizer build leaves it off here.
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                   ":detect_leaks=0")
        r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", log,
                            c.feedd, "build", site, "-o", out, "-q"], capture_output=True,
                           env=env)
        expect(r.returncode == 0, "feedd build under strace exited %d: %s" % (
            r.returncode, r.stderr.decode(errors="replace")[-300:]))
        with open(log, encoding="utf-8", errors="replace") as f:
            opened = [l for l in f if "/_posts/" in l]
        expect(not opened, "nothing changed, yet %d post files were opened: %s" % (
            len(opened), opened[:2]))
    # Edited while feedd was stopped, to the same size: read again, alone.
    write(os.path.join(site, "_posts", "2024-03-01-alpha.md"),
          POSTS["2024-03-01-alpha.md"].replace("Alpha", "ALPHA"))
    read, kept, _, _ = build(c, site, out)
    expect((read, kept) == (1, NPOSTS - 1), "one post edited: read %d, %d unchanged" % (read, kept))
    same_as_fresh(c, site, out)
    with open(os.path.join(out, "feed.xml"), encoding="utf-8") as f:
        expect("ALPHA" in f.read(), "the edited title is not in feed.xml")


def mount(c, what, where, *opts):
    r = subprocess.run(["mount"] + list(opts) + [what, where], capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail("mount %s %s: %s" % (what, where, r.stderr.strip()))
    c.mounts.append(where)


def case_recent(c):
    if os.geteuid() != 0 or not shutil.which("mkfs.ext4"):
        say("     (recent: skipped: needs root and mkfs.ext4 for a file system that stamps "
            "whole seconds)")
        return
    img = c.path("seconds.img")
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    r = subprocess.run(["mkfs.ext4", "-q", "-F", "-I", "128", img], capture_output=True,
                       text=True)
    expect(r.returncode == 0, "mkfs.ext4: %s" % r.stderr.strip())
    fs = c.path("fs")
    os.makedirs(fs)
    mount(c, img, fs, "-o", "loop")
    site = os.path.join(fs, "site")
    shutil.copytree(c.site("orig", CONFIG, POSTS), site)
    out = os.path.join(fs, "out")
    name = os.path.join(site, "_posts", "2024-03-02-beta.md")
    text = POSTS["2024-03-02-beta.md"]
    settle(site)
    build(c, site, out)
    build(c, site, out)                 # the index holds every (settled) post now
    for attempt in range(5):
        # Start just after a second begins: write, build, write again within it.
        time.sleep(1.05 - time.time() % 1)
        write(name, text.replace("Beta", "Bet%d" % attempt))
        t1 = os.stat(name)
        build(c, site, out)
        write(name, text.replace("Beta", "BET%d" % attempt))
        t2 = os.stat(name)
        if (t1.st_mtime_ns, t1.st_ctime_ns, t1.st_size, t1.st_ino) == \
                (t2.st_mtime_ns, t2.st_ctime_ns, t2.st_size, t2.st_ino):
            break
    else:
        raise Fail("could not write a post twice within one second in 5 tries (machine too busy)")
    read, kept, _, _ = build(c, site, out)
    expect(read >= 1, "a post changed in the second the index was written was not read again")
    with open(os.path.join(out, "feed.xml"), encoding="utf-8") as f:
        expect("BET%d" % attempt in f.read(), "the post changed in the same second as the index "
               "was written shows its old title")
    same_as_fresh(c, site, out)


def case_config(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    admin = c.path("admin.yml")
    write(admin, "feedd:\n  formats: [atom, rss]\n")
    settle(site)
    build(c, site, out, "-c", admin)
    read, kept, _, _ = build(c, site, out, "-c", admin)
    expect(read == 0, "nothing changed: read %d" % read)
    steps = [
        ("_config.yml", lambda: write(os.path.join(site, "_config.yml"),
                                      CONFIG + "description: Changed\n"), ()),
        ("the -c file", lambda: write(admin, "feedd:\n  formats: [atom]\n"), ()),
        ("-u", lambda: None, ("-u", "https://other.example.org")),
        ("_data", lambda: write(os.path.join(site, "_data", "authors.yml"),
                                "ann:\n  name: Ann From Data\n"), ("-u", "https://other.example.org")),
    ]
    os.makedirs(os.path.join(site, "_data"))
    for what, change, extra in steps:
        change()
        read, kept, _, _ = build(c, site, out, "-c", admin, *extra)
        expect((read, kept) == (NPOSTS, 0), "after a change of %s: read %d, %d unchanged" % (
            what, read, kept))
        read, kept, _, _ = build(c, site, out, "-c", admin, *extra)
        expect(read == 0, "after a change of %s, then nothing: read %d" % (what, read))
        same_as_fresh(c, site, out, "-c", admin, *extra)
    with open(os.path.join(out, "feed.xml"), encoding="utf-8") as f:
        expect("Ann From Data" in f.read(), "the author name from _data is not in feed.xml")


def case_damaged(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    settle(site)
    build(c, site, out)
    build(c, site, out)
    path = os.path.join(out, PINDEX)
    for what, damage, said in (
            ("torn", lambda: os.truncate(path, os.path.getsize(path) // 2), "torn"),
            ("foreign", lambda: write(path, "feedd posts 99\nkey 0\nend 6 0\n"),
             "another version of feedd")):
        damage()
        read, kept, warnings, _ = build(c, site, out)
        mine = [w for w in warnings if PINDEX in w]
        expect(len(mine) == 1 and said in mine[0], "%s index: warnings %s" % (what, mine))
        expect((read, kept) == (NPOSTS, 0), "%s index: read %d, %d unchanged" % (what, read, kept))
        same_as_fresh(c, site, out)
        read, kept, warnings, _ = build(c, site, out)
        expect(read == 0 and not [w for w in warnings if PINDEX in w],
               "after a %s index, the next build read %d (not written anew?)" % (what, read))


def case_device(c):
    if os.geteuid() != 0:
        say("     (device: skipped: mounting a tmpfs needs root)")
        return
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    settle(site)
    build(c, site, out)
    build(c, site, out)
    copy = c.path("copy")
    shutil.copytree(site, copy, copy_function=shutil.copy2)     # times kept
    mount(c, "tmpfs", site, "-t", "tmpfs")
    shutil.copytree(copy, site, copy_function=shutil.copy2, dirs_exist_ok=True)
    settle(site)
    read, kept, _, _ = build(c, site, out)
    expect((read, kept) == (NPOSTS, 0), "the site on another file system: read %d, %d unchanged"
           % (read, kept))
    same_as_fresh(c, site, out)


def case_daemon(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    settle(site)
    d = c.daemon(site, out)
    expect(d.stop() == 0, "the daemon did not stop cleanly")
    expect(os.path.exists(os.path.join(out, PINDEX)), "no %s after a clean stop" % PINDEX)
    d = c.daemon(site, out)
    m = READ.search(d.text())
    expect(m and (int(m.group(1)), int(m.group(2))) == (0, NPOSTS),
           "a start with nothing changed: %s" % (m and m.group(0)))
    expect(d.stop() == 0, "the daemon did not stop cleanly")
    write(os.path.join(site, "_posts", "2024-03-03-gamma.md"),
          POSTS["2024-03-03-gamma.md"].replace("Gamma", "GAMMA"))
    d = c.daemon(site, out)
    m = READ.search(d.text())
    expect(m and (int(m.group(1)), int(m.group(2))) == (1, NPOSTS - 1),
           "a start after one post was edited: %s" % (m and m.group(0)))
    c.converge(d, out, site)
    expect(d.stop() == 0, "the daemon did not stop cleanly")


def case_feeds(c):
    posts = dict(POSTS)
    posts["2024-03-07-liquid.md"] = post("Liquid", "lq", 7).replace(
        "Body of Liquid.", "Say {% include note.html %} here.")
    site = c.site("site", CONFIG, posts)
    os.makedirs(os.path.join(site, "_includes"))
    write(os.path.join(site, "_includes", "note.html"), "first-note")
    out = c.path("out")
    settle(site)
    build(c, site, out)
    build(c, site, out)
    feed = os.path.join(out, "feed", "news.xml")
    with open(feed, "rb") as f:
        good = f.read()
    st = os.stat(feed)
    bad = good.replace(b"Alpha", b"Omega")
    expect(len(bad) == len(good) and bad != good, "no title to edit in %s" % feed)
    with open(feed, "r+b") as f:
        f.write(bad)
    os.utime(feed, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, _, _, err = build(c, site, out)
    with open(feed, "rb") as f:
        expect(f.read() == good, "a feed edited behind feedd's back was not written again")
    expect(" 1 files written" in err, "one file should have been written: %s" % err[-300:])
    write(os.path.join(site, "_includes", "note.html"), "second-note")
    build(c, site, out)
    with open(os.path.join(out, "feed", "lq.xml"), encoding="utf-8") as f:
        expect("second-note" in f.read(), "the included file's change is not in the Liquid post's feed")
    same_as_fresh(c, site, out)


CASES = [("unchanged", case_unchanged), ("recent", case_recent), ("config", case_config),
         ("damaged", case_damaged), ("device", case_device), ("daemon", case_daemon),
         ("feeds", case_feeds)]



class MountingCase(Case):
    """A case that mounts file systems (c.mounts), unmounted when it closes."""

    def __init__(self, *args):
        super().__init__(*args)
        self.mounts = []

    def close(self):
        super().close()
        for m in reversed(self.mounts):
            subprocess.run(["umount", m])


def main():
    return run_cases("pindex", CASES, MountingCase)


if __name__ == "__main__":
    sys.exit(main())
