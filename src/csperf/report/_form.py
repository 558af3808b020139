"""The blank appraisal form (绩效考核表) as an Excel workbook with live formulas.

A manager types each raw value into the form; Excel formulas compute the points, the
contributions, the total and the grade exactly as :meth:`csperf.Scorecard.evaluate` does.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from csperf._labels import check_lang, label
from csperf._numbers import EXCEL_HUGE, excel_array, excel_number
from csperf.errors import ValidationError
from csperf.report._excel import (
    _header,
    _Style,
    as_text,
    cell_value,
    decimals_format,
    load_openpyxl,
    sheet_names,
)
from csperf.report._format import band_interval, direction_text, rule_text, standards_text
from csperf.report._table import display_width
from csperf.scorecard import MissingPolicy
from csperf.text import localize

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable
    from pathlib import Path

    from csperf.indicators import Indicator
    from csperf.rules import ScoringRule
    from csperf.scorecard import Scorecard

__all__ = [
    "FORM_COLUMNS",
    "FORM_FIRST_ROW",
    "excel_number",
    "points_formula",
    "pre_round_digits",
    "write_form_xlsx",
]

FORM_FIRST_ROW = 7
"""The row of the form's first indicator (rows above hold the title, the subject and the header)."""

_TEXTS = ("dimension", "indicator", "definition", "unit", "standards")
"""The columns of an indicator row that hold texts taken from the card."""

FORM_COLUMNS: dict[str, str] = {
    "number": "A",
    "dimension": "B",
    "dimension_weight": "C",
    "indicator": "D",
    "definition": "E",
    "unit": "F",
    "direction": "G",
    "standards": "H",
    "scoring_rule": "I",
    "weight_in_dimension": "J",
    "effective_weight": "K",
    "raw_value": "L",
    "points": "M",
    "contribution": "N",
}
"""What each column of the form's indicator rows holds; ``raw_value`` is the input."""


def _strings(values: list[str]) -> str:
    return "{" + ",".join('"' + v.replace('"', '""') + '"' for v in values) + "}"


def points_formula(rule: ScoringRule, x: str, *, obj: str = "scoring rule") -> str:
    """An Excel expression (without ``=``) of a scoring rule's points for the raw value in ``x``.

    The expression is the rule's own :meth:`~csperf.ScoringRule.excel_formula`; the formulas of
    the built-in rules are written out in :doc:`/explanation/scoring`. A raw value a rule cannot
    score (outside every step; negative for a ratio) gives ``#N/A``, as csperf gives a
    :class:`~csperf.MeasurementError`.

    Args:
        rule: The scoring rule (bound to its indicator's direction).
        x: The cell holding the raw value, such as ``L7``.
        obj: What the rule belongs to, for the error message.

    Raises:
        ValidationError: For a rule without a formula (a plugin rule that does not implement
            ``excel_formula``): the message names the rule's kind and the module defining it.

    Examples:
        >>> from csperf import Piecewise
        >>> points_formula(Piecewise([(0, 0), (100, 100)]), "L7")
        'IF(L7<=0,0,IF(L7<100,0+(L7-0)*(100-0)/(100-0),100))'
    """
    formula = rule.excel_formula(x)
    if formula is None:
        cls = type(rule)
        raise ValidationError(
            msg=f"scoring rule kind {rule.kind!r} has no Excel formula, so the form cannot "
            f"compute its points (the rule {cls.__qualname__} from {cls.__module__!r} does not "
            "implement excel_formula)",
            obj=obj,
            field="scoring",
            value=rule.kind,
        )
    return formula


def pre_round_digits(card: Scorecard) -> int | None:
    r"""Decimals of the form's first rounding of the total, or None for no first rounding.

    Excel adds in binary floating point, so a total that is exactly a rounding tie in
    csperf's exact arithmetic (``89.995``) may come out a hair below it
    (``89.99499999999999``). The form therefore rounds twice:
    ``ROUND(ROUND(SUM(…), g), precision)`` with :math:`g = \min(p + 8, 15 - d)`, where
    :math:`p` is the precision and :math:`d` the number of digits of ``max_points`` before
    the decimal point: the first rounding removes the floating-point noise (far below
    :math:`10^{-g}`), the second rounds half away from zero as csperf does. When
    :math:`g \le p` (a precision near Excel's 15 significant digits) there is no first
    rounding.
    """
    digits = len(str(int(card.max_points)))
    g = min(card.precision + 8, 15 - digits)
    return g if g > card.precision else None


