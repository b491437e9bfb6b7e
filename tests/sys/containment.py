#!/usr/bin/python3
"""containment: a hostile site, a shared output folder or a neighbour must never make
feedd write, delete, hang or lie.

Each case below is one reproduction with its pass condition, written as an attacker or
an unlucky administrator would try it, through the real binary (`feedd build`, and
`feedd watch` where the daemon's behaviour is the point).  The classes:

  A  writing outside the output folder through configuration (.. paths, .feedd, folders
     chosen by the site's own _config.yml, output folders that hide or feed the posts);
  B  writing and deleting through links inside the output folder (a linked folder, a
     manifest line or a stale temporary file behind a link, a linked output folder);
  C  special files where a feed goes (a FIFO must not hang a build or the daemon);
  D  front matter that costs memory far beyond its size;
  E  two owners of one output folder (two daemons, a build beside the daemon);
  F  an inotify descriptor inherited from the parent;
  G  the daemon converging to a fresh build (excluded folders appearing, a post beside a
     broken _config.yml, a reload that moves the site, feed files removed or altered
     behind feedd's back, two feeds mapping to one file);
  H  values that would make a feed invalid or wrong (an empty feed's date, dates before
     1970 or in year 0, local mean time offsets, two posts with one id, an empty
     title, bad language tags and e-mail addresses, a missing url);
  I  smaller: linked configuration files, a linked _posts folder, running out of
     inotify watches;
  J  deploys and the service: a site link swapped (seen at once, or at SIGUSR1 where
     it cannot be watched), folders renamed over the site, the site removed and back,
     a chmod that makes posts readable or not, feedd reload's answer (applied, refused,
     never a signal to another program), check-config --as-service's preconditions and
     errors that name the sandbox.  Cases that need an unprivileged daemon run it as
     nobody (setpriv) when the test runs as root.

Every case fails on the feedd before it was added and passes now.  Environment: FEEDD
(the binary), top_srcdir.  Exit 0 pass, 1 fail, 77 skip (no inotify).  Options: --keep
(keep the temporary folder), --only KEY,KEY, --list.
"""

import ctypes
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from feeddtest import (DEADLINE, SLOW, Case, Daemon, Fail, inotify_available, list_tree,
                       manifest_paths, read_tree, say, tree_diff, wait_until, write)
from feeddtest import atom_entries as entries

SKIP = 77
ATOM = "{http://www.w3.org/2005/Atom}"
CONFIG = """\
title: Containment
url: https://contain.example.org
timezone: Asia/Shanghai
feedd:
  debounce_ms: 20
"""

CASES = []


def case(key, cls, what):
    """Register a case: key, its class letter and what it reproduces."""
    def register(fn):
        CASES.append((key, cls, what, fn))
        return fn
    return register


def post(title, date="2024-06-01 10:00:00 +0800", cats="alpha", tags=("common",), extra="",
         body="Body.\n"):
    return ("---\ntitle: \"%s\"\ndate: %s\ncategories: %s\ntags: [%s]\n%s---\n\n%s"
            % (title, date, cats, ", ".join(tags), extra, body))


class Ctx(Case):
    """One case's folder, with a small site of three posts by default."""

    def site(self, name="site", config=CONFIG, posts=None):
        if posts is None:
            posts = {"2024-06-01-one.md": post("One"),
                     "2024-06-02-two.md": post("Two", "2024-06-02 10:00:00 +0800", "beta"),
                     "2024-06-03-three.md": post("Three", "2024-06-03 10:00:00 +0800")}
        return Case.site(self, name, config, posts)


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def outside_untouched(before, where):
    """Fail if the files under where differ from before ({rel: bytes})."""
    diff = tree_diff(where, before)
    if diff:
        raise Fail("files outside the output folder changed: %s" % "; ".join(diff))


def warnings(err, needle):
    return [l for l in err.splitlines() if "warning" in l and needle in l]


# ------------------------------------------------------------------- A: configuration

@case("path-dotdot-site", "A", "feed.path: ../../victim.txt in the site's _config.yml")
def a_dotdot_site(c):
    victim = c.path("victim.txt")
    write(victim, "precious\n")
    site = c.site(config=CONFIG + "feed:\n  path: ../../victim.txt\n")
    rc, err = c.run("build", site, "-o", c.path("a", "out"))
    expect(rc == 2, "exit %d, wanted 2 (a bad setting): %s" % (rc, err))
    expect(re.search(r"_config\.yml:7: feed\.path .*\.\.", err), "no _config.yml:7 error: %s" % err)
    expect(open(victim).read() == "precious\n", "the victim file was overwritten")
    expect(not os.path.exists(victim + ".rss"), "victim.txt.rss was written beside it")


