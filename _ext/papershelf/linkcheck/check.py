"""One link checked over HTTP with ``requests``, within a deadline.

Every request (each method tried, each redirect, each retry) waits its turn
for its host (:mod:`.politeness`) and gets a connect and read timeout no
longer than what is left of the link's deadline. Bodies are read only to look
for an anchor, and then at most ``anchor_bytes`` of them. What no timeout can
bound (a name look-up that hangs, headers sent a byte at a time) is bounded by
the worker that runs the check (:mod:`.workers`), which gives up on it at the
deadline and shuts its connection.
"""

from __future__ import annotations

import codecs
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import requests
from requests.cookies import extract_cookies_to_jar
from requests.exceptions import (
    ConnectionError as RequestsConnectionError,
    ConnectTimeout,
    SSLError,
    Timeout,
    TooManyRedirects,
)
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from .politeness import Hosts, host_of, host_setting, origin_of

if TYPE_CHECKING:
    from re import Pattern

#: Statuses beyond Sphinx's own: the link could not be judged.
UNVERIFIED = "unverified"
UNREACHABLE = "unreachable"

DEFAULT_UNVERIFIED_HOSTS = ("openreview.net", "dl.acm.org", "ieeexplore.ieee.org",
                            "www.sciencedirect.com", "www.researchgate.net", "link.springer.com",
                            "onlinelibrary.wiley.com", "www.semanticscholar.org")
#: Redirects that paper hosts always make, in ``linkcheck_allowed_redirects``'s
#: form (a pattern of the link, a pattern of where it may lead); a site's own
#: ``linkcheck_allowed_redirects`` adds to them.
PAPER_HOST_REDIRECTS = {
    r"https?://(dx\.)?doi\.org/": r".",
    r"https?://(www\.|export\.)?arxiv\.org/": r"https?://arxiv\.org/",
}
REFUSING_CODES = frozenset({401, 403, 405, 406, 418, 451, 999})
#: Sent when ``linkcheck_request_headers`` names the link (as Sphinx does).
DEFAULT_REQUEST_HEADERS = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
MAX_REDIRECTS = 30
_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class CheckSettings:
    """Everything a check reads from the configuration, read once."""
    timeout: float
    retries: int = 1
    anchors: bool = True
    anchors_ignore: tuple[Pattern[str], ...] = ()
    anchors_ignore_for_url: tuple[Pattern[str], ...] = ()
    ignore: tuple[Pattern[str], ...] = ()
    auth: tuple[tuple[Pattern[str], Any], ...] = ()
    request_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    allowed_redirects: tuple[tuple[Pattern[str], Pattern[str]], ...] = ()
    case_insensitive: tuple[Pattern[str], ...] = ()
    allow_unauthorized: bool = False
    timeout_status: str = "timeout"
    user_agent: str = "papershelf"
    tls_verify: bool = True
    tls_cacerts: str | dict[str, str] | None = None
    unverified_hosts: dict[str, bool] = field(default_factory=dict)
    backoff: float = 5.0
    rate_limit_timeout: float = 300.0
    anchor_bytes: int = 4 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str = ""
    code: int = 0
    #: an answer worth keeping for a while (a 429 that never ended, a refusal)
    remember: bool = False


@dataclass(frozen=True)
class Retry:
    """Check the link again at ``at`` (monotonic), after a 429."""
    at: float


class DeadlinePassed(Exception):
    pass


class HostGivenUp(Exception):
    pass


class IgnoredRedirect(Exception):
    def __init__(self, destination: str, code: int) -> None:
        super().__init__(destination)
        self.destination, self.code = destination, code


