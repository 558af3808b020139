"""The SQL source: the catalog's metrics computed inside any DB-API 2.0 database."""

from __future__ import annotations

import contextlib
import math
import sys
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar

import attrs

from csperf.errors import ConfigError, MeasurementError, UnknownNameError, ValidationError
from csperf.metrics import RecordIssue, RejectedRecords, RejectReport, Roster
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import MetricSource, parse_options
from csperf.sources._common import Request, finish, request
from csperf.sources._dialects import Dialect, Params, dialect
from csperf.sources._measurements import Measurements
from csperf.sources._schema import (
    COLUMNS,
    ROSTER,
    TABLES,
    check_identifier,
    quote,
    required_columns,
)
from csperf.sources._sqlmetrics import SQL_METRICS, normalise_options
from csperf.sources._sqlplan import (
    EPOCH,
    Relation,
    judged_columns,
    judged_ctes,
    micros,
    selected_ctes,
    src_cte,
)

__all__ = ["SqlSource", "write_tables"]

MAX_EXAMPLES = 20
"""How many rejected rows a report keeps as examples (as the catalog does)."""

_PHRASES = {
    "missing_field": "is missing",
    "invalid_field": "cannot be read as its type",
    "naive_timestamp": "is a timestamp without offset (pass tz= to give its zone)",
    "response_before_creation": "is before created_at",
    "resolution_before_creation": "is before the time it must follow",
    "inconsistent": "is inconsistent with the record's other fields",
    "negative_duration": "is negative",
    "off_scale": "is off the scale",
}


def _record_name(kind: str) -> str:
    return str(RECORD_KINDS[kind].record_type.__name__)


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    return EPOCH + timedelta(microseconds=int(value))


