"""Weight strategies: one uniform object per method, for plugins, config files and the CLI."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from csperf._keys import valid_key
from csperf._numbers import exact
from csperf.errors import (
    ConfigError,
    CsperfError,
    PluginError,
    UnknownNameError,
    ValidationError,
    WeightingError,
)
from csperf.scorecard import Scorecard
from csperf.text import LocalizedText
from csperf.weighting import Weighting, key_mismatch
from csperf.weights._ahp import AHP_METHODS, AhpResult, RandomIndexTable, _pair, ahp
from csperf.weights._basic import RANK_METHODS, equal, fixed, rank_order
from csperf.weights._combine import combine
from csperf.weights._common import (
    both,
    each_lang,
    exact_levels,
    joined,
    percent,
    percent_list,
    rebuild,
)
from csperf.weights._group import GROUP_AGGREGATIONS, GroupAhpResult, Stakeholder, group_ahp
from csperf.weights._objective import critic, entropy
from csperf.weights._result import WeightResult
from csperf.weights._swot import SwotFactor, SwotPolicy, as_of_date, swot

__all__ = ["BUILTIN_STRATEGIES", "WeightStrategy"]


def _check_summary(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        raise ValidationError(
            msg="field 'summary' must be one non-empty line",
            obj=f"WeightStrategy {instance.name!r}",
            field="summary",
            value=value,
        )


def _check_function(instance: Any, attribute: Any, value: Any) -> None:
    if not callable(value):
        raise ValidationError(
            msg="field 'function' must be callable",
            obj=f"WeightStrategy {instance.name!r}",
            field="function",
            value=value,
        )
    positional = [
        p
        for p in inspect.signature(value).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) != 1:
        raise ValidationError(
            msg="the function must take the scorecard as its "
            "only positional parameter and everything else as keyword-only parameters",
            obj=f"WeightStrategy {instance.name!r}",
            field="function",
            value=value,
        )


@attrs.frozen
class WeightStrategy:
    """A named way to weight a scorecard, usable from plugins, config files and the CLI.

    ``compute(card, **params)`` checks the parameters' names and calls ``function(card,
    **params)``. The parameters are the function's keyword-only parameters; those without a
    default are required. Parameter values are JSON-like (as read from a TOML or JSON file),
    though the Python objects they stand for are accepted too.

    Attributes:
        name: The strategy's name (``"ahp"``, ``"swot"``...), ``[a-z][a-z0-9_]*``.
        summary: One line saying what it does.
        function: ``function(card, *, ...) -> WeightResult``.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> rank = next(s for s in BUILTIN_STRATEGIES if s.name == "rank_order")
        >>> rank.params
        ('dimensions', 'indicators', 'method')
        >>> result = rank.compute(customer_service_manager(), dimensions=[
        ...     "service_quality", "efficiency", "capability", "teamwork"])
        >>> round(result.weighting.dimensions["service_quality"], 4)
        0.5208
    """

    name: str = attrs.field(validator=valid_key)
    summary: str = attrs.field(validator=_check_summary)
    function: Callable[..., WeightResult] = attrs.field(validator=_check_function, repr=False)

    @property
    def params(self) -> tuple[str, ...]:
        """The names of the parameters :meth:`compute` accepts."""
        return tuple(
            p.name
            for p in inspect.signature(self.function).parameters.values()
            if p.kind is p.KEYWORD_ONLY
        )

    @property
    def required(self) -> tuple[str, ...]:
        """The names of the parameters :meth:`compute` needs."""
        return tuple(
            p.name
            for p in inspect.signature(self.function).parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.default is p.empty
        )

    def compute(self, card: Scorecard, **params: Any) -> WeightResult:
        """Weight ``card``.

        Args:
            card: The scorecard: its dimensions, indicators, directions and current weighting.
            **params: The strategy's parameters (see :attr:`params`).

        Returns:
            A :class:`WeightResult` whose weighting fits ``card``.

        Raises:
            ConfigError: For an unknown or missing parameter, or a parameter of the wrong shape.
            WeightingError: When the weights cannot be found (see each strategy).
            PluginError: When the strategy's function returns something else than a
                :class:`WeightResult` that fits the card.
        """
        obj = f"weight strategy {self.name!r}"
        if not isinstance(card, Scorecard):
            raise ConfigError(
                msg=f"needs a Scorecard, got {type(card).__name__}",
                obj=obj,
                field="card",
                value=card,
            )
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise ConfigError(
                msg=f"unknown parameter(s) {', '.join(unknown)} "
                f"(parameters: {', '.join(self.params) or 'none'})",
                obj=obj,
                field=unknown[0],
                value=params[unknown[0]],
            )
        missing = [p for p in self.required if p not in params]
        if missing:
            raise ConfigError(
                msg=f"missing parameter(s) {', '.join(missing)}", obj=obj, field=missing[0]
            )
        result = self.function(card, **params)
        if not isinstance(result, WeightResult):
            raise PluginError(
                msg=f"{obj} returned {type(result).__name__}, not a WeightResult",
                value=result,
                plugin=self.name,
            )
        try:
            _check_fits(card, result.weighting, "the result")
        except WeightingError as exc:
            raise PluginError(
                msg=f"{exc.message}", obj=obj, value=result, plugin=self.name
            ) from None
        return result


# -- parameter helpers ---------------------------------------------------------------------


def _config(strategy: str, key_path: str, message: str, value: Any) -> ConfigError:
    return ConfigError(msg=f"{strategy}: {key_path}: {message}", field=key_path, value=value)


def _within(exc: CsperfError, prefix: str) -> CsperfError:
    """The same error with ``prefix`` before its message."""
    return exc.inside(f"{prefix}")


def _groups(card: Scorecard) -> dict[str, list[str]]:
    return {d: [i.key for i in inds] for d, inds in card.groups().items()}


def _card_levels(card: Scorecard) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The card's weights at both levels, in the card's display order."""
    groups = _groups(card)
    dims = {d: card.weighting.dimensions[d] for d in groups}
    inner = {d: {k: card.weighting.indicators[d][k] for k in ks} for d, ks in groups.items()}
    return dims, inner


