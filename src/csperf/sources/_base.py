"""The metric-source interface."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from csperf._cells import parse_bool
from csperf.errors import ConfigError

if TYPE_CHECKING:
    from csperf.sources._measurements import Measurements

__all__ = ["MetricSource", "option_bool", "option_int", "parse_options"]


class MetricSource(abc.ABC):
    """Where measurements come from: in-memory records, CSV files, a SQL engine...

    A source is configured once (its constructor, or :meth:`from_options` for a command line)
    and then measured for any period, level and metrics. Third-party sources subclass this and
    are offered through the ``csperf_metric_sources`` hook.

    Attributes:
        name: The name the source is registered under (``"csv"``).
        summary: One line saying what it reads.
        options: Option name → description of the string options :meth:`from_options` takes.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[Mapping[str, str]] = {}

    @classmethod
    @abc.abstractmethod
    def from_options(cls, options: Mapping[str, str]) -> MetricSource:
        """Build the source from string options, as given on a command line.

        ``csperf score card.toml --source csv --source-option path=./export`` calls
        ``CsvSource.from_options({"path": "./export"})``.

        Raises:
            ConfigError: For an unknown option, a missing required one or a bad value.
        """

    @abc.abstractmethod
    def measure(
        self,
        *,
        period: Any,
        level: str = "agent",
        metrics: Any = None,
        tz: Any = None,
        strict: bool = False,
        **options: Any,
    ) -> Measurements:
        """Measure every subject of ``level`` over ``period``.

        Args:
            period: The period: a :class:`Period` or anything :func:`parse_period` reads
                (``"2026-Q3"``, ``(start, end)``...).
            level: ``"agent"``, ``"team"`` or ``"manager"``.
            metrics: Catalog metric names to compute; default all of them.
            tz: The zone of naive timestamps and of period text without offset.
            strict: Raise on the first bad record instead of rejecting and reporting it.
            **options: Options of individual metrics, by metric name
                (``first_response_time={"statistic": "median"}``).

        Returns:
            The :class:`Measurements`.
        """

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def parse_options(
    source: str, options: Mapping[str, Any], known: Mapping[str, str], required: tuple[str, ...]
) -> dict[str, Any]:
    """Check string options against the documented ones.

    Raises:
        ConfigError: For an unknown option or a missing required one.
    """
    if not isinstance(options, Mapping):
        raise ConfigError(
            msg=f"options must be a mapping of name to string, got {type(options).__name__}",
            obj=f"source {source!r}",
            field="options",
            value=options,
        )
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(
            msg=f"unknown option {unknown[0]!r} (options: {', '.join(known)})",
            obj=f"source {source!r}",
            field=unknown[0],
            value=options[unknown[0]],
        )
    for name in required:
        if name not in options or not str(options[name]).strip():
            raise ConfigError(
                msg=f"option {name!r} is required ({known[name]})",
                obj=f"source {source!r}",
                field=name,
            )
    return dict(options)


def option_bool(source: str, name: str, value: Any) -> bool:
    """Read a bool, or one of the true/false words in any case.

    The words are ``true``/``false``, ``yes``/``no``, ``1``/``0``, ``on``/``off``, ``是``/``否``
    and the others of :mod:`csperf._cells`.

    Raises:
        ConfigError: For anything else.
    """
    if isinstance(value, bool):
        return value
    word = parse_bool(str(value))
    if word is not None:
        return word
    raise ConfigError(
        msg=f"option {name!r} must be true or false, got {value!r}",
        obj=f"source {source!r}",
        field=name,
        value=value,
    )


def option_int(source: str, name: str, value: Any) -> int:
    """Read a whole number, or an int.

    Raises:
        ConfigError: For anything else.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        raise ConfigError(
            msg=f"option {name!r} must be a whole number, got {value!r}",
            obj=f"source {source!r}",
            field=name,
            value=value,
        ) from None