def _grade_formula(
    card: Scorecard, total: str, lang: str, caps: list[tuple[str, int]] | None = None
) -> str:
    """The grade of the total; ``caps`` are (fired cell, band position) of grade-capping vetoes.

    With caps the band's position (1 for the lowest) is looked up, lowered to the position of
    each fired veto's band, and its label looked up by position.
    """
    scale = card.grade_scale
    labels = [localize(b.label, lang) for b in scale.ordered]
    if caps:
        n = len(labels)
        positions = list(range(1, n + 1))
        if scale.closed == "left":
            lowers = excel_array(b.lower for b in scale.ordered)
            position = f"LOOKUP({total},{lowers},{excel_array(positions)})"
        else:
            uppers = excel_array(-b.upper for b in scale.ordered[::-1])
            position = f"LOOKUP(-{total},{uppers},{excel_array(positions[::-1])})"
        limits = ",".join(f"IF({cell}=1,{k + 1},{n})" for cell, k in caps)
        capped = f"MIN({position},{limits})"
        lookup = f"LOOKUP({capped},{excel_array(positions)},{_strings(labels)})"
    elif scale.closed == "left":
        lowers = excel_array(b.lower for b in scale.ordered)
        lookup = f"LOOKUP({total},{lowers},{_strings(labels)})"
    else:
        backwards = scale.ordered[::-1]
        uppers = excel_array(-b.upper for b in backwards)
        lookup = f"LOOKUP(-{total},{uppers},{_strings(labels[::-1])})"
    return f'=IF({total}="","",{lookup})'


def _groups(card: Scorecard) -> list[tuple[str, list[Indicator]]]:
    return [(d, list(inds)) for d, inds in card.groups().items()]


def _row_height(texts: list[tuple[str, float]]) -> float:
    """A row height fitting wrapped ``(text, column width)`` pairs."""
    lines = 1
    for text, width in texts:
        for part in text.splitlines() or [""]:
            lines = max(lines, math.ceil(max(1, display_width(part)) / max(1.0, 1.1 * width)))
    return 15.0 * lines + 2


