#!/usr/bin/python3
"""systemd-live: feedd installed as a package would be, run by Debian 12's own systemd
(252) in a systemd-nspawn container, and driven the way a sysadmin drives it: systemctl
and journalctl only.

How it works
  rootfs   A Debian 12 (bookworm) minbase root file system with systemd, dbus, procps
           (/bin/kill, which ExecReload runs) and feedd's runtime libraries, made with
           debootstrap from the host's configured Debian mirror and cached in
           $FEEDD_ROOTFS_CACHE (default /var/cache/feedd-tests/rootfs-bookworm).  The
           file .feedd-rootfs in it records the suite, variant and package list; a
           different list rebuilds it.  A build goes into a temporary folder renamed into
           place at the end, so an interrupted one is never used; a lock keeps
           concurrent runs from rebuilding the cache under one another.
  copy     Each run boots an overlay (the cache read-only below, a temporary folder
           above) or, where overlayfs is unavailable, a full copy: runs never change
           the cache.
  install  make install DESTDIR=STAGE prefix=/usr sysconfdir=/etc in the build tree of
           $FEEDD (its parent's parent; this remakes its etc/feedd*.service with those
           paths, and the next plain make remakes them back), copied into the root;
           inside, systemd-sysusers and systemctl daemon-reload.
  boot     systemd-nspawn -b --register=no --keep-unit --private-network with a
           pure cgroup v2 tree (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1), a unique
           --machine name; commands run inside through nsenter into the namespaces of
           the container's PID 1 (the host has no systemd, so no machinectl or
           systemd-run --machine).
  steps    A list of small named steps (STEPS below), each timed and printed; the
           first failure prints the unit's systemctl status and last 50 journal lines
           and ends the run.  The container is always powered off and the temporary
           root removed, failure or not.

The steps, on the site /srv/www/blog configured as /etc/feedd/blog.yml (example.yml
edited as README says), unit feedd@blog unless named:
  install            staged units name /usr/bin/feedd and /etc/feedd; the feedd user exists
  verify             systemd-analyze verify --man=no of the installed units is clean
  site, start        enable --now returns with feed.xml written and the unit active
  status             StatusText names the post count
  new-post           a new post reaches its category feed within 1 s (latency printed)
  reload             a new title is in feed.xml after systemctl reload
  reload-broken      a broken blog.yml: reload refused, service and feeds unchanged
  watchdog           WatchdogSec=2s drop-in, SIGSTOP: watchdog timeout in the journal,
                     NRestarts up, identical feeds afterwards
  stop               inactive, exit status 0, feedd's "stopped" in the journal
  security           systemd-analyze security (online) score, printed
  symlink-swap       feedd@deploy on /srv/www/current -> releases/r1, swapped to r2
  unwritable-output  feedd@ro writing to /srv/feeds (read-only for the service)
  start-limit        feedd@broken without a configuration ends failed after at most
                     StartLimitBurst attempts, and status says why

Problems other changes are meant to fix are listed in KNOWN: a step that meets one
prints "KNOWN ISSUE" and carries on; once the fix lands, remove its entry and the step
enforces it (FEEDD_LIVE_STRICT=1 enforces them all now).

Environment: FEEDD (built feedd, required), FEEDD_SKIP_HEAVY=1 (skip: sanitizer builds,
distcheck), FEEDD_ROOTFS_CACHE (rootfs cache folder), FEEDD_LIVE_STRICT=1.
Options: --only STEP,STEP (boot and install always run first), --keep (keep the
temporary root and the container's console log; it is still powered off).
Exit 0 pass, 1 fail, 77 skip (not root, no systemd-nspawn or debootstrap,
FEEDD_SKIP_HEAVY=1), 99 the rootfs could not be made.
"""

import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from feeddtest import Fail, say, wait_until

SKIP = 77
HARD_ERROR = 99

SUITE = "bookworm"
VARIANT = "minbase"
# systemd as PID 1, dbus for systemctl's bus, procps for /bin/kill (ExecReload), and
# what the feedd binary links (libxml2, libyaml, md4c, libinotifytools, jansson; zlib is
# essential).
PACKAGES = sorted([
    "systemd", "systemd-sysv", "dbus", "procps",
    "libxml2", "libyaml-0-2", "libmd4c0", "libmd4c-html0", "libinotifytools0", "libjansson4",
])
RECIPE = 2                      # bump when the rootfs recipe changes otherwise
CACHE = os.environ.get("FEEDD_ROOTFS_CACHE",
                       "/var/cache/feedd-tests/rootfs-" + SUITE)
STAMP = ".feedd-rootfs"

