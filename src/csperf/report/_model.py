"""What every renderer reads: a :class:`Report`, made of a scorecard and its results."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf._labels import check_lang, label
from csperf.errors import ValidationError
from csperf.results import ScorecardResult
from csperf.scorecard import Scorecard
from csperf.text import Text, localize, to_text

__all__ = ["Report", "SampleInfo", "read_samples"]


def _flags(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'flags' must be a sequence of strings, got {value!r}",
            obj="SampleInfo",
            field="flags",
            value=value,
        )
    flags = tuple(value)
    for flag in flags:
        if not isinstance(flag, str) or not flag:
            raise ValidationError(
                msg=f"every flag must be a non-empty string, got {flag!r}",
                obj="SampleInfo",
                field="flags",
                value=flag,
            )
    return flags


@attrs.frozen
class SampleInfo:
    """How much data stands behind one raw value, and what was noticed about it.

    Attributes:
        sample_size: The number of records the raw value was computed from, or None when
            unknown.
        flags: Remarks from the metric source, such as ``small_sample`` or ``no_data``.

    Examples:
        >>> SampleInfo(12, ["small_sample"])
        SampleInfo(sample_size=12, flags=('small_sample',))
    """

    sample_size: int | None = attrs.field(default=None)
    flags: tuple[str, ...] = attrs.field(default=(), converter=_flags)

    @sample_size.validator
    def _check_sample_size(self, _attribute: attrs.Attribute[Any], size: Any) -> None:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise ValidationError(
                msg=f"field 'sample_size' must be a whole number >= 0 or None, got {size!r}",
                obj="SampleInfo",
                field="sample_size",
                value=size,
            )


def _results(value: Any) -> tuple[ScorecardResult, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'results' must be a sequence of ScorecardResult, got {value!r}",
            obj="Report",
            field="results",
            value=value,
        )
    return tuple(value)


def _title(value: Any) -> Text | None:
    return None if value is None else to_text(value, obj="Report", field="title")


def _notes(value: Any) -> tuple[Text, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'notes' must be a sequence of lines, got {value!r}",
            obj="Report",
            field="notes",
            value=value,
        )
    return tuple(to_text(line, obj="Report", field="notes") for line in value)


def _samples(value: Any) -> FrozenDict[str, FrozenDict[str, SampleInfo]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg=f"field 'samples' must map subject to {{indicator: SampleInfo}}, got {value!r}",
            obj="Report",
            field="samples",
            value=value,
        )
    result: dict[str, FrozenDict[str, SampleInfo]] = {}
    for subject, row in value.items():
        if not isinstance(row, Mapping):
            raise ValidationError(
                msg=f"samples of subject {subject!r} must map indicator key to SampleInfo, "
                f"got {row!r}",
                obj="Report",
                field="samples",
                subject=subject,
                value=row,
            )
        for key, info in row.items():
            if not isinstance(info, SampleInfo):
                raise ValidationError(
                    msg=f"samples[{subject!r}][{key!r}] must be a SampleInfo, got {info!r}",
                    obj="Report",
                    field="samples",
                    subject=subject,
                    value=info,
                )
        result[subject] = FrozenDict(row)
    return FrozenDict(result)


@attrs.frozen
class Report:
    """A scorecard and the results of the subjects appraised on it, ready to render.

    Renderers (:func:`~csperf.report.render_table`, :func:`~csperf.report.render_html`...) read
    nothing but this object: the results, never raw data.

    Attributes:
        scorecard: The :class:`~csperf.Scorecard` every result was evaluated on.
        results: One :class:`~csperf.ScorecardResult` per subject, in display order; at least
            one, each carrying the scorecard's fingerprint.
        title: The report's title; None uses the scorecard's title.
        period: A label of the period appraised (``"2024-Q2"``), or None.
        lang: ``"en"`` or ``"zh"``: the language of every label, and of the names taken from
            the scorecard (see :func:`csperf.text.localize`).
        notes: Lines printed under the summary, such as a weight strategy's explanation.
        samples: Subject → indicator key → :class:`SampleInfo`, for the subjects and
            indicators whose data sizes and flags are known (see :func:`read_samples`).

    Raises:
        ValidationError: For an unknown language, no results, a result from another scorecard
            (its fingerprint differs), or samples naming an unknown subject or indicator.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> values = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
        ...           "first_response_time": 45, "resolution_time": 20000,
        ...           "product_knowledge": 88, "script_compliance": 0.93,
        ...           "collaboration_rating": 4.2, "information_sharing_rate": 0.97}
        >>> report = Report(card, [card.evaluate(values, "li_wei")], lang="zh")
        >>> report.heading()
        '客服主管绩效考核表'
    """

    scorecard: Scorecard = attrs.field()
    results: tuple[ScorecardResult, ...] = attrs.field(converter=_results)
    title: Text | None = attrs.field(default=None, converter=_title)
    period: str | None = attrs.field(default=None)
    lang: str = attrs.field(default="en")
    notes: tuple[Text, ...] = attrs.field(default=(), converter=_notes)
    samples: FrozenDict[str, FrozenDict[str, SampleInfo]] = attrs.field(
        factory=FrozenDict, converter=_samples
    )

    @scorecard.validator
    def _check_scorecard(self, _attribute: attrs.Attribute[Any], card: Any) -> None:
        if not isinstance(card, Scorecard):
            raise ValidationError(
                msg=f"field 'scorecard' must be a Scorecard, got {card!r}",
                obj="Report",
                field="scorecard",
                value=card,
            )

    @results.validator
    def _check_results(self, _attribute: attrs.Attribute[Any], results: Any) -> None:
        card = self.scorecard
        if not results:
            raise ValidationError(
                msg="field 'results' must hold at least one result",
                obj="Report",
                field="results",
                value=(),
            )
        for i, result in enumerate(results):
            if not isinstance(result, ScorecardResult):
                raise ValidationError(
                    msg=f"results[{i}] must be a ScorecardResult, got {result!r}",
                    obj="Report",
                    field=("results", i),
                    value=result,
                )
            if result.subject is not None and "\x00" in result.subject:
                # No report format can hold a NUL character (CSV, Excel and HTML refuse it).
                raise ValidationError(
                    msg=f"results[{i}] has a subject with a NUL character: {result.subject!r}",
                    obj="Report",
                    field=("results", i, "subject"),
                    subject=result.subject,
                    value=result.subject,
                )
            if result.fingerprint != card.fingerprint:
                raise ValidationError(
                    msg=f"results[{i}] (subject {result.subject!r}) was evaluated on "
                    f"scorecard {result.scorecard!r} v{result.version} "
                    f"[{result.fingerprint[:12]}], not on {card.key!r} v{card.version} "
                    f"[{card.fingerprint[:12]}]",
                    obj="Report",
                    field=("results", i),
                    subject=result.subject,
                    value=result.fingerprint,
                )

    @period.validator
    def _check_period(self, _attribute: attrs.Attribute[Any], period: Any) -> None:
        if period is not None and (not isinstance(period, str) or not period):
            raise ValidationError(
                msg=f"field 'period' must be a non-empty string or None, got {period!r}",
                obj="Report",
                field="period",
                value=period,
            )

    @lang.validator
    def _check_lang(self, _attribute: attrs.Attribute[Any], lang: Any) -> None:
        check_lang(lang)

    @samples.validator
    def _check_samples(self, _attribute: attrs.Attribute[Any], samples: Any) -> None:
        card = self.scorecard
        subjects = {r.subject for r in self.results}
        keys = {i.key for i in card.indicators}
        for subject, row in samples.items():
            if subject not in subjects:
                raise ValidationError(
                    msg=f"samples name subject {subject!r}, which has no result",
                    obj="Report",
                    field="samples",
                    subject=subject,
                    value=subject,
                )
            for key in row:
                if key not in keys:
                    raise ValidationError(
                        msg=f"samples of subject {subject!r} name unknown indicator {key!r}",
                        obj="Report",
                        field="samples",
                        subject=subject,
                        value=key,
                    )

    # -- words ----------------------------------------------------------------------------

    def label(self, key: str, **values: object) -> str:
        """A word reports print around the data (``"total"``...) in the report's language."""
        return label(key, self.lang, **values)

    def field(self, key: str, value: object) -> str:
        """``label: value`` in the report's language (a full-width colon in Chinese)."""
        return f"{self.label(key)}{self.label('colon')}{value}"

    def text(self, value: Text) -> str:
        """A display name in the report's language."""
        return localize(value, self.lang)

    def heading(self) -> str:
        """The title in the report's language: :attr:`title`, else the scorecard's."""
        return self.text(self.title if self.title is not None else self.scorecard.title)

    def subject_name(self, index: int) -> str:
        """The subject of ``results[index]``, or ``#<index + 1>`` for a result without one."""
        subject = self.results[index].subject
        return subject if subject is not None else f"#{index + 1}"

    def sample(self, index: int, indicator: str) -> SampleInfo | None:
        """The :class:`SampleInfo` of one raw value of ``results[index]``, if known."""
        subject = self.results[index].subject
        if subject is None or subject not in self.samples:
            return None
        return self.samples[subject].get(indicator)

    def missing_text(self, index: int, indicator: str) -> str:
        """What a report shows for a missing raw value of ``results[index]``.

        ``"too few raters"`` when its sample is flagged ``too_few_raters`` (a rated indicator
        whose sources were withheld for anonymity, see :mod:`csperf.ratings`), else
        ``"missing"``; in the report's language.
        """
        info = self.sample(index, indicator)
        if info is not None and "too_few_raters" in info.flags:
            return self.label("too_few_raters")
        return self.label("missing")

    @property
    def has_samples(self) -> bool:
        """Whether any sample information is known."""
        return any(self.samples.values())

    # -- population -----------------------------------------------------------------------

    def totals(self) -> list[float]:
        """The rounded totals, in result order."""
        return [r.total for r in self.results]

    def grade_counts(self) -> dict[str, int]:
        """Grade key → number of subjects, for every band of the scale in its order."""
        counts = dict.fromkeys(self.scorecard.grade_scale.keys, 0)
        for result in self.results:
            counts[result.grade.key] += 1
        return counts

    def mean_total(self) -> float:
        r"""The mean of the rounded totals (:math:`\frac{1}{n}\sum_i \text{total}_i`)."""
        return math.fsum(self.totals()) / len(self.results)


def read_samples(
    scorecard: Scorecard, measurements: Any, subjects: Iterable[str]
) -> dict[str, dict[str, SampleInfo]]:
    """Sample sizes and flags of the raw values, for :attr:`Report.samples`.

    Args:
        scorecard: The scorecard; each indicator's sample is read under its
            :attr:`~csperf.Indicator.metric` name.
        measurements: An object with ``sample_size(subject, metric)`` and
            ``flags(subject, metric)`` methods, such as :class:`csperf.sources.Measurements`.
        subjects: The subjects to read.

    Returns:
        Subject → indicator key → :class:`SampleInfo`. An indicator whose measurement the
        object does not hold (it raises a ``LookupError``) is left out.
    """
    samples: dict[str, dict[str, SampleInfo]] = {}
    for subject in subjects:
        row: dict[str, SampleInfo] = {}
        for ind in scorecard.indicators:
            try:
                size = measurements.sample_size(subject, ind.metric)
                flags = measurements.flags(subject, ind.metric)
            except LookupError:
                continue
            row[ind.key] = SampleInfo(size, flags)
        samples[subject] = row
    return samples