def _check_fits(card: Scorecard, weighting: Weighting, what: str) -> None:
    groups = _groups(card)
    found = {d: sorted(ws) for d, ws in weighting.indicators.items()}
    wanted = {d: sorted(ks) for d, ks in groups.items()}
    if found != wanted:
        raise WeightingError(
            msg=f"{what} weights {found} but the card {card.key!r} has {wanted}",
            field="weighting",
            value=found,
        )


def _ordered(weighting: Weighting, card: Scorecard) -> Weighting:
    """The weighting with its keys in the card's display order."""
    groups = _groups(card)
    return Weighting(
        {d: weighting.dimensions[d] for d in groups},
        {d: {k: weighting.indicators[d][k] for k in ks} for d, ks in groups.items()},
    )


def _choice(strategy: str, key_path: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        raise _config(
            strategy, key_path, f"must be one of {', '.join(choices)}, got {value!r}", value
        )
    return str(value)


def _keyed(strategy: str, key_path: str, value: Any, keys: Sequence[str]) -> Mapping[str, Any]:
    """A mapping whose keys are exactly ``keys``."""
    if not isinstance(value, Mapping):
        raise _config(
            strategy, key_path, f"must be a mapping of {', '.join(keys)}", type(value).__name__
        )
    _same_keys(strategy, key_path, list(value), keys)
    return value


def _ranking(strategy: str, key_path: str, value: Any, keys: Sequence[str]) -> list[str]:
    """A list that holds each of ``keys`` once."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise _config(
            strategy,
            key_path,
            f"must be a list of {', '.join(keys)}, most important first",
            value,
        )
    items = list(value)
    if len(set(map(str, items))) != len(items):
        raise _config(strategy, key_path, f"repeats a key ({items})", items)
    _same_keys(strategy, key_path, items, keys)
    return items


def _same_keys(strategy: str, key_path: str, given: Sequence[Any], keys: Sequence[str]) -> None:
    text, _, _ = key_mismatch(given, keys, "missing", "unknown")
    if text:
        raise _config(strategy, key_path, f"{text} (expected {', '.join(keys)})", list(given))


def _per_dimension(
    strategy: str, value: Any, groups: Mapping[str, Sequence[str]]
) -> Mapping[str, Any]:
    """The ``indicators`` parameter: a mapping from some of the card's dimensions."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _config(
            strategy,
            "indicators",
            "must map dimension keys to their indicators' settings",
            type(value).__name__,
        )
    unknown = [str(d) for d in value if d not in groups]
    if unknown:
        raise _config(
            strategy,
            "indicators",
            f"unknown dimension(s) {', '.join(unknown)} (dimensions: {', '.join(groups)})",
            unknown,
        )
    return value


_DIMENSIONS = both("weights.dimensions")
_KEPT = both("weights.kept")
_NO_NOTE = LocalizedText({"en": "", "zh": ""})


def _in_dim(d: str) -> LocalizedText:
    return both("weights.within", dimension=d)


def _level_line(
    level: LocalizedText, weights: Mapping[str, float], note: LocalizedText = _NO_NOTE
) -> LocalizedText:
    return both("weights.level", level=level, weights=percent_list(weights), note=note)


def _summary(result: Any) -> LocalizedText:
    """``"; "`` and an AHP (or group AHP) result's summary, in every language."""
    return both("weights.summary", summary=each_lang(result.summary))


def _indented(
    prefix: str, lines: Iterable[str], translations: Sequence[str]
) -> list[LocalizedText]:
    return [
        LocalizedText({"en": prefix + en, "zh": prefix + zh}) for en, zh in zip(lines, translations)
    ]


def _lines_for(weighting: Weighting, given: Iterable[str], dims_given: bool) -> list[LocalizedText]:
    given = set(given)
    how = both("weights.given")
    lines = [_level_line(_DIMENSIONS, weighting.dimensions, how if dims_given else _KEPT)]
    for d, inner in weighting.indicators.items():
        lines.append(_level_line(_in_dim(d), inner, how if d in given else _KEPT))
    return lines


