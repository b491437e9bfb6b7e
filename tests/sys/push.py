#!/usr/bin/python3
"""push: telling the world about changed feeds, through the real binary.

on_publish (feedd.on_publish):
  build        a build that changed files runs the command once, in the output folder,
               with FEEDD_OUTPUT and the changed paths on standard input; an unchanged
               rebuild does not run it; signals are not blocked in it
  watch        a new post runs it with exactly the files the flush changed (the lists of
               feeds follow in a run of their own, once for many changes); posts added
               while it runs go to the next run, which never overlaps the one before;
               every changed file reaches some run
  failing      a command that exits 3 is logged and the daemon goes on
  site-config  on_publish in the site's own _config.yml is ignored with a warning

WebSub (feedd.websub.hubs), against hubs on the loopback that record every request:
  hub-links    every Atom, RSS and JSON feed links its hubs, and stays valid
  hub-latency  50 new posts, one at a time: each changed feed's self URL reaches the hub
               exactly once per post, the median within 1 s of the post
  hub-down     a hub answering 500, then one that never answers in time: logged once,
               feeds still written at once, and every ping delivered once the hub is back,
               across a restart of the daemon; a build pings too
  hub-config   websub in the site's own _config.yml is ignored with a warning

Environment: FEEDD (the binary).  Exit 0 pass, 1 fail, 77 skip (no inotify).  Options:
--keep, --only NAME,NAME.
"""

import datetime
import http.server
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

from feeddtest import SLOW, Fail, feed_problems, run_cases, say, wait_until, write

CONFIG = """\
title: Push
url: https://push.example.org
feedd:
  debounce_ms: 20
"""


def post(title, day, cats="news"):
    return "---\ntitle: %s\ndate: 2024-05-%02d 10:00:00 +0800\ncategories: %s\n" \
        "tags: [t%s]\n---\n\nBody of %s.\n" % (title, day, cats, title.lower(), title)


POSTS = {"2024-05-01-one.md": post("One", 1), "2024-05-02-two.md": post("Two", 2)}

# A command that appends one record per run: its start and end times, its folder, its
# FEEDD_OUTPUT, its blocked signals and the paths it was given.
RECORDER = r"""
import os, sys, time
log, pause = sys.argv[1], float(sys.argv[2])
start = time.time()
blocked = [l.split()[1] for l in open("/proc/self/status") if l.startswith("SigBlk:")][0]
paths = sys.stdin.read().split("\n")[:-1]
time.sleep(pause)
with open(log, "a") as f:
    f.write(repr({"start": start, "end": time.time(), "cwd": os.getcwd(),
                  "env": os.environ.get("FEEDD_OUTPUT"), "blocked": blocked,
                  "paths": paths}) + "\n")
"""


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def runs(log):
    try:
        with open(log) as f:
            return [eval(l) for l in f]  # noqa: S307 - our own records
    except FileNotFoundError:
        return []


def admin(c, pause=0.0, command=None):
    """An administrator's -c file whose on_publish records into c's runs.log."""
    rec = c.path("recorder.py")
    write(rec, RECORDER)
    log = c.path("runs.log")
    if command is None:
        command = "/usr/bin/python3 %s %s %s" % (rec, log, pause)
    conf = c.path("admin.yml")
    write(conf, "feedd:\n  on_publish: '%s'\n" % command)
    return conf, log


def out_files(out):
    """Every file feedd wrote in out, its own state aside."""
    return sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out)
                  for f in fs if not os.path.relpath(d, out).startswith(".feedd"))


def feed_files(out):
    """The feed documents in out (not the lists of feeds in feeds/)."""
    return [f for f in out_files(out) if not f.startswith("feeds/")]


