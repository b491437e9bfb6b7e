"""Helpers shared by feedd's Python system tests (watch, faults, bad-input).

Each test drives the real feedd binary; these are the small pieces they all
need: a failure type, output that is never buffered, an inotify probe,
polling with a deadline instead of fixed sleeps, feedd's own files, output
trees and their differences, and a daemon whose log can be waited on.
"""

import ctypes
import os
import re
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

POLL = 0.02          # seconds between two looks at a condition
DEADLINE = 10.0      # default time a condition has to come true
SLOW = 30.0          # deadline for a build on a loaded machine
ATOM = "{http://www.w3.org/2005/Atom}"

_libc = ctypes.CDLL(None, use_errno=True)


class Fail(Exception):
    """An expectation the test makes did not hold."""


def say(msg):
    print(msg, flush=True)


def inotify_available():
    """None when inotify is usable, else the reason."""
    try:
        fd = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    except AttributeError:
        return "libc has no inotify_init1"
    if fd < 0:
        return "inotify_init1: %s" % os.strerror(ctypes.get_errno())
    os.close(fd)
    if not os.path.isdir("/proc/sys/fs/inotify"):
        return "no /proc/sys/fs/inotify"
    return None


def wait_until(cond, desc, timeout=DEADLINE, interval=POLL, detail=None, alive=None):
    """Poll cond() until truthy and return its value; raise Fail naming desc (and
    detail()) at the deadline.  alive(), if given, raises when the daemon died."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if alive is not None:
            alive()
        if time.monotonic() >= end:
            extra = ""
            if detail is not None:
                try:
                    extra = ": " + str(detail())
                except Exception as e:  # noqa: BLE001 - detail is best effort
                    extra = ": (detail failed: %s)" % e
            raise Fail("%s not reached within %.1f s%s" % (desc, timeout, extra))
        time.sleep(interval)


def list_tree(root):
    """Relative paths of every file under root (dot files included), but feedd's caches:
    they record when and how files were read, so two equal outputs may hold different ones."""
    out = set()
    for d, _dirs, files in os.walk(root):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), root)
            if rel not in CACHES:
                out.add(rel)
    return out


STATE = ".feedd"                    # feedd's own folder in the output folder
MANIFEST = STATE + "/manifest"
IDS = STATE + "/ids"                # the entry ids kept across renames
PINDEX = STATE + "/posts"           # the persistent post index
FSIG = STATE + "/feeds"             # what each feed file was rendered from
CACHES = {PINDEX, FSIG}


def is_state(rel):
    """Whether rel is one of feedd's own files (.feedd/...)."""
    return rel == STATE or rel.startswith(STATE + "/")