def _strategy_named(strategy: str, key_path: str, name: Any, strategies: Any) -> WeightStrategy:
    if strategies is None:
        pool: Iterable[WeightStrategy] = BUILTIN_STRATEGIES
    elif isinstance(strategies, Mapping):
        pool = strategies.values()
    elif isinstance(strategies, Iterable) and not isinstance(strategies, (str, bytes)):
        pool = strategies
    else:
        raise _config(
            strategy, "strategies", "must be a mapping or a list of weight strategies", strategies
        )
    known = {s.name: s for s in pool if isinstance(s, WeightStrategy)}
    if name not in known:
        raise UnknownNameError(
            "name",
            name,
            list(known),
            msg=f"{strategy}: {key_path}: no weight strategy named {name!r} "
            f"(strategies: {', '.join(known)})",
            field=key_path,
        )
    return known[name]


def _weighting_param(
    strategy: str, key_path: str, value: Any, card: Scorecard, strategies: Any
) -> tuple[Weighting, str, WeightResult | None]:
    """Read a weighting parameter; return it with a label and the sub-result if any.

    The value may be a Weighting, a WeightResult, ``Weighting.to_dict()`` output, or
    ``{"strategy": name, "params": {...}}``.
    """
    if isinstance(value, WeightResult):
        weighting, label, sub = value.weighting, value.strategy, value
    elif isinstance(value, Weighting):
        weighting, label, sub = value, "given", None
    elif isinstance(value, Mapping) and "strategy" in value:
        extra = sorted(set(value) - {"strategy", "params"})
        if extra:
            raise _config(
                strategy,
                key_path,
                f"unknown key(s) {', '.join(extra)} (keys: strategy, params)",
                value,
            )
        params = value.get("params", {})
        if not isinstance(params, Mapping):
            raise _config(strategy, f"{key_path}.params", "must be a mapping", params)
        chosen = _strategy_named(strategy, f"{key_path}.strategy", value["strategy"], strategies)
        sub = chosen.compute(card, **params)
        weighting, label = sub.weighting, chosen.name
    elif isinstance(value, Mapping):
        if set(value) != {"dimensions", "indicators"}:
            raise _config(
                strategy,
                key_path,
                "must be a Weighting, a WeightResult, {'dimensions': ..., 'indicators': ...} "
                "(fractions, as Weighting.to_dict gives) or {'strategy': name, 'params': {...}}",
                value,
            )
        try:
            weighting = Weighting(value["dimensions"], value["indicators"])
        except WeightingError as exc:
            raise _within(exc, f"{strategy}: {key_path}") from None
        label, sub = "given", None
    else:
        raise _config(
            strategy, key_path, f"cannot be read as a weighting ({type(value).__name__})", value
        )
    try:
        _check_fits(card, weighting, f"{strategy}: {key_path}")
    except WeightingError as exc:
        raise ConfigError(msg=exc.message, field=key_path, value=exc.value) from None
    return _ordered(weighting, card), label, sub


# -- the strategies ------------------------------------------------------------------------


def _fixed(
    card: Scorecard,
    *,
    dimensions: Mapping[str, float] | None = None,
    indicators: Mapping[str, Mapping[str, float]] | None = None,
    unit: str = "percent",
) -> WeightResult:
    name = "fixed"
    unit = _choice(name, "unit", unit, ("percent", "fraction"))
    groups = _groups(card)
    card_dims, card_inner = _card_levels(card)
    scale = 100 if unit == "percent" else 1

    def kept(value: float) -> float:
        return float(exact(value) * scale)

    dims = (
        dict(_keyed(name, "dimensions", dimensions, list(groups)))
        if dimensions is not None
        else {d: kept(w) for d, w in card_dims.items()}
    )
    given = _per_dimension(name, indicators, groups)
    inner = {
        d: (
            dict(_keyed(name, f"indicators.{d}", given[d], ks))
            if d in given
            else {k: kept(w) for k, w in card_inner[d].items()}
        )
        for d, ks in groups.items()
    }
    weighting = fixed({d: dims[d] for d in groups}, {d: inner[d] for d in groups}, unit=unit)  # type: ignore[arg-type]
    lines = _lines_for(weighting, given, dimensions is not None)
    return WeightResult.of(
        weighting,
        lines,
        name,
        {"unit": unit, "given": {"dimensions": dimensions is not None, "indicators": list(given)}},
    )


def _equal(card: Scorecard, *, mode: str = "levels") -> WeightResult:
    name = "equal"
    mode = _choice(name, "mode", mode, ("levels", "indicators"))
    groups = _groups(card)
    weighting = equal(groups, mode=mode)  # type: ignore[arg-type]
    if mode == "levels":
        lines = [both("weights.equal", level=_DIMENSIONS, share=percent(Fraction(1, len(groups))))]
        lines += [
            both("weights.equal", level=_in_dim(d), share=percent(Fraction(1, len(ks))))
            for d, ks in groups.items()
        ]
    else:
        count = sum(len(ks) for ks in groups.values())
        lines = [
            both("weights.every_indicator", share=percent(Fraction(1, count))),
            _level_line(_DIMENSIONS, weighting.dimensions, both("weights.by_count")),
        ]
    return WeightResult.of(weighting, lines, name, {"mode": mode})


