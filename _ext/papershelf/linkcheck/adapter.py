"""The Sphinx side: a ``linkcheck`` builder that keeps Sphinx's collection of
links (so ``linkcheck-process-uri`` handlers apply) and its settings, and
checks the links with :mod:`.workers` instead of Sphinx's own threads.

Only Sphinx's public interfaces are used: the documented builder class and
its ``hyperlinks``, the ``linkcheck_*`` settings, the ``linkcheck-process-uri``
event, and the ``builder-inited`` and ``build-finished`` events.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from docutils import nodes
from sphinx.builders.linkcheck import CheckExternalLinksBuilder
from sphinx.util import logging

from ..diagnostics import conf_location, warn
from ..nodes import paper_entry, paper_title
from .cache import CACHE_NAME, CacheUnusable, LinkCache
from .check import DEFAULT_UNVERIFIED_HOSTS, UNREACHABLE, UNVERIFIED, CheckSettings
from .politeness import DEFAULT_INTERVALS, Hosts, Job, origin_of
from .report import Location, build_report, report_lines, write_report
from .workers import Pool, Result

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

_REDIRECT_TEXT = {301: "permanently", 302: "with Found", 303: "with See Other", 307: "temporarily",
                  308: "permanently"}
#: Written to ``output.txt`` (as Sphinx does for the first three).
_LISTED = ("broken", "timeout", "redirected", UNREACHABLE, UNVERIFIED, "unchecked")


class PaperLinkcheckBuilder(CheckExternalLinksBuilder):
    """Sphinx's linkcheck builder with per-host politeness, deadlines, a
    cache, honest statuses and a report by paper."""

    epilog = "Look for any errors in the above output, in %(outdir)s/papers-report.txt or in output.txt"

    def init(self) -> None:
        super().init()
        self.locations: dict[str, list[Location]] = {}
        self.written: set[str] = set()
        self.results: list[Result] = []
        self.hosts: Hosts | None = None
        self.cache: LinkCache | None = None
        self.failed = False
        self.quiet = False

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        """Every place a URL is linked from (Sphinx keeps only the first),
        with the paper and link label it belongs to."""
        super().write_doc_serialized(docname, doctree)
        self.written.add(docname)
        for node in doctree.findall(nodes.reference):
            uri = node.get("refuri", "")
            if not uri.startswith(("http:", "https:")):
                continue
            # the URL as Sphinx's collector keeps it, after the same event
            uri = self.events.emit_firstresult("linkcheck-process-uri", uri) or uri
            entry = next((parent for parent in _ancestors(node) if isinstance(parent, paper_entry)), None)
            title = next(iter(entry.findall(paper_title)), None) if entry is not None else None
            location = Location(docname, node.line or _line_of(node), node.astext(),
                                title.astext() if title is not None else "",
                                entry.get("data", {}).get("key", "") if entry is not None else "")
            places = self.locations.setdefault(uri, [])
            if location not in places:
                places.append(location)

    # -- the run ------------------------------------------------------------------------

    def finish(self) -> None:
        config = self.config
        self.hosts = Hosts(DEFAULT_INTERVALS | dict(config.papershelf_linkcheck_intervals),
                           config.papershelf_linkcheck_default_interval,
                           config.papershelf_linkcheck_max_connections,
                           config.papershelf_linkcheck_unreachable_after)
        self.cache = self._open_cache()
        ignore = [re.compile(pattern) for pattern in config.linkcheck_ignore]
        excluded = [re.compile(pattern) for pattern in config.linkcheck_exclude_documents]
        now = time.time()
        settled: list[Result] = []
        jobs: list[Job] = []
        for uri, link in self.hyperlinks.items():
            result = self._settled(uri, link.docname, link.lineno, ignore, excluded, now)
            if result is not None:
                settled.append(result)
            else:
                jobs.append(Job(uri, link.docname, link.lineno, origin_of(uri)))
        checked = {job.uri for job in jobs}
        if self.cache is not None and self.written >= set(self.env.found_docs):
            # a full run: links the site no longer has are forgotten
            self.cache.keep_only(set(self.hyperlinks))
        pool = Pool(_check_settings(config), self.hosts, config.linkcheck_workers,
                    float(config.papershelf_linkcheck_deadline), float(config.papershelf_linkcheck_run_deadline))
        logger.info("")
        with (open(self.outdir / "output.txt", "w", encoding="utf-8") as self.txt_outfile,
              open(self.outdir / "output.json", "w", encoding="utf-8") as self.json_outfile):
            try:
                for result in _chain(settled, pool.results(jobs)):
                    if result is not None:
                        self.results.append(result)
                        self.process_result(result)
                        if self.cache is not None and result.uri in checked:
                            self.cache.record(result.uri, result.status, time.time(), info=result.message,
                                              remember=result.remember)
                    if self.cache is not None and self.cache.due():
                        self._save_cache()
            finally:
                # also when interrupted: what was checked is kept
                if self.cache is not None:
                    self._save_cache()
        report = build_report(self.results, self.locations)
        write_report(report, Path(self.outdir), self._source_of)
        for line in report_lines(report, self._source_of):
            logger.info(line)
        self.failed = any(result.status in ("broken", "timeout") for result in self.results)

    def _settled(self, uri: str, docname: str, lineno: int, ignore: list[re.Pattern[str]],
                 excluded: list[re.Pattern[str]], now: float) -> Result | None:
        """The result of a link that needs no request (as Sphinx decides
        them, then the cache), or None."""
        for pattern in excluded:
            if pattern.match(docname):
                return Result(uri, docname, lineno, "ignored",
                              f"{docname} matched {pattern.pattern} from linkcheck_exclude_documents")
        if not uri or uri.startswith(("#", "mailto:", "tel:")):
            return Result(uri, docname, lineno, "unchecked")
        if not uri.startswith(("http:", "https:")):
            if re.match(r"([a-z]+:)?//", uri):
                return Result(uri, docname, lineno, "unchecked")
            exists = (Path(self.env.doc2path(docname)).parent / uri).exists()
            return Result(uri, docname, lineno, "working" if exists else "broken")
        if any(pattern.match(uri) for pattern in ignore):
            return Result(uri, docname, lineno, "ignored")
        entry = self.cache.fresh(uri, now) if self.cache is not None else None
        if entry is None:
            return None
        if entry["status"] == "working":
            return Result(uri, docname, lineno, "working", " (cached)", cached=True)
        checked = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(entry["checked"]))
        return Result(uri, docname, lineno, entry["status"],
                      f"{entry.get('info', '')} (from the cache: checked {checked}, "
                      f"checked again after {time.strftime('%H:%M UTC', time.gmtime(entry['expires']))})".strip(),
                      cached=True)

    # -- the cache ----------------------------------------------------------------------

    def _open_cache(self) -> LinkCache | None:
        config = self.config
        cache = LinkCache(Path(self.outdir, CACHE_NAME), config.papershelf_linkcheck_cache_days,
                          config.papershelf_linkcheck_cache_jitter, config.papershelf_linkcheck_remember)
        try:
            problem = cache.load()
        except CacheUnusable as unusable:
            warn(f"the link cache {cache.path} cannot be used ({unusable}); every link is checked "
                 "and no result is kept", "linkcheck", None)
            return None
        if problem:
            warn(f"the link cache {cache.path} could not be read ({problem}); every link is checked",
                 "linkcheck", None)
        return cache

    def _save_cache(self) -> None:
        assert self.cache is not None
        try:
            self.cache.save()
        except OSError as error:
            warn(f"the link cache {self.cache.path} could not be saved ({error.__class__.__name__}: "
                 f"{error}); no result of this run is kept", "linkcheck", None)
            self.cache = None

    # -- output as Sphinx writes it ---------------------------------------------------

    def process_result(self, result: Result) -> None:  # type: ignore[override]
        filename = str(self.env.doc2path(result.docname, False))
        linkstat: dict[str, Any] = {"filename": filename, "lineno": result.lineno, "status": result.status,
                                    "code": result.code, "uri": result.uri, "info": result.message}
        status, uri, message = result.status, result.uri, result.message
        if status == "redirected":
            text = _REDIRECT_TEXT.get(result.code, "with unknown code")
            linkstat["text"] = text
            self._write_linkstat(linkstat)
            redirection = f"{text} to {message}"
            line = f"redirect  {uri} - {redirection}"
            if _allowed_redirects_set(self.config):
                logger.warning(line, location=(result.docname, result.lineno))
            else:
                self._log(result, line)
            self.txt_outfile.write(f"{filename}:{result.lineno}: [redirected {text}] {uri} to {message}\n")
            return
        self._write_linkstat(linkstat)
        if status == "unchecked" and not message:
            return
        if status == "working":
            self._log(result, f"ok        {uri}{message}")
        elif status == "ignored":
            self._log(result, f"-ignored- {uri}: {message}" if message else f"-ignored- {uri}")
        elif status in ("broken", "timeout") and self.quiet:
            logger.warning(f"{status} link: {uri} ({message})", location=(result.docname, result.lineno))
        else:
            self._log(result, f"{status:<10}{uri} - {message}")
        if status in _LISTED:
            self.txt_outfile.write(f"{filename}:{result.lineno}: [{status}] {uri}: {message}\n")

    def _write_linkstat(self, data: dict[str, Any]) -> None:
        self.json_outfile.write(json.dumps(data) + "\n")

    @staticmethod
    def _log(result: Result, text: str) -> None:
        if result.lineno:
            logger.info("(%16s: line %4d) %s", result.docname, result.lineno, text)
        else:
            logger.info(text)

    def _source_of(self, docname: str) -> str:
        return str(self.env.doc2path(docname, False))


def _chain(settled: list[Result], checked: Iterator[Result | None]) -> Iterator[Result | None]:
    yield from settled
    yield from checked


def _allowed_redirects_set(config: Config) -> bool:
    value = config.linkcheck_allowed_redirects
    return isinstance(value, dict) and bool(value)


def _check_settings(config: Config) -> CheckSettings:
    """Sphinx's ``linkcheck_*`` settings and ours, read once."""
    allowed = config.linkcheck_allowed_redirects
    allowed_pairs = tuple((re.compile(source), re.compile(target)) for source, target in allowed.items()) \
        if isinstance(allowed, dict) else ()
    user_agent = config.user_agent or ("Mozilla/5.0 (X11; Linux x86_64; rv:100.0) Gecko/20100101 "
                                       f"Firefox/100.0 Sphinx/{sphinx.__version__}")
    return CheckSettings(
        timeout=float(config.linkcheck_timeout or 30),
        retries=int(config.linkcheck_retries),
        anchors=bool(config.linkcheck_anchors),
        anchors_ignore=tuple(map(re.compile, config.linkcheck_anchors_ignore)),
        anchors_ignore_for_url=tuple(map(re.compile, config.linkcheck_anchors_ignore_for_url)),
        ignore=tuple(map(re.compile, config.linkcheck_ignore)),
        auth=tuple((re.compile(pattern), info) for pattern, info in config.linkcheck_auth),
        request_headers=dict(config.linkcheck_request_headers),
        allowed_redirects=allowed_pairs,
        case_insensitive=tuple(map(re.compile, getattr(config, "linkcheck_case_insensitive_urls", ()))),
        allow_unauthorized=bool(config.linkcheck_allow_unauthorized),
        timeout_status="broken" if config.linkcheck_report_timeouts_as_broken else "timeout",
        user_agent=user_agent,
        tls_verify=bool(config.tls_verify),
        tls_cacerts=config.tls_cacerts,
        unverified_hosts=dict.fromkeys(config.papershelf_linkcheck_unverified_hosts, True),
        backoff=_first_wait(config.papershelf_linkcheck_backoff),
        rate_limit_timeout=float(config.linkcheck_rate_limit_timeout),
        anchor_bytes=int(config.papershelf_linkcheck_anchor_bytes),
    )


