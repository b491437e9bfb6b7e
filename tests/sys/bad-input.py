#!/usr/bin/python3
"""bad-input: hostile inputs through the real binary, in both modes.

Each case of the table in build_cases() puts one kind of bad input -- a malformed
post, a special file, a name that tries to leave the output folder, a file too large,
an alias bomb -- into a copy of a small good site (12 posts in 3 categories, 2 tags
each) and runs, with the real binary:

  watch  `feedd watch SITE -o OUT-WATCH` on the good site; once it is watching, the bad
         input is created in place (one open/write/close, mkfifo, bind, symlink ...),
         then a sentinel post (old, alone in category "zzsentinel"). When the sentinel's
         feed appears, every event before it has been handled.
  build  `feedd build SITE -o OUT-BUILD` of the same site, now holding the bad input;
         this is also the fresh build the daemon's output must equal.

Checked for each mode: build exits 0, the daemon stays alive and exits 0 on SIGTERM;
no sanitizer report; the number of warnings naming the bad file -- exactly one for
"skipped with warning", "published with warning" and "refused or capped with warning",
none for "published" -- on one line, with the line number when the case gives one; no
other warning or error; time (bombs: < 5 s) and peak memory (VmHWM) within the case's
budget, a memory bomb being killed before it takes the machine. Then: the daemon's
output equals the fresh build byte for byte (.feedd/manifest included); a skipped
post's build equals the good site's build; a published post's build differs from it
only in feed.xml, feed.rss, the manifest and new files (exactly the files named by a
mirror of feedname_safe where the case lists them), all well-formed XML, with the
post's title in feed.xml; the manifest lists exactly the files written; nothing under
OUT is a link or resolves outside OUT, and no file appeared beside OUT, in the test's
folder or in its parent (/tmp).

Expectations follow Jekyll where it decides (a post without front matter is published;
an empty `date:` takes the file name's date); what Jekyll cannot publish is "skipped
with warning". Special cases: "unreadable" runs feedd as nobody when the test runs as
root (root reads a chmod 000 file); "vanish" creates and deletes a post 500 times under
the daemon (it must converge) and during 12 builds (each exits 0 and writes the site
with or without the post, or warns); "bulk-100k" writes BULK_POSTS tiny posts with
os.open/os.write and is built only.

Environment: FEEDD (feedd binary, required), top_srcdir (unused). Exit 0 pass, 1 fail,
77 skip (no inotify). Development options: --keep (keep the temporary folder),
--only KEY,KEY (run only these cases), --list (print the table). The binary is copied
into the temporary folder first, so a rebuild during the run cannot change it. On
failure the temporary folder is kept, with each failed case's site, outputs and logs
(NN-KEY/site, out-build, out-watch, build.err, watch.log).
"""

import hashlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

from feeddtest import (DEADLINE, Fail, inotify_available, is_state, list_tree, manifest_paths, say,
                       wait_until)

SKIP = 77
ATOM = "{http://www.w3.org/2005/Atom}"
MB = 1024 * 1024

SKIPPED = "skipped with warning"
WARNED = "published with warning"
CLEAN = "published"
LIMITED = "refused or capped with warning"

# 100,000 tiny posts take ~4 s to write and ~1-4 s to build on a loaded 2-core machine;
# lower this (and say so) if that case alone goes over a minute.
BULK_POSTS = 100000

NOBODY = 65534
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                       r"runtime error:|Segmentation fault|core dumped")

CONFIG = """\
title: Bad Input
url: https://bad.example.org
timezone: Asia/Shanghai
author: Tester
"""
CATS = ["alpha", "beta", "gamma"]
SENTINEL = "_posts/2000-01-01-zz-sentinel.md"
SENTINEL_FEED = "feed/zzsentinel.xml"
# Files every published post may change: the site feed, the lists of all feeds
# (feeds/: counts and dates) and feedd's own.
SITE_FILES = {"feed.xml", "feed.rss", ".feedd/manifest", ".feedd/lock", "feeds/index.html",
              "feeds/index.json", "feeds/feeds.opml", "feeds/autodiscovery.json"}


# ---------------------------------------------------------------- helpers

def put(site, rel, data, mode=0o644):
    """Write data (bytes, or an iterable of bytes chunks) with one open and one close,
    as an editor or cp would: the daemon sees one IN_CLOSE_WRITE."""
    path = os.path.join(site, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        for chunk in ([data] if isinstance(data, bytes) else data):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return path


def post(title, date=b"2024-06-01 10:00:00 +0800", extra=b"", body=b"Body.\n"):
    """A good post's bytes with some front matter lines added."""
    t = title if isinstance(title, bytes) else title.encode()
    return (b"---\ntitle: \"" + t + b"\"\ndate: " + date + b"\n" + extra + b"---\n\n" + body)


def yq(s):
    """A YAML double-quoted scalar (control characters as escapes)."""
    out = []
    for ch in s:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def flow(names):
    return ("[" + ", ".join(yq(n) for n in names) + "]").encode()


def digest(root):
    """{relpath: (size, sha1)} of every file under root; {} if root is missing."""
    res = {}
    if not os.path.isdir(root):
        return res
    for rel in list_tree(root):
        h = hashlib.sha1()
        size = 0
        try:
            with open(os.path.join(root, rel), "rb") as f:
                for chunk in iter(lambda: f.read(MB), b""):
                    h.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            continue        # renamed or removed while listed (a daemon at work)
        except OSError as e:
            res[rel] = ("unreadable", str(e))
            continue
        res[rel] = (size, h.hexdigest())
    return res


def tree_diff(have, want, what, limit=5):
    """Differences between two digests, [] when equal."""
    diffs = []
    extra = sorted(set(have) - set(want))
    missing = sorted(set(want) - set(have))
    differ = sorted(r for r in set(have) & set(want) if have[r] != want[r])
    if extra:
        diffs.append("%d extra file(s) %s: %s" % (len(extra), what, ", ".join(map(repr, extra[:limit]))))
    if missing:
        diffs.append("%d file(s) missing %s: %s" % (len(missing), what, ", ".join(map(repr, missing[:limit]))))
    if differ:
        diffs.append("%d file(s) differ %s: %s" % (len(differ), what, ", ".join(map(repr, differ[:limit]))))
    return diffs


def proc_kb(pid, field="VmRSS"):
    """A /proc/PID/status memory field in KB (0 once the process has exited)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def mbs(kb):
    """' N MB' for a sampled peak, '' when the process ended before a sample."""
    return " %d MB" % max(1, kb // 1024) if kb else ""


def wellformed(path):
    """None if the file is well-formed XML, else the parser's message (streamed, so a
    90 MB feed costs no memory here)."""
    import xml.parsers.expat
    parser = xml.parsers.expat.ParserCreate()
    try:
        with open(path, "rb") as f:
            parser.ParseFile(f)
    except xml.parsers.expat.ExpatError as e:
        return str(e)
    return None


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def safe_name(name):
    """Mirror of feedname_safe (src/feedname.c): the file name feedd must use."""
    raw = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
    out = bytearray()
    for i, c in enumerate(raw):
        if c < 0x20 or c == 0x7f or c in b"/\\%" or (c == 0x2e and i == 0):
            out += b"%%%02X" % c
        else:
            out.append(c)
    if len(out) > 200:
        # As documented ("names longer than 200 bytes are shortened with a hash"): cut at
        # 215 bytes, or at the end of a shorter name, then "~" and the hash.
        cut = min(215, len(out))
        while 0 < cut < len(out) and (out[cut] & 0xc0) == 0x80:
            cut -= 1
        if cut >= 2 and out[cut - 2] == 0x25:
            cut -= 2
        elif cut >= 1 and out[cut - 1] == 0x25:
            cut -= 1
        out = out[:cut] + b"~%016x" % fnv1a64(raw)
    return os.fsdecode(bytes(out))


def feed_files(cats=(), tags=()):
    res = set()
    for c in cats:
        res |= {"feed/%s.xml" % safe_name(c), "feed/%s.rss" % safe_name(c)}
    for t in tags:
        res |= {"feed/by_tag/%s.xml" % safe_name(t), "feed/by_tag/%s.rss" % safe_name(t)}
    return res


def atom_entries(path, content=True):
    """[(title, content)] of an Atom file, streamed (content None unless asked for)."""
    res = []
    for _ev, e in ET.iterparse(path):
        if e.tag == ATOM + "entry":
            t = e.find(ATOM + "title")
            c = e.find(ATOM + "content") if content else None
            res.append((t.text if t is not None else None, c.text if c is not None else None))
            e.clear()
    return res


# ---------------------------------------------------------------- running feedd

class Ran:
    """One finished feedd run."""

    def __init__(self, rc, err, secs, peak_kb, killed):
        self.rc, self.err, self.secs, self.peak_kb, self.killed = rc, err, secs, peak_kb, killed


class MemWatch:
    """Kills a registered process whose resident memory passes its hard limit, so a
    memory bomb cannot take the machine (or the other tests) down."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pids = {}           # pid -> [limit_kb, killed_at_kb]
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def add(self, pid, limit_kb):
        with self.lock:
            self.pids[pid] = [limit_kb, 0]

    def remove(self, pid):
        with self.lock:
            return self.pids.pop(pid, [0, 0])[1]

    @staticmethod
    def ours(pid):
        """Whether pid is still a child of this test (never kill anything else)."""
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
            return int(st[st.rindex(")") + 2:].split()[1]) == os.getpid()
        except (OSError, ValueError, IndexError):
            return False

    def _run(self):
        while not self.stop:
            with self.lock:
                items = list(self.pids.items())
            for pid, rec in items:
                kb = proc_kb(pid)
                if kb > rec[0] and not rec[1] and self.ours(pid):
                    rec[1] = kb
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            time.sleep(0.01)