def _rank_param(name: str, key_path: str, value: Any, keys: Sequence[str]) -> Any:
    """A ranking: a list of ``keys`` (most important first), or key → rank with ties."""
    if isinstance(value, Mapping):
        _keyed(name, key_path, value, keys)
        return dict(value)
    return _ranking(name, key_path, value, keys)


def _ranked_text(ranking: Any) -> str:
    if isinstance(ranking, Mapping):
        by_rank: dict[int, list[str]] = {}
        for key, rank in sorted(ranking.items(), key=lambda kv: kv[1]):
            by_rank.setdefault(rank, []).append(key)
        return " > ".join(" = ".join(keys) for keys in by_rank.values())
    return " > ".join(ranking)


def _rank_order(
    card: Scorecard,
    *,
    dimensions: Sequence[str] | Mapping[str, int] | None = None,
    indicators: Mapping[str, Sequence[str] | Mapping[str, int]] | None = None,
    method: str = "roc",
) -> WeightResult:
    name = "rank_order"
    method = _choice(name, "method", method, RANK_METHODS)
    groups = _groups(card)
    card_dims, card_inner = _card_levels(card)
    dims = card_dims
    details: dict[str, Any] = {"dimensions": None, "indicators": {}, "method": method}
    label = _NO_NOTE if method == "roc" else both("weights.paren", text=method)
    lines: list[LocalizedText] = []

    def weights(key_path: str, ranking: Any) -> dict[str, float]:
        try:
            return rank_order(ranking, method=method)
        except WeightingError as exc:
            raise exc.evolve(obj=f"{name}: {key_path}") from None

    if dimensions is not None:
        ranked = _rank_param(name, "dimensions", dimensions, list(groups))
        dims = weights("dimensions", ranked)
        details["dimensions"] = ranked
        lines.append(
            both(
                "weights.ranked",
                level=_DIMENSIONS,
                ranking=_ranked_text(ranked),
                method=label,
                weights=percent_list(dims),
            )
        )
    else:
        lines.append(_level_line(_DIMENSIONS, dims, _KEPT))
    given = _per_dimension(name, indicators, groups)
    inner = {}
    for d, ks in groups.items():
        if d in given:
            ranked = _rank_param(name, f"indicators.{d}", given[d], ks)
            inner[d] = weights(f"indicators.{d}", ranked)
            details["indicators"][d] = ranked
            lines.append(
                both(
                    "weights.ranked",
                    level=_in_dim(d),
                    ranking=_ranked_text(ranked),
                    method=label,
                    weights=percent_list(inner[d]),
                )
            )
        else:
            inner[d] = card_inner[d]
            lines.append(_level_line(_in_dim(d), inner[d], _KEPT))
    return WeightResult.of(Weighting(dims, inner), lines, name, details)


_LEVEL_KEYS = ("judgements", "matrix", "keys")


def _check_level_spec(name: str, where: str, spec: Any, *, empty: bool = True) -> None:
    """Refuse a level that is not ``{judgements}`` or ``{matrix, keys}``, naming the key path.

    An empty mapping is refused as of the wrong shape unless ``empty``.
    """
    if not isinstance(spec, Mapping) or (not empty and not spec):
        raise _config(
            name,
            where,
            "must be {'judgements': {'a/b': value, ...}} or {'matrix': [[...], ...], "
            "'keys': [...]}",
            spec,
        )
    unknown = sorted(set(spec) - set(_LEVEL_KEYS))
    if unknown:
        raise _config(
            name,
            where,
            f"unknown key(s) {', '.join(unknown)} (keys: {', '.join(_LEVEL_KEYS)})",
            spec,
        )
    if ("judgements" in spec) == ("matrix" in spec):
        raise _config(name, where, "give either 'judgements' or 'matrix'", spec)


def _ahp_level(
    name: str,
    key_path: str,
    spec: Any,
    keys: Sequence[str],
    max_cr: Any,
    ri: Any,
    method: str = "eigenvector",
) -> AhpResult:
    _check_level_spec(name, key_path, spec)
    try:
        if "judgements" in spec:
            if "keys" in spec:
                raise _config(name, key_path, "'keys' goes with 'matrix' only", spec)
            judgements = spec["judgements"]
            if not isinstance(judgements, Mapping):
                raise _config(name, f"{key_path}.judgements", "must be a mapping", judgements)
            return ahp(judgements, keys, max_cr=max_cr, ri=ri, method=method)
        order = keys
        if "keys" in spec:
            order = _ranking(name, f"{key_path}.keys", spec["keys"], keys)
        return ahp(spec["matrix"], order, max_cr=max_cr, ri=ri, method=method)
    except ConfigError:
        raise
    except WeightingError as exc:
        raise _within(exc, f"{name}: {key_path}") from None


def _ri_param(name: str, ri: Any) -> Any:
    if isinstance(ri, Mapping):
        table: dict[int, Any] = {}
        for n, value in ri.items():
            try:
                table[int(n)] = value
            except (TypeError, ValueError):
                raise _config(name, "ri", f"matrix size {n!r} is not a whole number", ri) from None
        return table
    return ri


