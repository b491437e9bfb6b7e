#!/usr/bin/python3
"""faults: faults while feedd writes its feeds, through the real binary.

Each scenario runs `$FEEDD watch SITE -o OUT` (and `$FEEDD build` where it applies) on a
small gen-corpus site and breaks the output folder under it:

  enospc    disk full: OUT on a small tmpfs (mount -t tmpfs -o size=...). Posts with new
            categories are added one at a time until writes fail, then a few more. After
            every step: each feed file parses and equals a version some fresh build wrote
            (its old bytes or a newer complete version), no .feedd-tmp-* file is left, the
            daemon runs. The error lines of the episode are counted (the wish: logged once
            per episode, not once per file and flush). Then the tmpfs is enlarged
            (mount -o remount,size=...) and, with no other change, OUT must converge to a
            fresh build within RECOVER_DEADLINE s. If it does not, the test says what does
            recover it (another change, SIGUSR1, SIGHUP) and fails.
            Without mount permission: RLIMIT_FSIZE instead (scenario xfsz does the checks).
  enospc-build  `feedd build` into a full tmpfs: exit 1, an error, old files intact, no
            temporary files; once enlarged, a build exits 0 and equals a fresh build.
  xfsz      RLIMIT_FSIZE (set in preexec_fn): feeds larger than the limit cannot be written.
            First with SIGXFSZ at its default disposition: the daemon must survive (feedd
            must ignore SIGXFSZ, else the kernel kills it at the first over-limit write);
            then, so the test can go on, with SIGXFSZ set to SIG_IGN in preexec_fn: an error,
            old feeds intact, and convergence once the limit is lifted with prlimit(2) on the
            running daemon (no restart needed).
  readonly  OUT made read-only while the daemon runs (as root chmod 555 stops nothing:
            mount --bind OUT OUT && mount -o remount,ro,bind OUT; else chattr +i; else
            skipped): an error, no crash, old feeds intact; made writable again, OUT must
            converge to a fresh build within RECOVER_DEADLINE s with no other change.
  removed   rm -rf OUT while the daemon runs, then a post is added: no crash; the test
            reports whether feedd recreated OUT; OUT must converge to a fresh build after
            that next change (it must not stay half empty). The same when OUT comes back
            empty (rm -rf OUT; mkdir OUT, as a deploy script might) before the change.
  kill9     kill -9 at random moments during bursts of changes (even rounds add BURST
            posts, odd rounds delete them), repeated ROUNDS times: after every kill each
            feed file present parses completely, and the restart (odd rounds `feedd
            build`, even rounds `feedd watch` up to "watching") leaves OUT byte-equal to a
            fresh build with no temporary file left. CI: 10 rounds of 1,000 posts;
            --full: 50 rounds of 10,000.

Environment: FEEDD (feedd binary, required), top_srcdir (source root; default: two levels
above this file). Exit 0 pass, 1 fail, 77 skip (inotify unavailable).
Options: --full, --keep (keep the temporary folder), --only enospc,kill9, --seed N (kill
moments; default: random, printed). The binary is copied into the temporary folder first.
On failure the temporary folder (sites, outputs, daemon logs *.log) is kept; a tmpfs output
is copied out (OUT.kept) before it is unmounted.
"""

import hashlib
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

from feeddtest import (DEADLINE, POLL, Fail, inotify_available, is_tmp, list_tree, manifest_paths,
                       say, wait_until, write)

SKIP = 77
BIG_DEADLINE = 60.0
RECOVER_DEADLINE = 10.0     # fault lifted -> OUT equals a fresh build, with no other change
ERRORS_PER_EPISODE = 1      # error/warning lines allowed for one failure episode

try:
    import feedparser
except ImportError as e:
    print("FAIL: python3 feedparser is required: %s" % e)
    sys.exit(1)


class Skip(Exception):
    pass



# ---------------------------------------------------------------- helpers

def poll_for(cond, timeout, interval=POLL):
    """Poll cond() until truthy or timeout; returns its last value (no exception)."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= end:
            return v
        time.sleep(interval)


def read_tree(root):
    res = {}
    for rel in list_tree(root):
        try:
            with open(os.path.join(root, rel), "rb") as f:
                res[rel] = f.read()
        except FileNotFoundError:
            pass
    return res


def is_feed(rel):
    return rel.endswith(".xml") or rel.endswith(".rss")


def tree_diff(out, expected, ignore_tmp=False, limit=5):
    try:
        have = list_tree(out) if os.path.isdir(out) else set()
    except OSError as e:
        return ["cannot list %s: %s" % (out, e)]
    if ignore_tmp:
        have = {r for r in have if not is_tmp(r)}
    diffs = []
    extra = sorted(have - set(expected))
    missing = sorted(set(expected) - have)
    if extra:
        diffs.append("%d extra: %s" % (len(extra), ", ".join(extra[:limit])))
    if missing:
        diffs.append("%d missing: %s" % (len(missing), ", ".join(missing[:limit])))
    differing = []
    for rel in sorted(have & set(expected)):
        try:
            with open(os.path.join(out, rel), "rb") as f:
                if f.read() != expected[rel]:
                    differing.append(rel)
        except OSError:
            differing.append(rel + " (unreadable)")
    if differing:
        diffs.append("%d differ: %s" % (len(differing), ", ".join(differing[:limit])))
    return diffs


def feed_problem(rel, data, deep=False):
    """None if data is a complete feed, else what is wrong."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        return "%s (%d bytes) does not parse: %s" % (rel, len(data), e)
    tag = root.tag.split("}")[-1]
    if tag not in ("feed", "rss"):
        return "%s: root element <%s>" % (rel, tag)
    if deep:
        d = feedparser.parse(data)
        if d.bozo:
            return "%s: feedparser bozo: %s" % (rel, d.bozo_exception)
    return None


