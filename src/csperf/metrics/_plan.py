"""One statement per measurement: the record checks and every metric in a single query.

A measurement used to run one query per metric over tables of checked records that were
first materialised as temporary tables (about 80 % of the time at a million tickets went to
writing them). Now the backend runs one statement::

    WITH "_csperf_roster"          AS (<the roster in the engine's layout>),
         "_csperf_checked_tickets" AS MATERIALIZED (<typed rows with their rule>),
         "_csperf_valid_tickets"   AS (SELECT <fields> FROM ... WHERE "_rule" IS NULL),
         ...
    SELECT * FROM (<metric 1>) UNION ALL SELECT * FROM (<metric 2>) UNION ALL ...
    UNION ALL SELECT * FROM (<rule counts of each kind>)

Every piece is an Ibis expression compiled by the backend's own compiler; this module only
names the pieces and joins them with ``WITH`` and ``UNION ALL``. The metric pieces are
compiled over *placeholder* tables (``_csperf_valid_<kind>``, ``_csperf_roster``) of the
checked tables' schemas, so a metric's SQL depends only on its options, the level, the
period and the schemas: it is compiled once per process and reused (:func:`compiled`).

Each piece has the same five columns: ``part`` (the metric's name, or ``_rules:<kind>``),
``subject`` (text), ``value`` (float64), ``n`` (the sample size, or a rule's row count) and
``bits`` (the metric's flags as a bit set, in the order of its ``flag_`` columns).

``MATERIALIZED`` is written for DuckDB, PostgreSQL and SQLite, which evaluate such a CTE
once; elsewhere (Spark, the warehouses) the keyword is not part of the dialect and the
backend decides.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from csperf.metrics._ibis import FLAG, SUBJECT, fetch, import_ibis
from csperf.metrics._values import Outcomes

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Piece", "Plan", "compiled", "placeholder", "run_plan"]

PREFIX = "_csperf_"
"""The prefix of the statement's own table names."""

RULES = "_rules:"
"""The ``part`` of a kind's rule counts (``_rules:tickets``)."""

#: The backends that evaluate a ``MATERIALIZED`` CTE once.
MATERIALIZING = frozenset({"duckdb", "postgres", "sqlite"})

#: Ibis writes ``row_number()`` without an order with a frame, which keeps DuckDB from
#: streaming it (numbering a million rows then costs a materialisation of every column);
#: ``ROW_NUMBER`` ignores any frame, so the bare form is the same number.
_FRAMED_ROW_NUMBER = "ROW_NUMBER() OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"

