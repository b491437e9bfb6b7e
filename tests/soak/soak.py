#!/usr/bin/python3
"""soak: a long scripted run of mixed changes against `feedd watch`.

A gen-corpus site (--posts N, with part of its posts moved into category folders
secNN/_posts) is watched by `$FEEDD watch SITE -o OUT`. Then --ops operations are applied
in random batches (seeded, repeatable):

  add        a new post (new or existing categories and tags), in any _posts folder
  edit       title and body rewritten, in place or as an editor does (temp file renamed over)
  move       the post file renamed: to another _posts folder, or a new slug
  delete     the post file removed
  category   its categories and tags changed
  folder     a category folder renamed (secNN -> a new name): all its posts move
  reload     SIGHUP (a full rebuild), rarely

Adds and deletes keep the number of posts within 1% of N. After about half of the batches
the script waits (polling, with a deadline) for the daemon's next update line, so changes
land both between and during updates. At the end, once the daemon's log has been quiet,
OUT must be byte-equal to a fresh `feedd build` (manifest included). Memory (VmRSS from
/proc/PID/status, always read once the log has been quiet for a second): RSS0 after the
initial build, RSS1 at the end of the run, RSS2 after a SIGHUP at the end (a reload
rebuilds index, publisher and render cache from scratch and hands memory back, the state
RSS0 was taken in). RSS2 must be within --rss-tolerance (10%) of RSS0: what is left is
leaked or fragmented memory. RSS1 may exceed that by the render cache's budget (8 MiB of
rendered bodies kept between updates by design, stale ones included until evicted), no
more. Prints ops/s, the number of updates, RSS along the way and VmHWM.

  tests/soak/soak.py                            # short: --posts 2000 --ops 5000 (CI)
  tests/soak/soak.py --posts 20000 --ops 200000 # full soak (about 10-20 minutes)

Environment: FEEDD (feedd binary; default: src/feedd of the source tree), top_srcdir.
Exit 0 pass, 1 fail, 77 skip (no inotify). Options: --posts, --ops, --seed, --debounce MS
(default 20), --rss-tolerance F (default 0.10), --keep. The binary is copied into the
temporary folder first; on failure the folder (site, output, soak.log) is kept.
"""

import argparse
import ctypes
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sys"))
from feeddtest import kept_ids, list_tree, say, seed_ids, tree_diff  # noqa: E402

SKIP = 77
POLL = 0.01
DEADLINE = 60.0

# publish.c RCACHE_BUDGET: rendered bodies the daemon keeps between updates, on purpose
RCACHE_KIB = 8 * 1024

FLUSH_RX = re.compile(r"^feedd: \d+ posts (changed|\(\d+ scheduled\) in \d+ feeds)", re.M)


class Fail(Exception):
    pass


def rss_kib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise Fail("no %s in /proc/%d/status" % (field, pid))


WORDS = ["市场", "指数", "成交", "资金", "板块", "上涨", "回落", "政策", "数据", "增长", "基金",
         "债券", "利率", "汇率", "期货", "银行", "保险", "券商", "新能源", "芯片", "消费", "地产",
         "alpha", "beta", "yield", "bond", "rate", "fund", "index", "market"]


