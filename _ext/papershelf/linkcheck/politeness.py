"""What the checking threads share about each host: the spacing of requests,
the connections at a time, the pause a 429 asks for, the hosts given up on,
and the queue of links that hands out a link only when its host may take it.

No Sphinx and no HTTP here: only time and threads.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_INTERVALS = {"arxiv.org": 3.0, "export.arxiv.org": 3.0}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """Host and port: what spacing, caps and reachability are kept per."""
    return urlsplit(url).netloc.lower()


def host_setting(table: dict[str, Any], host: str, default: Any) -> Any:
    """A per-host setting: the host itself, else its parent domains."""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in table:
            return table[candidate]
    return default


class Hosts:
    """Per origin: when the next request may start, how many are running, a
    pause asked for by a 429, the last back-off wait, and failures to connect."""

    def __init__(self, intervals: dict[str, float], default_interval: float, max_connections: int,
                 unreachable_after: int) -> None:
        self.intervals = {host.lower(): float(seconds) for host, seconds in intervals.items()}
        self.default_interval = float(default_interval)
        self.max_connections = max(1, int(max_connections))
        self.unreachable_after = max(1, int(unreachable_after))
        self.lock = threading.Condition()
        self._next: dict[str, float] = {}
        self._active: Counter[str] = Counter()
        self._failures: Counter[str] = Counter()
        self._backoff: dict[str, float] = {}
        #: origins given up on, with the reason: not reached, or too slow
        self.dead: dict[str, str] = {}
        self.slow: dict[str, str] = {}
        self._overruns: Counter[str] = Counter()
        #: every request sent, as (origin, monotonic start time)
        self.requests: list[tuple[str, float]] = []

    def interval(self, origin: str) -> float:
        return float(host_setting(self.intervals, host_of(f"//{origin}"), self.default_interval))

    def cap(self, origin: str) -> int:
        """A host with an interval gets one request at a time, and so does a
        host that could not be connected to lately (until it answers) or that
        let a link run out of its deadline."""
        if self.interval(origin) > 0 or self._failures[origin] or self._overruns[origin]:
            return 1
        return self.max_connections

    # -- slots (call with the lock held, or through acquire) -------------------

    def ready_at(self, origin: str, now: float) -> float | None:
        """When a request to ``origin`` may start (``now`` or later), or
        None while all its connections are busy."""
        if self._active[origin] >= self.cap(origin):
            return None
        return max(now, self._next.get(origin, 0.0))

    def take(self, origin: str, now: float) -> None:
        self._active[origin] += 1
        self.requests.append((origin, now))

    def acquire(self, origin: str, until: float) -> bool:
        """Wait for a free connection to ``origin`` and for its interval to
        pass; False when ``until`` (a monotonic time) comes first."""
        with self.lock:
            while True:
                now = time.monotonic()
                ready = self.ready_at(origin, now)
                if ready is not None and ready <= now:
                    self.take(origin, now)
                    return True
                if now >= until:
                    return False
                wait = min(until, ready) - now if ready is not None else until - now
                self.lock.wait(timeout=max(0.005, min(wait, 0.5)))

    def release(self, origin: str) -> None:
        """The interval runs from the end of one request to the start of the
        next, so the host never sees two requests closer than that."""
        with self.lock:
            self._active[origin] -= 1
            self._next[origin] = max(self._next.get(origin, 0.0), time.monotonic() + self.interval(origin))
            self.lock.notify_all()

    # -- 429 ---------------------------------------------------------------------

    def pause(self, origin: str, until: float, backoff: float | None) -> None:
        """No request to ``origin`` before ``until``; ``backoff`` is the wait
        that a next 429 without Retry-After doubles (None: unchanged)."""
        with self.lock:
            self._next[origin] = max(self._next.get(origin, 0.0), until)
            if backoff is not None:
                self._backoff[origin] = backoff
            self.lock.notify_all()

    def last_backoff(self, origin: str) -> float | None:
        with self.lock:
            return self._backoff.get(origin)

    # -- reachability --------------------------------------------------------------

    def failed(self, origin: str, reason: str) -> None:
        """A connection that could not be made (no name, refused, timed out)."""
        with self.lock:
            self._failures[origin] += 1
            if self._failures[origin] >= self.unreachable_after:
                self.dead.setdefault(origin, reason)
            self.lock.notify_all()

    def overran(self, origin: str, limit: float) -> None:
        """A link whose check ran out of its deadline while ``origin`` was
        answering (slowly) or sending its page (slowly): enough of them, and
        the host's other links are not asked, so that a slow host costs a
        few deadlines, not one per link."""
        with self.lock:
            self._overruns[origin] += 1
            if self._overruns[origin] >= self.unreachable_after:
                self.slow.setdefault(origin, f"{self._overruns[origin]} of its links took longer than their "
                                             f"deadline of {limit:g} s")
            self.lock.notify_all()

    def given_up(self, origin: str) -> bool:
        return origin in self.dead or origin in self.slow

    def reached(self, origin: str, ok: bool) -> None:
        """An answer came: the failures to connect so far were passing ones;
        and a good answer (``ok``) ends a streak of 429s."""
        with self.lock:
            self._failures.pop(origin, None)
            if ok:
                self._backoff.pop(origin, None)


@dataclass
class Job:
    """A link waiting to be checked, or waiting again after a 429."""
    uri: str
    docname: str
    lineno: int
    origin: str
    not_before: float = 0.0
    #: the monotonic time by which its check must end, set when it first starts
    deadline: float | None = None


class LinkQueue:
    """Links by origin, handed out only when their host may take a request
    now, so that a thread never sits waiting for a busy host while another
    host's links wait behind it. The slot taken for the link's first request
    is the caller's to release."""

    def __init__(self, hosts: Hosts, run_end: float | None) -> None:
        self.hosts = hosts
        self.run_end = run_end
        self._pending: dict[str, deque[Job]] = {}
        self.stopped = False

    def put(self, job: Job, first: bool = False) -> None:
        with self.hosts.lock:
            queue = self._pending.setdefault(job.origin, deque())
            if first:
                queue.appendleft(job)
            else:
                queue.append(job)
            self.hosts.lock.notify_all()

    def stop(self) -> None:
        with self.hosts.lock:
            self.stopped = True
            self.hosts.lock.notify_all()

    def leftover(self) -> list[Job]:
        """The links never started (the run's deadline came first)."""
        with self.hosts.lock:
            jobs = [job for queue in self._pending.values() for job in queue]
            self._pending.clear()
            return jobs

    def get(self) -> tuple[Job, bool] | None:
        """The next link whose host may take it, and whether a slot was taken
        for it (False for a host given up on, whose links get no request);
        None when the queue is stopped or the run's deadline has passed."""
        with self.hosts.lock:
            while True:
                now = time.monotonic()
                if self.stopped or (self.run_end is not None and now >= self.run_end):
                    return None
                soonest = now + 0.5
                for origin, queue in list(self._pending.items()):
                    if not queue:
                        del self._pending[origin]
                        continue
                    job = queue[0]
                    if self.hosts.given_up(origin):
                        queue.popleft()
                        return job, False
                    ready = self.hosts.ready_at(origin, now)
                    if ready is None:
                        continue
                    ready = max(ready, job.not_before)
                    if ready <= now:
                        queue.popleft()
                        self.hosts.take(origin, now)
                        return job, True
                    soonest = min(soonest, ready)
                if self.run_end is not None:
                    soonest = min(soonest, self.run_end)
                self.hosts.lock.wait(timeout=max(0.002, soonest - now))
