"""The words csperf prints around the data, in English and Chinese: one table, one look-up.

Names of dimensions, indicators and grades come from the scorecard (their
:class:`~csperf.text.LocalizedText`); every other word a report, the Excel form or
:meth:`ScorecardResult.explain <csperf.ScorecardResult.explain>` prints comes from
:data:`LABELS`, through :func:`label`. The ``explain.*`` entries are the lines of an
explanation, with ``{name}`` fields.

This module is part of the model: it imports only :mod:`csperf.errors`.
"""

from __future__ import annotations

from csperf.errors import ValidationError

__all__ = ["LABELS", "LANGUAGES", "check_lang", "label"]

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""The languages every label exists in."""

LABELS: dict[str, dict[str, str]] = {
    "agreement.ci": {"en": "{level} confidence interval", "zh": "{level} 置信区间"},
    "agreement.ci_method.F": {"en": "F distribution", "zh": "F 分布"},
    "agreement.ci_method.bootstrap": {
        "en": "percentile bootstrap over items, {resamples} resamples, seed {seed}",
        "zh": "按条目百分位自助法，{resamples} 次重抽样，种子 {seed}",
    },
    "agreement.ci_method.normal": {
        "en": "normal (± z × standard error)",
        "zh": "正态近似（± z × 标准误）",
    },
    "agreement.components": {"en": "Components", "zh": "中间量"},
    "agreement.high": {"en": "upper limit", "zh": "上限"},
    "agreement.interval": {"en": "Interval", "zh": "区间"},
    "agreement.items": {"en": "Items", "zh": "条目数"},
    "agreement.low": {"en": "lower limit", "zh": "下限"},
    "agreement.no_ci": {"en": "none (the method gives none)", "zh": "无（该方法不提供）"},
    "agreement.null_standard_error": {
        "en": "Standard error under no agreement",
        "zh": "无一致性假设下的标准误",
    },
    "agreement.quantity": {"en": "Quantity", "zh": "量"},
    "agreement.raters": {"en": "Raters", "zh": "评分人数"},
    "agreement.ratings": {"en": "Ratings", "zh": "评分条数"},
    "agreement.standard_error": {"en": "Standard error", "zh": "标准误"},
    "agreement.statistic": {"en": "Statistic", "zh": "统计量"},
    "agreement.title": {"en": "Rater agreement", "zh": "评分一致性"},
    "agreement.value": {"en": "Value", "zh": "数值"},
    "agreement.z": {"en": "z", "zh": "z 值"},
    "appraiser": {"en": "Appraiser", "zh": "考核人"},
    "calibration.audit": {"en": "Every grade that moved, and why", "zh": "等级调整明细及原因"},
    "calibration.calibrated": {"en": "Calibrated grade", "zh": "校准等级"},
    "calibration.met": {"en": "Given", "zh": "实际人数"},
    "calibration.moved": {"en": "Moved", "zh": "已调整"},
    "calibration.original": {"en": "Earned grade", "zh": "原等级"},
    "calibration.places": {"en": "Places", "zh": "名额"},
    "calibration.quotas": {"en": "Quotas", "zh": "配额"},
    "calibration.reason": {"en": "Reason", "zh": "原因"},
    "calibration.reason.across": {
        "en": "positions {first}–{last} of {of} in {where}, {tied} tied across a quota "
        "boundary, {held} of them in the quota of {band} ({share}, {places} places): the tie "
        "goes where most of it falls; total {total} earned {original}",
        "zh": "{where}第 {first}–{last} 位（共 {of} 人），{tied} 人同分且跨越配额边界，其中 "
        "{held} 人落在 {band} 的配额内（{share}，{places} 个名额）：同分者整体归入多数所在的"
        "等级；总分 {total} 原为 {original}",
    },
    "calibration.reason.single": {
        "en": "position {first} of {of} in {where}: the quota of {band} is {share} ({places} "
        "places); total {total} earned {original}",
        "zh": "{where}第 {first} 位（共 {of} 人）：{band} 的配额为 {share}（{places} 个名额）；"
        "总分 {total} 原为 {original}",
    },
    "calibration.reason.tied": {
        "en": "positions {first}–{last} of {of} in {where}, {tied} tied: the quota of {band} "
        "is {share} ({places} places); total {total} earned {original}",
        "zh": "{where}第 {first}–{last} 位（共 {of} 人），{tied} 人同分：{band} 的配额为 "
        "{share}（{places} 个名额）；总分 {total} 原为 {original}",
    },
    "calibration.share": {"en": "Share asked", "zh": "目标比例"},
    "calibration.title": {"en": "Calibration to a distribution", "zh": "强制分布校准"},
    "calibration.where.all": {"en": "the population", "zh": "全体人员中"},
    "calibration.where.team": {"en": "team {team}", "zh": "团队 {team} 中"},
    "colon": {"en": ": ", "zh": "："},
    "contribution": {"en": "Contribution", "zh": "得分贡献"},
    "count": {"en": "Subjects", "zh": "人数"},
    "definition": {"en": "Definition", "zh": "指标定义"},
    "dimension": {"en": "Dimension", "zh": "考核维度"},
    "dimension_points": {"en": "Dimension points", "zh": "维度得分"},
    "dimension_scores": {"en": "Dimension scores", "zh": "维度得分"},
    "dimension_weight": {"en": "Dimension weight", "zh": "维度权重"},
    "direction": {"en": "Direction", "zh": "指标方向"},
    "direction.higher_is_better": {"en": "Higher is better", "zh": "越高越好"},
    "direction.lower_is_better": {"en": "Lower is better", "zh": "越低越好"},
    "direction.target_is_best": {"en": "Closest to target is best", "zh": "越接近目标越好"},
    "effective_weight": {"en": "Effective weight", "zh": "综合权重"},
    "explanation": {"en": "How the total was reached", "zh": "得分计算过程"},
    "fingerprint": {"en": "Fingerprint", "zh": "指纹"},
    "flags": {"en": "Flags", "zh": "数据标记"},
    "form_flag_hint": {
        "en": "A number (a count), or for a flag 1/0 or TRUE/FALSE.",
        "zh": "填写数值（次数）；标志项填 1/0 或 TRUE/FALSE。",
    },
    "form_rated_hint": {
        "en": "The mean of this source's ratings, from {low} to {high}; empty or \"{withheld}\" "
        "when it has fewer than {needed} raters: it is left out and its weight moves to the "
        "other sources.",
        "zh": "该来源评分的平均值（{low} 至 {high}）；评分人数少于 {needed} 人时留空或填"
        "\"{withheld}\"：该来源不计入，其权重按比例分配给其他来源。",
    },
    "form_rated_hint.error": {
        "en": "The mean of this source's ratings, from {low} to {high}; it needs {needed} "
        "raters: empty or \"{withheld}\" gives no value (#N/A), as csperf refuses it.",
        "zh": "该来源评分的平均值（{low} 至 {high}）；至少需要 {needed} 人评分：留空或填"
        "\"{withheld}\"则无分值（#N/A），与 csperf 一致。",
    },
    "form_raters_needed": {"en": "Raters needed", "zh": "最少评分人数"},
    "form_source": {"en": "Rating source", "zh": "评价来源"},
    "form_source_mean": {"en": "Mean rating", "zh": "平均评分"},
    "form_source_weight": {"en": "Source weight", "zh": "来源权重"},
    "form_hint": {
        "en": "Enter each raw value in the yellow cells; points, contributions, the total and "
        "the grade are computed by the formulas.",
        "zh": "请在黄色单元格中填写各指标的实际值；得分、得分贡献、总分与等级由公式自动计算。",
    },
    "form_missing.error": {
        "en": "Every raw value is required: until all are filled in, the total and grade stay "
        "empty.",
        "zh": "所有实际值均须填写：未填齐之前，总分与等级保持空白。",
    },
    "form_missing.redistribute": {
        "en": "A raw value left empty is not scored: its weight is shared among the other "
        "indicators of its dimension in proportion to their weights (and the weight of a "
        "dimension left empty among the other dimensions).",
        "zh": "未填写的实际值不计分：其权重按比例分配给同一维度的其他指标"
        "（整个维度未填写时，该维度权重按比例分配给其他维度）。",
    },
    "form_missing.zero": {
        "en": "A raw value left empty scores 0 points.",
        "zh": "未填写的实际值计 0 分。",
    },
    "generated_by": {"en": "Generated by csperf", "zh": "由 csperf 生成"},
    "grade": {"en": "Grade", "zh": "等级"},
    "grade_distribution": {"en": "Grade distribution", "zh": "等级分布"},
    "grade_scale": {"en": "Grade scale", "zh": "等级标准"},
    "histogram": {"en": "Distribution of totals", "zh": "总分分布"},
    "indicator": {"en": "Indicator", "zh": "考核指标"},
    "indicators": {"en": "Indicators", "zh": "指标明细"},
    "interval": {"en": "Interval", "zh": "区间"},
    "key": {"en": "Key", "zh": "代码"},
    "max": {"en": "Highest", "zh": "最高分"},
    "mean": {"en": "Mean", "zh": "平均分"},
    "min": {"en": "Lowest", "zh": "最低分"},
    "missing": {"en": "missing", "zh": "缺失"},
    "missing_values": {"en": "Missing values", "zh": "缺失值"},
    "notes": {"en": "Notes", "zh": "说明"},
    "period": {"en": "Period", "zh": "考核周期"},
    "points": {"en": "Points", "zh": "得分"},
    "population": {"en": "Population", "zh": "整体情况"},
    "raw_value": {"en": "Raw value", "zh": "实际值"},
    "redistributed": {"en": "Weights redistributed", "zh": "权重重新分配"},
    "sample_size": {"en": "Sample", "zh": "样本量"},
    "scorecard": {"en": "Scorecard", "zh": "考核表"},
    "scoring_rule": {"en": "Scoring rule", "zh": "计分规则"},
    "session.baseline": {"en": "Baseline", "zh": "基准"},
    "session.baseline.expert": {"en": "expert {expert}", "zh": "专家 {expert}"},
    "session.baseline.mean": {"en": "the mean of the reviewers", "zh": "评审人均值"},
    "session.baseline.median": {"en": "the median of the reviewers", "zh": "评审人中位数"},
    "session.items": {"en": "Interactions", "zh": "会话数"},
    "session.largest": {"en": "Largest deviation", "zh": "最大偏差"},
    "session.mean_abs": {"en": "Mean |deviation|", "zh": "平均绝对偏差"},
    "session.mean_deviation": {"en": "Mean deviation", "zh": "平均偏差"},
    "session.met": {"en": "met", "zh": "达标"},
    "session.not_met": {"en": "not met", "zh": "未达标"},
    "session.overall": {
        "en": "{within} of {reviews} reviews within ±{tolerance} ({share}): target {target} {met}",
        "zh": "{reviews} 次评审中 {within} 次在 ±{tolerance} 以内（{share}）：目标 {target}，{met}",
    },
    "session.result": {"en": "Result", "zh": "结论"},
    "session.reviewer": {"en": "Reviewer", "zh": "评审人"},
    "session.reviews": {"en": "Reviews", "zh": "评审次数"},
    "session.share": {"en": "Share within ±{tolerance}", "zh": "±{tolerance} 以内占比"},
    "session.target": {"en": "Target {target}", "zh": "目标 {target}"},
    "session.target_share": {"en": "Target", "zh": "目标"},
    "session.title": {"en": "Calibration session", "zh": "质检校准会"},
    "session.tolerance": {"en": "Tolerance", "zh": "容差"},
    "session.within": {"en": "Within ±{tolerance}", "zh": "±{tolerance} 以内"},
    "severity.consensus": {"en": "Consensus", "zh": "共识"},
    "severity.consensus.mean": {"en": "each item's mean", "zh": "各条目均值"},
    "severity.consensus.median": {"en": "each item's median", "zh": "各条目中位数"},
    "severity.corrected": {"en": "Corrected score", "zh": "校正后分数"},
    "severity.corrected_scores": {"en": "Scores after the correction", "zh": "校正后的分数"},
    "severity.correction": {"en": "Correction applied", "zh": "所用校正"},
    "severity.correction.none": {
        "en": "none: the scores as given",
        "zh": "无：按原始分数",
    },
    "severity.correction.offset": {
        "en": "offset: score − the rater's offset from {consensus}",
        "zh": "偏移：分数 − 评分人相对{consensus}的偏移",
    },
    "severity.correction.zscore": {
        "en": "z-score: {mean} + {sd} × the score's z-score within its rater",
        "zh": "z 分数：{mean} + {sd} × 分数在该评分人内的 z 分数",
    },
    "severity.item": {"en": "Item", "zh": "条目"},
    "severity.mean": {"en": "Mean", "zh": "均分"},
    "severity.offset": {"en": "Offset", "zh": "偏移"},
    "severity.rater": {"en": "Rater", "zh": "评分人"},
    "severity.ratings": {"en": "Ratings", "zh": "评分条数"},
    "severity.sd": {"en": "SD", "zh": "标准差"},
    "severity.shared": {"en": "Shared items", "zh": "共评条目"},
    "severity.title": {"en": "Rater severity", "zh": "评分宽严度"},
    "standard": {"en": "Standard", "zh": "达标档次"},
    "standards": {"en": "Standards", "zh": "考核标准"},
    "subject": {"en": "Subject", "zh": "被考核人"},
    "subjects": {"en": "Subjects", "zh": "个人明细"},
    "summary": {"en": "Summary", "zh": "汇总"},
    "total": {"en": "Total", "zh": "总分"},
    "unit": {"en": "Unit", "zh": "单位"},
    "version": {"en": "Version", "zh": "版本"},
    "weight": {"en": "Weight", "zh": "权重"},
    "weight_in_dimension": {"en": "Weight in dimension", "zh": "维度内权重"},
    # the lines of ScorecardResult.explain()
    "explain.card": {
        "en": "Scorecard {card} v{version}{who}",
        "zh": "考核表 {card} 第 {version} 版{who}",
    },
    "explain.dimension": {"en": "{name}: weight {weight}", "zh": "{name}：权重 {weight}"},
    "explain.emptied": {
        "en": "dimension empty: its weight was redistributed",
        "zh": "该维度无数据：其权重已重新分配",
    },
    "explain.for": {"en": " for {subject}", "zh": "，考核对象 {subject}"},
    "explain.grade": {
        "en": "grade: {label} ({key}, {lower}–{upper})",
        "zh": "等级：{label}（{key}，{lower}–{upper}）",
    },
    "explain.indicator": {
        "en": "{name}: raw {raw}{standard} → {points} points × {weight} = {contribution}",
        "zh": "{name}：原始值 {raw}{standard} → {points} 分 × {weight} = {contribution}",
    },
    "explain.moved_dimension": {
        "en": "dimension {source} missing: its weight {weight} across dimensions shared in "
        "proportion among {recipients}",
        "zh": "维度 {source} 缺失：其维度权重 {weight} 按比例分配给 {recipients}",
    },
    "explain.moved_indicator": {
        "en": "indicator {source} missing: its weight {weight} within its dimension shared in "
        "proportion among {recipients}",
        "zh": "指标 {source} 缺失：其维度内权重 {weight} 按比例分配给 {recipients}",
    },
    "explain.subtotal": {
        "en": "dimension: {points} points × {weight} = {contribution}",
        "zh": "维度得分：{points} 分 × {weight} = {contribution}",
    },
    "explain.total": {
        "en": "total = {parts} = {unrounded} → {total} (rounded half up to {precision} decimals)",
        "zh": "总分 = {parts} = {unrounded} → {total}（四舍五入保留 {precision} 位小数）",
    },
    # vetoes and bonus / deduction items (csperf.adjustments)
    "explain.weighted": {
        "en": "weighted total = {parts} = {total}",
        "zh": "加权总分 = {parts} = {total}",
    },
    "explain.bonus": {
        "en": "bonus {name}: {events} × {points}{cap} = {amount} → {applied}",
        "zh": "加分项 {name}：{events} × {points}{cap} = {amount} → {applied}",
    },
    "explain.deduction": {
        "en": "deduction {name}: {events} × {points}{cap} = {amount} → {applied}",
        "zh": "扣分项 {name}：{events} × {points}{cap} = {amount} → {applied}",
    },
    "explain.item_cap": {"en": " (at most {cap})", "zh": "（上限 {cap}）"},
    "explain.item_missing": {
        "en": "{kind} {name}: count missing → 0 points (missing policy {policy})",
        "zh": "{kind} {name}：次数缺失 → 0 分（缺失值规则 {policy}）",
    },
    "explain.adjusted": {
        "en": "adjusted total = {parts} = {total} (kept within [0, {max_points}])",
        "zh": "调整后总分 = {parts} = {total}（限定在 [0, {max_points}] 内）",
    },
    "explain.veto": {
        "en": "veto {name}: {condition}, value {value} → {effect}{reason}",
        "zh": "否决项 {name}：{condition}，取值 {value} → {effect}{reason}",
    },
    "explain.veto_missing": {
        "en": "veto {name}: {condition}, value missing → counted as fired (missing policy "
        "zero) → {effect}{reason}",
        "zh": "否决项 {name}：{condition}，取值缺失 → 按触发处理（缺失值规则 zero）→ "
        "{effect}{reason}",
    },
    "explain.final": {
        "en": "total = {unrounded} → {total} (rounded half up to {precision} decimals)",
        "zh": "总分 = {unrounded} → {total}（四舍五入保留 {precision} 位小数）",
    },
    "adjustment.bonus": {"en": "bonus", "zh": "加分项"},
    "adjustment.deduction": {"en": "deduction", "zh": "扣分项"},
    "adjustments": {"en": "Bonus and deduction items", "zh": "加分项 / 扣分项"},
    "veto.cap_grade": {"en": "grade at most {limit}", "zh": "等级最高为 {limit}"},
    "veto.cap_total": {"en": "total at most {limit}", "zh": "总分最高为 {limit}"},
    "veto.zero": {"en": "total set to 0", "zh": "总分记为 0"},
    "veto.fired": {"en": "fired", "zh": "触发"},
    "veto.not_fired": {"en": "not fired", "zh": "未触发"},
    "vetoes": {"en": "Veto items", "zh": "否决项（一票否决）"},
    "events": {"en": "Events", "zh": "次数"},
    "points_per_event": {"en": "Points per event", "zh": "每次分值"},
    "item_cap": {"en": "Cap", "zh": "上限"},
    "applied": {"en": "Applied", "zh": "计入"},
    "condition": {"en": "Condition", "zh": "条件"},
    "effect": {"en": "Effect", "zh": "效果"},
    "reason": {"en": "Reason", "zh": "理由"},
    "weighted_total": {"en": "Weighted total", "zh": "加权总分"},
    "adjusted_total": {"en": "Adjusted total", "zh": "调整后总分"},
    "list_sep": {"en": ", ", "zh": "、"},
    # units of raw values (csperf.report._format.Display)
    "unit.percent": {"en": "%", "zh": "%"},
    "unit.points": {"en": " pts", "zh": " 分"},
    "duration.h_min": {"en": "{h} h {min} min", "zh": "{h}小时{min}分钟"},
    "duration.h_min_s": {"en": "{h} h {min} min {s} s", "zh": "{h}小时{min}分{s}秒"},
    "duration.min": {"en": "{min} min", "zh": "{min}分钟"},
    "duration.min_s": {"en": "{min} min {s} s", "zh": "{min}分{s}秒"},
    "duration.s": {"en": "{s} s", "zh": "{s}秒"},
    # a half-open period as days (csperf.report._format.period_text)
    "period.to": {"en": " – ", "zh": " 至 "},
    "period.before": {"en": "before {end}", "zh": "{end} 之前"},
    # the flags a metric source sets (csperf.metrics.FLAGS)
    "flag.critical_failed": {"en": "critical failed", "zh": "关键项不合格"},
    "flag.missing_first_response": {"en": "no first response", "zh": "缺少首次响应"},
    "flag.missing_handle_time": {"en": "no talk time", "zh": "缺少通话时长"},
    "flag.no_data": {"en": "no data", "zh": "无数据"},
    "flag.not_yet_due": {"en": "not yet due", "zh": "未到期"},
    "flag.rejected_records": {"en": "rejected records", "zh": "有被拒记录"},
    "flag.self_ratings_excluded": {"en": "self-ratings excluded", "zh": "已剔除自评"},
    "flag.small_sample": {"en": "small sample", "zh": "样本量小"},
    "flag.too_few_raters": {"en": "too few raters", "zh": "评价人过少"},
    "flag.unresolved": {"en": "unresolved tickets", "zh": "有未解决工单"},
    # the population-first HTML report
    "all": {"en": "All", "zh": "全部"},
    "best": {"en": "Best", "zh": "最佳"},
    "details": {"en": "Subject details", "zh": "个人详情"},
    "details_none": {
        "en": "Subject details are left out of this report.",
        "zh": "本报告未包含个人详情。",
    },
    "details_top": {
        "en": "Details of the {n} highest totals.",
        "zh": "仅列出总分最高的 {n} 人的详情。",
    },
    "filter": {"en": "Filter", "zh": "筛选"},
    "filter_hint": {"en": "name, team or grade", "zh": "姓名、团队或等级"},
    "frequency": {"en": "Subjects", "zh": "人数"},
    "input_order": {"en": "Input order", "zh": "原始顺序"},
    "noscript": {
        "en": "The table of subjects needs JavaScript; the summary above does not.",
        "zh": "人员列表需要启用 JavaScript；上方汇总无需脚本。",
    },
    "details_auto": {
        "en": '{n} subjects: details are left out above {limit} (ask for details="all" or '
        '"top N").',
        "zh": '共 {n} 人：超过 {limit} 人时不含个人详情（可选择 details="all" 或 "top N"）。',
    },
    "percentile": {"en": "Percentile", "zh": "百分位"},
    "rank": {"en": "Rank", "zh": "排名"},
    "shown": {"en": "{shown} of {total} shown", "zh": "显示 {shown} / {total} 人"},
    "sort_hint": {
        "en": "Click a column heading to sort.",
        "zh": "点击列标题排序。",
    },
    "team": {"en": "Team", "zh": "团队"},
    "teams": {"en": "Teams", "zh": "团队汇总"},
    "worst": {"en": "Lowest", "zh": "最低"},
    "best_worst": {"en": "Highest and lowest totals", "zh": "最高与最低总分"},
    "compare.title": {"en": "compare {periods}", "zh": "对比 {periods}"},
    "compare.forms_differ": {"en": "  the forms differ:", "zh": "  考核表有变化："},
    "compare.subject": {
        "en": "  {subject}: {totals}{delta}; rank {ranks}; {grades}",
        "zh": "  {subject}：{totals}{delta}；排名 {ranks}；{grades}",
    },
    "compare.team": {
        "en": "  team {team}: mean total {totals}{delta}",
        "zh": "  团队 {team}：平均总分 {totals}{delta}",
    },
    "whatif.after": {"en": "Scenario total", "zh": "情景总分"},
    "whatif.before": {"en": "Baseline total", "zh": "基准总分"},
    "whatif.bottom_k": {"en": "Bottom-{k} overlap", "zh": "后 {k} 名重合率"},
    "whatif.changes": {"en": "Grade changes", "zh": "等级变化"},
    "whatif.delta": {"en": "Change", "zh": "变化"},
    "whatif.flip_rate": {
        "en": "Share of draws that change each grade",
        "zh": "各人等级在抽样中发生变化的比例",
    },
    "whatif.flipped": {"en": "Grades flipped", "zh": "等级变化比例"},
    "whatif.grade_after": {"en": "Scenario grade", "zh": "情景等级"},
    "whatif.grade_before": {"en": "Baseline grade", "zh": "基准等级"},
    "whatif.held": {
        "en": "{held} of {subjects} grades held in every draw.",
        "zh": "{subjects} 人中有 {held} 人的等级在所有抽样中均未变化。",
    },
    "whatif.kendall": {"en": "Kendall τ-b", "zh": "Kendall τ-b"},
    "whatif.mean": {"en": "Mean", "zh": "均值"},
    "whatif.median": {"en": "Median", "zh": "中位数"},
    "whatif.min": {"en": "Lowest", "zh": "最小值"},
    "whatif.no_changes": {"en": "No grade changes.", "zh": "无等级变化。"},
    "whatif.one_at_a_time": {"en": "One dimension at a time", "zh": "逐一调整维度权重"},
    "whatif.p05": {"en": "5th percentile", "zh": "第 5 百分位"},
    "whatif.scenario": {"en": "Scenario", "zh": "情景"},
    "whatif.scenarios": {"en": "Scenarios against the baseline", "zh": "各情景与基准的比较"},
    "whatif.sensitivity": {
        "en": "Weight sensitivity ({draws} draws, {method})",
        "zh": "权重敏感性（{draws} 次抽样，{method}）",
    },
    "whatif.shift": {"en": "Shift (points)", "zh": "调整（百分点）"},
    "whatif.spearman": {"en": "Spearman ρ", "zh": "Spearman ρ"},
    "whatif.statistic": {"en": "Statistic", "zh": "统计量"},
    "whatif.title": {"en": "What-if and weight sensitivity", "zh": "权重假设分析与敏感性"},
    "whatif.top_k": {"en": "Top-{k} overlap", "zh": "前 {k} 名重合率"},
    "rating.combined": {
        "en": "combined value: {parts} = {value}",
        "zh": "综合评分：{parts} = {value}",
    },
    "rating.combined_withheld": {
        "en": "combined value: too few raters (no value)",
        "zh": "综合评分：评分人数不足（无分值）",
    },
    "rating.moved": {
        "en": "; weight moved to the other sources",
        "zh": "；权重按比例分配给其他来源",
    },
    "rating.none": {
        "en": "{source}: no ratings ({needed} needed)",
        "zh": "{source}：无评分（至少需要 {needed} 人）",
    },
    "rating.too_few": {
        "en": "{source}: too few raters ({raters} of {needed} needed)",
        "zh": "{source}：评分人数不足（{raters} 人，至少需要 {needed} 人）",
    },
    "rating.used": {
        "en": "{source}: {raters} rater(s), mean {mean}, weight {weight}",
        "zh": "{source}：{raters} 人评分，均分 {mean}，权重 {weight}",
    },
    "source.customer": {"en": "customer", "zh": "客户评"},
    "source.manager": {"en": "manager", "zh": "上级评"},
    "source.peer": {"en": "peer", "zh": "互评"},
    "source.self": {"en": "self", "zh": "自评"},
    "source.subordinate": {"en": "subordinate", "zh": "下级评"},
    "too_few_raters": {"en": "too few raters", "zh": "评分人数不足"},
    # the reports of the weight strategies (csperf.weights): WeightResult.text(lang)
    "weights.ahp.filled": {
        "en": "; {n} pair(s) filled: {pairs}",
        "zh": "；补全 {n} 对判断：{pairs}",
    },
    "weights.ahp.geometric": {"en": ", geometric mean", "zh": "，几何平均法"},
    "weights.ahp.no_ri": {
        "en": "λmax = {lambda_max}, CI = {ci}, CR not computed ({ri} has no random index for "
        "n = {n}){method}{filled}",
        "zh": "λmax = {lambda_max}，CI = {ci}，未计算 CR（{ri} 没有 n = {n} 的随机一致性指标）"
        "{method}{filled}",
    },
    "weights.ahp.small": {
        "en": "n = {n}, consistent by construction{method}{filled}",
        "zh": "n = {n}，必然满足一致性{method}{filled}",
    },
    "weights.ahp.summary": {
        "en": "λmax = {lambda_max}, CI = {ci}, CR = {cr} (RI = {ri_value} for n = {n}, {ri})"
        "{method}{filled}",
        "zh": "λmax = {lambda_max}，CI = {ci}，CR = {cr}（n = {n} 时 RI = {ri_value}，{ri}）"
        "{method}{filled}",
    },
    "weights.base": {"en": "base ({strategy}): {line}", "zh": "基础权重（{strategy}）：{line}"},
    "weights.base_dimensions": {"en": "base dimensions", "zh": "基础维度权重"},
    "weights.by_ahp": {"en": "{level} by AHP", "zh": "{level}（AHP）"},
    "weights.by_count": {"en": " (by number of indicators)", "zh": "（按指标个数）"},
    "weights.by_group_ahp": {"en": "{level} by group AHP", "zh": "{level}（群组 AHP）"},
    "weights.combined": {
        "en": "combined {parts} (effective weights, coefficients renormalised)",
        "zh": "组合赋权 {parts}（按综合权重组合，系数已归一化）",
    },
    "weights.critic": {"en": "CRITIC (min–max normalisation)", "zh": "CRITIC 法（极差标准化）"},
    "weights.critic.indicator": {
        "en": "{key} {share} (σ = {std}, C = {information})",
        "zh": "{key} {share}（σ = {std}，C = {information}）",
    },
    "weights.dimension_share": {
        "en": "{dimension} {share}: {parts}",
        "zh": "{dimension} {share}：{parts}",
    },
    "weights.dimensions": {"en": "dimensions", "zh": "维度权重"},
    "weights.entropy": {
        "en": "entropy weight method ({normalization})",
        "zh": "熵权法（{normalization}）",
    },
    "weights.entropy.indicator": {
        "en": "{key} {share} (e = {entropy})",
        "zh": "{key} {share}（e = {entropy}）",
    },
    "weights.entropy.minmax": {"en": "min–max normalisation", "zh": "极差标准化"},
    "weights.entropy.share": {"en": "shares of raw values", "zh": "原始值占比"},
    "weights.equal": {"en": "{level}: equal, {share} each", "zh": "{level}：平均分配，各 {share}"},
    "weights.effective": {"en": " (effective {share})", "zh": "（综合权重 {share}）"},
    "weights.every_indicator": {
        "en": "every indicator: {share} effective weight",
        "zh": "每个指标：综合权重 {share}",
    },
    "weights.given": {"en": " (given)", "zh": "（给定）"},
    "weights.group": {
        "en": "group AHP ({how}) of {names}",
        "zh": "群组 AHP（{how}），参与者：{names}",
    },
    "weights.group.agree": {"en": "all stakeholders agree", "zh": "各方判断一致"},
    "weights.group.cr": {"en": "group CR = {cr}", "zh": "群组 CR = {cr}"},
    "weights.group.departs": {
        "en": "{name} departs most (d = {d})",
        "zh": "{name} 偏离最大（d = {d}）",
    },
    "weights.group.of": {"en": "group of {n}, {how}", "zh": "群组 {n} 人，{how}"},
    "weights.group.role": {"en": "{name}, {role}", "zh": "{name}，{role}"},
    "weights.group.stakeholder": {
        "en": "{who} ({weight}%): {weights}; {cr}, d = {d}",
        "zh": "{who}（{weight}%）：{weights}；{cr}，d = {d}",
    },
    "weights.kept": {"en": " (kept from the card)", "zh": "（沿用考核表）"},
    "weights.level": {"en": "{level}: {weights}{note}", "zh": "{level}：{weights}{note}"},
    "weights.no_cr": {"en": "CR not computed", "zh": "未计算 CR"},
    "weights.objective.card": {
        "en": "{header}, {subjects} subjects, all indicators together",
        "zh": "{header}，{subjects} 个考核对象，全部指标一并计算",
    },
    "weights.objective.within": {
        "en": "{header}, within each dimension; dimension weights kept from the card",
        "zh": "{header}，在各维度内分别计算；维度权重沿用考核表",
    },
    "weights.only_indicator": {
        "en": "{level}: {key} 100% (only indicator)",
        "zh": "{level}：{key} 100%（唯一指标）",
    },
    "weights.paren": {"en": " ({text})", "zh": "（{text}）"},
    "weights.ranked": {
        "en": "{level} ranked {ranking}{method}: {weights}",
        "zh": "{level}按重要性排序 {ranking}{method}：{weights}",
    },
    "weights.sep": {"en": ", ", "zh": "，"},
    "weights.semicolon": {"en": "; ", "zh": "；"},
    "weights.summary": {"en": "; {summary}", "zh": "；{summary}"},
    "weights.within": {"en": "within {dimension}", "zh": "{dimension} 维度内"},
    "swot.at_least": {
        "en": "at least {share} to hold {targets}",
        "zh": "至少 {share}，以容纳 {targets}",
    },
    "swot.at_most": {
        "en": "at most {share}, the most its targeted indicators allow",
        "zh": "至多 {share}，即其目标指标所允许的上限",
    },
    "swot.expired": {
        "en": "left out, expired {date}: {factor}",
        "zh": "已于 {date} 到期，未计入：{factor}",
    },
    "swot.expires": {
        "en": "expires {date}: {factors}; left out from the day after, which changes the weights",
        "zh": "{date} 到期：{factors}；此后不再计入，权重将随之改变",
    },
    "swot.expiring": {"en": "{target} ({kind}, {reason})", "zh": "{target}（{kind}，{reason}）"},
    "swot.factor": {"en": "{kind}, {reason}", "zh": "{kind}，{reason}"},
    "swot.holds": {"en": "holds the target(s) {targets}", "zh": "包含调整目标 {targets}"},
    "swot.kind.opportunity": {"en": "opportunity", "zh": "机会"},
    "swot.kind.strength": {"en": "strength", "zh": "优势"},
    "swot.kind.threat": {"en": "threat", "zh": "威胁"},
    "swot.kind.weakness": {"en": "weakness", "zh": "劣势"},
    "swot.moved": {
        "en": "{target} {before} → {after}: {why}",
        "zh": "{target} {before} → {after}：{why}",
    },
    "swot.none": {
        "en": "no SWOT factors: the weights are unchanged",
        "zh": "无 SWOT 因素：权重不变",
    },
    "swot.note": {"en": " ({note})", "zh": "（{note}）"},
    "swot.stays": {
        "en": "{target} stays at {before}: {why}",
        "zh": "{target} 保持 {before}：{why}",
    },
    "swot.untargeted": {"en": "untargeted, scaled in proportion", "zh": "未列入调整，按比例缩放"},
}
"""Label key → language → text."""


def check_lang(lang: object) -> str:
    """Check that ``lang`` is one of :data:`LANGUAGES` (a report's language).

    Raises:
        ValidationError: For any other value.
    """
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValidationError(
            msg=f"field 'lang' must be one of {', '.join(LANGUAGES)}, got {lang!r}",
            obj="Report",
            field="lang",
            value=lang,
        )
    return lang


def label(key: str, lang: str | None = None, /, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    A language without labels (or None) gets the English text.

    Examples:
        >>> label("total", "zh"), label("total", "fr")
        ('总分', 'Total')
        >>> label("explain.for", "en", subject="ann")
        ' for ann'
    """
    texts = LABELS[key]
    text = texts.get(lang or "en", texts["en"])
    return text.format(**values) if values else text
