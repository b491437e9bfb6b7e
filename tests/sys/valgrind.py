#!/usr/bin/python3
"""valgrind: `feedd watch` under valgrind memcheck through a whole life cycle.

A tiny gen-corpus site (debounce_ms 0) is watched by

    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
             --error-exitcode=99 --track-fds=no $FEEDD watch SITE -o OUT

and driven through: add a post, edit it, delete it, a post with broken front matter, a
category folder created / renamed / removed, an edit of _config.yml, SIGHUP, SIGUSR1,
write failures (output folder bind-mounted read-only, when mounting is permitted: the
once-per-episode error and the retries), the output folder removed, and SIGTERM. Each step
waits (polling, with a deadline) for the daemon to log its update. At the end the daemon
must exit 0 (valgrind exits 99 on any error), with "ERROR SUMMARY: 0 errors" and no
definitely or indirectly lost blocks. "Still reachable" blocks (libxml2, libinotifytools
globals) are fine.

Environment: FEEDD, top_srcdir, as for the other system tests; VALGRIND (default:
valgrind from PATH). Exit 0 pass, 1 fail, 77 skip (valgrind or inotify missing).
Options: --keep. The binary is copied into the temporary folder first; on failure the
folder (site, output, feedd.log, valgrind.log) is kept.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
POLL = 0.05
DEADLINE = 20.0          # valgrind is slow: generous deadlines, still polled
START_DEADLINE = 60.0


class Fail(Exception):
    pass


def say(msg):
    print(msg, flush=True)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def post_text(title, cat, tag, date="2024-02-01 10:00:00 +0800", body=None):
    return ('---\ntitle: "%s"\ndate: %s\ncategories: %s\ntags: [%s]\n---\n\n%s\n'
            % (title, date, cat, tag, body or "Body of %s, with a [link](../rel/)." % title))


def mount(args):
    r = subprocess.run(["mount"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode == 0


class Run:
    def __init__(self, tmp, feedd, valgrind, top):
        self.tmp = tmp
        self.feedd = feedd
        self.valgrind = valgrind
        self.top = top
        self.site = os.path.join(tmp, "site")
        self.out = os.path.join(tmp, "out")
        self.log = os.path.join(tmp, "feedd.log")
        self.vglog = os.path.join(tmp, "valgrind.log")
        self.proc = None
        self.mounted = False

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

    def wait_log(self, off, pattern, what, timeout=DEADLINE):
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while not rx.search(self.text(off)):
            self.alive()
            if time.monotonic() >= end:
                raise Fail("%s: no log line matching %r within %.0f s; log since: %s" % (
                    what, pattern, timeout, self.text(off)[-400:].replace("\n", " | ")))
            time.sleep(POLL)

    def wait_file(self, cond, what, timeout=DEADLINE):
        end = time.monotonic() + timeout
        while not cond():
            self.alive()
            if time.monotonic() >= end:
                raise Fail("%s not reached within %.0f s" % (what, timeout))
            time.sleep(POLL)

    def has(self, rel, text):
        try:
            with open(os.path.join(self.out, rel), "rb") as f:
                return text.encode() in f.read()
        except FileNotFoundError:
            return False

    def step(self, what, action, pattern=r"^feedd: \d+ posts (changed|\(\d+ scheduled\) in)", check=None):
        t0 = time.monotonic()
        off = self.size()
        action()
        self.wait_log(off, pattern, what)
        if check is not None:
            self.wait_file(check, what + ": the output")
        say("ok   %-40s (%.2f s)" % (what, time.monotonic() - t0))

    def run(self):
        gen = os.path.join(self.top, "tools", "gen-corpus")
        cmd = [gen] if os.access(gen, os.X_OK) else [sys.executable, gen]
        r = subprocess.run(cmd + ["--posts", "12", "--categories", "4", "--seed", "5", "--quiet", self.site],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise Fail("gen-corpus failed: %s" % r.stderr.decode(errors="replace"))
        cfg = open(os.path.join(self.top, "examples", "site", "_config.yml"), encoding="utf-8").read()
        cfg = cfg.rstrip("\n") + "\n\nfeedd:\n  debounce_ms: 0\n"
        write(os.path.join(self.site, "_config.yml"), cfg)
        posts = os.path.join(self.site, "_posts")
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(k, None)
        vg = [self.valgrind, "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
              "--error-exitcode=99", "--track-fds=no", "--num-callers=30",
              "--log-file=" + self.vglog]
        t0 = time.monotonic()
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(vg + [self.feedd, "watch", self.site, "-o", self.out],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=logf, env=env)
        self.wait_log(0, r"^feedd: watching ", "start", START_DEADLINE)
        say("ok   %-40s (%.2f s)" % ("start under valgrind", time.monotonic() - t0))

        p = os.path.join(posts, "2024-02-01-vg-one.md")
        self.step("add a post", lambda: write(p, post_text("VG One", "vgcat", "vgtag")),
                  check=lambda: self.has("feed/vgcat.xml", "VG One"))
        self.step("edit it", lambda: write(p, post_text("VG One Edited", "vgcat", "vgtag")),
                  check=lambda: self.has("feed.xml", "VG One Edited"))
        self.step("change its category", lambda: write(p, post_text("VG One Edited", "vgcat2", "vgtag")),
                  check=lambda: not os.path.exists(os.path.join(self.out, "feed/vgcat.xml")))
        self.step("delete it", lambda: os.unlink(p),
                  check=lambda: not os.path.exists(os.path.join(self.out, "feed/vgcat2.xml")))
        bad = os.path.join(posts, "2024-02-02-vg-bad.md")
        self.step("a post with broken front matter",
                  lambda: write(bad, "---\ntitle: [unclosed\ndate: 2024-02-02\n---\nx\n"),
                  pattern=r"^feedd: warning: .*vg-bad")
        os.unlink(bad)
        news = os.path.join(self.site, "news", "_posts")

        def mkfolder():
            os.makedirs(news)
            write(os.path.join(news, "2024-02-03-vg-news.md"), post_text("VG News", "vgnews", "vgnews"))
        self.step("a category folder created", mkfolder,
                  check=lambda: self.has("feed/news.xml", "VG News"))
        self.step("the folder renamed",
                  lambda: os.rename(os.path.join(self.site, "news"), os.path.join(self.site, "world")),
                  check=lambda: self.has("feed/world.xml", "VG News"))
        self.step("the folder removed", lambda: shutil.rmtree(os.path.join(self.site, "world")),
                  check=lambda: not os.path.exists(os.path.join(self.out, "feed/world.xml")))
        cfgp = os.path.join(self.site, "_config.yml")
        self.step("_config.yml edited", lambda: write(cfgp, cfg.replace("title: ", "title: VG ", 1)),
                  pattern=r"^feedd: reloading the configuration[\s\S]*^feedd: \d+ posts \(",
                  check=lambda: self.has("feed.xml", ">VG "))
        self.step("SIGHUP", lambda: self.proc.send_signal(signal.SIGHUP),
                  pattern=r"^feedd: reloading the configuration[\s\S]*^feedd: \d+ posts \(")
        self.step("SIGUSR1", lambda: self.proc.send_signal(signal.SIGUSR1),
                  pattern=r"^feedd: resynchronising")
        # write failures: a read-only output folder, then writable again
        if os.geteuid() == 0 and mount(["--bind", self.out, self.out]):
            self.mounted = True
            if mount(["-o", "remount,ro,bind", self.out]):
                q = os.path.join(posts, "2024-02-04-vg-ro.md")
                self.step("write failure (read-only output)",
                          lambda: write(q, post_text("VG RO", "vgro", "vgro")),
                          pattern=r"^feedd: error: ")
                self.step("writable again: the retry succeeds", self.unmount,
                          pattern=r"^feedd: feeds are written again",
                          check=lambda: self.has("feed/vgro.xml", "VG RO"))
            else:
                self.unmount()
                say("note: read-only remount not permitted; write failures not exercised")
        else:
            say("note: bind mount not permitted; write failures not exercised")
        r2 = os.path.join(posts, "2024-02-05-vg-rm.md")

        def rm_out():
            shutil.rmtree(self.out)
            write(r2, post_text("VG RM", "vgrm", "vgrm"))
        self.step("output folder removed, then a post", rm_out,
                  check=lambda: self.has("feed/vgrm.xml", "VG RM") and self.has("feed.xml", "VG RM"))
        # a pending change and SIGTERM
        t0 = time.monotonic()
        write(os.path.join(posts, "2024-02-06-vg-last.md"), post_text("VG Last", "vglast", "vglast"))
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(START_DEADLINE)
        except subprocess.TimeoutExpired:
            raise Fail("no exit within %.0f s of SIGTERM" % START_DEADLINE)
        say("ok   %-40s (%.2f s)" % ("SIGTERM", time.monotonic() - t0))
        return rc

    def unmount(self):
        if self.mounted:
            # Lazy: feedd holds its lock file open, so the mount is busy.
            subprocess.run(["umount", "-l", self.out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
            self.mounted = False

    def verdict(self, rc):
        vg = open(self.vglog, encoding="utf-8", errors="replace").read()
        problems = []
        if rc != 0:
            problems.append("exit status %d%s" % (rc, " (valgrind found errors)" if rc == 99 else ""))
        m = re.search(r"ERROR SUMMARY: (\d+) errors", vg)
        if not m:
            problems.append("no ERROR SUMMARY in valgrind.log")
        elif m.group(1) != "0":
            problems.append("ERROR SUMMARY: %s errors" % m.group(1))
        leaks = {}
        for kind in ("definitely lost", "indirectly lost", "possibly lost", "still reachable"):
            mm = re.search(kind + r": ([\d,]+) bytes in ([\d,]+) blocks", vg)
            leaks[kind] = (mm.group(1), mm.group(2)) if mm else ("0", "0")
        for kind in ("definitely lost", "indirectly lost"):
            if leaks[kind][0] != "0":
                problems.append("%s: %s bytes in %s blocks" % (kind, leaks[kind][0], leaks[kind][1]))
        say("valgrind: %s; %s" % (m.group(0) if m else "no summary",
                                  ", ".join("%s %s bytes" % (k, v[0]) for k, v in leaks.items())))
        if problems:
            # the first error and loss records, for the log
            blocks = re.split(r"\n==\d+== \n", vg)
            shown = [b for b in blocks if re.search(r"(Invalid|uninitialised|definitely lost in|"
                                                    r"indirectly lost in|Mismatched|overlap)", b)]
            for b in shown[:4]:
                say(b.strip()[:2500])
        return problems


def main():
    keep = "--keep" in sys.argv
    feedd = os.environ.get("FEEDD")
    if not feedd or not os.access(feedd, os.X_OK):
        say("FAIL: FEEDD must name the feedd binary (got %r)" % feedd)
        return 1
    valgrind = os.environ.get("VALGRIND") or shutil.which("valgrind")
    if not valgrind:
        say("SKIP: valgrind is not installed")
        return SKIP
    if not os.path.isdir("/proc/sys/fs/inotify"):
        say("SKIP: no inotify")
        return SKIP
    with open(feedd, "rb") as f:
        if b"__asan_init" in f.read():
            # The sanitizer build checks memory itself; valgrind cannot run it.
            say("SKIP: feedd is built with AddressSanitizer, which valgrind cannot run")
            return SKIP
    top = os.path.abspath(os.environ.get("top_srcdir") or
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    tmp = tempfile.mkdtemp(prefix="feedd-valgrind.")
    own = os.path.join(tmp, "feedd")
    shutil.copy2(os.path.abspath(feedd), own)
    r = Run(tmp, own, valgrind, top)
    start = time.monotonic()
    problems = []
    try:
        rc = r.run()
        problems = r.verdict(rc)
    except Fail as e:
        problems = [str(e)]
    finally:
        if r.proc is not None and r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()
        r.unmount()
    say("total %.1f s" % (time.monotonic() - start))
    if problems:
        say("FAIL: %s; kept %s" % ("; ".join(problems), tmp))
        return 1
    if keep:
        say("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
