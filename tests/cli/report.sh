#!/usr/bin/env bash
# schouw report: every table against the hand-checked fixture of
# history_fixture.inc (its facts are listed there), the charts decoded with
# PIL, the HTML parsed for its images and tables, the CSV tables read back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/history_fixture.inc"
PY=/usr/bin/python3
fixture || { fail "building the fixture"; done_testing; }

expect 0 "$SCHOUW" report --year 2025 --area binnenstad --area dordt-west --lang en --quarterly -o rep
contains "$OUT" "6 points at the start, 7 at the end, 2 check runs" "summary line"

# csv FILE: the rows as "a,b,c" lines, read by Python's csv module (quotes
# and CRLF as RFC 4180 has them)
csv() { "$PY" -c 'import csv,sys
for row in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")): print(",".join(row))' "$1"; }

# counts per type and status, start and end, per area and total
want_counts='area,type,status,start,end,difference
binnenstad,crossing,planned,1,0,-1
binnenstad,crossing,rejected,0,1,1
binnenstad,kerb_ramp,planned,3,2,-1
binnenstad,kerb_ramp,realised,1,2,1
binnenstad,kerb_ramp,inspected_ok,0,1,1
binnenstad,all,all,5,6,1
dordt-west,kerb_ramp,planned,1,1,0
dordt-west,all,all,1,1,0
total,crossing,planned,1,0,-1
total,crossing,rejected,0,1,1
total,kerb_ramp,planned,4,3,-1
total,kerb_ramp,realised,1,2,1
total,kerb_ramp,inspected_ok,0,1,1
total,all,all,6,7,1'
equal "$(csv rep/counts.csv)" "$want_counts" "counts.csv"

# per quarter: planned at the start, moved to realised / inspected. Q3 starts
# at 22:00 UTC on 30 June: G (21:30) is planned then, H (22:30) not yet.
want_q='quarter,planned_at_start,to_realised,to_inspected
Q1 2025,5,1,0
Q2 2025,4,1,0
Q3 2025,3,0,1
Q4 2025,3,0,0'
equal "$(csv rep/quarters.csv | cut -d, -f1,4-6)" "$want_q" "quarters.csv"
equal "$(csv rep/quarters.csv | sed -n 2p | cut -d, -f2,3)" "2024-12-31T23:00:00Z,2025-03-31T22:00:00Z" "Q1 bounds (Amsterdam midnights)"
# the end of each quarter (--quarterly): kerb ramps planned at the end of Q2: C is a
# crossing; D and G are kerb ramps (F deleted, B realised)
equal "$(csv rep/counts_quarters.csv | grep '^Q2 2025,kerb_ramp,planned,')" "Q2 2025,kerb_ramp,planned,2" "counts_quarters.csv"

# compliance: the runs of 2025 only (not the one of 31 December 2024), their
# counts as check recorded them
want_trend=$(sqlite3 -csv test.gpkg "SELECT id, at, profile, npoints, npass, nfail, nincomplete FROM check_run WHERE at >= '2025' ORDER BY id")
equal "$(csv rep/compliance_trend.csv | sed 1d | cut -d, -f1-7)" "$want_trend" "compliance_trend.csv"
equal "$(csv rep/compliance_trend.csv | sed 1d | cut -d, -f1,4 | tr '\n' ' ')" "2,6 3,7 " "points per run"
# per type from the latest run (3), counted independently from check_result
want_comp=$(sqlite3 -csv test.gpkg "SELECT p.type, count(*), sum(r.verdict = 'pass'), sum(r.verdict = 'fail'), sum(r.verdict = 'incomplete') FROM check_result r JOIN points p ON p.uuid = r.point_uuid WHERE r.run_id = 3 AND r.rule_id IS NULL GROUP BY p.type ORDER BY p.type")
equal "$(csv rep/compliance.csv | sed 1d | cut -d, -f2-6 | sort)" "$(echo "$want_comp" | sort)" "compliance.csv"
equal "$(csv rep/compliance.csv | sed 1d | cut -d, -f1 | sort -u)" "3" "compliance from run 3"

# rejected (C) and failing points of run 3, with reasons
want_fail=$( (echo 3; sqlite3 test.gpkg "SELECT point_id FROM check_result WHERE run_id = 3 AND rule_id IS NULL AND verdict = 'fail'") | sort -un | tr '\n' ' ')
equal "$(csv rep/failing.csv | sed 1d | cut -d, -f1 | sort -un | tr '\n' ' ')" "$want_fail" "failing.csv ids"
contains "$(csv rep/failing.csv | grep '^3,')" "rejected" "C is rejected"
for id in $(sqlite3 test.gpkg "SELECT point_id FROM check_result WHERE run_id = 3 AND rule_id IS NOT NULL AND verdict = 'fail' LIMIT 3"); do
	rule=$(sqlite3 test.gpkg "SELECT rule_id FROM check_result WHERE run_id = 3 AND point_id = $id AND rule_id IS NOT NULL LIMIT 1")
	contains "$(csv rep/failing.csv | grep "^$id,")" "$rule" "reason of point $id"
done
# planned but not realised, per area
equal "$(csv rep/open_planned.csv | sed 1d | cut -d, -f1,2 | tr '\n' ' ')" "binnenstad,7 binnenstad,8 dordt-west,4 " "open_planned.csv"
# not inspected for more than a year before the end (2025-12-31T23:00Z): D and E
days() { "$PY" -c 'import datetime as d,sys
end = d.datetime(2025, 12, 31, 23, tzinfo=d.timezone.utc)
print((end - d.datetime.fromisoformat(sys.argv[1])).days)' "$1"; }
equal "$(csv rep/not_inspected.csv | sed 1d | cut -d, -f1,7 | tr '\n' ' ')" \
	"4,$(days 2024-09-01T10:00:00+00:00) 5,$(days 2023-06-01T10:00:00+02:00) " "not_inspected.csv"

# charts: PNGs of the size asked, drawn on (not a blank page), with the
# series colours of the bars and of the lines
chart_ok() {
	"$PY" - "$@" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
px = list(im.getdata())
ink = sum(1 for p in px if p != (255, 255, 255))
want = tuple(int(sys.argv[2][i:i + 2], 16) for i in (1, 3, 5))
near = sum(1 for p in px if all(abs(a - b) <= 8 for a, b in zip(p, want)))
print(f"{w}x{h} ink={ink > w * h // 100} colour={near > 50}")
PY
}
equal "$(chart_ok rep/chart_quarters.png '#0072b2')" "1200x600 ink=True colour=True" "bar chart"
equal "$(chart_ok rep/chart_quarters.png '#009e73')" "1200x600 ink=True colour=True" "bars of realised"
equal "$(chart_ok rep/chart_compliance.png '#009e73')" "1200x600 ink=True colour=True" "line chart"
equal "$(chart_ok rep/map_binnenstad.png '#ffffff' | cut -d' ' -f1)" "1240x877" "area map"
[ -f rep/map_dordt-west.png ] && ok || fail "no map of dordt-west"
[ ! -e rep/map_sterrenburg.png ] && ok || fail "a map of an area outside the report"

# the HTML: one self-contained file, every image a decodable PNG data URI, a
# table per CSV with a caption, header and the CSV's rows, print CSS for A4
html_check() {
	"$PY" - rep/report.html <<'PY'
import base64, io, sys
from html.parser import HTMLParser
from PIL import Image
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.imgs = []; self.tables = []; self.ext = []; self.cap = None; self.style = ""; self.in_style = False
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "img": self.imgs.append(a)
        if tag == "table": self.tables.append({"caption": "", "th": 0, "rows": 0})
        if tag == "caption": self.cap = self.tables[-1]
        if tag == "th": self.tables[-1]["th"] += 1
        if tag == "tr" and self.tables: self.tables[-1]["rows"] += 1
        if tag in ("link", "script") or (tag == "img" and not a.get("src", "").startswith("data:")): self.ext.append(tag)
        if tag == "style": self.in_style = True
    def handle_endtag(self, tag):
        if tag == "caption": self.cap = None
        if tag == "style": self.in_style = False
    def handle_data(self, d):
        if self.cap is not None: self.cap["caption"] += d
        if self.in_style: self.style += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
sizes = []
for a in p.imgs:
    src = a["src"]; assert src.startswith("data:image/png;base64,"), src[:40]
    im = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))); im.load()
    assert a.get("alt"), "image without alt"
    sizes.append("%dx%d" % im.size)
