"""The Ibis source: the catalog's metrics computed where the data is, on any Ibis backend."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs

from csperf.errors import ConfigError, MeasurementError, UnknownNameError, ValidationError
from csperf.metrics import RecordIssue, RejectedRecords, RejectReport, Roster
from csperf.metrics._engine import finish_columns
from csperf.metrics._ibis import EPOCH, fetch
from csperf.metrics._records import RECORD_KINDS, RosterEntry
from csperf.metrics._values import Outcomes
from csperf.sources._base import MetricSource, parse_options
from csperf.sources._common import request
from csperf.sources._measurements import MeasuredColumns, Measurements
from csperf.sources._schema import ROSTER, TABLES, check_identifier

__all__ = ["IbisSource", "write_tables"]

ROSTER_FIELDS = ("agent", "team", "manager", "valid_from", "valid_to")
"""The columns of the roster table."""

MAX_EXAMPLES = 20
"""How many rejected rows a report keeps as examples."""

#: The most bits (16 MiB) and the most bits per key that :meth:`IbisSource._unique_keys`
#: spends on proving integer keys distinct; a wider range of keys is grouped instead, and so
#: are the keys of every table when none has ``_MIN_KEYS_FOR_BITS`` keys (grouping them costs
#: less than a second query).
_MAX_KEY_BITS = 1 << 27
_KEY_BITS_PER_ROW = 64
_MIN_KEYS_FOR_BITS = 1 << 16
#: The most rows of a table whose key is not one integer column (a peer rating's rater,
#: ratee and time) that :meth:`IbisSource._unique_keys` groups by key to prove its keys
#: distinct; a larger table keeps the duplicate step (which groups them anyway).
_MAX_GROUPED_KEYS = 1 << 20

_PHRASES = {
    "missing_field": "is missing",
    "invalid_field": "cannot be read as its type",
    "response_before_creation": "is before created_at",
    "resolution_before_creation": "is before the time it must follow",
    "inconsistent": "is inconsistent with the record's other fields",
    "negative_duration": "is negative",
    "off_scale": "is off the scale",
    "duplicate": "repeats an earlier row's key",
    "unknown_agent": "is not on the roster",
    "not_on_roster": "is outside the agent's roster entries",
}


#: id of a database connection in use → [its lock, how many calls hold or await it]. An
#: entry lives only while a call that holds the connection (and so keeps its id unique) is
#: inside :func:`one_at_a_time`; connections need not support weak references (sqlite3's
#: do not).
_IN_USE: dict[int, list[Any]] = {}
_IN_USE_GUARD = threading.Lock()


def _database(connection: Any) -> Any:
    """The object an Ibis backend's calls share: the driver's connection, or Spark's session."""
    for attribute in ("con", "_session"):
        found = getattr(connection, attribute, None)
        if found is not None:
            return found
    return connection