def check_feeds(out, deep=False):
    """(number of feed files checked, [problems]) for every *.xml/*.rss under out."""
    bad = []
    n = 0
    for rel in sorted(list_tree(out)):
        if is_tmp(rel) or not is_feed(rel):
            continue
        try:
            with open(os.path.join(out, rel), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            continue
        n += 1
        p = feed_problem(rel, data, deep)
        if p:
            bad.append(p)
    return n, bad


def manifest_problem(out):
    """None if OUT/.feedd/manifest is absent or complete (framed, sorted relative paths)."""
    try:
        lines = manifest_paths(out)
    except Fail as e:
        return str(e)
    if lines is None:
        return None
    if any(not l or l.startswith("/") or ".." in l.split("/") for l in lines):
        return ".feedd/manifest has an empty or unsafe line"
    if lines != sorted(lines):
        return ".feedd/manifest is not sorted"
    return None


def tmps_in(out):
    return sorted(r for r in list_tree(out) if is_tmp(r)) if os.path.isdir(out) else []


def tmps_left(out, timeout=10.0):
    """The temporary files still in out once a write under way has had time to end
    (the daemon may be writing the lists of feeds, or retrying, right now)."""
    end = time.monotonic() + timeout
    while True:
        t = tmps_in(out)
        if not t or time.monotonic() >= end:
            return t
        time.sleep(0.05)


def digest(data):
    return hashlib.sha1(data).digest()


def pages(n):
    return (n + 4095) // 4096


def post_text(title, date, cat, tag, body):
    return ('---\nlayout: post\ntitle: "%s"\ndate: %s\ncategories: %s\ntags: [%s]\n---\n\n%s\n'
            % (title, date, cat, tag, body))


def filler_body(seed, size):
    rnd = random.Random(seed)
    words = ["市场", "指数", "成交", "资金", "板块", "上涨", "回落", "政策", "数据", "增长",
             "alpha", "beta", "gamma", "delta", "yield", "bond", "rate", "fund"]
    parts = []
    n = 0
    while n < size:
        para = " ".join(rnd.choice(words) for _ in range(40))
        parts.append(para)
        n += len(para.encode()) + 2
    return "\n\n".join(parts)


def mount_ok(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode == 0, r.stderr.decode(errors="replace").strip()


def umount(path):
    # Lazy: a running feedd holds its output folder's lock file open, so that
    # mount stays busy; -l detaches it from the path at once, as an
    # administrator would have to.
    for _ in range(50):
        r = subprocess.run(["umount", "-l", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode == 0:
            return True
        if b"not mounted" in r.stderr or b"no mount point" in r.stderr:
            return True
        time.sleep(0.1)
    return False


def is_mountpoint(path):
    try:
        return os.path.ismount(path)
    except OSError:
        return False


# ---------------------------------------------------------------- daemon handling

class Daemon:
    """One `feedd watch` process with its log file."""

    def __init__(self, feedd, site, out, log, preexec=None, verbose=False):
        self.log = log
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(k, None)
        self.start_off = os.path.getsize(log) if os.path.exists(log) else 0
        logf = open(log, "ab")
        self.proc = subprocess.Popen([feedd, "watch", site, "-o", out] + (["-v"] if verbose else []),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=logf, env=env, preexec_fn=preexec)
        logf.close()
        self.pid = self.proc.pid

    def text(self, off=None):
        with open(self.log, "rb") as f:
            f.seek(self.start_off if off is None else off)
            return f.read().decode("utf-8", "replace")

    def size(self):
        return os.path.getsize(self.log)

    def tail(self, n=8):
        return " | ".join(self.text().strip().split("\n")[-n:])

    def status(self):
        """None while running, else a description of how it ended."""
        rc = self.proc.poll()
        if rc is None:
            return None
        if rc < 0:
            return "killed by signal %s" % signal.Signals(-rc).name
        return "exited %d" % rc

    def alive(self):
        st = self.status()
        if st is not None:
            raise Fail("the daemon %s; log: %s" % (st, self.tail()))

    def wait_watching(self, timeout=BIG_DEADLINE):
        wait_until(lambda: re.search(r"^feedd: watching ", self.text(), re.M),
                   "daemon up (`feedd: watching`)", timeout, alive=self.alive)

    def flushes(self, off=None):
        """Updates logged: incremental ones and full republishes (retries)."""
        return len(FLUSH_RX.findall(self.text(off)))

    def settle(self, quiet=0.4, timeout=BIG_DEADLINE):
        last = [self.size(), time.monotonic()]

        def cond():
            s = self.size()
            now = time.monotonic()
            if s != last[0]:
                last[0], last[1] = s, now
                return False
            return now - last[1] >= quiet
        wait_until(cond, "a quiet daemon log (%.1f s)" % quiet, timeout, 0.05, alive=self.alive)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def problem_lines(text):
    return [l for l in text.split("\n") if re.match(r"^feedd: (error|warning): ", l)]


# "N posts changed, ... F failed (T ms)" after a change; "N posts (S scheduled) in K feeds:
# ..., F failed; feeds are in DIR" after a full publish (start, reload, retry)
FLUSH_RX = re.compile(r"^feedd: \d+ posts (changed|\(\d+ scheduled\) in \d+ feeds)", re.M)
FAILED_RX = re.compile(r"^feedd: \d+ posts (?:changed|\(\d+ scheduled\) in \d+ feeds).*?, (\d+) failed", re.M)


def failed_counts(text):
    return [int(m.group(1)) for m in FAILED_RX.finditer(text)]


# ---------------------------------------------------------------- the test

class FaultTest:
    def __init__(self, feedd, top, tmp, full, seed):
        self.feedd = feedd
        self.top = top
        self.tmp = tmp
        self.full = full
        self.seed = seed
        self.gen = os.path.join(top, "tools", "gen-corpus")
        self.base_config = open(os.path.join(top, "examples", "site", "_config.yml"),
                                encoding="utf-8").read()
        self.daemons = []
        self.mounts = []
        self.immutable = []
        self.nfresh = 0
        self.notes = []
        self.findings = []        # misbehaviours worth the lead's attention
        self.can_mount = None

    # -- plumbing

    def finding(self, text):
        self.findings.append(text)
        say("   FINDING: " + text)

    def config_text(self, debounce=0):
        return self.base_config.rstrip("\n") + "\n\nfeedd:\n  debounce_ms: %d\n" % debounce

    def run_gen(self, args):
        cmd = [self.gen] if os.access(self.gen, os.X_OK) else [sys.executable, self.gen]
        r = subprocess.run(cmd + args + ["--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise Fail("gen-corpus %s failed: %s" % (" ".join(args), r.stderr.decode(errors="replace")))

    def make_site(self, name, posts, cats, seed, debounce=0):
        site = os.path.join(self.tmp, name)
        self.run_gen(["--posts", str(posts), "--categories", str(cats), "--seed", str(seed), site])
        write(os.path.join(site, "_config.yml"), self.config_text(debounce))
        return site

    def fresh(self, site):
        self.nfresh += 1
        dest = os.path.join(self.tmp, "fresh-%d" % self.nfresh)
        r = subprocess.run([self.feedd, "build", site, "-o", dest, "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise Fail("fresh `feedd build %s -o %s` exited %d: %s" % (
                site, dest, r.returncode, r.stderr.decode(errors="replace").strip()))
        tree = read_tree(dest)
        shutil.rmtree(dest, ignore_errors=True)
        return tree

    def build(self, site, out, preexec=None):
        r = subprocess.run([self.feedd, "build", site, "-o", out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, preexec_fn=preexec)
        return r.returncode, r.stderr.decode("utf-8", "replace")

    def start(self, site, out, log, preexec=None, verbose=False):
        d = Daemon(self.feedd, site, out, log, preexec, verbose)
        self.daemons.append(d)
        return d

    def converged(self, site, out, ignore_tmp=False):
        exp = self.fresh(site)
        return tree_diff(out, exp, ignore_tmp), exp

    def wait_converge(self, site, out, timeout, alive=None):
        """[] once out equals a fresh build (polled), else the last differences."""
        exp = self.fresh(site)
        last = [None]

        def cond():
            if alive:
                alive()
            last[0] = tree_diff(out, exp)
            return not last[0]
        poll_for(cond, timeout, 0.1)
        return last[0]

    def mount_tmpfs(self, path, size):
        os.makedirs(path, exist_ok=True)
        if self.can_mount is False:
            return False
        ok, err = mount_ok(["mount", "-t", "tmpfs", "-o", "size=%d,mode=0755" % size, "tmpfs", path])
        self.can_mount = ok
        if ok:
            self.mounts.append(path)
        else:
            self.notes.append("mount -t tmpfs not permitted (%s)" % err)
        return ok

    def remount_size(self, path, size):
        ok, err = mount_ok(["mount", "-o", "remount,size=%d" % size, path])
        if not ok:
            raise Fail("mount -o remount,size=%d %s: %s" % (size, path, err))

    def unmount(self, path, keep_copy=None):
        if keep_copy and os.path.isdir(path):
            shutil.copytree(path, keep_copy, symlinks=True, dirs_exist_ok=True)
        if umount(path) and path in self.mounts:
            self.mounts.remove(path)

    def recovery_ladder(self, site, out, d, what, nudge_post):
        """After a fault is lifted: what brings OUT back to a fresh build? Returns the stage
        name ("by itself", "after another change", "after SIGUSR1", "after SIGHUP", None)."""
        diff = self.wait_converge(site, out, RECOVER_DEADLINE, d.alive)
        if not diff:
            return "by itself", None
        first = "; ".join(diff)
        write(nudge_post, post_text("Nudge %s" % what, "2023-06-01 10:00:00 +0800", "nudge", "nudge",
                                    "A change after the fault was lifted."))
        if not self.wait_converge(site, out, DEADLINE, d.alive):
            return "after another change", first
        d.proc.send_signal(signal.SIGUSR1)
        if not self.wait_converge(site, out, DEADLINE, d.alive):
            return "after SIGUSR1", first
        d.proc.send_signal(signal.SIGHUP)
        if not self.wait_converge(site, out, DEADLINE, d.alive):
            return "after SIGHUP", first
        return None, first

    # -- scenario: disk full (tmpfs) with the daemon

    def s_enospc(self):
        site = self.make_site("site-enospc", 80, 12, 21)
        ref = self.fresh(site)
        need = sum(pages(len(v)) for v in ref.values()) * 4096
        biggest = max(len(v) for v in ref.values())
        size = need + 2 * pages(biggest) * 4096 + 64 * 1024
        mnt = os.path.join(self.tmp, "mnt-enospc")
        if not self.mount_tmpfs(mnt, size):
            raise Skip("cannot mount a tmpfs; the RLIMIT_FSIZE scenario (xfsz) covers the daemon")
        out = os.path.join(mnt, "out")
        d = self.start(site, out, os.path.join(self.tmp, "enospc.log"))
        d.wait_watching()
        if tree_diff(out, ref):
            raise Fail("initial output differs from a fresh build: %s" % "; ".join(tree_diff(out, ref)))
        versions = {rel: {digest(b)} for rel, b in ref.items()}
        say("   tmpfs of %d KiB for %d KiB of feeds (%d files)" % (size // 1024, need // 1024, len(ref)))
        posts = os.path.join(site, "_posts")
        first_fail_off = None
        first_fail_step = None
        extra_after = 1             # posts added after the first failure
        step = 0
        while True:
            step += 1
            if step > 80:
                raise Fail("the tmpfs never filled up after 80 posts")
            off = d.size()
            nflush = d.flushes()
            write(os.path.join(posts, "2023-05-%02d-full-%03d.md" % (1 + step % 28, step)),
                  post_text("Full %d" % step, "2023-05-%02d 10:%02d:00 +0800" % (1 + step % 28, step % 60),
                            "full%03d" % step, "fulltag%03d" % step, filler_body(step, 6000)))
            wait_until(lambda: d.flushes() > nflush, "step %d: a flush logged" % step, alive=d.alive)
            # the expected versions of this state
            for rel, b in self.fresh(site).items():
                versions.setdefault(rel, set()).add(digest(b))
            self.check_intact(out, versions, "step %d" % step)
            fails = failed_counts(d.text(off))
            if first_fail_off is None and (any(fails) or problem_lines(d.text(off))):
                first_fail_off = off
                first_fail_step = step
            if first_fail_off is not None:
                extra_after -= 1
                if extra_after < 0:
                    break
        # with no further change, a retry while still full: it fails again, quietly
        nflush = d.flushes()
        retried = poll_for(lambda: d.flushes() > nflush, 6.0, 0.05)
        if not retried:
            self.notes.append("enospc: no retry seen within 6 s while the disk was full")
        self.check_intact(out, versions, "after a retry while full")
        ep = d.text(first_fail_off)
        probs = problem_lines(ep)
        nflushes = len(failed_counts(ep))
        say("   disk full from post %d on; %d updates/retries while full logged %d error/warning "
            "line(s), failed counts %s" % (first_fail_step, nflushes, len(probs), failed_counts(ep)))
        for l in probs[:3]:
            say("     | " + l)
        self.check_intact(out, versions, "while full")
        t = tmps_left(out)
        if t:
            raise Fail("%d .feedd-tmp-* file(s) left on the full disk: %s" % (len(t), ", ".join(t[:4])))
        errors = []
        if len(probs) > ERRORS_PER_EPISODE:
            errors.append("%d error/warning lines for one disk-full episode (%d flushes), "
                          "wanted at most %d (logged once)" % (len(probs), nflushes, ERRORS_PER_EPISODE))
        if not probs:
            errors.append("writes failed but no error was logged")
        # space returns
        self.remount_size(mnt, 64 * 1024 * 1024)
        stage, first = self.recovery_ladder(site, out, d, "enospc", os.path.join(posts, "2023-06-01-nudge-enospc.md"))
        say("   space back (remount,size=64m): converged %s" % (stage or "never (not even after SIGHUP)"))
        if stage != "by itself":
            errors.append("after the disk got space again, OUT did not converge to a fresh build "
                          "within %.0f s without another change (converged %s); differences: %s"
                          % (RECOVER_DEADLINE, stage or "never", first))
        t = tmps_left(out)
        if t:
            errors.append("%d .feedd-tmp-* file(s) left after recovery" % len(t))
        d.alive()
        rc = d.stop()
        if rc != 0:
            errors.append("daemon exited %s on SIGTERM" % rc)
        if errors:
            self.unmount(mnt, keep_copy=os.path.join(self.tmp, "out-enospc.kept"))
            raise Fail("; ".join(errors))
        self.unmount(mnt)

    def check_intact(self, out, versions, when):
        bad = []
        for rel in sorted(list_tree(out)):
            if is_tmp(rel) or not is_feed(rel):
                continue
            try:
                with open(os.path.join(out, rel), "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                continue
            p = feed_problem(rel, data)
            if p:
                bad.append(p)
            elif digest(data) not in versions.get(rel, ()):
                bad.append("%s (%d bytes) is no version any fresh build wrote" % (rel, len(data)))
        m = manifest_problem(out)
        if m:
            bad.append(m)
        if bad:
            raise Fail("%s: %d file(s) not intact: %s" % (when, len(bad), "; ".join(bad[:4])))

    # -- scenario: feedd build into a full tmpfs

    def s_enospc_build(self):
        site = self.make_site("site-enospc-build", 80, 12, 22)
        ref = self.fresh(site)
        need = sum(pages(len(v)) for v in ref.values()) * 4096
        mnt = os.path.join(self.tmp, "mnt-build")
        if not self.mount_tmpfs(mnt, need + 32 * 1024):
            raise Skip("cannot mount a tmpfs")
        out = os.path.join(mnt, "out")
        rc, err = self.build(site, out)
        if rc != 0 or tree_diff(out, ref):
            raise Fail("first build into the tmpfs: exit %d, %s; %s" % (rc, "; ".join(tree_diff(out, ref)), err))
        old = read_tree(out)
        posts = os.path.join(site, "_posts")
        for i in range(30):
            write(os.path.join(posts, "2023-05-10-big-%02d.md" % i),
                  post_text("Big %d" % i, "2023-05-10 1%d:00:00 +0800" % (i % 10), "big%02d" % i,
                            "bigtag%02d" % i, filler_body(100 + i, 8000)))
        new = self.fresh(site)
        rc, err = self.build(site, out)
        probs = problem_lines(err)
        say("   build into the full tmpfs: exit %d, %d error/warning line(s): %s" % (
            rc, len(probs), " | ".join(probs[:2])))
        errors = []
        if rc != 1:
            errors.append("build into a full disk exited %d, not 1" % rc)
        if not probs:
            errors.append("build into a full disk logged no error")
        if len(probs) > ERRORS_PER_EPISODE + 1:
            self.notes.append("enospc-build: %d error lines for one build into a full disk" % len(probs))
        for rel, data in read_tree(out).items():
            if is_tmp(rel):
                continue
            if is_feed(rel):
                p = feed_problem(rel, data)
                if p:
                    errors.append(p)
                elif data != old.get(rel) and data != new.get(rel):
                    errors.append("%s is neither its old bytes nor the new build's" % rel)
        t = tmps_left(out)
        if t:
            errors.append("%d .feedd-tmp-* file(s) left: %s" % (len(t), ", ".join(t[:3])))
        self.remount_size(mnt, 64 * 1024 * 1024)
        rc, err = self.build(site, out)
        if rc != 0:
            errors.append("build after enlarging the tmpfs exited %d: %s" % (rc, err.strip()[-300:]))
        diff = tree_diff(out, new)
        if diff:
            errors.append("build after enlarging the tmpfs differs from a fresh build: %s" % "; ".join(diff))
        if errors:
            self.unmount(mnt, keep_copy=os.path.join(self.tmp, "out-build.kept"))
            raise Fail("; ".join(errors))
        self.unmount(mnt)

    # -- scenario: RLIMIT_FSIZE

    def s_xfsz(self):
        site = self.make_site("site-xfsz", 80, 12, 23)
        ref = self.fresh(site)
        biggest = max(len(v) for v in ref.values())
        limit = biggest + 4096
        out = os.path.join(self.tmp, "out-xfsz")
        posts = os.path.join(site, "_posts")
        errors = []

        def limited(ignore):
            def pre():
                # soft limit only, so prlimit can lift it on the running daemon later
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
                if ignore:
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            return pre

        # (a) SIGXFSZ at its default disposition: feedd must ignore it itself
        d = self.start(site, out, os.path.join(self.tmp, "xfsz-default.log"), limited(False))
        d.wait_watching()
        big = os.path.join(posts, "2030-01-01-huge.md")
        # newest post, with a body much larger than the limit: the site feed will not fit
        write(big, post_text("Huge", "2023-07-01 10:00:00 +0800", "huge", "huge", filler_body(7, 3 * limit)))
        poll_for(lambda: d.status() is not None or failed_counts(d.text()) or problem_lines(d.text()), DEADLINE)
        st = d.status()
        if st is not None:
            self.finding("xfsz: feedd does not ignore SIGXFSZ: with RLIMIT_FSIZE=%d the daemon was %s "
                         "at its first over-limit write (want: SIG_IGN, then EFBIG is an ordinary "
                         "write error)" % (limit, st))
            errors.append("daemon %s under RLIMIT_FSIZE (SIGXFSZ not ignored)" % st)
        else:
            say("   RLIMIT_FSIZE=%d, SIGXFSZ at its default: the daemon survived the over-limit "
                "write" % limit)
            d.stop()
        os.unlink(big)
        shutil.rmtree(out, ignore_errors=True)

        # (b) SIGXFSZ ignored (as feedd should do): error, old feeds intact, convergence
        # once the limit is lifted with prlimit on the running daemon
        d = self.start(site, out, os.path.join(self.tmp, "xfsz.log"), limited(True))
        d.wait_watching()
        if tree_diff(out, ref):
            raise Fail("initial output differs: %s" % "; ".join(tree_diff(out, ref)))
        old = read_tree(out)
        off = d.size()
        nflush = d.flushes()
        write(big, post_text("Huge", "2023-07-01 10:00:00 +0800", "huge", "huge", filler_body(7, 3 * limit)))
        wait_until(lambda: d.flushes() > nflush, "a flush after the huge post", alive=d.alive)
        d.settle(quiet=0.5, timeout=8)
        new = self.fresh(site)
        probs = problem_lines(d.text(off))
        say("   RLIMIT_FSIZE=%d, SIGXFSZ ignored: %d error/warning line(s): %s" % (
            limit, len(probs), " | ".join(probs[:2])))
        if not probs:
            errors.append("over-limit writes logged no error")
        for rel, data in read_tree(out).items():
            if is_tmp(rel) or not is_feed(rel):
                continue
            p = feed_problem(rel, data)
            if p:
                errors.append(p)
            elif data != old.get(rel) and data != new.get(rel):
                errors.append("%s is neither its old bytes nor the new version" % rel)
        t = tmps_left(out)
        if t:
            errors.append("%d .feedd-tmp-* file(s) left: %s" % (len(t), ", ".join(t[:3])))
        try:
            resource.prlimit(d.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            lifted = True
        except OSError as e:
            lifted = False
            self.notes.append("xfsz: prlimit on the daemon failed (%s); checked after a restart instead" % e)
        if lifted:
            stage, first = self.recovery_ladder(site, out, d, "xfsz",
                                                os.path.join(posts, "2023-06-01-nudge-xfsz.md"))
            say("   limit lifted with prlimit on the running daemon: converged %s" % (stage or "never"))
            if stage != "by itself":
                errors.append("after the file size limit was lifted, OUT did not converge within %.0f s "
                              "without another change (converged %s); differences: %s"
                              % (RECOVER_DEADLINE, stage or "never", first))
        else:
            d.stop()
            d = self.start(site, out, os.path.join(self.tmp, "xfsz-restart.log"))
            d.wait_watching()
            diff = tree_diff(out, self.fresh(site))
            say("   restarted without the limit: %s" % ("converged" if not diff else "differs"))
            if diff:
                errors.append("restart without the limit differs from a fresh build: %s" % "; ".join(diff))
        d.alive()
        d.stop()
        if errors:
            raise Fail("; ".join(errors))

    # -- scenario: read-only output folder

    def make_readonly(self, out):
        """Make out read-only for root; returns (method, undo) or raises Skip."""
        if self.can_mount is not False:
            ok, err = mount_ok(["mount", "--bind", out, out])
            if ok:
                self.mounts.append(out)
                ok, err = mount_ok(["mount", "-o", "remount,ro,bind", out])
                if ok:
                    return "read-only bind mount", lambda: self.unmount(out)
                self.unmount(out)
            self.notes.append("readonly: bind mount not permitted (%s)" % err)
        if shutil.which("chattr"):
            dirs = [d for d, _x, _y in os.walk(out)]
            done = []
            for dd in dirs:
                r = subprocess.run(["chattr", "+i", dd], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                if r.returncode != 0:
                    for x in done:
                        subprocess.run(["chattr", "-i", x])
                    raise Skip("chattr +i failed: %s" % r.stderr.decode(errors="replace").strip())
                done.append(dd)
                self.immutable.append(dd)

            def undo():
                for x in done:
                    subprocess.run(["chattr", "-i", x])
                    if x in self.immutable:
                        self.immutable.remove(x)
            return "chattr +i", undo
        raise Skip("no way to make a folder read-only for root (no bind mount, no chattr)")

    def s_readonly(self):
        site = self.make_site("site-ro", 80, 12, 24)
        out = os.path.join(self.tmp, "out-ro")
        d = self.start(site, out, os.path.join(self.tmp, "readonly.log"))
        d.wait_watching()
        ref = self.fresh(site)
        if tree_diff(out, ref):
            raise Fail("initial output differs: %s" % "; ".join(tree_diff(out, ref)))
        method, undo = self.make_readonly(out)
        errors = []
        posts = os.path.join(site, "_posts")
        try:
            off = d.size()
            nflush = d.flushes()
            for i in range(3):
                write(os.path.join(posts, "2023-05-20-ro-%d.md" % i),
                      post_text("Read-only %d" % i, "2023-05-20 1%d:00:00 +0800" % i, "rocat", "rotag",
                                "Written while the output folder is read-only."))
                wait_until(lambda: d.flushes() > nflush + i, "flush %d while read-only" % (i + 1), alive=d.alive)
            d.settle(quiet=0.5, timeout=8)
            probs = problem_lines(d.text(off))
            say("   %s: 3 posts, %d flushes, %d error/warning line(s): %s" % (
                method, d.flushes(off), len(probs), " | ".join(probs[:2])))
            if not probs:
                errors.append("writes into a read-only output folder logged no error")
            elif len(probs) > ERRORS_PER_EPISODE:
                errors.append("%d error/warning lines for one read-only episode (3 flushes), wanted at "
                              "most %d" % (len(probs), ERRORS_PER_EPISODE))
            diff = tree_diff(out, ref)
            if diff:
                errors.append("the read-only output changed: %s" % "; ".join(diff))
        finally:
            undo()
        stage, first = self.recovery_ladder(site, out, d, "ro", os.path.join(posts, "2023-06-01-nudge-ro.md"))
        say("   writable again: converged %s" % (stage or "never"))
        if stage != "by itself":
            errors.append("after the output folder became writable again, OUT did not converge within "
                          "%.0f s without another change (converged %s); differences: %s"
                          % (RECOVER_DEADLINE, stage or "never", first))
        d.alive()
        d.stop()
        if errors:
            raise Fail("; ".join(errors))

    # -- scenario: output folder removed

    def s_removed(self):
        site = self.make_site("site-rm", 80, 12, 25)
        out = os.path.join(self.tmp, "out-rm")
        d = self.start(site, out, os.path.join(self.tmp, "removed.log"))
        d.wait_watching()
        ref = self.fresh(site)
        if tree_diff(out, ref):
            raise Fail("initial output differs: %s" % "; ".join(tree_diff(out, ref)))
        posts = os.path.join(site, "_posts")
        errors = []
        variants = [("rm -rf OUT", False), ("rm -rf OUT; mkdir OUT (back, empty)", True)]
        for i, (what, back) in enumerate(variants):
            shutil.rmtree(out)
            if back:
                os.mkdir(out)
            off = d.size()
            nflush = d.flushes()
            write(os.path.join(posts, "2023-05-25-after-rm-%d.md" % i),
                  post_text("After rm %d" % i, "2023-05-25 1%d:00:00 +0800" % i, "rmcat%d" % i, "rmtag",
                            "Written after %s." % what))
            wait_until(lambda: d.flushes() > nflush, "%s: a flush after the post" % what, alive=d.alive)
            d.settle(quiet=0.5, timeout=8)
            probs = problem_lines(d.text(off))
            there = os.path.isdir(out)
            have = len(list_tree(out)) if there else 0
            nexp = len(self.fresh(site))
            diff = self.wait_converge(site, out, DEADLINE, d.alive)
            say("   %s, then a post: OUT %s, %d of %d files, %s; %d error/warning line(s)%s" % (
                what, "exists" if there else "not recreated", have, nexp,
                "converged" if not diff else "NOT converged", len(probs),
                (": " + " | ".join(probs[:2])) if probs else ""))
            if diff:
                first = "; ".join(diff)
                stage = None
                if not there:
                    os.makedirs(out, exist_ok=True)
                d.proc.send_signal(signal.SIGUSR1)
                if not self.wait_converge(site, out, DEADLINE, d.alive):
                    stage = "after SIGUSR1"
                else:
                    d.proc.send_signal(signal.SIGHUP)
                    if not self.wait_converge(site, out, DEADLINE, d.alive):
                        stage = "after SIGHUP"
                errors.append("after `%s` and a new post, OUT did not converge to a fresh build "
                              "(%s); converged %s" % (what, first, stage or "never"))
        d.alive()
        d.stop()
        if errors:
            raise Fail("; ".join(errors))

    # -- scenario: kill -9 during bursts

    def s_kill9(self):
        rounds, burst = (50, 10000) if self.full else (10, 1000)
        base = 600 if self.full else 150
        site = self.make_site("site-kill", base, 60, 26)
        pool = os.path.join(self.tmp, "kill-pool")
        self.run_gen(["--posts", str(burst), "--categories", "200", "--seed", "27",
                      "--start-date", "2022-09-01", pool])
        src = os.path.join(pool, "_posts")
        names = sorted(os.listdir(src))
        dst = os.path.join(site, "_posts")
        out = os.path.join(self.tmp, "out-kill")
        rnd = random.Random(self.seed)
        d = self.start(site, out, os.path.join(self.tmp, "kill-0.log"))
        d.wait_watching()
        stats = {"tmps": 0, "feeds": 0, "mid": 0}
        for rnd_no in range(rounds):
            adding = rnd_no % 2 == 0
            done = [0]
            stop = threading.Event()

            def worker():
                for nm in names:
                    if stop.is_set():
                        return
                    if adding:
                        shutil.copyfile(os.path.join(src, nm), os.path.join(dst, nm))
                    else:
                        try:
                            os.unlink(os.path.join(dst, nm))
                        except FileNotFoundError:
                            pass
                    done[0] += 1
            nflush = d.flushes()
            th = threading.Thread(target=worker)
            th.start()
            # a random moment: after k of the burst's changes, or a little after its end
            k = rnd.randint(1, int(len(names) * 1.25))
            extra = 0.0
            if k > len(names):
                k = len(names)
                extra = rnd.uniform(0, 0.5)
            try:
                wait_until(lambda: done[0] >= k, "round %d: %d changes made" % (rnd_no, k),
                           BIG_DEADLINE, 0.002, alive=d.alive)
                if extra:
                    time.sleep(extra)   # a random kill moment, not a wait for a condition
                mid = d.flushes() > nflush
                d.proc.kill()
                d.proc.wait()
            finally:
                stop.set()
                th.join()
            stats["mid"] += mid
            n, bad = check_feeds(out)
            m = manifest_problem(out)
            if m:
                bad.append(m)
            t = tmps_in(out)
            stats["feeds"] += n
            stats["tmps"] += len(t)
            if bad:
                raise Fail("round %d (killed after %d of %d %s): %d broken feed file(s): %s" % (
                    rnd_no, k, len(names), "adds" if adding else "deletes", len(bad), "; ".join(bad[:4])))
            # restart: odd rounds a build first, even rounds straight into watch
            exp = self.fresh(site)
            if rnd_no % 2 == 1:
                rc, err = self.build(site, out)
                if rc != 0:
                    raise Fail("round %d: `feedd build` after kill -9 exited %d: %s" % (rnd_no, rc, err.strip()[-300:]))
                diff = tree_diff(out, exp)
                if diff:
                    raise Fail("round %d: `feedd build` after kill -9 differs from a fresh build: %s" % (
                        rnd_no, "; ".join(diff)))
            d = self.start(site, out, os.path.join(self.tmp, "kill-%d.log" % (rnd_no + 1)))
            d.wait_watching()
            diff = tree_diff(out, exp)
            if diff:
                raise Fail("round %d: restarted daemon at `watching` differs from a fresh build: %s" % (
                    rnd_no, "; ".join(diff)))
        say("   %d rounds of %d changes (seed %d): %d feed files checked after kills, %d temp file(s) "
            "left by kills (all cleared on restart), %d kill(s) after a flush had begun" % (
                rounds, len(names), self.seed, stats["feeds"], stats["tmps"], stats["mid"]))
        if d.stop() != 0:
            raise Fail("last daemon exited %s on SIGTERM" % d.proc.returncode)

    # -- cleanup

    def cleanup(self):
        for d in self.daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()
        for x in list(self.immutable):
            subprocess.run(["chattr", "-i", x])
        for m in reversed(list(self.mounts)):
            umount(m)


SCENARIOS = [
    ("enospc", "disk full (tmpfs) under the daemon", "s_enospc"),
    ("enospc-build", "feedd build into a full tmpfs", "s_enospc_build"),
    ("xfsz", "RLIMIT_FSIZE: SIGXFSZ, errors, recovery", "s_xfsz"),
    ("readonly", "output folder made read-only while running", "s_readonly"),
    ("removed", "output folder removed while running", "s_removed"),
    ("kill9", "kill -9 during bursts, restart converges", "s_kill9"),
]


def main():
    argv = sys.argv[1:]
    keep = "--keep" in argv
    full = "--full" in argv
    only = None
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
    seed = random.SystemRandom().randrange(1 << 30)
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    feedd = os.environ.get("FEEDD")
    if not feedd or not os.access(feedd, os.X_OK):
        say("FAIL: FEEDD must name the feedd binary (got %r)" % feedd)
        return 1
    top = os.path.abspath(os.environ.get("top_srcdir") or
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    why = inotify_available()
    if why:
        say("SKIP: inotify unavailable: %s" % why)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="feedd-faults.")
    own = os.path.join(tmp, "feedd")
    shutil.copy2(os.path.abspath(feedd), own)
    t = FaultTest(own, top, tmp, full, seed)
    failures = []
    skipped = []
    start = time.monotonic()
    say("faults: %s run, kill seed %d (--seed %d repeats it)" % ("full" if full else "CI", seed, seed))
    try:
        for name, desc, meth in SCENARIOS:
            if only is not None and name not in only:
                continue
            t0 = time.monotonic()
            try:
                getattr(t, meth)()
                say("ok   %-12s %s (%.2f s)" % (name, desc, time.monotonic() - t0))
            except Skip as e:
                say("skip %-12s %s: %s" % (name, desc, e))
                skipped.append(name)
            except Fail as e:
                say("FAIL %-12s %s (%.2f s): %s" % (name, desc, time.monotonic() - t0, e))
                failures.append(name)
            finally:
                for d in t.daemons:
                    if d.proc.poll() is None:
                        d.proc.kill()
                        d.proc.wait()
    finally:
        t.cleanup()
    for n in t.notes:
        say("note: " + n)
    say("total %.1f s" % (time.monotonic() - start))
    if failures:
        say("FAIL: %s; kept %s" % (", ".join(failures), tmp))
        return 1
    if keep:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if skipped and len(skipped) == len([s for s in SCENARIOS if only is None or s[0] in only]):
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
