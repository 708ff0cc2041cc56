"""HTML rendering of the paper nodes.

Other builders fall back to the docutils node each class derives from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docutils import nodes

from .nodes import (ENTRY_CLASS, paper_abstract, paper_badges, paper_cite, paper_entry, paper_index_item,
                    paper_index_row, paper_notes, paper_title)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


def _data_attributes(node: nodes.Element) -> dict[str, str]:
    """A node's ``data`` values as ``data-*`` attributes, for a reader's script."""
    return {f"data-{name}": value for name, value in node.get("data", {}).items()}


def visit_paper_entry(self: HTML5Translator, node: paper_entry) -> None:
    self.body.append(self.starttag(node, "article", CLASS=ENTRY_CLASS, **_data_attributes(node)))


def depart_paper_entry(self: HTML5Translator, node: paper_entry) -> None:
    self.body.append("</article>\n")


def visit_paper_index_item(self: HTML5Translator, node: paper_index_item) -> None:
    self.body.append(self.starttag(node, "li", CLASS="ps-index-item", **_data_attributes(node)))


def depart_paper_index_item(self: HTML5Translator, node: paper_index_item) -> None:
    self.body.append("</li>\n")


def visit_paper_index_row(self: HTML5Translator, node: paper_index_row) -> None:
    node.column = 0
    self.body.append(self.starttag(node, "tr", "", CLASS="ps-index-item", **_data_attributes(node)))


def depart_paper_index_row(self: HTML5Translator, node: paper_index_row) -> None:
    self.body.append("</tr>\n")


def visit_paper_title(self: HTML5Translator, node: paper_title) -> None:
    self.body.append(self.starttag(node, "p", "", CLASS="ps-title"))
    self.body.append('<span class="ps-title-text">')


def depart_paper_title(self: HTML5Translator, node: paper_title) -> None:
    self.body.append("</span>")
    if node.get("refid") and self.config.html_permalinks:
        icon = self.config.html_permalinks_icon
        self.body.append(f'<a class="headerlink" href="#{self.attval(node["refid"])}" '
                         f'title="Link to this paper">{icon}</a>')
    self.body.append("</p>\n")


def visit_paper_badges(self: HTML5Translator, node: paper_badges) -> None:
    spans = []
    for text, classes, tooltip in node["badges"]:
        title = f' title="{self.attval(tooltip)}"' if tooltip else ""
        spans.append(f'<span class="ps-badge {classes}"{title}>{self.encode(text)}</span>')
    self.body.append(" ".join(spans))
    raise nodes.SkipNode


def _multiline_attribute(self: HTML5Translator, text: str) -> str:
    """An attribute value that keeps its line breaks (``attval`` folds them)."""
    return _encoder(self)(text).replace("\n", "&#10;")


def _encoder(self: HTML5Translator) -> Callable[[str], str]:
    """The translator's ``encode``, or the same escaping done with
    ``str.replace``: ``encode`` is ``str.translate`` with a table, which
    costs some 12 µs for a BibTeX entry where the replacements cost under 1 µs."""
    table = self.special_characters
    made = _REPLACING.get(id(table))
    if made is None or made[0] is not table:
        made = _REPLACING[id(table)] = (table, _replacing(table))
    return made[1] or self.encode


#: each escaping table's replacements (``None``: the table's ``encode`` is used)
_REPLACING: dict[int, tuple[dict, Callable[[str], str] | None]] = {}


def _replacing(table: dict[int, str]) -> Callable[[str], str] | None:
    """``str.translate(table)`` as a chain of replacements ("&" first), when
    that chain gives the same text: no replacement holds a character another
    step would replace again.  ``None`` otherwise."""
    pairs = sorted(((chr(code), str(value)) for code, value in table.items()), key=lambda pair: pair[0] != "&")
    later = {char for char, _ in pairs if char != "&"}
    if any(len(char) != 1 or later & set(value) for char, value in pairs):
        return None

    def replace(text: str) -> str:
        for char, value in pairs:
            if char in text:
                text = text.replace(char, value)
        return text

    return replace


def visit_paper_cite(self: HTML5Translator, node: paper_cite) -> None:
    # Hidden and without a label until the script, which does the copying,
    # shows it: a reader without JavaScript sees no button that does nothing,
    # and the search page's excerpts, taken from the page's text, stay clean.
    self.body.append(f'<button type="button" class="ps-copy-bib" hidden '
                     f'title="Copy this paper\'s BibTeX entry" '
                     f'data-bibtex="{_multiline_attribute(self, node["bibtex"])}"></button>')
    raise nodes.SkipNode


def _details(self: HTML5Translator, node: nodes.Element, label: str, kind: str) -> None:
    self.body.append(self.starttag(node, "details", CLASS=f"ps-{kind}"))
    self.body.append(f"<summary>{self.encode(label)}</summary>\n<div class=\"ps-{kind}-body\">\n")


def visit_paper_notes(self: HTML5Translator, node: paper_notes) -> None:
    _details(self, node, self.config.papershelf_notes_label, "notes")


def visit_paper_abstract(self: HTML5Translator, node: paper_abstract) -> None:
    _details(self, node, self.config.papershelf_abstract_label, "abstract")


def depart_details(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</div>\n</details>\n")


def setup_html(app: Sphinx) -> None:
    """Register the node classes with their HTML visitors."""
    for node_class, visit, depart in (
        (paper_entry, visit_paper_entry, depart_paper_entry),
        (paper_title, visit_paper_title, depart_paper_title),
        (paper_badges, visit_paper_badges, None),
        (paper_cite, visit_paper_cite, None),
        (paper_notes, visit_paper_notes, depart_details),
        (paper_abstract, visit_paper_abstract, depart_details),
        (paper_index_item, visit_paper_index_item, depart_paper_index_item),
        (paper_index_row, visit_paper_index_row, depart_paper_index_row),
    ):
        app.add_node(node_class, html=(visit, depart))
