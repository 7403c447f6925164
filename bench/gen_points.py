#!/usr/bin/env python3
"""Generate N plausible kerb-ramp points in and around Dordrecht as CSV with
RD New columns (rd_x, rd_y), deterministic for a given seed."""
import csv
import random
import sys

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 28992)
    statuses = ["planned", "in_progress", "realised", "inspected_ok", "rejected"]
    surfaces = ["asphalt", "concrete_tiles", "clinker", "natural_stone"]
    names = ["Zoë de Vries", "Björn Ångström", "José García", "An Müller", "Piet Jansen"]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["type", "status", "rd_x", "rd_y", "surveyor", "observed_at",
                "running_slope_pct", "width_m", "kerb_upstand_mm", "surface", "note"])
    for i in range(n):
        x = 95000 + rnd.random() * 25000
        y = 415000 + rnd.random() * 20000
        w.writerow(["kerb_ramp", statuses[i % 5], "%.3f" % x, "%.3f" % y, names[i % 5],
                    "2025-%02d-%02dT10:%02d:00+02:00" % (4 + i % 6, 1 + i % 28, i % 60),
                    "%.1f" % (rnd.random() * 14), "%.2f" % (0.9 + rnd.random()),
                    str(rnd.randrange(0, 30)), surfaces[i % 4], "punt %d" % i])

if __name__ == "__main__":
    main()
