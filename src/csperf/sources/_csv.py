"""The CSV source: one file per record kind, measured by the metric engine."""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs

from csperf.errors import ConfigError, MeasurementError, ValidationError
from csperf.metrics import RecordIssue, RejectReport, Roster, measure
from csperf.metrics import validate_records as _validate
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import MetricSource, parse_options
from csperf.sources._common import from_rollup, request
from csperf.sources._measurements import Measurements, data_file_error
from csperf.sources._schema import (
    COLUMNS,
    ROSTER,
    TABLES,
    check_text_options,
    parse_number,
    required_columns,
)

__all__ = ["CsvRows", "CsvSource", "read_csv_rows"]

MAX_EXAMPLES = 20
"""How many rejected rows a report keeps as examples."""

_EXTRA = ("error", "ignore")


@attrs.frozen
class CsvRows:
    """The data rows of one CSV file, read but not yet checked.

    Attributes:
        path: The file.
        rows: One mapping of field name → cell per well-formed row (numbers parsed, other
            cells as text), in file order; None for a malformed row.
        lines: The line on which each row starts (1 is the header).
        problems: Position → why the row is malformed (a wrong number of cells).
    """

    path: str
    rows: tuple[dict[str, Any] | None, ...]
    lines: tuple[int, ...]
    problems: Mapping[int, str]


_config = functools.partial(data_file_error, obj="CsvSource")