_CACHE_SIZE = 512
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def compiled(key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()``, computed once per ``key`` in this process (a bounded LRU cache).

    The key must hold everything the result depends on (backend, schemas, options, level,
    period); a compiled statement holds no data.
    """
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def placeholder(name: str, schema: Any) -> ir.Table:
    """An unbound table ``_csperf_<name>`` of ``schema``, for compiling a piece."""
    return import_ibis().table(schema, name=PREFIX + name)


def schema_key(schema: Any) -> tuple[tuple[str, str], ...]:
    """A hashable form of an Ibis schema."""
    return tuple((str(name), str(dtype)) for name, dtype in schema.items())


def to_sql(connection: Any, expression: Any) -> str:
    """``expression`` compiled by the backend's compiler (memtables registered first)."""
    # Ibis registers memtables and UDFs just before it executes an expression; the statement
    # is executed as SQL text, so that is done here (Ibis 12, pinned by the metrics extra).
    connection._run_pre_execute_hooks(expression)
    sql = str(connection.compile(expression))
    if connection.name == "duckdb":
        sql = sql.replace(_FRAMED_ROW_NUMBER, "ROW_NUMBER() OVER ()")
    return sql


@attrs.frozen
class Piece:
    """One compiled part of the statement.

    Attributes:
        part: What the rows are: a metric's name or ``_rules:<kind>``.
        sql: The ``SELECT`` giving ``part, subject, value, n, bits``.
        flags: The metric's flag names, bit ``i`` for ``flags[i]``.
    """

    part: str
    sql: str
    flags: tuple[str, ...] = ()


def metric_piece(name: str, result: ir.Table) -> tuple[ir.Table, tuple[str, ...]]:
    """A metric's result table in the statement's five columns, and its flag names."""
    ibis = import_ibis()
    flags = tuple(c for c in result.columns if c.startswith(FLAG))
    bits: Any = ibis.literal(0, "int64")
    for i, column in enumerate(flags):
        bits = bits + ibis.cases((result[column].fill_null(False), 1 << i), else_=0)
    table = result.select(
        part=ibis.literal(name, "string"),
        subject=result[SUBJECT].cast("string"),
        value=result.value.cast("float64"),
        n=result.sample_size.cast("int64"),
        bits=bits.cast("int64"),
    )
    return table, tuple(c[len(FLAG) :] for c in flags)


def rules_piece(kind: str, checked: ir.Table, rule: str) -> ir.Table:
    """A kind's row count per rule (NULL: valid rows) in the statement's five columns."""
    ibis = import_ibis()
    counts = checked.group_by(rule).aggregate(_n=checked.count())
    return counts.select(
        part=ibis.literal(RULES + kind, "string"),
        subject=counts[rule].cast("string"),
        value=ibis.null("float64"),
        n=counts._n.cast("int64"),
        bits=ibis.literal(0, "int64"),
    )


@attrs.frozen
class Plan:
    """The statement: named tables (``WITH``) and the pieces (``UNION ALL``).

    Attributes:
        tables: ``(name, sql, materialized)`` in order: each may refer to the earlier ones.
        pieces: The pieces.
    """

    tables: tuple[tuple[str, str, bool], ...]
    pieces: tuple[Piece, ...]

    def sql(self, connection: Any) -> str:
        """The statement's text in the backend's dialect."""
        import sqlglot

        dialect = connection.compiler.dialect

        def quoted(name: str) -> str:
            return str(sqlglot.exp.to_identifier(PREFIX + name, quoted=True).sql(dialect=dialect))

        # said both ways: DuckDB also materialises, unasked, a CTE that is read more than once
        keywords = ("", "")
        if connection.name in MATERIALIZING:
            keywords = (" NOT MATERIALIZED", " MATERIALIZED")
        ctes = [
            f"{quoted(name)} AS{keywords[materialized]} (\n{sql}\n)"
            for name, sql, materialized in self.tables
        ]
        parts = [
            f"SELECT * FROM (\n{p.sql}\n) AS {quoted(f'p{i}')}" for i, p in enumerate(self.pieces)
        ]
        head = "WITH " + ",\n".join(ctes) + "\n" if ctes else ""
        return head + "\nUNION ALL\n".join(parts)


def execute(connection: Any, plan: Plan, schema: Any = None) -> Any:
    """Run the statement: a pyarrow Table of ``schema`` (default: the pieces' five columns)."""
    text = plan.sql(connection)
    if connection.name == "duckdb":
        # the statement straight to DuckDB (Ibis would first ask DuckDB for its schema); as
        # a relation: ``execute(text)`` binds it once, not twice, but DuckDB 1.5.6 hangs
        # running the statement of 10M tickets that way (see the Performance page)
        return connection.con.sql(text).to_arrow_table()
    with _without_jit(connection):
        return fetch(connection, connection.sql(text, schema=schema or piece_schema()))


@contextlib.contextmanager
def _without_jit(connection: Any) -> Iterator[None]:
    """On PostgreSQL, the statement runs with ``jit`` off; the session's setting is restored.

    PostgreSQL compiles a statement whose estimated cost is high with LLVM. The estimate of a
    statement of many ``WITH`` tables is far off, and compiling the measurement's statement
    took 12 of its 33 s at a million tickets (the results are the same either way). Other
    backends are left as they are.
    """
    before = None
    if connection.name == "postgres":
        # (NULL on a server without JIT, before PostgreSQL 11)
        with contextlib.closing(connection.raw_sql("SELECT current_setting('jit', true)")) as c:
            (before,) = c.fetchone()
    if before is None:
        yield
        return
    with contextlib.closing(connection.raw_sql("SELECT set_config('jit', 'off', false)")):
        pass
    try:
        yield
    finally:
        restore = "SELECT set_config('jit', %s, false)"
        with contextlib.closing(connection.raw_sql(restore, params=(str(before),))):
            pass


def piece_schema() -> Any:
    """The schema of every piece: ``part, subject, value, n, bits``."""
    ibis = import_ibis()
    return ibis.schema(
        {"part": "string", "subject": "string", "value": "float64", "n": "int64", "bits": "int64"}
    )


def run_plan(
    connection: Any, plan: Plan
) -> tuple[dict[str, Outcomes], dict[str, dict[int | None, int]]]:
    """Run the statement: metric → its :class:`Outcomes`, and kind → rule index → row count.

    A rule index of None counts the valid rows.
    """
    if not plan.pieces:
        return {}, {}
    table = execute(connection, plan)
    outcomes: dict[str, Outcomes] = {}
    counts: dict[str, dict[int | None, int]] = {}
    # column by column, a piece at a time (a measurement returns a row per subject and
    # metric: 130,000 at ten thousand agents): each column converted once, then the rows
    # sorted by piece (a stable sort: each piece's rows keep their order) and cut in slices
    import pyarrow as pa
    import pyarrow.compute as pc

    # (a backend may widen the union's columns: DuckDB gives a DECIMAL sum as DECIMAL)
    values = table.column("value").cast(pa.float64())
    if pc.any(pc.is_nan(values)).as_py():
        values = pc.if_else(pc.is_nan(values), pa.scalar(None, pa.float64()), values)
    table = pa.table(
        {
            "part": table.column("part"),
            "subject": table.column("subject"),
            "value": values,
            "n": pc.fill_null(table.column("n").cast(pa.int64()), 0),
            "bits": pc.fill_null(table.column("bits").cast(pa.int64()), 0),
        }
    ).sort_by("part")
    slices: dict[str, Any] = {}
    offset = 0
    for entry in pc.value_counts(table.column("part")).to_pylist():
        slices[entry["values"]] = table.slice(offset, entry["counts"])
        offset += entry["counts"]
    empty = table.slice(0, 0)
    for piece in plan.pieces:
        rows = slices.get(piece.part, empty)
        subjects = rows.column("subject").to_pylist()
        sizes = rows.column("n").to_pylist()
        if piece.part.startswith(RULES):
            counts[piece.part[len(RULES) :]] = {
                None if subject is None else int(subject): n
                for subject, n in zip(subjects, sizes, strict=True)
            }
            continue
        bits = rows.column("bits")
        raised = None
        if rows.num_rows and pc.max(bits).as_py():
            each = bits.to_pylist()
            known = {
                b: tuple(f for i, f in enumerate(piece.flags) if b >> i & 1) for b in set(each)
            }
            raised = [known[b] for b in each]
        outcomes[piece.part] = Outcomes(subjects, rows.column("value").to_pylist(), sizes, raised)
    return outcomes, counts


def metric_pieces(
    connection: Any,
    specs: Sequence[Any],
    options: Mapping[str, Mapping[str, Any]],
    *,
    schemas: Mapping[str, Any],
    roster_schema: Any,
    level: str | None,
    period: tuple[int | None, int | None] | None,
) -> tuple[list[tuple[str, str, bool]], list[Piece]]:
    """The metrics' tables and pieces over the placeholders ``_csperf_valid_<kind>`` and roster.

    On a backend that materialises a ``WITH`` table once (:data:`MATERIALIZING`), the metrics
    of one kind that are plain per-subject aggregates are computed by one aggregate, the
    table ``_csperf_fused_<kind>`` (:mod:`csperf.metrics._fusion`), and their pieces read it;
    elsewhere, and for every other metric, a piece is the metric's own expression.

    Returns:
        The ``WITH`` tables the pieces read (``(name, sql, materialized)``), and the pieces
        in the order of ``specs``. Compiled once per (backend, metrics, options, level,
        period, schemas) in the process.
    """
    schema_keys = {k: schema_key(s) for k, s in schemas.items()}
    roster_key = None if roster_schema is None else schema_key(roster_schema)
    jobs: dict[str, list[tuple[Any, dict[str, Any], Hashable | None]]] = {}
    for spec in specs:
        opts = dict(options.get(spec.name, {}))
        settings = options_key(opts)
        key = None
        if settings is not None:
            key = (
                spec.name,
                spec.expression,
                settings,
                schema_keys[spec.record_kind],
            )
        jobs.setdefault(spec.record_kind, []).append((spec, opts, key))
    context = (
        connection.name,
        level,
        period,
        roster_key if level in ("team", "manager") else None,
    )
    tables: list[tuple[str, str, bool]] = []
    found: dict[str, Piece] = {}
    for kind, members in jobs.items():

        def build(
            kind: str = kind, members: list[tuple[Any, dict[str, Any], Any]] = members
        ) -> tuple[tuple[str, str, bool] | None, tuple[Piece, ...]]:
            return _kind_pieces(
                connection,
                kind,
                [(spec, opts) for spec, opts, _ in members],
                schemas=schemas,
                roster_schema=roster_schema,
                level=level,
                period=period,
            )

        # options that are not plain values (a plugin's object) are compiled every time
        keys = tuple(key for _, _, key in members)
        table, pieces = (
            build() if None in keys else compiled(("metrics", kind, keys, *context), build)
        )
        if table is not None:
            tables.append(table)
        found.update((p.part, p) for p in pieces)
    return tables, [found[spec.name] for spec in specs]


def _kind_pieces(
    connection: Any,
    kind: str,
    members: Sequence[tuple[Any, Mapping[str, Any]]],
    *,
    schemas: Mapping[str, Any],
    roster_schema: Any,
    level: str | None,
    period: tuple[int | None, int | None] | None,
) -> tuple[tuple[str, str, bool] | None, tuple[Piece, ...]]:
    """The pieces of one kind's metrics, and the fused ``WITH`` table they read (or None)."""
    from csperf.metrics._fusion import Form, aggregate_form, fused, fused_metric
    from csperf.metrics._ibis import prepare

    valid = placeholder(f"valid_{kind}", schemas[kind])
    roster = None if roster_schema is None else placeholder("roster", roster_schema)
    selected, everything = prepare(
        {kind: valid}, kinds=[kind], level=level, roster=roster, period=period
    )[kind]
    results = [(spec.name, spec.expression(selected, everything, **opts)) for spec, opts in members]
    forms: dict[str, Form] = {}
    if connection.name in MATERIALIZING:
        for name, result in results:
            form = aggregate_form(result, selected)
            if form is not None:
                forms[name] = form
    table = None
    if len(forms) >= 2:
        whole = fused(selected, list(forms.values()))
        table = (f"fused_{kind}", to_sql(connection, whole), True)
        reader = placeholder(f"fused_{kind}", whole.schema())
        index = {name: i for i, name in enumerate(forms)}
        results = [
            (n, fused_metric(reader, index[n], forms[n]) if n in forms else result)
            for n, result in results
        ]
    pieces = []
    for name, result in results:
        piece, flags = metric_piece(name, result)
        pieces.append(Piece(name, to_sql(connection, piece), flags))
    return table, tuple(pieces)


_PLAIN = (str, int, float, bool, type(None), timedelta)


def options_key(options: Mapping[str, Any]) -> Hashable | None:
    """A key that equal option values share, or None when a value is not a plain value.

    Plain values are text, numbers, booleans, None, timedeltas and collections of them (a
    set's elements sorted); anything else could be told apart only by identity.
    """

    def plain(value: Any) -> Hashable | None:
        if isinstance(value, _PLAIN):
            return (type(value).__name__, value)
        if isinstance(value, (list, tuple)):
            items = [plain(v) for v in value]
            return None if None in items else ("seq", tuple(items))
        if isinstance(value, (set, frozenset)):
            items = [plain(v) for v in value]
            return None if None in items else ("set", tuple(sorted(items, key=repr)))
        return None

    found = []
    for name in sorted(options):
        item = plain(options[name])
        if item is None:
            return None
        found.append((name, item))
    return tuple(found)