class SqlSource(MetricSource):
    """The catalog's metrics computed as SQL in any DB-API 2.0 database.

    Every metric runs as one SQL query (plus one for a percentile) that returns a row per
    subject; records never pass through Python. The bad-record checks run in SQL too and
    reject the same rows, for the same reasons, as the catalog does in Python (see
    :doc:`/reference/sources`). Values are bound as query parameters, never formatted into
    the SQL; table and column names must be plain identifiers and are quoted.

    One table per record kind, named after the kind (``tickets``, ``surveys``,
    ``qa_reviews``, ``knowledge_tests``, ``peer_ratings``, ``sharing_items``) and a
    ``roster`` table, each with the record's field names as columns, unless ``tables`` and
    ``columns`` say otherwise. Columns of optional fields may be absent. How timestamps and
    flags are stored depends on the dialect: see the storage conventions in
    :doc:`/reference/sources`.

    Args:
        connection: An open DB-API 2.0 connection (``sqlite3.connect(...)``).
        tables: Record kind (or ``"roster"``) → table name (``schema.table`` allowed); only
            these tables are read. Default: each kind's own name, where such a table exists
            (csperf probes for it; on a server database, where a failed query may abort the
            transaction, name the tables).
        columns: Record kind → field → column name, for tables whose columns are named
            otherwise.
        roster: A :class:`~csperf.metrics.Roster` to use instead of a roster table.
        dialect: ``"sqlite"`` (default) or ``"duckdb"``.
        paramstyle: The driver's placeholder style; default the dialect's.
        order_by: Record kind → column giving the rows' input order (for duplicates and
            positions in reports); default the dialect's row order.

    Attributes:
        connection: The connection.
        dialect: The SQL dialect in use (an internal object; its name is ``dialect.name``).

    Raises:
        ConfigError: For a bad table or column name, an unknown dialect, or a table that
            does not exist.

    Examples:
        >>> import sqlite3
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import SurveyAnswer
        >>> day = datetime(2026, 7, 2, tzinfo=timezone.utc)
        >>> db = sqlite3.connect(":memory:")
        >>> write_tables(db, {"surveys": [SurveyAnswer("ann", i, day, csat=s)
        ...                               for i, s in enumerate([5, 4, 2, 5])]})
        >>> m = SqlSource(db).measure(period="2026-Q3", tz="UTC")
        >>> m.value("ann", "customer_satisfaction")
        MetricValue(value=0.75, sample_size=4, flags=(), rejected=...)
    """

    name = "sql"
    summary = "The catalog's metrics as SQL in a DB-API 2.0 database (SQLite by default)."
    options: ClassVar[Mapping[str, str]] = {
        "database": "Path of an SQLite database file (opened read-only).",
        **{kind: f"Table of the {kind} (default {kind!r})." for kind in RECORD_KINDS},
        ROSTER: "Table of the roster (default 'roster').",
    }

    def __init__(
        self,
        connection: Any,
        *,
        tables: Mapping[str, str] | None = None,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        roster: Roster | None = None,
        dialect: str | Dialect = "sqlite",
        paramstyle: str | None = None,
        order_by: Mapping[str, str] | None = None,
    ) -> None:
        self.connection = connection
        self.dialect = _dialect(dialect)
        self._paramstyle = paramstyle or self.dialect.paramstyle
        self._tables = _names("tables", tables or {}, dotted=True)
        self._explicit = tables is not None
        self._columns = _column_names(columns or {})
        self._order_by = _names("order_by", order_by or {}, dotted=False, tables=RECORD_KINDS)
        if roster is not None and not isinstance(roster, Roster):
            raise ConfigError(
                msg=f"roster must be a Roster, got {type(roster).__name__}",
                obj=type(self).__name__,
                field="roster",
                value=roster,
            )
        if roster is not None and ROSTER in self._tables:
            raise ConfigError(
                msg="give the roster as a Roster or as a table, not both",
                obj=type(self).__name__,
                field="roster",
                value=self._tables[ROSTER],
            )
        self._roster = roster
        self._relations: dict[str, Relation | None] = {}
        self._cursor: Any = None

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> SqlSource:
        """Open an SQLite file: ``database=PATH`` and optionally ``<kind>=TABLE``.

        Raises:
            ConfigError: For an unknown or missing option, or a file that cannot be opened.
        """
        import sqlite3
        from pathlib import Path

        given = parse_options(cls.name, options, cls.options, ("database",))
        path = Path(str(given.pop("database")))
        if not path.is_file():
            raise ConfigError(
                msg=f"database file {str(path)!r} does not exist",
                obj="source 'sql'",
                field="database",
                value=str(path),
                path=str(path),
            )
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        return cls(connection, tables={k: str(v) for k, v in given.items()} or None)

    # -- where the rows are -----------------------------------------------------------------

    def _error_class(self) -> type[BaseException]:
        module = sys.modules.get(type(self.connection).__module__.split(".")[0])
        error = getattr(module, "Error", None)
        if isinstance(error, type) and issubclass(error, BaseException):
            return error
        return Exception  # pragma: no cover - a driver without DB-API's Error

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        """Use one cursor for every statement of a measurement.

        Temporary tables belong to a connection, and a DuckDB cursor is a connection of its own.
        """
        if self._cursor is not None:
            yield
            return
        self._cursor = self.dialect.cursor(self.connection)
        try:
            yield
        finally:
            cursor, self._cursor = self._cursor, None
            close = getattr(cursor, "close", None)
            if close is not None and cursor is not self.connection:
                close()

    def _execute(self, sql: str, params: Params, label: str, what: str) -> Any:
        text, values = params.render(sql, self._paramstyle)
        with self._session():
            cursor = self._cursor
            try:
                cursor.execute(text, values)
                if cursor.description is None:
                    return None
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row)) for row in cursor.fetchall()]
            except self._error_class() as exc:
                raise ConfigError(
                    msg=f"the {what} on {label} failed: {exc}",
                    obj=type(self).__name__,
                    field="query",
                    value=label,
                ) from exc

    def _run(self, sql: str, params: Params, label: str) -> list[dict[str, Any]]:
        rows = self._execute(sql, params, label, "query")
        return [] if rows is None else list(rows)

    def _run_ddl(self, sql: str, params: Params, label: str) -> None:
        self._execute(sql, params, label, "statement")

    def _describe(self, sql: str, params: Mapping[str, Any]) -> dict[str, str | None] | None:
        """Column name → type name of a relation, or None when it does not exist."""
        bound = Params()
        bound.values.update(params)
        text, values = bound.render(f"SELECT * FROM {sql} AS t WHERE 1 = 0", self._paramstyle)
        with self._session():
            try:
                self._cursor.execute(text, values)
                description = self._cursor.description or ()
            except self._error_class():
                return None
        return {str(d[0]): (None if d[1] is None else str(d[1])) for d in description}

    def relation(self, table: str) -> Relation | None:
        """Where the rows of ``table`` (a record kind or ``"roster"``) come from, or None.

        Raises:
            ConfigError: When a table named in ``tables`` does not exist.
        """
        if table not in self._relations:
            self._relations[table] = self._find(table)
        return self._relations[table]

    def _find(self, table: str) -> Relation | None:
        if self._explicit and table not in self._tables:
            return None  # tables named: no probing for others (a failed probe may abort a
            # transaction on a server database)
        name = self._tables.get(table, table)
        described = self._describe(quote(name), {})
        if described is None:
            if table in self._tables:
                raise ConfigError(
                    msg=f"table {name!r} (for {table}) does not exist",
                    obj=type(self).__name__,
                    field=("tables", table),
                    value=name,
                )
            return None
        order = self._order_by.get(table)
        return Relation(
            quote(name), {}, described, None if order is None else quote(order), f"table {name!r}"
        )

    def _kinds(self) -> list[str]:
        return [kind for kind in RECORD_KINDS if self.relation(kind) is not None]

    def _field_columns(self, table: str, relation: Relation) -> dict[str, str]:
        """Field → stored column, checking that every required field has one."""
        mapping = dict(self._columns.get(table, {}))
        out: dict[str, str] = {}
        for field in COLUMNS[table]:
            stored = mapping.pop(field, field)
            if stored in relation.columns:
                out[field] = stored
            elif field in self._columns.get(table, {}) or field in required_columns(table):
                raise ConfigError(
                    msg=f"{relation.label} has no column {stored!r} "
                    f"for field {field!r} (columns: {', '.join(relation.columns)})",
                    obj=type(self).__name__,
                    field=("columns", table, field),
                    value=stored,
                )
        return out

    # -- the roster -------------------------------------------------------------------------

    def roster(self) -> Roster | None:
        """The roster: the one given, else the roster table read and checked, else None.

        Raises:
            ConfigError: For a roster row that cannot be an entry, or overlapping entries.
        """
        if self._roster is not None:
            return self._roster
        relation = self.relation(ROSTER)
        if relation is None:
            return None
        params = Params()
        params.values.update(relation.params)
        columns = self._field_columns(ROSTER, relation)
        fields = list(COLUMNS[ROSTER])
        cte = src_cte(ROSTER, relation, columns, self.dialect, params, None)
        states = ", ".join(f"{f}, {f}__m, {f}__i, {f}__n, {f}__raw" for f in fields)
        rows = self._run(
            f"WITH {cte} SELECT pos, {states} FROM src ORDER BY pos", params, relation.label
        )
        entries = []
        for row in rows:
            entry: dict[str, Any] = {}
            for field in fields:
                if row[f"{field}__i"] or row[f"{field}__n"]:
                    raise ConfigError(
                        msg=f"{relation.label} row {row['pos']}: field "
                        f"{field!r} cannot be read, got {row[f'{field}__raw']!r}",
                        obj=type(self).__name__,
                        field=field,
                        value=row[f"{field}__raw"],
                        position=row["pos"],
                    )
                value = row[field]
                entry[field] = _moment(value) if COLUMNS[ROSTER][field] == "ts" else value
            entries.append(entry)
        try:
            return Roster(entries)
        except ValidationError as exc:
            raise ConfigError(
                msg=f"{relation.label}: {exc.message}",
                obj=type(self).__name__,
                field=exc.field,
                value=exc.value,
            ) from exc

    # -- measuring --------------------------------------------------------------------------

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
        """Measure every subject of ``level`` over ``period`` in SQL.

        See :meth:`MetricSource.measure`. The result equals, value for value, what
        :class:`RecordsSource` gives on the same records.

        Raises:
            ValidationError: For a bad level, period, zone or option, or a team or manager
                level without a roster.
            UnknownNameError: For an unknown metric.
            MeasurementError: With ``strict=True``, for the first bad row.
            ConfigError: When a table or column is missing or a query fails.
        """
        with self._session():
            return self._measure(period, level, metrics, tz, strict, options)

    def _measure(
        self,
        period: Any,
        level: str,
        metrics: Iterable[str] | str | None,
        tz: Any,
        strict: bool,
        options: Mapping[str, Any],
    ) -> Measurements:
        req = request(
            period=period,
            level=level,
            metrics=metrics,
            tz=tz,
            options=options,
            kinds=self._kinds(),
        )
        without_sql = [spec.name for spec in req.specs if spec.name not in SQL_METRICS]
        if without_sql and metrics is not None:
            raise UnknownNameError(
                "metrics",
                without_sql[0],
                tuple(SQL_METRICS),
                msg=f"metric {without_sql[0]!r} has no SQL definition; "
                "measure it with the records or csv source",
                obj=f"source {self.name!r}",
                field="metrics",
            )
        req = attrs.evolve(req, specs=tuple(s for s in req.specs if s.name in SQL_METRICS))
        roster = self.roster()
        if req.level != "agent" and roster is None:
            raise ValidationError(
                msg=f"level {req.level!r} needs a roster", obj="measure", field="roster"
            )
        window = None if req.period is None else (micros(req.period.start), micros(req.period.end))
        subjects: set[str] = set()
        if roster is not None:
            subjects.update(roster.subjects(req.level, req.bounds))
        reports: dict[str, RejectReport] = {}
        outcomes: dict[str, dict[str, tuple[float | None, int, tuple[str, ...]]]] = {}
        for kind in req.kinds:
            relation = self.relation(kind)
            if relation is None:
                reports[kind] = RejectReport(kind, 0, 0)
                continue
            stage = _Stage(self, kind, relation, req, roster, window)
            with stage:
                reports[kind] = self._report(stage, strict)
                params = Params()
                found = self._run(
                    f"WITH {stage.ctes(params)} SELECT DISTINCT subject FROM selected",
                    params,
                    relation.label,
                )
                subjects.update(str(row["subject"]) for row in found)
                for spec in req.specs:
                    if spec.record_kind == kind:
                        outcomes[spec.name] = self._metric(spec.name, req, stage)
        values = {}
        for subject in sorted(subjects):
            row = {}
            for spec in req.specs:
                outcome = outcomes.get(spec.name, {}).get(subject, (None, 0, ()))
                row[spec.name] = finish(
                    outcome,
                    min_sample=req.minimums.get(spec.name),
                    report=reports[spec.record_kind],
                )
            values[subject] = row
        return Measurements(
            period=req.period,
            level=req.level,
            metrics=[spec.name for spec in req.specs],
            values=values,
            rejected=RejectedRecords(reports),
            source=self.name,
        )

    def _metric(
        self, name: str, req: Request, stage: _Stage
    ) -> dict[str, tuple[float | None, int, tuple[str, ...]]]:
        definition = SQL_METRICS[name]
        spec = next(s for s in req.specs if s.name == name)
        options = normalise_options(name, {**spec.options, **req.options.get(name, {})})
        label = stage.relation.label
        params = Params()
        prefix = stage.ctes(params)
        rows = self._run(f"WITH {prefix} {definition.main(options, params)}", params, label)
        quantiles: dict[str, dict[str, Any]] = {}
        params = Params()
        prefix = stage.ctes(params)
        query = definition.quantile(options, params)
        if query is not None:
            for row in self._run(f"WITH {prefix} {query}", params, label):
                quantiles[str(row["subject"])] = row
        out = {}
        for row in rows:
            subject = str(row["subject"])
            out[subject] = definition.outcome(row, quantiles.get(subject), options)
        return out

    def _report(self, stage: _Stage, strict: bool) -> RejectReport:
        kind, relation = stage.kind, stage.relation
        params = Params()
        counts = self._run(
            f"WITH {stage.judged(params)} SELECT reason, COUNT(*) AS n FROM judged GROUP BY reason",
            params,
            relation.label,
        )
        total = sum(int(row["n"]) for row in counts)
        by_reason = {str(r["reason"]): int(r["n"]) for r in counts if r["reason"] is not None}
        rejected = sum(by_reason.values())
        examples: list[RecordIssue] = []
        if rejected:
            params = Params()
            limit = params.add(1 if strict else MAX_EXAMPLES, "limit")
            raw = ", ".join(f"{f}, {f}__raw" for f in COLUMNS[kind])
            rows = self._run(
                f"WITH {stage.judged(params, stored=False)} SELECT pos, reason, bad_field, {raw} "
                f"FROM judged WHERE reason IS NOT NULL ORDER BY pos LIMIT {limit}",
                params,
                relation.label,
            )
            examples = [self._issue(kind, relation, row, stage) for row in rows]
        if stage.malformed:
            total += len(stage.malformed)
            rejected += len(stage.malformed)
            by_reason["malformed_row"] = len(stage.malformed)
            examples += [
                RecordIssue(
                    line - 2,
                    "malformed_row",
                    "(row)",
                    text,
                    f"{relation.label}:{line}: malformed row ({error.lower()}): {text!r}",
                )
                for line, error, text in stage.malformed
            ]
            examples.sort(key=lambda issue: issue.position)
            examples = examples[: 1 if strict else MAX_EXAMPLES]
        if strict and examples:
            issue = examples[0]
            raise MeasurementError(
                msg=issue.message,
                field=issue.field,
                value=issue.value,
                position=issue.position,
                reason=issue.reason,
            )
        return RejectReport(kind, total, rejected, by_reason, examples)

    def _issue(
        self, kind: str, relation: Relation, row: Mapping[str, Any], stage: _Stage
    ) -> RecordIssue:
        spec = RECORD_KINDS[kind]
        reason, field = str(row["reason"]), str(row["bad_field"])
        types = COLUMNS[kind]

        def value_of(name: str) -> Any:
            if types[name] == "ts" and row[name] is not None:
                return _moment(row[name])
            return row[name]

        record = _record_name(kind)
        if reason == "duplicate":
            key = tuple(value_of(f) for f in spec.key_fields)
            value: Any = key[0] if len(key) == 1 else key
            message = f"{record}: duplicate {'/'.join(spec.key_fields)} {value!r}"
        elif reason == "unknown_agent":
            value = row[field]
            message = f"{record}: {field} {value!r} is not on the roster"
        elif reason == "not_on_roster":
            value = value_of(field)
            who = row[spec.subject_field]
            message = (
                f"{record}: {spec.subject_field} {who!r} has no roster entry at {field} "
                f"{value.isoformat()}"
            )
        else:
            value = None if reason == "missing_field" else row[f"{field}__raw"]
            if isinstance(value, float) and math.isnan(value):
                value = None
            message = f"{record}: field {field!r} {_PHRASES.get(reason, reason)}, got {value!r}"
        position = stage.position(int(row["pos"]))
        return RecordIssue(
            position, reason, field, value, f"{relation.label}, row {position}: {message}"
        )


