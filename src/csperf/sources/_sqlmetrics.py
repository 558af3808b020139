"""The catalog's metrics as SQL: one definition per metric, written once.

Each definition reads the ``selected`` CTE (the accepted records of one kind in the period,
with their ``subject``; see :mod:`csperf.sources._sqlplan`) and returns one row of
aggregates per subject; a small Python function turns that row into the metric's
``(value, sample_size, flags)`` exactly as the catalog function computes it from the same
records. Timestamps are microseconds, so a duration is an exact integer difference.

A percentile (``statistic="median"`` or ``"p90"``) is computed with window functions: the
values of each subject are ranked, and the two values around rank ``h = (n − 1)·q`` are
fetched (one row per subject), to be interpolated linearly as the catalog does
(``x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import attrs

from csperf.sources._dialects import Params
from csperf.sources._sqlplan import micros

__all__ = ["SQL_METRICS", "SqlMetric", "normalise_options"]

#: ``(value, sample_size, flags)``, as the catalog's computations return it.
Outcome = tuple[float | None, int, tuple[str, ...]]
_EMPTY: Outcome = (None, 0, ())
_PERCENTILE = re.compile(r"^p(\d+(?:\.\d+)?)$")
_MICRO = 1_000_000


@attrs.frozen
class SqlMetric:
    """One metric of the catalog in SQL.

    Attributes:
        name: The catalog name.
        kind: The record kind it reads.
        main: ``main(options, params) -> SQL``: one row of aggregates per subject.
        outcome: ``outcome(row, quantile_row, options) -> (value, sample_size, flags)``.
        quantile: ``quantile(options, params) -> SQL or None``: for a percentile statistic,
            the two ranked values around the percentile, per subject.
    """

    name: str
    kind: str
    main: Callable[[Mapping[str, Any], Params], str]
    outcome: Callable[[Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, Any]], Outcome]
    quantile: Callable[[Mapping[str, Any], Params], str | None] = lambda o, p: None


def normalise_options(name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options of metric ``name`` (already checked by the catalog) in the form SQL needs.

    ``options`` holds every option, defaults included (the spec's ``options``). Durations
    become seconds (floats) or microseconds (``*_us``), ``channels`` a sorted tuple or None,
    ``statistic`` the quantile ``q`` in ``[0, 1]`` (None for the mean), ``as_of``
    microseconds.
    """
    found = dict(options)
    out: dict[str, Any] = dict(found)
    if "channels" in found:
        channels = found["channels"]
        if isinstance(channels, str):
            channels = (channels,)
        out["channels"] = None if channels is None else tuple(sorted(set(channels)))
    if "statistic" in found:
        statistic = found["statistic"]
        if statistic == "mean":
            out["q"] = None
        elif statistic == "median":
            out["q"] = 0.5
        else:
            match = _PERCENTILE.match(statistic)
            assert match is not None  # the catalog checked it
            out["q"] = float(match.group(1)) / 100
    for key in ("threshold", "short_abandon"):
        if key in found and found[key] is not None and name != "customer_satisfaction":
            value = found[key]
            out[key] = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if "window" in found:
        window = found["window"]
        seconds = window.total_seconds() if isinstance(window, timedelta) else float(window)
        out["window_seconds"] = seconds
        out["window_us"] = timedelta(seconds=seconds) // timedelta(microseconds=1)
    if "as_of" in found:
        out["as_of_us"] = None if found["as_of"] is None else micros(found["as_of"])
    return out


def _channels(options: Mapping[str, Any], params: Params, prefix: str = "") -> str:
    channels = options.get("channels")
    if channels is None:
        return ""
    markers = ", ".join(params.add(c, "ch") for c in channels)
    return f" AND {prefix}channel IN ({markers})"


def _ratio(num: Any, den: Any) -> Outcome:
    if not den:
        return _EMPTY
    return num / den, int(den), ()


# -- service quality --------------------------------------------------------------------


def _csat_main(o: Mapping[str, Any], p: Params) -> str:
    threshold = p.add(int(o["threshold"]), "thr")
    return (
        "SELECT subject, COUNT(csat) AS n, "
        f"SUM(CASE WHEN csat >= {threshold} THEN 1 ELSE 0 END) AS hits, SUM(csat) AS total "
        "FROM selected GROUP BY subject"
    )


