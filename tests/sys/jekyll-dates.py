#!/usr/bin/python3
"""jekyll-dates: every date: value of the measured table, read as Jekyll reads it.

tests/data/jekyll/dates.tsv holds 113 ways to write a post's date: (and last-modified.tsv
13 of last_modified_at:, whose <updated> is checked alike) and what Jekyll 4.3.1
+ jekyll-feed 0.17 made of each (tests/data/jekyll/README.md, item 1): the instant
jekyll-feed printed in <published>, the day in the post's URL, or that the build failed.
For each row this builds the same one-post site with feedd, in America/Los_Angeles and
in Asia/Shanghai, and checks:

  - a date Jekyll accepted gives the same instant in <published> and the same URL day,
    except rows listed in UNSUPPORTED, where feedd must skip the post with one warning
    naming the file and line (never a wrong date);
  - a date Jekyll rejected (it fails the whole build) is skipped by feedd with one
    warning naming the file and line, and the build goes on;
  - a date Jekyll skips as in the future (year 9999) is not in feedd's feed either;
  - a date before 1900, which Jekyll prints in local mean time, is skipped with a
    warning: RSS cannot carry it.

Environment: FEEDD, top_srcdir.  Exit 0 pass, 1 fail.  Options: --verbose.
"""

import calendar
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from feeddtest import say

A = "{http://www.w3.org/2005/Atom}"
FEED_MIN = calendar.timegm((1900, 1, 2, 0, 0, 0))     # datetime.h's DATETIME_FEED_MIN

# Values Jekyll reads with Ruby's Time.parse leniency that feedd does not: each is skipped
# with a warning that says so.  (Text as written after "date:".)
UNSUPPORTED = {
    " Jan 29": "the year of the build: the same post would move every new year",
}


def unescape(field):
    """A dates.tsv field: \\\\, \\t, \\n and \\r escaped."""
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(m.group(1),
                                                                        m.group(1)), field)


def instant(s):
    """Seconds of an RFC 3339 date, whatever its offset."""
    return calendar.timegm(dt.datetime.fromisoformat(s).utctimetuple())


def build(feedd, tmp, n, zone, yaml_value, key="date", extra=""):
    site = os.path.join(tmp, "%s%d-%s" % (key, n, zone.replace("/", "_")))
    os.makedirs(os.path.join(site, "_posts"))
    with open(os.path.join(site, "_config.yml"), "w") as f:
        f.write("url: https://ex.com\ntimezone: %s\n" % zone)
    with open(os.path.join(site, "_posts", "2020-06-15-d.md"), "w") as f:
        f.write("---\ntitle: D\n%s%s:%s\n---\nbody\n" % (extra, key, yaml_value))
    r = subprocess.run([feedd, "build", site, "-o", os.path.join(site, "out")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = r.stderr.decode("utf-8", "replace")
    entries = ET.parse(os.path.join(site, "out", "feed.xml")).getroot().findall(A + "entry")
    if not entries:
        return err, None, None, None
    e = entries[0]
    link = e.find(A + "link").get("href")
    ymd = "/".join(link.split("/")[3:6])
    return err, e.findtext(A + "published"), ymd, e.findtext(A + "updated")


def main():
    verbose = "--verbose" in sys.argv
    feedd = os.environ.get("FEEDD")
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    rows = open(os.path.join(top, "tests", "data", "jekyll", "dates.tsv"),
                encoding="utf-8").read().splitlines()
    head = rows[0].split("\t")
    tmp = tempfile.mkdtemp(prefix="feedd-jekyll-dates.")
    problems = []
    counts = {"same": 0, "refused": 0, "unsupported": 0, "future": 0, "range": 0}
    for n, line in enumerate(rows[1:]):
        row = dict(zip(head, line.split("\t")))
        value = unescape(row["yaml"])
        for zone, prefix in (("America/Los_Angeles", ""), ("Asia/Shanghai", "shanghai_")):
            status = row[prefix + "status"]
            err, pub, ymd, _ = build(feedd, tmp, n, zone, value)
            warned = re.findall(r"2020-06-15-d\.md:\d+: date", err)
            where = "date:%r in %s" % (value, zone)
            if status == "ok" and value in UNSUPPORTED:
                if pub is not None or len(warned) != 1:
                    problems.append("%s: Jekyll accepts it, feedd should skip it with one "
                                    "warning (%s); got %s, %s" % (where, UNSUPPORTED[value],
                                                                  pub, err.strip()))
                counts["unsupported"] += 1
            elif status == "ok" and (row[prefix + "published"].startswith(("0", "-", "18")) or
                                     instant(row[prefix + "published"]) < FEED_MIN):
                # Before 1900 (local mean time): no RSS date can carry it in every zone, so
                # feedd skips the post with a warning rather than write an invalid feed.
                if pub is not None or not re.search(r"2020-06-15-d\.md:\d+: date .* before 1900", err):
                    problems.append("%s: before 1900, feedd should skip it with a warning; got "
                                    "%s, %r" % (where, pub, err.strip()))
                counts["range"] += 1
            elif status == "ok":
                want, want_ymd = row[prefix + "published"], row[prefix + "url_ymd"]
                if pub is None or instant(pub) != instant(want) or ymd != want_ymd:
                    problems.append("%s: feedd %s %s, Jekyll %s %s%s" % (
                        where, pub, ymd, want, want_ymd, "; " + err.strip() if err else ""))
                else:
                    counts["same"] += 1
            elif status == "not-in-feed":
                if pub is not None:
                    problems.append("%s: Jekyll leaves it out (future), feedd has %s" % (where, pub))
                counts["future"] += 1
            else:
                if pub is not None or len(warned) != 1:
                    problems.append("%s: Jekyll refuses it; feedd should skip the post with one "
                                    "warning naming the line, got %s, %r" % (where, pub, err.strip()))
                counts["refused"] += 1
    # last_modified_at, read by jekyll-feed with Liquid's date filter (<updated>).
    rows = open(os.path.join(top, "tests", "data", "jekyll", "last-modified.tsv"),
                encoding="utf-8").read().splitlines()
    head = rows[0].split("\t")
    for n, line in enumerate(rows[1:]):
        row = dict(zip(head, line.split("\t")))
        value = unescape(row["yaml"])
        err, pub, ymd, upd = build(feedd, tmp, n, "America/Los_Angeles", value,
                                   "last_modified_at", "date: 2023-01-29 10:00:00 -0800\n")
        where = "last_modified_at:%r" % value
        if row["status"] == "ok":
            if upd is None or instant(upd) != instant(row["updated"]):
                problems.append("%s: feedd <updated> %s, Jekyll %s %s" % (
                    where, upd, row["updated"], err.strip()))
            else:
                counts["same"] += 1
        elif pub is not None or not re.search(r"2020-06-15-d\.md:\d+: last_modified_at", err):
            problems.append("%s: Jekyll refuses it; feedd should skip the post with one "
                            "warning naming the line, got %s, %r" % (where, pub, err.strip()))
        else:
            counts["refused"] += 1
    say("%d read as Jekyll reads them, %d refused as by Jekyll (with a warning), %d left out "
        "as future, %d before 1900 and %d unsupported (skipped with a warning)" % (
            counts["same"], counts["refused"], counts["future"], counts["range"],
            counts["unsupported"]))
    for p in problems if verbose else problems[:20]:
        say("FAIL " + p)
    if problems:
        say("%d problem(s); kept %s" % (len(problems), tmp))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
