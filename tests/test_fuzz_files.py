"""A fuzz harness for scorecard and measurement files (issue 11), bounded so that CI runs it.

Hypothesis drives two kinds of input, seeded from the corpus folders (``tests/data/config``:
the malformed files and the valid ones, in TOML, YAML and JSON):

- raw text: a corpus file with characters deleted, inserted or replaced (brackets, quotes,
  YAML tags and anchors, huge numbers, control characters, surrogates...);
- structured documents: a valid card with one value, anywhere in it, replaced by a generated
  value (nested lists and tables, huge or tiny numbers, odd text), written in each format.

The rule under test: every input either loads or raises a ``CsperfError``; nothing else
escapes. The CLI runs every corpus file and asserts one line and no traceback.

The fuzz tests are derandomized, so that CI checks the same inputs on every run and never
turns red by chance. To explore further, set ``CSPERF_FUZZ_EXPLORE=1`` and give seeds, e.g.
``CSPERF_FUZZ_EXPLORE=1 HYPOTHESIS_PROFILE=ci pytest tests/test_fuzz_files.py
--hypothesis-seed=7``, and add what they find to the corpus and to ``test_hostile_input.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf import CsperfError, get_plugin_manager
from csperf.config import load_scorecard, loads_scorecard
from strategies import examples
from support import ROOT

CORPUS = ROOT / "tests" / "data" / "config"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".toml", ".yaml", ".json"})
VALID = sorted((CORPUS / "valid").iterdir())
FORMAT = {".toml": "toml", ".yaml": "yaml", ".json": "json"}
PM = get_plugin_manager(entry_points=False)
DERANDOMIZE = not os.environ.get("CSPERF_FUZZ_EXPLORE")
#: The settings of every fuzz test: 300 inputs under the CI profile, the same ones each run.
FUZZ = settings(
    max_examples=examples(300),
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Pieces that break parsers and models: syntax, YAML tags and aliases, extreme numbers,
#: control characters, a lone surrogate, a byte-order mark.
PIECES = [
    *"[]{}\"'=:,.-_ \n\t#&*!|>0123456789eE+x",
    "!!int ",
    "!!float ",
    "!!timestamp ",
    "!!python/object:os.system ",
    "&a ",
    "*a",
    "<<: ",
    "inf",
    "nan",
    "1e999999",
    "1e-999999",
    "9" * 400,
    "\x00",
    "\x1b[31m",
    "\ud800",
    "\ufeff",
    "\u202e",
]


def _loads(text: str, fmt: str) -> None:
    with contextlib.suppress(CsperfError):
        loads_scorecard(text, fmt, plugins=PM)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A corpus file's text with a few characters deleted, inserted or replaced."""
    path = draw(st.sampled_from(FILES))
    text = list(path.read_text(encoding="utf-8", errors="surrogateescape"))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(text) - 1)))
        op = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if op == "delete":
            del text[at : at + draw(st.integers(1, 8))]
        elif op == "insert":
            text.insert(at, piece)
        elif text:
            text[at] = piece
    return "".join(text), FORMAT[path.suffix]


@FUZZ
@given(mutated())
def test_raw_text_loads_or_is_a_csperf_error(case):
    text, fmt = case
    _loads(text, fmt)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("1e-999999"), Decimal("1e999999"), Decimal("-0"), 10**400]),
    st.text(max_size=20),
    st.sampled_from(["", "=1+1", "\x1b[31m", "-inf", "2024-13-45", "欠佳"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, item in data.items():
            found += _paths(item, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found += _paths(item, (*path, i))
    return found


BASE = json.loads((CORPUS / "valid" / "mini.json").read_text(encoding="utf-8"))
PATHS = _paths(BASE)[1:]


def _replaced(path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(BASE))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _written(doc: Any, fmt: str) -> str | None:
    """The document in ``fmt``, or None when the format cannot hold it (TOML has no null)."""
    import yaml

    try:
        if fmt == "json":
            return json.dumps(doc, default=str)
        if fmt == "yaml":
            return yaml.safe_dump(doc, allow_unicode=True)
        return tomli_w.dumps(doc)
    except (TypeError, ValueError, yaml.YAMLError):
        return None


@FUZZ
@given(st.sampled_from(PATHS), values, st.sampled_from(["toml", "yaml", "json"]))
def test_a_card_with_any_value_anywhere_loads_or_is_a_csperf_error(path, value, fmt):
    text = _written(_replaced(path, value), fmt)
    if text is not None:
        _loads(text, fmt)


def test_the_valid_corpus_loads():
    for path in VALID:
        load_scorecard(path, plugins=PM)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_cli_prints_one_line_and_no_traceback_for_every_corpus_file(path: Path):
    from click.testing import CliRunner

    from csperf.cli import EXIT_USAGE, cli

    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert "Traceback" not in result.output
    if path.parent.name == "valid":
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.output.startswith("csperf: error: ") and result.output.count("\n") == 1


MEASUREMENTS = {
    ".csv": "subject,team,nps,customer_satisfaction,sample_size.nps,flags.nps\n"
    "ann,A,10,0.92,3,\nbob,B,-20,0.81,5,small_sample\n",
    ".json": json.dumps(
        {
            "format": "csperf.measurements",
            "version": 1,
            "period": None,
            "level": "agent",
            "metrics": ["nps"],
            "rows": [{"subject": "ann", "nps": 10.0, "sample_size.nps": 3, "flags.nps": []}],
        }
    ),
}


@st.composite
def mutated_measurements(draw: st.DrawFn) -> tuple[str, str]:
    """A measurements file's text with a few characters deleted, inserted or replaced."""
    suffix = draw(st.sampled_from(sorted(MEASUREMENTS)))
    text = list(MEASUREMENTS[suffix])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text) - 1))
        piece = draw(st.sampled_from([*PIECES, "²", "1_000", "true", "[]", "{}", "١"]))
        if draw(st.booleans()):
            text.insert(at, piece)
        else:
            del text[at : at + draw(st.integers(1, 8))]
    return "".join(text), suffix


@FUZZ
@given(mutated_measurements())
def test_a_measurements_file_reads_or_is_a_csperf_error(case):
    import tempfile

    from csperf.sources import Measurements

    text, suffix = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"m{suffix}"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        with contextlib.suppress(CsperfError):
            Measurements.read(path)
