"""The subject × metric table every metric source returns."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import math
import os
import re
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from csperf._escape import spreadsheet_text, unquote_spreadsheet_text
from csperf._frozen import FrozenDict
from csperf._io import atomic_write_text
from csperf._keys import check_key
from csperf._periods import Period
from csperf.errors import ConfigError, MeasurementError, UnknownNameError, ValidationError
from csperf.metrics import MetricValue, RejectedRecords, RejectReport
from csperf.metrics._roster import LEVELS
from csperf.metrics._values import made
from csperf.units import ValueDomain

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = ["Measurements"]

FORMAT = "csperf.measurements"
"""The ``format`` tag of the JSON file."""

VERSION = 1
"""The version of the JSON file layout."""

_SAMPLE = "sample_size."
_DECIMAL_COMMA = re.compile(r"\s*-?\d+,\d+\s*\Z")
_FLAGS = "flags."


#: One metric's cells, aligned with the subjects of a :class:`MeasuredColumns`: the values,
#: the sample sizes, the flags and the one reject report of them all.
Column = tuple[
    "Sequence[float | None]", "Sequence[int | None]", "Sequence[tuple[str, ...]]", RejectReport
]


class MeasuredColumns(FrozenDict[str, FrozenDict[str, MetricValue]]):
    """Subject → metric → :class:`~csperf.metrics.MetricValue`, kept as one column per metric.

    What a database source measures: a value, a sample size and flags per subject and
    metric, and one reject report per metric. A row's MetricValues are made when the row is
    read, so a measurement of 130,000 cells holds no object per cell (nor asks the garbage
    collector to trace one); :meth:`Measurements.row`, :meth:`Measurements.value` and
    :meth:`Measurements.to_columns` read the columns themselves. It is equal to, and hashes
    as, the :class:`~csperf._frozen.FrozenDict` of its rows.

    Args:
        subjects: The subjects, sorted, without repeats.
        columns: Metric → its :data:`Column`, each as long as ``subjects``; the parts are
            those :class:`~csperf.metrics.MetricValue` checks (the engine's
            :func:`~csperf.metrics._engine.finish_columns` gives them so).
    """

    __slots__ = ("_columns", "_index")

    def __init__(self, subjects: Sequence[str], columns: Mapping[str, Column]) -> None:
        self._index = dict(zip(subjects, range(len(subjects)), strict=True))
        self._columns = dict(columns)
        self._data = None  # type: ignore[assignment]
        self._hash = None

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics of every row."""
        return tuple(self._columns)

    def position(self, subject: object) -> int | None:
        """The subject's row number, or None."""
        try:
            return self._index.get(subject)  # type: ignore[call-overload, no-any-return]
        except TypeError:
            return None

    def cell(self, i: int, metric: str) -> MetricValue:
        """The MetricValue of row ``i`` and ``metric``."""
        values, sizes, flags, report = self._columns[metric]
        return made(values[i], sizes[i], flags[i], report)

    def plain(self, i: int) -> dict[str, float | None]:
        """Row ``i``'s values by metric."""
        return {metric: column[0][i] for metric, column in self._columns.items()}

    def column(self, metric: str) -> list[float | None]:
        """Every subject's value of ``metric``, in order."""
        return list(self._columns[metric][0])

    def __getitem__(self, subject: str) -> FrozenDict[str, MetricValue]:
        i = self._index[subject]
        return FrozenDict(
            {
                metric: made(values[i], sizes[i], flags[i], report)
                for metric, (values, sizes, flags, report) in self._columns.items()
            }
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return self.position(key) is not None

    def get(self, key: Any, default: Any = None, /) -> Any:
        """The row of ``key``, or ``default``."""
        return self[key] if self.position(key) is not None else default

    def keys(self) -> KeysView[str]:
        """The subjects, in order."""
        return self._index.keys()

    def items(self) -> ItemsView[str, FrozenDict[str, MetricValue]]:
        """The ``(subject, row)`` pairs, in order (each row made when it is read)."""
        return ItemsView(self)

    def values(self) -> ValuesView[FrozenDict[str, MetricValue]]:
        """The rows, in order (each made when it is read)."""
        return ValuesView(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self.items()),))


def _check_subject(subject: Any) -> None:
    if not isinstance(subject, str) or not subject:
        raise ValidationError(
            msg=f"subjects must be non-empty strings, got {subject!r}",
            obj="Measurements",
            field="values",
            value=subject,
        )


