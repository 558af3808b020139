"""Indicators: what is measured, which way is better, and the rule that scores it."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NoReturn

import attrs
import numpy as np

from csperf._canonical import OMIT_IF_DEFAULT, CanonicalForm
from csperf._keys import check_key, valid_key
from csperf._numbers import as_real, exact, exact_input, must
from csperf.errors import CsperfError, MeasurementError, PluginError, ValidationError
from csperf.grading import GradeBand, GradeScale
from csperf.ratings import RatingScale, RatingSources
from csperf.rules import ScoringRule
from csperf.text import KEYED_TEXT, Text, localize, to_text
from csperf.units import Direction, ValueDomain, domain_of_unit, to_direction

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

__all__ = ["Indicator"]

_BUILTIN_RULES = ScoringRule.__module__
"""The module of the built-in rules, whose float points need no check."""


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
        domain: The :class:`~csperf.units.ValueDomain` of possible raw values, or None to
            inherit the one its :attr:`scale` gives, else the one its unit implies
            (:func:`~csperf.units.domain_of_unit`: a fraction is ``[0, 1]``, a duration
            ``[0, ∞)``...). A raw value outside it is never scored.
        scale: The :class:`~csperf.ratings.RatingScale` of a rated indicator (1-5, 1-10, or
            labels such as 优秀/良好/合格/不合格 mapped to points), or None.
        raters: The :class:`~csperf.ratings.RatingSources` a rated indicator combines (self,
            peer, manager, subordinate, customer; weights, minimum raters, anonymity), or
            None for a measured indicator. It needs a :attr:`scale`. A value given directly
            (a measurement) still scores as any other; :func:`csperf.ratings.rate` computes
            the value from ratings.

    Examples:
        >>> from csperf import Direction, Indicator, Piecewise
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
    domain: ValueDomain | None = attrs.field(
        default=None,
        validator=must(
            "be a ValueDomain or None", lambda v: v is None or isinstance(v, ValueDomain)
        ),
    )
    scale: RatingScale | None = attrs.field(
        default=None,
        validator=must(
            "be a RatingScale or None", lambda v: v is None or isinstance(v, RatingScale)
        ),
        metadata={OMIT_IF_DEFAULT: True},
    )
    raters: RatingSources | None = attrs.field(
        default=None,
        validator=must(
            "be a RatingSources or None", lambda v: v is None or isinstance(v, RatingSources)
        ),
        metadata={OMIT_IF_DEFAULT: True},
    )

    @raters.validator
    def _check_raters(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and self.scale is None:
            raise ValidationError(
                msg="a rated indicator (field 'raters') needs a rating scale (field 'scale')",
                obj=self._obj,
                field="scale",
                value=None,
            )

    @property
    def _obj(self) -> str:
        return f"Indicator {self.key!r}"

    @property
    def value_domain(self) -> ValueDomain:
        """The domain raw values are checked against: :attr:`domain`, or the unit's.

        Examples:
            >>> from csperf import Indicator, Piecewise
            >>> rate = Indicator("csat", "CSAT", "quality", "higher_is_better",
            ...                  Piecewise([(0.5, 0), (0.95, 100)]), unit="fraction")
            >>> str(rate.value_domain)
            '[0, 1]'
        """
        if self.domain is not None:
            return self.domain
        if self.scale is not None:
            return self.scale.domain
        return domain_of_unit(self.unit)

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
            value = as_real(
                raw, obj=f"Indicator {self.key!r}", field=self.metric, error=MeasurementError
            )
        except MeasurementError as exc:
            raise MeasurementError(
                msg=f"{exc.message}{who}", field=self.metric, subject=subject, value=raw
            ) from None
        domain = self.value_domain
        if domain.bounded and not domain.contains(
            raw if isinstance(raw, (Decimal, Fraction)) else value
        ):
            self._domain_error(raw, subject)
        return value

    def _domain_error(self, raw: Any, subject: str | None) -> None:
        """Raise the error for a raw value outside :attr:`value_domain`.

        Raises:
            MeasurementError: Always; it names the indicator, the subject and the value.
        """
        who = f" of subject {subject!r}" if subject is not None else ""
        raise MeasurementError(
            msg=f"{self.metric} {_shown(raw)}{who} is outside the values the indicator can take "
            f"{self.value_domain}",
            obj=f"Indicator {self.key!r}",
            field=self.metric,
            subject=subject,
            value=raw,
        )

    def exact_points(self, raw: float, *, subject: str | None = None) -> Fraction:
        """Exact points for a raw value (see :meth:`ScoringRule.exact_points`).

        Raises:
            MeasurementError: When the value cannot be scored; the error names the indicator
                and the subject.
        """
        value = self.check_raw(raw, subject=subject)
        return self._rule_points(exact_input(raw, value), raw, subject)

    def _rule_points(self, value: Fraction, raw: Any, subject: str | None) -> Fraction:
        """The rule's exact points for an exact raw value already checked, themselves checked.

        Raises:
            MeasurementError: When the rule cannot score the value.
            PluginError: When the rule gives anything but a real number in
                ``[0, max_points]``; the error names the indicator and the rule's plugin.
        """
        try:
            points = self.scoring.exact_points(value)
        except MeasurementError as exc:
            who = f" for subject {subject!r}" if subject is not None else ""
            raise MeasurementError(
                msg=f"{exc.message}{who}",
                obj=f"Indicator {self.key!r}",
                field=self.metric,
                subject=subject,
                value=raw,
            ) from None
        except CsperfError:
            raise
        except Exception as exc:  # a plugin's rule that fails: name it and where
            self._rule_failed(exc, raw, subject)
        if (
            isinstance(points, bool)
            or not isinstance(points, numbers.Real)
            or not math.isfinite(points)
        ):
            self._points_error(points, raw, subject)
        checked = exact(points)
        if not 0 <= checked <= exact(self.scoring.max_points):
            self._points_error(points, raw, subject)
        return checked

    def _points_array(
        self,
        raw: NDArray[np.float64],
        subjects: Sequence[str | None],
        present: NDArray[np.bool_] | None = None,
        offset: int = 0,
    ) -> NDArray[np.float64]:
        """The rule's float points for an array of checked raw values, themselves checked.

        Rows where ``present`` is False are missing: their points are not checked. Row ``j``
        belongs to ``subjects[offset + j]``.

        Raises:
            MeasurementError: When the rule cannot score a value.
            PluginError: As :meth:`_rule_points`, for the first row at fault.
        """
        try:
            out: Any = self.scoring.points_array(raw)
        except MeasurementError:
            # Find the first row the rule cannot score and raise its precise error.
            for row in range(len(raw)) if present is None else np.flatnonzero(present).tolist():
                self.exact_points(float(raw[row]), subject=subjects[offset + row])
            raise
        except CsperfError:
            raise
        except Exception as exc:
            # the first row it fails on, named; else the failure of the whole array
            for row in range(len(raw)) if present is None else np.flatnonzero(present).tolist():
                self.exact_points(float(raw[row]), subject=subjects[offset + row])
            self._rule_failed(exc, None, None)
        if not isinstance(out, np.ndarray) or out.shape != raw.shape or out.dtype.kind not in "fiu":
            # Not an array of numbers: accept it only if it holds one real number per value.
            items = list(out) if hasattr(out, "__iter__") else [out]
            if len(items) != len(raw):
                self._points_error(out, None, None)
            for row, item in enumerate(items):
                there = present is None or present[row]
                if there and (isinstance(item, bool) or not isinstance(item, numbers.Real)):
                    self._points_error(item, float(raw[row]), subjects[offset + row])
            out = np.array(
                [float(item) if isinstance(item, numbers.Real) else math.nan for item in items]
            )
        if out.dtype != np.float64:
            out = out.astype(np.float64)
        if type(self.scoring).__module__ == _BUILTIN_RULES:
            # The built-in rules stay within [0, max_points] by construction; their float
            # points may pass an end by an ulp, which is no error. Plugins' points are checked.
            return np.asarray(out)
        # Without missing values: two reductions, no mask (NaN makes both comparisons false).
        if present is None and len(out) and out.min() >= 0 and out.max() <= self.scoring.max_points:
            return np.asarray(out)
        ok = out >= 0
        ok &= out <= self.scoring.max_points
        if present is not None:
            ok |= ~present
        if not ok.all():
            row = int(np.argmin(ok))
            self._points_error(float(out[row]), float(raw[row]), subjects[offset + row])
        return np.asarray(out)

    def _points_error(self, points: Any, raw: Any, subject: str | None) -> NoReturn:
        """Raise the error for points a rule should never give.

        Raises:
            PluginError: Always; it names the indicator, the rule's kind and its plugin (the
                module that defines the rule).
        """
        raise self._rule_error(
            f"gave {points!r} points",
            raw,
            subject,
            f"; points must be a real number in [0, {self.scoring.max_points:g}]",
            value=points,
        )

    def _rule_failed(self, exc: Exception, raw: Any, subject: str | None) -> NoReturn:
        """Raise the error for a rule that raised ``exc`` (not a csperf error) scoring ``raw``.

        Raises:
            PluginError: Always, naming the indicator, the rule's kind, its plugin (the
                module that defines the rule), the raw value and the subject; ``exc`` is
                its ``__cause__``.
        """
        raise self._rule_error(
            "failed", raw, subject, f": {type(exc).__name__}: {exc}", value=raw
        ) from exc

    def _rule_error(
        self, what: str, raw: Any, subject: str | None, tail: str, *, value: Any
    ) -> PluginError:
        """``scoring rule 'k' of plugin 'm' <what> at <metric> <raw> for subject 's'<tail>``."""
        plugin = type(self.scoring).__module__
        who = f" for subject {subject!r}" if subject is not None else ""
        at = f" at {self.metric} {_shown(raw)}" if raw is not None else ""
        return PluginError(
            msg=f"scoring rule {self.scoring.kind or type(self.scoring).__name__!r} of plugin "
            f"{plugin!r} {what}{at}{who}{tail}",
            obj=f"Indicator {self.key!r}",
            field=self.metric,
            subject=subject,
            value=value,
            plugin=plugin,
            hook="csperf_scoring_rules",
        )

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


def _shown(raw: Any) -> str:
    if isinstance(raw, (float, np.floating)):
        return repr(float(raw))
    return str(raw)
