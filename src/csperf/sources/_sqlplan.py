"""The record checks in SQL: the same rows rejected, for the same reasons, as in Python.

For one record kind, :func:`judged_ctes` and :func:`selected_ctes` write the common table
expressions every metric query starts from:

``src``
    One row per stored row: its position, and each field read by the dialect (value, and
    whether it is missing, unreadable or naive).
``checked``
    The first failing check of each row, in the order :class:`~csperf.metrics.Ticket` (and
    the other record types) make them: required fields missing, then the field checks.
``ranked`` / ``keyed``
    Duplicates: a valid row whose key repeats an earlier valid row's (the first is kept).
``judged``
    With a roster: ``unknown_agent`` and ``not_on_roster``; the team and manager of the
    roster entry valid at the record's time.
``valid``
    The accepted rows with their ``subject`` (agent, team or manager).
``selected``
    The accepted rows in the period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

import attrs

from csperf._cells import WHOLE
from csperf.metrics import Roster
from csperf.metrics._records import RECORD_KINDS, limits
from csperf.sources._dialects import Column, Dialect, Params
from csperf.sources._schema import COLUMNS, quote, required_columns

__all__ = [
    "EPOCH",
    "Relation",
    "Rule",
    "judged_columns",
    "judged_ctes",
    "micros",
    "roster_ctes",
    "rules",
    "selected_ctes",
]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The origin of stored microsecond timestamps."""

#: A check: ``(condition, reason, field)``.
Rule = tuple[str, str, str]


@attrs.frozen
class Relation:
    """Where a table's rows come from.

    Attributes:
        sql: A quoted table name or a table function call (with ``:name`` markers).
        params: The values its markers refer to.
        columns: Stored column name → type name as the driver describes it (or None).
        order_by: A quoted column giving the input order, or None for the dialect's.
        label: How reports name it (``table "tickets"``, ``tickets.csv``).
        malformed: A query for the rows the engine could not split into cells while reading
            the relation the last time (columns ``line``, ``error_type``, ``csv_line``), or
            None.
    """

    sql: str
    params: Mapping[str, Any]
    columns: Mapping[str, str | None]
    order_by: str | None = None
    label: str = ""
    malformed: str | None = None


def _invalid(field: str) -> Rule:
    return (f"{field}__i = 1", "invalid_field", field)


def _timestamp(field: str) -> list[Rule]:
    return [_invalid(field), (f"{field}__n = 1", "naive_timestamp", field)]


def _number(record_type: type, field: str, reason: str = "off_scale") -> list[Rule]:
    """Checks of a number field: readable, then within its domain (whole if it must be).

    The domain and wholeness come from the record class's field metadata
    (``csperf.metrics._records.limits``), as the record's own check takes them.
    """
    bounds = limits(record_type, field)
    whole = bool(attrs.fields_dict(record_type)[field].metadata[WHOLE])
    parts = [f"{field} <> ROUND({field})"] if whole else []
    if "low" in bounds:
        parts.append(f"{field} < {bounds['low']:g}")
    if "high" in bounds:
        parts.append(f"{field} > {bounds['high']:g}")
    condition = " OR ".join(parts)
    if whole:
        condition = f"{field} IS NOT NULL AND ({condition})"
    return [_invalid(field), (condition, reason, field)]


def _fields(kind: str, *names: str, reason: str = "off_scale") -> list[Rule]:
    """The checks of single fields, each by its column type in the record class's metadata.

    Every field must be readable; a timestamp must not be naive without a zone; a number must
    lie in its domain (failing with ``reason``).
    """
    record_type = RECORD_KINDS[kind].record_type
    columns = RECORD_KINDS[kind].columns
    found: list[Rule] = []
    for name in names:
        if columns[name] == "ts":
            found += _timestamp(name)
        elif columns[name] == "real":
            found += _number(record_type, name, reason)
        else:
            found.append(_invalid(name))
    return found