class Soak:
    def __init__(self, args, feedd, top, tmp):
        self.a = args
        self.feedd = feedd
        self.top = top
        self.tmp = tmp
        self.site = os.path.join(tmp, "site")
        self.out = os.path.join(tmp, "out")
        self.log = os.path.join(tmp, "soak.log")
        self.rnd = random.Random(args.seed)
        self.proc = None
        self.posts = []          # site-relative paths of post files
        self.where = {}          # path -> index in self.posts
        self.folders = []        # category folders holding _posts ("" is the site's own _posts)
        self.cats = []
        self.serial = 0
        self.counts = {}

    # -- plumbing

    def text(self, off=0):
        with open(self.log, "rb") as f:
            f.seek(off)
            return f.read().decode("utf-8", "replace")

    def size(self):
        return os.path.getsize(self.log)

    def alive(self):
        rc = self.proc.poll()
        if rc is not None:
            raise Fail("the daemon exited %d; log: %s" % (rc, " | ".join(self.text().strip().split("\n")[-6:])))

    def wait(self, cond, what, timeout=DEADLINE, interval=POLL):
        end = time.monotonic() + timeout
        while True:
            v = cond()
            if v:
                return v
            self.alive()
            if time.monotonic() >= end:
                raise Fail("%s not reached within %.0f s" % (what, timeout))
            time.sleep(interval)

    def settle(self, quiet=1.0, timeout=300.0):
        last = [self.size(), time.monotonic()]

        def cond():
            s = self.size()
            now = time.monotonic()
            if s != last[0]:
                last[0], last[1] = s, now
                return False
            return now - last[1] >= quiet
        self.wait(cond, "a quiet daemon log (%.1f s)" % quiet, timeout, 0.05)

    def flushes(self):
        return len(FLUSH_RX.findall(self.text()))

    # -- the site model

    def add_path(self, p):
        self.where[p] = len(self.posts)
        self.posts.append(p)

    def drop_path(self, p):
        i = self.where.pop(p)
        last = self.posts.pop()
        if last != p:
            self.posts[i] = last
            self.where[last] = i

    def abspath(self, rel):
        return os.path.join(self.site, rel)

    def body(self):
        n = self.rnd.randint(8, 60)
        words = " ".join(self.rnd.choice(WORDS) for _ in range(n))
        return "%s\n\nSee [the source](../src/%d.html)." % (words, self.rnd.randint(1, 999))

    def front(self, path):
        self.serial += 1
        date = os.path.basename(path)[:10]
        cats = self.rnd.sample(self.cats, self.rnd.choice((1, 1, 1, 2)))
        if self.rnd.random() < 0.05:
            cats = ["soak%d" % self.rnd.randint(0, 999)]
        tags = [c + "新闻" for c in cats]
        return ('---\nlayout: post\ntitle: "Soak %d %s"\ndate: %s %02d:%02d:%02d +0800\n'
                'categories: [%s]\ntags: [%s]\n---\n\n%s\n'
                % (self.serial, self.rnd.choice(WORDS), date, self.rnd.randint(0, 23),
                   self.rnd.randint(0, 59), self.rnd.randint(0, 59), ", ".join(cats),
                   ", ".join(tags), self.body()))

    def new_name(self, folder):
        self.serial += 1
        day = self.rnd.randint(0, 400)
        t = time.gmtime(1638921600 + day * 86400)     # 2021-12-08 on, never in the future
        return os.path.join(folder, "_posts", "%s-soak-%07d.md" % (time.strftime("%Y-%m-%d", t), self.serial))

    def write(self, rel, text, atomic=False):
        p = self.abspath(rel)
        if atomic:
            tmp = os.path.join(os.path.dirname(p), ".soak-%d.tmp" % self.serial)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.rename(tmp, p)
        else:
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)

    def setup(self):
        gen = os.path.join(self.top, "tools", "gen-corpus")
        cmd = [gen] if os.access(gen, os.X_OK) else [sys.executable, gen]
        ncat = max(20, self.a.posts // 10)
        r = subprocess.run(cmd + ["--posts", str(self.a.posts), "--categories", str(ncat), "--seed",
                                  str(self.a.seed), "--quiet", self.site],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise Fail("gen-corpus failed: %s" % r.stderr.decode(errors="replace"))
        cfg = open(os.path.join(self.top, "examples", "site", "_config.yml"), encoding="utf-8").read()
        with open(os.path.join(self.site, "_config.yml"), "w", encoding="utf-8") as f:
            f.write(cfg.rstrip("\n") + "\n\nfeedd:\n  debounce_ms: %d\n" % self.a.debounce)
        names = sorted(os.listdir(os.path.join(self.site, "_posts")))
        # categories actually used, for realistic category changes
        seen = set()
        for nm in names[:: max(1, len(names) // 300)]:
            with open(os.path.join(self.site, "_posts", nm), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("categories:"):
                        v = line.split(":", 1)[1].strip().strip("[]")
                        for c in re.split(r"[,\s]+", v):
                            if re.fullmatch(r"[A-Za-z0-9]+", c):
                                seen.add(c)
        self.cats = sorted(seen) or ["emnews"]
        # category folders: a fifth of the posts move into sec00..sec19
        self.folders = [""] + ["sec%02d" % i for i in range(20)]
        for f in self.folders[1:]:
            os.makedirs(os.path.join(self.site, f, "_posts"))
        for i, nm in enumerate(names):
            rel = os.path.join("_posts", nm)
            if i % 5 == 0:
                f = self.folders[1 + (i // 5) % 20]
                nrel = os.path.join(f, "_posts", nm)
                os.rename(self.abspath(rel), self.abspath(nrel))
                rel = nrel
            self.add_path(rel)

    # -- operations

    def op_add(self):
        rel = self.new_name(self.rnd.choice(self.folders))
        self.write(rel, self.front(rel), atomic=self.rnd.random() < 0.3)
        self.add_path(rel)

    def op_edit(self):
        rel = self.rnd.choice(self.posts)
        self.write(rel, self.front(rel), atomic=self.rnd.random() < 0.5)

    op_category = op_edit   # front() draws new categories and tags every time

    def op_move(self):
        rel = self.rnd.choice(self.posts)
        if self.rnd.random() < 0.5:
            dest = os.path.join(self.rnd.choice(self.folders), "_posts", os.path.basename(rel))
        else:
            dest = self.new_name(rel.split("_posts")[0].rstrip("/"))
        if dest == rel or dest in self.where:
            return self.op_edit()
        os.rename(self.abspath(rel), self.abspath(dest))
        self.drop_path(rel)
        self.add_path(dest)

    def op_delete(self):
        rel = self.rnd.choice(self.posts)
        os.unlink(self.abspath(rel))
        self.drop_path(rel)

    def op_folder(self):
        i = self.rnd.randrange(1, len(self.folders))
        old = self.folders[i]
        self.serial += 1
        new = "sec%d" % (100 + self.serial)
        os.rename(self.abspath(old), self.abspath(new))
        self.folders[i] = new
        prefix = old + "/"
        moved = [p for p in self.posts if p.startswith(prefix)]
        for p in moved:
            self.drop_path(p)
            self.add_path(new + "/" + p[len(prefix):])

    def op_reload(self):
        self.proc.send_signal(signal.SIGHUP)

    OPS = [("add", 20), ("edit", 25), ("move", 10), ("delete", 20), ("category", 15),
           ("folder", 0.3), ("reload", 0.05)]

    def pick(self):
        names = [n for n, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        op = self.rnd.choices(names, weights)[0]
        slack = max(10, self.a.posts // 100)
        if op == "add" and len(self.posts) >= self.a.posts + slack:
            op = "delete"
        elif op == "delete" and len(self.posts) <= self.a.posts - slack:
            op = "add"
        return op

    # -- the run

    def fresh(self):
        """A fresh build's tree, with the daemon's kept ids (posts moved keep theirs)."""
        dest = os.path.join(self.tmp, "fresh")
        shutil.rmtree(dest, ignore_errors=True)
        seed_ids(dest, kept_ids(self.out))
        r = subprocess.run([self.feedd, "build", self.site, "-o", dest, "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise Fail("fresh build exited %d: %s" % (r.returncode, r.stderr.decode(errors="replace")))
        tree = {}
        for rel in list_tree(dest):
            with open(os.path.join(dest, rel), "rb") as f:
                tree[rel] = f.read()
        shutil.rmtree(dest, ignore_errors=True)
        return tree

    def run(self):
        t0 = time.monotonic()
        self.setup()
        say("soak: %d posts in %d folders, %d categories sampled; %d ops, seed %d, debounce %d ms "
            "(setup %.1f s)" % (len(self.posts), len(self.folders), len(self.cats), self.a.ops,
                                self.a.seed, self.a.debounce, time.monotonic() - t0))
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(k, None)
        t0 = time.monotonic()
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen([self.feedd, "watch", self.site, "-o", self.out],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=logf, env=env)
        self.wait(lambda: re.search(r"^feedd: watching ", self.text(), re.M), "daemon up", 300, 0.05)
        self.settle()
        pid = self.proc.pid
        rss0 = rss_kib(pid)
        say("initial build: %.1f s; VmRSS %d KiB" % (time.monotonic() - t0, rss0))

        done = 0
        batches = 0
        waits = 0
        samples = []
        t0 = time.monotonic()
        next_sample = self.a.ops // 4
        avg = 25
        while done < self.a.ops:
            n = min(self.a.ops - done, self.rnd.randint(1, 2 * avg))
            before = self.flushes()
            for _ in range(n):
                op = self.pick()
                getattr(self, "op_" + op)()
                self.counts[op] = self.counts.get(op, 0) + 1
            done += n
            batches += 1
            if self.rnd.random() < 0.5:
                waits += 1
                self.wait(lambda: self.flushes() > before, "an update after batch %d (op %d)" % (batches, done))
            else:
                self.alive()
            if done >= next_sample and len(samples) < 3:
                samples.append((done, rss_kib(pid)))
                say("   %d ops in %.1f s, VmRSS %d KiB" % (done, time.monotonic() - t0, samples[-1][1]))
                next_sample += self.a.ops // 4
        ops_time = time.monotonic() - t0
        t1 = time.monotonic()
        self.settle()
        quiet_time = time.monotonic() - t1
        exp = self.fresh()
        diff = []
        end = time.monotonic() + DEADLINE
        while True:
            diff = tree_diff(self.out, exp)
            if not diff or time.monotonic() >= end:
                break
            self.alive()
            time.sleep(0.2)
        rss1 = rss_kib(pid)
        hwm = rss_kib(pid, "VmHWM")
        updates = self.flushes()
        problems = [l for l in self.text().split("\n") if re.match(r"^feedd: (error|warning): ", l)]
        # the same state as after the initial build: a reload rebuilds everything from
        # scratch (new index, publisher and render cache, memory handed back), so what
        # is left above the initial figure is memory the run leaked or fragmented
        off = self.size()
        self.proc.send_signal(signal.SIGHUP)
        self.wait(lambda: re.search(r"^feedd: reloading the configuration\n(.*\n)*feedd: \d+ posts \(",
                                    self.text(off), re.M), "the reload after the run", 300, 0.05)
        self.settle()
        rss2 = rss_kib(pid)
        say("ops: %d in %.1f s = %.0f ops/s (%s); %d batches, %d waited for an update; "
            "%d updates logged; quiet %.1f s after the last op" % (
                done, ops_time, done / ops_time if ops_time else 0,
                ", ".join("%s %d" % kv for kv in sorted(self.counts.items())), batches, waits,
                updates, quiet_time))
        say("posts: %d at the end (%d at the start); output: %d files" % (
            len(self.posts), self.a.posts, len(exp)))
        say("VmRSS: %d KiB after the initial build; %s; %d KiB at the end (%+.1f%%); "
            "%d KiB after a reload (%+.1f%%); VmHWM %d KiB" % (
                rss0, ", ".join("%d KiB at op %d" % (r, o) for o, r in samples), rss1,
                100.0 * (rss1 - rss0) / rss0, rss2, 100.0 * (rss2 - rss0) / rss0, hwm))
        if problems:
            say("daemon errors/warnings: %d, first: %s" % (len(problems), problems[0]))
        errors = []
        if diff:
            errors.append("output differs from a fresh build: %s" % "; ".join(diff))
        else:
            say("converged: output equals a fresh build (%d files)" % len(exp))
        tol = self.a.rss_tolerance
        if self.sanitized:
            # AddressSanitizer's quarantine and shadow memory make RSS say nothing about
            # feedd's own memory; that build checks leaks itself.
            say("memory criteria not applied: feedd is built with AddressSanitizer")
        elif rss2 > rss0 * (1 + tol):
            errors.append("VmRSS after a reload at the end is %d KiB, %+.1f%% of the %d KiB after the "
                          "initial build (allowed %+.0f%%)" % (rss2, 100.0 * (rss2 - rss0) / rss0, rss0,
                                                               100 * tol))
        if not self.sanitized and rss1 > rss0 * (1 + tol) + RCACHE_KIB:
            errors.append("VmRSS at the end of the run is %d KiB, more than %+.0f%% of the initial %d KiB "
                          "plus the %d KiB render cache budget" % (rss1, 100 * tol, rss0, RCACHE_KIB))
        if any(re.match(r"^feedd: error: ", l) for l in problems):
            errors.append("the daemon logged errors: %s" % problems[0])
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            errors.append("no exit within 60 s of SIGTERM")
            rc = None
        if rc not in (0, None):
            errors.append("exit status %d on SIGTERM" % rc)
        return errors


def main():
    p = argparse.ArgumentParser(description="feedd soak test (see the module docstring)")
    p.add_argument("--posts", type=int, default=2000)
    p.add_argument("--ops", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--debounce", type=int, default=20)
    p.add_argument("--rss-tolerance", type=float, default=0.10)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    top = os.path.abspath(os.environ.get("top_srcdir") or
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    feedd = os.environ.get("FEEDD") or os.path.join(top, "src", "feedd")
    if not os.access(feedd, os.X_OK):
        say("FAIL: FEEDD must name the feedd binary (got %r)" % feedd)
        return 1
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        say("SKIP: inotify unavailable")
        return SKIP
    os.close(fd)
    tmp = tempfile.mkdtemp(prefix="feedd-soak.")
    own = os.path.join(tmp, "feedd")
    shutil.copy2(os.path.abspath(feedd), own)
    s = Soak(args, own, top, tmp)
    with open(own, "rb") as f:
        s.sanitized = b"__asan_init" in f.read()
    start = time.monotonic()
    try:
        errors = s.run()
    except Fail as e:
        errors = [str(e)]
    finally:
        if s.proc is not None and s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
    say("total %.1f s" % (time.monotonic() - start))
    if errors:
        say("FAIL: %s; kept %s" % ("; ".join(errors), tmp))
        return 1
    if args.keep:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