def _values(value: Any) -> FrozenDict[str, FrozenDict[str, MetricValue]]:
    if type(value) is MeasuredColumns:
        for subject in value:
            _check_subject(subject)
        if list(value) != sorted(value):
            raise ValidationError(
                msg="the subjects of measured columns must be sorted",
                obj="Measurements",
                field="values",
            )
        return value
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg="field 'values' must be a mapping of subject to "
            f"{{metric: MetricValue}}, got {type(value).__name__}",
            obj="Measurements",
            field="values",
            value=value,
        )
    rows: dict[str, FrozenDict[str, MetricValue]] = {}
    for subject, row in value.items():
        _check_subject(subject)
        if not isinstance(row, Mapping):
            raise ValidationError(
                msg=f"the row of subject {subject!r} must be a mapping of metric to "
                f"MetricValue, got {type(row).__name__}",
                obj="Measurements",
                field="values",
                subject=subject,
                value=row,
            )
        for metric, item in row.items():
            if not isinstance(item, MetricValue):
                raise ValidationError(
                    msg=f"{subject!r} × {metric!r} must be a MetricValue, got {item!r}",
                    obj="Measurements",
                    field=("values", subject, metric),
                    subject=subject,
                    value=item,
                )
        rows[subject] = FrozenDict(row)
    return FrozenDict({s: rows[s] for s in sorted(rows)})


def _metrics(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'metrics' must be a sequence of metric names, got {value!r}",
            obj="Measurements",
            field="metrics",
            value=value,
        )
    metrics = tuple(value)
    for i, name in enumerate(metrics):
        check_key("Measurements", f"metrics[{i}]", name)
    if len(set(metrics)) != len(metrics):
        repeated = sorted({m for m in metrics if metrics.count(m) > 1})
        raise ValidationError(
            msg=f"field 'metrics' repeats {', '.join(repeated)}",
            obj="Measurements",
            field="metrics",
            value=repeated,
        )
    return metrics


def _attributes(value: Any) -> FrozenDict[str, FrozenDict[str, str]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg="field 'attributes' must map subject to {name: text}, "
            f"got {type(value).__name__}",
            obj="Measurements",
            field="attributes",
            value=value,
        )
    rows: dict[str, FrozenDict[str, str]] = {}
    for subject, row in value.items():
        if not isinstance(row, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in row.items()
        ):
            raise ValidationError(
                msg=f"the attributes of subject {subject!r} must map names to text, got {row!r}",
                obj="Measurements",
                field=("attributes", subject),
                subject=subject,
                value=row,
            )
        rows[subject] = FrozenDict(row)
    return FrozenDict(rows)


def _empty_rejected() -> RejectedRecords:
    return RejectedRecords()


def _subjects(measurements: Measurements) -> tuple[str, ...]:
    return tuple(measurements.values)


