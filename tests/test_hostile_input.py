"""Hostile and broken input (issue 11): every failure a clear csperf error, in bounded time.

Each test reproduces one class of defect found by probing: the input either works or raises a
:class:`~csperf.CsperfError` naming where the fault is, never a raw exception.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import time
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csperf import (
    ConfigError,
    CsperfError,
    Dimension,
    Direction,
    Indicator,
    MeasurementError,
    PluginError,
    ScoringRule,
    ValidationError,
    get_plugin_manager,
    hookimpl,
)
from csperf._cells import MAX_NUMBER_LENGTH, parse_number
from csperf._escape import (
    FORMULA_STARTS,
    printable,
    spreadsheet_text,
    unquote_spreadsheet_text,
    xml_text,
)
from csperf._files import MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, MAX_VALUES, Problem, parse
from csperf._io import STALE_AFTER, atomic_write, atomic_write_text
from csperf._periods import parse_period
from csperf.config import load_scorecard, loads_scorecard
from csperf.errors import WriteError
from csperf.metrics import MetricValue
from csperf.metrics._ibis import check_statistic
from csperf.report import Report, render_csv, render_html, render_markdown, write_report
from csperf.sources import CsvSource, Measurements
from csperf.sources._schema import check_identifier, check_text_options
from csperf.templates import customer_service_manager
from support import LI_WEI, ROOT

MINI = ROOT / "tests" / "data" / "config" / "valid" / "mini.toml"

# -- regex anchors: ``$`` matches before a final newline ----------------------------------------


@pytest.mark.parametrize("name", ["tickets\n", "tickets\r\n", "tick\nets", "ticketś"])
def test_an_identifier_with_a_line_break_or_other_letters_is_refused(name):
    with pytest.raises(ValidationError, match="must be an SQL identifier"):
        check_identifier(name, obj="IbisSource", field="tables")


def test_a_plain_identifier_is_accepted():
    assert check_identifier("tickets_2026", obj="IbisSource", field="tables") == "tickets_2026"
    assert check_identifier("crm.tickets", obj="s", field="t", dotted=True) == "crm.tickets"


@pytest.mark.parametrize("name", ["p90\n", "p９0", "p٩٠", " p90"])
def test_a_statistic_with_a_line_break_or_other_digits_is_refused(name):
    with pytest.raises(ValidationError, match="option 'statistic'"):
        check_statistic("first_response_time", name)


def test_a_percentile_statistic_is_read():
    assert check_statistic("first_response_time", "p90") == 90.0
    assert check_statistic("first_response_time", "p99.5") == 99.5


@pytest.mark.parametrize("text", ["٢٠٢٦", "٢٠٢٦-Q3", "2026-٠٧"])
def test_a_period_in_other_digits_is_refused(text):
    with pytest.raises(ValidationError, match="cannot read"):
        parse_period(text, tz="UTC")


def test_a_period_in_full_width_characters_is_the_period():
    assert parse_period("２０２６-Ｑ３", tz="UTC") == parse_period("2026-Q3", tz="UTC")


def test_a_period_with_a_trailing_line_break_is_the_period():
    assert parse_period("2026-Q3\n", tz="UTC") == parse_period("2026-Q3", tz="UTC")


# -- numbers in cells --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["²", "1²", "①", "⑴", "1_000", "1" * (MAX_NUMBER_LENGTH + 1)])
def test_compatibility_digits_underscores_and_endless_digits_are_not_numbers(text):
    assert parse_number(text) is None


def test_full_width_digits_and_long_enough_numbers_are_numbers():
    assert parse_number("９０") == 90
    assert parse_number("1" * MAX_NUMBER_LENGTH) == int("1" * MAX_NUMBER_LENGTH)


def _measurements_csv(tmp_path: Path, row: str, header: str = "subject,nps") -> Path:
    path = tmp_path / "m.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cell", ["²", "1_000", "٣", "1" * 5000, "1e999"])
def test_a_measurement_cell_that_is_no_number_is_refused_with_its_line(tmp_path, cell):
    path = _measurements_csv(tmp_path, f"ann,{cell}")
    with pytest.raises(MeasurementError) as info:
        Measurements.read(path)
    assert info.value.line == 2
    assert info.value.subject == "ann"


@pytest.mark.parametrize("cell", ["²", "1_000", "1.5", "-1", "1" * 5000])
def test_a_sample_size_that_is_no_whole_number_is_refused(tmp_path, cell):
    path = _measurements_csv(tmp_path, f"ann,10,{cell}", header="subject,nps,sample_size.nps")
    with pytest.raises(MeasurementError, match="whole number") as info:
        Measurements.read(path)
    assert info.value.subject == "ann"


def test_a_full_width_sample_size_is_read(tmp_path):
    path = _measurements_csv(tmp_path, "ann,10,１２", header="subject,nps,sample_size.nps")
    assert Measurements.read(path).sample_size("ann", "nps") == 12


def _measurements_json(tmp_path: Path, **changes: object) -> Path:
    doc: dict[str, object] = {
        "format": "csperf.measurements",
        "version": 1,
        "metrics": ["nps"],
        "rows": [{"subject": "ann", "nps": 10.0}],
    }
    doc.update(changes)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_measurements_json_layout_is_what_the_tests_below_change(tmp_path):
    assert Measurements.read(_measurements_json(tmp_path)).value("ann", "nps").value == 10.0


@pytest.mark.parametrize(
    "changes",
    [
        {"version": True},
        {"version": 1.0},
        {"version": "1"},
        {"metrics": [["nps"]]},
        {"metrics": [{"a": 1}]},
        {"period": "2026-Q3"},
        {"period": [1, 2]},
        {"level": ["agent"]},
        {"source": {"x": 1}},
        {"rejected": [1]},
        {"attributes": "x"},
        {"rows": [["ann", 10]]},
        {"rows": [{"subject": ["ann"], "nps": 1}]},
        {"rows": [{"subject": "ann", "nps": "10"}]},
        {"rows": [{"subject": "ann", "nps": 10, "flags.nps": "no_data"}]},
        {"rows": [{"subject": "ann", "nps": 10, "sample_size.nps": True}]},
        {"rows": [{"subject": "ann", "nps": 10**400}]},
    ],
)
def test_a_measurements_json_file_of_the_wrong_shape_is_refused(tmp_path, changes):
    path = _measurements_json(tmp_path, **changes)
    with pytest.raises(CsperfError) as info:
        Measurements.read(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize("text", ['{"a": 1e999}', "[" * 100_000 + "]" * 100_000])
def test_a_measurements_json_file_beyond_bounds_is_refused(tmp_path, text):
    path = tmp_path / "m.json"
    if text.startswith("{"):
        path.write_text(
            json.dumps(
                {
                    "format": "csperf.measurements",
                    "version": 1,
                    "metrics": ["nps"],
                    "rows": [{"subject": "ann", "nps": "@"}],
                }
            ).replace('"@"', "1e999"),
            encoding="utf-8",
        )
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CsperfError):
        Measurements.read(path)


# -- scorecard files beyond bounds -------------------------------------------------------------


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_before_it_expands():
    # 9 levels of 9 aliases: 387 million values from 400 bytes
    with pytest.raises(Problem, match=f"more than {MAX_VALUES:,} values"):
        parse(_alias_bomb(), "yaml")


def test_aliases_within_the_bound_are_read():
    data, _ = parse(_alias_bomb(levels=2), "yaml")
    assert len(data["a2"]) == 9 and data["a2"][0][0] == ["x"] * 9


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("a: " + "[" * 5000 + "]" * 5000, "yaml"),
        ("a = " + "[" * 5000 + "]" * 5000, "toml"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "json"),
        ('{"a": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}", "json"),
        ("a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "toml"),
    ],
)
def test_deep_nesting_is_refused(text, fmt):
    with pytest.raises(Problem, match="nest"):
        parse(text, fmt)


def _number_doc(fmt: str, number: str) -> str:
    return {"toml": f"a = {number}", "yaml": f"a: {number}", "json": f'{{"a": {number}}}'}[fmt]


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_integers_of_too_many_digits_are_refused(fmt):
    with pytest.raises(Problem, match=f"more than {MAX_DIGITS:,} digits"):
        parse(_number_doc(fmt, "1" * (MAX_DIGITS + 1)), fmt)


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_decimals_of_too_many_digits_are_refused(fmt):
    with pytest.raises(Problem, match=f"more than {MAX_DIGITS:,} digits"):
        parse(_number_doc(fmt, "0." + "1" * (MAX_DIGITS + 1)), fmt)


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
@pytest.mark.parametrize(
    "number", ["1e-9999999", "1e-99999999", "1e+9999999", f"1e+{MAX_EXPONENT + 1}", "1e-401"]
)
def test_numbers_far_beyond_a_floats_range_are_refused_at_once(fmt, number):
    if fmt == "yaml":  # YAML 1.1 floats need a point
        number = number.replace("1e", "1.0e")
    with pytest.raises(Problem, match="out of range") as info:
        parse(_number_doc(fmt, number), fmt)
    assert info.value.path == ("a",)


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_numbers_within_range_are_read_exactly(fmt):
    for number in ("1.0e-300", "0.1", "2.2250738585072014e-313", "1.0e+309", "0.0e-9999999"):
        data, _ = parse(_number_doc(fmt, number), fmt)
        assert data["a"] == Decimal(number)


@pytest.mark.parametrize(
    ("scalar", "tag"),
    [
        ("!!float x", "float"),
        ("!!int x", "int"),
        ("!!bool maybe", "bool"),
        ("!!timestamp notatime", "timestamp"),
        ("!!timestamp 2024-13-45", "timestamp"),
        ("2024-13-45", "timestamp"),
        ("!!int", "int"),
        ("!!float", "float"),
        ("!!bool", "bool"),
        ("!!timestamp", "timestamp"),
    ],
)
def test_a_yaml_scalar_its_tag_cannot_read_is_refused_with_its_line(scalar, tag):
    with pytest.raises(Problem, match=f"as a YAML {tag}") as info:
        parse(f"key: x\nversion: {scalar}\n", "yaml")
    assert info.value.path == ("version",) and info.value.line == 2


def test_a_yaml_key_its_tag_cannot_read_is_refused():
    with pytest.raises(Problem, match="as a YAML float") as info:
        parse("title: {zh: 甲, !!float n: b}\n", "yaml")
    assert info.value.path == ("title",)


def test_a_scorecard_file_beyond_bounds_is_a_config_error_with_its_path(tmp_path):
    path = tmp_path / "card.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    with pytest.raises(ConfigError, match="values") as info:
        load_scorecard(path)
    assert info.value.path == str(path)
    path = tmp_path / "card.toml"
    path.write_text(
        MINI.read_text(encoding="utf-8").replace("csat = 60", "csat = 1e-9999999"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="out of range") as info:
        load_scorecard(path)
    assert info.value.field == ("weighting", "indicators", "quality", "csat")


# -- CSV reader options ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["no-such-codec", "base64", "rot13", ""])
def test_an_unknown_or_non_text_encoding_is_refused(encoding):
    with pytest.raises(ConfigError, match="unknown text encoding"):
        check_text_options(encoding, None, obj="CsvSource")


@pytest.mark.parametrize("delimiter", [";;", "", '"', "\n", "\r", " "])
def test_a_delimiter_that_is_not_one_plain_character_is_refused(delimiter):
    with pytest.raises(ConfigError, match="delimiter"):
        check_text_options(None, delimiter, obj="CsvSource")


@pytest.mark.parametrize("option", [{"encoding": "base64"}, {"delimiter": ";;"}])
def test_the_csv_source_refuses_bad_options_when_built(tmp_path, option):
    (tmp_path / "tickets.csv").write_text("id,agent\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        CsvSource(tmp_path, **option)  # type: ignore[arg-type]
    assert info.value.field == (next(iter(option)),)


def test_utf16_without_a_byte_order_mark_is_a_config_error(tmp_path):
    from csperf.sources._csv import read_csv_rows

    path = tmp_path / "tickets.csv"
    path.write_bytes("id,agent\n1,ann\n".encode("utf-16-le"))
    with pytest.raises(ConfigError) as info:
        read_csv_rows(path, "tickets", encoding="utf-16")
    assert info.value.path == str(path)


@pytest.mark.parametrize("option", [{"encoding": "base64"}, {"delimiter": ";;"}])
def test_measurements_refuse_bad_reader_options(tmp_path, option):
    path = _measurements_csv(tmp_path, "ann,10")
    with pytest.raises(ConfigError):
        Measurements.read(path, **option)  # type: ignore[arg-type]


# -- text written where it could act: spreadsheets, Markdown, XML, terminals --------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+86 10 1234",
    "-1+2",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
    "'=already quoted",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "**bold** `code` | pipe",
    "\x1b]0;retitled\x07\x1b[31mred\x1b[0m",
    "bidi \u202eevil\u202c",
    "bell\x07 and del\x7f",
    "C1 \x9b31m",
]


@given(st.text())
def test_spreadsheet_text_is_never_a_formula_and_reads_back_exactly(text):
    written = spreadsheet_text(text)
    assert not written.startswith(FORMULA_STARTS)
    assert unquote_spreadsheet_text(written) == text


@given(st.text())
def test_printable_text_holds_no_control_character(text):
    shown = printable(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in shown)
    assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert printable(shown) == shown


@given(st.text())
def test_xml_text_holds_only_what_xml_allows(text):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    shown = xml_text(text)
    assert ILLEGAL_CHARACTERS_RE.search(shown) is None
    assert not any(unicodedata.category(c) == "Cs" or c in "\ufffe\uffff" for c in shown)


def _hostile_report() -> Report:
    card = customer_service_manager()
    return Report(card, [card.evaluate(LI_WEI, name) for name in HOSTILE])


def test_the_csv_report_runs_no_formula_and_keeps_every_subject():
    rows = list(csv.reader(io.StringIO(render_csv(_hostile_report()), newline="")))
    subjects = [row[0] for row in rows[1:]]
    assert not any(s.startswith(FORMULA_STARTS) for row in rows for s in row if s[:1] in "=+@")
    assert not any(s.startswith(FORMULA_STARTS) for s in subjects)
    assert [unquote_spreadsheet_text(s) for s in subjects] == HOSTILE


def test_the_markdown_report_shows_markup_as_text():
    text = render_markdown(_hostile_report())
    assert not any(c in text for c in "\x1b\x07\x9b\x7f\r")
    # outside the fenced blocks of explanations (which show their text as it is)
    prose = "".join(re.split(r"^```+text$.*?^```+$", text, flags=re.M | re.S))
    assert "<script" in text and "<script" not in prose
    for raw in ("<img", "](javascript:", "](http://evil"):
        assert raw not in prose
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "[click]\\(javascript:alert(1))" in text


def test_the_html_report_shows_markup_as_text():
    text = render_html(_hostile_report())
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_excel_report_with_control_characters_is_written_and_reopens(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "report.xlsx"
    write_report(_hostile_report(), path, "xlsx")
    book = openpyxl.load_workbook(path)
    names = [row[0].value for row in book.worksheets[0].iter_rows(min_row=5, max_col=1)]
    assert xml_text("\x1b]0;retitled\x07\x1b[31mred\x1b[0m") in names
    assert "␛]0;retitled␇␛[31mred␛[0m" in names
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    formula_like = [c for c in cells if c.value == HOSTILE[0]]
    assert formula_like and all(c.data_type == "s" and c.quotePrefix for c in formula_like)


def test_a_surrogate_in_a_subject_does_not_spoil_a_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    card = customer_service_manager()
    report = Report(card, [card.evaluate(LI_WEI, "a\ufffeb")])
    path = tmp_path / "report.xlsx"
    write_report(report, path, "xlsx")
    names = [c.value for row in openpyxl.load_workbook(path).worksheets[0].iter_rows() for c in row]
    assert "a\ufffdb" in names


def test_measurement_files_keep_formula_like_names_text_and_read_them_back(tmp_path):
    values = {"nps": MetricValue(10.0, 3)}
    m = Measurements(
        metrics=["nps"],
        values={name: values for name in HOSTILE if "\r" not in name},
        attributes={name: {"team": "=1+1"} for name in HOSTILE if "\r" not in name},
    )
    path = m.write(tmp_path / "m.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    back = Measurements.read(path)
    assert back.subjects == m.subjects
    assert all(back.attribute(s, "team") == "=1+1" for s in back.subjects)


def test_the_cli_prints_no_control_character_from_a_card(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    card = tmp_path / "card.toml"
    text = MINI.read_text(encoding="utf-8").replace(
        'title = { zh = "迷你考核表", en = "Mini card" }',
        'title = "\\u001b]0;pwned\\u0007\\u001b[31mred\\u202e"',
    )
    assert text != MINI.read_text(encoding="utf-8")
    card.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(card)])
    assert result.exit_code == 0, result.output
    assert "␛]0;pwned␇␛[31mred" in result.output
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in result.output)


def test_a_cli_error_prints_no_control_character(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    card = tmp_path / "card.toml"
    card.write_text('key = "\x1b[31m\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(card)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in result.output)


# -- writing files: the system's refusals, modes, nothing partial -------------------------------


def _no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_writing_into_a_missing_directory_is_a_write_error(tmp_path):
    target = tmp_path / "nowhere" / "report.csv"
    with pytest.raises(WriteError, match="does not exist") as info:
        atomic_write_text(target, "x")
    assert info.value.path == str(target) and info.value.errno == errno.ENOENT
    assert isinstance(info.value, OSError) and isinstance(info.value, ConfigError)


def test_writing_over_a_directory_is_a_write_error_and_leaves_it(tmp_path):
    target = tmp_path / "report.csv"
    target.mkdir()
    with pytest.raises(WriteError, match="directory"):
        atomic_write_text(target, "x")
    assert target.is_dir() and _no_temporaries(tmp_path)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EACCES, errno.EROFS])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, code):
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")

    def write(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(code, os.strerror(code))

    with pytest.raises(WriteError, match=os.strerror(code)) as info:
        atomic_write(target, write)
    assert info.value.errno == code
    assert target.read_text(encoding="utf-8") == "old" and _no_temporaries(tmp_path)


def test_a_csperf_error_while_writing_passes_through(tmp_path):
    def write(tmp: Path) -> None:
        raise ConfigError("cannot render")

    with pytest.raises(ConfigError, match="cannot render") as info:
        atomic_write(tmp_path / "x.csv", write)
    assert not isinstance(info.value, WriteError) and _no_temporaries(tmp_path)


def test_a_new_file_gets_the_umask_mode_and_a_replaced_file_keeps_its_own(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = atomic_write_text(tmp_path / "new.csv", "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("x", encoding="utf-8")
        os.chmod(kept, 0o640)
        atomic_write_text(kept, "y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        assert kept.read_text(encoding="utf-8") == "y"
    finally:
        os.umask(old)


def test_the_cli_reports_an_unwritable_output_in_one_line(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    metrics = [ind.metric for ind in customer_service_manager().indicators]
    values = ",".join(str(LI_WEI[m]) for m in metrics)
    path = _measurements_csv(tmp_path, f"ann,{values}", header=",".join(["subject", *metrics]))
    target = tmp_path / "missing" / "out.csv"
    card = ROOT / "src" / "csperf" / "templates" / "customer-service-manager.toml"
    result = CliRunner().invoke(
        cli, ["score", str(card), "--measurements", str(path), "-o", str(target)]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("csperf: error")]
    assert len(lines) == 1 and "does not exist" in lines[0] and str(target) in lines[0]


def test_weights_refuse_to_write_over_their_input_card(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    card = tmp_path / "card.toml"
    text = MINI.read_text(encoding="utf-8") + "# a comment the card's author wants kept\n"
    card.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["weights", "equal", "--card", str(card), "--write", str(card)]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "refusing to overwrite the input file" in result.output
    assert card.read_text(encoding="utf-8") == text
    other = tmp_path / "weighted.toml"
    result = CliRunner().invoke(
        cli, ["weights", "equal", "--card", str(card), "--write", str(other)]
    )
    assert result.exit_code == 0, result.output
    assert other.is_file()


# -- plugins that misbehave ----------------------------------------------------------------------


class _Failing(ScoringRule):
    """A plugin's rule that fails on values above 1."""

    kind = "failing"

    def exact_points(self, raw: Fraction) -> Fraction:
        if raw > 1:
            raise ZeroDivisionError("division by zero")
        return Fraction(50)

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        return None

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind}


