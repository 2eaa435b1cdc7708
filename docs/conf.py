"""Sphinx configuration of the cdop documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (warnings are
errors). Pages are Markdown (MyST) except the API reference, which autodoc builds from
the docstrings of the public modules (NumPy style, read by napoleon). The notebooks of
``notebooks/`` (linked as ``docs/notebooks``) are committed without outputs and executed
by myst-nb during the build, so the site shows them with their results; pass
``-D nb_execution_mode=off`` to build without running them.
"""

from __future__ import annotations

import os
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

# Notebooks: run in a temporary folder (what they write goes there), streams merged so
# a progress bar shows its finished line only.
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
add_module_names = False
python_use_unqualified_type_names = True

# HTML: the built-in theme, no external assets
html_theme = "alabaster"
html_title = f"cdop {release}"
html_static_path: list[str] = []
html_last_updated_fmt = None
html_show_sourcelink = False


def setup(app: Any) -> None:
    # Figures in the notebooks are shown by the kernel's own inline backend: a backend
    # named for this process (no display here) would hide them.
    os.environ.pop("MPLBACKEND", None)
