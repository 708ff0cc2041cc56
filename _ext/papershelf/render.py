"""View models to docutils nodes, after references are resolved, for every builder.

A post-transform fills each placeholder from the view model of the page the
placeholder belongs to (the page is kept on the node), and adds to each entry
what it shows of other pages.  Builders that assemble one document from many
(singlehtml, latex, texinfo) resolve every page as the root page: keeping the
page on the node is what makes their indexes, overviews and "also in" right.
Links go through :func:`link`, which uses Sphinx's ``make_refnode`` and so
works for builders with URIs and builders without.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .catalog import Overview
from .config import settings
from .nodes import (badges_node, link, paper_also_in, paper_cite, paper_entry, paper_index_item, paper_index_row,
                    paper_title, paper_view)
from .venues import KINDS, NO_VENUE
from .views import EntryView, IndexView, Item, OverviewView, RecentView, Target

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

    from .domain import PaperDomain

#: builder formats that can show inline SVG
SVG_FORMATS = ("html",)


class FillPlaceholders(SphinxPostTransform):
    """Draw the view models: placeholders, "also in", copy buttons, author links."""

    default_priority = 20  # after Sphinx resolves references (10)

    def run(self, **kwargs: Any) -> None:
        domain: PaperDomain = self.env.domains["paper"]
        if not domain.entries and not domain.placeholders:
            return
        views = domain.views()
        context = _Context(domain.builder, self.config, self.env.docname)
        highlight = context.highlighted
        for entry in list(self.document.findall(paper_entry)):
            docname, key = entry.get("docname"), entry.get("data", {}).get("key", "")
            view = views.entry(docname, key) if docname else None
            if view is None:
                continue
            if view.also_in:
                _add_also_in(context, entry, view)
            if view.authors or highlight:
                _link_authors(context, entry, view)
            if context.format == "html":
                _add_cite(entry, view.bibtex)
        for node in list(self.document.findall(paper_view)):
            model = views.placeholder(node["spec"])
            context.page = node.get("docname", self.env.docname)
            if isinstance(model, IndexView):
                node.replace_self(render_index(context, model))
            elif isinstance(model, OverviewView):
                node.replace_self(render_overview(context, model))
            elif isinstance(model, RecentView):
                node.replace_self(render_recent(context, model))


class _Context:
    """What drawing needs: the builder, the page being resolved (links are
    relative to it) and the page a placeholder belongs to."""

    def __init__(self, builder: Builder, config: Config, fromdocname: str) -> None:
        self.builder = builder
        self.fromdocname = fromdocname
        self.page = fromdocname
        self.format = builder.format
        self.settings = settings(config)
        self.highlighted = self.settings.highlight_authors

    def link(self, target: Target | tuple[str, str], child: nodes.Node | str, classes: tuple[str, ...] = ()
             ) -> nodes.reference:
        docname, anchor = (target.docname, target.anchor) if isinstance(target, Target) else target
        return link(self.builder, self.fromdocname, docname, anchor, child, classes)


# -- entries ------------------------------------------------------------------------

def _add_also_in(context: _Context, entry: paper_entry, view: EntryView) -> None:
    """"Also in: ..." under the badges and links of an entry whose paper has
    entries on other pages."""
    node = paper_also_in("", classes=["ps-also-in"])
    position = next((index for index, child in enumerate(entry.children)
                     if not set(child.get("classes", ())) & {"ps-title", "ps-authors", "ps-badges", "ps-links"}
                     and not isinstance(child, paper_title)), len(entry.children))
    entry.insert(position, node)
    node += nodes.Text("Also in: ")
    for index, place in enumerate(view.also_in):
        if index:
            node += nodes.Text(", ")
        node += context.link(place, place.title)


def _link_authors(context: _Context, entry: paper_entry, view: EntryView) -> None:
    """Each author's name links to their group on the author index; the
    lab's own names (``papershelf_highlight_authors``) are marked."""
    line = next((child for child in entry.children if "ps-authors" in child.get("classes", ())), None)
    if line is None:
        return
    from .catalog import author_key

    names = view.authors or tuple((child.astext(), None) for child in line.findall(nodes.inline)
                                  if "ps-author" in child["classes"])
    line.clear()
    for index, (name, target) in enumerate(names):
        if index:
            line += nodes.Text(", ")
        classes = ("ps-author", "ps-author-highlight") if author_key(name) in context.highlighted else ("ps-author",)
        if target is not None:
            line += context.link(target, name, classes)
        else:
            line += nodes.inline(name, name, classes=list(classes))