class Attempt:
    """One run of a link's check: what it is doing, for the message when it
    runs out of time, and what to let go of when it is given up on."""

    def __init__(self, hosts: Hosts, deadline: float, held: str | None, limit: float) -> None:
        self.hosts = hosts
        self.deadline = deadline
        #: the link's deadline in seconds, for messages
        self.limit = limit
        self.doing = "starting"
        self.connecting_to: str | None = None
        #: the host being waited for (its answer or its page), if any
        self.talking_to: str | None = None
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._held: list[str] = [held] if held else []
        self._response: requests.Response | None = None

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0 or self.cancelled.is_set():
            raise DeadlinePassed(self.doing)
        return left

    def acquire(self, origin: str) -> None:
        """A slot for a request to ``origin``: the one taken when the link was
        handed out, else a new one, waited for within the deadline."""
        with self._lock:
            if origin in self._held:
                return
        self.doing = f"waiting for its turn at {origin}"
        if not self.hosts.acquire(origin, self.deadline):
            raise DeadlinePassed(self.doing)
        with self._lock:
            if self.cancelled.is_set():
                self.hosts.release(origin)
                raise DeadlinePassed(self.doing)
            self._held.append(origin)

    def release(self, origin: str) -> None:
        with self._lock:
            if origin not in self._held:
                return
            self._held.remove(origin)
        self.hosts.release(origin)

    def reading(self, response: requests.Response | None) -> None:
        with self._lock:
            self._response = response
        if self.cancelled.is_set() and response is not None:
            _shut(response)

    def overran(self) -> None:
        """Count the deadline passed against the host being waited for, once
        (the check and the worker that gives up on it may both see it)."""
        with self._lock:
            origin, self.talking_to = self.talking_to, None
        if origin:
            self.hosts.overran(origin, self.limit)

    def cancel(self) -> None:
        """Give up: free the host's slots and stop a read in progress."""
        with self._lock:
            self.cancelled.set()
            held, self._held = self._held, []
            response = self._response
        for origin in held:
            self.hosts.release(origin)
        if response is not None:
            _shut(response)


def _shut(response: requests.Response) -> None:
    """Stop a read in progress in another thread: closing the socket does not
    wake it, shutting it down does (urllib3 2.3 and later)."""
    shutdown = getattr(response.raw, "shutdown", None)
    try:
        if shutdown is not None:
            shutdown()
        response.close()
    except Exception:  # noqa: BLE001 - a connection being torn down may fail in many ways
        pass