def read_csv_rows(
    path: str | os.PathLike[str],
    table: str,
    *,
    columns: Mapping[str, str] | None = None,
    extra_columns: str = "error",
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> CsvRows:
    """Read the rows of a CSV file of ``table`` (a record kind or ``"roster"``).

    The header names the columns: the record's field names (see :doc:`/reference/sources`),
    in any order; columns of optional fields may be left out. Cells of number fields are
    parsed as plain decimal numbers (:func:`parse_number`), other cells are kept as text for
    the record check (timestamps are ISO-8601, flags ``true``/``false``); an empty cell is a
    missing value.

    Args:
        path: The file.
        table: The record kind or ``"roster"``.
        columns: Header → field name, for files whose headers are named otherwise.
        extra_columns: ``"error"`` (default) to refuse a column that is no field, or
            ``"ignore"`` to skip it.
        encoding: The file's encoding (a UTF-8 byte-order mark is skipped).
        delimiter: The cell delimiter.

    Returns:
        The :class:`CsvRows`.

    Raises:
        ConfigError: For an unreadable file, a header naming an unknown or repeated field
            (under ``extra_columns="error"``), or a missing required column; with the file
            and line.
    """
    source = os.fspath(path)
    fields = COLUMNS[table]
    rename = dict(columns or {})
    unknown_targets = sorted(set(rename.values()) - set(fields))
    if unknown_targets:
        raise _config(
            source,
            None,
            f"columns maps to unknown field {unknown_targets[0]!r} (fields: {', '.join(fields)})",
            field="columns",
            value=unknown_targets[0],
        )
    if extra_columns not in _EXTRA:
        raise ConfigError(
            msg=f"extra_columns must be 'error' or 'ignore', got {extra_columns!r}",
            obj="CsvSource",
            field="extra_columns",
            value=extra_columns,
        )
    check_text_options(encoding, delimiter, obj="CsvSource")
    if encoding.lower().replace("-", "").replace("_", "") == "utf8":
        encoding = "utf-8-sig"
    rows: list[dict[str, Any] | None] = []
    lines: list[int] = []
    problems: dict[int, str] = {}
    try:
        with open(source, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise _config(source, 1, "the file is empty; expected a header row") from None
            names = [rename.get(h.strip(), h.strip()) for h in header]
            seen: set[str] = set()
            for name in names:
                if name in seen and name in fields:
                    raise _config(source, 1, f"column {name!r} appears twice", field=name)
                seen.add(name)
            extra = [n for n in names if n not in fields]
            if extra and extra_columns == "error":
                raise _config(
                    source,
                    1,
                    f"unknown column {extra[0]!r} for {table} (columns: {', '.join(fields)}; "
                    "pass extra_columns='ignore' to skip other columns)",
                    field=extra[0],
                    value=extra[0],
                )
            missing = [f for f in required_columns(table) if f not in names]
            if missing:
                raise _config(
                    source,
                    1,
                    f"no column {missing[0]!r}, which {table} need "
                    f"(required: {', '.join(required_columns(table))})",
                    field=missing[0],
                )
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not cells:
                    continue
                position = len(rows)
                lines.append(start)
                if len(cells) != len(names):
                    problems[position] = (
                        f"expected {len(names)} cells as in the header, got {len(cells)}"
                    )
                    rows.append(None)
                    continue
                row: dict[str, Any] = {}
                for name, cell in zip(names, cells):
                    if name not in fields:
                        continue
                    row[name] = parse_number(cell) if fields[name] == "real" else cell
                rows.append(row)
    except OSError as exc:
        raise _config(source, None, f"cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeError as exc:  # (also UTF-16 without a byte-order mark)
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise _config(source, None, f"not {encoding} text ({reason})") from exc
    except csv.Error as exc:
        raise _config(source, reader.line_num, f"unreadable CSV ({exc})") from exc
    return CsvRows(source, tuple(rows), tuple(lines), problems)


def check_rows(
    kind: str,
    data: CsvRows,
    *,
    roster: Roster | None,
    tz: Any,
    strict: bool,
) -> tuple[tuple[Any, ...], RejectReport]:
    """Check the rows of a CSV file: the records accepted, and the report of the others.

    Malformed rows and the rows :func:`csperf.metrics.validate_records` rejects are merged
    in file order; each example's message starts with ``file:line:``.

    Raises:
        MeasurementError: With ``strict=True``, for the first bad row, with ``path`` and
            ``line`` attributes.
    """
    wellformed = [i for i, row in enumerate(data.rows) if row is not None]
    records, report = _validate(
        kind,
        [data.rows[i] for i in wellformed],
        roster=roster,
        tz=tz,
        max_examples=len(wellformed),
    )
    issues: list[RecordIssue] = []
    for issue in report.examples:
        position = wellformed[issue.position]
        line = data.lines[position]
        issues.append(
            attrs.evolve(issue, position=position, message=f"{data.path}:{line}: {issue.message}")
        )
    reasons = dict(report.by_reason)
    for position, problem in data.problems.items():
        line = data.lines[position]
        issues.append(
            RecordIssue(
                position,
                "malformed_row",
                "(row)",
                None,
                f"{data.path}:{line}: malformed row: {problem}",
            )
        )
        reasons["malformed_row"] = reasons.get("malformed_row", 0) + 1
    issues.sort(key=lambda issue: issue.position)
    if strict and issues:
        first = issues[0]
        line = data.lines[first.position]
        raise MeasurementError(
            msg=first.message,
            field=first.field,
            value=first.value,
            path=data.path,
            line=line,
            position=first.position,
            reason=first.reason,
        )
    merged = RejectReport(kind, len(data.rows), len(issues), reasons, issues[:MAX_EXAMPLES])
    return records, merged


def _path(value: Any, what: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise ConfigError(
            msg=f"{what} must be a path, got {value!r}", obj="CsvSource", field=what, value=value
        )
    return Path(value)


class CsvSource(MetricSource):
    """CSV files, one per record kind, measured by the metric engine in the embedded DuckDB.

    Each file has a header of the record's field names (see the table in
    :doc:`/reference/sources`); :meth:`csperf.datasets.SampleData.write_csv` writes this
    layout. A row that cannot be a record (a malformed row, an unreadable or missing value,
    a response before creation, a duplicate id, an agent not on the roster...) is rejected
    and reported with its file and line (``tickets.csv:17: ...``); with ``strict=True`` the
    first one raises.

    Args:
        path: A directory holding ``<kind>.csv`` files (``tickets.csv``, ``surveys.csv``...)
            and optionally ``roster.csv``; or None.
        files: Record kind (or ``"roster"``) → file, for files named otherwise; it takes
            precedence over ``path``.
        roster: A :class:`~csperf.metrics.Roster` or a roster file; default ``roster.csv``
            in ``path`` when there is one.
        columns: Record kind → header → field name, for exports whose headers differ.
        extra_columns: ``"error"`` (default) refuses a column that is no field (a misspelt
            header would otherwise be ignored); ``"ignore"`` skips such columns.
        encoding: The files' encoding.
        delimiter: The cell delimiter.

    Attributes:
        files: Record kind (or ``"roster"``) → file, as found.

    Raises:
        ConfigError: For a path that is not a directory, a file that does not exist, or an
            unknown record kind.

    Examples:
        >>> import tempfile
        >>> from csperf.datasets import contact_centre
        >>> folder = tempfile.mkdtemp()
        >>> _ = contact_centre(seed=1, managers=1, agents_per_team=3, days=14).write_csv(folder)
        >>> m = CsvSource(folder).measure(period="2024-01-01..2024-01-15", tz="Asia/Shanghai",
        ...                               level="team")
        >>> m.subjects
        ('T01', 'T02')
    """

    name = "csv"
    summary = "CSV files, one per record kind (tickets.csv, surveys.csv...), measured in DuckDB."
    options: ClassVar[Mapping[str, str]] = {
        "path": "Directory of <kind>.csv files and roster.csv.",
        **{kind: f"File of the {kind} (default <path>/{kind}.csv)." for kind in RECORD_KINDS},
        ROSTER: "File of the roster (default <path>/roster.csv).",
        "extra_columns": "'error' (default) or 'ignore': what to do with unknown columns.",
        "encoding": "Encoding of the files (default utf-8).",
        "delimiter": "Cell delimiter (default ',').",
    }

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        files: Mapping[str, str | os.PathLike[str]] | None = None,
        roster: Roster | str | os.PathLike[str] | None = None,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        extra_columns: str = "error",
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> None:
        found: dict[str, Path] = {}
        if path is not None:
            folder = _path(path, "path")
            if not folder.is_dir():
                raise ConfigError(
                    msg=f"{os.fspath(folder)!r} is not a directory",
                    obj="CsvSource",
                    field="path",
                    value=os.fspath(folder),
                    path=os.fspath(folder),
                )
            for table in TABLES:
                candidate = folder / f"{table}.csv"
                if candidate.is_file():
                    found[table] = candidate
        for table, file in (files or {}).items():
            if table not in TABLES:
                raise ConfigError(
                    msg=f"files names unknown record kind {table!r} (known: {', '.join(TABLES)})",
                    obj="CsvSource",
                    field="files",
                    value=table,
                )
            found[table] = _path(file, f"files[{table!r}]")
        self._roster: Roster | None = None
        if isinstance(roster, Roster):
            self._roster = roster
            found.pop(ROSTER, None)
        elif roster is not None:
            found[ROSTER] = _path(roster, "roster")
        for table, file in found.items():
            if not file.is_file():
                raise ConfigError(
                    msg=f"the {table} file {os.fspath(file)!r} does not exist",
                    obj="CsvSource",
                    field=table,
                    value=os.fspath(file),
                    path=os.fspath(file),
                )
        for table in columns or {}:
            if table not in TABLES:
                raise ConfigError(
                    msg=f"columns names unknown record kind {table!r}",
                    obj="CsvSource",
                    field="columns",
                    value=table,
                )
        if extra_columns not in _EXTRA:
            raise ConfigError(
                msg=f"extra_columns must be 'error' or 'ignore', got {extra_columns!r}",
                obj="CsvSource",
                field="extra_columns",
                value=extra_columns,
            )
        check_text_options(encoding, delimiter, obj="CsvSource")
        self.files = found
        self._columns = {k: dict(v) for k, v in (columns or {}).items()}
        self._extra = extra_columns
        self._encoding = encoding
        self._delimiter = delimiter

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> CsvSource:
        """Build from string options: ``path=DIR`` and/or ``<kind>=FILE``, ``roster=FILE``.

        Also ``extra_columns``, ``encoding`` and ``delimiter``.

        Raises:
            ConfigError: For an unknown option or a missing file.
        """
        given = parse_options(cls.name, options, cls.options, ())
        files = {k: str(given.pop(k)) for k in list(given) if k in TABLES}
        if "path" not in given and not files:
            raise ConfigError(
                msg="give path=DIRECTORY or a file per record kind (tickets=FILE...)",
                obj="source 'csv'",
                field="path",
            )
        roster = files.pop(ROSTER, None)
        return cls(
            given.get("path"),
            files=files,
            roster=roster,
            extra_columns=str(given.get("extra_columns", "error")),
            encoding=str(given.get("encoding", "utf-8")),
            delimiter=str(given.get("delimiter", ",")),
        )

    def rows(self, table: str) -> CsvRows:
        """The rows of the file of ``table``, read but not yet checked.

        Raises:
            ConfigError: For a table without a file, or an unreadable file.
        """
        if table not in self.files:
            raise ConfigError(msg=f"no file for {table}", obj="CsvSource", field=table)
        return read_csv_rows(
            self.files[table],
            table,
            columns=self._columns.get(table),
            extra_columns=self._extra,
            encoding=self._encoding,
            delimiter=self._delimiter,
        )

    def roster(self) -> Roster | None:
        """The roster: the one given, else the roster file read and checked, else None.

        Raises:
            ConfigError: For a malformed roster file or row, or overlapping entries, with the
                file and line.
        """
        if self._roster is not None or ROSTER not in self.files:
            return self._roster
        data = self.rows(ROSTER)
        if data.problems:
            position = min(data.problems)
            raise _config(data.path, data.lines[position], data.problems[position])
        try:
            return Roster([row for row in data.rows if row is not None])
        except ValidationError as exc:
            where = getattr(exc, "position", None)
            at = None if where is None else data.lines[where]
            raise _config(data.path, at, exc.message, field=exc.field, value=exc.value) from exc

    def measure(
        self,
        *,
        period: Any,
        level: str = "agent",
        metrics: Iterable[str] | str | None = None,
        tz: Any = None,
        strict: bool = False,
        **options: Any,
    ) -> Measurements:
        """Read, check and measure the files (see :meth:`MetricSource.measure`).

        Raises:
            ConfigError: For an unreadable file or header.
            ValidationError: For a bad level, period, zone or option, or a team or manager
                level without a roster.
            UnknownNameError: For an unknown metric.
            MeasurementError: With ``strict=True``, for the first bad row (attributes
                ``path`` and ``line``).
        """
        req = request(
            period=period,
            level=level,
            metrics=metrics,
            tz=tz,
            options=options,
            kinds=[k for k in RECORD_KINDS if k in self.files],
        )
        roster = self.roster()
        if req.level != "agent" and roster is None:
            raise ValidationError(
                msg=f"level {req.level!r} needs a roster (roster.csv or roster=)",
                obj="measure",
                field="roster",
            )
        records: dict[str, tuple[Any, ...]] = {}
        reports: dict[str, RejectReport] = {}
        for kind in req.kinds:
            if kind not in self.files:
                records[kind], reports[kind] = (), RejectReport(kind, 0, 0)
                continue
            records[kind], reports[kind] = check_rows(
                kind, self.rows(kind), roster=roster, tz=req.tz, strict=strict
            )
        rollup = measure(
            records,
            level=req.level,
            roster=roster,
            period=req.bounds,
            tz=req.tz,
            metrics=[spec.name for spec in req.specs],
            options=req.catalog_options(),
            strict=True,
        )
        return from_rollup(rollup, req, source=self.name, reports=reports)
