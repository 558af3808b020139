"""The csperf error hierarchy.

Every error csperf raises on purpose derives from :class:`CsperfError`, and each subclass also
derives from the matching built-in exception (``ValueError``, ``KeyError``, ``LookupError``...),
so code that already catches the built-in keeps working.

An error carries typed fields and composes its message from them in ``__str__``, in the style
of pint's errors: ``msg`` says what is wrong, ``obj`` names the object at fault and becomes the
prefix of the message, ``field`` is the key path of the part at fault (a tuple such as
``("indicators", 3, "weight")``), ``subject`` the appraised subject concerned and ``value`` the
offending value. Subclasses add their own fields (a file's ``path`` and ``line``, a plugin's
name, the names that do exist...). Errors pickle and unpickle equal in type, message and
fields, so they cross process boundaries unchanged.

Example:
    >>> from csperf.errors import ValidationError
    >>> error = ValidationError(
    ...     "points[0] must be a pair", obj="Piecewise", field=("points", 0), value=3
    ... )
    >>> str(error)
    'Piecewise: points[0] must be a pair'
    >>> error.field, error.key_path
    (('points', 0), 'points[0]')
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, TypeVar

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "ConfigError",
    "CsperfError",
    "FieldLike",
    "GradeError",
    "InconsistentJudgementsError",
    "KeyPath",
    "MeasurementError",
    "MissingMeasurementError",
    "PluginError",
    "Reason",
    "UnknownNameError",
    "ValidationError",
    "WeightingError",
    "WriteError",
    "format_key_path",
    "key_path",
]

KeyPath = tuple[str | int, ...]
"""A key path: the keys and indexes from the top of a document down to one part of it."""

FieldLike = str | int | Sequence[Any] | None
"""What ``field=`` accepts: a key, an index, a sequence of them (nested ones are flattened)."""

_E = TypeVar("_E", bound="CsperfError")
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def key_path(field: FieldLike) -> KeyPath:
    """Normalise a ``field=`` argument to a key-path tuple.

    A text or an integer is one key (a text is never parsed); a sequence is flattened; ``None``
    and ``""`` are the empty path.

    Args:
        field: A key, an index, a sequence of keys and indexes (possibly nested), or None.

    Returns:
        The key path as a flat tuple.

    Example:
        >>> key_path(("indicators", 3, ("scoring", "points")))
        ('indicators', 3, 'scoring', 'points')
        >>> key_path("weight"), key_path(None)
        (('weight',), ())
    """
    if field is None or field == "":
        return ()
    if isinstance(field, (str, int)):
        return (field,)
    parts: list[str | int] = []
    for part in field:
        parts.extend(key_path(part))
    return tuple(parts)


def format_key_path(path: FieldLike) -> str:
    """Write a key path the way messages show it: ``indicators[3].weight``.

    Indexes are written in brackets, identifiers joined with dots, other keys as JSON strings
    in brackets.

    Args:
        path: A key path (anything :func:`key_path` accepts).

    Returns:
        The key path as text; the empty path gives ``""``.

    Example:
        >>> format_key_path(("indicators", 3, "weight"))
        'indicators[3].weight'
        >>> format_key_path(("weighting", "indicators", "first response"))
        'weighting.indicators["first response"]'
    """
    out = ""
    for part in key_path(path):
        if isinstance(part, int):
            out += f"[{part}]"
        elif _BARE.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


class Reason(str, enum.Enum):
    """Why a record check rejected an input row (``RecordIssue.reason``, ``error.reason``).

    The values are the codes reports and JSON output show; a member equals its code
    (``Reason.DUPLICATE == "duplicate"``).

    Example:
        >>> Reason("off_scale") is Reason.OFF_SCALE, f"{Reason.OFF_SCALE}"
        (True, 'off_scale')
    """

    INVALID_FIELD = "invalid_field"
    """A field holds a value of the wrong type or out of its domain."""
    MISSING_FIELD = "missing_field"
    """A required field is absent."""
    NAIVE_TIMESTAMP = "naive_timestamp"
    """A timestamp without a time zone, and no ``tz=`` to attach one."""
    RESPONSE_BEFORE_CREATION = "response_before_creation"
    """The first response is dated before the ticket was created."""
    RESOLUTION_BEFORE_CREATION = "resolution_before_creation"
    """The resolution is dated before the ticket was created."""
    NEGATIVE_DURATION = "negative_duration"
    """A duration (talk, hold, wait, after-call work) below zero."""
    OFF_SCALE = "off_scale"
    """A rating or score outside its scale."""
    INCONSISTENT = "inconsistent"
    """Fields that contradict each other."""
    DUPLICATE = "duplicate"
    """A second row with the same identifier."""
    UNKNOWN_AGENT = "unknown_agent"
    """The agent the row is attributed to is not on the roster."""
    NOT_ON_ROSTER = "not_on_roster"
    """The agent is on the roster, but not on the row's date."""
    MALFORMED_ROW = "malformed_row"
    """A data file row that cannot be read at all (wrong number of cells...)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class _Common(TypedDict, total=False):
    """The keyword arguments every error takes besides ``msg`` (see :class:`CsperfError`)."""

    obj: str | None
    field: FieldLike
    subject: object
    value: object
    outer: Iterable[str]


class _RecordArgs(_Common, total=False):
    """The arguments of :class:`ValidationError`: the common ones and a record check's."""

    position: int | None
    reason: Reason | str | None


