"""The imports inside csperf follow its layers (docs/explanation/design.rst).

Every module under ``src/csperf`` is parsed with :mod:`ast` (nothing is imported) and each
``import csperf...`` / ``from csperf... import ...`` it holds is checked against :data:`LAYERS`.
All three kinds of import statement count: at module level, inside a function (a deferred import
is still a dependency, it only runs later) and under ``if TYPE_CHECKING:`` (a type named in a
signature ties the module's interface to the other module just the same). Loading by name
(``importlib.import_module`` of the built-in plugin modules, entry points) is not an import
statement and does not count: the plugin manager loads plugins, it does not depend on them.

The rule: a module may import the modules of a lower layer, and the modules of its own layer
that are in its own package. The model's modules (all in the package ``csperf``) import each
other; the metric definitions (``csperf.metrics``), on the same layer, import neither the model
nor are imported by it: both stand only on the leaf.

One exception is a rule of the design, not debt (:func:`is_default_plugins`): a library function
that looks names up in the plugins (a metric, a report format, a scoring rule named in a file)
takes an optional plugin manager, and when the caller passes none it builds the default one,
:func:`csperf.get_plugin_manager`, so that ``csperf.load_scorecard(path)`` sees the installed
plugins. For that default a module below the hooks may import ``get_plugin_manager`` inside a
function and ``PluginManager`` under ``TYPE_CHECKING`` (the type of the argument), nothing else
of ``csperf.hooks``, and never from the model or the leaf.

After a module moves, edit :data:`LAYERS`; a new module fails
:func:`test_every_module_is_in_a_layer` until it is given a layer.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from support import ROOT

SRC = ROOT / "src"
DESIGN = ROOT / "docs" / "explanation" / "design.rst"

# Module prefix -> layer. A prefix covers the module of that name and, for a package, every
# module below it; the longest prefix wins. "csperf" itself is the package root (__init__.py
# only), which re-exports the public API and so sits on top.
LAYERS: dict[str, int] = {
    # 0 -- the leaf: errors, directions and units, private helpers.
    "csperf.errors": 0,
    "csperf.units": 0,
    "csperf._frozen": 0,
    "csperf._io": 0,
    "csperf._escape": 0,
    "csperf._numbers": 0,
    "csperf._periods": 0,
    "csperf._cells": 0,
    "csperf._labels": 1,
    "csperf._canonical": 1,
    "csperf._version": 0,
    "csperf._keys": 0,
    # 1 -- the model, and beside it (another package, so neither imports the other) the metric
    # definitions: tables in, values out.
    "csperf.text": 1,
    "csperf.agreement": 1,
    "csperf.grading": 1,
    "csperf.rules": 1,
    "csperf.indicators": 1,
    "csperf.dimensions": 1,
    "csperf.weighting": 1,
    "csperf.results": 1,
    "csperf.adjustments": 1,
    "csperf.scorecard": 1,
    "csperf._tables": 1,
    "csperf._kernel": 1,
    "csperf.calibration": 1,
    "csperf.sensitivity": 1,
    "csperf.ratings": 1,
    "csperf.metrics": 1,
    "csperf.metrics._recordrules": 1,
    # 2 -- on the model: weight strategies, templates, scorecard files, reports; on the
    # metrics: the sample contact centre (records made from the record classes).
    "csperf.weights": 2,
    "csperf.templates": 2,
    "csperf.config": 2,
    "csperf._files": 2,
    "csperf._schema": 2,
    "csperf.report": 2,
    "csperf.datasets": 2,
    "csperf.distributed": 2,
    # the periodic review: the history (on config), the health review and the comparison
    "csperf.history": 2,
    "csperf._population": 2,
    "csperf.health": 2,
    "csperf.trends": 2,
    # 3 -- where records come from, the sample contact centre among them (source "records").
    "csperf.sources": 3,
    # 4 -- the hook specifications and the plugin manager.
    "csperf.hooks": 4,
    # 5 -- what gathers: the built-in plugins, look-ups by name, the appraisal that notifies
    # observers.
    "csperf.plugins": 5,
    "csperf.appraisal": 5,
    # 6 -- on top: the command line and the package root.
    "csperf.cli": 6,
    "csperf.__main__": 6,
    "csperf": 6,
}

LAYER_NAMES = {
    0: "the leaf",
    1: "the model and the metric definitions",
    2: "on the model or the metrics",
    3: "sources",
    4: "hooks",
    5: "plugins and look-ups",
    6: "the top",
}

MODEL_LAYER = 1
"""The layer of the model (its modules are those of this layer in the package ``csperf``)."""

PLUGIN_MANAGER = "csperf.hooks.manager"
"""The module that builds the plugin manager."""

DEFAULT_PLUGINS = {
    ("get_plugin_manager", "in a function"),
    ("PluginManager", "under TYPE_CHECKING"),
}
"""What a module below the hooks may import of :data:`PLUGIN_MANAGER`, and how.

