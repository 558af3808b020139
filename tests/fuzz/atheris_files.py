"""A coverage-guided fuzzer (atheris, libFuzzer) for scorecard files, run bounded by CI.

Run by ``tests/test_fuzz_atheris.py`` in a subprocess::

    python tests/fuzz/atheris_files.py CORPUS_DIR -runs=3000 -seed=1

Each input is the text of a scorecard file: its first byte picks the format (TOML, YAML,
JSON), the rest is decoded as UTF-8 (with surrogate escapes, so any bytes reach the parser).
The rule under test is the harness's of ``tests/test_fuzz_files.py``: the input loads or
raises a ``CsperfError``; any other exception is a crash, which libFuzzer reports with the
input that caused it (saved as ``crash-*`` in the working directory).
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports(include=["csperf"]):
    from csperf import CsperfError, get_plugin_manager
    from csperf.config import loads_scorecard

FORMATS = ("toml", "yaml", "json")
PM = get_plugin_manager(entry_points=False)  # made once: the built-in rules and templates


def one_input(data: bytes) -> None:
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    text = data[1:].decode("utf-8", "surrogateescape")
    with contextlib.suppress(CsperfError):
        loads_scorecard(text, fmt, plugins=PM)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
