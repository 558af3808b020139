"""The ``csperf`` command line: a thin shell over the public API.

Exit codes: 0 success; 1 data or scoring errors; 2 usage or configuration errors. A user error
prints one line on stderr without a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import attrs
import click

from csperf.errors import (
    CsperfError,
    GradeError,
    InconsistentJudgementsError,
    MeasurementError,
    MissingMeasurementError,
    PluginError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from csperf.hooks import PluginManager
    from csperf.results import ScorecardResult
    from csperf.scorecard import Scorecard

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_USAGE", "SAMPLE_SWOT", "cli", "cli_words", "main"]

EXIT_DATA = 1
"""Exit code for data and scoring errors (bad measurements, inconsistent judgements...)."""

EXIT_USAGE = 2
"""Exit code for usage and configuration errors (bad options, bad scorecard files...)."""

EXIT_INTERNAL = 70
"""Exit code for an error that is no csperf error: a bug, in csperf or in a plugin (``EX_SOFTWARE``
of ``sysexits.h``). The CLI prints it in one line too; ``--debug`` shows the traceback."""

LANGS = click.Choice(["en", "zh"])

SAMPLE_SWOT: tuple[dict[str, Any], ...] = (
    {
        "kind": "weakness",
        "target": "efficiency",
        "reason": {"en": "average response time too long", "zh": "平均响应时间过长"},
        "intensity": 0.5,
    },
    {
        "kind": "threat",
        "target": "service_quality",
        "reason": {"en": "rivals' service improving", "zh": "竞争对手服务水平提升"},
        "intensity": 0.2,
    },
)
"""The SWOT factors ``csperf demo`` applies to the template's weights (reasons in en and zh)."""

F = TypeVar("F", bound="Callable[..., Any]")

_MEASUREMENTS_HELP = """\b
The measurements file (--measurements): a subject column, one column per
measurement the card reads (empty = no data), optional sample_size.<name> and
flags.<name> columns; any other column (team, site) is kept as an attribute:
\b
  subject,team,customer_satisfaction,complaint_rate,first_response_time
  li_wei,north,0.92,0.004,45
  wang_fang,south,0.81,,95
\b
UTF-8 by default (--encoding gb18030 for Excel's Chinese CSV); the delimiter
(, ; tab |) is found from the header; an .xlsx file is read from its first sheet.
"""

_WEIGHTS_HELP = """\b
The --input file holds the strategy's parameters (TOML, YAML or JSON). AHP,
pairwise judgements on Saaty's 1-9 scale ("a/b" = 3: a is moderately more
important than b), per level:
\b
  [dimensions.judgements]
  "service_quality/efficiency" = 2
  "service_quality/capability" = 3
  "efficiency/capability" = 2
  [indicators.service_quality.judgements]
  "customer_satisfaction/complaint_rate" = 2
\b
SWOT, the factors and, for targets the default policy lacks, their ranges in
percent:
\b
  [[factors]]
  kind = "weakness"       # strength, weakness, opportunity or threat
  target = "efficiency"   # a dimension or an indicator key
  reason = "average response time too long"
  intensity = 0.5         # optional, 0 to 1
  [policy]
  efficiency = [30, 40]
\b
Entropy and CRITIC read --data: a CSV with one column per indicator key and one
row per subject (a subject column is ignored).
"""

_NO_EXCEL = (
    "Excel output needs openpyxl, which is not installed; install it with "
    "pip install openpyxl (or, from a clone of the repository, pip install -e '.[demo]')"
)


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def _exit_code(exc: CsperfError) -> int:
    data = (MeasurementError, GradeError, InconsistentJudgementsError, PluginError)
    return EXIT_DATA if isinstance(exc, data) else EXIT_USAGE


def _say(text: Any = "", *, err: bool = False, nl: bool = True, data: bool = False) -> None:
    """Print ``text``; no control character reaches a terminal (:func:`~csperf._escape.printable`).

    Names in a scorecard or a measurements file can hold escape sequences that would retitle
    the terminal, recolour it or hide text. Each line is made printable, so people read what
    the text is. ``data`` output (a report, JSON, a scorecard file) is written unchanged when
    it does not go to a terminal, so that a file it is redirected to holds exactly the data.
    """
    from csperf._escape import printable

    text = str(text)
    stream = sys.stderr if err else sys.stdout
    if not data or stream.isatty():
        text = "\n".join(printable(line) for line in text.split("\n"))
    click.echo(text, err=err, nl=nl)


def _fail(exc: CsperfError) -> NoReturn:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("debug"):
        raise exc
    _say(f"csperf: error: {_one_line(cli_words(str(exc)))}", err=True)
    sys.exit(_exit_code(exc))


def _one_line(message: str) -> str:
    """A message on one line: its lines joined with spaces (a plugin's message may have many)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


_FLAG_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(tz|encoding|delimiter)='([^']*)'"), r"--\1 \2"),
    (re.compile(r"\bpass (tz|encoding|delimiter)\b=?"), r"pass --\1"),
    (re.compile(r"\bignore_columns=\['([^']*)'\]"), r"--ignore-columns \1"),
    (re.compile(r", or pass format="), ""),
)


def cli_words(message: str) -> str:
    """An error message of the library with its keyword arguments named as CLI flags.

    The library's errors speak Python (``pass tz (e.g. tz='Asia/Shanghai')``); the command
    line prints the flags that do the same (``pass --tz (e.g. --tz Asia/Shanghai)``).

    Examples:
        >>> cli_words("naive timestamp; pass tz (e.g. tz='Asia/Shanghai')")
        'naive timestamp; pass --tz (e.g. --tz Asia/Shanghai)'
        >>> cli_words("leave it out with ignore_columns=['备注']")
        'leave it out with --ignore-columns 备注'
    """
    for pattern, replacement in _FLAG_WORDS:
        message = pattern.sub(replacement, message)
    return message


def _errors(fn: F) -> F:
    """Turn csperf errors into one line on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CsperfError as exc:
            _fail(exc)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug here or in a plugin: one line, never a traceback
            ctx = click.get_current_context(silent=True)
            if ctx is not None and ctx.find_root().params.get("debug"):
                raise
            where = _origin(exc)
            _say(
                f"csperf: internal error{where}: {type(exc).__name__}: {_one_line(str(exc))} "
                "(run with --debug for the traceback, and report it)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _origin(exc: BaseException) -> str:
    """`` in <module>``: the module of the innermost frame of ``exc``'s traceback, or ``""``."""
    tb = exc.__traceback__
    module = None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", module)
        tb = tb.tb_next
    return f" in {module}" if isinstance(module, str) else ""


def _load(
    card: str | None, template: str | None = None, pm: PluginManager | None = None
) -> Scorecard:
    """The card file, or else the template, looked up in ``pm`` (built once per command)."""
    from csperf.config import load_scorecard
    from csperf.hooks import get_plugin_manager

    pm = get_plugin_manager() if pm is None else pm
    if card is not None:
        return load_scorecard(card, plugins=pm)
    return pm.template(template or "customer-service-manager").build()


def _progress(items: Sequence[Any], label: str) -> Iterable[Any]:
    """Items with a progress bar on stderr when it is a terminal and the batch is long."""
    if len(items) < 200 or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _evaluate_all(
    card: Scorecard, measurements: Any, pm: PluginManager | None = None
) -> list[ScorecardResult]:
    from csperf.appraisal import Appraisal

    appraisal = Appraisal(card) if pm is None else Appraisal(card, pm)
    subjects = list(measurements.subjects)
    return [appraisal.evaluate(measurements, s) for s in _progress(subjects, "Scoring")]


def _teams_of(measurements: Any, column: str) -> dict[str, str]:
    """Subject → team from a measurements file's attribute column (empty cells left out)."""
    base = measurements.base if isinstance(measurements, _Rated) else measurements
    attribute = getattr(base, "attribute", None)
    if attribute is None or column not in getattr(base, "attribute_names", ()):
        return {}
    teams = {s: attribute(s, column) for s in measurements.subjects if s in base.subjects}
    return {s: t for s, t in teams.items() if t}


class _Rated:
    """A measurements table with the values of the card's rated indicators laid over it.

    It reads as :class:`~csperf.sources.Measurements` does (``subjects``, ``row``,
    ``sample_size``, ``flags``, ``period``): each rated value, exact, replaces the table's.
    """

    def __init__(self, measurements: Any, rated: Any) -> None:
        self.base = measurements
        self.rated = rated
        self.period = measurements.period
        self.subjects = rated.subjects

    def row(self, subject: str) -> dict[str, Any]:
        base = self.base.row(subject) if subject in self.base.subjects else {}
        return {**base, **self.rated.row(subject)}

    def sample_size(self, subject: str, metric: str) -> int | None:
        if metric in self.rated.values[subject]:
            return int(self.rated.sample_size(subject, metric))
        return self.base.sample_size(subject, metric)  # type: ignore[no-any-return]

    def flags(self, subject: str, metric: str) -> tuple[str, ...]:
        if metric in self.rated.values[subject]:
            return tuple(self.rated.flags(subject, metric))
        return tuple(self.base.flags(subject, metric))

    def attach(self, card: Scorecard, result: ScorecardResult) -> ScorecardResult:
        """``result`` with the provenance of its rated values (for its explanation)."""
        row = self.rated.values.get(result.subject, {})
        found = {i.key: row[i.metric] for i in card.indicators if i.metric in row}
        return result.with_ratings(found) if found else result

    def notes(self, lang: str) -> list[str]:
        """A line per source withheld or missing: who, which indicator, and what happened."""
        lines = []
        for subject in self.subjects:
            for metric, value in self.rated.values[subject].items():
                described = value.describe(lang).splitlines()
                for source, line in zip(value.sources, described):
                    if not source.used:
                        lines.append(f"{subject} · {metric} · {line}")
        return lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="csperf")
