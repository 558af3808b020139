from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import attrs
import pytest

import csperf
import csperf.templates
from csperf import PluginError, PluginManager, hookimpl
from csperf.errors import UnknownNameError
from csperf.hooks import BUILTIN_PLUGINS, DISABLED_ENV, get_plugin_manager, hookspecs
from csperf.metrics import MetricSpec, Ticket, measure
from csperf.report import Report, ReportFormat, render, write_report
from csperf.templates import Template
from csperf.units import ValueDomain


def test_a_fresh_manager_each_call_with_the_builtins_first(pm):
    assert isinstance(pm, PluginManager)
    assert pm.names == BUILTIN_PLUGINS
    assert get_plugin_manager(entry_points=False) is not get_plugin_manager(entry_points=False)
    assert pm.distributions["csperf.plugins.metrics"] == "csperf"


def test_a_bare_manager_knows_the_hooks_but_holds_no_plugin():
    bare = PluginManager()
    assert bare.names == ()
    assert bare.metrics() == {}
    with pytest.raises(UnknownNameError, match=r"unknown template 'x'; available: \(none\)"):
        bare.template("x")


def test_nothing_is_loaded_at_import():
    code = (
        "import sys, csperf; "
        "print(sorted(m for m in sys.modules if m.startswith('csperf.plugins.') "
        "or m in ('csperf.weights', 'csperf.sources', 'csperf.metrics')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_builtin_rules_and_templates_are_looked_up_by_name(pm):
    assert set(pm.scoring_rules()) == {"piecewise", "steps", "ratio_to_target", "target_tolerance"}
    assert pm.scoring_rule("steps") is csperf.Steps
    found = pm.template("customer-service-manager")
    assert isinstance(found, Template)
    assert found.build().key == "customer_service_manager"
    assert pm.weight_strategy("ahp").name == "ahp"
    assert pm.metric_source("csv").name == "csv"


def test_builtin_metrics_and_report_formats_come_from_plugins(pm):
    metrics = pm.metrics()
    assert len(metrics) == 14  # critical_failures joined the catalog (issue 13)
    assert all(isinstance(spec, MetricSpec) for spec in metrics.values())
    assert metrics["nps"].domain == ValueDomain(-100, 100)
    assert metrics["first_response_time"].domain == ValueDomain(0, float("inf"))
    assert "Reichheld" in metrics["nps"].citation
    formats = pm.report_formats()
    assert list(formats) == ["table", "json", "csv", "markdown", "html", "xlsx"]
    assert [f.name for f in formats.values() if f.binary] == ["xlsx"]
    assert formats["html"].suffixes == (".html", ".htm")
    blocked = get_plugin_manager(entry_points=False, disabled=["csperf.plugins.metrics"])
    assert blocked.metrics() == {}
    assert "csperf.plugins.metrics" not in blocked.names


def test_unknown_names_list_the_available_ones(pm):
    with pytest.raises(
        UnknownNameError, match="unknown scoring rule 'linear'; available: piecewise"
    ) as info:
        pm.scoring_rule("linear")
    assert "steps" in info.value.available
    with pytest.raises(UnknownNameError, match="customer-service-manager"):
        pm.template("agent")
    with pytest.raises(UnknownNameError, match=r"unknown metric 'mood' \(known: .*nps") as info:
        pm.metric("mood")
    assert "aht" in info.value.available
    with pytest.raises(UnknownNameError, match=r"unknown report format 'pdf' \(formats: csv"):
        pm.report_format("pdf")


def test_a_third_party_rule_registers_like_a_builtin(pm):
    @attrs.frozen
    class Doubling(csperf.Piecewise):
        kind = "doubling"

    class Plugin:
        @hookimpl
        def csperf_scoring_rules(self):
            return [Doubling]

    pm.register(Plugin(), name="doubling-plugin")
    assert pm.scoring_rule("doubling") is Doubling
    assert ("doubling-plugin", "scoring rule", "doubling") in pm.offers()


def test_two_plugins_giving_one_name_is_a_plugin_error_naming_both(pm):
    class Clash:
        @hookimpl
        def csperf_scoring_rules(self):
            return [csperf.Steps]

    pm.register(Clash(), name="clash")
    with pytest.raises(
        PluginError,
        match=r"'steps' is given by both plugin 'csperf.plugins.rules' and plugin 'clash'",
    ) as info:
        pm.scoring_rules()
    assert info.value.plugin == ("csperf.plugins.rules", "clash")


def test_a_duplicate_metric_names_both_plugins(pm):
    nps = pm.metric("nps")

    class Copy:
        @hookimpl
        def csperf_metrics(self):
            return [attrs.evolve(nps, description="NPS again")]

    pm.register(Copy(), name="copycat")
    with pytest.raises(PluginError, match="metric 'nps' is given by both plugin "):
        pm.metrics()


def test_a_raising_hook_becomes_a_plugin_error_with_the_cause_chained(pm):
    class Broken:
        @hookimpl
        def csperf_templates(self):
            raise RuntimeError("database down")

    class Fine:
        @hookimpl
        def csperf_templates(self):
            return []

    pm.register(Broken(), name="broken")
    pm.register(Fine(), name="fine")  # called first by pluggy: the raiser is not the last one
    with pytest.raises(
        PluginError, match="plugin 'broken' raised in hook csperf_templates: RuntimeError"
    ) as info:
        pm.templates()
    assert info.value.plugin == "broken"
    assert info.value.hook == "csperf_templates"
    assert isinstance(info.value.__cause__, RuntimeError)


def test_the_raising_instance_is_named_when_two_share_a_class(pm):
    class Source:
        def __init__(self, fail: bool) -> None:
            self.fail = fail

        @hookimpl
        def csperf_metrics(self):
            if self.fail:
                raise ValueError("bad config")
            return []

    pm.register(Source(fail=True), name="first")
    pm.register(Source(fail=False), name="second")
    with pytest.raises(PluginError, match="plugin 'first' raised") as info:
        pm.metrics()
    assert info.value.plugin == "first"


def test_an_error_deep_inside_a_plugin_still_names_it(pm):
    def helper():
        return {}["missing"]

    class Deep:
        @hookimpl
        def csperf_report_formats(self):
            return [helper()]

    pm.register(Deep(), name="deep")
    with pytest.raises(PluginError, match="plugin 'deep' raised in hook csperf_report_formats"):
        pm.report_formats()


def test_a_hook_returning_a_non_list_is_reported(pm):
    class Sloppy:
        @hookimpl
        def csperf_templates(self):
            return "customer-service-manager"

    pm.register(Sloppy(), name="sloppy")
    with pytest.raises(PluginError, match="plugin 'sloppy': hook csperf_templates returned str"):
        pm.templates()


def test_items_without_a_name_are_reported(pm):
    class Nameless:
        @hookimpl
        def csperf_templates(self):
            return [object()]

    pm.register(Nameless(), name="nameless")
    with pytest.raises(PluginError, match="plugin 'nameless' gave a template without a name"):
        pm.templates()


def test_an_implementation_returning_none_gives_nothing(pm):
    class Quiet:
        @hookimpl
        def csperf_templates(self):
            return None

    pm.register(Quiet(), name="quiet")
    assert list(pm.templates()) == ["customer-service-manager"]


def test_builtins_can_be_blocked_by_name(monkeypatch):
    monkeypatch.setenv(DISABLED_ENV, "csperf.plugins.templates, other")
    pm = get_plugin_manager(entry_points=False)
    assert "csperf.plugins.templates" not in pm.names
    with pytest.raises(UnknownNameError, match=r"available: \(none\)"):
        pm.template("customer-service-manager")
    monkeypatch.delenv(DISABLED_ENV)
    pm = get_plugin_manager(entry_points=False, disabled=["csperf.plugins.rules"])
    assert pm.scoring_rules() == {}
    assert "customer-service-manager" in pm.templates()


def test_a_plugin_registered_twice_under_one_name_is_a_plugin_error(pm):
    class One:
        @hookimpl
        def csperf_templates(self):
            return []

    with pytest.raises(PluginError, match=r"plugin 'csperf\.plugins\.rules'"):
        pm.register(One(), name="csperf.plugins.rules")


# -- wrappers and tracing see every call --------------------------------------------------------


def test_a_hook_wrapper_sees_every_call_and_can_change_the_answer(pm, manager_card, li_wei):
    seen = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def csperf_metrics(self):
            seen.append("before metrics")
            answers = yield
            seen.append(f"after metrics: {len(answers)} answers")
            return answers

        @hookimpl(wrapper=True)
        def csperf_report_formats(self):
            answers = yield
            seen.append("report formats")
            return [[f for f in answer if f.name != "xlsx"] for answer in answers]

        @hookimpl(wrapper=True)
        def csperf_result_evaluated(self, result):
            seen.append(f"result {result.subject}")
            return (yield)

    pm.register(Wrapper(), name="wrapper")
    assert "nps" in pm.metrics()
    assert "xlsx" not in pm.report_formats()
    csperf.Appraisal(manager_card, pm).evaluate(li_wei, "Li Wei")
    assert seen == [
        "before metrics",
        "after metrics: 1 answers",
        "report formats",
        "result Li Wei",
    ]


def test_items_a_wrapper_adds_are_used_but_not_attributed(pm):
    extra = Template("extra", "Added by a wrapper", csperf.templates.customer_service_manager)

    class Adder:
        @hookimpl(wrapper=True)
        def csperf_templates(self):
            answers = yield
            return [*answers, [extra]]

    pm.register(Adder(), name="adder")
    assert pm.template("extra") is extra
    assert ("?", "template", "extra") in pm.offers()
    assert ("?", "template", "customer-service-manager") in pm.offers()
    assert ("csperf.plugins.rules", "scoring rule", "steps") in pm.offers()


def test_an_old_style_hookwrapper_is_called_too(pm):
    seen = []

    class Old:
        @hookimpl(hookwrapper=True)
        def csperf_weight_strategies(self):
            outcome = yield
            seen.append(len(outcome.get_result()))

    pm.register(Old(), name="old")
    assert "equal" in pm.weight_strategies()
    assert seen == [1]


def test_an_error_passing_through_wrappers_names_the_implementation(pm):
    class Broken:
        @hookimpl
        def csperf_templates(self):
            raise RuntimeError("database down")

    class New:
        @hookimpl(wrapper=True)
        def csperf_templates(self):
            return (yield)

    class Old:
        @hookimpl(hookwrapper=True)
        def csperf_templates(self):
            yield

    pm.register(Broken(), name="broken")
    pm.register(New(), name="new-wrapper")
    pm.register(Old(), name="old-wrapper")
    with pytest.raises(PluginError, match="plugin 'broken' raised") as info:
        pm.templates()
    assert info.value.plugin == "broken"


def test_a_raising_wrapper_is_named(pm):
    class Guard:
        @hookimpl(wrapper=True)
        def csperf_templates(self):
            yield
            raise PermissionError("templates are locked")

    pm.register(Guard(), name="guard")
    with pytest.raises(PluginError, match="plugin 'guard' raised in hook csperf_templates"):
        pm.templates()


def test_pluggy_tracing_sees_the_calls(pm, manager_card, li_wei):
    lines: list[str] = []
    pm.manager.trace.root.setwriter(lines.append)
    undo = pm.manager.enable_tracing()
    try:
        pm.weight_strategies()
        pm.metric("nps")
        csperf.Appraisal(manager_card, pm).evaluate(li_wei)
    finally:
        undo()
    text = "".join(lines)
    for hook in ("csperf_weight_strategies", "csperf_metrics", "csperf_result_evaluated"):
        assert hook in text


def test_hookcall_monitoring_sees_the_implementations(pm):
    calls = []

    def before(hook_name, hook_impls, kwargs):
        calls.append((hook_name, [i.plugin_name for i in hook_impls]))

    def after(outcome, hook_name, hook_impls, kwargs):
        pass

    undo = pm.manager.add_hookcall_monitoring(before, after)
    pm.scoring_rules()
    undo()
    assert calls == [("csperf_scoring_rules", ["csperf.plugins.rules"])]


# -- observers -----------------------------------------------------------------------------------


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


# -- third-party metrics and report formats ------------------------------------------------------

DAY = datetime(2024, 3, 4, tzinfo=timezone.utc)


def _reopen_rate(selected, everything=()):
    resolved = [t for t in selected if t.resolved_at is not None]
    if not resolved:
        return None, 0, ()
    return sum(t.reopened for t in resolved) / len(resolved), len(resolved), ()


REOPEN_FIELDS = {
    "name": "reopen_rate",
    "record_kind": "tickets",
    "unit": "fraction",
    "direction": csperf.Direction.LOWER_IS_BETTER,
    "domain": (0, 1),
    "description": "Share of resolved contacts that were reopened.",
    "compute": _reopen_rate,
}
REOPEN = MetricSpec(**REOPEN_FIELDS)


class ReopenPlugin:
    @hookimpl
    def csperf_metrics(self):
        return [REOPEN]


def _tickets():
    return [
        Ticket(i, agent, "chat", DAY, resolved_at=DAY, reopened=reopened)
        for i, (agent, reopened) in enumerate(
            [("ann", True), ("ann", False), ("ann", False), ("ann", False), ("bob", False)]
        )
    ]


def test_a_third_party_metric_is_measured_like_a_builtin(pm):
    pm.register(ReopenPlugin(), name="reopen")
    assert pm.metric("reopen_rate") is REOPEN
    rollup = measure({"tickets": _tickets()}, metrics=["reopen_rate", "fcr"], plugins=pm)
    assert rollup["ann"]["reopen_rate"].value == 0.25
    assert rollup["ann"]["reopen_rate"].sample_size == 4
    assert rollup["bob"]["reopen_rate"].value == 0.0
    everything = measure({"tickets": _tickets()}, plugins=pm)
    assert "reopen_rate" in everything["ann"]
    assert REOPEN.function(_tickets()).value == 0.2
    with pytest.raises(UnknownNameError, match="unknown metric 'reopen_rate'"):
        measure({"tickets": _tickets()}, metrics=["reopen_rate"], plugins=PluginManager())


def test_a_third_party_metric_is_scored(pm):
    pm.register(ReopenPlugin(), name="reopen")
    card = csperf.Scorecard(
        "reopen_card",
        "Reopens",
        [csperf.Dimension("quality", "Quality")],
        [
            csperf.Indicator(
                "reopens",
                "Reopen rate",
                "quality",
                metric="reopen_rate",
                direction=pm.metric("reopen_rate").direction,
                scoring=csperf.Piecewise([(0.0, 100.0), (0.5, 0.0)]),
            )
        ],
        weighting=csperf.Weighting({"quality": 1.0}, {"quality": {"reopens": 1.0}}),
    )
    rollup = measure({"tickets": _tickets()}, metrics=["reopen_rate"], plugins=pm)
    result = csperf.Appraisal(card, pm).evaluate(rollup.raw("ann"), "ann")
    assert result.total == 50.0


def _shout(report: Report) -> str:
    return "\n".join(f"{r.subject}: {r.total:g}".upper() for r in report.results) + "\n"


class ShoutPlugin:
    @hookimpl
    def csperf_report_formats(self):
        return [ReportFormat("shout", ".shout", _shout, summary="Totals in capitals")]


def test_a_third_party_report_format_renders_and_writes(pm, manager_card, li_wei, tmp_path):
    pm.register(ShoutPlugin(), name="shout")
    report = Report(manager_card, [manager_card.evaluate(li_wei, "li wei")])
    assert render(report, "shout", plugins=pm) == "LI WEI: 90.48\n"
    path = write_report(report, tmp_path / "out.shout", "shout", plugins=pm)
    assert path.read_text(encoding="utf-8") == "LI WEI: 90.48\n"
    with pytest.raises(UnknownNameError, match="unknown report format 'shout'"):
        render(report, "shout", plugins=get_plugin_manager(entry_points=False))


def test_a_binary_report_format_is_written_but_not_rendered(pm, manager_card, li_wei, tmp_path):
    class Packed:
        @hookimpl
        def csperf_report_formats(self):
            return [ReportFormat("packed", ".bin", lambda r: b"\x00\x01", binary=True)]

    pm.register(Packed(), name="packed")
    report = Report(manager_card, [manager_card.evaluate(li_wei, "li wei")])
    assert write_report(report, tmp_path / "x.bin", "packed", plugins=pm).read_bytes() == b"\0\1"
    with pytest.raises(UnknownNameError, match="'packed' is not text") as info:
        render(report, "packed", plugins=pm)
    assert "xlsx" not in info.value.available


def test_a_text_format_returning_bytes_is_refused(pm, manager_card, li_wei):
    class Liar:
        @hookimpl
        def csperf_report_formats(self):
            return [ReportFormat("liar", ".txt", lambda r: b"bytes")]

    pm.register(Liar(), name="liar")
    report = Report(manager_card, [manager_card.evaluate(li_wei, "li wei")])
    with pytest.raises(csperf.ValidationError, match="render returned bytes, expected str"):
        render(report, "liar", plugins=pm)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Bad Name"}, "field 'name'"),
        ({"suffixes": "txt"}, "field 'suffixes'"),
        ({"suffixes": ()}, "field 'suffixes'"),
        ({"render": "render_html"}, "field 'render'"),
    ],
)
def test_report_formats_are_checked(kwargs, message):
    args = {"name": "ok", "suffixes": ".txt", "render": _shout, **kwargs}
    with pytest.raises(csperf.ValidationError, match=message):
        ReportFormat(**args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"domain": (1, 0)}, "field 'domain'"),
        ({"domain": "0-1"}, "field 'domain'"),
        ({"compute": None}, "give 'compute' or 'function'"),
        ({"record_kind": "calls"}, "field 'record_kind'"),
        ({"direction": "up"}, "field 'direction'"),
    ],
)
def test_metric_specs_are_checked(kwargs, message):
    with pytest.raises(csperf.ValidationError, match=message):
        MetricSpec(**{**REOPEN_FIELDS, **kwargs})


