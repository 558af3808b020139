"""The record checks as Ibis expressions: which rows of a database table are bad, and why.

A table of a record kind in a database (or a Parquet file) is checked where it lies: each row
gets the :class:`~csperf.errors.Reason` and field of its first fault, in the order of the
record rules (:mod:`csperf.metrics._recordrules`), so a row is rejected for the same reason on
every backend and in Python. The keys that repeat are one aggregate over the key columns
(:func:`repeated_keys`), and only the rows of those keys are numbered to keep the first valid
one (:func:`checked_unnumbered`); the roster is one table joined once, and raw rows are
fetched only for the first rejected rows, as examples.

The table is read *typed*: timestamps as int64 epoch microseconds or as timestamps with a
time zone, flags as booleans (or integers 0/1, as SQLite stores them), numbers as numbers,
names and identifiers as text or integers. Text cells (a CSV file) are parsed once, by
:mod:`csperf._cells`, before they reach a table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from csperf._cells import COLUMN, DOMAIN, WHOLE
from csperf.errors import ConfigError, Reason
from csperf.metrics._ibis import import_ibis
from csperf.metrics._recordrules import Rule, steps, table_condition, table_derived

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from csperf.metrics._records import RecordKind

__all__ = [
    "POSITION",
    "RULE",
    "checked",
    "checked_unique",
    "checked_unnumbered",
    "integer_key",
    "micros_of",
    "repeated_keys",
    "roster_spans",
    "typed",
]

#: The column holding a row's 0-based position.
POSITION = "_position"
#: The column holding the index of a rejected row's rule (NULL for a valid row).
RULE = "_rule"

_LARGEST = 1.7976931348623157e308
"""The largest finite float64."""

_SMALLEST_INT64 = -(2**63)
_LARGEST_INT64 = 2**63 - 1
"""The ends of int64: a roster entry's open ends (no timestamp reaches them)."""

#: Backends whose timestamp without a declared zone is an instant (Spark's ``TIMESTAMP`` is
#: ``TIMESTAMP_LTZ``: stored in UTC, shown in the session zone, which the connection sets to UTC).
INSTANT_TIMESTAMPS = frozenset({"pyspark"})


def micros_of(col: Any, *, name: str, source: str, backend: str = "duckdb") -> Any:
    """A timestamp column as int64 epoch microseconds.

    An int64 column is taken as it is; an aware timestamp column is converted, and so is a
    timestamp column of a backend whose timestamps are instants (:data:`INSTANT_TIMESTAMPS`).

    Raises:
        ConfigError: For any other column type (text, a timestamp without a time zone).
    """
    ibis = import_ibis()
    kind_type = col.type()
    if kind_type.is_integer():
        return col.cast("int64")
    if kind_type.is_timestamp() and kind_type.timezone is not None and backend == "duckdb":
        # The same value as the delta below, 40x faster: DuckDB's date_diff on a timestamp
        # with a time zone goes through calendar arithmetic, epoch_us reads the instant.
        return _duckdb_epoch_us()(col)
    if kind_type.is_timestamp() and kind_type.timezone is not None:
        epoch = ibis.timestamp("1970-01-01T00:00:00+00:00")
        return col.delta(epoch, unit="microsecond").cast("int64")
    if kind_type.is_timestamp() and backend in INSTANT_TIMESTAMPS:
        epoch = ibis.timestamp("1970-01-01T00:00:00")
        return col.delta(epoch, unit="microsecond").cast("int64")
    raise ConfigError(
        msg=f"column {name!r} must hold int64 epoch microseconds or timestamps "
        f"with a time zone, not {kind_type}",
        obj=source,
        field=name,
        value=str(kind_type),
    )


@functools.cache
def _duckdb_isfinite() -> Any:
    """DuckDB's ``isfinite`` (neither NaN nor an infinity; NULL for NULL)."""
    ibis = import_ibis()
    import ibis.expr.datatypes as dt

    @ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator, unused-ignore]
        name="isfinite", signature=((dt.float64,), dt.boolean)
    )
    def isfinite(value: Any) -> Any:
        """Built in to DuckDB; never called in Python."""

    return isfinite


@functools.cache
def _duckdb_epoch_us() -> Any:
    """DuckDB's ``epoch_us`` (an instant as int64 microseconds since 1970-01-01 UTC)."""
    ibis = import_ibis()
    import ibis.expr.datatypes as dt

    @ibis.udf.scalar.builtin(  # type: ignore[untyped-decorator, unused-ignore]
        name="epoch_us", signature=((dt.Timestamp(timezone="UTC"),), dt.int64)
    )
    def epoch_us(moment: Any) -> Any:
        """Built in to DuckDB; never called in Python."""

    return epoch_us


