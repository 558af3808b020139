"""The DuckDB source: the engine over Parquet files, CSV files or DuckDB tables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from csperf.errors import ConfigError
from csperf.metrics import RejectReport, Roster
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import parse_options
from csperf.sources._ibis import IbisSource, one_at_a_time
from csperf.sources._schema import ROSTER, TABLES

__all__ = ["DuckDbSource", "import_duckdb"]

_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".tsv")


def import_duckdb() -> Any:
    """Import :mod:`duckdb`, or explain how to install it.

    Raises:
        ConfigError: When duckdb is not installed.
    """
    try:
        import duckdb
    except ImportError as exc:
        raise ConfigError(
            msg="the duckdb metric source needs the duckdb package: pip install 'csperf[duckdb]'",
            field="duckdb",
        ) from exc
    return duckdb


def _is_file(value: str) -> bool:
    return value.lower().endswith(_SUFFIXES) or "/" in value or os.sep in value or "*" in value


def _is_csv(file: str) -> bool:
    return not (file.lower().endswith(".parquet") or ("*" in file and ".parquet" in file.lower()))


class DuckDbSource(IbisSource):
    """The catalog's metrics in the embedded DuckDB, over Parquet or CSV files or tables.

    The :class:`IbisSource` on a DuckDB connection: each metric is one query returning a row
    per subject, and the record checks run in DuckDB too. Parquet files are read in place
    (globs allowed). A CSV file is read by the one cell parser every source shares (the
    :class:`CsvSource` reader), so a bad cell rejects its row for the same reason as
    everywhere, and a row whose cells do not match the header is reported as
    ``malformed_row`` with its line; the records read are then measured in DuckDB. Columns
    other than the record's fields are ignored. Needs the ``metrics`` extra
    (``pip install 'csperf[metrics]'``).

    Args:
        path: A directory holding ``<kind>.parquet`` or ``<kind>.csv`` files (and
            optionally ``roster.parquet``/``roster.csv``); or None.
        files: Record kind (or ``"roster"``) → Parquet or CSV file (or glob).
        connection: A DuckDB connection whose tables to read; default a new in-memory one
            (or ``database``).
        database: A DuckDB database file to open read-only.
        tables: Record kind (or ``"roster"``) → table name in the connection; default the
            kind's name where such a table exists and no file is given.
        columns: Record kind → field → column name.
        roster: A :class:`~csperf.metrics.Roster` to use instead of a roster file or table.
        order_by: Record kind → column giving the input order of a table.

    Raises:
        ConfigError: When duckdb is not installed, a file does not exist, or a directory
            holds both a Parquet and a CSV file for one kind.

    Examples:
        >>> import tempfile
        >>> from csperf.datasets import contact_centre
        >>> folder = tempfile.mkdtemp()
        >>> _ = contact_centre(seed=1, managers=1, agents_per_team=3, days=14).write_csv(folder)
        >>> m = DuckDbSource(folder).measure(period="2024-01-01..2024-01-15",
        ...                                  tz="Asia/Shanghai", level="manager")
        >>> m.subjects, m.metrics[:2]
        (('M01',), ('customer_satisfaction', 'nps'))
    """

    name = "duckdb"
    summary = "The catalog's metrics as SQL in DuckDB, over Parquet or CSV files or tables."
    options: ClassVar[Mapping[str, str]] = {
        "path": "Directory of <kind>.parquet or <kind>.csv files (and roster).",
        "database": "A DuckDB database file (opened read-only).",
        **{
            kind: f"File (.parquet, .csv) or table of the {kind}."
            for kind in (*RECORD_KINDS, ROSTER)
        },
    }

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        files: Mapping[str, str | os.PathLike[str]] | None = None,
        connection: Any = None,
        database: str | os.PathLike[str] | None = None,
        tables: Mapping[str, str] | None = None,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        roster: Roster | None = None,
        order_by: Mapping[str, str] | None = None,
    ) -> None:
        import_duckdb()
        from csperf.metrics._ibis import import_ibis

        ibis = import_ibis()
        if connection is None:
            if database is not None:
                target = Path(database)
                if not target.is_file():
                    raise ConfigError(
                        msg=f"database file {os.fspath(target)!r} does not exist",
                        obj="DuckDbSource",
                        field="database",
                        value=os.fspath(target),
                        path=os.fspath(target),
                    )
                backend = ibis.duckdb.connect(os.fspath(target), read_only=True)
            else:
                backend = ibis.duckdb.connect()
        elif type(connection).__module__.split(".")[0] in ("duckdb", "_duckdb"):
            backend = ibis.duckdb.from_connection(connection)
        else:
            backend = connection
        found: dict[str, str] = {}
        if path is not None:
            folder = Path(path)
            if not folder.is_dir():
                raise ConfigError(
                    msg=f"{os.fspath(folder)!r} is not a directory",
                    obj="DuckDbSource",
                    field="path",
                    value=os.fspath(folder),
                    path=os.fspath(folder),
                )
            for table in TABLES:
                candidates = [folder / f"{table}{s}" for s in (".parquet", ".csv")]
                present = [c for c in candidates if c.is_file()]
                if len(present) > 1:
                    raise ConfigError(
                        msg=f"{os.fspath(folder)!r} holds both "
                        f"{present[0].name} and {present[1].name}; keep one",
                        obj="DuckDbSource",
                        field="path",
                        value=[p.name for p in present],
                    )
                if present:
                    found[table] = os.fspath(present[0])
        for table, file in (files or {}).items():
            if table not in TABLES:
                raise ConfigError(
                    msg=f"files names unknown record kind {table!r} (known: {', '.join(TABLES)})",
                    obj="DuckDbSource",
                    field="files",
                    value=table,
                )
            text = os.fspath(file)
            if "*" not in text and not Path(text).is_file():
                raise ConfigError(
                    msg=f"the {table} file {text!r} does not exist",
                    obj="DuckDbSource",
                    field=table,
                    value=text,
                    path=text,
                )
            found[table] = text
        if roster is not None:
            found.pop(ROSTER, None)
        self.files = found
        named = dict(tables or {})
        self._csv: dict[str, str] = {}
        for table, file in found.items():
            if _is_csv(file):
                self._csv[table] = file
                continue
            name = f"csperf_{table}"
            try:
                with one_at_a_time(backend, obj="DuckDbSource"):
                    backend.read_parquet(file, table_name=name)
            except Exception as exc:
                raise ConfigError(
                    msg=f"cannot read {file!r} (for {table}): {exc}",
                    obj="DuckDbSource",
                    field=table,
                    value=file,
                    path=file,
                ) from exc
            named[table] = name
        if roster is None and ROSTER in self._csv:
            from csperf.sources._csv import CsvSource

            roster = CsvSource(files={ROSTER: self._csv[ROSTER]}).roster()
            named.pop(ROSTER, None)
        super().__init__(
            backend, tables=named or None, columns=columns, roster=roster, order_by=order_by
        )
        for table in self._csv:
            if table != ROSTER:
                self.tables[table] = self._csv[table]

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> DuckDbSource:
        """``path=DIR``, ``database=FILE``, and ``<kind>=FILE_OR_TABLE``.

        A value ending in ``.parquet``, ``.csv`` or ``.tsv``, or holding a ``/`` or ``*``,
        is a file; any other value is a table name.

        Raises:
            ConfigError: For an unknown option or a missing file.
        """
        given = parse_options(cls.name, options, cls.options, ())
        files: dict[str, str] = {}
        tables: dict[str, str] = {}
        for key in list(given):
            if key in TABLES:
                value = str(given.pop(key))
                (files if _is_file(value) else tables)[key] = value
        return cls(
            given.get("path"), files=files, tables=tables or None, database=given.get("database")
        )

    def _prechecked(
        self, kind: str, roster: Roster | None, tz: Any, strict: bool
    ) -> tuple[Any, RejectReport] | None:
        """A CSV file's records, read and checked by the one cell parser (a memtable)."""
        if kind not in self._csv:
            return None
        from csperf.metrics._ibis import arrow_table, import_ibis
        from csperf.sources._csv import check_rows, read_csv_rows

        rows = read_csv_rows(
            self._csv[kind], kind, columns=self._renamed(kind), extra_columns="ignore"
        )
        records, report = check_rows(kind, rows, roster=roster, tz=tz, strict=strict)
        table = import_ibis().memtable(arrow_table(RECORD_KINDS[kind].record_type, records))
        return table, report

    def _renamed(self, kind: str) -> dict[str, str] | None:
        """Header → field, from the ``columns`` option (field → column)."""
        mapping = self._columns.get(kind)
        return None if not mapping else {column: field for field, column in mapping.items()}
