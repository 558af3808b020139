"""The DuckDB source: the SQL metrics over Parquet files, CSV files or DuckDB tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from csperf.errors import ConfigError
from csperf.metrics import Roster
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import parse_options
from csperf.sources._schema import ROSTER, TABLES
from csperf.sources._sql import SqlSource
from csperf.sources._sqlplan import Relation

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


class DuckDbSource(SqlSource):
    """The catalog's metrics as SQL inside DuckDB, over Parquet or CSV files or tables.

    Millions of rows stay inside DuckDB: each metric is one query returning a row per subject.
    Files are read in place (``read_parquet``/``read_csv``, globs allowed); a CSV file is
    read as text and each cell parsed as :class:`CsvSource` parses it, so a bad cell rejects
    its row instead of failing the file, and a row whose cells do not match the header is
    reported as ``malformed_row`` with its line. Positions in reports count data rows from 0 in
    file order (a malformed row's position is taken from its line, so it is exact when no cell
    before it spans lines). Columns other than the record's fields are ignored. Needs the
    ``duckdb`` extra (``pip install 'csperf[duckdb]'``).

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
        duckdb = import_duckdb()
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
                connection = duckdb.connect(os.fspath(target), read_only=True)
            else:
                connection = duckdb.connect()
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
        super().__init__(
            connection,
            tables=tables,
            columns=columns,
            roster=roster,
            dialect="duckdb",
            order_by=order_by,
        )

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

    def _find(self, table: str) -> Relation | None:
        file = self.files.get(table)
        if file is None:
            return super()._find(table)
        if file.lower().endswith(".parquet") or ("*" in file and ".parquet" in file.lower()):
            sql = "read_parquet(:file)"
            malformed = None
        else:
            # Rows that cannot be split into the header's cells are set aside in a table of
            # their own (store_rejects), to be reported as malformed rows with their line.
            tag = uuid.uuid4().hex
            errors, scans = f"csperf_malformed_{tag}", f"csperf_scans_{tag}"
            sql = (
                "read_csv(:file, all_varchar = true, header = true, store_rejects = true, "
                f"rejects_table = '{errors}', rejects_scan = '{scans}')"
            )
            malformed = (
                f'SELECT DISTINCT line, error_type, csv_line FROM "{errors}" '
                f'WHERE scan_id = (SELECT MAX(scan_id) FROM "{errors}") ORDER BY line'
            )
        params = {"file": file}
        described = self._describe(sql, params)
        if described is None:
            raise ConfigError(
                msg=f"cannot read {file!r} (for {table})",
                obj="DuckDbSource",
                field=table,
                value=file,
                path=file,
            )
        return Relation(sql, params, described, None, file, malformed)