def cli(debug: bool) -> None:
    """csperf: build, weight and evaluate customer-service performance scorecards."""


@cli.command()
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Label language.")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for report.html and report.xlsx.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample data.")
@click.option("--managers", type=click.IntRange(1, 50), default=4, show_default=True)
@_errors
def demo(lang: str, output: Path | None, seed: int, managers: int) -> None:
    """Run the whole pipeline on a generated contact centre.

    Raw records -> measurements per manager -> the manager template's weights adjusted by a
    sample SWOT analysis -> scores and grades -> a table here and, with --output, the HTML and
    Excel reports. Then a second quarter, scored on the same card, and the two quarters
    compared (compare.html and compare.xlsx with --output).
    """
    from csperf.datasets import contact_centre
    from csperf.hooks import get_plugin_manager
    from csperf.report import Report, read_samples, render_table, write_report
    from csperf.sources import RecordsSource

    if not (_installed("ibis") and _installed("duckdb")):
        raise CsperfError(
            msg="the demo measures its sample records with the metric engine (Ibis on DuckDB), "
            "which is not installed; from a clone of the repository: pip install -e '.[demo]'",
            obj="csperf demo",
        )
    data = contact_centre(seed=seed, managers=managers, spread_managers=True)
    source = RecordsSource(data.records_by_kind(), roster=data.roster)
    measurements = source.measure(period=data.period, level="manager")
    pm = get_plugin_manager()
    card = pm.template("customer-service-manager").build()
    factors = [{**f, "reason": f["reason"][lang]} for f in SAMPLE_SWOT]
    adjusted = pm.weight_strategy("swot").compute(card, factors=factors)
    card = adjusted.apply(card)
    results = _evaluate_all(card, measurements, pm)
    report = Report(
        card,
        results,
        period=data.period,
        lang=lang,
        notes=adjusted.notes(),
        samples=read_samples(card, measurements, measurements.subjects),
    )
    _say(render_table(report))
    if measurements.rejected.count:
        _say(measurements.rejected.summary(), err=True)
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        for name, fmt in (("report.html", "html"), ("report.xlsx", "xlsx")):
            if fmt == "xlsx" and not _installed("openpyxl"):
                _say(f"skipped {output / name}: {_NO_EXCEL}", err=True)
                continue
            path = write_report(report, output / name, fmt, plugins=pm)
            _say(f"wrote {path}")
    _demo_next_quarter(card, pm, data, results, adjusted, seed, managers, output, lang)


def _quarter(moment: Any) -> str:
    return f"{moment:%Y}-Q{(moment.month - 1) // 3 + 1}"


def _demo_next_quarter(
    card: Scorecard,
    pm: PluginManager,
    data: Any,
    results: list[ScorecardResult],
    adjusted: Any,
    seed: int,
    managers: int,
    output: Path | None,
    lang: str = "en",
) -> None:
    """The demo's second quarter: both quarters in a history, compared side by side."""
    from csperf.datasets import contact_centre
    from csperf.history import History
    from csperf.report import render_review_html, write_review_xlsx
    from csperf.sources import RecordsSource
    from csperf.trends import compare

    later = contact_centre(
        seed=seed + 1, managers=managers, start=data.end, spread_managers=True
    )
    source = RecordsSource(later.records_by_kind(), roster=later.roster)
    measurements = source.measure(period=later.period, level="manager")
    with History.open(":memory:") as history:
        history.add(_quarter(data.start), results, card, provenance=adjusted)
        history.close(_quarter(data.start))
        history.add(_quarter(later.start), _evaluate_all(card, measurements, pm), card)
        comparison = compare(history)
    _say("")
    for line in comparison.lines(lang):
        _say(line)
    if output is not None:
        from csperf._io import atomic_write_text

        data_ = comparison.to_dict()
        _say(f"wrote {atomic_write_text(output / 'compare.html', render_review_html(data_))}")
        _say(f"wrote {write_review_xlsx(data_, output / 'compare.xlsx')}")


@cli.command()
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@_errors
def validate(card: str) -> None:
    """Check a scorecard file and summarise it."""
    scorecard = _load(card)
    weights = scorecard.weighting.as_percentages()
    _say(f"{card}: valid scorecard {scorecard.key!r} v{scorecard.version}")
    _say(f"title: {scorecard.text()}")
    _say(f"fingerprint: {scorecard.fingerprint}")
    _say(
        f"grades: {', '.join(b.key for b in scorecard.grade_scale.bands)}; "
        f"precision {scorecard.precision}; missing values: {scorecard.missing.value}"
    )
    groups = scorecard.groups()
    for dim in scorecard.dimensions:
        _say(f"{dim.key} ({dim.text()}): {weights['dimensions'][dim.key]:g}%")
        for ind in groups[dim.key]:
            share = weights["indicators"][dim.key][ind.key]
            _say(f"  {ind.key}: {share:g}% ({ind.direction.value}, {ind.scoring.kind})")
    for line in _item_summary(scorecard):
        _say(line)


def _item_summary(scorecard: Scorecard) -> list[str]:
    """The card's veto and bonus or deduction items, one line each (validate)."""
    lines: list[str] = []
    for item in scorecard.adjustments:
        cap = f", at most {item.cap:g}" if item.cap is not None else ""
        floor = f", floor {item.floor:g}" if item.floor is not None else ""
        sign = "+" if item.sign > 0 else "-"
        lines.append(
            f"{item.kind.value} {item.key} ({item.text()}): {sign}{item.points:g} per "
            f"{item.metric}{cap}{floor}"
        )
    if scorecard.bonus_cap is not None:
        lines.append(f"bonus cap: {scorecard.bonus_cap:g}")
    for veto in scorecard.vetoes:
        limit = {"cap_grade": veto.grade, "cap_total": veto.cap, "zero": 0}[veto.effect.value]
        lines.append(
            f"veto {veto.key} ({veto.text()}): {veto.condition()} → {veto.effect.value} "
            f"{limit if not isinstance(limit, float) else f'{limit:g}'}"
        )
    return lines


