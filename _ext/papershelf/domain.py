"""The ``paper`` domain: the one owner of the data Papershelf keeps.

Everything stored in the environment lives in this domain's data, keyed by
docname and changed only by its methods: the entries each page holds
(:meth:`note_entry`), the placeholders each page holds (:meth:`note_placeholder`),
the references each page makes, and the fingerprints of what each page shows
of other pages.  ``clear_doc`` and ``merge_domaindata`` are therefore a few
lines, and parallel builds merge exactly what each worker read.

Derived values (the catalogue, the view models, lookups) are rebuilt from the
stored data when it changes, never stored.
"""

from __future__ import annotations

import dataclasses
import pickle
import posixpath
from pathlib import Path
from collections.abc import Container, Iterable, Iterator, Mapping, Set
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole

from .catalog import Catalog
from .catalog import build as build_catalog
from .diagnostics import warn
from .exports import BibTeX, KeptParts, export_settings, export_stamp, kept_path
from .model import Entry, anchor_for, unique_name
from .nodes import link
from .views import Spec, Views, digest

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


class PageEntries(Mapping[str, Entry]):
    """The entries of one page, by key, in page order.

    In the saved environment they are one pickled blob with, beside it, what
    Sphinx's object inventory and search index ask of them (key, title,
    anchor) as plain tuples: loading the environment then makes no entry,
    a rebuild that reads no page (or whose indexes ask nothing of this page)
    never unpickles them, and saving the environment again writes the blob
    as it was loaded unless the page was read again."""

    __slots__ = ("_entries", "_blob", "_objects")

    def __init__(self, entries: dict[str, Entry] | None = None, blob: bytes | None = None,
                 objects: tuple[tuple[str, str, str], ...] | None = None) -> None:
        self._entries = entries if entries is not None or blob is not None else {}
        self._blob = blob
        self._objects = objects

    def _loaded(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = pickle.loads(self._blob)
        return self._entries

    def __getitem__(self, key: str) -> Entry:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def add(self, entry: Entry) -> None:
        self._loaded()[entry.key] = entry
        self._blob = self._objects = None

    @property
    def objects(self) -> tuple[tuple[str, str, str], ...]:
        """``(key, title, anchor)`` of each entry, in page order."""
        if self._objects is None:
            self._objects = tuple((entry.key, entry.title, entry.anchor) for entry in self._loaded().values())
        return self._objects

    def __reduce__(self) -> tuple:
        if self._blob is None:
            self._blob = pickle.dumps(self._entries, protocol=pickle.HIGHEST_PROTOCOL)
        return (PageEntries, (None, self._blob, self.objects))


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
        "entries": {},       # docname -> PageEntries: {key: Entry}, in page order
        "placeholders": {},  # docname -> (spec, ...) of its indexes, overviews, recent lists
        "refs": {},          # docname -> sorted tuple of the paper targets it references
        "fingerprints": {},  # docname -> digest of what it shows of other pages
        "export_stamp": None,
        "navigation": None,  # digest of the toctree and page titles every page's navigation shows
    }
    data_version = 5

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._index: dict[str, Entry] | None = None
        self._catalog: Catalog | None = None
        self._views: Views | None = None
        self._taken: dict[str, set[str]] = {}
        #: pages read in this build (conflict warnings are raised for these)
        self.fresh_docnames: set[str] = set()
        #: whether any page's data was stored or dropped since the start
        self.changed = False
        #: whether papers.json and papers.bib must be written this build
        self.exports_due = True
        #: the builder of this run, for the post-transform's links (set at builder-inited)
        self.builder: Builder | None = None
        #: pages whose sources were removed in this build
        self.removed: set[str] = set()

    @property
    def entries(self) -> dict[str, PageEntries]:
        return self.data["entries"]

    @property
    def placeholders(self) -> dict[str, tuple[Spec, ...]]:
        return self.data["placeholders"]

    @property
    def refs(self) -> dict[str, tuple[str, ...]]:
        return self.data["refs"]

    # -- storage --------------------------------------------------------------

    def clear_doc(self, docname: str) -> None:
        self.entries.pop(docname, None)
        self.placeholders.pop(docname, None)
        self.refs.pop(docname, None)
        self.data["fingerprints"].pop(docname, None)
        self._taken.pop(docname, None)
        self._forget()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for name in ("entries", "placeholders", "refs"):
                if docname in otherdata[name]:
                    self.data[name][docname] = otherdata[name][docname]
        self._forget()

    def _forget(self) -> None:
        self._release()
        self.changed = True

    def _release(self) -> None:
        self._index = None
        self._catalog = None
        self._views = None

    def note_entry(self, entry: Entry, key: str, reserved_ids: Container[str] = ()) -> Entry:
        """Store ``entry`` under ``key`` on its page, or under ``key-2``, ``key-3``...
        when the page already has that key (in any case) or another element of
        the page already has its anchor.  Returns the stored entry."""
        on_page = self.entries.get(entry.docname)
        if on_page is None:
            on_page = self.entries[entry.docname] = PageEntries()
        taken = self._taken.get(entry.docname)
        if taken is None or len(taken) != len(on_page):
            taken = self._taken[entry.docname] = {existing.casefold() for existing in on_page}
        unique = unique_name(key, taken, fold=str.casefold, blocked=lambda name: anchor_for(name) in reserved_ids)
        # a suffixed key is no longer the one the owner wrote: the entry is
        # joined to its paper by title or link, like a derived key
        explicit = entry.explicit_key and unique == key
        stored = entry if (unique, explicit) == (entry.key, entry.explicit_key) else \
            dataclasses.replace(entry, key=unique, explicit_key=explicit)
        on_page.add(stored)
        self._forget()
        return stored

    def note_placeholder(self, docname: str, spec: Spec) -> None:
        """Record that ``docname`` shows ``spec`` (an index, the overview...)."""
        self.placeholders[docname] = (*self.placeholders.get(docname, ()), spec)
        self._forget()

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        targets = {normalise_target(node["reftarget"])
                   for node in document.findall(pending_xref) if node.get("refdomain") == self.name}
        if targets:
            self.refs[docname] = tuple(sorted(targets))

    # -- derived ----------------------------------------------------------------

    def all_entries(self) -> Iterator[Entry]:
        """Every stored entry, in a fixed order: by page name, then page order."""
        for docname in sorted(self.entries):
            yield from self.entries[docname].values()

    def catalog(self) -> Catalog:
        """Every paper of the site, its entries joined."""
        if self._catalog is None:
            self._catalog = build_catalog(self.all_entries())
        return self._catalog

    def views(self) -> Views:
        """The view models of this build, made once (see :mod:`papershelf.views`)."""
        if self._views is None:
            builder = self.builder.name if self.builder is not None else ""
            kept = KeptParts.load(kept_path(self.env), export_settings(builder, self.env.config))
            self._views = Views(self.catalog(), self.topic_title, self.placeholders, BibTeX(kept))
        return self._views

    def made_views(self) -> Views | None:
        """The view models when this build has made them already, else ``None``."""
        return self._views

    def topic_title(self, docname: str) -> str:
        """A page's title, after its folder's title when the folder has an index
        page: ``LLM › Alignment`` and ``VLM › Alignment`` stay apart."""
        titles = self.env.titles
        title = titles[docname].astext() if docname in titles else docname
        folder = posixpath.dirname(docname)
        parent = posixpath.join(folder, "index") if folder else ""
        if parent and parent != docname and parent in titles and not docname.endswith("/index"):
            return f"{titles[parent].astext()} › {title}"
        return title

    def lookup(self, target: str) -> Entry | None:
        """The entry a reference names: by key, else by arXiv id.  When several
        pages carry it, the first page by name is the one linked to."""
        if self._index is None:
            index: dict[str, Entry] = {}
            for entry in self.all_entries():
                index.setdefault(normalise_target(entry.key), entry)
            for entry in self.all_entries():
                arxiv_id = entry.arxiv_id
                if arxiv_id:
                    index.setdefault(normalise_target(arxiv_id), entry)
            self._index = index
        return self._index.get(normalise_target(target))

    # -- references --------------------------------------------------------------

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                     typ: str, target: str, node: pending_xref, contnode: nodes.Element
                     ) -> nodes.reference | None:
        entry = self.lookup(target)
        if entry is None:
            return None
        if not node.get("refexplicit"):
            contnode = nodes.inline(entry.title, entry.title, classes=contnode["classes"])
        reference = link(builder, fromdocname, entry.docname, entry.anchor, contnode)
        reference["reftitle"] = entry.title
        return reference

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: pending_xref, contnode: nodes.Element
                         ) -> list[tuple[str, nodes.reference]]:
        reference = self.resolve_xref(env, fromdocname, builder, "ref", target, node, contnode)
        return [("paper:ref", reference)] if reference is not None else []

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        # from each page's objects: no entry is unpickled for the inventory
        seen: set[str] = set()
        for docname in sorted(self.entries):
            for key, title, anchor in self.entries[docname].objects:
                folded = key.casefold()
                if folded not in seen:
                    seen.add(folded)
                    yield key, title, "entry", docname, anchor, 1

    # -- checks -------------------------------------------------------------------

    def check_consistency(self) -> None:
        """Entries of one paper that disagree: one warning per pair, raised
        when one of the two pages was read in this build."""
        fresh = self.fresh_docnames
        for conflict in self.catalog().conflicts:
            first, second = conflict.first, conflict.second
            if first.docname not in fresh and second.docname not in fresh:
                continue
            where = f"{self.env.doc2path(first.docname, False)}:{first.lineno}"
            if conflict.same_key:
                message = (f"key {second.key!r} is also used at {where} with {conflict.field} "
                           f"{conflict.first_value!r}; here it is {conflict.second_value!r}: both entries are "
                           "shown as one paper with the first entry's data; give one of them another :key: "
                           "if they are different papers")
            else:
                message = (f"{second.title!r} is also on {where} with {conflict.field} "
                           f"{conflict.first_value!r}; here it is {conflict.second_value!r} "
                           "(one paper shows the first entry's data)")
            warn(message, "conflict", (second.docname, second.lineno))

    # -- incremental builds ------------------------------------------------------

    def outdated_pages(self) -> list[str]:
        """Pages whose sources did not change but whose output does: what they
        show of other pages (indexes, overview, "also in", copy buttons,
        references) has a new digest."""
        previous: dict[str, bytes] = self.data["fingerprints"]
        current: dict[str, bytes] = {}
        views = self.views()
        for docname in sorted(set(self.entries) | set(self.placeholders) | set(self.refs)):
            models = views.page_models(docname, self.entries.get(docname, {}),
                                       (self.lookup(target) for target in self.refs.get(docname, ())))
            if models:
                current[docname] = digest(models)
        self.data["fingerprints"] = current
        return sorted(docname for docname in current
                      if previous.get(docname) != current[docname] and docname in self.env.all_docs)


