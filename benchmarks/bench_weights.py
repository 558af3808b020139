"""Objective and AHP weights: csperf against pymcdm, the baseline measured in the same run.

Usage: ``python benchmarks/bench_weights.py [--rows N] [--columns K] [--repeat R]``. Times
``entropy`` (the ``"share"`` normalisation, pymcdm's variant) and ``critic`` on a random
subjects × indicators array (100,000 × 8 by default) given as a bare 2-D array with
``columns=`` and as a mapping of columns, and ``ahp`` on a random reciprocal 8 × 8 matrix,
each against pymcdm's ``entropy_weights``, ``critic_weights`` and ``AHP``. Prints each time
(the best of ``--repeat`` runs) with its ratio to pymcdm (above 1: csperf is faster) and checks
that the weights agree, so a fast wrong answer cannot pass unnoticed.

Needs pymcdm (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from pymcdm.weights import critic_weights, entropy_weights
from pymcdm.weights.subjective import AHP

from csperf.weights import ahp, critic, entropy


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def report(label: str, base: float, took: float, ours: Any, theirs: Any) -> None:
    same = np.allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-9, atol=1e-12)
    print(
        f"{label:<28}: csperf {took * 1000:9.2f} ms  pymcdm {base * 1000:9.2f} ms  "
        f"{base / took:6.2f}× pymcdm  same values: {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    matrix = rng.uniform(1.0, 100.0, size=(args.rows, args.columns))
    names = [f"k{j}" for j in range(args.columns)]
    table = {k: matrix[:, j] for j, k in enumerate(names)}
    print(f"{args.rows:,} subjects × {args.columns} indicators; best of {args.repeat}")

    base, theirs = best(lambda: entropy_weights(matrix), args.repeat)
    for label, run in (
        (
            "entropy, array + columns=",
            lambda: entropy(matrix, "higher_is_better", columns=names, normalization="share"),
        ),
        ("entropy, mapping", lambda: entropy(table, "higher_is_better", normalization="share")),
    ):
        took, result = best(run, args.repeat)
        report(label, base, took, [result.weights[k] for k in names], theirs)

    base, theirs = best(lambda: critic_weights(matrix), args.repeat)
    for label, run in (
        ("critic, array + columns=", lambda: critic(matrix, "higher_is_better", columns=names)),
        ("critic, mapping", lambda: critic(table, "higher_is_better")),
    ):
        took, result = best(run, args.repeat)
        report(label, base, took, [result.weights[k] for k in names], theirs)

    # AHP on a random reciprocal matrix of Saaty-scale judgements (consistency not required)
    n = args.columns
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    judgements = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            judgements[i, j] = scale[int(rng.integers(len(scale)))]
            judgements[j, i] = 1 / judgements[i, j]
    keys = [f"k{j}" for j in range(n)]
    repeat = args.repeat * 20
    base, theirs = best(lambda: AHP(matrix=judgements)(), repeat)
    took, result = best(lambda: ahp(judgements.tolist(), keys, max_cr=None), repeat)
    # both give the principal eigenvector of the matrix; scale pymcdm's to sum to 1
    ours = np.array([result.weights[k] for k in keys])
    theirs = np.asarray(theirs) / np.sum(theirs)
    report(f"ahp, {n} × {n} matrix", base, took, ours, theirs)


if __name__ == "__main__":
    main()
