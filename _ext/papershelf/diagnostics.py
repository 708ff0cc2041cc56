"""Warnings, all of one type so that a site can silence them.

``suppress_warnings = ["papershelf.link"]`` in ``conf.py`` silences one
subtype; ``["papershelf"]`` silences them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.util import logging

#: The warning type of every Papershelf warning.
WARNING_TYPE = "papershelf"

#: Subtypes, one per kind of problem.
SUBTYPES = ("title", "option", "key", "duplicate", "link", "venue", "year", "status",
            "rating", "ref", "config", "index", "conflict", "linkcheck", "encoding", "html", "feed", "search")

logger = logging.getLogger("papershelf")


def warn(message: str, subtype: str, location: Any) -> None:
    """A warning with a location (``(docname, line)``, a node or a path)."""
    assert subtype in SUBTYPES, subtype
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)


def conf_location(confdir: str | Path, name: str) -> str:
    """``conf.py:line`` of the setting ``name`` (line 1 when it is not set there)."""
    conf_py = Path(confdir, "conf.py")
    if conf_py.is_file():
        for number, text in enumerate(conf_py.read_text(encoding="utf-8").splitlines(), 1):
            if text.startswith(name):
                return f"{conf_py}:{number}"
    return f"{conf_py}:1"
