"""The customer-service manager scorecard (客服主管绩效考核表).

Four dimensions weighted 40/30/20/10 from the team's goals, two indicators each. Every
indicator's points are laid so that its standards line up with the default grade scale: a raw
value that is *excellent* by the indicator's standards scores 90-100 points, *good* 80-90,
*pass* 60-80 and *fail* below 60. The reasoning behind each number is in the docs
(:doc:`/explanation/manager-template`).
"""

from __future__ import annotations

from csperf.adjustments import Adjustment, Veto
from csperf.dimensions import Dimension
from csperf.grading import GradeBand, GradeScale
from csperf.indicators import Indicator
from csperf.ratings import RatingScale, RatingSources, SourceRule
from csperf.rules import Piecewise
from csperf.scorecard import Scorecard
from csperf.units import FRACTION, NON_NEGATIVE, POINTS, Direction, ValueDomain
from csperf.weighting import Weighting

__all__ = ["COMMENDATIONS", "SERIOUS_COMPLAINT", "customer_service_manager"]

_GRADES = {
    "excellent": {"zh": "优秀", "en": "excellent"},
    "good": {"zh": "良好", "en": "good"},
    "pass": {"zh": "合格", "en": "pass"},
    "fail": {"zh": "不合格", "en": "fail"},
}


def _higher(excellent: float, good: float, passing: float, low: float, high: float) -> GradeScale:
    """Standards where more is better: ``[excellent, high]``, ``[good, excellent)``..."""
    return GradeScale(
        (
            GradeBand("excellent", _GRADES["excellent"], excellent, high),
            GradeBand("good", _GRADES["good"], good, excellent),
            GradeBand("pass", _GRADES["pass"], passing, good),
            GradeBand("fail", _GRADES["fail"], low, passing),
        )
    )


def _lower(excellent: float, good: float, passing: float, high: float) -> GradeScale:
    """Standards where less is better: ``[0, excellent]``, ``(excellent, good]``..."""
    return GradeScale(
        (
            GradeBand("excellent", _GRADES["excellent"], 0, excellent),
            GradeBand("good", _GRADES["good"], excellent, good),
            GradeBand("pass", _GRADES["pass"], good, passing),
            GradeBand("fail", _GRADES["fail"], passing, high),
        ),
        closed="right",
    )


SERIOUS_COMPLAINT = Veto(
    "serious_complaint",
    {"zh": "重大有效投诉", "en": "Verified serious complaint"},
    metric="serious_complaints",
    effect="cap_grade",
    operator=">=",
    threshold=1,
    grade="pass",
    reason={
        "zh": "考核期内有经核实的重大投诉，不得评为优秀或良好（一票否决）",
        "en": "a verified serious complaint in the period rules out excellent and good",
    },
)
"""The template's optional veto item: a verified serious complaint caps the grade at *pass*."""

COMMENDATIONS = Adjustment(
    "commendations",
    {"zh": "客户表扬", "en": "Customer commendations"},
    "bonus",
    1,
    cap=5,
    reason={
        "zh": "每条经核实的客户书面表扬加 1 分，最多加 5 分",
        "en": "+1 per verified written customer commendation, at most +5",
    },
)
"""The template's optional bonus item: +1 per verified commendation, at most +5."""


