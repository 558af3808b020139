"""The oracle over dict rows (``oracle.measure_rows``) gives the hand-worked values of ``cases.py``."""

from __future__ import annotations

import math

import pytest

import cases
import oracle


def same(found, expected):
    if expected is None:
        return found is None
    return found is not None and math.isclose(found, expected, rel_tol=1e-12)


@pytest.mark.parametrize(("agent", "expected"), [("ann", cases.ANN), ("bob", cases.BOB)])
def test_oracle_gives_the_hand_worked_values(agent, expected):
    found = oracle.measure_rows(cases.ROWS, cases.JULY, ["ann", "bob"])[agent]
    assert set(found) == set(oracle.ROW_METRICS) == set(expected)
    for metric, value in expected.items():
        assert same(found[metric], value), metric


def test_oracle_fcr_and_durations():
    period = (cases.T0 - cases.DAY, cases.T0 + 30 * cases.DAY)
    rows = {"tickets": [{**t, "agent": "ann"} for t in cases.FCR_TICKETS]}
    assert oracle.measure_rows(rows, period, ["ann"])["ann"]["fcr"] == 4 / 7
    frt = oracle.measure_rows({"tickets": cases.FRT_TICKETS}, period, ["ann"])["ann"]
    assert frt["first_response_time"] == 220.0
    dst = oracle.measure_rows(
        {"tickets": [cases.DST_TICKET]},
        (cases.DST_TICKET["created_at"], cases.T0 + 30 * cases.DAY),
        ["ann"],
    )
    assert dst["ann"]["resolution_time"] == 3600.0