def test_a_rule_that_raises_is_a_plugin_error_naming_rule_indicator_and_subject():
    ind = Indicator("x", "X", "d", Direction.HIGHER_IS_BETTER, _Failing())
    assert ind.score(0.5) == 50
    with pytest.raises(PluginError, match="scoring rule 'failing' of plugin") as info:
        ind.score(2.0, subject="ann")
    error = info.value
    assert error.subject == "ann" and error.value == 2.0 and "ZeroDivisionError" in str(error)
    assert error.plugin == __name__ and isinstance(error.__cause__, ZeroDivisionError)


def test_a_rule_that_raises_in_a_batch_names_the_first_subject_it_fails_on():
    ind = Indicator("x", "X", "d", Direction.HIGHER_IS_BETTER, _Failing())
    with pytest.raises(PluginError) as info:
        ind._points_array(np.array([0.5, 3.0, 4.0]), ["ann", "bob", "cy"])
    assert info.value.subject == "bob"


class _NoCompute:
    name = "no_compute"


class _NoBuild:
    name = "no_build"


class _Broken:
    @hookimpl
    def csperf_weight_strategies(self) -> list[object]:
        return [_NoCompute()]

    @hookimpl
    def csperf_templates(self) -> list[object]:
        return [_NoBuild()]


@pytest.mark.parametrize(
    ("gather", "what"),
    [("weight_strategies", "'compute'"), ("templates", "'build'")],
)
def test_a_plugin_item_without_its_methods_is_refused_naming_the_plugin(gather, what):
    pm = get_plugin_manager(entry_points=False)
    pm.register(_Broken(), "broken")
    with pytest.raises(PluginError, match=f"plugin 'broken' gave .* without {what}") as info:
        getattr(pm, gather)()
    assert info.value.plugin == "broken"


