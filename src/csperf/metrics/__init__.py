"""The customer-service metric catalog: pure functions from records to metric values.

Every catalog function takes records (record instances, mappings, dataclass or attrs
instances, a pandas DataFrame or a pyarrow Table) and keyword options, and returns a
:class:`MetricValue`::

    csperf.metrics.csat(answers, period=(start, end), min_sample=30)

:func:`measure` computes many metrics for every agent, team or manager of a :class:`Roster`
from the pooled records of its members. The definitions are in the docs
(:doc:`/explanation/metrics`).
"""

from __future__ import annotations

from csperf.metrics._calls import ABANDON_POLICIES, abandonment_rate, aht, service_level
from csperf.metrics._catalog import COMMON_PARAMETERS, MetricSpec
from csperf.metrics._people import (
    collaboration_rating,
    information_sharing_rate,
    product_knowledge,
    script_compliance,
)
from csperf.metrics._rollup import RollUp, measure
from csperf.metrics._roster import LEVELS, Roster
from csperf.metrics._service import complaint_rate, csat, nps
from csperf.metrics._speed import fcr, first_response_time, resolution_time
from csperf.metrics._validate import coerce_record, validate_records
from csperf.metrics._values import (
    FLAGS,
    MetricValue,
    RecordIssue,
    RejectedRecords,
    RejectReport,
)
from csperf.metrics.records import (
    RECORD_KINDS,
    KnowledgeTest,
    PeerRating,
    QaReview,
    RecordKind,
    RosterEntry,
    SharingItem,
    SurveyAnswer,
    Ticket,
)

__all__ = [
    "ABANDON_POLICIES",
    "COMMON_PARAMETERS",
    "FLAGS",
    "LEVELS",
    "RECORD_KINDS",
    "KnowledgeTest",
    "MetricSpec",
    "MetricValue",
    "PeerRating",
    "QaReview",
    "RecordIssue",
    "RecordKind",
    "RejectReport",
    "RejectedRecords",
    "RollUp",
    "Roster",
    "RosterEntry",
    "SharingItem",
    "SurveyAnswer",
    "Ticket",
    "abandonment_rate",
    "aht",
    "coerce_record",
    "collaboration_rating",
    "complaint_rate",
    "csat",
    "fcr",
    "first_response_time",
    "information_sharing_rate",
    "measure",
    "nps",
    "product_knowledge",
    "resolution_time",
    "script_compliance",
    "service_level",
    "validate_records",
]
