"""The documentation covers every hook and every public name."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
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
    "csperf.hooks",
    "csperf.templates",
    "csperf.weights",
    "csperf.metrics",
    "csperf.sources",
    "csperf.datasets",
    "csperf.report",
    "csperf.config",
    "csperf.cli",
]
DIRECTIVE = re.compile(
    r"^\.\. (?:auto(?:class|function|data|exception|method|attribute|module)|"
    r"py:(?:class|function|data|exception))::\s+(\S+)"
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


def _documented() -> set[int]:
    """ids of every object an autodoc directive in docs/ documents."""
    found: list[Any] = []
    for path in DOCS.rglob("*.rst"):
        current = "csperf"
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.startswith(".. currentmodule::") or line.startswith(".. py:currentmodule::"):
                current = line.split("::", 1)[1].strip()
                continue
            match = DIRECTIVE.match(line)
            if not match:
                continue
            target = match.group(1)
            if line.startswith(".. automodule::"):
                module = importlib.import_module(target)
                found.append(module)
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
                    found.extend(getattr(module, n) for n in names)
                continue
            try:
                found.append(_resolve(f"{current}.{target}"))
            except (ImportError, AttributeError):
                found.append(_resolve(target))
    return {id(obj) for obj in found}


def _public_names() -> list[tuple[str, str]]:
    names = []
    for module_name in PUBLIC_MODULES:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        names.extend((module_name, n) for n in module.__all__ if n != "__version__")
    return names


@pytest.mark.parametrize(("module", "name"), _public_names())
def test_every_public_name_is_documented(module, name):
    obj = getattr(importlib.import_module(module), name)
    assert id(obj) in _DOCUMENTED, f"{module}.{name} has no autodoc entry in docs/"
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), f"{module}.{name} has no docstring"


_DOCUMENTED = _documented()


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
