"""The catalog: every metric by name, with its record kind, unit and direction."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf.errors import UnknownNameError, ValidationError
from csperf.metrics import _calls, _people, _service, _speed
from csperf.metrics._engine import Compute
from csperf.metrics._records import RECORD_KINDS
from csperf.metrics._values import MetricValue
from csperf.units import Direction

__all__ = ["CATALOG", "COMMON_PARAMETERS", "MetricSpec", "metric_spec"]

#: The keyword arguments every catalog function takes besides its own options.
COMMON_PARAMETERS: tuple[str, ...] = ("period", "tz", "min_sample", "strict", "roster")


def _direction(value: Any) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError(
            f"MetricSpec: field 'direction' must be one of "
            f"{', '.join(d.value for d in Direction)}, got {value!r}",
            obj="MetricSpec",
            field="direction",
            value=value,
        ) from None


@attrs.frozen
class MetricSpec:
    """A metric of the catalog.

    Attributes:
        name: The metric's name, which is also the measurement name indicators read
            (``customer_satisfaction``, ``complaint_rate``...).
        function: The catalog function (``customer_satisfaction``, ``complaint_rate``...):
            ``function(records, *, period, tz, min_sample, strict, roster, **options)``.
        record_kind: The kind of records it reads (a key of ``RECORD_KINDS``).
        unit: The unit of its value (``"fraction"``, ``"s"``, ``"points"``...).
        direction: Which values are better.
        description: One sentence saying what it measures.
        compute: The computation on already validated records,
            ``compute(selected, everything, **options) -> (value, sample_size, flags)``,
            used by :func:`measure` so that records are read once; None to have
            :func:`measure` call ``function`` on each subject's records instead.
    """

    name: str
    function: Callable[..., MetricValue]
    record_kind: str
    unit: str
    direction: Direction = attrs.field(converter=_direction)
    description: str
    compute: Compute | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.record_kind not in RECORD_KINDS:
            raise ValidationError(
                f"MetricSpec {self.name!r}: field 'record_kind' must be one of "
                f"{', '.join(RECORD_KINDS)}, got {self.record_kind!r}",
                obj=f"MetricSpec {self.name!r}",
                field="record_kind",
                value=self.record_kind,
            )
        if not callable(self.function):
            raise ValidationError(
                f"MetricSpec {self.name!r}: field 'function' must be callable",
                obj=f"MetricSpec {self.name!r}",
                field="function",
                value=self.function,
            )

    @property
    def options(self) -> Mapping[str, Any]:
        """The function's own options and their defaults (beyond the common keywords)."""
        found = {}
        for parameter in list(inspect.signature(self.function).parameters.values())[1:]:
            if parameter.name in COMMON_PARAMETERS or parameter.kind is not parameter.KEYWORD_ONLY:
                continue
            found[parameter.name] = parameter.default
        return FrozenDict(found)


_HIGHER = Direction.HIGHER_IS_BETTER
_LOWER = Direction.LOWER_IS_BETTER

#: Every metric of the catalog, by name.
CATALOG: Mapping[str, MetricSpec] = FrozenDict(
    {
        spec.name: spec
        for spec in (
            MetricSpec(
                "customer_satisfaction",
                _service.customer_satisfaction,
                "surveys",
                "fraction",
                _HIGHER,
                "Share of survey answers of 4 or 5 on the 1-5 scale (top-2-box CSAT).",
                _service._customer_satisfaction,
            ),
            MetricSpec(
                "nps",
                _service.nps,
                "surveys",
                "NPS points (-100 to 100)",
                _HIGHER,
                "Percentage of promoters (9-10) minus percentage of detractors (0-6).",
                _service._nps,
            ),
            MetricSpec(
                "complaint_rate",
                _service.complaint_rate,
                "tickets",
                "fraction",
                _LOWER,
                "Complaints divided by contacts handled.",
                _service._complaint_rate,
            ),
            MetricSpec(
                "first_response_time",
                _speed.first_response_time,
                "tickets",
                "s",
                _LOWER,
                "Mean seconds from a contact's creation to the first human reply.",
                _speed._first_response_time,
            ),
            MetricSpec(
                "resolution_time",
                _speed.resolution_time,
                "tickets",
                "s",
                _LOWER,
                "Mean seconds from a contact's creation to its first resolution.",
                _speed._resolution_time,
            ),
            MetricSpec(
                "fcr",
                _speed.fcr,
                "tickets",
                "fraction",
                _HIGHER,
                "Share of contacts resolved without reopen or repeat contact within 7 days.",
                _speed._fcr,
            ),
            MetricSpec(
                "service_level",
                _calls.service_level,
                "tickets",
                "fraction",
                _HIGHER,
                "Share of offered calls answered within 20 seconds.",
                _calls._service_level,
            ),
            MetricSpec(
                "abandonment_rate",
                _calls.abandonment_rate,
                "tickets",
                "fraction",
                _LOWER,
                "Share of offered calls abandoned in the queue.",
                _calls._abandonment_rate,
            ),
            MetricSpec(
                "aht",
                _calls.aht,
                "tickets",
                "s",
                Direction.TARGET_IS_BEST,
                "Average handle time: talk + hold + after-call work per contact.",
                _calls._aht,
            ),
            MetricSpec(
                "script_compliance",
                _people.script_compliance,
                "qa_reviews",
                "fraction",
                _HIGHER,
                "QA checks passed divided by checks applicable; a critical failure scores 0.",
                _people._script_compliance,
            ),
            MetricSpec(
                "product_knowledge",
                _people.product_knowledge,
                "knowledge_tests",
                "points",
                _HIGHER,
                "Mean product-knowledge test score (0-100).",
                _people._product_knowledge,
            ),
            MetricSpec(
                "collaboration_rating",
                _people.collaboration_rating,
                "peer_ratings",
                "rating 1-5",
                _HIGHER,
                "Mean peer rating on the 1-5 scale, self-ratings excluded, 3 raters at least.",
                _people._collaboration_rating,
            ),
            MetricSpec(
                "information_sharing_rate",
                _people.information_sharing_rate,
                "sharing_items",
                "fraction",
                _HIGHER,
                "Items shared by their due time divided by items due.",
                _people._information_sharing_rate,
            ),
        )
    }
)


def metric_spec(name: str) -> MetricSpec:
    """The catalog entry called ``name``.

    Raises:
        UnknownNameError: For a name not in :data:`CATALOG`.
    """
    try:
        return CATALOG[name]
    except (KeyError, TypeError):
        raise UnknownNameError(
            f"unknown metric {name!r} (known: {', '.join(CATALOG)})",
            obj="metric",
            value=name,
            available=tuple(CATALOG),
        ) from None
