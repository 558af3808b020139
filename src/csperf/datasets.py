"""Sample data: a deterministic, realistic contact centre for demos, docs and benchmarks.

:func:`contact_centre` builds managers, their teams and agents, and a quarter of tickets,
survey answers, QA reviews, knowledge tests, peer ratings and information-sharing items, all
as :mod:`csperf.metrics` records. The same seed always gives the same data (a
:class:`numpy.random.Generator` drives everything); the size is set by the arguments.

The distributions are chosen to look like a real centre, not uniform noise:

* every agent has a latent *skill* ``z = manager effect + own effect``, with the manager
  effect ~ N(0, 0.5²) shared by the manager's teams (with ``spread_managers=True``, as the
  demo uses, at the quantiles ``1 − (i + 0.5) / n`` of N(0, 2²) instead, so that even four
  managers land in four grades) and the own effect ~ N(0, 0.7²); skill
  moves every quality rate below through a logistic link (``σ(a + b·z)``), so agents and
  managers differ for a reason the metrics can find;
* contacts arrive by Poisson counts per agent and day (weekends at 40 %), at times of day
  drawn from a morning peak N(10:30, 1.5 h) and an afternoon peak N(15:00, 2 h) within
  08:00–22:00; channels are phone 55 %, chat 35 %, e-mail 10 %;
* times are lognormal (median m, log-sd s), scaled by ``exp(−0.25·z)`` for skill: call
  queue wait m = 8 s, s = 1.2, with the caller's patience exponential (mean 240 s), so a call
  is abandoned when patience runs out first (about 7 % of calls); chat first reply m = 45 s,
  s = 0.9; e-mail first reply m = 20 min, s = 0.9; talk m = 240 s, s = 0.5; hold 0 for 70 %
  of calls, else m = 45 s, s = 0.8; after-call work m = 40 s, s = 0.5;
* resolution: 80 % of answered calls are resolved on the call, the rest after m = 6 h,
  s = 1.0; chats after m = 12 min (85 %) or m = 8 h; e-mails with the first reply (50 %) or
  after m = 10 h, s = 1.1; 1 % of contacts are never resolved;
* reopen probability σ(−2.8 − 0.4 z) (about 6 %), resolved again after m = 1 day, s = 0.8;
  complaint probability σ(−4.6 − 0.5 z) (about 1 %), tripled for a reopened contact and
  doubled after a queue wait over 2 minutes; a repeat contact from the same customer within
  m = 1.5 days (s = 0.8) follows a contact with probability σ(−1.8 − 0.4 z) (about 14 %);
* surveys: 20 % of resolved contacts are answered, m = 2 h after the resolution; the answer
  is satisfied (4–5, 5 with probability 0.6) with probability σ(1.8 + 0.6 z) (about 86 %),
  lowered ×0.3 after a complaint and ×0.7 after a reopen, otherwise 1, 2 or 3 (25/25/50 %);
  60 % also answer the NPS question, around 9.2, 7.8, 6, 4 or 2 for CSAT 5 to 1;
* QA: one review per agent and week, 10–20 applicable checks, each passed with probability
  σ(2.6 + 0.6 z) (about 93 %), a critical failure with probability σ(−3.8 − 0.5 z);
* knowledge tests: one per agent every 30 days from day 14, score N(80 + 6 z, 7²) rounded
  and clipped to 0–100;
* peer ratings: every 30 days from day 25 each agent rates 3–5 teammates (fewer in small
  teams), N(4.0 + 0.3 z, 0.7²) rounded and clipped to 1–5; no self-ratings;
* information sharing: about 2 items per agent and week, due at 18:00; 3 % never shared,
  otherwise on time with probability σ(2.2 + 0.6 z) (about 90 %), m = 6 h early, else
  m = 10 h late.

Contacts are followed to their end, so a resolution may fall after the quarter. With
``transfers=1`` (the default, when there are two teams or more) the last agent of the first
team moves to the second team halfway through the quarter, which exercises the roster's
validity dates.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf.errors import ValidationError
from csperf.metrics import (
    KnowledgeTest,
    PeerRating,
    QaReview,
    Roster,
    RosterEntry,
    SharingItem,
    SurveyAnswer,
    Ticket,
)
from csperf.metrics._records import RECORD_KINDS

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]
    from numpy.typing import NDArray

__all__ = ["SampleData", "contact_centre"]

#: UTC+08:00, the default zone of the sample data.
_CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_KINDS = tuple(RECORD_KINDS)


@attrs.frozen
class SampleData:
    """A generated contact centre.

    Attributes:
        seed: The seed it was generated from.
        start: Start of the period covered (inclusive).
        end: End of the period covered (exclusive).
        roster: Agents → teams → managers.
        tickets: Contacts (:class:`~csperf.metrics.Ticket`), sorted by ``created_at``.
        surveys: Survey answers (:class:`~csperf.metrics.SurveyAnswer`).
        qa_reviews: QA reviews (:class:`~csperf.metrics.QaReview`).
        knowledge_tests: Knowledge tests (:class:`~csperf.metrics.KnowledgeTest`).
        peer_ratings: Peer ratings (:class:`~csperf.metrics.PeerRating`).
        sharing_items: Information-sharing items (:class:`~csperf.metrics.SharingItem`).
    """

    seed: int
    start: datetime
    end: datetime
    roster: Roster
    tickets: tuple[Ticket, ...]
    surveys: tuple[SurveyAnswer, ...]
    qa_reviews: tuple[QaReview, ...]
    knowledge_tests: tuple[KnowledgeTest, ...]
    peer_ratings: tuple[PeerRating, ...]
    sharing_items: tuple[SharingItem, ...]

    @property
    def period(self) -> tuple[datetime, datetime]:
        """``(start, end)``, the half-open period covered."""
        return (self.start, self.end)

    def records_by_kind(self) -> dict[str, tuple[Any, ...]]:
        """Record kind → records, ready for :func:`csperf.metrics.measure`."""
        return {kind: getattr(self, kind) for kind in _KINDS}

    def _rows(self) -> dict[str, tuple[tuple[str, ...], tuple[Any, ...]]]:
        tables = {kind: (RECORD_KINDS[kind].fields, getattr(self, kind)) for kind in _KINDS}
        roster_fields = tuple(a.name for a in attrs.fields(RosterEntry))
        tables["roster"] = (roster_fields, self.roster.entries)
        return tables

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """One pandas DataFrame per record kind, plus ``"roster"``.

        Columns are the record field names; timestamps are timezone-aware ``datetime64``
        columns, missing values NaN/NaT/None. Needs pandas (``pip install csperf[pandas]``).
        """
        import pandas as pd

        return {
            name: pd.DataFrame(
                [[getattr(r, f) for f in fields] for r in records], columns=list(fields)
            )
            for name, (fields, records) in self._rows().items()
        }

    def write_csv(self, directory: str | Path) -> dict[str, Path]:
        """Write one CSV file per record kind, plus ``roster.csv``, into ``directory``.

        Each file is ``<kind>.csv`` (``tickets.csv``, ``surveys.csv``, ``qa_reviews.csv``,
        ``knowledge_tests.csv``, ``peer_ratings.csv``, ``sharing_items.csv``,
        ``roster.csv``), UTF-8 with a header row of the record field names in order.
        Timestamps are ISO-8601 with their offset (``2024-01-02T09:15:00+08:00``), booleans
        ``true``/``false``, numbers in Python's shortest round-trip form, and a missing value
        an empty cell.

        Each file is written atomically (:func:`csperf._io.atomic_write`): a failure leaves
        the file as it was.

        Returns:
            File name stem (kind or ``"roster"``) → path written.

        Raises:
            WriteError: When the system refuses to create the directory or write a file.
        """
        from csperf._io import atomic_write, write_error

        folder = Path(directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(folder, exc) from None
        written = {}
        for name, (fields, records) in self._rows().items():

            def write(tmp: Path, fields: Any = fields, records: Any = records) -> None:
                with tmp.open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(fields)
                    for record in records:
                        writer.writerow([_cell(getattr(record, f)) for f in fields])

            written[name] = atomic_write(folder / f"{name}.csv", write)
        return written


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _count(name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValidationError(
            msg=f"argument {name!r} must be a whole number ≥ {low}, got {value!r}",
            obj="contact_centre",
            field=name,
            value=value,
        )
    return value


def _rate(name: str, value: Any, high: float = 1.0) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= high
    ):
        raise ValidationError(
            msg=f"argument {name!r} must be a number from 0 to {high:g}, got {value!r}",
            obj="contact_centre",
            field=name,
            value=value,
        )
    return float(value)


def _sigmoid(x: NDArray[np.float64] | float) -> Any:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


_MANAGER_SD = 2.0
"""The spread of the manager effects (standard deviation of the latent skill)."""


def _lognormal(
    rng: np.random.Generator, median: float | NDArray[np.float64], sigma: float, size: int
) -> NDArray[np.float64]:
    return np.asarray(median, dtype=float) * np.exp(sigma * rng.standard_normal(size))


def _time_of_day(rng: np.random.Generator, size: int) -> NDArray[np.float64]:
    """Seconds after midnight, from a morning and an afternoon peak within 08:00-22:00."""
    morning = rng.random(size) < 0.55
    hours = np.where(morning, rng.normal(10.5, 1.5, size), rng.normal(15.0, 2.0, size))
    return np.clip(hours, 8.0, 22.0 - 1 / 3600) * 3600.0


def contact_centre(
    seed: int = 0,
    managers: int = 2,
    teams_per_manager: int = 2,
    agents_per_team: int = 6,
    start: datetime | None = None,
    days: int = 91,
    *,
    contacts_per_agent_day: float = 12.0,
    survey_rate: float = 0.2,
    transfers: int = 1,
    spread_managers: bool = False,
) -> SampleData:
    """Generate a contact centre (see the module documentation for the distributions).

    Args:
        seed: The seed of the random generator; the same seed gives the same data.
        managers: How many managers.
        teams_per_manager: How many teams each manager leads.
        agents_per_team: How many agents per team.
        start: Start of the period, an aware datetime (default 2024-01-01 00:00 UTC+08:00,
            with ``days=91`` the first quarter of 2024).
        days: Length of the period in days.
        contacts_per_agent_day: Mean contacts per agent and weekday (weekends 40 % of it).
        survey_rate: Share of resolved contacts whose customer answers the survey.
        transfers: 1 to move one agent to another team halfway (needs two teams), 0 not to.
        spread_managers: Give the manager effects the quantiles ``1 − (i + 0.5) / n`` of
            N(0, 2²) (the first manager strongest) instead of drawing them from N(0, 0.5²):
            even a handful of managers then spans the grades, and each keeps its effect
            whatever the seed (``csperf demo`` does this, for two quarters). The rest of the
            data is drawn as without it.

    Returns:
        The :class:`SampleData`.

    Raises:
        ValidationError: For a bad argument.

    Examples:
        >>> data = contact_centre(seed=1, managers=1, teams_per_manager=2, agents_per_team=3,
        ...                       days=14)
        >>> data.roster.subjects("team")
        ('T01', 'T02')
        >>> len(data.tickets) == len(contact_centre(seed=1, managers=1, teams_per_manager=2,
        ...                                         agents_per_team=3, days=14).tickets)
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError(
            msg=f"argument 'seed' must be a whole number ≥ 0, got {seed!r}",
            obj="contact_centre",
            field="seed",
            value=seed,
        )
    n_managers = _count("managers", managers)
    n_teams_each = _count("teams_per_manager", teams_per_manager)
    team_size = _count("agents_per_team", agents_per_team)
    n_days = _count("days", days)
    rate = _rate("contacts_per_agent_day", contacts_per_agent_day, high=10_000)
    response = _rate("survey_rate", survey_rate)
    moves = _count("transfers", transfers, low=0)
    if moves > 1:
        raise ValidationError(
            msg=f"argument 'transfers' must be 0 or 1, got {transfers!r}",
            obj="contact_centre",
            field="transfers",
            value=transfers,
        )
    if start is None:
        start = datetime(2024, 1, 1, tzinfo=_CHINA_STANDARD_TIME)
    if not isinstance(start, datetime) or start.tzinfo is None or start.utcoffset() is None:
        raise ValidationError(
            msg=f"argument 'start' must be an aware datetime, got {start!r}",
            obj="contact_centre",
            field="start",
            value=start,
        )
    zone: tzinfo = start.tzinfo
    end = start + timedelta(days=n_days)
    rng = np.random.default_rng(seed)

    n_teams = n_managers * n_teams_each
    n_agents = n_teams * team_size
    agents = [f"A{i + 1:03d}" for i in range(n_agents)]
    team_of = np.arange(n_agents) // team_size
    manager_of_team = np.arange(n_teams) // n_teams_each
    drawn = rng.normal(0.0, 0.5, n_managers)
    if spread_managers:
        # The normal quantiles (i + 0.5) / n, the strongest first: even four managers span
        # the range, so the sample shows a spread of grades, and each manager keeps the same
        # effect whatever the seed (two quarters compare the same people); the draw above
        # keeps the rest of the stream as it is without the option.
        quantiles = [
            NormalDist(0.0, _MANAGER_SD).inv_cdf(1 - (i + 0.5) / n_managers)
            for i in range(n_managers)
        ]
        manager_effect = np.asarray(quantiles, dtype=float)
    else:
        manager_effect = drawn
    skill = manager_effect[manager_of_team[team_of]] + rng.normal(0.0, 0.7, n_agents)

    def team_name(t: int) -> str:
        return f"T{t + 1:02d}"

    def manager_name(t: int) -> str:
        return f"M{manager_of_team[t] + 1:02d}"

    entries = []
    move_at = start + timedelta(days=n_days // 2) if n_days >= 2 else None
    mover = team_size - 1 if moves and n_teams >= 2 and move_at is not None else None
    for a in range(n_agents):
        t = int(team_of[a])
        if a == mover and move_at is not None:
            entries.append(RosterEntry(agents[a], team_name(0), manager_name(0), start, move_at))
            entries.append(RosterEntry(agents[a], team_name(1), manager_name(1), move_at, None))
        else:
            entries.append(RosterEntry(agents[a], team_name(t), manager_name(t), start, None))
    roster = Roster(entries)

    def at(offsets: NDArray[np.float64]) -> list[datetime]:
        """Aware datetimes ``offset`` seconds of wall-clock time after ``start``."""
        return [start + timedelta(seconds=s) for s in np.round(offsets, 3).tolist()]

    tickets = _tickets(rng, skill, agents, n_days, rate, at, end)
    surveys = _surveys(rng, skill, agents, tickets, response, zone)
    qa_reviews = _qa_reviews(rng, skill, agents, n_days, at)
    knowledge_tests = _knowledge_tests(rng, skill, agents, n_days, at)
    peer_ratings = _peer_ratings(rng, skill, agents, roster, n_days, at)
    sharing_items = _sharing_items(rng, skill, agents, n_days, at)
    return SampleData(
        seed,
        start,
        end,
        roster,
        tickets,
        surveys,
        qa_reviews,
        knowledge_tests,
        peer_ratings,
        sharing_items,
    )


def _day_offsets(
    rng: np.random.Generator, counts: NDArray[np.int64], n_days: int
) -> NDArray[np.float64]:
    days = np.repeat(np.tile(np.arange(n_days), len(counts) // n_days), counts)
    return days * 86400.0 + _time_of_day(rng, int(counts.sum()))


def _tickets(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    n_days: int,
    rate: float,
    at: Any,
    end: datetime,
) -> tuple[Ticket, ...]:
    n_agents = len(agents)
    weekday = np.array([0.4 if d % 7 in (5, 6) else 1.0 for d in range(n_days)])
    counts = rng.poisson(rate * np.tile(weekday, n_agents))
    agent_idx = np.repeat(np.arange(n_agents), n_days)
    base_agent = np.repeat(agent_idx, counts)
    base_days = np.repeat(np.tile(np.arange(n_days), n_agents), counts)
    base_created = base_days * 86400.0 + _time_of_day(rng, len(base_agent))
    n_base = len(base_agent)
    base_customer = np.arange(n_base)

    # Repeat contacts: the same customer comes back, to any agent, about 1.5 days later.
    repeat = rng.random(n_base) < _sigmoid(-1.8 - 0.4 * skill[base_agent])
    delay = _lognormal(rng, 1.5 * 86400, 0.8, n_base)
    later = base_created + delay
    keep = repeat & (later < n_days * 86400.0)
    rep_agent = rng.integers(0, n_agents, int(keep.sum()))
    agent = np.concatenate([base_agent, rep_agent])
    created = np.concatenate([base_created, later[keep]])
    customer = np.concatenate([base_customer, base_customer[keep]])
    order = np.argsort(created, kind="stable")
    agent, created, customer = agent[order], created[order], customer[order]
    n = len(agent)
    z = skill[agent]
    speed = np.exp(-0.25 * z)

    channel = rng.choice(np.array(["phone", "chat", "email"]), size=n, p=[0.55, 0.35, 0.1])
    phone = channel == "phone"
    chat = channel == "chat"
    email = channel == "email"

    wait = _lognormal(rng, 8.0, 1.2, n) * speed
    patience = rng.exponential(240.0, n)
    abandoned = phone & (patience < wait)
    answered = phone & ~abandoned
    wait = np.where(abandoned, patience, wait)

    first = np.full(n, np.nan)
    first[answered] = wait[answered]
    first[chat] = _lognormal(rng, 45.0 * speed[chat], 0.9, int(chat.sum()))
    first[email] = _lognormal(rng, 20 * 60 * speed[email], 0.9, int(email.sum()))

    talk = np.where(answered, _lognormal(rng, 240.0 * speed, 0.5, n), np.nan)
    hold = np.where(answered & (rng.random(n) >= 0.7), _lognormal(rng, 45.0, 0.8, n), 0.0)
    hold = np.where(answered, hold, np.nan)
    acw = np.where(answered, _lognormal(rng, 40.0, 0.5, n), np.nan)

    later_fix = _lognormal(rng, 6 * 3600.0, 1.0, n)
    resolved = np.full(n, np.nan)
    on_call = rng.random(n) < 0.8
    resolved[answered] = np.where(on_call, first + talk + hold, first + talk + hold + later_fix)[
        answered
    ]
    chat_quick = rng.random(n) < 0.85
    resolved[chat] = np.where(
        chat_quick,
        first + _lognormal(rng, 12 * 60.0, 0.7, n),
        first + _lognormal(rng, 8 * 3600.0, 1.0, n),
    )[chat]
    email_first = rng.random(n) < 0.5
    resolved[email] = np.where(email_first, first, first + _lognormal(rng, 10 * 3600.0, 1.1, n))[
        email
    ]
    never = rng.random(n) < 0.01
    resolved[never] = np.nan

    reopened = ~np.isnan(resolved) & (rng.random(n) < _sigmoid(-2.8 - 0.4 * z))
    final = np.where(reopened, resolved + _lognormal(rng, 86400.0, 0.8, n), np.nan)
    p_complaint = _sigmoid(-4.6 - 0.5 * z) * np.where(reopened, 3.0, 1.0)
    p_complaint *= np.where(phone & (wait > 120), 2.0, 1.0)
    complaint = ~abandoned & (rng.random(n) < np.minimum(p_complaint, 1.0))

    created_at: list[datetime] = at(created)
    first_s, resolved_s, final_s = (np.round(a, 3).tolist() for a in (first, resolved, final))
    wait_s, talk_s, hold_s, acw_s = (np.round(a, 1).tolist() for a in (wait, talk, hold, acw))

    def moment(i: int, seconds: float) -> datetime | None:
        if math.isnan(seconds):
            return None
        return created_at[i] + timedelta(seconds=seconds)

    def number(value: float) -> float | None:
        return None if math.isnan(value) else value

    out = []
    for i in range(n):
        is_phone = bool(phone[i])
        out.append(
            Ticket(
                id=f"TK{i + 1:06d}",
                agent=agents[int(agent[i])],
                channel=str(channel[i]),
                created_at=created_at[i],
                first_response_at=moment(i, first_s[i]),
                resolved_at=moment(i, resolved_s[i]),
                final_resolved_at=moment(i, final_s[i]),
                reopened=bool(reopened[i]),
                complaint=bool(complaint[i]),
                customer=f"C{int(customer[i]) + 1:06d}",
                wait_seconds=wait_s[i] if is_phone else None,
                answered=bool(answered[i]) if is_phone else None,
                abandoned=bool(abandoned[i]) if is_phone else None,
                talk_seconds=number(talk_s[i]),
                hold_seconds=number(hold_s[i]),
                acw_seconds=number(acw_s[i]),
            )
        )
    return tuple(out)


def _surveys(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    tickets: tuple[Ticket, ...],
    response: float,
    zone: tzinfo,
) -> tuple[SurveyAnswer, ...]:
    index = {name: i for i, name in enumerate(agents)}
    eligible = [t for t in tickets if t.resolved_at is not None]
    n = len(eligible)
    answer = rng.random(n) < response
    delay = _lognormal(rng, 2 * 3600.0, 1.0, n)
    u_sat = rng.random(n)
    u_top = rng.random(n)
    low = rng.choice(np.array([1, 2, 3]), size=n, p=[0.25, 0.25, 0.5])
    with_nps = rng.random(n) < 0.6
    nps_noise = rng.standard_normal(n)
    out = []
    for i, t in enumerate(eligible):
        if not answer[i]:
            continue
        z = skill[index[t.agent]]
        p = float(_sigmoid(1.8 + 0.6 * z)) * (0.3 if t.complaint else 1.0)
        p *= 0.7 if t.reopened else 1.0
        score = (5 if u_top[i] < 0.6 else 4) if u_sat[i] < p else int(low[i])
        nps = None
        if with_nps[i]:
            centre, spread = {5: (9.2, 0.9), 4: (7.8, 1.2), 3: (6.0, 1.5), 2: (4.0, 1.8)}.get(
                score, (2.0, 1.8)
            )
            nps = int(np.clip(round(centre + spread * nps_noise[i]), 0, 10))
        done = t.final_resolved_at or t.resolved_at
        if done is None:  # pragma: no cover - only resolved contacts are eligible
            continue
        submitted = (done + timedelta(seconds=round(float(delay[i]), 3))).astimezone(zone)
        out.append(SurveyAnswer(t.agent, t.id, submitted, csat=score, nps=nps))
    out.sort(key=lambda a: a.submitted_at)
    return tuple(out)


def _qa_reviews(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    n_days: int,
    at: Any,
) -> tuple[QaReview, ...]:
    weeks = max(1, n_days // 7)
    rows = []
    for a, name in enumerate(agents):
        p_pass = float(_sigmoid(2.6 + 0.6 * skill[a]))
        p_critical = float(_sigmoid(-3.8 - 0.5 * skill[a]))
        day = np.arange(weeks) * 7 + rng.integers(0, 5, weeks)
        day = np.minimum(day, n_days - 1)
        offsets = day * 86400.0 + rng.uniform(9, 18, weeks) * 3600.0
        applicable = rng.integers(10, 21, weeks)
        passed = rng.binomial(applicable, p_pass)
        critical = rng.random(weeks) < p_critical
        for when, app, ok, crit in zip(at(offsets), applicable, passed, critical):
            rows.append((when, name, int(ok), int(app), bool(crit)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return tuple(
        QaReview(name, when, ok, app, crit, id=f"QA{i + 1:05d}")
        for i, (when, name, ok, app, crit) in enumerate(rows)
    )


def _knowledge_tests(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    n_days: int,
    at: Any,
) -> tuple[KnowledgeTest, ...]:
    days = np.arange(14, n_days, 30)
    out = []
    for d in days:
        offsets = d * 86400.0 + rng.uniform(9, 17, len(agents)) * 3600.0
        scores = np.clip(np.round(rng.normal(80 + 6 * skill, 7.0)), 0, 100)
        for name, when, score in zip(agents, at(offsets), scores):
            out.append(KnowledgeTest(name, when, float(score)))
    return tuple(out)


def _peer_ratings(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    roster: Roster,
    n_days: int,
    at: Any,
) -> tuple[PeerRating, ...]:
    index = {name: i for i, name in enumerate(agents)}
    out = []
    for d in np.arange(25, n_days, 30):
        moment = at(np.array([d * 86400.0]))[0]
        teams: dict[str, list[str]] = {}
        for name in agents:
            team = roster.subject_at("team", name, moment)
            if team is not None:
                teams.setdefault(team, []).append(name)
        for rater in agents:
            team = roster.subject_at("team", rater, moment)
            mates = [m for m in teams.get(team or "", []) if m != rater]
            if not mates:
                continue
            k = min(len(mates), int(rng.integers(3, 6)))
            chosen = rng.choice(len(mates), size=k, replace=False)
            offsets = d * 86400.0 + rng.uniform(9, 18, k) * 3600.0
            for j, when in zip(chosen, at(offsets)):
                ratee = mates[int(j)]
                score = rng.normal(4.0 + 0.3 * skill[index[ratee]], 0.7)
                out.append(PeerRating(rater, ratee, when, float(np.clip(round(score), 1, 5))))
    out.sort(key=lambda r: (r.rated_at, r.rater, r.ratee))
    return tuple(out)


def _sharing_items(
    rng: np.random.Generator,
    skill: NDArray[np.float64],
    agents: list[str],
    n_days: int,
    at: Any,
) -> tuple[SharingItem, ...]:
    rows = []
    for a, name in enumerate(agents):
        k = int(rng.poisson(2 * n_days / 7))
        days = rng.integers(0, n_days, k)
        due = days * 86400.0 + 18 * 3600.0
        never = rng.random(k) < 0.03
        on_time = rng.random(k) < float(_sigmoid(2.2 + 0.6 * skill[a]))
        early = _lognormal(rng, 6 * 3600.0, 0.8, k)
        late = _lognormal(rng, 10 * 3600.0, 0.8, k)
        shared = np.where(on_time, due - early, due + late)
        for when, s, missing in zip(at(due), at(shared), never):
            rows.append((when, name, None if missing else s))
    rows.sort(key=lambda r: (r[0], r[1]))
    return tuple(
        SharingItem(name, when, shared, id=f"SH{i + 1:05d}")
        for i, (when, name, shared) in enumerate(rows)
    )
