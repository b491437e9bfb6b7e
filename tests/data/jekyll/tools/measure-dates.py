#!/usr/bin/python3
"""measure-dates: one tiny site per `date:` value, built with real Jekyll, three ways:
America/Los_Angeles, Asia/Shanghai, and America/Los_Angeles with `future: true`.
Writes dates.tsv and last-modified.tsv into the directory given (default: cwd).

Each site: _config.yml = url: https://ex.com / timezone: ZONE / plugins: [jekyll-feed]
(+ future: true), one post _posts/2020-06-15-d.md whose front matter is
"title: D\ndate:<VALUE>\n" (VALUE exactly as in the table, after "date:") and body
"{{ page.date }}" (so the page shows Ruby's Time#to_s of the parsed date).
Build: jekyll build --disable-disk-cache (see jkfeed.py for env).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jkfeed  # noqa: E402

# Value as written after "date:" (leading space included).
DATES = [
    " 2023-01-29 18:30:22 -0800",
    " 2023-01-29 18:30:22 2023 -0800",
    " 2023-01-29T18:30:22Z",
    " 2023-01-29t18:30:22z",
    " 2023-01-29 18:30:22Z",
    " 2023-01-29 18:30:22 Z",
    " 2023-01-29 18:30:22",
    " 2023-01-29T18:30:22",
    " 2023-01-29 18:30",
    " 2023-01-29T18:30",
    " 2023-01-29T18:30Z",
    " 2023-01-29 18:30 -0800",
    " 2023-01-29 18:30:22 +08:00",
    " 2023-01-29 18:30:22 +0800",
    " 2023-01-29 18:30:22 +08",
    " 2023-01-29 18:30:22 -08",
    " 2023-01-29 18:30:22 +8",
    " 2023-01-29 18:30:22+08:00",
    " 2023-01-29T18:30:22+08:00",
    " 2023-01-29T18:30:22-0800",
    " 2023-01-29 18:30:22 +14:00",
    " 2023-01-29 18:30:22 -12:00",
    " 2023-01-29 18:30:22 +05:45",
    " 2023-01-29 18:30:22 +0530",
    " 2023-01-29 18:30:22 UTC",
    " 2023-01-29 18:30:22 GMT",
    " 2023-01-29 18:30:22 PST",
    " 2023-01-29 18:30:22 PDT",
    " 2023-01-29 18:30:22 EST",
    " 2023-01-29 18:30:22 CST",
    " 2023-01-29 18:30:22 CET",
    " 2023-01-29 18:30:22 JST",
    " 2023-01-29 18:30:22 IST",
    " 2023-01-29 18:30:22 Asia/Shanghai",
    " 2023-01-29 18:30:22 America/New_York",
    " 2023-01-29 18:30:22 -0800 (PST)",
    " 2023-01-29 18:30:22.5 +0800",
    " 2023-01-29 18:30:22.123456789Z",
    " 2023-01-29T18:30:22.999Z",
    " 2023-01-29T18:30:22.5+05:30",
    " 2023-01-29 18:30:22.5",
    " \"2023-01-29 18:30:22\"",
    " '2023-01-29 18:30:22'",
    " \"2023-01-29 18:30:22 -0800\"",
    " \"2023-01-29T18:30:22Z\"",
    " \"2023-01-29 18:30:22.5\"",
    " \"2023-01-29\"",
    " !!str 2023-01-29 18:30:22",
    " !!timestamp 2023-01-29 18:30",
    " 2023-01-29",
    " 2023/01/29",
    " 2023/01/29 18:30:22",
    " 2023.01.29",
    " 2023-01-29_18:30:22",
    " 29 Jan 2023",
    " 29 January 2023 10:00",
    " Jan 29, 2023 10:00",
    " January 29, 2023",
    " Sun, 29 Jan 2023 18:30:22 -0800",
    " Sunday, January 29, 2023 at 6:30 PM",
    " 2023-01-29 6:30 PM",
    " 2023-01-29 6:30pm",
    " 01/29/2023",
    " 29/01/2023",
    " 05/01/2023",
    " 2023-1-5",
    " 2023-1-5 8:05:03",
    " 2023-01-29 8:5:3",
    " 2023-01-29 8:05:03",
    " 2023-01-29 08:05",
    " 20230129",
    " 20230129T183022Z",
    " 1675045822",
    " 2023",
    " 2023-01",
    " 2023-029",
    " 2023-W05-1",
    " 18:30",
    " Jan 29",
    " 0000-01-01",
    " 0001-01-01 00:00:00 +0000",
    " 1899-12-31 23:59:59 -0800",
    " 1969-12-31 23:59:59 Z",
    " 1970-01-01 00:00:00 Z",
    " 9999-12-31 23:59:59 Z",
    " 2023-02-29",
    " 2024-02-29",
    " 2023-02-30",
    " 2023-02-30 10:00:00 +0800",
    " \"2023-02-30\"",
    " 2023-13-01",
    " 2023-00-10",
    " 2023-01-32",
    " 2023-01-29 24:00:00",
    " 2023-01-29 25:00:00",
    " 2023-01-29 25:00:00 +0800",
    " 2023-01-29 23:60:00",
    " 2023-01-29 23:59:60 Z",
    " \"2023-03-12 02:30:00\"",
    " \"2023-11-05 01:30:00\"",
    "   2023-01-29 18:30:22   ",
    " \"  2023-01-29 18:30:22  \"",
    "\t2023-01-29 18:30:22",
    " 2023-01-29 18:30:22 # comment",
    " yesterday",
    " now",
    " not a date",
    " ",
    " ~",
    " \"\"",
    " [2023-01-29]",
    " {y: 2023}",
    " true",
]

# last_modified_at values (post date: 2023-01-29 10:00:00 -0800)
LASTMOD = [
    " 2023-02-01 10:00:00 +0800",
    " 2023-02-01 10:00:00",
    " \"2023-02-01 10:00:00\"",
    " 2023-02-01T10:00:00Z",
    " 2023-02-01",
    " 2023/02/01",
    " 1 Feb 2023 10:00",
    " 1675045822",
    " \"1675045822\"",
    " 2023-02-30",
    " not a date",
    " ",
    " \"\"",
]

STD = re.compile(r"^\s*(Configuration file:|Source:|Destination:|Incremental build:|Generating\.\.\.|"
                 r"Jekyll Feed: Generating feed for posts|done in |Auto-regeneration:)")

RUBY = r'''require "yaml"; require "date"
begin
  v = Psych.safe_load(STDIN.read, :permitted_classes => [Date, Time], :aliases => true)["date"]
  puts "#{v.class}\t#{v.inspect}"
rescue => e
  puts "#{e.class}\t#{e.message}"
end'''


def esc(s):
    if s is None:
        return "-"
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def yaml_type(value):
    p = subprocess.run(["ruby", "-e", RUBY], input=("date:%s\n" % value).encode(), stdout=subprocess.PIPE)
    return p.stdout.decode().rstrip("\n").split("\t", 1)


def one(work, key, value, zone, future):
    site = os.path.join(work, "site")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "_posts"))
    with open(os.path.join(site, "_config.yml"), "w") as f:
        f.write("url: https://ex.com\ntimezone: %s\nplugins: [jekyll-feed]\n%s"
                % (zone, "future: true\n" if future else ""))
    with open(os.path.join(site, "_posts", "2020-06-15-d.md"), "w") as f:
        if key == "date":
            f.write("---\ntitle: D\ndate:%s\n---\n{{ page.date }}\n" % value)
        else:
            f.write("---\ntitle: D\ndate: 2023-01-29 10:00:00 -0800\nlast_modified_at:%s\n---\n"
                    "{{ page.date }}\n" % value)
    rc, out, dest = jkfeed.run_jekyll(site)
    out = re.sub(r"\x1b\[[0-9;]*m", "", out).replace(work, "SITE")
    msgs = [l.strip() for l in out.splitlines() if l.strip() and not STD.match(l)
            and not re.search(r"\.rb:\d+:in |^from |^-+$|Please append `--trace`|"
                              r"for any additional information", l.strip())]
    msgs = " | ".join(m for n, m in enumerate(msgs) if n == 0 or msgs[n - 1] != m)
    r = {"rc": rc, "msgs": msgs, "published": None, "updated": None, "url": None, "page": None}
    fx = os.path.join(dest, "feed.xml")
    if rc == 0 and os.path.isfile(fx):
        es = jkfeed.extract(fx)["entries"]
        if es:
            e = es[0]
            r.update(published=e["published"], updated=e["updated"], url=e["link"][len("https://ex.com"):])
            page = os.path.join(dest, r["url"].lstrip("/"))
            if os.path.isfile(page):
                with open(page) as f:
                    r["page"] = f.read().strip()
    return r


def ymd(url):
    m = url and re.match(r"/(-?\d+)/(\d+)/(\d+)/d\.html$", url)
    return "/".join(m.groups()) if m else (url or "-")


def status(r):
    if r["rc"] != 0:
        return "build-failed"
    if r["published"] is None:
        return "not-in-feed"
    return "ok"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    work = "/tmp/jd/dates-work"
    rows = []
    for key, values in (("date", DATES), ("last_modified_at", LASTMOD)):
        hdr = ["yaml", "yaml_ruby_class", "yaml_ruby_value", "status", "published", "updated",
               "url_ymd", "page_date", "messages",
               "shanghai_status", "shanghai_published", "shanghai_url_ymd",
               "future_true_status", "future_true_published", "future_true_url_ymd"]
        lines = ["\t".join(hdr)]
        for v in values:
            cls, val = yaml_type(v if key == "date" else v)
            la = one(work, key, v, "America/Los_Angeles", False)
            sh = one(work, key, v, "Asia/Shanghai", False)
            fu = one(work, key, v, "America/Los_Angeles", True)
            row = [v, cls, val, status(la), la["published"], la["updated"], ymd(la["url"]),
                   la["page"], la["msgs"],
                   status(sh), sh["published"], ymd(sh["url"]),
                   status(fu), fu["published"], ymd(fu["url"])]
            lines.append("\t".join(esc(x) for x in row))
            print(key, repr(v), status(la), la["published"], la["msgs"][:100], flush=True)
        name = "dates.tsv" if key == "date" else "last-modified.tsv"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