The default of an omitted plugin manager: ``plugins: PluginManager | None = None`` in the
signature, ``get_plugin_manager()`` called when it is None. A module-level import, or any other
name of the hooks (``hookimpl``, the specifications, ``BUILTIN_PLUGINS``), stays a violation.
"""

# Keys of LAYERS that name no module yet: the target layout of issue 8. Remove each once the
# module exists (test_every_key_of_layers_names_a_module says when).
NOT_YET: set[str] = set()

# Imports against the layers today, as (importing module, imported module). Each is reported
# by test_imports_follow_the_layers once it is fixed, so that it leaves this set.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


class Import(NamedTuple):
    """One csperf-internal import statement."""

    importer: str
    imported: str
    path: Path
    line: int
    kind: str  # "module level", "in a function" or "under TYPE_CHECKING"
    name: str = ""  # the name a ``from ... import name`` takes ("" for ``import ...``)


def module_name(path: Path, src: Path) -> str:
    """``src/csperf/metrics/_catalog.py`` -> ``csperf.metrics._catalog``."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(src: Path, package: str = "csperf") -> dict[str, Path]:
    """Every module of ``package`` under ``src``, by dotted name."""
    return {module_name(p, src): p for p in sorted((src / package).rglob("*.py"))}


def is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(src: Path, package: str = "csperf") -> Iterator[Import]:
    """Every import of a ``package`` module by another ``package`` module."""
    known = modules(src, package)

    for name, path in known.items():
        is_package = path.name == "__init__.py"

        def target(node: ast.ImportFrom, name: str = name, is_package: bool = is_package) -> str:
            if not node.level:
                return node.module or ""
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            return ".".join([*base, *([node.module] if node.module else [])])

        def walk(node: ast.AST, kind: str) -> Iterator[tuple[str, ast.stmt, str, str]]:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and is_type_checking(child.test):
                    for statement in child.body:
                        yield from walk_one(statement, "under TYPE_CHECKING")
                    for statement in child.orelse:
                        yield from walk_one(statement, kind)
                else:
                    yield from walk_one(child, kind)

        def walk_one(node: ast.AST, kind: str) -> Iterator[tuple[str, ast.stmt, str, str]]:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, node, kind, ""
            elif isinstance(node, ast.ImportFrom):
                base = target(node)
                for alias in node.names:
                    # ``from csperf import registry`` imports the module csperf.registry;
                    # ``from csperf import __version__`` imports the package root.
                    submodule = f"{base}.{alias.name}"
                    if submodule in known:
                        yield submodule, node, kind, ""
                    else:
                        yield base, node, kind, alias.name
            else:
                inner = kind
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    inner = (
                        "under TYPE_CHECKING" if kind == "under TYPE_CHECKING" else "in a function"
                    )
                yield from walk(node, inner)

        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for imported, node, kind, taken in walk(tree, "module level"):
            if imported == package or imported.startswith(package + "."):
                yield Import(name, imported, path, node.lineno, kind, taken)


