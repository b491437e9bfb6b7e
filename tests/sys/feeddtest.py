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


def is_tmp(rel):
    """Whether rel is one of feedd's temporary files."""
    return os.path.basename(rel).startswith(".feedd-tmp-")


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