def _form_workbook(card: Scorecard, lang: str) -> Any:
    openpyxl = load_openpyxl()
    from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped, unused-ignore]
        DataValidation,
    )

    style = _Style(openpyxl)

    def lab(key: str) -> str:
        return label(key, lang)

    policy = card.missing
    p = card.precision
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_names([localize(card.title, lang)])[0]
    c = FORM_COLUMNS
    last_column = c["contribution"]
    ws.merge_cells(f"A1:{last_column}1")
    as_text(ws.cell(row=1, column=1, value=cell_value(localize(card.title, lang))))
    ws["A1"].font = style.title
    colon = lab("colon")
    ws["A2"] = (
        f"{lab('scorecard')}{colon}{card.key} · {lab('version')}{colon}{card.version} · "
        f"{lab('fingerprint')}{colon}{card.fingerprint[:12]}"
    )
    ws["A2"].font = style.muted
    ws.merge_cells(f"A2:{last_column}2")
    for column, key, span in (("A", "subject", "B3:D3"), ("E", "period", "F3:H3")):
        ws[f"{column}3"] = lab(key)
        ws[f"{column}3"].font = style.bold
        ws.merge_cells(span)
        ws[span.split(":")[0]].fill = style.input_fill
        ws[span.split(":")[0]].border = style.border
    ws["I3"] = lab("appraiser")
    ws["I3"].font = style.bold
    ws.merge_cells("J3:L3")
    ws["J3"].fill = style.input_fill
    ws["J3"].border = style.border
    ws.merge_cells(f"A4:{last_column}4")
    ws["A4"] = lab("form_hint")
    ws["A4"].font = style.muted
    header_row = FORM_FIRST_ROW - 1
    _header(
        ws,
        header_row,
        [
            "#",
            lab("dimension"),
            lab("dimension_weight"),
            lab("indicator"),
            lab("definition"),
            lab("unit"),
            lab("direction"),
            lab("standards"),
            lab("scoring_rule"),
            lab("weight_in_dimension"),
            lab("effective_weight"),
            lab("raw_value"),
            lab("points"),
            lab("contribution"),
        ],
        style,
    )
    widths = {
        "A": 5,
        "B": 12,
        "C": 10,
        "D": 18,
        "E": 30,
        "F": 9,
        "G": 11,
        "H": 30,
        "I": 34,
        "J": 10,
        "K": 10,
        "L": 12,
        "M": 10,
        "N": 12,
    }
    # Column A holds the row numbers and the label of the subject cell (被考核人: 8 wide).
    widths["A"] = max(widths["A"], display_width(lab("subject")) + 2)
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    groups = [(dim, inds) for dim, inds in _groups(card) if inds]
    first, last = FORM_FIRST_ROW, FORM_FIRST_ROW + len(card.indicators) - 1
    block_head = last + 2
    dim_row = {dim: block_head + 1 + k for k, (dim, _) in enumerate(groups)}
    dim_first, dim_last = block_head + 1, block_head + len(groups)
    effective = card.weighting.effective()
    # A rated indicator's raw value combines one input cell per source, in a block of its own
    # under the dimensions: the rows of each indicator's sources.
    rated = [ind for _dim, inds in groups for ind in inds if ind.raters is not None]
    ratings_head = dim_last + 2
    source_rows: dict[str, tuple[int, int]] = {}
    end_of_ratings = ratings_head
    for ind in rated:
        assert ind.raters is not None
        source_rows[ind.key] = (end_of_ratings + 1, end_of_ratings + len(ind.raters.sources))
        end_of_ratings += len(ind.raters.sources)
    row = first
    number = 0
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1=f"-{EXCEL_HUGE}",
        formula2=EXCEL_HUGE,
        allow_blank=True,
        showErrorMessage=True,
    )
    ws.add_data_validation(validation)
    for dim, indicators in groups:
        start, end = row, row + len(indicators) - 1
        j_range = f"${c['weight_in_dimension']}${start}:${c['weight_in_dimension']}${end}"
        l_range = f"${c['raw_value']}${start}:${c['raw_value']}${end}"
        d = dim_row[dim]
        dimension = card.dimension(dim)
        for ind in indicators:
            number += 1
            x = f"{c['raw_value']}{row}"
            points = points_formula(ind.scoring, x, obj=f"Indicator {ind.key!r}")
            blank = "0" if policy is MissingPolicy.ZERO else '""'
            # A typed raw value is blank when empty; a rated one is "" when no source counts.
            empty = f'{x}=""' if ind.key in source_rows else f"ISBLANK({x})"
            cells: dict[str, Any] = {
                "number": number,
                "dimension": localize(dimension.name, lang),
                "dimension_weight": card.weighting.dimensions[dim],
                "indicator": localize(ind.name, lang),
                "definition": localize(ind.description, lang) or None,
                "unit": ind.unit or None,
                "direction": direction_text(ind.direction, lang),
                "standards": None if ind.standards is None else standards_text(ind.standards, lang),
                "scoring_rule": rule_text(ind.scoring, lang),
                "weight_in_dimension": card.weighting.indicators[dim][ind.key],
                "raw_value": _rated_raw(ind, source_rows[ind.key])
                if ind.key in source_rows
                else None,
                "points": f"=IF({empty},{blank},IF(ISNUMBER({x}),{points},NA()))",
            }
            m = f"{c['points']}{row}"
            k = f"{c['effective_weight']}{row}"
            if policy is MissingPolicy.REDISTRIBUTE:
                cells["effective_weight"] = (
                    f'=IF(OR({x}="",$D${d}=""),0,'
                    f'$E${d}*{c["weight_in_dimension"]}{row}/SUMPRODUCT({j_range},--({l_range}<>"")))'
                )
                cells["contribution"] = f'=IF({m}="",0,{k}*{m})'
            elif policy is MissingPolicy.ZERO:
                cells["effective_weight"] = effective[ind.key]
                cells["contribution"] = f"={k}*{m}"
            else:
                cells["effective_weight"] = effective[ind.key]
                cells["contribution"] = f'=IF({m}="","",{k}*{m})'
            for key, value in cells.items():
                cell = ws[f"{c[key]}{row}"]
                if key in _TEXTS:  # names from the card: text, never a formula
                    cell.value = cell_value(value)
                    as_text(cell)
                else:
                    cell.value = value
                cell.border = style.border
                cell.alignment = style.wrap
            for key in ("dimension_weight", "weight_in_dimension", "effective_weight"):
                ws[f"{c[key]}{row}"].number_format = "0.00%"
            ws[f"{c['points']}{row}"].number_format = decimals_format(p)
            ws[f"{c['contribution']}{row}"].number_format = decimals_format(p + 2)
            if ind.key not in source_rows:
                ws[x].fill = style.input_fill
                validation.add(x)
            ws.row_dimensions[row].height = _row_height(
                [
                    (str(ws[f"{c[key]}{row}"].value or ""), widths[c[key]])
                    for key in ("indicator", "definition", "standards", "scoring_rule")
                ]
            )
            row += 1
        if end > start:
            for key in ("dimension", "dimension_weight"):
                ws.merge_cells(f"{c[key]}{start}:{c[key]}{end}")
    _dimension_block(ws, card, lang, groups, block_head, dim_row, first, style)
    total_row = dim_last + 2
    if rated:
        _ratings_block(ws, lang, rated, ratings_head, source_rows, style, DataValidation)
        total_row = end_of_ratings + 2
    sum_expr = f"SUM($F${dim_first}:$F${dim_last})"
    raw_all = f"${c['raw_value']}${first}:${c['raw_value']}${last}"
    blanks = f"COUNTBLANK({raw_all})>0" if policy is MissingPolicy.ERROR else None
    items = None
    if card.vetoes or card.adjustments:
        items = _items_block(ws, card, lang, total_row, sum_expr, style)
        total_row, sum_expr = items.next_row, items.total
        if items.blanks:
            blanks = " + ".join(
                [f"COUNTBLANK({raw_all})"] * (policy is MissingPolicy.ERROR) + items.blanks
            )
            blanks = f"{blanks}>0"
        for ref in items.inputs:
            validation.add(ref)
        for ref in items.flags:
            ws.add_data_validation(_flag_validation(ref, lang, DataValidation))
    grade_row = total_row + 1
    g = pre_round_digits(card)
    rounded = f"ROUND(ROUND({sum_expr},{g}),{p})" if g is not None else f"ROUND({sum_expr},{p})"
    total = f'=IF({blanks},"",{rounded})' if blanks is not None else f"={rounded}"
    ws[f"B{total_row}"] = lab("total")
    ws[f"F{total_row}"] = total
    ws[f"B{grade_row}"] = lab("grade")
    ws[f"F{grade_row}"] = _grade_formula(
        card, f"$F${total_row}", lang, [] if items is None else items.caps
    )
    for r in (total_row, grade_row):
        ws[f"B{r}"].font = style.bold
        ws[f"F{r}"].font = style.title
        ws[f"F{r}"].fill = style.total_fill
        ws[f"F{r}"].border = style.border
    ws[f"F{total_row}"].number_format = decimals_format(p)
    row = grade_row + 2
    _header(ws, row, [lab("grade"), lab("interval")], style, column=2)
    scale = card.grade_scale
    for band in scale.bands:
        row += 1
        as_text(ws.cell(row=row, column=2, value=cell_value(localize(band.label, lang))))
        ws[f"C{row}"] = band_interval(scale, band)
        for column in "BC":
            ws[f"{column}{row}"].border = style.border
    row += 2
    ws[f"B{row}"] = lab("missing_values")
    ws[f"B{row}"].font = style.bold
    ws[f"D{row}"] = lab(f"form_missing.{policy.value}")
    ws.merge_cells(f"D{row}:{last_column}{row}")
    ws[f"D{row}"].alignment = style.wrap
    ws.freeze_panes = f"A{FORM_FIRST_ROW}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.calculation.fullCalcOnLoad = True
    wb.properties.title = localize(card.title, lang)
    wb.properties.creator = "csperf"
    return wb


