#!/bin/sh
# The short soak (tests/soak/soak.py with its CI defaults: a 2,000-post site,
# 5,000 mixed changes): the watched output must end equal to a fresh build and
# the daemon's memory must come back to where it started.  Exit 0, 1 or 77.
: "${FEEDD:?FEEDD must name the feedd binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
exec "$PYTHON" "$top_srcdir/tests/soak/soak.py" --posts 2000 --ops 5000