@case("path-dotdot-admin", "A", "category_path, tag_path and feed.tags.path climbing out with ..")
def a_dotdot_admin(c):
    site = c.site()
    for n, setting in enumerate(("feedd:\n  category_path: \"../{name}.xml\"\n",
                                 "feedd:\n  tag_path: \"x/../../{name}.xml\"\n",
                                 "feed:\n  tags:\n    path: ../../t\n")):
        cf = c.path("admin-%d.yml" % n)
        write(cf, setting)
        rc, err = c.run("build", site, "-c", cf, "-o", c.path("o%d" % n, "out"))
        expect(rc == 2, "%s: exit %d, wanted 2: %s" % (setting.strip(), rc, err))
        expect(re.search(r"admin-%d\.yml:\d+: " % n, err), "no file:line error: %s" % err)
        expect(not os.path.exists(c.path("o%d" % n, "out", "feed.xml")),
               "feeds were written despite the bad setting")
    leaked = [p for p in os.listdir(c.dir) if p.endswith((".xml", ".rss")) or p == "t"]
    expect(not leaked, "files appeared outside the output folders: %s" % leaked)


@case("path-state", "A", "feed paths that reach feedd's own files (.feedd, temporary names)")
def a_state(c):
    site = c.site()
    for n, setting in enumerate(("feed:\n  path: .feedd/manifest\n",
                                 "feedd:\n  category_path: \".feedd/{name}.xml\"\n",
                                 "feed:\n  path: .feedd-tmp-1.xml\n",
                                 "feedd:\n  tag_path: \"t/.{name}.xml\"\n")):
        cf = c.path("s%d.yml" % n)
        write(cf, setting)
        rc, err = c.run("build", site, "-c", cf, "-o", c.path("out%d" % n))
        expect(rc == 2, "%s: exit %d, wanted 2: %s" % (setting.strip(), rc, err))


@case("output-from-site", "A", "feedd.output and feedd.site set by the site's own _config.yml")
def a_output_from_site(c):
    elsewhere = c.path("elsewhere")
    other = c.site("other")
    site = c.site(config=CONFIG + "  output: %s\n  site: %s\n" % (elsewhere, other))
    rc, err = c.run("build", site)
    expect(rc == 0, "exit %d: %s" % (rc, err))
    expect(warnings(err, "feedd.output is ignored"), "no warning for feedd.output: %s" % err)
    expect(warnings(err, "feedd.site is ignored"), "no warning for feedd.site: %s" % err)
    expect(not os.path.exists(elsewhere), "feeds went where the site said")
    expect(os.path.exists(os.path.join(site, "_feeds", "feed.xml")), "no feeds in SITE/_feeds")


@case("output-hides-posts", "A", "an output folder that is the site, holds it, or is in _posts")
def a_output_posts(c):
    site = c.site()
    for out in (os.path.join(site, "_posts", "feeds"), site, c.dir):
        rc, err = c.run("build", site, "-o", out)
        expect(rc == 2, "-o %s: exit %d, wanted 2: %s" % (out, rc, err))
    expect(not os.path.exists(os.path.join(site, "_posts", "feeds")), "feeds written into _posts")
    expect(not os.path.exists(os.path.join(site, "feed.xml")), "feeds written into the site")


# ------------------------------------------------------------------- B: links

def outside_tree(c):
    """A folder outside every output folder, with files an attacker wants gone."""
    where = c.path("outside")
    os.makedirs(where)
    for name in ("alpha.xml", "gone.xml", ".feedd-tmp-keep.xml.AAAAAA"):
        write(os.path.join(where, name), "precious %s\n" % name)
    return where, read_tree(where)


@case("link-folder", "B", "a folder inside the output folder that is a link elsewhere")
def b_link_folder(c):
    where, before = outside_tree(c)
    out = c.path("out")
    os.makedirs(out)
    os.symlink(where, os.path.join(out, "feed"))
    rc, err = c.run("build", c.site(), "-o", out)
    outside_untouched(before, where)
    expect(rc == 1, "exit %d, wanted 1 (feeds that could not be written): %s" % (rc, err))
    expect("symbolic link" in err, "the error does not say a link is in the way: %s" % err)


@case("link-manifest", "B", "manifest lines and stale temporary files behind a link")
def b_link_manifest(c):
    where, before = outside_tree(c)
    site = c.site()
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    expect(rc == 0, "first build: exit %d: %s" % (rc, err))
    # A manifest (well framed, as feedd writes it) owning a file behind a link,
    # and feedd 0.1's manifest doing the same.
    shutil.rmtree(os.path.join(out, "feed"))
    os.symlink(where, os.path.join(out, "feed"))
    body = b"feed/gone.xml\nfeed.xml\n"
    h = 0xcbf29ce484222325
    for b in body:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    os.makedirs(os.path.join(out, ".feedd"), exist_ok=True)
    with open(os.path.join(out, ".feedd", "manifest"), "wb") as f:
        f.write(b"feedd manifest 1\n" + body + b"end %d %016x\n" % (len(body), h))
    manifest_paths(out)         # the frame is right: feedd will trust it
    write(os.path.join(out, ".feedd-manifest"), "feed/gone.xml\n")
    c.run("build", site, "-o", out)
    outside_untouched(before, where)


