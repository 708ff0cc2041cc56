"""Node classes of a rendered entry and of the cross-page placeholders.

Each class derives from a standard docutils node, so a builder that knows
nothing of Papershelf (text, LaTeX, man, linkcheck) renders it as that node:
Sphinx's translators look visitors up along the class's MRO.  Only HTML gets
its own markup, in :mod:`papershelf.html`.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.nodes import make_refnode

from collections.abc import Sequence

from .views import Badge

#: The classes every paper entry carries in HTML.
ENTRY_CLASS = "ps-paper"


class paper_entry(nodes.container):  # noqa: N801 - docutils naming
    """One entry.  ``data`` holds the plain values written as ``data-*``
    attributes; ``docname`` and ``key`` say which entry it is, so that its
    cross-page parts are right when a builder resolves many pages as one."""


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


class paper_abstract(nodes.container):  # noqa: N801
    """The paper's own abstract, apart from the owner's summary and notes:
    a collapsed ``<details>`` labelled "Abstract" in HTML, plain elsewhere."""


class paper_view(nodes.General, nodes.Element):  # noqa: N801 - docutils naming
    """Placeholder for an index, the overview or "recently added": ``spec``
    says which, ``docname`` the page it belongs to.  Filled by a post-transform
    (:mod:`papershelf.render`), for every builder."""


class paper_also_in(nodes.paragraph):  # noqa: N801
    """An entry's links to the paper's other pages."""


class paper_cite(nodes.Inline, nodes.Element):  # noqa: N801
    """The paper's BibTeX entry (``bibtex``), the same as in ``papers.bib``:
    a "Copy BibTeX" button in HTML.  Added by the post-transform for HTML
    builders only, since the entry comes from every page the paper is on."""


class paper_index_item(nodes.list_item):  # noqa: N801
    """One paper in an index; ``data`` becomes ``data-*`` attributes in HTML."""


class paper_index_row(nodes.row):  # noqa: N801
    """One paper in an index drawn as a table; ``data`` as for an item."""


def badges_node(badges: Sequence[Badge]) -> paper_badges:
    """One node for all of a paper's badges (see :class:`paper_badges`)."""
    node = paper_badges("", " ".join(badge.text for badge in badges))
    node["badges"] = [(badge.text, badge.classes, badge.tooltip) for badge in badges]
    return node


def link(builder, fromdocname: str, docname: str, anchor: str, child: nodes.Node | str,
         classes: tuple[str, ...] = ()) -> nodes.reference:
    """A reference to ``anchor`` on ``docname`` from the page being resolved."""
    if isinstance(child, str):
        child = nodes.Text(child)
    try:
        if docname != fromdocname and builder.get_relative_uri(fromdocname, docname).startswith("#"):
            # every page is in one document (singlehtml): the anchor alone is
            # the target, where Sphinx would make "#document-page#anchor"
            fromdocname = docname
        reference = make_refnode(builder, fromdocname, docname, anchor, child)
    except NoUri:
        # a page this builder leaves out (an orphan in a PDF): the text, no link
        return nodes.inline("", "", child, classes=list(classes))
    reference["classes"].extend(classes)
    return reference