def rules(kind: str) -> list[Rule]:
    """The checks of ``kind`` in the order the record type makes them.

    First every required field that is missing (``missing_field``, in field order, as
    :func:`~csperf.metrics.coerce_record` does), then the record's own checks: single fields
    by their column type (:func:`_fields`), and the checks across fields.
    """
    found: list[Rule] = [
        (f"{field}__m = 1", "missing_field", field) for field in required_columns(kind)
    ]
    if kind == "tickets":
        found += _fields(
            kind,
            "id",
            "agent",
            "channel",
            "created_at",
            "first_response_at",
            "resolved_at",
            "final_resolved_at",
            "reopened",
            "complaint",
            "customer",
        )
        found += [
            (
                "first_response_at < created_at",
                "response_before_creation",
                "first_response_at",
            ),
            ("resolved_at < created_at", "resolution_before_creation", "resolved_at"),
            (
                "final_resolved_at IS NOT NULL AND resolved_at IS NULL",
                "inconsistent",
                "final_resolved_at",
            ),
            (
                "final_resolved_at < resolved_at",
                "resolution_before_creation",
                "final_resolved_at",
            ),
            (
                "final_resolved_at <> resolved_at AND COALESCE(reopened, 0) = 0",
                "inconsistent",
                "final_resolved_at",
            ),
        ]
        durations = ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds")
        found += _fields(kind, *durations, reason="negative_duration")
        found += _fields(kind, "answered", "abandoned")
        found += [
            (
                "answered IS NOT NULL AND abandoned IS NOT NULL AND answered = abandoned",
                "inconsistent",
                "abandoned",
            ),
            (
                "(answered IS NOT NULL OR abandoned IS NOT NULL) AND wait_seconds IS NULL",
                "missing_field",
                "wait_seconds",
            ),
        ]
    elif kind == "surveys":
        found += _fields(kind, "agent", "contact_id", "submitted_at")
        found.append(("csat__m = 1 AND nps__m = 1", "missing_field", "csat"))
        found += _fields(kind, "csat", "nps")
    elif kind == "qa_reviews":
        found += _fields(kind, "agent", "reviewed_at", "checks_applicable", "checks_passed")
        found.append(("checks_passed > checks_applicable", "off_scale", "checks_passed"))
        found += _fields(kind, "critical_failed", "id")
    elif kind in ("knowledge_tests", "peer_ratings", "sharing_items"):
        found += _fields(kind, *RECORD_KINDS[kind].fields)  # no checks across fields
    else:  # pragma: no cover - a bug in csperf
        raise ValueError(kind)
    return found


def _case(rules: Sequence[Rule], pick: int) -> str:
    whens = " ".join(f"WHEN {rule[0]} THEN '{rule[pick]}'" for rule in rules)
    return f"CASE {whens} ELSE NULL END"


def _fill(template: str, names: Mapping[str, str]) -> str:
    for name, value in names.items():
        template = template.replace(f"@{name}@", value)
    return template