def test_the_cli_turns_any_other_exception_into_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from csperf.cli import EXIT_INTERNAL, cli

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("csperf.config.load_scorecard", broken)
    result = CliRunner().invoke(cli, ["validate", str(MINI)])
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"csperf: internal error in {__name__}: ZeroDivisionError: division by zero "
        "(run with --debug for the traceback, and report it)"
    ]
    debug = CliRunner().invoke(cli, ["--debug", "validate", str(MINI)])
    assert isinstance(debug.exception, ZeroDivisionError)


# -- lone surrogates: no character, so no file can hold them ------------------------------------


def test_a_lone_surrogate_in_a_card_text_is_a_config_error_at_its_line():
    text = MINI.read_text(encoding="utf-8").replace('en = "Mini card"', 'en = "Mini \ud800card"')
    with pytest.raises(ConfigError, match="lone surrogate") as info:
        loads_scorecard(text, "toml")
    assert info.value.line == 3


@pytest.mark.parametrize("name", ["a\ud800", {"en": "b\udfff"}])
def test_a_lone_surrogate_in_a_display_name_is_refused(name):
    with pytest.raises(ValidationError, match="lone surrogate"):
        Dimension("quality", name)


def test_a_subject_with_a_lone_surrogate_is_refused_by_the_report():
    card = customer_service_manager()
    with pytest.raises(ValidationError, match="lone surrogate") as info:
        Report(card, [card.evaluate(LI_WEI, "ann\ud800")])
    assert info.value.subject == "ann\ud800"


