"""The coverage-guided fuzzer (atheris) over scorecard files, in a bounded, repeatable run.

``tests/fuzz/atheris_files.py`` runs in a subprocess over a copy of the corpus
(``tests/data/config``, each file prefixed with the byte that picks its format), for a fixed
number of inputs with a fixed seed and hash seed, so that CI checks the same inputs on every
run (about 15 s). A crash (any exception but a ``CsperfError``), an input taking more than
``TIMEOUT`` seconds or the run exceeding ``RSS_LIMIT_MB`` fails the test with libFuzzer's report;
add the input it saved to the corpus and a test to ``test_hostile_input.py``. To explore
further, run the script by hand with another ``-seed`` and more ``-runs``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support import ROOT

pytest.importorskip("atheris")

SCRIPT = ROOT / "tests" / "fuzz" / "atheris_files.py"
CORPUS = ROOT / "tests" / "data" / "config"
PREFIX = {".toml": b"\x00", ".yaml": b"\x01", ".json": b"\x02"}
RUNS = 1_000
#: Seconds one input may take (libFuzzer's ``-timeout``) and memory the run may use: an input
#: beyond either (a denial of service) is a failure too.
TIMEOUT = 20
RSS_LIMIT_MB = 2048


def test_atheris_finds_no_crash_in_scorecard_files(tmp_path):
    seeds = tmp_path / "corpus"
    seeds.mkdir()
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in PREFIX)
    assert len(files) > 30
    for i, path in enumerate(files):
        (seeds / f"seed{i:03d}").write_bytes(PREFIX[path.suffix] + path.read_bytes())
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(seeds),
            f"-runs={RUNS}",
            "-seed=1",
            "-max_len=4096",
            f"-timeout={TIMEOUT}",
            f"-rss_limit_mb={RSS_LIMIT_MB}",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = run.stderr[-4000:]
    assert run.returncode == 0, report
    assert f"Done {RUNS} runs" in run.stderr, report
    assert not [*tmp_path.glob("crash-*"), *tmp_path.glob("timeout-*")], report
