"""Helpers shared by feedd's Python system tests (watch, faults, bad-input).

Each test drives the real feedd binary; these are the small pieces they all
need: a failure type, output that is never buffered, an inotify probe, and
polling with a deadline instead of fixed sleeps.
"""

import ctypes
import os
import time

POLL = 0.02          # seconds between two looks at a condition
DEADLINE = 10.0      # default time a condition has to come true

_libc = ctypes.CDLL(None, use_errno=True)


class Fail(Exception):
    """An expectation the test makes did not hold."""


def say(msg):
    print(msg, flush=True)


def inotify_available():
    """None when inotify is usable, else the reason."""
    try:
        fd = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    except AttributeError:
        return "libc has no inotify_init1"
    if fd < 0:
        return "inotify_init1: %s" % os.strerror(ctypes.get_errno())
    os.close(fd)
    if not os.path.isdir("/proc/sys/fs/inotify"):
        return "no /proc/sys/fs/inotify"
    return None


def wait_until(cond, desc, timeout=DEADLINE, interval=POLL, detail=None, alive=None):
    """Poll cond() until truthy and return its value; raise Fail naming desc (and
    detail()) at the deadline.  alive(), if given, raises when the daemon died."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if alive is not None:
            alive()
        if time.monotonic() >= end:
            extra = ""
            if detail is not None:
                try:
                    extra = ": " + str(detail())
                except Exception as e:  # noqa: BLE001 - detail is best effort
                    extra = ": (detail failed: %s)" % e
            raise Fail("%s not reached within %.1f s%s" % (desc, timeout, extra))
        time.sleep(interval)


def list_tree(root):
    """Relative paths of every file under root (dot files included)."""
    out = set()
    for d, _dirs, files in os.walk(root):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


STATE = ".feedd"                    # feedd's own folder in the output folder
MANIFEST = STATE + "/manifest"


def is_state(rel):
    """Whether rel is one of feedd's own files (.feedd/...)."""
    return rel == STATE or rel.startswith(STATE + "/")


def manifest_paths(out):
    """The paths OUT/.feedd/manifest lists, after checking its frame: the first line
    "feedd manifest 1", the last "end LENGTH CHECKSUM" with the body's length and
    FNV-1a 64 checksum.  None if there is no manifest; raises Fail if it is torn."""
    try:
        with open(os.path.join(out, MANIFEST), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    head = b"feedd manifest 1\n"
    if not data.startswith(head) or not data.endswith(b"\n"):
        raise Fail("%s: no header or not ending with a newline (%d bytes)" % (MANIFEST, len(data)))
    tail = data.rstrip(b"\n").rfind(b"\n")
    body, end = data[len(head):tail + 1], data[tail + 1:-1].split()
    h = 0xcbf29ce484222325
    for b in body:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    if len(end) != 3 or end[0] != b"end" or int(end[1]) != len(body) or int(end[2], 16) != h:
        raise Fail("%s: end line %r does not match its body" % (MANIFEST, data[tail + 1:]))
    return [os.fsdecode(l) for l in body.split(b"\n")[:-1]]


def is_tmp(rel):
    """Whether rel is one of feedd's temporary files."""
    return os.path.basename(rel).startswith(".feedd-tmp-")



def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
