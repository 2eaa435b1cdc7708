"""Sphinx configuration of the cdop documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (warnings are
errors). Pages are Markdown (MyST) except the API reference, which autodoc builds from
the docstrings of the public modules (NumPy style, read by napoleon). The notebooks of
``notebooks/`` (linked as ``docs/notebooks``) are committed without outputs and executed
by myst-nb during the build, so the site shows them with their results; pass
``-D nb_execution_mode=off`` to build without running them.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from pathlib import Path
from typing import Any

import cdop

HERE = Path(__file__).resolve().parent

project = "cdop"
author = "cdop contributors"
copyright = "cdop contributors"  # no year: the build is the same whenever it runs
version = release = cdop.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "notebooks/walkthrough"]
language = "en"
today_fmt = "%Y"

# Markdown
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks: run in a temporary folder (what they write goes there), streams merged (a
# cell's printed lines in one block; a progress bar is one display, kept as it finished).
nb_execution_mode = "auto"  # run notebooks without outputs: the committed ones
nb_execution_in_temp = True
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_merge_streams = True

# API reference
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True  # "Attributes" sections as fields: no duplicate of autodoc's entries
napoleon_preprocess_types = True
# Type aliases keep their names in signatures and link to their explanation (api.rst).
autodoc_type_aliases = {
    name: f"cdop.analytics.{name}"
    for name in (
        "By",
        "Years",
        "PeriodKind",
        "InfantMeasure",
        "Basis",
        "BandPreset",
        "DurationStart",
        "AreaStatistic",
        "BenchmarkUnit",
    )
}
# numpy's ArrayLike by its name, not the union it stands for.
autodoc_type_aliases["ArrayLike"] = "numpy.typing.ArrayLike"
add_module_names = False
python_use_unqualified_type_names = True

# HTML: the built-in theme, no external assets
html_theme = "alabaster"
html_title = f"cdop {release}"
html_static_path: list[str] = []
html_last_updated_fmt = None
html_show_sourcelink = False


# A default written with a private name (``by=_N.residence_area``) shows its value.
_PRIVATE_DEFAULT = re.compile(r"=\s*(_[A-Za-z]\w*(?:\.\w+)*)")
# One name of a numpydoc "Attributes" entry ("name : type" or "a, b : type").
_ATTRIBUTE_ENTRY = re.compile(r"^    (\w+(?:, \w+)*)(?: :.*)?$")


def _signature_defaults(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str | None
) -> tuple[str, str | None] | None:
    if not signature:
        return None
    module = inspect.getmodule(obj)
    if module is None:
        return None

    def value(match: re.Match[str]) -> str:
        try:
            return "=" + repr(eval(match.group(1), vars(module)))
        except Exception:
            return match.group(0)

    return _PRIVATE_DEFAULT.sub(value, signature), ret


def _documented_attributes(module: str, cls: str) -> set[str]:
    """Names listed in the class docstring's "Attributes" section."""
    try:
        target = getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError):
        return set()
    lines = inspect.cleandoc(target.__doc__ or "").splitlines()
    names: set[str] = set()
    section = ""
    for k, line in enumerate(lines):
        following = lines[k + 1] if k + 1 < len(lines) else ""
        if following.startswith("---") and line.strip():
            section = line.strip()
            continue
        if section == "Attributes" and line and not line.startswith((" ", "-")):
            found = _ATTRIBUTE_ENTRY.match("    " + line)
            if found:
                names.update(found.group(1).split(", "))
    return names


_PUBLIC_MODULES = (
    "cdop",
    "cdop.analytics",
    "cdop.disclosure",
    "cdop.plots",
    "cdop.profiles",
    "cdop.report",
    "cdop.stats",
)


def _listed_attributes() -> set[str]:
    """Every name listed in the "Attributes" section of a public class's docstring."""
    names: set[str] = set()
    for module_name in _PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for public in getattr(module, "__all__", ()):
            target = getattr(module, public, None)
            if inspect.isclass(target):
                names |= _documented_attributes(target.__module__, target.__name__)
    return names


_LISTED = _listed_attributes()


def _skip_listed_attributes(
    app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """A class attribute described in the class's "Attributes" section (shown as the
    class's variables) is not listed a second time, bare, below it."""
    if what == "class" and not skip and not callable(obj) and name in _LISTED:
        return True
    return None


def setup(app: Any) -> None:
    app.connect("autodoc-process-signature", _signature_defaults)
    app.connect("autodoc-skip-member", _skip_listed_attributes)
    # Figures in the notebooks are shown by the kernel's own inline backend: a backend
    # named for this process (no display here) would hide them.
    os.environ.pop("MPLBACKEND", None)