def _item_lines(results: Sequence[ScorecardResult], lang: str) -> list[str]:
    """Each subject's bonus and deduction lines and fired vetoes (score, table format)."""
    lines: list[str] = []
    for result in results:
        if result.weighted_total is None:
            continue
        p = result.precision
        parts = [f"weighted {result.weighted_total:.{p}f}"]
        parts += [f"{a.key} {a.applied:+.{p}f}" for a in result.adjustments if a.applied]
        parts += [
            f"veto {v.key}: {v.effect_text(lang, result.labels.get(f'grade.{v.limit}'))}"
            for v in result.fired
        ]
        lines.append(f"{result.subject}: {'; '.join(parts)} → {result.total:.{p}f}")
    return lines


def _check_records(measurements: Any, source: str, period: str | None, level: str) -> None:
    """Refuse a period in which the source found no records at all."""
    empty = all(
        item.value is None and not item.sample_size
        for row in measurements.values.values()
        for item in row.values()
    )
    if measurements.subjects and not empty:
        return
    where = str(measurements.period) if measurements.period is not None else period
    raise MeasurementError(
        msg=f"no records in {where or 'the period'} (source {source}, {level} level): "
        "check --period, --tz and the source's data",
        obj="csperf score",
        field="period",
        value=where,
    )


def _missing_hint(
    exc: MissingMeasurementError, card: Scorecard, measurements: Any, path: str | None
) -> MissingMeasurementError:
    """The error of a missing value, with its file:line and the card's ``missing`` options."""
    hint = (
        f"; the card's missing = {card.missing.value!r} needs every value: fill it in, or set "
        "missing = 'redistribute' (its weight shared among the others) or missing = 'zero' "
        "in the card file"
    )
    line = getattr(measurements, "lines", {}).get(exc.subject)
    if path is None:
        return exc.evolve(msg=exc.msg + hint)
    return exc.evolve(msg=exc.msg + hint, path=path, line=line, source=path)


def _report_format(pm: PluginManager, fmt: str | None, output: Path | None) -> str:
    """The report format: ``--format``, else the one whose suffix ``--output`` has, else table.

    A ``--format`` whose suffixes do not include the suffix of ``--output`` is refused, and so
    is a binary format without ``--output``.
    """
    if output is None:
        name = fmt or "table"
        if pm.report_format(name).binary:
            raise click.UsageError(f"--format {name} needs --output FILE")
        return name
    suffix = output.suffix.lower()
    formats = pm.report_formats()
    fitting = [f.name for f in formats.values() if suffix and suffix in f.suffixes]
    if fmt is not None:
        chosen = pm.report_format(fmt)
        if suffix and suffix not in chosen.suffixes:
            raise click.UsageError(
                f"--format {fmt} does not match --output {output}: {fmt} files end in "
                f"{' or '.join(chosen.suffixes)}; change the suffix or drop --format"
            )
        return fmt
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        raise click.UsageError(
            f"--output {output}: the suffix {suffix} fits the formats {', '.join(fitting)}; "
            "choose one with --format"
        )
    known = sorted({s for f in formats.values() for s in f.suffixes})
    raise click.UsageError(
        f"--output {output}: cannot tell the report format from the suffix "
        f"{suffix or '(none)'!r}; use one of {', '.join(known)} or give --format"
    )


def _options(pairs: Sequence[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"expected NAME=VALUE, got {pair!r}", param_hint="--source-option"
            )
        options[name.strip()] = value
    return options


def _read_measurements(
    path: str,
    scorecard: Scorecard,
    pm: PluginManager,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    ignore_columns: Sequence[str] = (),
) -> Any:
    """A measurements file (CSV, JSON or .xlsx) read for CARD.

    Its columns are named by the plugins' and the card's metrics and by the card's veto and
    bonus/deduction items.
    """
    from csperf.sources import Measurements
    from csperf.units import NON_NEGATIVE, ValueDomain

    return Measurements.read(
        path,
        metrics={
            **{name: spec.domain for name, spec in pm.metrics().items()},
            **{i.metric: i.value_domain for i in scorecard.indicators},
            **{v.metric: ValueDomain() for v in scorecard.vetoes},
            **{a.metric: NON_NEGATIVE for a in scorecard.adjustments},
        },
        encoding=encoding,
        delimiter=delimiter,
        ignore_columns=list(ignore_columns),
    )


@cli.command(epilog=_MEASUREMENTS_HELP)
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--measurements",
    "measurements_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A measurements table: CSV, Excel (.xlsx) or JSON (layout below).",
)
@click.option(
    "--encoding",
    help="Text encoding of the measurements file [default: utf-8]; gb18030 for a CSV saved "
    "by Excel on Windows with Chinese names.",
)
@click.option(
    "--delimiter",
    help="Delimiter of the measurements CSV [default: found from the header: , ; tab |].",
)
@click.option(
    "--ignore-columns",
    "ignore_columns",
    multiple=True,
    metavar="NAMES",
    help="Columns of the measurements file to leave out (comma-separated, repeatable); "
    "other extra columns (team, site) are kept as subject attributes.",
)
@click.option(
    "--source",
    help="A metric source by name (see `csperf plugins`), or a database URL "
    "(postgres://..., duckdb:///file.ddb) measured by the ibis source.",
)
@click.option(
    "--source-option",
    "--option",
    "source_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="An option of the source (repeatable), e.g. --source-option path=./export.",
)
@click.option(
    "--ratings",
    "ratings_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A ratings table (CSV: rater, source, ratee, item, score[, date]) for the card's "
    "rated indicators; alone or with --measurements / --source.",
)
@click.option("--period", help="The period: 2026-Q3, 2026-07, or START..END.")
@click.option(
    "--level",
    type=click.Choice(["agent", "team", "manager"]),
    default="agent",
    show_default=True,
    help="What a subject is, with --source.",
)
@click.option("--tz", help="Time zone of naive timestamps and of the period (e.g. Asia/Shanghai).")
@click.option(
    "--format",
    "fmt",
    help="A report format: table, json, csv, markdown, html, xlsx or a plugin's "
    "[default: from the suffix of --output, else table].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file; its suffix (.html, .xlsx, .csv, .json, .md, .txt) "
    "gives the format.",
)
@click.option(
    "--details",
    default="auto",
    show_default=True,
    help="Which subjects get a details section in HTML and Markdown: auto (every subject up to "
    "100, else none), all, none, or 'top N' (the N highest totals).",
)
@click.option(
    "--team-column",
    default="team",
    show_default=True,
    help="The measurements file's column naming each subject's team, for the reports' team "
    "roll-ups (nothing when the file has no such column).",
)
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Label language.")
@_errors
def score(
    card: str,
    measurements_file: str | None,
    encoding: str | None,
    delimiter: str | None,
    ignore_columns: tuple[str, ...],
    source: str | None,
    source_options: tuple[str, ...],
    ratings_file: str | None,
    period: str | None,
    level: str,
    tz: str | None,
    fmt: str | None,
    output: Path | None,
    details: str,
    team_column: str,
    lang: str,
) -> None:
    """Score the subjects of a measurements table, a metric source or ratings on CARD.

    The report goes to stdout as a table, or to --output in the format its suffix names.
    """
    from csperf.hooks import get_plugin_manager
    from csperf.report import Report, read_samples, render, write_report

    if measurements_file is not None and source is not None:
        raise click.UsageError("give one of --measurements FILE and --source NAME, not both")
    if measurements_file is None and source is None and ratings_file is None:
        raise click.UsageError("give --measurements FILE or --source NAME, and/or --ratings FILE")
    if source_options and source is None:
        raise click.UsageError("--source-option goes with --source")
    file_options: dict[str, object] = {"--encoding": encoding, "--delimiter": delimiter}
    file_options["--ignore-columns"] = ignore_columns or None
    for flag, given in file_options.items():
        if given is not None and measurements_file is None:
            raise click.UsageError(f"{flag} goes with --measurements")
    pm = get_plugin_manager()
    fmt = _report_format(pm, fmt, output)
    scorecard = _load(card, pm=pm)
    inputs: list[str] = [card]
    measurements: Any
    if measurements_file is not None:
        measurements = _read_measurements(
            measurements_file,
            scorecard,
            pm,
            encoding=encoding,
            delimiter=delimiter,
            ignore_columns=[c.strip() for cs in ignore_columns for c in cs.split(",")],
        )
        inputs.append(measurements_file)
        if not measurements.subjects and ratings_file is None:
            raise MeasurementError(
                msg="no subjects to score: the file has a header row but no rows of data",
                obj=measurements_file,
                field="subjects",
                value=0,
            )
    elif source is not None:
        options = _options(source_options)
        inputs.extend(v for k, v in options.items() if k in {"path", "database", "directory"})
        if "://" in source:  # a database URL: the ibis source
            options = {"url": source, **options}
            source = "ibis"
        chosen = pm.metric_source(source).from_options(options)
        measurements = chosen.measure(period=period, level=level, tz=tz)
        from csperf.sources import Measurements

        if not isinstance(measurements, Measurements):  # a plugin's source gone wrong
            raise PluginError(
                msg=f"metric source {source!r} ({type(chosen).__module__}) returned "
                f"{type(measurements).__name__} from measure(), not Measurements",
                field="measure",
                plugin=type(chosen).__module__,
                hook="csperf_metric_sources",
            )
        _check_records(measurements, source, period, level)
    else:
        from csperf.sources import Measurements

        measurements = Measurements(metrics=[], values={})
    if ratings_file is not None:
        from csperf.ratings import rate, read_ratings

        rated = rate(scorecard, read_ratings(ratings_file), subjects=measurements.subjects)
        inputs.append(ratings_file)
        measurements = _Rated(measurements, rated)
    if not measurements.subjects:
        raise MeasurementError(
            msg="no subjects to score: the measurements are empty", field="subjects", value=0
        )
    try:
        results = _evaluate_all(scorecard, measurements, pm)
    except MissingMeasurementError as exc:
        raise _missing_hint(exc, scorecard, measurements, measurements_file) from None
    if isinstance(measurements, _Rated):  # the explanations show each source's line
        results = [measurements.attach(scorecard, r) for r in results]
    label = None if measurements.period is None else str(measurements.period)
    report = Report(
        scorecard,
        results,
        period=period or label,
        lang=lang,
        notes=measurements.notes(lang) if isinstance(measurements, _Rated) else (),
        samples=read_samples(scorecard, measurements, measurements.subjects),
        teams=_teams_of(measurements, team_column),
        details=details,
    )
    if output is None:
        _say(render(report, fmt, plugins=pm), nl=fmt == "table", data=True)
        if fmt == "table":
            for line in _item_lines(results, lang):
                _say(line)
    else:
        written = write_report(report, output, fmt, inputs=inputs, plugins=pm)
        _say(f"wrote {written}", err=True)


