"""Scoring a workforce: ``evaluate_many`` against hand-written numpy of the same formulas.

Usage::

    python benchmarks/bench_scoring.py                  # 10k, 100k, 1M and 5M subjects
    python benchmarks/bench_scoring.py --quick          # 10k and 100k, fewer repeats
    python benchmarks/bench_scoring.py --sizes 1000000 --repeat 7

For each size, on the manager template, and on two data sets (*continuous*: random floats;
*rounded*: rates to 3 decimals, whole seconds, scores to 1 decimal, as people type them, where
about 1 % of the totals fall exactly on a rounding tie):

1. **Exactness first.** Every row whose float total lies near a tie, and a sample of the others,
   is scored one by one with ``evaluate``; ``evaluate_many`` must give the same total and grade
   on each (the benchmark stops otherwise). The numpy version's wrong totals are counted.
2. **Speed.** ``evaluate_many`` and the numpy version are timed alternately, best of
   ``--repeat``; the ratio is csperf / numpy (target: at most 1.5 at 1M and 5M). The time per
   subject at each size is compared with the one at 100k (target: within 25 % at 5M).
3. **Peak memory**, each case in a fresh subprocess (``tracemalloc``, which numpy reports its
   arrays to): the peak of ``evaluate_many`` and of the numpy version over the input's size
   (target: at most 3).
4. **The evaluate loop** on a sample, per subject, against ``evaluate_many`` per subject.
5. **Tables in and out** at 1M (or the largest size below): for a dict of arrays with an object
   array of subjects, and for pandas, Polars and Arrow tables with a subject column (each kind
   that is installed), ``evaluate_many(table)`` against the dict of arrays without subjects,
   and ``to_pandas()``, ``to_arrow()``, ``to_polars()`` against the scoring of that table
   (target: under 0.2).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from csperf import Scorecard
from csperf.templates import customer_service_manager

SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
QUICK = (10_000, 100_000)
DATA = ("continuous", "rounded")

_RATES = (
    "customer_satisfaction",
    "complaint_rate",
    "script_compliance",
    "information_sharing_rate",
)
_SECONDS = ("first_response_time", "resolution_time")
_SCORES = ("product_knowledge", "collaboration_rating")


def population(n: int, kind: str, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` subjects of the manager template; ``kind`` is ``continuous`` or ``rounded``."""
    rng = np.random.default_rng(seed)
    table = {
        "customer_satisfaction": rng.uniform(0.6, 1.0, n),
        "complaint_rate": rng.uniform(0, 0.03, n),
        "first_response_time": rng.lognormal(4, 0.6, n),
        "resolution_time": rng.lognormal(10, 0.5, n),
        "product_knowledge": rng.uniform(50, 100, n),
        "script_compliance": rng.uniform(0.7, 1.0, n),
        "collaboration_rating": rng.uniform(2.5, 5, n),
        "information_sharing_rate": rng.uniform(0.7, 1.0, n),
    }
    if kind == "rounded":
        for key in _RATES:
            np.round(table[key], 3, out=table[key])
        for key in _SECONDS:
            np.round(table[key], 0, out=table[key])
        for key in _SCORES:
            np.round(table[key], 1, out=table[key])
    return table


def numpy_scores(card: Scorecard) -> Callable[[dict[str, np.ndarray]], tuple[Any, Any]]:
    """The same formulas by hand: interpolate, weight, sum, round half up, grade."""
    weights = card.weighting.effective()
    rules = [
        (
            ind.metric,
            weights[ind.key],
            np.array([x for x, _ in ind.scoring.points]),  # type: ignore[attr-defined]
            np.array([p for _, p in ind.scoring.points]),  # type: ignore[attr-defined]
        )
        for ind in card.indicators
    ]
    edges = np.array([b.upper for b in card.grade_scale.ordered[:-1]])
    factor = 10.0**card.precision

    def score(table: dict[str, np.ndarray]) -> tuple[Any, Any]:
        total = np.zeros(len(next(iter(table.values()))))
        for metric, weight, xs, ps in rules:
            total += weight * np.interp(table[metric], xs, ps)
        totals = np.floor(total * factor + 0.5) / factor
        return totals, np.searchsorted(edges, totals, side="right")

    return score


