"""The record checks that relate several fields, stated once: one table, two interpreters.

A record's own fields are checked one by one from their attrs metadata (column type, domain,
wholeness: :mod:`csperf.metrics._records`). What relates several fields (a first response
before the ticket was created, more checks passed than applied, a survey answer with neither
score) is a :class:`Rule` in :data:`CHECK_ORDER`, the table of each record type's checks in the
order they run: a field's name stands for that field's own checks, a :class:`Rule` for one
rule, a :class:`Derivation` for values completed from others (a call's ``answered`` and
``abandoned`` complete each other). The first check that fails is the record's reason.

A rule's condition is a small expression (:class:`Expr`): field references (``F.created_at``),
literals, comparisons, ``is_null``/``not_null``, ``&``, ``|``, ``~`` and ``coalesce``. Two
interpreters read the table:

* :func:`check_in_order` and :func:`check_rules`, in Python, for the record classes. They
  follow SQL's three-valued logic: a comparison with None is *unknown*, ``&``, ``|`` and ``~``
  are Kleene's, and a rule whose condition is unknown does not fire, as ``CASE WHEN`` passes
  over a NULL condition. Timestamps compare as instants (on UTC), whatever their zones. Each
  expression and each type's steps are turned once into Python closures (no source text is
  generated or evaluated).
* :func:`table_condition` and :func:`table_derived`, in Ibis, for the table checks of
  :mod:`csperf.metrics._tablechecks`, which run in the database (DuckDB, SQLite, PostgreSQL,
  Spark), where timestamps are int64 epoch microseconds.

So a record is rejected for the same reason, field and value in Python and in every database.
The value a rule reports is always the value of the field it blames (the table checks report
the row's cell of that field); its message is ``field '<field>' <detail>, got <value>``, the
detail a template over the record's fields (``{created_at}``: a timestamp is shown in ISO
8601).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

import attrs

from csperf._frozen import FrozenDict
from csperf._periods import instant
from csperf.errors import Reason, ValidationError
from csperf.metrics._checks import fail

__all__ = [
    "CHECK_ORDER",
    "And",
    "Coalesce",
    "Compare",
    "Derivation",
    "Expr",
    "F",
    "Field",
    "IsNull",
    "Not",
    "NotNull",
    "Or",
    "Rule",
    "Step",
    "Value",
    "check_in_order",
    "check_rules",
    "evaluate",
    "instant",
    "steps",
    "table_condition",
    "table_derived",
]

Op = Literal["<", "<=", "==", "!=", ">", ">="]
"""A comparison operator."""

_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = FrozenDict(
    {
        "<": operator.lt,
        "<=": operator.le,
        "==": operator.eq,
        "!=": operator.ne,
        ">": operator.gt,
        ">=": operator.ge,
    }
)
"""Each comparison as a function: the same for Python values and for Ibis columns."""


Scalar = bool | int | float | str
"""The type of a literal."""


class Expr:
    """A condition or value over a record's fields; its subclasses are the vocabulary.

    Comparisons are written with ``<``, ``<=``, ``>``, ``>=`` and the methods :meth:`eq` and
    :meth:`ne` (``==`` stays the equality of the expressions themselves); logic with ``&``,
    ``|`` and ``~``. A Python value in an operand is a :class:`Value`.

    Examples:
        >>> F.resolved_at < F.created_at
        Compare(op='<', left=Field(name='resolved_at'), right=Field(name='created_at'))
        >>> F.reopened.coalesce(False)
        Coalesce(operands=(Field(name='reopened'), Value(value=False)))
    """

    __slots__ = ()

    def _compare(self, op: Op, other: Operand) -> Compare:
        return Compare(op, self, _expr(other))

    def __lt__(self, other: Operand) -> Compare:
        return self._compare("<", other)

    def __le__(self, other: Operand) -> Compare:
        return self._compare("<=", other)

    def __gt__(self, other: Operand) -> Compare:
        return self._compare(">", other)

    def __ge__(self, other: Operand) -> Compare:
        return self._compare(">=", other)

    def eq(self, other: Operand) -> Compare:
        """``self = other`` (unknown when either is None)."""
        return self._compare("==", other)

    def ne(self, other: Operand) -> Compare:
        """``self <> other`` (unknown when either is None)."""
        return self._compare("!=", other)

    def __and__(self, other: Operand) -> And:
        return And((self, _expr(other)))

    def __or__(self, other: Operand) -> Or:
        return Or((self, _expr(other)))

    def __invert__(self) -> Not:
        return Not(self)

    def is_null(self) -> IsNull:
        """Whether the value is None (NULL): never unknown."""
        return IsNull(self)

    def not_null(self) -> NotNull:
        """Whether the value is not None (NULL): never unknown."""
        return NotNull(self)

    def coalesce(self, *others: Operand) -> Coalesce:
        """The first operand that is not None."""
        return Coalesce((self, *(_expr(o) for o in others)))


Operand = Expr | Scalar
"""An operand: an expression, or a literal's value."""


