"""The checking threads: each takes the next link whose host may take it
(:class:`.politeness.LinkQueue`), checks it (:class:`.check.LinkChecker`) in a
thread of its own, and gives up on it at its deadline, whatever the host is
doing then. Results come out of :meth:`Pool.results` as they are known.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .check import Attempt, CheckSettings, LinkChecker, Outcome, Retry, given_up_outcome
from .politeness import Hosts, Job, LinkQueue

if TYPE_CHECKING:
    from collections.abc import Iterator

#: How long past its deadline a check may take to report by itself (a
#: connect timeout ends right at the deadline) before it is given up on.
GRACE = 1.0


@dataclass(frozen=True)
class Result:
    uri: str
    docname: str
    lineno: int
    status: str
    message: str = ""
    code: int = 0
    remember: bool = False
    #: taken from the cache rather than checked in this run
    cached: bool = False


class Pool:
    def __init__(self, settings: CheckSettings, hosts: Hosts, workers: int, link_deadline: float,
                 run_deadline: float) -> None:
        self.settings = settings
        self.hosts = hosts
        self.link_deadline = link_deadline
        self.run_deadline = run_deadline
        self.started = time.monotonic()
        self.run_end = self.started + run_deadline if run_deadline > 0 else None
        self.queue = LinkQueue(hosts, self.run_end)
        self._results: queue.Queue[Result] = queue.Queue()
        self._workers = [threading.Thread(target=self._work, name=f"papershelf-linkcheck-{n}", daemon=True)
                         for n in range(max(1, workers))]
        self._total = 0

    def results(self, jobs: list[Job], poll: float = 0.5) -> Iterator[Result | None]:
        """Each link's result as it is known; None every ``poll`` seconds
        while none comes, so that the caller can save what it has."""
        for job in jobs:
            self.queue.put(job)
        self._total = len(jobs)
        for worker in self._workers:
            worker.start()
        done = 0
        try:
            while done < self._total:
                try:
                    result = self._results.get(timeout=poll)
                except queue.Empty:
                    if self.run_end is not None and time.monotonic() >= self.run_end:
                        for job in self.queue.leftover():
                            self._put(job, Outcome("unchecked", f"not checked: the run's deadline of "
                                                                f"{self.run_deadline:g} s had passed"))
                    yield None
                    continue
                done += 1
                yield result
        finally:
            self.queue.stop()

    def _put(self, job: Job, outcome: Outcome) -> None:
        self._results.put(Result(job.uri, job.docname, job.lineno, outcome.status, outcome.message,
                                 outcome.code, outcome.remember))

    def _work(self) -> None:
        checker = LinkChecker(self.settings, self.hosts)
        try:
            while True:
                handed = self.queue.get()
                if handed is None:
                    return
                job, holding = handed
                if not holding:
                    self._put(job, given_up_outcome(self.hosts, job.origin))
                    continue
                outcome, checker = self._run(job, checker)
                if isinstance(outcome, Retry):
                    job.not_before = outcome.at
                    self.queue.put(job, first=True)
                else:
                    self._put(job, outcome)
        finally:
            checker.close()

    def _run(self, job: Job, checker: LinkChecker) -> tuple[Outcome | Retry, LinkChecker]:
        """Check one link in a thread of its own, waiting no longer than its
        deadline; a check given up on keeps its checker (and session), so the
        worker goes on with a new one."""
        now = time.monotonic()
        if job.deadline is None:
            job.deadline = now + self.link_deadline
            if self.run_end is not None:
                job.deadline = min(job.deadline, self.run_end)
        attempt = Attempt(self.hosts, job.deadline, job.origin, self.link_deadline)
        box: list[Outcome | Retry] = []

        def check() -> None:
            try:
                box.append(checker.check(job.uri, attempt))
            except Exception as error:  # noqa: BLE001 - one link's failure is its result, not the run's
                box.append(Outcome("broken", f"{error.__class__.__name__}: {error}"))
            finally:
                attempt.cancel()   # lets go of anything still held

        thread = threading.Thread(target=check, name=f"papershelf-check {job.uri}", daemon=True)
        thread.start()
        thread.join(timeout=max(0.0, job.deadline - time.monotonic()) + GRACE)
        if box:
            return box[0], checker
        attempt.overran()
        attempt.cancel()
        return (Outcome(self.settings.timeout_status,
                        f"no result within the link's deadline of {self.link_deadline:g} s ({attempt.doing})"),
                LinkChecker(self.settings, self.hosts))
