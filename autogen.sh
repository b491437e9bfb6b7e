#!/bin/sh
# Generate the configure script and Makefile.in from a git checkout.
set -e
cd "$(dirname "$0")"
autoreconf -fi || { echo "autogen.sh: autoreconf failed (Debian: apt-get install autoconf automake pkg-config)" >&2; exit 1; }
