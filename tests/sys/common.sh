# Shared helpers for the shell system tests: a private temporary folder,
# failure reporting that keeps going, and a site maker.
# Sourced by tests/sys/*.sh; needs FEEDD and top_srcdir from the harness.

set -u
: "${FEEDD:?FEEDD must name the feedd binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/feedd-test.XXXXXX")
failures=0
trap 'rc=$?; if [ "$failures" -eq 0 ] && [ "$rc" -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi' EXIT

# fail MESSAGE: record a failed expectation and carry on.
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# ok MESSAGE: note a passed expectation.
ok() {
	echo "ok: $*"
}

# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# finish: exit with the test's status.
finish() {
	[ "$failures" -eq 0 ] || { echo "$failures expectation(s) failed" >&2; exit 1; }
	exit 0
}

# post DIR NAME CATEGORY TITLE [DATE]: write a Markdown post into DIR/_posts.
post() {
	mkdir -p "$1/_posts"
	cat > "$1/_posts/$2" <<POST
---
title: "$4"
date: ${5:-2022-01-01 10:00:00 +0800}
categories: $3
tags: [common]
---

Body of $4.
POST
}
