"""Shared fixtures, and the hypothesis settings profiles.

``HYPOTHESIS_PROFILE`` chooses the profile (``dev`` unless set; ``.ci/run`` sets ``ci``):

- ``ci`` runs :data:`CI_EXAMPLES` examples per property test, the count most tests used before
  profiles existed; a test that needs another count says so relative to the profile with
  ``@settings(max_examples=examples(n))`` (``tests/strategies.py``): ``n`` examples under ``ci``,
  as many in proportion under another profile.
- ``ci-light`` is ``ci`` with a quarter of the examples: ``.ci/run`` uses it for the second run
  on the oldest supported Python, which checks that the language version works (every module is
  imported and every test runs); the example counts that search for faults are those of the
  first run, on the main Python, under ``ci``.
- ``dev`` runs a quarter of ``ci``'s examples too, for quick local runs.

None has a deadline: on a shared 2-core machine running ``pytest -n auto`` an example's time
depends on the load, not on the code (a property test that hits DuckDB or writes a workbook varies
tenfold), so a deadline would only make the suite flaky; the suite checks results, never timings.
For the same reason ``ci`` and ``ci-light`` suppress the ``too_slow`` health check (``dev`` keeps
it, so a slow new strategy is noticed where it is written). They also keep no example database (a
CI checkout is fresh, and nothing is written into the tree) and print the blob that reproduces a
failure.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from csperf.hooks import PluginManager, get_plugin_manager
from csperf.templates import customer_service_manager
from support import LI_WEI

CI_EXAMPLES = 40
settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci-light", parent=settings.get_profile("ci"), max_examples=CI_EXAMPLES // 4
)
settings.register_profile("dev", max_examples=CI_EXAMPLES // 4, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def pm() -> PluginManager:
    """A fresh plugin manager with the built-in plugins only."""
    return get_plugin_manager(entry_points=False)


@pytest.fixture
def manager_card():
    """The customer-service manager template."""
    return customer_service_manager()


@pytest.fixture
def li_wei() -> dict[str, float]:
    """Measurements of a sample manager, worked by hand in test_scorecard.py."""
    return dict(LI_WEI)