@cli.command(epilog=_WEIGHTS_HELP)
@click.argument("strategy")
@click.option("--card", type=click.Path(exists=True, dir_okay=False), help="Scorecard file.")
@click.option(
    "--template",
    "template_name",
    default="customer-service-manager",
    show_default=True,
    help="Template to weight when no --card is given.",
)
@click.option(
    "--input",
    "input_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The strategy's parameters: TOML, YAML or JSON (judgements, SWOT factors...).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of indicator values, one row per subject (entropy, CRITIC).",
)
@click.option(
    "--write",
    "write_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the card with the new weights to this scorecard file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Report language.")
@_errors
def weights(
    strategy: str,
    card: str | None,
    template_name: str,
    input_file: str | None,
    data: str | None,
    write_to: Path | None,
    as_json: bool,
    lang: str,
) -> None:
    """Compute weights with STRATEGY (ahp, entropy, critic, swot, ...) and explain them."""
    from csperf._labels import label
    from csperf.config import dump_scorecard
    from csperf.hooks import get_plugin_manager
    from csperf.weights import rounded_weighting

    if write_to is not None:  # (the card's comments and layout would be lost)
        from csperf._io import check_not_input

        check_not_input(write_to, [p for p in (card, input_file, data) if p is not None])
    pm = get_plugin_manager()
    scorecard = _load(card, template_name, pm)
    params: dict[str, Any] = _read_params(input_file) if input_file else {}
    if data is not None:
        params["data"] = _read_columns(data)
    try:
        result = pm.weight_strategy(strategy).compute(scorecard, **params)
    except CsperfError as exc:
        if input_file is None or getattr(exc, "source", None) is not None:
            raise
        found = _locate(input_file, exc)
        raise exc.inside(input_file if found is None else f"{input_file}:{found}") from None
    if as_json:
        _say(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2), data=True)
    else:
        for line in result.text(lang):
            _say(line)
        _say("")
        shown = rounded_weighting(result.weighting)  # as --write writes them: 0.01 %
        percent = shown.as_percentages()
        effective = shown.effective()
        for dim in scorecard.dimensions:
            _say(f"{dim.key}: {percent['dimensions'][dim.key]:.2f}%")
            for key, share in percent["indicators"][dim.key].items():
                _say(
                    f"  {key}: {share:.2f}%"
                    + label("weights.effective", lang, share=f"{effective[key] * 100:.2f}%")
                )
    if write_to is not None:
        written = rounded_weighting(result.weighting)
        dump_scorecard(attrs.evolve(scorecard, weighting=written), write_to)
        _say(
            f"wrote {write_to} (weights rounded to 0.01 % by largest remainder: "
            "each level sums to 100)",
            err=True,
        )


def _read_params(path: str) -> dict[str, Any]:
    from csperf.config import load_document

    document = load_document(path)
    if not isinstance(document, dict):
        from csperf.errors import ConfigError

        raise ConfigError(
            msg="the parameters must be a table of name to value",
            obj="parameters",
            value=type(document).__name__,
            path=path,
            source=path,
        )
    return document


def _locate(path: str, exc: CsperfError) -> int | None:
    """The line of a parameters file that an error of a weight strategy most likely means.

    The strategies name what is wrong by their own key paths (``judgements[quality/speed]``,
    a target's name), not by the file's; the line is that of the file's entry sharing the most
    of the error's names, its value breaking ties; None when nothing matches.
    """
    from csperf import _files
    from csperf.config import _format_of, _read_text

    try:
        data, lines = _files.parse(_read_text(path), _format_of(path, None))
    except Exception:  # the file was read once already; a locator never fails the command
        return None
    names = {str(p) for p in exc.field if isinstance(p, str)}
    names |= {w for o in exc.outer for w in re.split(r"[:\s]+", o) if w}
    if isinstance(exc.value, str):
        names.add(exc.value)
    best: tuple[int, int, tuple[Any, ...]] | None = None

    def walk(value: Any, keys: tuple[Any, ...]) -> None:
        nonlocal best
        children = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        for key, item in children:
            here = (*keys, key)
            words = {w for k in here if isinstance(k, str) for w in re.split(r"[/\s]+", k)}
            score = len(names & words)
            same = int(not isinstance(item, (dict, list)) and _same(item, exc.value))
            if score or same:
                rank = (score + same, same, here)
                if best is None or rank[:2] > best[:2]:
                    best = rank
            walk(item, here)

    walk(data, ())
    return None if best is None else lines(best[2])


def _same(item: Any, value: Any) -> bool:
    """Whether a leaf of the file is the error's value, or one of its values (a list)."""
    if isinstance(item, bool):
        return False
    if isinstance(value, (list, tuple)):
        return any(_same(item, v) for v in value)
    try:
        return bool(item == value)
    except Exception:
        return False