def layer_of(module: str, layers: dict[str, int], package: str = "csperf") -> int | None:
    """The layer of the longest prefix of ``module`` in ``layers`` (the root: itself only)."""
    best: str | None = None
    for prefix in layers:
        covers = module == prefix or (prefix != package and module.startswith(prefix + "."))
        if covers and (best is None or len(prefix) > len(best)):
            best = prefix
    return None if best is None else layers[best]


def package_of(module: str, known: dict[str, Path], package: str = "csperf") -> str:
    """``csperf.metrics._catalog`` -> ``csperf.metrics``; ``csperf.grading`` -> ``csperf``."""
    parts = module.split(".")
    if len(parts) > 1 and f"{package}.{parts[1]}" in known:
        sub = f"{package}.{parts[1]}"
        if known[sub].name == "__init__.py":
            return sub
    return package


def violations(
    src: Path, layers: dict[str, int], package: str = "csperf"
) -> Iterator[tuple[Import, int, int]]:
    """The imports against ``layers``, each with the importer's and the imported layer."""
    known = modules(src, package)
    for found in imports(src, package):
        if found.imported == found.importer:
            continue
        mine = layer_of(found.importer, layers, package)
        theirs = layer_of(found.imported, layers, package)
        if mine is None or theirs is None:
            continue  # reported by test_every_module_is_in_a_layer
        same_package = package_of(found.importer, known, package) == package_of(
            found.imported, known, package
        )
        if theirs > mine or (theirs == mine and not same_package):
            yield found, mine, theirs


def is_default_plugins(
    found: Import,
    mine: int,
    known: dict[str, Path],
    package: str = "csperf",
    manager: str = PLUGIN_MANAGER,
) -> bool:
    """Whether an import against the layers is the default of an omitted plugin manager.

    A function such as :func:`csperf.metrics.measure` or :func:`csperf.load_scorecard` looks
    names up in the plugins it is given; the CLI and :class:`csperf.Appraisal` pass the one
    they hold. A user who passes none still gets the installed plugins (entry points), so the
    function builds :func:`csperf.get_plugin_manager` itself: it depends on the factory, at
    call time, and on the type of its argument, not on any plugin or hook. That is allowed
    (:data:`DEFAULT_PLUGINS`) from every layer between the leaf and the hooks, except from the
    model: the model holds objects, never names, so it has nothing to look up, and
    :meth:`csperf.Scorecard.evaluate` stays a pure function of the card and the measurements,
    whatever plugins are installed.
    """
    model = mine == MODEL_LAYER and package_of(found.importer, known, package) == package
    return (
        found.imported == manager
        and (found.name, found.kind) in DEFAULT_PLUGINS
        and mine > 0
        and not model
    )


def describe(found: Import, mine: int, theirs: int) -> str:
    """``src/csperf/x.py:12: csperf.x (layer 1, ...) imports csperf.y (layer 2, ...), ...``."""
    where = found.path.relative_to(ROOT) if found.path.is_relative_to(ROOT) else found.path
    return (
        f"{where}:{found.line}: {found.importer} (layer {mine}, {LAYER_NAMES.get(mine, '?')}) "
        f"imports {found.imported} (layer {theirs}, {LAYER_NAMES.get(theirs, '?')}), "
        f"{found.kind}{': its own layer, another package' if mine == theirs else ''}"
    )


def test_every_module_is_in_a_layer():
    missing = [m for m in modules(SRC) if layer_of(m, LAYERS) is None]
    assert not missing, f"modules in no layer (add them to LAYERS in {__file__}): {missing}"


