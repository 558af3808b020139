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

__all__ = ["EXIT_DATA", "EXIT_USAGE", "SAMPLE_SWOT", "cli", "cli_words", "main"]

EXIT_DATA = 1
"""Exit code for data and scoring errors (bad measurements, inconsistent judgements...)."""

EXIT_USAGE = 2
"""Exit code for usage and configuration errors (bad options, bad scorecard files...)."""

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


def _fail(exc: CsperfError) -> NoReturn:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("debug"):
        raise exc
    click.echo(f"csperf: error: {cli_words(str(exc))}", err=True)
    sys.exit(_exit_code(exc))


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

    return wrapper  # type: ignore[return-value]


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
    Excel reports.
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
    data = contact_centre(seed=seed, managers=managers)
    source = RecordsSource(data.records_by_kind(), roster=data.roster)
    measurements = source.measure(period=data.period, level="manager")
    pm = get_plugin_manager()
    card = pm.template("customer-service-manager").build()
    factors = [{**f, "reason": f["reason"][lang]} for f in SAMPLE_SWOT]
    adjusted = pm.weight_strategy("swot").compute(card, factors=factors)
    card = adjusted.apply(card)
    results = _evaluate_all(card, measurements, pm)
    start, end = data.period
    label = f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
    report = Report(
        card,
        results,
        period=label,
        lang=lang,
        notes=adjusted.lines,
        samples=read_samples(card, measurements, measurements.subjects),
    )
    click.echo(render_table(report))
    if measurements.rejected.count:
        click.echo(measurements.rejected.summary(), err=True)
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        for name, fmt in (("report.html", "html"), ("report.xlsx", "xlsx")):
            if fmt == "xlsx" and not _installed("openpyxl"):
                click.echo(f"skipped {output / name}: {_NO_EXCEL}", err=True)
                continue
            path = write_report(report, output / name, fmt, plugins=pm)
            click.echo(f"wrote {path}")


@cli.command()
@click.argument("card", type=click.Path(exists=True, dir_okay=False))
@_errors
def validate(card: str) -> None:
    """Check a scorecard file and summarise it."""
    scorecard = _load(card)
    weights = scorecard.weighting.as_percentages()
    click.echo(f"{card}: valid scorecard {scorecard.key!r} v{scorecard.version}")
    click.echo(f"title: {scorecard.text()}")
    click.echo(f"fingerprint: {scorecard.fingerprint}")
    click.echo(
        f"grades: {', '.join(b.key for b in scorecard.grade_scale.bands)}; "
        f"precision {scorecard.precision}; missing values: {scorecard.missing.value}"
    )
    groups = scorecard.groups()
    for dim in scorecard.dimensions:
        click.echo(f"{dim.key} ({dim.text()}): {weights['dimensions'][dim.key]:g}%")
        for ind in groups[dim.key]:
            share = weights["indicators"][dim.key][ind.key]
            click.echo(f"  {ind.key}: {share:g}% ({ind.direction.value}, {ind.scoring.kind})")


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
    period: str | None,
    level: str,
    tz: str | None,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Score the subjects of a measurements table or a metric source on CARD.

    The report goes to stdout as a table, or to --output in the format its suffix names.
    """
    from csperf.hooks import get_plugin_manager
    from csperf.report import Report, read_samples, render, write_report
    from csperf.sources import Measurements

    if (measurements_file is None) == (source is None):
        raise click.UsageError("give exactly one of --measurements FILE and --source NAME")
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
    if measurements_file is not None:
        measurements = Measurements.read(
            measurements_file,
            metrics={
                **{name: spec.domain for name, spec in pm.metrics().items()},
                **{i.metric: i.value_domain for i in scorecard.indicators},
            },
            encoding=encoding,
            delimiter=delimiter,
            ignore_columns=[c.strip() for cs in ignore_columns for c in cs.split(",")],
        )
        inputs.append(measurements_file)
        if not measurements.subjects:
            raise MeasurementError(
                msg="no subjects to score: the file has a header row but no rows of data",
                obj=measurements_file,
                field="subjects",
                value=0,
            )
    else:
        assert source is not None
        options = _options(source_options)
        inputs.extend(v for k, v in options.items() if k in {"path", "database", "directory"})
        if "://" in source:  # a database URL: the ibis source
            options = {"url": source, **options}
            source = "ibis"
        chosen = pm.metric_source(source).from_options(options)
        measurements = chosen.measure(period=period, level=level, tz=tz)
        _check_records(measurements, source, period, level)
    try:
        results = _evaluate_all(scorecard, measurements, pm)
    except MissingMeasurementError as exc:
        raise _missing_hint(exc, scorecard, measurements, measurements_file) from None
    label = None if measurements.period is None else str(measurements.period)
    report = Report(
        scorecard,
        results,
        period=period or label,
        lang=lang,
        samples=read_samples(scorecard, measurements, measurements.subjects),
    )
    if output is None:
        click.echo(render(report, fmt, plugins=pm), nl=fmt == "table")
    else:
        written = write_report(report, output, fmt, inputs=inputs, plugins=pm)
        click.echo(f"wrote {written}", err=True)


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
@_errors
def weights(
    strategy: str,
    card: str | None,
    template_name: str,
    input_file: str | None,
    data: str | None,
    write_to: Path | None,
    as_json: bool,
) -> None:
    """Compute weights with STRATEGY (ahp, entropy, critic, swot, ...) and explain them."""
    from csperf.config import dump_scorecard
    from csperf.hooks import get_plugin_manager
    from csperf.weights import rounded_weighting

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
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.lines:
            click.echo(line)
        click.echo("")
        shown = rounded_weighting(result.weighting)  # as --write writes them: 0.01 %
        percent = shown.as_percentages()
        effective = shown.effective()
        for dim in scorecard.dimensions:
            click.echo(f"{dim.key}: {percent['dimensions'][dim.key]:.2f}%")
            for key, share in percent["indicators"][dim.key].items():
                click.echo(f"  {key}: {share:.2f}% (effective {effective[key] * 100:.2f}%)")
    if write_to is not None:
        written = rounded_weighting(result.weighting)
        dump_scorecard(attrs.evolve(scorecard, weighting=written), write_to)
        click.echo(
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
    click.echo(f"wrote {path}", err=True)


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
            click.echo(f"{found.name}: {found.summary}")
        return
    click.echo(dumps_scorecard(pm.template(name).build(), fmt), nl=False)


@cli.command()
@_errors
def schema() -> None:
    """Print the JSON Schema of scorecard files, with the installed plugins' rules."""
    from csperf.config import scorecard_schema

    click.echo(json.dumps(scorecard_schema(), indent=2, ensure_ascii=False))


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
        click.echo(f"{plugin} ({pm.distributions.get(plugin, 'registered in code')})")
        for item in items:
            click.echo(f"  {item}")


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

    click.echo(sql(list(names) or None, backend=backend, level=level, period=period, tz=tz))


def main(argv: Sequence[str] | None = None) -> Any:
    """Run the command line (the ``csperf`` console script)."""
    return cli.main(args=list(argv) if argv is not None else None, prog_name="csperf")
