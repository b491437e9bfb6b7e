#!/usr/bin/python3
"""md4c-html: render Markdown with the system's libmd4c-html (Debian libmd4c-html0 0.4.8), the
way feedd's render.c calls it: md_html(text, len, cb, data, MD_DIALECT_GITHUB, 0).

    md4c-html.py < in.md > out.html

(Debian 12 has no md4c-tools/md2html package; this calls the library through ctypes.)
"""
import ctypes
import sys

MD_FLAG_PERMISSIVEURLAUTOLINKS = 0x0004
MD_FLAG_PERMISSIVEEMAILAUTOLINKS = 0x0008
MD_FLAG_TABLES = 0x0100
MD_FLAG_STRIKETHROUGH = 0x0200
MD_FLAG_PERMISSIVEWWWAUTOLINKS = 0x0400
MD_FLAG_TASKLISTS = 0x0800
MD_DIALECT_GITHUB = (MD_FLAG_PERMISSIVEEMAILAUTOLINKS | MD_FLAG_PERMISSIVEURLAUTOLINKS |
                     MD_FLAG_PERMISSIVEWWWAUTOLINKS | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
                     MD_FLAG_TASKLISTS)

_lib = ctypes.CDLL("libmd4c-html.so.0")
_CB = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_char), ctypes.c_uint, ctypes.c_void_p)
_lib.md_html.argtypes = [ctypes.c_char_p, ctypes.c_uint, _CB, ctypes.c_void_p, ctypes.c_uint,
                         ctypes.c_uint]
_lib.md_html.restype = ctypes.c_int


def md_html(text, parser_flags=MD_DIALECT_GITHUB, renderer_flags=0):
    data = text.encode("utf-8")
    out = []
    cb = _CB(lambda p, n, _u: out.append(ctypes.string_at(p, n)))
    if _lib.md_html(data, len(data), cb, None, parser_flags, renderer_flags) != 0:
        raise RuntimeError("md_html failed")
    return b"".join(out).decode("utf-8")


if __name__ == "__main__":
    sys.stdout.write(md_html(sys.stdin.read()))
