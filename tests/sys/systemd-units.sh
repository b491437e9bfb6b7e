#!/bin/sh
# The shipped units: systemd-analyze verify accepts them, and the offline
# security score of each is 2.0 or lower ("OK" or better), so the hardening
# cannot silently regress.
. "$(dirname "$0")/common.sh"

command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; exit 77; }
bindir=$(dirname "$FEEDD")
for unit in feedd.service feedd@.service; do
	in=$top_srcdir/etc/$unit.in
	name=$unit
	[ "$unit" = feedd@.service ] && name=feedd@test.service
	sed -e "s|@bindir@|$bindir|g" -e "s|@sysconfdir@|$T|g" "$in" > "$T/$name"
	# --man=no: verify would run man(1) for Documentation=man:..., which fails
	# where man-db is missing (minimal systems) or feedd is not installed (here).
	out=$(systemd-analyze verify --man=no "$T/$name" 2>&1)
	if [ -n "$out" ]; then fail "systemd-analyze verify $unit: $out"; else ok "verify $unit"; fi
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