def manifest_paths(out):
    """The paths OUT/.feedd/manifest lists, after checking its frame: the first line
    "feedd manifest 1", the last "end LENGTH CHECKSUM" with the body's length and
    FNV-1a 64 checksum.  None if there is no manifest; raises Fail if it is torn."""
    try:
        with open(os.path.join(out, MANIFEST), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    head = b"feedd manifest 1\n"
    if not data.startswith(head) or not data.endswith(b"\n"):
        raise Fail("%s: no header or not ending with a newline (%d bytes)" % (MANIFEST, len(data)))
    tail = data.rstrip(b"\n").rfind(b"\n")
    body, end = data[len(head):tail + 1], data[tail + 1:-1].split()
    h = 0xcbf29ce484222325
    for b in body:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    if len(end) != 3 or end[0] != b"end" or int(end[1]) != len(body) or int(end[2], 16) != h:
        raise Fail("%s: end line %r does not match its body" % (MANIFEST, data[tail + 1:]))
    return [os.fsdecode(l) for l in body.split(b"\n")[:-1]]


def kept_ids(out):
    """The bytes of OUT/.feedd/ids, or None."""
    try:
        with open(os.path.join(out, IDS), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def seed_ids(dest, data):
    """Give the output folder dest the kept ids data (bytes of kept_ids, or None), so
    that a fresh build into it keeps the same ids as the output folder they came from."""
    if data is None:
        return
    os.makedirs(os.path.join(dest, STATE), exist_ok=True)
    with open(os.path.join(dest, IDS), "wb") as f:
        f.write(data)


def is_tmp(rel):
    """Whether rel is one of feedd's temporary files."""
    return os.path.basename(rel).startswith(".feedd-tmp-")



def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read_tree(root):
    """{relpath: bytes} of every file under root (files vanishing meanwhile skipped)."""
    res = {}
    for rel in list_tree(root):
        try:
            with open(os.path.join(root, rel), "rb") as f:
                res[rel] = f.read()
        except FileNotFoundError:
            pass
    return res


def tree_diff(root, expected, limit=5):
    """Differences between folder root and expected ({relpath: bytes}); [] when equal."""
    have = read_tree(root) if os.path.isdir(root) else {}
    diffs = []
    extra = sorted(set(have) - set(expected))
    missing = sorted(set(expected) - set(have))
    differ = sorted(r for r in set(have) & set(expected) if have[r] != expected[r])
    for what, rels in (("extra", extra), ("missing", missing), ("differ", differ)):
        if rels:
            diffs.append("%d %s: %s" % (len(rels), what, ", ".join(rels[:limit])))
    return diffs


class Daemon:
    """A `feedd watch` process whose stderr goes to a log file, for tests that wait on its
    log lines and stop it.  args are feedd's arguments after the binary."""

    def __init__(self, feedd, args, log, **popen):
        self.log = log
        self.logf = open(log, "wb")
        self.proc = subprocess.Popen([feedd] + list(args), stdout=self.logf,
                                     stderr=subprocess.STDOUT, **popen)

    def text(self, offset=0):
        with open(self.log, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")

    def size(self):
        return os.path.getsize(self.log)

    def alive(self):
        """Raise Fail if the daemon has exited."""
        if self.proc.poll() is not None:
            raise Fail("feedd exited with %s: %s" % (self.proc.returncode, self.text()[-600:]))

    def wait_log(self, pattern, desc, offset=0, timeout=DEADLINE):
        """Wait for a log line matching pattern (re, multiline) after offset."""
        rx = re.compile(pattern, re.M)
        return wait_until(lambda: rx.search(self.text(offset)), desc, timeout=timeout,
                          alive=self.alive, detail=lambda: self.text(offset)[-600:])

    def stop(self, timeout=DEADLINE):
        """SIGTERM, then the exit status (SIGKILL and Fail past the deadline)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.logf.close()
                raise Fail("feedd did not exit within %.0f s of SIGTERM" % timeout)
        self.logf.close()
        return self.proc.returncode


def feed_problems(out, rng):
    """What readers and validators find wrong with the feeds in out: each file
    well-formed, each Atom feed (.xml) valid against the RFC 4287 RELAX NG schema rng,
    and each read by Python's feedparser with its default settings without an
    exception or a bozo flag.  Returns a list of strings (empty: all good)."""
    import feedparser  # noqa: PLC0415 - only the tests that validate need it
    files = [os.path.join(r, f) for r, _, fs in os.walk(out) for f in fs
             if f.endswith((".xml", ".rss"))
             and not is_state(os.path.relpath(os.path.join(r, f), out))]
    problems = []
    for path in sorted(files):
        rel = os.path.relpath(path, out)
        cmd = ["xmllint", "--noout", "--nonet"]
        if path.endswith(".xml"):
            cmd += ["--relaxng", rng]
        r = subprocess.run(cmd + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            problems.append("%s: %s" % (rel, r.stderr.decode(errors="replace").strip()
                                        .splitlines()[0]))
        try:
            d = feedparser.parse(path)
        except Exception as e:  # noqa: BLE001 - any exception is the finding
            problems.append("%s: feedparser raised %r" % (rel, e))
            continue
        if d.bozo:
            problems.append("%s: feedparser: %s" % (rel, d.bozo_exception))
    return problems


def atom_entries(path):
    """(id, published) of every entry of an Atom file."""
    root = ET.parse(path).getroot()
    return [(e.findtext(ATOM + "id"), e.findtext(ATOM + "published"))
            for e in root.findall(ATOM + "entry")]


class Case:
    """One test case's folder under root, with sites, builds and daemons in it."""

    def __init__(self, feedd, root, key):
        self.feedd = feedd
        self.dir = os.path.join(root, key)
        os.makedirs(self.dir)
        self.daemons = []
        self.nfresh = 0

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def site(self, name, config, posts):
        """A site: _config.yml holding config and posts {file name: text}."""
        site = self.path(name)
        os.makedirs(os.path.join(site, "_posts"))
        write(os.path.join(site, "_config.yml"), config)
        for name_, text in posts.items():
            write(os.path.join(site, "_posts", name_), text)
        return site

    def run(self, *args, timeout=SLOW, **kw):
        """Run feedd; (exit status, stderr text).  A hang past timeout fails the case."""
        try:
            r = subprocess.run([self.feedd] + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout, **kw)
        except subprocess.TimeoutExpired:
            raise Fail("feedd %s did not finish within %.0f s" % (" ".join(args), timeout))
        return r.returncode, r.stderr.decode("utf-8", "replace")

    def fresh(self, site, *extra, ids=None):
        """{relpath: bytes} of a fresh build of site into a new folder, holding the kept
        ids ids (bytes of kept_ids) if given."""
        self.nfresh += 1
        dest = self.path("fresh-%d" % self.nfresh)
        seed_ids(dest, ids)
        rc, err = self.run("build", site, "-o", dest, "-q", *extra)
        if rc != 0:
            raise Fail("fresh build exited %d: %s" % (rc, err.strip()))
        return read_tree(dest)

    def daemon(self, site, out, *extra, **popen):
        d = Daemon(self.feedd, ["watch", site, "-o", out, "-v"] + list(extra),
                   self.path("watch-%d.log" % len(self.daemons)), **popen)
        self.daemons.append(d)
        d.wait_log(r"^feedd: watching", "the daemon watching", timeout=SLOW)
        return d

    def converge(self, d, out, site, *extra, what="the daemon's output"):
        """Wait until out equals a fresh build of site (with out's kept ids)."""
        want = {}

        def same():
            want.clear()
            want.update(self.fresh(site, *extra, ids=kept_ids(out)))
            return not tree_diff(out, want)
        wait_until(same, "%s equal to a fresh build" % what, timeout=SLOW, alive=d.alive,
                   interval=0.2, detail=lambda: "; ".join(tree_diff(out, want)))

    def close(self):
        for d in self.daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()


def run_cases(name, cases, case_class=Case):
    """The main of a test made of independent cases [(key, fn(case))]: FEEDD from the
    environment, a skip (77) without inotify, --only KEY,KEY and --keep; one line per
    case; the temporary folder is kept when a case fails.  Returns the exit status."""
    import shutil
    import sys
    import tempfile
    feedd = os.environ.get("FEEDD")
    if not feedd:
        say("FAIL: FEEDD is not set")
        return 1
    feedd = os.path.abspath(feedd)
    why = inotify_available()
    if why:
        say("SKIP: inotify unavailable: %s" % why)
        return 77
    args = sys.argv[1:]
    only = set(args[args.index("--only") + 1].split(",")) if "--only" in args else None
    tmp = tempfile.mkdtemp(prefix="feedd-%s." % name)
    failed = []
    for key, fn in cases:
        if only and key not in only:
            continue
        c = case_class(feedd, tmp, key)
        t = time.monotonic()
        try:
            fn(c)
            say("ok   %s (%.1f s)" % (key, time.monotonic() - t))
        except Fail as e:
            say("FAIL %s: %s" % (key, e))
            failed.append(key)
        finally:
            c.close()
    if failed or "--keep" in args:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def jsonfeed_reader(workdir):
    """Build tests/sys/jsonfeed-read.go (gofeed, Debian's golang-github-mmcdole-gofeed-dev)
    into workdir.  Returns (path of the program, None), or (None, why not) when Go or
    gofeed is missing or the build fails."""
    import shutil
    if not shutil.which("go"):
        return None, "go is not installed (Debian: golang-go)"
    gopath = "/usr/share/gocode"
    if not os.path.isdir(os.path.join(gopath, "src/github.com/mmcdole/gofeed")):
        return None, "gofeed is not installed (Debian: golang-github-mmcdole-gofeed-dev)"
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jsonfeed-read.go")
    out = os.path.join(workdir, "jsonfeed-read")
    env = dict(os.environ, GO111MODULE="off", GOPATH=gopath, GOFLAGS="", CGO_ENABLED="0")
    env.setdefault("GOCACHE", os.path.join(os.environ.get("HOME") or workdir, ".cache", "go-build"))
    r = subprocess.run(["go", "build", "-o", out, src], env=env, capture_output=True, timeout=600)
    if r.returncode != 0:
        return None, "go build of jsonfeed-read failed: %s" % r.stderr.decode(errors="replace")[-400:]
    return out, None


def read_with_gofeed(reader, paths):
    """What gofeed made of each file or URL: {path: result dict} (see jsonfeed-read.go)."""
    import json
    res = {}
    paths = list(paths)
    for i in range(0, len(paths), 200):
        r = subprocess.run([reader] + paths[i:i + 200], capture_output=True, timeout=300)
        if r.returncode != 0:
            raise Fail("jsonfeed-read failed: %s" % r.stderr.decode(errors="replace")[-400:])
        for line in r.stdout.decode().splitlines():
            d = json.loads(line)
            res[d["path"]] = d
    return res