@case("link-output", "B", "the default output folder SITE/_feeds is a link out of the site")
def b_link_output(c):
    where, before = outside_tree(c)
    site = c.site()
    os.symlink(where, os.path.join(site, "_feeds"))
    rc, err = c.run("build", site)
    outside_untouched(before, where)
    expect(rc == 1, "exit %d, wanted 1: %s" % (rc, err))


@case("link-feed-file", "B", "a feed file that is a link to a file outside")
def b_link_file(c):
    where, before = outside_tree(c)
    out = c.path("out")
    os.makedirs(out)
    os.symlink(os.path.join(where, "alpha.xml"), os.path.join(out, "feed.xml"))
    rc, err = c.run("build", c.site(), "-o", out)
    expect(rc == 0, "exit %d: %s" % (rc, err))
    outside_untouched(before, where)
    expect(not os.path.islink(os.path.join(out, "feed.xml")), "feed.xml is still a link")


# ------------------------------------------------------------------- C: special files

@case("fifo-build", "C", "a FIFO where feed.xml goes, under feedd build")
def c_fifo_build(c):
    out = c.path("out")
    os.makedirs(os.path.join(out, "feed"))
    os.mkfifo(os.path.join(out, "feed.xml"))
    os.mkfifo(os.path.join(out, "feed", "alpha.rss"))
    rc, err = c.run("build", c.site(), "-o", out, timeout=SLOW)
    expect(rc == 0, "exit %d: %s" % (rc, err))
    expect(stat.S_ISREG(os.lstat(os.path.join(out, "feed.xml")).st_mode), "feed.xml not a file")


@case("fifo-daemon", "C", "a FIFO put where a feed goes while the daemon runs, then SIGTERM")
def c_fifo_daemon(c):
    site = c.site()
    out = c.path("out")
    d = c.daemon(site, out)
    target = os.path.join(out, "feed", "alpha.xml")
    os.unlink(target)
    os.mkfifo(target)
    write(os.path.join(site, "_posts", "2024-07-01-four.md"), post("Four", "2024-07-01 10:00:00 +0800"))
    d.wait_log(r"posts changed", "the new post's flush", timeout=SLOW)
    t0 = time.monotonic()
    rc = d.stop(timeout=SLOW)
    expect(rc == 0, "exit %d after SIGTERM" % rc)
    say("     stopped %.2f s after SIGTERM" % (time.monotonic() - t0))


# ------------------------------------------------------------------- D: memory

def peak_child_mb(fn):
    """Run fn (which runs one child); the child's peak RSS in MB."""
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(0)
    _, status, ru = os.wait4(pid, 0)
    return ru.ru_maxrss / 1024.0


