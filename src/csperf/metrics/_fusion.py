"""Metrics of one record kind computed by one aggregate instead of one aggregate each.

Most metrics are a per-subject aggregate over filtered rows of one kind: the complaint rate
counts the handled tickets and those with a complaint, the service level the calls and those
answered in time. Written as separate statements, each reads the checked rows again and
groups them by subject again (at a million tickets, six such metrics took about a third of
the measurement's statement). Fused, the backend reads and groups them once::

    SELECT subject,
           <metric 1's aggregates, each with FILTER (WHERE <metric 1's filters>)>,
           COUNT(*) FILTER (WHERE <metric 1's filters>) AS _f0_rows,
           <metric 2's aggregates ...>, ...
    FROM <the kind's selected rows> GROUP BY subject

and each metric's piece reads its columns of that table, for the subjects with at least one
row of its own (``_f<i>_rows > 0``, the subjects its own ``GROUP BY`` would give).

The rewrite is of the metric's Ibis expression, not of its SQL, and it applies only to the
exact shape :func:`aggregate_form` recognises: an aggregate grouped by ``subject`` alone, over
filters and projections of the rows the metric was given, whose values are built from
filterable reductions of those rows. A filter moves into each reduction's ``where`` (a row
that fails it is left out of every aggregate, as when it was filtered out), and a projected
column is replaced by its definition. Anything else (a join, a window, a subquery, a second
grouping, a percentile built from windows) leaves the metric's own expression as it is, so a
plugin's metric is fused or not without being asked, with the same values either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from csperf.metrics._ibis import SUBJECT

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Form", "aggregate_form", "fused", "fused_metric"]

#: How deep a chain of filters and projections is followed before giving up.
_MAX_DEPTH = 64


class _NotFusable(Exception):
    """The expression is not of the shape that fuses."""


@attrs.frozen
class Form:
    """A metric as aggregates over the rows it was given.

    Attributes:
        columns: The result's columns other than ``subject`` (in order) → their value over
            the given rows, each reduction filtered by the metric's own filters.
        rows: The number of the given rows the metric counts (its filters' rows).
    """

    columns: Mapping[str, Any]
    rows: Any


def _ops() -> Any:
    import ibis.expr.operations as ops

    return ops


def _rebuild(node: Any, visit: Callable[[Any], Any]) -> Any:
    """``node`` with each node among its arguments replaced by ``visit(argument)``."""
    ops = _ops()
    changed = {}
    for name, arg in zip(node.__argnames__, node.__args__, strict=True):
        new = _map_arg(arg, visit, ops)
        if new is not arg:
            changed[name] = new
    return node.copy(**changed) if changed else node


def _map_arg(arg: Any, visit: Callable[[Any], Any], ops: Any) -> Any:
    if isinstance(arg, ops.Node):
        return visit(arg)
    if isinstance(arg, tuple):
        items = tuple(_map_arg(a, visit, ops) for a in arg)
        return arg if all(a is b for a, b in zip(items, arg, strict=True)) else items
    if isinstance(arg, Mapping):
        mapped = {k: _map_arg(v, visit, ops) for k, v in arg.items()}
        if all(mapped[k] is v for k, v in arg.items()):
            return arg
        return type(arg)(mapped)  # type: ignore[call-arg]
    return arg


def _lift(value: Any, rel: Any, memo: dict[Any, Any]) -> Any:
    """``value``, a value over ``rel`` (a filter or projection), as a value over its parent."""
    ops = _ops()
    if value in memo:
        return memo[value]
    if isinstance(value, ops.Field):
        if value.rel != rel:
            raise _NotFusable
        if isinstance(rel, ops.Project):
            out = rel.values[value.name]
            # a projected window (or subquery) is computed over all the rows before the
            # aggregate: it cannot move inside a reduction
            if out.find((ops.WindowFunction, ops.Subquery, ops.Reduction), filter=ops.Value):
                raise _NotFusable
        else:
            out = ops.Field(rel.parent, value.name)
    elif isinstance(value, ops.Relation):
        # a reduction's own relation (COUNT(*) counts the rows of ``rel``'s parent, the
        # filter having moved into its ``where``); any other relation is a subquery
        if value != rel:
            raise _NotFusable
        out = rel.parent
    elif isinstance(value, (ops.WindowFunction, ops.Subquery)):
        raise _NotFusable
    else:
        out = _rebuild(value, lambda arg: _lift(arg, rel, memo))
    memo[value] = out
    return out


def _filtered(value: Any, condition: Any) -> Any:
    """``value`` with ``condition`` added to the ``where`` of each of its reductions."""
    from ibis.expr.operations.reductions import Filterable

    ops = _ops()
    memo: dict[Any, Any] = {}

    def visit(node: Any) -> Any:
        if node in memo:
            return memo[node]
        if isinstance(node, ops.Reduction):
            if not isinstance(node, Filterable):
                raise _NotFusable
            where = condition if node.where is None else ops.And(node.where, condition)
            out = node.copy(where=where)
        elif isinstance(node, ops.Relation):
            raise _NotFusable  # a relation outside a reduction
        else:
            out = _rebuild(node, visit)
        memo[node] = out
        return out

    return visit(value)


def aggregate_form(result: ir.Table, rows: ir.Table) -> Form | None:
    """``result`` as aggregates over ``rows``, or None when it does not have that shape.

    Args:
        result: A metric's result table (``subject``, ``value``, ``sample_size``, flags).
        rows: The rows the metric was given (with the ``subject`` column).
    """
    ops = _ops()
    node, root = result.op(), rows.op()
    if not isinstance(node, ops.Aggregate) or tuple(node.groups) != (SUBJECT,):
        return None
    values: dict[str, Any] = {**node.groups, **node.metrics}
    conditions: list[Any] = []
    rel = node.parent
    try:
        for _ in range(_MAX_DEPTH):
            if rel == root:
                break
            if not isinstance(rel, (ops.Filter, ops.Project)):
                return None
            memo: dict[Any, Any] = {}
            values = {k: _lift(v, rel, memo) for k, v in values.items()}
            conditions = [_lift(c, rel, memo) for c in conditions]
            if isinstance(rel, ops.Filter):
                conditions.extend(rel.predicates)
            rel = rel.parent
        else:
            return None
        if values.pop(SUBJECT) != ops.Field(root, SUBJECT):
            return None
        for condition in conditions:
            if condition.find((ops.WindowFunction, ops.Subquery, ops.Reduction), filter=ops.Value):
                return None
        where = None
        for condition in conditions:
            where = condition if where is None else ops.And(where, condition)
        if where is not None:
            values = {k: _filtered(v, where) for k, v in values.items()}
        else:
            for v in values.values():
                _filtered(v, ops.Literal(True, "boolean"))  # checks the reductions only
    except _NotFusable:
        return None
    return Form(columns=values, rows=ops.CountStar(root, where=where))


def _column(i: int, j: int | str) -> str:
    return f"_f{i}_{j}"


def fused(rows: ir.Table, forms: Sequence[Form]) -> ir.Table:
    """One aggregate per subject of ``rows`` holding every form's columns and row count.

    Form ``i``'s ``j``-th column is ``_f<i>_<j>``, its row count ``_f<i>_rows``.
    """
    ops = _ops()
    root = rows.op()
    metrics: dict[str, Any] = {}
    for i, form in enumerate(forms):
        for j, value in enumerate(form.columns.values()):
            metrics[_column(i, j)] = value
        metrics[_column(i, "rows")] = form.rows
    return ops.Aggregate(root, {SUBJECT: ops.Field(root, SUBJECT)}, metrics).to_expr()


def fused_metric(table: ir.Table, i: int, form: Form) -> ir.Table:
    """Form ``i``'s result, read from the fused ``table``: its subjects and columns.

    The subjects are those with at least one row the metric counts, as its own ``GROUP BY``
    gives.
    """
    mine = table.filter(table[_column(i, "rows")] > 0)
    return mine.select(
        SUBJECT, **{name: mine[_column(i, j)] for j, name in enumerate(form.columns)}
    )