# -- an order_by column the table lacks ----------------------------------------------------------


def test_an_order_by_column_the_sqlite_table_lacks_is_refused():
    # SQLite reads an unknown double-quoted name as a text constant: ordering by it would keep
    # an arbitrary one of two duplicates; the source names the column instead
    import sqlite3
    from datetime import datetime, timezone

    from csperf.sources import SqlSource

    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE tickets (id TEXT, agent TEXT, channel TEXT, created_at INTEGER, "
        "seq INTEGER, complaint INTEGER)"
    )
    start = int(datetime(2026, 7, 1, tzinfo=timezone.utc).timestamp()) * 1_000_000
    # the same key twice: the first row inserted is the later one by seq
    connection.executemany(
        "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?)",
        [("A", "ann", "chat", start, 2, 1), ("A", "ann", "chat", start, 1, 0)],
    )
    source = SqlSource(connection, order_by={"tickets": "sequence"})
    with pytest.raises(ConfigError, match="'sequence'"):
        source.measure(period="2026-07", tz="UTC", metrics=["complaint_rate"])
    kept = SqlSource(connection, order_by={"tickets": "seq"})
    m = kept.measure(period="2026-07", tz="UTC", metrics=["complaint_rate"])
    assert m.row("ann") == {"complaint_rate": 0.0}  # the row of seq 1 is kept
    assert [i.reason for i in m.rejected["tickets"].examples] == ["duplicate"]


