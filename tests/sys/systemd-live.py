#!/usr/bin/python3
"""systemd-live: feedd installed as a package would be, run by Debian 12's own systemd
(252) in a systemd-nspawn container, and driven the way a sysadmin drives it: systemctl
and journalctl only.

How it works
  rootfs   A Debian 12 (bookworm) minbase root file system with systemd, dbus, procps,
           man-db (for systemd-analyze verify) and feedd's runtime libraries, made with
           debootstrap from the host's configured Debian mirror and cached in
           $FEEDD_ROOTFS_CACHE (default /var/cache/feedd-tests/rootfs-bookworm-HASH, HASH
           from the recipe, so that checkouts with different package lists keep a
           cache each).  The file .feedd-rootfs in it records the suite, variant and
           package list; a different list rebuilds it.  A build goes into a temporary folder renamed into
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
with feedd.site set, as README says), unit feedd@blog unless named; the issue points
(#1-#7 of "Under a real systemd") each step checks are in brackets:
  install         make install says the units read /etc/feedd/NAME.yml; they give -o
                  ${STATE_DIRECTORY}, ExecReload=feedd reload $MAINPID,
                  RestartPreventExitStatus=2; the feedd user exists          [#1 #3 #5 #7]
  verify          systemd-analyze verify of the installed units, man pages and all [#7]
  site            check-config --as-service: OK, as user feedd, into /var/lib/feedd/blog
  check-config    --as-service refuses a site under /tmp (PrivateTmp=yes) and one in a
                  mode-700 home (runs as user feedd); plain check-config passes both [#6]
  start           enable --now returns with the feeds written; the build's journal line
                  comes before systemd's "Started" (READY=1 after the build)     [#3]
  status          StatusText names the post count and a UTC time                [#7]
  new-post        a new post reaches its category feed within 1 s (latency printed)
  reload          systemctl reload exits 0 with the new title already in feed.xml [#5]
  reload-broken   a broken blog.yml: systemctl reload fails, service and feeds
                  unchanged                                                       [#5]
  chmod           an unreadable post is skipped with a warning; chmod 644 brings it
                  in without a signal                                             [#4]
  write-failure   a feed folder made read-only: StatusText says FAILING, an error-
                  priority journal line says why; fixed, the feeds are written    [#3]
  watchdog        WatchdogSec=2s drop-in, SIGSTOP: watchdog timeout in the journal,
                  NRestarts up, identical feeds afterwards                        [#7]
  stop            inactive, exit status 0, feedd's "stopped" in the journal
  security        systemd-analyze security (online) score, printed
  symlink-deploy  feedd@deploy on /srv/www/current -> releases/r1, swapped to r2 with
                  ln -sfn + mv -T: the new post served by the same process; feeds the
                  deploy does not change keep their inode                        [#2]
  rename-deploy   feedd@blog2: mv blog2 blog2.old && mv blog2.new blog2, served by the
                  same process, no failure logged                                 [#2]
  output          feedd@ro with feedd.output: /srv/feeds: a warning, feeds in
                  /var/lib/feedd/ro; with a drop-in giving -o /srv/feeds, the start
                  fails and the journal names ProtectSystem=strict               [#3 #6]
  start-limit     feedd@tmpsite (site under /tmp): failed at once, no restart, status
                  shows status=2 and PrivateTmp=yes; feedd@nouser (User= naming no
                  user): start-limit-hit within StartLimitBurst attempts, "Start request
                  repeated too quickly"                                           [#1]
  websub          the installed network drop-in (/usr/share/feedd/network.conf) and a
                  WebSub hub on the container's loopback: a new post pings the hub;
                  the security score with the drop-in, printed           [issue 12]

Environment: FEEDD (built feedd, required), FEEDD_SKIP_HEAVY=1 (skip: sanitizer builds,
distcheck), FEEDD_ROOTFS_CACHE (rootfs cache folder).
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

from feeddtest import CACHES, Fail, say, wait_until

SKIP = 77
HARD_ERROR = 99

SUITE = "bookworm"
VARIANT = "minbase"
# systemd as PID 1, dbus for systemctl's bus, procps (kill), man-db (systemd-analyze
# verify runs man for Documentation=), and what the feedd binary links (libxml2,
# libyaml, md4c, libcurl, libinotifytools, jansson; zlib is essential).
PACKAGES = sorted([
    "systemd", "systemd-sysv", "dbus", "procps", "man-db",
    "libxml2", "libyaml-0-2", "libmd4c0", "libcurl4", "libinotifytools0", "libjansson4",
])
RECIPE = 2                      # bump when the rootfs recipe changes otherwise
STAMP_TEXT = "suite=%s\nvariant=%s\nrecipe=%d\npackages=%s\n" % (
    SUITE, VARIANT, RECIPE, " ".join(PACKAGES))
# One cache per recipe: branches whose lists differ do not rebuild each other's.
CACHE = os.environ.get("FEEDD_ROOTFS_CACHE", "/var/cache/feedd-tests/rootfs-%s-%s" % (
    SUITE, hashlib.sha256(STAMP_TEXT.encode()).hexdigest()[:8]))
STAMP = ".feedd-rootfs"

BOOT_DEADLINE = 120.0           # boot to running/degraded on a busy machine
UNIT_DEADLINE = 60.0            # a unit state change
LATENCY_MAX = 1.0               # a new post in its category feed
WATCHDOG_SEC = 2                # the drop-in's WatchdogSec
RESTART_SEC = 2                 # the units' RestartSec
INSIDE_TIMEOUT = 180            # one command inside the container

UNIT = "feedd@blog.service"
SITE = "/srv/www/blog"
CONF = "/etc/feedd/blog.yml"
OUT = "/var/lib/feedd/blog"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

class HardError(Exception):
    """The test could not set itself up (no rootfs): neither pass nor fail."""


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
    return STAMP_TEXT


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


def put(path, text, mode=0o644):
    """Write a file inside the container, atomically, as root with mode."""
    p = host(path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    tmp = os.path.join(os.path.dirname(p), ".tmp-test-" + os.path.basename(p))
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, mode)
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


def status_text(unit=None):
    return show(unit or ctx.unit, "StatusText")["StatusText"]


def journal(unit, since=None, extra=()):
    cmd = ["journalctl", "--no-pager", "-u", unit, "-o", "short-monotonic"] + list(extra)
    if since:
        cmd += ["--since", since]
    return ctx.ct.run(cmd, check=False).stdout


def journal_line(unit, pattern, desc, since=None, extra=(), timeout=15):
    """Wait for a journal line of unit matching pattern; return it."""
    rx = re.compile(".*(?:%s).*" % pattern, re.M)
    m = wait_until(lambda: rx.search(journal(unit, since, extra)), desc, timeout=timeout,
                   detail=lambda: journal(unit, since)[-1500:])
    return m.group(0).strip()


def now_inside():
    """A journalctl --since for now (a second early): the container shares the
    host's clock, and "@EPOCH" needs no time zone."""
    return "@%d" % (time.time() - 1)


