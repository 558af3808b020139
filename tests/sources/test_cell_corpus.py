"""One cell parser: the same awkward cells give the same values and rejects from every input.

The rules (``csperf._cells``, ``csperf._periods.parse_datetime``): a text cell is NFKC-normalised
and stripped, so full-width digits and a trailing no-break space are read; Arabic-Indic digits
are not; timestamps follow one ISO-8601 grammar (``t``/``z`` accepted, the basic format, hours
alone, week dates, a space before the offset and ``24:00`` refused).
"""

from __future__ import annotations

import csv

import pytest

from csperf.sources import CsvSource, DuckDbSource, IbisSource, RecordsSource, write_tables

ibis = pytest.importorskip("ibis")

#: created_at cell → accepted?
TIMESTAMPS = {
    "2024-01-02T00:00:00Z": True,
    "2024-01-02t00:00:00Z": True,
    "2024-01-02T00:00:00z": True,
    "２０２４-０１-０２T００:００:００Z": True,  # full-width digits
    "2024-01-02T00:00:00+08:00\u00a0": True,  # trailing no-break space
    "2024-01-02T08:00+0800": True,
    "20240102T000000Z": False,  # basic format
    "2024-01-02T00Z": False,  # hours alone
    "2024-W01-2T00:00:00Z": False,  # week date
    "2024-01-02T00:00:00 +08:00": False,  # space before the offset
    "2024-01-02T24:00:00Z": False,  # 24:00
    "٢٠٢٤-٠١-٠٢T00:00:00Z": False,  # Arabic-Indic digits
}

#: csat cell → accepted?
SCORES = {
    "5": True,
    "５": True,  # full-width
    "4\u00a0": True,  # trailing no-break space
    "4.0": True,
    "٥": False,  # Arabic-Indic
    "nan": False,
    "1_0": False,
    "5e0": True,
}

PERIOD = "2023-12-01T00:00Z..2024-02-01T00:00Z"


def ticket_rows():
    return [
        {"id": f"T{i}", "agent": "ann", "channel": "chat", "created_at": cell,
         "complaint": "是" if i % 2 else "ｎｏ"}
        for i, cell in enumerate(TIMESTAMPS)
    ]


def survey_rows():
    return [
        {"agent": "ann", "contact_id": f"C{i}", "submitted_at": "2024-01-02T00:00:00Z",
         "csat": cell}
        for i, cell in enumerate(SCORES)
    ]


def _write_csv(folder, name, rows):
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def inputs(tmp_path):
    rows = {"tickets": ticket_rows(), "surveys": survey_rows()}
    yield "records", RecordsSource(rows)
    import pyarrow as pa

    yield "arrow", RecordsSource({k: pa.Table.from_pylist(v) for k, v in rows.items()})
    pandas = pytest.importorskip("pandas")
    yield "pandas", RecordsSource({k: pandas.DataFrame(v) for k, v in rows.items()})
    try:
        import polars
    except ImportError:
        pass
    else:
        yield "polars", RecordsSource({k: polars.DataFrame(v).to_arrow() for k, v in rows.items()})
    folder = tmp_path / "export"
    folder.mkdir()
    for name, table in rows.items():
        _write_csv(folder, name, table)
    yield "csv", CsvSource(folder)
    yield "duckdb-csv", DuckDbSource(folder)


def outcome(m):
    return (
        m.row("ann"),
        {k: dict(r.by_reason) for k, r in m.rejected.items()},
        {k: [(i.position, i.reason.value, i.field) for i in r.examples]
         for k, r in m.rejected.items()},
    )


def test_every_input_reads_the_same_cells_alike(tmp_path):
    found = {}
    for name, source in inputs(tmp_path):
        found[name] = outcome(source.measure(
            period=PERIOD, metrics=["complaint_rate", "customer_satisfaction"]))
    first = found["records"]
    for name, result in found.items():
        assert result == first, name
    values, reasons, examples = first
    accepted_tickets = sum(TIMESTAMPS.values())
    assert reasons["tickets"] == {"invalid_field": len(TIMESTAMPS) - accepted_tickets}
    assert [p for p, _, _ in examples["tickets"]] == [
        i for i, ok in enumerate(TIMESTAMPS.values()) if not ok
    ]
    assert reasons["surveys"] == {"invalid_field": len(SCORES) - sum(SCORES.values())}
    assert [p for p, _, _ in examples["surveys"]] == [
        i for i, ok in enumerate(SCORES.values()) if not ok
    ]
    # the accepted answers: 5, 5, 4, 4, 5: all satisfied
    assert values["customer_satisfaction"] == 1.0
    odd = [i % 2 == 1 for i, ok in enumerate(TIMESTAMPS.values()) if ok]
    assert values["complaint_rate"] == sum(odd) / len(odd)


def test_typed_inputs_hold_the_parsed_values(tmp_path):
    # Parquet files and DuckDB tables hold typed values: the accepted rows, written once,
    # give the same values; text in a typed column is refused, not parsed in SQL
    from csperf.metrics import validate_records

    tickets, _ = validate_records("tickets", ticket_rows())
    surveys, _ = validate_records("surveys", survey_rows())
    expected = RecordsSource({"tickets": tickets, "surveys": surveys}).measure(
        period=PERIOD, metrics=["complaint_rate", "customer_satisfaction"])
    database = tmp_path / "centre.ddb"
    con = ibis.duckdb.connect(str(database))
    write_tables(con, {"tickets": tickets, "surveys": surveys})
    for table in ("tickets", "surveys"):
        con.raw_sql(f"COPY {table} TO '{tmp_path / (table + '.parquet')}' (FORMAT PARQUET)")
    con.disconnect()
    for source in (IbisSource(f"duckdb://{database}"),
                   DuckDbSource(files={"tickets": tmp_path / "tickets.parquet",
                                       "surveys": tmp_path / "surveys.parquet"})):
        m = source.measure(period=PERIOD, metrics=["complaint_rate", "customer_satisfaction"])
        assert m.row("ann") == expected.row("ann")