class _FileArgs(_RecordArgs, total=False):
    """The arguments of :class:`MeasurementError`: a record's and the file it was read from."""

    path: str | None
    line: int | None
    source: str | None


def _where(source: str, line: int | None) -> str:
    """``source`` or ``source:line``: where in a file an error is."""
    return source if line is None else f"{source}:{line}"


def _rebuild(cls: type[_E], arguments: dict[str, Any]) -> _E:
    return cls(**arguments)


class CsperfError(Exception):
    """Root of every error raised by csperf.

    The message is composed from the fields: ``"{obj}: {msg}"``, or ``msg`` alone when there is
    no object, preceded by the enclosing objects of ``outer``.

    Args:
        msg: What is wrong, without the name of the object at fault.
        obj: The object at fault, as the message names it (``"Indicator 'complaint_rate'"``).
        field: The key path of the part at fault (see :func:`key_path`).
        subject: The appraised subject (employee, team...) concerned.
        value: The offending value.
        outer: The enclosing objects, outermost first, prefixed to the message.

    Attributes:
        msg: What is wrong, without the name of the object at fault.
        obj: The object at fault, or None.
        field: The key path of the part at fault, a tuple (empty when not known).
        subject: The appraised subject concerned, or None.
        value: The offending value, or None.
        outer: The enclosing objects, outermost first.

    Example:
        >>> error = CsperfError("must not be empty", obj="Scorecard 'cs'", field="title")
        >>> print(error)
        Scorecard 'cs': must not be empty
        >>> print(error.inside("card.toml"))
        card.toml: Scorecard 'cs': must not be empty
    """

    _FIELDS: ClassVar[tuple[str, ...]] = ("msg", "obj", "field", "subject", "value", "outer")

    msg: str
    obj: str | None
    field: KeyPath
    subject: Any
    value: Any
    outer: tuple[str, ...]

    def __init__(
        self,
        msg: str,
        *,
        obj: str | None = None,
        field: FieldLike = None,
        subject: object = None,
        value: object = None,
        outer: Iterable[str] = (),
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.obj = obj
        self.field = key_path(field)
        self.subject = subject
        self.value = value
        self.outer = tuple(outer)

    def _location(self) -> list[str]:
        """The parts written before the text, most general first."""
        return [] if self.obj is None else [self.obj]

    def _text(self) -> str:
        """What is wrong."""
        return self.msg

    def __str__(self) -> str:
        return ": ".join([*self.outer, *self._location(), self._text()])

    @property
    def message(self) -> str:
        """The whole message, ``str(error)``."""
        return str(self)

    @property
    def key_path(self) -> str | None:
        """The key path of :attr:`field` as text, such as ``indicators[3].weight``, or None."""
        return format_key_path(self.field) or None

    def arguments(self) -> dict[str, Any]:
        """The constructor's keyword arguments that rebuild this error.

        Returns:
            A dict of argument name to value.
        """
        return {name: getattr(self, name) for name in self._FIELDS}

    def evolve(self: _E, **changes: Any) -> _E:
        """A copy of the error with some fields changed, like :func:`attrs.evolve`.

        Args:
            **changes: New values by constructor argument name.

        Returns:
            An error of the same type.
        """
        return type(self)(**{**self.arguments(), **changes})

    def inside(self: _E, *names: str) -> _E:
        """The same error, seen from enclosing objects: their names prefix the message.

        Args:
            *names: The enclosing objects, outermost first.

        Returns:
            A copy whose :attr:`outer` starts with ``names``.
        """
        return self.evolve(outer=(*names, *self.outer))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.arguments()))


class ValidationError(CsperfError, ValueError):
    """An object would be invalid: a bad field value, an inconsistent combination of fields.

    Args:
        msg: What is wrong.
        **common: ``obj``, ``field``, ``subject``, ``value``, ``outer`` (see :class:`CsperfError`).
        position: The 0-based position of the input row, for a record check.
        reason: Why a record check refused the row (a :class:`Reason` or its code).

    Attributes:
        position: The 0-based position of the input row, or None.
        reason: The :class:`Reason` of a record check, or None.
    """

    _FIELDS = (*CsperfError._FIELDS, "position", "reason")

    def __init__(
        self,
        msg: str,
        *,
        position: int | None = None,
        reason: Reason | str | None = None,
        **common: Unpack[_Common],
    ) -> None:
        super().__init__(msg, **common)
        self.position = position
        self.reason = None if reason is None else Reason(reason)


