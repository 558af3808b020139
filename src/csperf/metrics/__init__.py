"""The customer-service metric catalog: pure functions from records to metric values.

Every catalog function is named after its catalog key (the measurement name indicators
read). It takes records (record instances, mappings, dataclass or attrs instances, a pandas
DataFrame or a pyarrow Table) and keyword options, and returns a :class:`MetricValue`::

    csperf.metrics.customer_satisfaction(answers, period=(start, end), min_sample=30)

:func:`measure` computes many metrics for every agent, team or manager of a :class:`Roster`
from the pooled records of its members. The definitions are in the docs
(:doc:`/explanation/metrics`).

The records are ``@attrs.frozen`` value objects checked at construction: a ticket whose first
response comes before its creation, a negative duration or a rating off the scale cannot
exist. Timestamps are timezone-aware :class:`~datetime.datetime` objects. Plain rows with the
same field names are accepted too; :func:`validate_records` turns them into records and
reports the rows it rejects.
"""

from __future__ import annotations

from csperf.metrics._calls import abandonment_rate, aht, service_level
from csperf.metrics._catalog import MetricSpec
from csperf.metrics._ibis import count_if, per_subject, ratio, sql
from csperf.metrics._people import (
    collaboration_rating,
    critical_failures,
    information_sharing_rate,
    product_knowledge,
    script_compliance,
)
from csperf.metrics._records import (
    KnowledgeTest,
    PeerRating,
    QaReview,
    RosterEntry,
    SharingItem,
    SurveyAnswer,
    Ticket,
)
from csperf.metrics._rollup import RollUp, measure
from csperf.metrics._roster import Roster
from csperf.metrics._service import complaint_rate, customer_satisfaction, nps
from csperf.metrics._speed import fcr, first_response_time, resolution_time
from csperf.metrics._validate import validate_records
from csperf.metrics._values import (
    FLAGS,
    MetricValue,
    RecordIssue,
    RejectedRecords,
    RejectReport,
)

__all__ = [
    "FLAGS",
    "KnowledgeTest",
    "MetricSpec",
    "MetricValue",
    "PeerRating",
    "QaReview",
    "RecordIssue",
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
    "collaboration_rating",
    "complaint_rate",
    "count_if",
    "critical_failures",
    "customer_satisfaction",
    "fcr",
    "first_response_time",
    "information_sharing_rate",
    "measure",
    "nps",
    "per_subject",
    "product_knowledge",
    "ratio",
    "resolution_time",
    "script_compliance",
    "service_level",
    "sql",
    "validate_records",
]