def test_every_key_of_layers_names_a_module():
    known = modules(SRC)
    unused = {k for k in LAYERS if not any(layer_of(m, {k: 0}) == 0 for m in known)}
    assert unused == NOT_YET, (
        f"keys of LAYERS that name no module: {sorted(unused - NOT_YET)}; "
        f"modules of NOT_YET that exist now (remove them from NOT_YET): {sorted(NOT_YET - unused)}"
    )


def test_imports_follow_the_layers():
    known_modules = modules(SRC)
    found = []
    defaults = []
    for v in violations(SRC, LAYERS):
        (defaults if is_default_plugins(v[0], v[1], known_modules) else found).append(v)
    # Shown with -s, or -rP: every use of the default plugin manager below the hooks.
    print("defaults of an omitted plugin manager:", *(describe(*v) for v in defaults), sep="\n")
    known = [describe(*v) for v in found if (v[0].importer, v[0].imported) in KNOWN_VIOLATIONS]
    new = [describe(*v) for v in found if (v[0].importer, v[0].imported) not in KNOWN_VIOLATIONS]
    gone = KNOWN_VIOLATIONS - {(v[0].importer, v[0].imported) for v in found}
    # Shown with -s, or -rP: where each known exception is.
    print("known exceptions (KNOWN_VIOLATIONS):", *known, sep="\n")
    message = ""
    if new:
        message += "imports against the layers of docs/explanation/design.rst:\n"
        message += "\n".join(new) + "\n"
    if gone:
        message += f"fixed, so remove them from KNOWN_VIOLATIONS: {sorted(gone)}\n"
    assert not message, message


def design_table(text: str) -> dict[str, int]:
    """The layer table of design.rst: each row's module literals, by layer."""
    table = text.split(".. list-table:: The layers", 1)[1].split("\n\n", 1)[1]
    table = re.split(r"\n(?=\S)", table, maxsplit=1)[0]
    found: dict[str, int] = {}
    for row in table.split("   * - ")[2:]:  # [0] is empty, [1] the header
        layer, _what, names = row.split("\n     - ")
        for name in re.findall(r"``(csperf[\w.]*)``", names):
            found[name] = int(layer)
    return found


def test_design_page_shows_the_same_table():
    assert design_table(DESIGN.read_text(encoding="utf-8")) == LAYERS


# -- the check itself, on a made-up package --------------------------------------------------

FAKE = {
    "pkg/__init__.py": "from pkg.top import main\n",
    "pkg/top.py": "import pkg.low\n",
    "pkg/low.py": (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "from pkg import leaf\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.top import main\n"  # line 6: up, for types only
        "def f():\n"
        "    from . import top\n"  # line 8: up, in a function, relative
        "    return top\n"
        "class C:\n"
        "    def g(self):\n"
        "        import pkg.side.b\n"  # line 12: a neighbour in another package
    ),
    "pkg/leaf.py": "",
    "pkg/side/__init__.py": "",
    "pkg/side/a.py": "from pkg.side import b\nfrom pkg import __version__\n",  # line 2: the root
    "pkg/side/b.py": "from .a import x\n",
    "pkg/same.py": "from pkg.low import f\n",
}
FAKE_LAYERS = {"pkg.leaf": 0, "pkg.low": 1, "pkg.same": 1, "pkg.side": 1, "pkg.top": 2, "pkg": 2}


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    for name, text in FAKE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_graph_has_every_kind_of_import(fake):
    found = {(i.importer, i.imported, i.line, i.kind) for i in imports(fake, "pkg")}
    assert found == {
        ("pkg", "pkg.top", 1, "module level"),
        ("pkg.top", "pkg.low", 1, "module level"),
        ("pkg.low", "pkg.leaf", 4, "module level"),
        ("pkg.low", "pkg.top", 6, "under TYPE_CHECKING"),
        ("pkg.low", "pkg.top", 8, "in a function"),
        ("pkg.low", "pkg.side.b", 12, "in a function"),
        ("pkg.side.a", "pkg.side.b", 1, "module level"),
        ("pkg.side.a", "pkg", 2, "module level"),
        ("pkg.side.b", "pkg.side.a", 1, "module level"),
        ("pkg.same", "pkg.low", 1, "module level"),
    }