def _add_cite(entry: paper_entry, bibtex: str) -> None:
    """The "Copy BibTeX" button, at the end of the entry's links (a links
    line is made for an entry that has none)."""
    cite = paper_cite()
    cite["bibtex"] = bibtex
    links = next((child for child in entry.children if "ps-links" in child.get("classes", ())), None)
    if links is None:
        badges = next((index for index, child in enumerate(entry.children)
                       if "ps-badges" in child.get("classes", ())), 0)
        links = nodes.paragraph(classes=["ps-links"])
        entry.insert(badges + 1, links)
    elif links.children:
        links += nodes.Text(" ")
    links += cite


# -- placeholders ---------------------------------------------------------------------

def render_index(context: _Context, view: IndexView) -> list[nodes.Node]:
    container = nodes.container(classes=["ps-index", f"ps-index-by-{view.by}"])
    if not view.groups:
        container += nodes.paragraph("", "No papers match this index.", classes=["ps-index-empty"])
        return [container]
    summary = nodes.paragraph(classes=["ps-index-summary"])
    count = len(view.groups)
    summary += nodes.Text(f"{view.total} paper{'s' if view.total != 1 else ''} in {count} "
                          f"group{'s' if count != 1 else ''}: ")
    jump = nodes.inline(classes=["ps-jump"])
    for index, group in enumerate(view.groups):
        if index:
            jump += nodes.Text(" · ")
        jump += context.link((context.page, group.slug), f"{group.label} ({len(group.items)})")
    summary += jump
    container += summary
    for group in view.groups:
        heading = nodes.rubric("", "", ids=[group.slug], classes=["ps-index-group"])
        heading += nodes.Text(group.label)
        heading += nodes.Text(" ")
        heading += nodes.inline("", f"({len(group.items)})", classes=["ps-count"])
        container += heading
        if view.view == "table":
            container += _index_table(context, group.items)
            continue
        items = nodes.bullet_list(classes=["ps-index-list"])
        for item in group.items:
            items += _index_item(context, item)
        container += items
    return [container]


TABLE_COLUMNS = ("Title", "Venue", "Year", "Status", "Topics")


def _index_table(context: _Context, items) -> nodes.table:
    """One row per paper: a table a reader's script can sort by any column."""
    table = nodes.table(classes=["ps-index-table"])
    group = nodes.tgroup(cols=len(TABLE_COLUMNS))
    table += group
    group.extend(nodes.colspec(colwidth=width) for width in (50, 14, 6, 8, 22))
    head = nodes.thead()
    row = nodes.row()
    for name in TABLE_COLUMNS:
        row += nodes.entry("", nodes.paragraph(name, name))
    head += row
    group += head
    body = nodes.tbody()
    for item in items:
        row = paper_index_row()
        row["data"] = dict(item.data)
        title = nodes.paragraph()
        title += context.link(item.target, item.title, ("ps-index-title",))
        places = nodes.paragraph()
        for index, place in enumerate(item.places):
            if index:
                places += nodes.Text(", ")
            places += context.link(place, place.title)
        for cell in (title, nodes.paragraph(item.venue, item.venue), nodes.paragraph(item.year, item.year),
                     nodes.paragraph(item.status, item.status), places):
            row += nodes.entry("", cell)
        body += row
    group += body
    return table


def _index_item(context: _Context, item: Item) -> paper_index_item:
    node = paper_index_item()
    node["data"] = dict(item.data)
    line = nodes.paragraph(classes=["ps-index-entry"])
    line += context.link(item.target, item.title, ("ps-index-title",))
    line += nodes.Text(" ")
    line += badges_node(item.badges)
    if item.places:
        places = nodes.inline(classes=["ps-index-places"])
        places += nodes.Text(" in ")
        for index, place in enumerate(item.places):
            if index:
                places += nodes.Text(", ")
            places += context.link(place, place.title)
        line += places
    node += line
    return node


def render_recent(context: _Context, view: RecentView) -> list[nodes.Node]:
    container = nodes.container(classes=["ps-recent"])
    if not view.items:
        container += nodes.paragraph("", "No paper has an :added: date yet.", classes=["ps-index-empty"])
        return [container]
    items = nodes.bullet_list(classes=["ps-index-list"])
    for item in view.items:
        entry = _index_item(context, item)
        added = dict(item.data).get("added", "")
        entry[0].insert(0, nodes.inline("", f"{added} ", classes=["ps-added"]))
        items += entry
    container += items
    return [container]


