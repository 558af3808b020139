"""The appraisal history: append-only revisions, closing, provenance, crash safety."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf import History, ValidationError
from csperf.cli import SAMPLE_SWOT
from csperf.errors import ConfigError
from csperf.history import _Db
from csperf.hooks import get_plugin_manager
from csperf.templates import customer_service_manager
from strategies import examples

BASE = {
    "customer_satisfaction": 0.92,
    "complaint_rate": 0.008,
    "first_response_time": 45,
    "resolution_time": 14400,
    "product_knowledge": 88,
    "script_compliance": 0.95,
    "collaboration_rating": 4.2,
    "information_sharing_rate": 0.9,
}


@pytest.fixture(scope="module")
def card():
    return customer_service_manager()


def rows_for(n: int, seed: int = 0) -> list[tuple[str, dict[str, float]]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        row = dict(BASE)
        row["product_knowledge"] = rng.randint(50, 100)
        row["first_response_time"] = rng.choice([20, 45, 90, 200, 400])
        row["customer_satisfaction"] = rng.choice([0.75, 0.85, 0.92, 0.97])
        out.append((f"s{i:02d}", row))
    return out


def results_for(card, n: int = 5, seed: int = 0):
    return [card.evaluate(row, s) for s, row in rows_for(n, seed)]


def test_add_show_round_trip(card):
    results = results_for(card)
    with History.open(":memory:") as history:
        summary = history.add("2024-Q1", results, card, teams={"s00": "T1", "s01": "T2"})
        assert (summary.period, summary.revision, summary.subjects) == ("2024-Q1", 1, 5)
        assert (summary.scorecard, summary.version, summary.fingerprint) == (
            card.key,
            card.version,
            card.fingerprint,
        )
        assert summary.written_at.tzinfo is not None
        import csperf

        assert summary.csperf_version == csperf.__version__
        record = history.show("2024-Q1")
        assert record.card.fingerprint == card.fingerprint
        rows = record.rows()
        assert [r["subject"] for r in rows] == sorted(r.subject for r in results)
        by_subject = {r.subject: r for r in results}
        for row in rows:
            result = by_subject[row["subject"]]
            assert row["total"] == result.total
            assert row["unrounded_total"] == result.unrounded_total
            assert row["grade"] == result.grade.key
            for key, ind in result.indicators.items():
                assert row["raw"][key] == ind.raw
                assert row["points"][key] == ind.points
                assert row["weights"][key] == ind.weight
                assert row["standards"][key] == ind.standard.key
            for key, dim in result.dimensions.items():
                assert row["dimensions"][key] == dim.points
            assert row["redistributed"] == []
        assert [r["team"] for r in rows] == ["T1", "T2", None, None, None]
        assert record.provenance["strategy"] is None
        assert record.provenance["weighting"] == card.weighting.to_dict()


def test_swot_provenance_keeps_factors_and_reasons(card):
    pm = get_plugin_manager()
    factors = [{**f, "reason": f["reason"]["en"]} for f in SAMPLE_SWOT]
    adjusted = pm.weight_strategy("swot").compute(card, factors=factors)
    swot_card = adjusted.apply(card)
    with History.open(":memory:") as history:
        history.add("2024-Q1", results_for(swot_card), swot_card, provenance=adjusted)
        provenance = history.show("2024-Q1").provenance
    assert provenance["strategy"] == "swot"
    reasons = [f["reason"] for c in provenance["details"]["changes"] for f in c["factors"]]
    assert sorted(reasons) == sorted(f["reason"] for f in factors)
    assert provenance["lines"] == list(adjusted.lines)
    with History.open(":memory:") as history, pytest.raises(ValidationError, match="other weights"):
        history.add("2024-Q1", results_for(card), card, provenance=adjusted)


def test_batch_and_single_results_store_the_same_rows(card):
    pairs = rows_for(6, seed=3)
    table = {k: [row[k] for _, row in pairs] for k in BASE}
    table["subject"] = [s for s, _ in pairs]
    batch = card.evaluate_many(table)
    with History.open(":memory:") as history:
        history.add("a", batch, card)
        history.add("b", [card.evaluate(row, s) for s, row in pairs], card)
        a, b = history.show("a").rows(), history.show("b").rows()
    for ra, rb in zip(a, b):
        rb = {**rb, "redistributed": None}
        assert ra == rb


def test_every_write_is_a_new_revision_and_closing_locks(card):
    with History.open(":memory:") as history:
        history.add("2024-Q1", results_for(card, seed=1), card)
        history.add("2024-Q1", results_for(card, seed=2), card)
        assert [s.revision for s in history.revisions("2024-Q1")] == [1, 2]
        closed = history.close("2024-Q1", note="signed off")
        assert (closed.revision, closed.closed) == (2, True)
        with pytest.raises(ValidationError, match=r"closed .*needs a reason") as info:
            history.add("2024-Q1", results_for(card, seed=3), card)
        assert info.value.field == ("period",) and info.value.value == "2024-Q1"
        with pytest.raises(ValidationError, match="closed already"):
            history.close("2024-Q1")
        third = history.add("2024-Q1", results_for(card, seed=3), card, reason="QA data fixed")
        assert (third.revision, third.closed, third.reason) == (3, False, "QA data fixed")
        assert [s.closed for s in history.revisions("2024-Q1")] == [False, True, False]
        assert history.show("2024-Q1", revision=1).rows()[0]["total"] == (
            sorted(results_for(card, seed=1), key=lambda r: r.subject)[0].total
        )
        assert history.close("2024-Q1").revision == 3
        assert [s.period for s in history.list()] == ["2024-Q1"]
        assert history.list()[0].revisions == 3


def test_errors_name_the_period_and_value(card):
    with History.open(":memory:") as history:
        with pytest.raises(ValidationError, match="no period '2030-Q1'"):
            history.show("2030-Q1")
        with pytest.raises(ValidationError, match="no results for period"):
            history.close("2030-Q1")
        with pytest.raises(ValidationError, match="non-empty label"):
            history.add(" Q1", results_for(card), card)
        history.add("Q1", results_for(card), card)
        with pytest.raises(ValidationError, match="revision 7 of period 'Q1'"):
            history.show("Q1", revision=7)
        other = attrs.evolve(card, version="2")
        with pytest.raises(ValidationError, match="fingerprint") as info:
            history.add("Q2", results_for(card), other)
        assert info.value.field == (0,)
        twice = results_for(card, 2) + results_for(card, 1)
        with pytest.raises(ValidationError, match="subject 's00' appears twice"):
            history.add("Q2", twice, card)
        with pytest.raises(ValidationError, match="names no subject"):
            history.add("Q2", [card.evaluate(BASE)], card)
        with pytest.raises(ValidationError, match="team of subject 's00' must be a non-empty"):
            history.add("Q2", results_for(card), card, teams={"s00": ""})
        assert [s.period for s in history.list()] == ["Q1"]
        with pytest.raises(ValidationError, match="not JSON-ready") as info:
            history.add("Q2", results_for(card), card, provenance={"when": object()})
        assert info.value.field == ("provenance",)
        assert [s.period for s in history.list()] == ["Q1"]
    with pytest.raises(ConfigError, match="a file path, a database URL"):
        History.open(42)


def test_sqlite_connection_and_url(card, tmp_path):
    con = sqlite3.connect(tmp_path / "h.db")
    history = History.open(con)
    history.add("Q1", results_for(card), card)
    history.close("Q1")
    con.close()
    reopened = History.open(f"sqlite:///{tmp_path / 'h.db'}")
    assert [(s.period, s.closed) for s in reopened.list()] == [("Q1", True)]
    assert len(reopened.show("Q1").rows()) == 5
    reopened.close_connection()


@pytest.mark.parametrize("store", ["duckdb", "sqlite"])
def test_two_writers_of_one_period_at_once_give_a_clear_error_and_lose_nothing(
    card, tmp_path, monkeypatch, store
):
    """The second of two simultaneous writers finds its revision number taken: a csperf error,
    its write undone, the first writer's revision intact."""
    if store == "duckdb":
        first = History.open(tmp_path / "h.duckdb")
        second = first  # one DuckDB file has one writing process: two handles race in one
    else:
        first = History.open(sqlite3.connect(tmp_path / "h.db"))
        second = History.open(sqlite3.connect(tmp_path / "h.db"))
    first.add("Q1", results_for(card), card)
    before = snapshot(first)
    # The second writer read the period's state before the first committed: revision 1 is free.
    monkeypatch.setattr(History, "_state", lambda self, period: (0, 0))
    with pytest.raises(ValidationError, match="another writer added a revision") as info:
        second.add("Q1", results_for(card), card)
    assert info.value.field == ("period",) and info.value.value == "Q1"
    monkeypatch.undo()
    assert snapshot(first) == before
    assert [s.revision for s in second.revisions("Q1")] == [1]


