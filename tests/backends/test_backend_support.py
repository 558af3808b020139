"""The loader's Arrow tables (``backend_support.arrow_table``) keep the rows' NULLs and types."""

from __future__ import annotations

import cases
from backend_support import arrow_table, micros


def test_arrow_tables_keep_nulls_and_types():
    table = arrow_table("tickets", cases.TICKETS)
    assert table.num_rows == 6
    assert table.column("answered").to_pylist() == [None, None, True, False, None, True]
    assert table.column("hold_seconds").null_count == 5
    epoch = arrow_table("tickets", cases.TICKETS, epoch_us=True)
    assert epoch.column("created_at")[0].as_py() == micros(cases.TICKETS[0]["created_at"])
