"""The documentation covers every hook and every public name."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import pkgutil
import re
from typing import Any

import pytest

import csperf
from csperf.hooks import hookspecs
from support import ROOT

DOCS = ROOT / "docs"
PUBLIC_MODULES = [
    "csperf",
    "csperf.errors",
    "csperf.text",
    "csperf.ratings",
    "csperf.units",
    "csperf.rules",
    "csperf.hooks",
    "csperf.templates",
    "csperf.weights",
    "csperf.metrics",
    "csperf.sources",
    "csperf.datasets",
    "csperf.report",
    "csperf.config",
    "csperf.cli",
    "csperf.distributed",
    "csperf.history",
    "csperf.health",
    "csperf.trends",
    "csperf.agreement",
]
#: Public packages whose namespace holds nothing public beyond ``__all__`` (and submodules).
PUBLIC_PACKAGES = [
    "csperf",
    "csperf.templates",
    "csperf.weights",
    "csperf.metrics",
    "csperf.sources",
    "csperf.report",
]
#: Objects documented although no public ``__all__`` lists them, and why.
NOT_EXPORTED = {
    "csperf.results.Redistribution": "met only as the items of ScorecardResult.redistributed",
    "csperf.hooks.hookspecs": "the hook specifications, documented hook by hook",
}
DIRECTIVE = re.compile(
    r"^\.\. (?P<kind>auto(?:class|function|data|exception|method|attribute|module)|"
    r"py:(?:class|function|data|exception))::\s+(?P<target>\S+)"
)


def _resolve(name: str) -> Any:
    """The object a dotted name refers to, attributes taking precedence over submodules."""
    parts = name.split(".")
    obj: Any = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def _entries() -> tuple[list[tuple[str, str, Any]], list[str]]:
    """(where, dotted path, object) of everything an autodoc directive in docs/ documents.

    A name without a dot is looked up in the current module, which ``currentmodule`` and, as
    in Sphinx, ``automodule`` set; a dotted name is absolute. The second list holds the
    directives whose target does not exist.
    """
    found: list[tuple[str, str, Any]] = []
    broken: list[str] = []
    for path in sorted(DOCS.rglob("*.rst")):
        current = "csperf"
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            where = f"{path.relative_to(DOCS)}:{i + 1}"
            if line.startswith((".. currentmodule::", ".. py:currentmodule::")):
                current = line.split("::", 1)[1].strip()
                continue
            match = DIRECTIVE.match(line)
            if not match:
                continue
            kind, target = match.group("kind"), match.group("target")
            if kind == "automodule":
                module = importlib.import_module(target)
                found.append((where, target, module))
                current = target
                options = []
                for follow in lines[i + 1 :]:
                    if not follow.startswith("   "):
                        break
                    options.append(follow.strip())
                members = [o for o in options if o.startswith(":members:")]
                if members:
                    listed = " ".join(
                        [members[0].removeprefix(":members:")]
                        + [o for o in options if not o.startswith(":")]
                    )
                    names = [n.strip() for n in listed.split(",") if n.strip()]
                    names = names or list(getattr(module, "__all__", []))
                    found.extend((where, f"{target}.{n}", getattr(module, n)) for n in names)
                continue
            dotted = (
                target
                if "." in target
                and kind
                not in (
                    "automethod",
                    "autoattribute",
                )
                else f"{current}.{target}"
            )
            try:
                found.append((where, dotted, _resolve(dotted)))
            except (ImportError, AttributeError):
                broken.append(f"{where}: {dotted}")
    return found, broken


def _public_names() -> list[tuple[str, str]]:
    names = []
    for module_name in PUBLIC_MODULES:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        names.extend((module_name, n) for n in module.__all__ if n != "__version__")
    return names


_ENTRIES, _BROKEN = _entries()
_DOCUMENTED = {id(obj) for _, _, obj in _ENTRIES}
_EXPORTED = {
    id(getattr(importlib.import_module(module), name)) for module, name in _public_names()
} | {id(importlib.import_module(m)) for m in PUBLIC_MODULES}


@pytest.mark.parametrize(("module", "name"), _public_names())
def test_every_public_name_is_documented(module, name):
    obj = getattr(importlib.import_module(module), name)
    assert id(obj) in _DOCUMENTED, f"{module}.{name} has no autodoc entry in docs/"
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), f"{module}.{name} has no docstring"


def test_every_documented_name_exists():
    assert _BROKEN == []


def _is_private(dotted: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in dotted.split("."))


@pytest.mark.parametrize(("where", "dotted"), [(w, d) for w, d, _ in _ENTRIES])
def test_no_private_name_is_documented(where, dotted):
    obj = next(o for w, d, o in _ENTRIES if (w, d) == (where, dotted))
    assert not _is_private(dotted), f"{where}: {dotted} is private"
    owner = dotted.rsplit(".", 1)[0]
    if dotted in NOT_EXPORTED or owner in NOT_EXPORTED:
        return
    if not inspect.ismodule(obj) and inspect.isclass(_resolve(owner)):
        obj = _resolve(owner)  # a member of a class: the class must be public
    assert id(obj) in _EXPORTED, (
        f"{where}: {dotted} is documented but no public __all__ lists it "
        f"(public modules: {', '.join(PUBLIC_MODULES)})"
    )


def test_the_exceptions_are_still_documented():
    for name in NOT_EXPORTED:
        assert any(d == name or d.startswith(f"{name}.") for _, d, _ in _ENTRIES), name


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_public_packages_expose_only_their_all(package):
    module = importlib.import_module(package)
    extra = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and name not in module.__all__
        and not inspect.ismodule(value)
        and name != "annotations"  # from __future__ import annotations
        and getattr(value, "__module__", None) != "typing"
    ]
    assert extra == [], f"{package} exposes {extra} outside its __all__"


def test_no_public_module_exports_a_private_name():
    for module, name in _public_names():
        assert not name.startswith("_"), f"{module}.{name}"


def _hook_headings() -> dict[str, str]:
    text = (DOCS / "reference" / "plugins.rst").read_text(encoding="utf-8")
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r"^(csperf_\w+)\(([^)]*)\)\n~+$", text, flags=re.MULTILINE)
    }


SPECS = [
    name
    for name, obj in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("csperf_")
]


@pytest.mark.parametrize("hook", SPECS)
def test_every_hook_is_documented_with_its_signature(hook):
    headings = _hook_headings()
    assert hook in headings, f"hook {hook} is not documented in docs/reference/plugins.rst"
    params = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert headings[hook].splitlines()[0] == f"{hook}({params})"


def test_no_documented_hook_is_missing_from_the_specs():
    assert set(_hook_headings()) == set(SPECS)


def test_every_spec_has_param_and_return_docs():
    for hook in SPECS:
        doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
        assert ":return:" in doc, hook
        for param in inspect.signature(getattr(hookspecs, hook)).parameters:
            assert f":param {param}:" in doc, (hook, param)


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then everything else, each alphabetical."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_public_api_is_sorted():
    for module_name, _ in {(m, None) for m, _ in _public_names()}:
        names = importlib.import_module(module_name).__all__
        assert list(names) == sorted(names, key=_isort_key), module_name
    assert csperf.__version__


def test_the_record_kinds_table_agrees_with_the_record_types():
    from csperf.metrics._records import RECORD_KINDS

    text = (DOCS / "reference" / "metrics.rst").read_text(encoding="utf-8")
    rows = re.findall(
        r"^``(\w+)``\s+:class:`(\w+)`\s+``(\w+)``\s+``(\w+)``\s+(.+?)\s*$", text, re.MULTILINE
    )
    documented = {
        kind: (record, time, subject, tuple(re.findall(r"``(\w+)``", key)))
        for kind, record, time, subject, key in rows
    }
    assert documented == {
        kind: (k.record_type.__name__, k.time_field, k.subject_field, k.key_fields)
        for kind, k in RECORD_KINDS.items()
    }


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(csperf.__path__, "csperf."))


@pytest.mark.parametrize("name", _modules())
def test_every_docstring_example_runs(name: str) -> None:
    # the examples of every module, private ones included, as the reference pages show them
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, report=True)
    assert result.failed == 0, f"{result.failed} of {name}'s examples failed (printed above)"
