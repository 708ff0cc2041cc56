"""Sphinx configuration of the Papershelf site."""

import os
import sys
from pathlib import Path

# The extension lives in _ext/ and is also installed into .venv; putting the
# working tree first means an edit to it is used without reinstalling.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Papershelf"
author = "Papershelf readers"
copyright = "2024-2026, Papershelf readers"

# sphinx-design is installed (requirements.txt) for an owner who wants its
# grids and cards on a page of their own: add "sphinx_design" here.  Paper
# entries do not need it, and loading it costs every build a few per cent.
extensions = [
    "myst_parser",
    "papershelf",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build", ".venv", "tests", "bench", "README.md", "Thumbs.db", ".DS_Store",
    ".pytest_cache", ".hypothesis", "*.egg-info",
]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "Papershelf"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_favicon = "_static/favicon.svg"

# The site's canonical address: Read the Docs gives it to every build, so
# papers.json, papers.bib and the feeds carry absolute links there; set
# PAPERSHELF_BASEURL (or html_baseurl here) for another host.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL") or os.environ.get("PAPERSHELF_BASEURL", "")

# Papershelf: venue aliases this site adds to the built-in table.
# Each alias maps to a canonical name, or to (name, kind) with kind one of
# conference, journal, workshop, findings, preprint, unknown.
papershelf_venue_aliases = {}

# Link checking (make linkcheck): see the README for papershelf_linkcheck_*.
linkcheck_timeout = 20
linkcheck_workers = 5

# Search: Sphinx's Chinese search splits Chinese text into words with jieba
# (pinned in requirements.txt); English words are still indexed and stemmed.
html_search_language = "zh"