print("imgs", " ".join(sizes))
print("tables", len(p.tables), "captions", sum(1 for t in p.tables if t["caption"].strip()))
print("rows", " ".join(str(t["rows"]) for t in p.tables))
print("external", len(p.ext), "a4", "size:A4" in p.style.replace(" ", ""), "print", "@media print" in p.style)
PY
}
H=$(html_check)
contains "$H" "imgs 1200x600 1200x600 1240x877 1240x877" "HTML images"
contains "$H" "tables 8 captions 8" "HTML tables"
contains "$H" "external 0 a4 True print True" "HTML self-contained, print CSS"
# the rows of each HTML table are the rows of its CSV (header included)
rows=""
for t in counts quarters counts_quarters compliance compliance_trend failing open_planned not_inspected; do
	rows="$rows $(csv rep/$t.csv | wc -l)"
done
contains "$H" "rows$rows" "HTML rows per table"
# Markdown: the same tables and images as files next to it
contains "$(cat rep/report.md)" "![Planned and realised per quarter](chart_quarters.png)" "md image"
equal "$(grep -c '^|---' rep/report.md)" "8" "md tables"
[ -z "$(ls -A rep | grep '^\.report-')" ] && ok || fail "temporary directory left behind"

# Dutch: dates written out, numbers with a decimal comma, quarters as K
expect 0 "$SCHOUW" report --from 2025-01-01 --to 2025-06-30 --lang nl --no-maps -o nl
contains "$(cat nl/report.md)" "30 juni 2025" "Dutch date"
contains "$(cat nl/report.md)" "1 januari 2025" "Dutch date"
contains "$(cat nl/report.md)" "| K2 2025 |" "Dutch quarter"
contains "$(cat nl/report.md)" ",0 %" "decimal comma"
[ ! -e nl/map_binnenstad.png ] && ok || fail "--no-maps drew maps"
equal "$(csv nl/quarters.csv | sed 1d | cut -d, -f1 | tr '\n' ' ')" "K1 2025 K2 2025 " "half a year: two quarters"