class Ctx:
    def __init__(self, feedd, tmp, keep):
        self.feedd = feedd
        self.tmp = tmp
        self.keep = keep
        self.asan = False
        with open(feedd, "rb") as f:
            self.asan = b"__asan_init" in f.read()
        self.mem = MemWatch()
        self.daemons = []
        self.root = os.geteuid() == 0
        self.base_site = os.path.join(tmp, "base-site")
        self.escape_tag = "feedd-escape-%d" % os.getpid()
        self.parent = os.path.dirname(tmp)
        self.parent_before = set(os.listdir(self.parent))

    def limit_kb(self, budget_mb):
        """Hard kill limit for a case's memory budget."""
        mb = max(2 * budget_mb, 768)
        return (mb * 2 if self.asan else mb) * 1024

    def spawn(self, args, errf, budget_mb, user=None):
        kw = {}
        if user is not None:
            kw = dict(user=user, group=user, extra_groups=[])
        p = subprocess.Popen([self.feedd] + args, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=errf, **kw)
        if not self.asan:   # ASan reserves terabytes of address space
            try:
                lim = 4096 * MB
                resource.prlimit(p.pid, resource.RLIMIT_AS, (lim, lim))
            except (OSError, ValueError):
                pass
        self.mem.add(p.pid, self.limit_kb(budget_mb))
        return p

    def reap(self, p, timeout):
        """Wait for p (killing it at the deadline); (status, peak_kb, note). The peak is
        VmHWM sampled every 5 ms: wait4's ru_maxrss would count this Python process,
        whose pages the child had between fork and exec."""
        end = time.monotonic() + timeout
        note = None
        peak = 0
        while True:
            peak = max(peak, proc_kb(p.pid, "VmHWM"))
            pid, status, _ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > end and note is None:
                note = "still running after %.0f s: killed" % timeout
                p.kill()
            time.sleep(0.005)
        killed_kb = self.mem.remove(p.pid)
        if killed_kb:
            note = "killed at %d MB resident (memory bomb)" % (killed_kb // 1024)
        p.returncode = os.waitstatus_to_exitcode(status)
        return p.returncode, peak, note

    def build(self, site, out, errpath, budget_mb, timeout, user=None):
        t0 = time.monotonic()
        with open(errpath, "wb") as errf:
            p = self.spawn(["build", site, "-o", out], errf, budget_mb, user)
            rc, peak, note = self.reap(p, timeout)
        secs = time.monotonic() - t0
        with open(errpath, "rb") as f:
            err = f.read().decode("utf-8", "surrogateescape")
        return Ran(rc, err, secs, peak, note)


class Daemon:
    def __init__(self, ctx, site, out, log, budget_mb, user=None):
        self.ctx = ctx
        self.log = log
        with open(log, "ab") as errf:
            self.p = ctx.spawn(["watch", site, "-o", out], errf, budget_mb, user)
        ctx.daemons.append(self.p)
        self.result = None

    def text(self, off=0):
        with open(self.log, "rb") as f:
            f.seek(off)
            return f.read().decode("utf-8", "surrogateescape")

    def size(self):
        return os.path.getsize(self.log)

    def alive(self):
        if self.p.poll() is None:
            return
        killed = self.ctx.mem.remove(self.p.pid)
        why = "killed at %d MB resident" % (killed // 1024) if killed else \
            "exit status %s" % self.p.returncode
        tail = " | ".join(self.text().strip().split("\n")[-4:])
        raise Fail("the daemon died (%s); log: %s" % (why, tail[-600:]))

    def stop(self, timeout=DEADLINE):
        """SIGTERM; (exit status, peak_kb, note)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            res = self.ctx.reap(self.p, timeout)
        except ChildProcessError:       # reaped already by poll()
            res = (self.p.returncode, 0, None)
        finally:
            self.ctx.mem.remove(self.p.pid)
        if self.p in self.ctx.daemons:
            self.ctx.daemons.remove(self.p)
        return res


# ---------------------------------------------------------------- warnings

def warning_report(text, paths, line=None):
    """{path: count} of messages naming path, and problems with their form."""
    counts, problems = {}, []
    for path in paths:
        # feedd escapes control characters in messages (\x0a for a newline), so a file
        # name can neither break a warning into lines nor forge a log line.
        shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: "\\x%02x" % ord(m.group()), path)
        key = shown + ":"
        n = 0
        start = 0
        while True:
            i = text.find(key, start)
            if i < 0:
                break
            n += 1
            start = i + len(key)
            bol = text.rfind("\n", 0, i) + 1
            eol = text.find("\n", start)
            eol = len(text) if eol < 0 else eol
            if not text.startswith(("feedd: warning: ", "feedd: error: "), bol):
                problems.append("a message naming %s does not start a `feedd: warning:` line: %r"
                                % (os.path.basename(path), text[bol:eol][:200]))
            msg = text[start:eol]
            if line is not None and not msg.startswith("%d:" % line):
                problems.append("warning about %s gives %r, expected line %d"
                                % (os.path.basename(path), msg[:60], line))
            if not msg.strip(" 0123456789:"):
                problems.append("empty warning about %s" % os.path.basename(path))
        counts[path] = n
    return counts, problems


def other_messages(text, paths):
    """Warning, error and sanitizer lines that name no bad path."""
    res = []
    for ln in text.split("\n"):
        if not (ln.startswith(("feedd: warning:", "feedd: error:")) or SANITIZER.search(ln)):
            continue
        if any(re.sub(r"[\x00-\x1f\x7f]", lambda m: "\\x%02x" % ord(m.group()), p) + ":" in ln
               for p in paths):
            continue
        res.append(ln[:300])
    return res


# ---------------------------------------------------------------- cases

class Case:
    def __init__(self, key, desc, expect, make, line=None, modes="bw", title=None,
                 budget_mb=256, max_s=None, timeout=60.0, new_files=None, extra=None,
                 as_nobody=False, out_mb=None):
        self.key, self.desc, self.expect, self.make = key, desc, expect, make
        self.line, self.modes, self.title = line, modes, title
        self.budget_mb, self.max_s, self.timeout = budget_mb, max_s, timeout
        self.new_files = new_files      # exact set of new output files (published)
        self.extra = extra              # fn(ctx, out) -> [problems]
        self.as_nobody = as_nobody
        self.out_mb = out_mb            # budget for the whole output folder


def one(rel, data):
    """make(): write one bad file at rel."""
    return lambda ctx, site: [put(site, rel, data)]


def bad(key, ext="md", date="2024-06-01"):
    return "_posts/%s-%s.%s" % (date, key, ext)


def mk_fifo(ctx, site):
    p = os.path.join(site, bad("fifo"))
    os.mkfifo(p)
    return [p]


def mk_socket(ctx, site):
    p = os.path.join(site, bad("socket"))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(p)
    finally:
        s.close()
    return [p]


def mk_dir(ctx, site):
    p = os.path.join(site, bad("dir"))
    os.mkdir(p)
    return [p]


def mk_dangling(ctx, site):
    p = os.path.join(site, bad("dangling"))
    os.symlink("2024-06-01-nowhere.md", p)
    return [p]


def mk_loop(ctx, site):
    p = os.path.join(site, bad("loop"))
    os.symlink(os.path.basename(p), p)
    return [p]


def mk_outside(ctx, site):
    # A good post outside the site: if the link were followed, "Outside" would appear.
    target = put(os.path.dirname(site), "outside/2024-06-01-outside.md", post("Outside"))
    p = os.path.join(site, bad("outside"))
    os.symlink(target, p)
    return [p]


def mk_unreadable(ctx, site):
    p = put(site, bad("unreadable"), post("Unreadable"))
    os.chmod(p, 0)
    return [p]


def mk_names(posts):
    """make() for several good posts: [(rel, bytes)]."""
    return lambda ctx, site: [put(site, rel, data) for rel, data in posts]


def laughs(levels, leaf_list):
    lines = [b"---", b"title: \"Laughs\"", b"date: 2024-06-01 10:00:00 +0800",
             b"a0: &a0 " + (b"[lol]" if leaf_list else b"lol")]
    for i in range(1, levels):
        lines.append(b"a%d: &a%d [%s]" % (i, i, b", ".join([b"*a%d" % (i - 1)] * 10)))
    lines.append(b"tags: *a%d" % (levels - 1))
    lines += [b"---", b"", b"Body.", b""]
    return b"\n".join(lines)


def big_post(title, size):
    para = (b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
            b"tempor incididunt ut labore [a link](rel/x.html) et dolore.\n\n")
    head = post(title, extra=b"categories: big\n", body=b"")
    n = (size - len(head)) // len(para) + 1

    def chunks():
        yield head
        block = para * (MB // len(para))
        left = n
        per = MB // len(para)
        while left > 0:
            k = min(per, left)
            yield block if k == per else para * k
            left -= k
    return lambda ctx, site: [put(site, bad(title.lower()), chunks())]


def mk_bulk(ctx, site):
    """BULK_POSTS tiny posts in one folder, older than the good site's posts."""
    d = os.path.join(site, "_posts")
    body = b"---\ncategories: bulk\ntags: [bulk]\n---\nx\n"
    t0 = time.monotonic()
    for i in range(BULK_POSTS):
        fd = os.open("%s/2020-%02d-%02d-b%06d.md" % (d, 1 + i % 12, 1 + i % 28, i),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, body)
        os.close(fd)
    ctx.note = "%d posts written in %.1f s" % (BULK_POSTS, time.monotonic() - t0)
    return []


def check_bulk(ctx, out):
    p = os.path.join(out, "feed", "bulk.xml")
    if not os.path.exists(p):
        return ["feed/bulk.xml missing"]
    n = len(atom_entries(p))
    return [] if n == 10 else ["feed/bulk.xml has %d entries, expected 10" % n]


def check_cdata(ctx, out):
    probs = []
    ents = [c for t, c in atom_entries(os.path.join(out, "feed.xml")) if t == "Bad cdata"]
    if not ents or "]]>" not in (ents[0] or ""):
        probs.append("feed.xml: the entry's content lost its ']]>' text: %r" % (ents[:1],))
    root = ET.parse(os.path.join(out, "feed.rss")).getroot()
    enc = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for item in root.iter("item"):
        if (item.findtext("title") or "") == "Bad cdata":
            if "]]>" not in (item.findtext(enc) or ""):
                probs.append("feed.rss: content:encoded lost its ']]>' text")
            break
    else:
        probs.append("feed.rss: no item 'Bad cdata'")
    return probs


def check_not_followed(ctx, out):
    titles = [t for t, _ in atom_entries(os.path.join(out, "feed.xml"))]
    return ["the symlink was followed: 'Outside' is in feed.xml"] if "Outside" in titles else []


def check_crlf(ctx, out):
    titles = [t for t, _ in atom_entries(os.path.join(out, "feed.xml"))]
    return [] if "Bad crlf" in titles else ["no entry titled exactly 'Bad crlf': %r" % titles[:3]]


def names_case(key, desc, cats, tags, cats2=None, tags2=None):
    """Good posts whose category and tag names try to escape or collide."""
    posts = [(bad(key), post("Bad " + key, extra=b"categories: " + flow(cats) + b"\ntags: " +
                              flow(tags) + b"\n"))]
    files = feed_files(cats, tags)
    if cats2 is not None:
        posts.append((bad(key + "-2", date="2024-06-02"),
                      post("Bad " + key + " 2", date=b"2024-06-02 10:00:00 +0800",
                           extra=b"categories: " + flow(cats2) + b"\ntags: " + flow(tags2) + b"\n")))
        files |= feed_files(cats2, tags2)
    return Case(key, desc, CLEAN, mk_names(posts), title="Bad " + key, new_files=files)


def build_cases(ctx):
    esc = "../../../../../../../../../../../../tmp/" + ctx.escape_tag
    long_cjk = "长" * 100                                   # 300 bytes
    prefix = "p" * 214
    C = [
        # --- front matter
        Case("yaml-invalid", "invalid YAML (unclosed flow list)", SKIPPED,
             one(bad("yaml-invalid"), b"---\ntitle: \"Bad yaml\"\ntags: [a, b\n"
                 b"date: 2024-06-01 10:00:00 +0800\n---\n\nBody.\n"), line=3),
        Case("yaml-tab-indent", "invalid YAML (tab indentation, bad mapping)", SKIPPED,
             one(bad("yaml-tab-indent"), b"---\ntitle: \"Bad tab\"\n\tdate: x\n  : : :\n---\n\nBody.\n")),
        Case("fm-unclosed", "front matter not closed", SKIPPED,
             one(bad("fm-unclosed"), b"---\ntitle: \"Bad unclosed\"\n\nBody.\n"), line=1),
        Case("fm-second-line", "`---` not on the first line (Jekyll: no front matter)", WARNED,
             one(bad("fm-second-line"), b"\n---\ntitle: \"X\"\n---\n\nBody.\n"), line=1,
             title="Fm Second Line"),
        Case("fm-scalar", "front matter that is a scalar, not a mapping", SKIPPED,
             one(bad("fm-scalar"), b"---\njust some text\n---\n\nBody.\n"), line=2),
        Case("fm-list", "front matter that is a list", SKIPPED,
             one(bad("fm-list"), b"---\n- a\n- b\n---\n\nBody.\n"), line=2),
        Case("crlf", "CRLF line endings (a Windows editor)", CLEAN,
             one(bad("crlf"), b"---\r\ntitle: \"Bad crlf\"\r\ndate: 2024-06-01 10:00:00 +0800\r\n"
                 b"---\r\n\r\nBody.\r\n"), title="Bad crlf", extra=lambda c, o: check_crlf(c, o)),
        Case("empty", "empty file (Jekyll publishes it)", WARNED, one(bad("empty"), b""),
             line=1, title="Empty"),
        Case("binary", "binary file (PNG header, NUL bytes)", SKIPPED,
             one(bad("binary"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64),
             line=3),
        Case("binary-no-nul", "binary garbage without NUL bytes (no front matter)", WARNED,
             one(bad("binary-no-nul"), bytes(range(1, 256)) * 64), line=1,
             title="Binary No Nul"),
        Case("utf8-title", "invalid UTF-8 in the title (YAML refuses it)", SKIPPED,
             one(bad("utf8-title"), b"---\ndate: 2024-06-01 10:00:00 +0800\n"
                 b"title: \"caf\xe9 \xff\xfe\"\n---\n\nBody.\n"), line=3),
        Case("utf8-body", "invalid UTF-8 in the body (U+FFFD)", WARNED,
             one(bad("utf8-body"), post("Bad utf8-body", body=b"First.\n\nbad \xff\xfe here\n")),
             line=8, title="Bad utf8-body"),
        Case("nul-fm", "NUL byte in the front matter", SKIPPED,
             one(bad("nul-fm"), b"---\ndate: 2024-06-01 10:00:00 +0800\ntitle: \"a\x00b\"\n---\n\nBody.\n"),
             line=3),
        Case("nul-body", "NUL byte in the body", SKIPPED,
             one(bad("nul-body"), post("Bad nul-body", body=b"First.\n\nx\x00y\n")), line=8),
        Case("ctrl-title-escaped", "XML-forbidden controls as YAML escapes in the title", CLEAN,
             one(bad("ctrl-title-escaped"), post(b"Bad \\x01ctrl\\x0b\\x1f title\\uFFFE")),
             title="Bad ctrl title"),
        Case("ctrl-title-raw", "raw C0 control byte in the title (YAML refuses it)", SKIPPED,
             one(bad("ctrl-title-raw"), b"---\ndate: 2024-06-01 10:00:00 +0800\n"
                 b"title: \"a\x01b\"\n---\n\nBody.\n"), line=3),
        Case("ctrl-body", "raw XML-forbidden control bytes in the body", CLEAN,
             one(bad("ctrl-body"), post("Bad ctrl-body", body=b"a\x01b\x0bc\x0cd\x1fe\x7f f\xef\xbf\xbe.\n")),
             title="Bad ctrl-body"),
        Case("cdata", "`]]>` in the body", CLEAN,
             one(bad("cdata"), post("Bad cdata", body=b"One ]]> two ]]]]> <![CDATA[ x ]]> end.\n")),
             title="Bad cdata", extra=check_cdata),
        Case("title-map", "title that is a mapping", SKIPPED,
             one(bad("title-map"), b"---\ndate: 2024-06-01 10:00:00 +0800\ntitle: {a: b}\n---\n\nBody.\n"),
             line=3),
        Case("title-list", "title that is a list", SKIPPED,
             one(bad("title-list"), b"---\ndate: 2024-06-01 10:00:00 +0800\ntitle: [a, b]\n---\n\nBody.\n"),
             line=3),
        # --- dates
        Case("date-empty", "`date:` empty (Jekyll 4.3 refuses it, measured)", SKIPPED,
             one(bad("date-empty"), post("Bad date-empty", date=b"")), line=3),
        Case("date-empty-quoted", "`date: \"\"`", SKIPPED,
             one(bad("date-empty-quoted"), post("Bad", date=b'""')), line=3),
        Case("date-offset-only", "`date: +0800` alone", SKIPPED,
             one(bad("date-offset-only"), post("Bad", date=b"+0800")), line=3),
        Case("date-month-13", "date with month 13", SKIPPED,
             one(bad("date-month-13"), post("Bad", date=b"2024-13-01 10:00:00 +0800")), line=3),
        Case("date-year-99999", "date in year 99999", SKIPPED,
             one(bad("date-year-99999"), post("Bad", date=b"99999-01-01 10:00:00 +0800")), line=3),
        Case("date-offset-2500", "date with offset +2500", SKIPPED,
             one(bad("date-offset-2500"), post("Bad", date=b"2024-06-01 10:00:00 +2500")), line=3),
        Case("name-date-invalid", "a file name with an impossible date (2024-13-45)",
             SKIPPED, lambda ctx, site: [put(site, "_posts/2024-13-45-name-date.md",
                                             b"---\ntitle: \"Bad name date\"\n---\n\nBody.\n")]),
        # Jekyll (Ruby's Time) rolls Feb 29 of a common year over to Mar 1, as measured.
        Case("name-date-rollover", "a file name dated 2025-02-29 (Jekyll: Mar 1)", CLEAN,
             one("_posts/2025-02-29-name-date.md", b"---\ntitle: \"Rolled name date\"\n---\n\n"
                 b"Body.\n"), title="Rolled name date"),
        # --- categories and tags
        Case("cats-numbers", "categories and tags that are numbers", CLEAN,
             one(bad("cats-numbers"), post("Bad cats-numbers", extra=b"categories: 42\ntags: [1, 2.5, 0x1F]\n")),
             title="Bad cats-numbers", new_files=feed_files(["42"], ["1", "2.5", "0x1F"])),
        Case("cats-bools", "categories and tags that are booleans", CLEAN,
             one(bad("cats-bools"), post("Bad cats-bools", extra=b"categories: [true, no]\ntags: false\n")),
             title="Bad cats-bools", new_files=feed_files(["true", "no"], ["false"])),
        Case("cats-nested", "categories and tags in nested lists", CLEAN,
             one(bad("cats-nested"), post("Bad cats-nested",
                                          extra=b"categories: [n1, [n2, [n3]]]\ntags: [[t1], [[t2]]]\n")),
             title="Bad cats-nested", new_files=feed_files(["n1", "n2", "n3"], ["t1", "t2"])),
        Case("cats-empty", "empty category and tag names", CLEAN,
             one(bad("cats-empty"), post("Bad cats-empty", extra=b"categories: [\"\", e1]\ntags: [\"\"]\n")),
             title="Bad cats-empty", new_files=feed_files(["e1"], [])),
        Case("cats-mapping", "categories that are a mapping", SKIPPED,
             one(bad("cats-mapping"), post("Bad", extra=b"categories: {a: b}\n")), line=4),
        # Published whole, each of its 20,000 feeds would repeat its 20,000 names: 16 GB.
        Case("cats-10000", "10,000 categories and 10,000 tags on one post", LIMITED,
             one(bad("cats-10000"), post("Bad cats-10000",
                                         extra=b"categories: " + flow(["c%05d" % i for i in range(10000)]) +
                                         b"\ntags: " + flow(["t%05d" % i for i in range(10000)]) + b"\n")),
             budget_mb=512, max_s=10.0, timeout=10.0, out_mb=64),
        Case("cats-100k-long", "a category and a tag 100 KB long", CLEAN,
             one(bad("cats-100k-long"), post("Bad cats-100k-long",
                                             extra=b"categories: " + flow(["c" * 102400]) +
                                             b"\ntags: " + flow(["\u00e9" * 51200]) + b"\n")),
             title="Bad cats-100k-long", new_files=feed_files(["c" * 102400], ["\u00e9" * 51200])),
        # --- YAML bombs
        Case("laughs-10x10", "billion laughs: 10 levels of 10 aliases (lists)", SKIPPED,
             one(bad("laughs-10x10"), laughs(10, True)), max_s=5.0, timeout=10.0),
        Case("laughs-scalar", "billion laughs: 9 levels of 10 aliases of a scalar (1e8 names)",
             SKIPPED, one(bad("laughs-scalar"), laughs(9, False)), max_s=5.0, timeout=10.0),
        Case("laughs-title", "billion laughs aliased as the title", SKIPPED,
             one(bad("laughs-title"), laughs(10, True).replace(b"tags: *a9", b"title2: x\ntitle: *a9")
                 .replace(b"title: \"Laughs\"\n", b"")), max_s=5.0, timeout=10.0),
        Case("nest-100-cats", "categories nested 100 levels deep", SKIPPED,
             one(bad("nest-100-cats"), post("Bad", extra=b"categories: " + b"[" * 100 + b"x" + b"]" * 100 + b"\n")),
             line=4),
        Case("nest-100-junk", "an unknown key nested 100 levels (lists and mappings)", CLEAN,
             one(bad("nest-100-junk"), post("Bad nest-100-junk", extra=b"junk: " + b"[" * 100 + b"x" +
                                            b"]" * 100 + b"\njunk2: " + b"{a: " * 100 + b"x" + b"}" * 100 + b"\n")),
             title="Bad nest-100-junk"),
        Case("nest-100k", "an unknown key nested 100,000 levels (100 KB of front matter)",
             SKIPPED, one(bad("nest-100k"), post("Bad nest-100k", extra=b"junk: " + b"[" * 100000 +
                                                b"x" + b"]" * 100000 + b"\n")),
             max_s=5.0, timeout=10.0),
        # --- size
        # Under AddressSanitizer every byte costs ~50x: 5 MB stands for 50 there.
        Case("big-50mb", "a 50 MB post (under POST_MAX_BYTES)", CLEAN,
             big_post("Big50", (5 if ctx.asan else 50) * MB),
             title="Big50", budget_mb=1024, timeout=120.0),
        Case("big-70mb", "a 70 MB post (over POST_MAX_BYTES: refused)", SKIPPED,
             big_post("Big70", 70 * MB), budget_mb=256, timeout=60.0),
        Case("bulk-100k", "%d tiny posts in one folder (build only)" % BULK_POSTS, CLEAN, mk_bulk,
             modes="b", budget_mb=512, timeout=120.0,
             new_files=feed_files(["bulk"], ["bulk"]), extra=check_bulk),
        # --- files that are not regular files
        Case("fifo", "a post file that is a FIFO", SKIPPED, mk_fifo),
        Case("socket", "a post file that is a socket", SKIPPED, mk_socket),
        Case("dir", "a directory named like a post", SKIPPED, mk_dir),
        Case("symlink-dangling", "a dangling symlink", SKIPPED, mk_dangling),
        Case("symlink-loop", "a symlink loop", SKIPPED, mk_loop),
        Case("symlink-outside", "a symlink to a good post outside the site", SKIPPED, mk_outside,
             extra=check_not_followed),
        Case("unreadable", "a post the daemon cannot open (chmod 000%s)" %
             (", feedd run as nobody" if ctx.root else ""), SKIPPED, mk_unreadable,
             as_nobody=ctx.root),
        Case("vanish", "a file that disappears between the event and the read", "vanish", None),
        # --- names that try to escape or collide
        names_case("names-dotdot", "category and tag names with ../", ["../../etc", esc, ".."],
                   ["../../etc", esc, "."]),
        names_case("names-abs", "absolute category and tag names", ["/abs", "/tmp/" + ctx.escape_tag],
                   ["/abs", "/etc/passwd"]),
        names_case("names-slash", "names with / and \\", ["a/b", "a\\b", "a/../../b"], ["a/b", "/"]),
        names_case("names-dots", "names ., .., ..., .hidden", [".", "...", ".hidden"],
                   ["..", ".feedd-manifest", ".feedd-tmp-x.xml.AAAAAA"]),
        names_case("names-long", "names of 205 to 1000 bytes, two sharing 214 bytes",
                   ["x" * 205, "x" * 256, long_cjk, prefix + "a" * 100, prefix + "b" * 100],
                   ["y" * 1000, "%" * 300, "a/" * 150]),
        names_case("names-case", "names differing only in case (two feeds each)",
                   ["TechWeb"], ["TechWeb"], ["Techweb"], ["Techweb"]),
        names_case("names-nfc-nfd", "names differing only in Unicode normalisation",
                   ["caf\u00e9"], ["caf\u00e9"], ["cafe\u0301"], ["cafe\u0301"]),
        names_case("names-collide", "names built to collide after encoding",
                   ["a/b", "a%2Fb", "a%252Fb", ".x", "%2Ex", "x.xml", "x", "by_tag", "x" * 200,
                    "x" * 201, "feed", "a\\b", "a%5Cb"],
                   ["a/b", "a%2Fb", "x", "x.rss", "x.xml", "by_tag/x", "\u00e9" * 100,
                    "\u00e9" * 101]),
        names_case("names-ctrl", "names with control characters (YAML escapes)",
                   ["tab\there", "nl\nhere", "del\x7fhere"], ["bell\x07", "\x01"]),
        Case("permalinks", "permalinks ../../etc, /abs, a/b, .., .", CLEAN,
             mk_names([(bad("perm-%d" % i), post("Bad perm %d" % i, extra=b"permalink: " + yq(p).encode() + b"\n"))
                       for i, p in enumerate(["../../etc", "/abs", "a/b", "..", ".", "/../../../../etc/x"])]),
             title="Bad perm 0"),
        # --- names of files and folders
        Case("folder-bad-utf8", "a category folder whose name is invalid UTF-8", CLEAN,
             one(os.fsdecode(b"bad\xffcat/_posts/2024-06-01-folder.md"), post("Bad folder-utf8")),
             title="Bad folder-utf8", new_files=feed_files([os.fsdecode(b"bad\xffcat")])),
        Case("folder-ctrl", "a category folder whose name holds a control character", CLEAN,
             one("ctl\x01cat/_posts/2024-06-01-folder.md", post("Bad folder-ctrl")),
             title="Bad folder-ctrl", new_files=feed_files(["ctl\x01cat"])),
        Case("filename-bad-utf8", "a post file name with invalid UTF-8, no title", CLEAN,
             one(os.fsdecode(b"_posts/2024-06-01-\xff\xfe.md"),
                 b"---\ndate: 2024-06-01 10:00:00 +0800\n---\n\nBody.\n")),
        Case("filename-newline", "a post file name with a newline, no front matter", WARNED,
             one("_posts/2024-06-01-a\nb.md", b"Body.\n"), line=1),
    ]
    return C


# ---------------------------------------------------------------- the run

class Runner:
    def __init__(self, ctx):
        self.ctx = ctx
        self.failures = []

    # -- setup

    def setup(self):
        site = self.ctx.base_site
        put(site, "_config.yml", CONFIG.encode())
        for i in range(12):
            put(site, "_posts/2024-01-%02d-good-%02d.md" % (i + 1, i + 1),
                post("Good %02d" % (i + 1), date=b"2024-01-%02d 10:00:00 +0800" % (i + 1),
                     extra=b"categories: %s\ntags: [common, %s]\n" % (
                         CATS[i % 3].encode(), b"odd" if i % 2 else b"even"),
                     body=b"Good body %d with [a link](rel/%d.html).\n" % (i, i)))
        self.base0 = self.fresh(site, "base0")
        with_sentinel = os.path.join(self.ctx.tmp, "base-sentinel")
        shutil.copytree(site, with_sentinel)
        self.add_sentinel(with_sentinel)
        self.base = self.fresh(with_sentinel, "base")
        shutil.rmtree(with_sentinel)
        if SENTINEL_FEED not in self.base:
            raise Fail("the sentinel's feed %s is not in the good site's build" % SENTINEL_FEED)
        if self.base.get("feed.xml") != self.base0.get("feed.xml"):
            raise Fail("the sentinel changes feed.xml; it must be older than 10 posts")

    def fresh(self, site, name):
        out = os.path.join(self.ctx.tmp, name + "-out")
        r = self.ctx.build(site, out, out + ".err", 256, 60)
        if r.rc != 0 or "warning" in r.err:
            raise Fail("build of the good site: exit %s: %s" % (r.rc, r.err.strip()))
        d = digest(out)
        shutil.rmtree(out)
        os.unlink(out + ".err")
        return d

    @staticmethod
    def add_sentinel(site):
        put(site, SENTINEL, post("Sentinel", date=b"2000-01-01 10:00:00 +0800",
                                 extra=b"categories: zzsentinel\ntags: [zzsentinel]\n"))

    # -- checks shared by the modes

    def check_out(self, case, out, got, probs):
        """The build's output against what the case expects."""
        if case.expect == SKIPPED:
            probs += tree_diff(got, self.base, "compared with the good site's build")
            return
        if case.out_mb is not None:
            total = sum(v[0] for v in got.values() if isinstance(v[0], int))
            if total > case.out_mb * MB:
                probs.append("the output holds %d MB (budget %d MB)" % (total // MB, case.out_mb))
        keep = {r: v for r, v in self.base.items() if r not in SITE_FILES}
        for r, v in keep.items():
            if got.get(r) != v:
                probs.append("good feed %s %s" % (r, "missing" if r not in got else "changed"))
                break
        new = set(got) - set(self.base)
        if case.new_files is not None and new != case.new_files:
            miss = sorted(case.new_files - new)
            extra = sorted(new - case.new_files)
            def short(r):
                return r if len(r) < 60 else "%s...%s (%d bytes)" % (
                    r[:20], r[-30:], len(os.fsencode(r)))
            probs.append("new feed files: %d missing %s, %d unexpected %s" % (
                len(miss), [short(m) for m in miss[:4]], len(extra), [short(e) for e in extra[:4]]))
        changed = sorted(r for r in got if got[r] != self.base.get(r) and r.endswith((".xml", ".rss")))
        for r in changed[:400] + [c for c in ("feed.xml", "feed.rss") if c in changed[400:]]:
            e = wellformed(os.path.join(out, r))
            if e is not None:
                probs.append("%s is not well-formed XML: %s" % (r, e))
                break
        if case.title is not None:
            titles = [t for t, _ in atom_entries(os.path.join(out, "feed.xml"), content=False)]
            if case.title not in titles:
                probs.append("feed.xml has no entry %r (titles: %s)" % (case.title, titles[:4]))

    def check_manifest(self, out, probs):
        try:
            listed = manifest_paths(out)
        except Fail as e:
            probs.append(str(e))
            return
        if listed is None:
            probs.append("no manifest")
            return
        listed = set(listed)
        files = {r for r in list_tree(out) if not is_state(r)}
        if listed != files:
            probs.append("manifest lists %d files, %d written (first difference: %r)" % (
                len(listed), len(files), sorted(listed ^ files)[:1]))

    def check_contained(self, out, probs):
        real = os.path.realpath(out)
        for d, dirs, files in os.walk(out):
            for n in dirs + files:
                p = os.path.join(d, n)
                if os.path.islink(p):
                    probs.append("symbolic link in the output: %r" % os.path.relpath(p, out))
                rp = os.path.realpath(p)
                if not rp.startswith(real + os.sep):
                    probs.append("output path %r resolves outside OUT: %s" % (os.path.relpath(p, out), rp))
        for parent in (os.path.dirname(real), os.path.dirname(os.path.dirname(real))):
            for n in os.listdir(parent):
                if n.endswith((".xml", ".rss")) or self.ctx.escape_tag in n:
                    probs.append("file %s appeared beside the output" % os.path.join(parent, n))
        for n in os.listdir("/tmp"):
            if self.ctx.escape_tag in n:
                probs.append("/tmp/%s escaped the output folder" % n)

    def counts_ok(self, mode, text, paths, want, line, probs, allow_other=False):
        counts, form = warning_report(text, paths, line)
        for p, n in counts.items():
            if want is not None and n != want:
                probs.append("%s: %d warning(s) naming %s, expected %d" % (
                    mode, n, os.path.basename(p), want))
        probs += ["%s: %s" % (mode, f) for f in form]
        if not allow_other:
            for ln in other_messages(text, paths)[:3]:
                probs.append("%s: unexpected message: %s" % (mode, ln))
        return counts

    # -- one case

    def run(self, num, case):
        ctx = self.ctx
        cdir = os.path.join(ctx.tmp, "%02d-%s" % (num, case.key))
        os.makedirs(cdir)
        site = os.path.join(cdir, "site")
        out_b = os.path.join(cdir, "out-build")
        out_w = os.path.join(cdir, "out-watch")
        log = os.path.join(cdir, "watch.log")
        shutil.copytree(ctx.base_site, site)
        user = None
        if case.as_nobody:
            user = NOBODY
            for d, dirs, files in os.walk(cdir):
                os.chown(d, NOBODY, NOBODY)
                for n in files:
                    os.chown(os.path.join(d, n), NOBODY, NOBODY)
        probs, info = [], []
        ctx.note = None
        if ctx.asan and case.max_s is not None:
            case.max_s *= 3
        t0 = time.monotonic()
        if case.expect == "vanish":
            self.run_vanish(cdir, site, out_b, out_w, log, probs, info)
        else:
            self.run_normal(case, cdir, site, out_b, out_w, log, user, probs, info)
        if ctx.note:
            info.insert(0, ctx.note)
        for out in (out_b, out_w):
            if os.path.isdir(out):
                self.check_contained(out, probs)
        allowed = {"site", "out-build", "out-watch", "watch.log", "build.err", "outside",
                   "ref-with", "ref-with.err", "ref-site"}
        stray = sorted(set(os.listdir(cdir)) - allowed)
        if stray:
            probs.append("unexpected entries beside OUT: %s" % stray)
        secs = time.monotonic() - t0
        expect = "converges" if case.expect == "vanish" else case.expect
        head = "%-4s %2d %-19s %-58s [%s]" % ("FAIL" if probs else "ok", num, case.key,
                                               case.desc[:58], expect)
        say("%s %.2f s%s" % (head, secs, ("; " + "; ".join(info)) if info else ""))
        for p in probs:
            say("       - " + p)
        if probs:
            self.failures.append((num, case.key, probs))
        elif not ctx.keep:
            self.rmtree(cdir)

    @staticmethod
    def rmtree(d):
        for dd, dirs, files in os.walk(d):
            for n in dirs:
                try:
                    os.chmod(os.path.join(dd, n), 0o755, follow_symlinks=False)
                except OSError:
                    pass
        shutil.rmtree(d, ignore_errors=True)

    def run_normal(self, case, cdir, site, out_b, out_w, log, user, probs, info):
        ctx = self.ctx
        want = 0 if case.expect == CLEAN else 1
        paths = None
        daemon = None
        watch_ok = False
        off, start_text = 0, ""
        budget = case.budget_mb * (4 if ctx.asan else 1)
        try:
            if "w" in case.modes:
                daemon = Daemon(ctx, site, out_w, log, case.budget_mb, user)
                try:
                    wait_until(lambda: "feedd: watching" in daemon.text(),
                               "the daemon's `watching` line", alive=daemon.alive)
                    d = tree_diff(digest(out_w), self.base0, "at start-up")
                    if d:
                        raise Fail("the daemon's first output differs from a build: " + "; ".join(d))
                    off = daemon.size()
                    start_text = daemon.text()
                    t1 = time.monotonic()
                    paths = case.make(ctx, site)
                    self.add_sentinel(site)
                    wait_until(lambda: os.path.exists(os.path.join(out_w, SENTINEL_FEED)),
                               "the sentinel post's feed (every event up to the bad input handled)",
                               timeout=case.timeout, alive=daemon.alive)
                    tw = time.monotonic() - t1
                    info.append("watch %.2f s" % tw)
                    if case.max_s is not None and tw > case.max_s:
                        probs.append("watch: took %.1f s to handle it (budget %.0f s)" % (tw, case.max_s))
                    watch_ok = True
                except Fail as e:
                    probs.append("watch: %s" % e)
                    # a stuck or dead daemon: stop it now, so the build has the CPU
                    if daemon.p.poll() is None:
                        daemon.p.kill()
                    daemon.stop()
            if paths is None:
                paths = case.make(ctx, site)
                self.add_sentinel(site)
            paths = [os.path.realpath(os.path.dirname(p)) + "/" + os.path.basename(p) for p in paths]

            r = ctx.build(site, out_b, os.path.join(cdir, "build.err"), case.budget_mb,
                          case.timeout, user)
            info.append("build %.2f s%s" % (r.secs, mbs(r.peak_kb)))
            if r.killed:
                probs.append("build: %s" % r.killed)
            if r.rc != 0:
                probs.append("build: exit status %s (expected 0); stderr: %s" % (
                    r.rc, " | ".join(r.err.strip().split("\n")[-3:])[-400:]))
            if case.max_s is not None and r.secs > case.max_s:
                probs.append("build: took %.1f s (budget %.0f s)" % (r.secs, case.max_s))
            if r.peak_kb > budget * 1024:
                probs.append("build: peak memory %d MB (budget %d MB)" % (r.peak_kb // 1024, budget))
            counts = self.counts_ok("build", r.err, paths, want if "b" in case.modes else None,
                                    case.line, probs)
            got = digest(out_b)
            if r.rc == 0 and not r.killed:
                self.check_out(case, out_b, got, probs)
                self.check_manifest(out_b, probs)
                if case.extra:
                    probs += ["build: " + p for p in case.extra(ctx, out_b)]
            nw = "%d" % sum(counts.values())
            if watch_ok:
                try:
                    wait_until(lambda: not tree_diff(digest(out_w), got, ""),
                               "the daemon's output equal to the fresh build", timeout=case.timeout,
                               alive=daemon.alive,
                               detail=lambda: "; ".join(tree_diff(digest(out_w), got,
                                                                  "in the daemon's output")))
                except Fail as e:
                    probs.append("watch: %s" % e)
                text = daemon.text(off)
                wc = self.counts_ok("watch", text, paths, want, case.line, probs)
                nw += "/%d" % sum(wc.values())
                try:
                    daemon.alive()
                except Fail as e:
                    probs.append("watch: %s" % e)
                rc, peak, note = daemon.stop()
                info.append("daemon%s" % (mbs(peak) or " -"))
                if note:
                    probs.append("watch: at SIGTERM: %s" % note)
                if rc != 0:
                    probs.append("watch: exit status %s after SIGTERM (expected 0)" % rc)
                if peak > budget * 1024:
                    probs.append("watch: peak memory %d MB (budget %d MB)" % (peak // 1024, budget))
                for ln in other_messages(start_text, [])[:2]:
                    probs.append("watch: unexpected message at start-up: %s" % ln)
            info.append("warnings %s" % nw)
        except Fail as e:
            probs.append(str(e))
        finally:
            if daemon is not None and daemon.p.poll() is None:
                daemon.p.kill()
                daemon.stop()

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "surrogateescape")

    def run_vanish(self, cdir, site, out_b, out_w, log, probs, info):
        """Create and delete a good post in a tight loop: under a running daemon (it must
        stay up and converge), and during builds (each exits 0 and writes either the site
        without the post or with it)."""
        ctx = self.ctx
        rel = bad("vanish")
        path = os.path.join(os.path.realpath(site), rel)
        data = post("Vanish", extra=b"categories: vanish\n")
        ref_site = os.path.join(cdir, "ref-site")
        shutil.copytree(site, ref_site)
        self.add_sentinel(ref_site)
        put(ref_site, rel, data)
        ref = ctx.build(ref_site, os.path.join(cdir, "ref-with"), os.path.join(cdir, "ref-with.err"), 256, 60)
        with_post = digest(os.path.join(cdir, "ref-with"))
        daemon = Daemon(ctx, site, out_w, log, 256)
        try:
            wait_until(lambda: "feedd: watching" in daemon.text(), "the daemon's `watching` line",
                       alive=daemon.alive)
            off = daemon.size()
            for _ in range(500):
                put(site, rel, data)
                os.unlink(path)
            self.add_sentinel(site)
            wait_until(lambda: os.path.exists(os.path.join(out_w, SENTINEL_FEED)),
                       "the sentinel post's feed", alive=daemon.alive)
            r = ctx.build(site, out_b, os.path.join(cdir, "build.err"), 256, 60)
            if r.rc != 0:
                probs.append("build: exit %s" % r.rc)
            got = digest(out_b)
            probs += tree_diff(got, self.base, "(fresh build) compared with the good site's")
            try:
                wait_until(lambda: not tree_diff(digest(out_w), got, ""), "the daemon's output equal "
                           "to the fresh build", alive=daemon.alive,
                           detail=lambda: "; ".join(tree_diff(digest(out_w), got, "in the daemon's output")))
            except Fail as e:
                probs.append("watch: %s" % e)
            text = daemon.text(off)
            flushes = len(re.findall(r"^feedd: \d+ posts changed", text, re.M))
            wc, form = warning_report(text, [path])
            probs += ["watch: " + f for f in form]
            if wc[path] > flushes:
                probs.append("watch: %d warnings for %d flushes" % (wc[path], flushes))
            probs += ["watch: unexpected message: " + m for m in other_messages(text, [path])[:3]]
            daemon.alive()
            rc, _, note = daemon.stop()
            daemon = None
            if rc != 0 or note:
                probs.append("watch: exit %s after SIGTERM %s" % (rc, note or ""))
            info.append("watch: 500 create+delete, %d flush(es), %d warning(s)" % (flushes, wc[path]))
        except Fail as e:
            probs.append(str(e))
        finally:
            if daemon is not None:
                daemon.p.kill()
                daemon.stop()
        # builds racing a writer
        stop = threading.Event()

        def flip():
            while not stop.is_set():
                put(site, rel, data)
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
        th = threading.Thread(target=flip, daemon=True)
        th.start()
        outcomes = {"without": 0, "with": 0, "degraded+warning": 0}
        try:
            for i in range(12):
                ob = os.path.join(cdir, "out-build")
                shutil.rmtree(ob, ignore_errors=True)
                r = ctx.build(site, ob, os.path.join(cdir, "build.err"), 256, 60)
                if r.rc != 0 or r.killed or SANITIZER.search(r.err):
                    probs.append("racing build %d: exit %s %s: %s" % (i, r.rc, r.killed or "",
                                                                      r.err.strip()[-300:]))
                    continue
                wc, form = warning_report(r.err, [path])
                probs += ["racing build: " + f for f in form]
                # The writer creates the file with open/write/close, so a build can read it
                # half written (one warning) and then find it gone when it renders the
                # content (a second): at most one warning per stage.
                if wc[path] > 2:
                    probs.append("racing build %d: %d warnings naming the file" % (i, wc[path]))
                got = digest(ob)
                if not tree_diff(got, self.base, ""):
                    outcomes["without"] += 1
                elif not tree_diff(got, with_post, ""):
                    outcomes["with"] += 1
                elif wc[path] >= 1:
                    outcomes["degraded+warning"] += 1
                else:
                    probs.append("racing build %d: output is neither the site with nor without the "
                                 "post, and no warning says why: %s" % (
                                     i, "; ".join(tree_diff(got, with_post, "compared with the site with it"))))
        finally:
            stop.set()
            th.join()
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        info.append("12 racing builds: %s" % ", ".join("%s %d" % kv for kv in outcomes.items()))
        if ref.rc != 0:
            probs.append("reference build with the post: exit %s" % ref.rc)


def main():
    keep = "--keep" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    feedd = os.environ.get("FEEDD")
    if not feedd or not os.access(feedd, os.X_OK):
        say("FAIL: FEEDD must name the feedd binary (got %r)" % feedd)
        return 1
    why = inotify_available()
    if why:
        say("SKIP: inotify unavailable: %s" % why)
        return SKIP
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="feedd-bad-input."))
    own = os.path.join(tmp, "feedd")
    shutil.copy2(os.path.abspath(feedd), own)
    os.chmod(own, 0o755)
    if os.geteuid() == 0:
        os.chmod(tmp, 0o711)            # the unreadable case runs feedd as nobody
    ctx = Ctx(own, tmp, keep)
    cases = build_cases(ctx)
    if "--list" in sys.argv:
        for i, c in enumerate(cases, 1):
            say("%2d %-19s %-24s %s" % (i, c.key, c.expect, c.desc))
        shutil.rmtree(tmp)
        return 0
    runner = Runner(ctx)
    start = time.monotonic()
    try:
        try:
            runner.setup()
        except Fail as e:
            say("FAIL setup: %s" % e)
            return 1
        say("setup: good site of 12 posts built%s (%.2f s)" % (
            " (AddressSanitizer build)" if ctx.asan else "", time.monotonic() - start))
        for i, case in enumerate(cases, 1):
            if only is not None and case.key not in only:
                continue
            runner.run(i, case)
    finally:
        for p in list(ctx.daemons):
            if p.poll() is None:
                p.kill()
                p.wait()
        ctx.mem.stop = True
    new = sorted(n for n in set(os.listdir(ctx.parent)) - ctx.parent_before
                 if n.endswith((".xml", ".rss")) or ctx.escape_tag in n or n in ("etc", "abs"))
    if new:
        say("FAIL: new entries in %s, outside every output folder: %s" % (ctx.parent, new))
        runner.failures.append((0, "outside", new))
    ran = len(cases) if only is None else len([c for c in cases if c.key in only])
    say("total %.1f s, %d case(s), %d failed" % (time.monotonic() - start, ran, len(runner.failures)))
    if runner.failures:
        say("FAIL: %s; kept %s" % (", ".join(k for _, k, _ in runner.failures), tmp))
        return 1
    if keep:
        say("kept %s" % tmp)
    else:
        Runner.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