def _read_columns(path: str) -> dict[str, list[float]]:
    """A CSV of numbers: column name → values (a ``subject`` column is ignored)."""
    import csv

    from csperf.errors import ConfigError

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fieldnames = list(reader.fieldnames or [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(
            msg=f"not a readable UTF-8 CSV file ({exc})", obj="data", path=path, source=path
        ) from None
    if not fieldnames:
        raise ConfigError(msg="no header row", obj="data", path=path, source=path)
    columns: dict[str, list[float]] = {n: [] for n in fieldnames if n != "subject"}
    for line, row in enumerate(rows, start=2):
        for name in columns:
            text = (row.get(name) or "").strip()
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ConfigError(
                    msg=f"column {name!r} holds {text!r}, not a finite number",
                    obj="data",
                    value=text,
                    path=path,
                    line=line,
                    source=path,
                )
            columns[name].append(value)
    return columns


@cli.command()
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx file to write.",
)
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Label language.")
@_errors
def form(card: str, output: Path, lang: str) -> None:
    """Write the blank appraisal form (绩效考核表) of CARD as an Excel workbook."""
    from csperf.report import write_form_xlsx

    path = write_form_xlsx(_load(card), output, lang=lang, inputs=[card])
    _say(f"wrote {path}", err=True)


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["toml", "yaml", "json"]),
    default="toml",
    show_default=True,
)
@_errors
def template(name: str | None, fmt: str) -> None:
    """Print a ready-made scorecard as a file (or list the templates without NAME)."""
    from csperf.config import dumps_scorecard
    from csperf.hooks import get_plugin_manager

    pm = get_plugin_manager()
    if name is None:
        for found in pm.templates().values():
            _say(f"{found.name}: {found.summary}")
        return
    _say(dumps_scorecard(pm.template(name).build(), fmt), nl=False, data=True)


@cli.command()
@_errors
def schema() -> None:
    """Print the JSON Schema of scorecard files, with the installed plugins' rules."""
    from csperf.config import scorecard_schema

    _say(json.dumps(scorecard_schema(), indent=2, ensure_ascii=False), data=True)


@cli.command()
@_errors
def plugins() -> None:
    """List the installed plugins and what each provides."""
    from csperf.hooks import get_plugin_manager

    pm = get_plugin_manager()
    offered: dict[str, list[str]] = {name: [] for name in pm.names}
    for plugin, what, item in pm.offers():
        offered.setdefault(plugin, []).append(f"{what} {item}")
    for plugin, items in offered.items():
        _say(f"{plugin} ({pm.distributions.get(plugin, 'registered in code')})")
        for item in items:
            _say(f"  {item}")


@cli.group()
def metrics() -> None:
    """The metric catalog."""


@metrics.command("sql")
@click.argument("names", nargs=-1)
@click.option("--backend", default="duckdb", show_default=True, help="postgres, sqlite, spark...")
@click.option(
    "--level",
    type=click.Choice(["agent", "team", "manager"]),
    default="agent",
    show_default=True,
)
@click.option("--period", help="The period: 2026-Q3, 2026-07, or START..END.")
@click.option("--tz", help="Time zone of the period.")
@_errors
def metrics_sql(
    names: tuple[str, ...], backend: str, level: str, period: str | None, tz: str | None
) -> None:
    """Print the SQL a BACKEND runs for the metrics NAMES (default: all), for review."""
    from csperf.metrics import sql

    _say(sql(list(names) or None, backend=backend, level=level, period=period, tz=tz), data=True)


_REVIEW_FORMATS = click.Choice(["table", "csv", "json", "html", "xlsx"])


def _parse_quotas(text: str) -> Any:
    """``20/70/10`` (best band first) or ``excellent=20,good=70,pass=10``."""
    parts = [p.strip() for p in text.replace(",", "/").split("/") if p.strip()]
    named = [p.partition("=") for p in parts]
    try:
        if all(sep for _k, sep, _v in named):
            return {k.strip(): float(v) for k, _sep, v in named}
        if not any(sep for _k, sep, _v in named):
            return [float(p) for p in parts]
    except ValueError:
        pass
    raise click.BadParameter(
        f"expected shares such as 20/70/10 or excellent=20,good=70,pass=10, got {text!r}",
        param_hint="--quotas",
    )


def _read_teams(path: str) -> dict[str, str]:
    """A CSV with ``subject`` and ``team`` columns: subject → team."""
    import csv

    from csperf.errors import ConfigError

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(
            msg=f"not a readable UTF-8 CSV file ({exc})", obj="teams", path=path, source=path
        ) from None
    if "subject" not in fields or "team" not in fields:
        raise ConfigError(
            msg=f"needs the columns subject and team, found {', '.join(fields) or 'none'}",
            obj="teams",
            value=fields,
            path=path,
            source=path,
        )
    teams: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        subject, team = (row.get("subject") or "").strip(), (row.get("team") or "").strip()
        if not subject or not team or subject in teams:
            why = "subject repeated" if subject in teams else "empty subject or team"
            raise ConfigError(
                msg=f"{why}: subject {subject!r}, team {team!r}",
                obj="teams",
                value=subject,
                path=path,
                line=line,
                source=path,
            )
        teams[subject] = team
    return teams


def _emit(text: str | None, written: Path | None) -> None:
    if written is not None:
        _say(f"wrote {written}", err=True)
    elif text is not None:
        _say(text, nl=False, data=True)


@cli.command("calibrate")
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--measurements",
    "measurements_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A measurements table (CSV or JSON), as for `csperf score`.",
)
@click.option(
    "--quotas",
    required=True,
    help="Shares in percent, best band first (20/70/10, 10/20/40/20/10), or by band "
    "(excellent=20,good=70,pass=10; bands left out get 0).",
)
@click.option(
    "--teams",
    "teams_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A CSV with subject and team columns: each team is calibrated on its own.",
)
@click.option(
    "--format",
    "fmt",
    type=_REVIEW_FORMATS,
    help="table (default on the terminal), csv, json, html or xlsx (default: from --output).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Label language.")
