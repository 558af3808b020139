from __future__ import annotations

import subprocess
import sys
import textwrap

import attrs
import pytest

import csperf
from csperf import PluginError, hookimpl, registry
from csperf.errors import UnknownNameError
from csperf.hooks import DISABLED_ENV, get_plugin_manager
from csperf.hooks.manager import BUILTIN_PLUGINS, gather


def test_a_fresh_manager_each_call_with_the_builtins_first(pm):
    names = [name for name, _ in pm.list_name_plugin()]
    assert names[: len(BUILTIN_PLUGINS)] == list(BUILTIN_PLUGINS)
    assert get_plugin_manager(entry_points=False) is not get_plugin_manager(entry_points=False)


def test_nothing_is_loaded_at_import():
    code = (
        "import sys, csperf; "
        "print(sorted(m for m in sys.modules if m.startswith('csperf.plugins.') "
        "or m in ('csperf.weights', 'csperf.sources', 'csperf.metrics')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_builtin_rules_and_templates_are_looked_up_by_name(pm):
    assert set(registry.scoring_rules(pm)) == {
        "piecewise",
        "steps",
        "ratio_to_target",
        "target_tolerance",
    }
    assert registry.scoring_rule("steps", pm) is csperf.Steps
    card = registry.template("customer-service-manager", pm)
    assert card.key == "customer_service_manager"


def test_unknown_names_list_the_available_ones(pm):
    with pytest.raises(
        UnknownNameError, match="unknown scoring rule 'linear'; available: piecewise"
    ) as info:
        registry.scoring_rule("linear", pm)
    assert "steps" in info.value.available
    with pytest.raises(UnknownNameError, match="customer-service-manager"):
        registry.template("agent", pm)


def test_a_third_party_rule_registers_like_a_builtin(pm):
    @attrs.frozen
    class Doubling(csperf.Piecewise):
        kind = "doubling"

    class Plugin:
        @hookimpl
        def csperf_scoring_rules(self):
            return [Doubling]

    pm.register(Plugin(), name="doubling-plugin")
    assert registry.scoring_rule("doubling", pm) is Doubling


def test_two_plugins_giving_one_name_is_a_plugin_error_naming_both(pm):
    class Clash:
        @hookimpl
        def csperf_scoring_rules(self):
            return [csperf.Steps]

    pm.register(Clash(), name="clash")
    with pytest.raises(
        PluginError,
        match=r"'steps' is given by both plugin 'csperf.plugins.rules' and plugin 'clash'",
    ):
        registry.scoring_rules(pm)


def test_a_raising_hook_becomes_a_plugin_error_with_the_cause_chained(pm):
    class Broken:
        @hookimpl
        def csperf_templates(self):
            raise RuntimeError("database down")

    pm.register(Broken(), name="broken")
    with pytest.raises(
        PluginError, match="plugin 'broken' raised in hook csperf_templates"
    ) as info:
        registry.scorecard_templates(pm)
    assert info.value.plugin == "broken"
    assert info.value.hook == "csperf_templates"
    assert isinstance(info.value.__cause__, RuntimeError)


def test_a_hook_returning_a_non_list_is_reported(pm):
    class Sloppy:
        @hookimpl
        def csperf_templates(self):
            return "customer-service-manager"

    pm.register(Sloppy(), name="sloppy")
    with pytest.raises(PluginError, match="returned str, expected a list"):
        gather(pm, "csperf_templates")


def test_items_without_a_name_are_reported(pm):
    class Nameless:
        @hookimpl
        def csperf_templates(self):
            return [object()]

    pm.register(Nameless(), name="nameless")
    with pytest.raises(PluginError, match="without a name"):
        registry.scorecard_templates(pm)


def test_builtins_can_be_blocked_by_name(monkeypatch):
    monkeypatch.setenv(DISABLED_ENV, "csperf.plugins.templates, other")
    pm = get_plugin_manager(entry_points=False)
    with pytest.raises(UnknownNameError, match=r"available: \(none\)"):
        registry.template("customer-service-manager", pm)
    pm = get_plugin_manager(entry_points=False, disabled=["csperf.plugins.rules"])
    assert registry.scoring_rules(pm) == {}


def test_appraisal_notifies_observers(pm, manager_card, li_wei):
    seen = []

    class Audit:
        @hookimpl
        def csperf_result_evaluated(self, result):
            seen.append(("one", result.subject, result.total))

        @hookimpl
        def csperf_batch_evaluated(self, batch):
            seen.append(("batch", len(batch)))

    pm.register(Audit(), name="audit")
    appraisal = csperf.Appraisal(manager_card, pm)
    appraisal.evaluate(li_wei, "Li Wei")
    appraisal.evaluate_many({k: [v, v] for k, v in li_wei.items()})
    assert seen == [("one", "Li Wei", 90.48), ("batch", 2)]


def test_a_raising_observer_names_the_plugin(pm, manager_card, li_wei):
    class Fails:
        @hookimpl
        def csperf_result_evaluated(self, result):
            raise OSError("disk full")

    pm.register(Fails(), name="audit-log")
    with pytest.raises(PluginError, match="'audit-log' raised in hook csperf_result_evaluated"):
        csperf.Appraisal(manager_card, pm).evaluate(li_wei)


# -- entry points ------------------------------------------------------------------------------


def _install_fake_distribution(path, module: str, source: str, entry: str = "fake") -> None:
    (path / f"{module}.py").write_text(textwrap.dedent(source))
    info = path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[csperf]\n{entry} = {module}\n")


def test_entry_point_plugins_load_and_can_be_blocked(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path,
        "csperf_fake_templates",
        """
        import csperf
        from csperf.templates import Template, customer_service_manager

        @csperf.hookimpl
        def csperf_templates():
            return [Template("fake-manager", "A copy", customer_service_manager)]
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = get_plugin_manager()
    assert "fake-manager" in registry.scorecard_templates(pm)
    assert pm.distributions["fake"] == "csperf_fake_templates 1.0"
    monkeypatch.setenv(DISABLED_ENV, "fake")
    assert "fake-manager" not in registry.scorecard_templates(get_plugin_manager())


def test_an_entry_point_with_an_unknown_hook_is_rejected(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path,
        "csperf_fake_typo",
        """
        import csperf

        @csperf.hookimpl
        def csperf_weight_strategy():
            return []
        """,
        entry="typo",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="typo"):
        get_plugin_manager()


def test_an_entry_point_that_fails_to_import_is_reported(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path, "csperf_fake_broken", "raise ImportError('no numpy 3')", entry="broken"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"plugin 'broken' .* failed to load: no numpy 3"):
        get_plugin_manager()