def render_overview(context: _Context, view: OverviewView) -> list[nodes.Node]:
    data = view.data
    container = nodes.container(classes=["ps-overview"])
    totals = nodes.paragraph(classes=["ps-overview-totals"])
    totals += nodes.Text(
        f"{data.papers} papers on {data.topics} topic pages, from {data.venues} venues. "
        + " · ".join(f"{status.capitalize()}: {count}" for status, count in data.by_status) + ".")
    container += totals
    if data.by_year_kind:
        figure = nodes.container(classes=["ps-chart-figure"])
        if context.format in SVG_FORMATS:
            figure += nodes.raw("", chart_svg(data), format="html")
        else:
            figure += chart_table(data)
        per_year = ", ".join(f"{year}: {sum(count for _, count in kinds)}"
                             for year, kinds in reversed(data.by_year_kind))
        caption = f"Papers per year, by venue kind ({per_year}"
        caption += f"; {data.no_year} with no year)." if data.no_year else ")."
        figure += nodes.paragraph("", caption, classes=["ps-chart-caption"])
        container += figure
    if view.venues:
        container += nodes.rubric("", "Most frequent venues")
        venues = nodes.bullet_list(classes=["ps-top-venues"])
        for name, count, target in view.venues:
            line = nodes.paragraph()
            line += context.link(target, name) if target is not None else nodes.Text(name)
            line += nodes.Text(f" ({count})")
            venues += nodes.list_item("", line)
        container += venues
    return [container]


def _kind_label(kind: str) -> str:
    return {NO_VENUE: "no venue", "unknown": "other venue"}.get(kind, kind)


def _chart_kinds(data: Overview) -> list[str]:
    return [kind for kind in KINDS if any(kind in dict(counts) for _, counts in data.by_year_kind)]


def chart_table(data: Overview) -> nodes.table:
    """The chart's text form, for builders that cannot show SVG: a table of
    papers per year (rows) and venue kind (columns)."""
    kinds = _chart_kinds(data)
    header = ["Year", *(_kind_label(kind).capitalize() for kind in kinds), "Total"]
    rows = [[str(year), *(str(dict(counts).get(kind, 0)) for kind in kinds), str(sum(c for _, c in counts))]
            for year, counts in data.by_year_kind]
    table = nodes.table(classes=["ps-chart-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=max(len(cell) for cell in column) + 2)
                 for column in zip(header, *rows))
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for parent, cells in ((head, header), *((body, row) for row in rows)):
        row_node = nodes.row()
        for cell in cells:
            row_node += nodes.entry("", nodes.paragraph(cell, cell))
        parent += row_node
    return table


def chart_svg(data: Overview) -> str:
    """A stacked bar chart of papers per year by venue kind, as inline SVG
    that needs no script, and its legend as an HTML list; colours come from
    the stylesheet's variables.  Every text in it is a number, a year or a
    fixed label: nothing a page's author wrote."""
    by_year = {year: dict(counts) for year, counts in data.by_year_kind}
    first, last = min(by_year), max(by_year)
    years = list(range(first, last + 1))
    tallest = max(sum(by_year.get(year, {}).values()) for year in years)
    bar, gap, height, left, bottom, top = 34, 14, 180, 36, 28, 16
    width = left + len(years) * (bar + gap) + gap
    scale = (height - top) / tallest
    parts = [
        f'<svg class="ps-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + bottom}" '
        f'role="img" aria-labelledby="ps-chart-title">',
        '<title id="ps-chart-title">Papers per year, by venue kind</title>',
    ]
    for step in _ticks(tallest):
        y = height - step * scale
        parts.append(f'<line class="ps-chart-grid" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="ps-chart-axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{step}</text>')
    for position, year in enumerate(years):
        x = left + gap + position * (bar + gap)
        y = float(height)
        counts = by_year.get(year, {})
        for kind in KINDS:
            count = counts.get(kind, 0)
            if not count:
                continue
            size = count * scale
            y -= size
            parts.append(f'<rect class="ps-chart-bar ps-kind-{kind}" x="{x}" y="{y:.1f}" width="{bar}" '
                         f'height="{size:.1f}"><title>{year}: {count} {_kind_label(kind)}</title></rect>')
        total = sum(counts.values())
        if total:
            parts.append(f'<text class="ps-chart-total" x="{x + bar / 2}" y="{y - 4:.1f}" '
                         f'text-anchor="middle">{total}</text>')
        parts.append(f'<text class="ps-chart-axis" x="{x + bar / 2}" y="{height + 18}" '
                     f'text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    parts.append('<ul class="ps-chart-legend">')
    parts.extend(f'<li><span class="ps-chart-key ps-kind-{kind}"></span>{_kind_label(kind)}</li>'
                 for kind in _chart_kinds(data))
    parts.append("</ul>")
    return "".join(parts)


def _ticks(tallest: int) -> list[int]:
    step = max(1, round(tallest / 4))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if nice >= step:
            step = nice
            break
    return list(range(step, tallest + 1, step))


def _visit_unresolved(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_render(app: Sphinx) -> None:
    # a placeholder the post-transform could not fill (a builder that skips
    # post-transforms) is left out rather than breaking the writer
    app.add_node(paper_view, **{fmt: (_visit_unresolved, None)
                               for fmt in ("html", "latex", "text", "man", "texinfo")})
    app.add_node(paper_also_in)
    app.add_post_transform(FillPlaceholders)
