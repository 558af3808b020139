"""Sphinx configuration for the csperf documentation."""

from __future__ import annotations

import csperf

project = "csperf"
author = "csperf developers"
copyright = "2026, csperf developers"
release = csperf.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.doctest",
]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True
napoleon_attr_annotations = False
nitpicky = False


html_theme = "furo"
html_title = f"csperf {release}"
html_static_path = ["_static"]
exclude_patterns = ["_build"]


def _attrs_factory_defaults(app, what, name, obj, options, signature, return_annotation):
    """Show an attrs field whose default is a factory as ``name=<factory>``, not ``=NOTHING``.

    attrs writes such a default as the ``NOTHING`` sentinel in the generated ``__init__``; the
    class docstring says what the default is.
    """
    if signature and "=NOTHING" in signature:
        signature = signature.replace("=NOTHING", "=<factory>")
    return signature, return_annotation


def setup(app):
    app.connect("autodoc-process-signature", _attrs_factory_defaults)
