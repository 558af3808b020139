"""What happens after the weighted total and before grading: bonus and deduction items, vetoes.

Chinese appraisal forms (绩效考核表) add points for good events (加分项, e.g. +1 per customer
commendation up to +5), take points away for bad ones (扣分项, e.g. −2 per verified complaint)
and fail a person outright for a serious fault (一票否决, a veto). A
:class:`~csperf.Scorecard` holds them as :class:`Adjustment` and :class:`Veto` objects; both
:meth:`~csperf.Scorecard.evaluate` and :meth:`~csperf.Scorecard.evaluate_many` apply them, in
this order, to the exact weighted total ``T``:

1. each item's amount ``a = n × points`` for ``n`` events, at most its ``cap``;
2. bonuses in the card's order, each at most what is left of the card's ``bonus_cap``:
   ``T ← T + a``;
3. deductions in the card's order, none taking the total below its ``floor``:
   ``T ← max(T − a, min(T, floor))``;
4. the total kept within ``[0, max_points]``;
5. every veto whose condition holds: ``zero`` sets the total to 0, ``cap_total`` to at most
   its cap; ``cap_grade`` leaves the total and caps the grade;
6. the total rounded half up once, to the card's precision; then graded, and the grade capped.

The formulas, their sources and the missing-value rules are in ``docs/explanation/form-items.rst``.
"""

from __future__ import annotations

import enum
import math
import numbers
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from csperf._canonical import CanonicalForm
from csperf._keys import valid_key
from csperf._numbers import KEYED_REAL, as_real, exact, must
from csperf.errors import MeasurementError, ValidationError
from csperf.text import KEYED_TEXT, Text, localize, to_text

__all__ = ["OPERATORS", "Adjustment", "AdjustmentKind", "Comparison", "Veto", "VetoEffect"]

Comparison = Literal[">=", ">", "<=", "<", "==", "!="]
"""The comparisons a :class:`Veto` condition may use."""

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
"""The comparisons a :class:`Veto` condition may use (a fixed table, never ``eval``)."""


class VetoEffect(str, enum.Enum):
    """What a fired :class:`Veto` does.

    Attributes:
        CAP_GRADE: The grade is at most the band ``grade`` (e.g. 不合格 / ``fail``); the total
            is unchanged.
        CAP_TOTAL: The total is at most ``cap`` (e.g. 59).
        ZERO: The total is 0.
    """

    CAP_GRADE = "cap_grade"
    CAP_TOTAL = "cap_total"
    ZERO = "zero"

    def __str__(self) -> str:
        return self.value


class AdjustmentKind(str, enum.Enum):
    """Which way an :class:`Adjustment` moves the total.

    Attributes:
        BONUS: Points added (加分项).
        DEDUCTION: Points taken away (扣分项).
    """

    BONUS = "bonus"
    DEDUCTION = "deduction"

    def __str__(self) -> str:
        return self.value