def _dimension_block(
    ws: Any,
    card: Scorecard,
    lang: str,
    groups: list[tuple[str, list[Indicator]]],
    head: int,
    dim_row: dict[str, int],
    first: int,
    style: _Style,
) -> None:
    """Per dimension: nominal weight (C), points (D), weight applied (E), contribution (F)."""
    c = FORM_COLUMNS
    policy = card.missing
    p = card.precision
    _header(
        ws,
        head,
        [
            label("dimension", lang),
            label("dimension_weight", lang),
            label("dimension_points", lang),
            label("effective_weight", lang),
            label("contribution", lang),
        ],
        style,
        column=2,
    )
    dim_first, dim_last = head + 1, head + len(groups)
    c_all = f"$C${dim_first}:$C${dim_last}"
    d_all = f"$D${dim_first}:$D${dim_last}"
    row = first
    for dim, indicators in groups:
        start, end = row, row + len(indicators) - 1
        row = end + 1
        j = f"${c['weight_in_dimension']}${start}:${c['weight_in_dimension']}${end}"
        raw = f"${c['raw_value']}${start}:${c['raw_value']}${end}"
        m = f"${c['points']}${start}:${c['points']}${end}"
        r = dim_row[dim]
        if policy is MissingPolicy.REDISTRIBUTE:
            present = f'SUMPRODUCT({j},--({raw}<>""))'
            points = f'=IF({present}=0,"",SUMPRODUCT({j},--({raw}<>""),{m})/{present})'
            weight = f'=IF(D{r}="",0,C{r}/SUMPRODUCT({c_all},--({d_all}<>"")))'
            contribution = f'=IF(D{r}="",0,E{r}*D{r})'
        elif policy is MissingPolicy.ZERO:
            points = f"=SUMPRODUCT({j},{m})/SUM({j})"
            weight = f"=C{r}/SUM({c_all})"
            contribution = f"=E{r}*D{r}"
        else:
            points = f'=IF(COUNTBLANK({raw})>0,"",SUMPRODUCT({j},{m})/SUM({j}))'
            weight = f"=C{r}/SUM({c_all})"
            contribution = f'=IF(D{r}="","",E{r}*D{r})'
        values = (
            localize(card.dimension(dim).name, lang),
            card.weighting.dimensions[dim],
            points,
            weight,
            contribution,
        )
        formats = (None, "0.00%", decimals_format(p), "0.00%", decimals_format(p + 2))
        for offset, (value, fmt) in enumerate(zip(values, formats)):
            cell = ws.cell(row=r, column=2 + offset, value=value)
            cell.border = style.border
            if fmt is not None:
                cell.number_format = fmt