def test_a_cli_error_of_several_lines_is_printed_on_one(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from csperf.cli import EXIT_INTERNAL, cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("first line\nsecond line\n")

    monkeypatch.setattr("csperf.config.load_scorecard", broken)
    result = CliRunner().invoke(cli, ["validate", str(MINI)])
    assert result.exit_code == EXIT_INTERNAL
    assert len(result.output.strip().splitlines()) == 1
    assert "first line second line" in result.output


# -- a hand-typed value's sample size is not known, not 1 -----------------------------------------

TYPED = (
    "subject,customer_satisfaction,complaint_rate,first_response_time,resolution_time,"
    "product_knowledge,script_compliance,collaboration_rating,information_sharing_rate,"
    "sample_size.customer_satisfaction\n"
    "li_wei,0.92,0.004,45,20000,88,0.93,4.2,0.97,240\n"
)


def test_a_hand_typed_value_has_an_unknown_sample_size(tmp_path):
    path = tmp_path / "typed.csv"
    path.write_text(TYPED, encoding="utf-8")
    m = Measurements.read(path)
    assert m.value("li_wei", "complaint_rate") == MetricValue(0.004, None)
    assert m.sample_size("li_wei", "complaint_rate") is None
    assert m.sample_size("li_wei", "customer_satisfaction") == 240
    # written and read again, it stays unknown (an empty sample_size cell; null in JSON)
    for suffix in (".csv", ".json"):
        again = tmp_path / f"again{suffix}"
        m.write(again)
        assert Measurements.read(again) == m
    assert (
        json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["rows"][0][
            "sample_size.complaint_rate"
        ]
        is None
    )


def test_reports_show_an_unknown_sample_size_as_unknown(tmp_path):
    from csperf.report import read_samples, render_json
    from csperf.report._excel import details_columns

    path = tmp_path / "typed.csv"
    path.write_text(TYPED, encoding="utf-8")
    m = Measurements.read(path)
    card = customer_service_manager()
    report = Report(card, [card.evaluate(m, "li_wei")], samples=read_samples(card, m, m.subjects))
    indicators = json.loads(render_json(report))["subjects"][0]["indicators"]
    sizes = {i["key"]: i["sample_size"] for i in indicators}
    assert sizes.pop("customer_satisfaction") == 240
    assert set(sizes.values()) == {None}
    html = render_html(report)
    assert '<td class="num">240</td>' in html
    assert html.count('<td class="num">—</td>') == len(sizes)
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "report.xlsx"
    write_report(report, out, "xlsx")
    column = details_columns(report).index("sample_size")
    rows = [
        [c.value for c in row]
        for ws in openpyxl.load_workbook(out)
        for row in ws.iter_rows()
        if len(row) > column
    ]
    start = next(i for i, row in enumerate(rows) if row[column] == "Sample")
    found = [row[column] for row in rows[start + 1 :] if row[0] == "li_wei"]
    assert sorted(found, key=str) == sorted([240] + [None] * len(sizes), key=str)


def test_min_sample_does_not_flag_an_unknown_sample_size():
    from csperf.metrics._engine import finish

    assert finish((0.9, None, ()), min_sample=30).flags == ()
    assert finish((0.9, 12, ()), min_sample=30).flags == ("small_sample",)
    assert finish((0.9, None, ()), min_sample=30).sample_size is None


# -- temporary files a killed writer left -----------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_a_write_killed_with_sigkill_leaves_a_temporary_file_the_next_write_removes(tmp_path):
    import signal
    import subprocess
    import sys

    target = tmp_path / "report.csv"
    target.write_text("old\n", encoding="utf-8")
    started = tmp_path / "started"
    code = (
        "import sys, time, pathlib\n"
        "from csperf._io import atomic_write\n"
        "def write(tmp):\n"
        "    tmp.write_text('half', encoding='utf-8')\n"
        f"    pathlib.Path({str(started)!r}).touch()\n"
        "    time.sleep(60)\n"
        f"atomic_write({str(target)!r}, write)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert child.poll() is None, "the writer ended early"
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(60)
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith(".report.csv.")
    assert target.read_text(encoding="utf-8") == "old\n"  # the old file as it was
    # a fresh one may be a write still running elsewhere: kept
    atomic_write_text(target, "new\n")
    assert left[0].exists()
    # once stale, the next write of the same file removes it
    _age(left[0], STALE_AFTER + 60)
    atomic_write_text(target, "newer\n")
    assert not left[0].exists()
    assert target.read_text(encoding="utf-8") == "newer\n"


def test_only_stale_temporary_files_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "r.html"
    stale = tmp_path / ".r.html.0123abcd.tmp"
    fresh = tmp_path / ".r.html.89abcdef.tmp"
    other = tmp_path / ".q.html.0123abcd.tmp"  # another target's
    near = tmp_path / ".r.html.0123abcd.tmp.keep"  # not a temporary file's name
    mine = tmp_path / "r.html.0123abcd.tmp"  # no leading dot
    for path in (stale, fresh, other, near, mine):
        path.write_text("x", encoding="utf-8")
    outside = tmp_path / "precious.txt"
    outside.write_text("keep", encoding="utf-8")
    link = tmp_path / ".r.html.fedcba98.tmp"
    link.symlink_to(outside)
    for path in (stale, other, near, mine, link):
        _age(path, STALE_AFTER + 60)
    atomic_write_text(target, "<p>ok</p>")
    assert not stale.exists()
    assert all(p.exists() for p in (fresh, other, near, mine, outside))
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "keep"


# -- every workbook writes hostile text as visible, inert text ------------------------------------

HOSTILE_NAMES = ["ann\x1b[31m\x07", '=HYPERLINK("http://x","y")', "bo\ufffe"]


def _reopened_texts(path: Path) -> list[Any]:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(path)
    return [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_calibration_workbook_writes_hostile_names_as_text(tmp_path):
    from csperf import calibrate
    from csperf.report import write_calibration

    pytest.importorskip("openpyxl")
    card = customer_service_manager()
    table = {"subject": HOSTILE_NAMES, **{k: [v] * 3 for k, v in LI_WEI.items()}}
    table["product_knowledge"] = [95, 70, 80]
    result = calibrate(card.evaluate_many(table), [0, 50, 50, 0])
    path = write_calibration(result, tmp_path / "cal.xlsx")
    cells = _reopened_texts(path)
    texts = [c.value for c in cells]
    assert xml_text(HOSTILE_NAMES[0]) in texts and xml_text(HOSTILE_NAMES[2]) in texts
    formula = [c for c in cells if c.value == HOSTILE_NAMES[1]]
    assert formula and all(c.data_type == "s" for c in formula)
    assert not any("\x1b" in t or "\ufffe" in t for t in texts)


def test_the_review_workbook_rows_write_hostile_text_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from csperf.report._review import _sheet_rows

    book = openpyxl.Workbook()
    _sheet_rows(
        book.active,
        ["subject\x00", "total"],
        [[name, 80.5] for name in HOSTILE_NAMES],
        openpyxl.styles.Font(bold=True),
    )
    book.save(tmp_path / "review.xlsx")
    cells = _reopened_texts(tmp_path / "review.xlsx")
    texts = [c.value for c in cells]
    assert texts == [xml_text("subject\x00"), "total", *map(xml_text, HOSTILE_NAMES)]
    assert next(c for c in cells if c.value == HOSTILE_NAMES[1]).data_type == "s"


def test_sample_data_is_written_atomically_and_refusals_are_write_errors(tmp_path):
    from csperf.datasets import contact_centre

    data = contact_centre(seed=1, managers=1, agents_per_team=2, days=3)
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    with pytest.raises(WriteError, match="a-file"):
        data.write_csv(blocked / "inside")
    folder = tmp_path / "data"
    written = data.write_csv(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written.values())
    (folder / "surveys.csv").unlink()
    (folder / "surveys.csv").mkdir()  # a directory in a file's place
    with pytest.raises(WriteError, match=r"surveys\.csv"):
        data.write_csv(folder)
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_workbook_of_quoted_texts_reads_back_the_texts(tmp_path):
    # a measurements CSV that csperf wrote, opened and saved by Excel as .xlsx, keeps the
    # quote csperf put before formula-like texts: reading the workbook removes it as for CSV
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["subject", "team", "nps"])
    sheet.append([spreadsheet_text("=SUM(1)"), spreadsheet_text("+86 10"), 0.1])
    sheet.append([spreadsheet_text("'=kept"), "'plain", 0.2])
    book.save(tmp_path / "m.xlsx")
    m = Measurements.read(tmp_path / "m.xlsx")
    assert m.subjects == ("'=kept", "=SUM(1)")
    assert m.attribute("=SUM(1)", "team") == "+86 10"
    assert m.attribute("'=kept", "team") == "'plain"
