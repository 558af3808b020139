"""Indicators: what is measured, which way is better, and the rule that scores it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from csperf._canonical import CanonicalForm
from csperf._keys import check_key, valid_key
from csperf._numbers import as_real, exact, must
from csperf.errors import MeasurementError, ValidationError
from csperf.grading import GradeBand, GradeScale
from csperf.rules import ScoringRule
from csperf.text import KEYED_TEXT, Text, localize, to_text
from csperf.units import Direction, to_direction

__all__ = ["Indicator"]


def _direction(value: Any) -> Direction:
    return to_direction(value, obj="Indicator")


def _text_or_empty(value: Any) -> Text:
    if isinstance(value, str) and value == "":
        return ""
    return to_text(value, obj="Indicator", field="description")


def _scoring(value: Any, self: Any) -> ScoringRule:
    """The rule, checked against (and, if it depends on it, bound to) the direction."""
    obj = f"Indicator {self.key!r}"
    if not isinstance(value, ScoringRule):
        raise ValidationError(
            msg=f"field 'scoring' must be a ScoringRule, got {value!r}",
            obj=obj,
            field="scoring",
            value=value,
        )
    return value.bind(self.direction, obj=obj)


def _metric(value: Any, self: Any) -> str:
    if value is None:
        return str(self.key)
    if not isinstance(value, str) or not value:
        obj = f"Indicator {self.key!r}"
        raise ValidationError(
            msg=f"field 'metric' must be a non-empty string, got {value!r}",
            obj=obj,
            field="metric",
            value=value,
        )
    return value


@attrs.frozen
class Indicator(CanonicalForm):
    """One appraisal indicator: what is measured, which way is better and how it scores.

    Attributes:
        key: Identifier (``[a-z][a-z0-9_]*``), unique in a scorecard.
        name: Display name, a string or a mapping of language to text.
        dimension: Key of the :class:`~csperf.Dimension` the indicator belongs to.
        direction: Which raw values are better (a :class:`Direction` or its value string).
        scoring: The :class:`ScoringRule`; it must agree with ``direction``.
        unit: Unit of the raw value, for display (``"s"``, ``"%"``, ``"fraction"``...).
        standards: Optional :class:`~csperf.GradeScale` over raw values (e.g. "90 % or more is
            excellent").
        metric: Name of the measurement the indicator reads; defaults to ``key``.
        description: Definition and formula of the indicator, for people.

    Examples:
        >>> speed = Indicator(
        ...     "first_response_time", "First response", "efficiency",
        ...     Direction.LOWER_IS_BETTER, Piecewise([(30, 100), (300, 60), (600, 0)]), unit="s",
        ... )
        >>> speed.score(165)
        80.0
    """

    key: str = attrs.field(validator=valid_key)
    name: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    dimension: str = attrs.field()
    direction: Direction = attrs.field(converter=_direction)
    scoring: ScoringRule = attrs.field(
        converter=attrs.Converter(_scoring, takes_self=True)  # type: ignore[misc]
    )
    unit: str = attrs.field(default="", validator=must("be a string", lambda v: isinstance(v, str)))
    standards: GradeScale | None = attrs.field(
        default=None,
        validator=must("be a GradeScale or None", lambda v: v is None or isinstance(v, GradeScale)),
    )
    metric: str = attrs.field(
        default=None,
        converter=attrs.Converter(_metric, takes_self=True),  # type: ignore[misc]
    )
    description: Text = attrs.field(default="", converter=_text_or_empty)

    @property
    def _obj(self) -> str:
        return f"Indicator {self.key!r}"

    @dimension.validator
    def _check_dimension(self, attribute: attrs.Attribute[str], value: Any) -> None:
        check_key(self._obj, "dimension", value)

    def text(self, lang: str | None = None) -> str:
        """The display name in ``lang``."""
        return localize(self.name, lang)

    def check_raw(self, raw: Any, *, subject: str | None = None) -> float:
        """Validate a raw value and return it as a float.

        Raises:
            MeasurementError: For booleans, non-numbers, NaN and infinities.
        """
        who = f" for subject {subject!r}" if subject is not None else ""
        try:
            return as_real(
                raw, obj=f"Indicator {self.key!r}", field=self.metric, error=MeasurementError
            )
        except MeasurementError as exc:
            raise MeasurementError(
                msg=f"{exc.message}{who}", field=self.metric, subject=subject, value=raw
            ) from None

    def exact_points(self, raw: float, *, subject: str | None = None) -> Fraction:
        """Exact points for a raw value (see :meth:`ScoringRule.exact_points`).

        Raises:
            MeasurementError: When the value cannot be scored; the error names the indicator
                and the subject.
        """
        value = self.check_raw(raw, subject=subject)
        try:
            return self.scoring.exact_points(exact(value))
        except MeasurementError as exc:
            who = f" for subject {subject!r}" if subject is not None else ""
            raise MeasurementError(
                msg=f"{exc.message}{who}",
                obj=f"Indicator {self.key!r}",
                field=self.metric,
                subject=subject,
                value=raw,
            ) from None

    def score(self, raw: float, *, subject: str | None = None) -> float:
        """Points for a raw value, as a float."""
        return float(self.exact_points(raw, subject=subject))

    def standard(self, raw: float, *, subject: str | None = None) -> GradeBand | None:
        """The raw value's band on :attr:`standards`, or None without standards or outside them."""
        if self.standards is None:
            return None
        value = self.check_raw(raw, subject=subject)
        if not self.standards.covers(value):
            return None
        return self.standards.grade(value, subject=subject)