@attrs.frozen(kw_only=True)
class Measurements:
    """A subject × metric table for one period: what a scorecard reads.

    Each cell is a :class:`~csperf.metrics.MetricValue`: the value (None when there is no data),
    the number of records it was computed from and its flags. :meth:`row` gives one subject's
    values by metric name, which is what :meth:`csperf.Scorecard.evaluate` reads
    (``card.evaluate(measurements, "team-a")``); :meth:`to_columns` gives the whole table, which
    is what :meth:`csperf.Scorecard.evaluate_many` reads (``card.evaluate_many(measurements)``).
    Metric names are the catalog's (``customer_satisfaction``, ``complaint_rate``...), which are
    also the manager template's measurement keys.

    Attributes:
        period: The :class:`Period` measured, or None when unknown (a table typed by hand).
        level: ``"agent"``, ``"team"`` or ``"manager"``: what a subject is.
        metrics: The metric names (columns), in order.
        values: Subject → metric → :class:`~csperf.metrics.MetricValue`; every subject has a
            value (possibly "no data") for every metric.
        rejected: The :class:`~csperf.metrics.RejectedRecords` report of the bad records left
            out (empty when none were).
        source: The name of the source that measured the table, or None.
        attributes: Subject → name → text: what a file says about each subject besides its
            measurements (a ``team`` or ``site`` column), for grouping and roll-ups; empty
            when there is none.
        lines: Subject → the line of the file it was read from (CSV and Excel files), so that
            an error about a subject can name it; empty for a table not read from such a file.
            Not part of equality.
        subjects: The subjects (rows), sorted (computed).

    Raises:
        ValidationError: For a bad level, a repeated or badly named metric, a cell that is not a
            MetricValue, or a subject lacking a metric or having one not listed in ``metrics``.

    Examples:
        >>> from csperf.metrics import MetricValue
        >>> m = Measurements(
        ...     level="team",
        ...     metrics=["customer_satisfaction"],
        ...     values={"north": {"customer_satisfaction": MetricValue(0.92, 250)},
        ...             "south": {"customer_satisfaction": MetricValue(None, 0)}},
        ... )
        >>> m.row("north"), m.to_columns()
        ({'customer_satisfaction': 0.92}, {'subject': ['north', 'south'], 'customer_satisfaction': [0.92, None]})
    """  # noqa: E501

    period: Period | None = attrs.field(default=None)
    level: str = attrs.field(default="agent")
    metrics: tuple[str, ...] = attrs.field(converter=_metrics)
    values: FrozenDict[str, FrozenDict[str, MetricValue]] = attrs.field(converter=_values)
    rejected: RejectedRecords = attrs.field(factory=_empty_rejected)
    source: str | None = attrs.field(default=None)
    attributes: FrozenDict[str, FrozenDict[str, str]] = attrs.field(
        factory=FrozenDict, converter=_attributes
    )
    lines: FrozenDict[str, int] = attrs.field(
        factory=FrozenDict, converter=FrozenDict, eq=False, repr=False
    )
    subjects: tuple[str, ...] = attrs.field(
        init=False, default=attrs.Factory(_subjects, takes_self=True)
    )

    @period.validator
    def _check_period(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, Period):
            raise ValidationError(
                msg=f"field 'period' must be a Period or None, got {value!r}",
                obj="Measurements",
                field="period",
                value=value,
            )

    @level.validator
    def _check_level(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in LEVELS:
            raise ValidationError(
                msg=f"field 'level' must be one of {', '.join(LEVELS)}, got {value!r}",
                obj="Measurements",
                field="level",
                value=value,
            )

    @rejected.validator
    def _check_rejected(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, RejectedRecords):
            raise ValidationError(
                msg=f"field 'rejected' must be a RejectedRecords report, got {value!r}",
                obj="Measurements",
                field="rejected",
                value=value,
            )

    @source.validator
    def _check_source(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value):
            raise ValidationError(
                msg=f"field 'source' must be a non-empty string or None, got {value!r}",
                obj="Measurements",
                field="source",
                value=value,
            )

    @subjects.validator
    def _check_rows(self, _attribute: attrs.Attribute[Any], _value: object) -> None:
        """Every subject's row has exactly the metrics; attributes name known subjects."""
        for subject in self.attributes:
            if subject not in self.values:
                raise ValidationError(
                    msg=f"field 'attributes' names subject {subject!r}, which has no values",
                    obj="Measurements",
                    field=("attributes", subject),
                    subject=subject,
                    value=subject,
                )
        expected = set(self.metrics)
        values = self.values
        if type(values) is MeasuredColumns and set(values.metrics) == expected:
            return  # every row has the columns' metrics
        for subject, row in values.items():
            if set(row) != expected:
                missing = sorted(expected - set(row))
                extra = sorted(set(row) - expected)
                detail = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"not in metrics: {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                raise ValidationError(
                    msg=f"the row of subject {subject!r} does not match the metrics "
                    f"({detail}); give MetricValue(None, 0) for no data",
                    obj="Measurements",
                    field="values",
                    subject=subject,
                    value=missing or extra,
                )

    # -- reading --------------------------------------------------------------------------

    def _row(self, subject: Any) -> FrozenDict[str, MetricValue]:
        try:
            return self.values[subject]
        except (KeyError, TypeError):
            shown = ", ".join(self.subjects[:10]) + (" ..." if len(self.subjects) > 10 else "")
            raise UnknownNameError(
                "subjects",
                subject,
                list(self.subjects),
                msg=f"Measurements ({self.level} level): no subject {subject!r} "
                f"(subjects: {shown or 'none'})",
                field="subjects",
                subject=subject,
            ) from None

    def value(self, subject: str, metric: str) -> MetricValue:
        """The :class:`~csperf.metrics.MetricValue` of one cell.

        Raises:
            UnknownNameError: For an unknown subject or metric; the message lists the known ones.
        """
        values = self.values
        if type(values) is MeasuredColumns:
            i = values.position(subject)
            if i is not None and metric in self.metrics:
                return values.cell(i, metric)
        row = self._row(subject)
        if metric not in row:
            raise UnknownNameError(
                "metrics",
                metric,
                list(self.metrics),
                msg=f"no metric {metric!r} (metrics: {', '.join(self.metrics)})",
                obj="Measurements",
                field="metrics",
                subject=subject,
            )
        return row[metric]

    def sample_size(self, subject: str, metric: str) -> int | None:
        """The number of records behind one cell (see :meth:`value`); None when not known."""
        return self.value(subject, metric).sample_size

    def flags(self, subject: str, metric: str) -> tuple[str, ...]:
        """The flags of one cell, such as ``no_data`` or ``small_sample`` (see :meth:`value`)."""
        return tuple(self.value(subject, metric).flags)

    def attribute(self, subject: str, name: str) -> str | None:
        """The attribute ``name`` of a subject (its ``team``...), or None when it has none.

        Raises:
            UnknownNameError: For an unknown subject.
        """
        self._row(subject)
        return self.attributes.get(subject, FrozenDict()).get(name)

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """The names of the attributes any subject has, in the order first seen."""
        return tuple(dict.fromkeys(n for row in self.attributes.values() for n in row))

    def row(self, subject: str) -> dict[str, float | None]:
        """One subject's values by metric name, None for no data.

        This is what :meth:`csperf.Scorecard.evaluate` reads when given a Measurements.

        Raises:
            UnknownNameError: For an unknown subject.
        """
        values = self.values
        if type(values) is MeasuredColumns:
            i = values.position(subject)
            if i is not None:
                return values.plain(i)
        return {metric: item.value for metric, item in self._row(subject).items()}

    def to_columns(self) -> dict[str, list[Any]]:
        """The table as columns: ``{"subject": [...], metric: [...]}``, None for no data.

        This is what :meth:`csperf.Scorecard.evaluate_many` reads when given a Measurements; it
        also builds a DataFrame (``pandas.DataFrame(m.to_columns())``).
        """
        columns: dict[str, list[Any]] = {"subject": list(self.subjects)}
        values = self.values
        for metric in self.metrics:
            if type(values) is MeasuredColumns:
                columns[metric] = values.column(metric)
            else:
                columns[metric] = [values[s][metric].value for s in self.subjects]
        return columns

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per subject.

        Keys: ``subject``; each metric's value (None for no data); ``sample_size.<metric>``;
        ``flags.<metric>`` (a list of flag names). This is also the layout of the CSV file.
        """
        records = []
        for subject in self.subjects:
            record: dict[str, Any] = {"subject": subject}
            row = self.values[subject]
            for metric in self.metrics:
                record[metric] = row[metric].value
            for metric in self.metrics:
                record[_SAMPLE + metric] = row[metric].sample_size
            for metric in self.metrics:
                record[_FLAGS + metric] = sorted(row[metric].flags)
            records.append(record)
        return records

    def __len__(self) -> int:
        return len(self.subjects)

    def __contains__(self, subject: object) -> bool:
        return subject in self.values

    # -- files ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: format tag and version, period, level, source, rows and rejects."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "period": None if self.period is None else self.period.to_dict(),
            "level": self.level,
            "source": self.source,
            "metrics": list(self.metrics),
            "rows": self.to_records(),
            "rejected": self.rejected.to_dict(),
            **({"attributes": _plain(self.attributes)} if self.attributes else {}),
        }

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the table to a ``.json`` or ``.csv`` file, atomically.

        JSON keeps everything (:meth:`to_dict`). CSV keeps the table in the layout of
        :meth:`to_records` (flags joined by ``;``), with the :attr:`attributes` as columns
        after ``subject``; its period, level and rejected report are not stored. A subject,
        attribute or attribute name that a spreadsheet would run as a formula (``=…``,
        ``+…``, ``-…``, ``@…``) is written with a leading ``'`` and read back exactly by
        :meth:`read` (see :doc:`/explanation/security`).

        Raises:
            ConfigError: For another file extension.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".json":
            text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
            return atomic_write_text(target, text + "\n")
        if suffix == ".csv":
            buffer = io.StringIO()
            records = self.to_records()
            names = self.attribute_names
            header = ["subject", *names, *self.metrics]
            header += [_SAMPLE + m for m in self.metrics] + [_FLAGS + m for m in self.metrics]
            # names and attributes as text no spreadsheet runs as a formula (read back exactly)
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([spreadsheet_text(h) for h in header])
            for record in records:
                cells = {key: _csv_cell(value) for key, value in record.items()}
                cells["subject"] = spreadsheet_text(record["subject"])
                extra: Mapping[str, str] = self.attributes.get(record["subject"], FrozenDict())
                cells.update((n, spreadsheet_text(extra.get(n, ""))) for n in names)
                writer.writerow([cells.get(h, "") for h in header])
            return atomic_write_text(target, buffer.getvalue())
        raise ConfigError(
            msg=f"cannot write {os.fspath(path)!r}: use a .json or .csv file",
            obj="Measurements",
            field="path",
            value=os.fspath(path),
            path=os.fspath(path),
        )

    @classmethod
    def read(
        cls,
        path: str | os.PathLike[str],
        *,
        metrics: Iterable[str] | Mapping[str, Any] | None = None,
        period: Period | None = None,
        level: str | None = None,
        plugins: PluginManager | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
        ignore_columns: Iterable[str] = (),
    ) -> Measurements:
        """Read a table written by :meth:`write`, or typed by hand, or saved from Excel.

        A CSV file has a ``subject`` column and one column per metric; the columns
        ``sample_size.<metric>`` and ``flags.<metric>`` (flags separated by ``;``) are optional.
        An empty cell is "no data". For example::

            subject,team,customer_satisfaction,complaint_rate
            north,A,0.92,0.004
            south,B,0.85,

        Any other column (``team``, ``site``, ``备注``) is kept as an attribute of each subject
        (:attr:`attributes`, :meth:`attribute`), for grouping and roll-ups; ``ignore_columns``
        leaves columns out instead. A column whose name is a near miss of a known metric
        (``complant_rate``) is refused as a likely typo. The delimiter is the one of ``,``
        ``;`` tab ``|`` that makes a ``subject`` column in the header (Excel saves ``;`` in
        many locales), unless ``delimiter`` is given. The text is UTF-8 (a byte-order mark is
        dropped) unless ``encoding`` names another (``gb18030``, what Excel on Windows saves
        for Chinese text, a superset of GBK and GB2312). An ``.xlsx`` workbook is read through
        openpyxl (``csperf[excel]``): its first sheet, laid out as the CSV file.

        A JSON file is the output of :meth:`to_dict`. Reading is strict: a column or key that is
        not known, a repeated subject, a value that is not a finite number (``nan``, ``inf``,
        text) all raise an error naming the file and line.

        Args:
            path: A ``.csv``, ``.xlsx`` or ``.json`` file.
            metrics: The metric names a column may have; default: the names of
                the metrics of ``plugins``. A scorecard's own measurement names can be
                passed here (``[i.metric for i in card.indicators]``). A mapping of name to
                :class:`~csperf.units.ValueDomain` (or to a metric spec with a ``domain``)
                also gives the values each metric can take, as the default does
                (``{i.metric: i.value_domain for i in card.indicators}``).
            period: The period of a CSV table (CSV files do not store it); for JSON, it
                must agree with the file's when both are given.
            level: The level of a CSV table (default ``"agent"``); for JSON, as ``period``.
            plugins: The plugin manager whose metrics are allowed (a fresh one from
                :func:`csperf.get_plugin_manager` by default).
            encoding: The text encoding of a CSV or JSON file (a Python codec name); default
                UTF-8.
            delimiter: The delimiter of a CSV file; default: found from the header.
            ignore_columns: Columns of a CSV or Excel file to leave out.

        Returns:
            The :class:`Measurements`.

        Raises:
            ConfigError: For an unreadable file (the message of a file that is not UTF-8 names
                the line, and GB18030 when the bytes read as such), an unknown encoding, an
                ``.xlsx`` file without openpyxl, or a missing, misspelt or repeated column or
                subject (attributes ``path`` and ``line``).
            MeasurementError: For a value that is not a finite number or lies outside its
                metric's domain, or a bad sample size (attributes ``path`` and ``line``).
        """
        source = Path(path)
        name = os.fspath(path)
        if metrics is None:
            from csperf.hooks.manager import get_plugin_manager

            metrics = (plugins or get_plugin_manager()).metrics()
        allowed = _domains(metrics)
        ignored = frozenset(ignore_columns)
        suffix = source.suffix.lower()
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ConfigError(
                msg=f"cannot read the measurements file ({exc.strerror})",
                obj="Measurements",
                value=name,
                path=name,
                source=name,
            ) from exc
        if suffix in (".xlsx", ".xlsm"):
            rows = _xlsx_rows(source, name)
            return _read_rows(rows, name, allowed, period, level or "agent", ignored)
        if data.startswith(b"PK\x03\x04"):
            raise data_file_error(
                name,
                None,
                "this is a zip archive (an Excel workbook?), not text; name it .xlsx to read "
                "its first sheet, or save it from Excel as CSV UTF-8",
            )
        text = _decode(data, name, encoding)
        if suffix == ".csv":
            rows = _csv_rows(text, name, delimiter)
            return _read_rows(rows, name, allowed, period, level or "agent", ignored)
        if suffix == ".json":
            return _read_json(text, name, allowed, period, level)
        raise ConfigError(
            msg=f"cannot read measurements from a {suffix or 'suffix-less'} file; "
            "use .csv, .xlsx or .json",
            obj="Measurements",
            value=name,
            path=name,
            source=name,
        )


def _plain(attributes: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    return {subject: dict(row) for subject, row in attributes.items()}


def _csv_cell(value: Any) -> str:
    """A CSV cell: text as it is, flags joined by ``;``, numbers in round-trip form."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else repr(value)


