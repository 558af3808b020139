"""Batch scoring against one-by-one scoring on the customer-service manager template.

Usage: ``python benchmarks/bench_scoring.py [--rows N] [--repeat K]``. Prints the time per row of
``evaluate`` (the baseline, measured on a sample), of ``evaluate_many``, and their ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from csperf.templates import customer_service_manager


def population(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "customer_satisfaction": rng.uniform(0.6, 1.0, n),
        "complaint_rate": rng.uniform(0, 0.03, n),
        "first_response_time": rng.lognormal(4, 0.6, n),
        "resolution_time": rng.lognormal(10, 0.5, n),
        "product_knowledge": rng.uniform(50, 100, n),
        "script_compliance": rng.uniform(0.7, 1.0, n),
        "collaboration_rating": rng.uniform(2.5, 5, n),
        "information_sharing_rate": rng.uniform(0.7, 1.0, n),
    }


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows timed one by one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    card = customer_service_manager()
    table = population(args.rows)
    rows = [{k: float(v[i]) for k, v in table.items()} for i in range(min(args.sample, args.rows))]

    one = best_of(args.repeat, lambda: [card.evaluate(r) for r in rows]) / len(rows)
    batch = best_of(args.repeat, lambda: card.evaluate_many(table)) / args.rows
    result = card.evaluate_many(table)
    print(f"rows: {args.rows:,} (one-by-one baseline timed on {len(rows):,})")
    print(f"evaluate      : {one * 1e6:10.2f} µs/row  (baseline)")
    print(f"evaluate_many : {batch * 1e6:10.2f} µs/row")
    print(f"speed-up      : {one / batch:10.1f}×")
    print(f"mean total    : {result.totals.mean():.2f}")


if __name__ == "__main__":
    main()