class WeightingError(ValidationError):
    """Weights that are negative, not finite, or do not sum to 1 (or 100 %)."""


class InconsistentJudgementsError(WeightingError):
    """AHP pairwise judgements whose consistency ratio exceeds the accepted maximum.

    Args:
        msg: What is wrong.
        consistency_ratio: The consistency ratio found.
        max_cr: The largest accepted consistency ratio.
        pair: The most inconsistent pair of keys ``(a, b)``.
        lambda_max: The principal eigenvalue of the matrix.
        keys: The keys of the matrix rows, in order.
        **rest: ``position``, ``reason`` and the arguments every error takes, as for
            :class:`ValidationError`.

    Attributes:
        consistency_ratio: The consistency ratio found.
        max_cr: The largest accepted consistency ratio.
        pair: The most inconsistent pair of keys ``(a, b)``, or None.
        lambda_max: The principal eigenvalue, or None.
        keys: The keys of the matrix rows.
    """

    _FIELDS = (
        *ValidationError._FIELDS,
        "consistency_ratio",
        "max_cr",
        "pair",
        "lambda_max",
        "keys",
    )

    def __init__(
        self,
        msg: str,
        *,
        consistency_ratio: float | None = None,
        max_cr: float | None = None,
        pair: tuple[str, str] | None = None,
        lambda_max: float | None = None,
        keys: Iterable[str] = (),
        **rest: Unpack[_RecordArgs],
    ) -> None:
        super().__init__(msg, **rest)
        self.consistency_ratio = consistency_ratio
        self.max_cr = max_cr
        self.pair = None if pair is None else (pair[0], pair[1])
        self.lambda_max = lambda_max
        self.keys = tuple(keys)


class ConfigError(ValidationError):
    """A scorecard or settings file that cannot be read: syntax, unknown keys, bad values.

    With a ``source``, the message is ``source:line: key.path: msg`` (the line and the key path
    where known); without one, ``obj: msg`` as for every error.

    Args:
        msg: What is wrong.
        path: The file concerned, when there is one.
        line: The 1-based line in the file, when known.
        source: What the message calls the file or text (its name, or ``"<string>"``).
        **rest: ``position``, ``reason`` and the arguments every error takes, as for
            :class:`ValidationError`.

    Attributes:
        path: The file concerned, or None.
        line: The 1-based line number, or None.
        source: The name the message gives the file or text, or None.

    Example:
        >>> error = ConfigError(
        ...     "must be a number", source="card.toml", line=20, field=("indicators", 0, "target")
        ... )
        >>> print(error)
        card.toml:20: indicators[0].target: must be a number
    """

    _FIELDS = (*ValidationError._FIELDS, "path", "line", "source")

    def __init__(
        self,
        msg: str,
        *,
        path: str | None = None,
        line: int | None = None,
        source: str | None = None,
        **rest: Unpack[_RecordArgs],
    ) -> None:
        super().__init__(msg, **rest)
        self.path = path
        self.line = line
        self.source = source

    def _location(self) -> list[str]:
        if self.source is None:
            return super()._location()
        where = _where(self.source, self.line)
        return [where, format_key_path(self.field)] if self.field else [where]


class WriteError(ConfigError, OSError):
    """A file csperf was asked to write that the system would not write.

    A missing or read-only directory, a directory where the file should be, a full disk or a
    file too large: the message names the file and the system's reason, and the file that
    was there before is left as it was (writes are atomic).

    Args:
        msg: What went wrong.
        errno: The system's error number (:mod:`errno`), when there is one.
        **rest: As for :class:`ConfigError` (``path``, ``source``...).

    Attributes:
        errno: The system's error number, or None.

    Example:
        >>> import errno
        >>> error = WriteError("no space left on the device", path="out.csv", source="out.csv",
        ...                    errno=errno.ENOSPC)
        >>> print(error)
        out.csv: no space left on the device
        >>> isinstance(error, OSError), error.errno == errno.ENOSPC
        (True, True)
    """

    _FIELDS = (*ConfigError._FIELDS, "errno")

    def __init__(self, msg: str, *, errno: int | None = None, **rest: Any) -> None:
        super().__init__(msg, **rest)
        self.errno = errno


class GradeError(CsperfError, ValueError):
    """A value that no band of a grade scale covers."""