def _ahp_strategy(
    card: Scorecard,
    *,
    dimensions: Mapping[str, Any] | None = None,
    indicators: Mapping[str, Mapping[str, Any]] | None = None,
    max_cr: float | None = 0.10,
    ri: str | Mapping[Any, float] = "saaty1980",
    method: str = "eigenvector",
    stakeholders: Sequence[Mapping[str, Any] | Stakeholder] | None = None,
    aggregation: str = "aij",
) -> WeightResult:
    name = "ahp"
    groups = _groups(card)
    card_dims, card_inner = _card_levels(card)
    ri = _ri_param(name, ri)
    method = _choice(name, "method", method, AHP_METHODS)
    aggregation = _choice(name, "aggregation", aggregation, GROUP_AGGREGATIONS)
    if stakeholders is not None:
        if dimensions is not None or indicators is not None:
            raise _config(
                name,
                "stakeholders",
                "give either 'stakeholders' (each with their own dimensions and indicators) "
                "or 'dimensions' and 'indicators', not both",
                stakeholders,
            )
        return _group_strategy(card, stakeholders, max_cr, ri, method, aggregation)
    details: dict[str, Any] = {
        "method": method,
        "max_cr": max_cr,
        "ri": ri.key
        if isinstance(ri, RandomIndexTable)
        else ri
        if isinstance(ri, str)
        else "custom",
        "dimensions": None,
        "indicators": {},
    }
    lines: list[LocalizedText] = []
    dims = card_dims
    if dimensions is not None:
        result = _ahp_level(name, "dimensions", dimensions, list(groups), max_cr, ri, method)
        dims = {d: result.weights[d] for d in groups}
        details["dimensions"] = result.to_dict()
        lines.append(_level_line(both("weights.by_ahp", level=_DIMENSIONS), dims, _summary(result)))
    else:
        lines.append(_level_line(_DIMENSIONS, dims, _KEPT))
    given = _per_dimension(name, indicators, groups)
    inner = {}
    for d, ks in groups.items():
        if d in given:
            result = _ahp_level(name, f"indicators.{d}", given[d], ks, max_cr, ri, method)
            inner[d] = {k: result.weights[k] for k in ks}
            details["indicators"][d] = result.to_dict()
            lines.append(
                _level_line(both("weights.by_ahp", level=_in_dim(d)), inner[d], _summary(result))
            )
        else:
            inner[d] = card_inner[d]
            lines.append(_level_line(_in_dim(d), inner[d], _KEPT))
    return WeightResult.of(Weighting(dims, inner), lines, name, details)


_STAKEHOLDER_KEYS = ("name", "weight", "role", "dimensions", "indicators")