BOOT_DEADLINE = 120.0           # boot to running/degraded on a busy machine
UNIT_DEADLINE = 60.0            # a unit state change
LATENCY_MAX = 1.0               # a new post in its category feed
WATCHDOG_SEC = 2                # the drop-in's WatchdogSec
INSIDE_TIMEOUT = 180            # one command inside the container

UNIT = "feedd@blog.service"
SITE = "/srv/www/blog"
CONF = "/etc/feedd/blog.yml"
OUT = "/var/lib/feedd/blog"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

KNOWN = {
    "reload-async": "ExecReload=/bin/kill -HUP returns before the daemon has reloaded",
    "reload-broken-ok": "ExecReload returns 0 for a broken configuration",
    "symlink-swap": "a deploy that swaps the site's symbolic link is not seen",
}
STRICT = os.environ.get("FEEDD_LIVE_STRICT") == "1"


class HardError(Exception):
    """The test could not set itself up (no rootfs): neither pass nor fail."""


def known(key, detail):
    """Report a problem from KNOWN, or fail when it is no longer listed (or STRICT)."""
    if key in KNOWN and not STRICT:
        say("    KNOWN ISSUE (%s): %s: %s" % (key, KNOWN[key], detail))
        ctx.known_seen.add(key)
        return
    raise Fail(detail)