def check_exact(card: Scorecard, table: dict[str, np.ndarray], sample: int) -> dict[str, Any]:
    """``evaluate_many`` equals ``evaluate`` on near-tie rows and a sample; numpy's misses."""
    batch = card.evaluate_many(table)
    totals, _ = numpy_scores(card)(table)
    n = len(batch)
    scaled = batch.unrounded_totals * 10.0**card.precision
    near = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    rows = np.union1d(near[:20_000], np.linspace(0, n - 1, min(sample, n)).astype(int))
    numpy_wrong = 0
    for row in rows.tolist():
        one = card.evaluate({k: float(v[row]) for k, v in table.items()})
        if one.total != batch.totals[row] or one.grade.key != batch.grades[row]:
            raise SystemExit(
                f"row {row}: evaluate_many gives {batch.totals[row]} {batch.grades[row]}, "
                f"evaluate gives {one.total} {one.grade.key}"
            )
        numpy_wrong += int(one.total != totals[row])
    return {"checked": len(rows), "near_ties": len(near), "numpy_wrong": numpy_wrong}


def best_of(repeat: int, *functions: Callable[[], Any]) -> list[float]:
    """The best time of each function, the functions run alternately ``repeat`` times."""
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for i, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def _memory_case(n: int, kind: str, which: str) -> dict[str, float]:
    """Run in a subprocess: the peak traced memory of one scoring over the input's size."""
    import tracemalloc

    card = customer_service_manager()
    table = population(n, kind)
    card.evaluate_many({k: v[:10] for k, v in table.items()})  # build the kernel first
    score = numpy_scores(card)
    size = sum(v.nbytes for v in table.values())
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = card.evaluate_many(table) if which == "csperf" else score(table)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return {"peak": peak / size}