def data_file_error(
    path: str,
    line: int | None,
    message: str,
    *,
    obj: str = "Measurements",
    field: object = None,
    subject: object = None,
    value: object = None,
) -> ConfigError:
    """The error for a bad data file (a measurements table, a CSV export): ``path:line: ...``."""
    # ``field`` (a column or key of a data file) is not kept: the message names it.
    return ConfigError(
        msg=message,
        obj=obj,
        subject=subject,
        value=value,
        path=path,
        line=line,
        source=path,
    )


def _number(path: str, line: int, column: str, text: str, *, subject: str) -> float | None:
    from csperf._cells import parse_number

    if text.strip() == "":
        return None
    number = parse_number(text)  # the cell parser of every reader (no ``1_000``, no ``²``)
    value = None if number is None else float(number)
    if value is None or not math.isfinite(value):
        comma = " (a decimal comma? write 0.92, not 0,92)" if _DECIMAL_COMMA.match(text) else ""
        raise MeasurementError(
            msg=f"column {column!r} of subject {subject!r} must be a finite number "
            f"or empty (no data), got {text!r}{comma}",
            obj="Measurements",
            field=column,
            subject=subject,
            value=text,
            path=path,
            line=line,
            source=path,
        )
    return value


def _where(path: str, line: int | str | None) -> str:
    """``file:line`` for CSV, ``file: rows[i]`` for JSON."""
    if line is None:
        return path
    return f"{path}:{line}" if isinstance(line, int) else f"{path}: {line}"