def _dialect(value: Any) -> Dialect:
    return dialect(value)


class _Stage:
    """The checked rows of one record kind during one ``measure`` call.

    Where the dialect allows temporary tables, the rows and their verdicts are computed once
    into a temporary table inside the database (dropped on exit), and every query reads it;
    otherwise each query repeats the checks in its CTEs.
    """

    def __init__(
        self,
        source: SqlSource,
        kind: str,
        relation: Relation,
        req: Request,
        roster: Roster | None,
        window: tuple[int, int] | None,
    ) -> None:
        self.source = source
        self.kind = kind
        self.relation = relation
        self.columns = source._field_columns(kind, relation)
        self.req = req
        self.roster = roster
        self.window = window
        self.table: str | None = None
        self.malformed: list[tuple[int, str, Any]] = []

    def _chain(self, params: Params) -> str:
        return judged_ctes(
            self.kind,
            self.relation,
            self.columns,
            self.source.dialect,
            params,
            tz=self.req.tz,
            roster=self.roster,
            level=self.req.level,
        )

    def __enter__(self) -> _Stage:
        if self.source.dialect.temporary_tables:
            name = f"csperf_{self.kind}_{uuid.uuid4().hex}"
            params = Params()
            columns = ", ".join(judged_columns(self.kind))
            self.source._run_ddl(
                f"CREATE TEMPORARY TABLE {quote(name)} AS WITH {self._chain(params)} "
                f"SELECT {columns} FROM judged",
                params,
                self.relation.label,
            )
            self.table = name
            if self.relation.malformed is not None:
                self.malformed = [
                    (int(row["line"]), str(row["error_type"]), row["csv_line"])
                    for row in self.source._run(
                        self.relation.malformed, Params(), self.relation.label
                    )
                ]
        return self

    def position(self, pos: int) -> int:
        """The position of the ``pos``-th well-formed row among all rows."""
        for bad in sorted(line - 2 for line, _, _ in self.malformed):
            if bad <= pos:
                pos += 1
        return pos

    def __exit__(self, *exc: object) -> None:
        if self.table is not None:
            name, self.table = self.table, None
            self.source._run_ddl(f"DROP TABLE {quote(name)}", Params(), self.relation.label)

    def judged(self, params: Params, *, stored: bool = True) -> str:
        """CTEs up to ``judged`` (from the stored table when there is one and ``stored``)."""
        if stored and self.table is not None:
            return f"judged AS (SELECT * FROM {quote(self.table)})"
        return self._chain(params)

    def ctes(self, params: Params) -> str:
        """CTEs up to ``selected``."""
        return f"{self.judged(params)},\n{selected_ctes(self.kind, params, window=self.window)}"