def feeds(out=None):
    """Every file in an output folder, with its SHA-256 (feedd's caches aside)."""
    res = {}
    root = host(out or OUT)
    for d, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.relpath(p, root) in CACHES:
                continue
            with open(p, "rb") as fh:
                res[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return res


def stamps(out):
    """(inode, mtime_ns) of every feed file in an output folder: a file that was
    replaced has another inode."""
    res = {}
    root = host(out)
    for d, _dirs, files in os.walk(root):
        for f in files:
            st = os.stat(os.path.join(d, f))
            res[os.path.relpath(os.path.join(d, f), root)] = (st.st_ino, st.st_mtime_ns)
    return res


def post_text(category, title, date):
    return ("---\ntitle: \"%s\"\ndate: %s\ncategories: %s\ntags: [common]\n---\n\n"
            "Body of %s.\n" % (title, date, category, title))


def post(name, category, title, date, site=None, mode=0o644):
    put("%s/_posts/%s" % (site or SITE, name), post_text(category, title, date), mode)


def timed(desc, fn):
    t0 = time.monotonic()
    v = fn()
    dt = time.monotonic() - t0
    say("    %s: %.3f s" % (desc, dt))
    return v, dt


def site_conf(site, extra=""):
    """An /etc/feedd/NAME.yml for site, made from the one README's steps gave."""
    return ctx.conf.replace("site: " + SITE, "site: " + site) + extra


def in_feed(path, title):
    return title in (read(path) or "")


# ---------------------------------------------------------------- steps

def step_install():
    """make install DESTDIR into a stage with package paths; copy it in; sysusers."""
    builddir = os.path.dirname(os.path.dirname(os.path.abspath(os.environ["FEEDD"])))
    if not os.path.exists(os.path.join(builddir, "Makefile")):
        raise Fail("no Makefile in %s (FEEDD's build tree)" % builddir)
    stage = os.path.join(ctx.tmp, "stage")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    p = run(["make", "-C", builddir, "install", "DESTDIR=" + stage, "prefix=/usr",
             "sysconfdir=/etc"], env=env)
    said = re.search(r"feedd: the installed units read (\S+)", p.stdout)
    if not said or said.group(1) != "/etc/feedd/NAME.yml":
        raise Fail("make install does not say the units read /etc/feedd/NAME.yml")
    say("    make install: %s" % said.group(0))
    unit = open(os.path.join(stage, "usr/lib/systemd/system/feedd@.service")).read()
    for want in ("ExecStart=/usr/bin/feedd watch -c /etc/feedd/%i.yml -o ${STATE_DIRECTORY}",
                 "ExecReload=/usr/bin/feedd reload $MAINPID",
                 "RestartPreventExitStatus=2"):
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
    """systemd-analyze verify of the installed units, man pages included (man-db is in
    the root file system, as tools/debian-packages has it on the host)."""
    p = ctx.ct.run(["systemd-analyze", "verify", UNIT, "feedd.service"], check=False)
    if p.returncode != 0 or p.stdout.strip():
        raise Fail("systemd-analyze verify: exit %d: %s" % (p.returncode, p.stdout))
    say("    systemd-analyze verify %s feedd.service: clean (man pages found)" % UNIT)


def step_site():
    """A small site and /etc/feedd/blog.yml from example.yml, as README says (only
    feedd.site is set: the unit gives the output folder)."""
    put(SITE + "/_config.yml",
        "title: Live Blog\nurl: https://blog.example.org\ntimezone: Asia/Tokyo\n"
        "author: Tester\n")
    post("2024-01-01-first.md", "news", "First post", "2024-01-01 10:00:00 +0000")
    post("2024-01-02-second.md", "news", "Second post", "2024-01-02 10:00:00 +0000")
    post("2024-01-03-third.md", "tech", "Third post", "2024-01-03 10:00:00 +0000")
    ex = read("/etc/feedd/example.yml")
    if ex is None:
        raise Fail("no /etc/feedd/example.yml installed")
    conf = ex.replace("site: /srv/www/example.org", "site: " + SITE)
    if conf == ex or re.search(r"(?m)^\s+output:", conf):
        raise Fail("example.yml: no site: line to edit, or an output: line:\n" + ex)
    put(CONF, conf)
    ctx.conf = conf
    out = ctx.ct.run(["feedd", "check-config", "--as-service", "-c", CONF]).stdout.strip()
    if not re.search(r"configuration OK for %s, as user feedd: .* feeds into %s" % (
            re.escape(UNIT), re.escape(OUT)), out):
        raise Fail("check-config --as-service: %s" % out)
    say("    feedd check-config --as-service -c %s: %s" % (CONF, out))


def step_check_config():
    """check-config --as-service refuses what the service cannot use, naming the
    sandbox; plain check-config (as root) passes the same files."""
    # The container's /tmp is a tmpfs of its own: written from inside.
    for path, text in (("/tmp/tsite/_config.yml", "title: In tmp\nurl: https://tmp.example.org\n"),
                       ("/tmp/tsite/_posts/2024-01-01-t.md",
                        post_text("news", "Tmp post", "2024-01-01 10:00:00 +0000"))):
        ctx.ct.run(["sh", "-ec", 'mkdir -p "${1%/*}" && cat > "$1"', "sh", path], input=text)
    put("/etc/feedd/tmpsite.yml", site_conf("/tmp/tsite"))
    put("/home/alice/site/_config.yml", "title: Home\nurl: https://home.example.org\n")
    post("2024-01-01-h.md", "news", "Home post", "2024-01-01 10:00:00 +0000",
         site="/home/alice/site")
    os.chmod(host("/home/alice"), 0o700)
    put("/etc/feedd/homesite.yml", site_conf("/home/alice/site"))
    for name, want in (("tmpsite", r"PrivateTmp=yes"), ("homesite", r"runs as user feedd")):
        conf = "/etc/feedd/%s.yml" % name
        plain = ctx.ct.run(["feedd", "check-config", "-c", conf], check=False)
        p = ctx.ct.run(["feedd", "check-config", "--as-service", "-c", conf], check=False)
        line = re.search(r".*(?:%s).*" % want, p.stdout)
        say("    %s: plain check-config exit %d; --as-service exit %d: %s" % (
            name, plain.returncode, p.returncode, line.group(0) if line else p.stdout.strip()))
        if plain.returncode != 0:
            raise Fail("plain check-config (root) refused %s: %s" % (conf, plain.stdout))
        if p.returncode != 2 or not line:
            raise Fail("check-config --as-service -c %s: exit %d, no %r: %s" % (
                conf, p.returncode, want, p.stdout))


def step_start():
    """enable --now returns only after the first build wrote the feeds (READY=1 after
    the build: the build's journal line comes before systemd's 'Started')."""
    ctx.unit = UNIT
    since = now_inside()
    timed("systemctl enable --now " + UNIT,
          lambda: ctx.ct.run(["systemctl", "enable", "--now", UNIT]))
    have = feeds()
    st = show(UNIT, "ActiveState", "SubState", "MainPID")
    if "feed.xml" not in have or "feed/news.xml" not in have:
        raise Fail("%s lacks feeds when systemctl start returned (%s): %s" % (OUT, st, sorted(have)))
    if st["ActiveState"] != "active":
        raise Fail("unit not active after start: %s" % st)
    j = journal(UNIT, since)
    built = re.search(r"^\[\s*([0-9.]+)\].*feedd\[\d+\]: .*files written.*$", j, re.M)
    started = re.search(r"^\[\s*([0-9.]+)\].*systemd\[1\]: Started .*$", j, re.M)
    if not built or not started or float(built.group(1)) > float(started.group(1)):
        raise Fail("the first build is not logged before 'Started':\n" + j)
    say("    %d files in %s at return; %s/%s, MainPID %s" % (
        len(have), OUT, st["ActiveState"], st["SubState"], st["MainPID"]))
    say("    journal: %s" % built.group(0).strip())
    say("    journal: %s" % started.group(0).strip())


def step_status():
    """STATUS= (systemctl show -p StatusText) names the post count and a time in UTC
    (the site's own zone is Asia/Tokyo)."""
    t = wait_until(lambda: (lambda x: x if re.search(r"\b3 posts\b.* UTC\b", x) else None)(
        status_text(UNIT)), "StatusText with '3 posts' and a UTC time", timeout=10,
        detail=lambda: status_text(UNIT))
    say("    StatusText: %s" % t)


def step_new_post():
    """A new post shows in its category feed within LATENCY_MAX."""
    feed = OUT + "/feed/news.xml"
    if not in_feed(feed, "Second post"):
        raise Fail("%s lacks the existing posts" % feed)
    t0 = time.monotonic()
    post("2024-01-04-fourth.md", "news", "Fourth post", "2024-01-04 10:00:00 +0000")
    wait_until(lambda: in_feed(feed, "Fourth post"), "new post in " + feed,
               timeout=10, interval=0.005)
    lat = time.monotonic() - t0
    say("    latency post -> %s: %.3f s (limit %.1f s)" % (feed, lat, LATENCY_MAX))
    if lat > LATENCY_MAX:
        raise Fail("new post took %.3f s to reach %s" % (lat, feed))
    wait_until(lambda: re.search(r"\b4 posts\b", status_text(UNIT)),
               "StatusText with '4 posts'", timeout=10)


def step_reload():
    """systemctl reload with a good change returns once it is applied: the new title
    is in feed.xml when it returns."""
    ctx.conf = ctx.conf.rstrip("\n") + "\ntitle: Renamed Live Blog\n"
    put(CONF, ctx.conf)
    since = now_inside()
    p, _ = timed("systemctl reload " + UNIT,
                 lambda: ctx.ct.run(["systemctl", "reload", UNIT], check=False))
    if p.returncode != 0:
        raise Fail("systemctl reload exited %d: %s" % (p.returncode, p.stdout))
    if not in_feed(OUT + "/feed.xml", "Renamed Live Blog"):
        raise Fail("feed.xml had the old title when systemctl reload returned")
    say("    feed.xml had the new title when systemctl reload returned (exit 0)")
    say("    journal: %s" % journal_line(UNIT, r"reloaded its configuration",
                                         "'reloaded its configuration'", since))
    st = show(UNIT, "ActiveState")
    if st["ActiveState"] != "active":
        raise Fail("not active after reload: %s" % st)


def step_reload_broken():
    """systemctl reload with a broken config fails; the old one is kept."""
    before = feeds()
    pid = show(UNIT, "MainPID")["MainPID"]
    put(CONF, ctx.conf + "feedd: [this is: not: valid\n")
    since = now_inside()
    p, _ = timed("systemctl reload (broken config)",
                 lambda: ctx.ct.run(["systemctl", "reload", UNIT], check=False))
    say("    systemctl reload exited %d: %s" % (p.returncode, p.stdout.strip().replace("\n", " | ")))
    if p.returncode == 0:
        raise Fail("systemctl reload exited 0 for a broken configuration")
    say("    journal: %s" % journal_line(UNIT, r"keeping the old one", "'keeping the old one'",
                                         since))
    say("    journal: %s" % journal_line(UNIT, r"refused the new configuration",
                                         "feedd reload's 'refused'", since))
    st = show(UNIT, "ActiveState", "MainPID")
    if st["ActiveState"] != "active" or st["MainPID"] != pid:
        raise Fail("broken reload changed the service: %s (MainPID was %s)" % (st, pid))
    if feeds() != before:
        raise Fail("broken reload changed the feeds")
    put(CONF, ctx.conf)
    ctx.ct.run(["systemctl", "reload", UNIT])
    say("    fixed: systemctl reload exit 0")


def step_chmod():
    """A post feedd may not read is skipped with a warning; a chmod that makes it
    readable is noticed (IN_ATTRIB), without SIGUSR1."""
    feed = OUT + "/feed/news.xml"
    since = now_inside()
    post("2024-01-05-locked.md", "news", "Locked post", "2024-01-05 10:00:00 +0000",
         mode=0o600)
    say("    journal: %s" % journal_line(UNIT, r"locked\.md: cannot read: Permission denied",
                                         "the warning for the unreadable post", since))
    if in_feed(feed, "Locked post"):
        raise Fail("an unreadable post is in the feed")
    t0 = time.monotonic()
    os.chmod(host(SITE + "/_posts/2024-01-05-locked.md"), 0o644)
    wait_until(lambda: in_feed(feed, "Locked post"), "the post in the feed after chmod 644",
               timeout=10, interval=0.01)
    say("    chmod 644 -> post in %s: %.3f s" % (feed, time.monotonic() - t0))


def step_write_failure():
    """Feeds that cannot be written: StatusText says FAILING, an error-priority journal
    line says why; once writable, written again."""
    folder = host(OUT + "/feed")
    since = now_inside()
    os.chmod(folder, 0o555)
    try:
        post("2024-01-06-sixth.md", "news", "Sixth post", "2024-01-06 10:00:00 +0000")
        t = wait_until(lambda: (lambda x: x if "FAILING" in x else None)(status_text(UNIT)),
                       "StatusText saying FAILING", timeout=10,
                       detail=lambda: status_text(UNIT))
        say("    StatusText: %s" % t)
        say("    journal -p err: %s" % journal_line(UNIT, r"could not be written",
                                                   "an error-priority line", since,
                                                   extra=("-p", "err")))
        st = show(UNIT, "ActiveState", "SubState")
        say("    unit: %s/%s (running, its status says what fails)" % (
            st["ActiveState"], st["SubState"]))
    finally:
        os.chmod(folder, 0o755)
    say("    journal: %s" % journal_line(UNIT, r"feeds are written again",
                                         "'feeds are written again'", since, timeout=30))
    wait_until(lambda: in_feed(OUT + "/feed/news.xml", "Sixth post"), "the post written",
               timeout=10)
    t = wait_until(lambda: (lambda x: x if "last update" in x else None)(status_text(UNIT)),
                   "StatusText back to normal", timeout=10)
    say("    StatusText: %s" % t)


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
    say("    journal: %s" % journal_line(UNIT, r"[Ww]atchdog timeout", "'Watchdog timeout'",
                                         since))
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
    line = journal_line(UNIT, r"feedd\[%s\]: (?:\S+: )?stopped$" % pid, "feedd's 'stopped'",
                        since)
    say("    %s; journal: %s" % (" ".join("%s=%s" % kv for kv in st.items()), line))


def step_security():
    """systemd-analyze security (online) for the loaded unit."""
    out = ctx.ct.run(["systemd-analyze", "security", "--no-pager", UNIT], check=False).stdout
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", out)
    if not m:
        raise Fail("no score from systemd-analyze security:\n" + out[-2000:])
    say("    systemd-analyze security %s: %s %s" % (UNIT, m.group(1), m.group(2)))


def deploy_check(unit, out, title, since, pid, restarts, t0):
    """After a deploy: the new post served by the same process, logged."""
    wait_until(lambda: in_feed(out + "/feed.xml", title), "the deployed post in feed.xml",
               timeout=10, interval=0.01,
               detail=lambda: "%s; %s" % (show(unit, "ActiveState", "NRestarts"),
                                          journal(unit, since)[-800:]))
    say("    deployed post in feed.xml %.3f s after the deploy" % (time.monotonic() - t0))
    # The feed is written before the READY=1 that ends the daemon's own reload.
    def settled():
        st = show(unit, "ActiveState", "MainPID", "NRestarts")
        return st if st["ActiveState"] != "reloading" else None
    st = wait_until(settled, "the unit to finish its reload", timeout=30, interval=0.05)
    if st["MainPID"] != pid or st["NRestarts"] != restarts or st["ActiveState"] != "active":
        raise Fail("the deploy restarted the service: %s (MainPID was %s, NRestarts %s)" % (
            st, pid, restarts))
    say("    same process: MainPID %s, NRestarts %s" % (pid, restarts))
    say("    journal: %s" % journal_line(unit, r"leads to another folder now",
                                         "'leads to another folder'", since))


def step_symlink_deploy():
    """A Capistrano-style deploy swaps /srv/www/current from releases/r1 to r2: served
    without a restart, and feeds the new release does not change are not rewritten."""
    unit = ctx.unit = "feedd@deploy.service"
    out = "/var/lib/feedd/deploy"
    ctx.ct.sh("""
        mkdir -p /srv/www/releases
        cp -a %s /srv/www/releases/r1
        ln -sfn releases/r1 /srv/www/current
    """ % SITE)
    put("/etc/feedd/deploy.yml", site_conf("/srv/www/current"))
    timed("systemctl start " + unit, lambda: ctx.ct.run(["systemctl", "start", unit]))
    st = show(unit, "MainPID", "NRestarts")
    before = stamps(out)
    ctx.ct.sh("""
        cd /srv/www
        cp -a releases/r1 releases/r2
        cat > releases/r2/_posts/2024-01-07-deployed.md <<'POST'
%s
POST
    """ % post_text("news", "Deployed post", "2024-01-07 10:00:00 +0000").rstrip("\n"))
    since = now_inside()
    t0 = time.monotonic()
    ctx.ct.sh("cd /srv/www && ln -sfn releases/r2 current.tmp && mv -T current.tmp current")
    deploy_check(unit, out, "Deployed post", since, st["MainPID"], st["NRestarts"], t0)
    after = stamps(out)
    same = sorted(k for k in before if after.get(k) == before[k])
    changed = sorted(k for k in before if after.get(k) != before[k])
    say("    %d files rewritten (%s), %d untouched (%s)" % (
        len(changed), " ".join(changed), len(same), " ".join(same)))
    for rel in ("feed/tech.xml", "feed/tech.rss"):
        if rel not in same:
            raise Fail("%s was rewritten although the deploy did not change it" % rel)
    ctx.ct.run(["systemctl", "stop", unit])
    ctx.unit = UNIT


def step_rename_deploy():
    """A deploy by folder renames (mv blog2 blog2.old && mv blog2.new blog2): served
    without a restart or a failure."""
    unit = ctx.unit = "feedd@blog2.service"
    out = "/var/lib/feedd/blog2"
    ctx.ct.sh("cp -a %s /srv/www/blog2" % SITE)
    put("/etc/feedd/blog2.yml", site_conf("/srv/www/blog2"))
    timed("systemctl start " + unit, lambda: ctx.ct.run(["systemctl", "start", unit]))
    st = show(unit, "MainPID", "NRestarts")
    ctx.ct.sh("""
        cd /srv/www
        cp -a blog2 blog2.new
        cat > blog2.new/_posts/2024-01-08-renamed.md <<'POST'
%s
POST
    """ % post_text("news", "Renamed-in post", "2024-01-08 10:00:00 +0000").rstrip("\n"))
    since = now_inside()
    t0 = time.monotonic()
    ctx.ct.sh("cd /srv/www && mv blog2 blog2.old && mv blog2.new blog2")
    deploy_check(unit, out, "Renamed-in post", since, st["MainPID"], st["NRestarts"], t0)
    bad = re.search(r".*(?:systemd\[1\]: .*(?:[Ff]ailed|exited)|feedd\[\d+\]: (?:error|warning):).*",
                    journal(unit, since))
    if bad:
        raise Fail("the journal reports a failure: %s" % bad.group(0))
    ctx.ct.run(["systemctl", "stop", unit])
    ctx.unit = UNIT


def step_output():
    """The unit gives the output folder: feedd.output in the file is overridden, with a
    warning.  A unit whose -o disagrees with its sandbox fails to start (no READY=1
    without feeds), and the journal names the sandbox."""
    unit = ctx.unit = "feedd@ro.service"
    ctx.ct.sh("mkdir -p /srv/feeds")
    put("/etc/feedd/ro.yml", ctx.conf.replace("feedd:\n", "feedd:\n  output: /srv/feeds\n", 1))
    since = now_inside()
    ctx.ct.run(["systemctl", "start", unit])
    say("    journal: %s" % journal_line(unit, r"feedd\.output is /srv/feeds, but feeds go to "
                                         r"/var/lib/feedd/ro", "the feedd.output warning", since))
    if not feeds("/var/lib/feedd/ro") or os.listdir(host("/srv/feeds")):
        raise Fail("feeds not in /var/lib/feedd/ro, or something in /srv/feeds")
    say("    feeds in /var/lib/feedd/ro, /srv/feeds empty")
    ctx.ct.run(["systemctl", "stop", unit])
    dropin = "/etc/systemd/system/%s.d/output.conf" % unit
    put(dropin, "[Service]\nExecStart=\nExecStart=/usr/bin/feedd watch -c /etc/feedd/ro.yml "
        "-o /srv/feeds\n")
    ctx.ct.run(["systemctl", "daemon-reload"])
    since = now_inside()
    p, _ = timed("systemctl start %s (drop-in: -o /srv/feeds)" % unit,
                 lambda: ctx.ct.run(["systemctl", "start", unit], check=False, timeout=120))
    st = show(unit, "ActiveState", "SubState", "Result")
    line = journal_line(unit, r"cannot (?:write|create|open) /srv/feeds.*ProtectSystem=strict",
                        "an error naming /srv/feeds and ProtectSystem", since)
    say("    systemctl start exit %d; %s" % (p.returncode, st))
    say("    journal: %s" % line)
    if p.returncode == 0 or st["ActiveState"] == "active":
        raise Fail("systemctl start exited %d and the unit is %s" % (p.returncode,
                                                                     st["ActiveState"]))
    ctx.ct.run(["systemctl", "stop", unit], check=False)
    ctx.ct.run(["systemctl", "reset-failed", unit], check=False)
    os.unlink(host(dropin))
    ctx.ct.run(["systemctl", "daemon-reload"])
    ctx.unit = UNIT


def stays_failed(unit, seconds):
    """Fail if unit leaves 'failed' or restarts again within seconds."""
    s = show(unit, "ActiveState", "NRestarts")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s2 = show(unit, "ActiveState", "NRestarts")
        if s2 != s:
            raise Fail("%s left 'failed' again: %s" % (unit, s2))
        time.sleep(0.5)


def step_start_limit():
    """A bad configuration (a site under /tmp, which the service cannot see) fails at
    once, no restart (RestartPreventExitStatus=2); another permanent failure (User=
    naming no user) stops at the start limit.  Both say why in systemctl status."""
    unit = ctx.unit = "feedd@tmpsite.service"
    t0 = time.monotonic()
    p = ctx.ct.run(["systemctl", "start", unit], check=False)
    if p.returncode == 0:
        raise Fail("systemctl start %s succeeded with a site in /tmp" % unit)
    s = wait_until(lambda: (lambda x: x if x["ActiveState"] == "failed" else None)(
        show(unit, "ActiveState", "Result", "NRestarts", "ExecMainStatus")),
        unit + " failed", timeout=UNIT_DEADLINE, interval=0.2)
    dt = time.monotonic() - t0
    stays_failed(unit, RESTART_SEC + 2)
    status = ctx.ct.run(["systemctl", "status", "--no-pager", "-l", "-n", "5", unit],
                        check=False).stdout
    say("    %s: failed after %.1f s, still failed %d s later; NRestarts=%s, "
        "ExecMainStatus=%s, Result=%s" % (unit, dt, RESTART_SEC + 2, s["NRestarts"],
                                          s["ExecMainStatus"], s["Result"]))
    if s["NRestarts"] != "0" or s["ExecMainStatus"] != "2":
        raise Fail("a configuration error was restarted or exited otherwise: %s" % s)
    for want in (r"status=2", r"PrivateTmp=yes"):
        line = re.search(r".*%s.*" % want, status)
        if not line:
            raise Fail("systemctl status lacks %r:\n%s" % (want, status))
        say("    systemctl status: %s" % line.group(0).strip())
    ctx.ct.run(["systemctl", "reset-failed", unit], check=False)

    unit = ctx.unit = "feedd@nouser.service"
    put("/etc/feedd/nouser.yml", ctx.conf)
    put("/etc/systemd/system/%s.d/user.conf" % unit, "[Service]\nUser=feedd-nosuch\n")
    ctx.ct.run(["systemctl", "daemon-reload"])
    t0 = time.monotonic()
    ctx.ct.run(["systemctl", "start", unit], check=False)
    s = wait_until(lambda: (lambda x: x if x["ActiveState"] == "failed" else None)(
        show(unit, "ActiveState", "Result", "NRestarts")),
        unit + " failed", timeout=UNIT_DEADLINE, interval=0.2,
        detail=lambda: show(unit, "ActiveState", "SubState", "Result", "NRestarts"))
    dt = time.monotonic() - t0
    stays_failed(unit, RESTART_SEC + 2)
    status = ctx.ct.run(["systemctl", "status", "--no-pager", "-n", "5", unit],
                        check=False).stdout
    attempts = len(re.findall(r"Starting feedd@nouser", journal(unit)))
    burst = int(show(unit, "StartLimitBurst")["StartLimitBurst"])
    say("    %s: failed after %.1f s and %d attempts (StartLimitBurst=%d); Result=%s" % (
        unit, dt, attempts, burst, s["Result"]))
    # systemd 252 keeps the last attempt's Result (exit-code); later ones say
    # start-limit-hit.  Either way status says "Start request repeated too quickly".
    if s["Result"] not in ("start-limit-hit", "exit-code") or attempts > burst:
        raise Fail("Result=%s after %d attempts" % (s["Result"], attempts))
    for want in (r"Active: .*", r".*Start request repeated too quickly.*",
                 r".*status=217/USER.*"):
        line = re.search(want, status)
        if not line:
            raise Fail("systemctl status lacks %r:\n%s" % (want, status))
        say("    systemctl status: %s" % line.group(0).strip())
    ctx.ct.run(["systemctl", "reset-failed", unit], check=False)
    ctx.unit = UNIT


# A WebSub hub: records each request's body, one a line, and answers 204.
HUB = r"""
import http.server, sys
port, log = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "ab") as f:
            f.write(body + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
"""


def step_websub():
    """With the installed network drop-in and a hub on the container's loopback, the
    hardened unit pings the hub for a new post; the score with the drop-in, printed."""
    dropin = read("/usr/share/feedd/network.conf")
    if dropin is None or "PrivateNetwork=no" not in dropin:
        raise Fail("no /usr/share/feedd/network.conf installed")
    log = os.path.join(ctx.tmp, "hub.log")
    port = 8537
    hub = subprocess.Popen(["nsenter", "-t", str(ctx.ct.leader), "-n", "/usr/bin/python3",
                            "-c", HUB, str(port), log], stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT)
    try:
        put("/etc/systemd/system/%s.d/network.conf" % UNIT, dropin)
        ctx.conf = ctx.conf.rstrip("\n") + (
            "\n# WebSub (live test)\nfeedd:\n  websub:\n    hubs: [\"http://127.0.0.1:%d/\"]\n"
            % port) if "\nfeedd:" not in ctx.conf else ctx.conf.replace(
            "\nfeedd:\n", "\nfeedd:\n  websub:\n    hubs: [\"http://127.0.0.1:%d/\"]\n" % port, 1)
        put(CONF, ctx.conf)
        ctx.ct.run(["systemctl", "daemon-reload"])
        ctx.ct.run(["systemctl", "restart", UNIT])
        topic = "https%3A%2F%2Fblog.example.org%2Ffeed%2Fhub.xml"
        t0 = time.monotonic()
        post("2024-01-09-hub.md", "hub", "Hub post", "2024-01-09 10:00:00 +0000")
        wait_until(lambda: os.path.exists(log) and topic in open(log).read(),
                   "the hub pinged for feed/hub.xml", timeout=15,
                   detail=lambda: (open(log).read()[-500:] if os.path.exists(log) else
                                   "(no request)") + " | " + journal(UNIT)[-800:])
        say("    hub pinged for feed/hub.xml %.3f s after the post, through %s.d/network.conf"
            % (time.monotonic() - t0, UNIT))
        out = ctx.ct.run(["systemd-analyze", "security", "--no-pager", UNIT],
                         check=False).stdout
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", out)
        if not m:
            raise Fail("no score from systemd-analyze security:\n" + out[-2000:])
        say("    systemd-analyze security %s with the network drop-in: %s %s"
            % (UNIT, m.group(1), m.group(2)))
    finally:
        hub.kill()
        hub.wait()


STEPS = [
    ("install", step_install),
    ("verify", step_verify),
    ("site", step_site),
    ("check-config", step_check_config),
    ("start", step_start),
    ("status", step_status),
    ("new-post", step_new_post),
    ("reload", step_reload),
    ("reload-broken", step_reload_broken),
    ("chmod", step_chmod),
    ("write-failure", step_write_failure),
    ("watchdog", step_watchdog),
    ("stop", step_stop),
    ("security", step_security),
    ("symlink-deploy", step_symlink_deploy),
    ("rename-deploy", step_rename_deploy),
    ("output", step_output),
    ("start-limit", step_start_limit),
    ("websub", step_websub),
]


# ---------------------------------------------------------------- main

class Ctx:
    tmp = root = ct = lock = None
    unit = UNIT
    conf = ""
    overlay = False


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
    say("total %.1f s: %s" % (time.monotonic() - t_start,
                              "FAIL in %s" % failed if failed else "all steps passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
