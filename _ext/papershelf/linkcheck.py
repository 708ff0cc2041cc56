"""``make linkcheck`` for a paper list: Sphinx's linkcheck builder, extended.

What is added to Sphinx's own builder (registered in its place):

- a politeness interval between requests to one host (arXiv: 3 s) and a cap
  on connections per host, applied to every request, redirects included;
- 429 answers honour ``Retry-After`` (seconds or a date) up to a limit, and
  without it back off from a short delay, doubling, up to a bound;
- redirects that paper hosts always make (``doi.org`` to the publisher, arXiv
  to a versioned PDF, http to https) count as working;
- hosts that refuse automated checks (a 401/403/405 or a challenge page from
  OpenReview, the ACM, ...) give "unverified", not "broken";
- a host that cannot be reached (no name resolution, connection refused) is
  given up on after a few failures: its other links are "unreachable" at once;
- a cache of working links between runs, each kept for a week or so;
- a report by page and paper: ``papers-report.txt`` and ``.json`` next to
  Sphinx's ``output.txt``, printed at the end.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from requests.exceptions import ConnectionError as RequestsConnectionError
import sphinx.builders.linkcheck as sphinx_linkcheck
from sphinx.builders.linkcheck import (
    CheckExternalLinksBuilder,
    CheckResult,
    HyperlinkAvailabilityChecker,
    HyperlinkAvailabilityCheckWorker,
    RateLimit,
)
from sphinx.util import logging
from sphinx.util.http_date import rfc1123_to_epoch
from sphinx.util.requests import _Session

from .diagnostics import warn
from .nodes import paper_entry, paper_title

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: Statuses beyond Sphinx's own: the link could not be judged.
UNVERIFIED = "unverified"
UNREACHABLE = "unreachable"
#: Statuses a person must act on or know about, in report order.
REPORTED = ("broken", "timeout", UNREACHABLE, UNVERIFIED, "redirected")

DEFAULT_INTERVALS = {"arxiv.org": 3.0, "export.arxiv.org": 3.0}
DEFAULT_UNVERIFIED_HOSTS = ("openreview.net", "dl.acm.org", "ieeexplore.ieee.org",
                            "www.sciencedirect.com", "www.researchgate.net", "link.springer.com",
                            "onlinelibrary.wiley.com", "www.semanticscholar.org")
#: Where a redirect is what the host always does, as (from host, to host or "*").
NORMAL_REDIRECTS = (("doi.org", "*"), ("dx.doi.org", "*"), ("arxiv.org", "arxiv.org"),
                    ("www.arxiv.org", "arxiv.org"), ("export.arxiv.org", "arxiv.org"))
_REFUSING_CODES = frozenset({401, 403, 405, 406, 418, 451, 999})
CACHE_NAME = "papershelf-cache.json"
CACHE_VERSION = 1


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    """Host and port: what politeness, caps and reachability are kept per."""
    return urlsplit(url).netloc.lower()


def _host_setting(table: dict[str, Any], host: str, default: Any) -> Any:
    """A per-host setting: the host itself, else its parent domains."""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in table:
            return table[candidate]
    return default


# -- hosts: politeness, connection caps, unreachable hosts ----------------------

class Hosts:
    """What the worker threads share about each host."""

    def __init__(self, intervals: dict[str, float], default_interval: float, max_connections: int,
                 unreachable_after: int) -> None:
        self.intervals = intervals
        self.default_interval = default_interval
        self.max_connections = max(1, max_connections)
        self.unreachable_after = max(1, unreachable_after)
        self._lock = threading.Condition()
        self._next: dict[str, float] = {}
        self._active: Counter[str] = Counter()
        self._failures: Counter[str] = Counter()
        self.dead: dict[str, str] = {}
        #: every request sent, as (host, monotonic start time)
        self.requests: list[tuple[str, float]] = []

    def interval(self, origin: str) -> float:
        return float(_host_setting(self.intervals, _host(f"//{origin}"), self.default_interval))

    def acquire(self, host: str) -> None:
        """Wait for a free connection to ``host`` and for its interval to pass.

        The interval runs from the end of one request to the start of the
        next, so the host never sees two requests closer than that; a host
        with an interval gets one request at a time."""
        cap = self.max_connections if self.interval(host) <= 0 else 1
        with self._lock:
            while True:
                now = time.monotonic()
                ready = self._next.get(host, 0.0)
                if self._active[host] < cap and now >= ready:
                    self._active[host] += 1
                    self.requests.append((host, now))
                    return
                self._lock.wait(timeout=max(0.005, ready - now) if now < ready else 0.5)

    def release(self, host: str) -> None:
        with self._lock:
            self._active[host] -= 1
            self._next[host] = time.monotonic() + self.interval(host)
            self._lock.notify_all()

    def failed(self, host: str, reason: str) -> None:
        with self._lock:
            self._failures[host] += 1
            if self._failures[host] >= self.unreachable_after:
                self.dead.setdefault(host, reason)

    def reached(self, host: str) -> None:
        with self._lock:
            self._failures.pop(host, None)


class PoliteSession(_Session):
    """Sphinx's session, with every request (redirects included) waiting its
    turn for the host, and the last response or error kept for the worker."""

    def __init__(self, hosts: Hosts, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hosts = hosts
        self.last_response = None
        self.last_error: BaseException | None = None

    def send(self, request, **kwargs):  # type: ignore[override]
        host = _origin(request.url)
        if host in self.hosts.dead:
            raise RequestsConnectionError(f"{host} is unreachable: {self.hosts.dead[host]}")
        self.hosts.acquire(host)
        try:
            response = super().send(request, **kwargs)
        except RequestsConnectionError as error:
            self.last_error = error
            if _cannot_reach(error):
                self.hosts.failed(host, _short_error(error))
            raise
        except BaseException as error:
            self.last_error = error
            raise
        finally:
            self.hosts.release(host)
        self.hosts.reached(host)
        self.last_response = response
        self.last_error = None
        return response


def _cannot_reach(error: BaseException) -> bool:
    """No name resolution or a refused connection: the host is not there."""
    text = repr(error)
    return any(marker in text for marker in (
        "NameResolutionError", "Failed to resolve", "Name or service not known",
        "nodename nor servname", "Temporary failure in name resolution",
        "Connection refused", "ConnectionRefusedError", "No route to host",
        "Network is unreachable"))


def _short_error(error: BaseException) -> str:
    text = str(error)
    for marker in ("Failed to resolve", "Connection refused", "No route to host", "Network is unreachable"):
        if marker in text:
            return marker.lower() if marker != "Failed to resolve" else "name not resolved"
    return text[:120]


# -- the worker -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Settings:
    unverified_hosts: dict[str, bool]   # host (or parent domain) -> True
    backoff: float
    backoff_max: float
    retry_after_max: float


class PaperCheckWorker(HyperlinkAvailabilityCheckWorker):
    def __init__(self, config: Config, rqueue, wqueue, rate_limits, hosts: Hosts, settings: Settings) -> None:
        super().__init__(config, rqueue, wqueue, rate_limits)
        self.hosts = hosts
        self.settings = settings
        self._session.close()
        self._session = PoliteSession(hosts, _ignored_redirects=self._session._ignored_redirects)

    def _check(self, docname: str, uri: str, hyperlink) -> tuple[str, str, int]:
        host = _origin(uri)
        if host in self.hosts.dead:
            return UNREACHABLE, f"{host} could not be reached ({self.hosts.dead[host]})", 0
        self._session.last_response = self._session.last_error = None
        status, info, code = super()._check(docname, uri, hyperlink)
        response, error = self._session.last_response, self._session.last_error
        if status == "broken":
            if host in self.hosts.dead or (error is not None and _cannot_reach(error)):
                reason = self.hosts.dead.get(host) or _short_error(error)
                return UNREACHABLE, f"{host} could not be reached ({reason})", 0
            if response is not None and self._refuses_checks(_host(uri), response):
                return UNVERIFIED, f"{host} refuses automated checks (HTTP {response.status_code})", 0
            if response is not None and response.status_code == 429:
                return UNVERIFIED, f"{host} kept answering 429 Too Many Requests", 0
        if status == "redirected" and _normal_redirect(uri, info):
            return "working", f" (redirected to {info}, as {_host(uri)} always does)", 0
        return status, info, code

    def _refuses_checks(self, host: str, response) -> bool:
        if response.status_code not in _REFUSING_CODES:
            return False
        if response.headers.get("cf-mitigated") == "challenge":
            return True
        return _host_setting(self.settings.unverified_hosts, host, False)

    def limit_rate(self, response_url: str, retry_after: str | None) -> float | None:
        """429: wait as ``Retry-After`` says (seconds or an HTTP date), up to
        a limit; without it, back off from a short delay, doubling, up to a bound."""
        netloc = urlsplit(response_url).netloc
        now = time.time()
        delay: float | None = None
        if retry_after:
            try:
                delay = float(retry_after)
            except ValueError:
                # an HTTP date, read as Sphinx reads it
                try:
                    delay = rfc1123_to_epoch(retry_after) - now
                except (ValueError, TypeError):
                    delay = None
            if delay is not None:
                delay = max(0.0, delay)
                if delay > self.settings.retry_after_max:
                    return None
        if delay is None:
            previous = self.rate_limits.get(netloc)
            delay = self.settings.backoff if previous is None else previous.delay * 2
            if delay > self.settings.backoff_max:
                return None
        next_check = now + delay
        self.rate_limits[netloc] = RateLimit(delay, next_check)
        return next_check



def _normal_redirect(source: str, target: str) -> bool:
    """A redirect that a paper host always makes, or http to https."""
    if not target:
        return False
    source_parts, target_parts = urlsplit(source), urlsplit(target)
    if source_parts.scheme == "http" and target_parts.scheme == "https" and \
            source_parts.netloc == target_parts.netloc and source_parts.path == target_parts.path:
        return True
    source_host, target_host = _host(source), _host(target)
    return any(source_host == origin and (destination == "*" or target_host == destination)
               for origin, destination in NORMAL_REDIRECTS)


class PaperLinkChecker(HyperlinkAvailabilityChecker):
    def __init__(self, config: Config, hosts: Hosts, settings: Settings) -> None:
        super().__init__(config)
        self.hosts = hosts
        self.settings = settings

    def invoke_threads(self) -> None:
        for _ in range(self.num_workers):
            worker = PaperCheckWorker(self.config, self.rqueue, self.wqueue, self.rate_limits,
                                      self.hosts, self.settings)
            worker.start()
            self.workers.append(worker)


# -- the cache ----------------------------------------------------------------------

class LinkCache:
    """Working links and when each must be checked again, in a JSON file."""

    def __init__(self, path: Path, days: float, jitter: float) -> None:
        self.path, self.days, self.jitter = path, days, jitter
        self.entries: dict[str, dict[str, Any]] = {}

    def load(self) -> str | None:
        """Read the file; the problem, if it could not be used."""
        if not self.path.is_file():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION or not isinstance(data.get("links"), dict):
                raise ValueError("unknown format")
            entries = {uri: entry for uri, entry in data["links"].items()
                       if isinstance(entry, dict) and isinstance(entry.get("expires"), (int, float))}
        except (OSError, ValueError, AttributeError) as error:
            return f"{error.__class__.__name__}: {error}"
        self.entries = entries
        return None

    def fresh(self, uri: str, now: float) -> bool:
        entry = self.entries.get(uri)
        return self.days > 0 and entry is not None and entry["expires"] > now

    def record(self, uri: str, status: str, now: float) -> None:
        """Keep a working link; forget anything else (broken links, timeouts,
        429s and links that could not be judged are checked every time)."""
        if status == "working":
            if uri in self.entries and self.entries[uri]["expires"] > now:
                return
            # the same spread for a link every time, so runs are repeatable
            spread = int(hashlib.blake2b(uri.encode(), digest_size=4).hexdigest(), 16) / 0xFFFFFFFF
            lifetime = self.days * 86400 * (1 + self.jitter * (2 * spread - 1))
            self.entries[uri] = {"checked": round(now), "expires": round(now + lifetime)}
        else:
            self.entries.pop(uri, None)

    def save(self) -> None:
        data = {"version": CACHE_VERSION, "links": dict(sorted(self.entries.items()))}
        self.path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# -- the builder ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Location:
    docname: str
    line: int
    label: str
    paper: str      # the paper's title, or "" for a link outside any paper
    key: str


class PaperLinkcheckBuilder(CheckExternalLinksBuilder):
    """Sphinx's linkcheck builder with per-host politeness, a cache, honest
    statuses and a report by paper."""

    epilog = "Look for any errors in the above output, in %(outdir)s/papers-report.txt or in output.txt"

    def init(self) -> None:
        super().init()
        # Sphinx's workers look at a link that must wait (after a 429) once a
        # second; look as soon as it is due, or a short Retry-After costs a second.
        sphinx_linkcheck.QUEUE_POLL_SECS = 0.05
        self.locations: dict[str, list[Location]] = {}
        self.results: list[CheckResult] = []
        self.hosts: Hosts | None = None
        self.unreachable_links = 0

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        """Every place a URL is linked from (Sphinx keeps only the first),
        with the paper and link label it belongs to."""
        super().write_doc_serialized(docname, doctree)
        for node in doctree.findall(nodes.reference):
            uri = node.get("refuri", "")
            if not uri.startswith(("http:", "https:")):
                continue
            entry = next((parent for parent in _ancestors(node) if isinstance(parent, paper_entry)), None)
            title = next(iter(entry.findall(paper_title)), None) if entry is not None else None
            location = Location(docname, node.line or _line_of(node), node.astext(),
                                title.astext() if title is not None else "",
                                entry.get("data", {}).get("key", "") if entry is not None else "")
            self.locations.setdefault(uri, [])
            if location not in self.locations[uri]:
                self.locations[uri].append(location)

    def finish(self) -> None:
        config = self.config
        intervals = DEFAULT_INTERVALS | {host.lower(): float(seconds) for host, seconds
                                         in config.papershelf_linkcheck_intervals.items()}
        self.hosts = Hosts(intervals, config.papershelf_linkcheck_default_interval,
                           config.papershelf_linkcheck_max_connections,
                           config.papershelf_linkcheck_unreachable_after)
        settings = Settings(
            unverified_hosts=dict.fromkeys(config.papershelf_linkcheck_unverified_hosts, True),
            backoff=float(config.papershelf_linkcheck_backoff[0]),
            backoff_max=float(config.papershelf_linkcheck_backoff[1]),
            retry_after_max=float(config.papershelf_linkcheck_retry_after_max),
        )
        cache = LinkCache(Path(self.outdir, CACHE_NAME), config.papershelf_linkcheck_cache_days,
                          config.papershelf_linkcheck_cache_jitter)
        problem = cache.load()
        if problem:
            warn(f"the link cache {cache.path} could not be read ({problem}); every link is checked",
                 "linkcheck", None)
        now = time.time()
        cached = {uri: link for uri, link in self.hyperlinks.items() if cache.fresh(uri, now)}
        to_check = {uri: link for uri, link in self.hyperlinks.items() if uri not in cached}
        checker = PaperLinkChecker(config, self.hosts, settings)
        logger.info("")
        output_text = self.outdir / "output.txt"
        output_json = self.outdir / "output.json"
        with (open(output_text, "w", encoding="utf-8") as self.txt_outfile,
              open(output_json, "w", encoding="utf-8") as self.json_outfile):
            for result in self._results(cached, checker.check(to_check)):
                self.results.append(result)
                cache.record(result.uri, str(result.status), time.time())
                self.process_result(result)
        cache.save()
        report = build_report(self.results, self.locations, len(cached))
        write_report(report, Path(self.outdir), self.env)
        for line in report_lines(report, self.env):
            logger.info(line)
        if self.broken_hyperlinks or self.timed_out_hyperlinks:
            self._app.statuscode = 1

    @staticmethod
    def _results(cached: dict, checked: Iterator[CheckResult]) -> Iterator[CheckResult]:
        for uri, link in cached.items():
            yield CheckResult(uri, link.docname, link.lineno, "working", " (cached)", 0)
        yield from checked

    def process_result(self, result: CheckResult) -> None:
        if result.status not in (UNVERIFIED, UNREACHABLE):
            super().process_result(result)
            return
        filename = self.env.doc2path(result.docname, False)
        self.write_linkstat({"filename": str(filename), "lineno": result.lineno, "status": result.status,
                             "code": result.code, "uri": result.uri, "info": result.message})
        logger.info("(%16s: line %4d) %-10s%s - %s", result.docname, result.lineno, result.status,
                    result.uri, result.message)
        self.write_entry(result.status, result.docname, filename, result.lineno,
                         f"{result.uri}: {result.message}")
        if result.status == UNREACHABLE:
            self.unreachable_links += 1


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


# -- the report ---------------------------------------------------------------------------

def build_report(results: list[CheckResult], locations: dict[str, list[Location]],
                 cached: int) -> dict[str, Any]:
    """Per page, per paper, the links that are not working; totals by status."""
    totals: Counter[str] = Counter()
    pages: dict[str, dict[str, dict[str, Any]]] = {}
    for result in results:
        status = str(result.status)
        places = locations.get(result.uri) or [Location(result.docname, result.lineno, "", "", "")]
        totals[status] += 1
        if status not in REPORTED:
            continue
        for place in places:
            paper_key = place.key or f"line {place.line}"
            paper = pages.setdefault(place.docname, {}).setdefault(
                paper_key, {"title": place.paper or "(not in a paper)", "key": place.key, "links": []})
            paper["links"].append({"label": place.label, "url": result.uri, "status": status,
                                   "line": place.line, "info": result.message.strip()})
    ordered = {
        docname: sorted(papers.values(), key=lambda paper: min(link["line"] for link in paper["links"]))
        for docname, papers in sorted(pages.items())
    }
    for papers in ordered.values():
        for paper in papers:
            paper["links"].sort(key=lambda link: (link["line"], link["url"]))
    return {"version": 1, "totals": dict(sorted(totals.items())), "unique_links": len(results),
            "from_cache": cached, "pages": ordered}


def report_lines(report: dict[str, Any], env) -> list[str]:
    totals = report["totals"]
    lines = ["", "Papershelf link report"]
    for docname, papers in report["pages"].items():
        lines.append(f"{env.doc2path(docname, False)}")
        for paper in papers:
            lines.append(f"  {paper['title']}")
            for link in paper["links"]:
                label = f"{link['label']}: " if link["label"] else ""
                lines.append(f"    line {link['line']}: [{link['status']}] {label}{link['url']}"
                             + (f" - {link['info']}" if link["info"] else ""))
    summary = ", ".join(f"{count} {status}" for status, count in sorted(totals.items())) or "no links"
    lines.append(f"{report['unique_links']} links: {summary} ({report['from_cache']} working links "
                 "taken from the cache)")
    checked = sum(count for status, count in totals.items() if status not in ("unchecked", "ignored"))
    if checked and totals.get(UNREACHABLE, 0) == checked:
        lines.append("No host could be reached: this machine may have no internet access. "
                     "Nothing is known about these links; run linkcheck again when online.")
    return lines


def write_report(report: dict[str, Any], outdir: Path, env) -> None:
    (outdir / "papers-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    (outdir / "papers-report.txt").write_text("\n".join(report_lines(report, env)[1:]) + "\n",
                                               encoding="utf-8")


def setup_linkcheck(app: Sphinx) -> None:
    app.add_builder(PaperLinkcheckBuilder, override=True)
    app.add_config_value("papershelf_linkcheck_intervals", {}, "", types=frozenset({dict}),
                         description="Seconds between requests to a host (arxiv.org: 3 by default).")
    app.add_config_value("papershelf_linkcheck_default_interval", 0.0, "", types=frozenset({int, float}))
    app.add_config_value("papershelf_linkcheck_max_connections", 2, "", types=frozenset({int}))
    app.add_config_value("papershelf_linkcheck_unreachable_after", 2, "", types=frozenset({int}))
    app.add_config_value("papershelf_linkcheck_unverified_hosts", list(DEFAULT_UNVERIFIED_HOSTS), "",
                         types=frozenset({list, tuple}))
    app.add_config_value("papershelf_linkcheck_backoff", (5.0, 60.0), "", types=frozenset({list, tuple}))
    app.add_config_value("papershelf_linkcheck_retry_after_max", 300.0, "", types=frozenset({int, float}))
    app.add_config_value("papershelf_linkcheck_cache_days", 7.0, "", types=frozenset({int, float}))
    app.add_config_value("papershelf_linkcheck_cache_jitter", 0.1, "", types=frozenset({int, float}))
