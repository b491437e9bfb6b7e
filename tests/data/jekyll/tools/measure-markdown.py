#!/usr/bin/python3
"""measure-markdown: kramdown (as Jekyll 4.3.1 runs it: input GFM, Jekyll's kramdown defaults)
vs md4c (MD_DIALECT_GITHUB, as feedd's render.c calls it) on small Markdown inputs.

    measure-markdown.py OUTDIR     -> OUTDIR/markdown-cases.tsv

kramdown side: one site, one post per case (_posts/2022-01-01-NAME.md, front matter
"title: NAME", body = the input), built with jekyll (see jkfeed.py); the HTML is jekyll-feed's
<content> of that entry (the rendered post body, `strip`ped). md4c side: tools/md4c-html.py.
"""
import html
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jkfeed  # noqa: E402

md4c = __import__("md4c-html")

CASES = [
    ("bare-url", "Visit https://example.com/path?a=1&b=2 now.\n"),
    ("bare-url-trailing-punct", "See https://example.com/x). And (https://example.com/y).\n"),
    ("www-link", "See www.example.com today.\n"),
    ("email", "Mail me at jane@example.com.\n"),
    ("angle-autolinks", "<https://example.com> and <jane@example.com>\n"),
    ("url-in-link-text", "[https://example.com](https://other.com)\n"),
    ("bold-then-link", "**bold**[link](x)\n"),
    ("table", "| Left | Center | Right |\n|:-----|:------:|------:|\n| a | b | c |\n| *em* | `code` | 3 |\n"),
    ("table-no-outer-pipes", "a | b\n--|--\n1 | 2\n"),
    ("footnote", "Text with a note[^1].\n\n[^1]: The note *itself*.\n"),
    ("header-ids", "## Title Here\n\n### Ünïcode & stuff!\n\n## Title Here\n"),
    ("header-id-cjk", "## 你好 世界\n"),
    ("setext-header", "Big Title\n=========\n\nSmaller\n-------\n"),
    ("header-no-space", "#NoSpace\n"),
    ("ial-block", "A paragraph.\n{: .note #pid}\n"),
    ("ial-span", "Some *em*{: .x} text.\n"),
    ("fenced-lang", "```python\nprint(\"<hi>\")\n```\n"),
    ("tilde-fence", "~~~\nplain & code\n~~~\n"),
    ("indented-code", "Para.\n\n    indented <code>\n"),
    ("html-block-markdown1", "<div markdown=\"1\">\n*em* inside\n</div>\n"),
    ("html-block-plain", "<div>\n*em* inside\n</div>\n"),
    ("div-one-line", "<div>*em* inside</div>\n"),
    ("inline-html", "A <span class=\"x\">*em*</span> span.\n"),
    ("html-comment", "Before <!-- hidden --> after.\n\n<!-- block comment -->\n"),
    ("script", "<script>var a = 1 < 2;</script>\n"),
    ("hard-break-spaces", "line one  \nline two\n"),
    ("hard-break-backslash", "line one\\\nline two\n"),
    ("soft-break", "line one\nline two\n"),
    ("smart-quotes", "\"Double\" and 'single', it's -- and --- and ... <<x>>\n"),
    ("entities", "&copy; &amp; &#169; & < > \"\n"),
    ("nested-list", "- a\n  - b\n    - c\n- d\n\n1. one\n2. two\n   * x\n"),
    ("ordered-start", "3. three\n4. four\n"),
    ("loose-list", "- a\n\n- b\n"),
    ("strikethrough", "~~gone~~ and ~single~\n"),
    ("task-list", "- [ ] todo\n- [x] done\n"),
    ("intraword-underscore", "snake_case_word and __bold__ and _em_\n"),
    ("image", "![alt *text*](/img.png \"Title\")\n"),
    ("reference-link", "[text][ref] and [ref]\n\n[ref]: https://x.com \"T\"\n"),
    ("blockquote-lazy", "> quoted\nlazy line\n\n> > nested\n"),
    ("math", "$$x^2$$ inline and\n\n$$\na + b\n$$\n"),
    ("abbreviation", "HTML is here.\n\n*[HTML]: Hyper Text Markup Language\n"),
    ("definition-list", "term\n: definition\n"),
    ("code-span-backticks", "Use `` a`b `` and `<tag>`.\n"),
    ("escapes", "\\*not em\\* and \\_ and \\# and 1\\. x\n"),
    ("number-period", "2023. A year.\n"),
    ("toc", "* TOC\n{:toc}\n\n## One\n\n## Two\n"),
    ("hr", "a\n\n---\n\nb\n\n***\n"),
    ("raw-ampersand-url", "[q](https://x.com/?a=1&b=2)\n"),
    ("link-title-quotes", "[a](https://x.com \"It's \\\"q\\\"\")\n"),
    ("trailing-spaces-eof", "end  \n"),
    ("tab-indent", "-\ta\n\n\tcode?\n"),
    ("html5-block", "<details>\n<summary>More</summary>\n\n*hidden*\n\n</details>\n"),
    ("emoji-shortcode", ":smile: stays\n"),
    ("mention", "@someone hi\n"),
    ("kramdown-nomarkdown", "{::nomarkdown}*raw*{:/}\n"),
]


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def norm(s):
    """Compare ignoring whitespace between tags and at the ends."""
    s = re.sub(r">\s+<", "><", s.strip())
    return re.sub(r"\s+", " ", s)


JUDGE = {}  # filled from markdown-judgements.tsv if present (name -> text)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    jpath = os.path.join(out, "markdown-judgements.tsv")
    if os.path.exists(jpath):
        for line in open(jpath, encoding="utf-8"):
            if "\t" in line and not line.startswith("name\t"):
                k, v = line.rstrip("\n").split("\t", 1)
                JUDGE[k] = v
    site = "/tmp/jd/md-site"
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "_posts"))
    with open(os.path.join(site, "_config.yml"), "w") as f:
        f.write("url: https://ex.com\ntimezone: UTC\nplugins: [jekyll-feed]\nfeed:\n  posts_limit: 10000\n")
    for n, (name, text) in enumerate(CASES):
        with open(os.path.join(site, "_posts", "2022-01-01-%02d-%s.md" % (n, name)), "w") as f:
            f.write("---\ntitle: %s\n---\n%s" % (name, text))
    rc, log, dest = jkfeed.run_jekyll(site)
    if rc != 0:
        sys.exit(log)
    contents = []
    data = jkfeed.extract(os.path.join(dest, "feed.xml"), contents)
    by_id = {i: c for i, c in contents}
    lines = ["name\tinput\tkramdown_html\tmd4c_html\tsame_ignoring_whitespace\tjudgement"]
    for n, (name, text) in enumerate(CASES):
        eid = "https://ex.com/2022/01/01/%02d-%s" % (n, name)
        k = by_id[eid]
        m = md4c.md_html(text)
        same = "yes" if norm(k) == norm(m) else "no"
        lines.append("\t".join([name, esc(text), esc(k), esc(m), same, JUDGE.get(name, "")]))
    with open(os.path.join(out, "markdown-cases.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
