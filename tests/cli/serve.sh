#!/usr/bin/env bash
# serve.sh - the field server over HTTP with curl: sign-in, revoked token,
# wrong role, oversized body, bad JSON, bad field values, path traversal,
# replay of the same uuid; the store unchanged where it must be.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "serve.sh: needs curl (scripts/deps.sh)" >&2; exit 1; }

expect 0 "$SCHOUW" init
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(16,16),(9,90,200)).save('p.jpg')"
SUR=$("$SCHOUW" user add "An de Vries" --url http://x -q --qr an.png | grep -o '#t=.*' | cut -c4-)
STAFF=$("$SCHOUW" user add "Staf" --role staff --url http://x -q --qr st.png | grep -o '#t=.*' | cut -c4-)
OTHER=$("$SCHOUW" user add "Piet" --url http://x -q --qr pi.png | grep -o '#t=.*' | cut -c4-)
equal "${#SUR}" 43 "token length"
file an.png | grep -q 'PNG image' && ok || fail "no QR PNG"
# only hashes are stored
sqlite3 "$SCHOUW_DB" .dump | grep -q "$SUR" && fail "token stored in clear" || ok
expect 0 "$SCHOUW" user list
contains "$OUT" "An de Vries"

# the GPS accuracy threshold: checked, kept in the store
BEFORE=$(snapshot)
for bad in abc 0 -3 5000 nan; do
	expect 2 "$SCHOUW" serve --gps-threshold "$bad" --listen 127.0.0.1:1
	contains "$ERR" "--gps-threshold"
done
unchanged "$BEFORE" "" "bad --gps-threshold"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SCHOUW" serve --listen 127.0.0.1:$PORT --gps-threshold 7.5 >serve.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening serve.log && break; sleep 0.1; done
contains "$(cat serve.log)" "listening on http://127.0.0.1:$PORT/"
U=http://127.0.0.1:$PORT

# call METHOD PATH [curl args]: body in $BODY, status in $CODE
call() {
	local m=$1 p=$2; shift 2
	CODE=$(curl -s -o body.out -w '%{http_code}' -X "$m" "$@" "$U$p")
	BODY=$(cat body.out)
}
auth() { echo "Authorization: Bearer $1"; }

# the page and its security headers
call GET /
equal "$CODE" 200 "index"
contains "$BODY" '<html lang="nl">'
H=$(curl -s -D - -o /dev/null $U/)
contains "$H" "Content-Security-Policy: default-src 'self'"
contains "$H" "X-Content-Type-Options: nosniff"

# path traversal: never a file outside web/
for p in /../CMakeLists.txt /%2e%2e/CMakeLists.txt /..%2fCMakeLists.txt /web/../README.md \
	/.%2e/.%2e/etc/passwd /index.html/..; do
	CODE=$(curl -s --path-as-is -o body.out -w '%{http_code}' "$U$p")
	equal "$CODE" 404 "traversal $p"
	lacks "$(cat body.out)" "cmake_minimum_required" "traversal $p"
done

BEFORE=$(snapshot)
# sign-in
call POST /api/signin -d '{"token":"wrong"}'
equal "$CODE" 401 "bad token"
contains "$BODY" '"error"'
call POST /api/signin -d "{\"token\":\"$SUR\"}" -c jar
equal "$CODE" 200 "sign-in"
contains "$(cat jar)" "#HttpOnly_127.0.0.1"
H=$(curl -s -D - -o /dev/null -X POST -d "{\"token\":\"$SUR\"}" $U/api/signin)
contains "$H" "HttpOnly; Secure; SameSite=Strict" "cookie flags"
call GET /api/me -b jar
equal "$CODE" 200 "me by cookie"
contains "$BODY" '"name":"An de Vries"'
contains "$BODY" '"accuracy_threshold_m":7.5'
equal "$(sqlite3 "$SCHOUW_DB" "SELECT value FROM schouw_meta WHERE key='gps_accuracy_threshold_m'")" 7.5 "threshold kept in the store"
call GET /api/me
equal "$CODE" 401 "no sign-in"
call GET /api/forms -b jar
contains "$BODY" '"kerb_ramp"'
unchanged "$BEFORE" "" "sign-ins"

# bad requests: 4xx with a clear JSON message, store unchanged
BEFORE=$(snapshot)
call POST /api/points -H "$(auth "$SUR")" -d '{"uuid": '
equal "$CODE" 400 "bad JSON"
contains "$BODY" "bad JSON"
call POST /api/points -H "$(auth "$SUR")" -d '[1,2]'
equal "$CODE" 400 "not an object"
UUID=$(python3 -c 'import uuid; print(uuid.uuid4())')
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":51.8143,\"lon\":4.6606,\"fields\":{\"running_slope_pct\":\"steep\"}}"
equal "$CODE" 400 "bad field value"
contains "$BODY" "running_slope_pct"
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":51.8143,\"lon\":4.6606,\"fields\":{\"running_slope_pct\":900}}"
equal "$CODE" 400 "value out of range"
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":4.6606,\"lon\":51.8143}"
equal "$CODE" 400 "outside NL"
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"rocket\",\"lat\":51.8143,\"lon\":4.6606}"
equal "$CODE" 400 "unknown type"
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":51.8143,\"lon\":4.6606,\"photos\":[\"aGVsbG8=\"]}"
equal "$CODE" 400 "a photo that is no image"
contains "$BODY" "photos[0]"
call POST /api/points -H "$(auth "$SUR")" -d "{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":51.8143,\"lon\":4.6606,\"status\":\"inspected_ok\"}"
equal "$CODE" 403 "surveyor sets a staff status"
head -c 45000000 /dev/zero | tr '\0' 'a' >big.json
call POST /api/points -H "$(auth "$SUR")" --data-binary @big.json
equal "$CODE" 413 "oversized body"
unchanged "$BEFORE" "" "bad requests"

# log a point with a photo; replay the same uuid: one point, one photo
B64=$(base64 -w0 p.jpg)
REQ="{\"uuid\":\"$UUID\",\"type\":\"kerb_ramp\",\"lat\":51.8143,\"lon\":4.6606,\"accuracy_m\":4,\"fields\":{\"running_slope_pct\":8,\"cross_slope_pct\":3.5},\"photos\":[\"$B64\"]}"
call POST /api/points -H "$(auth "$SUR")" -d "$REQ" -H 'Accept-Language: nl'
equal "$CODE" 201 "log"
contains "$BODY" '"surveyor":"An de Vries"'
contains "$BODY" "Dwarshelling 3,5 % — hoogstens 2 %" "verdict in words"
ID=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in 1 2 3; do
	call POST /api/points -H "$(auth "$SUR")" -d "$REQ"
	equal "$CODE" 200 "replay"
done
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points WHERE uuid='$UUID'")" 1 "one point"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points_photos WHERE base_id=$ID")" 1 "one photo"
# the same uuid from someone else is a conflict, not a copy
call POST /api/points -H "$(auth "$OTHER")" -d "$REQ"
equal "$CODE" 409 "uuid of another surveyor"

# roles on edit
BEFORE=$(snapshot)
call PATCH /api/points/$ID -H "$(auth "$OTHER")" -d '{"note":"mine now"}'
equal "$CODE" 403 "edit another surveyor's point"
call PATCH /api/points/$ID -H "$(auth "$SUR")" -d '{"status":"rejected"}'
equal "$CODE" 403 "surveyor rejects"
call PATCH /api/points/$ID -H "$(auth "$SUR")" -d '{"fields":{"width_m":-3}}'
equal "$CODE" 400 "bad edit value"
unchanged "$BEFORE" "" "refused edits"
call PATCH /api/points/$ID -H "$(auth "$SUR")" -d '{"fields":{"cross_slope_pct":1.5}}'
equal "$CODE" 200 "own edit"
call PATCH /api/points/$ID -H "$(auth "$STAFF")" -d '{"status":"inspected_ok"}'
equal "$CODE" 200 "staff inspects"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT status FROM points WHERE id=$ID")" inspected_ok "status"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT who FROM schouw_history WHERE field='status' ORDER BY seq DESC LIMIT 1")" Staf "the token's surveyor"

# detail, near, photo, map
call GET /api/points/$ID -H "$(auth "$SUR")"
contains "$BODY" '"history"'
contains "$BODY" '"photos":[{"id":'
call GET "/api/points?lat=51.8143&lon=4.6606&radius=50" -H "$(auth "$SUR")"
contains "$BODY" "\"uuid\":\"$UUID\""
PH=$(sqlite3 "$SCHOUW_DB" "SELECT related_id FROM points_photos WHERE base_id=$ID")
curl -s -H "$(auth "$SUR")" -o got.jpg $U/api/photos/$PH
cmp -s got.jpg p.jpg && ok || fail "photo bytes differ"
CODE=$(curl -s -H "$(auth "$SUR")" -o map.png -D map.h -w '%{http_code}' "$U/api/map.png?lat=51.8143&lon=4.6606")
equal "$CODE" 200 "map"
file map.png | grep -q 'PNG image' && ok || fail "map is no PNG"
grep -qi 'X-Schouw-Extent' map.h && ok || fail "map without extent"
# the extent, then the position asked for in RD New, inside it
EXT=$(grep -i 'X-Schouw-Extent' map.h | cut -d' ' -f2 | tr -d '\r')
echo "$EXT" | awk -F, 'NF==6 && $1<$5 && $5<$3 && $2<$6 && $6<$4 && ($5-104896.8)^2<4 && ($6-425326.9)^2<4 {ok=1} END {exit !ok}' &&
	ok || fail "map extent and position: $EXT"

# revoked: at once, also for a session already signed in
expect 0 "$SCHOUW" user revoke "An de Vries"
call GET /api/me -b jar
equal "$CODE" 401 "revoked session"
call POST /api/signin -d "{\"token\":\"$SUR\"}"
equal "$CODE" 401 "revoked token"

# failed sign-ins are slowed down
for _ in 1 2 3 4 5 6; do call POST /api/signin -d '{"token":"guess"}'; done
equal "$CODE" 429 "too many failures"

kill $PID; wait $PID 2>/dev/null
trap - EXIT
done_testing
