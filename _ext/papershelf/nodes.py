"""Node classes of a rendered paper, and the nodes built from a :class:`Paper`.

Each class derives from a standard docutils node, so a builder that knows
nothing of Papershelf (text, LaTeX, man, linkcheck) renders it as that node:
Sphinx's translators look visitors up along the class's MRO.  Only HTML gets
its own markup, in :mod:`papershelf.html`.
"""

from __future__ import annotations

from docutils import nodes

from .model import Paper

#: The classes every paper entry carries in HTML.
ENTRY_CLASS = "ps-paper"


class paper_entry(nodes.container):  # noqa: N801 - docutils naming
    """One paper.  ``data`` holds the plain values written as ``data-*`` attributes."""


class paper_title(nodes.paragraph):  # noqa: N801
    """The title line; HTML adds a permalink to the entry's anchor (``refid``)."""


class paper_badge(nodes.inline):  # noqa: N801
    """A badge; ``tooltip`` becomes the HTML ``title`` attribute."""


class paper_notes(nodes.container):  # noqa: N801
    """The longer notes: a collapsed ``<details>`` in HTML, plain elsewhere."""


class paper_view(nodes.General, nodes.Element):  # noqa: N801 - docutils naming
    """Placeholder for an index or the overview, filled at ``doctree-resolved``."""


class paper_also_in(nodes.paragraph):  # noqa: N801
    """Placeholder in an entry for links to the paper's other pages."""


class paper_index_item(nodes.list_item):  # noqa: N801
    """One paper in an index; ``data`` becomes ``data-*`` attributes in HTML."""


def entry_data(paper: Paper) -> dict[str, str]:
    """The values a reader's script can filter on, as ``data-*`` attributes."""
    data = {
        "key": paper.key,
        "status": paper.status,
        "venue": paper.venue.name,
        "venue-kind": paper.venue.kind,
        "year": str(paper.year) if paper.year else "",
        "tags": "|".join(paper.tags),
    }
    return {name: value for name, value in data.items() if value}


def badge_nodes(paper: Paper) -> list[nodes.Node]:
    """Venue, extras, year, status, rating and tags of ``paper``, as badges."""
    venue = paper.venue
    badges: list[nodes.Node] = []
    if venue.name:
        badges.append(_badge(venue.name, f"ps-venue ps-kind-{venue.kind}",
                             f"{venue.raw} ({venue.kind})" if venue.raw else venue.kind))
    badges.extend(_badge(extra, "ps-extra") for extra in venue.extras)
    if paper.year:
        badges.append(_badge(str(paper.year), "ps-year", "Year"))
    badges.append(_badge(paper.status, f"ps-status ps-status-{paper.status}", "Reading status"))
    if paper.rating:
        mean = sum(paper.rating) / len(paper.rating)
        badges.append(_badge(" / ".join(map(str, paper.rating)), "ps-rating",
                             f"Reviewer ratings, mean {mean:.2f}"))
    badges.extend(_badge(tag, "ps-tag", "Tag") for tag in paper.tags)
    return badges


def _badge(text: str, classes: str, tooltip: str = "") -> paper_badge:
    badge = paper_badge(text, text, classes=["ps-badge", *classes.split()])
    if tooltip:
        badge["tooltip"] = tooltip
    return badge