def _sample_size(
    path: str, line: int | str | None, column: str, value: Any, *, subject: str
) -> int:
    if isinstance(value, str):
        from csperf._cells import parse_number

        number = parse_number(value)
        value = number if type(number) is int else value.strip()
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MeasurementError(
            msg=f"{_where(path, line)}: column {column!r} of subject {subject!r} must be a whole "
            f"number >= 0, got {value!r}",
            field=column,
            subject=subject,
            value=value,
            path=path,
            line=line if isinstance(line, int) else None,
        )
    return value


def _domains(metrics: Iterable[str] | Mapping[str, Any]) -> dict[str, ValueDomain | None]:
    """Metric name → its domain (a ValueDomain, or a spec's ``domain``), None when not given."""
    if not isinstance(metrics, Mapping):
        return dict.fromkeys(metrics)
    found: dict[str, ValueDomain | None] = {}
    for name, item in metrics.items():
        domain = item if isinstance(item, ValueDomain) else getattr(item, "domain", None)
        found[name] = domain if isinstance(domain, ValueDomain) else None
    return found


def _metric_value(
    path: str,
    line: int | str | None,
    subject: str,
    metric: str,
    value: float | None,
    size: Any,
    flags: Any,
    domain: ValueDomain | None = None,
) -> MetricValue:
    if domain is not None and value is not None and not domain.contains(value):
        raise MeasurementError(
            msg=f"{_where(path, line)}: subject {subject!r}, metric {metric!r}: value "
            f"{value!r} is outside the values the metric can take {domain}",
            field=metric,
            subject=subject,
            value=value,
            path=path,
            line=line if isinstance(line, int) else None,
        )
    try:
        return MetricValue(value, size, tuple(flags))
    except ValidationError as exc:
        raise MeasurementError(
            msg=f"{_where(path, line)}: subject {subject!r}, metric {metric!r}: {exc.message}",
            field=metric,
            subject=subject,
            value=value,
            path=path,
            line=line if isinstance(line, int) else None,
        ) from exc