def _expr(value: Operand) -> Expr:
    """An operand: an expression as it is, any other value as a :class:`Value`."""
    return value if isinstance(value, Expr) else Value(value)


@attrs.frozen(order=False)
class Field(Expr):
    """The value of one field of the record (after the checks before it).

    Attributes:
        name: The field's name.
    """

    name: str


@attrs.frozen(order=False)
class Value(Expr):
    """A literal.

    Attributes:
        value: The value (a boolean, a number or text).
    """

    value: Scalar


@attrs.frozen(order=False)
class Compare(Expr):
    """A comparison, unknown when an operand is None.

    Attributes:
        op: The operator.
        left: The left operand.
        right: The right operand.
    """

    op: Op
    left: Expr
    right: Expr


@attrs.frozen(order=False)
class IsNull(Expr):
    """Whether the operand is None.

    Attributes:
        operand: The operand.
    """

    operand: Expr


@attrs.frozen(order=False)
class NotNull(Expr):
    """Whether the operand is not None.

    Attributes:
        operand: The operand.
    """

    operand: Expr


@attrs.frozen(order=False)
class And(Expr):
    """Kleene's conjunction: false if an operand is, else unknown if one is, else true.

    Attributes:
        operands: The operands.
    """

    operands: tuple[Expr, ...]


@attrs.frozen(order=False)
class Or(Expr):
    """Kleene's disjunction: true if an operand is, else unknown if one is, else false.

    Attributes:
        operands: The operands.
    """

    operands: tuple[Expr, ...]


@attrs.frozen(order=False)
class Not(Expr):
    """Negation (unknown stays unknown).

    Attributes:
        operand: The operand.
    """

    operand: Expr


@attrs.frozen(order=False)
class Coalesce(Expr):
    """The first operand that is not None (None if none is).

    Attributes:
        operands: The operands.
    """

    operands: tuple[Expr, ...]


class _Fields:
    """``F.name`` is ``Field("name")``: the field references of the table."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Field:
        if name.startswith("__"):
            raise AttributeError(name)
        return Field(name)


#: Field references: ``F.created_at`` is ``Field("created_at")``.
F = _Fields()


@attrs.frozen(order=False)
class Rule:
    """One check that relates several fields of a record.

    Attributes:
        reason: The reason of a record the rule rejects.
        field: The field it blames; the value it reports is this field's.
        when: The condition under which the record is rejected (unknown: not rejected).
        detail: The message after ``field '<field>'``: a template over the record's fields
            (``{created_at}``), each shown as text (a timestamp in ISO 8601).
    """

    reason: Reason
    field: str
    when: Expr
    detail: str


@attrs.frozen(order=False)
class Derivation:
    """Fields completed from others: each new value computed from the values before.

    Attributes:
        values: ``(field, expression)`` pairs, all computed before any is assigned.
    """

    values: tuple[tuple[str, Expr], ...]


Step = str | Rule | Derivation
"""A step of :data:`CHECK_ORDER`: a field's own checks (its name), a rule or a derivation."""

_TICKET_TIMES: tuple[Rule, ...] = (
    Rule(
        Reason.RESPONSE_BEFORE_CREATION,
        "first_response_at",
        F.first_response_at < F.created_at,
        "must not be before created_at {created_at}",
    ),
    Rule(
        Reason.RESOLUTION_BEFORE_CREATION,
        "resolved_at",
        F.resolved_at < F.created_at,
        "must not be before created_at {created_at}",
    ),
    Rule(
        Reason.INCONSISTENT,
        "final_resolved_at",
        F.final_resolved_at.not_null() & F.resolved_at.is_null(),
        "needs resolved_at (the first resolution)",
    ),
    Rule(
        Reason.RESOLUTION_BEFORE_CREATION,
        "final_resolved_at",
        F.final_resolved_at < F.resolved_at,
        "must not be before resolved_at {resolved_at}",
    ),
    Rule(
        Reason.INCONSISTENT,
        "final_resolved_at",
        F.final_resolved_at.ne(F.resolved_at) & ~F.reopened.coalesce(False),
        "may differ from resolved_at only for a reopened contact",
    ),
)

