"""What every renderer reads: a :class:`Report`, made of a scorecard and its results."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf._labels import check_lang, label
from csperf._numbers import competition_ranks
from csperf.errors import ValidationError
from csperf.results import ScorecardResult
from csperf.scorecard import Scorecard
from csperf.text import Text, localize, to_text

__all__ = ["ItemLine", "Report", "SampleInfo", "read_samples"]

_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no report file can hold: NUL, and lone surrogates."""


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


@attrs.frozen
class ItemLine:
    """One veto or bonus/deduction line of a subject, as reports show it.

    Attributes:
        kind: ``"bonus"``, ``"deduction"`` or ``"veto"``.
        key: The item's key.
        name: Its display name, in the report's language.
        detail: How it was reached: ``3 × 1 (at most 5) = 3.00`` for an item, the condition
            and the value for a veto (``serious_complaints >= 1, value 1``).
        value: The signed points applied (``+3.00``), or the veto's effect if it fired
            (``grade at most pass``), else ``not fired``.
        fired: For a veto, whether it fired; None for an item.
        reason: The item's reason text, in the report's language ("" without one).
    """

    kind: str
    key: str
    name: str
    detail: str
    value: str
    fired: bool | None
    reason: str


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


def _period(value: Any) -> Any:
    """A period label as given, or ``(start, end, label)`` for a period to be written out."""
    from datetime import date

    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, date) for v in value):
        return (value[0], value[1], None)
    start, end = getattr(value, "start", None), getattr(value, "end", None)
    if isinstance(start, date) and isinstance(end, date):  # a csperf Period
        return (start, end, getattr(value, "label", None))
    return value


def _teams(value: Any) -> FrozenDict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg=f"field 'teams' must map subject to team name, got {value!r}",
            obj="Report",
            field="teams",
            value=value,
        )
    for subject, team in value.items():
        if not isinstance(team, str) or not team.strip():
            raise ValidationError(
                msg=f"the team of subject {subject!r} must be a non-empty string, got {team!r}",
                obj="Report",
                field=("teams", subject),
                subject=subject,
                value=team,
            )
    return FrozenDict(value)


DETAILS_AUTO = 100
"""With ``details="auto"``, the most subjects a report details (all of them, else none)."""


