"""The customer-service manager scorecard (客服主管绩效考核表).

Four dimensions weighted 40/30/20/10 from the team's goals, two indicators each. Every
indicator's points are laid so that its standards line up with the default grade scale: a raw
value that is *excellent* by the indicator's standards scores 90-100 points, *good* 80-90,
*pass* 60-80 and *fail* below 60. The reasoning behind each number is in the docs
(:doc:`/explanation/manager-template`).
"""

from __future__ import annotations

from csperf.dimensions import Dimension
from csperf.grading import GradeBand, GradeScale
from csperf.indicators import Indicator
from csperf.ratings import RatingScale, RatingSources, SourceRule
from csperf.rules import Piecewise
from csperf.scorecard import Scorecard
from csperf.units import FRACTION, NON_NEGATIVE, POINTS, Direction, ValueDomain
from csperf.weighting import Weighting

__all__ = ["customer_service_manager"]

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


def customer_service_manager() -> Scorecard:
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

    Returns:
        A new :class:`~csperf.Scorecard` with key ``customer_service_manager``.

    Examples:
        >>> card = customer_service_manager()
        >>> card.weighting.effective()["customer_satisfaction"]
        0.24
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
    )
