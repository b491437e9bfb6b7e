#!/bin/sh
# feedd build as a user runs it: defaults, determinism, untouched unchanged
# files, removal of feeds that lost their posts, bad posts skipped with a
# warning naming file and line, and exit statuses.
. "$(dirname "$0")/common.sh"

site=$T/site
mkdir -p "$site"
cat > "$site/_config.yml" <<'CFG'
title: Test Site
url: https://example.org
timezone: Asia/Shanghai
CFG
post "$site" 2022-01-01-one.md alpha "One" "2022-01-01 10:00:00 +0800"
post "$site" 2022-01-02-two.md "alpha beta" "Two" "2022-01-02 10:00:00 +0800"
post "$site" 2022-01-03-three.md gamma "Three" "2022-01-03 10:00:00 +0800"

# The default output folder is _feeds inside the site, which Jekyll ignores.
expect "build exits 0" "$FEEDD" build "$site" -q
for f in feed.xml feed.rss feed/alpha.xml feed/alpha.rss feed/beta.xml \
    feed/gamma.xml feed/by_tag/common.xml feed/by_tag/common.rss; do
	[ -s "$site/_feeds/$f" ] || fail "missing $f"
done
ok "every site, category and tag feed in _feeds"
grep -q '<id>https://example.org/alpha/beta/2022/01/02/two</id>' \
    "$site/_feeds/feed/beta.xml" || fail "jekyll-feed id of a two-category post"

# Determinism and write-if-changed: a second build rewrites nothing.
cp -a "$site/_feeds" "$T/first"
sleep 1
out=$("$FEEDD" build "$site" 2>&1)
echo "$out" | grep -q "0 files written" || fail "second build rewrote files: $out"
# feedd's caches (.feedd/posts, .feedd/feeds) may be written anew: they
# record when files were read, not what the feeds hold.
outputs() {
	(cd "$1" && find . -type f | grep -v -e '^\./\.feedd/posts$' \
	    -e '^\./\.feedd/feeds$' | sort)
}
[ "$(outputs "$T/first")" = "$(outputs "$site/_feeds")" ] ||
    fail "second build changed the files"
for f in $(outputs "$T/first"); do
	cmp -s "$T/first/$f" "$site/_feeds/$f" || fail "second build changed bytes of $f"
done
for f in $(outputs "$T/first"); do
	[ "$T/first/$f" -nt "$site/_feeds/$f" ] || [ "$T/first/$f" -ot "$site/_feeds/$f" ] &&
	    fail "mtime of $f changed"
done
ok "second build: same bytes, same mtimes"

# A category whose last post goes away loses its feeds; others stay.
rm "$site/_posts/2022-01-03-three.md"
"$FEEDD" build "$site" -q || fail "build after removal"
[ ! -e "$site/_feeds/feed/gamma.xml" ] && [ ! -e "$site/_feeds/feed/gamma.rss" ] ||
    fail "feeds of an emptied category were not removed"
[ -e "$site/_feeds/feed/alpha.xml" ] || fail "other feeds removed"
ok "empty category feeds removed"

# Files feedd does not own are never removed.
echo keep > "$site/_feeds/feed/mine.xml"
"$FEEDD" build "$site" -q
[ -e "$site/_feeds/feed/mine.xml" ] || fail "a foreign file was removed"
ok "foreign files kept"

# Bad posts: one warning each naming file and line; the rest still built.
printf -- '---\ntitle: [unclosed\n---\nbody\n' > "$site/_posts/2022-02-01-badyaml.md"
printf -- '---\ntitle: x\ndate: 2022-13-01\n---\nbody\n' > "$site/_posts/2022-02-02-baddate.md"
printf -- '---\ntitle: never closed\n' > "$site/_posts/2022-02-03-open.md"
printf -- '---\ntitle: bin\n---\n\000\001' > "$site/_posts/2022-02-04-binary.md"
printf -- '---\ntitle:\n  a: b\n---\nbody\n' > "$site/_posts/2022-02-05-maptitle.md"
"$FEEDD" build "$site" 2> "$T/warnings"
rc=$?
[ "$rc" -eq 0 ] || fail "bad posts made the build fail ($rc)"
for want in "2022-02-01-badyaml.md:2:" "2022-02-02-baddate.md:3:" \
    "2022-02-03-open.md:1:" "2022-02-04-binary.md:4:" "2022-02-05-maptitle.md:3:"; do
	grep -q "$want" "$T/warnings" || fail "no warning naming $want"
done
[ "$(grep -c 'warning' "$T/warnings")" -eq 5 ] || fail "expected exactly 5 warnings"
grep -q "2 posts (5 skipped" "$T/warnings" || fail "summary does not count skipped posts"
ok "bad posts skipped with one warning each"

# Exit statuses: a bad config is 2 with file:line, a missing site is 2.
printf 'feed:\n  posts_limit: many\n' > "$T/bad.yml"
"$FEEDD" build "$site" -c "$T/bad.yml" 2> "$T/err"
[ $? -eq 2 ] || fail "bad config must exit 2"
grep -q "bad.yml:2: feed.posts_limit must be a number" "$T/err" || fail "config error lacks file:line"
"$FEEDD" build "$T/nonexistent" 2>/dev/null
[ $? -eq 2 ] || fail "missing site must exit 2"
"$FEEDD" check-config "$site" >/dev/null || fail "check-config on a good site"
"$FEEDD" --version | grep -q '^feedd [0-9]' || fail "--version"
"$FEEDD" --help | grep -q 'usage: feedd build' || fail "--help"
"$FEEDD" frobnicate 2>/dev/null
[ $? -eq 2 ] || fail "unknown command must exit 2"
ok "exit statuses"

# An unwritable output folder is exit 1 and leaves no temporary file.
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	"$FEEDD" build "$site" -o "$T/ro" -q 2>/dev/null
	[ $? -eq 1 ] || fail "unwritable output must exit 1"
fi

finish