class LinkChecker:
    """Checks links; one per worker thread (it owns a ``requests`` session)."""

    def __init__(self, settings: CheckSettings, hosts: Hosts) -> None:
        self.settings = settings
        self.hosts = hosts
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    # -- one link -----------------------------------------------------------------

    def check(self, uri: str, attempt: Attempt) -> Outcome | Retry:
        req_url, _, anchor = uri.partition("#")
        anchor = self._anchor_to_find(req_url, anchor)
        auth = next((info for pattern, info in self.settings.auth if pattern.match(uri)), None)
        headers = _request_headers(uri, self.settings.request_headers)
        headers["User-Agent"] = self.settings.user_agent
        outcome: Outcome | Retry = Outcome("broken")
        try:
            for _ in range(max(1, self.settings.retries)):
                outcome = self._check_once(req_url, anchor, headers, auth, attempt)
                if not (isinstance(outcome, Outcome) and outcome.status == "broken"):
                    break
        except DeadlinePassed as passed:
            attempt.overran()
            return Outcome(self.settings.timeout_status,
                           f"no result within the link's deadline of {attempt.limit:g} s ({passed})")
        except HostGivenUp as given_up:
            return given_up_outcome(self.hosts, str(given_up))
        return outcome

    def _anchor_to_find(self, req_url: str, anchor: str) -> str:
        if not anchor or not self.settings.anchors:
            return ""
        if any(pattern.match(anchor) for pattern in self.settings.anchors_ignore):
            return ""
        if any(pattern.match(req_url) for pattern in self.settings.anchors_ignore_for_url):
            return ""
        return unquote(anchor)

    def _check_once(self, req_url: str, anchor: str, headers: dict[str, str], auth: Any,
                    attempt: Attempt) -> Outcome | Retry:
        methods = ("GET",) if anchor else ("HEAD", "GET")
        error_message = ""
        refusing: requests.Response | None = None
        for method in methods:
            try:
                response, origin, redirect_code = self._fetch(method, req_url, headers, auth, attempt)
            except ConnectTimeout:
                return self._cannot_reach(attempt.connecting_to or origin_of(req_url), "connection timed out")
            except Timeout as error:
                return Outcome(self.settings.timeout_status, str(error))
            except SSLError as error:
                return Outcome("broken", str(error))
            except IgnoredRedirect as redirect:
                return Outcome("ignored", f"ignored redirect: {redirect.destination}", redirect.code)
            except RequestsConnectionError as error:
                reason = cannot_reach_reason(error)
                if reason:
                    return self._cannot_reach(attempt.connecting_to or origin_of(req_url), reason)
                error_message = str(error)
                continue
            except TooManyRedirects as error:
                error_message = str(error)
                continue
            try:
                self.hosts.reached(origin, ok=response.status_code < 400)
                outcome = self._judge(req_url, anchor, response, origin, redirect_code, attempt)
            except DeadlinePassed:
                attempt.overran()     # while the host sent its page
                raise
            except ReadTimeoutError as error:
                # reading the page for its anchor: ``requests`` wraps none of these
                return Outcome(self.settings.timeout_status, str(error))
            except (ProtocolError, DecodeError, OSError) as error:
                return Outcome("broken", f"{error.__class__.__name__}: {error}")
            finally:
                attempt.reading(None)
                attempt.talking_to = None
                response.close()
                attempt.release(origin)
            if outcome is None:
                # an error status: the next method may do better
                error_message = _http_error(response)
                if response.status_code in REFUSING_CODES:
                    refusing = response
                continue
            return outcome
        if refusing is not None and self._refuses_checks(refusing):
            return Outcome(UNVERIFIED, f"{origin_of(refusing.url)} refuses automated checks "
                                       f"(HTTP {refusing.status_code})", remember=True)
        return Outcome("broken", error_message)

    def _cannot_reach(self, origin: str, reason: str) -> Outcome:
        self.hosts.failed(origin, reason)
        return unreachable(origin, reason)

    def _fetch(self, method: str, url: str, headers: dict[str, str], auth: Any,
               attempt: Attempt) -> tuple[requests.Response, str, int]:
        """The final answer for ``url``, redirects followed one by one, each
        waiting its host's turn; its body not read; its host's slot held; and
        the code of the last redirect (0 for none)."""
        session = self.session
        request = session.prepare_request(requests.Request(method, url, headers=headers, auth=auth))
        hops = redirect_code = 0
        while True:
            origin = origin_of(request.url or "")
            if self.hosts.given_up(origin):
                raise HostGivenUp(origin)
            attempt.acquire(origin)
            try:
                timeout = min(self.settings.timeout, attempt.remaining())
                verify = self._verify(request.url or "")
                proxies = session.merge_environment_settings(request.url, {}, False, verify, None)["proxies"]
                attempt.doing = f"waiting for an answer from {origin}"
                attempt.connecting_to = attempt.talking_to = origin
                response = session.get_adapter(request.url or "").send(
                    request, stream=True, timeout=(timeout, timeout), verify=verify, proxies=proxies)
                attempt.connecting_to = None
                attempt.reading(response)
                extract_cookies_to_jar(session.cookies, request, response.raw)
            except BaseException:
                attempt.talking_to = None
                attempt.release(origin)
                raise
            if not response.is_redirect:
                return response, origin, redirect_code
            hops += 1
            target = urljoin(response.url, session.get_redirect_target(response) or "")
            code = response.status_code
            attempt.reading(None)
            attempt.talking_to = None
            response.close()
            attempt.release(origin)
            if any(pattern.match(target) for pattern in self.settings.ignore):
                raise IgnoredRedirect(target, code)
            if hops > MAX_REDIRECTS:
                raise TooManyRedirects(f"Exceeded {MAX_REDIRECTS} redirects.")
            if code == 303 and method != "HEAD":
                method = "GET"
            if auth is not None and session.should_strip_auth(request.url or "", target):
                auth = None
            request = session.prepare_request(requests.Request(method, target, headers=headers, auth=auth))
            redirect_code = code

    def _verify(self, url: str) -> bool | str:
        if not self.settings.tls_verify:
            return False
        certs = self.settings.tls_cacerts
        if not certs:
            return True
        if isinstance(certs, str):
            return certs
        netloc = urlsplit(url).netloc.rpartition("@")[2]
        return certs.get(netloc, True)

    def _judge(self, req_url: str, anchor: str, response: requests.Response, origin: str,
               redirect_code: int, attempt: Attempt) -> Outcome | Retry | None:
        """The outcome of a final answer; None for an error status that the
        next method may answer better."""
        code = response.status_code
        if code == 401:
            if self._refuses_checks(response):
                return Outcome(UNVERIFIED, f"{origin} refuses automated checks (HTTP 401)", remember=True)
            return Outcome("working", "unauthorized") if self.settings.allow_unauthorized \
                else Outcome("broken", "unauthorized")
        if code == 429:
            return self._rate_limited(origin, response.headers.get("Retry-After", ""), attempt)
        if code == 503:
            return Outcome("ignored", "service unavailable")
        if code >= 400:
            return None
        if anchor and response.request.method == "GET":
            found, read = self._find_anchor(response, anchor, attempt)
            if found is None:
                return Outcome(UNVERIFIED, f"anchor '{quote(anchor)}' not found in the first "
                                           f"{_size(read)} of the page; the rest was not read")
            if not found:
                return Outcome("broken", f"Anchor '{quote(anchor)}' not found")
        final_url = response.url
        ignore_case = any(pattern.match(req_url) for pattern in self.settings.case_insensitive)
        if _normalise(final_url, ignore_case) == _normalise(req_url, ignore_case):
            return Outcome("working")
        if any(source.match(req_url) and target.match(final_url)
               for source, target in self.settings.allowed_redirects):
            return Outcome("working")
        if normal_redirect(req_url, final_url):
            return Outcome("working", f" (redirected to {final_url}, as {host_of(req_url)} always does)")
        return Outcome("redirected", final_url, redirect_code)

    def _find_anchor(self, response: requests.Response, anchor: str,
                     attempt: Attempt) -> tuple[bool | None, int]:
        """Whether the page has the anchor (None: not in the bytes read, the
        page being longer), and how many bytes were read."""
        parser = AnchorParser(anchor)
        decoder = codecs.getincrementaldecoder(_codec(response.encoding))(errors="replace")
        read = 0
        limit = self.settings.anchor_bytes
        read1 = getattr(response.raw, "read1", None)
        while not parser.found:
            attempt.remaining()
            attempt.doing = f"reading the page for its anchor, {_size(read)} read"
            want = min(_READ_SIZE, limit - read)
            if want <= 0:
                return None, read
            # read1 returns what has come, so a page sent a byte at a time
            # does not hold a read open past the deadline
            chunk = read1(want, decode_content=True) if read1 else response.raw.read(want, decode_content=True)
            if not chunk:
                break
            read += len(chunk)
            parser.feed(decoder.decode(chunk))
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
        return parser.found, read

    def _rate_limited(self, origin: str, retry_after: str, attempt: Attempt) -> Outcome | Retry:
        """429: wait as ``Retry-After`` says (seconds or an HTTP date); without
        it, from a short wait, doubling, the longest wait being
        ``linkcheck_rate_limit_timeout`` (as Sphinx does); and never past the
        link's deadline."""
        delay = _retry_after_seconds(retry_after)
        told = delay is not None
        if delay is None:
            limit = self.settings.rate_limit_timeout
            previous = self.hosts.last_backoff(origin)
            if previous is None:
                delay = self.settings.backoff
            else:
                delay = 2 * previous
                if delay > limit > previous:
                    delay = limit
            if delay > limit:
                return Outcome(UNVERIFIED, f"{origin} kept answering 429 Too Many Requests", remember=True)
        now = time.monotonic()
        if now + delay >= attempt.deadline:
            why = f"asks to wait {delay:.0f} s" if told else f"waiting {delay:g} s more"
            return Outcome(UNVERIFIED, f"{origin} answered 429 Too Many Requests ({why} would pass the "
                                       "link's deadline)", remember=True)
        self.hosts.pause(origin, now + delay, None if told else delay)
        return Retry(now + delay)

    def _refuses_checks(self, response: requests.Response) -> bool:
        if response.status_code not in REFUSING_CODES:
            return False
        if response.headers.get("cf-mitigated") == "challenge":
            return True
        return bool(host_setting(self.settings.unverified_hosts, host_of(response.url), False))