def typed(
    kind: RecordKind, table: ir.Table, *, source: str = "table", backend: str = "duckdb"
) -> ir.Table:
    """The table's record columns in the engine's layout, with raw values kept for checks.

    Missing optional columns are NULL. Each field ``f`` becomes the typed column ``f``;
    ``_bad_f`` says that a present value cannot be read as the field's type; it is left out
    where the column's type cannot hold such a value (a column of constants would be one more
    condition on every row).

    Raises:
        ConfigError: For a missing required column or a column of a type that cannot hold
            the field (text for a timestamp, a timestamp without a time zone...).
    """
    columns, bad = _typed_columns(kind, table, source=source, backend=backend)
    keep = {POSITION: table[POSITION]} if POSITION in table.columns else {}
    return table.select(
        **keep,
        **columns,
        **{f"_bad_{k}": v for k, v in bad.items() if v is not None},
    )


def _typed_columns(
    kind: RecordKind, table: ir.Table, *, source: str, backend: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The typed fields of :func:`typed`, and the ``_bad_`` conditions (None: none)."""
    ibis = import_ibis()
    columns: dict[str, Any] = {}
    bad: dict[str, Any] = {}
    present = set(table.columns)
    for attribute in attrs.fields(kind.record_type):
        name = attribute.name
        column = attribute.metadata[COLUMN]
        whole = bool(attribute.metadata.get(WHOLE, False))
        if name not in present:
            if attribute.default is attrs.NOTHING:
                raise ConfigError(
                    msg=f"no column {name!r}, which {kind.name} need",
                    obj=source,
                    field=name,
                )
            target = {
                "ts": "int64",
                "bool": "boolean",
                "real": "int64" if whole else "float64",
            }.get(column, "string")
            columns[name] = ibis.null(target)
            bad[name] = None
            continue
        col = table[name]
        kind_type = col.type()
        if column == "ts":
            columns[name] = micros_of(col, name=name, source=source, backend=backend)
            bad[name] = None
        elif column == "bool":
            if kind_type.is_boolean():
                columns[name] = col
                bad[name] = None
            elif kind_type.is_integer():
                columns[name] = ibis.cases((col == 1, True), (col == 0, False), else_=None)
                bad[name] = col.notnull() & ~col.isin([0, 1])
            else:
                raise ConfigError(
                    msg=f"column {name!r} must hold booleans (or 0/1), not {kind_type}",
                    obj=source,
                    field=name,
                    value=str(kind_type),
                )
        elif column == "real":
            if not kind_type.is_numeric():
                raise ConfigError(
                    msg=f"column {name!r} must hold numbers, not {kind_type}",
                    obj=source,
                    field=name,
                    value=str(kind_type),
                )
            number = col.cast("float64")
            if kind_type.is_floating():
                # NaN is a missing value (as in Python); an infinity cannot be read. SQLite
                # stores no NaN (it becomes NULL) and has no isinf.
                if backend == "duckdb":
                    # two calls a value instead of four (NULL stays NULL: not finite)
                    inf = col.isinf()
                    bad[name] = inf.fill_null(False) if attribute.default is attrs.NOTHING else inf
                    number = ibis.cases((_duckdb_isfinite()(number), number), else_=None)
                    columns[name] = number
                    continue
                if backend == "sqlite":
                    nan, inf = ibis.literal(False), col.abs() > _LARGEST
                else:
                    nan, inf = col.isnan(), col.isinf()
                bad[name] = col.notnull() & ~nan & inf
                number = ibis.cases((nan | inf, ibis.null("float64")), else_=number)
            else:
                bad[name] = None
            columns[name] = number
        else:
            if kind_type.is_string():
                # a blank cell is a missing value (as in Python)
                blank = col.strip() == ""
                cell = ibis.cases((blank, ibis.null("string")), else_=col)
                if backend == "duckdb":
                    # every character strip() removes sorts before "!" (DuckDB compares
                    # text by code point): a cheap test first, which most cells fail, and
                    # the strip only for the cells that pass it (a nested CASE: DuckDB
                    # evaluates both sides of an AND)
                    cell = ibis.cases((col < "!", cell), else_=col)
                columns[name] = cell
            elif column == "id" and kind_type.is_integer():
                columns[name] = col
            elif kind_type.is_integer() or kind_type.is_null():
                # a number is not a name: every value present is rejected, as in Python
                columns[name] = col.cast("string")
                bad[name] = col.notnull()
                continue
            else:
                raise ConfigError(
                    msg=f"column {name!r} must hold text, not {kind_type}",
                    obj=source,
                    field=name,
                    value=str(kind_type),
                )
            bad[name] = None
    for attribute in attrs.fields(kind.record_type):
        default = attribute.default
        if default is not attrs.NOTHING and default is not None:
            columns[attribute.name] = columns[attribute.name].coalesce(default)
    # the derivations of the record rules (a call's answered and abandoned complete each other)
    return table_derived(kind.record_type, columns), bad


def _field_faults(kind: RecordKind, t: ir.Table, name: str) -> list[tuple[Any, str, str]]:
    """``(condition, reason, field)`` for one field, in order."""
    attribute = attrs.fields_dict(kind.record_type)[name]
    col = t[name]
    faults: list[tuple[Any, str, str]] = []
    if f"_bad_{name}" in t.columns:
        faults.append((t[f"_bad_{name}"], Reason.INVALID_FIELD.value, name))
    if attribute.metadata[COLUMN] == "real":
        from csperf.metrics._records import _REASON

        reason = attribute.metadata[_REASON].value
        domain = attribute.metadata[DOMAIN]
        if attribute.metadata.get(WHOLE, False):
            faults.append((col.notnull() & (col != col.floor()), reason, name))
        if domain.lower != float("-inf"):
            faults.append((col.notnull() & (col < domain.lower), reason, name))
        if domain.upper != float("inf"):
            faults.append((col.notnull() & (col > domain.upper), reason, name))
    return faults


def _rules(kind: RecordKind, t: ir.Table) -> list[tuple[Any, str, str]]:
    """Every check of the kind as ``(condition, reason, field)``, in the record's order."""
    # a missing required field is found first, in field order, as coerce_record does
    rules: list[tuple[Any, str, str]] = [
        (
            t[a.name].isnull() & ~t[f"_bad_{a.name}"]
            if f"_bad_{a.name}" in t.columns
            else t[a.name].isnull(),
            Reason.MISSING_FIELD.value,
            a.name,
        )
        for a in attrs.fields(kind.record_type)
        if a.default is attrs.NOTHING
    ]
    # then each step of the record type's checks, in order (csperf.metrics._recordrules): a
    # field's own checks, or a rule (its derivations are applied when the table is typed)
    column = t.__getitem__
    for step in steps(kind.record_type):
        if isinstance(step, str):
            rules += _field_faults(kind, t, step)
        elif isinstance(step, Rule):
            rules.append((table_condition(step.when, column), step.reason.value, step.field))
    return rules


def _ruled(kind: RecordKind, table: ir.Table) -> tuple[ir.Table, list[tuple[str, str]]]:
    """The fields (and ``_position``, if there) with ``_rule``: the first failed check."""
    ibis = import_ibis()
    rules = _rules(kind, table)
    labels = [(reason, field) for _, reason, field in rules]
    # (a condition that is NULL is not met: CASE goes on to the next, as fill_null(False) would)
    first = ibis.cases(
        *[(cond, i) for i, (cond, _, _) in enumerate(rules)],
        else_=ibis.null("int64"),
    )
    # only the fields go on: the ``_bad_`` columns have served
    keep = [POSITION] if POSITION in table.columns else []
    labels.append(("duplicate", ", ".join(kind.key_fields)))
    return table.select(*keep, *kind.fields, **{RULE: first}), labels


def _first_of_each_key(kind: RecordKind, t: ir.Table, duplicate: int) -> ir.Table:
    """``t`` (numbered) with rule ``duplicate`` for each valid row after its key's first."""
    ibis = import_ibis()
    keys = list(kind.key_fields)
    ok = t[RULE].isnull()
    for k in keys:
        ok = ok & t[k].notnull()
    # the keys that repeat, with their first position: one aggregate, and a join whose other
    # side is as small as the number of repeated keys
    keyed = t.filter(ok)
    repeated = (
        keyed.group_by(keys)
        .aggregate(_count=keyed.count(), _first=keyed[POSITION].min())
        .filter(lambda s: s._count > 1)
        .select(*keys, "_first")
        .rename({f"_dup_{k}": k for k in keys})
    )
    t = t.left_join(repeated, [t[k] == repeated[f"_dup_{k}"] for k in keys])
    t = t.drop(*[f"_dup_{k}" for k in keys])
    later = ibis.cases(
        (t._first.notnull() & (t[POSITION] != t._first), duplicate), else_=ibis.null("int64")
    )
    return t.mutate(**{RULE: t[RULE].coalesce(later)}).drop("_first")


def roster_spans(roster: ir.Table) -> ir.Table:
    """The roster's intervals of time per agent: its entries and the gaps around them.

    Columns ``_a`` (the agent), ``_from`` and ``_to`` (the half-open interval, open ends as
    the extreme int64 values) and ``_in`` (true for an entry, false for a gap). Each agent's
    entries are completed by the gaps between them, before the first and after the last, so
    that any instant meets exactly one interval of a known agent. A statement computes this
    table once and every kind's checks join it (:func:`checked`).
    """
    ibis = import_ibis()
    # open ends as the extreme int64 values: plain comparisons, which a hash join on the agent
    # checks as it probes ("IS NULL OR" would turn the left join into a nested loop)
    entries = roster.select(
        _a=roster.agent,
        _from=roster.valid_from.coalesce(_SMALLEST_INT64),
        _to=roster.valid_to.coalesce(_LARGEST_INT64),
    )
    # a checked roster's entries of one agent never overlap, and each ends after it starts
    by_agent = ibis.window(group_by=entries._a, order_by=entries._from)
    ordered = entries.mutate(
        _before=entries._to.lag().over(by_agent).coalesce(_SMALLEST_INT64),
        _last=entries._from.lead().over(by_agent).isnull(),
    )
    gaps = ordered.filter(ordered._before < ordered._from).select(
        "_a", _from=ordered._before, _to=ordered._from, _in=ibis.literal(False)
    )
    tail = ordered.filter(ordered._last & (ordered._to < _LARGEST_INT64))
    tails = tail.select(
        "_a", _from=tail._to, _to=ibis.literal(_LARGEST_INT64, "int64"), _in=ibis.literal(False)
    )
    return ibis.union(entries.mutate(_in=ibis.literal(True)), gaps, tails, distinct=False)


def _on_roster(
    kind: RecordKind, t: ir.Table, spans: ir.Table, labels: list[tuple[str, str]]
) -> ir.Table:
    """``t`` with the roster's rules: agents not on it, records outside their entries.

    One join with the roster's spans (:func:`roster_spans`): a known agent's record meets
    exactly one interval, an entry (on the roster then) or a gap (not on it); a record whose
    agent has no interval at all names an unknown agent.
    """
    ibis = import_ibis()
    agent, moment = kind.subject_field, kind.time_field
    t = t.left_join(
        spans,
        [t[agent] == spans._a, spans._from <= t[moment], t[moment] < spans._to],
    )
    labels += [("unknown_agent", agent), ("not_on_roster", moment)]
    unknown, outside = len(labels) - 2, len(labels) - 1
    roster_rule = ibis.cases((t._in.isnull(), unknown), (~t._in, outside), else_=ibis.null("int64"))
    t = t.mutate(**{RULE: t[RULE].coalesce(roster_rule)})
    return t.drop("_a", "_from", "_to", "_in")


def checked(
    kind: RecordKind,
    table: ir.Table,
    *,
    spans: ir.Table | None = None,
) -> tuple[ir.Table, tuple[tuple[str, str], ...]]:
    """The typed table with ``_rule``: the index of each row's first fault, or NULL.

    Checks run in the record's order; then duplicates of an earlier row's key (the first, by
    ``_position``, is kept), then, when the roster's spans are given, agents not on it and records
    outside the agent's entries. The reason and field of rule ``i`` are ``labels[i]``; the
    rule column is one integer (not the reason text), so that each later step refers to the
    checks once.

    Args:
        kind: The record kind.
        table: The typed table (:func:`typed`), with a ``_position`` column.
        spans: The roster's spans (:func:`roster_spans` of the roster in the engine's
            layout), or None.

    Returns:
        The table and the labels ``(reason, field)`` of the rules.
    """
    t, labels = _ruled(kind, table)
    t = _first_of_each_key(kind, t, len(labels) - 1)
    if spans is not None:
        t = _on_roster(kind, t, spans, labels)
    return t, tuple(labels)


def repeated_keys(
    kind: RecordKind, raw: ir.Table, *, source: str = "table", backend: str = "duckdb"
) -> ir.Table:
    """The typed keys that appear in more than one row of ``raw``, as ``_dup_<key>`` columns.

    One aggregate over the key columns alone. It counts every row with the whole key, valid
    or not, so it may hold keys that repeat only among rejected rows: those rows are
    numbered and checked like the others by :func:`checked_unnumbered`, with the same result.
    """
    keys = list(kind.key_fields)
    columns = _typed_columns(kind, raw, source=source, backend=backend)[0]
    typed_keys = raw.select(**{k: columns[k] for k in keys})
    present = typed_keys
    for k in keys:
        present = present.filter(present[k].notnull())
    return (
        present.group_by(keys)
        .aggregate(_count=present.count())
        .filter(lambda s: s._count > 1)
        .select(*keys)
        .rename({f"_dup_{k}": k for k in keys})
    )


def integer_key(
    kind: RecordKind, raw: ir.Table, *, source: str = "table", backend: str = "duckdb"
) -> ir.Table | None:
    """The kind's typed key as one integer column ``_k`` (NULL where it is missing), or None.

    None unless the kind's key is one field and its column holds integers: then the typed
    key is the column itself, and whether any key repeats can be settled without grouping
    (on DuckDB, see :class:`csperf.sources.IbisSource`). Aggregates of it skip the NULLs.
    """
    if len(kind.key_fields) != 1:
        return None
    (key,) = kind.key_fields
    column = _typed_columns(kind, raw, source=source, backend=backend)[0][key]
    if not column.type().is_integer():
        return None
    return raw.select(_k=column)


def checked_unique(
    kind: RecordKind,
    raw: ir.Table,
    *,
    spans: ir.Table | None = None,
    source: str = "table",
    backend: str = "duckdb",
) -> tuple[ir.Table, tuple[tuple[str, str], ...]]:
    """:func:`checked` of a table in which no whole key repeats (checked beforehand).

    No row is a duplicate then, so the rows are checked without a number and without the
    duplicate step; the rules and their labels are those of :func:`checked`.
    """
    t, labels = _ruled(kind, typed(kind, raw, source=source, backend=backend))
    if spans is not None:
        t = _on_roster(kind, t, spans, labels)
    return t, tuple(labels)


def checked_unnumbered(
    kind: RecordKind,
    raw: ir.Table,
    numbered: Callable[[ir.Table], ir.Table],
    repeated: ir.Table,
    *,
    spans: ir.Table | None = None,
    source: str = "table",
    backend: str = "duckdb",
) -> tuple[ir.Table, tuple[tuple[str, str], ...]]:
    """:func:`checked` of ``raw`` with the same rules and rows, without numbering every row.

    Numbering the rows (``ROW_NUMBER``) keeps a backend from reading a table in parallel
    (DuckDB numbers in one thread) or makes it sort the whole table (a server's order by key
    and time). Only a repeated key needs an order, to keep its first row; so the keys that
    repeat are found first (:func:`repeated_keys`), and only the rows of those keys are
    numbered (in the same order as :func:`checked` numbers them all) and checked for
    duplicates; the other rows are checked without a number. The two sets of rows are joined
    by ``UNION ALL``; the result has no ``_position``.

    Args:
        kind: The record kind.
        raw: The table as read (with renamed columns), without ``_position``.
        numbered: ``raw`` (or a filter of it) with its ``_position`` column.
        repeated: The keys that repeat (:func:`repeated_keys`; a table of its own, which
            the statement computes once).
        spans: The roster's spans (:func:`roster_spans`), or None.
        source: The table's name, for errors.
        backend: The backend's name.

    Returns:
        The table and the labels ``(reason, field)`` of the rules.
    """
    keys = list(kind.key_fields)
    columns = _typed_columns(kind, raw, source=source, backend=backend)[0]
    fields = [*kind.fields, RULE]
    # the rows of keys that appear once (or not at all): nothing to number
    single, labels = _ruled(kind, typed(kind, raw, source=source, backend=backend))
    single = single.anti_join(repeated, [single[k] == repeated[f"_dup_{k}"] for k in keys])
    # the rows of repeated keys, numbered in their order among themselves
    # (on columns: Ibis would rewrite a predicate on an expression that the other side
    # selected into that side's own column, and the join would compare it with itself)
    keyed = raw.mutate(**{f"_key_{k}": columns[k] for k in keys})
    rows = keyed.semi_join(
        repeated, [keyed[f"_key_{k}"] == repeated[f"_dup_{k}"] for k in keys]
    ).drop(*[f"_key_{k}" for k in keys])
    several, _ = _ruled(kind, typed(kind, numbered(rows), source=source, backend=backend))
    several = _first_of_each_key(kind, several, len(labels) - 1)
    t = single.select(*fields).union(several.select(*fields), distinct=False)
    if spans is not None:
        t = _on_roster(kind, t, spans, labels)
    return t, tuple(labels)