def _flag_validation(ref: str, lang: str, validation: Any) -> Any:
    """The data validation of a veto's input: a number (a count, 1 or 0) or TRUE/FALSE.

    Not a list of 1 and 0: a veto may read a count (``serious_complaints >= 1`` takes 2).
    """
    rule = validation(
        type="custom",
        formula1=f"OR(ISNUMBER({ref}),ISLOGICAL({ref}))",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        prompt=label("form_flag_hint", lang),
        error=label("form_flag_hint", lang),
    )
    rule.add(ref)
    return rule


def _rated_raw(ind: Indicator, rows: tuple[int, int]) -> str:
    r"""The raw value of a rated indicator: its sources' means combined, as csperf combines them.

    :math:`V = \sum_g e_g m_g` over the sources whose mean cell (F) holds a number, with the
    effective weights :math:`e_g = w_g / \sum w` of column G (a source left empty or marked
    "too few raters" takes no part, its weight moved to the others); "" when no source counts,
    so that the indicator is missing. Under ``no_ratings = "error"`` a source without a mean
    gives ``#N/A``, as csperf refuses the subject.
    """
    assert ind.raters is not None
    start, end = rows
    means, shares = f"$F${start}:$F${end}", f"$G${start}:$G${end}"
    counted = f"SUMPRODUCT(--ISNUMBER({means}))"
    value = f"SUMPRODUCT({shares},{means})"
    if ind.raters.no_ratings.value == "error":
        value = f"IF({counted}<{end - start + 1},NA(),{value})"
    return f'=IF({counted}=0,"",{value})'