def test_a_metric_made_from_compute_takes_the_options_of_compute():
    def share(selected, everything=(), *, channel="chat"):
        chosen = [t for t in selected if t.channel == channel]
        return (len(chosen) / len(selected) if selected else None), len(selected), ()

    spec = MetricSpec(**{**REOPEN_FIELDS, "name": "chat_share", "compute": share})
    assert dict(spec.options) == {"channel": "chat"}
    assert spec.function(_tickets(), channel="phone").value == 0.0
    assert spec.function(_tickets(), min_sample=10).flags == ("small_sample",)


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
    assert pm.names[: len(BUILTIN_PLUGINS)] == BUILTIN_PLUGINS
    assert "fake" in pm.names
    assert "fake-manager" in pm.templates()
    assert pm.distributions["fake"] == "csperf_fake_templates 1.0"
    assert "fake" not in get_plugin_manager(entry_points=False).names
    assert "fake-manager" not in get_plugin_manager(disabled=["fake"]).templates()
    monkeypatch.setenv(DISABLED_ENV, "fake")
    assert "fake-manager" not in get_plugin_manager().templates()


def test_an_entry_point_with_an_unknown_hook_is_rejected_by_check_pending(tmp_path, monkeypatch):
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
    with pytest.raises(PluginError, match=r"plugin 'typo': .*csperf_weight_strategy") as info:
        get_plugin_manager()
    assert info.value.plugin == "typo"
    assert get_plugin_manager(disabled=["typo"]).names == BUILTIN_PLUGINS