def _details(value: Any) -> str | int:
    if value in ("all", "none", "auto"):
        return str(value)
    if isinstance(value, str) and value.startswith("top ") and value[4:].strip().isdigit():
        value = int(value[4:])
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            msg=f"field 'details' must be 'auto', 'all', 'none', or a number N >= 1 (or "
            f"'top N') of subjects, got {value!r}",
            obj="Report",
            field="details",
            value=value,
        )
    return value


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
        period: A label of the period appraised (``"2024-Q2"``), or None. Given the
            half-open period itself, as ``(start, end)`` dates or datetimes or a
            :class:`csperf.sources.Period`, it is written out by its first and last day:
            ``(date(2024, 1, 1), date(2024, 4, 1))`` becomes ``"2024-01-01 – 2024-03-31"``
            (``"2024-01-01 至 2024-03-31"`` in Chinese), and a period with a label
            ``"2024-Q1 (2024-01-01 – 2024-03-31)"``.
        lang: ``"en"`` or ``"zh"``: the language of every label, and of the names taken from
            the scorecard (see :func:`csperf.text.localize`).
        notes: Lines printed under the summary, such as a weight strategy's explanation.
        samples: Subject → indicator key → :class:`SampleInfo`, for the subjects and
            indicators whose data sizes and flags are known (see :func:`read_samples`).
        teams: Subject → team name, for the subjects whose team is known; the HTML report
            then adds a team column and one roll-up row per team.
        details: Which subjects get a details section in the reports that have them (HTML,
            Markdown): ``"all"``, ``"none"``, a number ``N`` (or ``"top N"``) for the ``N``
            highest totals, ties broken by input order, or ``"auto"`` (the default): all when
            there are at most :data:`DETAILS_AUTO` (100) subjects, else none.

    Raises:
        ValidationError: For an unknown language, no results, a result from another scorecard
            (its fingerprint differs), samples or teams naming an unknown subject, samples
            naming an unknown indicator, or a ``details`` other than those above.

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
    period: str | None = attrs.field(default=None, converter=_period)
    lang: str = attrs.field(default="en")
    notes: tuple[Text, ...] = attrs.field(default=(), converter=_notes)
    samples: FrozenDict[str, FrozenDict[str, SampleInfo]] = attrs.field(
        factory=FrozenDict, converter=_samples
    )
    teams: FrozenDict[str, str] = attrs.field(factory=FrozenDict, converter=_teams)
    details: str | int = attrs.field(default="auto", converter=_details)

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
            if result.subject is not None and _UNWRITABLE.search(result.subject):
                # No report format can hold a NUL character (CSV, Excel and HTML refuse it),
                # nor a lone surrogate (no UTF-8 file can)
                found = _UNWRITABLE.search(result.subject)
                what = (
                    "a NUL character" if found and found.group() == "\x00" else ("a lone surrogate")
                )
                raise ValidationError(
                    msg=f"results[{i}] has a subject with {what}: {result.subject!r}",
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
        if isinstance(period, tuple):
            try:
                backwards = period[1] <= period[0]
            except TypeError:  # a date and a datetime, or naive and aware datetimes
                backwards = True
            if backwards:
                raise ValidationError(
                    msg=f"the period must end after it starts, on the same kind of clock "
                    f"(start {period[0]!r}, end {period[1]!r})",
                    obj="Report",
                    field="period",
                    value=period[:2],
                )
            return
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

    def __attrs_post_init__(self) -> None:
        if isinstance(self.period, tuple):
            from csperf.report._format import period_text

            start, end, name = self.period
            days = period_text(start, end, self.lang)
            object.__setattr__(self, "period", days if name is None else f"{name} ({days})")

    @teams.validator
    def _check_teams(self, _attribute: attrs.Attribute[Any], teams: Any) -> None:
        subjects = {r.subject for r in self.results}
        for subject in teams:
            if subject not in subjects:
                raise ValidationError(
                    msg=f"teams name subject {subject!r}, which has no result",
                    obj="Report",
                    field=("teams", subject),
                    subject=subject,
                    value=subject,
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
        return self.label("too_few_raters" if self.withheld(index, indicator) else "missing")

    def withheld(self, index: int, indicator: str) -> bool:
        """Whether a missing raw value of ``results[index]`` was withheld for anonymity.

        True when the value is missing and its sample is flagged ``too_few_raters`` (a rated
        indicator none of whose sources had enough raters, see :mod:`csperf.ratings`); False
        for a value that is there, or truly missing.
        """
        if self.results[index].indicators[indicator].raw is not None:
            return False
        info = self.sample(index, indicator)
        return info is not None and "too_few_raters" in info.flags

    @property
    def has_items(self) -> bool:
        """Whether the scorecard has veto or bonus/deduction items (:meth:`item_lines`)."""
        return bool(self.scorecard.vetoes or self.scorecard.adjustments)

    def item_lines(self, index: int) -> tuple[ItemLine, ...]:
        """The veto and bonus/deduction lines of ``results[index]``: items first, then vetoes.

        Examples:
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager(commendation_bonus=True)
            >>> values = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
            ...           "first_response_time": 45, "resolution_time": 20000,
            ...           "product_knowledge": 88, "script_compliance": 0.93,
            ...           "collaboration_rating": 4.2, "information_sharing_rate": 0.97,
            ...           "commendations": 7}
            >>> report = Report(card, [card.evaluate(values, "li_wei")])
            >>> line = report.item_lines(0)[0]
            >>> line.detail, line.value
            ('7 × 1 (at most 5) = 5.00', '+5.00')
        """
        result = self.results[index]
        p = self.scorecard.precision
        lines: list[ItemLine] = []
        for item in result.adjustments:
            if item.missing:
                detail = self.label("missing")
            else:
                cap = (
                    "" if item.cap is None else self.label("explain.item_cap", cap=f"{item.cap:g}")
                )
                detail = f"{item.events:g} × {item.points_per_event:g}{cap} = {item.amount:.{p}f}"
            lines.append(
                ItemLine(
                    kind=item.kind,
                    key=item.key,
                    name=self.text(item.label) if item.label else item.key,
                    detail=detail,
                    value=f"{item.applied:+.{p}f}",
                    fired=None,
                    reason=self.text(item.reason) if item.reason else "",
                )
            )
        for veto in result.vetoes:
            shown = self.label("missing") if veto.value is None else f"{veto.value:g}"
            grade = result.labels.get(f"grade.{veto.limit}")
            lines.append(
                ItemLine(
                    kind="veto",
                    key=veto.key,
                    name=self.text(veto.label) if veto.label else veto.key,
                    detail=f"{veto.condition}, {shown}",
                    value=veto.effect_text(self.lang, grade)
                    if veto.fired
                    else self.label("veto.not_fired"),
                    fired=veto.fired,
                    reason=self.text(veto.reason) if veto.reason else "",
                )
            )
        return tuple(lines)

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

    def ranks(self) -> list[int]:
        """Competition ranks ("1224") on the rounded total, 1 for the highest, in result order.

        A subject's rank is one more than the number of subjects with a higher total, as
        :meth:`BatchResult.ranks <csperf.BatchResult.ranks>` counts it.

        Examples:
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager()
            >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
            ...        "first_response_time": 45, "resolution_time": 20000,
            ...        "product_knowledge": 88, "script_compliance": 0.93,
            ...        "collaboration_rating": 4.2, "information_sharing_rate": 0.97}
            >>> results = [card.evaluate(dict(row, product_knowledge=k), s)
            ...            for s, k in (("a", 88), ("b", 95), ("c", 88), ("d", 60))]
            >>> Report(card, results).ranks()
            [2, 1, 2, 4]
        """
        ranks: list[int] = competition_ranks(self.totals()).tolist()
        return ranks

    def percentiles(self) -> list[float]:
        r"""The percentile rank of each rounded total, in result order.

        :math:`PR = 100 \cdot (B + E / 2) / n`, where :math:`B` subjects have a lower total
        and :math:`E` (the subject included) the same total: the mid-point definition of the
        percentile rank, so the four distinct totals of four subjects sit at 12.5, 37.5, 62.5
        and 87.5, and a whole population with one total at 50.

        Examples:
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager()
            >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
            ...        "first_response_time": 45, "resolution_time": 20000,
            ...        "product_knowledge": 88, "script_compliance": 0.93,
            ...        "collaboration_rating": 4.2, "information_sharing_rate": 0.97}
            >>> results = [card.evaluate(dict(row, product_knowledge=k), s)
            ...            for s, k in (("a", 88), ("b", 95), ("c", 88), ("d", 60))]
            >>> Report(card, results).percentiles()
            [50.0, 87.5, 50.0, 12.5]
        """
        n = len(self.results)
        return [100 * (below + equal / 2) / n for below, equal in self._below_and_equal()]

    def _below_and_equal(self) -> list[tuple[int, int]]:
        """Per result: how many totals are lower and how many equal."""
        totals = self.totals()
        ordered = sorted(totals)
        first: dict[float, int] = {}
        count: dict[float, int] = {}
        for position, total in enumerate(ordered):
            first.setdefault(total, position)
            count[total] = count.get(total, 0) + 1
        return [(first[t], count[t]) for t in totals]

    def detailed(self) -> list[int]:
        """The indices of the results that get a details section (see :attr:`details`).

        In result order. ``"top N"`` takes the ``N`` highest totals, ties broken by input order.
        """
        n = len(self.results)
        if self.details == "all" or (self.details == "auto" and n <= DETAILS_AUTO):
            return list(range(n))
        if self.details in ("none", "auto"):
            return []
        assert isinstance(self.details, int)
        totals = self.totals()
        best = sorted(range(n), key=lambda i: (-totals[i], i))[: self.details]
        return sorted(best)

    def team(self, index: int) -> str | None:
        """The team of ``results[index]``, if known."""
        subject = self.results[index].subject
        return None if subject is None else self.teams.get(subject)


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