def _stakeholders_param(name: str, value: Any, groups: Mapping[str, Sequence[str]]) -> list[Any]:
    """The ``stakeholders`` parameter: a list of {name, weight, role, dimensions, indicators}."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence) or not value:
        raise _config(
            name,
            "stakeholders",
            "must be a non-empty list of {name, weight, role, dimensions, indicators}",
            value,
        )
    value = _objects_as_entries(name, value, groups)
    seen: list[str] = []
    for i, person in enumerate(value):
        where = f"stakeholders[{i}]"
        if not isinstance(person, Mapping):
            raise _config(name, where, "must be a mapping", person)
        unknown = sorted(set(person) - set(_STAKEHOLDER_KEYS))
        if unknown:
            raise _config(
                name,
                where,
                f"unknown key(s) {', '.join(map(str, unknown))} "
                f"(keys: {', '.join(_STAKEHOLDER_KEYS)})",
                person,
            )
        who = person.get("name")
        if not isinstance(who, str) or not who.strip():
            raise _config(name, f"{where}.name", "must be a non-empty text", who)
        if who in seen:
            raise _config(name, f"{where}.name", f"repeats the stakeholder {who!r}", who)
        seen.append(who)
        role = person.get("role")
        if role is not None and (not isinstance(role, str) or not role.strip()):
            raise _config(name, f"{where}.role", "must be a non-empty text", role)
        if "dimensions" not in person and not person.get("indicators"):
            raise _config(
                name, where, f"{who!r} gives no judgements ('dimensions' or 'indicators')", person
            )
        _per_dimension(name, person.get("indicators"), groups)
    return list(value)


def _objects_as_entries(
    name: str, value: Sequence[Any], groups: Mapping[str, Sequence[str]]
) -> list[Any]:
    """The list with each :class:`Stakeholder` object turned into the mapping form.

    A Stakeholder object gives one level: the card's dimensions, or the indicators of one
    dimension, whichever its keys are. Objects of one name are one person's levels.
    """
    result: list[Any] = []
    people: dict[str, dict[str, Any]] = {}
    for i, person in enumerate(value):
        if not isinstance(person, Stakeholder):
            result.append(person)
            continue
        where = f"stakeholders[{i}]"
        pairs = person.pairs()
        compared = set(person.keys or ()) | {k for pair in pairs for k in _pair(pair)}
        levels = [("dimensions", "")] if compared == set(groups) else []
        levels += [("indicators", d) for d, ks in groups.items() if compared == set(ks)]
        if len(levels) != 1:
            raise _config(
                name,
                where,
                f"{person.name!r} compares {', '.join(sorted(compared))}: a Stakeholder must "
                "compare the card's dimensions or the indicators of one dimension"
                + (" (these keys are both)" if levels else ""),
                sorted(compared),
            )
        if person.judgements is not None:
            spec: dict[str, Any] = {"judgements": dict(person.judgements)}
        else:
            spec = {"matrix": [list(row) for row in person.matrix or ()], "keys": person.keys}
        entry = people.get(person.name)
        if entry is None:
            entry = {"name": person.name, "weight": person.weight}
            if person.role is not None:
                entry["role"] = person.role
            people[person.name] = entry
            result.append(entry)
        elif entry["weight"] != person.weight or entry.get("role") != person.role:
            raise _config(
                name,
                where,
                f"{person.name!r} is given again with another weight or role",
                person.name,
            )
        level, dimension = levels[0]
        taken = (
            "dimensions" in entry
            if level == "dimensions"
            else dimension in entry.get("indicators", {})
        )
        if taken:
            what = "the dimensions" if level == "dimensions" else f"within {dimension}"
            raise _config(name, where, f"{person.name!r} judges {what} twice", person.name)
        if level == "dimensions":
            entry["dimensions"] = spec
        else:
            entry.setdefault("indicators", {})[dimension] = spec
    return result


def _group_level(
    name: str,
    key_path: str,
    people: Mapping[str, Mapping[str, Any]],
    keys: Sequence[str],
    options: Mapping[str, Any],
) -> GroupAhpResult:
    """One level's group AHP: each person's ``{judgements}`` or ``{matrix, keys}`` there."""
    given = []
    try:
        for who, person in people.items():
            where = f"stakeholder {who!r}: {key_path}"
            spec = person["spec"]
            _check_level_spec(name, where, spec, empty=False)
            common = {"role": person.get("role")}
            if "judgements" in spec:
                if "keys" in spec:
                    raise _config(name, where, "'keys' goes with 'matrix' only", spec)
                if not isinstance(spec["judgements"], Mapping):
                    raise _config(
                        name, f"{where}.judgements", "must be a mapping", spec["judgements"]
                    )
                given.append(
                    Stakeholder(who, person["weight"], judgements=spec["judgements"], **common)
                )
            else:
                order = keys
                if "keys" in spec:
                    order = _ranking(name, f"{where}.keys", spec["keys"], keys)
                given.append(
                    Stakeholder(who, person["weight"], matrix=spec["matrix"], keys=order, **common)
                )
        return group_ahp(given, keys, **options)
    except ConfigError:
        raise
    except WeightingError as exc:
        raise _within(exc, f"{name}: {key_path}") from None


def _group_strategy(
    card: Scorecard, stakeholders: Any, max_cr: Any, ri: Any, method: str, aggregation: str
) -> WeightResult:
    name = "ahp"
    groups = _groups(card)
    card_dims, card_inner = _card_levels(card)
    people = _stakeholders_param(name, stakeholders, groups)
    options = {"aggregation": aggregation, "method": method, "max_cr": max_cr, "ri": ri}
    details: dict[str, Any] = {
        "method": method,
        "max_cr": max_cr,
        "ri": ri.key
        if isinstance(ri, RandomIndexTable)
        else ri
        if isinstance(ri, str)
        else "custom",
        "aggregation": aggregation,
        "stakeholders": [
            {"name": p["name"], "weight": p.get("weight", 1)}
            | ({"role": p["role"]} if p.get("role") is not None else {})
            for p in people
        ],
        "dimensions": None,
        "indicators": {},
    }
    how = "AIJ" if aggregation == "aij" else "AIP"
    lines = [both("weights.group", how=how, names=", ".join(p["name"] for p in people))]

    def level(label: LocalizedText, result: GroupAhpResult, weights: Mapping[str, float]) -> None:
        lines.append(
            _level_line(both("weights.by_group_ahp", level=label), weights, _summary(result))
        )
        lines.extend(_indented("  ", result.stakeholder_lines(), result.stakeholder_lines("zh")))

    dims = card_dims

    def at(person: Mapping[str, Any], spec: Any) -> dict[str, Any]:
        return {"weight": person.get("weight", 1), "role": person.get("role"), "spec": spec}

    at_top = {p["name"]: at(p, p["dimensions"]) for p in people if "dimensions" in p}
    if at_top:
        result = _group_level(name, "dimensions", at_top, list(groups), options)
        dims = {d: result.weights[d] for d in groups}
        details["dimensions"] = result.to_dict()
        level(_DIMENSIONS, result, dims)
    else:
        lines.append(_level_line(_DIMENSIONS, dims, _KEPT))
    inner = {}
    for d, ks in groups.items():
        within = {
            p["name"]: at(p, p["indicators"][d]) for p in people if d in (p.get("indicators") or {})
        }
        if within:
            result = _group_level(name, f"indicators.{d}", within, ks, options)
            inner[d] = {k: result.weights[k] for k in ks}
            details["indicators"][d] = result.to_dict()
            level(_in_dim(d), result, inner[d])
        else:
            inner[d] = card_inner[d]
            lines.append(_level_line(_in_dim(d), inner[d], _KEPT))
    return WeightResult.of(Weighting(dims, inner), lines, name, details)


def _data_param(name: str, data: Any, card: Scorecard) -> dict[str, Any]:
    if hasattr(data, "columns") and hasattr(data, "to_numpy") and not isinstance(data, Mapping):
        data = {str(c): data[c].to_numpy() for c in data.columns}
    keys = [i.key for i in card.indicators]
    return dict(_keyed(name, "data", data, keys))


def _objective(
    card: Scorecard,
    name: str,
    data: Any,
    scope: str,
    method: Callable[[Mapping[str, Any], Mapping[str, Any]], Any],
    describe: Callable[[Any, str], LocalizedText],
    header: LocalizedText,
) -> WeightResult:
    scope = _choice(name, "scope", scope, ("card", "within"))
    columns = _data_param(name, data, card)
    groups = _groups(card)
    directions = {i.key: i.direction for i in card.indicators}
    card_dims, _ = _card_levels(card)
    lines: list[LocalizedText] = []
    if scope == "card":
        result = method(columns, directions)  # its errors already name the method
        effective = {k: exact(result.weights[k]) for ks in groups.values() for k in ks}
        _, fallback = exact_levels(card.weighting)
        weighting = _ordered(rebuild(effective, groups, fallback), card)
        lines.append(both("weights.objective.card", header=header, subjects=result.subjects))
        for d, ks in groups.items():
            parts = joined("weights.sep", (describe(result, k) for k in ks))
            lines.append(
                both(
                    "weights.dimension_share",
                    dimension=d,
                    share=percent(weighting.dimensions[d]),
                    parts=parts,
                )
            )
        results: dict[str, Any] = {"card": result.to_dict()}
    else:
        inner: dict[str, dict[str, float]] = {}
        results = {}
        lines.append(both("weights.objective.within", header=header))
        for d, ks in groups.items():
            if len(ks) == 1:
                inner[d] = {ks[0]: 1.0}
                lines.append(both("weights.only_indicator", level=_in_dim(d), key=ks[0]))
                continue
            try:
                result = method({k: columns[k] for k in ks}, {k: directions[k] for k in ks})
            except CsperfError as exc:
                raise exc.evolve(obj=f"{name} within {d}") from None
            inner[d] = {k: result.weights[k] for k in ks}
            results[d] = result.to_dict()
            parts = joined("weights.sep", (describe(result, k) for k in ks))
            lines.append(both("weights.level", level=_in_dim(d), weights=parts, note=_NO_NOTE))
        weighting = Weighting(card_dims, inner)
    return WeightResult.of(weighting, lines, name, {"scope": scope, "results": results})


def _entropy_strategy(
    card: Scorecard, *, data: Any, scope: str = "card", normalization: str = "minmax"
) -> WeightResult:
    normalization = _choice("entropy", "normalization", normalization, ("minmax", "share"))
    label = both("weights.entropy.minmax" if normalization == "minmax" else "weights.entropy.share")

    def describe(result: Any, key: str) -> LocalizedText:
        return both(
            "weights.entropy.indicator",
            key=key,
            share=percent(result.weights[key]),
            entropy=f"{result.entropy[key]:.4f}",
        )

    result = _objective(
        card,
        "entropy",
        data,
        scope,
        lambda d, r: entropy(d, r, normalization=normalization),  # type: ignore[arg-type]
        describe,
        both("weights.entropy", normalization=label),
    )
    return attrs.evolve(result, details={**result.details, "normalization": normalization})


def _critic_strategy(card: Scorecard, *, data: Any, scope: str = "card") -> WeightResult:
    def describe(result: Any, key: str) -> LocalizedText:
        return both(
            "weights.critic.indicator",
            key=key,
            share=percent(result.weights[key]),
            std=f"{result.std[key]:.4f}",
            information=f"{result.information[key]:.4f}",
        )

    return _objective(card, "critic", data, scope, critic, describe, both("weights.critic"))


def _combine_strategy(
    card: Scorecard, *, parts: Sequence[Mapping[str, Any]], strategies: Any = None
) -> WeightResult:
    name = "combine"
    if isinstance(parts, (str, bytes, Mapping)) or not isinstance(parts, Sequence) or not parts:
        raise _config(name, "parts", "must be a non-empty list of parts", parts)
    weightings = []
    coefficients = []
    labels = []
    subs: list[WeightResult | None] = []
    for i, part in enumerate(parts):
        where = f"parts[{i}]"
        if not isinstance(part, Mapping):
            raise _config(name, where, "must be a mapping", part)
        unknown = sorted(set(part) - {"coefficient", "weighting", "strategy", "params"})
        if unknown:
            raise _config(
                name,
                where,
                f"unknown key(s) {', '.join(unknown)} (keys: coefficient, weighting, strategy, "
                "params)",
                part,
            )
        if "coefficient" not in part:
            raise _config(name, where, "needs a 'coefficient'", part)
        if ("weighting" in part) == ("strategy" in part):
            raise _config(
                name, where, "give either 'weighting' or 'strategy' (with 'params')", part
            )
        if "weighting" in part:
            if "params" in part:
                raise _config(name, where, "'params' goes with 'strategy' only", part)
            weighting, label, sub = _weighting_param(
                name, f"{where}.weighting", part["weighting"], card, strategies
            )
        else:
            spec = {"strategy": part["strategy"], "params": part.get("params", {})}
            weighting, label, sub = _weighting_param(name, where, spec, card, strategies)
        weightings.append(weighting)
        coefficients.append(part["coefficient"])
        labels.append(label)
        subs.append(sub)
    try:
        combined = combine(weightings, coefficients)
    except WeightingError as exc:
        raise _within(exc, name) from None
    weighting = _ordered(combined, card)
    total = sum((exact(c) for c in coefficients), Fraction(0))
    shares = [float(exact(c) / total) for c in coefficients]
    lines = [
        both(
            "weights.combined",
            parts=" + ".join(f"{percent(s)} {label}" for s, label in zip(shares, labels)),
        )
    ]
    for label, sub in zip(labels, subs):
        if sub is not None:
            lines.extend(_indented(f"  {label}: ", sub.lines, sub.text("zh")))
    lines.append(_level_line(_DIMENSIONS, weighting.dimensions))
    lines.extend(_level_line(_in_dim(d), ws) for d, ws in weighting.indicators.items())
    details = {
        "coefficients": shares,
        "parts": [
            {"strategy": label, "details": None if sub is None else sub.details}
            for label, sub in zip(labels, subs)
        ],
    }
    return WeightResult.of(weighting, lines, name, details)


def _swot_strategy(
    card: Scorecard,
    *,
    factors: Sequence[Any],
    policy: Any = None,
    base: Any = None,
    strategies: Any = None,
    as_of: Any = None,
) -> WeightResult:
    name = "swot"
    if isinstance(factors, (str, bytes, Mapping)) or not isinstance(factors, Sequence):
        raise _config(name, "factors", "must be a list of factors", factors)
    items = []
    for i, item in enumerate(factors):
        try:
            items.append(item if isinstance(item, SwotFactor) else SwotFactor.from_dict(item))
        except ValidationError as exc:
            raise _config(name, f"factors[{i}]", exc.message, item) from None
    if policy is None:
        chosen = SwotPolicy.default()
    elif isinstance(policy, SwotPolicy):
        chosen = policy
    elif isinstance(policy, Mapping):
        try:
            chosen = SwotPolicy.default().updated(SwotPolicy.from_percentages(policy))
        except ValidationError as exc:
            raise _config(name, "policy", exc.message, policy) from None
    else:
        raise _config(name, "policy", "must map target keys to [lo, hi] in percent", policy)
    lines: list[LocalizedText] = []
    sub = None
    if base is None:
        weighting = card.weighting
    else:
        weighting, label, sub = _weighting_param(name, "base", base, card, strategies)
        if sub is not None:
            lines.extend(
                both("weights.base", strategy=label, line=LocalizedText({"en": en, "zh": zh}))
                for en, zh in zip(sub.lines, sub.text("zh"))
            )
        else:
            lines.append(
                _level_line(
                    both("weights.base_dimensions"), weighting.dimensions, both("weights.given")
                )
            )
    try:
        day = as_of_date(as_of)
    except ValidationError as exc:
        raise _config(name, "as_of", exc.message, as_of) from None
    result = swot(weighting, items, chosen, as_of=day)
    if result.lines:
        zh = swot(weighting, items, chosen, lang="zh", as_of=day).lines
        lines.extend(LocalizedText({"en": en, "zh": t}) for en, t in zip(result.lines, zh))
    else:
        lines.append(both("swot.none"))
    details = {
        "expires": None if result.expires is None else result.expires.isoformat(),
        "as_of": day.isoformat(),
        "expired": [f.to_dict() for f in result.expired],
        "scale": result.scale,
        "changes": [c.to_dict() for c in result.changes],
        "policy": chosen.as_percentages(),
        "base": None if sub is None else {"strategy": sub.strategy, "details": sub.details},
    }
    return WeightResult.of(_ordered(result.weighting, card), lines, name, details)


BUILTIN_STRATEGIES: tuple[WeightStrategy, ...] = (
    WeightStrategy("fixed", "Weights set by hand, in percent or fractions.", _fixed),
    WeightStrategy("equal", "Equal weights per level, or per indicator.", _equal),
    WeightStrategy(
        "rank_order", "Rank-order centroid weights from a ranking of each level.", _rank_order
    ),
    WeightStrategy(
        "ahp",
        "Analytic hierarchy process: eigenvector or geometric-mean weights from pairwise "
        "judgements per level, of one person or a group of stakeholders.",
        _ahp_strategy,
    ),
    WeightStrategy(
        "entropy",
        "Entropy weight method: objective weights from a population's indicator values.",
        _entropy_strategy,
    ),
    WeightStrategy(
        "critic",
        "CRITIC: objective weights from the spread and conflict of indicator values.",
        _critic_strategy,
    ),
    WeightStrategy(
        "combine",
        "Linear combination of weightings, e.g. 0.6 AHP + 0.4 entropy.",
        _combine_strategy,
    ),
    WeightStrategy(
        "swot",
        "SWOT adjuster: move weights within set ranges for strengths, weaknesses, "
        "opportunities and threats.",
        _swot_strategy,
    ),
)
"""The built-in weight strategies, in the order the plugin layer registers them."""