class MeasurementError(CsperfError, ValueError):
    """A raw measurement that cannot be scored: NaN, infinite, of the wrong type, off the scale.

    With a ``source``, the message is ``source:line: msg``; without one, ``obj: msg``.

    Args:
        msg: What is wrong.
        path: The file the measurement was read from, when there is one.
        line: The 1-based line in that file, when known.
        source: What the message calls that file.
        position: The 0-based position of the input row, for a record check.
        reason: Why a record check refused the row (a :class:`Reason` or its code).
        **common: ``obj``, ``field``, ``subject``, ``value``, ``outer`` (see :class:`CsperfError`).

    Attributes:
        path: The file concerned, or None.
        line: The 1-based line number, or None.
        source: The name the message gives the file, or None.
        position: The 0-based position of the input row, or None.
        reason: The :class:`Reason` of a record check, or None.
    """

    _FIELDS = (*CsperfError._FIELDS, "path", "line", "source", "position", "reason")

    def __init__(
        self,
        msg: str,
        *,
        path: str | None = None,
        line: int | None = None,
        source: str | None = None,
        position: int | None = None,
        reason: Reason | str | None = None,
        **common: Unpack[_Common],
    ) -> None:
        super().__init__(msg, **common)
        self.path = path
        self.line = line
        self.source = source
        self.position = position
        self.reason = None if reason is None else Reason(reason)

    def _location(self) -> list[str]:
        if self.source is None:
            return super()._location()
        return [_where(self.source, self.line)]


class MissingMeasurementError(MeasurementError, KeyError):
    """A measurement an indicator needs is missing under ``MissingPolicy.ERROR``.

    Args:
        msg: What is wrong.
        missing: The names of the missing measurements.
        **rest: ``path``, ``line``, ``source``, ``position``, ``reason`` and the arguments every
            error takes, as for :class:`MeasurementError`.

    Attributes:
        missing: The names of the missing measurements.
    """

    _FIELDS = (*MeasurementError._FIELDS, "missing")

    def __init__(
        self,
        msg: str,
        *,
        missing: Iterable[str] = (),
        **rest: Unpack[_FileArgs],
    ) -> None:
        super().__init__(msg, **rest)
        self.missing = tuple(missing)


class UnknownNameError(CsperfError, LookupError):
    """A look-up by name (weight strategy, metric source, scoring rule, template) found nothing.

    The message is ``unknown {what} {name!r}; available: a, b`` unless ``msg`` words it
    otherwise.

    Args:
        what: What kind of thing was looked up (``"scoring rule"``).
        name: The name that was looked up (also given as ``value``).
        available: The names that do exist.
        msg: A wording of the message other than the standard one.
        obj: The object that was searched, when it is not a registry.
        field: The key path of the name.
        subject: The appraised subject concerned.
        outer: The enclosing objects.

    Attributes:
        what: What kind of thing was looked up.
        name: The name that was looked up (the same as ``value``).
        available: The names that do exist (a sequence, as given).

    Example:
        >>> print(UnknownNameError("scoring rule", "linear", ("piecewise", "steps")))
        unknown scoring rule 'linear'; available: piecewise, steps
    """

    _FIELDS = ("what", "name", "available", "msg", "obj", "field", "subject", "outer")

    def __init__(
        self,
        what: str,
        name: object,
        available: Sequence[str] | Iterable[str] = (),
        *,
        msg: str | None = None,
        obj: str | None = None,
        field: FieldLike = None,
        subject: object = None,
        outer: Iterable[str] = (),
    ) -> None:
        self.what = what
        self.name = name
        self.available = available if isinstance(available, Sequence) else tuple(available)
        text = msg if msg is not None else self._standard()
        super().__init__(text, obj=obj, field=field, subject=subject, value=name, outer=outer)
        self.msg = text
        self._worded = msg is not None

    def _standard(self) -> str:
        names = ", ".join(self.available) or "(none)"
        return f"unknown {self.what} {self.name!r}; available: {names}"

    def arguments(self) -> dict[str, Any]:
        """The constructor's keyword arguments that rebuild this error."""
        arguments = super().arguments()
        arguments["msg"] = self.msg if self._worded else None
        return arguments


class PluginError(CsperfError, RuntimeError):
    """A plugin misbehaved: it raised, or it gave a name another plugin already uses.

    Args:
        msg: What is wrong.
        plugin: The plugin at fault: its name (the names, for a clash) or the plugin object.
        hook: The hook concerned, when there is one.
        **common: ``obj``, ``field``, ``subject``, ``value``, ``outer`` (see :class:`CsperfError`).

    Attributes:
        plugin: The plugin at fault, or None.
        hook: The name of the hook concerned, or None.
    """

    _FIELDS = (*CsperfError._FIELDS, "plugin", "hook")

    def __init__(
        self,
        msg: str,
        *,
        plugin: object = None,
        hook: str | None = None,
        **common: Unpack[_Common],
    ) -> None:
        super().__init__(msg, **common)
        self.plugin = plugin
        self.hook = hook