def _ratings_block(
    ws: Any,
    lang: str,
    rated: list[Indicator],
    head: int,
    source_rows: dict[str, tuple[int, int]],
    style: _Style,
    validation: Any,
) -> None:
    """Per rated indicator, one row per source: its weight, raters needed, mean (input), share.

    Column B names the indicator, C the source, D holds the source's declared weight (a
    constant), E the raters it needs (:meth:`RatingSources.needed
    <csperf.ratings.RatingSources.needed>`), F the input: the mean of the source's ratings (its
    points on the indicator's scale), or empty or "too few raters" for a source withheld; G the
    effective weight ``IF(ISNUMBER(F), D / SUMPRODUCT(D:D, --ISNUMBER(F:F)), 0)``, the weights
    redistributed over the sources present as csperf does.
    """
    _header(
        ws,
        head,
        [
            label("indicator", lang),
            label("form_source", lang),
            label("form_source_weight", lang),
            label("form_raters_needed", lang),
            label("form_source_mean", lang),
            label("effective_weight", lang),
        ],
        style,
        column=2,
    )
    withheld = label("too_few_raters", lang)
    for ind in rated:
        assert ind.raters is not None
        assert ind.scale is not None
        start, end = source_rows[ind.key]
        weights, means = f"$D${start}:$D${end}", f"$F${start}:$F${end}"
        low, high = ind.scale.bounds
        error = ind.raters.no_ratings.value == "error"
        for r, rule in zip(range(start, end + 1), ind.raters.sources):
            needed = ind.raters.needed(rule.source)
            values = (
                localize(ind.name, lang),
                label(f"source.{rule.source.value}", lang),
                rule.weight,
                needed,
                None,
                f"=IF(ISNUMBER(F{r}),D{r}/SUMPRODUCT({weights},--ISNUMBER({means})),0)",
            )
            for offset, value in enumerate(values):
                cell = ws.cell(row=r, column=2 + offset, value=value)
                cell.border = style.border
            as_text(ws[f"B{r}"])
            ws[f"G{r}"].number_format = "0.00%"
            ws[f"F{r}"].fill = style.input_fill
            hint = label(
                "form_rated_hint.error" if error else "form_rated_hint",
                lang,
                low=f"{low:g}",
                high=f"{high:g}",
                needed=needed,
                withheld=withheld,
            )
            text = withheld.replace('"', '""')
            rule_cell = validation(
                type="custom",
                formula1=f'OR(AND(ISNUMBER(F{r}),F{r}>={excel_number(low)},'
                f'F{r}<={excel_number(high)}),F{r}="{text}")',
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                prompt=hint[:255],
                error=hint[:255],
            )
            rule_cell.add(f"F{r}")
            ws.add_data_validation(rule_cell)


@attrs.frozen
class _Items:
    """Where :func:`_items_block` put the card's veto and bonus or deduction lines.

    Attributes:
        next_row: The row of the total, below the block.
        total: The expression of the total before rounding, after the items.
        blanks: ``COUNTBLANK`` expressions of the inputs a total cannot go without.
        caps: (fired cell, band position) of each veto capping the grade.
        inputs: The input cells of the bonus and deduction items (numbers of events).
        flags: The input cells of the vetoes (a number, or TRUE/FALSE for a flag).
    """

    next_row: int
    total: str
    blanks: list[str]
    caps: list[tuple[str, int]]
    inputs: list[str]
    flags: list[str]


_EXCEL_OPERATORS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "==": "=", "!=": "<>"}