def test_an_entry_point_that_fails_to_import_is_reported(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path, "csperf_fake_broken", "raise ImportError('no numpy 3')", entry="broken"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"plugin 'broken' .* failed to load: no numpy 3") as info:
        get_plugin_manager()
    assert info.value.plugin == "broken"
    assert isinstance(info.value.__cause__, ImportError)
    monkeypatch.setenv(DISABLED_ENV, "broken")
    assert "broken" not in get_plugin_manager().names


def test_an_entry_point_plugin_that_raises_in_a_hook_is_named(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path,
        "csperf_fake_flaky",
        """
        import csperf

        @csperf.hookimpl
        def csperf_metrics():
            raise ConnectionError("metrics server down")
        """,
        entry="flaky",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = get_plugin_manager()
    with pytest.raises(PluginError, match="plugin 'flaky' raised in hook csperf_metrics"):
        pm.metrics()
    with pytest.raises(PluginError, match="plugin 'flaky'"):
        measure({"tickets": _tickets()})


# -- the specs and the manager's methods agree -------------------------------------------------

SPECS = sorted(n for n in dir(hookspecs) if n.startswith("csperf_"))


@pytest.mark.parametrize("hook", SPECS)
def test_every_spec_is_typed_and_documented(hook):
    spec = getattr(hookspecs, hook)
    assert "Any" not in str(spec.__annotations__), hook
    doc = inspect.getdoc(spec) or ""
    assert ":return:" in doc, hook
    for param in inspect.signature(spec).parameters:
        assert f":param {param}:" in doc, (hook, param)


def test_every_hook_is_called_by_a_typed_method(pm, manager_card, li_wei):
    called = []

    class Spy:
        pass

    for hook in SPECS:
        params = list(inspect.signature(getattr(hookspecs, hook)).parameters)

        def wrapper(*args, _hook=hook):
            called.append(_hook)
            return (yield)

        wrapper.__signature__ = inspect.Signature(  # pluggy reads the argument names
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in params]
        )
        setattr(Spy, hook, staticmethod(hookimpl(wrapper=True)(wrapper)))
    pm.register(Spy(), name="spy")
    pm.weight_strategies()
    pm.metric_sources()
    pm.scoring_rules()
    pm.templates()
    pm.metrics()
    pm.report_formats()
    appraisal = csperf.Appraisal(manager_card, pm)
    appraisal.evaluate(li_wei)
    appraisal.evaluate_many({k: [v] for k, v in li_wei.items()})
    assert sorted(called) == SPECS
