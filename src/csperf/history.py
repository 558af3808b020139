"""The appraisal history: an append-only store of every period's results.

Three tables, written by inserts only (nothing is ever updated or deleted):

* ``csperf_revisions``: one row per write of a period: the period, its revision number (1, 2,
  ...), the scorecard's key, version, fingerprint and file (JSON), the weighting provenance
  (JSON), the reason of a re-scoring, when it was written (UTC) and by which csperf version;
* ``csperf_rows``: one row per subject and revision: team, raw values, points, effective
  weights, dimension points, standards (JSON objects), redistributions, total, unrounded
  total and grade;
* ``csperf_closures``: one row per closing of a period, naming the revision it locks.

Each :meth:`History.add` and :meth:`History.close` runs in one transaction: a crash or an error
in the middle leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._population import Population
from csperf.errors import ConfigError, ValidationError

if TYPE_CHECKING:
    from csperf.results import BatchResult, ScorecardResult
    from csperf.scorecard import Scorecard

__all__ = ["History", "PeriodRecord", "PeriodSummary"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS csperf_revisions (
        period TEXT NOT NULL,
        revision INTEGER NOT NULL,
        scorecard TEXT NOT NULL,
        version TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        card TEXT NOT NULL,
        provenance TEXT NOT NULL,
        reason TEXT NOT NULL,
        subjects INTEGER NOT NULL,
        written_at TEXT NOT NULL,
        csperf_version TEXT NOT NULL,
        PRIMARY KEY (period, revision)
    )""",
    """CREATE TABLE IF NOT EXISTS csperf_rows (
        period TEXT NOT NULL,
        revision INTEGER NOT NULL,
        subject TEXT NOT NULL,
        team TEXT,
        raw TEXT NOT NULL,
        points TEXT NOT NULL,
        weights TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        standards TEXT NOT NULL,
        redistributed TEXT,
        total DOUBLE PRECISION NOT NULL,
        unrounded_total DOUBLE PRECISION NOT NULL,
        grade TEXT NOT NULL,
        PRIMARY KEY (period, revision, subject)
    )""",
    """CREATE TABLE IF NOT EXISTS csperf_closures (
        period TEXT NOT NULL,
        revision INTEGER NOT NULL,
        closed_at TEXT NOT NULL,
        note TEXT NOT NULL,
        PRIMARY KEY (period, revision)
    )""",
)

