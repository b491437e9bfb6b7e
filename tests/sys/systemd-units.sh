#!/bin/sh
# The shipped units: systemd-analyze verify accepts them (with their manual
# pages found by man, which verify runs for Documentation=), and the offline
# security score of each is 2.0 or lower ("OK" or better), so the hardening
# cannot silently regress.
. "$(dirname "$0")/common.sh"

command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; exit 77; }
bindir=$(dirname "$FEEDD")
# The manual pages as installed, for man(1); man-db is in tools/debian-packages.
mkdir -p "$T/man/man8" "$T/man/man5"
cp "$top_srcdir/man/feedd.8" "$T/man/man8/" && cp "$top_srcdir/man/feedd.yml.5" "$T/man/man5/"
for unit in feedd.service feedd@.service; do
	in=$top_srcdir/etc/$unit.in
	name=$unit
	[ "$unit" = feedd@.service ] && name=feedd@test.service
	sed -e "s|@bindir@|$bindir|g" -e "s|@sysconfdir@|$T|g" "$in" > "$T/$name"
	if command -v man >/dev/null; then
		out=$(MANPATH="$T/man" systemd-analyze verify "$T/$name" 2>&1)
		how="with its man pages"
	else
		# Without man-db, verify cannot run man(1) for Documentation=.
		out=$(systemd-analyze verify --man=no "$T/$name" 2>&1)
		how="--man=no: no man(1) here (Debian: man-db)"
	fi
	if [ -n "$out" ]; then fail "systemd-analyze verify $unit: $out"; else ok "verify $unit ($how)"; fi
	score=$(systemd-analyze security --offline=true "$T/$name" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$score" ]; then
		fail "no security score for $unit"
	elif awk "BEGIN { exit !($score <= 2.0) }"; then
		ok "security score of $unit: $score"
	else
		fail "security score of $unit is $score (> 2.0)"
	fi
done
finish