@_errors
def calibrate_command(
    card: str,
    measurements_file: str,
    quotas: str,
    teams_file: str | None,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Grade the subjects of a measurements table on CARD by quotas, beside their own grades.

    Quota sizes by largest remainder; subjects with equal totals get the same grade, a tie
    across a quota boundary going where most of it falls. Totals never change.
    """
    from csperf.calibration import calibrate
    from csperf.hooks import get_plugin_manager
    from csperf.report import render_calibration, write_calibration

    shares = _parse_quotas(quotas)
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    pm = get_plugin_manager()
    scorecard = _load(card, pm=pm)
    measurements = _read_measurements(measurements_file, scorecard, pm)
    teams = _read_teams(teams_file) if teams_file is not None else None
    batch = scorecard.evaluate_many(measurements, extra="ignore")
    result = calibrate(batch, shares, teams=teams)
    if output is not None:
        from csperf._io import check_not_input

        check_not_input(output, [card, measurements_file, *([teams_file] if teams_file else [])])
        _emit(None, write_calibration(result, output, fmt, lang=lang))
    else:
        _emit(render_calibration(result, fmt or "table", lang=lang), None)


def _read_scenarios(
    path: str, scorecard: Scorecard, measurements: Any, pm: PluginManager
) -> dict[str, Any]:
    """Name → WeightResult, each computed by the weight strategy its table names."""
    from collections.abc import Mapping

    from csperf.errors import ConfigError

    document = _read_params(path)
    columns = measurements.to_columns()
    found: dict[str, Any] = {}
    for name, spec in document.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("strategy"), str):
            raise ConfigError(
                msg="each scenario must be a table with a strategy name and its parameters",
                obj="scenarios",
                field=name,
                value=spec,
                path=path,
                source=path,
            )
        params = {k: v for k, v in spec.items() if k != "strategy"}
        strategy = pm.weight_strategy(spec["strategy"])
        if "data" in strategy.params and "data" not in params:
            # objective methods weigh the population being compared
            params["data"] = {i.key: columns[i.metric] for i in scorecard.indicators}
        try:
            found[str(name)] = strategy.compute(scorecard, **params)
        except CsperfError as exc:
            raise exc.inside(f"{path}: scenario {name!r}") from None
    return found


@cli.command("whatif")
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--measurements",
    "measurements_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A measurements table (CSV or JSON), as for `csperf score`.",
)
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML, YAML or JSON: one table per scenario, a strategy name and its parameters "
    "([swot_q3] strategy = 'swot', factors = [...]; [entropy] strategy = 'entropy').",
)
@click.option(
    "--shift",
    "shifts",
    multiple=True,
    metavar="DIMENSION=POINTS",
    help="A scenario moving one dimension's weight by POINTS percentage points (repeatable).",
)
@click.option(
    "--draws", type=click.IntRange(0), default=100, show_default=True, help="Monte Carlo draws."
)
@click.option(
    "--method",
    type=click.Choice(["uniform", "dirichlet"]),
    default="uniform",
    show_default=True,
    help="How the draws perturb the weights.",
)
@click.option(
    "--spread", type=float, default=0.2, show_default=True, help="Uniform: relative bound."
)
@click.option("--concentration", type=float, default=100.0, show_default=True, help="Dirichlet: c.")
@click.option(
    "--step",
    type=float,
    default=5.0,
    show_default=True,
    help="One-at-a-time shift of each dimension, in points (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@click.option("--top-k", "k", type=click.IntRange(1), help="Top and bottom group size.")
@click.option(
    "--format",
    "fmt",
    type=_REVIEW_FORMATS,
    help="table (default on the terminal), csv, json, html or xlsx (default: from --output).",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Label language.")
@_errors
def whatif_command(
    card: str,
    measurements_file: str,
    scenarios_file: str | None,
    shifts: tuple[str, ...],
    draws: int,
    method: str,
    spread: float,
    concentration: float,
    step: float,
    seed: int,
    k: int | None,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Re-score CARD's subjects under other weights: whose grade changes, and how stable it is.

    Scenarios come from --scenarios (any weight strategy: SWOT, AHP, entropy...) and --shift;
    the sensitivity analysis perturbs the weights --draws times and moves each dimension by
    --step points, and reports rank correlations, top/bottom-k overlap and grade flips.
    """
    from csperf.hooks import get_plugin_manager
    from csperf.report import render_whatif, write_whatif
    from csperf.sensitivity import shift_dimension, weight_sensitivity, whatif

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    pm = get_plugin_manager()
    scorecard = _load(card, pm=pm)
    measurements = _read_measurements(measurements_file, scorecard, pm)
    scenarios: dict[str, Any] = {}
    if scenarios_file is not None:
        scenarios.update(_read_scenarios(scenarios_file, scorecard, measurements, pm))
    for pair in shifts:
        dim, sep, points = pair.partition("=")
        try:
            value = float(points)
        except ValueError:
            value = math.nan
        if not sep or not dim.strip() or not math.isfinite(value):
            raise click.BadParameter(
                f"expected DIMENSION=POINTS such as teamwork=5, got {pair!r}", param_hint="--shift"
            )
        scenarios[f"{dim.strip()} {value:+g}"] = shift_dimension(
            scorecard.weighting, dim.strip(), value
        )
    found = whatif(scorecard, measurements, scenarios, k=k, extra="ignore")
    sensitivity = None
    if draws or step:
        sensitivity = weight_sensitivity(
            scorecard,
            measurements,
            draws=draws,
            method=method,
            spread=spread,
            concentration=concentration,
            step=step,
            k=k,
            seed=seed,
            extra="ignore",
        )
    if output is not None:
        from csperf._io import check_not_input

        check_not_input(
            output, [card, measurements_file, *([scenarios_file] if scenarios_file else [])]
        )
        _emit(None, write_whatif(found, output, sensitivity, fmt, lang=lang))
    else:
        _emit(render_whatif(found, sensitivity, fmt or "table", lang=lang), None)


# -- the periodic review: history, review, compare ---------------------------------------------

STORE = click.option(
    "--store",
    default="csperf-history.duckdb",
    show_default=True,
    envvar="CSPERF_HISTORY",
    help="The history: a DuckDB file, or a database URL (sqlite:///h.db, postgres://...). "
    "Environment: CSPERF_HISTORY.",
)

REVIEW_FORMATS = click.Choice(["text", "json", "html", "xlsx"])


def _open_history(store: str) -> Any:
    from csperf.history import History

    return History.open(store)


def _review_output(data: dict[str, Any], lines: list[str], fmt: str, output: Path | None) -> None:
    from csperf._io import atomic_write_text
    from csperf.report import render_review_html, write_review_xlsx

    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE")
        _say(f"wrote {write_review_xlsx(data, output)}", err=True)
        return
    if fmt == "html":
        text = render_review_html(data)
    elif fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "\n".join(lines) + "\n"
    if output is None:
        _say(text, nl=False, data=True)
    else:
        _say(f"wrote {atomic_write_text(output, text)}", err=True)


@cli.group()
def history() -> None:
    """The appraisal history: every period's results, append-only."""


@history.command("add")
@click.argument("period")
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--measurements",
    "measurements_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A measurements table (CSV or JSON), one row per subject.",
)
@click.option(
    "--teams",
    "teams_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A CSV with the columns subject and team, for the team roll-ups of compare.",
)
@click.option(
    "--provenance",
    "provenance_file",
    type=click.Path(exists=True, dir_okay=False),
    help="How CARD's weights were reached: the output of `csperf weights STRATEGY --json`.",
)
@click.option("--reason", default="", help="Why a closed period is re-scored (required then).")
@STORE
@_errors
def history_add(
    period: str,
    card: str,
    measurements_file: str,
    teams_file: str | None,
    provenance_file: str | None,
    reason: str,
    store: str,
) -> None:
    """Score the measurements on CARD and write them as a new revision of PERIOD."""
    from csperf.hooks import get_plugin_manager
    from csperf.sources import Measurements

    pm = get_plugin_manager()
    scorecard = _load(card, pm=pm)
    measurements = Measurements.read(
        measurements_file,
        metrics={
            **{name: spec.domain for name, spec in pm.metrics().items()},
            **{i.metric: i.value_domain for i in scorecard.indicators},
        },
    )
    results = _evaluate_all(scorecard, measurements, pm)
    teams = _read_teams(teams_file) if teams_file else None
    provenance = _read_params(provenance_file) if provenance_file else None
    with _open_history(store) as store_:
        summary = store_.add(
            period, results, scorecard, teams=teams, provenance=provenance, reason=reason
        )
    _say(summary.line())


@history.command("list")
@STORE
@_errors
def history_list(store: str) -> None:
    """List the periods (latest revision of each)."""
    with _open_history(store) as store_:
        for summary in store_.list():
            _say(f"{summary.line()} ({summary.revisions} revision(s))")