_DELIMITERS = (",", ";", "\t", "|")


def _decode(data: bytes, path: str, encoding: str | None) -> str:
    """The text of a file: UTF-8 (a byte-order mark dropped) unless ``encoding`` says else."""
    codec = "utf-8-sig" if encoding is None else encoding
    try:
        info = codecs.lookup(codec)
        if not getattr(info, "_is_text_encoding", True):  # base64, rot13...
            raise LookupError(codec)
        name = info.name
    except (LookupError, TypeError):
        raise data_file_error(
            path,
            None,
            f"unknown text encoding {encoding!r} (e.g. utf-8, gb18030, utf-16)",
            value=encoding,
        ) from None
    try:
        text = data.decode(codec)
    except UnicodeError as exc:
        if not isinstance(exc, UnicodeDecodeError):
            raise data_file_error(path, None, f"the file is not {name} text ({exc})") from None
        line = data[: exc.start].count(b"\n") + 1
        shown = "UTF-8" if name.startswith("utf-8") else name
        hint = ""
        if encoding is None:
            hint = "; pass encoding= naming the file's encoding"
            try:
                guess = data.decode("gb18030")
            except UnicodeDecodeError:
                pass
            else:
                if any("\u4e00" <= ch <= "\u9fff" for ch in guess):
                    hint = (
                        "; its bytes read as Chinese in GB18030 (GBK), what Excel on Windows "
                        "saves: pass encoding='gb18030', or save the file as CSV UTF-8"
                    )
        raise data_file_error(
            path,
            line,
            f"the file is not {shown} text (byte {exc.start}: "
            f"{exc.object[exc.start : exc.start + 1]!r}){hint}",
            value=encoding,
        ) from None
    return text.removeprefix("\ufeff")


