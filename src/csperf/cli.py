"""The ``csperf`` command line: a thin shell over the public API.

Exit codes: 0 success; 1 data or scoring errors; 2 usage or configuration errors. A user error
prints one line on stderr without a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import sys
import unicodedata
from typing import TYPE_CHECKING, Any, NoReturn

import click

from csperf.errors import ConfigError, CsperfError, UnknownNameError, ValidationError
from csperf.text import localize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from csperf.results import ScorecardResult
    from csperf.scorecard import Scorecard

__all__ = ["cli", "main"]

EXIT_DATA = 1
EXIT_USAGE = 2

SAMPLE_MANAGERS: dict[str, dict[str, float]] = {
    "Li Wei": {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.004,
        "first_response_time": 45,
        "resolution_time": 20000,
        "product_knowledge": 88,
        "script_compliance": 0.93,
        "collaboration_rating": 4.2,
        "information_sharing_rate": 0.97,
    },
    "Zhang Min": {
        "customer_satisfaction": 0.86,
        "complaint_rate": 0.009,
        "first_response_time": 95,
        "resolution_time": 26000,
        "product_knowledge": 82,
        "script_compliance": 0.91,
        "collaboration_rating": 4.0,
        "information_sharing_rate": 0.9,
    },
    "Wang Fang": {
        "customer_satisfaction": 0.78,
        "complaint_rate": 0.016,
        "first_response_time": 180,
        "resolution_time": 50000,
        "product_knowledge": 71,
        "script_compliance": 0.84,
        "collaboration_rating": 3.6,
        "information_sharing_rate": 0.82,
    },
    "Chen Jie": {
        "customer_satisfaction": 0.66,
        "complaint_rate": 0.03,
        "first_response_time": 420,
        "resolution_time": 100000,
        "product_knowledge": 58,
        "script_compliance": 0.75,
        "collaboration_rating": 2.8,
        "information_sharing_rate": 0.7,
    },
}
"""Measurements of four sample managers, for ``csperf demo``."""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def format_table(card: Scorecard, results: Sequence[ScorecardResult], lang: str = "en") -> str:
    """A plain-text table: subject, dimension points, total and grade, one row per subject."""
    subject = "考核对象" if lang == "zh" else "Subject"
    total = "总分" if lang == "zh" else "Total"
    grade = "等级" if lang == "zh" else "Grade"
    header = [subject, *(d.text(lang) for d in card.dimensions), total, grade]
    rows = []
    for r in results:
        dims = [
            "—" if r.dimensions[d.key].points is None else f"{r.dimensions[d.key].points:.2f}"
            for d in card.dimensions
        ]
        rows.append(
            [r.subject or "", *dims, f"{r.total:.{r.precision}f}", localize(r.grade.label, lang)]
        )
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = [False] + [True] * (len(header) - 2) + [False]
    lines = [
        "  ".join(_pad(c, w, right=n) for c, w, n in zip(header, widths, numeric)),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(_pad(c, w, right=n) for c, w, n in zip(row, widths, numeric)) for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


class _Context:
    debug: bool = False


def _fail(exc: BaseException, debug: bool) -> NoReturn:
    if debug:
        raise exc
    code = EXIT_USAGE if isinstance(exc, (ConfigError, UnknownNameError)) else EXIT_DATA
    if isinstance(exc, ValidationError) and not isinstance(exc, ConfigError):
        code = EXIT_USAGE
    click.echo(f"csperf: error: {exc}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="csperf")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """csperf: build, weight and evaluate customer-service performance scorecards."""
    ctx.obj = _Context()
    ctx.obj.debug = debug


@cli.command()
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.pass_obj
def demo(obj: _Context, lang: str) -> None:
    """Appraise sample managers on the customer-service manager scorecard."""
    try:
        from csperf.templates import customer_service_manager

        card = customer_service_manager()
        results = [card.evaluate(m, subject=s) for s, m in SAMPLE_MANAGERS.items()]
        click.echo(card.text(lang))
        click.echo(format_table(card, results, lang))
    except CsperfError as exc:
        _fail(exc, obj.debug)


def main(argv: Sequence[str] | None = None) -> Any:
    """Run the command line (the ``csperf`` console script)."""
    return cli.main(args=list(argv) if argv is not None else None, prog_name="csperf")