def _items_block(
    ws: Any, card: Scorecard, lang: str, row: int, weighted: str, style: _Style
) -> _Items:
    """The veto and bonus or deduction lines, below the dimensions (csperf.adjustments).

    Column B names the kind, C the item, D is the input (a number of events, or the value a
    veto's condition reads: a number, or 1/0 or TRUE/FALSE for a flag), E the item's amount
    ``MIN(D × points, cap)`` or the veto's condition, F the signed points applied or whether
    the veto fired (1 or 0), G the item's reason.
    The formulas are those of ``docs/explanation/form-items.rst``, in the same order.
    """
    policy = card.missing
    p = card.precision

    def lab(key: str) -> str:
        return label(key, lang)

    _header(
        ws,
        row,
        [
            lab("adjustments"),
            lab("indicator"),
            lab("raw_value"),
            lab("points"),
            lab("applied"),
            lab("reason"),
        ],
        style,
        column=2,
    )
    row += 1
    weighted_row = row
    ws[f"B{row}"] = lab("weighted_total")
    ws[f"F{row}"] = f"={weighted}"
    ws[f"F{row}"].number_format = decimals_format(p + 2)
    blanks: list[str] = []
    inputs: list[str] = []
    applied: dict[str, str] = {}
    rows: dict[str, int] = {}
    first_item = row + 1
    for item in card.adjustments:
        row += 1
        rows[item.key] = row
        applied[item.key] = f"$F${row}"
    bonus_cells = [applied[a.key] for a in card.adjustments if a.sign > 0]
    done_deductions: list[str] = []
    previous_bonus: list[str] = []
    for item in card.adjustments:
        r = rows[item.key]
        d = f"D{r}"
        amount = f"{d}*{excel_number(item.points)}"
        if item.cap is not None:
            amount = f"MIN({amount},{excel_number(item.cap)})"
        ws[f"B{r}"] = lab(f"adjustment.{item.kind.value}")
        as_text(ws.cell(row=r, column=3, value=cell_value(localize(item.label, lang))))
        reason = localize(item.reason, lang) if item.reason else None
        as_text(ws.cell(row=r, column=7, value=cell_value(reason)))
        ws[f"E{r}"] = f"=IF(ISBLANK({d}),0,IF(ISNUMBER({d}),IF({d}>=0,{amount},NA()),NA()))"
        if item.sign > 0:
            if card.bonus_cap is None:
                change = f"=E{r}"
            else:
                room = "-".join([excel_number(card.bonus_cap), *previous_bonus])
                change = f"=MIN(E{r},{room})"
            previous_bonus.append(f"F{r}")
        else:
            if item.floor is None:
                change = f"=-E{r}"
            else:
                running = "+".join([f"$F${weighted_row}", *bonus_cells, *done_deductions])
                change = f"=MAX(-E{r},MIN(0,{excel_number(item.floor)}-({running})))"
            done_deductions.append(f"F{r}")
        ws[f"F{r}"] = change
        ws[f"E{r}"].number_format = decimals_format(p + 2)
        ws[f"F{r}"].number_format = decimals_format(p + 2)
        ws[d].fill = style.input_fill
        inputs.append(d)
    if card.adjustments:
        if policy is MissingPolicy.ERROR:
            blanks.append(f"COUNTBLANK($D${first_item}:$D${row})")
        row += 1
        ws[f"B{row}"] = lab("adjusted_total")
        cells = ",".join(applied[a.key] for a in card.adjustments)
        ws[f"F{row}"] = (
            f"=MIN(MAX($F${weighted_row}+SUM({cells}),0),{excel_number(card.max_points)})"
        )
        ws[f"F{row}"].number_format = decimals_format(p + 2)
        adjusted = f"$F${row}"
    else:
        adjusted = f"$F${weighted_row}"
    total = adjusted
    caps: list[tuple[str, int]] = []
    flags: list[str] = []
    ordered = [b.key for b in card.grade_scale.ordered]
    first_veto = row + 1
    for veto in card.vetoes:
        row += 1
        d = f"D{row}"
        fired = f"$F${row}"
        missing = "1" if policy is MissingPolicy.ZERO else '""'
        # (--D) reads TRUE and FALSE as 1 and 0, as csperf reads a flag; a number is itself.
        test = f"(--{d}){_EXCEL_OPERATORS[veto.operator]}{excel_number(veto.threshold)}"
        ws[f"B{row}"] = label("vetoes", lang)
        as_text(ws.cell(row=row, column=3, value=cell_value(localize(veto.label, lang))))
        ws[f"E{row}"] = veto.condition()
        reason = localize(veto.reason, lang) if veto.reason else None
        as_text(ws.cell(row=row, column=7, value=cell_value(reason)))
        ws[f"F{row}"] = (
            f"=IF(ISBLANK({d}),{missing},"
            f"IF(OR(ISNUMBER({d}),ISLOGICAL({d})),IF({test},1,0),NA()))"
        )
        ws[d].fill = style.input_fill
        flags.append(d)
        if veto.effect.value == "zero":
            total = f"IF({fired}=1,0,{total})"
        elif veto.effect.value == "cap_total":
            assert veto.cap is not None
            total = f"IF({fired}=1,MIN({total},{excel_number(veto.cap)}),{total})"
        else:
            assert veto.grade is not None
            caps.append((fired, ordered.index(veto.grade)))
    if card.vetoes and policy is not MissingPolicy.ZERO:
        blanks.append(f"COUNTBLANK($D${first_veto}:$D${row})")
    for r in range(first_item - 1, row + 1):
        for column in "BCDEFG":
            ws[f"{column}{r}"].border = style.border
    return _Items(
        next_row=row + 2, total=total, blanks=blanks, caps=caps, inputs=inputs, flags=flags
    )


