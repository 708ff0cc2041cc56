"""Views across the whole site: the ``paper-index`` and ``paper-overview``
directives, "also in" on each entry, conflict warnings, and the exports.

Directives leave placeholders; ``doctree-resolved`` fills them from the
catalogue, once every page has been read, and adds "also in" to the entries
of papers that are on other pages too.  A page with a view is written again
when what the view shows changes (see :func:`outdated_views`), not otherwise.
"""

from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from . import __version__, catalog
from .catalog import GROUPINGS, Catalog, Query, Record
from .diagnostics import warn
from .model import STATUSES
from .nodes import (badges_node, entry_data, paper_also_in, paper_cite, paper_entry, paper_index_item, paper_title,
                    paper_view)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .domain import PaperDomain


def _domain(env: BuildEnvironment) -> PaperDomain:
    return env.domains["paper"]


# -- directives ----------------------------------------------------------------

class PaperIndexDirective(SphinxDirective):
    """``paper-index``: the site's papers grouped by year, venue, tag, status
    or topic, optionally filtered."""

    has_content = False
    option_spec: ClassVar[dict] = {
        "by": directives.unchanged,
        "kind": directives.unchanged,
        "status": directives.unchanged,
        "years": directives.unchanged,
        "tag": directives.unchanged,
        "venue": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        by = (self.options.get("by") or "year").strip()
        if by not in GROUPINGS:
            self._warn(f"unknown grouping :by: {by}; use one of {', '.join(GROUPINGS)} (using year)")
            by = "year"
        kinds = catalog.split_words(self.options.get("kind", ""))
        if catalog.unknown_kinds(kinds):
            self._warn(f"unknown venue kind in :kind: {', '.join(catalog.unknown_kinds(kinds))}; "
                       f"use {', '.join(catalog.CHART_KINDS)}")
            kinds = tuple(kind for kind in kinds if kind in catalog.CHART_KINDS)
        statuses = catalog.split_words(self.options.get("status", ""))
        if any(status not in STATUSES for status in statuses):
            self._warn(f"unknown status in :status: {self.options['status']}; use {', '.join(STATUSES)}")
            statuses = tuple(status for status in statuses if status in STATUSES)
        years: tuple[int | None, int | None] = (None, None)
        if "years" in self.options:
            parsed = catalog.parse_years(self.options["years"] or "")
            if parsed is None:
                self._warn(f"cannot read :years: {self.options['years']!r}; write 2024, 2023-2025, "
                           "2023- or -2024 (showing every year)")
            else:
                years = parsed
        query = Query(by=by, kinds=kinds, statuses=statuses, years=years,
                      tags=catalog.split_words(self.options.get("tag", "")),
                      venues=catalog.split_words(self.options.get("venue", "")))
        return [_placeholder(self, ("index", query))]

    def _warn(self, message: str) -> None:
        warn(message, "index", self.get_location())


class PaperOverviewDirective(SphinxDirective):
    """``paper-overview``: totals, papers per year by venue kind, top venues."""

    has_content = False
    option_spec: ClassVar[dict] = {"top": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        return [_placeholder(self, ("overview", self.options.get("top", 10)))]


def _placeholder(directive: SphinxDirective, view: tuple) -> paper_view:
    domain = _domain(directive.env)
    views = domain.data["views"].setdefault(directive.env.docname, [])
    node = paper_view()
    node["view"] = len(views)
    views.append(view)
    directive.set_source_info(node)
    return node


# -- resolving -----------------------------------------------------------------

class _Context:
    """What rendering a view needs: the catalogue, the builder, page titles."""

    def __init__(self, env: BuildEnvironment, builder: Builder | None, docname: str) -> None:
        self.env, self.builder, self.docname = env, builder, docname
        self.catalog: Catalog = _domain(env).catalog()

    def uri(self, docname: str, anchor: str = "") -> str:
        if self.builder is None:
            return f"{docname}#{anchor}"
        target = self.builder.get_target_uri(docname)
        if docname != self.docname:
            target = relative_uri(self.builder.get_target_uri(self.docname), target)
        else:
            target = ""
        return f"{target}#{anchor}" if anchor else (target or "#")


def topic_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title, after its folder's title when the folder has an index
    page: ``LLM › Alignment`` and ``VLM › Alignment`` stay apart."""
    title = env.titles[docname].astext() if docname in env.titles else docname
    folder = posixpath.dirname(docname)
    parent = posixpath.join(folder, "index") if folder else ""
    if parent and parent != docname and parent in env.titles and not docname.endswith("/index"):
        return f"{env.titles[parent].astext()} › {title}"
    return title


def resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    domain = _domain(app.env)
    views = domain.data["views"].get(docname, ())
    shared = docname in domain.catalog().shared_pages
    cite = app.builder.format == "html" and docname in domain.papers
    if not views and not shared and not cite:
        return
    context = _Context(app.env, app.builder, docname)
    if shared or cite:
        for entry in list(doctree.findall(paper_entry)):
            record = context.catalog.by_entry.get((docname, entry.get("data", {}).get("key", "")))
            if record is None:
                continue
            if shared:
                _add_also_in(context, entry, record)
            if cite:
                _add_cite(entry, context.catalog.bibtex(record))
    for node in list(doctree.findall(paper_view)):
        index = node.get("view", -1)
        view = views[index] if 0 <= index < len(views) else None
        if view is None:
            node.parent.remove(node)
        elif view[0] == "index":
            node.replace_self(render_index(context, view[1]))
        else:
            node.replace_self(render_overview(context, view[1]))


def _add_also_in(context: _Context, entry: paper_entry, record: Record) -> None:
    """"Also in: ..." under the badges and links of an entry whose paper has
    entries on other pages."""
    others = [paper for paper in record.pages() if paper.docname != context.docname]
    if not others:
        return
    node = paper_also_in("", classes=["ps-also-in"])
    position = next((index for index, child in enumerate(entry.children)
                     if not set(child.get("classes", ())) & {"ps-title", "ps-authors", "ps-badges", "ps-links"}
                     and not isinstance(child, paper_title)), len(entry.children))
    entry.insert(position, node)
    node += nodes.Text("Also in: ")
    for position, paper in enumerate(others):
        if position:
            node += nodes.Text(", ")
        node += nodes.reference("", topic_title(context.env, paper.docname), internal=True,
                                refuri=context.uri(paper.docname, paper.anchor))


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


def _entry_view(record: Record):
    """A Paper carrying the record's joined data, for the badge helpers."""
    return dataclasses.replace(record.first, venue=record.venue, year=record.year, status=record.status,
                               rating=record.rating, tags=record.tags)


def render_index(context: _Context, query: Query) -> list[nodes.Node]:
    groups = catalog.select(context.catalog, query, lambda d: topic_title(context.env, d))
    container = nodes.container(classes=["ps-index", f"ps-index-by-{query.by}"])
    if not groups:
        container += nodes.paragraph("", "No papers match this index.", classes=["ps-index-empty"])
        return [container]
    total = len({record.key for group in groups for record in group.records})
    summary = nodes.paragraph(classes=["ps-index-summary"])
    summary += nodes.Text(f"{total} paper{'s' if total != 1 else ''} in {len(groups)} groups: ")
    for position, group in enumerate(groups):
        if position:
            summary += nodes.Text(" · ")
        summary += nodes.reference("", f"{group.label} ({len(group.records)})", internal=True,
                                   refuri=f"#{group.slug}")
    container += summary
    for group in groups:
        heading = nodes.rubric("", "", ids=[group.slug], classes=["ps-index-group"])
        heading += nodes.Text(group.label)
        heading += nodes.Text(" ")
        heading += nodes.inline("", f"({len(group.records)})", classes=["ps-count"])
        container += heading
        items = nodes.bullet_list(classes=["ps-index-list"])
        for record in group.records:
            items += _index_item(context, record)
        container += items
    return [container]


def _index_item(context: _Context, record: Record) -> paper_index_item:
    shown = _entry_view(record)
    item = paper_index_item()
    # the title and authors are not drawn as text a filter could read apart,
    # so the item carries them for the reader's filter
    item["data"] = entry_data(shown) | {"title": record.title}
    if record.authors:
        item["data"]["authors"] = ", ".join(record.authors)
    line = nodes.paragraph(classes=["ps-index-entry"])
    line += nodes.reference("", record.title, internal=True, classes=["ps-index-title"],
                            refuri=context.uri(record.first.docname, record.first.anchor))
    line += nodes.Text(" ")
    line += badges_node(shown)
    places = nodes.inline(classes=["ps-index-places"])
    places += nodes.Text(" in ")
    for position, paper in enumerate(record.pages()):
        if position:
            places += nodes.Text(", ")
        places += nodes.reference("", topic_title(context.env, paper.docname), internal=True,
                                  refuri=context.uri(paper.docname, paper.anchor))
    line += places
    item += line
    return item


def render_overview(context: _Context, top: int) -> list[nodes.Node]:
    data = catalog.overview(context.catalog, top)
    container = nodes.container(classes=["ps-overview"])
    totals = nodes.paragraph(classes=["ps-overview-totals"])
    totals += nodes.Text(
        f"{data.papers} papers on {data.topics} topic pages, from {data.venues} venues. "
        + " · ".join(f"{status.capitalize()}: {count}" for status, count in data.by_status.items())
        + ".")
    container += totals
    svg = catalog.chart_svg(data)
    if svg:
        figure = nodes.container(classes=["ps-chart-figure"])
        figure += nodes.raw("", svg, format="html")
        per_year = ", ".join(f"{year}: {sum(kinds.values())}" for year, kinds in reversed(data.by_year_kind.items()))
        caption = f"Papers per year, by venue kind ({per_year}"
        caption += f"; {data.no_year} with no year)." if data.no_year else ")."
        figure += nodes.paragraph("", caption, classes=["ps-chart-caption"])
        container += figure
    if data.top_venues:
        container += nodes.rubric("", "Most frequent venues")
        venues = nodes.bullet_list(classes=["ps-top-venues"])
        targets = venue_targets(context.env, context.catalog)
        for name, count in data.top_venues:
            line = nodes.paragraph()
            if name in targets:
                docname, slug = targets[name]
                line += nodes.reference("", name, internal=True, refuri=context.uri(docname, slug))
            else:
                line += nodes.Text(name)
            line += nodes.Text(f" ({count})")
            venues += nodes.list_item("", line)
        container += venues
    return [container]


def venue_targets(env: BuildEnvironment, data: Catalog) -> dict[str, tuple[str, str]]:
    """Where the site lists each venue's papers: the first group of that
    venue (its latest year) on the first page with an index by venue and no
    filters; empty when there is no such page."""
    for docname, views in sorted(_domain(env).data["views"].items()):
        for kind, argument in views:
            if kind == "index" and argument == Query(by="venue"):
                targets: dict[str, tuple[str, str]] = {}
                for group in catalog.select(data, argument, lambda d: topic_title(env, d)):
                    venue = group.records[0].venue
                    if venue is not None and venue.name:
                        targets.setdefault(venue.name, (docname, group.slug))
                return targets
    return {}


# -- incremental builds ------------------------------------------------------------

def view_fingerprints(env: BuildEnvironment) -> dict[str, bytes]:
    """For each page whose output depends on other pages (an index, the
    overview, an entry with "also in"), a digest of what that output shows."""
    domain = _domain(env)
    data = domain.catalog()
    titles: dict[str, str] = {}

    def title(docname: str) -> str:
        if docname not in titles:
            titles[docname] = topic_title(env, docname)
        return titles[docname]

    fingerprints: dict[str, bytes] = {}
    for docname, views in domain.data["views"].items():
        shown = []
        for kind, argument in views:
            if kind == "index":
                for group in catalog.select(data, argument, title):
                    shown.append((group.label, [(catalog.shown(record), [title(d) for d in record.docnames()])
                                                for record in group.records]))
            else:
                shown.append((dataclasses.astuple(catalog.overview(data, argument)),
                              sorted(venue_targets(env, data).items())))
        fingerprints[docname] = catalog.digest(shown)
    for docname, papers in domain.papers.items():
        # What a topic page shows of other pages: the "also in" links, and the
        # BibTeX of its papers, whose key the catalogue gives and whose data
        # may come from entries elsewhere.  A paper with no other entry
        # changes its BibTeX only when this page is read again.
        joined = []
        for paper in papers.values():
            record = data.by_entry.get((docname, paper.key))
            if record is None:
                continue
            if len(record.entries) > 1:
                joined.append(([(p.docname, p.anchor, title(p.docname)) for p in record.entries],
                               data.bibtex(record)))
            elif record.key != paper.key:
                joined.append(record.key)
        if joined:
            fingerprints[f"page:{docname}"] = catalog.digest(joined)
    return fingerprints


def outdated_views(env: BuildEnvironment) -> list[str]:
    domain = _domain(env)
    previous: dict[str, bytes] = domain.data["view_fingerprints"]
    current = view_fingerprints(env)
    domain.data["view_fingerprints"] = current
    changed = {name for name in set(previous) | set(current) if previous.get(name) != current.get(name)}
    docnames = {name.removeprefix("page:") for name in changed}
    return sorted(docname for docname in docnames if docname in env.all_docs)


# -- conflicts ---------------------------------------------------------------------

def check_conflicts(app: Sphinx, env: BuildEnvironment) -> None:
    """Entries of one paper that disagree on venue or year: one warning per
    pair, raised when one of the two pages was read in this build."""
    domain = _domain(env)
    fresh = domain.fresh_docnames
    for conflict in domain.catalog().conflicts:
        if conflict.first.docname not in fresh and conflict.second.docname not in fresh:
            continue
        first, second = conflict.first, conflict.second
        warn(f"{second.title!r} is also on {env.doc2path(first.docname, False)}:{first.lineno} "
             f"with {conflict.field} "
             f"{conflict.first_value!r}; here it is {conflict.second_value!r} "
             f"(one paper shows the first entry's data)",
             "conflict", (second.docname, second.lineno))


# -- exports -----------------------------------------------------------------------

EXPORTS = ("papers.json", "papers.bib")


def export_stamp(app: Sphinx) -> tuple:
    """What the exports depend on besides the papers."""
    return (__version__, app.builder.name, app.config.html_baseurl)


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """``papers.json`` and ``papers.bib`` at the site root, after every HTML
    build in which a page was read (or the files are missing); a file whose
    content did not change is left alone."""
    if exception is not None or app.builder.format != "html":
        return
    env = app.env
    if not _domain(env).exports_due and all(Path(app.outdir, name).is_file() for name in EXPORTS):
        return
    data = _domain(env).catalog()
    base = (app.config.html_baseurl or "").rstrip("/")

    def locate(paper) -> str:
        uri = f"{app.builder.get_target_uri(paper.docname)}#{paper.anchor}"
        return f"{base}/{uri}" if base else uri

    contents = {
        "papers.json": catalog.to_json(data, locate, lambda d: topic_title(env, d), f"papershelf {__version__}"),
        "papers.bib": catalog.to_bibtex(data),
    }
    for name, content in contents.items():
        path = Path(app.outdir, name)
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8", newline="\n")


# -- registration --------------------------------------------------------------------

def _visit_unresolved(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_indexes(app: Sphinx) -> None:
    app.add_node(paper_view, **{fmt: (_visit_unresolved, None) for fmt in
                               ("html", "latex", "text", "man", "texinfo")})
    app.add_node(paper_also_in)
    app.add_directive("paper-index", PaperIndexDirective)
    app.add_directive("paper-overview", PaperOverviewDirective)
    app.connect("doctree-resolved", resolve)
    app.connect("env-check-consistency", check_conflicts)
    app.connect("build-finished", write_exports)