def memory(n: int, kind: str, which: str) -> float:
    """The peak memory of one case over the input's size, measured in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-case", f"{n},{kind},{which}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak"])


FRAME_KINDS = ("dict", "pandas", "polars", "arrow")
OUTS = ("to_pandas", "to_arrow", "to_polars")


def frame_of(kind: str, table: dict[str, np.ndarray], subjects: list[str]) -> Any:
    """The population as a table of one kind, with a subject column (None if not installed)."""
    try:
        if kind == "dict":
            return {"subject": np.array(subjects, dtype=object), **table}
        if kind == "pandas":
            import pandas as pd

            return pd.DataFrame({"subject": subjects, **table})
        if kind == "polars":
            import polars as pl

            return pl.DataFrame({"subject": subjects, **table})
        import pyarrow as pa

        return pa.table({"subject": subjects, **table})
    except ImportError:
        return None


def frames(card: Scorecard, table: dict[str, np.ndarray], repeat: int) -> dict[str, Any]:
    """Tables in (against the dict of arrays without subjects) and out (against the scoring).

    For each kind of table (a dict of numpy arrays with an object array of subjects, pandas,
    Polars, Arrow; each with a subject column of strings): ``evaluate_many(table)`` over
    ``evaluate_many(dict of arrays)``, and each of ``to_pandas``, ``to_arrow`` and
    ``to_polars`` over the scoring of that table (target: under 0.2 at 1M).
    """
    n = len(next(iter(table.values())))
    subjects = [f"e{i:07d}" for i in range(n)]
    found: dict[str, Any] = {}
    for kind in FRAME_KINDS:
        frame = frame_of(kind, table, subjects)
        if frame is None:
            continue
        base, scoring = best_of(
            repeat, partial(card.evaluate_many, table), partial(card.evaluate_many, frame)
        )
        batch = card.evaluate_many(frame)
        row: dict[str, float] = {"in": scoring / base}
        for out in OUTS:
            try:
                (elapsed,) = best_of(repeat, getattr(batch, out))
            except ImportError:
                continue
            row[out] = elapsed / scoring
        found[kind] = row
    return found


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None)
    parser.add_argument("--quick", action="store_true", help="10k and 100k, 3 repeats")
    parser.add_argument("--repeat", type=int, default=None, help="timings kept: best of N")
    parser.add_argument("--sample", type=int, default=2_000, help="rows checked and looped")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--memory-case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_case:
        n, kind, which = args.memory_case.split(",")
        print(json.dumps(_memory_case(int(n), kind, which)))
        return {}
    sizes = args.sizes or (QUICK if args.quick else SIZES)
    repeat = args.repeat or (3 if args.quick else 5)
    card = customer_service_manager()
    score = numpy_scores(card)
    results: dict[str, Any] = {}
    header = (
        f"{'subjects':>10} {'data':>10} {'csperf ms':>10} {'numpy ms':>9} {'ratio':>6} "
        f"{'µs/subj':>8} {'vs 100k':>8} {'mem×in':>7} {'np mem×in':>9} {'ties':>6} "
        f"{'np wrong':>8}"
    )
    print(header)
    for kind in DATA:
        per_subject_100k = None
        for n in sizes:
            table = population(n, kind)
            exact = check_exact(card, table, args.sample)
            ours, theirs = best_of(
                repeat,
                lambda table=table: card.evaluate_many(table),  # type: ignore[misc]
                lambda table=table: score(table),  # type: ignore[misc]
            )
            per_subject = ours / n * 1e6
            if n == 100_000:
                per_subject_100k = per_subject
            scaling = per_subject / per_subject_100k if per_subject_100k else float("nan")
            mem = np_mem = float("nan")
            if not args.no_memory:
                mem, np_mem = memory(n, kind, "csperf"), memory(n, kind, "numpy")
            row = {
                "csperf_s": ours,
                "numpy_s": theirs,
                "ratio": ours / theirs,
                "us_per_subject": per_subject,
                "vs_100k": scaling,
                "memory": mem,
                "numpy_memory": np_mem,
                **exact,
            }
            results[f"{kind}/{n}"] = row
            print(
                f"{n:>10,} {kind:>10} {ours * 1e3:>10.1f} {theirs * 1e3:>9.1f} "
                f"{ours / theirs:>6.2f} {per_subject:>8.3f} {scaling:>8.2f} {mem:>7.2f} "
                f"{np_mem:>9.2f} {exact['near_ties']:>6} {exact['numpy_wrong']:>8}"
            )
            del table
    n = min(sizes[-1], 100_000)
    table = population(n, "rounded")
    rows = [{k: float(v[i]) for k, v in table.items()} for i in range(min(args.sample, n))]
    loop, batch = best_of(
        max(1, repeat // 2),
        lambda: [card.evaluate(r) for r in rows],
        lambda: card.evaluate_many(table),
    )
    results["evaluate_loop"] = {
        "us_per_subject": loop / len(rows) * 1e6,
        "speedup": (loop / len(rows)) / (batch / n),
    }
    print(
        f"\nevaluate loop: {loop / len(rows) * 1e6:.1f} µs/subject, evaluate_many "
        f"{batch / n * 1e6:.3f} µs/subject ({results['evaluate_loop']['speedup']:,.0f}× faster)"
    )
    n = min(sizes[-1], 1_000_000)
    found = frames(card, population(n, "rounded"), repeat)
    results["frames"] = found
    print(f"\ntables at {n:,} (rounded data; in: over the dict of arrays, out: over the scoring)")
    print(f"{'table':>8} {'in':>6} " + " ".join(f"{out:>10}" for out in OUTS))
    for kind, row in found.items():
        cells = " ".join(f"{row[out]:>10.2f}" if out in row else f"{'-':>10}" for out in OUTS)
        print(f"{kind:>8} {row['in']:>6.2f} {cells}")
    return results


if __name__ == "__main__":
    main()