def customer_service_manager(
    *, serious_complaint_veto: bool = False, commendation_bonus: bool = False
) -> Scorecard:
    """The customer-service manager scorecard.

    ================= ====== ===================================================== =====
    dimension         weight indicator (unit, direction)                           within
    ================= ====== ===================================================== =====
    service_quality   40 %   customer_satisfaction (fraction 0-1, higher)          60 %
    service_quality   40 %   complaint_rate (fraction, lower)                      40 %
    efficiency        30 %   first_response_time (seconds, lower)                  40 %
    efficiency        30 %   resolution_time (seconds, lower)                      60 %
    capability        20 %   product_knowledge (score 0-100, higher)               50 %
    capability        20 %   script_compliance (fraction, higher)                  50 %
    teamwork          10 %   collaboration_rating (peer-rated 1-5, higher)         50 %
    teamwork          10 %   information_sharing_rate (fraction, higher)           50 %
    ================= ====== ===================================================== =====

    Two form items are optional and off by default, so that the card's totals stay those of
    the eight indicators (the reasoning is in :doc:`/explanation/manager-template`):

    - ``serious_complaint_veto``: the veto item ``serious_complaint`` (一票否决): with
      ``serious_complaints >= 1`` (verified serious complaints in the period) the grade is at
      most *pass* (合格);
    - ``commendation_bonus``: the bonus item ``commendations`` (加分项): +1 point per verified
      written customer commendation, at most +5; the total stays within 100.

    Args:
        serious_complaint_veto: Add the veto item (it reads the measurement
            ``serious_complaints``).
        commendation_bonus: Add the bonus item (it reads the measurement ``commendations``).

    Returns:
        A new :class:`~csperf.Scorecard` with key ``customer_service_manager``.

    Examples:
        >>> card = customer_service_manager()
        >>> card.weighting.effective()["customer_satisfaction"]
        0.24
        >>> full = customer_service_manager(serious_complaint_veto=True, commendation_bonus=True)
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9, "serious_complaints": 0, "commendations": 3}
        >>> result = full.evaluate(row)
        >>> result.weighted_total, result.total, result.grade.key
        (89.6, 92.6, 'excellent')
        >>> full.evaluate({**row, "serious_complaints": 1}).grade.key
        'pass'
    """
    dimensions = (
        Dimension(
            "service_quality",
            {"zh": "服务质量", "en": "Service quality"},
            {"zh": "客户满意度与投诉", "en": "How customers judge the service"},
        ),
        Dimension(
            "efficiency",
            {"zh": "工作效率", "en": "Efficiency"},
            {"zh": "响应与解决速度", "en": "How fast customers are answered and helped"},
        ),
        Dimension(
            "capability",
            {"zh": "业务能力", "en": "Capability"},
            {"zh": "产品知识与话术规范", "en": "Product knowledge and script compliance"},
        ),
        Dimension(
            "teamwork",
            {"zh": "团队协作", "en": "Teamwork"},
            {"zh": "内部协作与信息共享", "en": "Collaboration and information sharing"},
        ),
    )
    higher = Direction.HIGHER_IS_BETTER
    lower = Direction.LOWER_IS_BETTER
    indicators = (
        Indicator(
            "customer_satisfaction",
            {"zh": "客户满意度", "en": "Customer satisfaction"},
            "service_quality",
            higher,
            Piecewise([(0.5, 0), (0.7, 60), (0.8, 80), (0.9, 90), (0.95, 100)]),
            unit="fraction",
            standards=_higher(0.9, 0.8, 0.7, 0.0, 1.0),
            domain=FRACTION,
            description={
                "zh": "满意评价（5 分制中 4-5 分）占全部调查回答的比例",
                "en": "Share of survey answers that are satisfied (4 or 5 on a 1-5 scale)",
            },
        ),
        Indicator(
            "complaint_rate",
            {"zh": "投诉率", "en": "Complaint rate"},
            "service_quality",
            lower,
            Piecewise([(0.0, 100), (0.005, 90), (0.01, 80), (0.02, 60), (0.04, 0)]),
            unit="fraction",
            standards=_lower(0.005, 0.01, 0.02, 1.0),
            domain=FRACTION,
            description={
                "zh": "投诉数 / 处理的联系量",
                "en": "Complaints divided by contacts handled",
            },
        ),
        Indicator(
            "first_response_time",
            {"zh": "平均首次响应时间", "en": "Average first-response time"},
            "efficiency",
            lower,
            Piecewise([(30, 100), (60, 90), (120, 80), (300, 60), (600, 0)]),
            unit="s",
            standards=_lower(60, 120, 300, float("inf")),
            domain=NON_NEGATIVE,
            description={
                "zh": "从客户发起联系到首次人工回复的平均秒数",
                "en": "Mean seconds from a customer's contact to the first human reply",
            },
        ),
        Indicator(
            "resolution_time",
            {"zh": "平均解决时间", "en": "Average resolution time"},
            "efficiency",
            lower,
            Piecewise([(3600, 100), (14400, 90), (28800, 80), (86400, 60), (172800, 0)]),
            unit="s",
            standards=_lower(14400, 28800, 86400, float("inf")),
            domain=NON_NEGATIVE,
            description={
                "zh": "从联系创建到问题解决的平均秒数",
                "en": "Mean seconds from a contact's creation to its resolution",
            },
        ),
        Indicator(
            "product_knowledge",
            {"zh": "产品知识考核成绩", "en": "Product-knowledge test score"},
            "capability",
            higher,
            Piecewise([(0, 0), (100, 100)]),
            unit="points",
            standards=_higher(90, 80, 60, 0, 100),
            domain=POINTS,
            description={
                "zh": "产品知识测试的平均分（0-100）",
                "en": "Mean score of product-knowledge tests (0-100)",
            },
        ),
        Indicator(
            "script_compliance",
            {"zh": "话术规范遵守率", "en": "Script compliance"},
            "capability",
            higher,
            Piecewise([(0.6, 0), (0.8, 60), (0.9, 80), (0.95, 90), (1.0, 100)]),
            unit="fraction",
            standards=_higher(0.95, 0.9, 0.8, 0.0, 1.0),
            domain=FRACTION,
            description={
                "zh": "质检通过项 / 适用质检项",
                "en": "QA checks passed divided by QA checks applicable",
            },
        ),
        Indicator(
            "collaboration_rating",
            {"zh": "内部协作评分", "en": "Internal collaboration rating"},
            "teamwork",
            higher,
            Piecewise([(1, 0), (3, 60), (4, 80), (4.5, 90), (5, 100)]),
            unit="rating 1-5",
            standards=_higher(4.5, 4.0, 3.0, 1.0, 5.0),
            domain=ValueDomain(1, 5),
            description={
                "zh": "同事互评的平均分（1-5 分，不含自评）",
                "en": "Mean peer rating on a 1-5 scale, self-ratings excluded",
            },
            # Rated by peers only, at least 3 of them (the anonymity floor of 360-degree
            # practice); fractions allowed, as in the catalog's peer-rating records.
            scale=RatingScale(1, 5, whole=False),
            raters=RatingSources([SourceRule("peer", 100, min_raters=3)], k=3),
        ),
        Indicator(
            "information_sharing_rate",
            {"zh": "信息共享及时率", "en": "Information-sharing timeliness"},
            "teamwork",
            higher,
            Piecewise([(0.6, 0), (0.8, 60), (0.9, 80), (0.95, 90), (1.0, 100)]),
            unit="fraction",
            standards=_higher(0.95, 0.9, 0.8, 0.0, 1.0),
            domain=FRACTION,
            description={
                "zh": "按时共享的信息条目 / 应共享的条目",
                "en": "Items shared by their due time divided by items due",
            },
        ),
    )
    weighting = Weighting.from_percentages(
        {"service_quality": 40, "efficiency": 30, "capability": 20, "teamwork": 10},
        {
            "service_quality": {"customer_satisfaction": 60, "complaint_rate": 40},
            "efficiency": {"first_response_time": 40, "resolution_time": 60},
            "capability": {"product_knowledge": 50, "script_compliance": 50},
            "teamwork": {"collaboration_rating": 50, "information_sharing_rate": 50},
        },
    )
    return Scorecard(
        key="customer_service_manager",
        title={"zh": "客服主管绩效考核表", "en": "Customer-service manager scorecard"},
        dimensions=dimensions,
        indicators=indicators,
        weighting=weighting,
        vetoes=(SERIOUS_COMPLAINT,) if serious_complaint_veto else (),
        adjustments=(COMMENDATIONS,) if commendation_bonus else (),
    )