def _choice(kind: type[enum.Enum], obj: str, field: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            raise ValidationError(
                msg=f"field {field!r} must be one of "
                f"{', '.join(str(m.value) for m in kind)}, got {value!r}",
                obj=obj,
                field=field,
                value=value,
            ) from None

    return convert


def _optional_text(obj: str, field: str) -> Callable[[Any], Text]:
    def convert(value: Any) -> Text:
        if isinstance(value, str) and value == "":
            return ""
        return to_text(value, obj=obj, field=field)

    return convert


def _effect(value: Any) -> VetoEffect:
    result: VetoEffect = _choice(VetoEffect, "Veto", "effect")(value)
    return result


def _kind(value: Any) -> AdjustmentKind:
    result: AdjustmentKind = _choice(AdjustmentKind, "Adjustment", "kind")(value)
    return result


def _veto_reason(value: Any) -> Text:
    return _optional_text("Veto", "reason")(value)


def _adjustment_reason(value: Any) -> Text:
    return _optional_text("Adjustment", "reason")(value)


def _metric(value: Any, self: Any) -> str:
    if value is None:
        return str(self.key)
    if not isinstance(value, str) or not value:
        raise ValidationError(
            msg=f"field 'metric' must be a non-empty string, got {value!r}",
            obj=f"{type(self).__name__} {self.key!r}",
            field="metric",
            value=value,
        )
    return value


def _optional_real(value: Any, self: Any, field: attrs.Attribute[Any]) -> float | None:
    if value is None:
        return None
    return as_real(value, obj=f"{type(self).__name__} {self.key!r}", field=field.name)


_OPTIONAL_REAL: attrs.Converter[Any, float | None] = attrs.Converter(
    _optional_real, takes_self=True, takes_field=True
)


def _positive_or_none(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not value > 0:
        raise ValidationError(
            msg=f"field {attribute.name!r} must be positive, got {value!r}",
            obj=f"{type(instance).__name__} {instance.key!r}",
            field=attribute.name,
            value=value,
        )


@attrs.frozen
class Veto(CanonicalForm):
    """A veto item (否决项, 一票否决): a condition on one measurement that overrides the total.

    The condition is ``<metric> <operator> <threshold>`` on the subject's raw value, for
    example ``serious_complaints >= 1`` or ``critical_failures >= 1`` (a flag is a value of 0 or
    1; True and False count as 1 and 0). A missing value is never taken as "no veto": it
    follows the card's :class:`~csperf.MissingPolicy` (``error`` and ``redistribute`` raise,
    ``zero`` fires the veto).

    Attributes:
        key: Identifier (``[a-z][a-z0-9_]*``), unique among the card's vetoes and adjustments.
        label: Display name, a string or a mapping of language to text.
        metric: The measurement the condition reads; defaults to ``key``.
        effect: A :class:`VetoEffect` (or its value): ``cap_grade``, ``cap_total`` or ``zero``.
        operator: One of ``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=`` (:data:`OPERATORS`).
        threshold: The number the value is compared with.
        cap: The highest total, for ``cap_total`` (and only then); it must have no more
            decimals than the card's precision.
        grade: The key of the highest band, for ``cap_grade`` (and only then).
        reason: Why the veto exists, shown with its effect (a string or language → text).

    Raises:
        ValidationError: For a bad field, a cap without ``cap_total``, a grade without
            ``cap_grade``, or the other way round.

    Examples:
        >>> veto = Veto("serious_complaint", {"en": "Serious complaint", "zh": "重大投诉"},
        ...     metric="serious_complaints", effect="cap_grade", grade="fail")
        >>> veto.fires(0), veto.fires(2)
        (False, True)
    """

    key: str = attrs.field(validator=valid_key)
    label: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    metric: str = attrs.field(
        default=None,
        converter=attrs.Converter(_metric, takes_self=True),  # type: ignore[misc]
    )
    effect: VetoEffect = attrs.field(default=VetoEffect.CAP_GRADE, converter=_effect)
    operator: Comparison = attrs.field(
        default=">=",
        validator=must(
            f"be one of {', '.join(OPERATORS)}", lambda v: isinstance(v, str) and v in OPERATORS
        ),
    )
    threshold: float = attrs.field(default=1.0, converter=KEYED_REAL)  # type: ignore[misc]
    cap: float | None = attrs.field(default=None, converter=_OPTIONAL_REAL)  # type: ignore[misc]
    grade: str | None = attrs.field(
        default=None,
        validator=must(
            "be a band key or None", lambda v: v is None or (isinstance(v, str) and v != "")
        ),
    )
    reason: Text = attrs.field(default="", converter=_veto_reason)

    @reason.validator
    def _check_effect(self, attribute: attrs.Attribute[Text], value: Text) -> None:
        obj = f"Veto {self.key!r}"
        wanted = {VetoEffect.CAP_TOTAL: "cap", VetoEffect.CAP_GRADE: "grade"}.get(self.effect)
        for field in ("cap", "grade"):
            given = getattr(self, field) is not None
            if given and field != wanted:
                raise ValidationError(
                    msg=f"field {field!r} is only for effect "
                    f"{'cap_total' if field == 'cap' else 'cap_grade'}, not {self.effect.value}",
                    obj=obj,
                    field=field,
                    value=getattr(self, field),
                )
            if not given and field == wanted:
                raise ValidationError(
                    msg=f"effect {self.effect.value} needs the field {field!r}",
                    obj=obj,
                    field=field,
                    value=None,
                )
        if self.cap is not None and self.cap < 0:
            raise ValidationError(
                msg=f"field 'cap' must not be negative, got {self.cap!r}",
                obj=obj,
                field="cap",
                value=self.cap,
            )

    def text(self, lang: str | None = None) -> str:
        """The display name in ``lang``."""
        return localize(self.label, lang)

    def condition(self) -> str:
        """The condition as text, such as ``serious_complaints >= 1``.

        Example:
            >>> Veto("breach", "Data breach", effect="zero").condition()
            'breach >= 1'
        """
        return f"{self.metric} {self.operator} {_number(self.threshold)}"

    def fires(self, value: Any) -> bool:
        """Whether the condition holds for a raw value, compared exactly.

        Raises:
            MeasurementError: When the value is no finite real number (nor a boolean).
        """
        checked = _veto_input(self).check_raw(value)
        return bool(OPERATORS[self.operator](exact_value(value, checked), exact(self.threshold)))


@attrs.frozen
class Adjustment(CanonicalForm):
    """A bonus or deduction item (加分项 / 扣分项): points per event, after the weighted total.

    The item's amount is ``min(n × points, cap)`` for ``n`` events (its measurement, a real
    number ≥ 0); a bonus adds it (within what is left of the card's ``bonus_cap``), a deduction
    takes it away without going below ``floor``. A missing count raises under the card's
    ``error`` policy and gives the item 0 points under ``zero`` and ``redistribute``.

    Attributes:
        key: Identifier (``[a-z][a-z0-9_]*``), unique among the card's vetoes and adjustments.
        label: Display name, a string or a mapping of language to text.
        kind: An :class:`AdjustmentKind` (or its value): ``bonus`` or ``deduction``.
        points: Points per event, positive (the kind gives the sign).
        metric: The measurement holding the number of events; defaults to ``key``.
        cap: The most points the item can add or take away, or None for no limit.
        floor: For a deduction: the total it never takes the total below, or None (no floor
            but 0).
        reason: Why the item exists (a string or language → text).

    Raises:
        ValidationError: For a bad field, or a floor on a bonus.

    Examples:
        >>> praise = Adjustment("commendations", "Commendations", "bonus", 1, cap=5)
        >>> praise.amount(3), praise.amount(8)
        (3.0, 5.0)
    """

    key: str = attrs.field(validator=valid_key)
    label: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    kind: AdjustmentKind = attrs.field(converter=_kind)
    points: float = attrs.field(converter=KEYED_REAL)  # type: ignore[misc]
    metric: str = attrs.field(
        default=None,
        converter=attrs.Converter(_metric, takes_self=True),  # type: ignore[misc]
    )
    cap: float | None = attrs.field(
        default=None,
        converter=_OPTIONAL_REAL,  # type: ignore[misc]
        validator=_positive_or_none,
    )
    floor: float | None = attrs.field(default=None, converter=_OPTIONAL_REAL)  # type: ignore[misc]
    reason: Text = attrs.field(default="", converter=_adjustment_reason)

    @reason.validator
    def _check_parts(self, attribute: attrs.Attribute[Text], value: Text) -> None:
        obj = f"Adjustment {self.key!r}"
        if not self.points > 0:
            raise ValidationError(
                msg=f"field 'points' must be positive (the kind gives the sign), "
                f"got {self.points!r}",
                obj=obj,
                field="points",
                value=self.points,
            )
        if self.floor is not None and self.kind is AdjustmentKind.BONUS:
            raise ValidationError(
                msg="field 'floor' is only for a deduction",
                obj=obj,
                field="floor",
                value=self.floor,
            )

    @property
    def sign(self) -> int:
        """+1 for a bonus, −1 for a deduction."""
        return 1 if self.kind is AdjustmentKind.BONUS else -1

    def text(self, lang: str | None = None) -> str:
        """The display name in ``lang``."""
        return localize(self.label, lang)

    def amount(self, events: Any) -> float:
        """The item's points for a number of events, ``min(n × points, cap)``, unsigned.

        Raises:
            MeasurementError: When ``events`` is no finite real number ≥ 0.
        """
        checked = _adjustment_input(self).check_raw(events)
        return float(Plan.item_amount(self, exact_value(events, checked), _EXACT))


# -- reading the inputs ---------------------------------------------------------------------


def exact_value(raw: Any, value: float) -> Fraction:
    """The exact value of a checked input (a Decimal or an int keeps its digits)."""
    if isinstance(raw, (Decimal, Fraction)) or (
        isinstance(raw, numbers.Integral) and not isinstance(raw, bool)
    ):
        return Fraction(raw)
    return exact(value)


@attrs.frozen
class Input:
    """One measurement a veto or an adjustment reads: the reader's view of it.

    The table readers (:mod:`csperf._tables`) read it as they read an indicator's column:
    through ``key``, ``metric`` and :meth:`check_raw`.

    Attributes:
        key: ``veto.<key>`` or ``adjustment.<key>``: unique among a card's readers.
        metric: The measurement name.
        owner: ``Veto 'key'`` or ``Adjustment 'key'``, for messages.
        events: Whether the value counts events (then it must be ≥ 0); a veto's value may be
            any real number or a boolean.
    """

    key: str
    metric: str
    owner: str
    events: bool

    @property
    def flag(self) -> bool:
        """Whether a boolean column is read as 0 and 1 (a veto's flag)."""
        return not self.events

    def check_raw(self, raw: Any, *, subject: str | None = None) -> float:
        """The value as a float.

        Raises:
            MeasurementError: For a non-number, NaN, an infinity, or a negative count.
        """
        who = f" for subject {subject!r}" if subject is not None else ""
        if isinstance(raw, (bool, _numpy_bool())) and not self.events:
            return float(bool(raw))
        try:
            value = as_real(raw, obj=self.owner, field=self.metric, error=MeasurementError)
        except MeasurementError as exc:
            raise MeasurementError(
                msg=f"{exc.msg}{who}", obj=self.owner, field=self.metric, subject=subject, value=raw
            ) from None
        if self.events and value < 0:
            raise MeasurementError(
                msg=f"{self.metric} {raw!r}{who} must be a number of events, at least 0",
                obj=self.owner,
                field=self.metric,
                subject=subject,
                value=raw,
            )
        return value


def _numpy_bool() -> type:
    import numpy as np

    return np.bool_


def _veto_input(veto: Veto) -> Input:
    return Input(f"veto.{veto.key}", veto.metric, f"Veto {veto.key!r}", events=False)


def _adjustment_input(item: Adjustment) -> Input:
    return Input(f"adjustment.{item.key}", item.metric, f"Adjustment {item.key!r}", events=True)


# -- applying them ----------------------------------------------------------------------------


@attrs.frozen
class _Numbers:
    """The arithmetic :class:`Plan` runs in: exact fractions, or numpy float arrays."""

    constant: Callable[[Fraction], Any]
    minimum: Callable[[Any, Any], Any]
    maximum: Callable[[Any, Any], Any]
    where: Callable[[Any, Any, Any], Any]


_EXACT = _Numbers(
    constant=lambda c: c,
    minimum=min,
    maximum=max,
    where=lambda cond, yes, no: yes if cond else no,
)


def _float_numbers() -> _Numbers:
    import numpy as np

    return _Numbers(
        constant=float,
        minimum=np.minimum,
        maximum=np.maximum,
        where=np.where,
    )


@attrs.frozen
class Applied:
    """What :meth:`Plan.apply` gives, in the arithmetic it ran in.

    Attributes:
        amounts: Each adjustment's unsigned amount ``min(n × points, cap)``, in the card's
            order.
        applied: Each adjustment's signed change to the total (after the bonus cap and the
            floors), in the card's order.
        adjusted: The total after the adjustments, within ``[0, max_points]``, before vetoes.
        total: The total after the vetoes, before rounding.
    """

    amounts: list[Any]
    applied: list[Any]
    adjusted: Any
    total: Any


class Plan:
    """The vetoes and adjustments of one card, as exact numbers; built once per card.

    Args:
        vetoes: The card's vetoes.
        adjustments: The card's adjustments.
        bonus_cap: The most points all bonuses together add, or None.
        max_points: The card's ``max_points``.
    """

    def __init__(
        self,
        vetoes: Sequence[Veto],
        adjustments: Sequence[Adjustment],
        bonus_cap: float | None,
        max_points: float,
    ) -> None:
        self.vetoes = tuple(vetoes)
        self.adjustments = tuple(adjustments)
        self.bonus_cap = None if bonus_cap is None else exact(bonus_cap)
        self.max_points = exact(max_points)
        self.active = bool(self.vetoes or self.adjustments)
        self.veto_inputs = tuple(_veto_input(v) for v in self.vetoes)
        self.adjustment_inputs = tuple(_adjustment_input(a) for a in self.adjustments)
        self.thresholds = tuple(exact(v.threshold) for v in self.vetoes)

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every measurement read: the vetoes' first, then the adjustments'."""
        return (*self.veto_inputs, *self.adjustment_inputs)

    @staticmethod
    def item_amount(item: Adjustment, events: Any, numbers: _Numbers) -> Any:
        """``min(n × points, cap)``, unsigned."""
        amount = events * numbers.constant(exact(item.points))
        if item.cap is not None:
            amount = numbers.minimum(amount, numbers.constant(exact(item.cap)))
        return amount

    def apply(
        self, total: Any, events: Sequence[Any], fired: Sequence[Any], numbers: _Numbers
    ) -> Applied:
        """Apply the adjustments to ``total``, then the fired vetoes (steps 1-5 of the module).

        Args:
            total: The weighted total (a Fraction, or a float array).
            events: Each adjustment's number of events (0 where missing).
            fired: Whether each veto fired.
            numbers: The arithmetic.
        """
        c, lo, hi = numbers.constant, numbers.minimum, numbers.maximum
        amounts = [self.item_amount(a, n, numbers) for a, n in zip(self.adjustments, events)]
        applied: list[Any] = [None] * len(amounts)
        running = total
        room = None if self.bonus_cap is None else c(self.bonus_cap)
        for i, item in enumerate(self.adjustments):
            if item.kind is AdjustmentKind.BONUS:
                add = amounts[i] if room is None else lo(amounts[i], room)
                if room is not None:
                    room = room - add
                running = running + add
                applied[i] = add
        for i, item in enumerate(self.adjustments):
            if item.kind is AdjustmentKind.DEDUCTION:
                lowered = running - amounts[i]
                if item.floor is not None:
                    lowered = hi(lowered, lo(running, c(exact(item.floor))))
                applied[i] = lowered - running
                running = lowered
        adjusted = lo(hi(running, c(Fraction(0))), c(self.max_points))
        result = adjusted
        for veto, hit in zip(self.vetoes, fired):
            if veto.effect is VetoEffect.ZERO:
                result = numbers.where(hit, c(Fraction(0)), result)
            elif veto.effect is VetoEffect.CAP_TOTAL:
                assert veto.cap is not None
                result = numbers.where(hit, lo(result, c(exact(veto.cap))), result)
        return Applied(amounts=amounts, applied=applied, adjusted=adjusted, total=result)

    def apply_exact(
        self, total: Fraction, events: Sequence[Fraction], fired: Sequence[bool]
    ) -> Applied:
        """:meth:`apply` in exact arithmetic."""
        return self.apply(total, events, fired, _EXACT)

    def apply_floats(self, total: Any, events: Sequence[Any], fired: Sequence[Any]) -> Applied:
        """:meth:`apply` on float arrays (numpy)."""
        return self.apply(total, events, fired, _float_numbers())

    def magnitude(self, applied: Applied) -> Any:
        """A bound on the float error scale of the adjusted totals: ``Σ |amount|``."""
        size: Any = 0.0
        for amount in applied.amounts:
            size = size + abs(amount)
        return size


def _number(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
