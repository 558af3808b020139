"""Measurements files as people save them: GB18030, semicolons, Excel workbooks, extra columns."""

from __future__ import annotations

import pytest

from csperf.errors import ConfigError, MeasurementError
from csperf.metrics import MetricValue
from csperf.sources import Measurements

TEXT = "subject,team,customer_satisfaction,complaint_rate\n刘洋,北区,0.92,0.004\n吴敏,南区,0.85,\n"


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _same(a: Measurements, b: Measurements) -> None:
    assert a == b
    assert a.attributes == b.attributes


def test_a_gb18030_file_is_named_with_its_line_and_read_with_encoding(tmp_path):
    path = _write(tmp_path, "m.csv", TEXT, "gb18030")
    with pytest.raises(ConfigError) as caught:
        Measurements.read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: the file is not UTF-8 text (byte ")
    assert "GB18030" in message and "encoding='gb18030'" in message
    assert caught.value.line == 2  # the first Chinese name
    good = Measurements.read(path, encoding="gb18030")
    _same(good, Measurements.read(_write(tmp_path, "u.csv", TEXT)))
    assert set(good.subjects) == {"吴敏", "刘洋"}
    assert Measurements.read(_write(tmp_path, "g.csv", TEXT, "gbk"), encoding="gbk") == good


def test_bytes_that_are_not_chinese_get_a_plain_hint(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"subject,nps\nx\xff\xfe,1\n")
    with pytest.raises(ConfigError, match="pass encoding= naming the file's encoding") as caught:
        Measurements.read(path)
    assert "GB18030" not in str(caught.value)
    with pytest.raises(ConfigError, match="unknown text encoding 'klingon'"):
        Measurements.read(path, encoding="klingon")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_found_from_the_header(tmp_path, delimiter):
    comma = Measurements.read(_write(tmp_path, "c.csv", TEXT))
    other = _write(tmp_path, "o.csv", TEXT.replace(",", delimiter))
    _same(Measurements.read(other), comma)
    _same(Measurements.read(other, delimiter=delimiter), comma)


def test_a_header_that_splits_on_nothing_names_the_delimiter(tmp_path):
    path = _write(tmp_path, "m.csv", "subject:nps\na:1\n")
    with pytest.raises(ConfigError, match=r":1: no 'subject' column \(columns: 'subject:nps'\)"):
        Measurements.read(path)
    with pytest.raises(ConfigError, match="pass delimiter="):
        Measurements.read(path)
    assert Measurements.read(path, delimiter=":").row("a") == {"nps": 1.0}


def test_a_decimal_comma_is_named(tmp_path):
    path = _write(tmp_path, "m.csv", "subject;nps\na;12,5\n")
    with pytest.raises(MeasurementError, match=r"got '12,5' \(a decimal comma\?") as caught:
        Measurements.read(path)
    assert caught.value.line == 2


def test_an_excel_workbook_is_read_as_its_first_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in TEXT.splitlines():
        cells = row.split(",")
        ws.append([float(c) if c[:1].isdigit() else (c or None) for c in cells])
    wb.create_sheet("other").append(["ignored"])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    read = Measurements.read(path)
    _same(read, Measurements.read(_write(tmp_path, "m.csv", TEXT)))
    assert read.lines == {"刘洋": 2, "吴敏": 3}
    assert read.value("吴敏", "complaint_rate") == MetricValue(None, 0)
    renamed = tmp_path / "really.csv"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(ConfigError, match="a zip archive \\(an Excel workbook\\?\\)"):
        Measurements.read(renamed)


def test_an_excel_workbook_without_openpyxl(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "m.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ConfigError, match=r"needs openpyxl.*csperf\[excel\].*CSV UTF-8"):
        Measurements.read(path)


def test_extra_columns_are_subject_attributes_or_ignored(tmp_path):
    path = _write(tmp_path, "m.csv", TEXT.replace("subject,team,", "subject,team,备注,"))
    path.write_text(
        path.read_text(encoding="utf-8").replace("北区,", "北区,新人,").replace("南区,", "南区,,"),
        encoding="utf-8",
    )
    m = Measurements.read(path)
    assert m.metrics == ("customer_satisfaction", "complaint_rate")
    assert m.attribute_names == ("team", "备注")
    assert m.attribute("刘洋", "team") == "北区"
    assert m.attribute("刘洋", "备注") == "新人"
    assert m.attribute("吴敏", "备注") == ""
    assert m.attribute("吴敏", "site") is None
    assert m.lines == {"刘洋": 2, "吴敏": 3}
    # Written and read back, as CSV and as JSON, the attributes stay.
    for name in ("back.csv", "back.json"):
        _same(Measurements.read(m.write(tmp_path / name)), m)
    bare = Measurements.read(path, ignore_columns=["team", "备注"])
    assert bare.attributes == {} and bare.attribute_names == ()
    assert bare.values == m.values  # attributes aside, the same table


def test_a_near_miss_of_a_metric_is_refused(tmp_path):
    path = _write(tmp_path, "m.csv", "subject,customer_satisfation\na,0.9\n")
    with pytest.raises(ConfigError, match="did you mean 'customer_satisfaction'") as caught:
        Measurements.read(path)
    assert caught.value.line == 1
    assert "ignore_columns=['customer_satisfation']" in str(caught.value)
    assert Measurements.read(path, ignore_columns=["customer_satisfation"]).metrics == ()
