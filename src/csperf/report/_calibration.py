"""Views of the periodic review: the before/after grade table and the sensitivity chart.

:func:`render_calibration` and :func:`write_calibration` show a :class:`~csperf.Calibration`
(each subject's earned and calibrated grade, the quotas asked and met, the audit of every move);
:func:`render_whatif` and :func:`write_whatif` show a :class:`~csperf.WhatIf` and, optionally, a
:class:`~csperf.Sensitivity` (the agreement of each scenario with the baseline, the grade
changes, the per-subject flip rate as a bar chart, the one-at-a-time shifts). Formats: ``table``
(plain text), ``csv``, ``json``, ``html`` (one self-contained page) and, written to a file,
``xlsx``. Renderers only: every figure comes from the result objects.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csperf._labels import check_lang, label
from csperf.errors import ValidationError
from csperf.report._format import fixed
from csperf.report._svg import band_colours, bar_chart
from csperf.report._table import pad
from csperf.text import localize

if TYPE_CHECKING:
    import os

    from csperf.calibration import Calibration
    from csperf.results import BatchResult
    from csperf.sensitivity import RankAgreement, Sensitivity, WhatIf

__all__ = ["render_calibration", "render_whatif", "write_calibration", "write_whatif"]

TEXT_FORMATS = ("table", "csv", "json", "html")
"""The formats :func:`render_calibration` and :func:`render_whatif` return as text."""

FILE_FORMATS = (*TEXT_FORMATS, "xlsx")
"""The formats :func:`write_calibration` and :func:`write_whatif` write."""

_SUFFIXES = {".txt": "table", ".csv": "csv", ".json": "json", ".html": "html", ".xlsx": "xlsx"}


def _format(fmt: str | None, path: Path | None, obj: str, choices: tuple[str, ...]) -> str:
    if fmt is None and path is not None:
        fmt = _SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ValidationError(
                msg=f"cannot tell the format from the suffix {path.suffix!r}: pass format= "
                f"({', '.join(choices)})",
                obj=obj,
                field="format",
                value=str(path),
            )
    if fmt not in choices:
        raise ValidationError(
            msg=f"format must be one of {', '.join(choices)}, got {fmt!r}",
            obj=obj,
            field="format",
            value=fmt,
        )
    return fmt


def _lang(lang: str | None) -> str:
    return "en" if lang is None else check_lang(lang)


def _grade(batch: BatchResult, key: str, lang: str) -> str:
    scale = batch.grade_scale
    if scale is None:
        return key
    return localize(scale.band(key).label, lang)


def _decimals(batch: BatchResult) -> int:
    return 2 if batch.precision is None else batch.precision


def _ratio(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def _share(value: float) -> str:
    return "—" if math.isnan(value) else f"{value * 100:.1f}%"


def _text_table(header: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    from csperf.report._table import display_width

    widths = [display_width(h) for h in header]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            pad(c, w, right=i in numeric) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _e(value: object) -> str:
    from html import escape

    return escape(str(value), quote=True)


def _html_table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, lang: str, meta: list[str], body: str) -> str:
    from importlib import resources

    from csperf._version import __version__

    css = resources.files("csperf.report").joinpath("report.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="csperf {_e(__version__)}">'
        f"<title>{_e(title)}</title><style>{css}</style></head><body>"
        f'<header class="page"><h1>{_e(title)}</h1><p class="meta">'
        + "".join(f"<span>{m}</span>" for m in meta)
        + f'</p></header><main>{body}</main><footer class="page">'
        f"{_e(label('generated_by', lang))} {_e(__version__)}</footer></body></html>\n"
    )


def _card_meta(batch: BatchResult, lang: str) -> list[str]:
    colon = _e(label("colon", lang))
    return [
        f"{_e(label('scorecard', lang))}{colon}<code>{_e(batch.scorecard)}</code> "
        f"v{_e(batch.version)}",
        f"{_e(label('fingerprint', lang))}{colon}<code>{_e(batch.fingerprint[:12])}</code>",
    ]


def _pill(batch: BatchResult, key: str, lang: str) -> str:
    hue = band_colours(batch.grade_scale).get(key) if batch.grade_scale is not None else None
    style = (
        f' style="background:hsl({hue:.0f},62%,90%);color:hsl({hue:.0f},60%,26%)"'
        if hue is not None
        else ' style="background:#eef1f4"'
    )
    return f'<span class="pill"{style}>{_e(_grade(batch, key, lang))}</span>'


# -- calibration ---------------------------------------------------------------------------------


def _calibration_rows(calibration: Calibration, lang: str) -> tuple[list[str], list[list[Any]]]:
    header = [label("subject", lang)]
    if calibration.teams is not None:
        header.append(label("team", lang))
    header += [
        label("total", lang),
        label("rank", lang),
        label("calibration.original", lang),
        label("calibration.calibrated", lang),
        label("calibration.moved", lang),
    ]
    rows = []
    for record in calibration.to_records():
        row: list[Any] = ["" if record["subject"] is None else record["subject"]]
        if calibration.teams is not None:
            row.append(record["team"])
        row += [
            record["total"],
            record["rank"],
            record["original"],
            record["calibrated"],
            record["moved"],
        ]
        rows.append(row)
    return header, rows


def _arrow(calibration: Calibration, original: str, calibrated: str) -> str:
    """↑ for a better calibrated grade, ↓ for a worse one, nothing when it did not move."""
    if original == calibrated:
        return ""
    bands = calibration.bands  # best first
    return "↑" if bands.index(calibrated) < bands.index(original) else "↓"


def _quota_rows(calibration: Calibration, lang: str) -> tuple[list[str], list[list[Any]]]:
    header = [
        label("team", lang),
        label("grade", lang),
        label("calibration.share", lang),
        label("calibration.places", lang),
        label("calibration.met", lang),
    ]
    everyone = label("calibration.where.all", lang)
    rows = [
        [everyone if q.scope is None else q.scope, q.band, q.share, q.size, q.met]
        for q in calibration.quotas
    ]
    return header, rows


def render_calibration(
    calibration: Calibration, format: str = "table", *, lang: str | None = None
) -> str:
    """A calibration as text: the before/after grade table, the quotas and the audit.

    Args:
        calibration: The :class:`~csperf.Calibration`.
        format: ``"table"`` (plain text for a terminal), ``"csv"`` (one row per subject),
            ``"json"`` (:meth:`Calibration.to_dict <csperf.Calibration.to_dict>`) or
            ``"html"`` (one self-contained page).
        lang: ``"en"`` (the default) or ``"zh"``: the words and the grade labels.

    Raises:
        ValidationError: For an unknown format or language.

    Examples:
        >>> from csperf import calibrate
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> result = calibrate(card.evaluate_many(table), [0, 50, 50, 0])
        >>> print(render_calibration(result, "csv"), end="")
        Subject,Total,Rank,Earned grade,Calibrated grade,Moved
        ann,90.3,1,excellent,good,True
        bo,87.8,2,good,pass,True
    """
    lang = _lang(lang)
    fmt = _format(format, None, "render_calibration", TEXT_FORMATS)
    batch = calibration.batch
    header, rows = _calibration_rows(calibration, lang)
    first_grade = 3 if calibration.teams is None else 4
    if fmt == "json":
        return json.dumps(calibration.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(header, rows)
    decimals = _decimals(batch)
    q_header, q_rows = _quota_rows(calibration, lang)
    if fmt == "table":
        shown = [
            [
                *(str(c) for c in r[: first_grade - 2]),
                fixed(r[first_grade - 2], decimals),
                str(r[first_grade - 1]),
                _grade(batch, r[first_grade], lang),
                _grade(batch, r[first_grade + 1], lang),
                _arrow(calibration, r[first_grade], r[first_grade + 1]),
            ]
            for r in rows
        ]
        lines = [label("calibration.title", lang), ""]
        lines += _text_table(header, shown, {first_grade - 2, first_grade - 1})
        lines += ["", label("calibration.quotas", lang), ""]
        lines += _text_table(
            q_header,
            [
                [str(r[0]), _grade(batch, r[1], lang), _share(r[2]), str(r[3]), str(r[4])]
                for r in q_rows
            ],
            {2, 3, 4},
        )
        if calibration.moved:
            lines += ["", label("calibration.audit", lang), ""]
            lines += [
                f"{'' if m.subject is None else m.subject}: {m.describe(lang)}"
                for m in calibration.moved
            ]
        return "\n".join(lines) + "\n"
    # html
    table = _html_table(
        header,
        [
            [
                *(_e(c) for c in r[: first_grade - 2]),
                _e(fixed(r[first_grade - 2], decimals)),
                _e(r[first_grade - 1]),
                _pill(batch, r[first_grade], lang),
                _pill(batch, r[first_grade + 1], lang),
                _arrow(calibration, r[first_grade], r[first_grade + 1]),
            ]
            for r in rows
        ],
        {first_grade - 2, first_grade - 1},
    )
    quotas = _html_table(
        q_header,
        [
            [_e(r[0]), _pill(batch, r[1], lang), _e(_share(r[2])), _e(r[3]), _e(r[4])]
            for r in q_rows
        ],
        {2, 3, 4},
    )
    audit = "".join(
        f"<li><b>{_e('' if m.subject is None else m.subject)}</b>: {_e(m.describe(lang))}</li>"
        for m in calibration.moved
    )
    body = (
        f'<section class="summary"><h2>{_e(label("calibration.title", lang))}</h2>{table}'
        f"<h3>{_e(label('calibration.quotas', lang))}</h3>{quotas}"
        f"<h3>{_e(label('calibration.audit', lang))}</h3>"
        f'<ul class="notes">{audit}</ul></section>'
    )
    return _page(label("calibration.title", lang), lang, _card_meta(batch, lang), body)


def _xlsx_sheet(ws: Any, title: str, header: list[str], rows: list[list[Any]], style: Any) -> None:
    from csperf.report._excel import _fit_widths, _header, _put, cell_value

    ws.cell(row=1, column=1, value=cell_value(title)).font = style.title
    _header(ws, 3, header, style)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            _put(ws, r, c, value, style)
    _fit_widths(ws)


def _save(workbook: Any, path: str | os.PathLike[str]) -> Path:
    from csperf._io import atomic_write_bytes

    buffer = io.BytesIO()
    workbook.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def _workbook() -> tuple[Any, Any]:
    from csperf.report._excel import _Style, load_openpyxl

    openpyxl = load_openpyxl()
    workbook = openpyxl.Workbook()
    workbook.properties.creator = "csperf"
    return workbook, _Style(openpyxl)


def write_calibration(
    calibration: Calibration,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    lang: str | None = None,
) -> Path:
    """Write a calibration to a file, atomically.

    ``xlsx`` writes three sheets: the before/after grade table, the quotas asked and met, and
    the audit (one row per move, with its reason); the text formats are those of
    :func:`render_calibration`.

    Args:
        calibration: The :class:`~csperf.Calibration`.
        path: The file to write.
        format: ``table``, ``csv``, ``json``, ``html`` or ``xlsx``; by default from the suffix
            (``.txt``, ``.csv``, ``.json``, ``.html``, ``.xlsx``).
        lang: ``"en"`` (the default) or ``"zh"``.

    Returns:
        The path written.

    Raises:
        ValidationError: For an unknown format or language.
        CsperfError: For ``xlsx`` without openpyxl (the ``csperf[excel]`` extra).

    Examples:
        >>> import pathlib, tempfile
        >>> from csperf import calibrate
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> result = calibrate(card.evaluate_many(table), [0, 50, 50, 0])
        >>> path = write_calibration(result, pathlib.Path(tempfile.mkdtemp()) / "cal.xlsx")
        >>> path.name, path.stat().st_size > 0
        ('cal.xlsx', True)
    """
    from csperf._io import atomic_write_text

    lang = _lang(lang)
    fmt = _format(format, Path(path), "write_calibration", FILE_FORMATS)
    if fmt != "xlsx":
        return atomic_write_text(path, render_calibration(calibration, fmt, lang=lang))
    batch = calibration.batch
    workbook, style = _workbook()
    header, rows = _calibration_rows(calibration, lang)
    grade_at = 3 if calibration.teams is None else 4
    shown = [
        [
            *r[:grade_at],
            _grade(batch, r[grade_at], lang),
            _grade(batch, r[grade_at + 1], lang),
            _arrow(calibration, r[grade_at], r[grade_at + 1]),
        ]
        for r in rows
    ]
    sheet = workbook.active
    sheet.title = label("calibration.title", lang)[:31]
    _xlsx_sheet(sheet, label("calibration.title", lang), header, shown, style)
    q_header, q_rows = _quota_rows(calibration, lang)
    _xlsx_sheet(
        workbook.create_sheet(label("calibration.quotas", lang)),
        label("calibration.quotas", lang),
        q_header,
        [[r[0], _grade(batch, r[1], lang), r[2], r[3], r[4]] for r in q_rows],
        style,
    )
    for row in range(4, 4 + len(q_rows)):
        workbook[label("calibration.quotas", lang)].cell(row=row, column=3).number_format = "0.0%"
    _xlsx_sheet(
        workbook.create_sheet(label("calibration.reason", lang)),
        label("calibration.audit", lang),
        [label("subject", lang), label("calibration.reason", lang)],
        [["" if m.subject is None else m.subject, m.describe(lang)] for m in calibration.moved],
        style,
    )
    return _save(workbook, path)


# -- what-if and sensitivity ---------------------------------------------------------------------


def _agreement_cells(agreement: RankAgreement) -> list[float]:
    return [
        agreement.spearman,
        agreement.kendall,
        agreement.top_k,
        agreement.bottom_k,
        agreement.flipped,
    ]


def _agreement_header(k: int, lang: str, first: str) -> list[str]:
    return [
        first,
        label("whatif.spearman", lang),
        label("whatif.kendall", lang),
        label("whatif.top_k", lang, k=k),
        label("whatif.bottom_k", lang, k=k),
        label("whatif.flipped", lang),
    ]


def _scenario_rows(whatif: WhatIf) -> list[list[Any]]:
    return [[s.name, *_agreement_cells(s.agreement)] for s in whatif.scenarios]


def _change_rows(whatif: WhatIf) -> list[list[Any]]:
    return [
        [
            s.name,
            "" if c.subject is None else c.subject,
            c.before,
            c.after,
            c.delta,
            c.grade_before,
            c.grade_after,
        ]
        for s in whatif.scenarios
        for c in s.changes
    ]


def _change_header(lang: str) -> list[str]:
    return [
        label("whatif.scenario", lang),
        label("subject", lang),
        label("whatif.before", lang),
        label("whatif.after", lang),
        label("whatif.delta", lang),
        label("whatif.grade_before", lang),
        label("whatif.grade_after", lang),
    ]


def _summary_rows(sensitivity: Sensitivity, lang: str) -> tuple[list[str], list[list[Any]]]:
    summary = sensitivity.summary()
    names = {
        "spearman": label("whatif.spearman", lang),
        "kendall": label("whatif.kendall", lang),
        "top_k": label("whatif.top_k", lang, k=sensitivity.k),
        "bottom_k": label("whatif.bottom_k", lang, k=sensitivity.k),
        "flipped": label("whatif.flipped", lang),
    }
    header = [
        label("whatif.statistic", lang),
        label("whatif.mean", lang),
        label("whatif.min", lang),
        label("whatif.p05", lang),
        label("whatif.median", lang),
    ]
    rows = [
        [
            names[key],
            *(math.nan if v is None else v for v in (s["mean"], s["min"], s["p05"], s["median"])),
        ]
        for key, s in summary.items()
    ]
    return header, rows


def _oat_rows(sensitivity: Sensitivity) -> list[list[Any]]:
    return [
        [p.dimension, p.shift, *_agreement_cells(p.agreement)] for p in sensitivity.one_at_a_time
    ]


def _oat_header(sensitivity: Sensitivity, lang: str) -> list[str]:
    header = _agreement_header(sensitivity.k, lang, label("dimension", lang))
    return [header[0], label("whatif.shift", lang), *header[1:]]


def _at_stake(sensitivity: Sensitivity) -> list[tuple[str | None, str, float]]:
    """The subjects whose grade flips in some draw: (subject, grade, flip rate), most first."""
    base = sensitivity.baseline
    found = [
        (subject, grade, rate)
        for subject, grade, rate in zip(
            base.subjects, base.grades.tolist(), sensitivity.flip_rate.tolist()
        )
        if rate > 0
    ]
    return sorted(found, key=lambda item: -item[2])  # stable: rows in order among equals


def _held_note(sensitivity: Sensitivity, lang: str) -> str:
    held = int((sensitivity.flip_rate == 0).sum())
    return label("whatif.held", lang, held=held, subjects=len(sensitivity.baseline))


def _sensitivity_title(sensitivity: Sensitivity, lang: str) -> str:
    return label("whatif.sensitivity", lang, draws=sensitivity.draws, method=sensitivity.method)


def render_whatif(
    whatif: WhatIf,
    sensitivity: Sensitivity | None = None,
    format: str = "table",
    *,
    lang: str | None = None,
) -> str:
    """What-if scenarios, and optionally a sensitivity analysis, as text.

    The view holds each scenario's agreement with the baseline (Spearman ρ, Kendall τ-b,
    top-k and bottom-k overlap, share of grades flipped), every grade change (totals before
    and after, the change, both grades) and, with ``sensitivity``, the summary of the Monte
    Carlo draws, the one-at-a-time shifts and each subject's flip rate (in HTML, a bar chart).

    Args:
        whatif: The :class:`~csperf.WhatIf`.
        sensitivity: A :class:`~csperf.Sensitivity` of the same population, or None.
        format: ``"table"``, ``"csv"`` (the grade changes, one row each), ``"json"`` or
            ``"html"``.
        lang: ``"en"`` (the default) or ``"zh"``.

    Raises:
        ValidationError: For an unknown format or language.

    Examples:
        >>> from csperf import shift_dimension, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> found = whatif(card, table, {"teamwork +5": shift_dimension(card.weighting,
        ...                                                       "teamwork", 5)})
        >>> print(render_whatif(found, format="csv"), end="")
        Scenario,Subject,Baseline total,Scenario total,Change,Baseline grade,Scenario grade
        teamwork +5,ann,90.3,89.84,-0.46,excellent,good
    """
    lang = _lang(lang)
    fmt = _format(format, None, "render_whatif", TEXT_FORMATS)
    base = whatif.baseline
    if fmt == "json":
        data = {
            "whatif": whatif.to_dict(),
            "sensitivity": None if sensitivity is None else sensitivity.to_dict(),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    changes = _change_rows(whatif)
    if fmt == "csv":
        return _csv(_change_header(lang), changes)
    decimals = _decimals(base)
    k = whatif.scenarios[0].agreement.k if whatif.scenarios else 1
    scen_header = _agreement_header(k, lang, label("whatif.scenario", lang))

    def agreement_texts(cells: list[Any]) -> list[str]:
        return [*(_ratio(v) for v in cells[:4]), _share(cells[4])]

    scen_rows = [[r[0], *agreement_texts(r[1:])] for r in _scenario_rows(whatif)]
    change_texts = [
        [
            r[0],
            r[1],
            fixed(r[2], decimals),
            fixed(r[3], decimals),
            f"{r[4]:+.{decimals}f}",
            _grade(base, r[5], lang),
            _grade(base, r[6], lang),
        ]
        for r in changes
    ]
    if fmt == "table":
        lines = [label("whatif.title", lang), ""]
        if whatif.scenarios:
            lines += _text_table(scen_header, scen_rows, {1, 2, 3, 4, 5})
            lines += ["", label("whatif.changes", lang), ""]
            if change_texts:
                lines += _text_table(_change_header(lang), change_texts, {2, 3, 4})
            else:
                lines.append(label("whatif.no_changes", lang))
        if sensitivity is not None:
            lines += ["", _sensitivity_title(sensitivity, lang), ""]
            header, rows = _summary_rows(sensitivity, lang)
            lines += _text_table(
                header, [[r[0], *(_ratio(v) for v in r[1:])] for r in rows], {1, 2, 3, 4}
            )
            if sensitivity.one_at_a_time:
                lines += ["", label("whatif.one_at_a_time", lang), ""]
                lines += _text_table(
                    _oat_header(sensitivity, lang),
                    [[r[0], f"{r[1]:+g}", *agreement_texts(r[2:])] for r in _oat_rows(sensitivity)],
                    {1, 2, 3, 4, 5, 6},
                )
            if sensitivity.draws:
                lines += ["", label("whatif.flip_rate", lang), ""]
                at_stake = _at_stake(sensitivity)
                if at_stake:
                    lines += _text_table(
                        [
                            label("subject", lang),
                            label("grade", lang),
                            label("whatif.flipped", lang),
                        ],
                        [[str(s), _grade(base, g, lang), _share(r)] for s, g, r in at_stake],
                        {2},
                    )
                lines.append(_held_note(sensitivity, lang))
        return "\n".join(lines) + "\n"
    # html
    parts = [f'<section class="summary"><h2>{_e(label("whatif.scenarios", lang))}</h2>']
    if whatif.scenarios:
        parts.append(
            _html_table(scen_header, [[_e(c) for c in r] for r in scen_rows], {1, 2, 3, 4, 5})
        )
        parts.append(f"<h3>{_e(label('whatif.changes', lang))}</h3>")
        if changes:
            parts.append(
                _html_table(
                    _change_header(lang),
                    [
                        [
                            *(_e(c) for c in t[:5]),
                            _pill(base, r[5], lang),
                            _pill(base, r[6], lang),
                        ]
                        for t, r in zip(change_texts, changes)
                    ],
                    {2, 3, 4},
                )
            )
        else:
            parts.append(f"<p>{_e(label('whatif.no_changes', lang))}</p>")
    parts.append("</section>")
    if sensitivity is not None:
        title = _sensitivity_title(sensitivity, lang)
        header, rows = _summary_rows(sensitivity, lang)
        parts.append(f'<section class="summary"><h2>{_e(title)}</h2>')
        if sensitivity.draws:
            at_stake = _at_stake(sensitivity)
            if at_stake:
                chart = bar_chart(
                    [str(subject) for subject, _g, _r in at_stake],
                    [rate * 100 for _s, _g, rate in at_stake],
                    100.0,
                    decimals=0,
                    title=label("whatif.flip_rate", lang),
                )
                parts.append(
                    f'<figure style="max-width:36rem">{chart}<figcaption>'
                    f"{_e(label('whatif.flip_rate', lang))} (%)</figcaption></figure>"
                )
            parts.append(f"<p>{_e(_held_note(sensitivity, lang))}</p>")
            parts.append(
                _html_table(
                    header,
                    [[_e(r[0]), *(_e(_ratio(v)) for v in r[1:])] for r in rows],
                    {1, 2, 3, 4},
                )
            )
        if sensitivity.one_at_a_time:
            parts.append(f"<h3>{_e(label('whatif.one_at_a_time', lang))}</h3>")
            parts.append(
                _html_table(
                    _oat_header(sensitivity, lang),
                    [
                        [_e(r[0]), _e(f"{r[1]:+g}"), *(_e(t) for t in agreement_texts(r[2:]))]
                        for r in _oat_rows(sensitivity)
                    ],
                    {1, 2, 3, 4, 5, 6},
                )
            )
        parts.append("</section>")
    return _page(label("whatif.title", lang), lang, _card_meta(base, lang), "".join(parts))


def write_whatif(
    whatif: WhatIf,
    path: str | os.PathLike[str],
    sensitivity: Sensitivity | None = None,
    format: str | None = None,
    *,
    lang: str | None = None,
) -> Path:
    """Write what-if scenarios (and a sensitivity analysis) to a file, atomically.

    ``xlsx`` writes a sheet of the scenarios' agreement with the baseline, a sheet of the grade
    changes and, with ``sensitivity``, a sheet with the summary of the draws, the
    one-at-a-time shifts and each subject's flip rate with an Excel bar chart of it; the text
    formats are those of :func:`render_whatif`.

    Args:
        whatif: The :class:`~csperf.WhatIf`.
        path: The file to write.
        sensitivity: A :class:`~csperf.Sensitivity` of the same population, or None.
        format: ``table``, ``csv``, ``json``, ``html`` or ``xlsx``; by default from the suffix.
        lang: ``"en"`` (the default) or ``"zh"``.

    Returns:
        The path written.

    Raises:
        ValidationError: For an unknown format or language.
        CsperfError: For ``xlsx`` without openpyxl (the ``csperf[excel]`` extra).

    Examples:
        >>> import pathlib, tempfile
        >>> from csperf import weight_sensitivity, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> found = whatif(card, table, {})
        >>> stable = weight_sensitivity(card, table, draws=5)
        >>> path = write_whatif(found, pathlib.Path(tempfile.mkdtemp()) / "w.html", stable)
        >>> path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        True
    """
    from csperf._io import atomic_write_text

    lang = _lang(lang)
    fmt = _format(format, Path(path), "write_whatif", FILE_FORMATS)
    if fmt != "xlsx":
        return atomic_write_text(path, render_whatif(whatif, sensitivity, fmt, lang=lang))
    base = whatif.baseline
    workbook, style = _workbook()
    k = whatif.scenarios[0].agreement.k if whatif.scenarios else 1
    sheet = workbook.active
    sheet.title = label("whatif.scenario", lang)
    _xlsx_sheet(
        sheet,
        label("whatif.scenarios", lang),
        _agreement_header(k, lang, label("whatif.scenario", lang)),
        [
            [v if not (isinstance(v, float) and math.isnan(v)) else None for v in r]
            for r in _scenario_rows(whatif)
        ],
        style,
    )
    _xlsx_sheet(
        workbook.create_sheet(label("whatif.changes", lang)),
        label("whatif.changes", lang),
        _change_header(lang),
        [
            [*r[:5], _grade(base, r[5], lang), _grade(base, r[6], lang)]
            for r in _change_rows(whatif)
        ],
        style,
    )
    if sensitivity is not None:
        from csperf.report._excel import _fit_widths, _header, _put, cell_value

        ws = workbook.create_sheet(label("whatif.flipped", lang))
        ws.cell(
            row=1, column=1, value=cell_value(_sensitivity_title(sensitivity, lang))
        ).font = style.title
        header, rows = _summary_rows(sensitivity, lang)
        _header(ws, 3, header, style)
        row = 4
        for values in rows:
            for c, value in enumerate(values, start=1):
                clean = None if isinstance(value, float) and math.isnan(value) else value
                _put(ws, row, c, clean, style)
            row += 1
        row += 1
        if sensitivity.one_at_a_time:
            _header(ws, row, _oat_header(sensitivity, lang), style)
            row += 1
            for values in _oat_rows(sensitivity):
                for c, value in enumerate(values, start=1):
                    clean = None if isinstance(value, float) and math.isnan(value) else value
                    _put(ws, row, c, clean, style)
                row += 1
            row += 1
        _header(
            ws,
            row,
            [label("subject", lang), label("grade", lang), label("whatif.flipped", lang)],
            style,
        )
        first = row + 1
        for s, g, r in zip(base.subjects, base.grades.tolist(), sensitivity.flip_rate.tolist()):
            row += 1
            _put(ws, row, 1, "" if s is None else s, style)
            _put(ws, row, 2, _grade(base, g, lang), style)
            _put(ws, row, 3, r, style, "0.0%")
        if sensitivity.draws and len(base):
            from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped, unused-ignore]

            chart = BarChart()
            chart.type = "bar"
            chart.title = label("whatif.flip_rate", lang)
            chart.add_data(
                Reference(ws, min_col=3, min_row=first - 1, max_row=row), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=row))
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
            chart.height = max(6.0, 0.6 * len(base))
            ws.add_chart(chart, "F3")
        _fit_widths(ws)
    return _save(workbook, path)
