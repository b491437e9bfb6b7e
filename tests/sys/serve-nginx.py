#!/usr/bin/python3
"""serve-nginx: the feeds served by a real nginx with the configuration `feedd nginx-config`
prints, while `feedd watch` keeps them current.

Two sites, each with its own daemon and its own nginx server block on the loopback (free
ports, an unprivileged nginx with its own prefix and configuration in a temporary folder):
  A  default paths, formats atom/rss/json, feedd.gzip: true (nginx's gzip_static serves the
     .gz files feedd writes);
  B  baseurl /blog, feed.path atom.xml, category_path topics/{name}.xml, tag_path
     {name}-tag.xml (a pattern at the top of the site: a regex location), discovery folder
     "list", no .gz files (nginx compresses on the fly).
Checked with curl: the content type and charset of every kind of file (Atom, RSS, JSON Feed,
the HTML page, the index, OPML), bodies equal to the files, 304 for an unchanged rebuild
(SIGUSR1 rewrites whatever differs), 200 and a new ETag after every change, including two
changes of the same length within one second, gzip and gzip_static serving current bytes,
.feedd and temporary files denied, baseurl and custom paths.  feedparser and newsboat read
the Atom and RSS feeds over HTTP, gofeed the JSON Feeds.  Headless Chromium (through
chromedriver) loads the page of feeds, finds a feed by name and follows its subscribe link.

Heavy: skipped (77) with FEEDD_SKIP_HEAVY=1, and when a tool is missing (saying which).
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from feeddtest import Daemon, Fail, jsonfeed_reader, read_with_gofeed, say, wait_until

SKIP = 77
FEEDD = os.environ.get("FEEDD", "")

POSTS = {
    "2024-01-01-first.md": ("First post", "news", ["alpha", "共同"], "One."),
    "2024-01-02-second.md": ("Second post", "财经", ["beta"], "Two <b>bold</b>."),
    "2024-01-03-third.md": ("Third post", "a/b", ["alpha"], "Three & more."),
    "2024-01-04-fourth.md": ("Fourth post", "news", ["共同"], "Four."),
}

TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "index": "application/json; charset=utf-8",
    "opml": "text/x-opml; charset=utf-8",
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post_text(title, cat, tags, body, day):
    return ("---\ntitle: \"%s\"\ndate: 2024-01-%02d 10:00:00 +0000\ncategories: [\"%s\"]\n"
            "tags: [%s]\n---\n%s\n" % (title, day, cat, ", ".join('"%s"' % t for t in tags), body))


def make_site(root, url, extra):
    os.makedirs(os.path.join(root, "_posts"))
    with open(os.path.join(root, "_config.yml"), "w") as f:
        f.write("title: Served\nurl: %s\ntimezone: UTC\nlang: en\n%s" % (url, extra))
    for i, (name, p) in enumerate(sorted(POSTS.items())):
        with open(os.path.join(root, "_posts", name), "w") as f:
            f.write(post_text(*p, day=i + 1))


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def h(self, name):
        return self.headers.get(name.lower())


def curl(url, headers=()):
    """GET url with curl (no decoding): a Response with the last status, headers, raw body."""
    with tempfile.NamedTemporaryFile(prefix="serve-nginx-headers.") as hf:
        args = ["curl", "-sS", "-g", "--noproxy", "*", "--max-time", "20", "-D", hf.name, "-o", "-"]
        for h in headers:
            args += ["-H", h]
        p = subprocess.run(args + [url], capture_output=True, timeout=30)
        if p.returncode != 0:
            raise Fail("curl %s: exit %d: %s" % (url, p.returncode, p.stderr.decode(errors="replace")))
        head = hf.read().decode("latin-1")
    status, hdrs = None, {}
    for line in head.splitlines():
        if line.startswith("HTTP/"):
            status, hdrs = int(line.split()[1]), {}
        elif ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    return Response(status, hdrs, p.stdout)


class Site:
    """One served site: its folders, daemon, base URL and what its files are."""

    def __init__(self, tmp, name, port, prefix, extra, admin):
        self.name, self.port, self.prefix = name, port, prefix
        self.root = os.path.join(tmp, name)
        self.site = os.path.join(self.root, "site")
        self.out = os.path.join(self.root, "out")
        self.base = "http://127.0.0.1:%d%s" % (port, prefix)
        make_site(self.site, "http://127.0.0.1:%d" % port, extra)
        self.admin = os.path.join(self.root, "admin.yml")
        with open(self.admin, "w") as f:
            f.write(admin)
        self.daemon = None

    def args(self):
        return [self.site, "-c", self.admin, "-o", self.out]

    def nginx_config(self):
        r = subprocess.run([FEEDD, "nginx-config"] + self.args(), capture_output=True, timeout=30)
        if r.returncode != 0:
            raise Fail("feedd nginx-config for %s exited %d: %s" % (self.name, r.returncode, r.stderr))
        return r.stdout.decode()

    def start(self):
        self.daemon = Daemon(FEEDD, ["watch", "-v"] + self.args(), os.path.join(self.root, "log"))
        self.daemon.wait_log(r"^feedd: watching", "%s: feedd watching" % self.name, timeout=30)

    def index(self):
        with open(self.discovery("index.json"), "rb") as f:
            return json.load(f)

    def discovery(self, name):
        d = "feeds" if self.name == "A" else "list"
        return os.path.join(self.out, d, name)

    def files(self):
        """{url: (path, kind)} of every file a reader fetches."""
        res = {}
        for feed in self.index()["feeds"]:
            for fmt, rel in feed["files"].items():
                res[feed["urls"][fmt]] = (os.path.join(self.out, rel), fmt)
        d = "feeds" if self.name == "A" else "list"
        for name, kind in (("index.html", "html"), ("index.json", "index"), ("feeds.opml", "opml")):
            res["%s/%s/%s" % (self.base, d, name)] = (os.path.join(self.out, d, name), kind)
        res["%s/%s/" % (self.base, d)] = (os.path.join(self.out, d, "index.html"), "html")
        return res

    def flushes(self):
        return len(re.findall(r"^feedd: \d+ posts changed", self.daemon.text(), re.M))

    def wait_flush(self, since, desc):
        wait_until(lambda: self.flushes() > since, "%s: %s flushed" % (self.name, desc),
                   timeout=30, alive=self.daemon.alive)


def check_files(site, problems, etags=None, gz_static=False):
    """Fetch every file: type, body, validators; with gzip, the decoded body.  Returns
    {url: etag}."""
    seen = {}
    for url, (path, kind) in sorted(site.files().items()):
        with open(path, "rb") as f:
            want = f.read()
        r = curl(url)
        if r.status != 200:
            problems.append("%s: status %s, expected 200" % (url, r.status))
            continue
        if r.h("content-type") != TYPES[kind]:
            problems.append("%s: Content-Type %r, expected %r" % (url, r.h("content-type"), TYPES[kind]))
        if r.body != want:
            problems.append("%s: body is not the file %s" % (url, path))
        if not r.h("etag") or not r.h("last-modified"):
            problems.append("%s: no ETag or Last-Modified" % url)
        if not (r.h("cache-control") or "").startswith("max-age="):
            problems.append("%s: Cache-Control %r, expected max-age=..." % (url, r.h("cache-control")))
        seen[url] = r.h("etag")
        z = curl(url, ["Accept-Encoding: gzip"])
        if z.h("content-encoding") != "gzip":
            problems.append("%s: not gzipped for a reader that accepts gzip (%r)" % (url, z.h("content-encoding")))
        elif gzip.decompress(z.body) != want:
            problems.append("%s: gzipped body is not the current file" % url)
        if "accept-encoding" not in (z.h("vary") or "").lower():
            problems.append("%s: no Vary: Accept-Encoding" % url)
        if gz_static and z.h("content-encoding") == "gzip":
            with open(path + ".gz", "rb") as f:
                gz = f.read()
            if z.body != gz:
                problems.append("%s: gzip_static did not serve %s.gz" % (url, path))
            if os.stat(path + ".gz").st_mtime_ns != os.stat(path).st_mtime_ns:
                problems.append("%s.gz: mtime differs from its file's" % path)
        if not gz_static and os.path.exists(path + ".gz"):
            problems.append("%s.gz exists without feedd.gzip" % path)
        if etags is not None and url in etags and etags[url] == r.h("etag"):
            pass
    return seen


def check_conditional(site, etags, changed, problems, what):
    """Every file answers 304 to its old ETag unless it changed (then 200 and a new ETag)."""
    for url, (path, kind) in sorted(site.files().items()):
        if url not in etags:
            continue
        r = curl(url, ["If-None-Match: %s" % etags[url]])
        if changed(url, path):
            if r.status != 200 or r.h("etag") == etags[url]:
                problems.append("%s: %s: status %s ETag %s, expected 200 and a new ETag (was %s)"
                                % (what, url, r.status, r.h("etag"), etags[url]))
        elif r.status != 304:
            problems.append("%s: %s: status %s, expected 304" % (what, url, r.status))


def main():
    if os.environ.get("FEEDD_SKIP_HEAVY"):
        print("SKIP: FEEDD_SKIP_HEAVY is set (nginx and headless Chromium)")
        return SKIP
    for tool, pkg in (("nginx", "nginx"), ("curl", "curl"), ("newsboat", "newsboat"),
                      ("chromium", "chromium"), ("chromedriver", "chromium-driver")):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            print("SKIP: %s is not installed (Debian: %s)" % (tool, pkg))
            return SKIP
    try:
        import feedparser
    except ImportError:
        print("SKIP: python3-feedparser is not installed")
        return SKIP
    if not os.access(FEEDD, os.X_OK):
        print("FAIL: FEEDD is not an executable feedd: %r" % FEEDD)
        return 1
    tmp = tempfile.mkdtemp(prefix="serve-nginx.")
    os.chmod(tmp, 0o755)
    reader, why = jsonfeed_reader(tmp)
    if reader is None:
        print("SKIP: %s" % why)
        shutil.rmtree(tmp, ignore_errors=True)
        return SKIP
    sites, nginx, problems = [], None, []
    t0 = time.monotonic()
    try:
        pa, pb = free_port(), free_port()
        a = Site(tmp, "A", pa, "", "", "feedd:\n  formats: [atom, rss, json]\n  gzip: true\n"
                 "  debounce_ms: 10\n")
        b = Site(tmp, "B", pb, "/blog",
                 "baseurl: /blog\nfeed:\n  path: atom.xml\n",
                 "feedd:\n  formats: [atom, rss, json]\n  category_path: \"topics/{name}.xml\"\n"
                 "  tag_path: \"{name}-tag.xml\"\n  discovery: list\n  debounce_ms: 10\n")
        sites = [a, b]
        for s in sites:
            s.start()
        nginx = start_nginx(tmp, sites)
        run_checks(tmp, sites, reader, feedparser, problems)
    except Fail as e:
        problems.append(str(e))
    finally:
        for s in sites:
            if s.daemon is not None:
                s.daemon.stop()
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(20)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
    for p in problems:
        print("FAIL: " + p)
    print("serve-nginx: %d problems (%.1f s)" % (len(problems), time.monotonic() - t0))
    if problems:
        print("serve-nginx: files kept in %s" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def start_nginx(tmp, sites):
    """An nginx of our own: its prefix, configuration and logs in tmp, one server per site."""
    prefix = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(prefix, "logs"))
    servers = []
    for s in sites:
        inc = os.path.join(prefix, "%s.conf" % s.name)
        with open(inc, "w") as f:
            f.write(s.nginx_config())
        www = os.path.join(s.root, "www")
        os.makedirs(www)
        servers.append("  server {\n    listen 127.0.0.1:%d;\n    server_name localhost;\n"
                       "    root %s;\n    include %s;\n  }\n" % (s.port, www, inc))
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write("%sworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/logs/error.log;\n"
                "events { worker_connections 64; }\nhttp {\n  access_log off;\n"
                "  default_type text/plain;\n"
                "  client_body_temp_path %s/tmp-body;\n  proxy_temp_path %s/tmp-proxy;\n"
                "  fastcgi_temp_path %s/tmp-fcgi;\n  uwsgi_temp_path %s/tmp-uwsgi;\n"
                "  scgi_temp_path %s/tmp-scgi;\n%s}\n"
                % ("user root root;\n" if os.geteuid() == 0 else "", prefix, prefix,
                   prefix, prefix, prefix, prefix, prefix, "".join(servers)))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    r = subprocess.run([nginx, "-t", "-p", prefix, "-c", conf, "-e", prefix + "/logs/error.log"],
                       capture_output=True, timeout=30)
    if r.returncode != 0:
        raise Fail("nginx -t refuses the configuration feedd wrote: %s" % r.stderr.decode(errors="replace"))
    proc = subprocess.Popen([nginx, "-p", prefix, "-c", conf, "-e", prefix + "/logs/error.log",
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up():
        if proc.poll() is not None:
            raise Fail("nginx exited: %s" % open(prefix + "/logs/error.log").read()[-600:])
        try:
            return all(curl("http://127.0.0.1:%d/" % s.port).status for s in sites)
        except Fail:
            return False
    wait_until(up, "nginx answering", timeout=30)
    return proc


def run_checks(tmp, sites, reader, feedparser, problems):
    a, b = sites
    # --- every kind of file, as served -------------------------------------------------
    etags = {}
    for s, static in ((a, True), (b, False)):
        before = len(problems)
        etags[s.name] = check_files(s, problems, gz_static=static)
        kinds = sorted({k for _, k in s.files().values()})
        say("%s: %d URLs (%s): types, charsets, bodies, gzip%s%s" % (
            s.name, len(etags[s.name]), ", ".join(kinds), " (gzip_static)" if static else "",
            ": ok" if len(problems) == before else ": %d problems" % (len(problems) - before)))
    # baseurl and custom paths: B's site feed and a topic feed are under /blog.
    urls_b = set(b.files())
    for want in ("%s/atom.xml" % b.base, "%s/topics/news.xml" % b.base, "%s/alpha-tag.json" % b.base,
                 "%s/topics/%s.rss" % (b.base, urllib.parse.quote("财经")),
                 "%s/topics/a%%252Fb.xml" % b.base):
        if want not in urls_b:
            problems.append("B: %s is not among the URLs its index lists: %s" % (want, sorted(urls_b)[:6]))
    r = curl("%s/feed.xml" % b.base)
    if r.status == 200:
        problems.append("B: %s/feed.xml is served though feed.path is atom.xml" % b.base)

    # --- feedd's own files are denied ------------------------------------------------------
    for s in sites:
        d = "feeds" if s.name == "A" else "list"
        for rel in (".feedd/manifest", ".feedd/lock", "feed/.feedd-tmp-1", d + "/.feedd/manifest",
                    ".feedd-tag.xml", "topics/.feedd-tmp-1.xml"):
            r = curl("%s/%s" % (s.base, rel))
            if r.status not in (403, 404):
                problems.append("%s: %s/%s answered %s, expected 403 or 404" % (s.name, s.base, rel, r.status))
    say("feedd's own files: denied")

    # --- readers over HTTP: feedparser, newsboat, gofeed -----------------------------------
    readers(tmp, sites, reader, feedparser, problems)

    # --- an unchanged rebuild: every file 304 -----------------------------------------------
    for s in sites:
        off = s.daemon.size()
        s.daemon.proc.send_signal(signal.SIGUSR1)
        s.daemon.wait_log(r"^feedd: \d+ posts \(\d+ scheduled\) in \d+ feeds: 0 files written",
                          "%s: SIGUSR1 rebuild writing nothing" % s.name, offset=off, timeout=30)
        check_conditional(s, etags[s.name], lambda u, p: False, problems, "unchanged rebuild")
        r = curl(s.base + ("/feed.xml" if s.name == "A" else "/atom.xml"),
                 ["If-Modified-Since: %s" % curl(s.base + ("/feed.xml" if s.name == "A" else
                                                             "/atom.xml")).h("last-modified")])
        if r.status != 304:
            problems.append("%s: If-Modified-Since of an unchanged feed gave %s" % (s.name, r.status))
    say("unchanged rebuild (SIGUSR1): every URL 304")

    # --- two changes of one length within one second: new ETags each time -----------------
    for s in sites:
        post = os.path.join(s.site, "_posts", "2024-01-04-fourth.md")
        feed_url = s.base + ("/feed.xml" if s.name == "A" else "/atom.xml")
        feed_path = os.path.join(s.out, "feed.xml" if s.name == "A" else "atom.xml")
        old = curl(feed_url)
        sizes, tags, mtimes = [len(old.body)], [old.h("etag")], [os.stat(feed_path).st_mtime]
        # Start at the beginning of a second, so that both rewrites fall within it on an
        # idle machine (nginx's ETag is the mtime in whole seconds and the size).
        wait_until(lambda: time.time() % 1 < 0.15, "the start of a second", interval=0.005)
        t = time.time()
        for title in ("Fourth pos1", "Fourth pos2"):
            n = s.flushes()
            with open(post, "w") as f:
                f.write(post_text(title, "news", ["共同"], "Four.", 4))
            s.wait_flush(n, "title %r" % title)
            r = curl(feed_url, ["If-None-Match: %s" % tags[-1]])
            with open(feed_path, "rb") as f:
                now = f.read()
            if r.status != 200 or r.body != now:
                problems.append("%s: after retitling to %r: status %s for the previous ETag %s, expected "
                                "200 and the new feed" % (s.name, title, r.status, tags[-1]))
            if r.h("etag") in tags:
                problems.append("%s: after retitling to %r the ETag %s is an old one" % (s.name, title, r.h("etag")))
            tags.append(r.h("etag"))
            sizes.append(len(r.body))
            mtimes.append(os.stat(feed_path).st_mtime)
        t = time.time() - t
        if int(mtimes[2]) <= int(mtimes[1]):
            problems.append("%s: the second rewrite's mtime %.3f is in the same second as the first's %.3f"
                            % (s.name, mtimes[2], mtimes[1]))
        z = curl(feed_url, ["Accept-Encoding: gzip"])
        if z.h("content-encoding") != "gzip" or gzip.decompress(z.body) != now:
            problems.append("%s: after the retitling the gzipped feed is not the current one" % s.name)
        if sizes[1] != sizes[2]:
            problems.append("%s: the two retitled feeds differ in length (%s): not the case tested"
                            % (s.name, sizes))
        say("%s: two same-length changes (%d bytes) in %.2f s: ETags %s" % (
            s.name, sizes[2], t, " -> ".join(tags)))

    # --- a new category: its feeds and the lists change, nothing else ------------------------
    for s in sites:
        before = {u: (curl(u).h("etag")) for u in s.files()}
        n = s.flushes()
        with open(os.path.join(s.site, "_posts", "2024-01-05-fifth.md"), "w") as f:
            f.write(post_text("Fifth post", "新类", ["gamma"], "Five.", 5))
        s.wait_flush(n, "a new post")
        # The lists of feeds follow the feeds once the site is quiet (LISTS_QUIET_MS).
        try:
            wait_until(lambda: {("category", "新类"), ("tag", "gamma")} <= {
                (f["kind"], f["name"]) for f in s.index()["feeds"]},
                "the new category and tag in the index", timeout=30)
        except Fail as e:
            problems.append("%s: %s" % (s.name, e))
        after = s.files()
        for u in after:
            if u not in before:
                r = curl(u)
                if r.status != 200:
                    problems.append("%s: new %s answered %s" % (s.name, u, r.status))
        changed_paths = set()
        for u, (path, kind) in after.items():
            if u in before and curl(u).h("etag") != before[u]:
                changed_paths.add(os.path.relpath(path, s.out))
        unexpected = {p for p in changed_paths
                      if not re.search(r"(^|/)(feed|atom)\.|新类|gamma|index\.|feeds\.opml", p)}
        if unexpected:
            problems.append("%s: a new post changed the ETags of unrelated files: %s" % (s.name, sorted(unexpected)))
        for u, (path, kind) in sorted(after.items()):
            r = curl(u, ["Accept-Encoding: gzip"])
            with open(path, "rb") as f:
                want = f.read()
            if r.status != 200 or gzip.decompress(r.body) != want:
                problems.append("%s: %s gzipped is not the current file after a new post" % (s.name, u))
        say("%s: a new post: %d files changed (%s)" % (s.name, len(changed_paths), ", ".join(sorted(changed_paths))))

    # --- the page of feeds in headless Chromium -------------------------------------------------
    browser_checks(tmp, a, problems)


def readers(tmp, sites, reader, feedparser, problems):
    urls = []
    for s in sites:
        for feed in s.index()["feeds"]:
            for fmt in ("atom", "rss", "json"):
                urls.append((s, feed, fmt, feed["urls"][fmt]))
    # feedparser: Atom and RSS over HTTP, no bozo, every entry.
    for s, feed, fmt, url in urls:
        if fmt == "json":
            continue
        d = feedparser.parse(url)
        if d.bozo or d.get("status") != 200 or len(d.entries) != feed["entries"]:
            problems.append("feedparser %s: status %s, bozo %s (%s), %d entries, expected %d" % (
                url, d.get("status"), d.bozo, d.get("bozo_exception"), len(d.entries), feed["entries"]))
    # gofeed: the JSON Feeds over HTTP, the same ids as the Atom feed.
    got = read_with_gofeed(reader, [u for _, _, f, u in urls if f in ("json", "atom")])
    for s, feed, fmt, url in urls:
        if fmt != "json":
            continue
        g, atom = got[url], got[feed["urls"]["atom"]]
        if g.get("error") or g.get("type") != "json" or not (g.get("version") or "").endswith("/1.1"):
            problems.append("gofeed %s: %s" % (url, g.get("error") or "type %r version %r" % (
                g.get("type"), g.get("version"))))
            continue
        if [i["id"] for i in g["items"]] != [i["id"] for i in atom["items"]]:
            problems.append("gofeed %s: ids differ from the Atom feed's" % url)
        if g.get("feed_link") != url:
            problems.append("gofeed %s: feed_url is %r" % (url, g.get("feed_link")))
    # newsboat: every Atom and RSS feed of B (custom paths, baseurl) and A's site feeds.
    home = os.path.join(tmp, "newsboat")
    os.makedirs(home, exist_ok=True)
    cfg = os.path.join(home, "config")
    open(cfg, "w").close()
    env = dict(os.environ, HOME=home, TERM="dumb", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("DISPLAY", None)
    sample = [(s, feed, u) for s, feed, fmt, u in urls if fmt != "json"
              and (s.name == "B" or feed["kind"] == "site")]
    for n, (s, feed, url) in enumerate(sample):
        ulist, cache = os.path.join(home, "urls%d" % n), os.path.join(home, "cache%d.db" % n)
        with open(ulist, "w") as f:
            f.write(url + "\n")
        r = subprocess.run(["newsboat", "-u", ulist, "-c", cache, "-C", cfg, "-x", "reload"], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        import sqlite3
        con = sqlite3.connect(cache)
        try:
            nitem = con.execute("SELECT count(*) FROM rss_item WHERE feedurl = ?", (url,)).fetchone()[0]
        finally:
            con.close()
        if r.returncode != 0 or nitem != feed["entries"]:
            problems.append("newsboat %s: exit %d, %d items, expected %d" % (url, r.returncode, nitem,
                                                                             feed["entries"]))
    say("readers over HTTP: feedparser %d feeds, gofeed %d JSON Feeds, newsboat %d feeds" % (
        sum(1 for u in urls if u[2] != "json"), sum(1 for u in urls if u[2] == "json"), len(sample)))


class WebDriver:
    """Enough of the W3C WebDriver protocol to drive chromedriver from the standard library."""

    def __init__(self, tmp):
        self.port = free_port()
        self.log = open(os.path.join(tmp, "chromedriver.log"), "wb")
        self.proc = subprocess.Popen(["chromedriver", "--port=%d" % self.port], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port
        wait_until(self.ready, "chromedriver answering", timeout=30)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--user-data-dir=" + os.path.join(tmp, "chromium")]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def ready(self):
        if self.proc.poll() is not None:
            raise Fail("chromedriver exited")
        try:
            return self.call("GET", "/status")["ready"]
        except OSError:
            return False

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=120) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise Fail("WebDriver %s %s: %s" % (method, path, e.read()[:400]))

    def s(self, path, body=None, method="POST"):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def run(self, script, *args):
        return self.s("/execute/sync", {"script": script, "args": list(args)})

    def quit(self):
        try:
            self.call("DELETE", "/session/%s" % self.session)
        finally:
            self.proc.terminate()
            self.proc.wait(20)
            self.log.close()


def browser_checks(tmp, site, problems):
    page = site.base + "/feeds/"
    index = site.index()
    target = [f for f in index["feeds"] if f["name"] == "财经"][0]
    wd = WebDriver(tmp)
    try:
        wd.s("/url", {"url": page})
        rows = wd.run("return document.querySelectorAll('tr[data-name]').length")
        if rows != len(index["feeds"]):
            problems.append("chromium: the page shows %s feeds, the index lists %d" % (rows, len(index["feeds"])))
        q = wd.s("/element", {"using": "css selector", "value": "#q"})
        qid = list(q.values())[0]
        wd.s("/element/%s/value" % qid, {"text": "财经"})
        shown = wd.run("return Array.from(document.querySelectorAll('tr[data-name]'))"
                       ".filter(function (r) { return !r.hidden; })"
                       ".map(function (r) { return r.getAttribute('data-name'); })")
        if shown != ["财经"]:
            problems.append("chromium: typing 财经 in the search box shows %r" % (shown,))
        link = wd.s("/element", {"using": "css selector",
                                 "value": "tr[data-name='财经'] a[type='application/atom+xml']"})
        wd.s("/element/%s/click" % list(link.values())[0], {})
        wait_until(lambda: wd.s("/url", method="GET") != page, "chromium following the Atom link",
                   timeout=30)
        now = wd.s("/url", method="GET")
        ctype = wd.run("return document.contentType")
        text = wd.run("return document.body ? document.body.innerText : ''")
        if now != target["urls"]["atom"]:
            problems.append("chromium: the Atom link of 财经 led to %s, expected %s" % (now, target["urls"]["atom"]))
        # Chromium shows a feed as text: the Atom document, as served.
        if ctype not in ("application/atom+xml", "text/plain") or \
                '<feed xmlns="http://www.w3.org/2005/Atom"' not in text or "Served | 财经" not in text:
            problems.append("chromium: the followed link shows %s, not the Atom feed of 财经: %r"
                            % (ctype, text[:200]))
        say("chromium: page of %d feeds, search by name, Atom link followed to %s (%s)" % (rows, now, ctype))
    finally:
        wd.quit()


if __name__ == "__main__":
    sys.exit(main())