@contextlib.contextmanager
def one_at_a_time(connection: Any, *, obj: str) -> Iterator[None]:
    """Run the block while no other csperf call uses ``connection``'s database connection.

    A driver connection (a DuckDB or sqlite3 connection, a psycopg connection, a Spark
    session) is not meant for concurrent statements: shared between threads, DuckDB
    deadlocked registering a table while another statement ran, and other drivers have
    returned wrong rows or crashed the process. Every source over one connection (two
    sources over one connection included) takes the same re-entrant lock, so the calls run
    one after the other, each seeing only its own state. A sqlite3 connection opened with
    the default ``check_same_thread=True`` and used from another thread is a
    :class:`~csperf.errors.ConfigError` saying how to share it.
    """
    database = _database(connection)
    key = id(database)
    with _IN_USE_GUARD:
        entry = _IN_USE.setdefault(key, [threading.RLock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    except Exception as exc:
        if type(exc).__module__.startswith("sqlite3") and "same thread" in str(exc):
            raise ConfigError(
                msg="the sqlite3 connection was opened in another thread; to share it between "
                "threads open it with sqlite3.connect(path, check_same_thread=False) and give "
                "that connection (csperf runs its calls on it one at a time)",
                obj=obj,
                field="connection",
                value=type(database).__name__,
            ) from exc
        raise
    finally:
        with _IN_USE_GUARD:
            entry[1] -= 1
            if entry[1] == 0:
                del _IN_USE[key]


def _identifier(value: Any, *, obj: str, field: str, dotted: bool = False) -> str:
    """A checked table or column name (see ``check_identifier``), else a ConfigError."""
    try:
        return check_identifier(value, obj=obj, field=field, dotted=dotted)
    except ValidationError as exc:
        raise ConfigError(msg=exc.message, obj=obj, field=field, value=value) from None


@attrs.frozen
class _Checks:
    """A kind's compiled record checks.

    Attributes:
        sql: The ``SELECT`` of the typed rows with ``_rule``, numbering only the rows of
            repeated keys (:func:`~csperf.metrics._tablechecks.checked_unnumbered`).
        labels: ``(reason, field)`` of each rule index.
        schema: The schema of those rows.
        valid_schema: The schema of the valid rows' record fields.
        repeated_sql: The ``SELECT`` of the keys that repeat, which ``sql`` reads as the
            statement's table ``_csperf_repeated_<kind>``; None when no key repeats (found
            beforehand): ``sql`` then has no duplicate step
            (:func:`~csperf.metrics._tablechecks.checked_unique`).
    """

    sql: str
    labels: tuple[tuple[str, str], ...]
    schema: Any
    valid_schema: Any
    repeated_sql: str | None


def _views(con: Any, kind: str, checks: _Checks, fields: list[str]) -> tuple[str, str]:
    """The SQL of a kind's valid rows and of its rule counts, over its checked rows."""
    from csperf.metrics._plan import placeholder, rules_piece, to_sql
    from csperf.metrics._tablechecks import RULE

    table = placeholder(f"checked_{kind}", checks.schema)
    valid = table.filter(table[RULE].isnull()).select(*fields)
    return to_sql(con, valid), to_sql(con, rules_piece(kind, table, RULE))


SPANS = "spans"
"""The statement's table of the roster's spans, computed once for every kind's checks
(:func:`~csperf.metrics._tablechecks.roster_spans`)."""


def _spans(roster_schema: Any) -> Any:
    """The placeholder of the statement's spans table, over a roster of ``roster_schema``."""
    from csperf.metrics._plan import placeholder
    from csperf.metrics._tablechecks import roster_spans

    return placeholder(SPANS, roster_spans(placeholder(ROSTER, roster_schema)).schema())


@functools.lru_cache(maxsize=8)
def _roster_of(content: tuple[tuple[tuple[str, str], ...], tuple[tuple[Any, ...], ...]]) -> Roster:
    """The :class:`Roster` of a roster table's content: its columns and their values.

    ``content`` is ``(columns, values)``: each column's name and Arrow type, and each
    column's values in row order. Checking a roster is a Python object per entry: a process
    measuring again over the same roster (another period, another level) reuses the one it
    checked, which the key, the table's whole content with its types, names exactly (the
    values of a column are all of the Python type and zone its Arrow type gives).

    Raises:
        ValidationError: For a bad entry or overlapping entries.
    """
    columns, values = content
    names = [name for name, _ in columns]
    entries = []
    for row in zip(*values, strict=True):
        entry = dict(zip(names, row, strict=True))
        # (a backend without timestamps stores them as integer microseconds)
        for field in ("valid_from", "valid_to"):
            if field in entry:
                entry[field] = _moment(entry[field])
        entries.append(entry)
    return Roster(entries)


def _moment(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return EPOCH + timedelta(microseconds=value)
    return value


class IbisSource(MetricSource):
    """The catalog's metrics computed inside any Ibis backend (PostgreSQL, DuckDB, Spark...).

    DuckDB, SQLite, PostgreSQL and Spark are checked by csperf's conformance suite; Trino,
    BigQuery or Snowflake run the same expressions. Each metric is one query returning a row
    per subject, and the record checks run in the database too: rows never pass through
    Python, except the first rejected rows kept as examples. One table per record kind (named
    after the kind: ``tickets``, ``surveys``, ``qa_reviews``, ``knowledge_tests``,
    ``peer_ratings``, ``sharing_items``) and a
    ``roster`` table, with the record's field names as columns; columns of optional fields
    may be absent. Tables are read typed (see :doc:`/reference/sources`): timestamps as int64
    epoch microseconds (the portable layout :func:`write_tables` writes) or timestamps with
    a time zone, flags as booleans or 0/1, numbers as numbers.

    Args:
        connection: An Ibis backend (``ibis.duckdb.connect()``, ``ibis.postgres.connect(...)``,
            ``ibis.pyspark.connect(session)``...) or a URL for :func:`ibis.connect`
            (``"postgres://user:pass@host/db"``, ``"duckdb:///file.ddb"``,
            ``"sqlite:///file.db"``).
        tables: Record kind (or ``"roster"``) → table name; only these tables are read.
            Default: each kind's own name, where such a table exists.
        columns: Record kind → field → column name, for tables whose columns are named
            otherwise.
        roster: A :class:`~csperf.metrics.Roster` to use instead of a roster table.
        order_by: Record kind → column giving the rows' input order (for duplicates and
            positions in reports). Default: the insertion order in DuckDB and SQLite; on
            other backends, whose scan order is arbitrary, the key fields, the timestamp and
            then the other fields. Ties in ``order_by`` are broken in that order too, NULLs
            last, so the row kept of two with one key is the same on every run.

    Attributes:
        connection: The Ibis backend.
        tables: Record kind (or ``"roster"``) → table name, as found.

    Raises:
        ConfigError: For a bad table name, a table that does not exist, or a connection
            that cannot be opened.

    Examples:
        >>> import ibis
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import SurveyAnswer
        >>> day = datetime(2026, 7, 2, tzinfo=timezone.utc)
        >>> con = ibis.duckdb.connect()
        >>> write_tables(con, {"surveys": [SurveyAnswer("ann", i, day, csat=s)
        ...                                for i, s in enumerate([5, 4, 2, 5])]})
        >>> m = IbisSource(con).measure(period="2026-Q3", tz="UTC")
        >>> m.value("ann", "customer_satisfaction")
        MetricValue(value=0.75, sample_size=4, flags=(), rejected=...)
    """

    name = "ibis"
    summary = "The catalog's metrics computed inside any Ibis backend (PostgreSQL, DuckDB...)."
    options: ClassVar[Mapping[str, str]] = {
        "url": "The database URL for ibis.connect (postgres://..., duckdb:///file.ddb).",
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
        order_by: Mapping[str, str] | None = None,
    ) -> None:
        from csperf.metrics._ibis import connect, table_names

        connection = _backend(connection) or connection
        if isinstance(connection, str):
            try:
                connection = connect(connection)
            except Exception as exc:
                raise ConfigError(
                    msg=f"cannot connect to {connection!r} ({exc})",
                    obj="IbisSource",
                    field="connection",
                    value=connection,
                ) from exc
        self.connection = connection
        for table in tables or {}:
            if table not in TABLES:
                raise ConfigError(
                    msg=f"tables names unknown record kind {table!r} (known: {', '.join(TABLES)})",
                    obj="IbisSource",
                    field="tables",
                    value=table,
                )
        given = {
            k: _identifier(v, obj="IbisSource", field=f"tables[{k!r}]", dotted=True)
            for k, v in (tables or {}).items()
        }
        if roster is not None and not isinstance(roster, Roster):
            raise ConfigError(
                msg=f"roster must be a Roster, got {type(roster).__name__}",
                obj="IbisSource",
                field="roster",
                value=roster,
            )
        if roster is not None and ROSTER in given:
            raise ConfigError(
                msg="give the roster as a Roster or as a table, not both",
                obj="IbisSource",
                field="roster",
                value=given[ROSTER],
            )
        with one_at_a_time(connection, obj=type(self).__name__):
            existing = set(table_names(connection))
        found: dict[str, str] = {}
        for table in TABLES:
            name = given.get(table, table)
            if table in given or (tables is None and name in existing):
                if "." not in name and name not in existing:
                    raise ConfigError(
                        msg=f"the {table} table {name!r} does not exist",
                        obj="IbisSource",
                        field=table,
                        value=name,
                    )
                found[table] = name
        if roster is not None:
            found.pop(ROSTER, None)
        self.tables = found
        self._roster = roster
        # the tables looked up by the measurement running in this thread
        self._measuring = threading.local()
        self._order_by = {
            k: _identifier(v, obj="IbisSource", field=f"order_by[{k!r}]")
            for k, v in (order_by or {}).items()
        }
        self._columns: dict[str, dict[str, str]] = {}
        for table, mapping in (columns or {}).items():
            if table not in TABLES:
                raise ConfigError(
                    msg=f"columns names unknown record kind {table!r}",
                    obj="IbisSource",
                    field="columns",
                    value=table,
                )
            fields = RECORD_KINDS[table].fields if table != ROSTER else ROSTER_FIELDS
            for field, column in mapping.items():
                if field not in fields:
                    raise ConfigError(
                        msg=f"columns names unknown field {field!r} of {table} "
                        f"(fields: {', '.join(fields)})",
                        obj="IbisSource",
                        field=f"columns[{table!r}]",
                        value=field,
                    )
                _identifier(column, obj="IbisSource", field=f"columns[{table!r}][{field!r}]")
            self._columns[table] = dict(mapping)

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> IbisSource:
        """``url=URL`` and optionally ``<kind>=TABLE``.

        Raises:
            ConfigError: For an unknown or missing option, or a URL that cannot be opened.
        """
        given = parse_options(cls.name, options, cls.options, ("url",))
        url = str(given.pop("url"))
        return cls(url, tables={k: str(v) for k, v in given.items()} or None)

    def _table(self, table: str) -> Any:
        # within one measurement each table is looked up once (its schema is a query)
        memo: dict[str, Any] | None = getattr(self._measuring, "tables", None)
        if memo is not None and table in memo:
            return memo[table]
        found = self._lookup(table)
        if memo is not None:
            memo[table] = found
        return found

    def _lookup(self, table: str) -> Any:
        from csperf.metrics._ibis import table as lookup

        name = self.tables[table]
        if "." in name:
            schema, _, leaf = name.rpartition(".")
            found = lookup(self.connection, leaf, schema)
        else:
            found = lookup(self.connection, name)
        renames = self._columns.get(table)
        if renames:
            for field, column in renames.items():
                if column not in found.columns:
                    raise ConfigError(
                        msg=f"no column {column!r} (for field {field!r}) in {name!r}",
                        obj="IbisSource",
                        field=f"columns[{table!r}][{field!r}]",
                        value=column,
                    )
            found = found.rename(dict(renames))
        return found

    def roster(self) -> Roster | None:
        """The roster: the one given, else the roster table read and checked, else None.

        Raises:
            ConfigError: For a bad roster row or overlapping entries.
        """
        if self._roster is not None or ROSTER not in self.tables:
            return self._roster
        with one_at_a_time(self.connection, obj=type(self).__name__):
            found = fetch(self.connection, self._table(ROSTER))
        # the whole content with its types (and so the zones): equal keys, equal rosters
        key = (
            tuple((f.name, str(f.type)) for f in found.schema),
            tuple(tuple(column.to_pylist()) for column in found.columns),
        )
        try:
            hash(key)
        except TypeError:  # a column of lists, say: checked (and refused) without the memo
            check = _roster_of.__wrapped__
        else:
            check = _roster_of
        try:
            return check(key)
        except ValidationError as exc:
            raise ConfigError(
                msg=f"roster table: {exc.message}", obj="IbisSource", field=exc.field
            ) from exc

    def _key(self, kind: str, raw: Any, roster_schema: Any) -> tuple[Any, ...]:
        """What a kind's compiled checks depend on: table, schema, renames, order, roster."""
        from csperf.metrics._plan import schema_key

        return (
            self.connection.name,
            kind,
            self.tables[kind],
            schema_key(raw.schema()),
            tuple(sorted(self._columns.get(kind, {}).items())),
            self._order_by.get(kind),
            None if roster_schema is None else schema_key(roster_schema),
        )

    def _checks(self, kind: str, roster_schema: Any, unique: bool = False) -> _Checks:
        """The SQL that checks the kind's table, compiled once per table, schema and roster.

        With ``unique`` (no key of the table repeats, :meth:`_unique_keys`), the checks
        leave out the duplicate step.
        """
        from csperf.metrics._plan import compiled

        raw = self._table(kind)
        key = ("checks", unique, *self._key(kind, raw, roster_schema))
        return compiled(key, lambda: self._compile_checks(kind, raw, roster_schema, unique))  # type: ignore[no-any-return]

    def _unique_keys(self, kinds: Iterable[str]) -> frozenset[str]:
        """The kinds whose table repeats no key, among ``kinds``, where that is cheap to settle.

        On DuckDB, for a key that is one integer column spanning a bounded range: the keys'
        least and greatest values (read from a Parquet file's statistics, or one pass over
        the column), then one bit per value of that range set by ``bitstring_agg``. The keys
        are all distinct exactly when as many bits are set as there are keys. That replaces a
        hash aggregate over every key (at 10M tickets about 1.6 s against 0.3 s). Any other
        key (several columns, such as a peer rating's rater, ratee and time, or text) in a
        table of at most ``_MAX_GROUPED_KEYS`` rows is distinct when the keys that repeat
        (:func:`~csperf.metrics._tablechecks.repeated_keys`, the duplicate step's own
        aggregate) are none. A repeat, an integer range too wide for the bits, a larger table
        or another backend leaves the kind out, and the duplicate step runs as always.

        The bounds and counts of every kind are one query, and the tests of every kind
        another, run when at least one table has ``_MIN_KEYS_FOR_BITS`` integer keys or a
        key of another form (otherwise grouping them all in the statement costs less than a
        second query).
        """
        from csperf.metrics._plan import compiled, to_sql
        from csperf.metrics._tablechecks import integer_key, repeated_keys

        con = self.connection
        if con.name != "duckdb":
            return frozenset()
        queries: dict[str, tuple[bool, str, str]] = {}
        for kind in kinds:
            raw = self._table(kind)

            def build(kind: str = kind, raw: Any = raw) -> tuple[bool, str, str]:
                from csperf.metrics._ibis import import_ibis

                ibis = import_ibis()
                spec = RECORD_KINDS[kind]
                source = f"table {self.tables[kind]!r}"
                keys = integer_key(spec, raw, source=source, backend=con.name)
                if keys is not None:
                    # (the keys present: aggregates skip a missing key's NULL)
                    bounds = keys.aggregate(
                        _lo=keys._k.min(), _hi=keys._k.max(), _n=keys._k.count()
                    )
                    return True, to_sql(con, keys), to_sql(con, bounds)
                repeated = repeated_keys(spec, raw, source=source, backend=con.name)
                nothing = ibis.null("int64")
                size = raw.aggregate(_lo=nothing, _hi=nothing, _n=raw.count())
                return False, to_sql(con, repeated), to_sql(con, size)

            queries[kind] = compiled(("key test", *self._key(kind, raw, None)), build)
        if not queries:
            return frozenset()
        order = list(queries)
        union = "\nUNION ALL\n".join(
            f"SELECT {i} AS _i, * FROM ({queries[k][2]}) AS _b{i}" for i, k in enumerate(order)
        )
        unique = set()
        tests = []
        worth = False
        for i, lo, hi, n in con.con.sql(union).fetchall():
            kind = order[i]
            integer, keys_sql, _ = queries[kind]
            if not n:
                unique.add(kind)
                continue
            if not integer:
                if n <= _MAX_GROUPED_KEYS:
                    worth = True
                    tests.append(
                        f"SELECT {i} AS _i, count(*) = 0 AS _unique FROM ({keys_sql}) AS _k{i}"
                    )
                continue
            span = int(hi) - int(lo) + 1
            if span > min(_MAX_KEY_BITS, max(1 << 20, _KEY_BITS_PER_ROW * int(n))):
                continue
            worth = worth or n >= _MIN_KEYS_FOR_BITS
            bits = f"bitstring_agg(_k, {int(lo)}, {int(hi)})"
            tests.append(
                f"SELECT {i} AS _i, bit_count({bits}) = {int(n)} AS _unique "
                f"FROM ({keys_sql}) AS _k{i}"
            )
        # a small table is tested too when the query runs for a large one (it costs little
        # more, and a statement without duplicate steps is also quicker to plan)
        if worth:
            unique.update(
                order[i] for i, ok in con.con.sql("\nUNION ALL\n".join(tests)).fetchall() if ok
            )
        return frozenset(unique)

    def _numbering(self, kind: str, raw: Any) -> Callable[[Any], Any]:
        """A function numbering a table's rows (``_position``) in the kind's row order.

        Raises:
            ConfigError: For an ``order_by`` column the table lacks.
        """
        from csperf.metrics._ibis import import_ibis
        from csperf.metrics._tablechecks import POSITION

        ibis = import_ibis()
        spec = RECORD_KINDS[kind]
        order = self._order_by.get(kind)
        if order is not None and order not in raw.columns:
            raise ConfigError(
                msg=f"order_by names column {order!r}, which {self.tables[kind]!r} lacks",
                obj="IbisSource",
                field=f"order_by[{kind!r}]",
                value=order,
            )
        duckdb_or_sqlite = self.connection.name in ("duckdb", "sqlite")

        # ties broken by the key, the time and then every other field, NULLs last: the first
        # of two rows with one key is the same on every run (only rows equal in every field
        # remain tied, and either is the same record)
        first = (*spec.key_fields, spec.time_field)
        fields = [*first, *(f for f in spec.fields if f not in first)]

        def numbered(t: Any) -> Any:
            ties = [t[f].asc(nulls_first=False) for f in fields if f in t.columns]
            if order is not None:
                number = ibis.row_number().over(order_by=[t[order].asc(nulls_first=False), *ties])
            elif duckdb_or_sqlite:
                number = ibis.row_number().over()  # the scan order: insertion order
            else:
                # a server's scan order is arbitrary (and Spark needs an order)
                number = ibis.row_number().over(order_by=ties)
            return t.mutate(**{POSITION: number})

        return numbered

    def _compile_checks(
        self, kind: str, raw: Any, roster_schema: Any, unique: bool = False
    ) -> _Checks:
        from csperf.metrics._plan import placeholder, to_sql
        from csperf.metrics._tablechecks import checked_unique, checked_unnumbered, repeated_keys

        spec = RECORD_KINDS[kind]
        numbered = self._numbering(kind, raw)
        source = f"table {self.tables[kind]!r}"
        backend = self.connection.name
        spans = None if roster_schema is None else _spans(roster_schema)
        fields = list(spec.fields)
        if unique:
            found, labels = checked_unique(spec, raw, spans=spans, source=source, backend=backend)
            return _Checks(
                to_sql(self.connection, found),
                labels,
                found.schema(),
                found.select(*fields).schema(),
                None,
            )
        repeated = repeated_keys(spec, raw, source=source, backend=backend)
        found, labels = checked_unnumbered(
            spec,
            raw,
            numbered,
            placeholder(f"repeated_{kind}", repeated.schema()),
            spans=spans,
            source=source,
            backend=backend,
        )
        return _Checks(
            to_sql(self.connection, found),
            labels,
            found.schema(),
            found.select(*fields).schema(),
            to_sql(self.connection, repeated),
        )

    def _numbered_checks(self, kind: str, roster_schema: Any) -> tuple[str, Any]:
        """The checked rows with ``_position``, every row numbered, and their schema.

        Only the rejected rows' examples need it (a position is a row's place in the whole
        table): compiled when a measurement first rejects a row of the table.
        """
        from csperf.metrics._plan import compiled, to_sql
        from csperf.metrics._tablechecks import checked, typed

        raw = self._table(kind)

        def build() -> tuple[str, Any]:
            spec = RECORD_KINDS[kind]
            source = f"table {self.tables[kind]!r}"
            backend = self.connection.name
            spans = None if roster_schema is None else _spans(roster_schema)
            every, _ = checked(
                spec,
                typed(spec, self._numbering(kind, raw)(raw), source=source, backend=backend),
                spans=spans,
            )
            return to_sql(self.connection, every), every.schema()

        key = ("numbered checks", *self._key(kind, raw, roster_schema))
        return compiled(key, build)  # type: ignore[no-any-return]

    def _report(
        self,
        kind: str,
        checks: _Checks,
        counts: Mapping[int | None, int],
        tables: tuple[tuple[str, str, bool], ...],
        strict: bool,
        roster_schema: Any,
    ) -> RejectReport:
        from csperf.metrics._plan import Piece, Plan, execute, placeholder, to_sql
        from csperf.metrics._tablechecks import POSITION, RULE

        labels = checks.labels
        total = sum(counts.values())
        reasons: dict[str, int] = {}
        for rule, n in counts.items():
            if rule is not None:
                reason = labels[rule][0]
                reasons[reason] = reasons.get(reason, 0) + int(n)
        if not reasons:
            return RejectReport(kind, total, 0, reasons, ())
        # the first rejected rows, as examples: a second statement, only when there are any
        # (from the rows numbered all: a row's position is its place in the whole table)
        numbered_sql, numbered_schema = self._numbered_checks(kind, roster_schema)
        table = placeholder(f"checked_{kind}", numbered_schema)
        limit = 1 if strict else MAX_EXAMPLES
        firsts = table.filter(table[RULE].notnull()).order_by(POSITION).limit(limit)
        piece = Piece("examples", to_sql(self.connection, firsts))
        needed = tuple(t for t in tables if t[0] in (ROSTER, SPANS))
        needed += ((f"checked_{kind}", numbered_sql, True),)
        plan = Plan(needed, (piece,))
        rows = execute(self.connection, plan, numbered_schema).to_pylist()
        times = {name for name, column in RECORD_KINDS[kind].columns.items() if column == "ts"}
        record = RECORD_KINDS[kind].record_type.__name__
        examples = []
        for row in sorted(rows, key=lambda r: r[POSITION]):
            reason, fault = labels[row[RULE]]
            fields = fault.split(", ")
            values = [_moment(row.get(f)) if f in times else row.get(f) for f in fields]
            value = values[0] if len(values) == 1 else tuple(values)
            message = f"{record}: field {fault!r} {_PHRASES.get(reason, reason)}, got {value!r}"
            examples.append(RecordIssue(int(row[POSITION]), reason, fault, value, message))
        if strict and examples:
            first = examples[0]
            raise MeasurementError(
                msg=f"{kind} row {first.position}: {first.message}",
                field=first.field,
                value=first.value,
                position=first.position,
                reason=first.reason,
            )
        return RejectReport(kind, total, sum(reasons.values()), reasons, tuple(examples))

    def _people(self, roster: Roster | None) -> Any:
        """The roster as a table on the backend, to be joined once per record kind.

        A roster table is used where it lies (it was read and checked as a
        :class:`~csperf.metrics.Roster` first); a roster given in Python is uploaded.
        """
        from csperf.metrics._ibis import import_ibis, roster_table
        from csperf.metrics._tablechecks import micros_of

        ibis = import_ibis()
        if roster is None:
            return None
        if self._roster is not None or ROSTER not in self.tables:
            return ibis.memtable(roster_table(roster))
        raw = self._table(ROSTER)
        source = f"table {self.tables[ROSTER]!r}"
        columns = {f: raw[f].cast("string") for f in ("agent", "team", "manager")}
        for f in ("valid_from", "valid_to"):
            present = f in raw.columns
            columns[f] = (
                micros_of(raw[f], name=f, source=source, backend=self.connection.name)
                if present
                else ibis.null("int64")
            )
        return raw.select(**columns)

    def _prechecked(
        self, kind: str, roster: Roster | None, tz: Any, strict: bool
    ) -> tuple[Any, RejectReport] | None:
        """The valid records of a kind this source checks in Python (a table), or None."""
        return None

    def _run(
        self, req: Any, people: Any, roster: Roster | None, strict: bool
    ) -> tuple[dict[str, Outcomes], dict[str, RejectReport]]:
        """The one statement of a measurement (see :mod:`csperf.metrics._plan`), and reports."""
        from csperf.metrics._ibis import arrow_table, import_ibis, period_micros
        from csperf.metrics._plan import (
            Piece,
            Plan,
            compiled,
            metric_pieces,
            placeholder,
            run_plan,
            schema_key,
            to_sql,
        )
        from csperf.metrics._tablechecks import roster_spans

        ibis = import_ibis()
        con = self.connection
        roster_schema = None if people is None else people.schema()
        tables: list[tuple[str, str, bool]] = []
        if people is not None:
            if self._roster is None:  # the roster table, as it lies: compiled once
                key = ("people", *self._key(ROSTER, self._table(ROSTER), None))
                tables.append((ROSTER, compiled(key, lambda: to_sql(con, people)), False))
            else:
                tables.append((ROSTER, to_sql(con, people), False))
            spans_sql = compiled(
                ("spans", con.name, schema_key(roster_schema)),
                lambda: to_sql(con, roster_spans(placeholder(ROSTER, roster_schema))),
            )
            tables.append((SPANS, spans_sql, True))
        checks: dict[str, _Checks] = {}
        schemas: dict[str, Any] = {}
        rule_pieces = []
        reports: dict[str, RejectReport] = {}
        prechecked = {kind: self._prechecked(kind, roster, req.tz, strict) for kind in req.kinds}
        unique = self._unique_keys(
            k for k in req.kinds if prechecked[k] is None and k in self.tables
        )
        for kind in req.kinds:
            fields = list(RECORD_KINDS[kind].fields)
            given = prechecked[kind]
            if given is not None:
                table, reports[kind] = given
                tables.append((f"valid_{kind}", to_sql(con, table), False))
                schemas[kind] = table.schema()
                continue
            if kind not in self.tables:
                empty = ibis.memtable(arrow_table(RECORD_KINDS[kind].record_type, ()))
                tables.append((f"valid_{kind}", to_sql(con, empty), False))
                schemas[kind] = empty.schema()
                continue
            found = checks[kind] = self._checks(kind, roster_schema, kind in unique)
            if found.repeated_sql is not None:
                tables.append((f"repeated_{kind}", found.repeated_sql, True))
            tables.append((f"checked_{kind}", found.sql, True))
            valid_sql, rules_sql = compiled(
                ("views", con.name, kind, schema_key(found.schema)),
                functools.partial(_views, con, kind, found, fields),
            )
            tables.append((f"valid_{kind}", valid_sql, False))
            schemas[kind] = found.valid_schema
            rule_pieces.append(Piece(f"_rules:{kind}", rules_sql))
        fused, pieces = metric_pieces(
            con,
            req.specs,
            req.options,
            schemas=schemas,
            roster_schema=roster_schema,
            level=req.level,
            period=period_micros(req.bounds),
        )
        plan = Plan((*tables, *fused), (*pieces, *rule_pieces))
        outcomes, counts = run_plan(con, plan)
        for kind in req.kinds:
            if kind in checks:
                reports[kind] = self._report(
                    kind, checks[kind], counts[kind], plan.tables, strict, roster_schema
                )
            elif kind not in reports:
                reports[kind] = RejectReport(kind, 0, 0)
        return outcomes, reports

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
        """Check and measure the tables in the database (see :meth:`MetricSource.measure`).

        Raises:
            ConfigError: For a table with a missing required column or a column of the
                wrong type.
            ValidationError: For a bad level, period, zone or option, or a team or manager
                level without a roster.
            UnknownNameError: For an unknown metric, or a metric without an Ibis expression
                (a plugin's Python ``compute``).
            MeasurementError: With ``strict=True``, for the first bad row.
        """
        from csperf.metrics._ibis import import_ibis

        import_ibis()  # explains a missing metrics extra before anything else
        with one_at_a_time(self.connection, obj=type(self).__name__):
            self._measuring.tables = {}
            try:
                return self._measure(period, level, metrics, tz, strict, options)
            finally:
                self._measuring.tables = None

    def _measure(
        self,
        period: Any,
        level: str,
        metrics: Iterable[str] | str | None,
        tz: Any,
        strict: bool,
        options: dict[str, Any],
    ) -> Measurements:
        if metrics is None:
            from csperf.hooks.manager import get_plugin_manager

            present = {k for k in RECORD_KINDS if k in self.tables}
            metrics = [
                spec.name
                for spec in get_plugin_manager().metrics().values()
                if spec.record_kind in present and spec.expression is not None
            ]
        req = request(
            period=period,
            level=level,
            metrics=metrics,
            tz=tz,
            options=options,
            kinds=[k for k in RECORD_KINDS if k in self.tables],
        )
        refused = [s.name for s in req.specs if s.expression is None]
        if refused:
            raise UnknownNameError(
                "metric",
                refused[0],
                tuple(s.name for s in req.specs if s.expression is not None),
                msg=f"metric {refused[0]!r} has no SQL definition (it has no Ibis expression); "
                "measure it from records or CSV files",
                obj=type(self).__name__,
                field="metrics",
            )
        roster = self.roster()
        if req.level != "agent" and roster is None:
            raise ValidationError(
                msg=f"level {req.level!r} needs a roster (a roster table or roster=)",
                obj="measure",
                field="roster",
            )
        people = self._people(roster)
        outcomes, reports = self._run(req, people, roster, strict)
        subjects: set[str] = set()
        if roster is not None:
            subjects.update(roster.subjects(req.level, req.bounds))
        for each in outcomes.values():
            subjects.update(each)
        ordered = sorted(subjects)
        columns = {}
        for spec in req.specs:
            report = reports[spec.record_kind]
            found = finish_columns(
                outcomes[spec.name], ordered, min_sample=req.minimums.get(spec.name), report=report
            )
            columns[spec.name] = (*found, report)
        values = MeasuredColumns(ordered, columns)
        return Measurements(
            period=req.period,
            level=req.level,
            metrics=[spec.name for spec in req.specs],
            values=values,
            rejected=RejectedRecords(reports),
            source=self.name,
        )


def _portable(kind: str, record_type: type, rows: Any, *, tz: Any) -> Any:
    """Rows as a pyarrow Table in the portable layout, cells read by :mod:`csperf._cells`.

    The rows are not checked (a bad but typed row is written as it is, for the source to
    reject); a cell that cannot be stored in its column's type raises.
    """
    import attrs
    import pyarrow as pa

    from csperf._cells import COLUMN, WHOLE, coerce_cell
    from csperf.metrics._ibis import micros
    from csperf.metrics._validate import _MISSING, _field_getter, _is_missing, iter_rows

    fields = attrs.fields(record_type)
    columns: dict[str, list[Any]] = {a.name: [] for a in fields}
    for position, row in enumerate(iter_rows(rows)):
        get = _field_getter(row)
        for a in fields:
            column, whole = a.metadata[COLUMN], bool(a.metadata.get(WHOLE, False))
            value = get(a.name)
            if value is _MISSING or _is_missing(value):
                columns[a.name].append(None)
                continue
            value = coerce_cell(column, value, tz)
            ok = True
            if column == "ts":
                ok = isinstance(value, datetime) and value.utcoffset() is not None
                value = micros(value) if ok else value
            elif column == "id":
                ok = isinstance(value, (str, int)) and not isinstance(value, bool)
                value = str(value)
            elif column == "bool":
                ok = isinstance(value, bool)
            elif column == "real":
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                if ok and whole and float(value).is_integer():
                    value = int(value)
                elif ok:
                    value = float(value)
            else:
                ok = isinstance(value, str)
            if not ok:
                raise ValidationError(
                    msg=f"{kind} row {position}: field {a.name!r} cannot be stored as "
                    f"{column}, got {value!r}",
                    obj="write_tables",
                    field=a.name,
                    value=value,
                    position=position,
                )
            columns[a.name].append(value)
    types = {"ts": pa.int64(), "bool": pa.bool_(), "id": pa.string(), "name": pa.string()}
    schema = []
    for a in fields:
        column, whole = a.metadata[COLUMN], bool(a.metadata.get(WHOLE, False))
        typ = types.get(column) or (pa.float64() if not whole else pa.int64())
        if column == "real" and whole and any(isinstance(v, float) for v in columns[a.name]):
            typ = pa.float64()
        schema.append(pa.field(a.name, typ))
    return pa.table(columns, schema=pa.schema(schema))


def write_tables(
    connection: Any,
    records_by_kind: Mapping[str, Any],
    *,
    roster: Roster | Any = None,
    tables: Mapping[str, str] | None = None,
    tz: Any = None,
    overwrite: bool = True,
) -> None:
    """Write records or rows into an Ibis backend in the portable layout of :class:`IbisSource`.

    Each kind becomes a table of its record fields: timestamps as int64 epoch microseconds,
    identifiers as text (an integer identifier ``7`` is written ``"7"``), flags as booleans,
    numbers as numbers. Cells are read as everywhere in csperf (:mod:`csperf._cells`); rows
    are written as they are, unchecked, so that a bad row reaches the source's checks.

    Args:
        connection: An Ibis backend, a URL for :func:`ibis.connect`, or a ``sqlite3`` or
            ``duckdb`` connection.
        records_by_kind: Record kind → records or rows.
        roster: A :class:`~csperf.metrics.Roster` (or its rows), written as the ``roster``
            table.
        tables: Record kind (or ``"roster"``) → table name; default the kind's name.
        tz: The zone of naive timestamps; without it a naive timestamp raises.
        overwrite: Replace tables that exist.

    Raises:
        ValidationError: For a cell that cannot be stored in its column (a naive timestamp
            without ``tz``, text in a number column...).
    """
    from csperf._periods import as_timezone
    from csperf.metrics._ibis import connect

    con = _backend(connection)
    if con is None:
        con = connect(connection)
    names = dict(tables or {})
    zone = None if tz is None else as_timezone(tz, obj="write_tables")
    for kind, rows in records_by_kind.items():
        if kind not in RECORD_KINDS:
            raise ValidationError(
                msg=f"unknown record kind {kind!r} (known: {', '.join(RECORD_KINDS)})",
                obj="write_tables",
                field="records_by_kind",
                value=kind,
            )
        table = _portable(kind, RECORD_KINDS[kind].record_type, rows, tz=zone)
        with one_at_a_time(con, obj="write_tables"):
            con.create_table(names.get(kind, kind), table, overwrite=overwrite)
    if roster is not None:
        entries = roster.entries if isinstance(roster, Roster) else roster
        table = _portable(ROSTER, RosterEntry, entries, tz=zone)
        with one_at_a_time(con, obj="write_tables"):
            con.create_table(names.get(ROSTER, ROSTER), table, overwrite=overwrite)


def _backend(connection: Any) -> Any:
    """An Ibis backend over a ``sqlite3`` or ``duckdb`` connection, else None.

    Ibis sets a DuckDB connection's session time zone to UTC; the caller's zone is restored
    (csperf computes on epoch microseconds, which no session zone changes).
    """
    module = type(connection).__module__.split(".")[0]
    if module in ("sqlite3", "_sqlite3"):
        from csperf.metrics._ibis import import_ibis

        return import_ibis().sqlite.from_connection(connection)
    if module in ("duckdb", "_duckdb"):
        from csperf.metrics._ibis import import_ibis

        with one_at_a_time(connection, obj="connection"):
            zone = connection.execute("SELECT current_setting('TimeZone')").fetchone()[0]
            backend = import_ibis().duckdb.from_connection(connection)
            quoted = str(zone).replace("'", "''")
            connection.execute(f"SET TimeZone = '{quoted}'")
        return backend
    return None
