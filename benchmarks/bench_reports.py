"""The Excel report for a whole workforce: time and peak memory against plain openpyxl.

Usage: ``python benchmarks/bench_reports.py [--sizes 1000,100000] [--no-details]``. For each
number of subjects, a child process builds a report on the manager template (200 distinct
appraisals, repeated under distinct subject names, so that building the report costs next to
nothing) and writes it with ``write_xlsx``: the summary sheet and the long-format details sheet
(subjects × 8 rows), streamed. The baseline, measured in the same child, is openpyxl's
write-only mode writing the same number of rows and cells as plain values with no styles: the
least any openpyxl writer can do. Prints each time, its ratio to the baseline, the peak
resident memory of the child (``ru_maxrss``) and the targets of issue 14 (1,000 subjects in
under 3 s; 100,000 in under 60 s with bounded memory).

Needs openpyxl (``pip install -e '.[excel]'``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {1_000: 3.0, 100_000: 60.0}


def child(size: int, details: bool) -> dict[str, float]:
    import attrs
    import numpy as np
    import openpyxl

    from csperf.report import Report
    from csperf.report._excel import write_xlsx
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    rng = np.random.default_rng(0)
    pool = []
    for k in range(200):
        values = {
            "customer_satisfaction": float(rng.uniform(0.6, 1)),
            "complaint_rate": float(rng.uniform(0, 0.03)),
            "first_response_time": float(rng.uniform(20, 300)),
            "resolution_time": float(rng.uniform(10_000, 90_000)),
            "product_knowledge": float(rng.uniform(50, 100)),
            "script_compliance": float(rng.uniform(0.75, 1)),
            "collaboration_rating": float(rng.uniform(2.5, 5)),
            "information_sharing_rate": float(rng.uniform(0.7, 1)),
        }
        pool.append(card.evaluate(values, f"pool-{k}"))
    results = [attrs.evolve(pool[i % 200], subject=f"客服{i:06d}") for i in range(size)]
    report = Report(card, results, lang="zh")
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    write_xlsx(report, out / "report.xlsx", details=details)
    took = time.perf_counter() - start
    peak_report = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = size * (1 + (len(card.indicators) if details else 0))
    width = 11 if details else 7
    start = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("plain")
    row = ["客服000000", "服务质量", "客户满意度", 0.92, "%", "优秀", 94.0, 0.24, 22.56, 1, ""]
    for _ in range(rows):
        ws.append(row[:width])
    wb.save(out / "plain.xlsx")
    base = time.perf_counter() - start
    size_mb = (out / "report.xlsx").stat().st_size / 1e6
    return {"took": took, "base": base, "peak_mb": peak_report, "file_mb": size_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--no-details", action="store_true", help="The summary sheet only.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, not args.no_details)))
        return
    sheets = "summary only" if args.no_details else "summary + details"
    print(f"Excel report ({sheets}) against plain openpyxl write-only rows")
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--child", str(size)]
        if args.no_details:
            command.append("--no-details")
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        m = json.loads(out.stdout)
        target = TARGETS.get(size)
        goal = "" if target is None else f"  target < {target:g} s: {m['took'] < target}"
        print(
            f"{size:>8,} subjects: {m['took']:7.2f} s  plain openpyxl {m['base']:7.2f} s  "
            f"{m['took'] / m['base']:5.2f}× plain  peak {m['peak_mb']:6.0f} MB  "
            f"file {m['file_mb']:5.1f} MB{goal}"
        )


if __name__ == "__main__":
    main()