def run(cmd, check=True, timeout=INSIDE_TIMEOUT, **kw):
    """Run cmd on the host; output captured as text."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise Fail("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stdout.strip()[-2000:]))
    return p


# ---------------------------------------------------------------- the rootfs cache

def host_mirror():
    """The Debian mirror the host's apt uses (deb822 or one-line sources)."""
    d = "/etc/apt/sources.list.d"
    files = [os.path.join(d, f) for f in sorted(os.listdir(d))] if os.path.isdir(d) else []
    for f in files:
        if f.endswith(".sources"):
            for line in open(f, encoding="utf-8", errors="replace"):
                m = re.match(r"URIs:\s*(\S+)", line)
                if m and "-security" not in m.group(1):
                    return m.group(1)
    for f in ["/etc/apt/sources.list"] + [f for f in files if f.endswith(".list")]:
        if os.path.exists(f):
            for line in open(f, encoding="utf-8", errors="replace"):
                m = re.match(r"deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
                if m and "-security" not in m.group(1) and m.group(2) == SUITE:
                    return m.group(1)
    return None


def stamp_text():
    return "suite=%s\nvariant=%s\nrecipe=%d\npackages=%s\n" % (
        SUITE, VARIANT, RECIPE, " ".join(PACKAGES))


def cache_valid():
    try:
        with open(os.path.join(CACHE, STAMP), encoding="utf-8") as f:
            return f.read() == stamp_text()
    except OSError:
        return False


def build_rootfs(parent, name):
    """debootstrap into a temporary folder and rename it into place (lock held)."""
    mirror = host_mirror()
    if mirror is None:
        raise HardError("no Debian mirror in /etc/apt to debootstrap from")
    for old in os.listdir(parent):   # debris of interrupted builds
        if old.startswith(name + ".new.") or old.startswith(name + ".old."):
            shutil.rmtree(os.path.join(parent, old), ignore_errors=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=name + ".new.")
    os.chmod(tmp, 0o755)
    say("    debootstrap %s (%s, +%s) from %s" % (SUITE, VARIANT, ",".join(PACKAGES), mirror))
    log = tmp + ".log"
    with open(log, "w") as lf:
        p = subprocess.run(["debootstrap", "--variant=" + VARIANT,
                            "--include=" + ",".join(PACKAGES), SUITE, tmp, mirror],
                           stdout=lf, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = open(log, encoding="utf-8", errors="replace").read()[-3000:]
        shutil.rmtree(tmp, ignore_errors=True)
        raise HardError("debootstrap failed (exit %d), log %s:\n%s" % (p.returncode, log, tail))
    os.unlink(log)
    # No downloaded packages in the cache; an empty machine-id, so that every boot
    # gets a fresh one (the journal is per machine id); no /etc/hostname (debootstrap
    # copies the host's), so the container is called by its --machine name.
    for d in ("var/cache/apt/archives",):
        for f in os.listdir(os.path.join(tmp, d)):
            if f.endswith(".deb"):
                os.unlink(os.path.join(tmp, d, f))
    for f in ("etc/machine-id", "var/lib/dbus/machine-id", "etc/hostname"):
        if os.path.lexists(os.path.join(tmp, f)):
            os.unlink(os.path.join(tmp, f))
    open(os.path.join(tmp, "etc/machine-id"), "w").close()
    with open(os.path.join(tmp, STAMP), "w", encoding="utf-8") as f:
        f.write(stamp_text())
    run(["sync", "-f", tmp], check=False)
    old = None
    if os.path.lexists(CACHE):
        old = tempfile.mkdtemp(dir=parent, prefix=name + ".old.")
        os.rename(CACHE, os.path.join(old, name))
    os.rename(tmp, CACHE)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def ensure_rootfs():
    """A valid cache, and a shared lock on it held for the whole run (so nobody
    rebuilds it under our overlay).  Returns a description for the log."""
    parent, name = os.path.split(CACHE.rstrip("/"))
    os.makedirs(parent, exist_ok=True)
    lock = open(os.path.join(parent, "." + name + ".lock"), "w")
    ctx.lock = lock
    built = False
    while True:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache_valid():
            build_rootfs(parent, name)
            built = True
        fcntl.flock(lock, fcntl.LOCK_SH)     # not atomic: check again
        if cache_valid():
            break
    size = run(["du", "-sh", CACHE], check=False).stdout.split()[0]
    return "%s %s (%s)" % ("built" if built else "cached", CACHE, size)


# ---------------------------------------------------------------- the container

class Container:
    """A systemd-nspawn container booted in the background from root."""

    def __init__(self, root, name, log):
        self.root = root
        self.name = name
        self.log = log
        self.proc = None
        self.leader = None

    def boot(self):
        env = dict(os.environ, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY="1")
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "-b", "-D", self.root, "--register=no", "--keep-unit",
             "--machine=" + self.name, "--private-network", "--link-journal=no",
             "--console=read-only"],
            stdin=subprocess.DEVNULL, stdout=self.logf, stderr=subprocess.STDOUT,
            env=env, start_new_session=True)

        def state():
            if self.proc.poll() is not None:
                raise Fail("systemd-nspawn exited with %d: %s" % (
                    self.proc.returncode, self.console_tail()))
            if self.leader is None:
                self.leader = self.find_leader()
                if self.leader is None:
                    return None
            p = self.run(["systemctl", "is-system-running"], check=False, timeout=30)
            st = p.stdout.strip()
            return st if st in ("running", "degraded") else None
        st = wait_until(state, "container boot", timeout=BOOT_DEADLINE, interval=0.2,
                        detail=self.console_tail)
        if st == "degraded":
            failed = self.run(["systemctl", "--failed", "--plain", "--no-legend"],
                              check=False).stdout.strip()
            say("    degraded: %s" % failed.replace("\n", "; "))
        return st

    def find_leader(self):
        """The container's PID 1: the child of nspawn that runs systemd."""
        try:
            kids = open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)).read().split()
        except OSError:
            return None
        for k in kids:
            try:
                if open("/proc/%s/comm" % k).read().strip() == "systemd":
                    return int(k)
            except OSError:
                pass
        return None

    def console_tail(self):
        try:
            return "console:\n" + open(self.log, errors="replace").read()[-2000:]
        except OSError:
            return "(no console log)"

    def run(self, cmd, check=True, timeout=INSIDE_TIMEOUT, input=None):
        """Run cmd inside the container (all of PID 1's namespaces, clean environment)."""
        full = ["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-n", "-p", "-C",
                "-r", "-w", "env", "-i", "PATH=" + PATH, "HOME=/root", "LANG=C.UTF-8",
                "TERM=dumb", "SYSTEMD_PAGER=cat", "SYSTEMD_COLORS=0"] + cmd
        p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, input=input)
        if check and p.returncode != 0:
            raise Fail("inside: %s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                    p.stdout.strip()[-2000:]))
        return p

    def sh(self, script, check=True, timeout=INSIDE_TIMEOUT):
        return self.run(["sh", "-ec", script], check=check, timeout=timeout)

    def poweroff(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.leader is not None:
            try:
                self.run(["systemctl", "poweroff", "--no-block"], check=False, timeout=30)
            except (subprocess.TimeoutExpired, OSError):
                pass
        for sig, wait in ((None, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            if sig is not None:
                say("    container did not stop: %s to systemd-nspawn %d" % (sig.name, self.proc.pid))
                try:
                    self.proc.send_signal(sig)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.logf.close()


# ---------------------------------------------------------------- helpers for steps

def host(path):
    """The host path of a path inside the container."""
    return os.path.join(ctx.root, path.lstrip("/"))


def put(path, text):
    """Write a file inside the container, atomically, as root with mode 0644."""
    p = host(path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    tmp = p + ".tmp-test"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, p)


def read(path):
    try:
        with open(host(path), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def show(unit, *props):
    """systemctl show -p ... as a dict."""
    out = ctx.ct.run(["systemctl", "show", unit, "-p", ",".join(props)]).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def journal(unit, since=None, extra=()):
    cmd = ["journalctl", "--no-pager", "-u", unit, "-o", "short-monotonic"] + list(extra)
    if since:
        cmd += ["--since", since]
    return ctx.ct.run(cmd, check=False).stdout


def now_inside():
    """A journalctl --since for now (a second early): the container shares the
    host's clock, and "@EPOCH" needs no time zone."""
    return "@%d" % (time.time() - 1)


def feeds():
    """Every file in the output folder, with its SHA-256."""
    out = {}
    root = host(OUT)
    for d, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def post(name, category, title, date):
    put("%s/_posts/%s" % (SITE, name),
        "---\ntitle: \"%s\"\ndate: %s\ncategories: %s\ntags: [common]\n---\n\n"
        "Body of %s.\n" % (title, date, category, title))


def timed(desc, fn):
    t0 = time.monotonic()
    v = fn()
    dt = time.monotonic() - t0
    say("    %s: %.3f s" % (desc, dt))
    return v, dt


# ---------------------------------------------------------------- steps

def step_install():
    """make install DESTDIR into a stage with package paths; copy it in; sysusers."""
    builddir = os.path.dirname(os.path.dirname(os.path.abspath(os.environ["FEEDD"])))
    if not os.path.exists(os.path.join(builddir, "Makefile")):
        raise Fail("no Makefile in %s (FEEDD's build tree)" % builddir)
    stage = os.path.join(ctx.tmp, "stage")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    run(["make", "-C", builddir, "install", "DESTDIR=" + stage, "prefix=/usr",
         "sysconfdir=/etc"], env=env)
    unit = open(os.path.join(stage, "usr/lib/systemd/system/feedd@.service")).read()
    for want in ("ExecStart=/usr/bin/feedd watch -c /etc/feedd/%i.yml",
                 "ExecStartPre=/usr/bin/feedd check-config -c /etc/feedd/%i.yml"):
        if want not in unit:
            raise Fail("staged feedd@.service lacks %r" % want)
    files = sorted(os.path.relpath(os.path.join(d, f), stage)
                   for d, _, fs in os.walk(stage) for f in fs)
    say("    staged: %s" % " ".join(files))
    run(["cp", "-a", stage + "/.", ctx.root + "/"])
    ctx.ct.run(["systemd-sysusers"])
    ctx.ct.run(["systemctl", "daemon-reload"])
    pw = ctx.ct.run(["getent", "passwd", "feedd"]).stdout.strip()
    say("    user: %s" % pw)
    lf = ctx.ct.run(["systemctl", "list-unit-files", "--no-legend", "feedd*"]).stdout
    say("    units: %s" % "; ".join(" ".join(l.split()) for l in lf.splitlines()))


def step_verify():
    """systemd-analyze verify on the installed units in a minimal system."""
    p = ctx.ct.run(["systemd-analyze", "verify", "--man=no", UNIT, "feedd.service"],
                   check=False)
    if p.returncode != 0 or p.stdout.strip():
        raise Fail("systemd-analyze verify --man=no: exit %d: %s" % (p.returncode, p.stdout))
    say("    verify --man=no: clean")
    p = ctx.ct.run(["systemd-analyze", "verify", UNIT], check=False)
    say("    verify (man pages checked, no man-db inside): exit %d: %s" % (
        p.returncode, p.stdout.strip().replace("\n", " | ") or "clean"))


def step_site():
    """A small site and /etc/feedd/blog.yml made from example.yml as README says."""
    put(SITE + "/_config.yml",
        "title: Live Blog\nurl: https://blog.example.org\ntimezone: UTC\n"
        "author: Tester\n")
    post("2024-01-01-first.md", "news", "First post", "2024-01-01 10:00:00 +0000")
    post("2024-01-02-second.md", "news", "Second post", "2024-01-02 10:00:00 +0000")
    post("2024-01-03-third.md", "tech", "Third post", "2024-01-03 10:00:00 +0000")
    ex = read("/etc/feedd/example.yml")
    if ex is None:
        raise Fail("no /etc/feedd/example.yml installed")
    conf = ex.replace("site: /srv/www/example.org", "site: " + SITE) \
             .replace("output: /var/lib/feedd/example", "output: " + OUT)
    if conf == ex or SITE not in conf or OUT not in conf:
        raise Fail("example.yml has no site:/output: lines to edit:\n" + ex)
    put(CONF, conf)
    ctx.conf = conf
    ctx.ct.run(["feedd", "check-config", "-c", CONF])
    say("    feedd check-config -c %s: ok" % CONF)


def step_start():
    """enable --now returns only after the first build wrote the feeds (Type=notify)."""
    ctx.unit = UNIT
    timed("systemctl enable --now " + UNIT,
          lambda: ctx.ct.run(["systemctl", "enable", "--now", UNIT]))
    have = os.path.exists(host(OUT + "/feed.xml"))
    st = show(UNIT, "ActiveState", "SubState", "MainPID")
    if not have:
        raise Fail("%s/feed.xml missing when systemctl start returned (%s)" % (OUT, st))
    if st["ActiveState"] != "active":
        raise Fail("unit not active after start: %s" % st)
    say("    feed.xml present at return; %s/%s, MainPID %s; %d files in %s" % (
        st["ActiveState"], st["SubState"], st["MainPID"], len(feeds()), OUT))


def step_status():
    """STATUS= (systemctl show -p StatusText) names the post count."""
    def text():
        t = show(UNIT, "StatusText")["StatusText"]
        return t if re.search(r"\b3 posts\b", t) else None
    t = wait_until(text, "StatusText with '3 posts'", timeout=10,
                   detail=lambda: show(UNIT, "StatusText"))
    say("    StatusText: %s" % t)


def step_new_post():
    """A new post shows in its category feed within LATENCY_MAX."""
    feed = OUT + "/feed/news.xml"
    if "Second post" not in (read(feed) or ""):
        raise Fail("%s lacks the existing posts" % feed)
    t0 = time.monotonic()
    post("2024-01-04-fourth.md", "news", "Fourth post", "2024-01-04 10:00:00 +0000")
    wait_until(lambda: "Fourth post" in (read(feed) or ""), "new post in " + feed,
               timeout=10, interval=0.005)
    lat = time.monotonic() - t0
    say("    latency post -> %s: %.3f s (limit %.1f s)" % (feed, lat, LATENCY_MAX))
    if lat > LATENCY_MAX:
        raise Fail("new post took %.3f s to reach %s" % (lat, feed))
    wait_until(lambda: re.search(r"\b4 posts\b", show(UNIT, "StatusText")["StatusText"]),
               "StatusText with '4 posts'", timeout=10)


def step_reload():
    """systemctl reload with a good change: the new title is in feed.xml."""
    ctx.conf = ctx.conf.rstrip("\n") + "\ntitle: Renamed Live Blog\n"
    put(CONF, ctx.conf)
    since = now_inside()
    timed("systemctl reload " + UNIT, lambda: ctx.ct.run(["systemctl", "reload", UNIT]))
    at_return = "Renamed Live Blog" in (read(OUT + "/feed.xml") or "")
    _, dt = timed("new title in feed.xml",
                  lambda: wait_until(lambda: "Renamed Live Blog" in (read(OUT + "/feed.xml") or ""),
                                     "new title in feed.xml", timeout=15, interval=0.01))
    if not at_return:
        known("reload-async", "feed.xml had the old title when reload returned "
              "(new title %.3f s later)" % dt)
    else:
        say("    feed.xml had the new title when reload returned")
    if "reloading the configuration" not in journal(UNIT, since):
        raise Fail("journal lacks 'reloading the configuration'")
    st = show(UNIT, "ActiveState", "MainPID")
    if st["ActiveState"] != "active":
        raise Fail("not active after reload: %s" % st)


def step_reload_broken():
    """systemctl reload with a broken config: refused, the old one kept."""
    before = feeds()
    pid = show(UNIT, "MainPID")["MainPID"]
    put(CONF, ctx.conf + "feedd: [this is: not: valid\n")
    since = now_inside()
    p, _ = timed("systemctl reload (broken config)",
                 lambda: ctx.ct.run(["systemctl", "reload", UNIT], check=False))
    wait_until(lambda: "keeping the old one" in journal(UNIT, since),
               "journal: 'keeping the old one'", timeout=15,
               detail=lambda: journal(UNIT, since))
    st = show(UNIT, "ActiveState", "MainPID")
    if st["ActiveState"] != "active" or st["MainPID"] != pid:
        raise Fail("broken reload changed the service: %s (MainPID was %s)" % (st, pid))
    if feeds() != before:
        raise Fail("broken reload changed the feeds")
    put(CONF, ctx.conf)
    ctx.ct.run(["systemctl", "reload", UNIT])
    if p.returncode == 0:
        known("reload-broken-ok", "systemctl reload exited 0")
    else:
        say("    systemctl reload exited %d: %s" % (p.returncode, p.stdout.strip()))


def step_watchdog():
    """WatchdogSec low; SIGSTOP the daemon: systemd kills and restarts it."""
    dropin = "/etc/systemd/system/%s.d/watchdog.conf" % UNIT
    put(dropin, "[Service]\nWatchdogSec=%ds\n" % WATCHDOG_SEC)
    ctx.ct.run(["systemctl", "daemon-reload"])
    timed("systemctl restart (WatchdogSec=%ds)" % WATCHDOG_SEC,
          lambda: ctx.ct.run(["systemctl", "restart", UNIT]))
    st = show(UNIT, "WatchdogUSec", "NRestarts", "MainPID")
    if st["WatchdogUSec"] not in ("%ds" % WATCHDOG_SEC, str(WATCHDOG_SEC * 1000000)):
        raise Fail("drop-in not in effect: %s" % st)
    before = feeds()
    since = now_inside()
    n0, pid0 = int(st["NRestarts"]), st["MainPID"]
    t0 = time.monotonic()
    ctx.ct.run(["kill", "-STOP", pid0])

    def restarted():
        s = show(UNIT, "ActiveState", "SubState", "NRestarts", "MainPID")
        return s if (int(s["NRestarts"]) > n0 and s["ActiveState"] == "active"
                     and s["MainPID"] not in ("0", pid0)) else None
    s = wait_until(restarted, "restart after the watchdog timeout", timeout=UNIT_DEADLINE,
                   interval=0.1, detail=lambda: show(UNIT, "ActiveState", "SubState",
                                                     "NRestarts", "Result"))
    say("    SIGSTOP -> active again: %.3f s; NRestarts %d -> %s, MainPID %s -> %s" % (
        time.monotonic() - t0, n0, s["NRestarts"], pid0, s["MainPID"]))
    j = wait_until(lambda: re.search(r".*[Ww]atchdog timeout.*", journal(UNIT, since)),
                   "'Watchdog timeout' in the journal", timeout=15)
    say("    journal: %s" % j.group(0).strip())
    after = feeds()
    if after != before:
        diff = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        raise Fail("feeds differ after the restart: %s" % diff)
    say("    %d files identical after the restart" % len(after))
    os.unlink(host(dropin))
    ctx.ct.run(["systemctl", "daemon-reload"])


def step_stop():
    """systemctl stop: clean exit, "stopped" logged, inactive, status 0."""
    pid = show(UNIT, "MainPID")["MainPID"]
    since = now_inside()
    timed("systemctl stop " + UNIT, lambda: ctx.ct.run(["systemctl", "stop", UNIT]))
    st = show(UNIT, "ActiveState", "Result", "ExecMainCode", "ExecMainStatus")
    if st["ActiveState"] != "inactive" or st["Result"] != "success" or st["ExecMainStatus"] != "0":
        raise Fail("after stop: %s" % st)
    line = wait_until(lambda: re.search(r".*feedd\[%s\]: (?:\S+: )?stopped$" % pid,
                                        journal(UNIT, since), re.M),
                      "feedd's 'stopped' in the journal", timeout=15,
                      detail=lambda: journal(UNIT, since))
    say("    %s; journal: %s" % (" ".join("%s=%s" % kv for kv in st.items()),
                                line.group(0).strip()))


def step_security():
    """systemd-analyze security (online) for the loaded unit."""
    out = ctx.ct.run(["systemd-analyze", "security", "--no-pager", UNIT], check=False).stdout
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", out)
    if not m:
        raise Fail("no score from systemd-analyze security:\n" + out[-2000:])
    say("    systemd-analyze security %s: %s %s" % (UNIT, m.group(1), m.group(2)))


def step_symlink_swap():
    """A deploy swaps /srv/www/current from releases/r1 to releases/r2 atomically."""
    unit = ctx.unit = "feedd@deploy.service"
    out = "/var/lib/feedd/deploy"
    ctx.ct.sh("""
        mkdir -p /srv/www/releases
        cp -a %s /srv/www/releases/r1
        ln -sfn releases/r1 /srv/www/current
        sed -e 's|^  site: .*|  site: /srv/www/current|' \\
            -e 's|^  output: .*|  output: %s|' %s > /etc/feedd/deploy.yml
    """ % (SITE, out, CONF))
    timed("systemctl start " + unit, lambda: ctx.ct.run(["systemctl", "start", unit]))
    ctx.ct.sh("""
        cd /srv/www
        cp -a releases/r1 releases/r2
        cat > releases/r2/_posts/2024-01-05-deployed.md <<'POST'
---
title: "Deployed post"
date: 2024-01-05 10:00:00 +0000
categories: news
---

Body.
POST
    """)
    t0 = time.monotonic()
    ctx.ct.sh("cd /srv/www && ln -sfn releases/r2 current.tmp && mv -T current.tmp current")
    try:
        wait_until(lambda: "Deployed post" in (read(out + "/feed.xml") or ""),
                   "the deployed post in " + out + "/feed.xml", timeout=10, interval=0.02)
        say("    deployed post in feed.xml %.3f s after the swap" % (time.monotonic() - t0))
    except Fail as e:
        st = show(unit, "ActiveState", "NRestarts")
        known("symlink-swap", "%s (%s)" % (e, st))
    ctx.ct.run(["systemctl", "stop", unit])
    ctx.unit = UNIT


def step_unwritable_output():
    """An output folder the service may not write (outside /var/lib/feedd): the unit
    must not end up 'active'."""
    unit = ctx.unit = "feedd@ro.service"
    ctx.ct.sh("""
        mkdir -p /srv/feeds
        sed -e 's|^  output: .*|  output: /srv/feeds|' %s > /etc/feedd/ro.yml
    """ % CONF)
    since = now_inside()
    p, _ = timed("systemctl start " + unit,
                 lambda: ctx.ct.run(["systemctl", "start", unit], check=False, timeout=120))
    st = show(unit, "ActiveState", "SubState", "Result")
    j = journal(unit, since)
    said = re.search(r".*cannot (write|create|open) /srv/feeds.*", j)
    say("    systemctl start exit %d; %s; journal: %s" % (
        p.returncode, st, said.group(0).strip() if said else "(no write error)"))
    if not said:
        raise Fail("the journal has no 'cannot write/create /srv/feeds':\n" + j)
    if p.returncode == 0 or st["ActiveState"] == "active":
        raise Fail("systemctl start exited %d and the unit is %s" % (p.returncode,
                                                                     st["ActiveState"]))
    ctx.ct.run(["systemctl", "stop", unit], check=False)
    ctx.ct.run(["systemctl", "reset-failed", unit], check=False)
    ctx.unit = UNIT


def step_start_limit():
    """A permanently failing instance (no /etc/feedd/broken.yml) stops restarting."""
    unit = ctx.unit = "feedd@broken.service"
    t0 = time.monotonic()
    p = ctx.ct.run(["systemctl", "start", unit], check=False)
    if p.returncode == 0:
        raise Fail("systemctl start %s succeeded without a configuration" % unit)

    def failed():
        s = show(unit, "ActiveState", "SubState", "Result", "NRestarts")
        return s if s["ActiveState"] == "failed" else None
    s = wait_until(failed, unit + " ending in 'failed'", timeout=UNIT_DEADLINE,
                   interval=0.2, detail=lambda: show(unit, "ActiveState", "SubState",
                                                     "Result", "NRestarts"))
    dt = time.monotonic() - t0
    # It must stay failed: no restart pending after RestartSec has passed.
    end = time.monotonic() + 4
    while time.monotonic() < end:
        s2 = show(unit, "ActiveState", "NRestarts")
        if s2["ActiveState"] != "failed" or s2["NRestarts"] != s["NRestarts"]:
            raise Fail("%s left 'failed' again: %s" % (unit, s2))
        time.sleep(0.5)
    status = ctx.ct.run(["systemctl", "status", "--no-pager", "-n", "5", unit],
                        check=False).stdout
    said = re.search(r"Active: .*", status).group(0)
    j = journal(unit)
    attempts = len(re.findall(r"Starting feedd@broken", j))
    burst = int(show(unit, "StartLimitBurst")["StartLimitBurst"])
    say("    failed after %.1f s and %d attempts (StartLimitBurst=%d); Result=%s; %s" % (
        dt, attempts, burst, s["Result"], said))
    if s["Result"] not in ("start-limit-hit", "exit-code"):
        raise Fail("Result=%s" % s["Result"])
    if attempts > burst:
        raise Fail("%d attempts, more than StartLimitBurst=%d" % (attempts, burst))
    if "Start request repeated too quickly" not in status:
        raise Fail("systemctl status does not say 'Start request repeated too quickly':\n"
                   + status)
    say("    systemctl status: %s" % re.search(r".*Start request repeated too quickly.*",
                                               status).group(0).strip())
    ctx.ct.run(["systemctl", "reset-failed", unit], check=False)
    ctx.unit = UNIT


STEPS = [
    ("install", step_install),
    ("verify", step_verify),
    ("site", step_site),
    ("start", step_start),
    ("status", step_status),
    ("new-post", step_new_post),
    ("reload", step_reload),
    ("reload-broken", step_reload_broken),
    ("watchdog", step_watchdog),
    ("stop", step_stop),
    ("security", step_security),
    ("symlink-swap", step_symlink_swap),
    ("unwritable-output", step_unwritable_output),
    ("start-limit", step_start_limit),
]


# ---------------------------------------------------------------- main

class Ctx:
    tmp = root = ct = lock = None
    unit = UNIT
    conf = ""
    overlay = False
    known_seen = set()


ctx = Ctx()


def diagnose():
    if ctx.ct is None or ctx.ct.leader is None or ctx.ct.proc.poll() is not None:
        return
    for cmd in (["systemctl", "status", "--no-pager", "-l", ctx.unit],
                ["journalctl", "--no-pager", "-n", "50", "-u", ctx.unit]):
        try:
            say("---- %s\n%s" % (" ".join(cmd), ctx.ct.run(cmd, check=False, timeout=60).stdout))
        except Exception as e:  # noqa: BLE001 - best effort
            say("---- %s: %s" % (" ".join(cmd), e))


def make_root():
    """An overlay of the cache (or a copy of it) at ctx.tmp/root."""
    root = os.path.join(ctx.tmp, "root")
    for d in ("root", "upper", "work"):
        os.mkdir(os.path.join(ctx.tmp, d))
    p = run(["mount", "-t", "overlay", "overlay", "-o",
             "lowerdir=%s,upperdir=%s/upper,workdir=%s/work" % (CACHE, ctx.tmp, ctx.tmp),
             root], check=False)
    if p.returncode == 0:
        ctx.overlay = True
        return "overlay on " + CACHE
    say("    overlayfs unavailable (%s): copying" % p.stdout.strip())
    os.rmdir(root)
    run(["cp", "-a", "--reflink=auto", CACHE, root], timeout=600)
    return "copy of " + CACHE


def cleanup(keep):
    if ctx.ct is not None:
        ctx.ct.poweroff()
    if ctx.overlay:
        p = run(["umount", ctx.root], check=False)
        if p.returncode != 0:
            run(["umount", "-l", ctx.root], check=False)
    if ctx.tmp and not keep:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    elif ctx.tmp:
        say("kept %s" % ctx.tmp)


def on_signal(sig, _frame):
    raise KeyboardInterrupt("signal %d" % sig)


def main():
    keep = "--keep" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    if os.environ.get("FEEDD_SKIP_HEAVY") == "1":
        print("SKIP: FEEDD_SKIP_HEAVY=1 (no container boot in this build)")
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: not root (systemd-nspawn and debootstrap need root)")
        return SKIP
    for tool in ("systemd-nspawn", "debootstrap", "nsenter"):
        if shutil.which(tool) is None:
            print("SKIP: no %s (Debian: systemd-container, debootstrap, util-linux)" % tool)
            return SKIP
    if "FEEDD" not in os.environ:
        print("FAIL: FEEDD must name the built feedd")
        return 1
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    t_start = time.monotonic()
    failed = None
    try:
        t0 = time.monotonic()
        try:
            what = ensure_rootfs()
        except HardError as e:
            print("ERROR: %s" % e)
            return HARD_ERROR
        say("[%7.2f s] rootfs: %s" % (time.monotonic() - t0, what))
        ctx.tmp = tempfile.mkdtemp(prefix="feedd-live.", dir=os.environ.get("TMPDIR", "/var/tmp"))
        t0 = time.monotonic()
        what = make_root()
        ctx.root = os.path.join(ctx.tmp, "root")
        say("[%7.2f s] root: %s" % (time.monotonic() - t0, what))
        ctx.ct = Container(ctx.root, "feedd-live-%d" % os.getpid(),
                           os.path.join(ctx.tmp, "console.log"))
        t0 = time.monotonic()
        st = ctx.ct.boot()
        say("[%7.2f s] boot: %s (container %s, PID 1 = host PID %d)" % (
            time.monotonic() - t0, st, ctx.ct.name, ctx.ct.leader))
        for name, fn in STEPS:
            if only is not None and name not in only and name != "install":
                continue
            t0 = time.monotonic()
            try:
                fn()
            except (Fail, subprocess.TimeoutExpired) as e:
                say("[%7.2f s] %s: FAIL: %s" % (time.monotonic() - t0, name, e))
                failed = name
                diagnose()
                break
            say("[%7.2f s] %s: ok" % (time.monotonic() - t0, name))
    except Fail as e:
        say("FAIL: %s" % e)
        failed = "setup"
    except KeyboardInterrupt as e:
        say("interrupted: %s" % e)
        failed = "interrupted"
    finally:
        t0 = time.monotonic()
        cleanup(keep)
        say("[%7.2f s] poweroff and cleanup" % (time.monotonic() - t0))
    for key in sorted(set(KNOWN) - ctx.known_seen):
        if failed is None and only is None:
            say("note: known issue %s did not show: if fixed, remove it from KNOWN" % key)
    say("total %.1f s: %s" % (time.monotonic() - t_start,
                              "FAIL in %s" % failed if failed else "all steps passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