# without --lang the report speaks schouw's language: its words (gettext)
# and its numbers and dates together, never the one Dutch and the other not
expect 0 env -u LANGUAGE LC_ALL=nl_NL.UTF-8 "$SCHOUW" report --from 2025-01-01 --to 2025-06-30 \
	--no-maps -o dflt_nl
contains "$(cat dflt_nl/report.md)" "## Punten per soort en status" "Dutch words under nl"
contains "$(cat dflt_nl/report.md)" "30 juni 2025" "Dutch dates under nl"
expect 0 "$SCHOUW" report --from 2025-01-01 --to 2025-06-30 --no-maps -o dflt_c
contains "$(cat dflt_c/report.md)" "## Points per type and status" "English words under C"
contains "$(cat dflt_c/report.md)" "30 June 2025" "English dates under C, with the words"

# a period without a check run says so and invents nothing
expect 0 "$SCHOUW" report --year 2024 --lang en --no-maps -o y2024
contains "$OUT" "6 at the end, 1 check runs" "2024 has the December run"
expect 0 "$SCHOUW" report --from 2024-01-01 --to 2024-06-30 --lang en --no-maps -o none
contains "$(cat none/report.md)" "no check run" "no run in the period"
equal "$(csv none/compliance.csv | wc -l)" "1" "no compliance rows without a run"
equal "$(chart_ok none/chart_compliance.png '#000000' | cut -d' ' -f1,2)" "1200x600 ink=True" "empty chart still drawn"

# --type narrows every table
expect 0 "$SCHOUW" report --year 2025 --type crossing --lang en --no-maps -o cross
equal "$(csv cross/counts.csv | grep '^total,all')" "total,all,all,1,1,0" "--type crossing"

# bad input: exit 2, nothing written, the store unchanged
before=$(snapshot)
expect 2 "$SCHOUW" report --year 20x5 -o bad; contains "$ERR" "--year"
expect 2 "$SCHOUW" report --from 2025-01-01 -o bad; contains "$ERR" "--to"
expect 2 "$SCHOUW" report --from 2025-12-01 --to 2025-01-01 -o bad; contains "$ERR" "empty"
expect 2 "$SCHOUW" report --from 2025-02-30 --to 2025-03-01 -o bad; contains "$ERR" "--from"
expect 2 "$SCHOUW" report --year 2025 --area nowhere -o bad; contains "$ERR" "nowhere"
expect 2 "$SCHOUW" report --year 2025 --type bench -o bad; contains "$ERR" "bench"
expect 2 "$SCHOUW" report --year 2025; contains "$ERR" "-o DIR"
expect 2 "$SCHOUW" report --year 2025 --lang fr -o bad; contains "$ERR" "--lang"
[ ! -e bad ] || [ -z "$(ls -A bad)" ] && ok || fail "a failed report left files"
unchanged "$before" "" "report never writes the store"
done_testing