def src_cte(
    table: str,
    relation: Relation,
    columns: Mapping[str, str],
    dialect: Dialect,
    params: Params,
    tz: tzinfo | None,
) -> str:
    """The ``src`` CTE (and its stages): position and every field read by the dialect.

    Each field ``f`` gives the columns ``f`` (its value, NULL unless readable), ``f__m``
    (missing), ``f__i`` (unreadable), ``f__n`` (naive timestamp) and ``f__raw`` (as stored).
    The dialect's expressions are computed in stages (``src_a``, ``src_b``, ``src_c``) so that
    each is evaluated once per row.

    Args:
        table: The record kind or ``"roster"``.
        relation: Where the rows come from.
        columns: Field → stored column name (fields without one are absent: missing).
        dialect: The dialect.
        params: Where to bind values.
        tz: Zone of naive timestamps.
    """
    stage_a = [f"{dialect.position(relation.order_by)} AS pos"]
    stage_b: list[str] = []
    stage_c: list[str] = []
    final = ["pos"]
    for field, field_type in COLUMNS[table].items():
        stored = columns.get(field)
        if stored is None:
            column = Column(missing="1 = 1", base="NULL")
            stage_a.append(f"NULL AS {field}__raw")
        else:
            column = dialect.column(field_type, relation.columns.get(stored), params, tz)
            stage_a.append(f"t.{quote(stored)} AS {field}__raw")
        names = {"ref": f"{field}__raw", "base": f"{field}__a"}
        stored_ref = f"t.{quote(stored)}" if stored else "NULL"
        stage_a.append(f"{_fill(column.base, {'ref': stored_ref})} AS {field}__a")
        for name, expr in column.helpers.items():
            stage_b.append(f"{_fill(expr, names)} AS {field}__h_{name}")
        names.update({name: f"{field}__h_{name}" for name in column.helpers})
        stage_c += [
            f"CASE WHEN {_fill(column.missing, names)} THEN 1 ELSE 0 END AS {field}__mm",
            f"CASE WHEN {_fill(column.bad, names)} THEN 1 ELSE 0 END AS {field}__bb",
            f"CASE WHEN {_fill(column.naive, names)} THEN 1 ELSE 0 END AS {field}__nn",
            f"{_fill(column.value, names)} AS {field}__vv",
        ]
        final += [
            f"CASE WHEN {field}__mm = 1 OR {field}__bb = 1 OR {field}__nn = 1 THEN NULL "
            f"ELSE {field}__vv END AS {field}",
            f"{field}__mm AS {field}__m",
            f"CASE WHEN {field}__mm = 1 THEN 0 ELSE {field}__bb END AS {field}__i",
            f"CASE WHEN {field}__mm = 1 OR {field}__bb = 1 THEN 0 ELSE {field}__nn END "
            f"AS {field}__n",
            f"{field}__raw",
        ]
    mat = dialect.materialized
    return ",\n".join(
        [
            f"src_a AS {mat}(SELECT {', '.join(stage_a)} FROM {relation.sql} AS t)",
            f"src_b AS {mat}(SELECT src_a.*{''.join(', ' + b for b in stage_b)} FROM src_a)",
            f"src_c AS {mat}(SELECT src_b.*, {', '.join(stage_c)} FROM src_b)",
            f"src AS (SELECT {', '.join(final)} FROM src_c)",
        ]
    )


def roster_ctes(roster: Roster | None, params: Params) -> str:
    """The roster as a ``roster_v`` CTE of bound values (microsecond timestamps)."""
    columns = "agent, team, manager, valid_from, valid_to"
    if roster is None or not roster.entries:
        return (
            f"roster_v({columns}) AS (SELECT 'x', 'x', 'x', 0, 0 FROM "
            "(SELECT 1 AS one) AS nothing WHERE 1 = 0)"
        )
    rows = []
    for entry in roster.entries:
        values: list[Any] = [entry.agent, entry.team, entry.manager]
        for moment in (entry.valid_from, entry.valid_to):
            values.append(None if moment is None else micros(moment))
        rows.append("(" + ", ".join(params.add(v, "r") for v in values) + ")")
    return f"roster_v({columns}) AS (VALUES {', '.join(rows)})"


def micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01 00:00 UTC of an aware datetime (exact)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def judged_columns(kind: str) -> list[str]:
    """The columns of ``judged`` kept when it is stored: position, fields, verdict, subject."""
    return ["pos", *COLUMNS[kind], "reason", "bad_field", "subject"]


