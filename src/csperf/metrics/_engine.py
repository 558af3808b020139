"""What every catalog function shares: reading records, selecting the period, finishing."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING, Any

import numpy as np

from csperf._periods import in_period, resolve_period
from csperf.errors import ValidationError
from csperf.metrics._validate import record_kind, validate_records
from csperf.metrics._values import MetricValue, RejectReport

if TYPE_CHECKING:
    from csperf.metrics._roster import Roster

__all__ = [
    "Compute",
    "Outcome",
    "check_channels",
    "check_choice",
    "check_min_sample",
    "check_seconds",
    "evaluate",
    "finish",
    "statistic",
]

#: What a metric's computation returns: ``(value, sample_size, flags)``.
Outcome = tuple[float | None, int, tuple[str, ...]]

#: A metric's computation: ``compute(selected, everything, **options) -> Outcome``, where
#: ``selected`` are the valid records in the period (and of the subject, in a roll-up) and
#: ``everything`` all valid records of the kind (used by ``fcr`` to find repeat contacts).
Compute = Callable[..., Outcome]

_PERCENTILE = re.compile(r"^p(\d+(?:\.\d+)?)$")


def check_min_sample(min_sample: Any) -> int | None:
    """Check ``min_sample``: None or a whole number ≥ 1."""
    if min_sample is None:
        return None
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or min_sample < 1:
        raise ValidationError(
            msg=f"min_sample must be None or a whole number ≥ 1, got {min_sample!r}",
            field="min_sample",
            value=min_sample,
        )
    return min_sample


def check_choice(metric: str, option: str, value: Any, choices: Iterable[str]) -> str:
    """Check that an option is one of ``choices``."""
    allowed = tuple(choices)
    if value not in allowed:
        raise ValidationError(
            msg=f"option {option!r} must be one of {', '.join(allowed)}, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    return str(value)


def check_seconds(
    metric: str, option: str, value: Any, *, optional: bool = False, positive: bool = False
) -> float | None:
    """Check a duration option given in seconds (a number or a :class:`~datetime.timedelta`)."""
    if value is None and optional:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(
            msg=f"option {option!r} must be a number of seconds or a timedelta, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        bound = "> 0" if positive else "≥ 0"
        raise ValidationError(
            msg=f"option {option!r} must be finite and {bound}, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    return seconds


def check_channels(metric: str, channels: Any) -> frozenset[str] | None:
    """Check a ``channels`` option: None (every channel) or a non-empty set of names."""
    if channels is None:
        return None
    if isinstance(channels, str):
        channels = (channels,)
    try:
        result = frozenset(channels)
    except TypeError:
        result = frozenset()
    if not result or not all(isinstance(c, str) and c for c in result):
        raise ValidationError(
            msg="option 'channels' must be None or a non-empty collection of channel "
            f"names, got {channels!r}",
            obj=metric,
            field="channels",
            value=channels,
        )
    return result


def statistic(metric: str, name: Any) -> Callable[[Sequence[float]], float]:
    """The summary statistic called ``name``: ``"mean"``, ``"median"`` or ``"p<q>"``.

    ``"p90"`` is the 90th percentile, ``"p99.5"`` the 99.5th. Percentiles (and the median,
    ``"p50"``) use linear interpolation between the closest ranks: for sorted values
    ``x[0..n-1]`` and ``h = (n − 1)·q/100``, the result is
    ``x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`` (numpy's default ``method="linear"``, the same
    as SQL ``percentile_cont``/DuckDB ``quantile_cont``).
    """
    if name == "mean":
        return lambda values: math.fsum(values) / len(values)
    if name == "median":
        return lambda values: float(np.percentile(np.asarray(values, dtype=float), 50))
    match = _PERCENTILE.match(name) if isinstance(name, str) else None
    if match is not None:
        q = float(match.group(1))
        if 0 <= q <= 100:
            return lambda values: float(np.percentile(np.asarray(values, dtype=float), q))
    raise ValidationError(
        msg="option 'statistic' must be 'mean', 'median' or 'p<q>' with 0 ≤ q ≤ 100 "
        f"(such as 'p90'), got {name!r}",
        obj=metric,
        field="statistic",
        value=name,
    )


def finish(
    outcome: Outcome, *, min_sample: int | None, report: RejectReport | None = None
) -> MetricValue:
    """Turn a computation's outcome into a :class:`MetricValue`.

    Adds ``no_data`` when there is no value (unless ``too_few_raters`` explains it),
    ``small_sample`` when a value rests on fewer than ``min_sample`` records and
    ``rejected_records`` when the report is not empty.
    """
    value, size, flags = outcome
    extra = list(flags)
    if value is None and "too_few_raters" not in extra:
        extra.append("no_data")
    if value is not None and min_sample is not None and size < min_sample:
        extra.append("small_sample")
    if report is not None and report.count:
        extra.append("rejected_records")
    return MetricValue(value, size, extra, report if report is not None else RejectReport())


def evaluate(
    kind: str,
    records: Any,
    compute: Compute,
    *,
    period: Any,
    tz: tzinfo | str | None,
    min_sample: int | None,
    strict: bool,
    roster: Roster | None,
) -> MetricValue:
    """Validate ``records``, keep those in ``period`` and run ``compute`` on them."""
    spec = record_kind(kind)
    window = resolve_period(period, tz)
    wanted = check_min_sample(min_sample)
    valid, report = validate_records(kind, records, roster=roster, tz=tz, strict=strict)
    selected = [r for r in valid if in_period(getattr(r, spec.time_field), window)]
    return finish(compute(selected, valid), min_sample=wanted, report=report)