def _csat(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n = int(row["n"])
    if not n:
        return _EMPTY
    if o["method"] == "mean":
        return row["total"] / n, n, ()
    return row["hits"] / n, n, ()


def _nps_main(o: Mapping[str, Any], p: Params) -> str:
    return (
        "SELECT subject, COUNT(nps) AS n, SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS pro, "
        "SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS det FROM selected GROUP BY subject"
    )


def _nps(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n = int(row["n"])
    if not n:
        return _EMPTY
    return 100 * (int(row["pro"]) - int(row["det"])) / n, n, ()


def _complaint_main(o: Mapping[str, Any], p: Params) -> str:
    return (
        "SELECT subject, COUNT(*) AS n, "
        "SUM(CASE WHEN COALESCE(complaint, 0) = 1 THEN 1 ELSE 0 END) AS k FROM selected "
        f"WHERE handled = 1{_channels(o, p)} GROUP BY subject"
    )


def _complaint(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    return _ratio(int(row["k"]), int(row["n"]))


# -- speed ------------------------------------------------------------------------------

_DURATIONS = {
    "first_response_time": ("first_response_at - created_at", "missing_first_response"),
    "resolution_time": ("resolved_at - created_at", "unresolved"),
}


def _duration(name: str, o: Mapping[str, Any]) -> tuple[str, str]:
    expr, flag = _DURATIONS[name]
    if name == "resolution_time" and o["resolution"] == "final":
        expr = "COALESCE(final_resolved_at, resolved_at) - created_at"
    return expr, flag


def _speed_main(name: str) -> Callable[[Mapping[str, Any], Params], str]:
    def main(o: Mapping[str, Any], p: Params) -> str:
        expr, _ = _duration(name, o)
        return (
            f"SELECT subject, COUNT(*) AS contacts, COUNT({expr}) AS n, SUM({expr}) AS total "
            f"FROM selected WHERE handled = 1{_channels(o, p)} GROUP BY subject"
        )

    return main


def _speed_quantile(name: str) -> Callable[[Mapping[str, Any], Params], str | None]:
    def quantile(o: Mapping[str, Any], p: Params) -> str | None:
        if o["q"] is None:
            return None
        expr, _ = _duration(name, o)
        q = p.add(o["q"], "q")
        values = (
            f"SELECT subject, {expr} AS x FROM selected WHERE handled = 1{_channels(o, p)} "
            f"AND {expr} IS NOT NULL"
        )
        ranked = (
            "SELECT subject, x, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY x) - 1 AS rk, "
            "COUNT(*) OVER (PARTITION BY subject) AS n, "
            f"LEAD(x) OVER (PARTITION BY subject ORDER BY x) AS nx FROM ({values}) AS v"
        )
        return (
            f"SELECT subject, x, nx, rk, n FROM ({ranked}) AS r "
            f"WHERE rk <= (n - 1) * {q} AND (n - 1) * {q} < rk + 1"
        )

    return quantile


def interpolate(row: Mapping[str, Any], q: float) -> float:
    """The linear-interpolation percentile from the ranked values around it (microseconds)."""
    h = (int(row["n"]) - 1) * q
    x = int(row["x"])
    if row["nx"] is None:
        return x / _MICRO
    return (x + (h - int(row["rk"])) * (int(row["nx"]) - x)) / _MICRO


def _speed_outcome(
    name: str,
) -> Callable[[Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, Any]], Outcome]:
    def outcome(
        row: Mapping[str, Any], qrow: Mapping[str, Any] | None, o: Mapping[str, Any]
    ) -> Outcome:
        _, flag = _duration(name, o)
        n, contacts = int(row["n"]), int(row["contacts"])
        flags = (flag,) if n < contacts else ()
        if not n:
            return None, 0, flags
        if o["q"] is None:
            return int(row["total"]) / _MICRO / n, n, flags
        assert qrow is not None
        return interpolate(qrow, o["q"]), n, flags

    return outcome


def _fcr_main(o: Mapping[str, Any], p: Params) -> str:
    repeat = ""
    if o["window_seconds"] > 0:
        window = p.add(o["window_us"], "win")
        repeat = (
            f" AND NOT (nx.next_created IS NOT NULL AND nx.next_created <= s.created_at + {window})"
        )
    nexts = (
        "SELECT pos, MIN(created_at) OVER (PARTITION BY customer ORDER BY created_at "
        "RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_created "
        "FROM valid WHERE customer IS NOT NULL"
    )
    judged = (
        "SELECT s.subject, CASE WHEN s.resolved_at IS NOT NULL AND COALESCE(s.reopened, 0) = 0"
        f"{repeat} THEN 1 ELSE 0 END AS ok FROM selected AS s LEFT JOIN ({nexts}) AS nx "
        f"ON nx.pos = s.pos WHERE s.handled = 1{_channels(o, p, 's.')}"
    )
    return f"SELECT subject, COUNT(*) AS n, SUM(ok) AS ok FROM ({judged}) AS j GROUP BY subject"


def _fcr(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    return _ratio(int(row["ok"]), int(row["n"]))


# -- calls ------------------------------------------------------------------------------


def _calls_where(o: Mapping[str, Any], p: Params) -> str:
    where = f"is_call = 1{_channels(o, p)}"
    if o.get("short_abandon") is not None:
        short = p.add(o["short_abandon"], "short")
        where += f" AND NOT (abn = 1 AND wait_seconds < {short})"
    return where


def _service_main(o: Mapping[str, Any], p: Params) -> str:
    limit = p.add(o["threshold"], "lim")
    return (
        "SELECT subject, COUNT(*) AS calls, SUM(CASE WHEN ans = 1 THEN 1 ELSE 0 END) AS answered, "
        f"SUM(CASE WHEN ans = 1 AND wait_seconds <= {limit} THEN 1 ELSE 0 END) AS met, "
        f"SUM(CASE WHEN abn = 1 AND wait_seconds <= {limit} THEN 1 ELSE 0 END) AS quick "
        f"FROM selected WHERE {_calls_where(o, p)} GROUP BY subject"
    )


def _service(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    calls, answered = int(row["calls"]), int(row["answered"])
    met, quick = int(row["met"]), int(row["quick"])
    policy = o["abandons"]
    if policy == "offered":
        offered = calls
    elif policy == "excluded":
        offered = answered
    elif policy == "within_threshold_met":
        offered = calls
        met += quick
    else:
        offered = calls - quick
    return _ratio(met, offered)


def _abandon_main(o: Mapping[str, Any], p: Params) -> str:
    return (
        "SELECT subject, COUNT(*) AS calls, SUM(CASE WHEN abn = 1 THEN 1 ELSE 0 END) AS lost "
        f"FROM selected WHERE {_calls_where(o, p)} GROUP BY subject"
    )


def _abandon(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    return _ratio(int(row["lost"]), int(row["calls"]))


def _aht_main(o: Mapping[str, Any], p: Params) -> str:
    return (
        "SELECT subject, COUNT(talk_seconds) AS n, "
        "SUM(talk_seconds + COALESCE(hold_seconds, 0) + COALESCE(acw_seconds, 0)) AS total, "
        "MAX(CASE WHEN ans = 1 AND talk_seconds IS NULL THEN 1 ELSE 0 END) AS missing "
        f"FROM selected WHERE handled = 1{_channels(o, p)} GROUP BY subject"
    )


def _aht(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n = int(row["n"])
    flags = ("missing_handle_time",) if int(row["missing"]) else ()
    if not n:
        return None, 0, flags
    return float(row["total"]) / n, n, flags


# -- people -----------------------------------------------------------------------------


def _qa_main(o: Mapping[str, Any], p: Params) -> str:
    failed = "COALESCE(critical_failed, 0) = 1"
    return (
        "SELECT subject, COUNT(*) AS n, "
        f"SUM(CASE WHEN {failed} THEN 0 ELSE checks_passed END) AS passed, "
        "SUM(checks_applicable) AS applicable, "
        f"SUM(CASE WHEN {failed} THEN 0 ELSE checks_passed / checks_applicable END) AS scores, "
        f"MAX(CASE WHEN {failed} THEN 1 ELSE 0 END) AS critical FROM selected GROUP BY subject"
    )


def _qa(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n = int(row["n"])
    if not n:
        return _EMPTY
    flags = ("critical_failed",) if int(row["critical"]) else ()
    if o["method"] == "mean":
        return float(row["scores"]) / n, n, flags
    return float(row["passed"]) / float(row["applicable"]), n, flags


def _knowledge_main(o: Mapping[str, Any], p: Params) -> str:
    if o["method"] == "latest":
        latest = (
            "SELECT subject, score, ROW_NUMBER() OVER (PARTITION BY subject, agent "
            "ORDER BY taken_at DESC) AS rn FROM selected"
        )
        return (
            f"SELECT subject, COUNT(*) AS n, SUM(score) AS total FROM ({latest}) AS l "
            "WHERE rn = 1 GROUP BY subject"
        )
    return "SELECT subject, COUNT(*) AS n, SUM(score) AS total FROM selected GROUP BY subject"


def _knowledge(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n = int(row["n"])
    if not n:
        return _EMPTY
    return float(row["total"]) / n, n, ()


def _peer_main(o: Mapping[str, Any], p: Params) -> str:
    other = "rater <> ratee"
    return (
        "SELECT subject, COUNT(*) AS total, "
        f"SUM(CASE WHEN {other} THEN 1 ELSE 0 END) AS n, "
        f"SUM(CASE WHEN {other} THEN score ELSE 0 END) AS s, "
        f"COUNT(DISTINCT CASE WHEN {other} THEN rater ELSE NULL END) AS raters "
        "FROM selected GROUP BY subject"
    )


def _peer(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n, total = int(row["n"]), int(row["total"])
    flags: tuple[str, ...] = ("self_ratings_excluded",) if n < total else ()
    if not n:
        return None, 0, flags
    if int(row["raters"]) < o["min_raters"]:
        return None, n, (*flags, "too_few_raters")
    return float(row["s"]) / n, n, flags


def _sharing_main(o: Mapping[str, Any], p: Params) -> str:
    due = "1 = 1"
    if o["as_of_us"] is not None:
        due = f"due_at <= {p.add(o['as_of_us'], 'asof')}"
    return (
        f"SELECT subject, COUNT(*) AS total, SUM(CASE WHEN {due} THEN 1 ELSE 0 END) AS n, "
        f"SUM(CASE WHEN {due} AND shared_at IS NOT NULL AND shared_at <= due_at THEN 1 ELSE 0 "
        "END) AS ok FROM selected GROUP BY subject"
    )


def _sharing(row: Mapping[str, Any], q: Any, o: Mapping[str, Any]) -> Outcome:
    n, total = int(row["n"]), int(row["total"])
    flags = ("not_yet_due",) if n < total else ()
    if not n:
        return None, 0, flags
    return int(row["ok"]) / n, n, flags


#: Every catalog metric in SQL, by catalog name.
SQL_METRICS: Mapping[str, SqlMetric] = {
    m.name: m
    for m in (
        SqlMetric("customer_satisfaction", "surveys", _csat_main, _csat),
        SqlMetric("nps", "surveys", _nps_main, _nps),
        SqlMetric("complaint_rate", "tickets", _complaint_main, _complaint),
        SqlMetric(
            "first_response_time",
            "tickets",
            _speed_main("first_response_time"),
            _speed_outcome("first_response_time"),
            _speed_quantile("first_response_time"),
        ),
        SqlMetric(
            "resolution_time",
            "tickets",
            _speed_main("resolution_time"),
            _speed_outcome("resolution_time"),
            _speed_quantile("resolution_time"),
        ),
        SqlMetric("fcr", "tickets", _fcr_main, _fcr),
        SqlMetric("service_level", "tickets", _service_main, _service),
        SqlMetric("abandonment_rate", "tickets", _abandon_main, _abandon),
        SqlMetric("aht", "tickets", _aht_main, _aht),
        SqlMetric("script_compliance", "qa_reviews", _qa_main, _qa),
        SqlMetric("product_knowledge", "knowledge_tests", _knowledge_main, _knowledge),
        SqlMetric("collaboration_rating", "peer_ratings", _peer_main, _peer),
        SqlMetric("information_sharing_rate", "sharing_items", _sharing_main, _sharing),
    )
}