@case("fm-huge", "D", "40 MB of front matter (a block list) and 300,000 values in 900 KB")
def d_front_matter(c):
    site = c.site()
    with open(os.path.join(site, "_posts", "2024-05-01-huge.md"), "w") as f:
        f.write("---\ntitle: Huge\ntags:\n")
        line = "  - " + "t" * 36 + "\n"
        f.write(line * (40 * 1024 * 1024 // len(line)))
        f.write("---\nbody\n")
    with open(os.path.join(site, "_posts", "2024-05-02-many.md"), "w") as f:
        f.write("---\ntitle: Many\nx: [" + ",".join(["a"] * 300000) + "]\n---\nbody\n")
    res = {}

    def build():
        res["t0"] = time.monotonic()
        subprocess.run([c.feedd, "build", site, "-o", c.path("out")],
                       stdout=subprocess.DEVNULL, stderr=open(c.path("err"), "wb"), timeout=SLOW)
    t0 = time.monotonic()
    mb = peak_child_mb(build)
    err = open(c.path("err"), encoding="utf-8", errors="replace").read()
    say("     peak RSS %.0f MB, %.1f s" % (mb, time.monotonic() - t0))
    expect(warnings(err, "2024-05-01-huge.md:2: front matter too large"),
           "no 'front matter too large' warning: %s" % err)
    expect(warnings(err, "2024-05-02-many.md") and "100000 values" in err,
           "no warning about 300,000 values: %s" % err)
    expect(mb < 250, "peak RSS %.0f MB for 41 MB of posts" % mb)


# ------------------------------------------------------------------- E: owners

@case("two-daemons", "E", "a second daemon, and a build of another site, on one output folder")
def e_two_daemons(c):
    site, other = c.site(), c.site("other", posts={"2024-01-01-x.md": post("Other", cats="zzz")})
    out = c.path("out")
    d = c.daemon(site, out)
    rc, err = c.run("watch", other, "-o", out, timeout=SLOW)
    expect(rc == 1, "second daemon: exit %d, wanted 1: %s" % (rc, err))
    expect(re.search(r"belongs to process %d" % d.proc.pid, err),
           "the refusal does not name the owner (pid %d): %s" % (d.proc.pid, err))
    rc, err = c.run("build", other, "-o", out)
    expect(rc == 1 and "belongs to process" in err, "build beside the daemon: %d %s" % (rc, err))
    expect(not os.path.exists(os.path.join(out, "feed", "zzz.xml")), "the other site wrote feeds")
    write(os.path.join(site, "_posts", "2024-07-01-four.md"), post("Four", "2024-07-01 10:00:00 +0800"))
    c.converge(d, out, site)
    expect("cannot write" not in d.text(), "the owner failed writes: %s" % d.text()[-400:])


# ------------------------------------------------------------------- F: inherited inotify

@case("inherited-inotify", "F", "feedd watch started with an inotify descriptor inherited")
def f_inherited(c):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(0)
    expect(fd >= 0, "inotify_init1 failed")
    try:
        site = c.site()
        out = c.path("out")
        d = c.daemon(site, out, pass_fds=(fd,))
        write(os.path.join(site, "_posts", "2024-07-01-four.md"), post("Four", "2024-07-01 10:00:00 +0800"))
        c.converge(d, out, site)
    finally:
        os.close(fd)


# ------------------------------------------------------------------- G: convergence

def watches(pid):
    """Number of inotify watches process pid holds."""
    n = 0
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            n += open("/proc/%d/fdinfo/%s" % (pid, fd)).read().count("inotify wd:")
        except OSError:
            pass
    return n


@case("excluded-runtime", "G", "excluded folders (node_modules, exclude:) appearing while watched")
def g_excluded(c):
    site = c.site(config=CONFIG.replace("feedd:", "exclude: [drafts]\nfeedd:"))
    out = c.path("out")
    d = c.daemon(site, out)
    w0 = watches(d.proc.pid)
    for rel in ("node_modules/pkg/_posts", "drafts/_posts", "vendor/bundle/x/_posts"):
        os.makedirs(os.path.join(site, rel))
        write(os.path.join(site, rel, "2024-08-01-hidden.md"), post("Hidden", cats="hidden"))
    for i in range(300):
        os.makedirs(os.path.join(site, "node_modules", "p%03d" % i, "lib"))
    write(os.path.join(site, "_posts", "2024-07-01-four.md"), post("Four", "2024-07-01 10:00:00 +0800"))
    c.converge(d, out, site)
    w1 = watches(d.proc.pid)
    expect(w1 - w0 < 20, "%d inotify watches added for excluded folders" % (w1 - w0))
    expect(not os.path.exists(os.path.join(out, "feed", "hidden.xml")), "excluded posts published")


@case("config-broken-window", "G", "a post written together with a broken _config.yml")
def g_config_window(c):
    site = c.site()
    out = c.path("out")
    d = c.daemon(site, out)
    off = d.size()
    write(os.path.join(site, "_config.yml"), CONFIG + "title: [unclosed\n")
    write(os.path.join(site, "_posts", "2024-07-01-four.md"), post("Four", "2024-07-01 10:00:00 +0800"))
    d.wait_log(r"keeping the old one", "the broken configuration refused", offset=off)
    wait_until(lambda: "Four" in open(os.path.join(out, "feed.xml")).read(),
               "the post written beside the broken config published", alive=d.alive,
               timeout=SLOW)
    write(os.path.join(site, "_config.yml"), CONFIG)
    c.converge(d, out, site)


@case("reload-site", "G", "a reload that points feedd.site elsewhere, then the old site removed")
def g_reload_site(c):
    a = c.site("a", posts={"2024-01-01-a.md": post("From A", cats="aaa")})
    b = c.site("b", posts={"2024-01-02-b.md": post("From B", cats="bbb")})
    cf = c.path("feedd.yml")
    write(cf, "feedd:\n  site: %s\n" % a)
    out = c.path("out")
    d = Daemon(c.feedd, ["watch", "-c", cf, "-o", out], c.path("reload.log"))
    c.daemons.append(d)
    d.wait_log(r"^feedd: watching", "the daemon watching", timeout=SLOW)
    write(cf, "feedd:\n  site: %s\n" % b)
    d.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: os.path.exists(os.path.join(out, "feed", "bbb.xml")),
               "the new site's feeds", alive=d.alive, timeout=SLOW)
    shutil.rmtree(a)
    write(os.path.join(b, "_posts", "2024-01-03-b2.md"), post("From B 2", cats="bbb"))
    wait_until(lambda: "From B 2" in open(os.path.join(out, "feed.xml")).read(),
               "a new post of the new site", alive=d.alive, timeout=SLOW)
    c.converge(d, out, b, what="after the reload to site b")


@case("removed-feed", "G", "feed files deleted or altered behind feedd's back")
def g_removed(c):
    site = c.site()
    out = c.path("out")
    d = c.daemon(site, out)
    os.unlink(os.path.join(out, "feed", "alpha.xml"))
    os.unlink(os.path.join(out, "feed.rss"))
    c.converge(d, out, site, what="files deleted behind its back, restored without a signal,")
    write(os.path.join(out, "feed", "beta.xml"), "garbage\n")
    d.proc.send_signal(signal.SIGUSR1)
    c.converge(d, out, site, what="an altered file, after SIGUSR1,")


@case("collision-owner", "G", "a category and a tag mapping to one file, in either order")
def g_collision(c):
    paths = "  category_path: \"feed/{name}.xml\"\n  tag_path: \"feed/{name}.xml\"\n"
    site = c.site(config=CONFIG + paths, posts={
        "2024-01-01-tagged.md": post("Tagged", cats="other", tags=("x",))})
    out = c.path("out")
    d = c.daemon(site, out)
    c.converge(d, out, site, what="a tag alone")
    cat = os.path.join(site, "_posts", "2024-01-02-cat.md")
    write(cat, post("Categorised", "2024-01-02 10:00:00 +0800", cats="x", tags=("y",)))
    c.converge(d, out, site, what="a category taking the tag's file")
    os.unlink(cat)
    c.converge(d, out, site, what="the tag getting its file back")


# ------------------------------------------------------------------- H: valid values

@case("empty-feed-date", "H", "a site without posts, and posts all before 1970")
def h_dates(c):
    site = c.site(posts={})
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    expect(rc == 0, "exit %d: %s" % (rc, err))
    upd = ET.parse(os.path.join(out, "feed.xml")).getroot().findtext(ATOM + "updated")
    year = time.gmtime(os.stat(os.path.join(site, "_config.yml")).st_mtime).tm_year
    expect(upd.startswith(str(year)), "empty feed updated %s, wanted its config's date" % upd)
    old = c.site("old", posts={"1960-05-01-old.md": post("Old", "1960-05-01 10:00:00 +0800")})
    rc, err = c.run("build", old, "-o", c.path("out-old"))
    upd = ET.parse(c.path("out-old", "feed.xml")).getroot().findtext(ATOM + "updated")
    expect(upd.startswith("1960-05-01"), "feed of 1960 posts updated %s" % upd)


@case("year-zero", "H", "a post dated year 0000 and one in Monrovia's local mean time")
def h_year_zero(c):
    site = c.site(config=CONFIG.replace("Asia/Shanghai", "Africa/Monrovia"), posts={
        "0000-01-01-zero.md": post("Zero", "0000-01-01 10:00:00 +0000"),
        "1960-05-01-lmt.md": post("Monrovia", "1960-05-01 10:00:00 +0000")})
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    expect(warnings(err, "0000-01-01-zero.md:3: date"), "no warning for year 0000: %s" % err)
    pub = [p for _, p in entries(os.path.join(out, "feed.xml"))]
    expect(pub == ["1960-05-01T10:00:00+00:00"], "published %s, wanted the instant in UTC" % pub)


@case("same-id", "H", "two posts under a date-less permalink with one slug")
def h_same_id(c):
    site = c.site(config=CONFIG + "permalink: /:title/\n", posts={
        "2023-01-01-hello.md": post("Hello 2023"), "2024-01-01-hello.md": post("Hello 2024")})
    rc, err = c.run("build", site, "-o", c.path("out"))
    expect(re.search(r"2024-01-01-hello\.md: the same entry id as .*2023-01-01-hello\.md", err),
           "no warning naming both posts: %s" % err)


@case("blank-values", "H", "an empty title, a bad lang, a bad e-mail, no url")
def h_blank(c):
    cfg = "title: \"\"\nlang: \"en US\"\nauthor:\n  name: A\n  email: not-an-address\n"
    site = c.site(config=cfg, posts={"2024-01-01-p.md": post("P", extra="lang: \"zh!CN\"\n")})
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    for needle in ("title is empty", "lang \"en US\"", "not-an-address", "url is not set",
                   "2024-01-01-p.md:6: lang"):
        expect(warnings(err, needle), "no warning about %s: %s" % (needle, err))
    root = ET.parse(os.path.join(out, "feed.xml")).getroot()
    expect(root.findtext(ATOM + "title").strip(), "the feed has an empty title")
    expect(root.findtext(ATOM + "author/" + ATOM + "email") is None, "the bad e-mail was kept")


# ------------------------------------------------------------------- I: smaller

@case("config-links", "I", "_config.yml and -c as links (stow, NixOS), and one leading out")
def i_config_links(c):
    site = c.site()
    real = c.path("site", "conf", "real.yml")
    os.makedirs(os.path.dirname(real))
    os.rename(os.path.join(site, "_config.yml"), real)
    os.symlink("conf/real.yml", os.path.join(site, "_config.yml"))
    admin = c.path("admin-real.yml")
    write(admin, "feed:\n  posts_limit: 2\n")
    os.symlink(admin, c.path("admin.yml"))
    rc, err = c.run("build", site, "-c", c.path("admin.yml"), "-o", c.path("out"))
    expect(rc == 0, "linked configuration files refused: %d %s" % (rc, err))
    expect(len(entries(c.path("out", "feed.xml"))) == 2, "-c through a link not applied")
    os.unlink(os.path.join(site, "_config.yml"))
    write(c.path("secret.yml"), "title: secret\n")
    os.symlink(c.path("secret.yml"), os.path.join(site, "_config.yml"))
    rc, err = c.run("build", site, "-o", c.path("out2"))
    expect(rc == 2 and "outside the site" in err, "a link out of the site was read: %d %s" % (rc, err))


@case("posts-link", "I", "a _posts folder that is a symbolic link")
def i_posts_link(c):
    site = c.site()
    os.rename(os.path.join(site, "_posts"), c.path("real-posts"))
    os.symlink(c.path("real-posts"), os.path.join(site, "_posts"))
    rc, err = c.run("build", site, "-o", c.path("out"))
    expect(warnings(err, "_posts: a symbolic link"), "no warning for the linked _posts: %s" % err)


@case("watch-limit", "I", "running out of inotify watches: one report per episode, with numbers")
def i_watch_limit(c):
    if shutil.which("unshare") is None:
        say("     (skipped: no unshare)")
        return
    probe = subprocess.run(["unshare", "-U", "-r", "sh", "-c",
                            "echo 40 > /proc/sys/user/max_inotify_watches"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if probe.returncode != 0:
        say("     (skipped: no per-namespace inotify limit here)")
        return
    site = c.site()
    for i in range(100):
        os.makedirs(os.path.join(site, "f%03d" % i))
    out = c.path("out")
    log = c.path("limit.log")
    d = Daemon("unshare", ["-U", "-r", "sh", "-c",
                           "echo 40 > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\"",
                           c.feedd, "watch", site, "-o", out], log)
    c.daemons.append(d)
    d.wait_log(r"^feedd: watching", "the daemon watching", timeout=SLOW)
    for _ in range(3):
        off = d.size()
        d.proc.send_signal(signal.SIGUSR1)
        d.wait_log(r"^feedd: \d+ posts", "a rescan", offset=off, timeout=SLOW)
    lines = [l for l in d.text().splitlines() if "inotify watches" in l]
    expect(len(lines) == 1, "%d lines about inotify watches, wanted 1: %s" % (len(lines), lines[:3]))
    expect(re.search(r"limit is 40; .*\d+ folders are not watched", lines[0]),
           "the report lacks the numbers: %s" % lines[0])


# ------------------------------------------------------------------- J: deploys, the service

NOBODY = 65534


def unprivileged(c):
    """The command prefix that runs feedd as an unprivileged user (nobody when the test
    runs as root, which reads every file whatever its mode), after opening the case's
    folders to it.  Returns (prefix, output folder owned by that user)."""
    out = c.path("out")
    os.makedirs(out)
    if os.geteuid() != 0:
        return [], out
    if shutil.which("setpriv") is None:
        raise Fail("running as root without setpriv (util-linux) to drop privileges")
    for d in (os.path.dirname(c.dir), c.dir):
        os.chmod(d, 0o755)
    os.chown(out, NOBODY, NOBODY)
    return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"], out


def unprivileged_daemon(c, prefix, site, out, *extra, **popen):
    d = Daemon(prefix[0] if prefix else c.feedd,
               prefix[1:] + [c.feedd] + ["watch", site, "-o", out, "-v"] + list(extra)
               if prefix else ["watch", site, "-o", out, "-v"] + list(extra),
               c.path("watch-%d.log" % len(c.daemons)), **popen)
    c.daemons.append(d)
    d.wait_log(r"^feedd: watching", "the daemon watching", timeout=SLOW)
    return d


def stamps(out):
    """(inode, mtime) of every file in out: a replaced file has another inode."""
    res = {}
    for rel in list_tree(out):
        st = os.stat(os.path.join(out, rel))
        res[rel] = (st.st_ino, st.st_mtime_ns)
    return res


def titles(path):
    try:
        return [e.findtext(ATOM + "title") for e in ET.parse(path).getroot().findall(ATOM + "entry")]
    except (OSError, ET.ParseError):
        return []


@case("deploy-link", "J", "a deploy that swaps the site's symbolic link (ln -sfn, mv -T)")
def j_deploy_link(c):
    r1 = c.site("r1", posts={"2024-01-01-a.md": post("Release one", cats="alpha"),
                             "2024-01-02-b.md": post("Other", cats="beta")})
    current = c.path("current")
    os.symlink("r1", current)
    out = c.path("out")
    d = c.daemon(current, out)
    before = stamps(out)
    shutil.copytree(r1, c.path("r2"), symlinks=True)
    write(c.path("r2", "_posts", "2024-01-03-c.md"), post("Release two", "2024-01-03 10:00:00 +0800",
                                                          cats="alpha"))
    os.symlink("r2", c.path("current.tmp"))
    os.replace(c.path("current.tmp"), current)          # mv -T: the link swapped atomically
    c.converge(d, out, current, what="after the link swap")
    expect(d.proc.poll() is None, "the daemon exited")
    d.wait_log(r"leads to another folder now", "the swap logged")
    after = stamps(out)
    for rel in ("feed/beta.xml", "feed/beta.rss"):
        expect(after[rel] == before[rel], "%s was rewritten although the deploy left it alone" % rel)
    # Old releases removed, as deploy tools do: nothing changes.
    shutil.rmtree(r1)
    write(c.path("r2", "_posts", "2024-01-04-d.md"), post("After cleanup", "2024-01-04 10:00:00 +0800"))
    c.converge(d, out, current, what="after removing the old release")


@case("deploy-link-usr1", "J", "a link swap feedd cannot watch for: SIGUSR1 resolves it again")
def j_deploy_link_usr1(c):
    prefix, out = unprivileged(c)
    www = c.path("www")
    os.makedirs(www)
    r1 = c.site("www/r1", posts={"2024-01-01-a.md": post("Release one")})
    current = os.path.join(www, "current")
    os.symlink("r1", current)
    os.chmod(www, 0o711)            # enterable, not listable: no inotify watch on it
    d = unprivileged_daemon(c, prefix, current, out)
    d.wait_log(r"cannot watch .*www: Permission denied; a deploy that replaces .* is seen "
               r"only at SIGHUP or SIGUSR1", "the warning that swaps are not seen")
    shutil.copytree(r1, os.path.join(www, "r2"), symlinks=True)
    write(os.path.join(www, "r2", "_posts", "2024-01-02-b.md"),
          post("Release two", "2024-01-02 10:00:00 +0800"))
    os.symlink("r2", os.path.join(www, "current.tmp"))
    os.replace(os.path.join(www, "current.tmp"), current)
    d.proc.send_signal(signal.SIGUSR1)
    wait_until(lambda: "Release two" in titles(os.path.join(out, "feed.xml")),
               "the new release served after SIGUSR1", alive=d.alive, timeout=SLOW)
    os.chmod(www, 0o755)


@case("deploy-rename", "J", "deploys by folder renames, a removed site folder coming back")
def j_deploy_rename(c):
    blog = c.site("blog")
    out = c.path("out")
    d = c.daemon(blog, out)
    shutil.copytree(blog, c.path("blog.new"))
    write(c.path("blog.new", "_posts", "2024-07-01-new.md"), post("Renamed in", "2024-07-01 10:00:00 +0800"))
    os.rename(blog, c.path("blog.old"))
    os.rename(c.path("blog.new"), blog)
    c.converge(d, out, blog, what="after mv blog blog.old && mv blog.new blog")
    expect(d.proc.poll() is None, "the daemon exited")
    expect("is gone" not in d.text(), "the gap between two renames taken for a removal")
    # Removed for good: the feeds stay; back: served again.
    want = read_tree(out)
    off = d.size()
    shutil.rmtree(blog)
    d.wait_log(r"the site folder .*blog is gone; its feeds stay", "the removal logged", offset=off)
    expect(not tree_diff(out, want), "feeds changed while the site was gone: %s" % tree_diff(out, want))
    os.rename(c.path("blog.old"), blog)
    d.wait_log(r"the site folder .*blog is back", "the return logged", offset=off)
    c.converge(d, out, blog, what="after the site folder came back")


@case("chmod", "J", "a chmod that makes a skipped post or folder readable, or unreadable")
def j_chmod(c):
    prefix, out = unprivileged(c)
    site = c.site()
    hidden = os.path.join(site, "_posts", "2024-07-01-hidden.md")
    write(hidden, post("Hidden post", "2024-07-01 10:00:00 +0800"))
    os.chmod(hidden, 0)
    sub = os.path.join(site, "sub")
    os.makedirs(os.path.join(sub, "_posts"))
    write(os.path.join(sub, "_posts", "2024-07-02-sub.md"), post("Sub post", "2024-07-02 10:00:00 +0800"))
    os.chmod(sub, 0)
    d = unprivileged_daemon(c, prefix, site, out)
    feed = os.path.join(out, "feed.xml")
    expect("Hidden post" not in titles(feed) and "Sub post" not in titles(feed),
           "unreadable posts published")
    for path, mode, title, present in ((hidden, 0o644, "Hidden post", True),
                                       (sub, 0o755, "Sub post", True),
                                       (sub, 0, "Sub post", False),
                                       (hidden, 0, "Hidden post", False)):
        os.chmod(path, mode)
        wait_until(lambda: (title in titles(feed)) == present,
                   "%s %s after chmod %o of %s" % (title, "published" if present else "gone",
                                                   mode, os.path.basename(path)),
                   alive=d.alive, timeout=SLOW)
    os.chmod(sub, 0o755)


@case("reload-answer", "J", "feedd reload: returns once applied, fails when refused")
def j_reload_answer(c):
    prefix, out = unprivileged(c)
    site = c.site()
    cf = c.path("feedd.yml")

    def conf(title, output=out):
        write(cf, "title: %s\nfeedd:\n  output: %s\n" % (title, output))
    conf("First title")
    d = Daemon(prefix[0] if prefix else c.feedd,
               (prefix[1:] + [c.feedd] if prefix else []) + ["watch", site, "-c", cf],
               c.path("reload.log"))
    c.daemons.append(d)
    d.wait_log(r"^feedd: watching", "the daemon watching", timeout=SLOW)
    feed = os.path.join(out, "feed.xml")

    def reload():
        return subprocess.run([c.feedd, "reload", str(d.proc.pid), "--timeout", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=90)
    conf("Second title")
    r = reload()
    title = ET.parse(feed).getroot().findtext(ATOM + "title")
    expect(r.returncode == 0 and title == "Second title",
           "reload exit %d (%s), feed title %r when it returned" % (r.returncode, r.stdout.strip(), title))
    before = read_tree(out)
    write(cf, "title: [unclosed\n")
    r = reload()
    expect(r.returncode == 1 and "refused the new configuration" in r.stdout,
           "broken file: reload exit %d: %s" % (r.returncode, r.stdout.strip()))
    expect(not tree_diff(out, before), "a refused reload changed the feeds")
    # A new output folder feedd may open but not write into: refused, the old kept.
    if prefix:
        bad = c.path("bad-out")
        os.makedirs(os.path.join(bad, ".feedd"))
        os.chown(os.path.join(bad, ".feedd"), NOBODY, NOBODY)
        conf("Third title", bad)
        d2 = Daemon(c.feedd, ["reload", str(d.proc.pid)], c.path("r.log"))
        rc = d2.proc.wait(90)
        expect(rc == 1, "a reload to an unwritable output folder exited %d: %s" % (rc, d2.text()))
        expect(not tree_diff(out, before), "a refused reload changed the feeds")
        d.wait_log(r"cannot serve the new configuration; keeping the old one", "the refusal logged")
    conf("Second title")
    expect(reload().returncode == 0, "a reload with nothing changed failed")
    expect(not tree_diff(out, before), "a reload with nothing changed changed the feeds")
    # Never a signal to a process that is not feedd.
    r = subprocess.run([c.feedd, "reload", str(os.getpid())], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    expect(r.returncode == 1 and "not feedd" in r.stdout, "reload of the test: %s" % r.stdout)


@case("check-as-service", "J", "check-config --as-service without the right to check as feedd")
def j_check_as_service(c):
    site = c.site()
    cf = c.path("blog.yml")
    write(cf, "feedd:\n  site: %s\n" % site)
    rc, err = c.run("check-config", "--as-service", "-c", cf)
    try:
        import pwd
        pwd.getpwnam("feedd")
        have = True
    except KeyError:
        have = False
    if os.geteuid() != 0:
        expect(rc == 2 and "run it as root" in err, "not root: exit %d: %s" % (rc, err))
    elif not have:
        expect(rc == 2 and "systemd-sysusers" in err, "no feedd user: exit %d: %s" % (rc, err))
    else:
        expect(rc in (0, 2), "exit %d: %s" % (rc, err))
    rc, err = c.run("check-config", "--as-service", site)
    expect(rc == 2 and "--as-service is for check-config -c" in err, "no -c: %s" % err)
    # The service's sandbox named in errors (as under systemd: INVOCATION_ID set).
    env = dict(os.environ, INVOCATION_ID="0" * 32, STATE_DIRECTORY=c.path("state"))
    rc, err = c.run("build", "/tmp/feedd-no-such-site", "-o", c.path("state"), env=env)
    expect(rc == 2 and "PrivateTmp=yes" in err, "a /tmp site under systemd: %s" % err)


# ------------------------------------------------------------------- main

def main():
    args = sys.argv[1:]
    keep = "--keep" in args
    only = None
    if "--only" in args:
        only = set(args[args.index("--only") + 1].split(","))
    if "--list" in args:
        for key, cls, what, _ in CASES:
            print("%s %-22s %s" % (cls, key, what))
        return 0
    feedd = os.environ.get("FEEDD")
    if not feedd:
        say("FEEDD is not set")
        return 1
    why = inotify_available()
    if why:
        say("SKIP: %s" % why)
        return SKIP
    root = tempfile.mkdtemp(prefix="feedd-containment.")
    # A copy, so that a rebuild during the run cannot change the binary.
    shutil.copy(feedd, os.path.join(root, "feedd"))
    feedd = os.path.join(root, "feedd")
    failed = []
    t_all = time.monotonic()
    for key, cls, what, fn in CASES:
        if only and key not in only:
            continue
        c = Ctx(feedd, root, key)
        t0 = time.monotonic()
        try:
            fn(c)
            say("ok   %s %-20s %s (%.2f s)" % (cls, key, what, time.monotonic() - t0))
        except (Fail, OSError, ET.ParseError, subprocess.SubprocessError) as e:
            failed.append(key)
            say("FAIL %s %-20s %s (%.2f s): %s" % (cls, key, what, time.monotonic() - t0, e))
        finally:
            c.close()
    say("%d cases, %d failed (%.1f s)" % (sum(1 for k in CASES if not only or k[0] in only),
                                        len(failed), time.monotonic() - t_all))
    if failed or keep:
        say("kept %s" % root)
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
