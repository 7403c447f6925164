#!/usr/bin/env bash
# Field server load test (issue 10): SURVEYORS simulated surveyors on the
# loopback address, each logging POINTS points through POST /api/points, a
# photo (a unique ~100 kB PNG) with every fifth point, and random retries of
# the same uuid: some answers are lost on purpose (the connection is closed
# right after the request is sent) and some points are sent again after their
# answer. Then the store is checked: every point once, every photo once, none
# lost, none twice. Prints the p50/p90/p99 response times. Loopback only;
# bounded (defaults: 50 x 40 = 2000 points, 400 photos).
#   bench/serve.sh
#   SURVEYORS=10 POINTS=20 bench/serve.sh
#   BUILD=build BENCH_NO_BUILD=1 bench/serve.sh     an existing build
set -euo pipefail
cd "$(dirname "$0")/.."
SURVEYORS=${SURVEYORS:-50}
POINTS=${POINTS:-40}
BUILD=${BUILD:-build-bench}
W=$(mktemp -d /tmp/schouw-bench-serve.XXXXXX)
export SCHOUW_DATA="$PWD/survey" SCHOUW_DB="$W/serve.gpkg"
for t in sqlite3 /usr/bin/python3; do
	command -v "$t" >/dev/null || { echo "bench/serve.sh needs $t (scripts/deps.sh)"; exit 1; }
done
if [ ! -x "$BUILD/schouw" ] || [ -z "${BENCH_NO_BUILD:-}" ]; then
	cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
	cmake --build "$BUILD" -j "$(nproc)" >/dev/null
fi
S="$PWD/$BUILD/schouw"

"$S" init -q
for i in $(seq "$SURVEYORS"); do
	"$S" user add "Landmeter $i" --url http://127.0.0.1 -q --qr "$W/qr.png" | grep -o '#t=.*' | cut -c4-
done >"$W/tokens"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$S" serve --listen "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 100); do grep -q listening "$W/serve.log" && break; sleep 0.1; done

echo "schouw serve load test: $SURVEYORS surveyors x $POINTS points, a photo with every fifth, on 127.0.0.1:$PORT"
/usr/bin/python3 - "$PORT" "$W/tokens" "$POINTS" "$W/sent" <<'PY'
import base64, http.client, json, os, random, socket, struct, sys, threading, time, uuid, zlib

port, tokens, npoints, sent_path = int(sys.argv[1]), open(sys.argv[2]).read().split(), int(sys.argv[3]), sys.argv[4]

def png(seed):
    """A unique 180x180 PNG of noise (~100 kB, incompressible like a photo)."""
    rnd = random.Random(seed)
    w = h = 180
    raw = b"".join(b"\0" + rnd.randbytes(w * 3) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))

lock = threading.Lock()
times, photo_times, sent, counts, errors = [], [], [], {"201": 0, "200": 0, "lost": 0, "replay": 0}, []

def surveyor(k, token):
    rnd = random.Random(k)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    hdr = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    def post(body):
        nonlocal conn
        t0 = time.perf_counter()
        conn.request("POST", "/api/points", body, hdr)
        r = conn.getresponse()
        data = r.read()
        return r.status, time.perf_counter() - t0, data
    for i in range(npoints):
        u = str(uuid.uuid4())
        p = {"uuid": u, "type": "kerb_ramp", "lat": 51.80 + rnd.random() * 0.03,
             "lon": 4.64 + rnd.random() * 0.05, "accuracy_m": round(rnd.uniform(2, 8), 1),
             "note": "bench %d/%d" % (k, i),
             "fields": {"running_slope_pct": round(rnd.uniform(2, 12), 1),
                        "cross_slope_pct": round(rnd.uniform(0, 4), 1)}}
        has_photo = i % 5 == 4
        if has_photo:
            p["photos"] = [base64.b64encode(png(k * 1000 + i)).decode()]
        body = json.dumps(p)
        if rnd.random() < 0.1:
            # the answer is lost: send, then hang up before it comes back
            s = socket.create_connection(("127.0.0.1", port))
            head = ("POST /api/points HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                    "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (token, len(body.encode())))
            s.sendall(head.encode() + body.encode())
            s.close()
            with lock:
                counts["lost"] += 1
        status, dt, data = None, 0, b""
        for attempt in range(5):
            try:
                status, dt, data = post(body)
                break
            except (ConnectionError, http.client.HTTPException, socket.timeout):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        with lock:
            if status in (200, 201):
                counts[str(status)] += 1
                (photo_times if has_photo else times).append(dt)
                sent.append((u, has_photo))
            else:
                errors.append("%s %s %s" % (u, status, data[:200]))
        if status in (200, 201) and rnd.random() < 0.1:
            st, dt2, _ = post(body)  # sent again after its answer: must be 200
            with lock:
                counts["replay"] += 1
                if st != 200:
                    errors.append("%s replay got %s" % (u, st))
    conn.close()

t0 = time.perf_counter()
th = [threading.Thread(target=surveyor, args=(k, t)) for k, t in enumerate(tokens)]
for t in th: t.start()
for t in th: t.join()
wall = time.perf_counter() - t0

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))] * 1000 if v else float("nan")
allt = times + photo_times
print("sent %d points in %.1f s (%.0f points/s): %d new (201), %d already there (200), %d answers lost on purpose, %d replays"
      % (len(sent), wall, len(sent) / wall, counts["201"], counts["200"], counts["lost"], counts["replay"]))
print("response time, all points:     p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms"
      % (pct(allt, .5), pct(allt, .9), pct(allt, .99), max(allt) * 1000))
print("response time, without photo:  p50 %6.1f ms  p99 %6.1f ms" % (pct(times, .5), pct(times, .99)))
print("response time, with a photo:   p50 %6.1f ms  p99 %6.1f ms" % (pct(photo_times, .5), pct(photo_times, .99)))
with open(sent_path, "w") as f:
    for u, ph in sent:
        f.write("%s|%d\n" % (u, ph))
for e in errors[:10]:
    print("ERROR:", e)
sys.exit(1 if errors else 0)
PY
kill $PID
wait $PID 2>/dev/null || true

# the store: every point once, with its photo; nothing lost, nothing twice
WANT=$((SURVEYORS * POINTS))
WANTPH=$((WANT / 5))
sqlite3 "$SCHOUW_DB" "SELECT uuid || '|' || (SELECT count(*) FROM points_photos m WHERE m.base_id = p.id) FROM points p ORDER BY uuid" >"$W/stored"
sort -o "$W/sent" "$W/sent"
NPTS=$(sqlite3 "$SCHOUW_DB" "SELECT count(*), count(DISTINCT uuid) FROM points")
NPH=$(sqlite3 "$SCHOUW_DB" "SELECT (SELECT count(*) FROM points_photos), (SELECT count(*) FROM photos)")
LOST=$(comm -23 "$W/sent" "$W/stored" | wc -l)
EXTRA=$(comm -13 "$W/sent" "$W/stored" | wc -l)
echo "store: points, distinct uuids: ${NPTS/|/, } (want $WANT); photo links, photos: ${NPH/|/, } (want $WANTPH); lost $LOST, extra or different $EXTRA"
[ "$NPTS" = "$WANT|$WANT" ] && [ "$NPH" = "$WANTPH|$WANTPH" ] && [ "$LOST" -eq 0 ] && [ "$EXTRA" -eq 0 ] &&
	[ "$(wc -l <"$W/sent")" -eq "$WANT" ] || { echo "serve bench: FAILED"; exit 1; }
echo "serve bench: zero lost, zero duplicates"
