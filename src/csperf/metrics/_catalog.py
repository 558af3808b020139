"""The metric specification and csperf's own metrics, offered by ``csperf.plugins.metrics``.

Which metrics exist is not decided here: every plugin offers its :class:`MetricSpec` objects
through the ``csperf_metrics`` hook and :meth:`csperf.PluginManager.metrics` gathers them, the
built-in ones (:data:`BUILTIN_METRICS`) exactly like a third-party plugin's.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf.errors import ValidationError
from csperf.metrics import _calls, _people, _service, _speed
from csperf.metrics._engine import Compute, evaluate, evaluate_python
from csperf.metrics._ibis import Expression
from csperf.metrics._records import RECORD_KINDS
from csperf.metrics._values import MetricValue
from csperf.units import FRACTION, NON_NEGATIVE, Direction, ValueDomain

__all__ = ["BUILTIN_METRICS", "COMMON_PARAMETERS", "MetricSpec"]

#: The keyword arguments every catalog function takes besides its own options.
COMMON_PARAMETERS: tuple[str, ...] = ("period", "tz", "min_sample", "strict", "roster")


def _direction(value: Any) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError(
            msg="field 'direction' must be one of "
            f"{', '.join(d.value for d in Direction)}, got {value!r}",
            obj="MetricSpec",
            field="direction",
            value=value,
        ) from None


def _domain(value: Any) -> ValueDomain:
    if isinstance(value, ValueDomain):
        low, high = value.lower, value.upper
    else:
        try:
            low, high = (float(v) for v in value)
        except (TypeError, ValueError):
            low = high = math.nan
    if not low < high:
        raise ValidationError(
            msg=f"field 'domain' must be (low, high) with low < high, got {value!r}",
            obj="MetricSpec",
            field="domain",
            value=value,
        )
    return value if isinstance(value, ValueDomain) else ValueDomain(low, high)


def _function_of(spec: MetricSpec) -> Callable[..., MetricValue]:
    """The metric function of a spec given only its expression: read, select, compute, finish.

    A spec with only a Python ``compute`` (the former plugin interface) gets a function that
    runs it on the validated records of the period.
    """
    expression, compute = spec.expression, spec.compute
    if expression is None and compute is None:
        raise ValidationError(
            msg="give 'expression' (the Ibis definition); or give 'compute' or 'function'",
            obj=f"MetricSpec {spec.name!r}",
            field="function",
        )

    def function(
        records: Any,
        *,
        period: Any = None,
        tz: Any = None,
        min_sample: int | None = None,
        strict: bool = False,
        roster: Any = None,
        **options: Any,
    ) -> MetricValue:
        if expression is not None:
            return evaluate(
                spec.record_kind,
                records,
                expression,
                period=period,
                tz=tz,
                min_sample=min_sample,
                strict=strict,
                roster=roster,
                options=options,
            )
        assert compute is not None
        return evaluate_python(
            spec.record_kind,
            records,
            lambda selected, everything: compute(selected, everything, **options),
            period=period,
            tz=tz,
            min_sample=min_sample,
            strict=strict,
            roster=roster,
        )

    function.__name__ = function.__qualname__ = spec.name
    function.__doc__ = spec.description
    function.__wrapped_compute__ = True  # type: ignore[attr-defined]
    return function


@attrs.frozen
class MetricSpec:
    """A metric: what it measures, in which unit and domain, and how records become a value.

    Plugins offer metrics through the ``csperf_metrics`` hook; the metric's name is the one key
    by which indicators, sources, measurement tables and :func:`csperf.metrics.measure` refer
    to it.

    Attributes:
        name: The metric's name, which is also the measurement name indicators read
            (``customer_satisfaction``, ``complaint_rate``...).
        record_kind: The kind of records it reads (a key of ``RECORD_KINDS``).
        unit: The unit of its value (``"fraction"``, ``"s"``, ``"points"``...).
        direction: Which values are better.
        domain: The closed range of values it takes with its default options, a
            :class:`~csperf.units.ValueDomain` (a ``(low, high)`` pair is converted):
            ``[0, 1]`` for a share, ``[0, ∞)`` for a duration.
        description: One sentence saying what it measures (its definition).
        citation: Where the definition comes from ("" when it is plain arithmetic of the
            records).
        expression: The metric's one definition, an Ibis expression builder
            ``expression(selected, everything, **options) -> ibis.Table``: ``selected`` is
            the Ibis table of the period's valid records with a ``subject`` column,
            ``everything`` all valid records of the kind; the result has one row per subject
            with ``subject``, ``value``, ``sample_size`` and a boolean ``flag_<name>`` per
            flag (build it with :func:`csperf.metrics.per_subject`). It runs unchanged on
            every Ibis backend: in-memory records, files, DuckDB, PostgreSQL...
            (see :doc:`/how-to/add-a-metric`).
        compute: The former Python interface, for metrics without an expression:
            ``compute(selected, everything, **options) -> (value, sample_size, flags)`` over
            record objects. Such a metric is measured from records and CSV files only;
            database sources refuse it by name.
        function: The metric function (``customer_satisfaction``, ``complaint_rate``...):
            ``function(records, *, period, tz, min_sample, strict, roster, **options) ->
            MetricValue``. By default it is made from ``expression`` (or ``compute``): it
            validates the records, keeps those of the period, runs the definition and flags
            small samples, exactly as the built-in functions do.

    Examples:
        >>> from csperf import Direction
        >>> from csperf.metrics import count_if, per_subject, ratio
        >>> def reopen_rate(selected, everything=None):
        ...     resolved = selected.filter(selected.resolved_at.notnull())
        ...     n = resolved.count()
        ...     return per_subject(resolved, value=ratio(count_if(resolved.reopened), n), size=n)
        >>> spec = MetricSpec("reopen_rate", "tickets", "fraction", Direction.LOWER_IS_BETTER,
        ...                   (0, 1), "Share of resolved contacts reopened.",
        ...                   expression=reopen_rate)
        >>> str(spec.domain)
        '[0, 1]'
        >>> spec.function([]).flags
        ('no_data',)
    """

    name: str
    record_kind: str = attrs.field()
    unit: str
    direction: Direction = attrs.field(converter=_direction)
    domain: ValueDomain = attrs.field(converter=_domain)
    description: str
    citation: str = ""
    expression: Expression | None = attrs.field(default=None, eq=False, repr=False)
    compute: Compute | None = attrs.field(default=None, eq=False, repr=False)
    function: Callable[..., MetricValue] = attrs.field(
        default=attrs.Factory(_function_of, takes_self=True)
    )

    @record_kind.validator
    def _check_record_kind(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in RECORD_KINDS:
            raise ValidationError(
                msg=f"field 'record_kind' must be one of {', '.join(RECORD_KINDS)}, got {value!r}",
                obj=f"MetricSpec {self.name!r}",
                field="record_kind",
                value=value,
            )

    @function.validator
    def _check_function(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not callable(value):
            raise ValidationError(
                msg="field 'function' must be callable",
                obj=f"MetricSpec {self.name!r}",
                field="function",
                value=value,
            )

    @property
    def options(self) -> Mapping[str, Any]:
        """The function's own options and their defaults (beyond the common keywords).

        For a function made from ``expression`` (or ``compute``), its keyword-only
        parameters.
        """
        found = {}
        target: Callable[..., Any] = self.function
        if getattr(target, "__wrapped_compute__", False):
            target = self.expression if self.expression is not None else self.compute  # type: ignore[assignment]
        for parameter in list(inspect.signature(target).parameters.values())[1:]:
            if parameter.name in COMMON_PARAMETERS or parameter.kind is not parameter.KEYWORD_ONLY:
                continue
            found[parameter.name] = parameter.default
        return FrozenDict(found)


_HIGHER = Direction.HIGHER_IS_BETTER
_LOWER = Direction.LOWER_IS_BETTER
_SHARE = FRACTION
_SECONDS = NON_NEGATIVE

BUILTIN_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        name="customer_satisfaction",
        function=_service.customer_satisfaction,
        record_kind="surveys",
        unit="fraction",
        direction=_HIGHER,
        domain=_SHARE,
        description="Share of survey answers of 4 or 5 on the 1-5 scale (top-2-box CSAT).",
        citation="The top-box/top-2-box convention for satisfaction scales (ACSI and most "
        "contact-centre benchmarks report the share of satisfied answers).",
        expression=_service._customer_satisfaction,
    ),
    MetricSpec(
        name="nps",
        function=_service.nps,
        record_kind="surveys",
        unit="NPS points (-100 to 100)",
        direction=_HIGHER,
        domain=(-100.0, 100.0),
        description="Percentage of promoters (9-10) minus percentage of detractors (0-6).",
        citation='F. F. Reichheld, "The One Number You Need to Grow", Harvard Business '
        "Review 81(12), December 2003, pp. 46-54.",
        expression=_service._nps,
    ),
    MetricSpec(
        name="complaint_rate",
        function=_service.complaint_rate,
        record_kind="tickets",
        unit="fraction",
        direction=_LOWER,
        domain=_SHARE,
        description="Complaints divided by contacts handled.",
        citation='The "complaints per contact" ratio of complaint-handling practice '
        "(ISO 10002:2018).",
        expression=_service._complaint_rate,
    ),
    MetricSpec(
        name="first_response_time",
        function=_speed.first_response_time,
        record_kind="tickets",
        unit="s",
        direction=_LOWER,
        domain=_SECONDS,
        description="Mean seconds from a contact's creation to the first human reply.",
        citation='"First response time" of help-desk practice (e.g. Zendesk\'s first reply time).',
        expression=_speed._first_response_time,
    ),
    MetricSpec(
        name="resolution_time",
        function=_speed.resolution_time,
        record_kind="tickets",
        unit="s",
        direction=_LOWER,
        domain=_SECONDS,
        description="Mean seconds from a contact's creation to its first resolution.",
        citation='"Time to resolution" of help-desk practice (e.g. Zendesk\'s first and full '
        "resolution time).",
        expression=_speed._resolution_time,
    ),
    MetricSpec(
        name="fcr",
        function=_speed.fcr,
        record_kind="tickets",
        unit="fraction",
        direction=_HIGHER,
        domain=_SHARE,
        description="Share of contacts resolved without reopen or repeat contact within 7 days.",
        citation="SQM Group's operations-defined FCR; B. Cleveland, Call Center Management on "
        "Fast Forward (ICMI Press, 4th ed. 2019) on the re-contact window.",
        expression=_speed._fcr,
    ),
    MetricSpec(
        name="service_level",
        function=_calls.service_level,
        record_kind="tickets",
        unit="fraction",
        direction=_HIGHER,
        domain=_SHARE,
        description="Share of offered calls answered within 20 seconds.",
        citation='ICMI ("X percent of contacts answered in Y seconds"); "Service Level '
        'Calculations", ICMI Queue Tips, 2002.',
        expression=_calls._service_level,
    ),
    MetricSpec(
        name="abandonment_rate",
        function=_calls.abandonment_rate,
        record_kind="tickets",
        unit="fraction",
        direction=_LOWER,
        domain=_SHARE,
        description="Share of offered calls abandoned in the queue.",
        citation="The abandon rate of ICMI practice (calls abandoned / calls offered).",
        expression=_calls._abandonment_rate,
    ),
    MetricSpec(
        name="aht",
        function=_calls.aht,
        record_kind="tickets",
        unit="s",
        direction=Direction.TARGET_IS_BEST,
        domain=_SECONDS,
        description="Average handle time: talk + hold + after-call work per contact.",
        citation="ICMI's glossary and the Genesys Cloud glossary (average handle time).",
        expression=_calls._aht,
    ),
    MetricSpec(
        name="script_compliance",
        function=_people.script_compliance,
        record_kind="qa_reviews",
        unit="fraction",
        direction=_HIGHER,
        domain=_SHARE,
        description="QA checks passed divided by checks applicable; a critical failure scores 0.",
        citation="The critical-error accuracy of COPC's quality standard.",
        expression=_people._script_compliance,
    ),
    MetricSpec(
        name="critical_failures",
        function=_people.critical_failures,
        record_kind="qa_reviews",
        unit="count",
        direction=_LOWER,
        domain=NON_NEGATIVE,
        description="QA reviews zeroed by a critical failure (auto-fail), counted.",
        citation="The critical-error accuracy of COPC's quality standard.",
        expression=_people._critical_failures,
    ),
    MetricSpec(
        name="product_knowledge",
        function=_people.product_knowledge,
        record_kind="knowledge_tests",
        unit="points",
        direction=_HIGHER,
        domain=(0.0, 100.0),
        description="Mean product-knowledge test score (0-100).",
        citation='Knowledge-assessment scores of training practice (the "learning" level of '
        "Kirkpatrick's four levels).",
        expression=_people._product_knowledge,
    ),
    MetricSpec(
        name="collaboration_rating",
        function=_people.collaboration_rating,
        record_kind="peer_ratings",
        unit="rating 1-5",
        direction=_HIGHER,
        domain=(1.0, 5.0),
        description="Mean peer rating on the 1-5 scale, self-ratings excluded, 3 raters at least.",
        citation="360-degree feedback practice (self-ratings excluded, 3 raters at least).",
        expression=_people._collaboration_rating,
    ),
    MetricSpec(
        name="information_sharing_rate",
        function=_people.information_sharing_rate,
        record_kind="sharing_items",
        unit="fraction",
        direction=_HIGHER,
        domain=_SHARE,
        description="Items shared by their due time divided by items due.",
        citation="The on-time delivery rate, applied to knowledge-sharing commitments.",
        expression=_people._information_sharing_rate,
    ),
)
"""csperf's own metrics, offered by the built-in plugin ``csperf.plugins.metrics``."""
