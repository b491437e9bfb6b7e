#!/usr/bin/python3
"""jkfeed: build a Jekyll site with the real `jekyll build` and extract what jekyll-feed wrote.

    jkfeed.py build SITE [--out DIR] [--json FILE] [--content DIR]
        Runs  (cd SITE && jekyll build --disable-disk-cache -s SITE -d DIR)  with
        JEKYLL_ENV=production JEKYLL_NO_BUNDLER_REQUIRE=true LC_ALL=C.UTF-8 TZ=UTC (DIR defaults to
        SITE/_site, removed first), prints Jekyll's output and exit code, then (if DIR/feed.xml
        exists) writes the entries as JSON (FILE, default: stdout) and, with --content, every
        entry's <content> into DIR/NNN.html plus DIR/index.json (id -> file).
    jkfeed.py extract FEED.xml
        Prints the JSON for an existing feed.

JSON format (expected.json):
  {"feed": {"id", "title", "self", "author": {...} | null, "lang"},
   "entries": [{"id", "link", "title", "published", "updated",
                "author": {"name", "email"?, "uri"?}, "categories": [terms in document order],
                "summary": text | null, "lang"?: xml:lang, "image"?: media:thumbnail url}, ...]}
All strings exactly as jekyll-feed printed them (XML entities decoded by the parser, CDATA
unwrapped); entries in feed order.
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XMLLANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run_jekyll(site, dest=None, extra=()):
    site = os.path.abspath(site)
    dest = os.path.abspath(dest or os.path.join(site, "_site"))
    shutil.rmtree(dest, ignore_errors=True)
    env = dict(os.environ, JEKYLL_ENV="production", JEKYLL_NO_BUNDLER_REQUIRE="true",
               LC_ALL="C.UTF-8", TZ="UTC")
    p = subprocess.run(["jekyll", "build", "--disable-disk-cache", "-s", site, "-d", dest,
                        *extra], env=env, cwd=site, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), dest


def text(el):
    return None if el is None else (el.text or "")


def author(el):
    if el is None:
        return None
    a = {"name": text(el.find(A + "name"))}
    for k in ("email", "uri"):
        v = el.find(A + k)
        if v is not None:
            a[k] = text(v)
    return a


def extract(path, contents=None):
    root = ET.parse(path).getroot()
    feed = {"id": text(root.find(A + "id")),
            "title": text(root.find(A + "title")),
            "self": next((l.get("href") for l in root.findall(A + "link") if l.get("rel") == "self"), None),
            "author": author(root.find(A + "author")),
            "lang": root.get(XMLLANG)}
    entries = []
    for e in root.findall(A + "entry"):
        link = [l.get("href") for l in e.findall(A + "link") if l.get("rel", "alternate") == "alternate"]
        d = {"id": text(e.find(A + "id")),
             "link": link[0] if len(link) == 1 else link,
             "title": text(e.find(A + "title")),
             "published": text(e.find(A + "published")),
             "updated": text(e.find(A + "updated")),
             "author": author(e.find(A + "author")),
             "categories": [c.get("term") for c in e.findall(A + "category")],
             "summary": text(e.find(A + "summary"))}
        if e.get(XMLLANG) is not None:
            d["lang"] = e.get(XMLLANG)
        th = e.find(MEDIA + "thumbnail")
        if th is not None:
            d["image"] = th.get("url")
        if contents is not None:
            contents.append((d["id"], text(e.find(A + "content"))))
        entries.append(d)
    return {"feed": feed, "entries": entries}


def dump(obj, fh):
    json.dump(obj, fh, ensure_ascii=False, indent=1)
    fh.write("\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "extract":
        dump(extract(argv[1]), sys.stdout)
        return 0
    if len(argv) < 2 or argv[0] != "build":
        print(__doc__, file=sys.stderr)
        return 2
    site, args = argv[1], argv[2:]
    opt = {}
    while args:
        opt[args[0]] = args[1]
        args = args[2:]
    rc, out, dest = run_jekyll(site, opt.get("--out"))
    sys.stderr.write(out)
    sys.stderr.write("[jekyll exit %d]\n" % rc)
    feedxml = os.path.join(dest, "feed.xml")
    if not os.path.isfile(feedxml):
        sys.stderr.write("no feed.xml\n")
        return 1
    contents = [] if "--content" in opt else None
    data = extract(feedxml, contents)
    if "--json" in opt:
        with open(opt["--json"], "w", encoding="utf-8") as f:
            dump(data, f)
    else:
        dump(data, sys.stdout)
    if contents is not None:
        cdir = opt["--content"]
        shutil.rmtree(cdir, ignore_errors=True)
        os.makedirs(cdir)
        index = {}
        for n, (i, c) in enumerate(contents, 1):
            name = "%03d.html" % n
            with open(os.path.join(cdir, name), "w", encoding="utf-8") as f:
                f.write(c or "")
            index[i] = name
        with open(os.path.join(cdir, "index.json"), "w", encoding="utf-8") as f:
            dump(index, f)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