def judged_ctes(
    kind: str,
    relation: Relation,
    columns: Mapping[str, str],
    dialect: Dialect,
    params: Params,
    *,
    tz: tzinfo | None,
    roster: Roster | None,
    level: str,
) -> str:
    """The CTEs from ``src`` to ``judged`` (without ``WITH``): every row and its verdict.

    Args:
        kind: The record kind.
        relation: Where its rows come from.
        columns: Field → stored column.
        dialect: The dialect.
        params: Where to bind values.
        tz: Zone of naive timestamps.
        roster: When given, records of agents not on it, or not on it at the record's time,
            are rejected, and teams and managers come from it.
        level: ``"agent"``, ``"team"`` or ``"manager"``.
    """
    spec = RECORD_KINDS[kind]
    params.values.update(relation.params)
    checks = rules(kind)
    ctes = [src_cte(kind, relation, columns, dialect, params, tz)]
    ctes.append(
        f"checked AS (SELECT src.*, {_case(checks, 1)} AS reason0, {_case(checks, 2)} AS field0 "
        "FROM src)"
    )
    keys = ", ".join(spec.key_fields)
    present = " AND ".join(f"{k} IS NOT NULL" for k in spec.key_fields)
    ctes.append(
        "ranked AS (SELECT checked.*, ROW_NUMBER() OVER (PARTITION BY CASE WHEN reason0 IS "
        f"NULL THEN 0 ELSE 1 END, {keys} ORDER BY pos) AS dup_rank FROM checked)"
    )
    duplicate = f"reason0 IS NULL AND {present} AND dup_rank > 1"
    key_names = ", ".join(spec.key_fields)
    ctes.append(
        "keyed AS (SELECT ranked.*, "
        f"CASE WHEN reason0 IS NOT NULL THEN reason0 WHEN {duplicate} THEN 'duplicate' "
        "ELSE NULL END AS reason1, "
        f"CASE WHEN reason0 IS NOT NULL THEN field0 WHEN {duplicate} THEN '{key_names}' "
        "ELSE NULL END AS field1 FROM ranked)"
    )
    who = spec.subject_field
    when = spec.time_field
    if roster is None:
        ctes.append(
            "judged AS (SELECT keyed.*, reason1 AS reason, field1 AS bad_field, "
            f"{who} AS subject FROM keyed)"
        )
    else:
        ctes.append(roster_ctes(roster, params))
        subject = {"agent": f"k.{who}", "team": "r.team", "manager": "r.manager"}[level]
        unknown = "k.reason1 IS NULL AND ra.known IS NULL"
        ctes.append(
            "judged AS (SELECT k.*, "
            f"CASE WHEN k.reason1 IS NOT NULL THEN k.reason1 WHEN {unknown} THEN 'unknown_agent' "
            "WHEN r.agent IS NULL THEN 'not_on_roster' ELSE NULL END AS reason, "
            f"CASE WHEN k.reason1 IS NOT NULL THEN k.field1 WHEN {unknown} THEN '{who}' "
            f"WHEN r.agent IS NULL THEN '{when}' ELSE NULL END AS bad_field, "
            f"{subject} AS subject "
            "FROM keyed AS k LEFT JOIN (SELECT DISTINCT agent AS known FROM roster_v) AS ra "
            f"ON ra.known = k.{who} LEFT JOIN roster_v AS r ON r.agent = k."
            f"{who} AND (r.valid_from IS NULL OR r.valid_from <= k.{when}) "
            f"AND (r.valid_to IS NULL OR k.{when} < r.valid_to))"
        )
    return ",\n".join(ctes)


def selected_ctes(kind: str, params: Params, *, window: tuple[int, int] | None) -> str:
    """The CTEs ``valid`` and ``selected`` (without ``WITH``), read from ``judged``.

    Args:
        kind: The record kind.
        params: Where to bind values.
        window: The period as ``(start, end)`` microseconds, or None for all time.
    """
    when = RECORD_KINDS[kind].time_field
    extra = ""
    if kind == "tickets":
        abandoned = "COALESCE(abandoned, 1 - answered)"
        extra = (
            ", CASE WHEN answered IS NOT NULL OR abandoned IS NOT NULL THEN 1 ELSE 0 END "
            f"AS is_call, COALESCE(answered, 1 - abandoned) AS ans, {abandoned} AS abn, "
            f"CASE WHEN {abandoned} = 1 THEN 0 ELSE 1 END AS handled"
        )
    ctes = [f"valid AS (SELECT judged.*{extra} FROM judged WHERE reason IS NULL)"]
    if window is None:
        ctes.append("selected AS (SELECT * FROM valid)")
    else:
        start = params.add(window[0], "start")
        end = params.add(window[1], "end")
        ctes.append(f"selected AS (SELECT * FROM valid WHERE {when} >= {start} AND {when} < {end})")
    return ",\n".join(ctes)
