"""Views of rater agreement: a statistic, a calibration session, rater severity; HTML and Excel.

Each view reads one result of :mod:`csperf.agreement` and nothing else (the figures are computed
there, never here): an :class:`~csperf.agreement.Agreement` (the statistic with its numbers of
items, raters and ratings, its confidence interval when the method gives one, its standard
errors and its components), a :class:`~csperf.agreement.CalibrationSession` (each reviewer's
deviation from the baseline, the share of reviews within ± the tolerance, against the target)
or a :class:`~csperf.agreement.Severity` (each rater's offset, and the correction applied to the
scores, always stated). The HTML page has the frame, CSS and labels of the calibration views;
the workbook the styles of every csperf workbook.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from csperf.errors import ValidationError
from csperf.report._calibration import _e, _html_table, _lang, _page, _save, _workbook
from csperf.report._excel import _fit_widths, _header, _put, cell_value, sheet_names
from csperf.report._format import fixed

if TYPE_CHECKING:
    import os
    from pathlib import Path

    from csperf.agreement import Agreement, CalibrationSession, Severity

__all__ = ["render_agreement_html", "write_agreement_xlsx"]

_NOTHING = "—"


def _label(key: str, lang: str, **values: object) -> str:
    from csperf._labels import label

    return label(key, lang, **values)


def _kind(result: Any) -> str:
    from csperf.agreement import Agreement, CalibrationSession, Severity

    for kind, cls in (("agreement", Agreement), ("session", CalibrationSession)):
        if isinstance(result, cls):
            return kind
    if isinstance(result, Severity):
        return "severity"
    raise ValidationError(
        msg="expected an Agreement, a CalibrationSession or a Severity (csperf.agreement), "
        f"got {type(result).__name__}",
        obj="agreement view",
        field="result",
        value=type(result).__name__,
    )


def _pct(share: float) -> str:
    """A share as a percentage with one decimal (``0.75`` → ``75.0%``), rounded as csperf rounds."""
    return f"{fixed(share * 100, 1)}%"


def _num(value: float | None, decimals: int) -> str:
    """A number with ``decimals`` decimals, rounded half away from zero.

    ``—`` for None or NaN; ``-∞`` and ``∞`` for an infinite limit.
    """
    if value is not None and math.isnan(value):
        return _NOTHING
    return fixed(value, decimals)


def _signed(value: float) -> str:
    """A deviation or an offset with its sign and two decimals (``+2.50``, ``-11.00``)."""
    text = _num(value, 2)
    return f"+{text}" if value > 0 else text


# -- the rows of each view (one definition, for HTML and Excel) ---------------------------------


def _ci_method(result: Agreement, lang: str) -> str:
    """How the confidence interval was obtained, in words (with the bootstrap's parameters)."""
    ci = result.ci
    if ci is None:
        return _label("agreement.no_ci", lang)
    return _label(f"agreement.ci_method.{ci.method}", lang, resamples=ci.resamples, seed=ci.seed)


def _agreement_rows(result: Agreement, lang: str) -> list[tuple[str, Any, str | None]]:
    """(quantity, value, Excel number format) of a statistic, in the order shown."""
    rows: list[tuple[str, Any, str | None]] = [
        (_label("agreement.statistic", lang), result.method, None),
        (_label("agreement.value", lang), result.value, "0.000"),
        (_label("agreement.items", lang), result.items, "0"),
        (_label("agreement.raters", lang), result.raters, "0"),
        (_label("agreement.ratings", lang), result.ratings, "0"),
    ]
    ci = result.ci
    if ci is None:
        rows.append((_label("agreement.interval", lang), _label("agreement.no_ci", lang), None))
    else:
        level = _label("agreement.ci", lang, level=f"{ci.level:.0%}")
        rows += [
            (f"{level}{_label('colon', lang)}{_label('agreement.low', lang)}", ci.low, "0.000"),
            (f"{level}{_label('colon', lang)}{_label('agreement.high', lang)}", ci.high, "0.000"),
            (_label("agreement.interval", lang), _ci_method(result, lang), None),
        ]
    if result.standard_error is not None:
        rows.append((_label("agreement.standard_error", lang), result.standard_error, "0.0000"))
    if result.null_standard_error is not None:
        rows.append(
            (_label("agreement.null_standard_error", lang), result.null_standard_error, "0.0000")
        )
        rows.append((_label("agreement.z", lang), result.z, "0.000"))
    return rows


def _session_head(session: CalibrationSession, lang: str) -> list[str]:
    tolerance = f"{session.tolerance:g}"
    return [
        _label("session.reviewer", lang),
        _label("session.reviews", lang),
        _label("session.mean_deviation", lang),
        _label("session.mean_abs", lang),
        _label("session.largest", lang),
        _label("session.within", lang, tolerance=tolerance),
        _label("session.share", lang, tolerance=tolerance),
        _label("session.target", lang, target=_pct(session.target)),
    ]


def _met(met: bool, lang: str) -> str:
    return _label("session.met" if met else "session.not_met", lang)


def _baseline(session: CalibrationSession, lang: str) -> str:
    return _label(f"session.baseline.{session.baseline}", lang, expert=session.expert)


def _overall(session: CalibrationSession, lang: str) -> str:
    return _label(
        "session.overall",
        lang,
        within=session.within,
        reviews=session.reviews,
        tolerance=f"{session.tolerance:g}",
        share=_pct(session.share_within),
        target=_pct(session.target),
        met=_met(session.meets_target, lang),
    )


def _correction(severity: Severity, lang: str) -> str:
    """The correction applied, in words, with its parameters: never silent."""
    return _label(
        f"severity.correction.{severity.correction}",
        lang,
        consensus=_label(f"severity.consensus.{severity.consensus}", lang),
        mean=_num(severity.grand_mean, 2),
        sd=_num(severity.grand_sd or 0.0, 2),
    )


def _severity_head(lang: str) -> list[str]:
    return [
        _label("severity.rater", lang),
        _label("severity.ratings", lang),
        _label("severity.shared", lang),
        _label("severity.mean", lang),
        _label("severity.sd", lang),
        _label("severity.offset", lang),
    ]


def _scores_head(lang: str) -> list[str]:
    return [
        _label("severity.rater", lang),
        _label("severity.item", lang),
        _label("severity.corrected", lang),
    ]


# -- HTML -------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value for an Excel cell: a number, or for an infinite limit its text.

    No Excel number is infinite; the lower limit of ICC(2,k) is -∞ when that of ICC(2,1) is
    below −1/(k − 1).
    """
    if isinstance(value, float) and not math.isfinite(value):
        return _num(value, 0)
    return value


def _shown(value: Any, fmt: str | None) -> str:
    """A value of :func:`_agreement_rows` as text: numbers to the decimals of their format."""
    if value is None or isinstance(value, float):
        return _num(value, 4 if fmt == "0.0000" else 3)
    return str(value)


def _agreement_body(result: Agreement, lang: str) -> str:
    shown = _agreement_rows(result, lang)
    rows = [[_e(name), _e(_shown(value, fmt))] for name, value, fmt in shown]
    head = [_label("agreement.quantity", lang), _label("agreement.value", lang)]
    title = f"{result.method} = {_num(result.value, 3)}"
    parts = [f'<section class="summary"><h2>{_e(title)}</h2>', _html_table(head, rows, {1})]
    if result.components:
        parts.append(f"<h3>{_e(_label('agreement.components', lang))}</h3>")
        parts.append(
            _html_table(
                head,
                [[_e(k), _e(_shown(v, "0.0000"))] for k, v in result.components.items()],
                {1},
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _session_body(session: CalibrationSession, lang: str) -> str:
    rows = [
        [
            _e(r.reviewer),
            _e(r.reviews),
            _e(_signed(r.mean_deviation)),
            _e(_num(r.mean_absolute_deviation, 2)),
            _e(_signed(r.largest_deviation)),
            _e(r.within),
            _e(_pct(r.share_within)),
            _e(_met(r.meets_target, lang)),
        ]
        for r in session.reviewers
    ]
    colon = _label("colon", lang)
    facts = [
        f"{_e(_label('session.baseline', lang))}{_e(colon)}{_e(_baseline(session, lang))}",
        f"{_e(_label('session.tolerance', lang))}{_e(colon)}±{_e(f'{session.tolerance:g}')}",
        f"{_e(_label('session.items', lang))}{_e(colon)}{_e(session.items)}",
    ]
    return (
        f'<section class="summary"><h2>{_e(_overall(session, lang))}</h2>'
        f"<p>{' · '.join(facts)}</p>"
        f"{_html_table(_session_head(session, lang), rows, {1, 2, 3, 4, 5, 6})}</section>"
    )


def _severity_body(severity: Severity, lang: str) -> str:
    rows = [
        [
            _e(r.rater),
            _e(r.ratings),
            _e(r.shared),
            _e(_num(r.mean, 2)),
            _e(_num(r.sd, 2)),
            _e(_signed(r.offset)),
        ]
        for r in severity.raters
    ]
    colon = _label("colon", lang)
    parts = [
        f'<section class="summary"><h2>{_e(_label("severity.correction", lang))}{_e(colon)}'
        f"{_e(_correction(severity, lang))}</h2>",
        f"<p>{_e(_label('severity.consensus', lang))}{_e(colon)}"
        f"{_e(_label(f'severity.consensus.{severity.consensus}', lang))}</p>",
        _html_table(_severity_head(lang), rows, {1, 2, 3, 4, 5}),
    ]
    if severity.correction != "none":
        parts.append(f"<h3>{_e(_label('severity.corrected_scores', lang))}</h3>")
        parts.append(
            _html_table(
                _scores_head(lang),
                [[_e(who), _e(what), _e(_num(v, 2))] for (who, what), v in severity.scores.items()],
                {2},
            )
        )
    parts.append("</section>")
    return "".join(parts)


def render_agreement_html(
    result: Agreement | CalibrationSession | Severity, *, lang: str | None = None
) -> str:
    """A rater-agreement result as one self-contained HTML page.

    * an :class:`~csperf.agreement.Agreement`: the statistic, its numbers of items, raters and
      ratings, its confidence interval and how it was obtained (or "none" where the method
      gives none), the standard errors and z, and the components;
    * a :class:`~csperf.agreement.CalibrationSession`: the baseline, the tolerance, the share
      of all reviews within it against the target, and per reviewer the mean deviation, the
      mean absolute and the largest deviation, the reviews within ± the tolerance, their share
      and whether the target is met;
    * a :class:`~csperf.agreement.Severity`: the correction applied, in words with its
      parameters (never silent), each rater's mean, SD and offset from the consensus, and the
      corrected scores (unless the correction is ``none``).

    Every text is HTML-escaped (a rater named ``<b>`` shows as such).

    Args:
        result: The result of :func:`~csperf.agreement.icc`,
            :func:`~csperf.agreement.cohen_kappa`, :func:`~csperf.agreement.fleiss_kappa`,
            :func:`~csperf.agreement.krippendorff_alpha`,
            :func:`~csperf.agreement.calibration_session` or
            :func:`~csperf.agreement.rater_severity`.
        lang: ``"en"`` (the default) or ``"zh"``.

    Raises:
        ValidationError: For another kind of result or an unknown language.

    Examples:
        >>> from csperf.agreement import calibration_session
        >>> rows = [("lead", 1, 80), ("ann", 1, 85), ("bo", 1, 60),
        ...         ("lead", 2, 90), ("ann", 2, 90), ("bo", 2, 88)]
        >>> session = calibration_session(
        ...     [dict(zip(("rater", "item", "score"), row)) for row in rows], expert="lead")
        >>> page = render_agreement_html(session)
        >>> "3 of 4 reviews within ±10 (75.0%): target 85.0% not met" in page
        True
    """
    lang = _lang(lang)
    kind = _kind(result)
    title = _label(f"{kind}.title", lang)
    if kind == "agreement":
        body = _agreement_body(result, lang)  # type: ignore[arg-type]
    elif kind == "session":
        body = _session_body(result, lang)  # type: ignore[arg-type]
    else:
        body = _severity_body(result, lang)  # type: ignore[arg-type]
    return _page(title, lang, [], body)


# -- Excel ------------------------------------------------------------------------------------


def _table(
    ws: Any,
    row: int,
    head: list[str],
    rows: list[list[Any]],
    style: Any,
    formats: dict[int, str] | None = None,
) -> int:
    """A header at ``row`` and the rows under it; returns the next free row."""
    _header(ws, row, head, style)
    for values in rows:
        row += 1
        for c, value in enumerate(values, start=1):
            _put(ws, row, c, value, style, (formats or {}).get(c))
    return row + 2


def write_agreement_xlsx(
    result: Agreement | CalibrationSession | Severity,
    path: str | os.PathLike[str],
    *,
    lang: str | None = None,
) -> Path:
    """Write a rater-agreement result as an Excel workbook, atomically.

    The figures of :func:`render_agreement_html`, as numbers with number formats: for a
    statistic one sheet (the statistic, items, raters, ratings, the interval's limits and how it
    was obtained, the standard errors, z, then the components); for a calibration session one
    sheet (the baseline, the tolerance, the overall share and target, then one row per
    reviewer); for rater severity a sheet of the raters (the correction applied written above
    them) and a sheet of the corrected scores. Texts that Excel would read as a formula (``=``,
    ``+``, ``-``, ``@``, a tab) stay text.

    Args:
        result: An :class:`~csperf.agreement.Agreement`, a
            :class:`~csperf.agreement.CalibrationSession` or a
            :class:`~csperf.agreement.Severity`.
        path: The ``.xlsx`` file; a failure leaves no partial file behind.
        lang: ``"en"`` (the default) or ``"zh"``.

    Returns:
        The path written.

    Raises:
        ValidationError: For another kind of result or an unknown language.
        CsperfError: When openpyxl (the ``csperf[excel]`` extra) is not installed.

    Examples:
        >>> import pathlib, tempfile
        >>> from csperf.agreement import rater_severity
        >>> rows = [("a", 1, 80), ("b", 1, 70), ("a", 2, 90), ("b", 2, 80)]
        >>> found = rater_severity([dict(zip(("rater", "item", "score"), r)) for r in rows],
        ...                        correction="offset")
        >>> path = write_agreement_xlsx(found, pathlib.Path(tempfile.mkdtemp()) / "s.xlsx")
        >>> path.name
        's.xlsx'
    """
    lang = _lang(lang)
    kind = _kind(result)
    workbook, style = _workbook()
    ws = workbook.active
    title = _label(f"{kind}.title", lang)
    ws.title = sheet_names([title])[0]
    ws.cell(row=1, column=1, value=cell_value(title)).font = style.title
    if kind == "agreement":
        stat: Agreement = result  # type: ignore[assignment]
        rows = _agreement_rows(stat, lang)
        head = [_label("agreement.quantity", lang), _label("agreement.value", lang)]
        _header(ws, 3, head, style)
        row = 3
        for name, value, fmt in rows:
            row += 1
            _put(ws, row, 1, name, style)
            _put(ws, row, 2, _cell(value), style, fmt)
        if stat.components:
            row += 2
            ws.cell(row=row, column=1, value=_label("agreement.components", lang)).font = style.bold
            components = [[k, _cell(v)] for k, v in stat.components.items()]
            _table(ws, row + 1, head, components, style, {2: "0.0000"})
    elif kind == "session":
        session: CalibrationSession = result  # type: ignore[assignment]
        tolerance = f"{session.tolerance:g}"
        facts = [
            (_label("session.baseline", lang), _baseline(session, lang), None),
            (_label("session.tolerance", lang), session.tolerance, "0.##"),
            (_label("session.items", lang), session.items, "0"),
            (_label("session.reviews", lang), session.reviews, "0"),
            (_label("session.within", lang, tolerance=tolerance), session.within, "0"),
            (_label("session.share", lang, tolerance=tolerance), session.share_within, "0.0%"),
            (_label("session.target_share", lang), session.target, "0.0%"),
            (_label("session.result", lang), _met(session.meets_target, lang), None),
        ]
        row = 2
        for name, value, fmt in facts:
            row += 1
            _put(ws, row, 1, name, style).font = style.bold
            _put(ws, row, 2, value, style, fmt)
        _table(
            ws,
            row + 2,
            _session_head(session, lang),
            [
                [
                    r.reviewer,
                    r.reviews,
                    r.mean_deviation,
                    r.mean_absolute_deviation,
                    r.largest_deviation,
                    r.within,
                    r.share_within,
                    _met(r.meets_target, lang),
                ]
                for r in session.reviewers
            ],
            style,
            {2: "0", 3: "+0.00;-0.00;0.00", 4: "0.00", 5: "+0.00;-0.00;0.00", 6: "0", 7: "0.0%"},
        )
    else:
        severity: Severity = result  # type: ignore[assignment]
        colon = _label("colon", lang)
        correction = f"{_label('severity.correction', lang)}{colon}{_correction(severity, lang)}"
        ws.cell(row=2, column=1, value=cell_value(correction)).font = style.bold
        consensus = _label(f"severity.consensus.{severity.consensus}", lang)
        ws.cell(row=3, column=1, value=f"{_label('severity.consensus', lang)}{colon}{consensus}")
        _table(
            ws,
            5,
            _severity_head(lang),
            [[r.rater, r.ratings, r.shared, r.mean, r.sd, r.offset] for r in severity.raters],
            style,
            {2: "0", 3: "0", 4: "0.00", 5: "0.00", 6: "+0.00;-0.00;0.00"},
        )
        scores = workbook.create_sheet(
            sheet_names([_label("severity.corrected_scores", lang)], taken=[ws.title])[0]
        )
        scores.cell(row=1, column=1, value=cell_value(correction)).font = style.bold
        _table(
            scores,
            3,
            _scores_head(lang),
            [[who, what, v] for (who, what), v in severity.scores.items()],
            style,
            {3: "0.00"},
        )
        _fit_widths(scores)
    _fit_widths(ws)
    return _save(workbook, path)
