"""Polite HTTP for the metadata sources.

One :class:`PoliteClient` per source: a ``requests`` session holding a single
connection, a minimum interval between requests (from the end of one to the
start of the next), and backoff on 429 and 5xx answers (``Retry-After`` is
honoured, as seconds or as a date).  A source that cannot be reached raises
:class:`~papershelf.sources.SourceError` at once: there is nothing to gain in
retrying a machine with no network.

``PAPERSHELF_REQUEST_INTERVAL`` (seconds) replaces every source's interval
and ``PAPERSHELF_BACKOFF`` the first wait after a 429 or 5xx without
``Retry-After``: tests set them small so that they run fast.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .. import __version__
from . import SourceError, endpoint

#: seconds between two requests to a source, by default
INTERVALS = {"arxiv": 3.0, "s2": 1.0, "dblp": 1.0, "openreview": 1.0, "crossref": 0.2}
#: first wait after a 429 or 5xx without Retry-After; it doubles each time
BACKOFF = 5.0
#: tries of one request before the source counts as failing
TRIES = 4
#: the longest wait honoured, from Retry-After or from doubling
LONGEST_WAIT = 120.0
TIMEOUT = 30.0


def _env_seconds(name: str) -> float | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class PoliteClient:
    """Requests to one source, spaced and retried."""

    def __init__(self, source: str, headers: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.source = source
        self.base = endpoint(source)
        self.interval = _env_seconds("PAPERSHELF_REQUEST_INTERVAL")
        if self.interval is None:
            self.interval = INTERVALS[source]
        backoff = _env_seconds("PAPERSHELF_BACKOFF")
        self.backoff = BACKOFF if backoff is None else backoff
        self.sleep = sleep
        self.requests = 0
        self._last_end: float | None = None
        self._lock = threading.Lock()
        self.session = requests.Session()
        # one connection, kept alive, and never a second one in parallel
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, pool_block=True, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = f"papershelf/{__version__}"
        self.session.headers.update(headers or {})

    def close(self) -> None:
        self.session.close()

    def _wait_turn(self) -> None:
        if self._last_end is not None:
            remaining = self._last_end + self.interval - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response | None:
        """The answer to a request, or ``None`` for a 404.

        Raises :class:`SourceError` when the source cannot be reached or keeps
        answering 429 or 5xx.
        """
        kwargs.setdefault("timeout", TIMEOUT)
        wait = self.backoff
        with self._lock:
            for attempt in range(1, TRIES + 1):
                self._wait_turn()
                try:
                    response = self.session.request(method, url, **kwargs)
                    response.content  # noqa: B018 - read it all before the clock restarts
                except requests.RequestException as error:
                    self._last_end = time.monotonic()
                    raise SourceError(self.source, url, _reason(error)) from None
                finally:
                    self.requests += 1
                self._last_end = time.monotonic()
                status = response.status_code
                if status == 404:
                    return None
                if status == 429 or status >= 500:
                    if attempt == TRIES:
                        raise SourceError(self.source, url,
                                          f"HTTP {status} after {TRIES} tries")
                    pause = retry_after(response.headers.get("Retry-After"))
                    pause = min(LONGEST_WAIT, wait if pause is None else pause)
                    wait = min(LONGEST_WAIT, wait * 2)
                    self.sleep(pause)
                    continue
                if status >= 400:
                    raise SourceError(self.source, url, f"HTTP {status}")
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, url: str, **kwargs: Any) -> requests.Response | None:
        return self.request("GET", url, **kwargs)

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.request(method, url, **kwargs)
        if response is None:
            return None
        try:
            return response.json()
        except ValueError:
            raise SourceError(self.source, url, "the answer is not JSON") from None


def _reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "no answer in time"
    if isinstance(error, requests.ConnectionError):
        text = str(error)
        if "Name or service not known" in text or "NameResolution" in text or "getaddrinfo" in text:
            return "the host name cannot be resolved (no network?)"
        if "Connection refused" in text:
            return "connection refused"
        return "no connection (no network?)"
    return type(error).__name__