def _first_wait(value: Any) -> float:
    """``papershelf_linkcheck_backoff``: the first wait; an older
    ``(first, longest)`` pair gives its first (the longest wait is now
    Sphinx's ``linkcheck_rate_limit_timeout``)."""
    if isinstance(value, (list, tuple)):
        return float(value[0]) if value else 5.0
    return float(value)


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _line_of(node: nodes.Node) -> int:
    for parent in (node, *_ancestors(node)):
        if getattr(parent, "line", None):
            return parent.line
    return 0


def _builder_inited(app: Sphinx) -> None:
    builder = app.builder
    if isinstance(builder, PaperLinkcheckBuilder):
        builder.quiet = bool(app.quiet)
        config = app.config
        if isinstance(config.papershelf_linkcheck_backoff, (list, tuple)):
            warn("papershelf_linkcheck_backoff is the first wait after a 429 without Retry-After; the "
                 "longest wait is linkcheck_rate_limit_timeout", "config",
                 conf_location(app.confdir, "papershelf_linkcheck_backoff"))


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Exit code 1 when a link is broken or timed out, as Sphinx's builder does."""
    builder = app.builder
    if exception is None and isinstance(builder, PaperLinkcheckBuilder) and builder.failed:
        app.statuscode = 1


def setup_linkcheck(app: Sphinx) -> None:
    app.add_builder(PaperLinkcheckBuilder, override=True)
    add = app.add_config_value
    add("papershelf_linkcheck_intervals", {}, "", types=frozenset({dict}),
        description="Seconds between requests to a host (arxiv.org: 3 by default).")
    add("papershelf_linkcheck_default_interval", 0.0, "", types=frozenset({int, float}))
    add("papershelf_linkcheck_max_connections", 2, "", types=frozenset({int}))
    add("papershelf_linkcheck_unreachable_after", 2, "", types=frozenset({int}))
    add("papershelf_linkcheck_unverified_hosts", list(DEFAULT_UNVERIFIED_HOSTS), "",
        types=frozenset({list, tuple}))
    add("papershelf_linkcheck_backoff", 5.0, "", types=frozenset({int, float, list, tuple}),
        description="The first wait after a 429 without Retry-After, doubled at each 429.")
    add("papershelf_linkcheck_deadline", 60.0, "", types=frozenset({int, float}),
        description="Seconds a link's check may take in all (requests, retries, waits after 429).")
    add("papershelf_linkcheck_run_deadline", 0.0, "", types=frozenset({int, float}),
        description="Seconds the whole run may take; 0 for no limit beyond the links' deadlines.")
    add("papershelf_linkcheck_anchor_bytes", 4 * 1024 * 1024, "", types=frozenset({int}),
        description="The most of a page read to find an anchor.")
    add("papershelf_linkcheck_cache_days", 7.0, "", types=frozenset({int, float}))
    add("papershelf_linkcheck_cache_jitter", 0.1, "", types=frozenset({int, float}))
    add("papershelf_linkcheck_remember", 3600.0, "", types=frozenset({int, float}),
        description="Seconds a 429 that never ended or a refusal is remembered.")
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _build_finished)
