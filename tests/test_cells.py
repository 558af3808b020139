"""Reading cells: one true/false vocabulary, column types from the record classes."""

from __future__ import annotations

import doctest
import sqlite3
from datetime import datetime, timezone

import attrs
import pytest

import csperf._cells as cells
from csperf._cells import COLUMN, COLUMN_TYPES, FALSE_WORDS, TRUE_WORDS, coerce_cell, parse_bool
from csperf.errors import ConfigError
from csperf.metrics import RosterEntry, validate_records
from csperf.metrics._records import RECORD_KINDS, column_types
from csperf.metrics._validate import coerce_record
from csperf.sources import CsvSource, DuckDbSource, SqlSource
from csperf.sources._base import option_bool
from csperf.sources._schema import COLUMNS, ROSTER, required_columns

UTC = timezone.utc
JULY = "2026-07-01T00:00Z..2026-08-01T00:00Z"
WORDS = [(w, True) for w in TRUE_WORDS] + [(w, False) for w in FALSE_WORDS]


def test_docstring_examples():
    result = doctest.testmod(cells)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_vocabulary_is_one_meaning_per_word():
    assert not set(TRUE_WORDS) & set(FALSE_WORDS)
    assert all(w == w.strip().lower() for w in TRUE_WORDS + FALSE_WORDS)
    # the words of English spreadsheets, HR tools, PostgreSQL, checkboxes; 是/否 of Chinese ones
    for word in ("true", "yes", "y", "t", "1", "on", "是"):
        assert parse_bool(word.upper()) is True
    for word in ("false", "no", "n", "f", "0", "off", "否"):
        assert parse_bool(f" {word.upper()}\t") is False
    for word in ("有", "无", "对", "错", "maybe", "2", "", "yes please"):
        assert parse_bool(word) is None


@pytest.mark.parametrize(("word", "meaning"), WORDS)
def test_every_reader_of_flags_accepts_the_same_words(word, meaning):
    assert option_bool("csv", "flag", word.upper()) is meaning
    row = {
        "id": 1,
        "agent": "ann",
        "channel": "chat",
        "created_at": datetime(2026, 7, 1, tzinfo=UTC),
    }
    record = coerce_record(RECORD_KINDS["tickets"], {**row, "complaint": f" {word} "})
    assert record.complaint is meaning


def test_other_words_are_refused_everywhere():
    with pytest.raises(ConfigError, match="must be true or false, got '有'"):
        option_bool("csv", "flag", "有")
    row = {"id": 1, "agent": "ann", "channel": "chat", "created_at": "2026-07-01T00:00Z"}
    _, report = validate_records("tickets", [{**row, "complaint": "有"}])
    assert report.by_reason == {"invalid_field": 1}


def _export(tmp_path, words):
    lines = ["id,agent,channel,created_at,complaint"]
    lines += [f"T{i},ann,chat,2026-07-01T09:00:00+08:00,{w}" for i, w in enumerate(words)]
    (tmp_path / "tickets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _sqlite(words):
    # a database holds typed flags: SQLite's 0/1 integers (2 cannot be read)
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE tickets (id TEXT, agent TEXT, channel TEXT, created_at INTEGER, "
        "complaint INTEGER)"
    )
    moment = int(datetime(2026, 7, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    flags = [{"是": 1, "否": 0, " Yes": 1, "n": 0, "on": 1}.get(w, 2) for w in words]
    connection.executemany(
        "INSERT INTO tickets VALUES (?, ?, ?, ?, ?)",
        [(f"T{i}", "ann", "chat", moment, f) for i, f in enumerate(flags)],
    )
    return connection


def test_csv_duckdb_and_sqlite_read_flags_with_the_same_words(tmp_path):
    words = ["是", "否", "否", " Yes", "n", "on", "有"]  # 3 complaints of 6 readable rows
    folder = _export(tmp_path, words)
    results = [
        CsvSource(folder).measure(period=JULY, metrics=["complaint_rate"]),
        DuckDbSource(folder).measure(period=JULY, metrics=["complaint_rate"]),
        SqlSource(_sqlite(words)).measure(period=JULY, metrics=["complaint_rate"]),
    ]
    for m in results:
        assert m.row("ann") == {"complaint_rate": 0.5}
        assert dict(m.rejected["tickets"].by_reason) == {"invalid_field": 1}
        [issue] = m.rejected["tickets"].examples
        assert (issue.position, issue.field) == (6, "complaint")


def test_every_record_field_has_a_column_type():
    for record_type in (*(k.record_type for k in RECORD_KINDS.values()), RosterEntry):
        for field in attrs.fields(record_type):
            assert field.metadata[COLUMN] in COLUMN_TYPES, (record_type, field.name)


def test_the_source_schema_is_derived_from_the_record_classes():
    for name, kind in RECORD_KINDS.items():
        assert COLUMNS[name] == column_types(kind.record_type) == kind.columns
        assert list(COLUMNS[name]) == [f.name for f in attrs.fields(kind.record_type)]
        assert required_columns(name) == kind.required
    assert COLUMNS[ROSTER] == column_types(RosterEntry)
    assert required_columns(ROSTER) == ("agent", "team", "manager")
    assert COLUMNS["tickets"]["created_at"] == "ts"
    assert COLUMNS["tickets"]["reopened"] == "bool"
    assert COLUMNS["surveys"]["csat"] == "real"
    assert COLUMNS["qa_reviews"]["id"] == "id"


def test_a_field_is_read_by_its_column_type_not_its_name():
    @attrs.frozen
    class Visit:
        where: str = attrs.field(metadata={COLUMN: "name"})
        start: datetime = attrs.field(metadata={COLUMN: "ts"})  # no _at suffix
        paid_at: str = attrs.field(default="", metadata={COLUMN: "name"})  # text, not a time

    from csperf.metrics._records import RecordKind

    kind = RecordKind("visits", Visit, "start", "where", ("where",))
    visit = coerce_record(kind, {"where": "x", "start": "2026-07-01T00:00Z", "paid_at": "2026"})
    assert visit.start == datetime(2026, 7, 1, tzinfo=UTC)
    assert visit.paid_at == "2026"


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("real", " 4.5 ", 4.5),
        ("real", "x", "x"),
        ("bool", 1, True),
        ("bool", 0.0, False),
        ("bool", 2, 2),
        ("bool", "否", False),
        ("ts", "2026-07-01T00:00Z", datetime(2026, 7, 1, tzinfo=UTC)),
        ("ts", "soon", "soon"),
        ("id", " 7 ", " 7 "),
        ("name", "true", "true"),
    ],
)
def test_coerce_cell(column, value, expected):
    assert coerce_cell(column, value) == expected


def test_number_domains_are_stated_once_in_the_metadata():
    from csperf._cells import DOMAIN, WHOLE
    from csperf.metrics._records import limits

    found = 0
    for kind in RECORD_KINDS.values():
        for field in attrs.fields(kind.record_type):
            if DOMAIN not in field.metadata:
                assert field.metadata[COLUMN] != "real", field.name
                continue
            found += 1
            domain, bounds = field.metadata[DOMAIN], limits(kind.record_type, field.name)
            assert bounds["low"] == domain.lower
            if field.metadata[WHOLE]:
                assert all(isinstance(b, int) for b in bounds.values())
    assert found == 10  # 4 durations, csat, nps, 2 QA counts, 2 scores