def test_an_import_against_the_layers_is_found_with_its_line(fake):
    found = sorted(
        (i.importer, i.imported, i.line) for i, _, _ in violations(fake, FAKE_LAYERS, "pkg")
    )
    assert found == [
        ("pkg.low", "pkg.side.b", 12),  # same layer, another package
        ("pkg.low", "pkg.top", 6),
        ("pkg.low", "pkg.top", 8),
        ("pkg.side.a", "pkg", 2),
    ]
    # pkg.same -> pkg.low: same layer, same package; pkg.side.a <-> b: within one package.


DEFAULTS = {
    "pkg/__init__.py": "",
    "pkg/units.py": "",  # the leaf
    "pkg/model.py": (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.hooks.manager import PluginManager\n"  # line 4: the model, refused
    ),
    "pkg/metrics/__init__.py": (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.hooks.manager import PluginManager\n"  # line 4: allowed
        "def measure(plugins: PluginManager | None = None):\n"
        "    from pkg.hooks.manager import get_plugin_manager\n"  # line 6: allowed
        "    from pkg.hooks.manager import BUILTIN_PLUGINS\n"  # line 7: another name, refused
        "    import pkg.hooks.manager\n"  # line 8: the whole module, refused
        "    return plugins or get_plugin_manager()\n"
    ),
    "pkg/config.py": (
        "from pkg.hooks.manager import get_plugin_manager\n"  # line 1: module level, refused
        "def load(pm=None):\n"
        "    from pkg.hooks.manager import PluginManager\n"  # line 3: at run time, refused
        "    from pkg.hooks import get_plugin_manager\n"  # line 4: not the manager, refused
        "    from pkg.hooks.manager import get_plugin_manager as default\n"  # line 5: allowed
    ),
    "pkg/hooks/__init__.py": "",
    "pkg/hooks/manager.py": "",
}
DEFAULTS_LAYERS = {"pkg.units": 0, "pkg.model": 1, "pkg.metrics": 1, "pkg.config": 2}
DEFAULTS_LAYERS |= {"pkg.hooks": 3, "pkg": 3}


def test_only_the_default_plugin_manager_is_allowed_below_the_hooks(tmp_path: Path):
    for name, text in DEFAULTS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    known = modules(tmp_path, "pkg")
    found = {
        (i.importer, i.line): is_default_plugins(i, mine, known, "pkg", "pkg.hooks.manager")
        for i, mine, _ in violations(tmp_path, DEFAULTS_LAYERS, "pkg")
    }
    assert found == {
        ("pkg.model", 4): False,
        ("pkg.metrics", 4): True,
        ("pkg.metrics", 6): True,
        ("pkg.metrics", 7): False,
        ("pkg.metrics", 8): False,
        ("pkg.config", 1): False,
        ("pkg.config", 3): False,
        ("pkg.config", 4): False,
        ("pkg.config", 5): True,
    }
    # From the leaf, refused too.
    leaf = Import(
        "pkg.units", "pkg.hooks.manager", tmp_path, 1, "in a function", "get_plugin_manager"
    )
    assert not is_default_plugins(leaf, 0, known, "pkg", "pkg.hooks.manager")


def test_the_root_covers_itself_only_and_the_longest_prefix_wins():
    layers = {"csperf": 5, "csperf.metrics": 1, "csperf.metrics._catalog": 0}
    assert layer_of("csperf", layers) == 5
    assert layer_of("csperf.metrics", layers) == 1
    assert layer_of("csperf.metrics._rollup", layers) == 1
    assert layer_of("csperf.metrics._catalog", layers) == 0
    assert layer_of("csperf.metricsx", layers) is None
    assert layer_of("csperf.cli", layers) is None