def _csv_rows(
    text: str, path: str, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows of a CSV text, its delimiter found when not given."""
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = ","
        for candidate in _DELIMITERS:
            cells = next(csv.reader([first], delimiter=candidate), [])
            if "subject" in (c.strip() for c in cells):
                delimiter = candidate
                break
    from csperf.sources._schema import check_text_options

    try:
        check_text_options(None, delimiter, obj="Measurements")
    except ConfigError as exc:
        raise data_file_error(path, None, exc.message, value=delimiter) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise data_file_error(path, 1, "the file is empty; expected a header row") from None
    except csv.Error as exc:
        raise data_file_error(path, 1, f"unreadable CSV ({exc})") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise data_file_error(path, reader.line_num, f"unreadable CSV ({exc})") from exc

    return [h.strip() for h in header], rows()


def _xlsx_text(value: Any) -> str:
    """A cell of a workbook as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _xlsx_rows(source: Path, path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows of a workbook's first sheet, as text."""
    try:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise data_file_error(
            path,
            None,
            "reading an Excel workbook needs openpyxl, which is not installed: "
            "pip install 'csperf[excel]', or save the sheet from Excel as CSV UTF-8",
        ) from None
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and its own errors
        raise data_file_error(
            path, None, f"not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from None
    sheet = workbook.worksheets[0]
    table = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    while table and not any(c.strip() for c in table[-1]):
        table.pop()
    if not table:
        raise data_file_error(path, 1, f"sheet {sheet.title!r} is empty; expected a header row")
    width = max(len(r) for r in table)
    header = [h.strip() for h in table[0]]
    while header and not header[-1]:
        header.pop()
    numbered = (
        (n, (r + [""] * (width - len(r)))[: len(header)]) for n, r in enumerate(table[1:], start=2)
    )
    return header, numbered


def _check_header(
    header: list[str],
    path: str,
    allowed: Mapping[str, ValueDomain | None],
    ignored: frozenset[str],
) -> tuple[list[str], list[str]]:
    """The metric columns and the attribute columns of a header."""
    if len(set(header)) != len(header):
        repeated = sorted({h for h in header if header.count(h) > 1})
        raise data_file_error(path, 1, f"repeated columns: {', '.join(repeated)}", value=repeated)
    if "subject" not in header:
        found = ", ".join(repr(h) for h in header[:6]) + (" ..." if len(header) > 6 else "")
        hint = (
            "; the header splits on none of , ; tab |: pass delimiter=" if len(header) == 1 else ""
        )
        raise data_file_error(
            path,
            1,
            f"no 'subject' column (columns: {found or 'none'}){hint}",
            field="subject",
        )
    metrics: list[str] = []
    names: list[str] = []
    for column in header:
        if column == "subject" or column in ignored:
            continue
        if column.startswith((_SAMPLE, _FLAGS)):
            base = column.split(".", 1)[1]
            if base not in header or base in ignored:
                raise data_file_error(
                    path, 1, f"column {column!r} has no value column {base!r}", field=column
                )
            if base not in allowed:
                raise _unknown_column(path, column, allowed)
            continue
        if column in allowed:
            metrics.append(column)
            continue
        close = difflib.get_close_matches(column, list(allowed), n=1, cutoff=0.8)
        if close or not column:
            raise _unknown_column(path, column, allowed, close)
        names.append(column)
    return metrics, names


def _unknown_column(
    path: str,
    column: str,
    allowed: Mapping[str, ValueDomain | None],
    close: list[str] | None = None,
) -> ConfigError:
    guess = f"; did you mean {close[0]!r}?" if close else ""
    return data_file_error(
        path,
        1,
        f"unknown column {column!r}{guess} (known metrics: {', '.join(sorted(allowed))}); "
        f"leave it out with ignore_columns=[{column!r}]",
        field=column,
        value=column,
    )


def _read_rows(
    table: tuple[list[str], Iterator[tuple[int, list[str]]]],
    path: str,
    allowed: Mapping[str, ValueDomain | None],
    period: Period | None,
    level: str,
    ignored: frozenset[str],
) -> Measurements:
    header, rows = table
    # (cells that :meth:`Measurements.write` quoted against formula injection read back)
    header = [unquote_spreadsheet_text(h) for h in header]
    metrics, names = _check_header(header, path, allowed, ignored)
    values: dict[str, dict[str, MetricValue]] = {}
    attributes: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise data_file_error(
                path,
                line,
                f"expected {len(header)} cells, got {len(row)}",
                value=row,
            )
        cells = dict(zip(header, row))
        subject = unquote_spreadsheet_text(cells["subject"])  # as written: spaces kept
        if not subject.strip():
            raise data_file_error(path, line, "empty subject", field="subject")
        if subject in values:
            raise data_file_error(
                path,
                line,
                f"subject {subject!r} repeats line {first_line[subject]}",
                field="subject",
                subject=subject,
                value=subject,
            )
        first_line[subject] = line
        out: dict[str, MetricValue] = {}
        for metric in metrics:
            value = _number(path, line, metric, cells[metric], subject=subject)
            size_text = cells.get(_SAMPLE + metric, "")
            size = (
                _sample_size(path, line, _SAMPLE + metric, size_text, subject=subject)
                if size_text.strip()
                else None
            )
            flag_text = cells.get(_FLAGS + metric, "")
            flags = [f.strip() for f in flag_text.split(";") if f.strip()]
            out[metric] = _metric_value(
                path,
                line,
                subject,
                metric,
                value,
                _default_size(value, size),
                flags,
                allowed.get(metric),
            )
        values[subject] = out
        if names:
            attributes[subject] = {n: unquote_spreadsheet_text(cells[n]) for n in names}
    return _build(
        path,
        None,
        level=level,
        metrics=metrics,
        values=values,
        period=period,
        attributes=attributes,
        lines=first_line,
    )


def _default_size(value: float | None, size: int | None) -> int | None:
    """The size given; else 0 for no data, and None (not known) for a value without one."""
    if size is not None:
        return size
    return 0 if value is None else None


def _build(path: str, line: int | None, **fields: Any) -> Measurements:
    try:
        return Measurements(**fields)
    except ValidationError as exc:
        raise data_file_error(path, line, exc.message, field=exc.field, value=exc.value) from exc


def _read_json(
    text: str,
    path: str,
    allowed: Mapping[str, ValueDomain | None],
    period: Period | None,
    level: str | None,
) -> Measurements:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise data_file_error(path, exc.lineno, f"invalid JSON ({exc.msg})") from exc
    except ValueError as exc:
        raise data_file_error(path, None, str(exc)) from exc
    except RecursionError:
        raise data_file_error(path, None, "the JSON nests too deeply") from None
    if not isinstance(data, dict):
        raise data_file_error(path, 1, "expected a JSON object")
    known = {"format", "version", "period", "level", "source", "metrics", "rows", "rejected"}
    known.add("attributes")
    unknown = sorted(set(data) - known)
    if unknown:
        raise data_file_error(
            path, None, f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    version = data.get("version")
    if data.get("format") != FORMAT or type(version) is not int or version != VERSION:
        raise data_file_error(
            path,
            None,
            f"expected format {FORMAT!r} version {VERSION}, got {data.get('format')!r} "
            f"version {data.get('version')!r}",
        )
    for key in ("metrics", "rows"):
        if not isinstance(data.get(key), list):
            raise data_file_error(path, None, f"key {key!r} must be a list", field=key)
    metrics = data["metrics"]
    for metric in metrics:
        if not isinstance(metric, str):
            raise data_file_error(
                path, None, f"key 'metrics' must list metric names, got {metric!r}", field="metrics"
            )
        if metric not in allowed:
            raise data_file_error(
                path,
                None,
                f"unknown metric {metric!r} (known metrics: {', '.join(sorted(allowed))})",
                field="metrics",
                value=metric,
            )
    for key, kinds, what in (
        ("period", (dict,), "an object"),
        ("level", (str,), "text"),
        ("source", (str,), "text"),
        ("rejected", (dict,), "an object"),
        ("attributes", (dict,), "an object"),
    ):
        if data.get(key) is not None and not isinstance(data[key], kinds):
            raise data_file_error(
                path, None, f"key {key!r} must be {what} or null, got {data[key]!r}", field=key
            )
    try:
        file_period = None if data.get("period") is None else Period.from_dict(data["period"])
    except ValidationError as exc:
        raise data_file_error(path, None, exc.message, field="period") from exc
    if period is not None and file_period is not None and period != file_period:
        raise data_file_error(
            path, None, f"the file's period {file_period} differs from the period given {period}"
        )
    file_level = data.get("level", "agent")
    if level is not None and level != file_level:
        raise data_file_error(
            path, None, f"the file's level {file_level!r} differs from the level given {level!r}"
        )
    expected = {"subject"} | set(metrics)
    expected |= {_SAMPLE + m for m in metrics} | {_FLAGS + m for m in metrics}
    values: dict[str, dict[str, MetricValue]] = {}
    for i, record in enumerate(data["rows"]):
        where = f"rows[{i}]"
        if not isinstance(record, dict) or set(record) - expected or "subject" not in record:
            odd = sorted(set(record) - expected) if isinstance(record, dict) else record
            raise data_file_error(
                path, None, f"{where}: unexpected or missing keys ({odd})", field=where
            )
        subject = record["subject"]
        if not isinstance(subject, str) or subject in values:
            raise data_file_error(
                path, None, f"{where}: bad or repeated subject {subject!r}", field=where
            )
        out: dict[str, MetricValue] = {}
        for metric in metrics:
            raw = record.get(metric)
            value = (
                _json_number(raw)
                if isinstance(raw, (int, float)) and not isinstance(raw, bool)
                else None
            )
            if raw is not None and (value is None or not math.isfinite(value)):
                raise MeasurementError(
                    msg=f"{where}: metric {metric!r} of subject {subject!r} must be a finite "
                    f"number or null, got {raw!r}",
                    obj="Measurements",
                    field=metric,
                    subject=subject,
                    value=raw,
                    path=path,
                    source=path,
                )
            size = record.get(_SAMPLE + metric)
            size = (
                _default_size(value, None)
                if size is None
                else _sample_size(path, where, _SAMPLE + metric, size, subject=subject)
            )
            flags = record.get(_FLAGS + metric) or []
            if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
                raise data_file_error(
                    path, None, f"{where}: flags of {metric!r} must be a list of strings"
                )
            out[metric] = _metric_value(
                path, where, subject, metric, value, size, flags, allowed.get(metric)
            )
        values[subject] = out
    try:
        rejected = RejectedRecords.from_dict(data.get("rejected") or {})
    except ValidationError as exc:
        raise data_file_error(path, None, exc.message, field="rejected") from exc
    return _build(
        path,
        None,
        period=file_period if file_period is not None else period,
        level=file_level,
        metrics=metrics,
        values=values,
        rejected=rejected,
        source=data.get("source"),
        attributes=data.get("attributes") or {},
    )


def _json_number(raw: int | float) -> float:
    """A JSON number as a float; infinite when it is beyond a float's range (``1e999``)."""
    try:
        return float(raw)
    except OverflowError:  # an integer of more than 308 digits
        return math.inf


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a measurement (NaN and infinities are never scored)")
