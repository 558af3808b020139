"""The csperf error hierarchy.

Every error csperf raises on purpose derives from :class:`CsperfError`, and each subclass also
derives from the matching built-in exception (``ValueError``, ``KeyError``, ``LookupError``...),
so code that already catches the built-in keeps working.

An error says what is wrong, where and with which value. Besides the message it carries the
structured context as attributes: ``obj`` (the object at fault, such as
``"Indicator 'complaint_rate'"``), ``field``, ``subject`` and ``value``. Errors stay
picklable, so they cross process boundaries in parallel batch jobs unchanged.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "CsperfError",
    "GradeError",
    "InconsistentJudgementsError",
    "MeasurementError",
    "MissingMeasurementError",
    "PluginError",
    "UnknownNameError",
    "ValidationError",
    "WeightingError",
]


def _rebuild(cls: type[CsperfError], message: str, context: dict[str, Any]) -> CsperfError:
    return cls(message, **context)


class CsperfError(Exception):
    """Root of every error raised by csperf.

    Args:
        message: The human-readable description.
        **context: Structured context, exposed as attributes. The conventional keys are
            ``obj``, ``field``, ``subject`` and ``value``; subclasses may add more.

    Attributes:
        message: The human-readable description.
        obj: The object at fault (a short description such as ``"GradeScale"``), or None.
        field: The field at fault, or None.
        subject: The appraised subject (employee, team...) concerned, or None.
        value: The offending value, or None.
        context: All structured context as a dict.
    """

    obj: Any
    field: Any
    subject: Any
    value: Any

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context: dict[str, Any] = dict(context)
        for name in ("obj", "field", "subject", "value"):
            setattr(self, name, context.get(name))
        for name, item in context.items():
            setattr(self, name, item)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.context))


class ValidationError(CsperfError, ValueError):
    """An object would be invalid: a bad field value, an inconsistent combination of fields."""


class WeightingError(ValidationError):
    """Weights that are negative, not finite, or do not sum to 1 (or 100 %)."""


class InconsistentJudgementsError(WeightingError):
    """AHP pairwise judgements whose consistency ratio exceeds the accepted maximum.

    Attributes:
        consistency_ratio: The consistency ratio found.
        max_cr: The largest accepted consistency ratio.
        pair: The most inconsistent pair of keys ``(a, b)``.
    """


class ConfigError(ValidationError):
    """A scorecard or settings file that cannot be read: syntax, unknown keys, bad values.

    Attributes:
        path: The file concerned, when there is one.
        key_path: Where in the file, e.g. ``indicators[3].scoring.points[1]``.
        line: The line number in the file, when known.
    """


class GradeError(CsperfError, ValueError):
    """A value that no band of a grade scale covers."""


class MeasurementError(CsperfError, ValueError):
    """A raw measurement that cannot be scored: NaN, infinite, of the wrong type, off the scale."""


class MissingMeasurementError(MeasurementError, KeyError):
    """A measurement an indicator needs is missing under ``MissingPolicy.ERROR``."""


class UnknownNameError(CsperfError, LookupError):
    """A look-up by name (weight strategy, metric source, scoring rule, template) found nothing.

    Attributes:
        available: The names that do exist.
    """


class PluginError(CsperfError, RuntimeError):
    """A plugin misbehaved: it raised, or it gave a name another plugin already uses.

    Attributes:
        plugin: The name of the plugin at fault (or the names, for a clash).
        hook: The hook concerned, when there is one.
    """
