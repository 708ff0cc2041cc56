"""The ``paper`` domain: the one place that stores paper data.

Data is kept per document, as plain :class:`~papershelf.model.Paper` records,
so that ``clear_doc`` and ``merge_domaindata`` stay one-liners and parallel
builds merge exactly what each worker read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .catalog import Catalog, digest
from .catalog import build as build_catalog
from .diagnostics import warn
from .model import Paper, anchor_for

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


class PaperRefRole(XRefRole):
    """``{paper:ref}`key``` (or ``{paper}`key```): a link to a paper, its title as text."""

    def run(self):
        # registered under two names; both are the domain's "ref" role
        self.name = "paper:ref"
        return super().run()


class PaperDomain(Domain):
    name = "paper"
    label = "Papers"
    # The object type is "entry", not "paper": Sphinx's search index shortens
    # an anchor equal to "<type>-<name>" and its page rebuilds it from the
    # displayed name, the title, which is not the key in "paper-<key>".
    object_types = {"entry": ObjType("paper", "ref")}
    roles = {"ref": PaperRefRole(innernodeclass=nodes.inline, warn_dangling=True)}
    initial_data: dict[str, Any] = {
        "papers": {},        # docname -> {key: Paper}, in page order
        "refs": {},          # docname -> sorted tuple of the paper targets it references
        "fingerprints": {},  # target -> digest of what a reference to it shows
        "views": {},         # docname -> [(kind, argument)] of its indexes and overviews
        "view_fingerprints": {},  # page -> digest of what its views and "also in" show
    }
    data_version = 2

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # Derived from the stored data, never stored: lookups by key or arXiv
        # id, and the casefolded keys of each page (keeps add_paper linear).
        self._index: dict[str, Paper] | None = None
        self._catalog: Catalog | None = None
        self._taken: dict[str, set[str]] = {}
        #: pages read in this build (conflict warnings are raised for these)
        self.fresh_docnames: set[str] = set()
        #: whether any page's papers were stored or dropped since the start
        self.changed = False
        #: whether papers.json and papers.bib must be written this build
        self.exports_due = True

    @property
    def papers(self) -> dict[str, dict[str, Paper]]:
        return self.data["papers"]

    @property
    def refs(self) -> dict[str, tuple[str, ...]]:
        return self.data["refs"]

    # -- storage --------------------------------------------------------------

    def clear_doc(self, docname: str) -> None:
        self.papers.pop(docname, None)
        self.refs.pop(docname, None)
        self.data["views"].pop(docname, None)
        self._taken.pop(docname, None)
        self._forget()

    def _forget(self) -> None:
        self._index = None
        self._catalog = None
        self.changed = True

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["papers"]:
                self.papers[docname] = otherdata["papers"][docname]
            if docname in otherdata["refs"]:
                self.refs[docname] = otherdata["refs"][docname]
            if docname in otherdata["views"]:
                self.data["views"][docname] = otherdata["views"][docname]
        self._forget()

    def add_paper(self, paper: Paper, key: str, reserved_ids: Container[str] = ()) -> Paper:
        """Store ``paper`` under ``key`` on its page, or under ``key-2``, ``key-3``...
        when the page already has that key (in any case) or another element of
        the page already has its anchor.  Returns the stored record."""
        on_page = self.papers.setdefault(paper.docname, {})
        taken = self._taken.get(paper.docname)
        if taken is None or len(taken) != len(on_page):
            taken = self._taken[paper.docname] = {existing.casefold() for existing in on_page}
        unique, number = key, 1
        while unique.casefold() in taken or anchor_for(unique) in reserved_ids:
            number += 1
            unique = f"{key}-{number}"
        stored = dataclasses.replace(paper, key=unique)
        on_page[unique] = stored
        taken.add(unique.casefold())
        self._forget()
        return stored

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        targets = {normalise_target(node["reftarget"])
                   for node in document.findall(pending_xref) if node.get("refdomain") == self.name}
        if targets:
            self.refs[docname] = tuple(sorted(targets))

    # -- lookup ---------------------------------------------------------------

    def occurrences(self) -> Iterator[Paper]:
        """Every stored paper, in a fixed order: by page name, then page order."""
        for docname in sorted(self.papers):
            yield from self.papers[docname].values()

    def catalog(self) -> Catalog:
        """Every paper of the site, its entries joined (derived, never stored)."""
        if self._catalog is None:
            self._catalog = build_catalog(self.occurrences())
        return self._catalog

    def lookup(self, target: str) -> Paper | None:
        """The paper a reference names: by key, else by arXiv id.  When several
        pages carry it, the first page by name is the one linked to."""
        if self._index is None:
            index: dict[str, Paper] = {}
            for paper in self.occurrences():
                index.setdefault(normalise_target(paper.key), paper)
            for paper in self.occurrences():
                arxiv_id = paper.arxiv_id
                if arxiv_id:
                    index.setdefault(normalise_target(arxiv_id), paper)
            self._index = index
        return self._index.get(normalise_target(target))

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                     typ: str, target: str, node: pending_xref, contnode: nodes.Element
                     ) -> nodes.reference | None:
        paper = self.lookup(target)
        if paper is None:
            return None
        if not node.get("refexplicit"):
            contnode = nodes.inline(paper.title, paper.title, classes=contnode["classes"])
        return make_refnode(builder, fromdocname, paper.docname, paper.anchor, contnode, paper.title)

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: pending_xref, contnode: nodes.Element
                         ) -> list[tuple[str, nodes.reference]]:
        reference = self.resolve_xref(env, fromdocname, builder, "ref", target, node, contnode)
        return [("paper:ref", reference)] if reference is not None else []

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        seen: set[str] = set()
        for paper in self.occurrences():
            if paper.key.casefold() not in seen:
                seen.add(paper.key.casefold())
                yield paper.key, paper.title, "entry", paper.docname, paper.anchor, 1

    # -- incremental builds ---------------------------------------------------

    def outdated_referrers(self) -> list[str]:
        """Pages whose references show something that changed since the last build.

        A reference shows the target paper's title and points at its page and
        anchor; when any of those changes (or the paper goes away), every page
        referencing it must be written again, though its source did not change.
        """
        previous: dict[str, bytes] = self.data["fingerprints"]
        current: dict[str, bytes] = {}
        for targets in self.refs.values():
            for target in targets:
                if target not in current:
                    paper = self.lookup(target)
                    shown = (paper.docname, paper.anchor, paper.title) if paper else None
                    current[target] = digest(shown)
        self.data["fingerprints"] = current
        return sorted(docname for docname, targets in self.refs.items()
                      if any(previous.get(target) != current[target] for target in targets))


def normalise_target(target: str) -> str:
    return target.strip().casefold()


def warn_missing_reference(app, domain: Domain | None, node: pending_xref) -> bool | None:
    """A reference to a paper that does not exist: our warning instead of Sphinx's."""
    if domain is None or domain.name != PaperDomain.name:
        return None
    warn(f"no paper with key {node['reftarget']!r}", "ref", node)
    return True


def before_read(app, env: BuildEnvironment, docnames: list[str]) -> None:
    env.domains[PaperDomain.name].fresh_docnames = set(docnames)


def env_updated(app, env: BuildEnvironment) -> list[str]:
    """Pages to write again though their sources did not change: references,
    indexes and "also in" that show something another page changed.  When no
    page was read or removed, nothing they show can have changed."""
    from .indexes import export_stamp, outdated_views

    domain = env.domains[PaperDomain.name]
    stamp = export_stamp(app)
    domain.exports_due = domain.changed or domain.data.get("export_stamp") != stamp
    domain.data["export_stamp"] = stamp
    if not domain.changed:
        return []
    return sorted(set(domain.outdated_referrers()) | set(outdated_views(env)))