def unreachable(origin: str, reason: str) -> Outcome:
    return Outcome(UNREACHABLE, f"{origin} could not be reached ({reason})" if reason
                   else f"{origin} could not be reached")


def given_up_outcome(hosts: Hosts, origin: str) -> Outcome:
    """The result of a link to a host given up on, without asking it."""
    if origin in hosts.dead:
        return unreachable(origin, hosts.dead[origin])
    return Outcome(UNVERIFIED, f"{origin} was not asked: {hosts.slow.get(origin, 'given up on')}")


def cannot_reach_reason(error: BaseException) -> str:
    """Why a connection could not be made (no name, refused, no route), or ""
    for an error after the connection was made (a reset, say)."""
    text = repr(error)
    for markers, reason in (
        (("NameResolutionError", "Failed to resolve", "Name or service not known", "nodename nor servname",
          "Temporary failure in name resolution"), "name not resolved"),
        (("Connection refused", "ConnectionRefusedError"), "connection refused"),
        (("No route to host",), "no route to host"),
        (("Network is unreachable",), "network is unreachable"),
    ):
        if any(marker in text for marker in markers):
            return reason
    return ""


def normal_redirect(source: str, target: str) -> bool:
    """A redirect that a paper host always makes, or http to https."""
    if not target:
        return False
    source_parts, target_parts = urlsplit(source), urlsplit(target)
    if source_parts.scheme == "http" and target_parts.scheme == "https" and \
            source_parts.netloc == target_parts.netloc and source_parts.path == target_parts.path:
        return True
    return any(re.match(origin, source) and re.match(destination, target)
               for origin, destination in PAPER_HOST_REDIRECTS.items())


