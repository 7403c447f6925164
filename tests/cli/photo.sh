#!/usr/bin/env bash
# photo.sh - schouw photo add/list/get and the photos in schouw show: bytes
# kept exactly, one photo stored once, bad files refused with the store unchanged.
. "$(dirname "$0")/lib.sh"

expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" log kerb_ramp --x 104897 --y 425327 -q
expect 0 "$SCHOUW" log kerb_ramp --x 104900 --y 425330 -q
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(8,8),(200,30,30)).save('red.png'); Image.new('RGB',(8,8),(30,30,200)).save('blue.jpg')"
printf 'not an image' >fake.png

expect 0 "$SCHOUW" photo add 1 red.png blue.jpg
expect 0 "$SCHOUW" photo add 2 red.png
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM photos")" 2 "one photo stored once"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points_photos")" 3 "three links"

expect 0 "$SCHOUW" photo list 1
contains "$OUT" "image/png"
contains "$OUT" "image/jpeg"

# show lists them: id, type, bytes, sha256
RED=$(sha256sum red.png | cut -d' ' -f1)
expect 0 "$SCHOUW" show 1
contains "$OUT" "photos:"
contains "$OUT" "image/png"
contains "$OUT" "$(stat -c %s red.png) bytes"
contains "$OUT" "$RED"
expect 0 "$SCHOUW" show 1 --format json
N=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["photos"]; print(len(p), sorted(x["content_type"] for x in p), [x["bytes"] for x in p if x["content_type"]=="image/png"][0])')
equal "$N" "2 ['image/jpeg', 'image/png'] $(stat -c %s red.png)" "show --format json photos"
ID=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; print([x["id"] for x in json.load(sys.stdin)["photos"] if x["sha256"]=="'"$RED"'"][0])')
LANGUAGE=nl expect 0 "$SCHOUW" show 2
contains "$OUT" "foto's:"
# a point without photos shows no photo section
expect 0 "$SCHOUW" log crossing --x 104910 --y 425340 -q
expect 0 "$SCHOUW" show 3
lacks "$OUT" "photos:"
expect 0 "$SCHOUW" show 3 --format json
contains "$OUT" '"photos": []'

# get: the same bytes back
expect 0 "$SCHOUW" photo get "$ID" -o back.png
cmp -s red.png back.png && ok || fail "photo get changed the bytes"

# bad input: refused, the store unchanged
BEFORE=$(snapshot)
expect 2 "$SCHOUW" photo add 1 fake.png
contains "$ERR" "fake.png"
expect 2 "$SCHOUW" photo add 1 red.png missing.jpg
contains "$ERR" "missing.jpg"
expect 2 "$SCHOUW" photo add 99 red.png
unchanged "$BEFORE" "" "refused photos"
expect 2 "$SCHOUW" photo get 999 -o x.png
[ ! -e x.png ] && ok || fail "photo get of an unknown id wrote a file"

done_testing