_ROW_COLUMNS = (
    "period, revision, subject, team, raw, points, weights, dimensions, standards, "
    "redistributed, total, unrounded_total, grade"
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _numbers(values: Mapping[str, Any]) -> dict[str, float]:
    return {k: math.nan if v is None else float(v) for k, v in values.items()}


class _Db:
    """A DB-API connection with its parameter style and transactions (DuckDB, SQLite, others)."""

    def __init__(self, con: Any, owned: bool) -> None:
        self.con = con
        self.owned = owned
        module = type(con).__module__.split(".")[0]
        self.kind = "duckdb" if module in ("duckdb", "_duckdb") else module
        self.mark = "?" if self.kind in ("duckdb", "sqlite3") else "%s"

    def sql(self, text: str) -> str:
        return text.replace("?", self.mark)

    def execute(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.kind == "duckdb":
            cursor = self.con.execute(self.sql(text), list(params))
        else:
            cursor = self.con.cursor()
            cursor.execute(self.sql(text), tuple(params))
        rows = cursor.fetchall() if cursor.description is not None else []
        return [tuple(r) for r in rows]

    def executemany(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.kind == "duckdb":
            self.con.executemany(self.sql(text), [list(r) for r in rows])
        else:
            self.con.cursor().executemany(self.sql(text), [tuple(r) for r in rows])

    def begin(self) -> None:
        if self.kind == "duckdb":
            self.con.begin()
        elif self.kind == "sqlite3" and not self.con.in_transaction:
            self.con.execute("BEGIN")

    def commit(self) -> None:
        self.con.commit()

    def rollback(self) -> None:
        self.con.rollback()


def _concurrent_write(exc: BaseException) -> bool:
    """Whether a write failed because another writer got there first.

    A revision number taken by another writer breaks the primary key (DuckDB's
    ``ConstraintException``, DB-API ``IntegrityError``, psycopg's ``UniqueViolation``); a
    database held by another writer is locked (SQLite) or in conflict (DuckDB's
    ``TransactionException``).
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"ConstraintException", "IntegrityError", "UniqueViolation", "TransactionException"}:
        return True
    return "OperationalError" in names and "locked" in str(exc).lower()


def _connect(target: Any) -> _Db:
    """A path (DuckDB file), a URL for Ibis, an Ibis backend or a DB-API connection."""
    if isinstance(target, (str, os.PathLike)) and "://" not in str(target):
        try:
            import duckdb
        except ImportError:  # pragma: no cover - the metrics extra is installed in the tests
            raise ConfigError(
                msg="the history's default store needs duckdb: pip install 'csperf[duckdb]'",
                obj="History",
                field="path",
                value=str(target),
            ) from None
        path = Path(target)
        try:
            return _Db(duckdb.connect(str(path)), owned=True)
        except duckdb.Error as exc:
            raise ConfigError(
                msg=f"cannot open the history file {str(path)!r} ({exc})",
                obj="History",
                field="path",
                value=str(path),
            ) from None
    if isinstance(target, str):
        from csperf.metrics._ibis import connect

        try:
            backend = connect(target)
        except Exception as exc:
            raise ConfigError(
                msg=f"cannot connect to {target!r} ({exc})",
                obj="History",
                field="connection",
                value=target,
            ) from None
        return _Db(backend.con, owned=True)
    if hasattr(target, "con") and hasattr(target, "list_tables"):  # an Ibis backend
        return _Db(target.con, owned=False)
    if hasattr(target, "cursor") and hasattr(target, "commit"):
        return _Db(target, owned=False)
    raise ConfigError(
        msg="a history needs a file path, a database URL, an Ibis backend or a DB-API "
        f"connection, got {type(target).__name__}",
        obj="History",
        field="connection",
        value=type(target).__name__,
    )


def _period(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValidationError(
            msg=f"a period must be a non-empty label without outer spaces, got {value!r}",
            obj="History",
            field="period",
            value=value,
        )
    return value


def _utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@attrs.frozen
class PeriodSummary:
    """One revision of a period, without its rows.

    Attributes:
        period: The period's label.
        revision: The revision number (1 for the first write).
        scorecard: The scorecard's key.
        version: The scorecard's version.
        fingerprint: The scorecard's fingerprint.
        subjects: How many subjects the revision holds.
        written_at: When it was written (UTC).
        csperf_version: The csperf version that wrote it.
        reason: Why a closed period was re-scored ("" for other writes).
        closed: Whether this revision is the one a closing locked.
        revisions: How many revisions the period has (in :meth:`History.list`, the latest
            revision's summary; the same for every summary of :meth:`History.revisions`).
    """

    period: str
    revision: int
    scorecard: str
    version: str
    fingerprint: str
    subjects: int
    written_at: datetime.datetime
    csperf_version: str
    reason: str
    closed: bool
    revisions: int

    def line(self) -> str:
        """One readable line, e.g. ``'2024-Q1 r2 card v1 [1a2b3c4d5e6f] 12 subjects, closed'``."""
        state = "closed" if self.closed else "open"
        why = f"; re-scored: {self.reason}" if self.reason else ""
        return (
            f"{self.period} r{self.revision} {self.scorecard} v{self.version} "
            f"[{self.fingerprint[:12]}] {self.subjects} subjects, {state}{why}"
        )


@attrs.frozen(eq=False)
class PeriodRecord:
    """One revision of a period, with its rows.

    Attributes:
        summary: The :class:`PeriodSummary`.
        card: The scorecard it was scored on, rebuilt from the stored file.
        provenance: How the weights were reached: the ``to_dict()`` of the
            :class:`~csperf.weights.WeightResult` given to :meth:`History.add` (strategy,
            weighting, lines and details; for SWOT the factors with their reasons), or
            ``{"strategy": None, "weighting": ...}`` with the card's own weights.
        population: The rows (private type; read them through :meth:`rows`).
    """

    summary: PeriodSummary
    card: Scorecard
    provenance: dict[str, Any]
    population: Population = attrs.field(repr=False)

    @property
    def period(self) -> str:
        """The period's label."""
        return self.summary.period

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per subject, sorted by subject.

        Keys: ``subject``, ``team``, ``total``, ``unrounded_total``, ``grade``, and ``raw``,
        ``points``, ``weights``, ``standards`` (indicator key → value, None where missing),
        ``dimensions`` (dimension key → points), ``redistributed`` (a list, or None when not
        recorded).
        """
        pop = self.population
        out = []
        for i, subject in enumerate(pop.subjects):
            out.append(
                {
                    "subject": subject,
                    "team": pop.teams[i],
                    "total": float(pop.totals[i]),
                    "unrounded_total": float(pop.unrounded[i]),
                    "grade": pop.grades[i],
                    "raw": {k: _number(v[i]) for k, v in pop.raw.items()},
                    "points": {k: _number(v[i]) for k, v in pop.points.items()},
                    "weights": {k: float(v[i]) for k, v in pop.weights.items()},
                    "standards": {k: v[i] for k, v in pop.standards.items()},
                    "dimensions": {k: _number(v[i]) for k, v in pop.dimensions.items()},
                    "redistributed": pop.redistributed[i],
                }
            )
        return out


def _provenance(weighting: Any, card: Scorecard) -> dict[str, Any]:
    if weighting is None:
        return {"strategy": None, "weighting": card.weighting.to_dict(), "lines": []}
    if isinstance(weighting, Mapping):
        given = weighting.get("weighting")
        if given is not None and given != card.weighting.to_dict():
            raise ValidationError(
                msg="the weighting's provenance describes other weights than the card's",
                obj="History",
                field=("provenance", "weighting"),
                value=given,
            )
        return dict(weighting)
    to_dict = getattr(weighting, "to_dict", None)
    found = getattr(weighting, "weighting", None)
    if to_dict is None or found is None:
        raise ValidationError(
            msg="provenance must be a WeightResult (or its to_dict()), got "
            f"{type(weighting).__name__}",
            obj="History",
            field="provenance",
            value=type(weighting).__name__,
        )
    if found != card.weighting:
        raise ValidationError(
            msg="the weighting's provenance describes other weights than the card's",
            obj="History",
            field="provenance",
            value=found.to_dict(),
        )
    described: dict[str, Any] = to_dict()
    return described


def _provenance_text(provenance: dict[str, Any]) -> str:
    try:
        return _dumps(provenance)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            msg=f"the weighting provenance is not JSON-ready data ({exc})",
            obj="History",
            field="provenance",
            value=repr(provenance)[:200],
        ) from None


class History:
    """An append-only store of every period's results.

    Open one with :meth:`open`; write a period's results with :meth:`add`, read them with
    :meth:`list`, :meth:`revisions` and :meth:`show`, lock a period with :meth:`close`. Every
    write is a new revision: a period scored twice keeps both; a closed period refuses a
    write unless it is an explicit re-scoring with a reason, which becomes a new revision too.

    Example:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> results = [card.evaluate(row, "li_wei"), card.evaluate(
        ...     {**row, "product_knowledge": 60}, "zhang_min")]
        >>> history = History.open(":memory:")
        >>> history.add("2024-Q1", results, card).line()
        '2024-Q1 r1 customer_service_manager v1 [...] 2 subjects, open'
        >>> history.close("2024-Q1").closed
        True
        >>> [r["total"] for r in history.show("2024-Q1").rows()]
        [89.6, 86.8]
        >>> history.close_connection()
    """

    def __init__(self, db: _Db) -> None:
        self._db = db
        self._cards: dict[str, Scorecard] = {}
        db.begin()
        try:
            for statement in _SCHEMA:
                db.execute(statement)
            db.commit()
        except BaseException:
            db.rollback()
            raise

    @classmethod
    def open(cls, target: Any = "csperf-history.duckdb") -> History:
        """Open (or create) a history.

        Args:
            target: A file path for the embedded DuckDB store (the default,
                ``csperf-history.duckdb``; ``":memory:"`` for one that lives with the
                object), a database URL for :func:`ibis.connect` (``"sqlite:///h.db"``,
                ``"postgres://..."``), an Ibis backend, or a DB-API connection (``duckdb``,
                ``sqlite3``, ``psycopg``).

        Raises:
            ConfigError: When the store cannot be opened.
        """
        return cls(_connect(target))

    def close_connection(self) -> None:
        """Close the database connection when the history opened it."""
        if self._db.owned:
            self._db.con.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_connection()

    # -- writing ----------------------------------------------------------------------------

    def add(
        self,
        period: str,
        results: BatchResult | Sequence[ScorecardResult],
        card: Scorecard,
        *,
        provenance: Any = None,
        teams: Mapping[str, str] | None = None,
        reason: str = "",
    ) -> PeriodSummary:
        """Write one period's results as a new revision, in one transaction.

        Args:
            period: The period's label (``"2024-Q1"``); labels sort as periods do when they
                are ISO-like.
            results: A :class:`~csperf.BatchResult` or a sequence of
                :class:`~csperf.ScorecardResult`, every one naming its subject.
            card: The scorecard the results were scored on (its fingerprint must match); it is
                stored with them.
            provenance: How the card's weights were reached: a
                :class:`~csperf.weights.WeightResult` (for SWOT, its factors and their reasons
                are kept) or its ``to_dict()``; None records the card's weights as given.
            teams: Subject → team, for the roll-ups of :func:`csperf.compare`.
            reason: Required to re-score a closed period: why (it is stored with the revision).

        Returns:
            The :class:`PeriodSummary` of the new revision.

        Raises:
            ValidationError: For a bad period label, results that do not fit the card, a
                write to a closed period without a reason, or another writer adding a revision
                of the period at the same time (nothing is written: add it again).
        """
        period = _period(period)
        population = Population.from_results(results, card, teams)
        provenance_text = _provenance_text(_provenance(provenance, card))
        if not isinstance(reason, str):
            raise ValidationError(
                msg=f"reason must be a text, got {type(reason).__name__}",
                obj="History",
                field="reason",
                value=reason,
            )
        from csperf._version import __version__
        from csperf.config import dumps_scorecard

        written = datetime.datetime.now(datetime.timezone.utc).isoformat()
        card_text = dumps_scorecard(card, "json")
        db = self._db
        db.begin()
        try:
            latest, closed = self._state(period)
            if closed and not reason.strip():
                raise ValidationError(
                    msg=f"period {period!r} is closed (revision {closed}); re-scoring it needs "
                    "a reason, and writes a new revision",
                    obj="History",
                    field="period",
                    value=period,
                )
            revision = latest + 1
            db.execute(
                "INSERT INTO csperf_revisions (period, revision, scorecard, version, "
                "fingerprint, card, provenance, reason, subjects, written_at, csperf_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    period,
                    revision,
                    card.key,
                    card.version,
                    card.fingerprint,
                    card_text,
                    provenance_text,
                    reason.strip(),
                    len(population),
                    written,
                    __version__,
                ),
            )
            self._insert_rows(period, revision, population)
            db.commit()
        except BaseException as exc:
            db.rollback()
            if _concurrent_write(exc):
                raise ValidationError(
                    msg=f"another writer added a revision of period {period!r} at the same "
                    f"time ({type(exc).__name__}); nothing was written: add it again",
                    obj="History",
                    field="period",
                    value=period,
                ) from None
            raise
        return self._summaries(period)[-1]

    def _insert_rows(self, period: str, revision: int, pop: Population) -> None:
        rows = []
        for i, subject in enumerate(pop.subjects):
            redistributed = pop.redistributed[i]
            rows.append(
                (
                    period,
                    revision,
                    subject,
                    pop.teams[i],
                    _dumps({k: _number(v[i]) for k, v in pop.raw.items()}),
                    _dumps({k: _number(v[i]) for k, v in pop.points.items()}),
                    _dumps({k: float(v[i]) for k, v in pop.weights.items()}),
                    _dumps({k: _number(v[i]) for k, v in pop.dimensions.items()}),
                    _dumps({k: v[i] for k, v in pop.standards.items()}),
                    None if redistributed is None else _dumps(redistributed),
                    float(pop.totals[i]),
                    float(pop.unrounded[i]),
                    pop.grades[i],
                )
            )
        self._db.executemany(
            f"INSERT INTO csperf_rows ({_ROW_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def close(self, period: str, *, note: str = "") -> PeriodSummary:
        """Lock a period at its latest revision.

        Args:
            period: The period's label.
            note: Why or by whom, stored with the closing.

        Returns:
            The :class:`PeriodSummary` of the locked revision.

        Raises:
            ValidationError: When the period has no results, or its latest revision is closed
                already.
        """
        period = _period(period)
        db = self._db
        db.begin()
        try:
            latest, closed = self._state(period)
            if latest == 0:
                raise ValidationError(
                    msg=f"no results for period {period!r} to close",
                    obj="History",
                    field="period",
                    value=period,
                )
            if closed == latest:
                raise ValidationError(
                    msg=f"period {period!r} is closed already (revision {latest})",
                    obj="History",
                    field="period",
                    value=period,
                )
            db.execute(
                "INSERT INTO csperf_closures (period, revision, closed_at, note) "
                "VALUES (?, ?, ?, ?)",
                (
                    period,
                    latest,
                    datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    str(note),
                ),
            )
            db.commit()
        except BaseException:
            db.rollback()
            raise
        return self._summaries(period)[-1]

    # -- reading ----------------------------------------------------------------------------

    def _state(self, period: str) -> tuple[int, int]:
        """The latest revision and the latest closed revision (0 for none)."""
        found = self._db.execute(
            "SELECT max(revision) FROM csperf_revisions WHERE period = ?", (period,)
        )
        closed = self._db.execute(
            "SELECT max(revision) FROM csperf_closures WHERE period = ?", (period,)
        )
        return int(found[0][0] or 0), int(closed[0][0] or 0)

    def _summaries(self, period: str | None = None) -> list[PeriodSummary]:
        where = "" if period is None else " WHERE period = ?"
        rows = self._db.execute(
            "SELECT period, revision, scorecard, version, fingerprint, subjects, written_at, "
            f"csperf_version, reason FROM csperf_revisions{where} ORDER BY period, revision",
            () if period is None else (period,),
        )
        closed = {
            (str(p), int(r))
            for p, r in self._db.execute(
                f"SELECT period, revision FROM csperf_closures{where}",
                () if period is None else (period,),
            )
        }
        counts: dict[str, int] = {}
        for row in rows:
            counts[str(row[0])] = max(counts.get(str(row[0]), 0), int(row[1]))
        return [
            PeriodSummary(
                period=str(p),
                revision=int(r),
                scorecard=str(key),
                version=str(version),
                fingerprint=str(fp),
                subjects=int(n),
                written_at=_utc(str(at)),
                csperf_version=str(v),
                reason=str(why),
                closed=(str(p), int(r)) in closed,
                revisions=counts[str(p)],
            )
            for p, r, key, version, fp, n, at, v, why in rows
        ]

    def list(self) -> tuple[PeriodSummary, ...]:
        """The latest revision of every period, periods sorted by label."""
        latest: dict[str, PeriodSummary] = {}
        for summary in self._summaries():
            latest[summary.period] = summary
        return tuple(latest[p] for p in sorted(latest))

    def revisions(self, period: str) -> tuple[PeriodSummary, ...]:
        """Every revision of a period, oldest first (empty when the period has none)."""
        return tuple(self._summaries(_period(period)))

    def show(self, period: str, revision: int | None = None) -> PeriodRecord:
        """One revision of a period with its rows: the latest by default.

        Raises:
            ValidationError: When the period, or that revision of it, is not in the history.
        """
        period = _period(period)
        summaries = self._summaries(period)
        if revision is None and summaries:
            summary = summaries[-1]
        else:
            chosen = [s for s in summaries if s.revision == revision]
            if not chosen:
                known = ", ".join(s.period for s in self.list()) or "none"
                what = (
                    f"period {period!r}"
                    if not summaries
                    else (
                        f"revision {revision!r} of period {period!r} "
                        f"(revisions 1-{summaries[-1].revision})"
                    )
                )
                raise ValidationError(
                    msg=f"no {what} in the history (periods: {known})",
                    obj="History",
                    field="period" if not summaries else "revision",
                    value=period if not summaries else revision,
                )
            summary = chosen[0]
        ((card_text, provenance),) = self._db.execute(
            "SELECT card, provenance FROM csperf_revisions WHERE period = ? AND revision = ?",
            (period, summary.revision),
        )
        card = self._cards.get(str(card_text))
        if card is None:  # each form is rebuilt once (a plugin manager is built for it)
            from csperf.config import loads_scorecard

            card = loads_scorecard(
                str(card_text), "json", source=f"history {period} r{summary.revision}"
            )
            self._cards[str(card_text)] = card
        rows = self._db.execute(
            f"SELECT {_ROW_COLUMNS} FROM csperf_rows WHERE period = ? AND revision = ? "
            "ORDER BY subject",
            (period, summary.revision),
        )
        return PeriodRecord(
            summary=summary,
            card=card,
            provenance=json.loads(str(provenance)),
            population=_population(summary, card, rows),
        )


def _population(summary: PeriodSummary, card: Scorecard, rows: Sequence[Any]) -> Population:
    keys = [i.key for i in card.indicators]
    dims = [d.key for d in card.dimensions]
    decoded = [
        (
            str(r[2]),
            None if r[3] is None else str(r[3]),
            *(json.loads(str(r[j])) for j in range(4, 9)),
            None if r[9] is None else json.loads(str(r[9])),
            float(r[10]),
            float(r[11]),
            str(r[12]),
        )
        for r in rows
    ]
    decoded.sort(key=lambda d: d[0])

    def column(j: int, key: str) -> Any:
        return np.array([_numbers(d[j]).get(key, math.nan) for d in decoded], dtype=np.float64)

    return Population(
        scorecard=summary.scorecard,
        version=summary.version,
        fingerprint=summary.fingerprint,
        subjects=tuple(d[0] for d in decoded),
        teams=tuple(d[1] for d in decoded),
        raw={k: column(2, k) for k in keys},
        points={k: column(3, k) for k in keys},
        weights={k: column(4, k) for k in keys},
        dimensions={k: column(5, k) for k in dims},
        totals=np.array([d[8] for d in decoded], dtype=np.float64),
        unrounded=np.array([d[9] for d in decoded], dtype=np.float64),
        grades=tuple(d[10] for d in decoded),
        standards={k: tuple(d[6].get(k) for d in decoded) for k in keys},
        redistributed=tuple(d[7] for d in decoded),
    )
