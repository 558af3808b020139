"""Weight strategies: fixed, equal, rank-order, AHP, entropy, CRITIC, combinations and SWOT.

Each method is a plain function here (``ahp(...)``, ``entropy(...)``, ``swot(...)``...) and a
built-in :class:`WeightStrategy` of the same name, which plugins, config files and the CLI
use by name: ``strategy.compute(card, **params)`` returns a :class:`WeightResult`, the new
:class:`~csperf.Weighting` with a readable report of how it was reached.
"""

from __future__ import annotations

from csperf.weights._ahp import (
    AHP_METHODS,
    AHP_TOLERANCE,
    RANDOM_INDEX,
    AhpResult,
    RandomIndexTable,
    ahp,
)
from csperf.weights._basic import equal, fixed, rank_order
from csperf.weights._combine import combine
from csperf.weights._group import GROUP_AGGREGATIONS, GroupAhpResult, Stakeholder, group_ahp
from csperf.weights._objective import CriticResult, EntropyResult, critic, entropy
from csperf.weights._result import WeightResult, largest_remainder, rounded_weighting
from csperf.weights._strategy import WeightStrategy
from csperf.weights._swot import (
    SwotChange,
    SwotFactor,
    SwotKind,
    SwotPolicy,
    SwotResult,
    swot,
)

__all__ = [
    "AHP_METHODS",
    "AHP_TOLERANCE",
    "GROUP_AGGREGATIONS",
    "RANDOM_INDEX",
    "AhpResult",
    "CriticResult",
    "EntropyResult",
    "GroupAhpResult",
    "RandomIndexTable",
    "Stakeholder",
    "SwotChange",
    "SwotFactor",
    "SwotKind",
    "SwotPolicy",
    "SwotResult",
    "WeightResult",
    "WeightStrategy",
    "ahp",
    "combine",
    "critic",
    "entropy",
    "equal",
    "fixed",
    "group_ahp",
    "largest_remainder",
    "rank_order",
    "rounded_weighting",
    "swot",
]
