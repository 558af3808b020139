"""Running an appraisal: a scorecard plus the plugins that observe its results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from csperf.hooks.manager import PluginManager, get_plugin_manager

if TYPE_CHECKING:
    from csperf.results import BatchResult, ScorecardResult
    from csperf.scorecard import Scorecard

__all__ = ["Appraisal"]


@attrs.define
class Appraisal:
    """Evaluates a scorecard and tells the plugins about every result.

    :meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>` stays a pure function; an
    ``Appraisal`` holds one plugin manager and calls the observer hooks
    ``csperf_result_evaluated`` and ``csperf_batch_evaluated`` after each evaluation.

    Attributes:
        scorecard: The scorecard to evaluate.
        pm: The :class:`~csperf.PluginManager` (a fresh one from
            :func:`csperf.get_plugin_manager` by default).

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> appraisal = Appraisal(customer_service_manager())
        >>> appraisal.scorecard.key
        'customer_service_manager'
    """

    scorecard: Scorecard
    pm: PluginManager = attrs.field(factory=get_plugin_manager)

    def evaluate(
        self,
        measurements: Any,
        subject: str | None = None,
        *,
        extra: str = "ignore",
        nan: str = "error",
    ) -> ScorecardResult:
        """Evaluate one subject and notify ``csperf_result_evaluated``.

        The arguments are those of :meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>`.

        Raises:
            PluginError: When an observer raises.
        """
        result = self.scorecard.evaluate(measurements, subject, extra=extra, nan=nan)
        self.pm.result_evaluated(result)
        return result

    def evaluate_many(
        self,
        table: Any,
        *,
        subject: str | None = None,
        extra: str = "error",
        nan: str = "error",
    ) -> BatchResult:
        """Evaluate a population and notify ``csperf_batch_evaluated``.

        The arguments are those of
        :meth:`Scorecard.evaluate_many <csperf.Scorecard.evaluate_many>`.

        Raises:
            PluginError: When an observer raises.
        """
        batch = self.scorecard.evaluate_many(table, subject=subject, extra=extra, nan=nan)
        self.pm.batch_evaluated(batch)
        return batch