def test_a_file_store_survives_reopening(card, tmp_path):
    path = tmp_path / "history.duckdb"
    with History.open(path) as history:
        history.add("Q1", results_for(card), card)
    with History.open(path) as history:
        assert history.show("Q1").rows()[0]["subject"] == "s00"


def snapshot(history: History) -> dict[tuple[str, int], tuple[str, bool]]:
    """(period, revision) → (its rows as JSON, whether it is closed)."""
    return {
        (s.period, r.revision): (json.dumps(history.show(s.period, r.revision).rows()), r.closed)
        for s in history.list()
        for r in history.revisions(s.period)
    }


def test_an_injected_failure_between_statements_leaves_the_store_as_before(card, monkeypatch):
    with History.open(":memory:") as history:
        history.add("Q1", results_for(card), card)
        before = snapshot(history)

        def fail(self, text, rows):
            raise RuntimeError("disk full")

        monkeypatch.setattr(_Db, "executemany", fail)
        with pytest.raises(RuntimeError, match="disk full"):
            history.add("Q1", results_for(card, seed=9), card)
        with pytest.raises(RuntimeError, match="disk full"):
            history.add("Q2", results_for(card, seed=9), card)
        monkeypatch.undo()
        assert snapshot(history) == before
        assert history.add("Q1", results_for(card), card).revision == 2


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from csperf import History
    from csperf.history import _Db
    from csperf.templates import customer_service_manager
    sys.path.insert(0, {tests!r})
    from test_history import results_for

    card = customer_service_manager()
    original = _Db.executemany

    def killed(self, text, rows):
        original(self, text, rows[: len(rows) // 2])  # half the rows are in
        os.kill(os.getpid(), signal.SIGKILL)

    _Db.executemany = killed
    History.open({path!r}).add("Q2", results_for(card, 8, seed=5), card)
    """
)


def test_a_process_killed_mid_insert_leaves_the_store_as_before(card, tmp_path):
    path = tmp_path / "history.duckdb"
    with History.open(path) as history:
        history.add("Q1", results_for(card), card)
        before = snapshot(history)
    from support import ROOT

    script = CHILD.format(tests=str(ROOT / "tests"), path=str(path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with History.open(path) as history:
        assert snapshot(history) == before
        assert history.revisions("Q2") == ()


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["add", "rescore", "close"]),
            st.sampled_from(["Q1", "Q2"]),
            st.booleans(),  # inject a failure
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_history_never_loses_a_revision(card, operations):
    written: dict[tuple[str, int], str] = {}
    with History.open(":memory:") as history:
        for step, (what, period, crash) in enumerate(operations):
            before = snapshot(history)
            original = _Db.execute
            if crash:

                def broken(self, text, params=(), _original=original):
                    if text.startswith("INSERT"):
                        raise RuntimeError("crash")
                    return _original(self, text, params)

                _Db.execute = broken  # type: ignore[method-assign]
            try:
                if what == "close":
                    history.close(period)
                else:
                    reason = "fix" if what == "rescore" else ""
                    summary = history.add(
                        period, results_for(card, 3, seed=step), card, reason=reason
                    )
                    written[(period, summary.revision)] = json.dumps(
                        history.show(period, summary.revision).rows()
                    )
            except (ValidationError, RuntimeError):
                assert snapshot(history) == before
            finally:
                _Db.execute = original  # type: ignore[method-assign]
            after = snapshot(history)
            assert set(written) <= set(after)
            for key, rows in written.items():
                assert after[key][0] == rows
            for key, (rows, closed) in before.items():
                assert after[key][0] == rows
                assert after[key][1] or not closed


def test_rows_do_not_depend_on_input_order(card):
    results = results_for(card, 7)
    shuffled = list(results)
    random.Random(4).shuffle(shuffled)
    with History.open(":memory:") as history:
        history.add("a", results, card)
        history.add("b", shuffled, card)
        assert history.show("a").rows() == history.show("b").rows()