def case_build(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    conf, log = admin(c)
    rc, err = c.run("build", site, "-o", out, "-c", conf, "-q")
    expect(rc == 0, "build exited %d: %s" % (rc, err))
    r = runs(log)
    expect(len(r) == 1, "a build ran on_publish %d times" % len(r))
    expect(r[0]["paths"] == out_files(out), "paths given %r, files written %r"
           % (r[0]["paths"], out_files(out)))
    real = os.path.realpath(out)
    expect(r[0]["cwd"] == real and r[0]["env"] == real,
           "ran in %r with FEEDD_OUTPUT %r, not %r" % (r[0]["cwd"], r[0]["env"], real))
    expect(int(r[0]["blocked"], 16) == 0, "signals blocked in on_publish: %s" % r[0]["blocked"])
    rc, err = c.run("build", site, "-o", out, "-c", conf, "-q")
    expect(rc == 0 and len(runs(log)) == 1, "an unchanged rebuild ran on_publish")


def case_watch(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    conf, log = admin(c, pause=1.0)
    d = c.daemon(site, out, "-c", conf)
    wait_until(lambda: len(runs(log)) == 1, "the first run after the start", timeout=SLOW,
               alive=d.alive)
    write(os.path.join(site, "_posts", "2024-05-03-three.md"), post("Three", 3, "sport"))
    wait_until(lambda: len(runs(log)) == 2, "a run after a new post", timeout=SLOW,
               alive=d.alive)
    want = ["feed.rss", "feed.xml", "feed/by_tag/tthree.rss", "feed/by_tag/tthree.xml",
            "feed/sport.rss", "feed/sport.xml"]
    expect(runs(log)[1]["paths"] == want, "a new post gave %r, not %r"
           % (runs(log)[1]["paths"], want))
    # The lists of feeds follow a little later, in a run of their own.
    lists = ["feeds/autodiscovery.json", "feeds/feeds.opml", "feeds/index.html",
             "feeds/index.json"]
    wait_until(lambda: len(runs(log)) == 3, "a run for the lists of feeds", timeout=SLOW,
               alive=d.alive)
    expect(runs(log)[2]["paths"] == lists, "the lists' run gave %r" % runs(log)[2]["paths"])
    # Posts during a run: the next runs get them, one run at a time.
    for i in range(4, 10):
        write(os.path.join(site, "_posts", "2024-05-%02d-p%d.md" % (i, i)),
              post("P%d" % i, i, "c%d" % i))
        time.sleep(0.3)
    wait_until(lambda: "feed/c9.xml" in sum((r["paths"] for r in runs(log)), []),
               "every new post's files given to some run", timeout=SLOW, alive=d.alive)
    r = runs(log)
    for a, b in zip(r, r[1:]):
        expect(b["start"] >= a["end"] - 0.05, "two runs overlapped: %r and %r" % (a, b))
    expect(len(r) < 3 + 6, "no run took several posts together (%d runs)" % len(r))
    given = set(sum((x["paths"] for x in r[3:]), []))
    for i in range(4, 10):
        expect("feed/c%d.xml" % i in given, "feed/c%d.xml never given" % i)
    expect(d.stop() == 0, "the daemon did not stop cleanly")


def case_failing(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    conf, _ = admin(c, command="exit 3")
    d = c.daemon(site, out, "-c", conf)
    d.wait_log(r"on_publish \"exit 3\" exited 3", "the failure logged", timeout=SLOW)
    off = d.size()
    write(os.path.join(site, "_posts", "2024-05-03-three.md"), post("Three", 3))
    d.wait_log(r"on_publish \"exit 3\" exited 3", "the second failure logged", offset=off,
               timeout=SLOW)
    expect(os.path.exists(os.path.join(out, "feed", "by_tag", "tthree.xml")),
           "the daemon stopped writing feeds")
    d.stop()


def case_site_config(c):
    flag = c.path("pwned")
    site = c.site("site", CONFIG + "  on_publish: 'touch %s'\n" % flag, POSTS)
    rc, err = c.run("build", site, "-o", c.path("out"))
    expect(rc == 0, "build exited %d" % rc)
    expect("feedd.on_publish is ignored in the site's _config.yml" in err,
           "no warning for on_publish in the site's _config.yml: %s" % err)
    expect(not os.path.exists(flag), "the site's on_publish ran")


class Hub:
    """A WebSub hub on the loopback that records each publish request: (time, [hub.url]).
    mode: "ok" (204), "error" (500) or "hang" (no answer for a minute)."""

    def __init__(self, mode="ok"):
        self.mode = mode
        self.requests = []
        self.lock = threading.Lock()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                n = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                ok = form.get("hub.mode") == ["publish"] and \
                    form.get("hub.url") == form.get("hub.topic") and \
                    self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
                if hub.mode == "hang":
                    time.sleep(60)
                    return
                with hub.lock:
                    if hub.mode == "ok":
                        hub.requests.append((time.monotonic(), form.get("hub.url", []), ok))
                self.send_response(204 if hub.mode == "ok" else 500)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def topics(self, since=0.0):
        with self.lock:
            return [u for t, us, _ in self.requests if t >= since for u in us]

    def malformed(self):
        with self.lock:
            return [r for r in self.requests if not r[2]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def hub_admin(c, hub_url, extra=""):
    """A -c file naming the hub (timeout 1 s), with extra lines of the feedd block."""
    conf = c.path("hub.yml")
    write(conf, "feedd:\n%s  websub:\n    hubs: [\"%s\"]\n    timeout: 1\n" % (extra, hub_url))
    return conf


def self_url(rel):
    return "https://push.example.org/" + rel


def case_hub_links(c):
    site = c.site("site", CONFIG, POSTS)
    out = c.path("out")
    conf = hub_admin(c, "https://hub.example.net/", "  formats: [atom, rss, json]\n")
    rc, err = c.run("build", site, "-o", out, "-c", conf, "-q")
    expect(rc == 0, "build exited %d: %s" % (rc, err))
    for rel in feed_files(out):
        data = open(os.path.join(out, rel), encoding="utf-8").read()
        if rel.endswith(".json"):
            hubs = json.loads(data).get("hubs")
            expect(hubs == [{"type": "WebSub", "url": "https://hub.example.net/"}],
                   "%s has hubs %r" % (rel, hubs))
            continue
        tag = "<link href=\"https://hub.example.net/\" rel=\"hub\"/>" if rel.endswith(".xml") \
            else "<atom:link href=\"https://hub.example.net/\" rel=\"hub\"/>"
        expect(tag in data, "%s does not link the hub (%s)" % (rel, tag))
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    problems = feed_problems(out, os.path.join(top, "tests", "data", "atom.rng"))
    expect(not problems, "feeds with hub links fail validation: %s" % problems[:3])


def case_hub_latency(c):
    hub = Hub()
    try:
        site = c.site("site", CONFIG, POSTS)
        out = c.path("out")
        d = c.daemon(site, out, "-c", hub_admin(c, hub.url))
        wait_until(lambda: len(hub.topics()) >= len(feed_files(out)),
                   "the first build's feeds pinged", timeout=SLOW, alive=d.alive)
        delays = []
        for i in range(50):
            cat, tag = "cat%d" % (i % 7), "tp%d" % i
            want = sorted(self_url(r) for r in ("feed.xml", "feed.rss", "feed/%s.xml" % cat,
                                                 "feed/%s.rss" % cat,
                                                 "feed/by_tag/%s.xml" % tag,
                                                 "feed/by_tag/%s.rss" % tag))
            t0 = time.monotonic()
            day = datetime.date(2024, 6, 1) + datetime.timedelta(days=i)
            write(os.path.join(site, "_posts", "%s-n%d.md" % (day.isoformat(), i)),
                  "---\ntitle: N%d\ncategories: %s\ntags: [%s]\n---\nBody %d.\n"
                  % (i, cat, tag, i))
            wait_until(lambda: set(want) <= set(hub.topics(t0)),
                       "post %d's six feeds pinged" % i, timeout=SLOW, alive=d.alive,
                       detail=lambda: hub.topics(t0))
            delays.append(max(t for t, us, _ in hub.requests if t >= t0
                              and set(us) & set(want)) - t0)
            got = sorted(hub.topics(t0))
            expect(got == want, "post %d: pinged %r, not each changed feed once %r"
                   % (i, got, want))
        med = statistics.median(delays)
        say("   hub-latency: post -> last of its pings: median %.0f ms, max %.0f ms (50 posts)"
            % (med * 1000, max(delays) * 1000))
        expect(med <= 1.0, "median post -> ping %.2f s, over 1 s" % med)
        expect(not hub.malformed(), "malformed requests: %r" % hub.malformed()[:2])
        d.stop()
    finally:
        hub.close()


def case_hub_down(c):
    hub = Hub("error")
    try:
        site = c.site("site", CONFIG, POSTS)
        out = c.path("out")
        conf = hub_admin(c, hub.url)
        d = c.daemon(site, out, "-c", conf)
        d.wait_log(r"WebSub hub %s: it answered HTTP 500" % hub.url, "the failure logged",
                   timeout=SLOW)
        hub.mode = "hang"
        t0 = time.monotonic()
        write(os.path.join(site, "_posts", "2024-05-03-three.md"), post("Three", 3, "sport"))
        wait_until(lambda: os.path.exists(os.path.join(out, "feed", "sport.xml")),
                   "the new post's feed written while the hub hangs", timeout=SLOW,
                   alive=d.alive)
        took = time.monotonic() - t0
        expect(took < 1.0, "a hanging hub delayed a feed by %.2f s" % took)
        time.sleep(2.5)     # a timeout (1 s) and a retry or two against the hanging hub
        expect(d.text().count("warning: WebSub hub %s:" % hub.url) == 1,
               "the failure episode logged more than once: %s" % d.text()[-800:])
        expect(d.stop() == 0, "the daemon did not stop")
        pending = open(os.path.join(out, ".feedd", "pings"), encoding="utf-8").read()
        expect(self_url("feed/sport.xml") in pending,
               "the pings waiting are not in .feedd/pings: %s" % pending[:300])
        hub.mode = "ok"
        t0 = time.monotonic()
        d = c.daemon(site, out, "-c", conf)
        want = set(self_url(r) for r in feed_files(out))
        wait_until(lambda: want <= set(hub.topics(t0)), "every ping delivered after the "
                   "restart", timeout=SLOW, alive=d.alive,
                   detail=lambda: sorted(want - set(hub.topics(t0))))
        d.stop()
        # A build pings the feeds it changed.
        t0 = time.monotonic()
        write(os.path.join(site, "_posts", "2024-05-04-four.md"), post("Four", 4, "arts"))
        rc, err = c.run("build", site, "-o", out, "-c", conf, "-q")
        expect(rc == 0 and self_url("feed/arts.xml") in hub.topics(t0),
               "a build did not ping (%d): %r" % (rc, hub.topics(t0)))
    finally:
        hub.close()


def case_hub_config(c):
    site = c.site("site", CONFIG + "  websub:\n    hubs: [\"http://127.0.0.1:9/\"]\n", POSTS)
    out = c.path("out")
    rc, err = c.run("build", site, "-o", out)
    expect(rc == 0, "build exited %d" % rc)
    expect("feedd.websub is ignored in the site's _config.yml" in err,
           "no warning for websub in the site's _config.yml: %s" % err)
    expect("rel=\"hub\"" not in open(os.path.join(out, "feed.xml")).read(),
           "the site's hub is linked")


CASES = [("build", case_build), ("watch", case_watch), ("failing", case_failing),
         ("site-config", case_site_config), ("hub-links", case_hub_links),
         ("hub-latency", case_hub_latency), ("hub-down", case_hub_down),
         ("hub-config", case_hub_config)]


def main():
    return run_cases("push", CASES)


if __name__ == "__main__":
    sys.exit(main())
