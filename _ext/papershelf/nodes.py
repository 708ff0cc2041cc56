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


class paper_badges(nodes.inline):  # noqa: N801
    """A paper's badges as one node, whose text is their words separated by
    spaces: that is what search indexes and what builders other than HTML
    show.  HTML draws each badge of ``badges`` (``(text, classes, tooltip)``)
    as a ``<span>``.  One node instead of one per badge keeps the document
    small: every transform and writer walks each node of every page."""


class paper_notes(nodes.container):  # noqa: N801
    """The longer notes: a collapsed ``<details>`` in HTML, plain elsewhere."""


class paper_view(nodes.General, nodes.Element):  # noqa: N801 - docutils naming
    """Placeholder for an index or the overview, filled at ``doctree-resolved``."""


class paper_also_in(nodes.paragraph):  # noqa: N801
    """Placeholder in an entry for links to the paper's other pages."""


class paper_cite(nodes.Inline, nodes.Element):  # noqa: N801
    """The paper's BibTeX entry (``bibtex``), the same as in ``papers.bib``:
    a "Copy BibTeX" button in HTML.  Added at ``doctree-resolved`` for HTML
    builders only, since the entry comes from every page the paper is on."""


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


def badges_of(paper: Paper) -> list[tuple[str, str, str]]:
    """Venue, extras, year, status, rating and tags of ``paper``, as badges:
    ``(text, classes, tooltip)``."""
    venue = paper.venue
    badges: list[tuple[str, str, str]] = []
    if venue.name:
        badges.append((venue.name, f"ps-venue ps-kind-{venue.kind}",
                       f"{venue.raw} ({venue.kind})" if venue.raw else venue.kind))
    badges.extend((extra, "ps-extra", "") for extra in venue.extras)
    if paper.year:
        badges.append((str(paper.year), "ps-year", "Year"))
    badges.append((paper.status, f"ps-status ps-status-{paper.status}", "Reading status"))
    if paper.rating:
        mean = sum(paper.rating) / len(paper.rating)
        badges.append((" / ".join(map(str, paper.rating)), "ps-rating", f"Reviewer ratings, mean {mean:.2f}"))
    badges.extend((tag, "ps-tag", "Tag") for tag in paper.tags)
    return badges


def badges_node(paper: Paper) -> paper_badges:
    """One node for all of a paper's badges (see :class:`paper_badges`)."""
    badges = badges_of(paper)
    node = paper_badges("", " ".join(text for text, _, _ in badges))
    node["badges"] = badges
    return node
