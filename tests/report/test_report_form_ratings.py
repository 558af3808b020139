"""The Excel form's rated indicators: one input cell per source, the raw value a live formula.

The workbook is evaluated by ``excel_formulas.py`` (see ``test_report_form.py``); the form's
total must equal csperf's to the cent for any ratings.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings

from csperf import MissingPolicy
from csperf.ratings import RatedValue, rate
from csperf.report._form import FORM_COLUMNS
from csperf.templates import customer_service_manager
from csperf.text import localize
from excel_formulas import NA
from strategies import examples
from support import LI_WEI
from test_ratings import EVERYONE, POPULATION, card, populations
from test_report_form import Form

WITHHELD = {"en": "too few raters", "zh": "评分人数不足"}


def fill_rated(form: Form, rated: RatedValue, *, speed: float | None = 50) -> None:
    """The form filled as a manager fills it from a 360-degree report: each source's mean, and
    "too few raters" for a source withheld (empty for one nobody rated)."""
    cells = form.source_cells("collab")
    for source in rated.sources:
        ref = cells[source.source.value]
        if source.used:
            assert source.mean is not None
            form.sheet[ref] = float(source.mean)
        elif source.raters:
            form.sheet[ref] = WITHHELD[form.lang]
        else:
            form.sheet[ref] = None
    form.sheet[f"{FORM_COLUMNS['raw_value']}{form.rows['speed']}"] = speed


def check_rated(form: Form, rated: RatedValue, speed: float | None = 50) -> None:
    fill_rated(form, rated, speed=speed)
    result = form.card.evaluate({"collab": rated.value, "speed": speed}, rated.ratee)
    raw = form.value("raw_value", "collab")
    if rated.value is None:
        assert raw == ""
    else:
        assert raw == pytest.approx(float(rated.value), rel=1e-14)
    assert form.total == result.total
    assert form.grade == localize(result.grade.label, form.lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_hand_worked_population_gives_csperf_totals(tmp_path, lang):
    scored = attrs.evolve(card(), missing=MissingPolicy.REDISTRIBUTE)
    form = Form(scored, lang, tmp_path)
    rated = rate(scored, POPULATION)
    for subject in rated.subjects:  # ann 7/2; ben 30/7, peers withheld; cy 2; dee none
        check_rated(form, rated.get(subject, "collab"))
    ben = rated.get("ben", "collab")
    fill_rated(form, ben)
    shares = [form.sheet[ref.replace("F", "G")] for ref in form.source_cells("collab").values()]
    assert shares == pytest.approx([20 / 70, 0, 50 / 70], rel=1e-15)  # the peers' 30 moved


def test_the_block_holds_the_declared_weights_and_needs(tmp_path):
    form = Form(card(), "en", tmp_path)
    ws = form.wb.active
    cells = form.source_cells("collab")
    rows = [int(ref[1:]) for ref in cells.values()]
    assert [ws[f"C{r}"].value for r in rows] == ["self", "peer", "manager"]
    assert [ws[f"D{r}"].value for r in rows] == [20, 30, 50]  # constants, as declared
    assert [ws[f"E{r}"].value for r in rows] == [1, 3, 1]  # peers: k = 3
    raw = ws[f"{FORM_COLUMNS['raw_value']}{form.rows['collab']}"]
    assert isinstance(raw.value, str) and raw.value.startswith("=")  # a formula, not an input
    inputs = {str(c) for rule in ws.data_validations.dataValidation for c in rule.sqref.ranges}
    assert set(cells.values()) <= inputs and raw.coordinate not in inputs
    hints = [r.prompt for r in ws.data_validations.dataValidation if str(r.sqref) in cells.values()]
    assert all('"too few raters"' in h and "from 1 to 5" in h for h in hints)


def test_a_withheld_or_empty_source_is_left_out_exactly_as_csperf(tmp_path):
    form = Form(card(), "en", tmp_path)
    cells = form.source_cells("collab")
    base = rate(card(), POPULATION).get("ben", "collab")  # peers withheld
    check_rated(form, base)
    for marker in (None, "too few raters"):
        form.sheet[cells["peer"]] = marker
        assert form.value("raw_value", "collab") == pytest.approx(30 / 7, rel=1e-14)
    form.sheet[cells["peer"]] = "4"  # text that is no marker: still left out, never scored
    assert form.value("raw_value", "collab") == pytest.approx(30 / 7, rel=1e-14)


def test_no_ratings_error_gives_no_value(tmp_path):
    strict = card(no_ratings="error")
    form = Form(strict, "en", tmp_path)
    cells = form.source_cells("collab")
    for ref, mean in zip(cells.values(), (4, 4, 3)):
        form.sheet[ref] = mean
    form.sheet[f"{FORM_COLUMNS['raw_value']}{form.rows['speed']}"] = 50
    expected = strict.evaluate({"collab": 3.5, "speed": 50})
    assert form.total == expected.total
    form.sheet[cells["peer"]] = "too few raters"  # csperf refuses the subject
    assert form.value("raw_value", "collab") == NA
    assert form.total == NA
    for ref in cells.values():
        form.sheet[ref] = None
    assert form.value("raw_value", "collab") == ""  # not yet filled in


def test_the_template_collaboration_is_a_peer_source_cell(tmp_path):
    template = customer_service_manager()
    form = Form(template, "zh", tmp_path)
    cells = form.source_cells("collaboration_rating")
    assert list(cells) == ["peer"]
    form.fill(LI_WEI)
    assert form.value("raw_value", "collaboration_rating") == 4.2
    assert form.total == template.evaluate(LI_WEI).total == 90.48


@settings(max_examples=examples(15), deadline=None)
@given(populations())
def test_the_form_agrees_with_csperf_on_any_ratings(tmp_path_factory, population):
    scored, ratings = population
    scored = attrs.evolve(scored, missing=MissingPolicy.REDISTRIBUTE)
    form = Form(scored, "en", tmp_path_factory.mktemp("rated"))
    rated = rate(scored, ratings, subjects=EVERYONE)
    for subject in rated.subjects:
        check_rated(form, rated.get(subject, "collab"))