_CALL_FLAGS = Derivation(
    (
        ("answered", F.answered.coalesce(~F.abandoned)),
        ("abandoned", F.abandoned.coalesce(~F.answered)),
    )
)
"""A call's ``answered`` and ``abandoned`` complete each other: the one missing is the other's
negation."""

_CALL: tuple[Rule, ...] = (
    Rule(
        Reason.INCONSISTENT,
        "abandoned",
        F.answered.eq(F.abandoned),
        "must be the opposite of answered={answered} for a call",
    ),
    Rule(
        Reason.MISSING_FIELD,
        "wait_seconds",
        (F.answered.not_null() | F.abandoned.not_null()) & F.wait_seconds.is_null(),
        "is required for a call (answered or abandoned given)",
    ),
)

#: Each record type's checks, in the order they run (a type not listed checks its fields in
#: field order, and has no rule). A field's name stands for its own checks (type, domain).
CHECK_ORDER: Mapping[str, tuple[Step, ...]] = FrozenDict(
    {
        "Ticket": (
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
            *_TICKET_TIMES,
            "wait_seconds",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
            "answered",
            "abandoned",
            _CALL_FLAGS,
            *_CALL,
        ),
        "QaReview": (
            "agent",
            "reviewed_at",
            "checks_applicable",
            "checks_passed",
            Rule(
                Reason.OFF_SCALE,
                "checks_passed",
                F.checks_passed > F.checks_applicable,
                "must not exceed checks_applicable {checks_applicable}",
            ),
            "critical_failed",
            Rule(
                Reason.INCONSISTENT,
                "critical_failed",
                F.critical_failed.coalesce(False) & F.checks_applicable.eq(0),
                "needs at least one applicable check (every item is N/A)",
            ),
            "id",
        ),
        "SurveyAnswer": (
            "agent",
            "contact_id",
            "submitted_at",
            "csat",
            "nps",
            Rule(
                Reason.MISSING_FIELD,
                "csat",
                F.csat.is_null() & F.nps.is_null(),
                "or nps must be given",
            ),
        ),
        "RosterEntry": (
            "agent",
            "team",
            "manager",
            "valid_from",
            "valid_to",
            Rule(
                Reason.INCONSISTENT,
                "valid_to",
                ~(F.valid_from < F.valid_to),
                "must be after valid_from {valid_from}",
            ),
        ),
    }
)


# -- the Python interpreter: SQL's three-valued logic over a record's values --------------


def _kleene(value: Any) -> bool | None:
    """A truth value: True, False or None (unknown)."""
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(f"a condition must be a boolean or None, not {value!r}")


def evaluate(expr: Expr, values: Mapping[str, Any]) -> Any:
    """The value of ``expr`` over a record's values, None standing for SQL's NULL.

    A condition is True, False or None (unknown).

    Examples:
        >>> evaluate(F.a < F.b, {"a": 1, "b": None}) is None
        True
        >>> evaluate((F.a < F.b) | F.c.is_null(), {"a": 1, "b": None, "c": None})
        True
    """
    return _evaluator(expr)(values)


_EVALUATORS: dict[str, Callable[[Mapping[str, Any]], Any]] = {}
"""Each expression's function, by its ``repr`` (``Value(0) == Value(False)`` in Python)."""


def _evaluator(expr: Expr) -> Callable[[Mapping[str, Any]], Any]:
    """``expr`` as a Python function of the values, built once (:func:`_closure`)."""
    key = repr(expr)
    found = _EVALUATORS.get(key)
    if found is None:
        found = _EVALUATORS[key] = _closure(expr)
    return found