def normalise_target(target: str) -> str:
    return target.strip().casefold()


# -- event handlers (wired in papershelf.setup) ---------------------------------------

def warn_missing_reference(app: Sphinx, domain: Domain | None, node: pending_xref) -> bool | None:
    """A reference to a paper that does not exist: our warning instead of Sphinx's."""
    if domain is None or domain.name != PaperDomain.name:
        return None
    warn(f"no paper with key {node['reftarget']!r}", "ref", node)
    return True


def builder_inited(app: Sphinx) -> None:
    app.env.domains[PaperDomain.name].builder = app.builder


def before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    skip_undecodable(env, docnames)
    env.domains[PaperDomain.name].fresh_docnames = set(docnames)


def skip_undecodable(env: BuildEnvironment, docnames: list[str]) -> None:
    """A source file that is not in the site's encoding would stop the whole
    build with a traceback that does not name it: warn with its name and the
    line of the first bad byte, and build the site without it."""
    encoding = env.settings.get("input_encoding", "utf-8-sig")
    for docname in list(docnames):
        try:
            data = env.doc2path(docname).read_bytes()
        except OSError:
            continue
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            warn(f"this file is not {encoding.removesuffix('-sig').upper()} (byte 0x{data[error.start]:02x} "
                 f"cannot be read): the page is left out of the site; save the file as UTF-8",
                 "encoding", (docname, line))
            docnames.remove(docname)
            env.found_docs.discard(docname)


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again though their sources did not change.  When no
    page was read or removed, nothing they show can have changed."""
    domain: PaperDomain = env.domains[PaperDomain.name]
    stamp = export_stamp(app)
    domain.exports_due = domain.changed or domain.data["export_stamp"] != stamp
    domain.data["export_stamp"] = stamp
    if not domain.changed:
        return []
    outdated = domain.outdated_pages()
    navigation = digest((sorted((docname, tuple(children)) for docname, children in env.toctree_includes.items()),
                         sorted((docname, title.astext()) for docname, title in env.titles.items())))
    if domain.data["navigation"] not in (None, navigation):
        # a page was added, removed, moved or renamed: every page's sidebar
        # and "next"/"previous" links show the tree, so every page is written
        outdated = sorted(env.found_docs)
    domain.data["navigation"] = navigation
    return outdated


def release_derived(app: Sphinx, exception: Exception | None) -> None:
    """Once every file is written (priority 850: after the exports and the
    feeds), let go of what this build derived from the entries: the
    catalogue, the view models, the papers.json data.  Most of it is freed
    at once, by reference counting, instead of by the process's exit, whose
    collection walks whatever is still alive (about 0.7 s of 3 s at 10,000
    papers).  Asked for again, it is derived again."""
    app.env.domains[PaperDomain.name]._release()


def note_removed(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                 removed: set[str]) -> list[str]:
    env.domains[PaperDomain.name].removed = set(removed)
    return []


def remove_stale_output(app: Sphinx, exception: Exception | None) -> None:
    """A page whose source is gone takes its HTML (and its copied source)
    along, as in a clean build."""
    domain: PaperDomain = app.env.domains[PaperDomain.name]
    builder = app.builder
    if exception is not None or builder.format != "html" or not hasattr(builder, "get_outfilename"):
        return
    outdir = Path(app.outdir)
    for docname in sorted(domain.removed):
        if docname in app.env.found_docs:
            continue
        stale = [Path(builder.get_outfilename(docname))]
        stale += [outdir / "_sources" / f"{docname}{suffix}{app.config.html_sourcelink_suffix}"
                  for suffix in app.config.source_suffix]
        for path in stale:
            if path.is_file() and outdir in path.resolve().parents:
                path.unlink()