@history.command("show")
@click.argument("period")
@click.option("--revision", type=click.IntRange(1), help="A revision (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@STORE
@_errors
def history_show(period: str, revision: int | None, as_json: bool, store: str) -> None:
    """Show one revision of PERIOD: its subjects, totals and grades."""
    with _open_history(store) as store_:
        record = store_.show(period, revision)
        if as_json:
            document = {
                "period": record.period,
                "revision": record.summary.revision,
                "scorecard": record.summary.scorecard,
                "version": record.summary.version,
                "fingerprint": record.summary.fingerprint,
                "written_at": record.summary.written_at.isoformat(),
                "csperf_version": record.summary.csperf_version,
                "closed": record.summary.closed,
                "provenance": record.provenance,
                "rows": record.rows(),
            }
            _say(json.dumps(document, ensure_ascii=False, indent=2), data=True)
            return
        _say(record.summary.line())
        for line in record.provenance.get("lines", []):
            _say(f"  weights: {line}")
        for row in record.rows():
            team = f" ({row['team']})" if row["team"] else ""
            _say(f"  {row['subject']}{team}: {row['total']:g} {row['grade']}")


@history.command("close")
@click.argument("period")
@click.option("--note", default="", help="Why or by whom, kept with the closing.")
@STORE
@_errors
def history_close(period: str, note: str, store: str) -> None:
    """Lock PERIOD at its latest revision."""
    with _open_history(store) as store_:
        _say(store_.close(period, note=note).line())


def _shares(pairs: Sequence[str]) -> dict[str, float] | None:
    if not pairs:
        return None
    shares: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError(pair)
            shares[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"expected BAND=SHARE, got {pair!r}", param_hint="--share"
            ) from None
    return shares


@cli.command("review")
@click.argument("period")
@click.option("--revision", type=click.IntRange(1), help="A revision (default: the latest).")
@click.option(
    "--ceiling-share",
    type=click.FloatRange(0, 1),
    default=0.15,
    show_default=True,
    help="Flag a ceiling (floor) effect above this share of subjects at full (zero) points.",
)
@click.option(
    "--redundancy",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="Report pairs of indicators with |Spearman rho| above this.",
)
@click.option(
    "--recalibrate",
    multiple=True,
    metavar="INDICATOR",
    help="Recalibrate these indicators' standards (default: those with a ceiling or floor).",
)
@click.option(
    "--share",
    "share_pairs",
    multiple=True,
    metavar="BAND=SHARE",
    help="Target share of a standard band for the recalibration (repeat; default: equal).",
)
@click.option(
    "--write",
    "write_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the suggested card (a new version) to this scorecard file.",
)
@click.option("--format", "fmt", type=REVIEW_FORMATS, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@STORE
@_errors
def review_command(
    period: str,
    revision: int | None,
    ceiling_share: float,
    redundancy: float,
    recalibrate: tuple[str, ...],
    share_pairs: tuple[str, ...],
    write_to: Path | None,
    fmt: str,
    output: Path | None,
    store: str,
) -> None:
    """Review the scorecard's health over PERIOD of the history (nothing is applied)."""
    from csperf.config import dump_scorecard
    from csperf.health import review

    with _open_history(store) as store_:
        record = store_.show(period, revision)
    result = review(
        record,
        ceiling_share=ceiling_share,
        redundancy=redundancy,
        shares=_shares(share_pairs),
        recalibrate=list(recalibrate) or None,
    )
    _review_output(result.to_dict(), result.lines(), fmt, output)
    if write_to is not None:
        if result.recalibration.card is None:
            _say("no change suggested: nothing written", err=True)
        else:
            dump_scorecard(result.recalibration.card, write_to)
            _say(f"wrote {write_to}", err=True)


@cli.command("compare")
@click.argument("periods", nargs=-1)
@click.option(
    "--across-forms",
    is_flag=True,
    help="Compare periods scored on different forms (the changes are listed).",
)
@click.option("--format", "fmt", type=REVIEW_FORMATS, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@STORE
@_errors
def compare_command(
    periods: tuple[str, ...], across_forms: bool, fmt: str, output: Path | None, store: str
) -> None:
    """Compare PERIODS of the history (default: all), per subject and per team."""
    from csperf.trends import compare

    with _open_history(store) as store_:
        result = compare(store_, list(periods) or None, across_forms=across_forms)
    _review_output(result.to_dict(), result.lines(), fmt, output)


# -- rater agreement, calibration sessions, rater severity (csperf.agreement) ---------------

_RATING_COLUMNS = (
    click.option("--rater-column", default="rater", show_default=True, help="Column of raters."),
    click.option("--item-column", default="item", show_default=True, help="Column of items."),
    click.option("--score-column", default="score", show_default=True, help="Column of scores."),
)


def _view_options(fn: F, output: bool = True) -> F:
    """``--format`` (text, json, html, xlsx), ``--lang`` and, unless given, ``--output``."""
    options = [
        click.option(
            "--format",
            "view_format",
            type=click.Choice(["text", "json", "html", "xlsx"]),
            help="text (the default), json (as --json), html (one page), or xlsx (needs "
            "--output).",
        ),
        click.option(
            "--lang", type=LANGS, default="en", show_default=True, help="Language of the views."
        ),
    ]
    if output:
        options.append(
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Write the html or xlsx view to this file (html goes to stdout without).",
            )
        )
    for option in reversed(options):
        fn = option(fn)
    return fn


def _view_format(view_format: str | None, as_json: bool, output: Path | None = None) -> str:
    """The format asked (``--json`` is ``--format json``); an ``--output`` given needs a view."""
    if as_json and view_format not in (None, "json"):
        raise click.UsageError(f"--json goes with --format json, not --format {view_format}")
    fmt = "json" if as_json else (view_format or "text")
    if output is not None and fmt not in ("html", "xlsx"):
        raise click.UsageError("--output goes with --format html or xlsx")
    return fmt


def _write_view(result: Any, fmt: str, output: Path | None, lang: str, inputs: list[str]) -> None:
    """The html or xlsx view of an agreement result, to --output (html: or stdout)."""
    from csperf._io import atomic_write_text, check_not_input
    from csperf.report import render_agreement_html, write_agreement_xlsx

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    if output is not None:
        check_not_input(output, inputs)
    if fmt == "xlsx":
        assert output is not None
        _emit(None, write_agreement_xlsx(result, output, lang=lang))
        return
    page = render_agreement_html(result, lang=lang)
    _emit(page, None if output is None else atomic_write_text(output, page))


def _rating_columns(fn: F) -> F:
    for option in reversed(_RATING_COLUMNS):
        fn = option(fn)
    return fn


def _read_ratings(path: str, columns: Sequence[str]) -> dict[str, list[Any]]:
    """A long CSV of ratings: the rater, item and score columns (scores as numbers or labels).

    Cells are read as every csperf reader reads them (NFKC-normalised, stripped): an empty
    score cell is no rating, a score in ASCII decimals is a number, any other text (``nan``
    among them) a label, which only the categorical methods accept.
    """
    import csv

    from csperf._cells import clean
    from csperf.errors import ConfigError

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fieldnames = list(reader.fieldnames or [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(
            msg=f"not a readable UTF-8 CSV file ({exc})", obj="ratings", path=path, source=path
        ) from None
    for name in columns:
        if name not in fieldnames:
            raise ConfigError(
                msg=f"no column {name!r} (columns: {', '.join(fieldnames) or 'none'})",
                obj="ratings",
                value=fieldnames,
                path=path,
                source=path,
            )
    rater, item, score = columns
    table: dict[str, list[Any]] = {rater: [], item: [], score: []}
    for row in rows:
        table[rater].append(clean(row.get(rater) or "") or None)
        table[item].append(clean(row.get(item) or "") or None)
        table[score].append(_rating_cell(row.get(score) or ""))
    return table


def _rating_cell(text: str) -> Any:
    """A score cell: None when empty, the number it holds, else the label (NFKC, stripped)."""
    from csperf._cells import clean, parse_number

    cleaned = clean(text)
    if not cleaned:
        return None
    number = parse_number(cleaned)
    return cleaned if number is None else number


def _in_file(exc: CsperfError, path: str) -> CsperfError:
    """The error as seen from the CSV file: its line when the error names a row."""
    position = getattr(exc, "position", None)
    if isinstance(exc, MeasurementError) and position is not None:
        return exc.evolve(path=path, source=path, line=position + 2)
    return exc.inside(path)


def _agreement_json(result: Any) -> dict[str, Any]:
    ci = result.ci
    return {
        "method": result.method,
        "value": result.value,
        "items": result.items,
        "raters": result.raters,
        "ratings": result.ratings,
        "ci": None
        if ci is None
        else {
            "low": ci.low,
            "high": ci.high,
            "level": ci.level,
            "method": ci.method,
            "resamples": ci.resamples,
            "seed": ci.seed,
        },
        "standard_error": result.standard_error,
        "null_standard_error": result.null_standard_error,
        "z": result.z,
        "components": dict(result.components),
    }


@cli.command("agreement")
@click.argument("ratings", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--method",
    type=click.Choice(["icc", "kappa", "fleiss", "alpha"]),
    required=True,
    help="ICC(2,1) (ICC(2,k) with --average), Cohen's kappa, Fleiss' kappa, Krippendorff's α.",
)
@click.option("--average", is_flag=True, help="icc: ICC(2,k), the reliability of the mean.")
@click.option(
    "--weights", type=click.Choice(["linear", "quadratic"]), help="kappa: weighted kappa."
)
@click.option(
    "--level",
    type=click.Choice(["nominal", "ordinal", "interval"]),
    default="nominal",
    show_default=True,
    help="alpha: the level of measurement.",
)
@click.option("--categories", help="kappa, fleiss, alpha: the categories in order, a,b,c.")
@click.option(
    "--confidence",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="The level of the confidence interval.",
)
@click.option(
    "--resamples",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="alpha: bootstrap resamples (0: no interval).",
)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="alpha: seed.")
@_rating_columns
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_view_options
@_errors
def agreement(
    ratings: str,
    method: str,
    average: bool,
    weights: str | None,
    level: str,
    categories: str | None,
    confidence: float,
    resamples: int,
    seed: int,
    rater_column: str,
    item_column: str,
    score_column: str,
    as_json: bool,
    view_format: str | None,
    lang: str,
    output: Path | None,
) -> None:
    """Rater agreement on RATINGS, a CSV with one rating per row (rater, item, score)."""
    from csperf import agreement as ag
    from csperf.errors import ValidationError

    fmt = _view_format(view_format, as_json, output)

    columns = (rater_column, item_column, score_column)
    table = _read_ratings(ratings, columns)
    ctx = click.get_current_context()
    applies = {
        "average": ("icc",),
        "weights": ("kappa",),
        "categories": ("kappa", "fleiss", "alpha"),
        "level": ("alpha",),
        "confidence": ("icc", "kappa", "alpha"),
        "resamples": ("alpha",),
        "seed": ("alpha",),
    }
    misplaced = [
        f"--{name}"
        for name, methods in applies.items()
        if method not in methods
        and ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    ]
    if misplaced:
        raise ValidationError(
            msg=f"{misplaced[0]} does not apply to --method {method}",
            obj="csperf agreement",
            field=misplaced[0],
            value=method,
        )
    cats = None if categories is None else [_rating_cell(t) for t in categories.split(",")]
    try:
        if method == "icc":
            result = ag.icc(
                table,
                average=average,
                confidence=confidence,
                rater=rater_column,
                item=item_column,
                score=score_column,
            )
        elif method == "kappa":
            result = ag.cohen_kappa(
                table,
                weights=weights,  # type: ignore[arg-type]
                categories=cats,
                confidence=confidence,
                rater=rater_column,
                item=item_column,
                score=score_column,
            )
        elif method == "fleiss":
            result = ag.fleiss_kappa(
                table, categories=cats, rater=rater_column, item=item_column, score=score_column
            )
        else:
            result = ag.krippendorff_alpha(
                table,
                level=level,  # type: ignore[arg-type]
                categories=cats,
                confidence=confidence,
                resamples=resamples,
                seed=seed,
                rater=rater_column,
                item=item_column,
                score=score_column,
            )
    except CsperfError as exc:
        raise _in_file(exc, ratings) from None
    if fmt in ("html", "xlsx"):
        _write_view(result, fmt, output, lang, [ratings])
        return
    if fmt == "json":
        _say(json.dumps(_agreement_json(result), indent=2, ensure_ascii=False), data=True)
        return
    _say(str(result))
    if result.ci is not None and result.ci.method == "bootstrap":
        _say(
            f"interval: percentile bootstrap over items, {result.ci.resamples} resamples, "
            f"seed {result.ci.seed}"
        )
    if result.standard_error is not None:
        _say(f"standard error: {result.standard_error:.4f}")
    if result.null_standard_error is not None:
        _say(
            f"standard error under no agreement: {result.null_standard_error:.4f}, "
            f"z = {result.z:.3f}"
        )
    _say(", ".join(f"{k} = {v:.4f}" for k, v in result.components.items()))


@cli.command("calibration-session")
@click.argument("reviews", type=click.Path(exists=True, dir_okay=False))
@click.option("--expert", help="The reviewer whose scores are the baseline.")
@click.option(
    "--consensus",
    type=click.Choice(["mean", "median"]),
    default="mean",
    show_default=True,
    help="The baseline without --expert.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0),
    default=10,
    show_default=True,
    help="Points within which a review agrees.",
)
@click.option(
    "--target",
    type=click.FloatRange(0, 1),
    default=0.85,
    show_default=True,
    help="The share of reviews within the tolerance aimed at.",
)
@_rating_columns
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_view_options
@_errors
def calibration_session(
    reviews: str,
    expert: str | None,
    consensus: str,
    tolerance: float,
    target: float,
    rater_column: str,
    item_column: str,
    score_column: str,
    as_json: bool,
    view_format: str | None,
    lang: str,
    output: Path | None,
) -> None:
    """Compare reviewers who scored the same interactions (REVIEWS: reviewer, item, score)."""
    import attrs

    from csperf import agreement as ag

    fmt = _view_format(view_format, as_json, output)

    table = _read_ratings(reviews, (rater_column, item_column, score_column))
    try:
        result = ag.calibration_session(
            table,
            expert=expert,
            consensus=consensus,  # type: ignore[arg-type]
            tolerance=tolerance,
            target=target,
            rater=rater_column,
            item=item_column,
            score=score_column,
        )
    except CsperfError as exc:
        raise _in_file(exc, reviews) from None
    if fmt in ("html", "xlsx"):
        _write_view(result, fmt, output, lang, [reviews])
        return
    if fmt == "json":
        _say(json.dumps(attrs.asdict(result), indent=2, ensure_ascii=False), data=True)
        return
    _say(str(result))


@cli.command("rater-severity")
@click.argument("ratings", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--correction",
    type=click.Choice(["none", "offset", "zscore"]),
    default="none",
    show_default=True,
    help="The correction of the scores (always printed).",
)
@click.option(
    "--consensus",
    type=click.Choice(["mean", "median"]),
    default="mean",
    show_default=True,
    help="Each item's consensus.",
)
@_rating_columns
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the corrected ratings here (CSV: rater, item, score, corrected); with "
    "--format html or xlsx, the view (the corrected scores are in it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the offsets as JSON.")
@functools.partial(_view_options, output=False)
@_errors
def rater_severity(
    ratings: str,
    correction: str,
    consensus: str,
    rater_column: str,
    item_column: str,
    score_column: str,
    output: Path | None,
    as_json: bool,
    view_format: str | None,
    lang: str,
) -> None:
    """Each rater's offset from the consensus on RATINGS (rater, item, score)."""
    import csv
    import io

    import attrs

    from csperf import agreement as ag
    from csperf._io import atomic_write_text, check_not_input
    from csperf._numbers import decimal_text

    table = _read_ratings(ratings, (rater_column, item_column, score_column))
    try:
        result = ag.rater_severity(
            table,
            correction=correction,  # type: ignore[arg-type]
            consensus=consensus,  # type: ignore[arg-type]
            rater=rater_column,
            item=item_column,
            score=score_column,
        )
    except CsperfError as exc:
        raise _in_file(exc, ratings) from None
    fmt = _view_format(view_format, as_json)
    if fmt in ("html", "xlsx"):
        _write_view(result, fmt, output, lang, [ratings])
        return
    if fmt == "json":
        document = {
            "consensus": result.consensus,
            "correction": result.correction,
            "raters": [attrs.asdict(r) for r in result.raters],
        }
        _say(json.dumps(document, indent=2, ensure_ascii=False), data=True)
    else:
        _say(str(result))
    if output is not None:
        check_not_input(output, [ratings])
        given = dict(zip(zip(table[rater_column], table[item_column]), table[score_column]))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([rater_column, item_column, score_column, "corrected"])
        for (who, what), corrected in result.scores.items():
            writer.writerow([who, what, decimal_text(given[(who, what)]), decimal_text(corrected)])
        atomic_write_text(output, buffer.getvalue())
        _say(f"wrote {output} (correction: {result.correction})", err=True)


def main(argv: Sequence[str] | None = None) -> Any:
    """Run the command line (the ``csperf`` console script)."""
    return cli.main(args=list(argv) if argv is not None else None, prog_name="csperf")
