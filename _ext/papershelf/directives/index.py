"""The ``paper-index``, ``paper-overview`` and ``paper-recent`` directives.

Read phase only: each checks its options, records on the domain what its
page shows, and leaves a placeholder that carries its page and what it shows;
:mod:`papershelf.render` fills it once every page has been read.
"""

from __future__ import annotations

import re
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..catalog import GROUPINGS, INDEX_VIEWS, Query
from ..diagnostics import warn
from ..model import STATUSES
from ..nodes import paper_view
from ..venues import KINDS
from ..views import Spec


class _PlaceholderDirective(SphinxDirective):
    has_content = False

    def placeholder(self, spec: Spec) -> list[nodes.Node]:
        self.env.domains["paper"].note_placeholder(self.env.docname, spec)
        node = paper_view()
        node["docname"] = self.env.docname
        node["spec"] = spec
        self.set_source_info(node)
        return [node]

    def warn(self, message: str) -> None:
        warn(message, "index", self.get_location())


class PaperIndexDirective(_PlaceholderDirective):
    """``paper-index``: the site's papers grouped by year, venue, tag, status,
    topic or author, optionally filtered; drawn as lists or, with
    ``:view: table``, as one sortable table per group."""

    option_spec: ClassVar[dict] = {
        "by": directives.unchanged,
        "kind": directives.unchanged,
        "status": directives.unchanged,
        "years": directives.unchanged,
        "tag": directives.unchanged,
        "venue": directives.unchanged,
        "view": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        by = (self.options.get("by") or "year").strip()
        if by not in GROUPINGS:
            self.warn(f"unknown grouping :by: {by}; use one of {', '.join(GROUPINGS)} (using year)")
            by = "year"
        kinds = split_words(self.options.get("kind", ""))
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown:
            self.warn(f"unknown venue kind in :kind: {', '.join(unknown)}; use {', '.join(KINDS)}")
            kinds = tuple(kind for kind in kinds if kind in KINDS)
        statuses = split_words(self.options.get("status", ""))
        if any(status not in STATUSES for status in statuses):
            self.warn(f"unknown status in :status: {self.options['status']}; use {', '.join(STATUSES)}")
            statuses = tuple(status for status in statuses if status in STATUSES)
        years: tuple[int | None, int | None] = (None, None)
        if "years" in self.options:
            parsed = parse_years(self.options["years"] or "")
            if parsed is None:
                self.warn(f"cannot read :years: {self.options['years']!r}; write 2024, 2023-2025, "
                          "2023- or -2024 (showing every year)")
            else:
                years = parsed
        view = (self.options.get("view") or "list").strip()
        if view not in INDEX_VIEWS:
            self.warn(f"unknown :view: {view}; use one of {', '.join(INDEX_VIEWS)} (using list)")
            view = "list"
        query = Query(by=by, kinds=kinds, statuses=statuses, years=years,
                      tags=split_words(self.options.get("tag", "")),
                      venues=split_words(self.options.get("venue", "")), view=view)
        return self.placeholder(("index", query))


class PaperOverviewDirective(_PlaceholderDirective):
    """``paper-overview``: totals, papers per year by venue kind, top venues."""

    option_spec: ClassVar[dict] = {"top": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        return self.placeholder(("overview", self.options.get("top", 10)))


class PaperRecentDirective(_PlaceholderDirective):
    """``paper-recent``: the papers added last, by their ``:added:`` date."""

    option_spec: ClassVar[dict] = {"count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        return self.placeholder(("recent", self.options.get("count", 10)))


def parse_years(value: str) -> tuple[int | None, int | None] | None:
    """``2023``, ``2023-2025``, ``2023-`` or ``-2024``; ``None`` when unreadable."""
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:(-|–|\.\.)\s*(\d{4})?)?\s*", value)
    if not match or not (match.group(1) or match.group(3)):
        return None
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else (low if not match.group(2) else None)
    if low is not None and high is not None and low > high:
        return None
    return low, high


def split_words(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in re.split(r"[,;|]", value) if word.strip())
