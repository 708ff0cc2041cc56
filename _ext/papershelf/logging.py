"""Warnings, all of one type so that a site can silence them.

``suppress_warnings = ["papershelf.link"]`` in ``conf.py`` silences one
subtype; ``["papershelf"]`` silences them all.
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

#: The warning type of every Papershelf warning.
WARNING_TYPE = "papershelf"

#: Subtypes, one per kind of problem.
SUBTYPES = ("title", "option", "key", "duplicate", "link", "venue", "year", "status",
            "rating", "ref", "config", "index", "conflict", "linkcheck")

logger = logging.getLogger("papershelf")


def warn(message: str, subtype: str, location: Any) -> None:
    """A warning with a location (``(docname, line)``, a node or a path)."""
    assert subtype in SUBTYPES, subtype
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)