class AnchorParser(HTMLParser):
    """Looks for an element with the anchor as its ``id`` or ``name``."""

    def __init__(self, anchor: str) -> None:
        super().__init__()
        self.anchor = anchor
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(key in ("id", "name") and value == self.anchor for key, value in attrs):
            self.found = True


def _request_headers(uri: str, table: dict[str, dict[str, str]]) -> dict[str, str]:
    """``linkcheck_request_headers``, looked up as Sphinx does."""
    url = urlsplit(uri)
    for candidate in (f"{url.scheme}://{url.netloc}", f"{url.scheme}://{url.netloc}/", uri, "*"):
        if candidate in table:
            return {**DEFAULT_REQUEST_HEADERS, **table[candidate]}
    return {}


def _retry_after_seconds(value: str) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _normalise(url: str, ignore_case: bool) -> str:
    url = url.rstrip("/")
    if not ignore_case:
        return url
    part, sep, fragment = url.partition("#")
    return f"{part.casefold()}{sep}{fragment}"


def _http_error(response: requests.Response) -> str:
    try:
        response.raise_for_status()
    except requests.HTTPError as error:
        return str(error)
    return f"HTTP {response.status_code}"


def _codec(encoding: str | None) -> str:
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        return "utf-8"


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} kB"
    return f"{count} bytes"