def _closure(expr: Expr) -> Callable[[Mapping[str, Any]], Any]:
    """``expr`` as a Python function of the values: a tree of closures.

    Comparisons, ``&``, ``|``, ``~`` and ``coalesce`` follow SQL's three-valued logic
    (unknown is None); a connective whose operands are never unknown is Python's own.
    """
    if isinstance(expr, Field):
        return operator.itemgetter(expr.name)
    if isinstance(expr, Value):
        constant = expr.value
        return lambda _v: constant
    if isinstance(expr, Compare):
        left, right = _closure(expr.left), _closure(expr.right)
        compare = _COMPARISONS[expr.op]
        return lambda v: compare(left(v), right(v))
    if isinstance(expr, (IsNull, NotNull)):
        if isinstance(expr.operand, Value):  # a literal is never None
            known = isinstance(expr, NotNull)
            return lambda _v: known
        inner = _closure(expr.operand)
        if isinstance(expr, NotNull):
            return lambda v: inner(v) is not None
        return lambda v: inner(v) is None
    if isinstance(expr, (And, Or)):
        parts = tuple(_closure(o) for o in expr.operands)
        definite = _definite(expr)
        if len(parts) == 2:  # (the rules' connectives: one call less each)
            a, b = parts
            if definite:
                if isinstance(expr, Or):
                    return lambda v: a(v) or b(v)
                return lambda v: a(v) and b(v)
            join2 = _or if isinstance(expr, Or) else _and
            return lambda v: join2(a(v), b(v))
        if definite:
            if isinstance(expr, Or):
                return lambda v: any(p(v) for p in parts)
            return lambda v: all(p(v) for p in parts)
        join = _or if isinstance(expr, Or) else _and
        return lambda v: join(*(p(v) for p in parts))
    if isinstance(expr, Not):
        inner = _closure(expr.operand)
        if _definite(expr.operand):
            return lambda v: not inner(v)
        return lambda v: _not(inner(v))
    if isinstance(expr, Coalesce):
        parts = tuple(_closure(o) for o in expr.operands)
        if len(parts) == 2:
            first, second = parts
            return lambda v: value if (value := first(v)) is not None else second(v)
        return lambda v: _coalesce(*(p(v) for p in parts))
    raise TypeError(f"not an expression: {expr!r}")


def _comparison(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool | None]:
    """A comparison: unknown (None) when an operand is None; timestamps as instants."""

    def compare(a: Any, b: Any) -> bool | None:
        if a is None or b is None:
            return None
        return bool(op(instant(a), instant(b)))

    return compare


def _and(*operands: Any) -> bool | None:
    """Kleene's ``and``: false if an operand is, else unknown if one is, else true."""
    unknown = False
    for operand in operands:
        truth = _kleene(operand)
        if truth is False:
            return False
        unknown = unknown or truth is None
    return None if unknown else True


def _or(*operands: Any) -> bool | None:
    """Kleene's ``or``: true if an operand is, else unknown if one is, else false."""
    unknown = False
    for operand in operands:
        truth = _kleene(operand)
        if truth is True:
            return True
        unknown = unknown or truth is None
    return None if unknown else False


def _not(operand: Any) -> bool | None:
    """Negation; unknown stays unknown."""
    truth = _kleene(operand)
    return None if truth is None else not truth


def _coalesce(*operands: Any) -> Any:
    """The first operand that is not None."""
    for operand in operands:
        if operand is not None:
            return operand
    return None


_COMPARISONS: Mapping[str, Callable[[Any, Any], bool | None]] = FrozenDict(
    {op: _comparison(function) for op, function in _OPERATORS.items()}
)
"""Each comparison with SQL's NULL: unknown (None) when an operand is None."""


def _definite(expr: Expr) -> bool:
    """Whether ``expr`` is always True or False, never unknown (so Python's logic will do)."""
    if isinstance(expr, (IsNull, NotNull)):
        return True
    if isinstance(expr, Value):
        return isinstance(expr.value, bool)
    if isinstance(expr, (And, Or)):
        return all(_definite(o) for o in expr.operands)
    return isinstance(expr, Not) and _definite(expr.operand)


def _shown(value: Any) -> str:
    """A value as a message shows it (a timestamp in ISO 8601)."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def steps(record_type: type) -> tuple[Step, ...]:
    """The record type's steps: its entry of :data:`CHECK_ORDER`, else its fields in order.

    Examples:
        >>> from csperf.metrics._records import KnowledgeTest
        >>> steps(KnowledgeTest)
        ('agent', 'taken_at', 'score')
    """
    found = CHECK_ORDER.get(record_type.__name__)
    return found if found is not None else tuple(a.name for a in attrs.fields(record_type))


_Check = Callable[[str, Any], Any]
_Plan = Callable[[dict[str, Any], _Check], None]
"""A type's steps compiled: ``plan(values, check)`` checks and completes the values, or raises."""