def write_form_xlsx(
    card: Scorecard,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    r"""Write the blank appraisal form (绩效考核表) of a scorecard as an Excel workbook.

    One row per indicator, grouped by dimension: dimension and its weight, indicator,
    definition, unit, direction, standards, the scoring rule written out, the weight within
    the dimension and the effective weight; a yellow input cell for the raw value; and live
    formulas for the points (see :func:`points_formula`) and the contribution
    (effective weight × points). Below: per dimension its points
    :math:`\sum_i w_i p_i / \sum_i w_i` (weights within the dimension), the weight applied
    and its contribution; the total ``ROUND(ROUND(SUM(contributions), g), precision)`` (see
    :func:`pre_round_digits`; Excel's ROUND, like csperf, rounds half away from zero); the
    grade, by ``LOOKUP`` on the grade scale with its closed ends; the grade scale; and what
    an empty input does, which follows the scorecard's missing policy:

    * ``error``: the total and grade stay empty until every raw value is filled in;
    * ``zero``: an empty raw value scores 0 points;
    * ``redistribute``: an empty raw value is not scored and its weight goes to the other
      indicators of its dimension in proportion to their weights (a dimension left empty
      passes its weight to the other dimensions likewise); the effective weights shown are
      the weights applied.

    A card with veto or bonus/deduction items (:doc:`/explanation/form-items`) gets a block of
    lines under the dimensions: the weighted total; per bonus or deduction item a yellow cell
    for its number of events, its amount ``MIN(events × points, cap)`` and the signed points
    applied (after the card's bonus cap, in the card's order, and the deduction's floor); the
    adjusted total ``MIN(MAX(weighted + Σ applied, 0), max_points)``; per veto a yellow cell
    for the value its condition reads (a number; for a flag 1 or 0, or TRUE or FALSE, read as 1
    and 0 as csperf reads them) and whether it fired (1 or 0). The
    total then applies the fired vetoes (``zero``, ``cap_total``) before the same rounding, and
    the grade is lowered to a fired ``cap_grade`` veto's band. A blank item input follows the
    missing policy as csperf does: no total under ``error`` (and, for a veto, under
    ``redistribute``); 0 events, or a fired veto, under ``zero``.

    A rated indicator (:attr:`Indicator.raters <csperf.Indicator.raters>`) is not typed: its
    raw value is a live formula over a block of its own under the dimensions, one row per
    source with the source's declared weight and the raters it needs (constants), a yellow cell
    for the mean of the source's ratings, and the source's effective weight
    ``IF(ISNUMBER(mean), weight / SUMPRODUCT(weights, --ISNUMBER(means)), 0)``; the raw value
    is ``SUMPRODUCT(effective weights, means)``, empty when no source has a mean. A source left
    empty or marked "too few raters" (评分人数不足) takes no part and its weight moves to the
    others, as :meth:`RatingSources.combine <csperf.ratings.RatingSources.combine>` does; under
    ``no_ratings = "error"`` it gives ``#N/A``, as csperf refuses the subject.

    Text typed into an input cell, or a raw value the rule cannot score, gives ``#N/A`` or
    ``#VALUE!``, never points. Filled in with the same raw values, the form gives the same
    total and grade as :meth:`csperf.Scorecard.evaluate`.

    Args:
        card: The scorecard.
        path: The ``.xlsx`` file to write; a failure leaves no partial file behind.
        lang: ``"en"`` or ``"zh"``, for labels and names.
        inputs: Files the form was made from, which it refuses to overwrite.

    Returns:
        The path written.

    Raises:
        ValidationError: For an unknown language, or an indicator whose scoring rule has no
            formula (a plugin's rule).
        ConfigError: When ``path`` is one of ``inputs``.
        CsperfError: When openpyxl (the ``csperf[excel]`` extra) is not installed.
    """
    import io

    from csperf._io import atomic_write_bytes, check_not_input

    check_lang(lang)
    check_not_input(path, inputs)
    buffer = io.BytesIO()
    _form_workbook(card, lang).save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())