def _names(
    what: str,
    mapping: Mapping[str, str],
    *,
    dotted: bool,
    tables: Iterable[str] = TABLES,
) -> dict[str, str]:
    known = tuple(tables)
    if not isinstance(mapping, Mapping):
        raise ConfigError(
            msg=f"{what} must be a mapping of record kind to name, got {mapping!r}",
            obj="SqlSource",
            field=what,
            value=mapping,
        )
    out = {}
    for table, name in mapping.items():
        if table not in known:
            raise ConfigError(
                msg=f"{what} names unknown table {table!r} (known: {', '.join(known)})",
                obj="SqlSource",
                field=what,
                value=table,
            )
        try:
            out[table] = check_identifier(
                name, obj="SqlSource", field=f"{what}[{table!r}]", dotted=dotted
            )
        except ValidationError as exc:
            raise ConfigError(msg=exc.message, field=exc.field, value=name) from None
    return out


def _column_names(mapping: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    if not isinstance(mapping, Mapping):
        raise ConfigError(
            msg=f"columns must be a mapping of record kind to {{field: column}}, got {mapping!r}",
            obj="SqlSource",
            field="columns",
            value=mapping,
        )
    out: dict[str, dict[str, str]] = {}
    for table, fields in mapping.items():
        if table not in TABLES or not isinstance(fields, Mapping):
            raise ConfigError(
                msg=f"columns[{table!r}] must name a known table (known: "
                f"{', '.join(TABLES)}) and map fields to columns",
                obj="SqlSource",
                field="columns",
                value=table,
            )
        unknown = sorted(set(fields) - set(COLUMNS[table]))
        if unknown:
            raise ConfigError(
                msg=f"columns[{table!r}] names unknown field {unknown[0]!r} "
                f"(fields: {', '.join(COLUMNS[table])})",
                obj="SqlSource",
                field=("columns", table),
                value=unknown[0],
            )
        out[table] = _names(f"columns[{table!r}]", fields, dotted=False, tables=COLUMNS[table])
    return out


# -- writing tables ---------------------------------------------------------------------


def _epoch(value: Any, table: str, field: str, tz: tzinfo | None) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            if tz is None:
                raise ValidationError(
                    msg=f"{table}.{field} holds a naive timestamp {value.isoformat()}; "
                    "SQLite stores UTC epoch seconds, so give aware timestamps or tz=",
                    obj="write_tables",
                    field=(table, field),
                    value=value,
                )
            value = value.replace(tzinfo=tz)
        return (value.astimezone(timezone.utc) - EPOCH) / timedelta(seconds=1)
    return value


def _cell(row: Any, field: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(field)
    return getattr(row, field, None)


def _duckdb_type(field_type: str, values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if field_type == "ts":
        if present and all(isinstance(v, datetime) and v.utcoffset() is not None for v in present):
            return "TIMESTAMPTZ"
        if present and all(isinstance(v, datetime) and v.utcoffset() is None for v in present):
            return "TIMESTAMP"
        return "TIMESTAMPTZ" if not present else "VARCHAR"
    if field_type == "bool":
        return "BOOLEAN" if all(isinstance(v, bool) for v in present) else "VARCHAR"
    if field_type == "real":
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            return "DOUBLE"
        return "VARCHAR"
    if (
        field_type == "id"
        and present
        and all(isinstance(v, int) and not isinstance(v, bool) for v in present)
    ):
        return "BIGINT"
    return "VARCHAR"


def write_tables(
    connection: Any,
    records_by_kind: Mapping[str, Iterable[Any]],
    *,
    roster: Roster | Iterable[Any] | None = None,
    dialect: str = "sqlite",
    tables: Mapping[str, str] | None = None,
    tz: Any = None,
) -> None:
    """Create and fill one table per record kind (and ``roster``) in the dialect's layout.

    A helper for tests, examples and small data; load big data with the engine's own bulk
    tools. Each table has the record's field names as columns. For SQLite, timestamps become
    UTC epoch seconds and the columns are left untyped, so each value keeps its type (a bad
    value stays bad and is rejected when measured). For DuckDB each column gets the type its
    values share (``TIMESTAMPTZ``, ``DOUBLE``, ``BOOLEAN``...; ``VARCHAR`` text otherwise).
    Rows are inserted in order, so positions in reports are the rows' indexes.

    Args:
        connection: A DB-API connection (``sqlite3`` or ``duckdb``).
        records_by_kind: Record kind → records or rows (mappings, attrs instances...).
        roster: A :class:`~csperf.metrics.Roster` or roster rows, written as ``roster``.
        dialect: ``"sqlite"`` or ``"duckdb"``.
        tables: Record kind → table name; default the kind's name.
        tz: For SQLite, the zone of naive timestamps (which it cannot store).

    Raises:
        ValidationError: For an unknown kind, a bad table name, or (SQLite) a naive
            timestamp without ``tz``.
    """
    from csperf._periods import as_timezone

    engine = dialect
    if engine not in ("sqlite", "duckdb"):
        raise ValidationError(
            msg=f"dialect must be 'sqlite' or 'duckdb', got {engine!r}",
            obj="write_tables",
            field="dialect",
            value=engine,
        )
    zone = None if tz is None else as_timezone(tz, obj="write_tables")
    names = dict(tables or {})
    data: dict[str, list[Any]] = {}
    for kind, rows in records_by_kind.items():
        if kind not in RECORD_KINDS:
            raise ValidationError(
                msg=f"unknown record kind {kind!r} (known: {', '.join(RECORD_KINDS)})",
                obj="write_tables",
                field="records_by_kind",
                value=kind,
            )
        data[kind] = list(rows)
    if roster is not None:
        data[ROSTER] = list(roster.entries if isinstance(roster, Roster) else roster)
    cursor = connection.cursor()
    for table, rows in data.items():
        name = check_identifier(
            names.get(table, table), obj="write_tables", field=f"tables[{table!r}]", dotted=True
        )
        fields = list(COLUMNS[table])
        cells = [[_cell(row, f) for f in fields] for row in rows]
        if engine == "sqlite":
            cells = [
                [
                    _epoch(v, table, f, zone) if COLUMNS[table][f] == "ts" else v
                    for f, v in zip(fields, line)
                ]
                for line in cells
            ]
            declared = ", ".join(quote(f) for f in fields)
        else:
            types = [
                _duckdb_type(COLUMNS[table][f], [line[i] for line in cells])
                for i, f in enumerate(fields)
            ]
            cells = [
                [
                    v.isoformat()
                    if t == "VARCHAR" and isinstance(v, datetime)
                    else (None if v is None else str(v))
                    if t == "VARCHAR"
                    else v
                    for v, t in zip(line, types)
                ]
                for line in cells
            ]
            declared = ", ".join(f"{quote(f)} {t}" for f, t in zip(fields, types))
        cursor.execute(f"CREATE TABLE {quote(name)} ({declared})")
        if cells:
            marks = ", ".join("?" for _ in fields)
            cursor.executemany(f"INSERT INTO {quote(name)} VALUES ({marks})", cells)
    commit = getattr(connection, "commit", None)
    if commit is not None:
        commit()