@functools.cache
def _plan(record_type: type, converted: bool) -> _Plan:
    """The type's steps made once into one function of the values.

    ``converted``: the type's rules only (its fields are checked by converters already).

    Raises:
        TypeError: For a derivation of a ``converted`` type (a frozen record cannot be
            completed after its fields are set).
    """
    obj = record_type.__name__

    def fault(rule: Rule, values: Mapping[str, Any]) -> ValidationError:
        detail = rule.detail.format_map({k: _shown(v) for k, v in values.items()})
        return fail(obj, rule.field, values[rule.field], rule.reason, detail)

    # (kind, data): 0 a field's own checks, 1 a rule, 2 a derivation
    made: list[tuple[int, Any]] = []
    for step in steps(record_type):
        if isinstance(step, str):
            if not converted:
                made.append((0, step))
        elif isinstance(step, Rule):
            made.append((1, (_evaluator(step.when), step)))
        elif converted:
            raise TypeError(f"{obj} checks its fields by converters: it cannot derive fields")
        else:
            made.append((2, tuple((name, _evaluator(e)) for name, e in step.values)))
    plan = tuple(made)

    def run(v: dict[str, Any], check: _Check) -> None:
        for kind, data in plan:
            if kind == 0:
                v[data] = check(data, v[data])
            elif kind == 1:
                if data[0](v) is True:
                    raise fault(data[1], v)
            else:
                v.update([(name, value(v)) for name, value in data])

    return run


def check_in_order(
    record_type: type, values: Mapping[str, Any], check: Callable[[str, Any], Any]
) -> dict[str, Any]:
    """Every check of a record, in the order of :data:`CHECK_ORDER`: the checked values.

    Args:
        record_type: The record class.
        values: Field name → the value given.
        check: ``check(name, value)``: the field's own checks, returning the value
            normalised (it raises for a bad value).

    Returns:
        Field name → the checked (and completed) value.

    Raises:
        ValidationError: From the first check that fails.
    """
    checked = dict(values)
    _plan(record_type, False)(checked, check)
    return checked


def check_rules(record: Any) -> None:
    """The rules of a record whose fields are checked already (by attrs converters).

    Such a record type's fields come first in :data:`CHECK_ORDER`, in field order (the
    converters run in that order), and it has no derivation (a frozen record cannot be
    completed after its fields are set).

    Raises:
        ValidationError: From the first rule that fails.
        TypeError: When the record's type has a derivation.
    """
    record_type: type = type(record)
    plan = _plan(record_type, True)
    plan({a.name: getattr(record, a.name) for a in attrs.fields(type(record))}, _unchecked)


def _unchecked(_name: str, value: Any) -> Any:
    return value


# -- the Ibis interpreter: the same expressions as columns of a table ----------------------


def table_condition(expr: Expr, column: Callable[[str], Any]) -> Any:
    """``expr`` as an Ibis expression over the columns ``column(name)``.

    Timestamps are int64 epoch microseconds, so comparisons are of instants; NULL follows
    SQL (a ``CASE WHEN`` passes over a condition that is NULL).

    Args:
        expr: The expression.
        column: Field name → the Ibis column (``table.__getitem__``).
    """
    if isinstance(expr, Field):
        return column(expr.name)
    if isinstance(expr, Value):
        from csperf.metrics._ibis import import_ibis

        return import_ibis().literal(expr.value)
    if isinstance(expr, Compare):
        left, right = table_condition(expr.left, column), table_condition(expr.right, column)
        return _OPERATORS[expr.op](left, right)
    if isinstance(expr, IsNull):
        return table_condition(expr.operand, column).isnull()
    if isinstance(expr, NotNull):
        return table_condition(expr.operand, column).notnull()
    if isinstance(expr, (And, Or)):
        join = operator.or_ if isinstance(expr, Or) else operator.and_
        first, *rest = (table_condition(o, column) for o in expr.operands)
        for operand in rest:
            first = join(first, operand)
        return first
    if isinstance(expr, Not):
        return ~table_condition(expr.operand, column)
    if isinstance(expr, Coalesce):
        first, *rest = (table_condition(o, column) for o in expr.operands)
        return first.coalesce(*rest)
    raise TypeError(f"not an expression: {expr!r}")


def table_derived(record_type: type, columns: Mapping[str, Any]) -> dict[str, Any]:
    """``columns`` (field name → Ibis column) completed by the type's derivations.

    The derivations of :data:`CHECK_ORDER` in order; the table checks apply them when the
    table is typed, before every rule (they change no field that a check before them reads).
    """
    found = dict(columns)
    for step in steps(record_type):
        if isinstance(step, Derivation):
            found.update({name: table_condition(e, found.__getitem__) for name, e in step.values})
    return found
